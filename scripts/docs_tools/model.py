"""The page model and the report model every stage shares.

A doc page is read into :class:`Page` (its title, method, path, Apidog status, page id and, per side, a
:class:`Body`); a body's fields are :class:`Facts` keyed by their path (``client.phone``,
``operations[].amount``, see "Field names" in the package docstring). The spec's operations are
:class:`SpecOperation` with the same field dictionaries, so page and spec compare key by key.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

PAGE_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".html", ".htm"})
SIDES = ("request", "response")
FIELD_KINDS = ("added", "removed", "required", "type", "format", "limits")
DIFFERS = (*FIELD_KINDS, "status", "doc-status")
DEPRECATED = frozenset({"deprecated", "obsolete", "to-be-deprecated"})
# Apidog's endpoint statuses, as a rendered page shows them between the title and the method.
STATUS_WORDS = frozenset(
    {"released", "developing", "deprecated", "testing", "tested", "designing", "pending", "integrating",
     "exception", "obsolete", "to be deprecated"}
)  # fmt: skip


class SourceError(Exception):
    """A source that cannot be read or recognised; the message is the reason."""


class SpecLoadError(Exception):
    """The spec cannot be read, or one of its x-doc-* keys is malformed."""


@dataclass(frozen=True)
class Facts:
    """What one side (a page or the spec) says about one field."""

    type: str | None  # e.g. "string", "array[object]", "string|null"; None: not stated
    format: str | None
    required: bool
    format_known: bool = True  # False on rendered pages: their format and limits are never compared
    deviation: str | None = None  # the spec's x-doc-deviation on this property: its why
    deviation_kinds: tuple[str, ...] | None = None  # the differences it declares (None: any)
    limits: tuple[str, ...] = ()  # "maxLength=128", "enum=[1000, 2000]"...: what values the schema allows
    # Not compared (sync copies them): the field's description, and its schema as the page or spec states it
    # (``$ref`` resolved at the top; enum, limits, format and any ``x-`` keys as written).
    description: str | None = field(default=None, compare=False)
    schema: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def enum(self) -> list[Any] | None:
        """The values the schema allows, when it lists them."""
        values = (self.schema or {}).get("enum")
        return list(values) if isinstance(values, list) else None


@dataclass(frozen=True)
class RawField:
    """A field as rendered text lists it, before nesting: its name line's indentation and its facts."""

    name: str
    indent: int
    facts: Facts


@dataclass
class Body:
    """The fields one page shows for one side: nested already (Markdown) or still flat (rendered text)."""

    fields: dict[str, Facts] | None = None
    raw: list[RawField] | None = None

    def resolved(self, known: Collection[str]) -> dict[str, Facts]:
        return self.fields if self.fields is not None else nest(self.raw or [], known)

    def count(self) -> int:
        return len(self.fields) if self.fields is not None else len(self.raw or [])


@dataclass
class Page:
    source: str
    form: str  # "markdown" | "rendered"
    title: str
    method: str  # upper case
    path: str
    status: str | None  # Apidog status, lower case, spaces as hyphens
    request: Body | None  # None: the page shows no request body
    response: Body | None  # None: the page shows no 200 answer
    url: str | None = None
    aliases: tuple[str, ...] = ()  # other paths the page may mean (without the servers' base path)
    page_id: str | None = None  # Apidog's page id (``api-<id>``, ``<slug>-<id>e0``), when the address shows it
    document: Mapping[str, Any] | None = field(default=None, repr=False)  # a Markdown page's OpenAPI fragment

    def fields(self, side: str, known: Collection[str] = ()) -> dict[str, Facts] | None:
        """The fields the page shows on ``side`` ("request" | "response"), None when it shows no such body;
        ``known``: the field paths the spec knows, to nest a rendered page's flat list."""
        body: Body | None = getattr(self, side)
        return None if body is None else body.resolved(known)


@dataclass(frozen=True)
class Deviation:
    field: str | None
    differs: str
    why: str
    origin: str  # "operation" | "property"


@dataclass
class SpecOperation:
    method: str
    path: str
    operation_id: str | None
    doc_status: str | None
    doc_page: str | None
    deprecated: bool
    deviations: list[Deviation]
    request: dict[str, Facts]
    response: dict[str, Facts]
    raw: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)  # the operation as written


