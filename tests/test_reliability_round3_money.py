"""Issue 20, reliability round 3: every applied operation is reported as applied (items 1-5), secrets stay
out of cassettes and error bodies (10), settings and ids stay inside the error tree (12, 14), and a raw
response never pickles its signature (18). In-process (httpx.MockTransport), bounded, no timing."""

from __future__ import annotations

import json
import math
import pickle
import sys
import unicodedata
from decimal import Decimal
from typing import Any

import httpx
import pytest

import freedompay_cards as fp
from freedompay_cards import cassettes
from freedompay_cards._redact import REDACTED, SECRET_FIELDS, redact
from freedompay_cards._retry import parse_retry_after
from freedompay_cards._validate import identifier
from tests import spec_tools
from tests.conftest import AUTH_ID, DT, FAST, SECRET, MockAPI, ok, sequential_ids
from tests.spec_tools import PATHS

RID1 = "00000000-0000-0000-0000-000000000001"
CREATE = PATHS["transactions.create"]
STATUS = PATHS["requests.status"]
BLOCK = PATHS["cards.block"]
NOT_FOUND = {"status": "error", "error_code": "REQUEST_NOT_FOUND"}
PROCESS = {"status": "ok", "request_status": "process", "dt": DT}


def _create(client: fp.CardClient, **options: Any) -> fp.OperationResult:
    return client.transactions.create("c1", 100, "KZT", order_id="ORDER-1", **options)


def _issue(client: fp.CardClient) -> fp.OperationResult:
    return client.cards.issue(2000, first_name="A", last_name="B", phone=77001234567, country="KAZ", person_id="1")


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"next": value}
    return value


# ------------------------------------------------------------------ 1. a deep answer after success


def test_a_success_with_a_field_nested_600_deep_is_read_with_its_request_id(
    client: fp.CardClient, api: MockAPI
) -> None:
    api.on(CREATE, ok(debug=_nested(600)))
    result = _create(client)
    assert result.succeeded and result.request_id == RID1
    assert "<too deep>" in json.dumps(result.extra["debug"], default=str)  # kept, cut where it stops making sense


