"""docs-sync: apply what the vendor's pages say to openapi/card-api.yaml, in place, and say what is left.

    python scripts/docs_sync.py [--dry-run] [--json] [--spec PATH] SOURCE...

Sources are read as docs-check reads them (files, folders, addresses). The pages are compared with the spec
exactly as ``docs-check`` compares them (declared deviations are not drift, so they are never "fixed"), and
each difference is then applied, or left to a person, by these rules:

* Round-trip editing (ruamel.yaml): comments, key order, quoting and flow style are kept, and only the lines
  an edit changes are written (see ``spec_edit``). A sync with nothing to apply does not write the file; a
  second sync applies nothing.
* Copied from a Markdown page's OpenAPI fragment: type, format, enum, limits, required-ness, and a
  description for a field the spec did not have. A description the spec has is never replaced; when a
  page's prose changed since the last sync, the fields whose description differs are listed for review.
  An answer's enum becomes ``x-known-values`` (the server may add values; the house rule), declared with an
  ``x-doc-deviation``.
* Never deleted: a field the page no longer shows, an ``x-`` key, a declared deviation (a stale one is
  reported). Never loosened silently: ``integer`` -> ``number`` and anything -> ``string`` are left to a
  person, and a bound (or format) the spec has and the page lacks is kept and reported.
* Flagged BREAKING: a type change, a new required request field, a field that becomes required in a request
  or optional in an answer, a new or tighter request bound. A change that loses information says so
  (``string`` -> ``integer`` drops leading zeros).
* A shared component (the envelope most operations answer with, the body Block, Unblock and Close share) is
  never edited for one page: the operation gets its own copy (``<OperationId>Request`` ...) and only that
  changes. A shared scalar (``CardId``) is copied inline into the one property that changes.
* Pages are matched to operations by page id (``x-doc-page``, or the page recorded in ``x-doc-sync``)
  before method and path: a moved page moves the operation's path and keeps everything else.
* A new operation page becomes a complete entry (path, request, answer, tags and ``x-signing`` as its
  nearest sibling path has them, ``x-doc-page``, ``x-doc-status`` from what the page shows), with the
  decisions only a person makes left empty (``x-facade``, ``x-mutating``, ``x-deferred``): ``make generate``
  refuses the operation, naming them, until they are set. A body or answer the spec already has a schema
  for (same fields, types and required-ness) reuses it.
* A deprecated page (Apidog status, or ``deprecated: true``) marks the operation ``deprecated: true``.
* Rendered-text pages sync names, types, required-ness and status; their limits and enums are not compared
  (said per operation).
* Provenance: every operation synced records ``x-doc-sync`` (see ``provenance``).
* What only a person settles is listed, never edited: an operation whose page an llms.txt index among the
  sources no longer lists (``gone``), and a doc page's difference from its ``x-doc-dictionary`` binding. A page
  the spec lists in ``x-unmodelled-pages`` is not made an operation (a note says it was read).

Exit status: 0, the spec now says what the pages say; 1, what could be applied was, and the rest needs a
person (listed); 2, a source or the spec could not be read (nothing written). Only the spec file is written.
After the edits the pages are compared again: whatever still differs is listed as left to a person, so that
``docs-check`` afterwards reports exactly that list, but for the decisions no page states (flagged ``DECIDE``).

Flags on a line: ``BREAKING`` (users notice), ``LOSES-INFORMATION``, ``LOOSENS`` (not applied), ``PATH`` (a
moved page), ``DEPRECATED``, ``NEW-OPERATION``, ``DECIDE``. ``--json`` prints::

    {"spec", "pages": count, "dry_run", "changed", "written",
     "applied": [action], "left": [action], "schemas_made": [text], "notes": [text]}
    action = {"operation": "operationId (METHOD path)", "field": "request.x" | null, "message", "applied",
              "flags": [flag]}

On exit 2 with ``--json`` the output is ``{"errors": [{"source", "reason"}]}``.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _spec  # scripts/_spec.py: scripts/ is on sys.path when an entry point runs
import httpx
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from . import provenance
from .compare import compare_read
from .model import (
    DEPRECATED,
    SIDES,
    Difference,
    Facts,
    OperationReport,
    Page,
    Report,
    SpecLoadError,
    SpecOperation,
    children_prefix,
    parent_of,
)
from .model import _alternatives as model_alternatives
from .pull import write_atomic
from .report import fail
from .schema import LIMIT_KEYWORDS, flatten, json_schema
from .sources import Read, read_all
from .spec import spec_operations, unmodelled_pages
from .spec_edit import EditError, Schemas, dump, flow, flow_list, load, pascal, ref_name, write_back

EXIT_OK, EXIT_LEFT = 0, 1  # and 2, a source or the spec cannot be read: report.fail
PERSON_KEYS = _spec.PERSON_KEYS  # left empty on a new operation; generate.py refuses it until they are set
_NUMERIC = frozenset({"integer", "number"})


@dataclass
class Action:
    """One thing the sync did (``applied``) or leaves to a person."""

    operation: str  # "close_card (POST /v5/card-api/card/close)"
    field: str | None
    message: str
    applied: bool
    flags: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "field": self.field,
            "message": self.message,
            "applied": self.applied,
            "flags": list(self.flags),
        }

    def line(self) -> str:
        flags = "".join(f"{flag}: " for flag in self.flags)
        name = f"{self.field}: " if self.field and not self.message.startswith(self.field) else ""
        return f"  {self.operation}: {flags}{name}{self.message}"


@dataclass
class Outcome:
    actions: list[Action] = field(default_factory=list)
    made: list[str] = field(default_factory=list)  # components created
    changed: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def left(self) -> list[Action]:
        return [a for a in self.actions if not a.applied]


# ---------------------------------------------------------------------------------------------- types


def _alternatives(label: str | None) -> list[str]:
    return [alt for alt in model_alternatives(label or "") if alt]


def _type_value(label: str | None) -> Any:
    """A type label (``string|null``, ``array[object]``) as the spec writes ``type`` (3.1)."""
    kinds = list(dict.fromkeys("array" if alt.startswith("array") else alt for alt in _alternatives(label)))
    return kinds[0] if len(kinds) == 1 else flow_list(kinds)


def loosens(old: str | None, new: str | None) -> bool:
    """True when the type ``new`` accepts values ``old`` did not, by widening (not by changing kind)."""
    before, after = set(_alternatives(old)), set(_alternatives(new))
    if before and before < after:
        return True
    if "integer" in before and "number" in after and "integer" not in after:
        return True
    return "string" in after and "string" not in before


def _loses(old: str | None, new: str | None) -> str | None:
    before, after = set(_alternatives(old)), set(_alternatives(new))
    if "string" in before and "string" not in after and after & _NUMERIC:
        return "a string read as a number loses leading zeros and any non-digit value"
    if "number" in before and after == {"integer"}:
        return "a number read as an integer loses its fraction"
    return None


# ---------------------------------------------------------------------------------------------- page schemas


def _page_schema(node: Any, document: Any, side: str, depth: int = 0) -> CommentedMap:
    """A page's schema (its fragment, ``$ref``/``allOf`` resolved) written as the spec writes schemas."""
    node = _spec.resolve(node, document)
    node = node if isinstance(node, dict) else {}
    props, required = _spec.object_parts(node, document) if depth < 10 else ({}, [])
    out = CommentedMap()
    kind = node.get("type")
    if kind is None and props:
        kind = "object"
    if kind is not None:
        out["type"] = flow_list([kind, "null"]) if node.get("nullable") is True and kind != "null" else kind
    if isinstance(node.get("format"), str):
        out["format"] = node["format"]
    for keyword in LIMIT_KEYWORDS:
        if keyword not in node:
            continue
        if keyword == "enum" and side == "response":
            out["x-known-values"] = flow_list(list(node["enum"]))  # declared after, if docs-check calls it drift
        else:
            out[keyword] = flow_list(list(node[keyword])) if keyword == "enum" else node[keyword]
    if isinstance(node.get("description"), str) and node["description"].strip():
        out["description"] = node["description"].strip()
    if props:
        if required:
            out["required"] = flow_list([name for name in required if name in props])
        out["properties"] = CommentedMap(
            (name, _page_schema(sub, document, side, depth + 1)) for name, sub in props.items()
        )
    elif "items" in node and depth < 10:
        out["items"] = _page_schema(node["items"], document, side, depth + 1)
    if "properties" not in out and "items" not in out:
        out.fa.set_flow_style()
    return out


