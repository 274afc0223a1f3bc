"""The layouts the real Dictionaries page comes in, read the same (issue 19 item 5).

The vendor's Dictionaries page states the fields of Create client for product 1000 in one parameter table:
every field, the required ones marked "(required)", nested fields in further name columns (``client`` >
``address1`` > ``country``), and the client types and residency values only inside two rows'
descriptions (``1 - ... 2 - ...``). Depending on how the page reaches us, that table is:

* rendered and turned into pipes (what ``pull`` saves when the ``.md`` is missing, and what the stored
  copies of the site show): the spanned cells are lost, so a parent shows only on its first row and each
  row is padded at its end (our fixture tests/fixtures/docs/current/doc-850764.md);
* whole rows, the parents' cells left empty on the rows after the one that opens them;
* an HTML ``<table>`` with ``rowspan``/``colspan`` inside the page's Markdown.

Each is built here from the fixture's own facts (our words) and must give the same dotted paths, marks and
codes, and no drift against the real spec. Before docpages read parameter tables, the bindings could only
name sections of their own, and each of these pages made three of them ``gone``.
"""

from __future__ import annotations

import importlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.hostile import Answer, HostileServer
from tests.test_docs_check import CLEAN, CURRENT, REAL_SPEC, check, docs_check
from tests.test_docs_pages import DOCS, _bound, spec_copy

docpages = importlib.import_module("docs_tools.docpages")  # scripts/ is on sys.path: tests.test_docs_check puts it

DICTIONARIES = CURRENT / "doc-850764.md"
HEADING = "## Fields of Create client when product_id = 1000"
NAME_COLUMNS = 3


def _table() -> tuple[list[str], list[list[str]]]:
    page = docpages.parse_doc_page(DICTIONARIES.read_text(encoding="utf-8"), DICTIONARIES.name)
    ((header, rows),) = page.sections[HEADING.removeprefix("## ")]
    return header, rows


def _with_table(tmp_path: Path, table: str) -> Path:
    """The current pages, the Dictionaries' parameter table replaced by ``table``."""
    pages = tmp_path / "pages"
    shutil.copytree(CURRENT, pages)
    text = DICTIONARIES.read_text(encoding="utf-8")
    head, _ = text.split(HEADING, 1)
    (pages / DICTIONARIES.name).write_text(f"{head}{HEADING}\n\n{table}\n", encoding="utf-8")
    return pages


def _drift(report: dict) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    return {(d["kind"], d["field"]) for doc in report["doc_pages"] for d in doc["drift"]}


def _rows_with_depth() -> list[tuple[list[str], int, str, str]]:
    """Each rendered row: its name cells, the depth of its field, its description and its type."""
    header, rows = _table()
    out = []
    for row, parameter in zip(rows, [p for p in docpages.parameters(header, rows) if p.description], strict=True):
        cells = [c for c in row if c]
        out.append((cells[:-2], parameter.path.count("."), cells[-2], cells[-1]))
    return out


def test_the_rendered_table_gives_dotted_paths_required_marks_and_codes() -> None:
    header, rows = _table()
    found = {p.path: p for p in docpages.parameters(header, rows)}
    assert list(found)[:4] == ["request_id", "product_id", "client", "client.phone"]
    assert found["client.address1"].required and found["client.address2.address_line3"].required
    assert not found["client.middle_name"].required and not found["client.type"].required
    assert "client.address1.address_line1" in found and "client.address_line1" not in found
    assert docpages.codes_in(found["client.type"].description) == ["1", "2", "3"]
    assert docpages.codes_in(found["client.resident"].description) == ["1", "2"]