def test_any_failure_to_convert_an_applied_answer_is_outcome_unknown_with_the_request_id(
    client: fp.CardClient, api: MockAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    import freedompay_cards._convert._operation as converter

    def fails(*args: Any) -> Any:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(converter, "leftover", fails)
    api.on(CREATE, ok(transaction_id="t1"))
    with pytest.raises(fp.UnexpectedResponseError) as info:
        _create(client)
    assert (
        info.value.outcome_unknown and info.value.request_id == RID1 and info.value.operation == "transactions.create"
    )
    assert api.paths == [CREATE]  # never sent again


def test_a_statement_item_nested_600_deep_is_read_item_by_item(client: fp.CardClient, api: MockAPI) -> None:
    item = {"type": "purchase", "amount": 1, "commission": 0, "currency": "KZT", "mcc": 5411,
            "datetime": "2025-02-01T10:00:00+05:00", "rrn": "1", "merchant": {}, "debug": _nested(600)}  # fmt: skip
    api.on(PATHS["cards.statement"], ok(operations=[item, item]))
    operations = list(client.cards.statement("c1", max_retries=0))
    assert len(operations) == 2 and operations[1].amount == Decimal(1)


# ------------------------------------------------------------------ 2. gift cards: applied, then unreadable

CONFIRMED = {"status": 0, "datetime": "01.01.2025 10:00:00", "card_status": 1, "card_currency": "KZT",
             "card_balance": 5000, "card_mask": "4000********0001"}  # fmt: skip


@pytest.mark.parametrize(
    ("path", "call", "answer"),
    [
        (
            PATHS["gift_cards.issue"],
            lambda c: c.gift_cards.issue(1, cardholder_name="A B", phone=77001234567),
            {"status": 0},
        ),
        (
            PATHS["gift_cards.issue"],
            lambda c: c.gift_cards.issue(1, cardholder_name="A B", phone=77001234567),
            {"status": 0, "card_id": 5, "datetime": "01.01.2025 10:00:00"},
        ),
        (
            PATHS["gift_cards.confirm"],
            lambda c: c.gift_cards.confirm("123456"),
            CONFIRMED,
        ),
        (
            PATHS["gift_cards.resend"],
            lambda c: c.gift_cards.resend(5),
            {"status": 0, "datetime": "01.01.2025 10:00:00"},
        ),
    ],
)
def test_a_gift_answer_with_status_0_that_cannot_be_read_is_applied_outcome_unknown(
    client: fp.CardClient, api: MockAPI, path: str, call: Any, answer: dict[str, Any]
) -> None:
    api.on(path, answer)
    with pytest.raises(fp.UnexpectedResponseError) as info:
        call(client)
    assert info.value.outcome_unknown  # issued (and charged): the caller must not issue again
    assert api.paths == [path]


def test_a_read_that_cannot_be_converted_is_still_a_known_outcome(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["gift_cards.status"], {"status": 0, "datetime": "01.01.2025 10:00:00"})
    with pytest.raises(fp.UnexpectedResponseError) as info:
        client.gift_cards.status(5)
    assert not info.value.outcome_unknown  # a read applies nothing


# ------------------------------------------------------------------ 3. Retry-After overflow and absurd values


@pytest.mark.parametrize(
    "header",
    [
        "Fri, 31 Dec 99999999999999999999 23:59:59 GMT",  # was a bare OverflowError
        "Fri, 31 Dec 9999 23:59:59 GMT",  # far future
        "Mon, 01 Jan 1900 00:00:00 GMT",  # far past
        "1e300",  # huge
        "86401",  # over a day
        "-1",
        "garbage",
        "Mon, 32 Foo 2025 99:99:99 GMT",
    ],
)
def test_an_unreadable_or_absurd_retry_after_falls_back_to_the_backoff(header: str) -> None:
    assert parse_retry_after(header, now=1_700_000_000.0) is None


def test_a_sane_retry_after_is_still_honoured() -> None:
    assert parse_retry_after("30") == 30.0
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now=1_700_000_000.0) == pytest.approx(30, abs=1)


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_payment_answered_with_an_overflowing_retry_after_is_reconciled_not_a_bare_error(
    client: fp.CardClient, api: MockAPI, status: int
) -> None:
    absurd = httpx.Response(status, headers={"Retry-After": "Fri, 31 Dec 99999999999999999999 23:59:59 GMT"})
    api.on(CREATE, absurd, ok(transaction_id="t1"))
    api.on(STATUS, NOT_FOUND)
    result = _create(client)
    assert result.succeeded and result.request_id == RID1
    assert api.paths.count(CREATE) == 2


# ------------------------------------------------------------------ 4. a reused request_id


def test_a_request_id_reused_with_another_body_is_refused_before_sending(client: fp.CardClient, api: MockAPI) -> None:
    client.cards.block("c1", reason="lost", request_id=RID1)
    with pytest.raises(fp.InvalidRequestError, match="request_id"):
        _create(client, request_id=RID1)
    with pytest.raises(fp.InvalidRequestError, match="request_id"):
        client.with_options(timeout=5).cards.block("c2", reason="lost", request_id=RID1)  # copies share the memory
    assert api.paths == [BLOCK]


def test_re_sending_the_same_request_with_its_request_id_is_allowed(client: fp.CardClient, api: MockAPI) -> None:
    client.cards.block("c1", reason="lost", request_id=RID1)
    client.cards.block("c1", reason="lost", request_id=RID1)  # after an outcome-unknown error: the same request
    assert api.paths == [BLOCK, BLOCK]


