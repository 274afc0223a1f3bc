"""Secrets in free text (issue 12, section 3): labelled CVVs, PINs, one-time codes and expiry dates never
survive in what the library shows; redaction is total (any depth) and linear (any size)."""

from __future__ import annotations

import json
import logging
import pickle
import re
import subprocess
import sys
import textwrap
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import freedompay_cards as fp
from freedompay_cards import cassettes
from freedompay_cards._errors import card_api_error, http_error
from freedompay_cards._redact import MAX_DEPTH, REDACTED, TOO_DEEP, redact, scrub_raw_text, scrub_text
from tests.conftest import MockAPI
from tests.spec_tools import PATHS

RID = "828cf71d-a447-4a67-a149-c1df8bc197ca"

# Labels as a user of the API would meet them, per kind, and the shapes of the values they name.
LABELS = {
    "cvv": ["cvv", "CVV", "cvv2", "CVV2", "cvc", "CVC2", "Cvv-code", "CVV-код", "cvc код", "security code"],
    "pin": ["pin", "PIN", "Pin-code", "PIN code", "pincode", "pin_code", "ПИН", "пин-код", "Пин код", "ПИН-КОД"],
    "code": [
        "code", "Code", "CODE", "otp", "OTP", "sms", "SMS code", "sms-code", "sms_code", "confirmation code",
        "verification code", "one-time code", "one-time password", "passcode", "код", "Код", "КОД",
        "код подтверждения", "Код подтверждения", "смс-код", "SMS-код", "код из смс", "одноразовый пароль",
    ],
    "expiry": [
        "exp", "Exp.", "EXP", "expiry", "Expiry date", "expiration date", "expires", "exp date", "valid thru",
        "VALID THRU", "valid through", "good thru", "срок действия", "Срок действия карты", "действительна до",
        "годна до",
    ],
}  # fmt: skip
SEPARATORS = [
    " ", "  ", ": ", ":", "=", " = ", "-", " - ", " — ", "—", " – ", '":"', '": "', "':'", '="', " is ", ": is ",
    " это ", "\t", " : ", '\\":\\"', " «", "\u00a0",
]  # fmt: skip
BEFORE = [", ", "; ", "\n", " (", ' {"note":"', "<p>", "| ", ". "]
AFTER = [" ", ", ", ".", ")", '"}', "\n", "</p>", "; ", "!"]

# Surrounding text: anything without digits (so that every digit in the output would be the secret's)
# or unprintable characters (JSON and repr would escape them as \u001f), mixed with Cyrillic and JSON-ish fragments.
FRAGMENTS = [
    '{"status":"error","error_code":"INVALID_CARD_STATE","error_description":"',
    '"}', "карта заблокирована", "Ошибка: ", "card ", "rejected", "declined by issuer", "\\n", "&", "<b>", "</b>",
    "Пожалуйста, повторите", "request_id=", "error_code=CARD_NOT_FOUND", " ", "ÿ", "«", "»",
]  # fmt: skip
NO_DIGITS = st.characters(blacklist_categories=("Nd", "Cs", "Cc")).filter(str.isprintable)  # repr escapes others
SURROUNDING = st.lists(st.one_of(st.text(NO_DIGITS, max_size=12), st.sampled_from(FRAGMENTS)), max_size=6).map("".join)


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


@st.composite
def _value(draw: st.DrawFn, kind: str) -> str:
    if kind == "cvv":
        return draw(st.integers(3, 4).flatmap(_digits))
    if kind == "pin":
        return draw(st.integers(4, 12).flatmap(_digits))
    if kind == "code":
        return draw(st.one_of(st.integers(4, 8).flatmap(_digits), st.tuples(_digits(3), _digits(3)).map(" ".join)))
    month = draw(st.integers(1, 12).map(lambda m: f"{m:02d}"))
    year = draw(st.integers(2024, 2040).map(str))
    return draw(
        st.sampled_from(
            [f"{month}/{year[2:]}", f"{month}/{year}", f"{year}-{month}", f"{month}-{year[2:]}", f"{month}.{year[2:]}",
             f"{year}/{month}", f"{month}{year[2:]}", f"{month} / {year[2:]}"]
        )
    )  # fmt: skip


@st.composite
def labelled_secret(draw: st.DrawFn) -> tuple[str, str]:
    """(text, value): a labelled secret inside random surrounding text."""
    kind = draw(st.sampled_from(sorted(LABELS)))
    label = draw(st.sampled_from(LABELS[kind]))
    value = draw(_value(kind))
    secret = label + draw(st.sampled_from(SEPARATORS)) + value
    text = draw(SURROUNDING) + draw(st.sampled_from(BEFORE)) + secret + draw(st.sampled_from(AFTER)) + draw(SURROUNDING)
    return text, value


