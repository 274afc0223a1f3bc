"""The real spec's ``x-doc-dictionary`` bindings against our own Dictionaries and Overview pages (issue 19 item 5).

tests/fixtures/docs/current/doc-850764.md (Dictionaries), doc-760202.md (Card API Overview) and
doc-761007.md (Gift Cards overview) are written by us in the layouts the real site serves (the Dictionaries
page as a pull saves its rendered page: client types and residency only inside the descriptions of a
product-1000 parameter table that marks required fields "(required)" and nests them in three name columns)
and state what shared/reference/card-api.md records today. With them the checker finds no drift; a change of
a dictionary (a new product, a residency value gone, a new client type in the description, a field newly
required for product 1000 or losing its mark, a renamed header, a new gift card status) is drift like a
change of an endpoint page. Before the spec bound these tables, each of these changes passed unseen (exit 0);
before the checker read the parameter table, the real layout made three bindings `gone`.
"""

from __future__ import annotations

import importlib
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_docs_check import CURRENT, REAL_SPEC, check

docpages = importlib.import_module("docs_tools.docpages")  # scripts/ is on sys.path: tests.test_docs_check puts it

DICTIONARIES = "doc-850764.md"
OVERVIEW = "doc-760202.md"
GIFT_OVERVIEW = "doc-761007.md"
SCHEMAS = "components.schemas"


def doc_drift(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(d["kind"], d["field"]) for doc in report["doc_pages"] for d in doc["drift"]}


def changed(tmp_path: Path, page: str, old: str, new: str) -> Path:
    """A copy of the current pages with ``old`` replaced by ``new`` in ``page``."""
    pages = tmp_path / "pages"
    if not pages.exists():
        shutil.copytree(CURRENT, pages)
    text = (pages / page).read_text(encoding="utf-8")
    assert old in text, old
    (pages / page).write_text(text.replace(old, new), encoding="utf-8")
    return pages


def test_every_binding_of_the_spec_is_read_from_todays_doc_pages(capsys: pytest.CaptureFixture[str]) -> None:
    bound = docpages.bindings(yaml.safe_load(REAL_SPEC.read_text(encoding="utf-8")))
    wheres = {b.where for b in bound}
    assert {
        f"{SCHEMAS}.CardApiEnvelope.properties.request_status",
        f"{SCHEMAS}.ProductId",
        f"{SCHEMAS}.ClientType",
        f"{SCHEMAS}.Residency",
        f"{SCHEMAS}.GiftEnvelope.properties.status",
        f"{SCHEMAS}.GiftCardStateResponse.allOf[1].properties.card_status",
        f"{SCHEMAS}.CreateClientRequest",
        "components.securitySchemes.jwsSignature",
    } <= wheres
    code, report, _ = check(capsys, CURRENT, spec=REAL_SPEC)
    assert (code, doc_drift(report)) == (0, set())
    assert sorted(d["page_id"] for d in report["doc_pages"]) == ["760202", "761007", "850764"]
    assert not any("not among the sources" in n for n in report["notes"])
    # every table on our pages is read by a binding but the Overview's hosts (the spec's servers bind none):
    # a note, not drift
    assert [n for doc in report["doc_pages"] for n in doc["notes"]] == [
        "tables no x-doc-dictionary reads (not compared): 'Query Mechanics'"
    ]
    declared = {(d["kind"], d["field"], d["declared_in"]) for doc in report["doc_pages"] for d in doc["declared"]}
    # the header name, declared with its why on the binding
    assert ("values", "components.securitySchemes.jwsSignature", "x-doc-dictionary") in declared
    # product 1000's extra fields: the spec's x-required-when states them
    assert ("required", f"{SCHEMAS}.CreateClientRequest.client.address2.address_line3", "x-required-when") in declared


def test_a_new_product_is_drift(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pages = changed(
        tmp_path, DICTIONARIES, "| 3000 | Electron Card. |\n", "| 3000 | Electron Card. |\n| 4000 | Metal Card. |\n"
    )
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, doc_drift(report)) == (1, {("values", f"{SCHEMAS}.ProductId")})
    (diff,) = [d for doc in report["doc_pages"] for d in doc["drift"]]
    assert (diff["page"], diff["spec"]) == ("1000, 2000, 3000, 4000", "1000, 2000, 3000")


def test_a_residency_value_gone_is_drift(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pages = changed(tmp_path, DICTIONARIES, "Residency: 1 - resident 2 - non-resident |", "Residency: 1 - resident |")
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, doc_drift(report)) == (1, {("values", f"{SCHEMAS}.Residency")})


def test_a_new_client_type_inside_the_description_is_drift(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pages = changed(tmp_path, DICTIONARIES, "3 - a sole trader |", "3 - a sole trader 4 - a charity |")
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, doc_drift(report)) == (1, {("values", f"{SCHEMAS}.ClientType")})
    (diff,) = [d for doc in report["doc_pages"] for d in doc["drift"]]
    assert (diff["page"], diff["spec"]) == ("1, 2, 3, 4", "1, 2, 3")


