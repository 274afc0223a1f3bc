"""Drift: the pages of each operation merged and compared with the spec, declared deviations applied."""

from __future__ import annotations

from dataclasses import dataclass

from .model import (
    DEPRECATED,
    SIDES,
    Difference,
    Facts,
    OperationReport,
    Page,
    Report,
    SpecOperation,
    children_prefix,
    container_suffix,
    field_difference,
    parent_of,
    types_match,
)


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
