"""``make docs-fixtures`` (scripts/refresh_doc_fixtures.py): the docs fixtures rewritten from a pull (issue 18
item 6, first point), never carrying the vendor's text.

Tried on the project's own fixture pages (tests/fixtures/docs/current) with every piece of prose marked
(descriptions, examples, titles, table cells, paragraphs): no marked text reaches the output, while all
the checker compares survives (the checker reports exactly what it reports on the originals).
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_docs_check import CURRENT, FIXTURES, REAL_SPEC, ROOT, check

fixtures = importlib.import_module("docs_tools.fixtures")  # scripts/ is on sys.path: tests.test_docs_check puts it
markdown = importlib.import_module("docs_tools.markdown")
rendered = importlib.import_module("docs_tools.rendered")
docpages = importlib.import_module("docs_tools.docpages")

MARK = "VENDORPROSE"
GENERATED = re.compile(r"^(The \S.* (field|operation)\.|The answer\.|The value\.|)$")


def _marked_yaml(node: Any, counter: list[int], names: bool = False) -> Any:
    """Every description marked; an example and a title added beside each one (``names``: ``node`` maps
    property names to schemas, one of which may be called "description")."""
    if isinstance(node, dict):
        out = {k: _marked_yaml(v, counter, k == "properties" and not names) for k, v in node.items()}
        if "description" in out and not names:
            counter[0] += 1
            out["description"] = f"{MARK}-{counter[0]} {out['description']}"
            if "type" in out:
                out["example"] = f"{MARK}-example"
                out["title"] = f"{MARK}-title"
        return out
    return [_marked_yaml(v, counter) for v in node] if isinstance(node, list) else node


NAME_CELL = re.compile(r"[a-z_][a-z0-9_]*( \(required\))?")


def marked_pages(tmp_path: Path) -> Path:
    """A copy of the current fixtures with every piece of prose marked."""
    pages = tmp_path / "pull"
    shutil.copytree(CURRENT, pages)
    counter = [0]
    for page in pages.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        lines = text.splitlines()
        if "## OpenAPI Specification" in text:
            head, rest = text.split("```yaml\n", 1)
            block, tail = rest.split("```", 1)
            document = _marked_yaml(yaml.safe_load(block), counter)
            head = head.replace("\n\n", f"\n\n{MARK} paragraph.\n\n", 1)
            text = head + "```yaml\n" + yaml.safe_dump(document, sort_keys=False) + "```" + tail + f"\n{MARK} end.\n"
        else:
            out = []
            for line in lines:
                if line.startswith("|") and not line.startswith("|---"):
                    cells = line.strip("|").split("|")
                    # a cell that is a field name (a parameter table nests names in further columns), empty
                    # (padding) or the first cell repeated (the header of several name columns) is no prose
                    prose = [
                        c
                        if not c.strip() or NAME_CELL.fullmatch(c.strip()) or c.strip() == cells[0].strip()
                        else f" {MARK} {c.strip()} "
                        for c in cells[1:]
                    ]
                    line = "|" + "|".join([cells[0], *prose]) + "|"
                elif line.startswith("## "):
                    line += f"\n\n{MARK} prose under a heading."
                out.append(line)
            text = "\n".join(out) + f"\n\n{MARK} closing words.\n"
        page.write_text(text, encoding="utf-8")
    assert counter[0] > 50  # the fixtures do hold descriptions to hide
    return pages


def test_no_description_text_from_the_source_survives(tmp_path: Path) -> None:
    source = marked_pages(tmp_path)
    result = fixtures.refresh(source, tmp_path / "out")
    assert result.skipped == [] and len(result.written) == len(list(CURRENT.glob("*.md")))
    for path in result.written:
        text = path.read_text(encoding="utf-8")
        assert MARK not in text, path.name
        if "```yaml" in text:
            document = yaml.safe_load(text.split("```yaml\n", 1)[1].split("```", 1)[0])
            strings = _descriptions(document)
            assert strings and all(GENERATED.match(s) for s in strings), (path.name, strings)
    # the refresh did keep the unmarked words of the source nowhere either: a description of the original
    # fixtures (ours, but standing in for the vendor's) is not in the output
    original = (CURRENT / "unblock-card.md").read_text(encoding="utf-8")
    assert "Lifts a block from a card." in original
    assert "Lifts a block" not in (tmp_path / "out" / "unblock-card.md").read_text(encoding="utf-8")


def _descriptions(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [str(node["description"])] if isinstance(node.get("description"), str) else []
        return own + [s for k, v in node.items() if k != "description" for s in _descriptions(v)]
    return [s for v in node for s in _descriptions(v)] if isinstance(node, list) else []


def test_what_the_checker_compares_survives(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = marked_pages(tmp_path)
    out = tmp_path / "out"
    shutil.copytree(CURRENT, out)  # the refresh keeps each fixture's name (gift-confirm.md, not confirm.md)
    assert len(fixtures.refresh(source, out).written) == len(list(CURRENT.glob("*.md")))
    for page in CURRENT.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        refreshed = (out / page.name).read_text(encoding="utf-8")
        before, after = markdown.parse_markdown(text, page.name), markdown.parse_markdown(refreshed, page.name)
        if before is None:
            old, new = docpages.parse_doc_page(text, page.name), docpages.parse_doc_page(refreshed, page.name)
            assert old is not None and new is not None and old.title == new.title
            first = {h: [[r[0] for r in rows] for _, rows in t] for h, t in old.sections.items()}
            assert {h: [[r[0] for r in rows] for _, rows in t] for h, t in new.sections.items()} == first
            continue
        assert after is not None and len(after) == len(before)
        for old_page, new_page in zip(before, after, strict=True):
            assert (new_page.title, new_page.method, new_page.path, new_page.status) == (
                old_page.title, old_page.method, old_page.path, old_page.status,
            )  # fmt: skip
            for side in ("request", "response"):
                assert new_page.fields(side) == old_page.fields(side), (page.name, side)
                enums = {k: f.enum for k, f in (old_page.fields(side) or {}).items()}
                assert {k: f.enum for k, f in (new_page.fields(side) or {}).items()} == enums
    # and the checker says of them what it says of the originals
    _, expected, _ = check(capsys, CURRENT, spec=REAL_SPEC)
    code, report, _ = check(capsys, out, spec=REAL_SPEC)
    assert (code, report["totals"]) == (0, expected["totals"])


def test_a_refresh_keeps_the_fixture_names_and_a_second_one_changes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "current"
    shutil.copytree(CURRENT, target)
    (target / "gone-page.md").write_text("# Gone\n\nPage: https://docs.example.test/api-1\n", encoding="utf-8")
    first = fixtures.refresh(marked_pages(tmp_path), target)
    assert {p.name for p in first.written} == {p.name for p in CURRENT.glob("*.md")}  # gift-confirm.md kept
    assert [p.name for p in first.unmatched] == ["gone-page.md"]  # named, not deleted
    assert (target / "gone-page.md").exists()
    second = fixtures.refresh(target, target)
    assert second.written == [] and len(second.unchanged) == len(first.written)


def test_a_pull_cache_gives_the_page_addresses_and_rendered_pages_are_not_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    shutil.copy(CURRENT / "unblock-card.md", cache / "api-12074991.md")
    shutil.copy(CURRENT / "doc-850764.md", cache / "doc-850764.md")
    shutil.copy(FIXTURES / "real" / "headless-curl.txt", cache / "api-7.txt")  # head from its curl sample only
    index = {"pages": [{"file": "api-12074991.md", "url": "https://docs.example.test/api-12074991.md"}]}
    (cache / "index.json").write_text(json.dumps(index), encoding="utf-8")
    (cache / "llms.txt").write_text("- [A](https://docs.example.test/api-1.md)\n", encoding="utf-8")
    target = tmp_path / "fixtures"
    assert fixtures.main(["--from", str(cache), "--to", str(target)]) == 0
    out = capsys.readouterr().out
    assert "not written: " in out and "api-7.txt: a rendered page without its title/method/URL block" in out
    assert sorted(p.name for p in target.iterdir()) == ["doc-850764.md", "unblock-card.md"]
    assert "Page: https://docs.example.test/api-12074991\n" in (target / "unblock-card.md").read_text(encoding="utf-8")
    assert fixtures.main(["--from", str(tmp_path / "nothing"), "--to", str(target)]) == 2


def test_make_docs_fixtures_runs_the_command_from_the_pull_cache() -> None:
    dry = subprocess.run(
        ["make", "-n", "docs-fixtures", "DOCS_CACHE=some/pull"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "scripts/refresh_doc_fixtures.py --from some/pull --to tests/fixtures/docs/current" in dry.stdout


RENDERED = [
    FIXTURES / "clean" / "open.txt",
    FIXTURES / "real" / "limits.txt",
    FIXTURES / "rendered" / "reset-pin-counter.txt",
]


@pytest.mark.parametrize("page", RENDERED, ids=lambda p: p.name)
def test_a_rendered_page_keeps_its_facts_and_loses_its_prose(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, page: Path
) -> None:
    # a docs-pull fallback (api-<id>.txt) is refreshed in the rendered layout, reduced
    pull = tmp_path / "pull"
    pull.mkdir()
    shutil.copy(page, pull / page.name)
    (written,) = fixtures.refresh(pull, tmp_path / "out").written
    text = written.read_text(encoding="utf-8")
    before = rendered.parse_rendered(page.read_text(encoding="utf-8"), page.name)
    after = rendered.parse_rendered(text, written.name)
    assert (after.title, after.method, after.path, after.status) == (
        before.title, before.method, before.path, before.status,
    )  # fmt: skip
    descriptions = set()
    for side in ("request", "response"):
        assert after.fields(side) == before.fields(side)
        descriptions |= {f.description for f in (before.fields(side) or {}).values() if f.description}
    assert descriptions and not any(d in text for d in descriptions)
    # every line is a head line, a section marker or a field's name, type, limits or required-ness
    fields = {f.strip() for side in ("request", "response") for f in (before.fields(side) or {})}
    names = {path.rsplit(".", 1)[-1].removesuffix("[]") for path in fields}
    for line in text.splitlines():
        assert (
            line.strip() in names
            or line in ("", "required", "optional", before.title, before.method, before.path, before.status)
            or line in ("Body Params application/json", "Responses", "200 Success", "application/json")
            or line.startswith(("Written by scripts/refresh_doc_fixtures.py", "Allowed values: ", "Match pattern: "))
            or rendered.parse_type(line) is not None
            or re.fullmatch(r"([<>]=? -?[\d.]+( characters)? ?)+", line)
        ), line
    # and the checker says of it what it says of the page
    _, expected, _ = check(capsys, page)
    _, report, _ = check(capsys, written)

    def differences(report: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(d["kind"], d["field"], d["page"], d["spec"]) for op in report["operations"] for d in op["drift"]]

    assert differences(report) == differences(expected)
    assert report["totals"] == expected["totals"]