# Digits that are not the secret's: labels such as CVV2, what str(err) adds, and repr's escapes (\xa0).
_NOT_SECRET_DIGITS = re.compile(
    rf"(?i)cv[vc]2|http_status=50[02]|HTTP 500|{RID}|\\x[0-9a-f]{{2}}|\\u[0-9a-f]{{4}}|\\U[0-9a-f]{{8}}"
)


def _no_digits(shown: str) -> None:
    """No ASCII digit is left but the labels' and the error's own: the surrounding text has none."""
    rest = _NOT_SECRET_DIGITS.sub("", shown)
    assert not any(ch in "0123456789" for ch in rest), shown


SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(case=labelled_secret())
@example(case=("card 4405…6150 cvv 653 rejected".replace("4405…6150", "…"), "653"))
@example(case=('{"pin":"1234"}', "1234"))
@example(case=("Ваш код подтверждения: 5678.", "5678"))
def test_labelled_secrets_never_survive_scrubbing(case: tuple[str, str]) -> None:
    text, value = case
    for shown in (scrub_text(text), scrub_raw_text(text), redact(text)):
        assert value not in shown
        _no_digits(shown)
    nested = redact({"error_description": text, "details": [{"message": text}], "raw": [[text]]})
    _no_digits(json.dumps(nested, ensure_ascii=False))


@SETTINGS
@given(case=labelled_secret())
def test_labelled_secrets_never_reach_an_api_error(case: tuple[str, str]) -> None:
    text, _ = case
    body = {"status": "error", "request_status": "error", "error_code": "VALIDATION_ERROR", "error_description": text}
    for err in (
        card_api_error(body, operation="cards.info", request_id=RID),
        http_error(502, body, operation="cards.info", request_id=RID),
        http_error(500, text, operation="cards.info", request_id=RID),  # a body that is not JSON
        fp.UnexpectedResponseError(text, operation="cards.info", request_id=RID, body=text),
    ):
        for shown in (str(err), repr(err), repr(err.body), json.dumps(err.body, ensure_ascii=False)):
            _no_digits(shown)


@SETTINGS
@given(case=labelled_secret())
def test_labelled_secrets_never_reach_a_cassette(case: tuple[str, str]) -> None:
    text, _ = case
    as_json = json.dumps({"status": "error", "error_description": text, "nested": {"items": [text]}}).encode()
    for body in (as_json, as_json.decode(), text, text.encode("utf-8")):
        cleaned = cassettes.scrub_body(body)
        assert cleaned is not None
        shown = cleaned.decode() if isinstance(cleaned, bytes) else cleaned
        _no_digits(shown)
        assert cassettes.find_secrets(shown) == []


def test_the_issue_s_example_through_the_client(
    client: fp.CardClient, api: MockAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="freedompay_cards")
    description = "card 4405 6150 0000 0008 cvv 653, exp 12/27, sms code 5678, PIN 1234 rejected"
    api.on(PATHS["cards.info"], {"status": "error", "request_status": "error", "error_description": description})
    with pytest.raises(fp.APIError) as info:
        client.cards.info("c1", max_retries=0)
    err = info.value
    shown = "\n".join([str(err), repr(err), repr(err.body), caplog.text, repr(pickle.loads(pickle.dumps(err)))])
    for secret in ("653", "12/27", "5678", "1234", "4405 6150 0000 0008", "6150"):
        assert secret not in shown
    assert "4405********0008" in str(err) and "cvv <redacted>" in str(err)
    assert "request_id=00000000-0000-0000-0000-000000000001" in caplog.text  # an id is no card number


def test_log_lines_are_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="freedompay_cards")
    logging.getLogger("freedompay_cards").debug("answer: %s", "otp 123456 for card 4000001234567899")
    assert "123456" not in caplog.text and "4000001234567899" not in caplog.text
    assert "otp <redacted> for card 4000********7899" in caplog.text


# ------------------------------------------------------------------------------ what stays


@pytest.mark.parametrize(
    "text",
    [
        "INVALID_CARD_STATE",
        '"error_code":"CARD_NOT_FOUND"',
        "error_code=1234",
        "error code 1234",
        "Error-code: 1234",
        "status code 5000",
        "product code 1000 not found",
        "код ошибки 1234",
        "auth code 123456",
        f"request_id={RID}",
        "order 12345 of 2025-01-31",
        "amount 1234.56 KZT",
        "token expires 2025-12-31T10:00:00Z",
        "card_id 123456789",
        "pinned 12345",
        "xcvv 123",
        "cvv 12345",
        "code 123",
    ],
)
def test_what_is_not_a_secret_stays(text: str) -> None:
    assert scrub_text(text) == text