def test_whole_rows_with_empty_parent_cells_read_the_same(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = ["| Field | Field | Field | Description | Type |", "|---|---|---|---|---|"]
    for names, depth, description, kind in _rows_with_depth():
        cells = [""] * NAME_COLUMNS
        cells[depth + 1 - len(names) : depth + 1] = names
        lines.append("| " + " | ".join([*cells, description, kind]) + " |")
    header, rows = _table()
    whole = docpages.parse_doc_page("# Dictionaries\n\n## T\n\n" + "\n".join(lines) + "\n", "doc-1.md")
    assert docpages.parameters(*whole.sections["T"][0]) == docpages.parameters(header, rows)
    code, report, _ = check(capsys, _with_table(tmp_path, "\n".join(lines)), spec=REAL_SPEC)
    assert (code, _drift(report)) == (0, set())


def test_an_html_table_in_the_markdown_is_read(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rows = _rows_with_depth()
    html = ['<table><thead><tr><th colspan="3">Field</th><th>Description</th><th>Type</th></tr></thead><tbody>']
    for at, (names, depth, description, kind) in enumerate(rows):
        cells = []
        for i, name in enumerate(names[:-1]):  # a parent spans the rows of its fields
            level = depth + 1 - len(names) + i
            span = 1 + next((n for n, later in enumerate(rows[at + 1 :]) if later[1] <= level), len(rows) - at - 1)
            cells.append(f'<td rowspan="{span}">{name}</td>')
        cells.append(f'<td colspan="{NAME_COLUMNS - depth}"><code>{names[-1]}</code></td>')
        html.append(f"<tr>{''.join(cells)}<td>{description}</td><td>{kind}</td></tr>")
    html.append("</tbody></table>")
    code, report, _ = check(capsys, _with_table(tmp_path, "\n".join(html)), spec=REAL_SPEC)
    assert (code, _drift(report)) == (0, set())
    (dictionaries,) = [d for d in report["doc_pages"] if d["page_id"] == "850764"]
    assert len(dictionaries["declared"]) == 17  # the 15 fields product 1000 requires, and type and resident


def test_a_field_after_a_nested_group_is_placed_where_the_spec_has_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A rendered row cannot tell a field of the last open group (address2) from one of its parent (client):
    # the spec decides; a name the spec lacks stays in the innermost group.
    text = DICTIONARIES.read_text(encoding="utf-8").rstrip("\n")
    text += "\n| external_user_id | The partner's own id of the client. | string | | |\n"
    header, rows = docpages.parse_doc_page(text, DICTIONARIES.name).sections[HEADING.removeprefix("## ")][0]
    assert docpages.parameters(header, rows)[-1].path == "client.address2.external_user_id"
    assert docpages.parameters(header, rows, lambda p: p == "client.external_user_id")[-1].path == (
        "client.external_user_id"
    )
    pages = tmp_path / "pages"
    shutil.copytree(CURRENT, pages)
    (pages / DICTIONARIES.name).write_text(text, encoding="utf-8")
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, _drift(report)) == (0, set())


def test_codes_are_read_from_a_description_and_dates_are_not() -> None:
    assert docpages.codes_in("Kind: 1 - one<br>2 - two<br/>3 - three") == ["1", "2", "3"]
    assert docpages.codes_in("0 - done, -1 - failed, -2 - no name") == ["0", "-1", "-2"]
    assert docpages.codes_in("`ok` - accepted; `error`: refused") == ["ok", "error"]
    assert docpages.codes_in("From 2025-01-01 - 2025-02-01 (YYYY-MM-DD), at most 2 MB") == []


def test_a_section_is_found_by_its_heading_or_a_telling_part_of_it() -> None:
    page = docpages.parse_doc_page(
        "# Dictionaries\n\n## Client product\n\n| a |\n|---|\n| 1 |\n\n"
        "## Fields for product_id = 1000 ##\n\n| a |\n|---|\n| 1 |\n",
        "doc-1.md",
    )
    assert docpages.find_section(page, "client  PRODUCT") == "Client product"
    assert docpages.find_section(page, "product_id = 1000") == "Fields for product_id = 1000"
    assert docpages.find_section(page, "product_id = 2000") is None


# ---------------------------------------------------------------------------------------------- pull

PULL_LLMS = b"""# Lockers

## Docs
- Card API [Overview](/doc-2001.md): the API's overview, listed outside the wanted sections.
- Card API [Changelog](/doc-2009.md): a text page outside them that no binding reads.

## Payment Cards
- [Close a locker](/api-1003.md): an endpoint page.
- [Dictionaries](/doc-2002.md): a text page of a wanted section.
"""


def test_pull_fetches_the_doc_pages_the_spec_reads_wherever_the_navigation_lists_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Before: only text pages under "Payment Cards"/"Gift Cards" were fetched, so the real Overview (under
    # "Card API") never reached the check and its bindings were "not among the sources".
    def bound(document: dict[str, Any]) -> None:
        _bound(document, declare_note=True)
        # and a page the index does not list
        document["components"]["schemas"]["Envelope"]["x-doc-dictionary"] = {"page": "2005", "section": "Gone"}

    markdown = {"Content-Type": "text/markdown; charset=utf-8"}
    with HostileServer(max_seconds=30) as server:
        server.script("/llms.txt", Answer(PULL_LLMS, headers=markdown))
        server.script("/api-1003.md", Answer((CLEAN / "close.md").read_bytes(), headers=markdown))
        server.script("/doc-2001.md", Answer((DOCS / "doc-2001.md").read_bytes(), headers=markdown))
        server.script("/doc-2002.md", Answer((DOCS / "doc-2002.md").read_bytes(), headers=markdown))
        server.script("/doc-2009.md", Answer(b"# Changelog\n\nNothing yet.\n", headers=markdown))
        spec = spec_copy(tmp_path, bound)
        cache = tmp_path / "cache"
        argv = ["pull", "--base", server.url, "--cache", str(cache), "--spec", str(spec), "--json"]
        code = docs_check.main(argv)
        arrivals = dict(server.arrivals)
    out = capsys.readouterr()
    report = json.loads(out.out)
    assert code == 0, out.err
    assert sorted(p.name for p in cache.iterdir()) == [
        "api-1003.md",
        "doc-2001.md",
        "doc-2002.md",
        "index.json",
        "llms.txt",
    ]
    assert "/doc-2009.md" not in arrivals  # a text page outside the sections that nothing reads stays out
    assert sorted(d["page_id"] for d in report["doc_pages"]) == ["2001", "2002"]
    assert not any("doc page 2001 not among the sources" in n for n in report["notes"])
    assert "doc page 2005, which the spec reads, is not in" in out.err


def test_tables_without_their_outer_pipes_read_the_same(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Some conversions of the rendered site write ``success | Done. |`` and ``---|---|``: no leading pipe.
    pages = tmp_path / "pages"
    shutil.copytree(CURRENT, pages)
    text = DICTIONARIES.read_text(encoding="utf-8")
    bare = "\n".join(line[2:] if line.startswith("| ") else line.lstrip("|") for line in text.splitlines())
    assert "\nsuccess | The operation is done. |\n" in bare and "\n---|---|\n" in bare
    (pages / DICTIONARIES.name).write_text(bare + "\n", encoding="utf-8")
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, _drift(report)) == (0, set())
    # and a change is still seen
    (pages / DICTIONARIES.name).write_text(bare.replace("3 - a sole trader", "3 - a sole trader 4 - a club"), "utf-8")
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, _drift(report)) == (1, {("values", "components.schemas.ClientType")})


def test_a_header_cell_spanning_columns_keeps_one_cell_per_column_and_odd_spans_are_ignored() -> None:
    html_module = importlib.import_module("docs_tools.html")
    spans = ["3", "\u00b9", "9" * 5000, "0", "x"]
    head = "".join(f'<th colspan="{span}">H{n}</th>' for n, span in enumerate(spans))
    text = html_module.html_to_markdown(f"<h1>T</h1><table><tr>{head}</tr><tr><td>a</td></tr></table>")
    assert "| H0 | H0 | H0 | H1 | H2 | H3 | H4 |" in text


def test_a_bound_row_after_a_nested_group_is_still_found(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # the residency row moved to the end of the table, after the address2 group: still client.resident
    row = "| resident | Residency: 1 - resident 2 - non-resident | integer | | |\n"
    text = DICTIONARIES.read_text(encoding="utf-8")
    pages = tmp_path / "pages"
    shutil.copytree(CURRENT, pages)
    (pages / DICTIONARIES.name).write_text(text.replace(row, "") + row, encoding="utf-8")
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, _drift(report)) == (0, set())
