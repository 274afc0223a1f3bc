"""docs-check on pages in the layouts the vendor's real site serves (issue 19, "The checker").

The pages in fixtures/docs/real/ are written by us for the invented locker API of fixtures/docs/spec.yaml,
in the layouts seen on the real site: names run on to the line before them, pages cut before their head,
type lines with formats and limits. Each test states what the checker got wrong before.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_docs_check import BASE, CLEAN, DRIFT, FIXTURES, SPEC, _served_site, check, docs_check, drift

REAL = FIXTURES / "real"


def notes(report: dict[str, Any]) -> list[str]:
    return [n for op in report["operations"] for n in op["notes"]]


def spec_copy(tmp_path: Path, change: Any) -> Path:
    """The fixture spec with ``change(document)`` applied, written to tmp_path."""
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------- item 1


def test_names_run_on_to_the_previous_line_are_read(capsys: pytest.CaptureFixture[str]) -> None:
    # After punctuation ("...call.locker_id", "(RFC 3339).opened_at") and without any ("...to opennote",
    # "...own idweight": matched against the names the spec knows). Before: each one "in the spec, not on
    # the page", and the next field's facts taken for nothing.
    code, report, _ = check(capsys, REAL / "runon.txt")
    assert (code, drift(report)) == (0, set())
    (op,) = report["operations"]
    assert op["pages"][0]["request_fields"] == ["request_id", "locker_id", "note"]
    assert op["pages"][0]["response_fields"] == [
        "status", "dt", "opened_at", "slot", "slot.row", "slot.col", "items", "items[].item_id", "items[].weight",
    ]  # fmt: skip


def test_a_run_on_name_nobody_knows_is_a_note_not_a_silent_loss(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = (REAL / "runon.txt").read_text(encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text(text.replace("Which locker to opennote", "Which locker to openmemo"), encoding="utf-8")
    code, report, _ = check(capsys, page)
    assert (code, drift(report)) == (1, {("removed", "request.note")})
    assert any("ran on to the line" in n and "openmemo" in n for n in notes(report))


# ---------------------------------------------------------------------------------------------- item 3


def test_a_headless_page_takes_its_head_from_the_curl_sample(capsys: pytest.CaptureFixture[str]) -> None:
    # Before: "not recognised" (exit 2). Now: method and path from the curl sample; the examples confirm
    # which fields exist, and nothing is said about required-ness or about fields the examples leave out.
    code, report, _ = check(capsys, REAL / "headless-curl.txt")
    (op,) = report["operations"]
    assert (op["method"], op["path"]) == ("POST", "/v1/locker/open")
    assert op["pages"][0]["request_fields"] == ["request_id", "locker_id"]
    assert "slot.row" in op["pages"][0]["response_fields"]
    # the fixture spec calls the operation documented: a page with examples only shows less
    assert (code, drift(report)) == (1, {("doc-status", None)})
    assert "examples only" in op["drift"][0]["message"]
    assert any("taken from the page's request sample" in n for n in op["notes"])


def test_a_headless_page_takes_its_head_from_an_http_request_line(capsys: pytest.CaptureFixture[str]) -> None:
    _, report, _ = check(capsys, REAL / "headless-http.txt")
    (op,) = report["operations"]
    assert (op["method"], op["path"], op["operation_id"]) == ("POST", "/v1/locker/close", "close_locker")
    assert drift(report) == {("doc-status", None)}
    # the declared "force is not on the page" is neither used nor stale: an example cannot show it gone
    assert any("request.force (removed) not checked" in n for n in op["notes"])


def test_an_example_shows_an_added_field_but_never_required_ness(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = (REAL / "headless-curl.txt").read_text(encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text(text.replace('"locker_id": "L-7"', '"locker_id": "L-7",\n    "pin_hint": "1234"'), encoding="utf-8")
    _, report, _ = check(capsys, page)
    assert drift(report) == {("doc-status", None), ("added", "request.pin_hint")}
    (added,) = [d for d in report["operations"][0]["drift"] if d["kind"] == "added"]
    assert added["page"] == "type not shown, in an example"


# ---------------------------------------------------------------------------------------------- item 4


def _limited(document: dict[str, Any], max_length: int = 16) -> None:
    schemas = document["components"]["schemas"]
    schemas["OpenRequest"]["properties"]["locker_id"] = {"type": "string", "minLength": 1, "maxLength": max_length}
    schemas["Envelope"]["properties"]["status"]["x-known-values"] = ["ok", "error"]
    schemas["Slot"]["properties"]["row"] = {"type": "integer", "format": "int32", "minimum": 1}


def test_formats_and_limits_shown_in_rendered_text_are_compared(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Agreeing spec: formats (<uuid>, <int32>), bounds and allowed values (against x-known-values) agree.
    code, report, _ = check(capsys, REAL / "limits.txt", spec=spec_copy(tmp_path, _limited))
    assert (code, drift(report)) == (0, set())
    # Before, rendered text was format-blind: a changed bound or format went unseen (exit 0).
    code, report, _ = check(capsys, REAL / "limits.txt", spec=spec_copy(tmp_path, lambda d: _limited(d, 32)))
    assert (code, drift(report)) == (1, {("limits", "request.locker_id")})
    diff = report["operations"][0]["drift"][0]
    assert (diff["page"], diff["spec"]) == ("minLength=1, maxLength=16", "minLength=1, maxLength=32")
    code, report, _ = check(capsys, REAL / "limits.txt")
    assert drift(report) == {
        ("limits", "request.locker_id"),
        ("limits", "response.status"),
        ("format", "response.slot.row"),
        ("limits", "response.slot.row"),
    }


def test_a_rendered_page_without_limit_lines_compares_no_limits(capsys: pytest.CaptureFixture[str]) -> None:
    # open.txt shows no bounds: the spec's limits on those fields are not compared (not reported as drift)
    code, report, _ = check(capsys, CLEAN / "open.txt")
    assert (code, drift(report)) == (0, set())


# ---------------------------------------------------------------------------------------------- item 6


def test_a_page_that_left_the_index_is_gone_and_its_declarations_stale(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pages = tmp_path / "pages"
    shutil.copytree(CLEAN, pages)
    index = (FIXTURES / "llms.txt").read_text(encoding="utf-8")
    (pages / "llms.txt").write_text(index, encoding="utf-8")
    code, report, _ = check(capsys, pages)
    assert code == 0
    audit = next(op for op in report["not_checked"] if op["operation_id"] == "audit_locker")
    assert audit["listed"] is True  # listed, simply not among the sources: not checked, not gone

    def declare(document: dict[str, Any]) -> None:
        op = document["paths"]["/v1/locker/audit"]["post"]
        op["x-doc-deviations"] = [{"differs": "status", "why": "The page was a draft."}]

    (pages / "llms.txt").write_text(index.replace("api-1099", "api-1098"), encoding="utf-8")
    code, report, _ = check(capsys, pages, spec=spec_copy(tmp_path, declare))
    assert code == 1
    assert drift(report) == {("gone", None), ("stale-declaration", None)}
    (op,) = [op for op in report["operations"] if op["operation_id"] == "audit_locker"]
    assert "no longer listed in the index" in op["drift"][0]["message"]
    assert "its page is gone from the index" in op["drift"][1]["message"]


def test_declarations_of_an_operation_whose_own_page_was_not_read_are_not_stale(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def declare(document: dict[str, Any]) -> None:
        op = document["paths"]["/v1/locker/open"]["post"]
        op["x-doc-deviations"] = [{"field": "request.note", "differs": "removed", "why": "Its page lists no note."}]

    spec = spec_copy(tmp_path, declare)
    other = tmp_path / "api-1077.md"  # another page of the same path, not the operation's x-doc-page (api-1001)
    shutil.copy(CLEAN / "open.md", other)
    code, report, _ = check(capsys, other, spec=spec)
    assert (code, drift(report)) == (0, set())
    assert any("request.note, removed) not checked: its page (x-doc-page" in n for n in notes(report))
    own = tmp_path / "api-1001.md"
    shutil.copy(CLEAN / "open.md", own)
    code, report, _ = check(capsys, own, spec=spec)  # its own page read, and it shows the note: stale
    assert (code, drift(report)) == (1, {("stale-declaration", "request.note")})


def test_a_declaration_under_an_object_the_page_shows_without_fields_is_not_stale(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def declare(document: dict[str, Any]) -> None:
        op = document["paths"]["/v1/locker/open"]["post"]
        op["x-doc-deviations"] = [{"field": "response.slot.col", "differs": "removed", "why": "Not on the page."}]

    text = (CLEAN / "open.txt").read_text(encoding="utf-8")
    fields = "row\ninteger \nrequired\nRow of the slot.\ncol\ninteger \noptional\n"
    assert fields in text
    page = tmp_path / "open.txt"
    page.write_text(text.replace(fields, ""), encoding="utf-8")  # `slot` shown as an object, without its fields
    code, report, _ = check(capsys, page, spec=spec_copy(tmp_path, declare))
    assert (code, drift(report)) == (0, set())
    assert any("response.slot.col (removed) not checked" in n for n in notes(report))


# ---------------------------------------------------------------------------------------------- item 7


def test_an_added_field_is_reported_with_everything_the_page_says(capsys: pytest.CaptureFixture[str]) -> None:
    _, report, _ = check(capsys, DRIFT / "open-fields.md")
    (added,) = [d for op in report["operations"] for d in op["drift"] if d["field"] == "request.pin_hint"]
    assert added["details"] == {
        "type": "string",
        "format": None,
        "enum": None,
        "limits": [],
        "description": "A hint shown on the locker's screen.",
    }
    assert 'description: "A hint shown on the locker\'s screen."' in added["message"]


def test_an_added_field_with_an_enum_and_limits_says_them(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = (DRIFT / "open-fields.md").read_text(encoding="utf-8")
    page = tmp_path / "open.md"
    page.write_text(
        text.replace(
            "                pin_hint:\n                  type: string\n",
            "                pin_hint:\n                  type: string\n                  format: digits\n"
            "                  maxLength: 4\n                  enum: ['1111', '2222']\n",
        ),
        encoding="utf-8",
    )
    _, report, _ = check(capsys, page)
    (added,) = [d for op in report["operations"] for d in op["drift"] if d["field"] == "request.pin_hint"]
    assert added["details"]["format"] == "digits" and added["details"]["enum"] == ["1111", "2222"]
    assert added["details"]["limits"] == ["maxLength=4"]
    assert "format digits; enum 1111, 2222; maxLength=4; description:" in added["message"]


# ---------------------------------------------------------------------------------------------- listed, not modelled


def test_a_page_the_spec_lists_as_not_modelled_is_not_a_new_operation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, report, _ = check(capsys, DRIFT / "new-path.md")
    assert drift(report) == {("new-operation", None)}

    def unmodelled(document: dict[str, Any]) -> None:
        document["x-unmodelled-pages"] = [
            {"page": "4711", "title": "Teleport a locker", "path": "/v1/locker/teleport", "why": "Not offered yet."}
        ]

    code, report, _ = check(capsys, DRIFT / "new-path.md", spec=spec_copy(tmp_path, unmodelled))
    assert (code, drift(report), report["totals"]["listed_not_modelled"]) == (0, set(), 1)
    assert report["listed_not_modelled"][0]["why"] == "Not offered yet."
    assert docs_check.main(["--spec", str(tmp_path / "spec.yaml"), str(DRIFT / "new-path.md")]) == 0
    assert "Listed, not modelled" in capsys.readouterr().out


def test_a_malformed_unmodelled_list_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec = spec_copy(tmp_path, lambda d: d.update({"x-unmodelled-pages": [{"page": "1", "title": "x"}]}))
    code, report, _ = check(capsys, CLEAN / "open.md", spec=spec)
    assert code == 2 and "has no 'why'" in report["errors"][0]["reason"]


# ---------------------------------------------------------------------------------------------- moved pages


def test_a_page_that_moved_is_matched_by_its_page_id(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    moved = tmp_path / "api-1001.md"  # open_locker's x-doc-page is api-1001
    moved.write_text(
        (CLEAN / "open.md").read_text(encoding="utf-8").replace("/v1/locker/open:", "/v1/locker/open_door:"),
        encoding="utf-8",
    )
    code, report, _ = check(capsys, moved)
    assert (code, drift(report)) == (1, {("path", None)})
    (op,) = report["operations"]
    assert op["operation_id"] == "open_locker" and "the page moved" in op["drift"][0]["message"]


# ---------------------------------------------------------------------------------------------- item 5

DOCS = FIXTURES / "doc-pages"


def _bound(document: dict[str, Any], *, declare_note: bool = False) -> None:
    schemas = document["components"]["schemas"]
    status = schemas["Envelope"]["properties"]["status"]
    status["x-known-values"] = ["ok", "error"]
    status["x-doc-dictionary"] = {"page": "https://docs.example.test/doc-2002", "section": "Answer statuses"}
    schemas["OpenRequest"]["x-doc-dictionary"] = {
        "page": "2002",
        "section": "Fields required for express lockers",
        "compare": "required",
    }
    if declare_note:
        schemas["OpenRequest"]["x-doc-dictionary"] |= {
            "differs": "required",
            "why": "Required for express lockers only, which OpenAPI cannot say; the facade checks it.",
        }
    document["components"]["securitySchemes"] = {
        "lockerSignature": {
            "type": "apiKey",
            "in": "header",
            "name": "X-Locker-Signature",
            "x-doc-dictionary": {"page": "2001", "section": "Headers", "compare": "name"},
        }
    }


def test_doc_pages_are_compared_with_the_spec_s_values_names_and_required_ness(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Before: a doc page was "not recognised" (exit 2) and nothing on it was compared.
    code, report, _ = check(capsys, DOCS, spec=spec_copy(tmp_path, _bound))
    assert report["totals"]["doc_pages"] == 2
    dictionaries = next(d for d in report["doc_pages"] if d["page_id"] == "2002")
    assert [(d["kind"], d["field"]) for d in dictionaries["drift"]] == [
        ("required", "components.schemas.OpenRequest.note")
    ]
    assert any("'Locker sizes'" in n for n in dictionaries["notes"])  # a table no binding reads is named
    assert code == 1
    # the same difference, declared on the property, is listed as declared
    code, report, _ = check(capsys, DOCS, spec=spec_copy(tmp_path, lambda d: _bound(d, declare_note=True)))
    assert (code, report["totals"]["drift"], report["totals"]["declared"]) == (0, 0, 1)
    # and the declaration is stale once the page no longer requires the field
    page = tmp_path / "doc-2002.md"
    page.write_text(
        (DOCS / "doc-2002.md")
        .read_text(encoding="utf-8")
        .replace("| `note` | Where the courier leaves the parcel. |\n", ""),
        encoding="utf-8",
    )
    code, report, _ = check(capsys, page, spec=tmp_path / "spec.yaml")
    (doc,) = report["doc_pages"]
    assert (code, [d["kind"] for d in doc["drift"]]) == (1, ["stale-declaration"])


def test_a_dictionaries_change_shows_up_like_a_page_change(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec = spec_copy(tmp_path, lambda d: _bound(d, declare_note=True))
    pages = tmp_path / "pages"
    shutil.copytree(DOCS, pages)
    dictionaries = pages / "doc-2002.md"
    text = dictionaries.read_text(encoding="utf-8")
    dictionaries.write_text(
        text.replace(
            "| `error` | It did not; the answer says why. |", "| `error` | It did not. |\n| `busy` | Try later. |"
        ),
        encoding="utf-8",
    )
    overview = pages / "doc-2001.md"
    overview.write_text(
        overview.read_text(encoding="utf-8").replace("| X-Locker-Signature |", "| Locker-Signature |"), encoding="utf-8"
    )
    code, report, _ = check(capsys, pages, spec=spec)
    found = {(d["kind"], d["field"]) for doc in report["doc_pages"] for d in doc["drift"]}
    assert code == 1
    assert found == {
        ("values", "components.schemas.Envelope.properties.status"),
        ("values", "components.securitySchemes.lockerSignature"),
    }
    messages = [d["message"] for doc in report["doc_pages"] for d in doc["drift"]]
    assert any("lists busy, error, ok; the spec error, ok" in m for m in messages)
    # a section the spec reads that left the page is drift too
    dictionaries.write_text(text.replace("## Answer statuses", "## Statuses of an answer"), encoding="utf-8")
    code, report, _ = check(capsys, dictionaries, spec=spec)
    assert ("gone", "components.schemas.Envelope.properties.status") in {
        (d["kind"], d["field"]) for doc in report["doc_pages"] for d in doc["drift"]
    }


def test_a_malformed_doc_binding_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    def bad(document: dict[str, Any]) -> None:
        document["components"]["schemas"]["Envelope"]["x-doc-dictionary"] = {"page": "2002"}

    code, report, _ = check(capsys, CLEAN / "open.md", spec=spec_copy(tmp_path, bad))
    assert code == 2 and "x-doc-dictionary must be" in report["errors"][0]["reason"]


def test_pull_saves_the_sections_doc_pages_and_checks_them(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = _served_site(
        {
            "/doc-2001.md": (DOCS / "doc-2001.md").read_bytes(),
            "/dictionaries-2002m0.md": (DOCS / "doc-2002.md").read_bytes(),
        }
    )
    spec = spec_copy(tmp_path, lambda d: _bound(d, declare_note=True))
    argv = ["pull", "--base", BASE, "--cache", str(tmp_path / "cache"), "--spec", str(spec), "--json"]
    assert docs_check.main(argv, transport=site) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"doc-2001.md", "doc-2002.md"} <= {p.name for p in (tmp_path / "cache").iterdir()}
    assert sorted(d["page_id"] for d in report["doc_pages"]) == ["2001", "2002"]
    assert report["totals"]["declared"] == 4  # the fixture's 3, and the Dictionaries' declared requirement


def test_prose_listing_values_is_not_read_as_allowed_values(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Real pages describe values in prose right under a field ("Possible values: ..."): only Apidog's own
    # "Allowed values:" block is a limit; prose never is (else every such description would be drift).
    text = (CLEAN / "open.txt").read_text(encoding="utf-8")
    head = "status\nstring \nrequired\n"
    assert head in text
    page = tmp_path / "open.txt"
    page.write_text(text.replace(head, head + "Possible values: ok, error, later.\n", 1), encoding="utf-8")
    code, report, _ = check(capsys, page)
    assert (code, drift(report)) == (0, set())


def test_a_headless_page_takes_its_head_from_a_request_named_in_its_example(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = (REAL / "headless-http.txt").read_text(encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text(
        text.replace(
            "POST /v1/locker/close HTTP/1.1\nHost: api.example.test\n", "Send `POST /v1/locker/close` with:\n"
        ),
        encoding="utf-8",
    )
    _, report, _ = check(capsys, page)
    (op,) = report["operations"]
    assert (op["method"], op["path"], op["operation_id"]) == ("POST", "/v1/locker/close", "close_locker")


def test_a_url_line_and_a_request_sample_that_disagree_are_both_tried_and_noted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # (the real Cardholder validation page: its URL line names one path, its example another)
    text = (CLEAN / "open.txt").read_text(encoding="utf-8")
    page = tmp_path / "open.txt"
    page.write_text(
        text.replace(
            "POST\nhttps://api.example.test/v1/locker/open\n", "POST\nhttps://api.example.test/v1/lockers/open\n"
        ),
        encoding="utf-8",
    )
    code, report, _ = check(capsys, page)
    (op,) = report["operations"]
    assert (code, op["operation_id"]) == (0, "open_locker")
    assert any("URL line says /v1/lockers/open, its request sample /v1/locker/open" in n for n in op["notes"])


def test_limit_lines_before_the_required_line_are_read_and_so_is_required(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = (REAL / "limits.txt").read_text(encoding="utf-8")
    shown = "locker_id\nstring \nrequired\n>= 1 characters<= 16 characters\n"
    assert shown in text
    page = tmp_path / "limits.txt"
    page.write_text(
        text.replace(shown, "locker_id\nstring \n>= 1 characters<= 16 characters\nrequired\n"), encoding="utf-8"
    )
    code, report, _ = check(capsys, page, spec=spec_copy(tmp_path, _limited))
    assert (code, drift(report)) == (0, set())


def test_a_field_a_rendered_page_adds_is_reported_with_what_the_page_shows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = (REAL / "limits.txt").read_text(encoding="utf-8")
    anchor = "note\nstring | null\noptional\n"
    added = "size\ninteger <int32>\noptional\nAllowed values:\n1\n2\n3\nThe size of the locker.\n"
    page = tmp_path / "limits.txt"
    page.write_text(text.replace(anchor, added + anchor), encoding="utf-8")
    _, report, _ = check(capsys, page, spec=spec_copy(tmp_path, _limited))
    (diff,) = report["operations"][0]["drift"]
    assert (diff["kind"], diff["field"]) == ("added", "request.size")
    assert diff["details"] == {
        "type": "integer",
        "format": "int32",
        "enum": [1, 2, 3],
        "limits": [],
        "description": "The size of the locker.",
    }


def test_a_section_s_required_fields_are_checked_against_x_required_when(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The spec states "required for product 1000" with x-required-when (as the Card API's Create client
    # does): the Dictionaries section agreeing with it is declared, one no longer listing a field is drift.
    def conditional(document: dict[str, Any]) -> None:
        _bound(document)
        document["components"]["schemas"]["OpenRequest"]["x-required-when"] = [
            {"when": {"locker_id": ["X-1"]}, "required": {"": ["note"]}, "why": "Express lockers only."}
        ]

    spec = spec_copy(tmp_path, conditional)
    code, report, _ = check(capsys, DOCS / "doc-2002.md", spec=spec)
    (doc,) = report["doc_pages"]
    assert (code, doc["drift"]) == (0, [])
    assert [(d["field"], d["declared_in"], d["why"]) for d in doc["declared"]] == [
        ("components.schemas.OpenRequest.note", "x-required-when", "Express lockers only.")
    ]
    page = tmp_path / "doc-2002.md"
    page.write_text(
        (DOCS / "doc-2002.md")
        .read_text(encoding="utf-8")
        .replace("| `note` | Where the courier leaves the parcel. |\n", ""),
        encoding="utf-8",
    )
    code, report, _ = check(capsys, page, spec=spec)
    (doc,) = report["doc_pages"]
    assert (code, [(d["kind"], d["field"]) for d in doc["drift"]]) == (
        1,
        [("removed", "components.schemas.OpenRequest.note")],
    )
