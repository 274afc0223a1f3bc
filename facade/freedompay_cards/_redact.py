"""What counts as secret, in one place, and how it is hidden.

Secrets: the secret key, the ``X-JWS-Signature`` header, PINs, PANs, CVVs, one-time (OTP/SMS) codes and
expiry dates. They never reach a ``repr``, a log line, an exception message or a cassette. The rules
below apply to every value the library shows: error messages (``str(err)``, ``repr(err)``), ``err.body``
and the strings nested in it at any depth, ``TransactionInfo.details``, the lines of the
``freedompay_cards`` logger, and (through ``cassettes.py``) recorded cassettes.

1. Secret fields. In a parsed body, the value of a field named in ``SECRET_FIELDS`` (the spec's
   ``x-secret`` fields and a few more; any case, any depth), or whose name contains a secret's label
   (``card_cvv``, ``cvvValue``, ``card_pin``, ``expire_date``: ``is_secret_name``), becomes
   ``<redacted>``, whatever it holds. In a raw body that is not JSON, ``name=value`` and
   ``"name":"value"`` pairs with such a name are blanked as well (``scrub_raw_text``).
2. Card numbers. 13 to 19 digits in a row (single spaces or dashes between digits allowed) that pass the
   Luhn check are masked to their first 4 and last 4 digits (``4000********7899``), with or without a label;
   a UUID (``00000000-0000-0000-0000-000000000001``) is an id, not a card number.
3. Labelled secrets in free text. A value right after a label naming it becomes ``<redacted>``:

       kind    labels (any case)                                             value
       CVV     cvv cvc cvv2 cvc2, cvv-code, CVV-код, security code           3 or 4 digits
       PIN     pin, pin code, pin-code, pincode, пин, пин-код, ПИН           4 to 12 digits
       code    code, otp, sms, passcode, password, one-time code/password,   4 to 8 digits, or 3+3
               sms/otp/verification/confirmation/activation/access code,     (``123 456``, ``123-456``)
               код, пароль, смс-код, код подтверждения, код из смс,
               одноразовый код/пароль
       expiry  exp, exp., expiry (date), expires, expiration (date),         MM/YY, MM/YYYY, MM-YY,
               exp date, valid thru/through/till/until/to, good thru,        MM.YY, YYYY-MM, YYYY/MM,
               срок действия (карты), действительна/действует/годна/годен до  MMYY

   Words inside a label may be joined by a space, ``_`` or ``-``. Between the label and the value: up to 10
   of space, ``:``, ``=``, ``-``, ``‐``, ``–``, ``—``, quotes (``" ' « » “ ” „``) and backslashes, with at
   most one ``is`` or ``это`` among them (``cvv 653``, ``CVV2: 653``, ``"pin":"1234"``, ``code is 5678``,
   ``PIN-code — 1234``, ``код подтверждения: 5678``). The value must end there (no digit follows; for an
   expiry, no further ``/``, ``.`` or ``-`` and digit either, so a full date such as ``2025-12-31`` stays).
4. Parsed bodies: a field whose whole name is such a label (``"code": "5678"``, ``"sms_code": 5678``,
   ``"exp": "12/27"``) is redacted when its value, as text, has that kind's shape.
5. What stays, so that errors remain useful: a bare number without a label (unless it is a Luhn-valid card
   number); a label must start a word, so ``error_code=1234`` or ``errcode 1234`` is no label; a code after
   ``error``, ``status``, ``response``, ``reason``, ``product``, ``postal``, ``zip``, ``country``,
   ``currency``, ``bank``, ``branch``, ``merchant``, ``approval`` or ``auth`` (``error code 1234``) is not a
   secret; a code that is not digits (``"error_code": "CARD_NOT_FOUND"``); ids (request ids, card ids),
   amounts and dates. Dictionary keys are scrubbed like values.
6. Totality. A parsed body is walked without recursion; a subtree deeper than ``MAX_DEPTH`` levels becomes
   ``<too deep>``, so that neither ``redact`` nor a later ``repr(err.body)`` can raise ``RecursionError``.
   Every pattern is linear in the text's length: fixed-width alternatives and bounded repetitions only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

from ._lazy import lazy_pattern
from ._logging import install_log_filter
from ._operations import SECRET_FIELDS as _SPEC_SECRET_FIELDS

REDACTED = "<redacted>"
TOO_DEEP = "<too deep>"
# A real answer is a few levels deep; anything past this is not an answer worth showing.
MAX_DEPTH = 64

# Body fields whose values are secret wherever they appear (requests and responses, any depth): these,
# and every field the spec marks ``x-secret`` (``_operations.SECRET_FIELDS``, generated from it).
SECRET_FIELDS = frozenset(_SPEC_SECRET_FIELDS) | frozenset(
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

# Names that contain a secret's label (rule 1): ``card_cvv``, ``cvvValue``, ``card_pin``, ``pinBlock``,
# ``expire_date``, ``expiryMonth``, ``card_pan``, ``cardNumber``, ``card_holder_name``, ``client_secret``. A
# name is matched in snake case (``cvvValue`` is ``cvv_value``); ``pin``, ``pan``, ``otp`` and ``exp`` count
# only as whole words of it, last or before code/block/value/number/enc(rypted) (``shipping``, ``company``,
# ``export``, ``pin_counter`` are no labels: a count of PIN tries is not a PIN).
_SECRET_NAME = lazy_pattern(
    r"cv[vc]|secret|passw|card_?number|holder_?name"
    r"|(?:^|_)(?:pin|pan|otp)(?:$|_?(?:code|block|value|number|enc))|(?:^|_)exp(?:ir|_?date|_?month|_?year|$)"
)
_WORD_BREAK = lazy_pattern(r"(?<=[a-z0-9])(?=[A-Z])|[\s\-.]+")


@functools.lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """Rule 1: is a field (or header) called ``name`` secret, whatever its value: named in
    ``SECRET_FIELDS`` (any case), or containing a secret's label."""
    return name.lower() in SECRET_FIELDS or _SECRET_NAME.search(_WORD_BREAK.sub("_", name).lower()) is not None