_KNOWN_VALUES_DEVIATION = {
    "differs": "limits",
    "why": "the page's enum, kept as x-known-values: the server may send values it does not list (docs-sync)",
}


def _facts_schema(fields: dict[str, Facts], prefix: str = "") -> CommentedMap:
    """An object schema from a rendered page's fields under ``prefix`` (names, types, required-ness)."""
    out = CommentedMap([("type", "object")])
    direct = {path[len(prefix) :]: facts for path, facts in fields.items() if path.startswith(prefix)}
    direct = {name: facts for name, facts in direct.items() if name and "." not in name and "[" not in name}
    required = [name for name, facts in direct.items() if facts.required]
    if required:
        out["required"] = flow_list(required)
    props = CommentedMap()
    for name, facts in direct.items():
        props[name] = _leaf_schema(prefix + name, facts, fields)
    out["properties"] = props
    return out


def _leaf_schema(path: str, facts: Facts, fields: dict[str, Facts]) -> CommentedMap:
    child = children_prefix(path, facts.type)
    if child is None or not any(p.startswith(child) for p in fields):
        return flow({"type": _type_value(facts.type)} if facts.type else {})
    inner = _facts_schema(fields, child)
    if child.endswith("[]."):
        return CommentedMap([("type", "array"), ("items", inner)])
    return inner


# ---------------------------------------------------------------------------------------------- the sync


