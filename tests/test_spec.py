"""The spec: valid OpenAPI 3.1, the whole reference catalogue, and the conventions the generator needs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate

from tests.spec_tools import operations, request_schema, resolve, response_schema, spec

ROOT = Path(__file__).resolve().parent.parent

# The catalogue of shared/reference/card-api.md, guesses included: 24 Payment Cards paths
# (Request status and Transaction request status share one) and 6 Gift Cards paths, and what the current
# navigation added (Cardholder validation, Set limits, Limits list). The doc statuses are
# those of the audit against the vendor's pages (issue 10): documented = the page shows request and answer,
# partial = less, inferred = no page body seen.
CATALOGUE = {
    "/v5/card-api/card/bulk_issue": "inferred",
    "/v5/card-api/card/issue": "inferred",
    "/v5/card-api/card/issue_plastic": "inferred",
    "/v5/card-api/card/activate": "inferred",
    "/v5/card-api/card/block": "inferred",
    "/v5/card-api/card/unblock": "documented",
    "/v5/card-api/card/set_pin": "documented",
    "/v5/card-api/card/reset_counter_pin": "documented",
    "/v5/card-api/card/close": "documented",
    "/v5/card-api/card/link": "documented",
    "/v5/card-api/card/info": "inferred",
    "/v5/card-api/card/balance": "inferred",
    "/v5/card-api/card/secret_data": "inferred",
    "/v5/card-api/card/secret_data_v2": "inferred",
    "/v5/card-api/card/statement": "documented",
    "/v5/card-api/card/statement_extended": "partial",
    "/v5/card-api/external/cardholder_validate": "documented",
    "/v5/card-api/client/add": "partial",
    "/v5/card-api/client/update": "documented",
    "/v5/card-api/client/cards": "inferred",
    "/v5/card-api/request/status": "documented",
    "/v5/card-api/transaction/create": "inferred",
    "/v5/card-api/transaction/clearing": "inferred",
    "/v5/card-api/transaction/refund": "documented",
    "/v5/card-api/transaction/info": "partial",
    "/v5/card-api/limits/set": "partial",
    "/v5/card-api/limits/list": "partial",
    "/v5/cards/product_list": "inferred",
    "/v5/cards/issue_card": "inferred",
    "/v5/cards/activate_card": "documented",
    "/v5/cards/resend": "inferred",
    "/v5/cards/resend_code": "inferred",
    "/v5/cards/status": "inferred",
}


def test_spec_is_valid_openapi_3_1() -> None:
    assert spec()["openapi"].startswith("3.1")
    validate(spec())


def test_every_catalogue_path_is_present_and_nothing_else() -> None:
    new = sorted(set(spec()["paths"]) - set(CATALOGUE))
    gone = sorted(set(CATALOGUE) - set(spec()["paths"]))
    assert not new, (
        f"tests/test_spec.py: add CATALOGUE entries for {new} with the doc status their page supports "
        "(documented / partial / inferred: check it with scripts/docs_check.py against the page)"
    )
    assert not gone, f"tests/test_spec.py: remove CATALOGUE entries {gone} (not in the spec any more)"


@pytest.mark.parametrize(("path", "operation_id", "op"), operations(), ids=[o[1] for o in operations()])
def test_operation_is_one_described_post(path: str, operation_id: str, op: dict) -> None:
    assert list(spec()["paths"][path]) == ["post"]
    assert re.fullmatch(r"[a-z][a-z0-9_]*", operation_id)
    assert op["tags"][0] == op["x-facade"].split(".")[0], "an operation's tag is its facade resource"
    assert op["summary"].strip()
    # a path missing from CATALOGUE is reported, with what to do, by the test above
    assert op["x-doc-status"] == CATALOGUE.get(path, op["x-doc-status"]), f"{path}: the spec and CATALOGUE differ"
    if op["x-doc-status"] != "documented":
        # a guess is never presented as documented: the description says what is guessed
        assert re.search(r"[Ii]nferred|[Pp]artial|guess", op.get("description", ""))


def test_doc_pages_are_urls_of_the_vendor_docs() -> None:
    pages = {op["operationId"]: op["x-doc-page"] for _, _, op in operations() if "x-doc-page" in op}
    assert len(pages) >= 10
    assert all(
        re.fullmatch(r"https://([\w-]+\.)*(freedompay\.(kz|kg|money)|apidog\.io)/\S+", url) for url in pages.values()
    )


def test_gift_card_signing_is_declared_an_assumption() -> None:
    """No page says how gift-card calls are signed: the spec says so, on the tag and on every operation."""
    tags = {t["name"]: t.get("description", "") for t in spec()["tags"]}
    assert "Sign" in tags["gift_cards"] and "not shown" in tags["gift_cards"]
    for path, _, op in operations():
        expected = "assumed-jws" if op["tags"][0] == "gift_cards" else "jws"
        assert op.get("x-signing", "jws") == expected, path


def test_operation_ids_are_unique() -> None:
    ids = [o[1] for o in operations()]
    assert len(ids) == len(set(ids))


def test_servers_and_signature_scheme() -> None:
    assert [s["url"] for s in spec()["servers"]] == ["https://api.freedompay.kz", "https://test-api.freedompay.kz"]
    scheme = spec()["components"]["securitySchemes"]["jwsSignature"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-JWS-Signature")
    assert "HS512" in scheme["description"]
    assert spec()["security"] == [{"jwsSignature": []}]


def _all_response_schemas() -> list[dict]:
    seen, out = set(), []
    stack = [response_schema(op) for _, _, op in operations()]
    while stack:
        schema = stack.pop()
        key = schema.get("$ref") or id(schema)
        if key in seen:
            continue
        seen.add(key)
        schema = resolve(schema)
        out.append(schema)
        stack.extend(schema.get("allOf", []))
        stack.extend(schema.get("properties", {}).values())
        if "items" in schema:
            stack.append(schema["items"])
    return out


def test_responses_keep_unknown_fields_and_never_use_oneof_or_enums() -> None:
    for schema in _all_response_schemas():
        assert schema.get("additionalProperties", True) is not False
        assert "oneOf" not in schema and "anyOf" not in schema
        # a value the server adds later must not fail parsing: known values are documented, not enforced
        assert "enum" not in schema


def test_request_constraints_from_the_docs() -> None:
    schemas = spec()["components"]["schemas"]
    assert schemas["RequestId"]["format"] == "uuid"
    assert schemas["CardId"]["minLength"] == 1 and schemas["ClientId"]["minLength"] == 1
    assert schemas["CountryAlpha3"]["pattern"] == "^[A-Z]{3}$"
    assert schemas["NewClient"]["properties"]["language"]["pattern"] == "^[a-z]{2}$"
    assert schemas["NewClient"]["properties"]["document"]["maxLength"] == 2796204  # 2 MiB of PDF in Base64
    assert schemas["NewClient"]["properties"]["birthdate"]["format"] == "date"
    assert schemas["ProductId"]["enum"] == [1000, 2000, 3000]
    assert schemas["ClientType"]["enum"] == [1, 2, 3] and schemas["Residency"]["enum"] == [1, 2]
    for _, _, op in operations():
        assert resolve(request_schema(op))["type"] == "object"


def test_envelopes_carry_the_documented_fields() -> None:
    env = spec()["components"]["schemas"]["CardApiEnvelope"]["properties"]
    assert set(env) == {"status", "request_status", "dt", "error_code", "error_description"}
    assert env["request_status"]["x-known-values"] == ["success", "process", "error"]
    gift = spec()["components"]["schemas"]["GiftEnvelope"]["properties"]
    assert gift["status"]["type"] == "integer" and gift["status"]["x-known-values"][-1] == -11


def test_spec_report_lists_every_operation_with_doc_status() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "spec_report.py")], capture_output=True, text=True, check=True
    ).stdout
    lines = [line for line in out.splitlines() if line.startswith("POST ")]
    statuses = [op["x-doc-status"] for _, _, op in operations()]
    assert len(lines) == len(statuses)
    assert all(re.search(r"\[(documented|partial|inferred)\]", line) for line in lines)
    counts = [statuses.count(s) for s in ("documented", "partial", "inferred")]
    total = f"{len(statuses)} operations on {len(spec()['paths'])} paths"
    assert out.strip().endswith(f"{total}: {counts[0]} documented, {counts[1]} partial, {counts[2]} inferred")


def test_models_holding_a_secret_are_found_through_refs_and_nested_all_of(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import generate

    secret = {"type": "string", "x-secret": True}
    components = {
        "Pan": secret,
        "Direct": {"type": "object", "properties": {"cvv": secret}},
        "ByRef": {"type": "object", "properties": {"pan": {"$ref": "#/components/schemas/Pan"}}},
        "Nested": {"allOf": [{"allOf": [{"$ref": "#/components/schemas/Direct"}]}, {"properties": {"x": {}}}]},
        "Plain": {"type": "object", "properties": {"id": {"type": "string"}}},
    }
    doc = tmp_path / "spec.yaml"
    doc.write_text(yaml.safe_dump({"openapi": "3.1.0", "components": {"schemas": components}}), encoding="utf-8")
    monkeypatch.setattr(generate, "SPEC", doc)

    assert generate._schemas_with_secrets() == ["ByRef", "Direct", "Nested"]


def test_the_operation_table_refuses_an_unknown_or_missing_doc_status_naming_the_operation() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import generate

    document = yaml.safe_load((ROOT / "openapi" / "card-api.yaml").read_text(encoding="utf-8"))
    (first_path, first), (second_path, second) = [(path, item["post"]) for path, item in document["paths"].items()][:2]
    first["x-doc-status"] = "guessed"
    del second["x-doc-status"]

    with pytest.raises(SystemExit) as refused:
        generate.operation_table(document, generate.GENERATED)

    message = str(refused.value)
    assert (
        f"{first_path} ({first['operationId']}): x-doc-status must be one of documented, partial, inferred, "
        "not 'guessed'" in message
    )
    assert (
        f"{second_path} ({second['operationId']}): x-doc-status must be one of documented, partial, inferred, "
        "not None" in message
    )