@dataclass
class Difference:
    kind: str
    field: str | None
    page: str | None
    spec: str | None
    pages: list[str]
    message: str
    why: str | None = None
    declared_in: str | None = None

    def as_json(self) -> dict[str, Any]:
        keys = ("kind", "field", "page", "spec", "pages", "message", "why", "declared_in")
        return {key: getattr(self, key) for key in keys}


# How a field's difference reads in the report, by kind.
FIELD_MESSAGES = {
    "added": "{field}: on the page ({page}), not in the spec",
    "removed": "{field}: in the spec ({spec}), not on the page",
    "required": "{field}: {page} on the page, {spec} in the spec",
    "type": "{field}: type {page} on the page, {spec} in the spec",
    "format": "{field}: format {page} on the page, {spec} in the spec",
    "limits": "{field}: limits {page} on the page, {spec} in the spec",
}


def field_difference(kind: str, name: str, page: str | None, spec: str | None, pages: list[str]) -> Difference:
    return Difference(kind, name, page, spec, pages, FIELD_MESSAGES[kind].format(field=name, page=page, spec=spec))


@dataclass
class OperationReport:
    method: str
    path: str
    operation: SpecOperation | None
    pages: list[Page]
    contributions: dict[str, dict[str, list[str] | None]] = field(default_factory=dict)
    drift: list[Difference] = field(default_factory=list)
    declared: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _alternatives(label: str) -> list[str]:
    """``label`` split at the ``|`` that are not inside brackets."""
    out, depth, current = [], 0, ""
    for char in label:
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "|" and depth == 0:
            out.append(current)
            current = ""
        else:
            current += char
    return [*out, current]


def container_suffix(label: str | None) -> str | None:
    """What a field of this type puts between its name and its children's: "" for an object, "[]" for an
    array (of objects, or of items not shown), None for a field that has no children."""
    for alt in _alternatives(label or ""):
        alt = alt.strip()
        if alt == "object":
            return ""
        if alt == "array":
            return "[]"
        if alt.startswith("array[") and alt.endswith("]"):
            inner = container_suffix(alt[6:-1])
            if inner is not None:
                return "[]" + inner
    return None


def children_prefix(path: str, label: str | None) -> str | None:
    suffix = container_suffix(label)
    return None if suffix is None else f"{path}{suffix}."


def parent_of(path: str) -> str | None:
    """The field a nested field hangs from: ``slot.row`` -> ``slot``, ``items[].id`` -> ``items``."""
    head, dot, _ = path.rpartition(".")
    if not dot:
        return None
    while head.endswith("[]"):
        head = head[:-2]
    return head


def types_match(page: str, spec: str) -> bool:
    """Equal types; ``array`` whose items are not shown matches any array."""
    ours, theirs = set(_alternatives(page)), set(_alternatives(spec))
    if "array" in ours:
        theirs = {"array" if t.startswith("array[") else t for t in theirs}
    if "array" in theirs:
        ours = {"array" if t.startswith("array[") else t for t in ours}
    return ours == theirs


def nest(raw: list[RawField], known: Collection[str]) -> dict[str, Facts]:
    """Paths for the flat field list of a rendered page (see "Nesting" in the module docstring)."""
    out: dict[str, Facts] = {}
    stack: list[tuple[int, str]] = []  # open containers: (indent of their name line, children's prefix)
    indented = len({r.indent for r in raw}) > 1
    for item in raw:
        if indented:
            while stack and stack[-1][0] >= item.indent:
                stack.pop()
        else:
            for depth in range(len(stack), -1, -1):
                prefix = stack[depth - 1][1] if depth else ""
                if prefix + item.name in known:
                    del stack[depth:]
                    break
        path = (stack[-1][1] if stack else "") + item.name
        out.setdefault(path, item.facts)
        child = children_prefix(path, item.facts.type)
        if child is not None:
            stack.append((item.indent, child))
    return out


@dataclass
class Report:
    spec: str
    pages: list[Page]
    operations: list[OperationReport]
    not_checked: list[SpecOperation]
    skipped: list[str]

    @property
    def drift_count(self) -> int:
        return sum(len(op.drift) for op in self.operations)

    @property
    def declared_count(self) -> int:
        return sum(len(op.declared) for op in self.operations)
