"""The report: as text or JSON (see "Exit status and output" in the package docstring)."""

from __future__ import annotations

import json
import sys
from collections.abc import Collection
from typing import Any

from .model import SIDES, Page, Report, SpecOperation
from .sources import endpoint_id

# The exit statuses of docs-check (and of pull, which ends with a check).
EXIT_OK = 0  # no drift
EXIT_DRIFT = 1  # drift found (reported)
EXIT_UNREADABLE = 2  # a source or the spec cannot be read, or no page at all


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
            "page_id": page.page_id,
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
            "operations_checked": sum(1 for r in report.operations if r.operation and r.pages),
            "operations_not_checked": len(report.not_checked),
            "drift": report.drift_count,
            "declared": report.declared_count,
            "unreadable": len(report.unreadable),
            "listed_not_modelled": len(report.unmodelled),
            "doc_pages": len(report.doc_pages),
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
                "listed": _listed(report, op),
            }
            for op in report.not_checked
        ],
        "skipped": report.skipped,
        "unreadable": [{"source": source, "reason": reason} for source, reason in report.unreadable],
        "listed_not_modelled": [
            {"page": u.page, "title": u.title, "path": u.path, "why": u.why, "pages": [p.source for p in pages]}
            for u, pages in report.unmodelled
        ],
        "doc_pages": [
            {
                "source": d.page.source,
                "url": d.page.url,
                "page_id": d.page.page_id,
                "title": d.page.title,
                "sha256": d.page.sha256,
                "sections": list(d.page.sections),
                "drift": [x.as_json() for x in d.drift],
                "declared": [x.as_json() for x in d.declared],
                "notes": d.notes,
            }
            for d in report.doc_pages
        ],
        "notes": report.notes,
    }


def _listed(report: Report, op: SpecOperation) -> bool | None:
    """Whether the llms.txt index among the sources lists the operation's page (None: no index, or no page)."""
    page_id = endpoint_id(op.doc_page) if op.doc_page else None
    return None if report.listed is None or page_id is None else page_id in report.listed


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
    for doc in report.doc_pages:
        where = f" <{doc.page.url}>" if doc.page.url else ""
        page_id = f"page id {doc.page.page_id}, " if doc.page.page_id else ""
        out.append(f"doc page {doc.page.source}{where} {doc.page.title!r} ({page_id}sha256 {doc.page.sha256[:12]})")
        out += [f"  - {d.message}" for d in doc.drift] or ["  no drift"]
        out += [f"    note: {note}" for note in doc.notes]
        if doc.declared:
            out.append(f"    ({len(doc.declared)} declared deviation(s), listed below)")
        out.append("")
    declared = [(f"{r.method} {r.path}", d) for r in report.operations for d in r.declared]
    declared += [(f"doc page {r.page.title!r}", d) for r in report.doc_pages for d in r.declared]
    if declared:
        out.append("Declared deviations (in the spec; not counted as drift):")
        out += [f"  {where}: {d.message} -- why: {d.why} ({d.declared_in})" for where, d in declared]
        out.append("")
    if report.not_checked:
        out.append("Not checked (no page among the sources):")
        for op in report.not_checked:
            doc_page = f"  x-doc-page: {op.doc_page}" if op.doc_page else ""
            listed = {True: "  (listed in the index, not among the sources)", False: "", None: ""}[_listed(report, op)]
            out.append(
                f"  {op.method} {op.path}  {op.operation_id}  [{op.doc_status or 'no x-doc-status'}]{doc_page}{listed}"
            )
        out.append("")
    if report.unmodelled:
        out.append("Listed, not modelled (the spec's x-unmodelled-pages; not drift):")
        for u, pages in report.unmodelled:
            where = f" {u.path}" if u.path else ""
            out.append(f"  page {u.page} {u.title!r}{where} -- why: {u.why} [{', '.join(p.source for p in pages)}]")
        out.append("")
    if report.unreadable:
        out.append("Unreadable sources (not compared; --strict makes them exit 2):")
        out += [f"  {source}: {reason}" for source, reason in report.unreadable]
        out.append("")
    if report.skipped:
        out += [f"Skipped: {note}" for note in report.skipped] + [""]
    if report.notes:
        out += [f"Note: {note}" for note in report.notes] + [""]
    with_drift = sum(1 for r in report.operations if r.drift) + sum(1 for d in report.doc_pages if d.drift)
    checked = sum(1 for r in report.operations if r.operation and r.pages)
    head = (
        f"Total: {report.drift_count} difference(s) in {with_drift} operation(s)"
        + (" or doc page(s)" if report.doc_pages else "")
        if report.drift_count
        else "Total: no drift"
    )
    docs = f" and {len(report.doc_pages)} doc page(s)" if report.doc_pages else ""
    out.append(
        f"{head}; {report.declared_count} declared deviation(s); {len(report.pages)} page(s) read{docs}; "
        f"{checked} operation(s) checked, {len(report.not_checked)} not checked"
        + (f"; {len(report.unreadable)} source(s) could not be read." if report.unreadable else ".")
    )
    return "\n".join(out)


def fail(errors: list[tuple[str, str]], as_json: bool, *, tool: str = "docs_check", note: str = "") -> int:
    """Exit 2 (``EXIT_UNREADABLE``): each (source, reason) on stderr, ``tool: source: reason`` and ``note``, and
    with ``as_json`` ``{"errors": [{"source", "reason"}]}`` on stdout."""
    for source, reason in errors:
        print(f"{tool}: {source}: {reason}{note}", file=sys.stderr)
    if as_json:
        print(json.dumps({"errors": [{"source": s, "reason": r} for s, r in errors]}, indent=2, ensure_ascii=False))
    return EXIT_UNREADABLE
