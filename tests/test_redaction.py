"""Secrets (secret key, signature, PIN, PAN, CVV, expiry) never reach a repr, a log line or an error."""

from __future__ import annotations

import logging
import pickle

import httpx
import pytest

import freedompay_cards as fp
from freedompay_cards._redact import mask_pan, redact, scrub_raw_text, scrub_text
from tests.conftest import SECRET, MockAPI, ok
from tests.spec_tools import PATHS

PAN, CVV, EXPIRY, PIN_CIPHER = "4000001234567899", "987", "11/28", "cGluLWNpcGhlcnRleHQ="


def _everything(client: fp.CardClient, api: MockAPI, caplog: pytest.LogCaptureFixture) -> str:
    """Run calls that handle every secret kind and return all text a user could see."""
    caplog.set_level(logging.DEBUG, logger="freedompay_cards")
    api.on(PATHS["cards.secret_data"], ok(card_id="c", pan=PAN, cvv=CVV, expiry=EXPIRY, cardholder_name="A B"))
    api.on(PATHS["cards.info"], ok(card_id="c", expiry=EXPIRY))
    api.on(
        PATHS["cards.set_pin"],
        {"status": "error", "request_status": "error", "pin": PIN_CIPHER, "error_description": f"bad pin for {PAN}"},
    )
    data = client.cards.secret_data("c")
    info = client.cards.info("c")
    with pytest.raises(fp.APIError) as err:
        client.cards.set_pin("c", encrypted_pin=PIN_CIPHER)
    texts = [
        repr(client),
        str(client),
        repr(data),
        str(data),
        repr(info),
        str(err.value),
        repr(err.value),
        repr(err.value.body),
        repr(data.fields),
        caplog.text,
        repr(client._http.auth),
    ]
    assert data.pan is not None and data.pan.reveal() == PAN  # the value is there, for code that asks
    return "\n".join(texts)


@pytest.mark.parametrize(
    "secret", [SECRET, PAN, CVV, EXPIRY, PIN_CIPHER], ids=["secret_key", "pan", "cvv", "expiry", "pin"]
)
def test_secret_never_visible(
    client: fp.CardClient, api: MockAPI, caplog: pytest.LogCaptureFixture, secret: str
) -> None:
    assert secret not in _everything(client, api, caplog)


def test_signature_header_never_logged_or_in_errors(
    client: fp.CardClient, api: MockAPI, caplog: pytest.LogCaptureFixture
) -> None:
    text = _everything(client, api, caplog)
    signatures = [r.headers["X-JWS-Signature"] for r in api.requests]
    assert signatures and not any(s.split("..")[1] in text for s in signatures)


def test_masked_pan_is_shown_instead(client: fp.CardClient, api: MockAPI, caplog: pytest.LogCaptureFixture) -> None:
    text = _everything(client, api, caplog)
    assert "4000********7899" in text


def test_one_debug_line_per_attempt_and_one_info_line_per_call(
    client: fp.CardClient, api: MockAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="freedompay_cards")
    client.cards.block("c", reason="lost", request_id="828cf71d-a447-4a67-a149-c1df8bc197ca")
    (attempt,) = [r for r in caplog.records if r.name == "freedompay_cards" and r.levelno == logging.DEBUG]
    (call,) = [r for r in caplog.records if r.name == "freedompay_cards" and r.levelno == logging.INFO]
    for part in ("cards.block", "828cf71d-a447-4a67-a149-c1df8bc197ca", "http_status=200", "elapsed_ms="):
        assert part in attempt.getMessage()
    for part in ("cards.block", "828cf71d-a447-4a67-a149-c1df8bc197ca", "outcome=success", "elapsed_ms="):
        assert part in call.getMessage()


def test_secret_wrapper() -> None:
    s = fp.Secret("1234", masked="****")
    assert (repr(s), str(s), f"{s}", s.reveal()) == ("Secret('****')", "****", "****", "1234")
    with pytest.raises(TypeError):
        pickle.dumps(s)


