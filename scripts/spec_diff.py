"""What a spec change means for users of the facade: the operations and fields added, removed or renamed
between the spec at a git ref and the working tree's, each flagged breaking or compatible.

    python scripts/spec_diff.py                      # origin/main (else main, else HEAD) -> working tree
    python scripts/spec_diff.py --base v0.1.0        # any git ref
    python scripts/spec_diff.py --base-file old.yaml --spec new.yaml --json
    make spec-diff [REF=origin/main]

Operations are matched by their facade name (``x-facade``), then by path, then by ``operationId``, so a
renamed facade method or a moved path is reported as such, not as one operation removed and another
added. Fields are compared as trees (dotted paths, ``[]`` for an array's items); within one object, a
removed and an added field of the same type are reported as one "renamed?" field.

Breaking (for code that uses the facade): a removed operation, a renamed facade method; a removed request
field, a new required one, one becoming required; a type change (and a change of a format the generated
models turn into a Python type: date, date-time, uuid, binary); a request enum value removed; a request
limit changed to a tighter one (length, range, another pattern) or a request object newly closed; a
removed answer field, or one becoming optional (its attribute may become None). Everything else is
compatible: new optional fields and operations, answer fields becoming required, new enum values, limits
and enums stated for the first time (they document what the API accepted all along, though the facade
now refuses other values before sending), doc status, deprecation, and the behaviour keys
(``x-mutating``, ``x-deferred``, ``x-request-id``, ``x-lazy-arrays``: reported, since they change how
the facade sends and retries).

Prints the spec hash of both sides (the one the README's doc-status table carries, from
scripts/generate.py) and a one-line summary. Exit status: 0 no breaking change, 1 breaking, 2 the spec
could not be read.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _spec  # scripts/_spec.py: this script's folder is on sys.path when it runs
from generate import spec_hash  # the README's hash: one definition

ROOT = _spec.ROOT
SPEC_IN_REPO = "openapi/card-api.yaml"
DEFAULT_REFS = ("origin/main", "main", "HEAD")
# Formats openapi-python-client turns into a Python type: changing one changes the generated model's type.
TYPED_FORMATS = frozenset({"date", "date-time", "uuid", "binary"})
BEHAVIOUR_KEYS = ("x-mutating", "x-deferred", "x-request-id", "x-lazy-arrays", "x-signing", "x-outcome-ids")
DOC_KEYS = ("x-doc-status", "x-doc-page", "deprecated")
MAX_DEPTH = 16  # a schema is compared this deep, no deeper
MAX_NODES = 20_000  # fields of one body; a schema that fans out further is refused (exit 2), never walked


# ---------------------------------------------------------------------------------------------- fields


@dataclass
class Node:
    """One field of a request or an answer, as far as a facade user can tell it apart."""

    type: str
    format: str | None = None
    required: bool = False
    enum: tuple[Any, ...] | None = None
    known_values: tuple[Any, ...] | None = None
    secret: bool = False
    limits: dict[str, Any] = field(default_factory=dict)
    closed: bool = False  # additionalProperties: false
    children: dict[str, Node] | None = None  # an object's fields, or an array's items' fields
    item_object: bool = False  # children are an array's items' fields

    @property
    def signature(self) -> tuple[str, str | None]:
        return self.type, self.format

    def describe(self) -> str:
        words = self.type + (f" ({self.format})" if self.format else "")
        return f"{words}, {'required' if self.required else 'optional'}"


def _type_name(schema: dict[str, Any], document: dict[str, Any], depth: int = 0) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        return "|".join(str(k) for k in kind)
    if kind == "array":
        items = _spec.resolve(schema.get("items", {}), document)
        known = isinstance(items, dict) and items and depth < MAX_DEPTH  # an array of itself (a YAML alias) ends
        return "array of " + (_type_name(items, document, depth + 1) if known else "any")
    if kind is None and ("properties" in schema or "allOf" in schema):
        return "object"
    return str(kind) if kind is not None else "any"


class _Walk:
    """One body's walk: how many fields it has read (``MAX_NODES`` at most). The ``$ref`` targets it is inside
    of travel as ``within`` (a schema that refers to one of them is compared without its fields again: a
    tree's ``left: {$ref: Node}``)."""

    def __init__(self) -> None:
        self.nodes = 0

    def count(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _spec.SpecError(f"a body too complex to compare: its schemas fan out to more than {MAX_NODES} fields")


def _refs(schema: Any, document: dict[str, Any]) -> frozenset[str]:
    """The ``$ref`` chain ``schema`` follows (empty for an inline schema)."""
    found: list[str] = []
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"] not in found:
        found.append(schema["$ref"])
        schema = _spec.resolve({"$ref": schema["$ref"]}, document)
    return frozenset(found)


def _node(
    schema: Any,
    document: dict[str, Any],
    required: bool,
    depth: int,
    walk: _Walk | None = None,
    within: frozenset[str] = frozenset(),
) -> Node:
    walk = walk or _Walk()
    walk.count()
    refs = _refs(schema, document)
    recursive = bool(refs & within)
    within |= refs
    schema = _spec.resolve(schema, document)
    if not isinstance(schema, dict):
        return Node("any", required=required)
    node = Node(
        _type_name(schema, document),
        format=schema.get("format"),
        required=required,
        enum=tuple(schema["enum"]) if isinstance(schema.get("enum"), list) else None,
        known_values=tuple(schema["x-known-values"]) if isinstance(schema.get("x-known-values"), list) else None,
        secret=bool(schema.get("x-secret")),
        limits={k: schema[k] for k in (*_spec.LOWER_BOUNDS, *_spec.UPPER_BOUNDS, "pattern") if k in schema},
        closed=schema.get("additionalProperties") is False,
    )
    if depth >= MAX_DEPTH or recursive:
        return node
    if node.type == "object":
        node.children = fields(schema, document, depth + 1, walk, within)
    elif node.type.startswith("array of"):
        items_refs = _refs(schema.get("items", {}), document)
        items = _spec.resolve(schema.get("items", {}), document)
        if isinstance(items, dict) and _type_name(items, document) == "object" and not items_refs & within:
            node.children = fields(items, document, depth + 1, walk, within | items_refs)
            node.item_object = True
    return node


def fields(
    schema: Any,
    document: dict[str, Any],
    depth: int = 0,
    walk: _Walk | None = None,
    within: frozenset[str] = frozenset(),
) -> dict[str, Node]:
    """The fields of an object schema (``$ref`` followed, ``allOf`` merged), each with its own fields; a
    field whose ``$ref`` is one the walk is already inside of is not walked again."""
    if schema is None:
        return {}
    walk = walk or _Walk()
    props, required = _spec.object_parts(schema, document)
    return {name: _node(sub, document, name in required, depth, walk, within) for name, sub in props.items()}


# ---------------------------------------------------------------------------------------------- changes


@dataclass
class Change:
    side: str  # "operation", "request" or "response"
    kind: str
    path: str
    detail: str
    breaking: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "kind": self.kind,
            "path": self.path,
            "detail": self.detail,
            "breaking": self.breaking,
        }


def _join(prefix: str, name: str, parent: Node | None) -> str:
    if parent is not None and parent.item_object:
        return f"{prefix}[].{name}"
    return f"{prefix}.{name}" if prefix else name


def _pair_renames(
    removed: list[str], added: list[str], base: dict[str, Node], head: dict[str, Node]
) -> list[tuple[str, str]]:
    """Within one object: each removed field paired with the first unpaired added field of the same type."""
    pairs = []
    free = list(added)
    for old in removed:
        match = next((new for new in free if head[new].signature == base[old].signature), None)
        if match is not None:
            free.remove(match)
            pairs.append((old, match))
    return pairs


def compare_fields(
    side: str, base: dict[str, Node], head: dict[str, Node], prefix: str = "", parent: Node | None = None
) -> Iterator[Change]:
    """The changes between two sets of fields of one object (recursively)."""
    request = side == "request"
    removed = [n for n in base if n not in head]
    added = [n for n in head if n not in base]
    renames = _pair_renames(removed, added, base, head)
    renamed_old, renamed_new = {o for o, _ in renames}, {n for _, n in renames}
    for name in removed:
        if name in renamed_old:
            continue
        node = base[name]
        why = "callers passing it break" if request else "its attribute disappears"
        yield Change(side, "field removed", _join(prefix, name, parent), f"{node.describe()}: {why}", True)
    for name in added:
        if name in renamed_new:
            continue
        node = head[name]
        breaking = request and node.required
        why = ": every call must now send it" if breaking else ("" if request else ": a new answer field")
        yield Change(side, "field added", _join(prefix, name, parent), node.describe() + why, breaking)
    for old, new in renames:
        path_old, path_new = _join(prefix, old, parent), _join(prefix, new, parent)
        yield Change(
            side,
            "field renamed?",
            path_new,
            f"{path_old} -> {path_new} ({head[new].describe()}); the old name goes",
            True,
        )
        yield from compare_field(side, base[old], head[new], path_new)
    for name in base:
        if name in head:
            yield from compare_field(side, base[name], head[name], _join(prefix, name, parent))


def compare_field(side: str, old: Node, new: Node, path: str) -> Iterator[Change]:
    """The changes of one field present on both sides (its own fields included)."""
    request = side == "request"
    if old.required != new.required:
        if new.required:
            breaking, why = request, ("every call must now send it" if request else "")
        else:
            breaking, why = not request, ("" if request else "its attribute may now be None")
        text = f"{'optional -> required' if new.required else 'required -> optional'}" + (f": {why}" if why else "")
        yield Change(side, "required", path, text, breaking)
    if old.type != new.type:
        yield Change(side, "type", path, f"{old.type} -> {new.type}", True)
    if old.format != new.format:
        typed = bool({old.format, new.format} & TYPED_FORMATS)
        yield Change(side, "format", path, f"{old.format or 'none'} -> {new.format or 'none'}", typed)
    yield from _compare_enum(side, old, new, path)
    if old.known_values != new.known_values:
        yield Change(
            side, "known values", path, f"{list(old.known_values or ())} -> {list(new.known_values or ())}", False
        )
    if old.secret != new.secret:
        yield Change(side, "secret", path, "now x-secret" if new.secret else "no longer x-secret", False)
    yield from _compare_limits(side, old, new, path)
    if old.closed != new.closed:
        breaking = request and new.closed
        text = "closed (no other fields accepted)" if new.closed else "open (other fields accepted)"
        yield Change(side, "closed", path, text, breaking)
    if old.children is not None or new.children is not None:
        yield from compare_fields(side, old.children or {}, new.children or {}, path, new)


def _compare_enum(side: str, old: Node, new: Node, path: str) -> Iterator[Change]:
    request = side == "request"
    if old.enum == new.enum:
        return
    if old.enum is None:  # the docs now state the values: the facade refuses others before sending
        yield Change(side, "enum", path, f"values now stated: {list(new.enum or ())}", False)
        return
    if new.enum is None:
        yield Change(side, "enum", path, "values no longer limited", False)
        return
    gone = [v for v in old.enum if v not in new.enum]
    more = [v for v in new.enum if v not in old.enum]
    if gone:
        yield Change(side, "enum", path, f"values removed: {gone}", request)
    if more:
        yield Change(side, "enum", path, f"values added: {more}", False)


def _compare_limits(side: str, old: Node, new: Node, path: str) -> Iterator[Change]:
    request = side == "request"
    for key in sorted(set(old.limits) | set(new.limits)):
        before, after = old.limits.get(key), new.limits.get(key)
        if before == after:
            continue
        tighter = _spec.bound_tightens(key, before, after)
        note = " (newly stated: the facade now refuses values outside it before sending)" if before is None else ""
        yield Change(side, "limit", path, f"{key}: {before} -> {after}{note}", request and tighter)


# ---------------------------------------------------------------------------------------------- operations


@dataclass
class Operation:
    method: str
    path: str
    operation_id: str | None
    facade: str | None
    spec: dict[str, Any]
    request: Node  # the body, an object whose children are its fields
    response: Node

    @property
    def name(self) -> str:
        return self.facade or self.operation_id or f"{self.method.upper()} {self.path}"

    def where(self) -> str:
        return f"{self.operation_id}, {self.method.upper()} {self.path}"


def read_operations(document: dict[str, Any]) -> list[Operation]:
    return [
        Operation(
            method,
            path,
            op.get("operationId"),
            op.get("x-facade"),
            op,
            body(_spec.request_body_schema(op, document), document),
            body(_spec.answer_schema(op, document), document),
        )
        for method, path, op in _spec.operations(document)
    ]


def body(schema: Any, document: dict[str, Any]) -> Node:
    """A request or answer body as one node (an operation without one: an empty object)."""
    if schema is None:
        return Node("object", required=True, children={})
    return _node(schema, document, True, 0)


def match_operations(base: list[Operation], head: list[Operation]) -> list[tuple[Operation | None, Operation | None]]:
    """Pairs (base, head): matched by facade name, then by path, then by operationId; unmatched ones alone."""
    pairs: list[tuple[Operation | None, Operation | None]] = []
    left, right = list(base), list(head)
    keys = (
        lambda o: o.facade,
        lambda o: (o.method, o.path),
        lambda o: o.operation_id,
    )
    for key in keys:
        for old in list(left):
            if key(old) is None:
                continue
            new = next((h for h in right if key(h) == key(old)), None)
            if new is not None:
                pairs.append((old, new))
                left.remove(old)
                right.remove(new)
    pairs += [(old, None) for old in left]
    pairs += [(None, new) for new in right]
    order = {id(o): i for i, o in enumerate(head)}
    return sorted(pairs, key=lambda p: (p[1] is None, order.get(id(p[1]), 0)))


def compare_operation(old: Operation, new: Operation) -> list[Change]:
    changes: list[Change] = []
    if old.facade != new.facade and old.facade is not None:
        changes.append(
            Change(
                "operation",
                "facade method renamed",
                new.name,
                f"{old.facade} -> {new.facade}: callers of {old.facade} break",
                True,
            )
        )
    if (old.method, old.path) != (new.method, new.path):
        changes.append(
            Change(
                "operation",
                "path moved",
                new.path,
                f"{old.method.upper()} {old.path} -> {new.method.upper()} {new.path}",
                False,
            )
        )
    if old.operation_id != new.operation_id:
        changes.append(
            Change(
                "operation",
                "operationId",
                new.name,
                f"{old.operation_id} -> {new.operation_id} (generated module and sandbox handler names follow it)",
                False,
            )
        )
    for key in BEHAVIOUR_KEYS:
        before, after = old.spec.get(key), new.spec.get(key)
        if before != after:
            changes.append(Change("operation", "behaviour", key, f"{before!r} -> {after!r}", False))
    for key in DOC_KEYS:
        before, after = old.spec.get(key), new.spec.get(key)
        if before != after:
            changes.append(Change("operation", "docs", key, f"{before!r} -> {after!r}", False))
    changes += compare_field("request", old.request, new.request, "")
    changes += compare_field("response", old.response, new.response, "")
    return changes


def diff(base: dict[str, Any], head: dict[str, Any]) -> list[dict[str, Any]]:
    """Per operation with any change: its names and its changes (as dicts)."""
    report = []
    for old, new in match_operations(read_operations(base), read_operations(head)):
        if old is None and new is not None:
            status = "added"
            changes = [
                Change("operation", "operation added", new.name, f"{new.where()} (new method {new.name})", False)
            ]
        elif new is None and old is not None:
            status = "removed"
            changes = [
                Change("operation", "operation removed", old.name, f"{old.where()}: callers of {old.name} break", True)
            ]
        elif old is not None and new is not None:
            status, changes = "changed", compare_operation(old, new)
        else:  # pragma: no cover - match_operations never pairs two Nones
            continue
        if changes:
            shown = new or old
            assert shown is not None
            report.append(
                {
                    "name": shown.name,
                    "base_name": None if old is None else old.name,
                    "operation_id": shown.operation_id,
                    "path": shown.path,
                    "status": status,
                    "breaking": any(c.breaking for c in changes),
                    "changes": [c.as_dict() for c in changes],
                }
            )
    return report


# ---------------------------------------------------------------------------------------------- reading


class ReadError(Exception):
    """The spec on one side could not be read."""


def default_ref() -> str:
    for ref in DEFAULT_REFS:
        done = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", ref + "^{commit}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0:
            return ref
    raise ReadError("no git ref to compare with (tried origin/main, main, HEAD): pass --base REF or --base-file")


def read_at_ref(ref: str, path: str = SPEC_IN_REPO) -> dict[str, Any]:
    done = subprocess.run(["git", "show", f"{ref}:{path}"], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ReadError(f"cannot read {path} at {ref}: {done.stderr.strip()}")
    return _spec.parse(done.stdout, f"{path} at {ref}")


def read_file(path: Path) -> dict[str, Any]:
    try:
        return _spec.load(path)
    except (OSError, _spec.SpecError) as err:
        raise ReadError(f"cannot read {path}: {err}") from None


# ---------------------------------------------------------------------------------------------- output


def summary(report: list[dict[str, Any]]) -> dict[str, int]:
    changes = [c for op in report for c in op["changes"]]
    return {
        "operations_added": sum(op["status"] == "added" for op in report),
        "operations_removed": sum(op["status"] == "removed" for op in report),
        "operations_changed": sum(op["status"] == "changed" for op in report),
        "breaking": sum(c["breaking"] for c in changes),
        "compatible": sum(not c["breaking"] for c in changes),
    }


def summary_line(counts: dict[str, int]) -> str:
    verdict = "BREAKING for facade users" if counts["breaking"] else "no breaking change"
    return (
        f"{verdict}: operations {counts['operations_added']} added, {counts['operations_removed']} removed, "
        f"{counts['operations_changed']} changed; changes {counts['breaking']} breaking, {counts['compatible']} "
        "compatible"
    )


def render(report: list[dict[str, Any]], base_label: str, base_hash: str, head_label: str, head_hash: str) -> str:
    lines = [f"base: {base_label}  {base_hash}", f"head: {head_label}  {head_hash}"]
    if base_hash == head_hash:
        lines.append("the specs are the same")
    for op in report:
        title = op["name"] if op["base_name"] in (None, op["name"]) else f"{op['base_name']} -> {op['name']}"
        lines.append("")
        lines.append(f"{title}  [{op['status']}; {op['operation_id']} {op['path']}]")
        for c in op["changes"]:
            flag = "BREAKING  " if c["breaking"] else "compatible"
            where = "" if c["side"] == "operation" else f"{c['side']} "
            subject = c["path"] if c["side"] != "operation" or c["kind"] in ("behaviour", "docs") else ""
            subject = subject or ("body" if c["side"] != "operation" else "")
            head = f"{where}{c['kind']}" + (f" {subject}" if subject else "")
            lines.append(f"  {flag}  {head}: {c['detail']}")
    lines.append("")
    lines.append(summary_line(summary(report)))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--base", metavar="REF", help="git ref of the old spec (default: origin/main, main or HEAD)")
    source.add_argument("--base-file", metavar="PATH", type=Path, help="the old spec as a file")
    parser.add_argument("--spec", metavar="PATH", type=Path, default=_spec.SPEC, help="the new spec (working tree's)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    try:
        if args.base_file is not None:
            base, base_label = read_file(args.base_file), str(args.base_file)
        else:
            ref = args.base or default_ref()
            base, base_label = read_at_ref(ref), f"{ref}:{SPEC_IN_REPO}"
        head = read_file(args.spec)
        head_label = str(args.spec.relative_to(ROOT)) if args.spec.is_relative_to(ROOT) else str(args.spec)
        report = diff(base, head)
    except (ReadError, _spec.SpecError) as err:
        print(f"spec-diff: {err}", file=sys.stderr)
        return 2
    except RecursionError:  # every walk is bounded; this is the last line, never a traceback and exit 1
        print("spec-diff: a spec is nested too deeply to compare", file=sys.stderr)
        return 2
    base_hash, head_hash = spec_hash(base), spec_hash(head)
    counts = summary(report)
    if args.json:
        document = {
            "base": {"source": base_label, "hash": base_hash},
            "head": {"source": head_label, "hash": head_hash},
            "operations": report,
            "summary": counts,
            "breaking": counts["breaking"] > 0,
        }
        print(json.dumps(document, indent=2, ensure_ascii=False, default=str))
    else:
        print(render(report, base_label, base_hash, head_label, head_hash))
    return 1 if counts["breaking"] else 0


if __name__ == "__main__":
    sys.exit(main())
