"""``freedompay-cards conformance``: 100 % against the sandbox, each deviating variant of it named in the
report (a missing path, a renamed field, an extra field, a wrong type, an unknown error code), and its
safety rules (no production, a confirmed plan, no SMS without --gift-phone, a stop at the first
authentication failure, every object named)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from freedompay_cards._cli import _conformance as conformance
from freedompay_cards._cli import main
from freedompay_cards._cli._conformance import STEPS, Hooks
from freedompay_cards._cli._conformance_checks import Deviation, shape_problems
from freedompay_cards._operations import OPERATIONS
from freedompay_cards.cassettes import FAKE_PAN, find_secrets
from freedompay_cards.sandbox import Admission, Reply, Sandbox, card_token
from tests.spec_tools import PATHS

GIFT = ["--gift-phone", "77001234567", "--encrypted-pin", "QUJDRA=="]
SMS_PATHS = {
    "/v5/cards/issue_card",
    PATHS["gift_cards.resend"],
    PATHS["gift_cards.resend_code"],
    PATHS["gift_cards.confirm"],
}
SMS_STEPS = {"gift_cards.issue", "gift_cards.confirm", "gift_cards.resend", "gift_cards.resend_code"}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Rewriting(Sandbox):
    """The sandbox, with its answers rewritten on the way out (a deviating "real API")."""

    def __init__(self, rewrite: Callable[[str, Reply], Reply], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rewrite = rewrite

    def process(self, admission: Admission) -> Reply:
        return self.rewrite(admission.path, super().process(admission))


def edit_json(path: str, change: Callable[[dict[str, Any]], None]) -> Callable[[str, Reply], Reply]:
    def rewrite(at: str, reply: Reply) -> Reply:
        if at != path:
            return reply
        body = json.loads(reply.body)
        change(body)
        return attrs.evolve(reply, body=json.dumps(body).encode())

    return rewrite


class Outcome:
    def __init__(self, code: int, out: str, err: str, folder: Path) -> None:
        self.code, self.out, self.err, self.folder = code, out, err, folder
        self.report: dict[str, Any] = (
            json.loads((folder / "conformance.json").read_text()) if (folder / "conformance.json").exists() else {}
        )
        self.markdown = (folder / "conformance.md").read_text() if (folder / "conformance.md").exists() else ""

    def row(self, operation: str) -> dict[str, Any]:
        return next(r for r in self.report["operations"] if r["operation"] == operation)

    def deviations(self, operation: str) -> set[tuple[str, str]]:
        return {(d["kind"], d["field"]) for d in self.report["deviations"] if d["operation"] == operation}


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Callable[..., Outcome]]:
    served: list[Any] = []

    def go(sandbox: Sandbox, *argv: str, stdin: str = "", tty: bool = False, secret: str = "sandbox-secret",
           hooks: Hooks | None = None, base_url: str | None = None) -> Outcome:  # fmt: skip
        server = sandbox.serve()
        served.append(server)
        env = {
            "FREEDOMPAY_AUTH_ID": "sandbox",
            "FREEDOMPAY_SECRET_KEY": secret,
            "FREEDOMPAY_BASE_URL": base_url or server.url,
        }
        folder = tmp_path / f"report-{len(served)}"
        out, err = io.StringIO(), io.StringIO()
        given = Terminal(stdin) if tty else io.StringIO(stdin)
        hooks = hooks or Hooks(gift_otp=sandbox.last_otp, card_token=card_token)
        code = main(["conformance", "--report", str(folder), *argv], environ=env, stdin=given, stdout=out,
                    stderr=err, hooks=hooks)  # fmt: skip
        return Outcome(code, out.getvalue(), err.getvalue(), folder)

    yield go
    for server in served:
        server.close()


# ------------------------------------------------------------------------------------------- the sandbox


def test_every_operation_of_the_spec_is_planned() -> None:
    planned = {step.operation for step in conformance.STEPS}

    assert conformance.not_planned() == [] and planned == {entry["name"] for entry in OPERATIONS}


def test_against_the_sandbox_every_operation_conforms(run: Callable[..., Outcome]) -> None:
    sandbox = Sandbox()
    outcome = run(sandbox, "--yes", *GIFT)

    assert outcome.code == 0, outcome.out + outcome.err[-3000:]
    assert outcome.report["conforms"] is True and outcome.report["deviations"] == []
    assert outcome.report["counts"] == {"conforms": len(OPERATIONS), "deviates": 0, "skipped": 0, "not run": 0,
                                        "not planned": 0}  # fmt: skip
    for row in outcome.report["operations"]:
        assert (row["result"], row["reached"], row["accepted"], row["answered_as_spec"]) == (
            "conforms",
            True,
            True,
            True,
        )
        assert row["calls"] >= 1 and len(row["ms"]) == row["calls"]
    assert f"All {len(PATHS)} operations run conform to the spec." in outcome.out and outcome.markdown.startswith(
        "# Conformance"
    )
    codes = {(e["code"], e["expected"]) for e in outcome.report["error_codes"]}
    assert codes == {("REQUEST_NOT_FOUND", True), ("CARD_CLOSED", True)}


def test_every_card_it_makes_is_closed_and_every_object_is_named(run: Callable[..., Outcome]) -> None:
    sandbox = Sandbox()
    outcome = run(sandbox, "--yes", *GIFT)
    tag = outcome.report["tag"]

    assert tag.startswith("fpc-conformance-")
    cards = [c for c in outcome.report["created"] if c["kind"] == "card"]
    assert len(cards) == 3 and all(sandbox.cards[c["id"]].status == "closed" for c in cards)
    assert all(sandbox.cards[c["id"]].close_reason.startswith(tag) for c in cards)
    clients = list(sandbox.clients.values())  # the one created, and the cardholder of the card issued
    assert all((c.first_name, c.last_name) == ("Fpc", "Conformance") for c in clients)
    assert [c.details["external_user_id"][: len(tag)] for c in clients if "external_user_id" in c.details] == [tag]
    assert all(t.order_id.startswith(tag) and t.description.startswith(tag) for t in sandbox.transactions.values())
    assert {c["kind"] for c in outcome.report["created"]} == {"client", "card", "transaction", "gift card"}


def test_no_secret_reaches_the_report_or_the_output(run: Callable[..., Outcome]) -> None:
    sandbox = Sandbox()
    outcome = run(sandbox, "--yes", *GIFT, "--json")
    card = next(iter(sandbox.cards.values()))
    everything = outcome.out + outcome.err + outcome.markdown + json.dumps(outcome.report)

    assert json.loads(outcome.out) == outcome.report  # --json prints the report itself
    assert card.pan not in everything and card.expiry not in everything and f'"{card.cvv}"' not in everything
    assert find_secrets(everything) == [] and "QUJDRA==" not in everything


def test_without_gift_phone_no_sms_is_sent_and_those_steps_say_why(run: Callable[..., Outcome]) -> None:
    sandbox = Sandbox()
    outcome = run(sandbox, "--yes")

    assert outcome.code == 0 and {e.path for e in sandbox.log} & SMS_PATHS == set()
    for name in ("gift_cards.issue", "gift_cards.confirm", "gift_cards.resend", "gift_cards.resend_code"):
        row = outcome.row(name)
        assert row["result"] in ("skipped", "not run") and row["calls"] == 0
    assert "sends an SMS: runs only with --gift-phone" in outcome.markdown
    assert outcome.row("cards.set_pin")["result"] == "skipped" and "--encrypted-pin" in outcome.markdown
    assert outcome.row("gift_cards.products")["result"] == "conforms"


def test_without_a_token_or_sms_code_those_steps_are_skipped(run: Callable[..., Outcome]) -> None:
    sandbox = Sandbox()
    outcome = run(sandbox, "--yes", "--gift-phone", "77001234567", hooks=Hooks())

    assert outcome.code == 0
    assert outcome.row("cards.validate_cardholder")["result"] == "skipped"
    assert outcome.row("gift_cards.confirm")["result"] == "skipped"
    assert outcome.row("gift_cards.issue")["result"] == "conforms"


def test_only_runs_the_operations_named_and_what_they_need(run: Callable[..., Outcome]) -> None:
    sandbox = Sandbox()
    outcome = run(sandbox, "--yes", "--only", "cards.info")

    assert outcome.code == 0
    ran = [r["operation"] for r in outcome.report["operations"] if r["result"] == "conforms"]
    assert ran == ["cards.issue", "cards.info", "requests.status", "cards.close"]  # status: the polls
    assert all(c.status == "closed" for c in sandbox.cards.values())


@pytest.mark.parametrize("only", sorted({step.operation for step in STEPS}))
def test_only_any_one_operation_plans_what_it_needs_and_conforms(run: Callable[..., Outcome], only: str) -> None:
    # e.g. a block needs an activated card, an unblock a blocked one, a refund a cleared transaction
    outcome = run(Sandbox(), "--yes", "--only", only)

    results = {r["result"] for r in outcome.report["operations"] if r["operation"] == only}
    assert outcome.code == 0, outcome.markdown
    # skipped only for want of --encrypted-pin or --gift-phone (which the SMS steps and gift status need)
    assert results == {"conforms"} or only in {"cards.set_pin", "gift_cards.status"} | SMS_STEPS, results


@pytest.mark.parametrize(
    ("argv", "said"),
    [(["--amount", "abc"], "--amount: must be"), (["--amount", "-1"], "--amount"), (["--phone", ""], "--phone"),
     (["--country", "ÿÿ"], "--country: must be an ISO 3166-1 alpha-3"), (["--gift-phone", "1"], "--gift-phone"),
     (["--card-token", "nope"], "--card-token: must be a UUID"), (["--product", "0"], "--product")],
)  # fmt: skip
def test_bad_test_data_is_a_usage_error_before_anything_is_sent(
    run: Callable[..., Outcome], argv: list[str], said: str
) -> None:
    sandbox = Sandbox()
    outcome = run(sandbox, "--yes", *argv)

    assert outcome.code == 2 and said in outcome.err and sandbox.log == ()


def test_only_an_unknown_operation_is_a_usage_error(run: Callable[..., Outcome]) -> None:
    sandbox = Sandbox()
    outcome = run(sandbox, "--yes", "--only", "cards.explode")

    assert outcome.code == 2 and "cards.explode" in outcome.err and sandbox.log == ()


def test_an_operation_no_step_covers_is_reported_not_planned(
    run: Callable[..., Outcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = tuple(s for s in conformance.STEPS if s.operation != "gift_cards.status")
    monkeypatch.setattr(conformance, "STEPS", steps)
    outcome = run(Sandbox(), "--yes")

    assert outcome.row("gift_cards.status")["result"] == "not planned"
    assert "1 not planned" in outcome.report["headline"] and "not planned" in outcome.err


# ------------------------------------------------------------------------------------------- deviations


def test_a_missing_path_is_named(run: Callable[..., Outcome]) -> None:
    def gone(path: str, reply: Reply) -> Reply:
        return (
            Reply(404, b'{"status":"error","error_description":"no such path"}') if path.endswith("/balance") else reply
        )

    outcome = run(Rewriting(gone), "--yes")

    assert outcome.code == 1
    row = outcome.row("cards.balance")
    assert (row["result"], row["reached"], row["http_statuses"]) == ("deviates", False, [404])
    assert ("not_reached", "") in outcome.deviations("cards.balance")
    assert "cards.balance: path not reached: HTTP 404 at /v5/card-api/card/balance" in outcome.out
    assert [r["operation"] for r in outcome.report["operations"] if r["result"] == "deviates"] == ["cards.balance"]


def test_a_renamed_response_field_is_named_missing_and_unknown(run: Callable[..., Outcome]) -> None:
    def rename(body: dict[str, Any]) -> None:
        body["date_time"] = body.pop("dt")

    outcome = run(Rewriting(edit_json(PATHS["cards.info"], rename)), "--yes")

    assert outcome.code == 1
    found = outcome.deviations("cards.info")
    assert {("missing_field", "dt"), ("unknown_field", "date_time"), ("unreadable_answer", "")} <= found
    assert "`cards.info`: unknown field `date_time`: string" in outcome.markdown
    assert "`cards.info`: required field missing `dt`" in outcome.markdown
    assert outcome.row("cards.info")["answered_as_spec"] is False


def test_an_extra_field_is_named_with_its_json_type(run: Callable[..., Outcome]) -> None:
    def add(body: dict[str, Any]) -> None:
        body["loyalty_points"] = 12
        body["accounts"][0]["overdraft"] = {"limit": 5}

    outcome = run(Rewriting(edit_json(PATHS["cards.balance"], add)), "--yes")

    assert outcome.code == 1
    details = {(d["field"], d["detail"]) for d in outcome.report["deviations"] if d["operation"] == "cards.balance"}
    assert details == {("loyalty_points", "integer"), ("accounts[].overdraft", "object")}
    assert outcome.row("cards.balance")["reached"] and outcome.row("cards.balance")["accepted"]


def test_a_wrong_type_is_named(run: Callable[..., Outcome]) -> None:
    def stringify(body: dict[str, Any]) -> None:
        body["product_id"] = str(body["product_id"])

    outcome = run(Rewriting(edit_json(PATHS["cards.info"], stringify)), "--yes")

    assert outcome.code == 1 and ("wrong_type", "product_id") in outcome.deviations("cards.info")
    assert "`cards.info`: wrong type `product_id`: expected integer, got string" in outcome.markdown


def test_an_unknown_error_code_is_named(run: Callable[..., Outcome]) -> None:
    def recode(body: dict[str, Any]) -> None:
        if body.get("error_code") == "REQUEST_NOT_FOUND":
            body["error_code"] = "NO_SUCH_REQUEST"

    outcome = run(Rewriting(edit_json(PATHS["requests.status"], recode)), "--yes")

    assert outcome.code == 1
    assert {("unknown_error_code", "NO_SUCH_REQUEST"), ("unexpected_error", "NO_SUCH_REQUEST")} <= outcome.deviations(
        "requests.status"
    )
    [seen] = [e for e in outcome.report["error_codes"] if e["code"] == "NO_SUCH_REQUEST"]
    assert seen["known"] is False and "is unknown" in seen["message"]


def test_a_refusal_of_our_body_is_reported_as_not_accepted(run: Callable[..., Outcome]) -> None:
    def refuse(path: str, reply: Reply) -> Reply:
        if path.endswith("/limits/set"):
            body = {"status": "error", "request_status": "error", "dt": "2025-01-01T00:00:00+00:00",
                    "error_code": "VALIDATION_ERROR", "error_description": "limits[0].amount: unknown"}  # fmt: skip
            return Reply(200, json.dumps(body).encode())
        return reply

    outcome = run(Rewriting(refuse), "--yes")

    row = outcome.row("limits.set")
    assert outcome.code == 1 and (row["reached"], row["accepted"]) == (True, False)
    assert ("not_accepted", "VALIDATION_ERROR") in outcome.deviations("limits.set")


# ------------------------------------------------------------------------------------------- safety


@pytest.mark.parametrize(
    "target", [["--environment", "production"], ["--base-url", "https://api.freedompay.kz/"],
               ["--base-url", "https://API.FreedomPay.kz.:443"]],
)  # fmt: skip
def test_the_production_api_is_refused_before_anything_is_sent(run: Callable[..., Outcome], target: list[str]) -> None:
    sandbox = Sandbox()
    outcome = run(sandbox, "--yes", *target)

    assert outcome.code == 2 and "refuses the production API" in outcome.err
    assert sandbox.log == () and not outcome.report


def test_without_yes_and_without_a_terminal_nothing_is_sent(run: Callable[..., Outcome]) -> None:
    sandbox = Sandbox()
    outcome = run(sandbox)

    assert outcome.code == 2 and "--yes" in outcome.err and sandbox.log == ()
    assert "cards.issue" in outcome.err  # the plan was printed


def test_on_a_terminal_the_plan_is_confirmed_first(run: Callable[..., Outcome]) -> None:
    declined, accepted = Sandbox(), Sandbox()
    no = run(declined, stdin="\n", tty=True)
    yes = run(accepted, "--only", "gift_cards.products", stdin="y\n", tty=True)

    assert no.code == 2 and declined.log == () and "[y/N]" in no.err
    assert yes.code == 0 and [e.path for e in accepted.log] == [PATHS["gift_cards.products"]]


def test_on_a_terminal_the_sms_code_is_asked_for(run: Callable[..., Outcome]) -> None:
    sandbox = Sandbox()

    class Reader(Terminal):
        def readline(self, size: int | None = -1) -> str:
            gift = max(sandbox.gift_cards)
            return sandbox.last_otp(gift) + "\n"

    outcome = run(sandbox, "--yes", "--only", "gift_cards.confirm", "--gift-phone", "77001234567", hooks=Hooks())
    assert outcome.row("gift_cards.confirm")["result"] == "skipped"

    out, err = io.StringIO(), io.StringIO()
    with sandbox.serve() as server:
        env = {
            "FREEDOMPAY_AUTH_ID": "sandbox",
            "FREEDOMPAY_SECRET_KEY": "sandbox-secret",
            "FREEDOMPAY_BASE_URL": server.url,
        }
        code = main(["conformance", "--yes", "--only", "gift_cards.confirm", "--gift-phone", "77001234567",
                     "--report", str(outcome.folder) + "-tty"], environ=env, stdin=Reader(), stdout=out,
                    stderr=err)  # fmt: skip
    assert code == 0 and "the SMS code sent to 77001234567" in err.getvalue()


def test_it_stops_at_the_first_authentication_failure(run: Callable[..., Outcome]) -> None:
    sandbox = Sandbox()
    outcome = run(sandbox, "--yes", secret="not-the-key")

    assert outcome.code == 1 and len(sandbox.log) == 1
    assert outcome.report["stopped"].startswith("authentication failed at clients.create (AuthenticationError")
    assert outcome.report["headline"].startswith("Stopped: authentication failed")
    assert outcome.row("cards.issue")["result"] == "not run" and "stopped" in outcome.markdown


def test_an_interrupted_run_still_closes_its_cards_and_writes_the_report(run: Callable[..., Outcome]) -> None:
    def interrupt(card_id: str) -> str:
        raise KeyboardInterrupt

    sandbox = Sandbox()
    outcome = run(sandbox, "--yes", hooks=Hooks(card_token=interrupt))

    assert outcome.code == 130 and outcome.report["stopped"] == "interrupted (Ctrl-C)"
    assert sandbox.cards and all(c.status == "closed" for c in sandbox.cards.values())
    assert outcome.row("cards.close")["result"] == "conforms" and outcome.row("cards.bulk_issue")["result"] == "not run"


# ------------------------------------------------------------------------------------------- cassettes


def test_record_writes_scrubbed_cassettes_vcrpy_can_read(run: Callable[..., Outcome], tmp_path: Path) -> None:
    from vcr.serialize import deserialize
    from vcr.serializers import yamlserializer

    sandbox = Sandbox()
    folder = tmp_path / "cassettes"
    outcome = run(sandbox, "--yes", *GIFT, "--record", str(folder))
    card = next(iter(sandbox.cards.values()))

    files = sorted(p.name for p in folder.iterdir())
    assert outcome.code == 0 and len(files) == len(OPERATIONS) and "cards.secret_data.yaml" in files
    text = "".join(p.read_text() for p in folder.iterdir())
    assert find_secrets(text) == [] and card.pan not in text and card.expiry not in text and "QUJDRA==" not in text
    assert f'cvv\\":\\"{card.cvv}' not in text and 'cvv\\":\\"000' in text
    assert "x-jws-signature" not in text.lower() and "127.0.0.1" not in text
    secret = (folder / "cards.secret_data.yaml").read_text()
    requests, responses = deserialize(secret, yamlserializer)
    assert len(requests) == 1 and requests[0].uri == "https://test-api.freedompay.kz/v5/card-api/card/secret_data"
    assert json.loads(responses[0]["body"]["string"])["pan"] == FAKE_PAN
    status = yaml.safe_load((folder / "requests.status.yaml").read_text())
    assert len(status["interactions"]) >= 4 and status["version"] == 1


def test_a_cassette_keeps_text_outside_the_bmp_as_vcrpy_reads_it() -> None:
    from vcr.serialize import deserialize
    from vcr.serializers import yamlserializer

    from freedompay_cards._cli._conformance_checks import Exchange, cassette

    sent = '{"merchant":"Кофе ☕ 😀 \U000e0031","note":"a \\"quoted\\" \\\\ back\\nslash\\t\x7f\x85"}'
    answer = '{"status":"ok","description":"𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u2028 ok"}'
    exchange = Exchange("POST", "https://test-api.freedompay.kz/p", "/p", [("content-type", "application/json")],
                        sent.encode(), 200, "OK", [("x-note", "😀")], answer.encode())  # fmt: skip
    text = cassette([exchange])

    requests, responses = deserialize(text, yamlserializer)
    assert text.isascii() and "\\ud83d" not in text and "\\U0001f600" in text
    assert requests[0].body.decode() == sent and responses[0]["body"]["string"].decode() == answer
    assert responses[0]["headers"]["x-note"] == ["😀"]


# ------------------------------------------------------------------------------------------- the checker


SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status", "dt", "accounts"],
    "properties": {
        "status": {"type": "string"},
        "dt": {"type": "string", "format": "date-time"},
        "count": {"type": "integer"},
        "accounts": {"type": "array", "items": {"type": "object", "required": ["iban"],
                                                "properties": {"iban": {"type": "string"}, "amount": {"type": "number"}}}},
        "merchant": {"type": "object"},
        "open": {"type": "object", "additionalProperties": True, "properties": {"a": {"type": "string"}}},
        "value": {"type": ["string", "number"]},
    },
}  # fmt: skip


def test_the_checker_lists_every_problem_once_with_paths_and_json_types() -> None:
    answer = {
        "status": "ok", "dt": "yesterday", "count": 1.5, "new": [1], "value": True,
        "accounts": [{"amount": "1"}, {"iban": "KZ1", "amount": 2, "extra": None}, {"amount": 3}],
        "merchant": {"anything": "goes"}, "open": {"a": "x", "b": 1},
    }  # fmt: skip

    assert shape_problems(SCHEMA, answer) == [
        Deviation("wrong_type", "accounts[].amount", "expected number, got string"),
        Deviation("unknown_field", "accounts[].extra", "null"),
        Deviation("missing_field", "accounts[].iban", ""),
        Deviation("wrong_type", "count", "expected integer, got number"),
        Deviation("wrong_value", "dt", "must be an RFC 3339 date-time with a time zone offset"),
        Deviation("unknown_field", "new", "array"),
        Deviation("wrong_type", "value", "expected string or number, got boolean"),
    ]


def test_an_error_answer_needs_only_its_status_and_may_carry_the_envelopes_error_fields() -> None:
    # SCHEMA lists no error fields, as the answers of Cardholder validation and gift Confirm list none
    error = {"status": "error", "error_code": "X", "error_description": "no", "hint": "h"}
    assert shape_problems(SCHEMA, error, error_answer=True) == [Deviation("unknown_field", "hint", "string")]
    assert shape_problems(SCHEMA, {"error_code": "X"}, error_answer=True) == [Deviation("missing_field", "status", "")]
    assert Deviation("unknown_field", "error_code", "string") in shape_problems(
        SCHEMA, {"status": "ok", "error_code": "X"}
    )


def test_secrets_stay_out_of_the_reprs_of_options_and_exchanges() -> None:
    from freedompay_cards._cli._conformance import Options
    from freedompay_cards._cli._conformance_checks import Exchange

    options = Options(encrypted_pin="PINCIPHERTEXT", gift_otp="246813")
    exchange = Exchange("POST", "https://x/p", "/p", [("X-JWS-Signature", "eyJsig")], b'{"pan":"4111111111111111"}',
                        200, "OK", [], b'{"cvv":"653"}')  # fmt: skip
    shown = repr(options) + repr(exchange)
    assert not any(secret in shown for secret in ("PINCIPHERTEXT", "246813", "eyJsig", "4111111111111111", "653"))


def test_an_error_state_is_read_as_the_library_reads_it_whatever_its_case() -> None:
    from freedompay_cards._cli._conformance_checks import Exchange, check_exchange

    body = json.dumps({"status": " ERROR ", "request_status": " Error", "dt": "2025-01-01T00:00:00Z",
                       "error_code": "CARD_NOT_FOUND", "error_description": "no such card"}).encode()  # fmt: skip
    checked = check_exchange(Exchange("POST", "u", "/p", [], b"{}", 200, "OK", [], body), "cards.info")

    assert checked.error is not None and checked.error.code == "CARD_NOT_FOUND"
    assert [d.kind for d in checked.deviations] == []  # an error answer, not a malformed success


def test_field_names_from_an_answer_are_masked_and_cannot_break_the_markdown() -> None:
    odd = {"4111111111111111": 1, "x`\n## Injected": 2, "\x1b[31m": 3}
    fields = [d.field for d in shape_problems({"type": "object", "properties": {"a": {}}}, odd)]

    assert "4111********1111" in fields and "x\\u0060\\u000a## Injected" in fields and "\\u001b[31m" in fields
    assert not any("4111111111111111" in f or "`" in f or "\n" in f for f in fields)
