"""scripts/docs_sync.py (scripts/docs_tools/sync.py): the doc pages applied to the spec, on pages we wrote.

Every scenario starts from a docs cache as ``make docs-pull`` leaves it (``api-<id>.md`` files and an
``index.json``), filled with our own pages of tests/fixtures/docs/current (the spec agrees with them), synced
once so that provenance is recorded. Then a scenario's changed pages (tests/fixtures/docs_sync/<scenario>/,
written by us in Apidog's Markdown layout, never vendor text) replace their originals, docs-sync runs, and
docs-check afterwards must report exactly what the sync left to a person. The same ten pages are replayed as
rendered text (made from our Markdown pages by ``render`` below). The spec is a copy in a temporary folder.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from docs_tools import cli, markdown, provenance, spec_edit  # noqa: E402  (scripts/ is not a package)
from docs_tools import sync as docs_sync  # noqa: E402

DOCS = ROOT / "tests" / "fixtures" / "docs"
CURRENT = DOCS / "current"
SCENARIOS = ROOT / "tests" / "fixtures" / "docs_sync"
SPEC = ROOT / "openapi" / "card-api.yaml"
BASE = "https://docs.freedompay.kz"
TEN = ("optional-answer-field", "required-request-enum", "new-operation", "moved-deprecated", "retype", "ten")


# ---------------------------------------------------------------------------------------------- helpers


def page_id(page: Path) -> str:
    found = re.search(r"api-(\d+)", page.read_text(encoding="utf-8"))
    assert found, page
    return found.group(1)


def fill_cache(cache: Path, *scenarios: str, form: str = "markdown") -> None:
    """The cache as docs-pull leaves it: our current pages, then each scenario's pages over them."""
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob("api-*"):
        old.unlink()
    for old in cache.glob("doc-*"):
        old.unlink()
    pages = {f"api-{page_id(p)}": p for p in sorted(CURRENT.glob("*.md")) if not p.name.startswith("doc-")}
    for scenario in scenarios:
        pages.update({p.stem: p for p in sorted((SCENARIOS / scenario).glob("api-*.md"))})
    records = []
    for doc in sorted(CURRENT.glob("doc-*.md")):  # text pages (Dictionaries, Overview), as pulled
        shutil.copyfile(doc, cache / doc.name)
        records.append({"file": doc.name, "url": f"{BASE}/{doc.name}", "title": doc.stem})
    for stem, source in pages.items():
        text = source.read_text(encoding="utf-8")
        name = f"{stem}.md" if form == "markdown" else f"{stem}.txt"
        (cache / name).write_text(text if form == "markdown" else render(text), encoding="utf-8")
        records.append({"file": name, "url": f"{BASE}/{stem}.md", "title": text.splitlines()[0][2:]})
    (cache / "index.json").write_text(json.dumps({"pages": records}), encoding="utf-8")


@pytest.fixture
def work(tmp_path: Path) -> tuple[Path, Path]:
    """(spec, cache): a copy of the spec synced once from the current pages (provenance recorded)."""
    spec = tmp_path / "card-api.yaml"
    shutil.copyfile(SPEC, spec)
    cache = tmp_path / "cache"
    fill_cache(cache)
    code, outcome = run_sync(spec, cache)
    assert code == 0 and not outcome["applied"] and not outcome["left"], outcome
    return spec, cache


def run_sync(spec: Path, *sources: Path | str, dry_run: bool = False) -> tuple[int, dict[str, Any]]:
    out = _captured(
        lambda: docs_sync.main(["--json", "--spec", str(spec), *(["--dry-run"] if dry_run else []), *map(str, sources)])
    )
    return out[0], json.loads(out[1]) if out[1].strip() else {}


def run_check(spec: Path, *sources: Path | str) -> tuple[int, dict[str, Any]]:
    out = _captured(lambda: cli.main(["--json", "--spec", str(spec), *map(str, sources)]))
    return out[0], json.loads(out[1])


def _captured(call: Any) -> tuple[int, str]:
    import contextlib
    import io

    stream = io.StringIO()
    with contextlib.redirect_stdout(stream):
        code = call()
    return code, stream.getvalue()


def drift(report: dict[str, Any]) -> set[tuple[str | None, str, str | None]]:
    """(operationId, kind, field) of every drift docs-check reports."""
    return {(op["operation_id"], d["kind"], d["field"]) for op in report["operations"] for d in op["drift"]}


def left(outcome: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(a["operation"].split(" ", 1)[0], a["field"]) for a in outcome["left"]}


