"""Compare the vendor's doc pages with openapi/card-api.yaml and report every difference ("drift").

    python scripts/docs_check.py [--json] [--spec PATH] SOURCE...
    python scripts/docs_check.py pull [--base URL] [--cache DIR] [--section NAME]... [--spec PATH] [--json]

``make docs-check`` runs the first form over the saved pages in ``DOCS_CACHE`` (default ``.cache/docs``);
``make docs-pull`` runs the second (network needed): it downloads the Card API pages into that cache,
then checks them.

Sources
-------
A SOURCE is a file, a folder (every ``*.md``, ``*.markdown``, ``*.txt``, ``*.html`` and ``*.htm`` below it,
recursively) or an ``http(s)://`` address (fetched with httpx: 5 s to connect, 20 s to read). A folder that
holds an ``index.json`` written by ``pull`` lends each file its page address for the report. A file that is
an llms.txt index (see below) is skipped with a note: it lists pages, it is not one. Every page is read in
one of two forms, recognised by its content:

* **Apidog Markdown** (the page's address with ``.md`` appended): ``# <title>``, then a section
  ``## OpenAPI Specification`` holding a fenced ``yaml`` block, a whole OpenAPI 3.0 document for the page's
  path(s). Read from it: method, path (``servers[0]``'s path, if any, is tried as a prefix), the request
  body's and the 200 answer's JSON schema (``$ref``, ``allOf``, nested objects and arrays followed), each
  field's type, ``format``, limits (``minLength``, ``maxLength``, ``minimum``, ``maximum``, the exclusive
  bounds, ``pattern``, ``enum``) and required-ness, and the operation's ``x-apidog-status`` (or
  ``deprecated: true``, read as status ``deprecated``).
* **Rendered page text**, as a browser or a search corpus shows it (an ``.html`` file is first turned into
  text). The navigation tree at the top is skipped: the page starts at a line holding only a method
  (``POST``) whose next line is the page's URL (or path); the title is the line before it, and a line
  between them naming an Apidog status (``Developing``, ``Deprecated``, ...) is the page's status (a title
  saying "deprecated" counts too). The request's fields follow "Body Params", the answer's follow the first
  2xx line after "Responses" (e.g. "🟢200Success"); each field is a name line, a type line (``string``,
  ``integer <int64>``, ``array[object]``, ``string | null`` ...) and optionally a ``required`` or
  ``optional`` line; any other line (descriptions, examples, code samples) is passed over. Rendered text
  does not reliably show formats or limits, so **formats and limits are never compared for rendered
  pages**.
  Nesting: when the field name lines are indented differently, deeper lines are the children of the
  object (or array of objects) above them. Flat text (the usual case: indentation is lost) cannot say where
  a nested object ends, so each field is placed under the innermost open object in which the spec knows a
  field of that name, else under the innermost open object. Limitation: a field the spec does not know that
  follows a nested object is reported inside that object.

A page that is neither, an empty or binary file, malformed YAML, or an address that cannot be fetched is
an error (exit 2, with the reason per source).

Field names
-----------
Fields are named by their path from the body: ``client.phone`` (a field of an object),
``operations[].amount`` (a field of the objects in an array), prefixed with the side when a difference is
reported: ``request.client.phone``, ``response.cards[].card_id``. Types are ``string``, ``integer``,
``number``, ``boolean``, ``object``, ``array[<item type>]`` (``array`` when the items are not shown),
alternatives joined by ``|`` with ``null`` last: the spec's 3.1 ``type: [string, "null"]`` and a page's 3.0
``nullable: true`` are both ``string|null``. ``integer`` and ``number`` are different types.

What is compared
----------------
Pages are matched to the spec's operations by method and path; several pages on one path (the docs'
"Request status" and "Transaction request status") are merged: the union of their fields, a field required
only when every page showing that side requires it; the report says which page showed which field. Per
operation, these differences are drift (their ``kind`` in brackets):

* a method and path the spec does not have [``new-operation``];
* a field on the page, not in the spec [``added``]; in the spec, not on the page [``removed``] (a nested
  object missing whole is reported once, not field by field); required-ness, type, format or limits that
  differ [``required``, ``type``, ``format``, ``limits``] (a bound the spec adds for the client's own checks,
  such as a ``maxLength`` on ids, is a difference to declare). A side (request or answer) no page shows,
  and the fields of an object the page shows without its fields, are not checked (said in a note);
* an Apidog status other than ``released`` [``status``]: ``deprecated`` (or ``obsolete``) is drift unless
  the spec marks the operation ``deprecated: true`` (then a note), any other status (``developing``,
  ``testing`` ...) is drift; a spec operation marked ``deprecated: true`` whose page says ``released`` too;
* a doc status the page contradicts [``doc-status``]: ``x-doc-status: documented`` whose pages show no
  request body or no response fields ("claims more than the page shows"); ``partial`` whose pages show
  both, or ``inferred`` when a page exists at all ("claims less");
* a stale declaration (below) [``stale-declaration``].

Spec operations no page was read for are listed under "not checked": that is not drift.

Declaring a deliberate difference (in the spec)
-----------------------------------------------
* On an operation, ``x-doc-deviations``: a list of ``{field: request.card_id | response.cards[].card_id,
  differs: added|removed|required|type|format|limits|status|doc-status, why: "..."}`` (``field`` is left out for
  ``status`` and ``doc-status``).
* On a property schema, ``x-doc-deviation: {differs: limits, why: "..."}`` (``differs`` one kind or a list):
  those differences on that field are declared, any other is still drift (so a bound the spec adds can be
  declared without hiding a later change of required-ness). The plain form ``x-doc-deviation: "why"``
  declares any difference on the field. On a shared component it applies wherever the component is used.

A declared difference is not drift: it is listed under "declared deviations" with its why. A declaration
that matches no difference on a checked side is drift of its own ("stale declaration"), except a
declaration of a format or limits on a field that only rendered pages show: those cannot show it hold or
go, so it gets a note ("not checked"). ``x-doc-page`` is printed with the operation; ``x-doc-status`` is
checked as above.

Exit status and output
----------------------
0: no drift. 1: drift (one line per difference, grouped by operation, then the declared deviations, the
operations not checked, and a total). 2: a source that cannot be read or recognised (the reason per
source), no page at all, or a spec that cannot be read.

``--json`` prints the same report as one JSON object (keys are stable)::

    {"spec": path, "drift": bool,
     "totals": {"pages", "operations_checked", "operations_not_checked", "drift", "declared"},
     "pages": [{"source", "url", "form": "markdown"|"rendered", "title", "method", "path",
                "apidog_status", "request_fields": [path]|null, "response_fields": [path]|null}],
     "operations": [{"method", "path", "operation_id"|null, "doc_status", "doc_page", "deprecated",
                     "pages": [{"source", "title", "request_fields", "response_fields"}],
                     "drift": [difference], "declared": [difference], "notes": [text]}],
     "declared": [difference + {"method", "path"}],
     "not_checked": [{"method", "path", "operation_id", "doc_status", "doc_page"}],
     "skipped": [text]}

    difference = {"kind", "field" (e.g. "request.card_id") | null, "page": text|null, "spec": text|null,
                  "pages": [source], "message": text, "why": text|null, "declared_in": "operation"|"property"|null}

On exit 2 with ``--json`` the output is ``{"errors": [{"source", "reason"}]}``.

Pulling the pages (``pull``)
----------------------------
``pull`` reads ``<base>/llms.txt`` (``--base``, default https://docs.freedompay.kz; ``make docs-pull
DOCS_BASE=...``), an index of the site's pages: Markdown list lines ``- [Title](https://.../page.md):
description``, under ``#`` headings, possibly after a folder path (``Card API > Payment Cards [Title](..)``)
or nested under link-less list items. A page is selected when one of the headings, folders or list items
above it is named like a ``--section`` (default "Payment Cards" and "Gift Cards", case-insensitive), and
its address is an endpoint page (``api-<id>`` or ``<slug>-<id>e0``; Apidog's text pages, ``doc-<id>`` or
``<slug>-<id>m0``, are passed over). Each selected page's ``.md`` is saved as ``api-<id>.md`` in the cache
(written to a temporary file, then renamed), ``llms.txt`` is saved beside them, and ``index.json`` records
per page its file, address, title, trail, fetch time and SHA-256; files an earlier pull saved that are no
longer selected are removed. Then the cache is checked as above and that check's exit status returned.
Without network it fails at once (the host is resolved first, with a 3 s limit) with exit 2.
A source literally named ``pull`` is written ``./pull``.
"""

