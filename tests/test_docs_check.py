"""scripts/docs_check.py: the docs drift checker, on pages we wrote ourselves (tests/fixtures/docs/).

The fixture spec (fixtures/docs/spec.yaml) is a small invented API; clean/ holds pages that agree with it
(differences there are declared in the spec), drift/ one kind of drift per page. current/ holds, for the
project's own spec, one page per operation whose page body was seen in the vendor's docs (documented and
partial ones), written by us in Apidog's Markdown layout and stating what that page shows today: the
checker must find no drift there, only the differences the spec declares. Transaction info has no page
there: only an example of its probable page was seen, without its path. Nothing here touches the network:
URL sources and `pull` get an httpx.MockTransport.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import docs_check  # noqa: E402  (scripts/ is not a package)
from docs_tools import cli, markdown, model, rendered, sources  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "docs"
SPEC = FIXTURES / "spec.yaml"
CLEAN = FIXTURES / "clean"
DRIFT = FIXTURES / "drift"
CURRENT = FIXTURES / "current"
REAL_SPEC = ROOT / "openapi" / "card-api.yaml"
BASE = "https://docs.example.test"


def check(
    capsys: pytest.CaptureFixture[str], *sources: Path | str, spec: Path = SPEC, transport: Any = None
) -> tuple[int, dict[str, Any], str]:
    """Run the checker with --json: (exit status, the JSON report, stderr)."""
    code = docs_check.main(["--json", "--spec", str(spec), *map(str, sources)], transport=transport)
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def drift(report: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(d["kind"], d["field"]) for op in report["operations"] for d in op["drift"]}


def declared(report: dict[str, Any]) -> set[tuple[str, str | None, str | None]]:
    return {(d["kind"], d["field"], d["declared_in"]) for d in report["declared"]}


# ---------------------------------------------------------------------------------------------- clean pages


@pytest.mark.parametrize("name", ["open.md", "open.txt", "open.html"])
def test_a_page_that_agrees_with_the_spec_is_no_drift(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, report, _ = check(capsys, CLEAN / name)
    assert (code, drift(report), report["drift"]) == (0, set(), False)
    (page,) = report["pages"]
    assert (page["method"], page["path"], page["title"]) == ("POST", "/v1/locker/open", "Open a locker")
    assert page["request_fields"] == ["request_id", "locker_id", "note"]
    assert page["response_fields"] == [
        "status", "dt", "opened_at", "slot", "slot.row", "slot.col", "items", "items[].item_id", "items[].weight",
    ]  # fmt: skip


def test_markdown_page_facts_follow_refs_allof_nullable_and_formats() -> None:
    (page,) = markdown.parse_markdown((CLEAN / "open.md").read_text(encoding="utf-8"), "open.md") or []
    assert page.status == "released" and page.request and page.response
    request = page.request.resolved(())
    assert request["request_id"] == model.Facts("string", "uuid", True)
    assert request["note"] == model.Facts("string|null", None, False)
    response = page.response.resolved(())
    assert response["status"].required and response["dt"].format == "date-time"  # from the allOf'd $ref
    assert response["slot.row"] == model.Facts("integer", None, True)
    assert response["items"].type == "array[object]" and response["items[].item_id"].required


def test_rendered_text_skips_the_navigation_and_reads_fields_until_the_examples() -> None:
    page = rendered.parse_rendered((CLEAN / "open.txt").read_text(encoding="utf-8"), "open.txt")
    assert page is not None and page.request is not None and page.response is not None
    assert (page.method, page.path, page.title, page.status) == ("POST", "/v1/locker/open", "Open a locker", None)
    request = [(r.name, r.facts.type, r.facts.required) for r in page.request.raw or []]
    assert request == [("request_id", "string", True), ("locker_id", "string", True), ("note", "string|null", False)]
    response = [r.name for r in page.response.raw or []]
    assert response == ["status", "dt", "opened_at", "slot", "row", "col", "items", "item_id", "weight"]
    assert "message" not in response  # the 400 answer's field
    # a format is known where the type line shows one (issue 19 item 4), and only there
    assert [(r.name, r.facts.format) for r in page.response.raw or [] if r.facts.format_known] == [("dt", "date-time")]


def test_rendered_status_line_and_deprecated_title() -> None:
    text = (DRIFT / "developing.txt").read_text(encoding="utf-8")
    assert rendered.parse_rendered(text, "x").status == "developing"  # type: ignore[union-attr]
    text = text.replace("\nDeveloping\n", "\n").replace("\nOpen a locker\n", "\nOpen a locker (deprecated)\n")
    assert rendered.parse_rendered(text, "x").status == "deprecated"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("string ", "string"),
        ("string<date-time>", "string"),
        ("integer <int64>", "integer"),
        ("array[object]", "array[object]"),
        ("array [object {3}]", "array[object]"),
        ("array[string]", "array[string]"),
        ("string | null", "string|null"),
        ("null | integer", "integer|null"),
        ("object", "object"),
        ("Strings of digits", None),
        ("Identifier of the card.", None),
    ],
)
def test_rendered_type_lines(line: str, label: str | None) -> None:
    assert rendered.parse_type_line(line) == label


def test_nesting_uses_indentation_when_the_text_keeps_it_and_the_spec_when_flat() -> None:
    def raw(name: str, indent: int, kind: str = "string") -> model.RawField:
        return model.RawField(name, indent, model.Facts(kind, None, False, format_known=False))

    indented = [raw("a", 0, "object"), raw("b", 2), raw("c", 0), raw("d", 0, "array[object]"), raw("e", 2)]
    assert list(model.nest(indented, ())) == ["a", "a.b", "c", "d", "d[].e"]
    flat = [raw("client", 0, "object"), raw("phone", 0), raw("address", 0, "object"), raw("city", 0), raw("email", 0)]
    known = {"client", "client.phone", "client.address", "client.address.city", "client.email"}
    assert list(model.nest(flat, known)) == [
        "client", "client.phone", "client.address", "client.address.city", "client.email",
    ]  # fmt: skip
    # A field the spec does not know stays in the innermost open object (the documented limitation).
    assert list(model.nest([*flat[:4], raw("new", 0)], known))[-1] == "client.address.new"


# ---------------------------------------------------------------------------------------------- drift kinds


def test_field_drift_in_a_markdown_page(capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = check(capsys, DRIFT / "open-fields.md")
    assert code == 1
    assert drift(report) == {
        ("added", "request.pin_hint"),
        ("removed", "request.note"),
        ("required", "request.locker_id"),
        ("format", "response.opened_at"),
        ("type", "response.slot.row"),  # nested
        ("added", "response.items[].label"),  # nested, in an array of objects
        ("removed", "response.items[].weight"),
    }
    diffs = {d["field"]: d for d in report["operations"][0]["drift"]}
    assert (diffs["request.locker_id"]["page"], diffs["request.locker_id"]["spec"]) == ("optional", "required")
    assert (diffs["response.slot.row"]["page"], diffs["response.slot.row"]["spec"]) == ("number", "integer")
    assert (diffs["response.opened_at"]["page"], diffs["response.opened_at"]["spec"]) == ("date", "date-time")
    assert report["totals"]["drift"] == 7


def test_field_drift_in_rendered_text_includes_the_formats_its_type_lines_show(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # opened_at's type line shows `string <date>`: rendered text shows that format, so it is compared
    # (issue 19 item 4); fields whose type line shows none are not.
    code, report, _ = check(capsys, DRIFT / "open-fields.txt")
    assert code == 1
    assert drift(report) == {
        ("format", "response.opened_at"),
        ("added", "request.pin_hint"),
        ("removed", "request.note"),
        ("required", "request.locker_id"),
        ("type", "response.slot.row"),
        ("added", "response.items[].label"),
        ("removed", "response.items[].weight"),
    }


def test_a_path_the_spec_lacks_is_a_new_operation(capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = check(capsys, DRIFT / "new-path.md")
    assert (code, drift(report)) == (1, {("new-operation", None)})
    (op,) = report["operations"]
    assert (op["path"], op["operation_id"]) == ("/v1/locker/teleport", None)
    assert "3 request field(s), 9 response field(s)" in op["drift"][0]["message"]


@pytest.mark.parametrize(("name", "status"), [("deprecated.md", "deprecated"), ("developing.txt", "developing")])
def test_a_page_not_released_is_drift(capsys: pytest.CaptureFixture[str], name: str, status: str) -> None:
    code, report, _ = check(capsys, DRIFT / name)
    assert (code, drift(report)) == (1, {("status", None)})
    assert report["operations"][0]["drift"][0]["page"] == status


def test_deprecated_on_the_page_and_in_the_spec_is_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = check(capsys, CLEAN / "legacy.md")
    assert (code, drift(report)) == (0, set())
    assert any("deprecated in the spec" in note for note in report["operations"][0]["notes"])
    code, report, _ = check(capsys, DRIFT / "legacy-released.md")
    assert (code, drift(report)) == (1, {("status", None)})
    assert report["operations"][0]["drift"][0]["spec"] == "deprecated"


def test_doc_status_claiming_less_than_the_page_shows(capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = check(capsys, DRIFT / "reserve.md")
    assert (code, drift(report)) == (1, {("doc-status", None)})
    (diff,) = report["operations"][0]["drift"]
    assert (diff["page"], diff["spec"]) == ("documented", "inferred") and "claims less" in diff["message"]


def test_doc_status_claiming_more_than_the_page_shows(capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = check(capsys, DRIFT / "info.txt")
    assert (code, drift(report)) == (1, {("doc-status", None)})
    (diff,) = report["operations"][0]["drift"]
    assert (diff["page"], diff["spec"]) == ("partial", "documented") and "claims more" in diff["message"]
    assert any("no page shows the response" in note for note in report["operations"][0]["notes"])


def test_declared_deviations_are_listed_apart_and_not_counted(capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = check(capsys, CLEAN / "close.md", CLEAN / "rename.md")
    assert (code, drift(report), report["totals"]["declared"]) == (0, set(), 3)
    assert declared(report) == {
        ("removed", "request.force", "operation"),
        ("format", "response.dt", "operation"),
        ("type", "request.label", "property"),
    }
    whys = {d["field"]: d["why"] for d in report["declared"]}
    assert whys["request.label"] == "The page calls it a number; the service takes any text."


def test_a_declaration_that_matches_nothing_is_stale_drift(capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = check(capsys, DRIFT / "close-stale.md", DRIFT / "rename-stale.md")
    assert code == 1
    assert drift(report) == {
        ("stale-declaration", "request.force"),
        ("stale-declaration", "response.dt"),
        ("stale-declaration", "request.label"),
    }
    assert report["declared"] == []


def test_declarations_on_a_side_no_page_shows_are_not_stale(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    spec["paths"]["/v1/locker/info"]["post"]["x-doc-deviations"] = [
        {"field": "response.slot", "differs": "removed", "why": "Kept for old answers."},
        {"differs": "doc-status", "why": "The answer is known from the service, not the page."},
    ]
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    code, report, _ = check(capsys, DRIFT / "info.txt", spec=tmp_path / "spec.yaml")
    assert (code, drift(report), declared(report)) == (0, set(), {("doc-status", None, "operation")})
    assert any("response.slot (removed) not checked" in note for note in report["operations"][0]["notes"])


def test_two_pages_on_one_path_are_merged(capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = check(capsys, CLEAN / "status-lockers.md", CLEAN / "status-couriers.txt")
    assert (code, drift(report)) == (0, set())
    (op,) = report["operations"]
    contributed = {Path(p["source"]).name: p["response_fields"] for p in op["pages"]}
    lockers = contributed["status-lockers.md"]
    assert "items[].item_id" in lockers and "courier_id" not in lockers
    assert contributed["status-couriers.txt"] == ["status", "dt", "courier_id", "delivery_id"]
    # Either page alone lacks what the other contributes.
    _, alone, _ = check(capsys, CLEAN / "status-lockers.md")
    assert drift(alone) == {("removed", "response.courier_id"), ("removed", "response.delivery_id")}


def test_operations_without_a_page_are_listed_as_not_checked(capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = check(capsys, CLEAN / "open.md")
    assert code == 0
    not_checked = {op["operation_id"]: op for op in report["not_checked"]}
    assert set(not_checked) == {
        "locker_status", "close_locker", "rename_locker", "legacy_open", "reserve_locker", "locker_info", "audit_locker",
    }  # fmt: skip
    assert not_checked["audit_locker"]["doc_page"] == "https://docs.example.test/api-1099"


# ---------------------------------------------------------------------------------------------- sources


def test_a_folder_is_read_recursively(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shutil.copytree(CLEAN, tmp_path / "pages" / "nested")
    shutil.copy(FIXTURES / "llms.txt", tmp_path / "pages" / "llms.txt")
    code, report, _ = check(capsys, tmp_path / "pages")
    assert (code, report["totals"]["pages"], report["totals"]["declared"]) == (0, 8, 3)
    assert report["totals"]["operations_checked"] == 5
    assert report["skipped"] == [
        f"{tmp_path / 'pages' / 'llms.txt'}: an llms.txt index of 11 pages, not a page (skipped)"
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a binary file"),
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"# Notes\n\nJust some prose about lockers, no operation at all.\n", "not recognised"),
        (b"# Open\n\n## OpenAPI Specification\n\n```yaml\npaths: {/x: {post: [unclosed\n```\n", "malformed YAML"),
        (b"# Open\n\n## OpenAPI Specification\n\n```yaml\nopenapi: 3.0.1\npaths: {}\n```\n", "has no paths"),
        (b"# Open\n\n## OpenAPI Specification\n\n```yaml\nopenapi: 3.0.1\n", "not closed"),
        (b"# Open\n\n## OpenAPI Specification\n\nNo code block here.\n", "no fenced yaml block"),
        (b"\xff\xfe\x41", "not UTF-8"),
    ],
)
def test_unreadable_sources_are_reported_with_the_reason(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, reason: str
) -> None:
    source = tmp_path / "page.md"
    source.write_bytes(content)
    # one unreadable source never blinds the run (issue 19 item 2): the other page is compared, exit by drift
    code, report, err = check(capsys, CLEAN / "open.md", source)
    assert (code, report["totals"]["pages"], report["totals"]["unreadable"]) == (0, 1, 1)
    assert report["unreadable"] == [{"source": str(source), "reason": report["unreadable"][0]["reason"]}]
    assert reason in report["unreadable"][0]["reason"] and reason in err
    # --strict: any unreadable source exits 2; so does a run where nothing could be read
    code, report, err = check(capsys, "--strict", CLEAN / "open.md", source)
    assert code == 2
    assert report == {"errors": [{"source": str(source), "reason": report["errors"][0]["reason"]}]}
    assert reason in report["errors"][0]["reason"] and reason in err
    code, report, _ = check(capsys, source)
    assert code == 2 and report["errors"][0]["source"] == str(source)


def test_a_missing_source_or_an_empty_folder_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, report, _ = check(capsys, tmp_path / "nothing.md")
    assert (code, report["errors"][0]["reason"]) == (2, "no such file or folder")
    (tmp_path / "empty").mkdir()
    code, report, _ = check(capsys, tmp_path / "empty")
    assert code == 2 and "make docs-pull" in report["errors"][0]["reason"]


def test_a_malformed_declaration_in_the_spec_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    spec["paths"]["/v1/locker/open"]["post"]["x-doc-deviations"] = [
        {"field": "request.note", "differs": "colour", "why": "x"}
    ]
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    code, report, _ = check(capsys, CLEAN / "open.md", spec=tmp_path / "spec.yaml")
    assert code == 2 and "'differs' must be one of" in report["errors"][0]["reason"]


def _site(pages: dict[str, bytes], *, content_type: str = "text/markdown") -> httpx.MockTransport:
    """A docs site: path -> body (404 for anything else); every request is counted in ``.seen``."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        body = pages.get(request.url.path)
        if body is None:
            return httpx.Response(404, text="not here")
        return httpx.Response(200, content=body, headers={"content-type": content_type})

    transport = httpx.MockTransport(handler)
    transport.seen = seen  # type: ignore[attr-defined]
    return transport


