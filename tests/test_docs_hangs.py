"""The docs tools end, on hostile inputs (issue 20 items 6, 7, 8, 11).

Schemas that refer to themselves or fan out (through ``$ref`` or YAML aliases), ``allOf`` cycles, YAML
nested thousands deep, and addresses that drip or send a huge page. Each script runs in a child process (or
a thread) with a time bound, so that a regression fails the test instead of hanging the suite; the loopback
servers stop by themselves.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_docs_check import FIXTURES, ROOT, docs_check

BOUND = 60  # seconds: far above what each run needs once fixed (well under one), far below "never ends"
PYTHON = sys.executable


def run(script: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [PYTHON, str(ROOT / "scripts" / script), *map(str, args)]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=BOUND, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{script} did not end within {BOUND} s")


def write_yaml(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def spec_with(schemas: dict[str, Any], answer: str) -> dict[str, Any]:
    """A one-operation spec whose answer is ``#/components/schemas/<answer>``."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "hostile", "version": "1"},
        "paths": {
            "/v1/tree": {
                "post": {
                    "operationId": "tree",
                    "x-facade": "trees.read",
                    "x-doc-status": "documented",
                    "responses": {
                        "200": {
                            "description": "x",
                            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{answer}"}}},
                        }
                    },
                }
            }
        },
        "components": {"schemas": schemas},
    }


TREE = {
    "Node": {
        "type": "object",
        "properties": {
            "value": {"type": "string"},
            "left": {"$ref": "#/components/schemas/Node"},
            "right": {"$ref": "#/components/schemas/Node"},
            "parent": {"$ref": "#/components/schemas/Node"},
        },
    }
}


def fan_out(levels: int = 10, width: int = 8) -> dict[str, Any]:
    """L0 .. L<levels>: each level's ``width`` properties all refer to the next level (width ** levels fields)."""
    schemas: dict[str, Any] = {f"L{levels}": {"type": "object", "properties": {"leaf": {"type": "string"}}}}
    for level in range(levels - 1, -1, -1):
        ref = {"$ref": f"#/components/schemas/L{level + 1}"}
        schemas[f"L{level}"] = {"type": "object", "properties": {f"p{i}": dict(ref) for i in range(width)}}
    return schemas


# ---------------------------------------------------------------------------------------------- item 6