class Syncer:
    def __init__(self, document: CommentedMap, outcome: Outcome, read: Read | None = None) -> None:
        self.doc = document
        self.read = read or Read([], [], [])
        self.schemas = Schemas(document)
        self.out = outcome
        self.new_operations: set[str] = set()
        self.new_paths: list[str] = []
        self.rendered_only: list[str] = []  # operations only rendered text was read for
        self.reviews: dict[int, dict[str, list[str]]] = {}  # id(operation node) -> page source -> new items

    # --- where things are

    def operation_node(self, method: str, path: str) -> CommentedMap:
        node: CommentedMap = self.doc["paths"][path][method.lower()]
        return node

    def holder(self, op: CommentedMap, side: str) -> CommentedMap:
        """The ``application/json`` mapping whose ``schema`` is this side's body."""
        if side == "request":
            content = op["requestBody"]["content"]
        else:
            responses = op["responses"]
            content = responses.get("200", responses.get(200))["content"]
        found: CommentedMap = next(v for k, v in content.items() if "json" in str(k))
        return found

    def object_at(self, op: CommentedMap, op_id: str, side: str, parent: str | None) -> CommentedMap:
        """The operation's own object schema holding the children of ``parent`` (None: the body)."""
        hint = pascal(op_id) + ("Request" if side == "request" else "Response")
        node = self.schemas.own(self.holder(op, side), "schema", hint, op_id)
        if parent is None:
            return node
        for segment in parent.split("."):
            name = segment.rstrip("[]")
            holder = self.props_holder(node, name, op_id)
            if holder is None:
                raise KeyError(parent)
            node = self.schemas.own(holder["properties"], name, pascal(op_id) + pascal(name), op_id)
            for _ in range(10):  # through the array's items, to the object holding the children
                if "items" not in node or "properties" in node or "allOf" in node:
                    break
                node = self.schemas.own(node, "items", pascal(op_id) + pascal(name) + "Item", op_id)
        return node

    def props_holder(self, node: CommentedMap, name: str, op_id: str) -> CommentedMap | None:
        """The mapping (the object itself or one of its ``allOf`` parts, made the operation's own) whose
        ``properties`` hold ``name``."""
        if name in (node.get("properties") or {}):
            return node
        for i, part in enumerate(node.get("allOf") or []):
            props, _ = _spec.object_parts(self.schemas.resolve(part), self.doc)
            if name in props:
                owned = self.schemas.own(node["allOf"], i, f"{pascal(op_id)}{ref_name(part) or 'Part'}", op_id)
                return self.props_holder(owned, name, op_id)
        return None

    def leaf(self, holder: CommentedMap, name: str) -> CommentedMap:
        """The property ``name`` of ``holder``, made its own: a shared ``$ref`` is copied inline."""
        node = holder["properties"][name]
        target = ref_name(node)
        if target is None:
            if not isinstance(node, CommentedMap):
                node = holder["properties"][name] = CommentedMap(node or {})
            return node
        if self.schemas.uses(target) > 1:
            inline = copy.deepcopy(self.schemas.all[target])
            holder["properties"][name] = inline
            return inline
        component: CommentedMap = self.schemas.all[target]
        return component

    def field_holder(self, op: CommentedMap, op_id: str, side: str, path: str) -> tuple[CommentedMap, str]:
        parent = parent_of(path)
        name = path.rsplit(".", 1)[-1]
        node = self.object_at(op, op_id, side, parent)
        holder = self.props_holder(node, name, op_id)
        if holder is None:
            raise KeyError(path)
        return holder, name

    # --- one operation

    def sync_operation(self, report: OperationReport, label: str) -> None:
        op_spec = report.operation
        assert op_spec is not None and op_spec.operation_id
        op_id = op_spec.operation_id
        op = self.operation_node(op_spec.method, op_spec.path)
        for diff in report.drift:
            handler = getattr(self, "on_" + diff.kind.replace("-", "_"), None)
            if handler is None:
                self.leave(label, diff.field, diff.message)
                continue
            try:
                handler(op, op_id, report, diff, label)
            except KeyError:
                self.leave(label, diff.field, f"{diff.message} (docs-sync cannot find where to write it)")
        if report.pages and all(p.form == "rendered" for p in report.pages):
            self.rendered_only.append(op_id)
        self.review_prose(op, report, label)

    def leave(self, label: str, name: str | None, message: str, *flags: str) -> None:
        self.out.actions.append(Action(label, name, message, False, flags))

    def applied(self, label: str, name: str | None, message: str, *flags: str) -> None:
        self.out.actions.append(Action(label, name, message, True, flags))
        self.out.changed = True

    def move_pages(self, operations: list[SpecOperation], pages: list[Page]) -> bool:
        """Move the path of each operation whose page (same page id: its ``x-doc-page`` or the page it was
        synced from) is at another path now; True when one moved."""
        routes = {(op.method, op.path) for op in operations}
        by_id = {page_id: op for op in operations for page_id in provenance.page_ids(op)}
        paths: CommentedMap = self.doc["paths"]
        moved = False
        for page in pages:
            if any((page.method, path) in routes for path in (page.path, *page.aliases)):
                continue
            op = by_id.get(page.page_id or "")
            if op is None or op.method != page.method or (op.method, op.path) not in routes:
                continue
            label = f"{op.operation_id} ({op.method} {op.path})"
            if page.path in paths:
                self.leave(label, None, f"its page {page.page_id} is at {page.path} now, which the spec has already")
                continue
            position = list(paths).index(op.path)
            paths.insert(position, page.path, paths.pop(op.path))
            routes = (routes - {(op.method, op.path)}) | {(op.method, page.path)}
            message = f"path moved {op.path} -> {page.path} (same page id {page.page_id}; operationId and x- keys kept)"
            self.applied(label, None, message, "PATH")
            moved = True
        return moved

    def page_facts(self, report: OperationReport, side: str, path: str) -> tuple[Page, Facts, dict[str, Facts]]:
        known = getattr(report.operation, side).keys() if report.operation else ()
        for page in sorted(report.pages, key=lambda p: p.document is None):  # a fragment says most: first
            found = page.fields(side, known)
            if found is not None and path in found:
                return page, found[path], found
        raise KeyError(path)

    def required_on_pages(self, report: OperationReport, side: str, path: str) -> bool:
        known = getattr(report.operation, side).keys() if report.operation else ()
        showing = [found for p in report.pages if (found := p.fields(side, known)) is not None]
        return all(path in found and found[path].required for found in showing)

    def on_added(self, op: CommentedMap, op_id: str, report: OperationReport, diff: Difference, label: str) -> None:
        side, path = (diff.field or "").split(".", 1)
        page, facts, fields = self.page_facts(report, side, path)
        parent = parent_of(path)
        name = path.rsplit(".", 1)[-1]
        node = self.object_at(op, op_id, side, parent)
        if facts.schema is not None and page.document is not None:
            schema = _page_schema(facts.schema, page.document, side)
        else:
            schema = _leaf_schema(path, facts, fields)
        target = node
        if "properties" not in node and "allOf" in node:
            inline = [p for p in node["allOf"] if ref_name(p) is None and "properties" in p]
            if inline:
                target = inline[-1]
            else:
                target = CommentedMap([("type", "object"), ("properties", CommentedMap())])
                node["allOf"].append(target)
        target.setdefault("properties", CommentedMap())[name] = schema
        required = self.required_on_pages(report, side, path)
        if required:
            self._require(target, name, True)
        flags = ("BREAKING",) if side == "request" and required else ()
        why = ": every call must now send it" if flags else ""
        shown = f"{facts.type or 'type not shown'}, {'required' if required else 'optional'}"
        if facts.format:
            shown += f", format {facts.format}"
        if facts.limits:
            shown += ", " + ", ".join(facts.limits)
        if not facts.format_known:
            shown += "; from rendered text: its format, limits and enum not read"
        self.applied(label, diff.field, f"field added ({shown}){why}", *flags)
        if side == "request":
            self.maybe_secret(label, diff.field or name)

    def maybe_secret(self, label: str, field_name: str) -> None:
        """A request field named like a secret: whether it is one (``x-secret: true``) is a person's call."""
        if re.search(r"pin|pan|cvv|cvc|otp|expir|secret|password", field_name.rsplit(".", 1)[-1], re.I):
            self.leave(label, field_name, "new request field may be a secret: decide x-secret: true", "DECIDE")

    def _require(self, holder: CommentedMap, name: str, required: bool) -> None:
        names = holder.get("required")
        if required:
            if names is None:
                holder["required"] = flow_list([name])
                if "properties" in holder:  # keep required before properties, as the file writes it
                    keys = list(holder)
                    holder.move_to_end("properties")
                    for key in keys[keys.index("properties") + 1 :]:
                        holder.move_to_end(key)
            elif name not in names:
                names.append(name)
        elif names is not None and name in names:
            names.remove(name)

    def on_removed(self, op: CommentedMap, op_id: str, report: OperationReport, diff: Difference, label: str) -> None:
        self.leave(
            label,
            diff.field,
            "no longer on the page: kept (docs-sync never deletes); remove it, or declare it "
            "(x-doc-deviations differs: removed) if the API still sends it",
        )

    def on_required(self, op: CommentedMap, op_id: str, report: OperationReport, diff: Difference, label: str) -> None:
        side, path = (diff.field or "").split(".", 1)
        holder, name = self.field_holder(op, op_id, side, path)
        required = diff.page == "required"
        self._require(holder, name, required)
        if not required:  # also out of the required lists of the object's other parts
            node = self.object_at(op, op_id, side, parent_of(path))
            for i, part in enumerate(node.get("allOf") or []):
                if name in (self.schemas.resolve(part).get("required") or []):
                    owned = self.schemas.own(node["allOf"], i, f"{pascal(op_id)}{ref_name(part) or 'Part'}", op_id)
                    self._require(owned, name, False)
            self._require(node, name, False)
        breaking = (side == "request") == required
        why = (
            ("every call must now send it" if required else "")
            if side == "request"
            else ("its attribute may now be None" if not required else "")
        )
        flags = ("BREAKING",) if breaking else ()
        self.applied(label, diff.field, f"now {diff.page}" + (f": {why}" if why else ""), *flags)

    def on_type(self, op: CommentedMap, op_id: str, report: OperationReport, diff: Difference, label: str) -> None:
        if len(set((diff.page or "").split(" / "))) > 1:
            self.leave(label, diff.field, f"{diff.message}: the pages disagree")
            return
        if loosens(diff.spec, diff.page):
            self.leave(
                label,
                diff.field,
                f"{diff.message}: a looser type is never applied silently; change it by hand if the API now "
                "sends it, or declare it (differs: type)",
                "LOOSENS",
            )
            return
        side, path = (diff.field or "").split(".", 1)
        holder, name = self.field_holder(op, op_id, side, path)
        node = self.leaf(holder, name)
        node["type"] = _type_value(diff.page)
        flags = ["BREAKING"]
        message = f"type {diff.spec} -> {diff.page}"
        lost = _loses(diff.spec, diff.page)
        if lost:
            flags.append("LOSES-INFORMATION")
            message += f": {lost}"
        self.applied(label, diff.field, message, *flags)

    def on_format(self, op: CommentedMap, op_id: str, report: OperationReport, diff: Difference, label: str) -> None:
        if diff.page in (None, "none") or " / " in (diff.page or ""):
            self.leave(
                label,
                diff.field,
                f"{diff.message}: the spec's format is kept (never dropped); remove it or declare it (differs: format)",
            )
            return
        side, path = (diff.field or "").split(".", 1)
        holder, name = self.field_holder(op, op_id, side, path)
        node = self.leaf(holder, name)
        node["format"] = diff.page
        self.applied(label, diff.field, f"format {diff.spec} -> {diff.page}")

    def on_limits(self, op: CommentedMap, op_id: str, report: OperationReport, diff: Difference, label: str) -> None:
        side, path = (diff.field or "").split(".", 1)
        page, facts, _ = self.page_facts(report, side, path)
        if facts.schema is None or page.document is None:  # limits read from rendered text: not copied
            self.leave(label, diff.field, f"{diff.message} (shown as text only: set them by hand, or declare them)")
            return
        stated = _spec.resolve(facts.schema, page.document)
        holder, name = self.field_holder(op, op_id, side, path)
        node = self.leaf(holder, name)
        changed, kept, tighter = [], [], False
        for keyword in LIMIT_KEYWORDS:
            ours, theirs = node.get(keyword), stated.get(keyword)
            if theirs is None:
                if ours is not None:
                    kept.append(f"{keyword}={ours}")
                continue
            if side == "response" and keyword == "enum":
                if list(node.get("x-known-values") or []) != list(theirs):
                    node["x-known-values"] = flow_list(list(theirs))
                    changed.append(f"x-known-values={list(theirs)}")
                continue
            if ours != theirs:
                node[keyword] = flow_list(list(theirs)) if keyword == "enum" else theirs
                changed.append(f"{keyword}={theirs}")
                tighter = tighter or _tighter(keyword, ours, theirs)
        if changed:
            # as make spec-diff judges it: a bound stated for the first time is what the API took all along
            flags = ("BREAKING",) if side == "request" and tighter else ()
            why = ": a call outside them is now refused before it is sent" if flags else ""
            self.applied(label, diff.field, f"limits {', '.join(changed)}{why}", *flags)
        if kept:
            self.leave(
                label,
                diff.field,
                f"the page no longer states {', '.join(kept)}: kept (a bound is never dropped); remove it or "
                "declare it (x-doc-deviation differs: limits)",
            )

    def on_status(self, op: CommentedMap, op_id: str, report: OperationReport, diff: Difference, label: str) -> None:
        if diff.page in DEPRECATED and op.get("deprecated") is not True:
            position = list(op).index("summary") + 1 if "summary" in op else len(op)
            op.insert(position, "deprecated", True)
            self.applied(label, None, f"deprecated: true (the page is {diff.page})", "DEPRECATED")
            return
        self.leave(label, None, diff.message)

    def on_doc_status(
        self, op: CommentedMap, op_id: str, report: OperationReport, diff: Difference, label: str
    ) -> None:
        self.leave(
            label,
            None,
            f"{diff.message}: set x-doc-status: {diff.page} (and its CATALOGUE entry in tests/test_spec.py) if the "
            "page now shows that much",
        )

    # --- provenance

    def review_prose(self, op: CommentedMap, report: OperationReport, label: str) -> None:
        """A page whose prose changed since the last sync (against the spec's fields as they were) is left
        to a person to re-read: an entry in its ``x-doc-sync.review`` until a person deletes it."""
        recorded = provenance.entries(op)
        assert report.operation is not None
        known = provenance.known_fields(report.operation)
        for page in report.pages:
            before = provenance.entry_for(page, recorded, known) if recorded else None
            if before is None or provenance.changes(page, before, known) != "prose":
                continue
            item = f"the page's prose changed since the last sync: re-read page {page.title!r} against the spec"
            if item not in (before.get("review") or []):
                self.reviews.setdefault(id(op), {}).setdefault(page.source, []).append(item)
                self.leave(label, None, item)

    def adopt_declarations(self, report: Report) -> bool:
        """Declare what the sync itself makes differ: an answer's enum kept as ``x-known-values`` (when the
        comparison calls that a difference of limits), and a new operation's difference that an operation
        sharing its schema already declares (the envelope's ``dt`` typed a plain string, say). True when one
        was declared."""
        adopted = False
        for op_report in report.operations:
            spec_op = op_report.operation
            if spec_op is None or not spec_op.operation_id:
                continue
            op = self.operation_node(spec_op.method, spec_op.path)
            for diff in op_report.drift:
                side, _, path = (diff.field or "").partition(".")
                fact = getattr(spec_op, side).get(path) if side in SIDES else None
                schema = fact.schema if fact is not None else None
                if diff.kind == "limits" and side == "response" and schema and "x-known-values" in schema:
                    if "x-doc-deviation" in schema:
                        continue
                    holder, name = self.field_holder(op, spec_op.operation_id, side, path)
                    self.leaf(holder, name)["x-doc-deviation"] = flow(_KNOWN_VALUES_DEVIATION)
                    label = f"{spec_op.operation_id} ({spec_op.method} {spec_op.path})"
                    self.applied(label, diff.field, "the page's enum declared as x-known-values (the house rule)")
                    adopted = True
            if spec_op.operation_id not in self.new_operations:
                continue
            for diff in op_report.drift:
                side = (diff.field or "").split(".", 1)[0]
                if side not in SIDES:
                    continue
                ours = ref_name(self.holder(op, side).get("schema"))
                for _, _, other in _spec.operations(self.doc):
                    if other is op or ours is None or ref_name(self.holder(other, side).get("schema")) != ours:
                        continue
                    found = [
                        d
                        for d in other.get("x-doc-deviations") or []
                        if d.get("field") == diff.field and d.get("differs") == diff.kind
                    ]
                    if found:
                        if "x-doc-deviations" not in op:
                            op.insert(list(op).index("x-doc-status") + 1, "x-doc-deviations", CommentedSeq())
                        op["x-doc-deviations"].append(copy.deepcopy(found[0]))
                        label = f"{spec_op.operation_id} ({spec_op.method} {spec_op.path})"
                        self.applied(label, diff.field, f"{diff.kind} declared as {other['operationId']} declares it")
                        adopted = True
                        break
        return adopted

    def record(self, op: CommentedMap, report: OperationReport) -> None:
        """Write the operation's ``x-doc-sync`` (when it differs from what is there); an operation no page was
        read for keeps what it has, and so does the entry of a page not read this time."""
        if not report.pages:
            return
        recorded = provenance.entries(op)
        assert report.operation is not None
        known = provenance.known_fields(report.operation)
        entries: list[Any] = []
        matched: list[Any] = []
        for page in report.pages:
            free = [entry for entry in recorded if not any(entry is m for m in matched)]
            before = provenance.entry_for(page, free, known) if free else None
            matched.append(before)
            review = list((before or {}).get("review") or []) + self.reviews.get(id(op), {}).get(page.source, [])
            entries.append(provenance.record(page, review, known))
        entries += [_plain(entry) for entry in recorded if not any(entry is m for m in matched)]
        value: Any = entries[0] if len(entries) == 1 else entries
        if _plain(op.get(provenance.KEY)) == _plain(value):
            return
        if provenance.KEY in op:
            op[provenance.KEY] = _yaml_value(value)
        else:
            keys = list(op)
            after = next((k for k in ("x-doc-page", "x-doc-status", "summary") if k in op), keys[-1])
            op.insert(keys.index(after) + 1, provenance.KEY, _yaml_value(value))
        self.out.changed = True

    def finish(self, pages: list[Page]) -> None:
        """After every edit: compare again, list what still differs (left to a person), record provenance."""
        if self.rendered_only:
            self.out.notes.append(
                f"rendered text only for {len(self.rendered_only)} operation(s) ({', '.join(self.rendered_only)}): "
                "their limits, enums and formats were not compared (rendered text does not show them reliably)"
            )
        report = self.compare()
        if self.adopt_declarations(report):
            report = self.compare()
        covered = {(a.operation.split(" ", 1)[0], a.field) for a in self.out.left}
        for op_report in report.operations:
            op = op_report.operation
            if op is None:
                continue
            label = f"{op.operation_id} ({op.method} {op.path})"
            for diff in op_report.drift:
                if (op.operation_id, diff.field) not in covered:
                    self.leave(label, diff.field, f"{diff.message} (still differs after the sync)")
            self.record(self.operation_node(op.method, op.path), op_report)
        for doc in report.doc_pages:  # doc pages (Dictionaries, Overview): their bindings are a person's
            for diff in doc.drift:
                self.leave(f"doc page {doc.page.page_id or doc.page.title!r}", diff.field, diff.message)
        for entry, _ in report.unmodelled:
            self.out.notes.append(
                f"page {entry.page} ({entry.title!r}) is listed in x-unmodelled-pages and was read: not synced "
                "(to model it, take it out of that list and sync again)"
            )

    def compare(self) -> Report:
        """The pages against the spec as it is now, exactly as docs-check compares them."""
        document: Any = self.doc
        return compare_read("the synced spec", spec_operations(document), self.read, document, self.unmodelled)

    @property
    def unmodelled(self) -> list[Any]:
        document: Any = self.doc
        return unmodelled_pages(document)

    # --- a new operation

    def add_operation(self, report: OperationReport) -> None:
        method, path, pages = report.method.lower(), report.path, report.pages
        page = pages[0]
        paths: CommentedMap = self.doc["paths"]
        op_id = self.unique_operation_id(page.title or path.rsplit("/", 1)[-1])
        label = f"{op_id} ({report.method} {path})"
        sibling_path = self.sibling(path)
        sibling = self.operation_node("post", sibling_path) if sibling_path else CommentedMap()
        op = CommentedMap()
        op["operationId"] = op_id
        for key, why in PERSON_KEYS.items():
            op[key] = None
            op.yaml_add_eol_comment(f"a person decides: {why} (make generate refuses until set)", key)
        if "x-signing" in sibling:
            op["x-signing"] = sibling["x-signing"]
        op["tags"] = flow_list(list(sibling.get("tags") or ["cards"]))
        op["summary"] = page.title
        description = self.page_operation(page).get("description")
        if isinstance(description, str) and description.strip():
            op["description"] = description.strip()
        if page.status in DEPRECATED:
            op["deprecated"] = True
        request_shown = any(p.request is not None for p in pages)
        response_shown = any(p.response is not None and p.response.count() > 0 for p in pages)
        op["x-doc-status"] = "documented" if request_shown and response_shown else "partial"
        if page.url:
            op["x-doc-page"] = page.url.removesuffix(".md")
        request = self.body_schema(report, "request", op_id)
        op["requestBody"] = CommentedMap(
            [("required", True), ("content", CommentedMap([("application/json", CommentedMap(schema=request))]))]
        )
        answer = self.body_schema(report, "response", op_id)
        op["responses"] = CommentedMap(
            [
                (
                    DoubleQuotedScalarString("200"),
                    CommentedMap(
                        [
                            ("description", "The answer, as the page shows it."),
                            ("content", CommentedMap([("application/json", CommentedMap(schema=answer))])),
                        ]
                    ),
                )
            ]
        )
        keys = list(paths)
        position = keys.index(sibling_path) + 1 if sibling_path else len(keys)
        paths.insert(position, path, CommentedMap([(method, op)]))
        self.new_paths.append(path)
        self.new_operations.add(op_id)
        for name in page.fields("request") or {}:
            self.maybe_secret(label, f"request.{name}")
        if all(p.form == "rendered" for p in pages):
            self.rendered_only.append(op_id)
        self.applied(label, None, f"new operation from page {page.title!r}", "NEW-OPERATION")
        self.leave(
            label,
            None,
            f"set {', '.join(PERSON_KEYS)} (make generate refuses the operation until they are set), then "
            f"make new-operation OP={op_id}",
            "DECIDE",
        )

    def page_operation(self, page: Page) -> dict[str, Any]:
        for item_path, item in ((page.document or {}).get("paths") or {}).items():
            for method, op in (item or {}).items():
                if str(method).upper() == page.method and isinstance(op, dict) and page.path.endswith(str(item_path)):
                    return op
        return {}

    def body_schema(self, report: OperationReport, side: str, op_id: str) -> CommentedMap:
        """A ``$ref`` to the component for this side: an existing one with the same fields, else a new one."""
        page = next((p for p in report.pages if getattr(p, side) is not None), report.pages[0])
        fields = page.fields(side) or {}
        matches = [
            name
            for name, schema in self.schemas.all.items()
            if isinstance(schema, dict) and fields and _same_fields(fields, schema, self.doc)
        ]
        if matches:  # the one most operations already use (the envelope, not the schema it extends)
            return flow({"$ref": f"#/components/schemas/{max(matches, key=self.schemas.uses)}"})
        holder = self.page_operation(page)
        if side == "request":
            raw = json_schema(holder.get("requestBody"))
        else:
            responses = holder.get("responses") or {}
            raw = json_schema(responses.get("200", responses.get(200)))
        if raw is not None and page.document is not None:
            schema = _page_schema(raw, page.document, side)
            schema.fa.set_block_style()
        else:
            schema = _facts_schema(fields)
        if side == "request":
            schema.insert(1 if "type" in schema else 0, "additionalProperties", False)
        name = self.schemas.unique(pascal(op_id) + ("Request" if side == "request" else "Response"))
        self.schemas.all[name] = schema
        self.out.made.append(f"{name} (new, for {op_id})")
        return flow({"$ref": f"#/components/schemas/{name}"})

    def unique_operation_id(self, title: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_") or "operation"
        taken = {op.get("operationId") for _, _, op in _spec.operations(self.doc)}
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}_{n}", n + 1
        return candidate

    def sibling(self, path: str) -> str | None:
        """The spec's path sharing the longest leading segments with ``path`` (the last of those)."""
        parts = path.strip("/").split("/")
        best, best_len = None, 0
        for other in self.doc["paths"]:
            common = 0
            for a, b in zip(parts, str(other).strip("/").split("/"), strict=False):
                if a != b:
                    break
                common += 1
            if common >= best_len and common > 0:
                best, best_len = str(other), common
        return best