def applied(outcome: dict[str, Any]) -> dict[tuple[str, str | None], dict[str, Any]]:
    return {(a["operation"].split(" ", 1)[0], a["field"]): a for a in outcome["applied"]}


def load(spec: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(spec.read_text(encoding="utf-8"))
    return document


def operation(document: dict[str, Any], path: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path]["post"]
    return found


def ref(op: dict[str, Any], side: str) -> str:
    holder = op["requestBody"] if side == "request" else op["responses"]["200"]
    name: str = holder["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    return name


def write_llms(cache: Path, spec: Path, *, but: str = "") -> None:
    """An llms.txt index, as docs-pull saves it: the endpoint pages of the cache and every page the spec
    names (not all of them are in the cache: those were not read), but page ``but``."""
    titles = {p.stem: p.read_text(encoding="utf-8").splitlines()[0].lstrip("# ") for p in cache.glob("api-*")}
    named = re.findall(r"x-doc-page: \"https://docs\.freedompay\.kz/([^\"]+)\"", spec.read_text(encoding="utf-8"))
    lines = ["# Card API", "", "## API Docs"]
    for stem in sorted(set(titles) | set(named) - {f"api-{but}"}):
        lines.append(f"- Card API > Payment Cards [{titles.get(stem, stem)}]({BASE}/{stem}.md)")
    (cache / "llms.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def assert_left_is_what_docs_check_reports(spec: Path, cache: Path, outcome: dict[str, Any]) -> dict[str, Any]:
    """docs-check after the sync reports only what the sync left to a person, but for the decisions no page
    states (flagged DECIDE: the keys of a new operation, which generate.py refuses until set; x-secret)."""
    code, report = run_check(spec, cache)
    reported = {(op_id, field) for op_id, _, field in drift(report)}
    decisions = {(a["operation"].split(" ", 1)[0], a["field"]) for a in outcome["left"] if "DECIDE" in a["flags"]}
    assert reported == left(outcome) - decisions, (reported, left(outcome))
    assert code == (1 if reported else 0)
    return report


def render(markdown: str) -> str:
    """Our Markdown page as Apidog's rendered page text shows it (title, status, method, URL, fields: name,
    type and required lines, then the description), with a "Modified at" stamp."""
    document = yaml.safe_load(markdown.split("```yaml\n", 1)[1].split("```", 1)[0])
    ((path, item),) = document["paths"].items()
    op = item["post"]
    lines = [markdown.splitlines()[0][2:]]
    if op.get("x-apidog-status", "released") != "released":
        lines.append(str(op["x-apidog-status"]).capitalize())
    lines += ["POST", f"https://api.freedompay.kz{path}", op.get("description") or "", "Request"]

    def fields(schema: dict[str, Any]) -> list[str]:
        out = []
        required = schema.get("required") or []
        for name, sub in (schema.get("properties") or {}).items():
            kind = sub.get("type", "object")
            if kind == "array":
                kind = f"array[{sub.get('items', {}).get('type', 'object')}]"
            if "enum" in sub:
                kind = f"enum<{kind}>"
            out += [
                name,
                kind,
                "required" if name in required else "optional",
                sub.get("description") or "(no description)",
            ]
            inner = sub.get("items") if sub.get("type") == "array" else sub
            if isinstance(inner, dict) and inner.get("properties"):
                out += fields(inner)
        return out

    body = op.get("requestBody")
    if body:
        lines += ["Body Params application/json", *fields(body["content"]["application/json"]["schema"])]
    lines += ["Example", "{}", "Responses"]
    answer = (op.get("responses") or {}).get("200")
    if answer:
        lines += ["🟢200Success", "application/json", "Body"]
        lines += fields(answer["content"]["application/json"]["schema"])
    lines += ["Example", "{}", "Modified at 2025-03-04 10:11:12", "Previous", "Next"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- round trip


def test_ruamel_round_trip_of_the_spec_changes_only_the_one_construct_it_cannot_reproduce() -> None:
    """The one construct: an explicit ``null`` (x-unmodelled-pages' ``path: null``), which ruamel writes as an
    empty value. (GiftProduct.code's unquoted comma in a flow mapping, issue 18 item 7, is fixed in the spec.)"""
    original = SPEC.read_text(encoding="utf-8")
    baseline = spec_edit.dump(spec_edit.load(original))
    ours, theirs = original.splitlines(), baseline.splitlines()
    assert len(ours) == len(theirs)
    differing = [(a, b) for a, b in zip(ours, theirs, strict=True) if a != b]
    assert differing and all(a == f"{b} null" for a, b in differing), differing
    assert spec_edit.write_back(original, baseline, baseline) == original


def test_write_back_patches_only_the_edited_lines_and_refuses_to_rewrite_what_ruamel_changes() -> None:
    original = "a:\n  b: {x: 1, y: an unquoted, comma}\n  c: 1   # kept\n  d: 'quoted'\n"
    document = spec_edit.load(original)
    baseline = spec_edit.dump(document)
    assert baseline != original  # ruamel reads the comma as a second key
    document["a"]["d"] = "changed"
    patched = spec_edit.write_back(original, baseline, spec_edit.dump(document))
    assert patched == original.replace("'quoted'", "'changed'")
    document["a"]["b"]["x"] = 2
    with pytest.raises(spec_edit.EditError, match="line 2"):
        spec_edit.write_back(original, baseline, spec_edit.dump(document))


def test_a_sync_with_nothing_to_apply_leaves_the_spec_byte_for_byte(work: tuple[Path, Path]) -> None:
    spec, cache = work
    before = spec.read_bytes()
    code, outcome = run_sync(spec, cache)
    assert (code, outcome["changed"], outcome["written"], spec.read_bytes()) == (0, False, False, before)


def test_the_first_sync_records_provenance_and_keeps_every_other_line(tmp_path: Path) -> None:
    spec = tmp_path / "card-api.yaml"
    shutil.copyfile(SPEC, spec)
    fill_cache(tmp_path / "cache")
    assert run_sync(spec, tmp_path / "cache")[0] == 0
    original = SPEC.read_text(encoding="utf-8").splitlines()
    now = spec.read_text(encoding="utf-8").splitlines()
    assert [line for line in now if line not in original and not line.startswith("      x-doc-sync:")] == [
        line
        for line in now
        if line not in original and re.match(r"^        (- |  )?(page|url|title|status|form|fragment|prose):", line)
    ]
    assert [line for line in original if line not in now] == []  # nothing removed, comments and quoting kept
    unblock = operation(load(spec), "/v5/card-api/card/unblock")["x-doc-sync"]
    assert unblock["page"] == "12074991" and unblock["url"] == f"{BASE}/api-12074991.md"
    assert unblock["title"] == "Unblock card" and unblock["status"] == "released" and unblock["form"] == "markdown"
    assert unblock["fragment"].startswith("sha256:") and len(unblock["prose"]) == len("sha256:") + 64


def test_dry_run_says_what_it_would_apply_and_writes_nothing(work: tuple[Path, Path]) -> None:
    spec, cache = work
    fill_cache(cache, "required-request-enum")
    before = spec.read_bytes()
    code, outcome = run_sync(spec, cache, dry_run=True)
    assert (code, outcome["changed"], outcome["written"]) == (0, True, False)
    assert ("close_card", "request.reason_code") in applied(outcome)
    assert spec.read_bytes() == before


def test_unreadable_sources_or_spec_exit_2_and_write_nothing(work: tuple[Path, Path], tmp_path: Path) -> None:
    spec, cache = work
    fill_cache(cache, "required-request-enum")
    (cache / "api-1.md").write_text("# Broken\n\n## OpenAPI Specification\n\n```yaml\npaths: [\n```\n")
    before = spec.read_bytes()
    code, outcome = run_sync(spec, cache)
    assert code == 2 and "malformed YAML" in outcome["errors"][0]["reason"] and spec.read_bytes() == before
    (cache / "api-1.md").unlink()
    broken = tmp_path / "broken.yaml"
    broken.write_text("paths: [\n")
    assert run_sync(broken, cache)[0] == 2


# ---------------------------------------------------------------------------------------------- the scenarios


def test_a_new_optional_answer_field_gives_the_operation_its_own_copy_of_the_shared_envelope(
    work: tuple[Path, Path],
) -> None:
    spec, cache = work
    fill_cache(cache, "optional-answer-field")
    code, outcome = run_sync(spec, cache)
    assert code == 0 and not outcome["left"]
    action = applied(outcome)[("reset_pin_counter", "response.attempts_left")]
    assert action["flags"] == [] and "integer, optional" in action["message"]
    document = load(spec)
    op = operation(document, "/v5/card-api/card/reset_counter_pin")
    assert ref(op, "response") == "ResetPinCounterResponse"
    own = document["components"]["schemas"]["ResetPinCounterResponse"]
    added = own["allOf"][-1]["properties"]["attempts_left"]
    assert added == {
        "type": "integer",
        "minimum": 0,
        "description": "Wrong PINs the card may still take before it is held back.",
    }
    assert (
        document["components"]["schemas"]["OperationResponse"]
        == load(SPEC)["components"]["schemas"]["OperationResponse"]
    )
    assert ref(operation(document, "/v5/card-api/card/activate"), "response") == "OperationResponse"
    assert_left_is_what_docs_check_reports(spec, cache, outcome)


def test_a_new_required_request_field_with_an_enum_is_breaking_and_splits_the_shared_body(
    work: tuple[Path, Path],
) -> None:
    spec, cache = work
    fill_cache(cache, "required-request-enum")
    code, outcome = run_sync(spec, cache)
    assert code == 0
    action = applied(outcome)[("close_card", "request.reason_code")]
    assert action["flags"] == ["BREAKING"] and "every call must now send it" in action["message"]
    assert "enum=" in action["message"]
    document = load(spec)
    schemas = document["components"]["schemas"]
    close = operation(document, "/v5/card-api/card/close")
    assert ref(close, "request") == "CloseCardRequest"
    assert schemas["CloseCardRequest"]["required"][-1] == "reason_code"
    assert schemas["CloseCardRequest"]["properties"]["reason_code"]["enum"] == ["lost", "stolen", "damaged", "other"]
    assert schemas["CardActionRequest"] == load(SPEC)["components"]["schemas"]["CardActionRequest"]
    assert {ref(operation(document, f"/v5/card-api/card/{p}"), "request") for p in ("block", "unblock")} == {
        "CardActionRequest"
    }
    assert_left_is_what_docs_check_reports(spec, cache, outcome)


def test_a_new_operation_page_becomes_a_complete_entry_but_the_persons_decisions(work: tuple[Path, Path]) -> None:
    spec, cache = work
    fill_cache(cache, "new-operation")
    code, outcome = run_sync(spec, cache)
    assert code == 1
    assert left(outcome) == {("pause_card", None)}
    assert all(key in outcome["left"][0]["message"] for key in ("x-facade", "x-mutating", "x-deferred"))
    op = operation(load(spec), "/v5/card-api/card/pause")
    assert {key: op[key] for key in ("x-facade", "x-mutating", "x-deferred")} == dict.fromkeys(
        ("x-facade", "x-mutating", "x-deferred")
    )
    assert (op["operationId"], op["tags"], op["summary"], op["x-doc-status"]) == (
        "pause_card",
        ["cards"],
        "Pause card",
        "documented",
    )
    assert op["x-doc-page"] == f"{BASE}/api-19000001" and op["x-doc-sync"]["page"] == "19000001"
    assert (ref(op, "request"), ref(op, "response")) == ("CardRequest", "OperationResponse")  # reused, not copied
    assert op["x-doc-deviations"] == operation(load(SPEC), "/v5/card-api/card/set_pin")["x-doc-deviations"]
    text = spec.read_text(encoding="utf-8")
    assert "\n\n  /v5/card-api/card/pause:\n" in text and "x-facade:  # a person decides" in text
    assert_left_is_what_docs_check_reports(spec, cache, outcome)


def test_a_moved_page_moves_the_path_and_keeps_the_operation_and_a_deprecated_page_is_applied(
    work: tuple[Path, Path],
) -> None:
    spec, cache = work
    fill_cache(cache, "moved-deprecated")
    before = operation(load(spec), "/v5/card-api/card/unblock")
    code, outcome = run_sync(spec, cache)
    assert code == 0 and not outcome["left"]
    assert applied(outcome)[("unblock_card", None)]["flags"] == ["PATH"]
    assert applied(outcome)[("set_pin", None)]["flags"] == ["DEPRECATED"]
    document = load(spec)
    assert "/v5/card-api/card/unblock" not in document["paths"]
    moved = operation(document, "/v5/card-api/card/unlock")
    assert {k: v for k, v in moved.items() if k != "x-doc-sync"} == {
        k: v for k, v in before.items() if k != "x-doc-sync"
    }
    keys = list(document["paths"])
    assert keys.index("/v5/card-api/card/unlock") == list(load(SPEC)["paths"]).index("/v5/card-api/card/unblock")
    set_pin = operation(document, "/v5/card-api/card/set_pin")
    assert set_pin["deprecated"] is True and set_pin["x-doc-sync"]["status"] == "deprecated"
    assert_left_is_what_docs_check_reports(spec, cache, outcome)


def test_a_string_to_integer_retype_is_applied_breaking_and_says_what_it_loses(work: tuple[Path, Path]) -> None:
    spec, cache = work
    fill_cache(cache, "retype")
    code, outcome = run_sync(spec, cache)
    assert code == 0
    action = applied(outcome)[("card_statement", "response.operations[].rrn")]
    assert action["flags"] == ["BREAKING", "LOSES-INFORMATION"] and "leading zeros" in action["message"]
    schema = load(spec)["components"]["schemas"]["StatementOperation"]
    assert schema["properties"]["rrn"] == {"type": "integer"}
    assert_left_is_what_docs_check_reports(spec, cache, outcome)


# What the ten pages at once leave to a person: the decisions of the new operation, a looser type, a field no
# longer on a page (never deleted) and a prose-only change to re-read.
TEN_LEFT = {
    ("pause_card", None),
    ("validate_cardholder", "response.fishy"),
    ("refund_transaction", "request.description"),
    ("update_client_phone", None),
}


def test_ten_pages_at_once(work: tuple[Path, Path]) -> None:
    spec, cache = work
    fill_cache(cache, *TEN)
    code, report = run_check(spec, cache)  # before: provenance names the prose-only change too
    assert ("update_client_phone", "changed-since-sync", None) in drift(report)
    code, outcome = run_sync(spec, cache)
    assert code == 1 and left(outcome) == TEN_LEFT
    done = applied(outcome)
    assert {
        ("reset_pin_counter", "response.attempts_left"),
        ("close_card", "request.reason_code"),
        ("pause_card", None),
        ("unblock_card", None),
        ("set_pin", None),
        ("card_statement", "response.operations[].rrn"),
        ("validate_cardholder", "request.card_token"),
        ("confirm_gift_card", "response.card_kind"),
    } <= set(done)
    loose = next(a for a in outcome["left"] if a["field"] == "response.fishy")
    assert loose["flags"] == ["LOOSENS"]
    # a bound stated for the first time is what the API took all along: compatible, as make spec-diff says
    assert done[("validate_cardholder", "request.card_token")]["flags"] == []
    document = load(spec)
    kind = document["components"]["schemas"]["GiftConfirmResponse"]["allOf"][-1]["properties"]["card_kind"]
    assert kind["x-known-values"] == ["virtual", "plastic"] and "enum" not in kind  # an answer's enum
    assert "description" in document["components"]["schemas"]["RefundTransactionRequest"]["properties"]  # kept
    review = operation(document, "/v5/card-api/client/update")["x-doc-sync"]["review"]
    assert len(review) == 1 and "prose changed" in review[0]
    assert_left_is_what_docs_check_reports(spec, cache, outcome)
    before = spec.read_bytes()
    assert run_sync(spec, cache)[0] == 1 and spec.read_bytes() == before  # a second sync changes nothing


def test_the_same_ten_pages_as_rendered_text(tmp_path: Path) -> None:
    spec = tmp_path / "card-api.yaml"
    shutil.copyfile(SPEC, spec)
    cache = tmp_path / "cache"
    fill_cache(cache, form="rendered")
    code, outcome = run_sync(spec, cache)
    assert_left_is_what_docs_check_reports(spec, cache, outcome)
    fill_cache(cache, *TEN, form="rendered")
    code, outcome = run_sync(spec, cache)
    assert code == 1
    done = applied(outcome)
    assert {
        ("reset_pin_counter", "response.attempts_left"),
        ("close_card", "request.reason_code"),
        ("pause_card", None),
        ("unblock_card", None),
        ("set_pin", None),
        ("card_statement", "response.operations[].rrn"),
    } <= set(done)
    assert ("validate_cardholder", "request.card_token") not in done  # a limit: rendered text does not show it
    document = load(spec)
    reason = document["components"]["schemas"]["CloseCardRequest"]["properties"]["reason_code"]
    assert reason == {"type": "string"}  # the enum is not read from rendered text
    assert any("limits, enums and formats were not compared" in note for note in outcome["notes"])
    assert operation(document, "/v5/card-api/card/set_pin")["x-doc-sync"]["modified"] == "2025-03-04 10:11:12"
    assert operation(document, "/v5/card-api/card/set_pin")["x-doc-sync"]["form"] == "rendered"
    assert_left_is_what_docs_check_reports(spec, cache, outcome)


# ---------------------------------------------------------------------------------------------- the rules


@pytest.mark.parametrize("folder", ["clean", "drift"])
def test_the_checkers_own_fixture_pages_sync_and_leave_only_what_is_listed(tmp_path: Path, folder: str) -> None:
    """docs-check's invented API and pages (tests/fixtures/docs): every kind of drift, several pages per
    operation, Markdown, text and HTML."""
    spec = tmp_path / "spec.yaml"
    shutil.copyfile(DOCS / "spec.yaml", spec)
    code, outcome = run_sync(spec, DOCS / folder)
    assert code == (1 if outcome["left"] else 0)
    assert_left_is_what_docs_check_reports(spec, DOCS / folder, outcome)
    before = spec.read_bytes()
    assert run_sync(spec, DOCS / folder)[1]["changed"] is False and spec.read_bytes() == before


def test_a_bound_the_page_drops_is_kept_and_reported(work: tuple[Path, Path]) -> None:
    spec, cache = work
    fill_cache(cache, "ten")
    run_sync(spec, cache)
    fill_cache(cache)  # the page without the maxLength again
    code, outcome = run_sync(spec, cache)
    assert code == 1 and ("validate_cardholder", "request.card_token") in left(outcome)
    schema = load(spec)["components"]["schemas"]["CardholderValidationRequest"]
    assert schema["properties"]["card_token"]["maxLength"] == 36


def test_a_stale_declaration_is_reported_not_removed(work: tuple[Path, Path], tmp_path: Path) -> None:
    spec, cache = work
    page = next(cache.glob("api-12075062.md"))
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"(\n( +)dt:\n\2  type: string\n)", r"\1\2  format: date-time\n", text), encoding="utf-8")
    code, outcome = run_sync(spec, cache)
    assert code == 1 and ("set_pin", "response.dt") in left(outcome)
    assert "stale" in next(a["message"] for a in outcome["left"] if a["operation"].startswith("set_pin"))
    assert operation(load(spec), "/v5/card-api/card/set_pin")["x-doc-deviations"][0]["field"] == "response.dt"


def test_docs_check_reports_a_page_changed_since_the_last_sync_prose_only_included(work: tuple[Path, Path]) -> None:
    spec, cache = work
    assert run_check(spec, cache)[0] == 0
    fill_cache(cache, "ten")
    found = {(op, kind) for op, kind, _ in drift(run_check(spec, cache)[1]) if kind == "changed-since-sync"}
    assert found == {(op, "changed-since-sync") for op in ("update_client_phone", "refund_transaction",
                                                            "validate_cardholder", "confirm_gift_card")}  # fmt: skip
    messages = [
        d["message"]
        for op in run_check(spec, cache)[1]["operations"]
        for d in op["drift"]
        if d["kind"] == "changed-since-sync"
    ]
    assert sum("prose only" in m for m in messages) == 1


def test_hashes_see_a_field_named_like_a_prose_key() -> None:
    page_text = (SCENARIOS / "ten" / "api-14318477.md").read_text(encoding="utf-8")
    original = (CURRENT / "refund-transaction.md").read_text(encoding="utf-8")
    (changed,) = markdown.parse_markdown(page_text, "a.md") or []
    (before,) = markdown.parse_markdown(original, "b.md") or []
    assert provenance.hashes(changed)[0] != provenance.hashes(before)[0]  # the field "description" went


@pytest.mark.parametrize(
    ("old", "new", "loose"),
    [("integer", "number", True), ("integer", "string", True), ("string", "string|null", True),
     ("string", "integer", False), ("number", "integer", False), ("object", "array[object]", False)],
)  # fmt: skip
def test_what_counts_as_loosening(old: str, new: str, loose: bool) -> None:
    assert docs_sync.loosens(old, new) is loose


def test_an_answer_field_made_optional_copies_each_shared_schema_on_its_way(work: tuple[Path, Path]) -> None:
    spec, cache = work
    page = cache / "api-12075070.md"  # reset PIN counter: its answer is the envelope 16 operations share
    page.write_text(page.read_text(encoding="utf-8").replace("                - dt\n", ""), encoding="utf-8")
    code, outcome = run_sync(spec, cache)
    assert code == 0
    action = applied(outcome)[("reset_pin_counter", "response.dt")]
    assert action["flags"] == ["BREAKING"] and "may now be None" in action["message"]
    document = load(spec)
    schemas = document["components"]["schemas"]
    own = schemas["ResetPinCounterResponse"]["allOf"][0]["$ref"].rsplit("/", 1)[-1]
    assert own != "CardApiEnvelope" and "dt" not in schemas[own]["required"]
    assert schemas["CardApiEnvelope"] == load(SPEC)["components"]["schemas"]["CardApiEnvelope"]
    assert_left_is_what_docs_check_reports(spec, cache, outcome)


def test_a_field_description_changed_on_the_page_is_prose_only_and_left_to_a_person(work: tuple[Path, Path]) -> None:
    spec, cache = work
    page = cache / "api-12075070.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("description: The card.", "description: The card, by its id."),
        encoding="utf-8",
    )
    code, report = run_check(spec, cache)
    (message,) = [d["message"] for op in report["operations"] for d in op["drift"]]
    assert code == 1 and "prose only" in message
    before = operation(load(spec), "/v5/card-api/card/reset_counter_pin")
    code, outcome = run_sync(spec, cache)
    assert code == 1 and left(outcome) == {("reset_pin_counter", None)} and not outcome["applied"]
    after = operation(load(spec), "/v5/card-api/card/reset_counter_pin")
    assert {k: v for k, v in after.items() if k != "x-doc-sync"} == {
        k: v for k, v in before.items() if k != "x-doc-sync"
    }
    assert load(spec)["components"]["schemas"]["CardId"] == load(SPEC)["components"]["schemas"]["CardId"]
    assert_left_is_what_docs_check_reports(spec, cache, outcome)


def test_a_field_named_like_a_secret_is_left_for_a_person_to_mark(work: tuple[Path, Path]) -> None:
    spec, cache = work
    fill_cache(cache, "new-operation")
    page = cache / "api-19000001.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(
        text.replace("                card_id:\n", "                new_pin:\n                  type: string\n"
                     "                card_id:\n", 1),
        encoding="utf-8",
    )  # fmt: skip
    code, outcome = run_sync(spec, cache)
    decide = {(a["operation"].split(" ", 1)[0], a["field"]) for a in outcome["left"] if "DECIDE" in a["flags"]}
    assert code == 1 and decide == {("pause_card", None), ("pause_card", "request.new_pin")}
    schema = load(spec)["components"]["schemas"]["PauseCardRequest"]["properties"]
    assert schema["new_pin"] == {"type": "string"}  # not marked x-secret by the sync: a person decides


