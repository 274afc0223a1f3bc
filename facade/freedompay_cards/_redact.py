"""What counts as secret, in one place, and how it is hidden.

Secrets: the secret key, the ``X-JWS-Signature`` header, PINs, PANs, CVVs and expiry dates. They never
reach a ``repr``, a log line, an exception message or a cassette.
"""

from __future__ import annotations

import functools
import re
from typing import Any

REDACTED = "<redacted>"

# Body fields whose values are secret wherever they appear (requests and responses, any depth).
SECRET_FIELDS = frozenset(
    {
        "pin",
        "pan",
        "card_number",
        "cvv",
        "cvv2",
        "cvc",
        "cvc2",
        "expiry",
        "expiry_date",
        "card_expiry",
        "exp_date",
        "exp_month",
        "exp_year",
        "secret_key",
        "otp",
    }
)
# Headers whose values are secret.
SECRET_HEADERS = frozenset({"x-jws-signature", "jws-signature", "authorization"})

# 13 to 19 digits in a row, possibly grouped by spaces or dashes: a PAN wherever it hides in free text.
_PAN = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


# A secret field's value in free text (a cut-off JSON body, a key=value error page): "cvv":"123", pin=8F3A.
# Compiled on first use: only an answer that is not JSON needs it.
@functools.cache
def _field_in_text() -> re.Pattern[str]:
    names = "|".join(sorted(SECRET_FIELDS, key=len, reverse=True))
    return re.compile(r"""(?i)(?<![\w])(["']?(?:""" + names + r""")["']?\s*[:=]\s*)("[^"]*"?|'[^']*'?|[^\s,;&}\]]+)""")


def mask_pan(pan: str) -> str:
    """``1234********5678`` style: the first 4 and last 4 digits, the rest masked."""
    digits = re.sub(r"\D", "", pan)
    if len(digits) < 12:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


def _mask_if_card(match: re.Match[str]) -> str:
    text = match.group()
    return mask_pan(text) if luhn_valid(re.sub(r"\D", "", text)) else text


def scrub_text(text: str) -> str:
    """A message or a value: card numbers (Luhn-valid runs of 13 to 19 digits) masked."""
    return _PAN.sub(_mask_if_card, text)


def scrub_raw_text(text: str) -> str:
    """A raw body that is not JSON (an HTML error page, a cut-off answer): card numbers masked, and the
    value of every secret field named in it (``"cvv":"123"``, ``pin=8F3A``) blanked."""
    return _field_in_text().sub(lambda m: m.group(1) + '"' + REDACTED + '"', scrub_text(text))


def redact(value: Any, secret_fields: frozenset[str] = SECRET_FIELDS) -> Any:
    """A copy of an answer's body with every secret field replaced and card numbers masked. A body that
    is a string (not JSON) is redacted as raw text: secret fields named in it are blanked too."""
    if isinstance(value, str):
        return scrub_raw_text(value)
    return _redact_parsed(value, secret_fields)


def _redact_parsed(value: Any, secret_fields: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {
            k: (REDACTED if isinstance(k, str) and k.lower() in secret_fields else _redact_parsed(v, secret_fields))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact_parsed(v, secret_fields) for v in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


class Secret:
    """A secret string: its ``repr``/``str`` are masked; ``reveal()`` gives the value to code that needs it."""

    __slots__ = ("_masked", "_value")

    def __init__(self, value: str, masked: str = REDACTED) -> None:
        self._value = value
        self._masked = masked

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({self._masked!r})"

    def __str__(self) -> str:
        return self._masked

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> Any:  # pickling would carry the value: refuse rather than leak
        raise TypeError("Secret values cannot be pickled")
