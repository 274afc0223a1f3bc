"""``make docs-update`` (scripts/docs_update.py) end to end, against a local copy of a changed docs site.

A loopback HTTP server (127.0.0.1 only; it stops by itself) serves an ``llms.txt`` and the Card API pages in
Apidog's Markdown: our own pages of tests/fixtures/docs/current with the ten changed pages of
tests/fixtures/docs_sync/ over them (written by us, never vendor text). docs-update runs on a copy of the
repository (tests/repo_copy.py) whose spec was synced once from the unchanged pages (provenance recorded) and
whose last release is that state (a git commit the CHANGELOG names), as after last week's scheduled run.

The ten-page change must become a spec diff, regenerated code (once a person has made the decisions of the
new operation, which generate.py refuses until then) and a drafted CHANGELOG block naming facade calls,
with the drift report and the spec-diff summary in the pull request body. How long it takes is measured by
``make bench`` (scripts/bench.py ``--only docs_update``), which builds the same site and copy from here.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path
from types import SimpleNamespace, TracebackType
from typing import Any, Self

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from release_notes import BEGIN, END  # noqa: E402  (scripts/ is not a package)

from tests.repo_copy import Branch, Run, clone, copy_repository  # noqa: E402
from tests.test_docs_sync import CURRENT, SCENARIOS, TEN, fill_cache, page_id  # noqa: E402

SITE_SECONDS = 300.0  # the site shuts itself down after this long, whatever the test does
PERSON_KEYS = re.compile(r"^(\s+x-(?:facade|mutating|deferred):)(\s+#.*)$", re.M)


# ---------------------------------------------------------------------------------------------- the site


def site_pages(*scenarios: str) -> dict[str, bytes]:
    """Path -> body of a docs site: ``/llms.txt`` and ``/api-<id>.md`` for our current pages, each scenario's
    pages over them, and any text page (``doc-<id>.md``) of the current fixtures."""
    pages = {f"api-{page_id(p)}": p for p in sorted(CURRENT.glob("*.md")) if not p.name.startswith("doc-")}
    for scenario in scenarios:
        pages.update({p.stem: p for p in sorted((SCENARIOS / scenario).glob("api-*.md"))})
    pages.update({p.stem: p for p in sorted(CURRENT.glob("doc-*.md"))})
    served = {f"/{stem}.md": path.read_bytes() for stem, path in pages.items()}
    lines = ["# Card API (a local copy for tests)", "", "## API Docs"]
    for stem, path in pages.items():
        title = path.read_text(encoding="utf-8").splitlines()[0].lstrip("# ").strip()
        lines.append(f"- Card API > Payment Cards [{title}](/{stem}.md)")
    served["/llms.txt"] = ("\n".join(lines) + "\n").encode()
    return served


class DocsSite:
    """The pages on http://127.0.0.1:<port>; stops on leaving the ``with`` block, or by itself after
    ``max_seconds``. ``hits`` counts the requests per path."""

    def __init__(self, pages: dict[str, bytes], max_seconds: float = SITE_SECONDS) -> None:
        self.pages, self.hits = pages, Counter[str]()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                site.hits[self.path] += 1
                body = site.pages.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/markdown; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._timer = threading.Timer(max_seconds, self.server.shutdown)
        self._timer.daemon = True

    def __enter__(self) -> Self:
        self._thread.start()
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self._timer.cancel()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


# ---------------------------------------------------------------------------------------------- the copy


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=docs-update test", "-c", "user.email=test@example.invalid", *args],
        cwd=root, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def released_copy(factory: Any, name: str = "docs-update") -> Branch:
    """A copy of the repository synced from the unchanged pages (provenance recorded), committed to git, and
    released: the CHANGELOG's last release names that commit, with [Unreleased] as the repository has it."""
    branch = clone(copy_repository(factory), name)
    shutil.copy2(ROOT / "CHANGELOG.md", branch.root / "CHANGELOG.md")
    baseline = branch.root / ".cache" / "baseline"
    fill_cache(baseline)
    synced = branch.run("scripts/docs_sync.py", str(baseline))
    assert synced.code == 0, synced.output
    git(branch.root, "init", "-q")
    git(branch.root, "add", "-A", ".")
    git(branch.root, "commit", "-q", "-m", "the state of the last release")
    head = git(branch.root, "rev-parse", "HEAD")
    changelog = branch.root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    text, count = re.subn(r"(<!--\s*spec\s+sha256:[0-9a-f]+\s+commit\s+)[0-9a-f]+", rf"\g<1>{head}", text, count=1)
    assert count == 1
    changelog.write_text(text, encoding="utf-8")
    return branch