from __future__ import annotations

import argparse
import hashlib
import html.parser
import json
import os
import re
import socket
import sys
import tempfile
import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

import _spec  # scripts/_spec.py: this script's folder is on sys.path when it runs
import httpx
import yaml

DEFAULT_BASE = "https://docs.freedompay.kz"
DEFAULT_CACHE = _spec.ROOT / ".cache" / "docs"
DEFAULT_SECTIONS = ("Payment Cards", "Gift Cards")
TIMEOUT = httpx.Timeout(20.0, connect=5.0)
RESOLVE_SECONDS = 3.0

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


# ---------------------------------------------------------------------------------------------- model


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


# ---------------------------------------------------------------------------------------------- types


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


def _schema_kinds(schema: Any, document: dict[str, Any], depth: int = 0) -> set[str]:
    schema = _spec.resolve(schema, document)
    if not isinstance(schema, dict) or depth > 10:
        return set()
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
                kinds |= _schema_kinds(part, document, depth + 1)
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


def flatten(schema: Any, document: dict[str, Any], *, format_known: bool = True) -> dict[str, Facts]:
    """Every field of an object schema, nested ones included, by path (see "Field names")."""
    out: dict[str, Facts] = {}

    def walk(node: Any, prefix: str, depth: int) -> None:
        props, required = _spec.object_parts(node, document)
        for name, sub in props.items():
            sub = _spec.resolve(sub, document)
            sub = sub if isinstance(sub, dict) else {}
            path = prefix + name
            label = type_label(sub, document)
            fmt = sub.get("format") if isinstance(sub.get("format"), str) else None
            why, kinds = property_deviation(sub.get("x-doc-deviation"))
            out[path] = Facts(label, fmt, name in required, format_known, why, kinds, schema_limits(sub))
            child = children_prefix(path, label)
            if child is not None and depth < 10:
                walk(_innermost_items(sub, document), child, depth + 1)

    walk(schema, "", 0)
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


# ---------------------------------------------------------------------------------------------- Markdown

_MD_SECTION = re.compile(r"^#{2,3}\s+OpenAPI Specification\s*$", re.MULTILINE | re.IGNORECASE)
_MD_TITLE = re.compile(r"^#\s+(.+?)\s*$", re.MULTILINE)


def _yaml_block(text: str) -> str:
    lines = text.splitlines()
    for start, line in enumerate(lines):
        fence = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence:
            marker = fence.group(1)
            for end in range(start + 1, len(lines)):
                if lines[end].strip().startswith(marker[0] * len(marker)) and not lines[end].strip().strip(marker[0]):
                    return "\n".join(lines[start + 1 : end])
            raise SourceError("the OpenAPI Specification section's code block is not closed")
    raise SourceError("the OpenAPI Specification section holds no fenced yaml block")


def _json_schema(holder: Any) -> Any:
    """The JSON schema of a requestBody or response object (None when it has no JSON content)."""
    content = holder.get("content") if isinstance(holder, dict) else None
    if not isinstance(content, dict):
        return None
    for media, entry in content.items():
        if "json" in str(media) and isinstance(entry, dict):
            return entry.get("schema", {})
    return None


def parse_markdown(text: str, source: str) -> list[Page] | None:
    """The pages of an Apidog Markdown page (one per method and path of its document), None if the text
    has no OpenAPI Specification section."""
    section = _MD_SECTION.search(text)
    if section is None:
        return None
    block = _yaml_block(text[section.end() :])
    try:
        document = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        raise SourceError(
            f"malformed YAML in the OpenAPI Specification section: {' '.join(str(exc).split())}"
        ) from None
    paths = document.get("paths") if isinstance(document, dict) else None
    if not isinstance(paths, dict) or not paths:
        raise SourceError("the OpenAPI Specification section's document has no paths")
    title_match = _MD_TITLE.search(text[: section.start()])
    servers = document.get("servers") or [{}]
    base = urlparse(str(servers[0].get("url", "")) if isinstance(servers[0], dict) else "").path.rstrip("/")
    pages = []
    try:
        for path, item in paths.items():
            for method, op in (item or {}).items():
                if str(method).lower() not in _spec.HTTP_METHODS or not isinstance(op, dict):
                    continue
                request_schema = _json_schema(op.get("requestBody"))
                responses = op.get("responses") or {}
                answer = responses.get("200", responses.get(200))
                response_schema = _json_schema(answer)
                status = op.get("x-apidog-status") or ("deprecated" if op.get("deprecated") is True else None)
                full = base + str(path) if base and not str(path).startswith(base + "/") else str(path)
                pages.append(
                    Page(
                        source=source,
                        form="markdown",
                        title=title_match.group(1) if title_match else str(op.get("summary", "")),
                        method=str(method).upper(),
                        path=full,
                        status=str(status).strip().lower().replace(" ", "-") if status else None,
                        request=None if request_schema is None else Body(fields=flatten(request_schema, document)),
                        response=None if response_schema is None else Body(fields=flatten(response_schema, document)),
                        aliases=(str(path),) if full != str(path) else (),
                    )
                )
    except _spec.SpecError as exc:
        raise SourceError(f"the page's OpenAPI document: {exc}") from None
    if not pages:
        raise SourceError("the OpenAPI Specification section's document has no operation")
    return pages