# 13 to 19 digits in a row, or in groups of 3 to 6 digits joined by one space or dash (as cards are written:
# 4-4-4-4, 4-6-5, 4-4-4-4-3): a PAN wherever it hides in free text. Other groupings are not cards (a
# timestamp "20261124-203219-1"). A UUID is matched first and kept: "00000000-0000-0000-0000-000000000001"
# is a request_id, not a card.
_PAN = lazy_pattern(
    r"[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}|(?<!\d)(?:\d{13,19}|\d{3,6}(?:[ -]\d{3,6}){1,5})(?!\d)"
)
_DIGIT = lazy_pattern(r"\d")

# ------------------------------------------------------------------ labelled secrets (rule 3)
_J = r"[\s_\-]{0,2}"  # joins the words of one label
_SEP_CHARS = r"\s:=\-‐–—'\"«»“”„\\"
_SEP = rf"[{_SEP_CHARS}]{{0,10}}(?:(?:is|это)[{_SEP_CHARS}]{{1,10}})?"
_CODE_WORD = "(?:code|код|password|пароль)"
_CODE_PREFIXES = ("sms", "смс", "otp", f"one{_J}time", "verification", "confirmation", "activation", "access")
# Words after which "code 1234" is not a secret (rule 5), checked on the text before a matched label.
_NOT_A_CODE = (
    r"(?i:error|status|response|reason|product|postal|zip|country|currency|bank|branch|merchant|approval|auth)"
    r"[ \-:]\Z"
)

# kind -> (labels, value). Each label is a regular expression that starts with a literal letter and has a
# bounded length (matched case-insensitively); so is each value.
LABELLED_SECRETS: dict[str, tuple[tuple[str, ...], str]] = {
    "cvv": (
        (rf"cv[vc]2?(?:{_J}(?:code|код))?", rf"security{_J}code"),
        r"\d{3,4}(?!\d)",
    ),
    "pin": (
        (rf"pin(?:{_J}(?:code|код))?", rf"пин(?:{_J}код)?"),
        r"\d{4,12}(?!\d)",
    ),
    "code": (
        (
            *(f"{prefix}{_J}{_CODE_WORD}" for prefix in _CODE_PREFIXES),
            rf"код{_J}подтверждения",
            rf"код{_J}из{_J}(?:смс|sms)",
            rf"одноразовый{_J}(?:код|пароль)",
            "code", "код", "password", "пароль", "passcode", "otp", "sms", "смс",
        ),
        r"(?:\d{4,8}|\d{3}[ \-]\d{3})(?!\d)",
    ),
    "expiry": (
        (
            rf"exp(?:\.|iry|ires|iration)?(?:{_J}\.?{_J}date)?",
            rf"valid{_J}(?:thru|through|till|until|to)",
            rf"good{_J}thru",
            rf"срок{_J}действия(?:{_J}карты)?",
            rf"действительна{_J}до",
            rf"действует{_J}до",
            rf"годн[аы]{_J}до",
            rf"годен{_J}до",
        ),
        r"(?:\d{4}[/.\-]\d{1,2}|\d{1,2} ?[/.\-] ?\d{2}(?:\d{2})?|\d{4})(?!\d|[/.\-]\d)",
    ),
}  # fmt: skip


