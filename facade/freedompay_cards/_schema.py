"""The spec's request and response schemas, and a small validator for the JSON-schema subset they use.

``_spec.json`` is generated from ``openapi/card-api.yaml`` by ``scripts/generate.py`` (``$ref`` resolved,
``allOf`` merged, only validation keywords kept), so the sandbox needs no YAML parser at run time.

The validator understands: ``type``, ``required``, ``properties``, ``additionalProperties`` (``false`` or
a schema), ``items``, ``enum``, ``minLength``, ``maxLength``, ``pattern``, ``minimum``, ``maximum``,
``exclusiveMinimum``, ``exclusiveMaximum`` and ``format`` (``uuid``, ``date``, ``date-time``, ``email``),
and the spec's ``x-required-when`` (fields required only for some values of another field: Create client's
product 1000), so the facade (before sending) and the sandbox apply that rule from the spec alike.
It stops at the first problem and names the field (``client.phone``), which is what the sandbox reports;
an ``x-required-when`` problem names every field missing under it at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ._lazy import lazy_pattern

# The formats every first call checks (a request_id, an answer's dt) are read by hand, not by a regular
# expression: compiling one costs a fresh process more than a hundred calls' worth of reading.
_DIGITS = "0123456789"
_HEX = "0123456789abcdefABCDEF"
_DATE = lazy_pattern(r"^\d{4}-\d{2}-\d{2}$")
EMAIL = lazy_pattern(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # matched whole (fullmatch): an e-mail address, loosely


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


class _Entries(Mapping[str, dict[str, Any]]):
    """``_spec.json``'s paths: each path's entry is stored as a JSON text of its own and decoded on first
    use, so a program's first call decodes the two schemas it needs, not the whole spec."""

    def __init__(self, texts: dict[str, str]) -> None:
        self._texts = texts
        self._decoded: dict[str, dict[str, Any]] = {}

    def __getitem__(self, path: str) -> dict[str, Any]:
        found = self._decoded.get(path)
        if found is None:  # setdefault: two threads decoding one entry end up with the same object
            found = self._decoded.setdefault(path, json.loads(self._texts[path]))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


