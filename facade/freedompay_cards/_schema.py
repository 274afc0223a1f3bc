"""The spec's request and response schemas, and a small validator for the JSON-schema subset they use.

``_spec.json`` is generated from ``openapi/card-api.yaml`` by ``scripts/generate.py`` (``$ref`` resolved,
``allOf`` merged, only validation keywords kept), so the sandbox needs no YAML parser at run time.

The validator understands: ``type``, ``required``, ``properties``, ``additionalProperties`` (``false`` or
a schema), ``items``, ``enum``, ``minLength``, ``maxLength``, ``pattern``, ``minimum``, ``maximum``,
``exclusiveMinimum``, ``exclusiveMaximum`` and ``format`` (``uuid``, ``date``, ``date-time``, ``email``).
It stops at the first problem and names the field (``client.phone``), which is what the sandbox reports.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import uuid
from collections.abc import Callable, Mapping
from decimal import Decimal
from importlib import resources
from typing import Any

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class SchemaError(ValueError):
    """A value does not match its schema. ``field`` is the dotted path of the offending value ("" for
    the body itself); ``str()`` reads ``"client.phone: must be an integer"``."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field or 'body'}: {problem}")
        self.field = field
        self.problem = problem

    @property
    def top_field(self) -> str:
        """The top-level field the problem is in ("" for the body itself)."""
        return re.split(r"[.\[]", self.field, maxsplit=1)[0]


@functools.cache
def spec() -> dict[str, Any]:
    """The generated ``_spec.json``: ``{"paths": {path: {"operation_id", "doc_status", "request",
    "response"}}, ...}``."""
    text = resources.files(__package__ or "freedompay_cards").joinpath("_spec.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def request_schema(path: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec()["paths"][path]["request"]
    return schema


def response_schema(path: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec()["paths"][path]["response"]
    return schema


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


_TYPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "object": (lambda v: isinstance(v, dict), "an object"),
    "array": (lambda v: isinstance(v, list), "an array"),
    "string": (lambda v: isinstance(v, str), "a string"),
    "integer": (_is_integer, "an integer"),
    "number": (_is_number, "a number"),
    "boolean": (lambda v: isinstance(v, bool), "a boolean"),
    "null": (lambda v: v is None, "null"),
}


def _valid_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(_DATE.match(value))


def _valid_date_time(value: str) -> bool:
    if not _DATE_TIME.match(value):
        return False
    try:
        dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return True


def _valid_uuid(value: str) -> bool:
    if not _UUID.match(value):
        return False
    uuid.UUID(value)
    return True


_FORMATS: dict[str, tuple[Callable[[str], bool], str]] = {
    "uuid": (_valid_uuid, "a UUID (8-4-4-4-12 hexadecimal digits)"),
    "date": (_valid_date, "a date, YYYY-MM-DD"),
    "date-time": (_valid_date_time, "an RFC 3339 date-time with a time zone offset"),
    "email": (lambda v: bool(_EMAIL.match(v)), "an e-mail address"),
}


def validate(schema: Mapping[str, Any], value: Any, where: str = "", *, required: bool = True) -> None:
    """Raise ``SchemaError`` for the first way ``value`` breaks ``schema``. With ``required=False`` missing
    fields are let through (an answer reporting a failure need not carry the rest of the envelope); the
    fields present are still checked."""
    kind = schema.get("type")
    if kind == "array" and getattr(value, "is_lazy_array", False):
        return  # a statement's array read lazily: its items are checked one by one as they are used
    if isinstance(kind, str):
        check, described = _TYPES[kind]
        if not check(value):
            raise SchemaError(where, f"must be {described}")
    if "enum" in schema and value not in schema["enum"]:
        raise SchemaError(where, "must be one of " + ", ".join(json.dumps(v) for v in schema["enum"]))
    if isinstance(value, str):
        _validate_string(schema, value, where)
    elif _is_number(value):
        _validate_number(schema, value, where)
    elif isinstance(value, dict):
        _validate_object(schema, value, where, required)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            validate(schema["items"], item, f"{where}[{index}]", required=required)


def _validate_string(schema: Mapping[str, Any], value: str, where: str) -> None:
    if "minLength" in schema and len(value) < schema["minLength"]:
        raise SchemaError(where, "must not be empty" if schema["minLength"] == 1 else "is too short")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise SchemaError(where, f"is longer than {schema['maxLength']} characters")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        raise SchemaError(where, f"must match {schema['pattern']}")
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in _FORMATS:
        check, described = _FORMATS[fmt]
        if not check(value):
            raise SchemaError(where, f"must be {described}")


def _validate_number(schema: Mapping[str, Any], value: float | Decimal, where: str) -> None:
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    bounds: list[tuple[str, Callable[[Decimal], bool], str]] = [
        ("minimum", lambda limit: number >= limit, "at least"),
        ("exclusiveMinimum", lambda limit: number > limit, "greater than"),
        ("maximum", lambda limit: number <= limit, "at most"),
        ("exclusiveMaximum", lambda limit: number < limit, "less than"),
    ]
    for keyword, holds, words in bounds:
        if keyword in schema and not holds(Decimal(str(schema[keyword]))):
            raise SchemaError(where, f"must be {words} {schema[keyword]}")


def _validate_object(schema: Mapping[str, Any], value: dict[str, Any], where: str, required: bool) -> None:
    properties: Mapping[str, Any] = schema.get("properties", {})
    for name in schema.get("required", []) if required else ():
        if name not in value:
            raise SchemaError(_join(where, name), "is required")
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        if name in properties:
            validate(properties[name], item, _join(where, name), required=required)
        elif extra is False:
            raise SchemaError(_join(where, name), "is not a field of this request")
        elif isinstance(extra, dict):
            validate(extra, item, _join(where, name), required=required)