def _word_start(labels: Iterable[str]) -> tuple[str, str]:
    """(opening, alternation): together they match any of ``labels`` (case-insensitively) where a word
    starts, and stay fast on long texts. The opening is the set of the labels' first letters, so the regex
    engine skips every other character in C (a pattern starting with a case-insensitive alternation, or a
    look-behind, is tried at every position); the first letter consumed there is checked again by a
    one-character look-behind at the start of each label's alternative. A label starts with a letter."""
    firsts: set[str] = set()
    rests = []
    for label in labels:
        first = label[0]
        if not first.isalpha():
            raise ValueError(f"a label must start with a letter: {label!r}")
        firsts |= {first.lower(), first.upper()}
        rests.append(f"(?<={first}){label[1:]}")
    return "[" + "".join(sorted(firsts)) + r"](?<!\w.)", "(?:" + "|".join(rests) + ")"


@functools.cache
def _labelled() -> re.Pattern[str]:
    """Every labelled secret of rule 3 as one pattern; group ``h<i>`` (the label, less its first letter,
    and the separator) ends where kind i's value starts. Compiled on first use (only errors and logs
    need it)."""
    opening, _ = _word_start(label for labels, _ in LABELLED_SECRETS.values() for label in labels)
    kinds = [
        f"(?P<h{i}>{_word_start(labels)[1]}{_SEP}){value}"
        for i, (labels, value) in enumerate(LABELLED_SECRETS.values())
    ]
    return re.compile(opening + "(?i:" + "|".join(kinds) + ")")


@functools.cache
def _label_names() -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    """(whole label, whole value) per kind, for rule 4 (a field named by a label)."""
    return [
        (re.compile("(?:" + "|".join(labels) + ")", re.IGNORECASE), re.compile(value))
        for labels, value in LABELLED_SECRETS.values()
    ]


def _blank_value(replacement: str) -> Callable[[re.Match[str]], str]:
    code = list(LABELLED_SECRETS).index("code") + 1  # the group number of the code kind's label

    def blank(match: re.Match[str]) -> str:
        kind, start = match.lastindex or 0, match.start()  # the h<i> groups are the only groups
        if kind == code and re.compile(_NOT_A_CODE).search(match.string, max(0, start - 12), start):
            return match.group()  # "error code 1234": an error code, not a secret
        return match.string[start : match.end(kind)] + replacement

    return blank


def scrub_labelled(text: str, replacement: str = REDACTED) -> str:
    """``text`` with the value of every labelled secret (rule 3) replaced."""
    if not _DIGIT.search(text):
        return text  # every labelled value has a digit
    return _labelled().sub(_blank_value(replacement), text)


def is_labelled_secret(name: str, value: object) -> bool:
    """Rule 4: is ``name`` (a field's name) a label of a kind whose shape ``value`` has?"""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return False
    text = str(value) if isinstance(value, str) or abs(value) < 10**20 else ""
    return any(label.fullmatch(name) and shape.fullmatch(text) for label, shape in _label_names())


def is_secret_field(name: str, value: object) -> bool:
    """Is the field ``name`` holding ``value`` secret: by its name (rule 1) or by a label with the value's
    shape (rule 4)? What every walk of a parsed body asks of each field."""
    return is_secret_name(name) or is_labelled_secret(name, value)


# ------------------------------------------------------------------ field values in raw text (rule 1)
# A field's value in free text (a cut-off JSON body, a key=value error page): "cvv":"123", pin=8F3A,
# card_cvv=653. Every name=value pair is found; the value is blanked when ``is_secret_name`` says the name
# is a secret's. A name starts a word and is at most 64 characters. Compiled on first use: only an
# answer that is not JSON needs it.
@functools.cache
def _field_in_text() -> re.Pattern[str]:
    return re.compile(r"""(?<![\w\-])([A-Za-z][\w\-]{0,63})["']?\s*[:=]\s*""")


_VALUE_IN_TEXT = lazy_pattern(r"""("[^"]*"?|'[^']*'?|[^\s,;&}\]]+)""")


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