def docs_update(branch: Branch, site: str, *args: str) -> Run:
    return branch.run("scripts/docs_update.py", "--base", site, "--cache", str(branch.root / ".cache" / "docs"), *args)


def decide_the_new_operation(branch: Branch) -> None:
    """What a person does after the first run: set the keys docs-sync left empty on pause_card."""
    text = branch.spec_path.read_text(encoding="utf-8")
    values = {"x-facade": "cards.pause", "x-mutating": "true", "x-deferred": "false"}

    def decided(match: re.Match[str]) -> str:
        return f"{match.group(1)} {values[match.group(1).strip().rstrip(':')]}"

    text, count = PERSON_KEYS.subn(decided, text)
    assert count == 3
    branch.spec_path.write_text(text, encoding="utf-8")


def tracked(root: Path, folder: str) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in (root / folder).rglob("*.py")}


# ---------------------------------------------------------------------------------------------- the test


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The copy, after docs-update against the changed site, then again once a person decided pause_card."""
    branch = released_copy(tmp_path_factory)
    generated_before = tracked(branch.root, "generated")
    with DocsSite(site_pages(*TEN)) as site:
        first = docs_update(branch, site.url)
        out = branch.root / ".cache" / "docs-update"
        state = {
            "first": first,
            "first_body": (out / "pr-body.md").read_text(encoding="utf-8"),
            "first_steps": json.loads((out / "steps.json").read_text(encoding="utf-8")),
            "first_generated": tracked(branch.root, "generated"),
        }
        decide_the_new_operation(branch)
        state["second"] = docs_update(branch, site.url)
        state["hits"] = dict(site.hits)
    state.update(branch=branch, generated_before=generated_before, out=out)
    return state


def test_the_ten_page_change_becomes_a_spec_diff_and_a_pr_body_and_waits_for_a_person(updated: dict[str, Any]) -> None:
    branch, first = updated["branch"], updated["first"]
    assert first.code == 1, first.output[-4000:]  # a person must act: the new operation's keys, and the rest
    assert updated["hits"]["/llms.txt"] == 2 and updated["hits"]["/api-12075208.md"] == 2  # read from the site
    steps = {s["name"]: s["code"] for s in updated["first_steps"]}
    assert steps == {"docs-pull": 1, "docs-sync": 1, "generate": 1, "spec-diff": 1, "release-notes": 0,
                     "docs-check": 1}  # fmt: skip
    spec = yaml.safe_load(branch.spec_path.read_text(encoding="utf-8"))
    paths, schemas = spec["paths"], spec["components"]["schemas"]
    assert "/v5/card-api/card/unlock" in paths and "/v5/card-api/card/unblock" not in paths  # moved page
    assert paths["/v5/card-api/card/set_pin"]["post"]["deprecated"] is True
    assert schemas["CloseCardRequest"]["properties"]["reason_code"]["enum"] == ["lost", "stolen", "damaged", "other"]
    assert schemas["StatementOperation"]["properties"]["rrn"] == {"type": "integer"}
    assert paths["/v5/card-api/card/pause"]["post"]["operationId"] == "pause_card"
    review = paths["/v5/card-api/client/update"]["post"]["x-doc-sync"]["review"]  # the prose-only change
    assert len(review) == 1
    body = updated["first_body"]
    for heading in ("## What docs-sync applied and what it leaves to a person", "## What make spec-diff says",
                    "## Drift left after the sync (make docs-check)", "## make generate refused"):  # fmt: skip
        assert heading in body
    assert "Left to a person (" in body and "BREAKING: request.reason_code" in body  # the drift report
    assert "POST /v5/card-api/card/close" in body and re.search(r"\d+ breaking", body)  # the spec-diff summary
    assert "pause_card): set x-facade, x-mutating, x-deferred" in body
    drift = body.split("## Drift left after the sync (make docs-check)", 1)[1].split("\n## ", 1)[0]
    assert "response.fishy: type number on the page, integer in the spec" in drift  # the drift itself ...
    assert "-- why:" not in drift and "Total: " in drift  # ... not the declared deviations (not drift)
    assert updated["first_generated"] == updated["generated_before"]  # refused: nothing half-generated


def test_once_a_person_decides_the_code_is_regenerated_and_current(updated: dict[str, Any]) -> None:
    branch, second = updated["branch"], updated["second"]
    assert second.code == 1, second.output[-4000:]  # still left: a looser type, a field no page shows
    steps = {s["name"]: s["code"] for s in json.loads((updated["out"] / "steps.json").read_text(encoding="utf-8"))}
    assert steps["generate"] == 0 and steps["docs-sync"] == 1
    new = set(tracked(branch.root, "generated")) - set(updated["generated_before"])
    assert {f"generated/freedompay_card_api/models/{name}.py" for name in ("close_card_request",
            "reset_pin_counter_response")} <= new  # fmt: skip
    assert "generated/freedompay_card_api/api/cards/pause_card.py" in new
    check = branch.run("scripts/generate.py", "--check")
    assert check.code == 0, check.output
    table = (branch.root / "facade" / "freedompay_cards" / "_operations.py").read_text(encoding="utf-8")
    assert '"/v5/card-api/card/unlock"' in table and '"cards.pause"' in table


def test_the_changelog_gets_a_drafted_block_naming_facade_calls(updated: dict[str, Any]) -> None:
    text = (updated["branch"].root / "CHANGELOG.md").read_text(encoding="utf-8")
    unreleased = text.split("## [Unreleased]", 1)[1].split("\n## [", 1)[0]
    assert unreleased.count(BEGIN) == 1 and unreleased.count(END) == 1
    draft = unreleased.split(BEGIN, 1)[1].split(END, 1)[0]
    assert "- **Breaking:** `cards.close`, request field `reason_code`" in draft  # required: today's calls lack it
    assert (
        "- `cards.unblock`: the API moved it, POST /v5/card-api/card/unblock -> POST /v5/card-api/card/unlock; "
        "calls follow it unchanged." in draft
    )
    for call in ("`cards.close`, request field `reason_code`", "New operation `cards.pause`", "`cards.set_pin` is "
                 "deprecated", "`cards.validate_cardholder(card_token=)`", "`cards.statement`, answer field"):  # fmt: skip
        assert call in draft
    assert "next version:" in draft


def test_a_site_that_cannot_be_read_stops_before_the_spec_is_touched(tmp_path_factory: pytest.TempPathFactory) -> None:
    branch = clone(copy_repository(tmp_path_factory), "docs-update-unreadable")
    shutil.copy2(ROOT / "CHANGELOG.md", branch.root / "CHANGELOG.md")
    fill_cache(branch.root / ".cache" / "docs", *TEN)  # last week's pages are still in the cache
    before = branch.spec_path.read_bytes()
    pages = site_pages(*TEN)
    del pages["/api-12075208.md"]  # listed, but the site cannot serve it
    with DocsSite(pages) as site:
        done = docs_update(branch, site.url)
    assert done.code == 2, done.output[-3000:]
    assert "docs-pull" in done.output and branch.spec_path.read_bytes() == before  # not synced from stale pages


def bench_copy(folder: Path) -> tuple[Branch, dict[str, bytes]]:
    """For scripts/bench.py: a released copy under ``folder``, and the changed site's pages."""
    factory = SimpleNamespace(mktemp=lambda name: Path(tempfile.mkdtemp(prefix=f"{name}-", dir=folder)))
    return released_copy(factory, "docs-update-bench"), site_pages(*TEN)


