"""The generated schema checks (``_schema._generate``, what ``checker`` gives from a schema's second use) are a shortcut, never a loosening: a value they let
through is one the closure checkers accept, for every request and answer the cassettes hold and every
mutation of their fields; and they do let the usual valid value through (or the shortcut buys nothing)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from freedompay_cards._core import LazyArray
from freedompay_cards._schema import (
    SchemaError,
    _checker,
    _generate,
    checker,
    request_schema,
    response_schema,
    spec,
    validate,
)

CASSETTES = Path(__file__).parent / "cassettes"
# Values of every JSON type and of the shapes the spec's formats and limits look at.
ODD_VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 2**70, 1.5, Decimal("0.1"), Decimal("-5"), "", "x", "x" * 300, "12345",
    "2025-02-01", "2025-02-01T10:00:00+05:00", "2025-02-01T10:00:00z", "2025-13-45", "a@b.co",
    "65694217-0d4e-539b-bc56-b0fb7f50f1e7", [], [1], [{}], {}, {"a": 1},
]  # fmt: skip


def _exchanges() -> Iterator[tuple[str, str, Any]]:
    """(kind, API path, JSON body) of every recorded request and answer."""
    for path in sorted(CASSETTES.rglob("*.yaml")):
        for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            api_path = urlsplit(interaction["request"]["uri"]).path
            if api_path not in spec()["paths"]:
                continue
            yield "request", api_path, json.loads(interaction["request"]["body"], parse_float=Decimal)
            body = interaction["response"]["body"]["string"]
            try:
                yield "response", api_path, json.loads(body, parse_float=Decimal)
            except ValueError:
                continue


def _mutations(value: Any) -> Iterator[Any]:
    """``value`` with one thing changed: each field of each object replaced by each odd value, removed, or
    joined by an unknown field; each array emptied or given an odd item."""
    yield value
    if isinstance(value, dict):
        for key in value:
            for odd in ODD_VALUES:
                yield {**value, key: odd}
            yield {k: v for k, v in value.items() if k != key}
            for inner in _mutations(value[key]):
                yield {**value, key: inner}
        yield {**value, "not_in_the_spec": 1}
    elif isinstance(value, list):
        yield []
        for odd in ODD_VALUES[:6]:
            yield [*value, odd]
        if value:
            for inner in _mutations(value[0]):
                yield [inner, *value[1:]]


def _accepted(schema: dict[str, Any], value: Any, required: bool) -> bool:
    try:
        _checker(schema, required)(value)
    except SchemaError:
        return False
    return True


EXCHANGES = list(_exchanges())


def test_the_cassettes_give_requests_and_answers_to_check() -> None:
    assert {kind for kind, _, _ in EXCHANGES} == {"request", "response"} and len(EXCHANGES) > 20


@pytest.mark.parametrize("required", [True, False])
def test_what_the_generated_check_passes_the_closures_accept(required: bool) -> None:
    checked = 0
    for kind, path, body in EXCHANGES:
        schema = request_schema(path) if kind == "request" else response_schema(path)
        for value in _mutations(copy.deepcopy(body)):
            if _generate(schema, required)(value):
                assert _accepted(schema, value, required), (kind, path, value)
                checked += 1
    assert checked > 100


def test_the_generated_check_passes_the_recorded_valid_bodies() -> None:
    for kind, path, body in EXCHANGES:
        schema = request_schema(path) if kind == "request" else response_schema(path)
        if _accepted(schema, body, True):
            assert _generate(schema, True)(body), (kind, path, body)


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"type": "integer", "enum": [1, 2]}, True),  # True == 1, but it is a boolean
        ({"type": "integer", "minimum": 1}, 0),
        ({"type": "number", "exclusiveMaximum": 1}, Decimal("1")),
        ({"type": "string", "maxLength": 2}, "abc"),
        ({"type": "string", "pattern": "^[0-9]+$"}, "12a"),
        ({"type": "string", "format": "date-time"}, "2025-02-30T00:00:00Z"),
        ({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}, {}),
        ({"type": "object", "additionalProperties": False, "properties": {}}, {"b": 1}),
        ({"type": "object", "additionalProperties": {"type": "string"}}, {"b": 1}),
        ({"type": "array", "items": {"type": "string"}}, ["a", 1]),
        ({"type": ["string", "number"]}, None),
    ],
)
def test_the_generated_check_sends_every_problem_to_the_closures_that_name_it(schema: Any, value: Any) -> None:
    assert not _generate(schema, True)(value)
    with pytest.raises(SchemaError):
        validate(schema, value)


def test_a_lazily_read_array_passes_as_it_always_did() -> None:
    schema = {"type": "object", "properties": {"ops": {"type": "array", "items": {"type": "string"}}}}
    assert _generate(schema, True)({"ops": LazyArray([])})


def test_a_schema_is_checked_by_the_closures_once_then_by_its_generated_code() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    first, second = checker(schema), checker(schema)
    assert first is not second and second is checker(schema)
    assert first({"a": "x"}) and second({"a": "x"}) and not first({"a": 1}) and not second({"a": 1})


def test_a_check_kept_for_many_values_is_the_generated_one_from_the_start() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    kept = checker(schema, many=True)
    assert kept is checker(schema) and kept.__name__ == "fast"