def replace_cards(text: str, replace: Callable[[str], str]) -> str:
    """``text`` with each card number in it (13 to 19 digits, grouped by spaces or dashes or not, passing
    the Luhn check; a UUID is not one) replaced by ``replace(number)``."""

    def one(match: re.Match[str]) -> str:
        found = match.group()
        if len(found) == 36 and found.count("-") == 4 and found[8] == "-":
            return found  # a UUID
        # the longest run of whole groups that is a card: "4111 1111 1111 1111 123" is a card and its CVV
        parts = re.split(r"([ -])", found)  # groups, with the separators between them
        groups = parts[0::2]
        for first in range(len(groups)):
            for last in range(len(groups), first, -1):
                digits = "".join(groups[first:last])
                if 13 <= len(digits) <= 19 and luhn_valid(digits):
                    card = "".join(parts[2 * first : 2 * last - 1])
                    return "".join(parts[: 2 * first]) + replace(card) + "".join(parts[2 * last - 1 :])
        return found

    return _PAN.sub(one, text)


def scrub_text(text: str) -> str:
    """A message or a value: card numbers masked (rule 2) and labelled secrets blanked (rule 3)."""
    return scrub_labelled(replace_cards(text, mask_pan))


def scrub_raw_text(text: str) -> str:
    """A raw body that is not JSON (an HTML error page, a cut-off answer): ``scrub_text``, and the value
    of every secret field named in it (``"cvv":"123"``, ``pin=8F3A``) blanked."""
    text = scrub_text(text)
    parts: list[str] = []
    done = 0  # text before this is copied (a value blanked ends here)
    for field in _field_in_text().finditer(text):
        if field.start() < done or not is_secret_name(field.group(1)):
            continue
        value = _VALUE_IN_TEXT.match(text, field.end())
        if value is not None:
            parts += [text[done : field.end()], '"' + REDACTED + '"']
            done = value.end()
    return "".join(parts) + text[done:] if parts else text


# ------------------------------------------------------------------ walking parsed bodies (rules 1, 4, 6)
DESCEND: Any = object()  # what a ``walk`` field callback returns to keep walking into the value


def walk(
    value: Any,
    *,
    field: Callable[[str, Any], Any],
    text: Callable[[str], Any],
    max_depth: int | None = MAX_DEPTH,
    key: Callable[[str], str] | None = None,
) -> Any:
    """A copy of the JSON-like ``value`` (dicts, lists, tuples, scalars), made without recursion: for each
    dict entry ``field(key, value)`` gives the replacement, or ``DESCEND`` to keep walking; every string
    goes through ``text``, and every string key through ``key`` (default: ``text``). Below ``max_depth``
    levels a container becomes ``TOO_DEEP``."""
    key_text = text if key is None else key
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any, int]] = [(root, 0, value, 0)]
    while stack:
        parent, slot, item, depth = stack.pop()
        if isinstance(item, dict):
            if max_depth is not None and depth >= max_depth:
                parent[slot] = TOO_DEEP
                continue
            out: dict[Any, Any] = {}
            parent[slot] = out
            for name, child in item.items():
                replaced = field(name, child) if isinstance(name, str) else DESCEND
                name = key_text(name) if isinstance(name, str) else name
                if replaced is DESCEND:
                    out[name] = None
                    stack.append((out, name, child, depth + 1))
                else:
                    out[name] = replaced
        elif isinstance(item, (list, tuple)):
            if max_depth is not None and depth >= max_depth:
                parent[slot] = TOO_DEEP
                continue
            items: list[Any] = [None] * len(item)
            parent[slot] = items
            stack.extend((items, i, child, depth + 1) for i, child in enumerate(item))
        elif isinstance(item, str):
            parent[slot] = text(item)
        else:
            parent[slot] = item
    return root[0]


def redact(value: Any) -> Any:
    """A copy of an answer's body with every secret field replaced, card numbers masked and labelled
    secrets blanked, at most ``MAX_DEPTH`` levels deep. A body that is a string (not JSON) is redacted as
    raw text: secret fields named in it are blanked too."""
    if isinstance(value, str):
        return scrub_raw_text(value)

    def field(key: str, child: Any) -> Any:
        return REDACTED if is_secret_field(key, child) else DESCEND

    return walk(value, field=field, text=scrub_text)


# ------------------------------------------------------------------ log lines
# Every record of the ``freedompay_cards`` logger is scrubbed (``_logging.RedactingFilter``): installed here,
# so that whatever can log a secret-bearing text has the filter in place.
install_log_filter()


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
