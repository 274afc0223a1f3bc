"""Reading openapi/card-api.yaml in tests: operations, schemas, and a minimal valid example per schema."""

from __future__ import annotations

import functools
import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from freedompay_cards._operations import OPERATIONS as _OPERATION_TABLE

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi" / "card-api.yaml"


# Each operation's path by facade name, from the operation table `make generate` makes from the spec: a
# test names the operation and follows the spec when a page moves (`PATHS["cards.block"]`).
PATHS: dict[str, str] = {entry["name"]: entry["path"] for entry in _OPERATION_TABLE}


@functools.cache
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(path, operationId, operation) for every operation, in spec order."""
    return [(path, op["operationId"], op) for path, item in spec()["paths"].items() for op in item.values()]


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = spec()
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def request_schema(op: dict[str, Any]) -> dict[str, Any]:
    return op["requestBody"]["content"]["application/json"]["schema"]


def response_schema(op: dict[str, Any]) -> dict[str, Any]:
    return op["responses"]["200"]["content"]["application/json"]["schema"]


def generated_module(op: dict[str, Any]) -> ModuleType:
    return importlib.import_module(f"freedompay_card_api.api.{op['tags'][0]}.{op['operationId']}")


def merged_object(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` resolved, with ``allOf`` parts merged into one object schema (properties, required)."""
    schema = resolve(schema)
    if "allOf" not in schema:
        return schema
    merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    for part in [*schema["allOf"], {k: v for k, v in schema.items() if k != "allOf"}]:
        part = merged_object(part)
        merged["properties"].update(part.get("properties", {}))
        merged["required"] += [r for r in part.get("required", []) if r not in merged["required"]]
    return merged


def _required_when(schema: dict[str, Any], instance: dict[str, Any]) -> None:
    """Add to ``instance`` the fields the schema's ``x-required-when`` requires given its values (Create
    client's product 1000), so that a minimal example is still a valid one."""
    for rule in schema.get("x-required-when", []):
        if not all(instance.get(name) in allowed for name, allowed in rule["when"].items()):
            continue
        for where, names in rule["required"].items():
            holder, holder_schema = instance, schema
            for part in where.split("."):
                holder_schema = merged_object(holder_schema["properties"][part])
                holder = holder.setdefault(part, example(holder_schema))
            for name in names:
                holder.setdefault(name, example(holder_schema["properties"][name]))


_FORMAT_EXAMPLES = {
    "uuid": "828cf71d-a447-4a67-a149-c1df8bc197ca",
    "date": "1990-05-17",
    "date-time": "2025-01-01T00:01:01+00:30",
    "email": "holder@example.com",
}


def example(schema: dict[str, Any], *, all_fields: bool = False) -> Any:
    """A small instance valid against ``schema``: required fields only unless ``all_fields``."""
    schema = merged_object(schema)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        required = set(schema.get("required", []))
        instance = {
            name: example(sub, all_fields=all_fields)
            for name, sub in schema.get("properties", {}).items()
            if all_fields or name in required
        }
        _required_when(schema, instance)
        return instance
    if kind == "array":
        return [example(schema.get("items", {}), all_fields=all_fields)]
    if kind == "string":
        if schema.get("format") in _FORMAT_EXAMPLES:
            return _FORMAT_EXAMPLES[schema["format"]]
        if "pattern" in schema:
            return {
                "^[A-Z]{3}$": "KAZ",
                "^[a-z]{2}$": "ru",
                "^[0-9]{6,15}$": "7001234567",
                "^[0-9]+(\\.[0-9]+)?$": "5000",
            }[schema["pattern"]]
        return "x1"
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 10.5
    if kind == "boolean":
        return True
    return None
