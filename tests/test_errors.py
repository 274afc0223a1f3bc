"""Every row of the error tables, and answers that are not the documented JSON."""

from __future__ import annotations

import httpx
import pytest

import freedompay_cards as fp
from freedompay_cards._errors import CARD_API_CODES, GIFT_STATUS_ERRORS, HTTP_STATUS_ERRORS
from tests.conftest import DT, MockAPI
from tests.spec_tools import PATHS

RID1 = "00000000-0000-0000-0000-000000000001"


def test_hierarchy() -> None:
    for cls in (fp.AuthenticationError, fp.ValidationError, fp.NotFoundError, fp.ConflictError,
                fp.InsufficientFundsError, fp.InvalidOTPError, fp.RateLimitError, fp.ServerError):  # fmt: skip
        assert issubclass(cls, fp.APIError) and issubclass(cls, fp.FreedomPayError)
    assert issubclass(fp.APITimeoutError, fp.APIConnectionError)
    assert issubclass(fp.UnexpectedResponseError, fp.FreedomPayError)
    assert issubclass(fp.InvalidRequestError, ValueError) and issubclass(fp.InvalidRequestTypeError, TypeError)


@pytest.mark.parametrize(("code", "cls"), sorted(CARD_API_CODES.items()))
def test_card_api_error_codes_map_to_classes(client: fp.CardClient, api: MockAPI, code: str, cls: type) -> None:
    api.on(
        PATHS["cards.block"],
        {
            "status": "error",
            "request_status": "error",
            "dt": DT,
            "error_code": code,
            "error_description": f"described {code}",
        },
    )
    with pytest.raises(fp.APIError) as info:
        client.cards.block("c1", reason="lost", max_retries=0)
    err = info.value
    assert type(err) is cls
    assert (err.code, err.request_id, err.http_status) == (code, RID1, 200)
    text = str(err)
    assert f"described {code}" in text and "operation=cards.block" in text and f"code={code}" in text and RID1 in text


def test_unknown_card_api_code_is_a_plain_api_error(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.block"], {"status": "error", "request_status": "error", "error_code": "E-77"})
    with pytest.raises(fp.APIError) as info:
        client.cards.block("c1", reason="lost")
    assert type(info.value) is fp.APIError and info.value.code == "E-77"
    assert len(api.requests) == 1  # a deliberate refusal is never retried


def test_request_status_error_without_status_error_raises(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.activate"], {"status": "ok", "request_status": "error", "error_description": "no"})
    with pytest.raises(fp.APIError, match="no"):
        client.cards.activate("c1")


@pytest.mark.parametrize(("status", "expected"), sorted(GIFT_STATUS_ERRORS.items()))
def test_gift_statuses_map_to_classes(client: fp.CardClient, api: MockAPI, status: int, expected: tuple) -> None:
    cls, meaning = expected
    api.on(PATHS["gift_cards.confirm"], {"datetime": "2025-01-01 00:00:00", "status": status})
    with pytest.raises(fp.APIError) as info:
        client.gift_cards.confirm("000000", card_id=5)
    assert type(info.value) is cls
    assert info.value.code == status and info.value.request_id is None
    assert (
        meaning in str(info.value) and f"code={status}" in str(info.value) and "gift_cards.confirm" in str(info.value)
    )


def test_an_undocumented_gift_status_is_an_api_error(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["gift_cards.status"], {"datetime": "2025-01-01 00:00:00", "status": -99})
    with pytest.raises(fp.APIError) as info:
        client.gift_cards.status(5)
    assert type(info.value) is fp.APIError and info.value.code == -99


@pytest.mark.parametrize(("http_status", "cls"), sorted(HTTP_STATUS_ERRORS.items()))
def test_http_statuses_map_to_classes(client: fp.CardClient, api: MockAPI, http_status: int, cls: type) -> None:
    api.on(PATHS["cards.info"], httpx.Response(http_status, text="<html>oops</html>"))
    with pytest.raises(fp.APIError) as info:
        client.cards.info("c1", max_retries=0)
    assert type(info.value) is cls
    assert info.value.http_status == http_status and f"http_status={http_status}" in str(info.value)
    assert info.value.body == "<html>oops</html>"


def test_rate_limit_carries_retry_after(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.info"], httpx.Response(429, headers={"Retry-After": "7"}, json={"error_code": "RATE_LIMITED"}))
    with pytest.raises(fp.RateLimitError) as info:
        client.cards.info("c1", max_retries=0)
    assert info.value.retry_after == 7.0


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="not json at all"),
        httpx.Response(200, content=b"\xff\xfe"),
        httpx.Response(200, json=["a", "list"]),
        httpx.Response(200, json={"request_status": "success"}),  # status is required
        httpx.Response(200, json={"status": "ok", "dt": "yesterday"}),  # not RFC 3339
        httpx.Response(200, json={"status": "ok", "request_status": "success", "operations": "nope"}),
    ],
    ids=["text", "bytes", "list", "missing-status", "bad-date", "bad-shape"],
)
def test_undocumented_bodies_raise_unexpected_response_never_raw_errors(
    client: fp.CardClient, api: MockAPI, answer: httpx.Response
) -> None:
    api.on(PATHS["cards.statement"], answer)
    with pytest.raises(fp.UnexpectedResponseError) as info:
        list(client.cards.statement("c1", max_retries=0))
    assert info.value.operation == "cards.statement" and info.value.http_status == 200


def test_gift_answer_without_card_id_is_unexpected(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["gift_cards.issue"], {"datetime": "2025-01-01 00:00:00", "status": 0})
    with pytest.raises(fp.UnexpectedResponseError):
        client.gift_cards.issue(1, cardholder_name="A", phone=77001234567)


def test_error_body_is_redacted(client: fp.CardClient, api: MockAPI) -> None:
    api.on(
        PATHS["cards.secret_data"],
        {
            "status": "error",
            "request_status": "error",
            "pan": "4000000000000002",
            "cvv": "123",
            "error_description": "card 4000 0000 0000 0002 refused",
        },
    )
    with pytest.raises(fp.APIError) as info:
        client.cards.secret_data("c1")
    assert info.value.body["pan"] == "<redacted>" and info.value.body["cvv"] == "<redacted>"
    assert "4000000000000002" not in str(info.value) and "0000 0000" not in str(info.value)
    assert "4000********0002" in str(info.value)