# ---------------------------------------------------------------------------------------------- rendered text

_NAME = re.compile(r"^[A-Za-z_$@][\w$@.\-]*$")
_URL = re.compile(r"^(https?://\S+|/\S*)$")
_CODE = re.compile(r"^[^\w\s]*\s*([1-5]\d\d)(?:\s*[A-Za-z][A-Za-z ]{0,40})?$")
_TYPE_ALT = re.compile(
    r"^(?:enum\s*<\s*)?(string|integer|number|boolean|object|array|null|any)\s*>?\s*(?:<\s*([^>]*)>)?\s*"
    r"(?:\[(.*)\])?\s*(?:\{\s*\d+\s*\})?$",
    re.IGNORECASE,
)
_REQUEST_END = frozenset(
    {"example", "examples", "request samples", "request example", "request code samples", "responses", "response"}
)
_RESPONSE_END = frozenset({"example", "examples", "previous", "next"})


def parse_type_line(line: str) -> str | None:
    """The type label of a rendered type line (``string <date-time>``, ``array [object {3}]``, ``string |
    null``), None if the line is not one."""
    labels = []
    for alt in re.split(r"\s*(?:\||¦)\s*(?![^\[]*\])", line.strip()):
        match = _TYPE_ALT.match(alt.strip())
        if match is None:
            return None
        kind, inner = match.group(1).lower(), match.group(3)
        if kind == "array" and inner and inner.strip():
            inner_label = parse_type_line(inner)
            if inner_label is None:
                return None
            labels.append(f"array[{inner_label}]")
        elif kind != "any":
            labels.append(kind)
    if not labels:
        return None
    ordered = sorted(set(labels) - {"null"})
    return "|".join([*ordered, *(["null"] if "null" in labels else [])]) or None


def _next_filled(lines: list[str], index: int) -> int | None:
    for i in range(index, len(lines)):
        if lines[i].strip():
            return i
    return None


def _read_fields(lines: list[str], start: int, end: int, stop: frozenset[str], *, codes: bool) -> list[RawField]:
    out: list[RawField] = []
    i = start
    while i < end:
        text = lines[i].strip()
        if text.lower() in stop or (codes and _CODE.match(text)):
            break
        following = _next_filled(lines, i + 1)
        if _NAME.match(text) and following is not None and following < end:
            label = parse_type_line(lines[following])
            if label is not None or lines[following].strip().lower() == "any":
                required = False
                after = _next_filled(lines, following + 1)
                nxt = following + 1
                if after is not None and lines[after].strip().lower() in ("required", "optional"):
                    required = lines[after].strip().lower() == "required"
                    nxt = after + 1
                expanded = lines[i].expandtabs(4)
                indent = len(expanded) - len(expanded.lstrip())
                out.append(RawField(text, indent, Facts(label, None, required, format_known=False)))
                i = nxt
                continue
        i += 1
    return out


def parse_rendered(text: str, source: str) -> Page | None:
    """The page in rendered page text, None if the text has no method line followed by an URL."""
    lines = text.splitlines()
    head = None
    for i, line in enumerate(lines):
        word = line.strip()
        if word.lower() in _spec.HTTP_METHODS and word.isupper():
            j = _next_filled(lines, i + 1)
            if j is not None and _URL.match(lines[j].strip()):
                head = (i, j)
                break
    if head is None:
        return None
    method_at, url_at = head
    title, status = "", None
    for k in range(method_at - 1, -1, -1):
        text_k = lines[k].strip()
        if not text_k:
            continue
        if text_k.lower() in STATUS_WORDS:
            status = status or text_k.lower().replace(" ", "-")
            continue
        title = text_k
        break
    if status is None and re.search(r"deprec|depric", title, re.IGNORECASE):
        status = "deprecated"
    address = lines[url_at].strip()
    path = urlparse(address).path if address.startswith("http") else address.split("?")[0]
    body = lines[url_at + 1 :]
    responses_at = next((i for i, s in enumerate(body) if s.strip().lower() == "responses"), None)
    request_end = len(body) if responses_at is None else responses_at
    params_at = next((i for i in range(request_end) if body[i].strip().lower().startswith("body params")), None)
    request = None
    if params_at is not None:
        request = Body(raw=_read_fields(body, params_at + 1, request_end, _REQUEST_END, codes=False))
    response = None
    if responses_at is not None:
        ok_at = next(
            (i for i in range(responses_at + 1, len(body)) if (m := _CODE.match(body[i].strip())) and m[1][0] == "2"),
            None,
        )
        if ok_at is not None:
            response = Body(raw=_read_fields(body, ok_at + 1, len(body), _RESPONSE_END, codes=True))
    return Page(source, "rendered", title, lines[method_at].strip(), path, status, request, response)


