"""The real spec's ``x-doc-dictionary`` bindings against our own Dictionaries and Overview pages (issue 19 item 5).

tests/fixtures/docs/current/doc-850764.md (Dictionaries), doc-760202.md (Card API Overview) and
doc-761007.md (Gift Cards overview) are written by us in the layout of Apidog's text pages and state what
shared/reference/card-api.md records today. With them the checker finds no drift; a change of a dictionary
(a new product, a residency value gone, a field newly required for product 1000, a renamed header, a new
gift card status) is drift like a change of an endpoint page. Before the spec bound these tables, each of
these changes passed unseen (exit 0).
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
    # every table on our pages is read by a binding: no "tables no x-doc-dictionary reads" note
    assert [n for doc in report["doc_pages"] for n in doc["notes"]] == []
    declared = {(d["kind"], d["field"], d["declared_in"]) for doc in report["doc_pages"] for d in doc["declared"]}
    # the header name, declared with its why on the binding
    assert ("values", "components.securitySchemes.jwsSignature", "x-doc-dictionary") in declared
    # product 1000's extra fields: the spec's x-required-when states them
    assert ("required", f"{SCHEMAS}.CreateClientRequest.client.address2.address_line3", "x-required-when") in declared


def test_a_new_product_is_drift(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pages = changed(
        tmp_path, DICTIONARIES, "| 3000 | Electron Card |\n", "| 3000 | Electron Card |\n| 4000 | Metal Card |\n"
    )
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, doc_drift(report)) == (1, {("values", f"{SCHEMAS}.ProductId")})
    (diff,) = [d for doc in report["doc_pages"] for d in doc["drift"]]
    assert (diff["page"], diff["spec"]) == ("1000, 2000, 3000, 4000", "1000, 2000, 3000")


def test_a_residency_value_gone_is_drift(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pages = changed(tmp_path, DICTIONARIES, "| 2 | Non-resident |\n", "")
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, doc_drift(report)) == (1, {("values", f"{SCHEMAS}.Residency")})


def test_a_field_newly_required_for_product_1000_is_drift(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pages = changed(
        tmp_path,
        DICTIONARIES,
        "| `person_id` | The national id. |\n",
        "| `person_id` | The national id. |\n"
        "| `middle_name` | Now needed too. |\n| `passport_number` | A field the spec lacks. |\n",
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
    pages = changed(tmp_path, DICTIONARIES, "| `address2.address_line3` | Building and premises. |\n", "")
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, doc_drift(report)) == (
        1,
        {("removed", f"{SCHEMAS}.CreateClientRequest.client.address2.address_line3")},
    )


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
    pages = changed(tmp_path, DICTIONARIES, "## Client types\n", "## Kinds of client\n")
    code, report, _ = check(capsys, pages, spec=REAL_SPEC)
    assert (code, doc_drift(report)) == (1, {("gone", f"{SCHEMAS}.ClientType")})
    # and the table under its new name is named as read by nobody
    assert any("'Kinds of client'" in n for doc in report["doc_pages"] for n in doc["notes"])


def test_the_spec_documents_the_key_and_each_binding_is_whole() -> None:
    document = yaml.safe_load(REAL_SPEC.read_text(encoding="utf-8"))
    assert "`x-doc-dictionary: {page, section, compare:" in document["info"]["description"]
    for binding in docpages.bindings(document):
        assert binding.page in ("850764", "760202", "761007"), binding.where  # Dictionaries, Overview, Gift Cards
        # a section name the page itself does not use says so (note), as the key's documentation asks
        if binding.section in ("Client types", "Residency", "Required for product 1000"):
            node: Any = document
            for part in re.split(r"\.(?![^\[]*\])|\[(\d+)\]", binding.where):
                if part:
                    node = node[int(part)] if part.isdigit() else node[part]
            assert "section name is ours" in node["x-doc-dictionary"]["note"]