def test_an_url_source_is_fetched(capsys: pytest.CaptureFixture[str]) -> None:
    site = _site({"/api-1001.md": (CLEAN / "open.md").read_bytes()})
    code, report, _ = check(capsys, f"{BASE}/api-1001.md", transport=site)
    assert (code, report["pages"][0]["url"], report["pages"][0]["form"]) == (0, f"{BASE}/api-1001.md", "markdown")
    html = _site({"/api-1001": (CLEAN / "open.html").read_bytes()}, content_type="text/html; charset=utf-8")
    code, report, _ = check(capsys, f"{BASE}/api-1001", transport=html)
    assert (code, report["pages"][0]["form"]) == (0, "rendered")
    code, report, _ = check(capsys, f"{BASE}/api-404.md", transport=site)
    assert (code, report["errors"][0]["reason"]) == (2, "cannot fetch: HTTP 404")


# ---------------------------------------------------------------------------------------------- output


def test_json_report_keys_are_stable(capsys: pytest.CaptureFixture[str]) -> None:
    _, report, _ = check(capsys, DRIFT / "open-fields.md", CLEAN / "close.md")
    assert set(report) == {
        "spec", "drift", "totals", "pages", "operations", "declared", "not_checked", "skipped", "unreadable",
        "listed_not_modelled", "doc_pages", "notes",
    }  # fmt: skip
    assert set(report["totals"]) == {
        "pages", "operations_checked", "operations_not_checked", "drift", "declared", "unreadable",
        "listed_not_modelled", "doc_pages",
    }  # fmt: skip
    assert set(report["pages"][0]) == {
        "source", "url", "form", "title", "method", "path", "page_id", "apidog_status", "request_fields",
        "response_fields",
    }  # fmt: skip
    op = report["operations"][0]
    assert set(op) == {
        "method", "path", "operation_id", "doc_status", "doc_page", "deprecated", "pages", "drift", "declared", "notes",
    }  # fmt: skip
    assert set(op["pages"][0]) == {"source", "title", "request_fields", "response_fields"}
    difference = {"kind", "field", "page", "spec", "pages", "message", "why", "declared_in", "details"}
    assert set(op["drift"][0]) == difference
    assert set(report["declared"][0]) == difference | {"method", "path"}
    assert set(report["not_checked"][0]) == {"method", "path", "operation_id", "doc_status", "doc_page", "listed"}