def test_error_codes_and_ids_survive_in_parsed_bodies() -> None:
    body = {
        "status": "error",
        "error_code": "INVALID_CARD_STATE",
        "request_id": RID,
        "card_id": "123456",
        "errors": [{"error_code": "1234", "status_code": 5000}],
    }
    assert redact(body) == body


def test_a_field_named_by_a_label_is_redacted_when_its_value_has_the_shape() -> None:
    body = {"code": "5678", "sms_code": 5678, "exp": "12/27", "CVV2": "653", "otp_code": "123 456", "code2": "x"}
    assert redact(body) == {
        "code": REDACTED, "sms_code": REDACTED, "exp": REDACTED, "CVV2": REDACTED, "otp_code": REDACTED, "code2": "x",
    }  # fmt: skip
    assert redact({"code": "CARD_NOT_FOUND", "code_": 12}) == {"code": "CARD_NOT_FOUND", "code_": 12}


def test_keys_are_scrubbed_like_values() -> None:
    assert redact({"card 4000001234567899": 1}) == {"card 4000********7899": 1}


# ------------------------------------------------------------------------------ totality


def _nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"error": value}
    return value


def _leaf(value: Any) -> tuple[int, Any]:
    """(depth, innermost value) of a body made by ``_nested``, found without recursion."""
    depth = 0
    while isinstance(value, (dict, list)):
        value = value["error"] if isinstance(value, dict) else value[0]
        depth += 1
    return depth, value


@pytest.mark.parametrize("depth", [600, 100_000])
def test_deep_bodies_are_redacted_without_recursion(depth: int) -> None:
    body = _nested(depth, "cvv 653")
    assert _leaf(redact(body)) == (MAX_DEPTH, TOO_DEEP)
    err = fp.APIError("deep", operation="cards.info", request_id=RID, body=body)
    assert "653" not in repr(err.body)
    assert pickle.loads(pickle.dumps(err)).body == err.body


def test_shallow_bodies_keep_every_level() -> None:
    body = _nested(MAX_DEPTH - 1, "cvv 653")
    assert json.dumps(redact(body)).count("cvv <redacted>") == 1


@pytest.mark.parametrize("depth", [600, 100_000])
def test_deep_bodies_are_scrubbed_for_cassettes(depth: int) -> None:
    body = _nested(depth, "pin 1234")
    assert _leaf(cassettes.scrub_value(body)) == (depth, "pin <redacted>")  # a cassette keeps the whole answer
    raw = "[" * depth + '"pin 1234"' + "]" * depth
    cleaned = cassettes.scrub_body(raw)
    assert isinstance(cleaned, str) and "1234" not in cleaned


def test_deep_error_answer_through_the_client_keeps_its_request_id(client: fp.CardClient, api: MockAPI) -> None:
    body = json.dumps({"status": "error", "request_status": "error", "error_code": "X", "nested": _nested(600, 1)})
    api.on(PATHS["cards.info"], httpx.Response(200, content=body, headers={"content-type": "application/json"}))
    with pytest.raises(fp.APIError) as info:
        client.cards.info("c1", request_id=RID, max_retries=0)
    assert info.value.request_id == RID and RID in str(info.value)


# Pathological inputs of 1 MB each: with a backtracking (quadratic) pattern any of them would take hours. They run
# in a child process bounded by a generous timeout (a hang guard, not a speed assertion), and the output
# is checked.
_PATHOLOGICAL = textwrap.dedent(
    """
    from freedompay_cards._redact import redact
    from freedompay_cards import cassettes
    n = 1_000_000
    cases = {
        "spaces": "cvv" + " " * n + "cvv 653",
        "codes": "code 1-2-3 " * (n // 11) + "sms code 653653",
        "dashes": "1-" * (n // 2) + " cvv 653",
        "field": "pin=" + '"' * n + " cvv 653",
        "quotes": "cvv" + '"' * n + "cvv:653",
        "mixed": "cvv 653 " + "ab1 " * (n // 4) + "pin 1234",
    }
    for name, text in cases.items():
        assert len(text) >= n, name
        # scrub_body of a text that is not JSON runs every pattern: scrub_raw_text, then the cassette's own
        for shown in (redact({"error_description": text})["error_description"], cassettes.scrub_body(text)):
            assert "653" not in shown and "pin 1234" not in shown, name
    print("ok")
    """
)


def test_redaction_is_linear_on_1_mb_pathological_texts() -> None:
    done = subprocess.run([sys.executable, "-c", _PATHOLOGICAL], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