def test_the_provenance_of_a_page_not_read_this_time_is_kept(work: tuple[Path, Path]) -> None:
    spec, cache = work  # a second page for Request status (our copy of its page under another id) ...
    second = cache / "api-14318518.md"
    second.write_text((cache / "api-13677899.md").read_text(encoding="utf-8"), encoding="utf-8")
    index = json.loads((cache / "index.json").read_text(encoding="utf-8"))
    index["pages"].append({"file": second.name, "url": f"{BASE}/api-14318518.md", "title": "Request status, again"})
    (cache / "index.json").write_text(json.dumps(index), encoding="utf-8")
    assert run_sync(spec, cache)[0] == 0
    before = operation(load(spec), "/v5/card-api/request/status")["x-doc-sync"]
    assert [entry["page"] for entry in before] == ["13677899", "14318518"]
    second.unlink()  # ... is not among the sources this time
    run_sync(spec, cache)
    after = operation(load(spec), "/v5/card-api/request/status")["x-doc-sync"]
    assert [entry["page"] for entry in after] == ["13677899", "14318518"] and after[1] == before[1]


def test_the_human_report_lists_what_was_applied_and_what_is_left(work: tuple[Path, Path]) -> None:
    spec, cache = work
    fill_cache(cache, *TEN)
    code, text = _captured(lambda: docs_sync.main(["--dry-run", "--spec", str(spec), str(cache)]))
    assert code == 1
    assert "Would apply (" in text and "Left to a person (4):" in text and "not written (--dry-run)" in text
    assert (
        "  close_card (POST /v5/card-api/card/close): BREAKING: request.reason_code: field added (string, required"
        in text
    )
    assert "CloseCardRequest (copy of CardActionRequest for close_card)" in text
    assert "  validate_cardholder (POST /v5/card-api/external/cardholder_validate): LOOSENS: response.fishy:" in text