def test_redact_helpers() -> None:
    assert mask_pan("4000 0012 3456 7899") == "4000********7899"
    assert scrub_text("card 4000-0012-3456-7899 declined, order 12345") == "card 4000********7899 declined, order 12345"
    nested = {"a": [{"PAN": PAN, "cvv2": "1"}], "b": {"pin": "x", "note": f"card {PAN}, order 1234567890123"}}
    assert redact(nested) == {  # parsed values: secret fields replaced, card numbers (Luhn-valid) masked
        "a": [{"PAN": "<redacted>", "cvv2": "<redacted>"}],
        "b": {"pin": "<redacted>", "note": "card 4000********7899, order 1234567890123"},
    }
    assert redact(f"pan={PAN}&cvv=987") == 'pan="<redacted>"&cvv="<redacted>"'  # a raw, non-JSON body


@pytest.mark.parametrize(
    "text",
    [
        '{"status":"error","pan":"4000001234567899","expiry":"11/28","cvv":"987","c',  # cut off: not JSON
        "<html>pin=8F3A&amp;cvv2=987 exp_month=11</html>",
        "{'otp': '123456', 'card_expiry': '11/28'}",
    ],
)
def test_secret_fields_in_raw_bodies_are_blanked(text: str) -> None:
    cleaned = scrub_raw_text(text)
    for secret in ("4000001234567899", "11/28", "987", "8F3A", "123456"):
        assert secret not in cleaned


def test_transport_errors_do_not_leak_the_request(api: MockAPI, client: fp.CardClient) -> None:
    api.on(PATHS["cards.secret_data"], httpx.ConnectError("refused"))
    with pytest.raises(fp.APIConnectionError) as info:
        client.cards.secret_data("c", max_retries=0)
    assert SECRET not in str(info.value) and "X-JWS" not in str(info.value)


def test_unmapped_answer_fields_kept_in_extra_are_guarded_like_error_bodies(
    client: fp.CardClient, api: MockAPI
) -> None:
    from freedompay_cards._cli._output import to_data
    from freedompay_cards._redact import Secret

    note = f"card {PAN[:4]} {PAN[4:8]} {PAN[8:12]} {PAN[12:]} cvv {CVV}"
    unmapped = {"sms_code": "123456", "exp": EXPIRY, "note": note, "nested": {"cvv2": CVV, "plain": "x"}, "n": 7}
    api.on(PATHS["cards.reset_pin_counter"], ok(**unmapped))
    extra = client.cards.reset_pin_counter("c").extra
    assert {k: type(v) for k, v in extra.items()} == {
        "sms_code": Secret, "exp": Secret, "note": Secret, "nested": dict, "n": int,
    }  # fmt: skip
    assert isinstance(extra["nested"]["cvv2"], Secret) and extra["nested"]["plain"] == "x"
    assert extra["note"].reveal() == note and extra["sms_code"].reveal() == "123456"  # kept, only hidden
    shown = repr(extra) + str(to_data(extra))  # what a repr and the CLI's output show
    for secret in (PAN, f"{PAN[4:8]} {PAN[8:12]}", "123456", EXPIRY, f"cvv {CVV}"):
        assert secret not in shown, secret
    assert "4000" in str(extra["note"])  # a masked card number keeps its first and last four digits


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("card 4111 1111 1111 1111 declined", "card 4111********1111 declined"),
        ("card 4111-1111-1111-1111", "card 4111********1111"),
        ("amex 3782 822463 10005", "amex 3782*******0005"),
        ("4111 1111 1111 1111 123", "4111********1111 123"),  # a card and, glued on, what may be its CVV
        ("123 4111 1111 1111 1111", "123 4111********1111"),
        ("tag fpc-20261124-203219-1", "tag fpc-20261124-203219-1"),  # not grouped as cards are: not a card
        ("phone +7 700 123 45 67, date 2025-01-01", "phone +7 700 123 45 67, date 2025-01-01"),
        ("id 00000000-0000-0000-0000-000000000001", "id 00000000-0000-0000-0000-000000000001"),
    ],
)
def test_card_numbers_are_found_as_cards_are_written(text: str, shown: str) -> None:
    assert scrub_text(text) == shown