def test_human_report_names_each_operation_and_field(capsys: pytest.CaptureFixture[str]) -> None:
    code = docs_check.main(["--spec", str(SPEC), str(DRIFT / "open-fields.md"), str(CLEAN / "close.md")])
    text = capsys.readouterr().out
    assert code == 1
    assert "POST /v1/locker/open  open_locker  [documented]" in text
    assert "  - request.pin_hint: on the page (string, optional), not in the spec" in text
    assert "  - response.slot.row: type number on the page, integer in the spec" in text
    assert "Declared deviations (in the spec; not counted as drift):" in text
    assert "POST /v1/locker/audit  audit_locker  [inferred]  x-doc-page: https://docs.example.test/api-1099" in text
    assert text.rstrip().splitlines()[-1] == (
        "Total: 7 difference(s) in 1 operation(s); 2 declared deviation(s); 2 page(s) read; "
        "2 operation(s) checked, 6 not checked."
    )


def test_the_script_runs_on_its_own() -> None:
    script = [sys.executable, str(ROOT / "scripts" / "docs_check.py"), "--spec", str(SPEC)]
    clean = subprocess.run([*script, str(CLEAN / "open.md")], capture_output=True, text=True, check=False)
    assert clean.returncode == 0 and "Total: no drift" in clean.stdout
    drifted = subprocess.run([*script, str(DRIFT / "open-fields.md")], capture_output=True, text=True, check=False)
    assert drifted.returncode == 1
    assert subprocess.run(script, capture_output=True, check=False).returncode == 2  # no source at all


