"""Drift: the pages of each operation merged and compared with the spec, declared deviations applied."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from . import provenance
from .docpages import compare_doc_pages
from .model import (
    DEPRECATED,
    SIDES,
    Body,
    Difference,
    Facts,
    OperationReport,
    Page,
    Report,
    SpecOperation,
    UnmodelledPage,
    children_prefix,
    container_suffix,
    field_difference,
    parent_of,
    types_match,
)
from .sources import IndexEntry, Read, endpoint_id


@dataclass
class _Merged:
    """One field as all the pages of an operation show it."""

    types: set[str]
    formats: set[str | None]
    format_known: bool
    required: bool
    pages: list[str]
    # Per page that states limits: (the keywords it states, None for all; its limits).
    limits: set[tuple[frozenset[str] | None, tuple[str, ...]]] | None = None
    tables: int = 0  # how many of those pages show the field in a field table (not only in an example)
    first: Facts | None = None  # the field as the first page with a field table (else an example) shows it

    def label(self) -> str:
        return " / ".join(sorted(self.types)) or "type not shown"

    @property
    def required_known(self) -> bool:
        return self.tables > 0


def _merge(per_page: list[tuple[Page, Body, dict[str, Facts]]]) -> dict[str, _Merged]:
    merged: dict[str, _Merged] = {}
    for page, body, fields in per_page:
        for path, facts in fields.items():
            entry = merged.setdefault(path, _Merged(set(), set(), False, True, []))
            entry.pages.append(page.source)
            if entry.first is None or (entry.tables == 0 and not body.examples_only):
                entry.first = facts
            if body.examples_only:
                continue  # an example shows that the field exists, not its type or required-ness
            entry.tables += 1
            if facts.type:
                entry.types.add(facts.type)
            if facts.format_known:
                entry.formats.add(facts.format)
                entry.format_known = True
            if facts.limit_keywords is None or facts.limit_keywords:
                entry.limits = (entry.limits or set()) | {(facts.limit_keywords, facts.limits)}
            entry.required = entry.required and facts.required
    # Required only where every page that shows the field's parent (the body, for a top-level field) in a
    # field table shows the field as required: the pages may describe different answers of one path.
    tables = sum(1 for _, body, _ in per_page if not body.examples_only)
    for path, entry in merged.items():
        parent = parent_of(path)
        showing_parent = tables if parent is None or parent not in merged else merged[parent].tables
        entry.required = entry.required and entry.tables == showing_parent
    return merged


def _limits_agree(view: tuple[frozenset[str] | None, tuple[str, ...]], spec: Facts) -> bool:
    """Whether the limits one page states agree with the spec's, on the keywords that page states. The spec's
    ``x-known-values`` (the values it knows of an open set) agree with a page's enum of the same values."""
    keywords, limits = view
    spec_limits = spec.limits
    known = (spec.schema or {}).get("x-known-values")
    if isinstance(known, list) and not any(lim.startswith("enum=") for lim in spec_limits):
        spec_limits = (*spec_limits, f"enum={sorted(known, key=repr)}")
    if keywords is None:
        page = set(limits)
        return page == set(spec.limits) or page == set(spec_limits)
    return set(limits) == {lim for lim in spec_limits if lim.split("=", 1)[0] in keywords}


def _details(facts: Facts | None) -> dict[str, Any]:
    """What a page says about a field it adds (so nobody reopens the page): type, format, enum, limits,
    description."""
    if facts is None:
        return {}
    limits = [lim for lim in facts.limits if not lim.startswith("enum=")]
    enum = facts.enum
    if enum is None:
        shown = next((lim for lim in facts.limits if lim.startswith("enum=")), None)
        enum = None if shown is None else [shown.split("=", 1)[1]]
    return {
        "type": facts.type,
        "format": facts.format,
        "enum": enum,
        "limits": limits,
        "description": facts.description,
    }


def _details_text(details: dict[str, Any]) -> str:
    parts = []
    if details.get("format"):
        parts.append(f"format {details['format']}")
    if details.get("enum") is not None:
        parts.append(f"enum {', '.join(map(str, details['enum']))}")
    if details.get("limits"):
        parts.append(", ".join(details["limits"]))
    if details.get("description"):
        parts.append(f"description: {' '.join(str(details['description']).split())!r}")
    return "; ".join(parts)