@pytest.mark.parametrize("page", ["set-limits.md", "limits-list.md"])
def test_a_rendered_field_named_like_a_type_keeps_its_children(page: str) -> None:
    """A field called ``object`` (Set limits, Limits list) is a name line followed by its type line ``object``:
    the line before it is a description, not a name whose type is ``object``."""
    from docs_tools.rendered import parse_rendered

    text = (CURRENT / page).read_text(encoding="utf-8")
    (fragment,) = markdown.parse_markdown(text, "page.md") or []
    rendered = parse_rendered(render(text), "page.txt")
    assert rendered is not None
    known = list(fragment.fields("request") or {})
    fields = rendered.fields("request", known) or {}
    assert list(fields) == known and {"object", "object.type", "object.value"} <= set(fields)
    assert fields["object"].type == "object" and fields["object"].required
    assert fields["request_id"].description == "(no description)"  # not taken for a name run on to a line


# ---------------------------------------------------------------------------------------------- sync and check agree


def test_a_page_gone_from_the_index_is_left_to_a_person_as_docs_check_reports_it(work: tuple[Path, Path]) -> None:
    spec, cache = work
    (cache / "api-12075070.md").unlink()  # reset PIN counter's page ...
    write_llms(cache, spec, but="12075070")  # ... is no longer listed
    code, report = run_check(spec, cache)
    assert ("reset_pin_counter", "gone", None) in drift(report)
    before = spec.read_bytes()
    code, outcome = run_sync(spec, cache)
    assert code == 1 and left(outcome) == {("reset_pin_counter", None)}
    assert spec.read_bytes() == before  # nothing deleted
    assert_left_is_what_docs_check_reports(spec, cache, outcome)
    (cache / "llms.txt").unlink()  # without the index the page was only not read: nothing to say
    assert run_sync(spec, cache)[0] == 0


