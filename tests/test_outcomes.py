"""Outcomes are never misreported: regressions for a review of the retry, wait and parsing paths."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import httpx
import pytest

import freedompay_cards as fp
from tests.conftest import DT, MockAPI, ok
from tests.spec_tools import PATHS

RID1 = "00000000-0000-0000-0000-000000000001"
PROCESS = {"status": "ok", "request_status": "process", "dt": DT}
ISSUE = {"first_name": "A", "last_name": "B", "phone": 77001234567, "country": "KAZ", "person_id": "1"}


def test_a_failed_poll_after_acceptance_never_reads_as_not_applied(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.issue"], PROCESS)
    api.on(PATHS["requests.status"], httpx.ConnectError("refused"))
    with pytest.raises(fp.APIConnectionError) as info:
        client.cards.issue(2000, **ISSUE, wait=True)
    err = info.value
    assert err.operation == "cards.issue" and err.outcome_unknown and err.request_id == RID1
    assert "outcome unknown" in str(err) and "accepted" in str(err)


def test_a_failed_request_found_while_waiting_names_the_operation(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.issue"], PROCESS)
    api.on(
        PATHS["requests.status"],
        {"status": "ok", "request_status": "error", "dt": DT, "error_code": "VALIDATION_ERROR"},
    )
    with pytest.raises(fp.ValidationError) as info:
        client.cards.issue(2000, **ISSUE, wait=True)
    assert info.value.operation == "cards.issue" and not info.value.outcome_unknown


@pytest.mark.parametrize(
    ("wait_timeout", "kind"), [(0, ValueError), (-1, ValueError), ("60", TypeError), (float("nan"), ValueError)]
)
def test_wait_timeout_is_checked_before_anything_is_sent(
    client: fp.CardClient, api: MockAPI, wait_timeout: object, kind: type
) -> None:
    with pytest.raises(kind, match="wait_timeout"):
        client.transactions.create("c", 100, "KZT", order_id="o", wait=True, wait_timeout=wait_timeout)  # type: ignore[arg-type]
    assert api.requests == []


def test_wait_ends_only_on_a_final_state(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["requests.status"], PROCESS, PROCESS, ok(client_id="c9"))
    assert client.requests.wait(RID1, interval=0.001, max_interval=0.001).client_id == "c9"
    assert len(api.requests) == 3


@pytest.mark.parametrize("answer", [{"status": "ok", "dt": DT}, {"status": "ok", "request_status": "queued", "dt": DT}])
def test_a_poll_answering_no_documented_state_stops_the_wait_with_the_outcome_unknown(
    client: fp.CardClient, api: MockAPI, answer: dict[str, object]
) -> None:
    api.on(PATHS["requests.status"], PROCESS, answer)
    with pytest.raises(fp.UnexpectedResponseError) as info:
        client.requests.wait(RID1, interval=0.001, max_interval=0.001)
    assert info.value.outcome_unknown and info.value.request_id == RID1


@pytest.mark.parametrize("encoded", [b"\x1f\x8b not gzip at all", gzip.compress(b"{")[:-4]])
def test_an_undecodable_body_is_an_unexpected_response_and_is_reconciled(
    client: fp.CardClient, api: MockAPI, encoded: bytes
) -> None:
    api.on(
        PATHS["cards.block"],
        lambda request: httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(encoded)),
    )
    api.on(PATHS["requests.status"], ok())
    result = client.cards.block("c", reason="lost")
    assert result.reconciled and api.paths == [PATHS["cards.block"], PATHS["requests.status"]]


def test_deeply_nested_json_is_an_unexpected_response(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.info"], httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000))
    with pytest.raises(fp.UnexpectedResponseError):
        client.cards.info("c", max_retries=0)


@pytest.mark.parametrize("card_status", [[], {}, "2", True, 2.5])
def test_a_gift_card_status_of_the_wrong_type_is_unexpected(
    client: fp.CardClient, api: MockAPI, card_status: object
) -> None:
    api.on(PATHS["gift_cards.status"], {"status": 0, "card_status": card_status})
    with pytest.raises(fp.UnexpectedResponseError, match="card_status"):
        client.gift_cards.status(5)


def test_an_undocumented_gift_card_status_value_survives_as_an_int(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["gift_cards.status"], {"status": 0, "card_status": 9})
    assert client.gift_cards.status(5).card_status == 9


@pytest.mark.parametrize("status", [False, "0", 0.0, None])
def test_a_gift_status_that_is_not_the_integer_zero_is_not_success(
    client: fp.CardClient, api: MockAPI, status: object
) -> None:
    api.on(PATHS["gift_cards.resend"], {"status": status})
    with pytest.raises((fp.APIError, fp.UnexpectedResponseError)):
        client.gift_cards.resend(5, max_retries=0)


DUPLICATE = {"status": "error", "request_status": "error", "error_code": "DUPLICATE_REQUEST_ID"}


def test_a_duplicate_after_a_possibly_applied_attempt_is_reconciled(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.block"], httpx.ReadTimeout("slow"), DUPLICATE)
    api.on(PATHS["requests.status"], {"status": "error", "error_code": "REQUEST_NOT_FOUND"}, ok())
    result = client.cards.block("c", reason="lost")
    assert result.succeeded and result.reconciled


def test_a_duplicate_when_no_attempt_can_have_been_applied_is_a_reused_id(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.block"], httpx.ConnectError("refused"), DUPLICATE)
    with pytest.raises(fp.ConflictError) as info:
        client.cards.block("c", reason="lost")  # somebody else's outcome must never come back as ours
    assert not info.value.outcome_unknown and PATHS["requests.status"] not in api.paths


def test_a_duplicate_after_a_turned_away_attempt_is_raised_but_flagged(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.block"], httpx.Response(503, headers={"Retry-After": "0"}), DUPLICATE)
    with pytest.raises(fp.ConflictError) as info:
        client.cards.block("c", reason="lost")
    assert info.value.outcome_unknown  # the 503 may have come from a proxy that forwarded it after all


def test_a_refusal_after_an_ambiguous_attempt_says_the_outcome_is_unknown(client: fp.CardClient, api: MockAPI) -> None:
    api.on(
        PATHS["cards.block"],
        httpx.ReadTimeout("slow"),
        {"status": "error", "error_code": "E", "error_description": "Card is already blocked"},
    )
    api.on(PATHS["requests.status"], httpx.ReadTimeout("slow"))
    with pytest.raises(fp.APIError) as info:
        client.cards.block("c", reason="lost")
    assert info.value.outcome_unknown and info.value.attempts == 2


def test_a_read_renews_its_id_once_and_within_max_retries(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.info"], httpx.Response(500), DUPLICATE)
    with pytest.raises(fp.ConflictError):
        client.cards.info("c", max_retries=1)
    assert len(api.requests) <= 3


def test_a_known_code_is_not_overridden_by_a_duplicate_sounding_text(client: fp.CardClient, api: MockAPI) -> None:
    api.on(
        PATHS["cards.block"],
        httpx.ReadTimeout("slow"),
        {"status": "error", "error_code": "VALIDATION_ERROR", "error_description": "request body has duplicate key"},
    )
    api.on(PATHS["requests.status"], {"status": "error", "error_code": "REQUEST_NOT_FOUND"})
    with pytest.raises(fp.ValidationError):
        client.cards.block("c", reason="lost")


def test_wait_true_after_an_immediate_success_still_raises_a_failed_request(
    client: fp.CardClient, api: MockAPI
) -> None:
    api.on(PATHS["cards.issue"], ok())
    api.on(
        PATHS["requests.status"],
        {"status": "ok", "request_status": "error", "dt": DT, "error_code": "INTERNAL_ERROR"},
    )
    with pytest.raises(fp.ServerError):
        client.cards.issue(2000, **ISSUE, wait=True)


UNKNOWN_REQUEST = {"status": "error", "request_status": "error", "dt": DT, "error_code": "REQUEST_NOT_FOUND"}


@pytest.mark.parametrize("value", [True, 1.5, ["success"], {"a": 1}, "declined", None])
def test_a_request_status_that_is_not_a_documented_state_is_unexpected_and_reconciled(
    client: fp.CardClient, api: MockAPI, value: object
) -> None:
    answer = {"status": "ok", "dt": DT} | ({} if value is None else {"request_status": value})
    api.on(PATHS["cards.block"], answer)
    api.on(PATHS["requests.status"], UNKNOWN_REQUEST)
    with pytest.raises(fp.UnexpectedResponseError) as info:
        client.cards.block("c", reason="lost", max_retries=0)
    assert info.value.outcome_unknown  # the block may have been applied: nothing says it was not
    assert api.paths == [PATHS["cards.block"], PATHS["requests.status"]]


def test_an_undocumented_state_is_read_as_what_request_status_reports(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.block"], {"status": "ok", "request_status": "declined", "dt": DT})
    api.on(PATHS["requests.status"], ok())
    result = client.cards.block("c", reason="lost", max_retries=0)
    assert result.reconciled and result.request_status is fp.RequestStatus.SUCCESS


@pytest.mark.parametrize(("value", "state"), [("SUCCESS", "success"), (" Process ", "process")])
def test_documented_states_are_read_ignoring_case_and_blanks(
    client: fp.CardClient, api: MockAPI, value: str, state: str
) -> None:
    api.on(PATHS["cards.block"], {"status": "OK", "request_status": value, "dt": DT})
    assert client.cards.block("c", reason="lost").request_status == state


def test_status_error_with_request_status_success_is_an_error_with_a_known_outcome(
    client: fp.CardClient, api: MockAPI
) -> None:
    api.on(PATHS["cards.block"], {"status": "error", "request_status": "success", "dt": DT})
    with pytest.raises(fp.APIError) as info:
        client.cards.block("c", reason="lost")
    assert not info.value.outcome_unknown and api.paths == [PATHS["cards.block"]]


def test_request_not_found_from_request_status_is_not_found_with_a_known_outcome(
    client: fp.CardClient, api: MockAPI
) -> None:
    api.on(PATHS["requests.status"], UNKNOWN_REQUEST)
    with pytest.raises(fp.NotFoundError) as info:
        client.requests.status(RID1)
    assert not info.value.outcome_unknown and info.value.request_id == RID1


def test_max_retries_reaches_the_polls_of_wait(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.issue"], PROCESS)
    api.on(PATHS["requests.status"], httpx.Response(503))
    with pytest.raises(fp.ServerError) as info:
        client.cards.issue(2000, **ISSUE, wait=True, max_retries=0)
    assert api.paths.count(PATHS["requests.status"]) == 1 and info.value.outcome_unknown


def test_the_api_path_is_signed_behind_a_prefixed_base_url() -> None:
    seen: list[httpx.Request] = []
    http = httpx.Client(transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200, json=ok())))
    fp.CardClient("1", "s", base_url="http://127.0.0.1:8080/proxy/", http_client=http).cards.activate("c")
    assert seen[0].url.path == "/proxy/v5/card-api/card/activate"
    assert fp.verify(seen[0].headers["X-JWS-Signature"], seen[0].content, path=PATHS["cards.activate"], secret_key="s")


def test_base_urls_with_a_query_and_clients_with_params_are_refused() -> None:
    with pytest.raises(ValueError, match="query"):
        fp.CardClient("1", "s", base_url="http://127.0.0.1:8080/p?x=1")
    with pytest.raises(ValueError, match="params"):
        fp.CardClient("1", "s", http_client=httpx.Client(params={"k": "v"}))


@pytest.mark.parametrize(
    "message",
    [
        "Invalid pin: expected 4 digits",
        "otp: wrong code, 2 attempts left",
        "Card expiry: the card has expired",
        "transaction 1234567890123 not found",
    ],
)
def test_messages_in_parsed_answers_are_not_mangled(client: fp.CardClient, api: MockAPI, message: str) -> None:
    api.on(
        PATHS["cards.block"],
        {"status": "error", "request_status": "error", "error_code": "E", "error_description": message},
    )
    with pytest.raises(fp.APIError) as info:
        client.cards.block("c", reason="lost")
    assert info.value.message == message and info.value.body["error_description"] == message


def test_request_status_never_asks_about_another_request_id(client: fp.CardClient, api: MockAPI) -> None:
    asked = "828cf71d-a447-4a67-a149-c1df8bc197ca"
    api.on(
        PATHS["requests.status"],
        httpx.ReadTimeout("slow"),
        {"status": "error", "error_code": "DUPLICATE_REQUEST_ID", "error_description": "Duplicate request, try later"},
    )
    with pytest.raises(fp.ConflictError):
        client.requests.status(asked)
    assert {json.loads(r.content)["request_id"] for r in api.requests} == {asked}


def test_conversion_failures_name_the_operation_and_request_id(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.balance"], ok(accounts=[{"amount": "lots"}]))
    with pytest.raises(fp.UnexpectedResponseError) as info:
        client.cards.balance("c")
    assert (info.value.operation, info.value.request_id) == ("cards.balance", RID1)


def test_client_cards_carry_the_request_id(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["clients.list_cards"], ok(cards=[{"card_id": "a"}]))
    cards = client.clients.list_cards("cl")
    assert (
        cards.request_id == RID1 and [c.card_id for c in cards] == ["a"] and len(cards) == 1 and cards[0].card_id == "a"
    )


def test_generated_models_holding_secrets_have_no_field_repr() -> None:
    from freedompay_card_api.models import ConfirmGiftCardRequest, SecretDataResponse, SetPinRequest

    shown = repr(SetPinRequest(card_id="c", pin="CIPHER")) + repr(ConfirmGiftCardRequest(otp="123456"))
    shown += repr(
        SecretDataResponse.from_dict(
            {"status": "ok", "request_status": "success", "dt": DT, "pan": "4000001234567899", "cvv": "987"}
        )
    )
    for secret in ("CIPHER", "123456", "4000001234567899", "987"):
        assert secret not in shown


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"email": "x"}, "documented"),
        ({"birthdate": "31.12.2999"}, "documented"),
        ({"note": object()}, "not JSON"),
        ({"n": float("nan")}, "not JSON"),
        ({"": 1}, "keys"),
    ],
)
def test_extra_cardholder_fields_cannot_shadow_or_smuggle(
    client: fp.CardClient, api: MockAPI, extra: dict, problem: str
) -> None:
    with pytest.raises(fp.InvalidRequestError, match=problem):
        client.cards.issue(2000, **ISSUE, extra_cardholder_fields=extra)
    assert api.requests == []


@pytest.mark.parametrize("phone", ["0000000", "0087001234567", "+0123456789"])
def test_phones_with_a_leading_zero_are_refused(client: fp.CardClient, api: MockAPI, phone: str) -> None:
    with pytest.raises(fp.InvalidRequestError, match="phone"):
        client.clients.update_phone("cl", phone, product=2000)
    assert api.requests == []


def test_transaction_details_are_redacted_and_kept_out_of_repr(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["transactions.info"], ok(transaction={"amount": 5, "card_number": "4000001234567899", "cvc2": "321"}))
    info = client.transactions.info(transaction_id="t")
    assert info.details["amount"] == 5 and info.details["card_number"] == "<redacted>"
    assert "4000001234567899" not in repr(info) and "321" not in repr(info)


# RFC 3339 allows a lower-case "z"; Python 3.11's datetime.fromisoformat (the generated parser) does not.
LOWER_Z = {"status": "ok", "request_status": "success", "dt": "2025-01-01T00:01:01z"}


def test_a_lower_case_z_in_an_answer_s_date_time_is_read_as_utc(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.reset_pin_counter"], LOWER_Z)
    operation = {"type": "purchase", "amount": 1.5, "commission": 0, "currency": "KZT", "mcc": 5411,
                 "datetime": "2025-02-01T10:00:00z", "rrn": "1", "merchant": {}}  # fmt: skip
    api.on(PATHS["cards.statement"], {**LOWER_Z, "operations": [operation]})
    result = client.cards.reset_pin_counter("c1")
    assert result.dt == dt.datetime(2025, 1, 1, 0, 1, 1, tzinfo=dt.UTC)
    (read,) = client.cards.statement("c1")
    assert read.datetime == dt.datetime(2025, 2, 1, 10, tzinfo=dt.UTC)


async def test_a_lower_case_z_is_read_by_the_async_client_too(async_client: fp.AsyncCardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.reset_pin_counter"], LOWER_Z)
    result = await async_client.cards.reset_pin_counter("c1")
    assert result.dt == dt.datetime(2025, 1, 1, 0, 1, 1, tzinfo=dt.UTC)


def test_a_date_time_wrong_beyond_its_z_is_still_unexpected(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["requests.status"], {**LOWER_Z, "dt": "2025-02-30T00:01:01z"})
    with pytest.raises(fp.UnexpectedResponseError, match="dt: must be an RFC 3339 date-time"):
        client.requests.status(RID1, max_retries=0)