# ---------------------------------------------------------------------------------------------- limits


def test_a_limit_the_page_states_differently_is_drift_and_a_declared_one_is_not(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = (FIXTURES / "clean" / "open.md").read_text(encoding="utf-8")
    limited = page.replace(
        "                locker_id:\n", "                locker_id:\n                  maxLength: 8\n", 1
    )
    assert limited != page
    (tmp_path / "open.md").write_text(limited, encoding="utf-8")
    code, report, _ = check(capsys, tmp_path / "open.md")
    assert (code, drift(report)) == (1, {("limits", "request.locker_id")})
    spec = yaml.safe_load((FIXTURES / "spec.yaml").read_text(encoding="utf-8"))
    spec["components"]["schemas"]["OpenRequest"]["properties"]["locker_id"]["x-doc-deviation"] = "test: ours"
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    code, report, _ = check(capsys, tmp_path / "open.md", spec=tmp_path / "spec.yaml")
    assert (code, drift(report)) == (0, set())
    assert {(kind, field) for kind, field, _ in declared(report)} == {("limits", "request.locker_id")}


def _real_spec() -> dict[str, Any]:
    return yaml.safe_load(REAL_SPEC.read_text(encoding="utf-8"))


def test_the_pages_as_the_docs_show_them_today_are_no_drift(capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = check(capsys, CURRENT, spec=REAL_SPEC)
    assert (code, drift(report)) == (0, set())
    totals = report["totals"]
    assert totals["declared"] > 0 and totals["pages"] + totals["doc_pages"] == len(list(CURRENT.glob("*.md")))
    assert all(d["why"] and d["declared_in"] in ("operation", "property") for d in report["declared"])
    operations = [(path, op) for path, item in _real_spec()["paths"].items() for op in item.values()]
    checked = {op["operation_id"]: op for op in report["operations"]}
    # A documented operation's page was seen, so it is among the pages; every page maps to an operation.
    documented = {op["operationId"] for _, op in operations if op["x-doc-status"] == "documented"}
    assert documented <= set(checked) and None not in checked
    assert all(op["doc_status"] in ("documented", "partial") for op in checked.values())
    # Each page says which address it describes; the spec's x-doc-page is one of them.
    for op in checked.values():
        addresses = [
            line.removeprefix("Page: ")
            for page in op["pages"]
            for line in Path(page["source"]).read_text(encoding="utf-8").splitlines()
            if line.startswith("Page: ")
        ]
        assert any(a.startswith(op["doc_page"]) for a in addresses), (op["operation_id"], addresses)


def _edit_page(path: Path, change: Any) -> None:
    """Change the OpenAPI document inside an Apidog Markdown page."""
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("```yaml\n", 1)
    block, tail = rest.split("```", 1)
    document = yaml.safe_load(block)
    change(document["paths"][next(iter(document["paths"]))]["post"])
    path.write_text(head + "```yaml\n" + yaml.safe_dump(document, sort_keys=False) + "```" + tail, encoding="utf-8")


def test_a_page_that_changes_is_drift_naming_the_field(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    shutil.copytree(CURRENT, pages)

    def change(op: dict[str, Any]) -> None:
        request = op["requestBody"]["content"]["application/json"]["schema"]
        request["required"].remove("description")
        answer = op["responses"]["200"]["content"]["application/json"]["schema"]
        answer["properties"]["balance"] = {"type": "number"}
        op["x-apidog-status"] = "deprecated"

    _edit_page(pages / "unblock-card.md", change)
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, drift(report)) == (
        1,
        {("required", "request.description"), ("added", "response.balance"), ("status", None)},
    )
    (changed,) = [op for op in report["operations"] if op["drift"]]
    assert changed["operation_id"] == "unblock_card"


def test_every_declaration_of_the_spec_matches_a_difference_on_todays_pages(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Without its declarations, the spec drifts from today's pages by exactly what it declares: no
    declaration is stale, and none hides anything beyond its own difference."""
    code, report, _ = check(capsys, CURRENT, spec=REAL_SPEC)
    assert code == 0
    declared_now = {(d["method"], d["path"], d["kind"], d["field"]) for d in report["declared"]}

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in ("x-doc-deviation", "x-doc-deviations")}
        return [strip(v) for v in node] if isinstance(node, list) else node

    bare = tmp_path / "card-api.yaml"
    bare.write_text(yaml.safe_dump(strip(_real_spec()), allow_unicode=True), encoding="utf-8")
    code, report, _ = check(capsys, CURRENT, spec=bare)
    drifted = {(op["method"], op["path"], d["kind"], d["field"]) for op in report["operations"] for d in op["drift"]}
    assert (code, report["declared"]) == (1, [])
    assert drifted == declared_now


# ---------------------------------------------------------------------------------------------- llms.txt and pull


def test_llms_txt_selection_by_section_and_endpoint_pages() -> None:
    entries = sources.parse_llms((FIXTURES / "llms.txt").read_text(encoding="utf-8"), BASE)
    assert len(entries) == 11
    chosen, passed_over = sources.select(entries, cli.DEFAULT_SECTIONS)
    assert [(page_id, entry.title) for entry, page_id in chosen] == [
        ("1001", "Open a locker"),
        ("1002", "Сards' list"),
        ("1003", "Close a locker"),
        ("1004", "Rename a locker"),  # a relative link under a "## Payment Cards" heading
        ("1005", "Open a locker (old way)"),  # under a "- Gift Cards" list item
    ]
    assert chosen[3][0].url == f"{BASE}/api-1004.md"
    assert [entry.title for entry in passed_over] == ["Overview", "Dictionaries"]  # text pages
    only_gift, _ = sources.select(entries, ["gift cards"])
    assert [page_id for _, page_id in only_gift] == ["1003", "1005"]


@pytest.mark.parametrize(
    ("url", "page_id"),
    [
        ("https://docs.example.test/api-12075012.md", "12075012"),
        ("https://docs.example.test/api-12075012", "12075012"),
        ("https://docs.example.test/%D1%81ards-list-12075033e0.md", "12075033"),
        ("https://docs.example.test/create-transaction-depricated-34187316e0", "34187316"),
        ("https://docs.example.test/doc-760202.md", None),
        ("https://docs.example.test/apidog-extensions-1214987m0.md", None),
    ],
)
def test_endpoint_page_ids(url: str, page_id: str | None) -> None:
    assert sources.endpoint_id(url) == page_id


def _served_site(extra: dict[str, bytes] | None = None) -> httpx.MockTransport:
    """The fixture llms.txt with a page behind each endpoint link (agreeing with the fixture spec), and
    ``extra`` pages."""
    return _site(
        {
            **(extra or {}),
            "/llms.txt": (FIXTURES / "llms.txt").read_bytes(),
            "/api-1001.md": (CLEAN / "open.md").read_bytes(),
            "/сards-list-1002e0.md": (CLEAN / "open.txt").read_bytes(),
            "/api-1003.md": (CLEAN / "close.md").read_bytes(),
            "/api-1004.md": (CLEAN / "rename.md").read_bytes(),
            "/api-1005.md": (CLEAN / "legacy.md").read_bytes(),
        }
    )


def pull(tmp_path: Path, transport: Any, *extra: str) -> int:
    argv = ["pull", "--base", BASE, "--cache", str(tmp_path / "cache"), "--spec", str(SPEC), "--json", *extra]
    return docs_check.main(argv, transport=transport)


def test_pull_saves_the_selected_pages_then_checks_them(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = _served_site()
    assert pull(tmp_path, site) == 0
    out = capsys.readouterr()
    report = json.loads(out.out)
    assert (report["drift"], report["totals"]["pages"], report["totals"]["declared"]) == (False, 5, 3)
    assert "5 page(s) saved" in out.err
    cache = tmp_path / "cache"
    assert sorted(p.name for p in cache.iterdir()) == [
        "api-1001.md", "api-1002.md", "api-1003.md", "api-1004.md", "api-1005.md", "index.json", "llms.txt",
    ]  # fmt: skip
    index = json.loads((cache / "index.json").read_text(encoding="utf-8"))
    assert index["llms_txt"] == f"{BASE}/llms.txt" and index["sections"] == ["Payment Cards", "Gift Cards"]
    record = index["pages"][1]
    assert (record["file"], record["title"]) == ("api-1002.md", "Сards' list")
    assert record["url"] == f"{BASE}/%D1%81ards-list-1002e0.md"
    assert record["sha256"] == hashlib.sha256((cache / "api-1002.md").read_bytes()).hexdigest()
    assert {p["url"] for p in report["pages"]} == {p["url"] for p in index["pages"]}  # from index.json
    assert not any(path.endswith("api-3001.md") for path in site.seen)  # type: ignore[attr-defined]
    # the sections' text pages are asked for too (issue 19 item 5); this site does not serve them: warned only
    assert {"/doc-2001.md", "/dictionaries-2002m0.md"} <= set(site.seen)  # type: ignore[attr-defined]


def test_pull_removes_pages_no_longer_listed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert pull(tmp_path, _served_site()) == 0
    (tmp_path / "cache" / "notes.md").write_text("kept: not written by pull", encoding="utf-8")
    # notes.md is not a page: reported as unreadable, the pages are still checked (exit 2 only with --strict)
    assert pull(tmp_path, _served_site(), "--section", "Gift Cards") == 0
    assert "notes.md" in capsys.readouterr().err
    assert pull(tmp_path, _served_site(), "--section", "Gift Cards", "--strict") == 2
    capsys.readouterr()
    names = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert names == ["api-1003.md", "api-1005.md", "index.json", "llms.txt", "notes.md"]


def test_pull_failures_exit_2_and_write_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert pull(tmp_path, _site({})) == 2
    assert "does the site publish llms.txt?" in capsys.readouterr().err
    assert pull(tmp_path, _site({"/llms.txt": (FIXTURES / "llms.txt").read_bytes()})) == 2
    assert "some pages could not be fetched (nothing written)" in capsys.readouterr().err
    assert pull(tmp_path, _served_site(), "--section", "Merchant API") == 2
    assert "none an endpoint page under 'Merchant API'" in capsys.readouterr().err
    assert not (tmp_path / "cache").exists()


def test_pull_without_network_fails_at_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # No transport: the real resolver is asked first; an .invalid name never resolves.
    code = docs_check.main(["pull", "--base", "https://docs.freedompay.invalid", "--cache", str(tmp_path / "c")])
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot reach docs.freedompay.invalid" in err and "docs-pull needs the network" in err
    assert not (tmp_path / "c").exists()


def test_a_rendered_page_alone_leaves_format_and_limit_declarations_unchecked_not_stale(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Rendered text never states formats or limits, so the spec's declared format (request_id's uuid, dt's
    # date-time) and limit (card_id's maxLength) cannot be seen to hold or to have gone: a note, not drift.
    # The layout is the real Reset PIN counter page's (shared/reference/pages/), in our own words.
    code, report, _ = check(capsys, FIXTURES / "rendered" / "reset-pin-counter.txt", spec=REAL_SPEC)
    (op,) = [o for o in report["operations"] if o["path"] == "/v5/card-api/card/reset_counter_pin"]
    assert (code, op["drift"], report["pages"][0]["form"]) == (0, [], "rendered")
    unchecked = [n for n in op["notes"] if "not checked: no page read states its format and limits" in n]
    assert sorted(n.split(" (")[0].rsplit(" ", 1)[-1] for n in unchecked) == [
        "request.card_id",
        "request.request_id",
        "response.dt",
    ]
    # the same declarations against a Markdown page, which states formats, are used (not noted)
    code, report, _ = check(capsys, CURRENT / "reset-pin-counter.md", spec=REAL_SPEC)
    (op,) = [o for o in report["operations"] if o["path"] == "/v5/card-api/card/reset_counter_pin"]
    assert code == 0 and not [n for n in op["notes"] if "format and limits" in n]
