"""Provenance: what each operation of the spec was last synced from, and whether its page changed since.

``make docs-sync`` records on every operation it synced an ``x-doc-sync`` mapping (a list of them when
several pages show one operation)::

    x-doc-sync:
      page: "12075208"                 # Apidog's page id, when the page's address shows it
      url: https://docs.freedompay.kz/api-12075208.md
      title: Close card
      status: released                 # the page's Apidog status
      modified: 2025-03-04 10:11:12    # the page's "Modified at" stamp, when it shows one
      form: markdown                   # or rendered
      fragment: sha256:...             # what the page states about the operation: its OpenAPI fragment without
                                       # descriptions, summaries and examples (rendered text: fields, types,
                                       # required-ness, status)
      prose: sha256:...                # what a person reads: the operation's summary and description, the
                                       # descriptions of the fields the spec has (a new field's description
                                       # changes the fragment's hash, with the field), the text around the
                                       # fragment (a rendered page: all its text); "Modified at" not counted
      review: [...]                    # what the sync left to a person on this page (a person deletes it)

``docs-check`` then reports, per synced operation, a page whose fragment or prose hash differs from the one
recorded (``changed-since-sync``: "prose only" when only the prose moved) and each open ``review`` entry
(``review``). (A page gone from the index, and a moved page, are docs-check's own: the page id it matches
on is the ``x-doc-page``; docs-sync also matches on the page recorded here.)

The page's text outside its fragment is read again from its file (a page read from an address counts only
its fragment's prose).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .html import html_to_text
from .model import SIDES, Difference, Page, Report, SpecOperation
from .sources import endpoint_id

KEY = "x-doc-sync"
# Keys of a page's fragment that are prose: a change there changes no field, only what a person reads.
PROSE_KEYS = frozenset({"description", "summary", "title", "example", "examples", "x-apidog-name"})
_MODIFIED = re.compile(r"^\W*(?:modified at|last modified|updated at|modified)\s*:?\s*(\d[\d\-/.: T+Z]*\d)\s*$", re.I)
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _sha(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _strip(node: Any, names: bool = False) -> Any:
    """``node`` without its prose keys (``names``: the keys are field names, as under ``properties``, and are
    all kept: a field may be called ``description``)."""
    if isinstance(node, Mapping):
        return {
            str(key): _strip(value, str(key) == "properties" and not names)
            for key, value in node.items()
            if names or str(key) not in PROSE_KEYS
        }
    if isinstance(node, list):
        return [_strip(value) for value in node]
    return node


def _operation_prose(document: Mapping[str, Any]) -> list[Any]:
    """The summaries and descriptions of a fragment's operations (not of their fields)."""
    found = []
    for item in (document.get("paths") or {}).values():
        for op in (item or {}).values() if isinstance(item, Mapping) else []:
            if isinstance(op, Mapping):
                found += [op.get("summary"), op.get("description")]
    return found


def _outside_fence(text: str) -> list[str]:
    """The lines of a Markdown page outside its fenced code blocks (the fragment is hashed on its own)."""
    out, fence = [], None
    for line in text.splitlines():
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0]
        elif fence is not None and line.strip().startswith(fence * 3) and not line.strip().strip(fence):
            fence = None
        elif fence is None:
            out.append(line)
    return out


def page_text(page: Page) -> str:
    """The page's text as saved (an HTML file's visible text), "" when it is not a file."""
    path = Path(page.source)
    try:
        raw = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    except (OSError, UnicodeDecodeError):
        return ""
    html_file = path.suffix.lower() in (".html", ".htm") or re.match(r"\s*(<!doctype html|<html\b)", raw, re.I)
    return html_to_text(raw) if raw and html_file else raw


def modified_at(page: Page) -> str | None:
    """The page's "Modified at" stamp, when its text shows one."""
    for line in page_text(page).splitlines():
        match = _MODIFIED.match(line.strip())
        if match:
            return match.group(1).strip()
    return None


def _text_lines(lines: Iterable[str]) -> list[str]:
    return [" ".join(line.split()) for line in lines if line.strip() and not _MODIFIED.match(line.strip())]


