"""scripts/spec_diff.py (`make spec-diff`): every kind of spec change, found and flagged breaking or
compatible for users of the facade, on a small fixture spec (tests/fixtures/spec_diff/base.yaml) that each
test changes; then the command line, on the fixture and on the real spec."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import spec_diff  # noqa: E402  (scripts/ is not a package)
from generate import spec_hash  # noqa: E402

BASE_PATH = ROOT / "tests" / "fixtures" / "spec_diff" / "base.yaml"
BASE: dict[str, Any] = yaml.safe_load(BASE_PATH.read_text(encoding="utf-8"))
SCHEMAS = ("components", "schemas")

Row = tuple[str, str, str, str, bool]  # (operation, side, kind, path, breaking)


def changed(edit: Callable[[dict[str, Any]], None]) -> list[Row]:
    """The changes from the fixture to a copy of it that ``edit`` changed."""
    head = copy.deepcopy(BASE)
    edit(head)
    return [
        (op["name"], c["side"], c["kind"], c["path"], c["breaking"])
        for op in spec_diff.diff(BASE, head)
        for c in op["changes"]
    ]


def schema(doc: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = doc["components"]["schemas"][name]
    return found


def post(doc: dict[str, Any], path: str) -> dict[str, Any]:
    found: dict[str, Any] = doc["paths"][path]["post"]
    return found


def info_fields(doc: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = schema(doc, "CardInfo")["allOf"][1]
    return found


# ------------------------------------------------------------------------------------------- operations


def test_the_same_spec_has_no_change() -> None:
    assert changed(lambda doc: None) == []


def test_a_new_operation_is_compatible() -> None:
    def add(doc: dict[str, Any]) -> None:
        doc["paths"]["/v1/card/freeze"] = {"post": {**post(doc, "/v1/card/block"), "operationId": "freeze_card",
                                                    "x-facade": "cards.freeze"}}  # fmt: skip

    assert changed(add) == [("cards.freeze", "operation", "operation added", "cards.freeze", False)]


def test_a_removed_operation_is_breaking() -> None:
    assert changed(lambda doc: doc["paths"].pop("/v1/card/info")) == [
        ("cards.info", "operation", "operation removed", "cards.info", True)
    ]


def test_a_renamed_facade_method_is_recognised_by_its_path_and_is_breaking() -> None:
    def rename(doc: dict[str, Any]) -> None:
        post(doc, "/v1/card/block")["x-facade"] = "cards.freeze"

    report = spec_diff.diff(BASE, _edited(rename))
    assert [(op["name"], op["base_name"], op["status"]) for op in report] == [
        ("cards.freeze", "cards.block", "changed")
    ]
    assert changed(rename) == [("cards.freeze", "operation", "facade method renamed", "cards.freeze", True)]


def test_a_moved_path_is_recognised_by_the_facade_name_and_is_compatible() -> None:
    def move(doc: dict[str, Any]) -> None:
        doc["paths"]["/v2/card/block"] = doc["paths"].pop("/v1/card/block")

    assert changed(move) == [("cards.block", "operation", "path moved", "/v2/card/block", False)]


def test_without_facade_names_operations_are_matched_by_operation_id() -> None:
    """An older spec has no x-facade: a moved path is still one operation, matched by its operationId."""

    def strip(doc: dict[str, Any]) -> None:
        for item in doc["paths"].values():
            item["post"].pop("x-facade")

    def strip_and_move(doc: dict[str, Any]) -> None:
        strip(doc)
        doc["paths"]["/v2/info"] = doc["paths"].pop("/v1/card/info")

    base, head = _edited(strip), _edited(strip_and_move)
    report = spec_diff.diff(base, head)
    assert [(op["name"], op["status"], [c["kind"] for c in op["changes"]]) for op in report] == [
        ("card_info", "changed", ["path moved"])
    ]


def test_a_changed_operation_id_is_compatible_and_named() -> None:
    rows = changed(lambda doc: post(doc, "/v1/card/info").update(operationId="read_card"))
    assert rows == [("cards.info", "operation", "operationId", "cards.info", False)]


def test_behaviour_keys_and_doc_status_are_reported_as_compatible() -> None:
    def edit(doc: dict[str, Any]) -> None:
        op = post(doc, "/v1/client/add")
        op.pop("x-deferred")
        op["x-doc-status"] = "partial"
        op["deprecated"] = True
        post(doc, "/v1/card/info")["x-request-id"] = "subject"
        post(doc, "/v1/card/info")["x-signing"] = "assumed-jws"  # how it is signed: a live check may change it
        op["x-outcome-ids"] = ["client_id"]  # what a reconciled success must carry

    assert changed(edit) == [
        ("cards.info", "operation", "behaviour", "x-request-id", False),
        ("cards.info", "operation", "behaviour", "x-signing", False),
        ("clients.create", "operation", "behaviour", "x-deferred", False),
        ("clients.create", "operation", "behaviour", "x-outcome-ids", False),
        ("clients.create", "operation", "docs", "x-doc-status", False),
        ("clients.create", "operation", "docs", "deprecated", False),
    ]


# ------------------------------------------------------------------------------------------- request fields


def test_a_new_optional_request_field_is_compatible_and_a_required_one_breaking() -> None:
    def edit(doc: dict[str, Any]) -> None:
        block = schema(doc, "BlockRequest")
        block["properties"]["comment"] = {"type": "string"}
        block["properties"]["reason_code"] = {"type": "integer"}
        block["required"].append("reason_code")

    assert changed(edit) == [
        ("cards.block", "request", "field added", "comment", False),
        ("cards.block", "request", "field added", "reason_code", True),
    ]


def test_a_removed_request_field_is_breaking() -> None:
    def edit(doc: dict[str, Any]) -> None:
        schema(doc, "CreateClientRequest")["properties"].pop("branch_id")

    assert changed(edit) == [("clients.create", "request", "field removed", "branch_id", True)]


def test_a_removed_and_an_added_field_of_one_type_read_as_a_rename() -> None:
    def edit(doc: dict[str, Any]) -> None:
        block = schema(doc, "BlockRequest")
        block["properties"]["reason"] = block["properties"].pop("description")
        block["required"] = ["request_id", "card_id", "reason"]

    rows = changed(edit)
    assert rows == [("cards.block", "request", "field renamed?", "reason", True)]
    detail = spec_diff.diff(BASE, _edited(edit))[0]["changes"][0]["detail"]
    assert detail.startswith("description -> reason (string, required)")


def test_a_field_of_another_type_is_not_taken_for_a_rename() -> None:
    def edit(doc: dict[str, Any]) -> None:
        block = schema(doc, "BlockRequest")
        block["properties"].pop("description")
        block["properties"]["reason"] = {"type": "integer"}
        block["required"] = ["request_id", "card_id"]

    assert changed(edit) == [
        ("cards.block", "request", "field removed", "description", True),
        ("cards.block", "request", "field added", "reason", False),
    ]


def test_a_request_field_becoming_required_is_breaking_and_optional_compatible() -> None:
    def edit(doc: dict[str, Any]) -> None:
        schema(doc, "CreateClientRequest")["required"] = ["request_id", "product_id", "client", "branch_id"]
        schema(doc, "BlockRequest")["required"] = ["request_id", "card_id"]

    assert changed(edit) == [
        ("cards.block", "request", "required", "description", False),
        ("clients.create", "request", "required", "branch_id", True),
    ]


def test_a_type_change_is_breaking_on_both_sides() -> None:
    def edit(doc: dict[str, Any]) -> None:
        schema(doc, "CardRequest")["properties"]["card_id"]["type"] = "integer"
        info_fields(doc)["properties"]["card_mask"] = {"type": "integer"}

    assert changed(edit) == [
        ("cards.info", "request", "type", "card_id", True),
        ("cards.info", "response", "type", "card_mask", True),
    ]


def test_a_format_the_generated_models_type_is_breaking_and_another_is_not() -> None:
    def edit(doc: dict[str, Any]) -> None:
        client = schema(doc, "CreateClientRequest")["properties"]["client"]["properties"]
        client["birthdate"]["format"] = "date-time"
        client["first_name"]["format"] = "email"

    assert changed(edit) == [
        ("clients.create", "request", "format", "client.first_name", False),
        ("clients.create", "request", "format", "client.birthdate", True),
    ]


def test_a_removed_request_enum_value_is_breaking_and_an_added_one_compatible() -> None:
    def edit(doc: dict[str, Any]) -> None:
        schema(doc, "ProductId")["enum"] = [1000, 2000, 4000]

    assert changed(edit) == [
        ("clients.create", "request", "enum", "product_id", True),
        ("clients.create", "request", "enum", "product_id", False),
    ]
    assert [c["detail"] for c in spec_diff.diff(BASE, _edited(edit))[0]["changes"]] == [
        "values removed: [3000]",
        "values added: [4000]",
    ]


def test_nested_fields_are_compared_by_dotted_path() -> None:
    def edit(doc: dict[str, Any]) -> None:
        schema(doc, "Address")["properties"].pop("city")
        client = schema(doc, "CreateClientRequest")["properties"]["client"]
        client["properties"]["email"] = {"type": "string", "format": "email"}
        client["required"].append("email")

    assert changed(edit) == [
        ("clients.create", "request", "field added", "client.email", True),
        ("clients.create", "request", "field removed", "client.address.city", True),
    ]


def test_a_renamed_object_keeps_comparing_its_fields_under_the_new_name() -> None:
    def edit(doc: dict[str, Any]) -> None:
        request = schema(doc, "CreateClientRequest")
        request["properties"]["customer"] = request["properties"].pop("client")
        request["properties"]["customer"]["required"] = ["phone"]
        request["required"] = ["request_id", "product_id", "customer"]

    assert changed(edit) == [
        ("clients.create", "request", "field renamed?", "customer", True),
        ("clients.create", "request", "required", "customer.first_name", False),
    ]


def test_tighter_request_limits_are_breaking_and_looser_or_newly_stated_ones_compatible() -> None:
    def edit(doc: dict[str, Any]) -> None:
        schema(doc, "BlockRequest")["properties"]["description"]["maxLength"] = 50
        schema(doc, "CardRequest")["properties"]["card_id"]["minLength"] = 0
        schema(doc, "Address")["properties"]["country"]["pattern"] = "^[A-Z]{2}$"
        schema(doc, "Address")["properties"]["city"]["maxLength"] = 64

    assert changed(edit) == [
        ("cards.block", "request", "limit", "description", True),
        ("cards.info", "request", "limit", "card_id", False),
        ("clients.create", "request", "limit", "client.address.country", True),
        ("clients.create", "request", "limit", "client.address.city", False),
    ]


def test_an_enum_stated_for_the_first_time_is_compatible() -> None:
    def edit(doc: dict[str, Any]) -> None:
        schema(doc, "CreateClientRequest")["properties"]["branch_id"]["enum"] = ["b1", "b2"]

    assert changed(edit) == [("clients.create", "request", "enum", "branch_id", False)]


def test_a_request_object_newly_closed_is_breaking_and_opened_compatible() -> None:
    def edit(doc: dict[str, Any]) -> None:
        schema(doc, "CreateClientRequest")["properties"]["client"]["additionalProperties"] = False
        schema(doc, "BlockRequest").pop("additionalProperties")

    assert changed(edit) == [
        ("cards.block", "request", "closed", "", False),
        ("clients.create", "request", "closed", "client", True),
    ]


# ------------------------------------------------------------------------------------------- answer fields


def test_a_new_answer_field_is_compatible() -> None:
    assert changed(lambda doc: info_fields(doc)["properties"].update(daily_limit={"type": "number"})) == [
        ("cards.info", "response", "field added", "daily_limit", False)
    ]


def test_a_removed_answer_field_is_breaking() -> None:
    assert changed(lambda doc: info_fields(doc)["properties"].pop("card_mask")) == [
        ("cards.info", "response", "field removed", "card_mask", True)
    ]


def test_an_answer_field_becoming_optional_is_breaking_and_required_compatible() -> None:
    def edit(doc: dict[str, Any]) -> None:
        info_fields(doc)["required"] = ["card_mask"]

    rows = changed(edit)
    assert rows == [
        ("cards.info", "response", "required", "card_id", True),
        ("cards.info", "response", "required", "card_mask", False),
    ]
    details = [c["detail"] for c in spec_diff.diff(BASE, _edited(edit))[0]["changes"]]
    assert "its attribute may now be None" in details[0]


def test_array_items_fields_are_compared_under_brackets() -> None:
    def edit(doc: dict[str, Any]) -> None:
        schema(doc, "Account")["properties"]["amount"] = {"type": "string"}
        schema(doc, "Account")["properties"]["currency"] = {"type": "string"}

    assert changed(edit) == [
        ("cards.info", "response", "field added", "accounts[].currency", False),
        ("cards.info", "response", "type", "accounts[].amount", True),
    ]


def test_envelope_changes_show_on_every_operation_that_answers_with_it() -> None:
    rows = changed(lambda doc: schema(doc, "Envelope")["properties"].update(error_description={"type": "string"}))
    assert [(name, path) for name, _, _, path, _ in rows] == [
        ("cards.block", "error_description"),
        ("cards.info", "error_description"),
        ("clients.create", "error_description"),
    ]


def test_secret_marking_and_known_values_are_reported_as_compatible() -> None:
    def edit(doc: dict[str, Any]) -> None:
        info_fields(doc)["properties"]["expiry"].pop("x-secret")
        schema(doc, "Envelope")["properties"]["status"]["x-known-values"] = ["ok", "error", "later"]

    rows = changed(edit)
    assert ("cards.info", "response", "secret", "expiry", False) in rows
    assert ("cards.block", "response", "known values", "status", False) in rows
    assert not any(breaking for *_, breaking in rows)


# ------------------------------------------------------------------------------------------- the command


def _edited(edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    edit(doc)
    return doc


def _write(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def test_the_command_prints_both_hashes_and_exits_0_without_a_breaking_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = _edited(lambda doc: info_fields(doc)["properties"].update(daily_limit={"type": "number"}))
    code = spec_diff.main(["--base-file", str(BASE_PATH), "--spec", str(_write(tmp_path / "head.yaml", head))])
    out = capsys.readouterr().out
    assert code == 0
    assert f"base: {BASE_PATH}  {spec_hash(BASE)}" in out
    assert f"{spec_hash(head)}" in out and spec_hash(head) != spec_hash(BASE)
    assert "  compatible  response field added daily_limit: number, optional: a new answer field" in out
    assert out.rstrip().endswith(
        "no breaking change: operations 0 added, 0 removed, 1 changed; changes 0 breaking, 1 compatible"
    )


def test_the_command_exits_1_on_a_breaking_change_and_says_so_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = _edited(lambda doc: doc["paths"].pop("/v1/card/info"))
    argv = ["--base-file", str(BASE_PATH), "--spec", str(_write(tmp_path / "head.yaml", head)), "--json"]
    assert spec_diff.main(argv) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["breaking"] is True
    assert report["base"]["hash"] == spec_hash(BASE) and report["head"]["hash"] == spec_hash(head)
    assert report["summary"] == {"operations_added": 0, "operations_removed": 1, "operations_changed": 0,
                                 "breaking": 1, "compatible": 0}  # fmt: skip
    assert report["operations"][0]["changes"][0]["detail"] == (
        "card_info, POST /v1/card/info: callers of cards.info break"
    )


def test_the_command_exits_2_when_a_side_cannot_be_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert spec_diff.main(["--base-file", str(tmp_path / "missing.yaml"), "--spec", str(BASE_PATH)]) == 2
    assert "cannot read" in capsys.readouterr().err
    if shutil.which("git") is not None:
        assert spec_diff.main(["--base", "no-such-ref-anywhere", "--spec", str(BASE_PATH)]) == 2
        assert "cannot read openapi/card-api.yaml at no-such-ref-anywhere" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["paths: {a: [1, 2\n", "- just\n- a list\n"], ids=["not-yaml", "not-a-mapping"])
def test_the_command_exits_2_on_a_side_that_is_not_a_spec(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    for argv in (
        ["--base-file", str(broken), "--spec", str(BASE_PATH)],
        ["--base-file", str(BASE_PATH), "--spec", str(broken)],
    ):
        assert spec_diff.main(argv) == 2  # never 1, which says "breaking"
        assert "broken.yaml" in capsys.readouterr().err


def test_the_real_spec_against_itself_has_no_change_and_the_readme_s_hash(capsys: pytest.CaptureFixture[str]) -> None:
    spec = ROOT / "openapi" / "card-api.yaml"
    assert spec_diff.main(["--base-file", str(spec), "--spec", str(spec)]) == 0
    out = capsys.readouterr().out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    hashes = {line.split()[-1] for line in out.splitlines() if line.startswith(("base:", "head:"))}
    assert len(hashes) == 1 and f"hash `{hashes.pop()}`" in readme
    assert "the specs are the same" in out
    assert out.rstrip().endswith("changes 0 breaking, 0 compatible")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_git_ref_is_read_with_git_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inside = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, check=False)
    if inside.returncode != 0:
        pytest.skip("not a git checkout")
    committed = spec_diff.read_at_ref("HEAD")
    assert spec_diff.default_ref() in spec_diff.DEFAULT_REFS
    assert spec_diff.main(["--base", "HEAD", "--spec", str(_write(tmp_path / "same.yaml", committed))]) == 0
    assert f"base: HEAD:openapi/card-api.yaml  {spec_hash(committed)}" in capsys.readouterr().out


def test_make_spec_diff_passes_ref_to_the_script() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "spec-diff: $(STAMP)\n\t$(PY) scripts/spec_diff.py $(if $(REF),--base $(REF))" in makefile