def _describe(facts: Facts) -> str:
    fmt = f" <{facts.format}>" if facts.format else ""
    return f"{facts.type or 'type not stated'}{fmt}, {'required' if facts.required else 'optional'}"


def _compare_side(
    side: str,
    merged: dict[str, _Merged],
    spec_fields: dict[str, Facts],
    report: OperationReport,
    *,
    examples_only: bool = False,
) -> tuple[list[Difference], set[str]]:
    """Differences on one side, and the spec fields that could not be checked (under an object whose
    fields the page does not show, or whose parent is missing or of another type on the page; with
    ``examples_only``, every field the examples leave out)."""
    diffs: list[Difference] = []
    unchecked: set[str] = set()
    if examples_only:
        missing = [path for path in spec_fields if path not in merged]
        unchecked.update(missing)
        if missing:
            report.notes.append(
                f"the {side} is shown by an example only: the spec's {len(missing)} {side} field(s) it leaves "
                "out are not checked (an example may leave optional fields out)"
            )
    opaque = {
        path
        for path, entry in merged.items()
        if any(
            (prefix := children_prefix(path, t)) is not None and not any(p.startswith(prefix) for p in merged)
            for t in entry.types or ({entry.first.type} if entry.first and entry.first.type else {"object"})
            if container_suffix(t) is not None
        )
    }
    hidden: dict[str, int] = {}
    for path, facts in spec_fields.items():
        if path in merged or path in unchecked:
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
            required = ("required" if entry.required else "optional") if entry.required_known else "in an example"
            shown = f"{entry.label()}, {required}"
            added = field_difference("added", f"{side}.{path}", shown + more, None, entry.pages)
            added.details = _details(entry.first)
            if text := _details_text(added.details):
                added.message += f" ({text})"
            diffs.append(added)
            continue
        name = f"{side}.{path}"
        if not entry.tables:
            continue  # shown in an example only: it exists, and that is all an example says
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
        if entry.limits is not None and not any(_limits_agree(view, spec) for view in entry.limits):
            page_limits = " / ".join(sorted(", ".join(lim) or "none" for _, lim in entry.limits))
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
    # an example alone shows less than a field table: the page is "partial" then
    request_shown = any(p.request is not None and not p.request.examples_only for p in pages)
    response_shown = any(
        p.response is not None and p.response.count() > 0 and not p.response.examples_only for p in pages
    )
    shows = "documented" if request_shown and response_shown else "partial"
    lacks = [
        what for what, shown in (("request body", request_shown), ("response fields", response_shown)) if not shown
    ]
    detail = f"no {' and no '.join(lacks)}" if lacks else "request and response"
    if lacks and any(b is not None and b.examples_only for p in pages for b in (p.request, p.response)):
        detail += " in a field table; examples only"
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
    report.notes += [f"{note} ({p.source})" for p in pages for note in p.notes]
    diffs: list[Difference] = []
    shown: dict[str, set[str]] = {}  # side -> the spec paths of that side that were checked
    hidden: dict[str, set[str]] = {}  # side -> the spec paths of that side that could not be checked
    format_shown: dict[str, set[str]] = {}  # "format:side" / "limits:side" -> the paths some page states it for
    for side in SIDES:
        spec_fields: dict[str, Facts] = getattr(op, side)
        per_page = [
            (p, body, body.resolved(spec_fields.keys())) for p in pages if (body := getattr(p, side)) is not None
        ]
        for page, body, _ in per_page:
            report.notes += [
                f"{side}: a field name ran on to the line {line[-60:]!r} and is not a name the spec or the page "
                f"knows: that field is not read ({page.source})"
                for line in body.unplaced(spec_fields.keys())
            ]
        if not per_page:
            if spec_fields:
                report.notes.append(
                    f"no page shows the {side}: the spec's {len(spec_fields)} {side} field(s) are not checked"
                )
            continue
        for page, _, fields in per_page:
            report.contributions[page.source][f"{side}_fields"] = list(fields)
        merged = _merge(per_page)
        examples_only = all(body.examples_only for _, body, _ in per_page)
        side_diffs, unchecked = _compare_side(side, merged, spec_fields, report, examples_only=examples_only)
        diffs += side_diffs
        shown[side] = set(spec_fields) - unchecked
        hidden[side] = unchecked
        format_shown[f"format:{side}"] = {path for path, entry in merged.items() if entry.format_known}
        format_shown[f"limits:{side}"] = {path for path, entry in merged.items() if entry.limits is not None}
    diffs += _status_differences(op, pages, report)
    doc_status = _doc_status_difference(op, pages)
    if doc_status is not None:
        diffs.append(doc_status)
    _apply_declarations(op, diffs, shown, format_shown, report, unchecked=hidden)
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
    *,
    gone: bool = False,
    unchecked: dict[str, set[str]] | None = None,
) -> None:
    """Sort ``diffs`` into declared and drift, and report the declarations that match no difference: stale
    only when their page was read (or left the index, ``gone``), else a note saying why they are not checked."""
    unread = None if gone else _own_page_unread(op, report.pages)
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
        if unread:
            report.notes.append(f"declared deviation ({dev.field or dev.differs}, {dev.differs}) not checked: {unread}")
            continue
        if side is not None and dev.field and dev.field.split(".", 1)[1] in (unchecked or {}).get(side, set()):
            report.notes.append(
                f"declared deviation on {dev.field} ({dev.differs}) not checked: the pages read cannot show that "
                "field (an example only, or its parent without its fields)"
            )
            continue
        if side is not None and side not in shown:
            report.notes.append(
                f"declared deviation on {dev.field} ({dev.differs}) not checked: no page shows the {side}"
            )
            continue
        if side is not None and dev.differs in _FORMAT_KINDS and _unformatted(dev.field, format_shown, {dev.differs}):
            report.notes.append(
                f"declared deviation on {dev.field} ({dev.differs}) not checked: no page read states its "
                "format and limits (rendered text shows them only where its type lines do)"
            )
            continue
        what = f"{dev.field} differs: {dev.differs}" if dev.field else f"differs: {dev.differs}"
        gone_why = "its page is gone from the index" if gone else "no such difference any more"
        report.drift.append(
            Difference(
                "stale-declaration",
                dev.field,
                None,
                dev.differs,
                [],
                f"stale declaration in x-doc-deviations ({what}; why: {dev.why}): {gone_why}",
                why=dev.why,
                declared_in="operation",
            )
        )
    for name, (why, kinds) in by_property.items():
        side, path = name.split(".", 1)
        if gone or name in declared_properties or path not in shown.get(side, set()):
            continue  # a property's declaration (often on a shared schema) is not about one page that went
        if unread:
            report.notes.append(f"declared deviation on {name} not checked: {unread}")
            continue
        if kinds is not None and set(kinds) <= _FORMAT_KINDS and _unformatted(name, format_shown, set(kinds)):
            report.notes.append(
                f"declared deviation on {name} ({', '.join(sorted(kinds))}) not checked: no page read states "
                "its format and limits (rendered text shows them only where its type lines do)"
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


def _own_page_unread(op: SpecOperation, pages: list[Page]) -> str | None:
    """Why the operation's declarations cannot be checked against the pages read, None when they can: the
    page its ``x-doc-page`` names is not among them (other pages of its path are)."""
    own = _doc_page_id(op)
    ids = [p.page_id for p in pages]
    if own is None or not ids or None in ids or own in ids:
        return None
    return f"its page (x-doc-page {op.doc_page}) is not among the sources (only other pages of its path are)"


def _unformatted(field: str | None, format_shown: dict[str, set[str]], kinds: set[str]) -> bool:
    """True when no page read states the format and limits of ``field`` ("side.path")."""
    if field is None:
        return False
    side, path = field.split(".", 1)
    return not any(path in format_shown.get(f"{kind}:{side}", set()) for kind in kinds)


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


def _doc_page_id(op: SpecOperation) -> str | None:
    return endpoint_id(op.doc_page) if op.doc_page else None


def build_report(
    spec_path: str,
    operations: list[SpecOperation],
    pages: list[Page],
    skipped: list[str],
    *,
    unreadable: list[tuple[str, str]] | None = None,
    unmodelled: list[UnmodelledPage] | None = None,
    index: list[IndexEntry] | None = None,
) -> Report:
    """Pages grouped by operation (method and path, else the page id the spec's ``x-doc-page`` names) and
    compared. ``index``: the entries of an llms.txt among the sources, which tell a page that left the
    index ("gone") from one that was simply not read."""
    by_route = {(op.method, op.path): op for op in operations}
    # the page ids an operation is known by: its x-doc-page, then the pages docs-sync recorded (as docs-sync
    # matches a moved page)
    by_id = {page_id: op for op in reversed(operations) for page_id in provenance.page_ids(op)}
    unmodelled_ids = {u.page: u for u in unmodelled or ()}
    unmodelled_paths = {u.path: u for u in unmodelled or () if u.path}
    groups: dict[tuple[str, str], list[Page]] = {}
    listed_not_modelled: dict[str, tuple[UnmodelledPage, list[Page]]] = {}
    moved: dict[tuple[str, str], list[Page]] = {}
    for page in pages:
        key = (page.method, page.path)
        for alias in page.aliases:
            if key not in by_route and (page.method, alias) in by_route:
                key = (page.method, alias)
        if key not in by_route:
            entry = unmodelled_ids.get(page.page_id or "") or unmodelled_paths.get(page.path)
            if entry is not None:
                listed_not_modelled.setdefault(entry.page, (entry, []))[1].append(page)
                continue
            op = by_id.get(page.page_id or "")
            if op is not None and op.method == page.method:
                key = (op.method, op.path)
                moved.setdefault(key, []).append(page)
        groups.setdefault(key, []).append(page)
    reports = []
    for op in operations:
        group = groups.get((op.method, op.path))
        if group is None:
            continue
        report = compare_operation(op, group)
        for page in moved.get((op.method, op.path), []):
            report.drift.append(
                Difference(
                    "path",
                    None,
                    page.path,
                    op.path,
                    [page.source],
                    f"page {page.title!r} (page id {page.page_id}, the spec's x-doc-page or x-doc-sync) is at "
                    f"{page.method} {page.path} now, {op.method} {op.path} in the spec: the page moved",
                )
            )
        reports.append(report)
    reports += [new_operation(m, p, group) for (m, p), group in sorted(groups.items()) if (m, p) not in by_route]
    listed = None if index is None else frozenset(filter(None, (endpoint_id(e.url) for e in index)))
    hosts = {urlparse(e.url).hostname for e in index or ()} - {"index.invalid", None}
    not_checked = []
    for op in operations:
        if (op.method, op.path) in groups:
            continue
        page_id = _doc_page_id(op)
        if listed is not None and page_id and page_id not in listed and urlparse(op.doc_page or "").hostname in hosts:
            reports.append(gone_operation(op))
        else:
            not_checked.append(op)
    return Report(
        spec_path,
        pages,
        reports,
        not_checked,
        skipped,
        list(unreadable or []),
        list(listed_not_modelled.values()),
        listed,
    )


def compare_read(
    spec_path: str,
    operations: list[SpecOperation],
    read: Read,
    document: dict[str, Any],
    unmodelled: list[UnmodelledPage],
) -> Report:
    """Everything the sources hold compared with the spec, as docs-check reports it and docs-sync applies it:
    endpoint pages (an index among the sources tells a page gone from one not read; the spec's
    x-unmodelled-pages are listed, not compared) and doc pages (against the ``x-doc-dictionary`` bindings)."""
    report = build_report(
        spec_path,
        operations,
        read.pages,
        read.skipped,
        unreadable=read.errors,
        unmodelled=unmodelled,
        index=read.index,
    )
    report.doc_pages, unread = compare_doc_pages(read.doc_pages, document)
    if read.index is not None or read.doc_pages:  # a whole site's pages: say which doc pages were not read
        report.notes += unread
    return report


def gone_operation(op: SpecOperation) -> OperationReport:
    """An operation whose page (its ``x-doc-page``) the index no longer lists: the page is gone, and so is
    every difference the spec declares against it."""
    report = OperationReport(op.method, op.path, op, [])
    diffs = [
        Difference(
            "gone",
            None,
            None,
            op.doc_page,
            [],
            f"its page {op.doc_page} is no longer listed in the index (llms.txt): the page is gone or moved",
        )
    ]
    _apply_declarations(op, diffs, {side: set(getattr(op, side)) for side in SIDES}, {}, report, gone=True)
    return report
