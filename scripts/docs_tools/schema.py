"""OpenAPI schemas to fields: what a schema (a page's fragment or the spec) says about each field."""

from __future__ import annotations

from typing import Any

import _spec  # scripts/_spec.py: scripts/ is on sys.path when an entry point runs

from .model import DIFFERS, Facts, SpecLoadError, children_prefix


def _schema_kinds(schema: Any, document: dict[str, Any], depth: int = 0, seen: set[int] | None = None) -> set[str]:
    schema = _spec.resolve(schema, document)
    seen = set() if seen is None else seen
    if not isinstance(schema, dict) or depth > 10 or id(schema) in seen:
        return set()  # a part met before adds nothing to the union (YAML aliases may repeat one many times)
    seen.add(id(schema))
    declared = schema.get("type")
    kinds: set[str] = set()
    if isinstance(declared, str):
        kinds.add(declared)
    elif isinstance(declared, list):
        kinds.update(t for t in declared if isinstance(t, str))
    if not kinds:
        if "properties" in schema:
            kinds.add("object")
        elif "items" in schema:
            kinds.add("array")
        for key in ("allOf", "anyOf", "oneOf"):
            for part in schema.get(key, []):
                kinds |= _schema_kinds(part, document, depth + 1, seen)
        if not kinds and isinstance(schema.get("enum"), list):
            names = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}
            kinds.update(names[type(v)] for v in schema["enum"] if type(v) in names)
    if schema.get("nullable") is True:
        kinds.add("null")
    return kinds


def type_label(schema: Any, document: dict[str, Any], depth: int = 0) -> str | None:
    """The type of ``schema`` as this checker writes it (see the module docstring), None if not stated."""
    schema = _spec.resolve(schema, document)
    kinds = _schema_kinds(schema, document)
    if not kinds or (kinds == {"null"} and depth > 0):
        return None
    labels = []
    for kind in sorted(kinds - {"null"}):
        if kind == "array" and isinstance(schema, dict) and depth < 10:
            inner = type_label(schema.get("items"), document, depth + 1) if schema.get("items") else None
            labels.append(f"array[{inner}]" if inner else "array")
        else:
            labels.append(kind)
    return "|".join([*labels, *(["null"] if "null" in kinds else [])])


MAX_FIELDS = 2000  # fields of one body; a schema that fans out further is refused ("too complex")


def _identities(schema: Any, document: dict[str, Any]) -> set[Any]:
    """What makes ``schema`` the same schema as one above it: the ``$ref`` it follows and the mapping it
    ends at (a YAML alias is the same mapping)."""
    found: set[Any] = set()
    node = schema
    for _ in range(32):
        if not isinstance(node, dict):
            break
        found.add(id(node))
        ref = node.get("$ref")
        if not isinstance(ref, str):
            break
        found.add(ref)
        node = _spec.resolve({"$ref": ref}, document)
    return found


def flatten(schema: Any, document: dict[str, Any], *, format_known: bool = True) -> dict[str, Facts]:
    """Every field of an object schema, nested ones included, by path (see "Field names"). A field whose
    schema is one of those it lies in (a tree's ``left: {$ref: Node}``) is read once, without its fields
    again. ``SpecError`` when there are more than ``MAX_FIELDS`` fields (a schema that fans out through
    ``$ref`` or YAML aliases)."""
    out: dict[str, Facts] = {}
    # the identities of the schemas a walk is in: kept alive here, so that an id() is not reused meanwhile
    keep: list[Any] = [schema]

    def walk(node: Any, prefix: str, depth: int, within: frozenset[Any]) -> None:
        props, required = _spec.object_parts(node, document)
        for name, sub in props.items():
            identities = _identities(sub, document)
            keep.append(sub)
            sub = _spec.resolve(sub, document)
            sub = sub if isinstance(sub, dict) else {}
            path = prefix + name
            label = type_label(sub, document)
            fmt = sub.get("format") if isinstance(sub.get("format"), str) else None
            why, kinds = property_deviation(sub.get("x-doc-deviation"))
            text = sub.get("description")
            description = text if isinstance(text, str) else None
            out[path] = Facts(
                label,
                fmt,
                name in required,
                format_known,
                why,
                kinds,
                schema_limits(sub),
                description=description,
                schema=sub,
            )
            if len(out) > MAX_FIELDS:
                raise _spec.SpecError(
                    f"too complex: its schemas fan out to more than {MAX_FIELDS} fields (through $ref or YAML "
                    "aliases); not read"
                )
            child = children_prefix(path, label)
            if child is not None and depth < 10:
                inner = _innermost_items(sub, document)
                identities |= _identities(inner, document)
                keep.append(inner)
                if not identities & within:
                    walk(inner, child, depth + 1, within | identities)

    walk(schema, "", 0, frozenset(_identities(schema, document)))
    return out


def property_deviation(value: Any) -> tuple[str | None, tuple[str, ...] | None]:
    """A property's ``x-doc-deviation``: (why, the kinds it declares, None meaning any kind). A plain
    string declares any difference; ``{differs: KIND or [KINDS], why: "..."}`` only those kinds."""
    if value is None:
        return None, None
    if isinstance(value, str):
        return value, None
    if isinstance(value, dict) and isinstance(value.get("why"), str):
        differs = value.get("differs")
        kinds = [differs] if isinstance(differs, str) else differs
        if isinstance(kinds, list) and kinds and all(k in DIFFERS for k in kinds):
            return value["why"], tuple(kinds)
    raise SpecLoadError(f"malformed x-doc-deviation {value!r}: a string, or {{differs: kind or [kinds], why: ...}}")


LIMIT_KEYWORDS = (
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "pattern",
    "enum",
)


def schema_limits(schema: dict[str, Any]) -> tuple[str, ...]:
    """The limits a property's schema puts on its values, as sorted ``keyword=value`` strings."""
    found = []
    for keyword in LIMIT_KEYWORDS:
        if keyword in schema:
            value = schema[keyword]
            found.append(f"{keyword}={sorted(value, key=repr) if isinstance(value, list) else value}")
    return tuple(found)


def _innermost_items(schema: dict[str, Any], document: dict[str, Any]) -> Any:
    """The object schema whose properties are a container field's children (through arrays' items)."""
    node: Any = schema
    for _ in range(10):
        if "array" in _schema_kinds(node, document) and "object" not in _schema_kinds(node, document):
            node = _spec.resolve(node.get("items", {}), document)
        else:
            break
    return node


def json_schema(holder: Any) -> Any:
    """The JSON schema of a requestBody or response object (None when it has no JSON content)."""
    content = holder.get("content") if isinstance(holder, dict) else None
    if not isinstance(content, dict):
        return None
    for media, entry in content.items():
        if "json" in str(media) and isinstance(entry, dict):
            return entry.get("schema", {})
    return None