def test_release_notes_without_a_changelog_exits_2_with_the_reason(tmp_path: Path, capsys: Any) -> None:
    import release_notes

    assert release_notes.main(["--changelog", str(tmp_path / "CHANGELOG.md")]) == 2
    assert "release-notes: cannot read" in capsys.readouterr().err


@pytest.mark.parametrize(("detail", "breaking"), [("string, required", True), ("string, optional", False)])
def test_a_new_request_field_the_facade_cannot_send_breaks_its_callers_only_when_required(
    detail: str, breaking: bool
) -> None:
    import release_notes

    facade = release_notes.Surface({"cards.close": {"card_id": ("str", True)}}, {}, {})
    change = {"kind": "field added", "side": "request", "path": "reason_code", "detail": detail, "breaking": breaking}
    assert release_notes.entries([{"name": "cards.close", "changes": [change]}], facade)[0].breaking is breaking
    assert release_notes.entries([{"name": "cards.pause", "changes": [change]}], facade)[0].breaking is False


def test_the_drift_report_keeps_the_drift_and_what_the_command_said_and_leaves_the_declared_out() -> None:
    import docs_update

    report = {
        "operations": [
            {"method": "POST", "path": "/a", "operation_id": "a", "drift": [{"message": "x: type"}],
             "declared": [{"message": "y: declared"}]},
            {"method": "POST", "path": "/b", "operation_id": "b", "drift": []},
        ],
        "doc_pages": [{"title": "Dictionaries", "url": "u", "drift": [{"message": "z: values"}]}],
        "totals": {"drift": 2, "declared": 1, "pages": 2, "operations_checked": 2, "operations_not_checked": 0},
    }  # fmt: skip
    output = json.dumps(report, indent=2) + "\ndocs-pull: 2 page(s) saved\n"
    shown = docs_update.drift_report(output).splitlines()
    assert shown[0] == "docs-pull: 2 page(s) saved" and "POST /a  a" in shown and "  - x: type" in shown
    assert "doc page 'Dictionaries' <u>" in shown and "  - z: values" in shown
    assert not any("/b" in line or "declared:" in line for line in shown) and shown[-1].startswith("Total: 2 diff")
    assert docs_update.drift_report("docs_check: x: cannot read\n") == "docs_check: x: cannot read"


