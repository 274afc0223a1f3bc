"""The spec says where it says more than a page: its YAML reads as written, and every guess or deliberate
difference from the vendor's pages is declared in a key a tool reads (issue 18 item 7, issue 19 "The spec")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from tests.spec_tools import operations, spec


def _nodes(node: Any, where: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(where, key, value) for every mapping entry of ``node``, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield where, key, value
            yield from _nodes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _nodes(value, f"{where}[{index}]")


def test_no_flow_mapping_is_cut_by_a_comma() -> None:
    """An unquoted comma in a flow mapping (``{description: a, b}``) cuts the value and adds a stray key
    ``b`` holding null. No key of the spec holds whitespace (paths, names, codes and keywords never do) and
    no value is null (the spec never writes one)."""
    stray = [
        f"{where}: {key!r}: {value!r}"
        for where, key, value in _nodes(spec())
        if not isinstance(key, str) or re.search(r"\s", key) or value is None
    ]
    assert stray == [], "quote these flow-mapping values (a comma cut them):\n" + "\n".join(stray)


def test_the_check_catches_a_comma_cut_value() -> None:
    cut = yaml.safe_load("code: {type: integer, description: Product code, used when issuing.}")
    assert any(value is None or " " in key for _, key, value in _nodes(cut))


# What a schema object of this spec may hold: JSON Schema keywords and x- extensions.
SCHEMA_KEYWORDS = frozenset(
    {
        "$ref", "type", "format", "description", "enum", "const", "items", "properties", "required", "allOf",
        "oneOf", "anyOf", "additionalProperties", "minLength", "maxLength", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "pattern", "examples", "default", "title", "deprecated",
        "contentEncoding", "contentMediaType", "minItems", "maxItems",
    }
)  # fmt: skip


def _schemas(schema: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(schema, dict):
        return
    yield where, schema
    for name, sub in (schema.get("properties") or {}).items():
        yield from _schemas(sub, f"{where}.{name}")
    for key in ("items", "additionalProperties"):
        yield from _schemas(schema.get(key), f"{where}.{key}")
    for index, part in enumerate(schema.get("allOf") or []):
        yield from _schemas(part, f"{where}.allOf[{index}]")


def test_every_schema_holds_only_schema_keywords() -> None:
    """A comma that cuts ``{description: a, b: c}`` adds a key ``b``: no schema holds a key that is neither
    a JSON Schema keyword nor an ``x-`` extension."""
    roots = [(f"#/components/schemas/{name}", s) for name, s in spec()["components"]["schemas"].items()]
    roots += [
        (f"{path} request", op["requestBody"]["content"]["application/json"]["schema"]) for path, _, op in operations()
    ]
    unknown = [
        f"{where}: {key!r}"
        for root, schema in roots
        for where, node in _schemas(schema, root)
        for key in node
        if key not in SCHEMA_KEYWORDS and not key.startswith("x-")
    ]
    assert unknown == []
