"""The ``uuid`` and ``date-time`` formats are read by hand (issue 22: compiling a regular expression cost a fresh
process's first call more than reading); they must accept exactly what the grammar accepts. The grammar is
written here as a regular expression with ASCII classes and an end that is the end (``\\Z``), and compared
with the hand-written readers on the documented forms, on their near misses, and on a few thousand seeded
mutations of them."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from freedompay_cards._schema import _valid_date_time, _valid_uuid, validate

DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})\Z"
)
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


def grammar_date_time(value: str) -> bool:
    if not DATE_TIME.match(value):
        return False
    try:
        dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False  # the form, but no such date or time (February 30th, 25 o'clock)
    return True


DATE_TIMES = [
    "2025-01-01T00:01:01+00:30",
    "2025-01-01t00:01:01Z",
    "2025-01-01 00:01:01.123456z",
    "2024-02-29T23:59:59.5-12:00",
    "2025-01-01T00:01:01.1234567891+05:00",
]
NEAR_MISSES = [
    "2025-02-29T00:00:00Z",  # no such day
    "2025-01-01T24:00:00Z",
    "2025-01-01T00:01:01",  # no zone
    "2025-01-01T00:01:01.Z",  # a point without digits
    "2025-01-01T00:01:01+0030",
    "2025-01-01T00:01:01+00:30\n",
    "2025-01-01T00:01:01Z\n",
    "2025-01-01X00:01:01Z",
    "２０２５-01-01T00:01:01Z",  # full-width digits
    "2025-01-01T00:01:01.12٣Z",  # an Arabic-Indic digit in the fraction
    "2025-1-01T00:01:01Z",
    "",
    "2025-01-01T00:01:01ZZ",
]
UUIDS = ["828cf71d-a447-4a67-a149-c1df8bc197ca", "828CF71D-A447-4A67-A149-C1DF8BC197CA"]
UUID_MISSES = [
    "828cf71d-a447-4a67-a149-c1df8bc197ca\n",
    "828cf71da4474a67a149c1df8bc197ca",
    "828cf71d-a447-4a67-a149-c1df8bc197c",
    "828cf71d-a447-4a67-a149-c1df8bc197cg",
    "-828cf71da447-4a67-a149-c1df8bc197c",
    "828cf71d-a447-4a67-a149-c1df8bc197ＡＢ"[:36],
    "{828cf71d-a447-4a67-a149-c1df8bc197}",
    "",
]


@pytest.mark.parametrize("value", DATE_TIMES + NEAR_MISSES)
def test_a_date_time_is_read_as_the_grammar_says(value: str) -> None:
    assert _valid_date_time(value) is grammar_date_time(value)
    assert _valid_date_time(value) is (value in DATE_TIMES)


@pytest.mark.parametrize("value", UUIDS + UUID_MISSES)
def test_a_uuid_is_read_as_the_grammar_says(value: str) -> None:
    assert _valid_uuid(value) is (UUID.match(value) is not None)
    assert _valid_uuid(value) is (value in UUIDS)


def mutations(seed: str, alphabet: str, count: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(count):
        chars = list(seed)
        for _ in range(rng.randint(1, 3)):
            position = rng.randrange(len(chars) + 1)
            action = rng.random()
            if action < 0.45 and chars:
                chars[min(position, len(chars) - 1)] = rng.choice(alphabet)
            elif action < 0.75:
                chars.insert(position, rng.choice(alphabet))
            elif chars:
                del chars[min(position, len(chars) - 1)]
        out.append("".join(chars))
    return out


def test_mutated_date_times_and_uuids_are_read_as_the_grammar_says() -> None:
    rng = random.Random(22)
    date_time_alphabet = "0123456789-:.TtZz+ \nx\u0663\uff10"
    for seed in DATE_TIMES:
        for value in mutations(seed, date_time_alphabet, 3000, rng):
            assert _valid_date_time(value) is grammar_date_time(value), value
    for seed in UUIDS:
        for value in mutations(seed, "0123456789abcdefABCDEFg-\n \uff21\u0663", 3000, rng):
            assert _valid_uuid(value) is (UUID.match(value) is not None), value


def test_the_validator_names_the_format_it_refuses() -> None:
    schema = {"type": "object", "properties": {"dt": {"type": "string", "format": "date-time"}}}
    validate(schema, {"dt": DATE_TIMES[0]})
    with pytest.raises(ValueError, match=r"dt: .*RFC 3339"):
        validate(schema, {"dt": "2025-01-01T00:01:01.12\u0663Z"})