def _same_fields(fields: dict[str, Facts], schema: Any, document: Any) -> bool:
    """True when the component ``schema`` has exactly the page's fields (type and required-ness), but for
    optional fields it declares absent from the pages (the envelope's error fields)."""
    try:
        theirs = flatten(schema, document)
    except Exception:  # a component that is no object (a scalar) or malformed cannot match
        return False
    for path, facts in theirs.items():
        if path in fields:
            if (fields[path].type, fields[path].required) != (facts.type, facts.required):
                return False
        elif facts.required or facts.deviation is None or not (facts.deviation_kinds or ("removed",)).count("removed"):
            return False
    return all(path in theirs for path in fields)


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str)) if value is not None else None


def _yaml_value(value: Any) -> Any:
    if isinstance(value, list):
        return [_yaml_value(v) for v in value]
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = flow_list(item) if isinstance(item, list) and key != "review" else _yaml_value(item)
        return node
    return value


# ---------------------------------------------------------------------------------------------- command


def sync(
    sources: list[str],
    spec_path: Path,
    *,
    dry_run: bool = False,
    as_json: bool = False,
    transport: httpx.BaseTransport | None = None,
) -> int:
    try:
        original = spec_path.read_text(encoding="utf-8")
        document = load(original)
        baseline = dump(document)
        operations = spec_operations(document, spec_path)
        unmodelled_pages(dict(document))  # a malformed x-unmodelled-pages: the spec cannot be read
    except (OSError, EditError, SpecLoadError) as exc:
        return _fail([(str(spec_path), str(exc))], as_json)
    read = read_all(sources, transport)
    if read.errors:
        return _fail(read.errors, as_json)
    pages = read.pages
    if not pages and not read.doc_pages:
        return _fail([(", ".join(sources), "no doc page among the sources")], as_json)
    outcome = Outcome()
    syncer = Syncer(document, outcome, read)
    if syncer.move_pages(operations, pages):
        operations = spec_operations(document, spec_path)
    report = compare_read(str(spec_path), operations, read, document, syncer.unmodelled)
    for op_report in report.operations:
        if op_report.operation is None:
            syncer.add_operation(op_report)
        else:
            op = op_report.operation
            syncer.sync_operation(op_report, f"{op.operation_id} ({op.method} {op.path})")
    syncer.finish(pages)
    outcome.made += syncer.schemas.made
    written = False
    if outcome.changed:
        edited = dump(document, syncer.new_paths)
        try:
            text = write_back(original, baseline, edited)
        except EditError as exc:
            return _fail([(str(spec_path), str(exc))], as_json)
        if text != original and not dry_run:
            write_atomic(spec_path, text.encode("utf-8"))
            written = True
        outcome.changed = text != original
    _print(outcome, spec_path, pages, dry_run=dry_run, written=written, as_json=as_json)
    return EXIT_LEFT if outcome.left else EXIT_OK