def test_a_page_the_spec_lists_as_unmodelled_is_not_made_an_operation(work: tuple[Path, Path]) -> None:
    spec, cache = work
    fill_cache(cache, "new-operation")
    text = spec.read_text(encoding="utf-8")
    entry = '  - page: "19000001"\n    title: Pause card\n    path: null\n    why: Not modelled yet (a test).\n'
    spec.write_text(text.replace("x-unmodelled-pages:\n", "x-unmodelled-pages:\n" + entry, 1), encoding="utf-8")
    code, outcome = run_sync(spec, cache)
    assert (code, outcome["applied"], outcome["left"]) == (0, [], [])
    assert any("19000001" in note and "x-unmodelled-pages" in note for note in outcome["notes"])
    assert "/v5/card-api/card/pause" not in load(spec)["paths"]
    assert run_check(spec, cache)[0] == 0


def test_doc_page_drift_is_left_to_a_person_as_docs_check_reports_it(tmp_path: Path) -> None:
    from tests.test_docs_pages import DOCS as DOC_PAGES
    from tests.test_docs_pages import _bound, spec_copy

    spec = spec_copy(tmp_path, _bound)  # the Dictionaries page requires a field the spec has optional
    code, outcome = run_sync(spec, DOC_PAGES)
    assert code == 1 and left(outcome) == {("doc", "components.schemas.OpenRequest.note")}
    code, report = run_check(spec, DOC_PAGES)
    assert code == 1 and [d["field"] for doc in report["doc_pages"] for d in doc["drift"]] == [
        "components.schemas.OpenRequest.note"
    ]