def test_a_repeating_request_id_factory_is_caught_before_the_second_request_is_sent(api: MockAPI) -> None:
    http = httpx.Client(transport=httpx.MockTransport(api.handler))
    with fp.CardClient(AUTH_ID, SECRET, http_client=http, request_id_factory=lambda: RID1) as client:
        client.cards.block("c1", reason="lost")
        with pytest.raises(fp.InvalidRequestError, match="request_id_factory"):
            _create(client)
    assert api.paths == [BLOCK]


def test_the_memory_of_request_ids_is_bounded() -> None:
    from freedompay_cards._core import OPERATIONS, SentRequests

    sent, op = SentRequests(), OPERATIONS["cards.block"]
    for n in range(SentRequests.LIMIT + 1):
        sent.claim(op, str(n), b"body %d" % n)
    assert len(sent._seen) == SentRequests.LIMIT
    sent.claim(op, "0", b"another body")  # the oldest was forgotten
    with pytest.raises(fp.InvalidRequestError):
        sent.claim(op, str(SentRequests.LIMIT), b"another body")


def test_threads_claiming_one_request_id_with_different_requests_leave_exactly_one_winner() -> None:
    import threading

    from freedompay_cards._core import OPERATIONS, SentRequests

    op, refused = OPERATIONS["cards.block"], []
    for _ in range(50):
        sent, start = SentRequests(), threading.Barrier(8)

        def claim(n: int, sent: SentRequests = sent, start: threading.Barrier = start) -> None:
            start.wait(timeout=5)
            try:
                sent.claim(op, RID1, b"body %d" % n)
            except fp.InvalidRequestError:
                refused.append(n)

        threads = [threading.Thread(target=claim, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=5)
    assert len(refused) == 50 * 7


def test_a_reconciled_success_of_another_operation_is_never_the_payment_s_outcome(
    client: fp.CardClient, api: MockAPI
) -> None:
    # request_id X was used for cards.block (by another client, or before a restart); the payment's first
    # attempt is ambiguous, and Request status reports the block's success: no transaction_id
    api.on(CREATE, httpx.ReadTimeout("slow"))
    api.on(STATUS, ok())
    with pytest.raises(fp.UnexpectedResponseError, match="transaction_id") as info:
        _create(client)
    assert info.value.outcome_unknown and info.value.request_id == RID1
    assert api.paths == [CREATE, STATUS]  # and nothing sent again


def test_a_wait_ending_in_another_operation_s_success_is_not_the_payment_s_outcome(
    client: fp.CardClient, api: MockAPI
) -> None:
    api.on(CREATE, PROCESS)
    api.on(STATUS, ok())
    with pytest.raises(fp.UnexpectedResponseError, match="transaction_id") as info:
        _create(client, wait=True)
    assert info.value.outcome_unknown and info.value.operation == "transactions.create"


@pytest.mark.parametrize(
    ("call", "path", "created"),
    [
        (_create, CREATE, {"transaction_id": "t1"}),
        (_issue, PATHS["cards.issue"], {"cards": [{"card_id": "k1"}]}),
    ],
)
def test_a_reconciled_success_carrying_the_created_ids_is_the_outcome(
    client: fp.CardClient, api: MockAPI, call: Any, path: str, created: dict[str, Any]
) -> None:
    api.on(path, httpx.ReadTimeout("slow"))
    api.on(STATUS, ok(**created))
    result = call(client)
    assert result.succeeded and result.reconciled and api.paths == [path, STATUS]


# ------------------------------------------------------------------ 5. "unknown request" in the other shape


def test_request_not_found_as_request_status_error_leads_to_the_same_id_re_send(
    client: fp.CardClient, api: MockAPI
) -> None:
    api.on(CREATE, httpx.ReadTimeout("slow"), ok())
    api.on(STATUS, {"status": "ok", "request_status": "error", "error_code": "REQUEST_NOT_FOUND", "dt": DT})
    result = _create(client)
    assert result.succeeded and not result.reconciled
    assert api.paths == [CREATE, STATUS, CREATE] and api.bodies[0] == api.bodies[2]


def test_request_not_found_while_waiting_for_an_accepted_payment_is_outcome_unknown(
    client: fp.CardClient, api: MockAPI
) -> None:
    api.on(CREATE, PROCESS)
    api.on(STATUS, {"status": "ok", "request_status": "error", "error_code": "REQUEST_NOT_FOUND", "dt": DT})
    with pytest.raises(fp.NotFoundError) as info:
        _create(client, wait=True)
    assert info.value.outcome_unknown and info.value.request_id == RID1  # accepted: never "not applied"


def test_another_request_status_error_is_still_the_operation_s_failure(client: fp.CardClient, api: MockAPI) -> None:
    api.on(CREATE, httpx.ReadTimeout("slow"))
    api.on(STATUS, {"status": "ok", "request_status": "error", "error_code": "INSUFFICIENT_FUNDS", "dt": DT})
    with pytest.raises(fp.InsufficientFundsError):
        _create(client)
    assert api.paths == [CREATE, STATUS]


# ------------------------------------------------------------------ 10. secrets in cassettes and error bodies

CARD = "4111111111111111"
LEAKY = {"card_cvv": "653", "cvvValue": "653", "card_pin": "9876", "expire_date": "12/29",
         "cardholder_name": "AIDA SADYKOVA", "expiryMonth": "12", "cardNumber": CARD}  # fmt: skip
SECRET_VALUES = ("653", "9876", "12/29", "AIDA SADYKOVA", CARD)


def _spec_secret_names() -> set[str]:
    names: set[str] = set()
    stack: list[Any] = [spec_tools.spec()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for name, prop in (node.get("properties") or {}).items():
                if isinstance(prop, dict) and prop.get("x-secret"):
                    names.add(name)
            stack += list(node.values())
        elif isinstance(node, list):
            stack += node
    return names


def test_every_field_the_spec_marks_x_secret_is_secret() -> None:
    assert _spec_secret_names() and _spec_secret_names() <= SECRET_FIELDS


def test_an_error_body_never_keeps_a_field_named_with_a_secret_label(client: fp.CardClient, api: MockAPI) -> None:
    api.on(BLOCK, {"status": "error", "error_code": "CARD_NOT_FOUND", **LEAKY})
    with pytest.raises(fp.NotFoundError) as info:
        client.cards.block("c1", reason="lost")
    assert all(info.value.body[name] == REDACTED for name in LEAKY)
    shown = repr(info.value.body) + str(info.value)
    assert not [value for value in SECRET_VALUES if value in shown]
    kept = {"error_code": "X", "status": "error", "pin_counter": 3, "card_mask": "4000********0001", "export": "1"}
    assert redact(kept) == kept  # no over-reach: a count of PIN tries is not a PIN


@pytest.mark.parametrize(
    "answer",
    [
        {"status": "ok", "request_status": "queued", "track2": "4111111111111111=2912101"},  # undocumented state
        {"status": "ok", "request_status": "success", "dt": 5, "track2": "4111111111111111=2912101"},  # bad type
        {"status": "error", "error_code": "CARD_NOT_FOUND", "track2": "4111111111111111=2912101"},
    ],
)
def test_an_unreadable_secret_data_answer_keeps_only_its_envelope_in_the_error(
    client: fp.CardClient, api: MockAPI, answer: dict[str, Any]
) -> None:
    api.on(PATHS["cards.secret_data"], answer)
    with pytest.raises(fp.FreedomPayError) as info:
        client.cards.secret_data("c1", max_retries=0)
    body = info.value.body  # type: ignore[attr-defined]
    assert body["track2"] == REDACTED and body["status"] == answer["status"]
    assert "2912101" not in repr(body) + str(info.value)


def test_a_body_that_is_not_json_never_keeps_a_field_named_with_a_secret_label() -> None:
    text = 'error: card_cvv=653&cvvValue=653&card_pin=9876&expire_date=12/29, "cardNumber": "4111111111111111"'
    for cleaned in (redact(text), cassettes.scrub_body(text)):
        assert isinstance(cleaned, str) and not [value for value in SECRET_VALUES if value in cleaned]
    assert redact("error_code=1234 status: ok") == "error_code=1234 status: ok"


def test_cassette_bodies_never_keep_a_field_named_with_a_secret_label() -> None:
    cleaned = cassettes.scrub_body(json.dumps({"status": "ok", **LEAKY}).encode())
    assert isinstance(cleaned, bytes)
    assert not [value for value in SECRET_VALUES if value in cleaned.decode()]


class _Request:  # the shape of vcrpy's Request that the scrubbers use
    def __init__(self, uri: str, body: bytes, headers: dict[str, str]) -> None:
        self.uri, self.body, self.headers, self.method = uri, body, headers, "POST"


def _recorded(path: str, answer: dict[str, Any], headers: dict[str, list[str]]) -> str:
    request = cassettes.scrub_request(_Request("http://127.0.0.1:1" + path, b'{"card_id":"k1"}', {"X-Trace": "1"}))
    response = cassettes.scrub_response({"body": {"string": json.dumps(answer).encode()}, "headers": headers})
    return json.dumps({"request": [request.body.decode(), request.headers], "response": response}, default=repr)


def test_a_secret_data_answer_is_recorded_with_every_field_beyond_the_envelope_scrubbed() -> None:
    answer = ok(card_id="k1", track2="4111111111111111=2912101", magstripe="opaque-secret-blob", pin_offset="0042")
    recorded = _recorded(PATHS["cards.secret_data"], answer, {})
    assert "opaque-secret-blob" not in recorded and "2912101" not in recorded and "0042" not in recorded
    assert '\\"card_id\\":\\"k1\\"' in recorded and "success" in recorded  # the envelope and card_id are kept
    other = _recorded(PATHS["cards.info"], ok(card_id="k1", card_status="active"), {})
    assert "active" in other  # only secret-data answers are scrubbed whole


def test_recorded_response_headers_are_scrubbed() -> None:
    signature = "eyJhbGciOiJIUzUxMiJ9..c2lnbmF0dXJlLXRoYXQtbXVzdC1uZXZlci1iZS1yZWNvcmRlZC1pbi1hLWNhc3NldHRl"
    headers = {"X-JWS-Signature": [signature], "X-Debug": [f"card {CARD} cvv 653"], "X-Card-Cvv": ["653"]}
    recorded = _recorded(BLOCK, ok(), headers)
    assert signature not in recorded and CARD not in recorded and "653" not in recorded
    assert cassettes.find_secrets(recorded) == []


# ------------------------------------------------------------------ 12. settings that escaped the error tree


def test_a_malformed_idna_base_url_is_a_configuration_error() -> None:
    with pytest.raises(fp.ConfigurationError, match="base_url"):
        fp.CardClient(AUTH_ID, SECRET, base_url="https://xn--.com")


def test_the_cli_reports_a_malformed_idna_base_url_as_a_usage_error_not_a_traceback() -> None:
    import io

    from freedompay_cards._cli import main

    env = {"FREEDOMPAY_AUTH_ID": AUTH_ID, "FREEDOMPAY_SECRET_KEY": SECRET, "FREEDOMPAY_BASE_URL": "https://xn--.com"}
    out, err = io.StringIO(), io.StringIO()
    assert main(["cards", "info", "c1"], environ=env, stdin=io.StringIO(), stdout=out, stderr=err) == 2
    assert "FREEDOMPAY_BASE_URL" in err.getvalue() and "Traceback" not in err.getvalue()


def test_a_non_ascii_extra_header_value_is_refused_before_sending(client: fp.CardClient, api: MockAPI) -> None:
    with pytest.raises(fp.InvalidRequestError, match="extra_headers"):
        client.cards.info("c1", extra_headers={"X-Note": "café"})
    assert api.requests == []


@pytest.mark.parametrize("client_class", [fp.CardClient, fp.AsyncCardClient])
@pytest.mark.parametrize("policy", [3, "fast", object()])
def test_a_retry_policy_that_is_not_one_is_a_configuration_type_error(client_class: Any, policy: object) -> None:
    with pytest.raises(fp.ConfigurationTypeError, match="retry_policy"):
        client_class(AUTH_ID, SECRET, retry_policy=policy)


@pytest.mark.parametrize(
    ("arguments", "kind"),
    [
        ({"base": "0.5"}, fp.ConfigurationTypeError),
        ({"cap": True}, fp.ConfigurationTypeError),
        ({"max_retries": 2.0}, fp.ConfigurationTypeError),
        ({"cap": Decimal("NaN")}, fp.ConfigurationError),
        ({"cap": Decimal("sNaN")}, fp.ConfigurationError),
        ({"retry_after_cap": math.nan}, fp.ConfigurationError),
        ({"retry_after_cap": math.inf}, fp.ConfigurationError),
        ({"base": -1}, fp.ConfigurationError),
        ({"max_retries": -1}, fp.ConfigurationError),
    ],
)
def test_retry_policy_settings_are_checked_within_the_error_tree(arguments: dict[str, Any], kind: type) -> None:
    with pytest.raises(kind):
        fp.RetryPolicy(**arguments)


def test_retry_policy_takes_decimal_seconds() -> None:
    assert fp.RetryPolicy(base=Decimal("0.25"), cap=2).base == 0.25


# ------------------------------------------------------------------ 14. ids with invisible format characters

CF = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]


def test_ids_refuse_every_format_character_the_tag_block_included() -> None:
    assert len(CF) > 150 and "\U000e0031" in CF
    accepted = []
    for char in CF:
        try:
            identifier("order_id", f"ORDER-{char}1")
        except fp.InvalidRequestError:
            continue
        accepted.append(f"U+{ord(char):04X}")
    assert accepted == []


@pytest.mark.parametrize("value", ["ORDER-1\U000e0031", "ORDER-\u0661", "ORDER-\uff11", "\u2061ORDER-1"])
def test_an_order_id_with_an_invisible_or_non_ascii_digit_is_not_sent(
    client: fp.CardClient, api: MockAPI, value: str
) -> None:
    with pytest.raises(fp.InvalidRequestError, match="order_id") as info:
        client.transactions.create("c1", 100, "KZT", order_id=value)
    assert value not in str(info.value) and api.requests == []


def test_ids_in_other_scripts_still_pass() -> None:
    assert identifier("order_id", "Заказ-1") == "Заказ-1"


# ------------------------------------------------------------------ 18. RawResponse and pickle


def test_a_raw_response_refuses_pickling(client: fp.CardClient, api: MockAPI) -> None:
    raw = client.with_raw_response.cards.block("c1", reason="lost")
    assert raw.http_response.request.headers.get("X-JWS-Signature")
    with pytest.raises(TypeError, match="pickle"):
        pickle.dumps(raw)


async def test_the_async_client_shares_the_round_3_behaviour(api: MockAPI) -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(api.handler))
    async with fp.AsyncCardClient(
        AUTH_ID, SECRET, http_client=http, retry_policy=FAST, request_id_factory=sequential_ids()
    ) as client:
        api.on(CREATE, httpx.ReadTimeout("slow"))
        api.on(STATUS, ok())
        with pytest.raises(fp.UnexpectedResponseError) as info:
            await client.transactions.create("c1", 100, "KZT", order_id="ORDER-1")
        assert info.value.outcome_unknown
        with pytest.raises(fp.InvalidRequestError, match="request_id"):
            await client.cards.block("c1", reason="lost", request_id=RID1)
    await http.aclose()