def _fail(errors: list[tuple[str, str]], as_json: bool) -> int:
    return fail(errors, as_json, tool="docs_sync", note=" (nothing written)")


def _print(
    outcome: Outcome, spec_path: Path, pages: list[Page], *, dry_run: bool, written: bool, as_json: bool
) -> None:
    applied = [a for a in outcome.actions if a.applied]
    if as_json:
        body = {
            "spec": str(spec_path),
            "pages": len(pages),
            "dry_run": dry_run,
            "changed": outcome.changed,
            "written": written,
            "applied": [a.as_json() for a in applied],
            "left": [a.as_json() for a in outcome.left],
            "schemas_made": outcome.made,
            "notes": outcome.notes,
        }
        print(json.dumps(body, indent=2, ensure_ascii=False))
        return
    verb = "would apply" if dry_run else "applied"
    out = [f"docs-sync: {len(pages)} page(s) against {spec_path}", ""]
    out += [f"{verb.capitalize()} ({len(applied)}):"] + [a.line() for a in applied] + [""] if applied else []
    if outcome.made:
        out += ["Schemas made (shared ones are never edited for one operation):"]
        out += [f"  {name}" for name in outcome.made] + [""]
    if outcome.left:
        out += [f"Left to a person ({len(outcome.left)}):"] + [a.line() for a in outcome.left] + [""]
    out += [f"Note: {note}" for note in outcome.notes]
    state = "written" if written else ("not written (--dry-run)" if dry_run and outcome.changed else "unchanged")
    out.append(f"Total: {len(applied)} applied, {len(outcome.left)} left to a person; {spec_path} {state}.")
    print("\n".join(out))


def main(argv: list[str] | None = None, *, transport: httpx.BaseTransport | None = None) -> int:
    parser = argparse.ArgumentParser(prog="docs_sync.py", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="a page file, a folder of pages, or an URL")
    parser.add_argument("--spec", type=Path, default=_spec.SPEC, help="the spec (default openapi/card-api.yaml)")
    parser.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    return sync(args.sources, args.spec, dry_run=args.dry_run, as_json=args.json, transport=transport)


def _tighter(keyword: str, ours: Any, theirs: Any) -> bool:
    """Does a request bound that changes from ``ours`` to ``theirs`` refuse a value it took before? The rule
    make spec-diff uses (``_spec.bound_tightens``), and an enum that loses a value."""
    if keyword == "enum" and ours is not None:
        return bool(set(map(str, ours)) - set(map(str, theirs)))
    if isinstance(ours, bool):
        return True  # a bound of another kind: any change may refuse what passed
    return _spec.bound_tightens(keyword, ours, theirs)