def test_spec_diff_ends_on_a_schema_with_three_self_references(tmp_path: Path) -> None:
    spec = write_yaml(tmp_path / "tree.yaml", spec_with(TREE, "Node"))
    done = run("spec_diff.py", "--base-file", spec, "--spec", spec, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["breaking"] == 0
    # a change below the recursion is still seen
    changed = spec_with(json.loads(json.dumps(TREE)), "Node")
    changed["components"]["schemas"]["Node"]["properties"]["value"] = {"type": "integer"}
    done = run("spec_diff.py", "--base-file", spec, "--spec", write_yaml(tmp_path / "new.yaml", changed), "--json")
    assert done.returncode == 1 and '"path": "value"' in done.stdout


def test_spec_diff_refuses_a_schema_that_fans_out_too_far(tmp_path: Path) -> None:
    spec = write_yaml(tmp_path / "fan.yaml", spec_with(fan_out(), "L0"))
    done = run("spec_diff.py", "--base-file", spec, "--spec", spec)
    assert done.returncode == 2
    assert "too complex" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------------------------------------- item 7


def page(document_yaml: str, title: str = "Read a tree") -> str:
    return f"# {title}\n\nWritten for tests/test_docs_hangs.py.\n\n## OpenAPI Specification\n\n```yaml\n{document_yaml}```\n"


ALIASES = """openapi: 3.0.1
info: {title: '', version: 1.0.0}
paths:
  /v1/tree:
    post:
      responses:
        '200':
          description: ''
          content:
            application/json:
              schema: &l0
                type: object
                properties: {p0: &l1 {type: object, properties: {p0: &l2 {type: object, properties: {p0: &l3
                  {type: object, properties: {p0: &l4 {type: object, properties: {p0: &l5 {type: object,
                  properties: {p0: &l6 {type: object, properties: {p0: &l7 {type: object, properties: {p0: &l8
                  {type: object, properties: {p0: &l9 {type: object, properties: {leaf: {type: string}}},
                  p1: *l9, p2: *l9, p3: *l9, p4: *l9, p5: *l9, p6: *l9, p7: *l9}},
                  p1: *l8, p2: *l8, p3: *l8, p4: *l8, p5: *l8, p6: *l8, p7: *l8}},
                  p1: *l7, p2: *l7, p3: *l7, p4: *l7, p5: *l7, p6: *l7, p7: *l7}},
                  p1: *l6, p2: *l6, p3: *l6, p4: *l6, p5: *l6, p6: *l6, p7: *l6}},
                  p1: *l5, p2: *l5, p3: *l5, p4: *l5, p5: *l5, p6: *l5, p7: *l5}},
                  p1: *l4, p2: *l4, p3: *l4, p4: *l4, p5: *l4, p6: *l4, p7: *l4}},
                  p1: *l3, p2: *l3, p3: *l3, p4: *l3, p5: *l3, p6: *l3, p7: *l3}},
                  p1: *l2, p2: *l2, p3: *l2, p4: *l2, p5: *l2, p6: *l2, p7: *l2}},
                  p1: *l1, p2: *l1, p3: *l1, p4: *l1, p5: *l1, p6: *l1, p7: *l1}
"""


@pytest.mark.parametrize("how", ["aliases", "refs"])
def test_docs_check_refuses_a_page_whose_schemas_fan_out(tmp_path: Path, how: str) -> None:
    if how == "aliases":
        text = page(ALIASES)
        assert len(text) < 2500  # a small page
    else:
        document = spec_with(fan_out(), "L0")
        text = page(yaml.safe_dump(document, sort_keys=False))
    source = tmp_path / "tree.md"
    source.write_text(text, encoding="utf-8")
    done = run("docs_check.py", "--spec", FIXTURES / "spec.yaml", source)
    assert done.returncode == 2, done.stdout[-2000:]
    assert "too complex" in done.stderr and "Traceback" not in done.stderr


def test_docs_check_reads_a_recursive_schema_once(tmp_path: Path) -> None:
    spec = write_yaml(tmp_path / "tree.yaml", spec_with(TREE, "Node"))
    source = tmp_path / "tree.md"
    source.write_text(page(spec.read_text(encoding="utf-8")), encoding="utf-8")
    done = run("docs_check.py", "--json", "--spec", spec, source)
    (op,) = json.loads(done.stdout)["operations"]
    assert op["pages"][0]["response_fields"] == ["value", "left", "right", "parent"]
    assert [d["kind"] for d in op["drift"]] == ["doc-status"]  # no request on the page: not "documented"


# ---------------------------------------------------------------------------------------------- item 11


CYCLE = {
    "A": {"allOf": [{"$ref": "#/components/schemas/B"}, {"type": "object", "properties": {"a": {"type": "string"}}}]},
    "B": {"allOf": [{"$ref": "#/components/schemas/A"}]},
}


def test_an_allof_cycle_in_the_spec_or_a_page_exits_2_with_a_message(tmp_path: Path) -> None:
    spec = write_yaml(tmp_path / "cycle.yaml", spec_with(CYCLE, "A"))
    done = run("docs_check.py", "--spec", spec, FIXTURES / "clean" / "open.md")
    assert done.returncode == 2 and "allOf loop" in done.stderr and "Traceback" not in done.stderr
    source = tmp_path / "cycle.md"
    source.write_text(page(spec.read_text(encoding="utf-8")), encoding="utf-8")
    done = run("docs_check.py", "--spec", FIXTURES / "spec.yaml", source)
    assert done.returncode == 2 and "allOf loop" in done.stderr and "Traceback" not in done.stderr
    done = run("spec_diff.py", "--base-file", spec, "--spec", spec)
    assert done.returncode == 2 and "allOf loop" in done.stderr and "Traceback" not in done.stderr


def test_yaml_nested_thousands_deep_exits_2_with_a_message(tmp_path: Path) -> None:
    deep = "openapi: 3.0.1\npaths: {}\nx-deep: " + "[" * 1000 + "]" * 1000 + "\n"
    source = tmp_path / "deep.md"
    source.write_text(page(deep), encoding="utf-8")
    done = run("docs_check.py", "--spec", FIXTURES / "spec.yaml", source)
    assert done.returncode == 2 and "nested too deeply" in done.stderr and "Traceback" not in done.stderr
    spec = tmp_path / "deep.yaml"
    spec.write_text(deep, encoding="utf-8")
    done = run("docs_check.py", "--spec", spec, FIXTURES / "clean" / "open.md")
    assert done.returncode == 2 and "nested too deeply" in done.stderr and "Traceback" not in done.stderr
    done = run("spec_diff.py", "--base-file", spec, "--spec", FIXTURES / "spec.yaml")
    assert done.returncode == 2 and "nested too deeply" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------------------------------------- item 8


class _Hostile(http.server.BaseHTTPRequestHandler):
    """``/drip``: headers, then a byte at a time, for at most ``DRIP_SECONDS``; ``/huge``: a body of
    ``HUGE_BYTES`` sent as fast as the client takes it. Both stop when the client goes or the test ends."""

    stop = threading.Event()
    DRIP_SECONDS = 45.0
    HUGE_BYTES = 48 * 1024 * 1024

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        try:
            if self.path.endswith("/llms.txt") or self.path.startswith("/huge"):
                self.send_response(200)
                self.send_header("Content-Type", "text/markdown")
                self.send_header("Content-Length", str(self.HUGE_BYTES))
                self.end_headers()
                chunk = b"- [Page](https://x.invalid/api-1.md)\n" * 1800
                sent = 0
                while sent < self.HUGE_BYTES and not self.stop.is_set():
                    self.wfile.write(chunk[: self.HUGE_BYTES - sent])
                    sent += len(chunk)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/markdown")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            ends = time.monotonic() + self.DRIP_SECONDS
            while time.monotonic() < ends and not self.stop.is_set():
                self.wfile.write(b"#")
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def hostile() -> Iterator[str]:
    _Hostile.stop.clear()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        _Hostile.stop.set()
        server.shutdown()
        server.server_close()


def in_thread(function: Any, *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` in a thread, failing the test when it has not ended within BOUND s."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(BOUND / 2)
    if worker.is_alive():
        pytest.fail(f"{getattr(function, '__name__', function)} did not end within {BOUND / 2} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    from docs_tools import sources

    monkeypatch.setattr(sources, "FETCH_SECONDS", 2.0, raising=False)  # raising=False: runs on old code too
    monkeypatch.setattr(sources, "FETCH_MAX_BYTES", 1024 * 1024, raising=False)


def test_a_dripping_address_is_given_up_at_the_deadline(
    hostile: str, small_limits: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code = in_thread(docs_check.main, ["--json", "--spec", str(FIXTURES / "spec.yaml"), f"{hostile}/drip.md"])
    report = json.loads(capsys.readouterr().out)
    assert code == 2 and "did not arrive within 2 s" in report["errors"][0]["reason"]


def test_a_huge_page_is_given_up_at_the_byte_cap(
    hostile: str, small_limits: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code = in_thread(docs_check.main, ["--json", "--spec", str(FIXTURES / "spec.yaml"), f"{hostile}/huge.md"])
    report = json.loads(capsys.readouterr().out)
    assert code == 2 and "larger than 1 MiB" in report["errors"][0]["reason"]


def test_pull_gives_up_a_huge_index_at_the_byte_cap(
    hostile: str, small_limits: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["pull", "--base", hostile, "--cache", str(tmp_path / "cache"), "--spec", str(FIXTURES / "spec.yaml")]
    code = in_thread(docs_check.main, argv, transport=None)
    assert code == 2 and "larger than 1 MiB" in capsys.readouterr().err
    assert not (tmp_path / "cache").exists()


def allof_fan_out(levels: int = 10, width: int = 8) -> str:
    """A small YAML document whose answer is an allOf of ``width`` aliases of an allOf of ... (width ** levels)."""
    lines = ["openapi: 3.0.1", "info: {title: '', version: 1.0.0}", "x-parts:"]
    lines.append(f"  l{levels}: &l{levels} {{type: object, properties: {{leaf: {{type: string}}}}}}")
    for level in range(levels - 1, -1, -1):
        lines.append(f"  l{level}: &l{level} {{allOf: [{', '.join([f'*l{level + 1}'] * width)}]}}")
    lines += [
        "paths:",
        "  /v1/tree:",
        "    post:",
        "      operationId: tree",
        "      responses:",
        "        '200':",
        "          description: ''",
        "          content: {application/json: {schema: *l0}}",
    ]
    return "\n".join(lines) + "\n"


def test_an_allof_fanned_out_through_aliases_is_refused(tmp_path: Path) -> None:
    text = allof_fan_out()
    assert len(text) < 1500
    spec = tmp_path / "fan.yaml"
    spec.write_text(text, encoding="utf-8")
    source = tmp_path / "fan.md"
    source.write_text(page(text), encoding="utf-8")
    done = run("docs_check.py", "--spec", FIXTURES / "spec.yaml", source)
    assert done.returncode == 2 and "too complex" in done.stderr and "Traceback" not in done.stderr
    done = run("spec_diff.py", "--base-file", spec, "--spec", spec)
    assert done.returncode == 2 and "too complex" in done.stderr and "Traceback" not in done.stderr


def test_a_yaml_alias_inside_itself_is_refused_by_spec_diff_and_docs_check(tmp_path: Path) -> None:
    spec = tmp_path / "cycle.yaml"
    spec.write_text(
        "openapi: 3.0.1\ninfo: {title: '', version: 1.0.0}\nx-parts:\n  a: &a {type: array, items: *a}\n"
        "paths:\n  /v1/tree:\n    post:\n      responses:\n        '200':\n          description: ''\n"
        "          content: {application/json: {schema: {type: object, properties: {x: *a}}}}\n",
        encoding="utf-8",
    )
    for done in (
        run("spec_diff.py", "--base-file", spec, "--spec", spec),
        run("docs_check.py", "--spec", spec, FIXTURES / "clean" / "open.md"),
    ):
        assert done.returncode == 2 and "a YAML alias refers to" in done.stderr and "Traceback" not in done.stderr