@functools.cache
def spec() -> dict[str, Any]:
    """The generated ``_spec.json``: ``{"paths": {path: {"operation_id", "doc_status", "request",
    "response"}}, "request_properties": {name: [its keywords, ...]}, ...}``; ``paths`` is a mapping whose
    entries are decoded on first use."""
    here = Path(__file__).with_name("_spec.json")  # an installed package is files on disk: read it directly
    if here.is_file():
        text = here.read_text("utf-8")
    else:  # a zipped install
        from importlib import resources

        text = resources.files(__package__ or "freedompay_cards").joinpath("_spec.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    loaded["paths"] = _Entries(loaded["paths"])
    return loaded


@functools.cache  # each call looks its schemas up: one cached lookup, not the lazy mapping's method
def request_schema(path: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec()["paths"][path]["request"]
    return schema


@functools.cache
def response_schema(path: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec()["paths"][path]["response"]
    return schema


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


def _all_digits(text: str) -> bool:
    """``text`` is one or more ASCII digits (``str.isdigit`` would take any script's digits)."""
    return bool(text) and not text.strip(_DIGITS)


def _valid_date_time(value: str) -> bool:
    """RFC 3339's date-time: ``YYYY-MM-DD``, ``T`` (or ``t``, or a space), ``hh:mm:ss``, an optional
    fraction, then ``Z`` (or ``z``) or an offset ``+hh:mm``/``-hh:mm``; ASCII digits only; and a date and
    time that exist (``datetime`` reads them)."""
    if len(value) < 20 or value[4] != "-" or value[7] != "-" or value[10] not in "Tt " or value[13] != ":":
        return False
    if value[16] != ":" or not _all_digits(
        value[0:4] + value[5:7] + value[8:10] + value[11:13] + value[14:16] + value[17:19]
    ):
        return False
    zone = value[19:]
    if zone[0] == ".":  # a fraction of a second: one digit at least
        zone = zone[1:].lstrip(_DIGITS)
        if len(zone) == len(value) - 20:
            return False
    if zone not in ("Z", "z") and not (
        len(zone) == 6 and zone[0] in "+-" and zone[3] == ":" and _all_digits(zone[1:3] + zone[4:6])
    ):
        return False
    try:
        dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return True


def _valid_uuid(value: str) -> bool:
    """The 8-4-4-4-12 form of a UUID: 32 hexadecimal digits (ASCII), hyphens at 8, 13, 18 and 23."""
    if len(value) != 36 or not value[8] == value[13] == value[18] == value[23] == "-":
        return False
    return not value.replace("-", "", 4).strip(_HEX)  # anything left is not a hexadecimal digit


def for_models(schema: Mapping[str, Any], value: Any) -> Any:
    """``value`` (which passed ``schema``) as the generated models' ``from_dict`` reads it: RFC 3339, and so
    the check above, allows a lower-case "z" in a date-time; ``datetime.fromisoformat`` does not."""
    if isinstance(value, str) and schema.get("format") == "date-time" and value.endswith("z"):
        return value[:-1] + "Z"
    if isinstance(value, dict):
        properties: Mapping[str, Any] = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        other = extra if isinstance(extra, dict) else {}
        return {name: for_models(properties.get(name, other), item) for name, item in value.items()}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [for_models(schema["items"], item) for item in value]
    return value


def model_from(model: Any, schema: Mapping[str, Any], data: dict[str, Any]) -> Any:
    """``model.from_dict(data)`` for ``data`` that passed ``schema``; data the generated parser refuses only
    for a lower-case "z" is read once more as ``for_models`` puts it (the usual answer pays nothing)."""
    try:
        return model.from_dict(data)
    except ValueError:
        fixed = for_models(schema, data)
        if fixed == data:
            raise
        return model.from_dict(fixed)


_FORMATS: dict[str, tuple[Callable[[str], bool], str]] = {
    "uuid": (_valid_uuid, "a UUID (8-4-4-4-12 hexadecimal digits)"),
    "date": (_valid_date, "a date, YYYY-MM-DD"),
    "date-time": (_valid_date_time, "an RFC 3339 date-time with a time zone offset"),
    "email": (lambda v: bool(EMAIL.fullmatch(v)), "an e-mail address"),
}


def validate(schema: Mapping[str, Any], value: Any, where: str = "", *, required: bool = True) -> None:
    """Raise ``SchemaError`` for the first way ``value`` breaks ``schema``. With ``required=False`` missing
    fields are let through; the fields present are still checked. Each schema is compiled once into a
    checker (validation runs on every request and every answer)."""
    if checker(schema, required)(value):
        return  # the usual case: valid, told by the schema's generated code without building any error
    try:
        _checker(schema, required)(value)
    except SchemaError as err:
        if not where:
            raise
        inner = err.field
        raise SchemaError(
            where + inner if not inner or inner.startswith("[") else f"{where}.{inner}", err.problem
        ) from None


Check = Callable[[Any], None]
_COMPILED: dict[tuple[int, bool], tuple[Mapping[str, Any], Check]] = {}


def _checker(schema: Mapping[str, Any], required: bool) -> Check:
    """The compiled checker of ``schema`` (kept with the schema, so its id cannot be reused meanwhile)."""
    key = (id(schema), required)
    found = _COMPILED.get(key)
    if found is None:
        found = _COMPILED[key] = (schema, _compile(schema, required))
    return found[1]


def _within(name: str, check: Check, value: Any) -> None:
    """Run ``check`` on the field ``name``'s ``value``, naming the field in its error."""
    try:
        check(value)
    except SchemaError as err:
        inner = err.field
        path = name + inner if inner.startswith("[") else (f"{name}.{inner}" if inner else name)
        raise SchemaError(path, err.problem) from None


def _compile(schema: Mapping[str, Any], required: bool) -> Check:
    steps: list[Check] = []
    kind = schema.get("type")
    lazy_array = kind == "array"
    if isinstance(kind, str | list):  # one type, or a list of them (any one will do)
        tests = [_TYPES[k] for k in ([kind] if isinstance(kind, str) else kind)]
        message = "must be " + " or ".join(described for _, described in tests)
        test = tests[0][0] if len(tests) == 1 else (lambda value: any(one(value) for one, _ in tests))

        def check_type(value: Any) -> None:
            if not test(value):
                raise SchemaError("", message)

        steps.append(check_type)
    if "enum" in schema:
        allowed = list(schema["enum"])
        listed = "must be one of " + ", ".join(json.dumps(v) for v in allowed)

        def check_enum(value: Any) -> None:
            if value not in allowed or any(type(value) is bool and a is not value for a in allowed if a == value):
                raise SchemaError("", listed)

        steps.append(check_enum)
    string = _compile_string(schema)
    number = _compile_number(schema)
    obj = _compile_object(schema, required) if kind in (None, "object") else None
    items = _checker(schema["items"], required) if isinstance(schema.get("items"), dict) else None

    def check(value: Any) -> None:
        if lazy_array and getattr(value, "is_lazy_array", False):
            return  # a statement's array read lazily: its items are checked one by one as they are used
        for step in steps:
            step(value)
        if isinstance(value, str):
            if string is not None:
                string(value)
        elif isinstance(value, dict):
            if obj is not None:
                obj(value)
        elif isinstance(value, list):
            if items is not None:
                for index, item in enumerate(value):
                    _within(f"[{index}]", items, item)
        elif number is not None and _is_number(value):
            number(value)

    return check


def _compile_string(schema: Mapping[str, Any]) -> Check | None:
    shortest, longest = schema.get("minLength"), schema.get("maxLength")
    pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
    fmt = _FORMATS.get(schema.get("format", ""))
    if shortest is None and longest is None and pattern is None and fmt is None:
        return None

    def check(value: str) -> None:
        if shortest is not None and len(value) < shortest:
            raise SchemaError("", "must not be empty" if shortest == 1 else "is too short")
        if longest is not None and len(value) > longest:
            raise SchemaError("", f"is longer than {longest} characters")
        if pattern is not None and not pattern.search(value):
            raise SchemaError("", f"must match {pattern.pattern}")
        if fmt is not None and not fmt[0](value):
            raise SchemaError("", f"must be {fmt[1]}")

    return check


def _compile_number(schema: Mapping[str, Any]) -> Check | None:
    bounds: list[tuple[Decimal, Callable[[Decimal, Decimal], bool], str]] = [
        (Decimal(str(schema[keyword])), holds, f"must be {words} {schema[keyword]}")
        for keyword, holds, words in (
            ("minimum", lambda n, limit: n >= limit, "at least"),
            ("exclusiveMinimum", lambda n, limit: n > limit, "greater than"),
            ("maximum", lambda n, limit: n <= limit, "at most"),
            ("exclusiveMaximum", lambda n, limit: n < limit, "less than"),
        )
        if keyword in schema
    ]
    if not bounds:
        return None

    def check(value: float | Decimal) -> None:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        for limit, holds, message in bounds:
            if not holds(number, limit):
                raise SchemaError("", message)

    return check


def _missing_when(rules: list[Mapping[str, Any]], value: Mapping[str, Any]) -> None:
    """``x-required-when``: for the first rule whose ``when`` holds (every named field has one of its
    values), raise one ``SchemaError`` naming each ``required`` field absent from its object, e.g.
    ``client.country``. An object that is itself absent is named once (its own fields are not listed:
    there is no object to hold them)."""
    for rule in rules:
        when: Mapping[str, list[Any]] = rule["when"]
        if not all(name in value and _one_of(value[name], allowed) for name, allowed in when.items()):
            continue
        missing: list[str] = []
        for where, names in rule["required"].items():
            holder: Any = value
            for part in where.split("."):
                holder = holder.get(part) if isinstance(holder, dict) else None
            if isinstance(holder, dict):
                missing += [f"{where}.{name}" for name in names if name not in holder]
        if missing:
            condition = " and ".join(f"{name} is {json.dumps(value[name])}" for name in when)
            raise SchemaError(missing[0], f"is required when {condition} (missing: {', '.join(missing)})")


def _one_of(item: Any, allowed: list[Any]) -> bool:
    return any(item == a and type(item) is not bool for a in allowed)


def _compile_object(schema: Mapping[str, Any], required: bool) -> Check | None:
    properties = {name: _checker(sub, required) for name, sub in schema.get("properties", {}).items()}
    names = tuple(schema.get("required", ())) if required else ()
    when_rules: list[Mapping[str, Any]] = list(schema.get("x-required-when", ())) if required else []
    extra = schema.get("additionalProperties", True)
    extra_check = _checker(extra, required) if isinstance(extra, dict) else None
    closed = extra is False
    if not properties and not names and not when_rules and extra_check is None and not closed:
        return None

    def check(value: dict[str, Any]) -> None:
        for name in names:
            if name not in value:
                raise SchemaError(name, "is required")
        name = ""
        try:
            for name, item in value.items():
                field = properties.get(name)
                if field is not None:
                    field(item)
                elif closed:
                    raise SchemaError("", "is not a field of this request")
                elif extra_check is not None:
                    extra_check(item)
        except SchemaError as err:  # name the field the problem is in
            inner = err.field
            raise SchemaError(name + inner if inner.startswith("[") else (f"{name}.{inner}" if inner else name),
                              err.problem) from None  # fmt: skip
        if when_rules:  # after the fields' own checks: the rule reads values already known to be well-formed
            _missing_when(when_rules, value)

    return check


# ------------------------------------------------------------------------------------ generated checks
# The checkers above say *what* is wrong, naming the field; walking the schema's closures costs a call per
# keyword per value. Most values are valid, so each schema is also turned once into the source of one
# flat Python function that answers only "surely valid?" (exact types, inline bounds): True lets the value
# through at once; False (a problem, or anything this generator does not inline) hands the value to the
# closures, which find and name the problem, or pass the value. So the generated code can only be
# stricter than the closures, never more lenient, and the errors stay theirs.

_FAST: dict[tuple[int, bool], tuple[Mapping[str, Any], Callable[[Any], bool] | None]] = {}
_MISSING = object()
_SCALARS = {"string": "str", "integer": "int", "boolean": "bool"}


def checker(schema: Mapping[str, Any], required: bool = True, *, many: bool = False) -> Callable[[Any], bool]:
    """The generated check of ``schema``: True when a value surely passes it; False says only "ask
    ``validate``", which names the problem, if there is one. A schema used once (a program's first and
    perhaps only call) is checked by the closures, cheaper to make; its code is generated on second use,
    or at once for a check kept for ``many`` values (the items of a statement)."""
    key = (id(schema), required)
    found = _FAST.get(key)
    if found is not None and found[1] is not None:
        return found[1]
    if found is None and not many:
        _FAST[key] = (schema, None)
        return _passes(_checker(schema, required))
    fast = _generate(schema, required)
    _FAST[key] = (schema, fast)
    return fast


class _Source:
    """The lines of one generated function and the values its code refers to by name."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {"_MISSING": _MISSING, "_NUMBER": (int, float, Decimal)}

    def name(self, value: Any) -> str:
        name = f"_c{len(self.names)}"
        self.names[name] = value
        return name


def _generate(schema: Mapping[str, Any], required: bool) -> Callable[[Any], bool]:
    source = _Source()
    _emit(source, schema, required, "v", 1, 0)
    text = "def fast(v):\n" + "\n".join(source.lines) + "\n    return True\n"
    namespace = dict(source.names)
    exec(compile(text, f"<schema check {id(schema):x}>", "exec"), namespace)
    fast: Callable[[Any], bool] = namespace["fast"]
    return fast


def _emit(src: _Source, schema: Mapping[str, Any], required: bool, var: str, indent: int, depth: int) -> None:
    """Append the lines that ``return False`` unless ``var`` surely passes ``schema``."""
    pad = "    " * indent
    kind = schema.get("type")
    out = src.lines
    generic = (
        not isinstance(kind, str)
        or depth > 8
        or ("enum" in schema and not _plain_enum(schema["enum"]))
        or (kind != "array" and "items" in schema)
        or (required and "x-required-when" in schema)  # the closures apply it and name every missing field
    )
    if generic:  # left to the closures: a bool from their verdict
        out.append(f"{pad}if not {src.name(_passes(_checker(schema, required)))}({var}): return False")
        return
    if kind == "array":
        item = f"i{depth}"
        out.append(f"{pad}if type({var}) is list:")
        items = schema.get("items")
        if isinstance(items, dict):
            out.append(f"{pad}    for {item} in {var}:")
            _emit(src, items, required, item, indent + 2, depth + 1)
        else:
            out.append(f"{pad}    pass")
        out.append(f"{pad}elif not getattr({var}, 'is_lazy_array', False): return False")
        return
    if kind == "number":
        out.append(f"{pad}if type({var}) not in _NUMBER: return False")
    elif kind == "null":
        out.append(f"{pad}if {var} is not None: return False")
    elif kind == "object":
        out.append(f"{pad}if type({var}) is not dict: return False")
    else:
        out.append(f"{pad}if type({var}) is not {_SCALARS[str(kind)]}: return False")
    if "enum" in schema:
        out.append(f"{pad}if {var} not in {src.name(frozenset(schema['enum']))}: return False")
    if kind == "string":
        _emit_string(src, schema, var, pad)
    elif kind in ("number", "integer"):
        number = _compile_number(schema)
        if number is not None:
            out.append(f"{pad}if not {src.name(_passes(number))}({var}): return False")
    elif kind == "object":
        _emit_object(src, schema, required, var, indent, depth)


def _plain_enum(values: Any) -> bool:
    """An enum of strings and integers (no booleans, which equal 0 and 1): a set membership test."""
    return isinstance(values, list) and all(type(v) in (str, int) for v in values)


def _emit_string(src: _Source, schema: Mapping[str, Any], var: str, pad: str) -> None:
    shortest, longest = schema.get("minLength"), schema.get("maxLength")
    if shortest is not None:
        src.lines.append(f"{pad}if len({var}) < {int(shortest)}: return False")
    if longest is not None:
        src.lines.append(f"{pad}if len({var}) > {int(longest)}: return False")
    if "pattern" in schema:
        src.lines.append(f"{pad}if {src.name(re.compile(schema['pattern']).search)}({var}) is None: return False")
    fmt = _FORMATS.get(schema.get("format", ""))
    if fmt is not None:
        src.lines.append(f"{pad}if not {src.name(fmt[0])}({var}): return False")


def _emit_object(src: _Source, schema: Mapping[str, Any], required: bool, var: str, indent: int, depth: int) -> None:
    pad = "    " * indent
    properties: Mapping[str, Any] = schema.get("properties", {})
    names = schema.get("required", ()) if required else ()
    for name in names:
        src.lines.append(f"{pad}if {name!r} not in {var}: return False")
    field = f"f{depth}"
    for name, sub in properties.items():
        src.lines.append(f"{pad}{field} = {var}.get({name!r}, _MISSING)")
        src.lines.append(f"{pad}if {field} is not _MISSING:")
        _emit(src, sub, required, field, indent + 1, depth + 1)
    extra = schema.get("additionalProperties", True)
    if extra is False or isinstance(extra, dict):
        known = src.name(frozenset(properties))
        key = f"k{depth}"
        src.lines.append(f"{pad}for {key}, {field} in {var}.items():")
        src.lines.append(f"{pad}    if {key} not in {known}:")
        if extra is False:
            src.lines.append(f"{pad}        return False")
        else:
            _emit(src, extra, required, field, indent + 2, depth + 1)


def _passes(check: Callable[[Any], None]) -> Callable[[Any], bool]:
    """A closure checker as a yes/no test."""

    def passes(value: Any) -> bool:
        try:
            check(value)
        except SchemaError:
            return False
        return True

    return passes