class _TextOfHtml(html.parser.HTMLParser):
    """The visible text of an HTML page, a line per block element."""

    BLOCKS = frozenset(
        {"p", "div", "li", "ul", "ol", "br", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section",
         "article", "header", "footer", "pre", "table", "dt", "dd", "nav", "aside", "main", "label", "button"}
    )  # fmt: skip
    HIDDEN = frozenset({"script", "style", "noscript", "svg", "template", "head"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------------------------------- llms.txt

_LINK_LINE = re.compile(r"^(\s*)[-*+]\s+(.*?)\[([^\]]+)\]\(\s*([^)\s]+)\s*\)\s*(?::\s*(.*))?$")
_LABEL_LINE = re.compile(r"^(\s*)[-*+]\s+([^\[\]]+?)\s*:?\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class IndexEntry:
    title: str
    url: str
    trail: tuple[str, ...]  # headings, list items and folders above the link, outermost first
    description: str


def parse_llms(text: str, base: str) -> list[IndexEntry]:
    """The page links of an llms.txt index, each with the trail of headings and folders above it."""
    entries: list[IndexEntry] = []
    headings: list[tuple[int, str]] = []
    labels: list[tuple[int, str]] = []
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            headings = [*(h for h in headings if h[0] < level), (level, heading.group(2))]
            labels = []
            continue
        link = _LINK_LINE.match(line)
        if link:
            indent = len(link.group(1).expandtabs(4))
            labels = [item for item in labels if item[0] < indent]
            folders = [part.strip() for part in re.split(r"[>/»›]", link.group(2)) if part.strip()]
            trail = (*(h[1] for h in headings), *(item[1] for item in labels), *folders)
            url = urljoin(base.rstrip("/") + "/", link.group(4))
            entries.append(IndexEntry(link.group(3).strip(), url, trail, (link.group(5) or "").strip()))
            continue
        label = _LABEL_LINE.match(line)
        if label:
            indent = len(label.group(1).expandtabs(4))
            labels = [*(item for item in labels if item[0] < indent), (indent, label.group(2))]
    return entries


def endpoint_id(url: str) -> str | None:
    """The id of an Apidog endpoint page's address (``api-123``, ``some-slug-123e0``), None for a text page."""
    name = unquote(urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]).removesuffix(".md")
    match = re.fullmatch(r"api-(\d+)", name) or re.fullmatch(r"(?:.*-)?(\d+)e0", name)
    return match.group(1) if match else None


def _normal(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


def select(
    entries: Iterable[IndexEntry], sections: Iterable[str]
) -> tuple[list[tuple[IndexEntry, str]], list[IndexEntry]]:
    """The endpoint pages under one of ``sections`` (with their id), and the other entries of those sections."""
    wanted = {_normal(s) for s in sections}
    chosen: dict[str, IndexEntry] = {}
    passed_over = []
    for entry in entries:
        if not wanted & {_normal(part) for part in entry.trail}:
            continue
        page_id = endpoint_id(entry.url)
        if page_id is None:
            passed_over.append(entry)
        else:
            chosen.setdefault(page_id, entry)
    return [(entry, page_id) for page_id, entry in chosen.items()], passed_over


# ---------------------------------------------------------------------------------------------- sources


def _pages_of_text(text: str, source: str, *, is_html: bool) -> tuple[list[Page], str | None]:
    """The pages in one source's text, or a note saying why it is skipped; SourceError if unrecognised."""
    if not text.strip():
        raise SourceError("empty")
    if is_html:
        page = parse_rendered(html_to_text(text), source)
        if page is None:
            raise SourceError("an HTML page without a method line followed by the page's URL: not a doc page")
        return [page], None
    pages = parse_markdown(text, source)
    if pages is not None:
        return pages, None
    page = parse_rendered(text, source)
    if page is not None:
        return [page], None
    links = parse_llms(text, "https://index.invalid")
    if links and not text.lstrip().startswith("{"):
        return [], f"{source}: an llms.txt index of {len(links)} pages, not a page (skipped)"
    raise SourceError(
        "not recognised: neither an Apidog Markdown page (no '## OpenAPI Specification' section) nor rendered "
        "page text (no line holding a method followed by the page's URL)"
    )


def _looks_like_html(text: str) -> bool:
    return bool(re.match(r"\s*(<!doctype html|<html\b)", text, re.IGNORECASE))


def _read_file(path: Path) -> tuple[list[Page], str | None]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from None
    if b"\x00" in data:
        raise SourceError("a binary file, not a doc page")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError("not UTF-8 text") from None
    html_file = path.suffix.lower() in (".html", ".htm") or _looks_like_html(text)
    return _pages_of_text(text, str(path), is_html=html_file)


def fetch_text(url: str, client: httpx.Client) -> tuple[str, bytes, str]:
    """The text, the bytes and the content type at ``url``; SourceError with the reason otherwise."""
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        raise SourceError(f"cannot fetch: {type(exc).__name__}: {exc}") from None
    if response.status_code != 200:
        raise SourceError(f"cannot fetch: HTTP {response.status_code}")
    try:
        text = response.content.decode(response.encoding or "utf-8")
    except (UnicodeDecodeError, LookupError):
        raise SourceError("the answer is not text") from None
    return text, response.content, response.headers.get("content-type", "")


def _client(transport: httpx.BaseTransport | None) -> httpx.Client:
    headers = {"User-Agent": "freedompay-cards docs_check (+make docs-check)"}
    return httpx.Client(timeout=TIMEOUT, follow_redirects=True, transport=transport, headers=headers)


def _folder_urls(folder: Path) -> dict[Path, str]:
    """File -> page address, from the index.json ``pull`` writes (nothing if there is none)."""
    try:
        index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        return {(folder / p["file"]).resolve(): str(p["url"]) for p in index.get("pages", [])}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def read_sources(
    sources: Iterable[str], transport: httpx.BaseTransport | None = None
) -> tuple[list[Page], list[str], list[tuple[str, str]]]:
    """Every page of the sources, the notes on skipped files, and the (source, reason) of each error."""
    pages: list[Page] = []
    notes: list[str] = []
    errors: list[tuple[str, str]] = []

    def take(found: tuple[list[Page], str | None], url: str | None = None) -> None:
        for page in found[0]:
            page.url = page.url or url
        pages.extend(found[0])
        if found[1]:
            notes.append(found[1])

    for source in sources:
        try:
            if re.match(r"https?://", source, re.IGNORECASE):
                with _client(transport) as client:
                    text, _, content_type = fetch_text(source, client)
                is_html = "html" in content_type.lower() or _looks_like_html(text)
                take(_pages_of_text(text, source, is_html=is_html), source)
                continue
            path = Path(source)
            if path.is_dir():
                files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES)
                if not files:
                    raise SourceError(
                        "the folder holds no pages (*.md, *.txt, *.html); `make docs-pull` fills the default cache"
                    )
                urls = _folder_urls(path)
                for file in files:
                    try:
                        take(_read_file(file), urls.get(file.resolve()))
                    except SourceError as exc:
                        errors.append((str(file), str(exc)))
            elif path.exists():
                take(_read_file(path))
            else:
                raise SourceError("no such file or folder")
        except SourceError as exc:
            errors.append((source, str(exc)))
    return pages, notes, errors


# ---------------------------------------------------------------------------------------------- the spec


class SpecLoadError(Exception):
    """The spec cannot be read, or one of its x-doc-* keys is malformed."""


def _deviations(value: Any, where: str) -> list[Deviation]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SpecLoadError(f"{where}: x-doc-deviations must be a list")
    out = []
    for entry in value:
        if not isinstance(entry, dict):
            raise SpecLoadError(f"{where}: each x-doc-deviations entry is a mapping (field, differs, why)")
        differs, why, name = entry.get("differs"), entry.get("why"), entry.get("field")
        if differs not in DIFFERS:
            raise SpecLoadError(f"{where}: x-doc-deviations 'differs' must be one of {', '.join(DIFFERS)}")
        if not isinstance(why, str) or not why.strip():
            raise SpecLoadError(f"{where}: x-doc-deviations entry for {name or differs} has no 'why'")
        if differs in FIELD_KINDS and not (isinstance(name, str) and re.match(r"^(request|response)\.\S", name)):
            raise SpecLoadError(f"{where}: x-doc-deviations 'field' must read request.<path> or response.<path>")
        out.append(Deviation(name if differs in FIELD_KINDS else None, differs, why.strip(), "operation"))
    return out


def _spec_schema(holder: Any, *keys: Any) -> Any:
    node = holder
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key, node.get(int(key)) if isinstance(key, str) and key.isdigit() else None)
    return _json_schema(node)


def load_spec(path: Path) -> list[SpecOperation]:
    try:
        document = _spec.load(path)
    except (OSError, _spec.SpecError) as exc:
        raise SpecLoadError(f"cannot read the spec {path}: {' '.join(str(exc).split())}") from None
    operations = []
    try:
        for route, item in (document.get("paths") or {}).items():
            for method, op in (item or {}).items():
                if method not in _spec.HTTP_METHODS or not isinstance(op, dict):
                    continue
                where = f"{method.upper()} {route}"
                request = _json_schema(op.get("requestBody"))
                response = _spec_schema(op.get("responses"), "200")
                operations.append(
                    SpecOperation(
                        method=method.upper(),
                        path=route,
                        operation_id=op.get("operationId"),
                        doc_status=op.get("x-doc-status"),
                        doc_page=op.get("x-doc-page"),
                        deprecated=op.get("deprecated") is True,
                        deviations=_deviations(op.get("x-doc-deviations"), where),
                        request={} if request is None else flatten(request, document),
                        response={} if response is None else flatten(response, document),
                    )
                )
    except _spec.SpecError as exc:
        raise SpecLoadError(f"the spec {path}: {exc}") from None
    return operations


# ---------------------------------------------------------------------------------------------- comparing


@dataclass
class _Merged:
    """One field as all the pages of an operation show it."""

    types: set[str]
    formats: set[str | None]
    format_known: bool
    required: bool
    pages: list[str]
    limits: set[tuple[str, ...]] | None = None  # per page that states its schema (Markdown)

    def label(self) -> str:
        return " / ".join(sorted(self.types)) or "type not shown"


def _merge(per_page: list[tuple[Page, dict[str, Facts]]]) -> dict[str, _Merged]:
    merged: dict[str, _Merged] = {}
    for page, fields in per_page:
        for path, facts in fields.items():
            entry = merged.setdefault(path, _Merged(set(), set(), False, True, []))
            if facts.type:
                entry.types.add(facts.type)
            if facts.format_known:
                entry.formats.add(facts.format)
                entry.format_known = True
                entry.limits = (entry.limits or set()) | {facts.limits}
            entry.required = entry.required and facts.required
            entry.pages.append(page.source)
    # Required only where every page that shows the field's parent (the body, for a top-level field)
    # shows the field as required: the pages may describe different answers of one path.
    for path, entry in merged.items():
        parent = parent_of(path)
        showing_parent = len(per_page) if parent is None or parent not in merged else len(merged[parent].pages)
        entry.required = entry.required and len(entry.pages) == showing_parent
    return merged


def _describe(facts: Facts) -> str:
    fmt = f" <{facts.format}>" if facts.format else ""
    return f"{facts.type or 'type not stated'}{fmt}, {'required' if facts.required else 'optional'}"


def _compare_side(
    side: str, merged: dict[str, _Merged], spec_fields: dict[str, Facts], report: OperationReport
) -> tuple[list[Difference], set[str]]:
    """Differences on one side, and the spec fields that could not be checked (under an object whose
    fields the page does not show, or whose parent is missing or of another type on the page)."""
    diffs: list[Difference] = []
    unchecked: set[str] = set()
    opaque = {
        path
        for path, entry in merged.items()
        if any(
            (prefix := children_prefix(path, t)) is not None and not any(p.startswith(prefix) for p in merged)
            for t in entry.types or {"object"}
            if container_suffix(t) is not None
        )
    }
    hidden: dict[str, int] = {}
    for path, facts in spec_fields.items():
        if path in merged:
            continue
        parent = parent_of(path)
        if parent is not None and (parent not in merged or parent in opaque or not _is_container(merged[parent])):
            unchecked.add(path)
            if parent in opaque:
                hidden[parent] = hidden.get(parent, 0) + 1
            continue
        diffs.append(field_difference("removed", f"{side}.{path}", None, _describe(facts), []))
    for parent, count in hidden.items():
        report.notes.append(
            f"the page shows no fields of {side}.{parent}: the spec's {count} field(s) under it are not checked"
        )
    for path, entry in merged.items():
        spec = spec_fields.get(path)
        if spec is None:
            parent = parent_of(path)
            if parent is not None and (parent not in spec_fields or container_suffix(spec_fields[parent].type) is None):
                continue  # reported with its parent (added, or of another type)
            nested = sum(1 for p in merged if p.startswith(f"{path}.") or p.startswith(f"{path}["))
            more = f"; {nested} nested field(s)" if nested else ""
            shown = f"{entry.label()}, {'required' if entry.required else 'optional'}"
            diffs.append(field_difference("added", f"{side}.{path}", shown + more, None, entry.pages))
            continue
        name = f"{side}.{path}"
        if entry.required != spec.required:
            page_says, spec_says = ("required", "optional") if entry.required else ("optional", "required")
            diffs.append(field_difference("required", name, page_says, spec_says, entry.pages))
        if len(entry.types) > 1:
            report.notes.append(f"the pages disagree on the type of {name}: {entry.label()}")
        if entry.types and spec.type and not any(types_match(t, spec.type) for t in entry.types):
            diffs.append(field_difference("type", name, entry.label(), spec.type, entry.pages))
        if entry.format_known and spec.format not in entry.formats:
            page_fmt = " / ".join(sorted(f or "none" for f in entry.formats))
            diffs.append(field_difference("format", name, page_fmt, spec.format or "none", entry.pages))
        if entry.limits is not None and spec.limits not in entry.limits:
            page_limits = " / ".join(sorted(", ".join(lim) or "none" for lim in entry.limits))
            diffs.append(field_difference("limits", name, page_limits, ", ".join(spec.limits) or "none", entry.pages))
    return diffs, unchecked


def _is_container(entry: _Merged) -> bool:
    return not entry.types or any(container_suffix(t) is not None for t in entry.types)


def _status_differences(op: SpecOperation, pages: list[Page], report: OperationReport) -> list[Difference]:
    by_status: dict[str, list[Page]] = {}
    for page in pages:
        if page.status:
            by_status.setdefault(page.status, []).append(page)
    diffs = []
    for status, group in by_status.items():
        titles = ", ".join(repr(p.title) for p in group)
        if status in DEPRECATED and op.deprecated:
            report.notes.append(f"{status} on the page ({titles}) and deprecated in the spec")
            continue
        if status in DEPRECATED:
            spec_says, message = "not deprecated", "; the spec does not mark the operation deprecated"
        elif status != "released":
            spec_says, message = "released", ", not released"
        else:
            continue
        diffs.append(
            Difference(
                "status",
                None,
                status,
                spec_says,
                [p.source for p in group],
                f"page {titles} is {status} (Apidog status){message}",
            )
        )
    if op.deprecated and "released" in by_status and not DEPRECATED & set(by_status):
        sources = [p.source for p in by_status["released"]]
        message = "the spec marks the operation deprecated; the page is released"
        diffs.append(Difference("status", None, "released", "deprecated", sources, message))
    return diffs


def _doc_status_difference(op: SpecOperation, pages: list[Page]) -> Difference | None:
    """The page shows the request and the response: ``documented``; less: ``partial``; no page: ``inferred``."""
    request_shown = any(p.request is not None for p in pages)
    response_shown = any(p.response is not None and p.response.count() > 0 for p in pages)
    shows = "documented" if request_shown and response_shown else "partial"
    lacks = [
        what for what, shown in (("request body", request_shown), ("response fields", response_shown)) if not shown
    ]
    detail = f"no {' and no '.join(lacks)}" if lacks else "request and response"
    claim = op.doc_status
    if claim == "documented" and shows == "partial":
        message = f"x-doc-status documented claims more than the page shows ({detail})"
    elif (claim == "partial" and shows == "documented") or claim == "inferred":
        message = f"x-doc-status {claim} claims less than the page shows (a page with {detail})"
    else:
        return None
    return Difference("doc-status", None, shows, claim, [p.source for p in pages], message)


def compare_operation(op: SpecOperation, pages: list[Page]) -> OperationReport:
    report = OperationReport(op.method, op.path, op, pages)
    report.contributions = {p.source: {"request_fields": None, "response_fields": None} for p in pages}
    diffs: list[Difference] = []
    shown: dict[str, set[str]] = {}  # side -> the spec paths of that side that were checked
    format_shown: dict[str, set[str]] = {}  # side -> the paths some page states a format and limits for
    for side in SIDES:
        spec_fields: dict[str, Facts] = getattr(op, side)
        per_page = [(p, body.resolved(spec_fields.keys())) for p in pages if (body := getattr(p, side)) is not None]
        if not per_page:
            if spec_fields:
                report.notes.append(
                    f"no page shows the {side}: the spec's {len(spec_fields)} {side} field(s) are not checked"
                )
            continue
        for page, fields in per_page:
            report.contributions[page.source][f"{side}_fields"] = list(fields)
        merged = _merge(per_page)
        side_diffs, unchecked = _compare_side(side, merged, spec_fields, report)
        diffs += side_diffs
        shown[side] = set(spec_fields) - unchecked
        format_shown[side] = {path for path, entry in merged.items() if entry.format_known}
    diffs += _status_differences(op, pages, report)
    doc_status = _doc_status_difference(op, pages)
    if doc_status is not None:
        diffs.append(doc_status)
    _apply_declarations(op, diffs, shown, format_shown, report)
    return report


# Kinds of difference only a page that states formats and limits (Markdown) can show: a declaration of
# these is not checked against rendered text alone, which never compares them.
_FORMAT_KINDS = frozenset({"format", "limits"})


def _apply_declarations(
    op: SpecOperation,
    diffs: list[Difference],
    shown: dict[str, set[str]],
    format_shown: dict[str, set[str]],
    report: OperationReport,
) -> None:
    used: set[int] = set()
    by_property = {
        f"{side}.{path}": (facts.deviation, facts.deviation_kinds)
        for side in SIDES
        for path, facts in getattr(op, side).items()
        if facts.deviation
    }
    declared_properties: set[str] = set()
    for diff in diffs:
        match = next(
            (
                i
                for i, dev in enumerate(op.deviations)
                if dev.differs == diff.kind and (dev.field is None or dev.field == diff.field)
            ),
            None,
        )
        if match is not None:
            used.add(match)
            diff.why, diff.declared_in = op.deviations[match].why, "operation"
            report.declared.append(diff)
        elif (
            diff.field in by_property
            and diff.kind != "added"
            and (by_property[diff.field][1] is None or diff.kind in by_property[diff.field][1])
        ):
            declared_properties.add(diff.field)
            diff.why, diff.declared_in = by_property[diff.field][0], "property"
            report.declared.append(diff)
        else:
            report.drift.append(diff)
    for i, dev in enumerate(op.deviations):
        if i in used:
            continue
        side = dev.field.split(".", 1)[0] if dev.field else None
        if side is not None and side not in shown:
            report.notes.append(
                f"declared deviation on {dev.field} ({dev.differs}) not checked: no page shows the {side}"
            )
            continue
        if side is not None and dev.differs in _FORMAT_KINDS and _unformatted(dev.field, format_shown):
            report.notes.append(
                f"declared deviation on {dev.field} ({dev.differs}) not checked: no page read states its "
                "format and limits (rendered text never shows them reliably)"
            )
            continue
        what = f"{dev.field} differs: {dev.differs}" if dev.field else f"differs: {dev.differs}"
        report.drift.append(
            Difference(
                "stale-declaration",
                dev.field,
                None,
                dev.differs,
                [],
                f"stale declaration in x-doc-deviations ({what}; why: {dev.why}): no such difference any more",
                why=dev.why,
                declared_in="operation",
            )
        )
    for name, (why, kinds) in by_property.items():
        side, path = name.split(".", 1)
        if name in declared_properties or path not in shown.get(side, set()):
            continue
        if kinds is not None and set(kinds) <= _FORMAT_KINDS and _unformatted(name, format_shown):
            report.notes.append(
                f"declared deviation on {name} ({', '.join(sorted(kinds))}) not checked: no page read states "
                "its format and limits (rendered text never shows them reliably)"
            )
            continue
        report.drift.append(
            Difference(
                "stale-declaration",
                name,
                None,
                "any",
                [],
                f"stale declaration: x-doc-deviation on {name} (why: {why}), but the page agrees with the spec",
                why=why,
                declared_in="property",
            )
        )


def _unformatted(field: str | None, format_shown: dict[str, set[str]]) -> bool:
    """True when no page read states the format and limits of ``field`` ("side.path")."""
    if field is None:
        return False
    side, path = field.split(".", 1)
    return path not in format_shown.get(side, set())


def new_operation(method: str, path: str, pages: list[Page]) -> OperationReport:
    report = OperationReport(method, path, None, pages)
    report.contributions = {
        p.source: {f"{side}_fields": None if getattr(p, side) is None else list(getattr(p, side).resolved(()))
                   for side in SIDES}
        for p in pages
    }  # fmt: skip
    titles = ", ".join(repr(p.title) for p in pages)
    counts = [max((b.count() for p in pages if (b := getattr(p, side)) is not None), default=0) for side in SIDES]
    report.drift.append(
        Difference(
            "new-operation",
            None,
            f"{method} {path}",
            None,
            [p.source for p in pages],
            f"new operation in the docs: {method} {path} is not in the spec (page {titles}: "
            f"{counts[0]} request field(s), {counts[1]} response field(s))",
        )
    )
    return report


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


def build_report(spec_path: str, operations: list[SpecOperation], pages: list[Page], skipped: list[str]) -> Report:
    index = {(op.method, op.path): op for op in operations}
    groups: dict[tuple[str, str], list[Page]] = {}
    for page in pages:
        key = (page.method, page.path)
        for alias in page.aliases:
            if key not in index and (page.method, alias) in index:
                key = (page.method, alias)
        groups.setdefault(key, []).append(page)
    reports = [
        compare_operation(op, groups[(op.method, op.path)]) for op in operations if (op.method, op.path) in groups
    ]
    reports += [new_operation(m, p, group) for (m, p), group in sorted(groups.items()) if (m, p) not in index]
    not_checked = [op for op in operations if (op.method, op.path) not in groups]
    return Report(spec_path, pages, reports, not_checked, skipped)


# ---------------------------------------------------------------------------------------------- output


def report_json(report: Report) -> dict[str, Any]:
    def page_json(page: Page) -> dict[str, Any]:
        known: Collection[str] = ()
        op = next((r.operation for r in report.operations if page in r.pages and r.operation), None)
        return {
            "source": page.source,
            "url": page.url,
            "form": page.form,
            "title": page.title,
            "method": page.method,
            "path": page.path,
            "apidog_status": page.status,
            **{
                f"{side}_fields": None
                if (body := getattr(page, side)) is None
                else list(body.resolved(getattr(op, side).keys() if op else known))
                for side in SIDES
            },
        }

    operations = []
    declared = []
    for op_report in report.operations:
        op = op_report.operation
        operations.append(
            {
                "method": op_report.method,
                "path": op_report.path,
                "operation_id": op.operation_id if op else None,
                "doc_status": op.doc_status if op else None,
                "doc_page": op.doc_page if op else None,
                "deprecated": op.deprecated if op else False,
                "pages": [
                    {"source": p.source, "title": p.title, **op_report.contributions.get(p.source, {})}
                    for p in op_report.pages
                ],
                "drift": [d.as_json() for d in op_report.drift],
                "declared": [d.as_json() for d in op_report.declared],
                "notes": op_report.notes,
            }
        )
        declared += [{"method": op_report.method, "path": op_report.path, **d.as_json()} for d in op_report.declared]
    return {
        "spec": report.spec,
        "drift": report.drift_count > 0,
        "totals": {
            "pages": len(report.pages),
            "operations_checked": sum(1 for r in report.operations if r.operation),
            "operations_not_checked": len(report.not_checked),
            "drift": report.drift_count,
            "declared": report.declared_count,
        },
        "pages": [page_json(p) for p in report.pages],
        "operations": operations,
        "declared": declared,
        "not_checked": [
            {
                "method": op.method,
                "path": op.path,
                "operation_id": op.operation_id,
                "doc_status": op.doc_status,
                "doc_page": op.doc_page,
            }
            for op in report.not_checked
        ],
        "skipped": report.skipped,
    }


def _fields_text(fields: list[str] | None) -> str:
    if fields is None:
        return "not shown"
    return ", ".join(fields) if fields else "no fields"


def report_text(report: Report) -> str:
    out = [f"docs-check: {len(report.pages)} page(s) against {report.spec}", ""]
    for op_report in report.operations:
        op = op_report.operation
        if op is None:
            out.append(f"{op_report.method} {op_report.path}  (not in the spec)")
        else:
            deprecated = ", deprecated" if op.deprecated else ""
            out.append(f"{op.method} {op.path}  {op.operation_id}  [{op.doc_status or 'no x-doc-status'}{deprecated}]")
            if op.doc_page:
                out.append(f"    x-doc-page: {op.doc_page}")
        for page in op_report.pages:
            where = f" <{page.url}>" if page.url else ""
            status = page.status or "status not shown"
            got = op_report.contributions.get(page.source, {})
            out.append(f"    page {page.source}{where} {page.title!r} ({page.form}, {status})")
            out.append(f"      request: {_fields_text(got.get('request_fields'))}")
            out.append(f"      response: {_fields_text(got.get('response_fields'))}")
        out += [f"  - {d.message}" + (f"  [{', '.join(d.pages)}]" if len(d.pages) > 1 else "") for d in op_report.drift]
        if not op_report.drift:
            out.append("  no drift")
        out += [f"    note: {note}" for note in op_report.notes]
        if op_report.declared:
            out.append(f"    ({len(op_report.declared)} declared deviation(s), listed below)")
        out.append("")
    declared = [(r, d) for r in report.operations for d in r.declared]
    if declared:
        out.append("Declared deviations (in the spec; not counted as drift):")
        out += [f"  {r.method} {r.path}: {d.message} -- why: {d.why} ({d.declared_in})" for r, d in declared]
        out.append("")
    if report.not_checked:
        out.append("Not checked (no page among the sources):")
        for op in report.not_checked:
            page = f"  x-doc-page: {op.doc_page}" if op.doc_page else ""
            out.append(f"  {op.method} {op.path}  {op.operation_id}  [{op.doc_status or 'no x-doc-status'}]{page}")
        out.append("")
    if report.skipped:
        out += [f"Skipped: {note}" for note in report.skipped] + [""]
    with_drift = sum(1 for r in report.operations if r.drift)
    checked = sum(1 for r in report.operations if r.operation)
    head = (
        f"Total: {report.drift_count} difference(s) in {with_drift} operation(s)"
        if report.drift_count
        else "Total: no drift"
    )
    out.append(
        f"{head}; {report.declared_count} declared deviation(s); {len(report.pages)} page(s) read; "
        f"{checked} operation(s) checked, {len(report.not_checked)} not checked."
    )
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- commands


def check(sources: list[str], spec_path: Path, *, as_json: bool, transport: httpx.BaseTransport | None = None) -> int:
    try:
        operations = load_spec(spec_path)
    except SpecLoadError as exc:
        return _fail([(str(spec_path), str(exc))], as_json)
    pages, skipped, errors = read_sources(sources, transport)
    if errors:
        return _fail(errors, as_json)
    if not pages:
        return _fail([(", ".join(sources), "no doc page among the sources")], as_json)
    report = build_report(str(spec_path), operations, pages, skipped)
    print(json.dumps(report_json(report), indent=2, ensure_ascii=False) if as_json else report_text(report))
    return 1 if report.drift_count else 0


def _fail(errors: list[tuple[str, str]], as_json: bool) -> int:
    for source, reason in errors:
        print(f"docs_check: {source}: {reason}", file=sys.stderr)
    if as_json:
        print(json.dumps({"errors": [{"source": s, "reason": r} for s, r in errors]}, indent=2, ensure_ascii=False))
    return 2


def host_problem(host: str, port: int, seconds: float = RESOLVE_SECONDS) -> str | None:
    """Why ``host`` cannot be resolved (None if it can), waiting at most ``seconds`` for the resolver."""
    outcome: dict[str, str] = {}

    def resolve() -> None:
        try:
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            outcome["error"] = str(exc)

    worker = threading.Thread(target=resolve, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        return f"no answer from the name resolver within {seconds:.0f} s"
    return outcome.get("error")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def pull(
    base: str,
    cache: Path,
    sections: list[str],
    spec_path: Path,
    *,
    as_json: bool,
    transport: httpx.BaseTransport | None = None,
) -> int:
    """Fetch the Card API pages listed by ``<base>/llms.txt`` into ``cache``, then check them."""
    base = base.rstrip("/")
    index_url = f"{base}/llms.txt"
    parsed = urlparse(base)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        print(f"docs-pull: --base must be an http(s) address, not {base!r}", file=sys.stderr)
        return 2
    if transport is None:
        problem = host_problem(parsed.hostname, parsed.port or (443 if parsed.scheme == "https" else 80))
        if problem:
            print(
                f"docs-pull: cannot reach {parsed.hostname} ({problem}). docs-pull needs the network; "
                f"`make docs-check` checks the pages already saved in {cache}.",
                file=sys.stderr,
            )
            return 2
    with _client(transport) as client:
        try:
            index_text, index_bytes, _ = fetch_text(index_url, client)
        except SourceError as exc:
            print(f"docs-pull: {index_url}: {exc} (does the site publish llms.txt?)", file=sys.stderr)
            return 2
        entries = parse_llms(index_text, base)
        chosen, passed_over = select(entries, sections)
        if not chosen:
            seen = sorted({part for entry in entries for part in entry.trail})
            print(
                f"docs-pull: {index_url} lists {len(entries)} page(s), none an endpoint page under "
                f"{' or '.join(map(repr, sections))}; headings and folders seen: {', '.join(seen) or 'none'}",
                file=sys.stderr,
            )
            return 2
        fetched: list[tuple[IndexEntry, str, bytes, str]] = []
        failures = []
        for entry, page_id in chosen:
            url = entry.url if urlparse(entry.url).path.endswith(".md") else entry.url + ".md"
            try:
                _, data, _ = fetch_text(url, client)
            except SourceError as exc:
                failures.append(f"{url}: {exc}")
                continue
            fetched.append((entry, page_id, data, url))
    if failures:
        print(
            "docs-pull: " + "\n  ".join(["some pages could not be fetched (nothing written):", *failures]),
            file=sys.stderr,
        )
        return 2
    cache.mkdir(parents=True, exist_ok=True)
    earlier = {str(p.get("file")) for p in _read_index(cache).get("pages", []) if isinstance(p, dict)}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    records = []
    for entry, page_id, data, url in fetched:
        name = f"api-{page_id}.md"
        write_atomic(cache / name, data)
        records.append(
            {"file": name, "url": url, "title": entry.title, "trail": list(entry.trail), "fetched_at": now,
             "sha256": hashlib.sha256(data).hexdigest()}
        )  # fmt: skip
    write_atomic(cache / "llms.txt", index_bytes)
    for name in sorted(earlier - {r["file"] for r in records}):
        stale = cache / name
        if stale.parent == cache and stale.suffix == ".md":
            stale.unlink(missing_ok=True)
            print(f"docs-pull: removed {stale} (no longer listed)", file=sys.stderr)
    index = {"base": base, "llms_txt": index_url, "fetched_at": now, "sections": sections, "pages": records}
    write_atomic(cache / "index.json", (json.dumps(index, indent=2, ensure_ascii=False) + "\n").encode())
    print(
        f"docs-pull: {len(records)} page(s) saved in {cache} from {index_url} "
        f"({len(passed_over)} text page(s) of those sections passed over)",
        file=sys.stderr,
    )
    return check([str(cache)], spec_path, as_json=as_json, transport=transport)


def _read_index(cache: Path) -> dict[str, Any]:
    try:
        index = json.loads((cache / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return index if isinstance(index, dict) else {}


def main(argv: list[str] | None = None, *, transport: httpx.BaseTransport | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    summary = (__doc__ or "").split("\n\n")[0]
    if args_in[:1] == ["pull"]:
        parser = argparse.ArgumentParser(
            prog="docs_check.py pull", description="Fetch the Card API pages, then check them."
        )
        parser.add_argument("--base", default=DEFAULT_BASE, help=f"the docs site (default {DEFAULT_BASE})")
        parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the pages are saved")
        parser.add_argument(
            "--section",
            action="append",
            help=f"an llms.txt section to take (repeatable; default: {', '.join(DEFAULT_SECTIONS)})",
        )
        parser.add_argument("--spec", type=Path, default=_spec.SPEC)
        parser.add_argument("--json", action="store_true", help="print the check's report as JSON")
        args = parser.parse_args(args_in[1:])
        sections = args.section or list(DEFAULT_SECTIONS)
        return pull(args.base, args.cache, sections, args.spec, as_json=args.json, transport=transport)
    parser = argparse.ArgumentParser(prog="docs_check.py", description=summary)
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="a page file, a folder of pages, or an URL")
    parser.add_argument("--spec", type=Path, default=_spec.SPEC, help="the spec (default openapi/card-api.yaml)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(args_in)
    return check(args.sources, args.spec, as_json=args.json, transport=transport)


if __name__ == "__main__":
    sys.exit(main())
