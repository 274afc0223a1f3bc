"""The spec says where it says more than a page: its YAML reads as written, and every guess or deliberate
difference from the vendor's pages is declared in a key a tool reads (issue 18 item 7, issue 19 "The spec")."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.spec_tools import operations, spec

ROOT = Path(__file__).resolve().parent.parent
DOCS_CURRENT = ROOT / "tests" / "fixtures" / "docs" / "current"


def _nodes(node: Any, where: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(where, key, value) for every mapping entry of ``node``, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield where, key, value
            yield from _nodes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _nodes(value, f"{where}[{index}]")


def test_no_flow_mapping_is_cut_by_a_comma() -> None:
    """An unquoted comma in a flow mapping (``{description: a, b}``) cuts the value and adds a stray key
    ``b`` holding null. No key of the spec holds whitespace (paths, names, codes and keywords never do) and
    no value is null (the spec writes one only for an unmodelled page's unknown path)."""
    stray = [
        f"{where}: {key!r}: {value!r}"
        for where, key, value in _nodes(spec())
        if not isinstance(key, str)
        or re.search(r"\s", key)
        or (value is None and not (where.startswith("/x-unmodelled-pages[") and key == "path"))
    ]
    assert stray == [], "quote these flow-mapping values (a comma cut them):\n" + "\n".join(stray)


def test_the_check_catches_a_comma_cut_value() -> None:
    cut = yaml.safe_load("code: {type: integer, description: Product code, used when issuing.}")
    assert any(value is None or " " in key for _, key, value in _nodes(cut))


# What a schema object of this spec may hold: JSON Schema keywords and x- extensions.
SCHEMA_KEYWORDS = frozenset(
    {
        "$ref", "type", "format", "description", "enum", "const", "items", "properties", "required", "allOf",
        "oneOf", "anyOf", "additionalProperties", "minLength", "maxLength", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "pattern", "examples", "default", "title", "deprecated",
        "contentEncoding", "contentMediaType", "minItems", "maxItems",
    }
)  # fmt: skip


def _schemas(schema: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(schema, dict):
        return
    yield where, schema
    for name, sub in (schema.get("properties") or {}).items():
        yield from _schemas(sub, f"{where}.{name}")
    for key in ("items", "additionalProperties"):
        yield from _schemas(schema.get(key), f"{where}.{key}")
    for index, part in enumerate(schema.get("allOf") or []):
        yield from _schemas(part, f"{where}.allOf[{index}]")


def test_every_schema_holds_only_schema_keywords() -> None:
    """A comma that cuts ``{description: a, b: c}`` adds a key ``b``: no schema holds a key that is neither
    a JSON Schema keyword nor an ``x-`` extension."""
    roots = [(f"#/components/schemas/{name}", s) for name, s in spec()["components"]["schemas"].items()]
    roots += [
        (f"{path} request", op["requestBody"]["content"]["application/json"]["schema"]) for path, _, op in operations()
    ]
    unknown = [
        f"{where}: {key!r}"
        for root, schema in roots
        for where, node in _schemas(schema, root)
        for key in node
        if key not in SCHEMA_KEYWORDS and not key.startswith("x-")
    ]
    assert unknown == []


# ---------------------------------------------------------------------------------------------- declarations


def _operation(operation_id: str) -> dict[str, Any]:
    (op,) = [op for _, oid, op in operations() if oid == operation_id]
    return op


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec()["components"]["schemas"][name]
    return schema


def _declared_kinds(prop: dict[str, Any]) -> set[str]:
    differs = prop["x-doc-deviation"]["differs"]
    assert prop["x-doc-deviation"]["why"].strip()
    return {differs} if isinstance(differs, str) else set(differs)


def _docs_check(*sources: Path) -> dict[str, Any]:
    """scripts/docs_check.py's JSON report of ``sources`` against the spec."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "docs_check.py"), "--json", *map(str, sources)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_todays_pages_show_no_drift_and_each_declared_difference_is_the_page_s() -> None:
    """Against the pages as they read today (tests/fixtures/docs/current, in the vendor's layout): Request
    status's required cards/client_id and the transaction fields it keeps, and Unblock card's plain-string
    dt, are declared differences with their why, not drift."""
    report = _docs_check(DOCS_CURRENT)
    assert not report["drift"], [d for op in report["operations"] for d in op["drift"]]
    declared = {(d["path"], d["kind"], d["field"]) for d in report["declared"]}
    status = "/v5/card-api/request/status"
    assert {
        (status, "required", "response.cards"),
        (status, "required", "response.client_id"),
        (status, "removed", "response.transaction_id"),
        (status, "removed", "response.fin_document_id"),
        ("/v5/card-api/card/unblock", "format", "response.dt"),
    } <= declared


def test_the_reference_pages_show_no_drift_and_no_stale_declaration() -> None:
    pages = ROOT.parent / "shared" / "reference" / "pages"
    if not pages.is_dir():
        pytest.skip("no shared reference pages on this machine")
    report = _docs_check(pages)
    assert not report["drift"], [d for op in report["operations"] for d in op["drift"]]


def test_request_status_follows_its_page_or_declares_why() -> None:
    answer = _schema("RequestStatusResponse")["allOf"][1]
    props = answer["properties"]
    assert "cards" not in answer.get("required", []) and "client_id" not in answer.get("required", [])
    assert _declared_kinds(props["cards"]) == _declared_kinds(props["client_id"]) == {"required"}
    assert _declared_kinds(props["transaction_id"]) == _declared_kinds(props["fin_document_id"]) == {"removed"}


def test_limit_amount_fields_are_declared_example_derived() -> None:
    amount = _schema("LimitAmount")
    for name in amount["required"]:
        prop = amount["properties"][name]
        assert {"required", "limits"} <= _declared_kinds(prop), name
        assert "example" in prop["x-doc-deviation"]["why"], name


def test_transaction_info_declares_its_guesses() -> None:
    op = _operation("transaction_info")
    assert op["x-doc-path"]["source"] == "guess"
    declared = {(d["field"], d["differs"]) for d in op["x-doc-deviations"]}
    assert {("request.order_id", "removed"), ("request.transaction_id", "required")} <= declared


def test_cardholder_validation_says_which_of_its_two_paths_it_follows() -> None:
    path = "/v5/card-api/external/cardholder_validate"
    doc_path = spec()["paths"][path]["post"]["x-doc-path"]
    assert doc_path["source"] == "url-line"
    assert doc_path["alternatives"] == ["/v5/partner/external/cardholder_validate"]


def test_every_doc_path_declaration_is_well_formed() -> None:
    found = [op["x-doc-path"] for _, _, op in operations() if "x-doc-path" in op]
    assert len(found) >= 2
    for declared in found:
        assert set(declared) <= {"source", "why", "alternatives"}
        assert declared["source"] in ("url-line", "example", "guess") and declared["why"].strip()
        assert all(isinstance(p, str) and p.startswith("/") for p in declared.get("alternatives", []))


def test_the_duplicate_request_rule_says_where_it_comes_from() -> None:
    request_id = _schema("RequestId")
    source = request_id["x-doc-source"]
    assert set(source) == {"rule", "from", "current"}
    assert "Overview" in source["from"] and "not" in source["current"]
    assert "older versions of the Card API Overview" in request_id["description"]


def test_both_names_of_the_signature_header_are_noted_where_signing_is_described() -> None:
    from freedompay_cards import _auth

    scheme = spec()["components"]["securitySchemes"]["jwsSignature"]
    for text in (scheme["description"], spec()["info"]["description"], _auth.__doc__ or ""):
        assert "`JWS-Signature`" in text and "`X-JWS-Signature`" in text
    assert _auth.SIGNATURE_HEADER == scheme["name"] == "X-JWS-Signature"


def test_unmodelled_pages_are_listed_in_the_shape_docs_check_reads() -> None:
    listed = spec()["x-unmodelled-pages"]
    modelled = {op["x-doc-page"] for _, _, op in operations() if "x-doc-page" in op}
    for entry in listed:
        assert set(entry) == {"page", "title", "path", "why"}
        assert isinstance(entry["page"], str) and re.fullmatch(r"[0-9]+", entry["page"])
        assert isinstance(entry["title"], str) and entry["title"].strip() and entry["why"].strip()
        assert entry["path"] is None or (entry["path"].startswith("/") and entry["path"] not in spec()["paths"])
        assert not any(url.endswith(f"-{entry['page']}") for url in modelled), entry
    assert {e["page"] for e in listed} >= {"14317918"}  # the newer transaction "Create" page