def test_pages_that_say_what_the_spec_says_exit_0_and_change_nothing(tmp_path_factory: pytest.TempPathFactory) -> None:
    branch = released_copy(tmp_path_factory, "docs-update-unchanged")
    before = {name: (branch.root / name).read_bytes() for name in ("openapi/card-api.yaml", "CHANGELOG.md")}
    generated = tracked(branch.root, "generated")
    done = branch.run("scripts/docs_update.py", "--skip-pull", "--cache", str(branch.root / ".cache" / "baseline"))
    assert done.code == 0, done.output[-3000:]
    assert {name: (branch.root / name).read_bytes() for name in before} == before
    assert tracked(branch.root, "generated") == generated
    assert "nothing changed in openapi/card-api.yaml" in done.output
    body = (branch.root / ".cache" / "docs-update" / "pr-body.md").read_text(encoding="utf-8")
    assert "Total: 0 difference(s)" in body


def test_a_generate_that_fails_is_a_failed_step_not_a_decision(tmp_path_factory: pytest.TempPathFactory) -> None:
    branch = released_copy(tmp_path_factory, "docs-update-generate-fails")
    readme = branch.root / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("<!-- generated:surface -->", ""), encoding="utf-8")
    done = branch.run("scripts/docs_update.py", "--skip-pull", "--cache", str(branch.root / ".cache" / "baseline"))
    assert done.code == 2, done.output[-3000:]  # the scheduled job stops: no pull request over stale code
    assert "make generate failed" in done.output
    assert not (branch.root / ".cache" / "docs-update" / "pr-body.md").exists()