def hashes(page: Page, known: Mapping[str, Iterable[str]] | None = None) -> tuple[str, str]:
    """(fragment, prose) hashes of a page (see the module docstring). The prose counts the descriptions of the
    fields in ``known`` (side -> the spec's field paths) only, so that a field the page adds, with its
    description, changes the fragment and not the prose."""
    if page.document is not None:
        described = {}
        for side in SIDES:
            spec_fields = set((known or {}).get(side, ()))
            for path, facts in (page.fields(side) or {}).items():
                if path in spec_fields:
                    described[f"{side}.{path}"] = facts.description
        outside = _text_lines(_outside_fence(page_text(page)))
        prose = {"text": outside, "operation": _operation_prose(page.document), "fields": described}
        return _sha(_canonical(_strip(page.document))), _sha(_canonical(prose))
    fields = {
        side: None
        if (found := page.fields(side)) is None
        else {path: [facts.type, facts.required] for path, facts in found.items()}
        for side in SIDES
    }
    facts = {"method": page.method, "path": page.path, "status": page.status, **fields}
    return _sha(_canonical(facts)), _sha(_canonical(_text_lines(page_text(page).splitlines())))


def record(page: Page, review: list[str], known: Mapping[str, Iterable[str]]) -> dict[str, Any]:
    """The ``x-doc-sync`` entry for ``page`` (keys in the order they are written); ``known``: the spec's field
    paths per side (see :func:`hashes`)."""
    fragment, prose = hashes(page, known)
    entry: dict[str, Any] = {}
    if page.page_id:
        entry["page"] = page.page_id
    if page.url:
        entry["url"] = page.url
    entry["title"] = page.title
    entry["status"] = page.status or "not shown"
    stamp = modified_at(page)
    if stamp:
        entry["modified"] = stamp
    entry["form"] = page.form
    entry["fragment"] = fragment
    entry["prose"] = prose
    if review:
        entry["review"] = review
    return entry


def entries(operation: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """The operation's recorded ``x-doc-sync`` entries (none when it was never synced)."""
    value = (operation or {}).get(KEY)
    found = value if isinstance(value, list) else [value] if value is not None else []
    return [entry for entry in found if isinstance(entry, Mapping)]


def page_ids(op: SpecOperation) -> list[str]:
    """The Apidog page ids an operation is known by: its ``x-doc-page`` and the pages it was synced from."""
    ids = [endpoint_id(op.doc_page)] if op.doc_page else []
    ids += [str(entry["page"]) for entry in entries(op.raw) if entry.get("page")]
    return [page_id for page_id in dict.fromkeys(ids) if page_id]


def entry_for(
    page: Page, recorded: list[Mapping[str, Any]], known: Mapping[str, Iterable[str]] | None = None
) -> Mapping[str, Any] | None:
    """The recorded entry that describes ``page``: same page id, else same address, else same title and form
    (several pages without an address, say one saved as Markdown and as text, may share a title: the one
    whose hashes still match, given ``known``, is preferred)."""
    for keys in (("page",), ("url",), ("title", "form"), ("title",)):
        values = [{"page": page.page_id, "url": page.url, "title": page.title, "form": page.form}[k] for k in keys]
        if not all(values):
            continue
        found = [e for e in recorded if all(str(e.get(k) or "") == v for k, v in zip(keys, values, strict=True))]
        if found:
            unchanged = [e for e in found if known is not None and changes(page, e, known) is None]
            return (unchanged or found)[0]
    return recorded[0] if len(recorded) == 1 else None


def changes(page: Page, entry: Mapping[str, Any], known: Mapping[str, Iterable[str]]) -> str | None:
    """How ``page`` changed since ``entry`` was recorded: "fragment", "prose" or None."""
    fragment, prose = hashes(page, known)
    if entry.get("fragment") != fragment:
        return "fragment"
    if entry.get("prose") != prose:
        return "prose"
    return None


def known_fields(op: SpecOperation) -> dict[str, list[str]]:
    return {side: list(getattr(op, side)) for side in SIDES}


def annotate(report: Report) -> None:
    """Add what provenance knows to a docs-check report (see the module docstring)."""
    for op_report in report.operations:
        op = op_report.operation
        recorded = entries(op.raw if op else None)
        if not recorded:
            continue
        for page in op_report.pages:
            known = known_fields(op) if op else None
            entry = entry_for(page, recorded, known)
            how = None if entry is None or known is None else changes(page, entry, known)
            if entry is not None and how is not None:
                what = "its OpenAPI fragment" if how == "fragment" else "prose only: its descriptions or text"
                op_report.drift.append(
                    Difference(
                        "changed-since-sync",
                        None,
                        how,
                        str(entry.get("modified") or "the last sync"),
                        [page.source],
                        f"page {page.title!r} changed since the last sync ({what}): run make docs-sync",
                    )
                )
        for entry in recorded:
            for item in entry.get("review") or []:
                op_report.drift.append(
                    Difference(
                        "review",
                        None,
                        None,
                        None,
                        [],
                        f"left to a person by the last sync of page {entry.get('title')!r}: {item} "
                        f"(delete the entry from {KEY}.review when done)",
                    )
                )