def test_a_field_newly_required_for_product_1000_is_drift(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    changed(tmp_path, DICTIONARIES, "| middle_name | Middle", "| middle_name (required) | Middle")
    pages = changed(
        tmp_path,
        DICTIONARIES,
        "| person_id (required) | The national id. | string | | |\n",
        "| person_id (required) | The national id. | string | | |\n"
        "| passport_number (required) | A field the spec lacks. | string | | |\n",
    )
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, doc_drift(report)) == (
        1,
        {
            ("required", f"{SCHEMAS}.CreateClientRequest.client.middle_name"),
            ("added", f"{SCHEMAS}.CreateClientRequest.client.passport_number"),
        },
    )


def test_a_field_no_longer_required_for_product_1000_is_drift(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # the last address line of address2 loses its "(required)" mark (the row stays)
    text = (CURRENT / DICTIONARIES).read_text(encoding="utf-8")
    row = "| address_line3 (required) | Building and premises. |"
    assert text.count(row) == 2
    pages = tmp_path / "pages"
    shutil.copytree(CURRENT, pages)
    at = text.rindex(row)
    (pages / DICTIONARIES).write_text(text[:at] + row.replace(" (required)", "") + text[at + len(row) :], "utf-8")
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, doc_drift(report)) == (
        1,
        {("removed", f"{SCHEMAS}.CreateClientRequest.client.address2.address_line3")},
    )


def test_a_field_losing_its_required_mark_that_the_spec_requires_is_drift(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pages = changed(tmp_path, DICTIONARIES, "| first_name (required) |", "| first_name |")
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, doc_drift(report)) == (1, {("required", f"{SCHEMAS}.CreateClientRequest.client.first_name")})
    (diff,) = [d for doc in report["doc_pages"] for d in doc["drift"]]
    assert (diff["page"], diff["spec"]) == ("optional", "required")


def test_type_and_resident_gaining_their_required_mark_make_the_declaration_stale(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # the binding declares type and resident unmarked on the page; both marked: nothing left to declare
    changed(tmp_path, DICTIONARIES, "| type | Kind", "| type (required) | Kind")
    pages = changed(tmp_path, DICTIONARIES, "| resident | Residency", "| resident (required) | Residency")
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, doc_drift(report)) == (1, {("stale-declaration", f"{SCHEMAS}.CreateClientRequest")})


def test_overview_and_gift_overview_changes_are_drift(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # The Overview's table now writing the name the spec sends makes the declared difference stale; a new
    # gift card status and a request status gone are value drift.
    changed(tmp_path, OVERVIEW, "| JWS-Signature |", "| X-JWS-Signature |")
    changed(tmp_path, GIFT_OVERVIEW, "| 5 | Expired. |\n", "| 5 | Expired. |\n| 6 | Frozen. |\n")
    pages = changed(
        tmp_path, DICTIONARIES, "| process | The operation is still running; ask Request status later. |\n", ""
    )
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, doc_drift(report)) == (
        1,
        {
            ("stale-declaration", "components.securitySchemes.jwsSignature"),
            ("values", f"{SCHEMAS}.GiftCardStateResponse.allOf[1].properties.card_status"),
            ("values", f"{SCHEMAS}.CardApiEnvelope.properties.request_status"),
        },
    )


def test_a_dictionary_section_renamed_away_is_drift(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pages = changed(tmp_path, DICTIONARIES, "## Client product\n", "## Kinds of card\n")
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, doc_drift(report)) == (1, {("gone", f"{SCHEMAS}.ProductId")})
    # and the table under its new name is named as read by nobody
    assert any("'Kinds of card'" in n for doc in report["doc_pages"] for n in doc["notes"])


def test_a_description_row_gone_from_the_parameter_table_is_drift(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pages = changed(
        tmp_path, DICTIONARIES, "| resident | Residency: 1 - resident 2 - non-resident | integer | | |\n", ""
    )
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, doc_drift(report)) == (1, {("gone", f"{SCHEMAS}.Residency")})
    (diff,) = [d for doc in report["doc_pages"] for d in doc["drift"]]
    assert "(its row client.resident)" in diff["message"]


def test_the_spec_documents_the_key_and_each_binding_is_whole() -> None:
    document = yaml.safe_load(REAL_SPEC.read_text(encoding="utf-8"))
    assert "`x-doc-dictionary: {page, section, compare:" in document["info"]["description"]
    for binding in docpages.bindings(document):
        assert binding.page in ("850764", "760202", "761007"), binding.where  # Dictionaries, Overview, Gift Cards
        # every section is one the real pages use: no binding needs a note saying its section name is ours
        node: Any = document
        for part in re.split(r"\.(?![^\[]*\])|\[(\d+)\]", binding.where):
            if part:
                node = node[int(part)] if part.isdigit() else node[part]
        assert "note" not in node["x-doc-dictionary"], binding.where
        assert binding.section not in ("Client types", "Residency", "Required for product 1000")