def test_docs_check_matches_a_moved_page_by_the_page_docs_sync_recorded(work: tuple[Path, Path]) -> None:
    spec, cache = work
    text = spec.read_text(encoding="utf-8")
    line = '      x-doc-page: "https://docs.freedompay.kz/api-12074991"\n'
    spec.write_text(text.replace(line, ""), encoding="utf-8")  # known by its x-doc-sync page only
    fill_cache(cache, "moved-deprecated")
    report = run_check(spec, cache)[1]
    assert ("unblock_card", "path", None) in drift(report)
    assert not [op for op in report["operations"] if op["operation_id"] is None]  # not a new operation
    outcome = run_sync(spec, cache)[1]
    assert applied(outcome)[("unblock_card", None)]["flags"] == ["PATH"]
    assert_left_is_what_docs_check_reports(spec, cache, outcome)


@pytest.mark.parametrize(
    ("keyword", "ours", "theirs", "breaking"),
    [
        ("maxLength", None, 36, False),  # newly stated
        ("maxLength", 64, 36, True),  # tighter
        ("maxLength", 36, 64, False),  # looser
        ("minimum", 1, 5, True),
        ("pattern", "^a$", "^b$", True),
        ("enum", ["a", "b"], ["a", "b", "c"], False),
        ("enum", ["a", "b"], ["a"], True),
    ],
)
def test_a_request_bound_breaks_callers_only_when_it_refuses_what_passed(
    keyword: str, ours: object, theirs: object, breaking: bool
) -> None:
    from docs_tools.sync import _tighter

    assert _tighter(keyword, ours, theirs) is breaking
