"""Doc pages (Apidog's text pages: the Card API's Overview and Dictionaries) and what the spec takes from them.

A doc page is Markdown without an OpenAPI section: ``# <title>``, then sections under ``##``/``###``
headings holding prose and pipe tables. It is recognised by its address or file name (a text page's
``doc-<id>`` or ``<slug>-<id>m0``, as ``pull`` saves it) or, for a file without one, by its title
(Overview, Dictionaries).

The spec says which of its facts a doc page states with ``x-doc-dictionary`` on the schema (or security
scheme) holding the fact: ``{page: <doc page id or address>, section: <heading>, compare: values | required
| name}`` (``compare`` defaults to ``values``; ``column``: the table column to read, default the first):

* ``values``, on a property: the section's values are the property's ``enum`` (or, for an open set,
  ``x-known-values``) [difference ``values``];
* ``required``, on an object schema (``under``: the dotted path of the object the section's names belong
  to, e.g. ``client``): every field the section lists (``address1.country`` for a nested one) is a property
  of the object and required, or required by the object's ``x-required-when`` (a requirement OpenAPI
  cannot state, such as "required for product 1000": then listed as declared, with the rule's why)
  [``required``; a field the object lacks is ``added``]; a field the ``x-required-when`` requires that the
  section no longer lists is [``removed``];
* ``name``, on a security scheme or a parameter: its ``name`` is one of the section's values [``values``].

A binding may declare the differences it expects, ``differs: values | required`` with a ``why`` (a rule
the spec cannot state, such as "required for product 1000 only"): those are listed as declared, and the
declaration is stale (drift) when the page and the spec no longer differ so. It is kept on the binding, not
in the property's ``x-doc-deviation``, which the operation pages check. A section the spec binds that the
page no longer has is drift [``gone``]; sections no binding reads are listed in a note, so a new table on
the page is seen.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import _spec  # scripts/_spec.py: scripts/ is on sys.path when an entry point runs

from .model import Difference, DocPage, DocReport, SpecLoadError, page_id_of

DOC_TITLES = frozenset({"overview", "dictionaries", "dictionary"})
COMPARES = ("values", "required", "name")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def text_page_id(address: str) -> str | None:
    """The id of an Apidog text page's address or file name (``doc-123``, ``some-slug-123m0``), else None."""
    return page_id_of(address, "text")


def _cell(text: str) -> str:
    return re.sub(r"^[*_`\s]+|[*_`\s]+$", "", text.strip())


def _row(line: str) -> list[str]:
    return [_cell(c) for c in line.strip().strip("|").split("|")]


def parse_doc_page(text: str, source: str, address: str | None = None) -> DocPage | None:
    """The doc page in Markdown ``text``, None when it is not one (see the module docstring)."""
    lines = text.splitlines()
    title_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if title_at is None:
        return None
    title_match = re.match(r"^#\s+(.+?)\s*$", lines[title_at])
    page_id = text_page_id(address or "") or text_page_id(source)
    if title_match is None or (page_id is None and title_match.group(1).strip().casefold() not in DOC_TITLES):
        return None
    page = DocPage(source, title_match.group(1).strip(), page_id, hashlib.sha256(text.encode()).hexdigest())
    heading = ""
    i = title_at + 1
    while i < len(lines):
        line = lines[i]
        found = _HEADING.match(line)
        if found:
            heading = found.group(2).strip()
            page.sections.setdefault(heading, [])
        elif line.strip().startswith("|") and i + 1 < len(lines) and _RULE.match(lines[i + 1].strip()):
            header = _row(line)
            rows = []
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(_row(lines[i]))
                i += 1
            page.sections.setdefault(heading, []).append((header, rows))
            continue
        i += 1
    return page


# ---------------------------------------------------------------------------------------------- the spec's bindings


@dataclass
class Binding:
    """One ``x-doc-dictionary``: where it is in the spec, and what it compares."""

    where: str  # e.g. "components.schemas.Envelope.properties.status"
    page: str  # the doc page's id
    section: str
    compare: str
    column: str | None
    schema: dict[str, Any] = field(repr=False)
    differs: str | None = None  # the kind of difference the binding declares (with ``why``)
    why: str | None = None
    under: str | None = None  # for ``required``: the object (dotted path) the section's names belong to


def _doc_id(value: str) -> str:
    return text_page_id(value) or value.strip()


def bindings(document: dict[str, Any]) -> list[Binding]:
    """Every ``x-doc-dictionary`` in the spec document (SpecLoadError when one is malformed)."""
    out: list[Binding] = []
    for where, node in _walk(document, "", 0, set()):
        value = node.get("x-doc-dictionary")
        if value is None:
            continue
        if not (
            isinstance(value, dict) and isinstance(value.get("page"), str) and isinstance(value.get("section"), str)
        ):
            raise SpecLoadError(f"{where}: x-doc-dictionary must be {{page, section, compare?, column?}}")
        compare = value.get("compare", "values")
        if compare not in COMPARES:
            raise SpecLoadError(f"{where}: x-doc-dictionary 'compare' must be one of {', '.join(COMPARES)}")
        column = value.get("column")
        try:
            schema = _spec.resolve(node, document)
        except _spec.SpecError as exc:
            raise SpecLoadError(f"{where}: {exc}") from None
        differs, why = value.get("differs"), value.get("why")
        if (differs is None) != (why is None) or differs not in (None, "values", "required"):
            raise SpecLoadError(
                f"{where}: x-doc-dictionary declares with both 'differs' (values or required) and 'why'"
            )
        under = value.get("under")
        if under is not None and not isinstance(under, str):
            raise SpecLoadError(f"{where}: x-doc-dictionary 'under' is the dotted path of an object in the schema")
        binding = Binding(where, _doc_id(value["page"]), value["section"], compare, column, schema, differs, why)
        binding.under = under
        out.append(binding)
    return out


def _walk(node: Any, where: str, depth: int, seen: set[int]) -> Iterator[tuple[str, dict[str, Any]]]:
    if depth > 64 or id(node) in seen:
        return
    if isinstance(node, dict):
        seen.add(id(node))
        yield where, node
        for key, value in node.items():
            yield from _walk(value, f"{where}.{key}" if where else str(key), depth + 1, seen)
    elif isinstance(node, list):
        seen.add(id(node))
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}[{index}]", depth + 1, seen)


# ---------------------------------------------------------------------------------------------- comparing


def _values(tables: list[tuple[list[str], list[list[str]]]], column: str | None) -> list[str]:
    values: list[str] = []
    for header, rows in tables:
        at = 0
        if column is not None:
            names = [h.casefold() for h in header]
            if column.casefold() not in names:
                continue
            at = names.index(column.casefold())
        values += [row[at] for row in rows if len(row) > at and row[at]]
    return values


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _property(schema: dict[str, Any], dotted: str, document: dict[str, Any]) -> tuple[dict[str, Any] | None, bool]:
    """The property schema at ``dotted`` under the object ``schema``, and whether it is required there."""
    node: Any = schema
    required = False
    for part in dotted.split("."):
        props, needed = _spec.object_parts(node, document)
        if part not in props:
            return None, False
        required = part in needed
        node = _spec.resolve(props[part], document)
        while isinstance(node, dict) and node.get("type") == "array" and isinstance(node.get("items"), dict):
            node = _spec.resolve(node["items"], document)
    return (node if isinstance(node, dict) else {}), required


def compare_doc_page(page: DocPage, bound: list[Binding], document: dict[str, Any]) -> DocReport:
    report = DocReport(page)
    for binding in bound:
        tables = page.sections.get(binding.section)
        if tables is None:
            report.drift.append(
                Difference(
                    "gone",
                    binding.where,
                    None,
                    binding.section,
                    [page.source],
                    f"{binding.where}: the section {binding.section!r} its x-doc-dictionary reads is not on the page",
                )
            )
            continue
        values = _values(tables, binding.column)
        before = len(report.declared)
        if binding.compare == "required":
            _compare_required(binding, values, page, report, document)
        elif binding.compare == "name":
            name = binding.schema.get("name")
            if str(name) not in values:
                _sort(
                    report,
                    binding,
                    Difference(
                        "values",
                        binding.where,
                        ", ".join(values) or "none",
                        str(name),
                        [page.source],
                        f"{binding.where}: name {name} in the spec; the section {binding.section!r} names "
                        f"{', '.join(values) or 'nothing'}",
                    ),
                )
        else:
            spec_values = binding.schema.get("enum", binding.schema.get("x-known-values"))
            if not isinstance(spec_values, list):
                report.notes.append(f"{binding.where}: no enum or x-known-values to compare with {binding.section!r}")
                continue
            ours, theirs = sorted(map(_text, spec_values)), sorted(set(values))
            if ours != theirs:
                _sort(
                    report,
                    binding,
                    Difference(
                        "values",
                        binding.where,
                        ", ".join(theirs),
                        ", ".join(ours),
                        [page.source],
                        f"{binding.where}: the page's {binding.section!r} lists {', '.join(theirs) or 'nothing'}; "
                        f"the spec {', '.join(ours)}",
                    ),
                )
        if binding.why is not None and len(report.declared) == before:
            report.drift.append(
                Difference(
                    "stale-declaration",
                    binding.where,
                    None,
                    binding.differs,
                    [page.source],
                    f"stale declaration: {binding.where}'s x-doc-dictionary declares {binding.differs} differences "
                    f"with {binding.section!r} (why: {binding.why}), but there are none",
                    why=binding.why,
                    declared_in="x-doc-dictionary",
                )
            )
    read = {b.section for b in bound}
    unread = [name for name, tables in page.sections.items() if tables and name not in read]
    if unread:
        report.notes.append(f"tables no x-doc-dictionary reads (not compared): {', '.join(map(repr, unread))}")
    return report


def _required_when(schema: dict[str, Any]) -> dict[str, str]:
    """The fields an object's ``x-required-when`` requires under some condition (dotted path -> its why)."""
    out: dict[str, str] = {}
    for rule in schema.get("x-required-when") or []:
        if not isinstance(rule, dict) or not isinstance(rule.get("required"), dict):
            continue
        why = str(rule.get("why") or "x-required-when")
        for holder, names in rule["required"].items():
            for name in names if isinstance(names, list) else []:
                out[f"{holder}.{name}" if holder else str(name)] = " ".join(why.split())
    return out


def _compare_required(
    binding: Binding, names: list[str], page: DocPage, report: DocReport, document: dict[str, Any]
) -> None:
    """Every field the section lists is required by the bound object, or by its ``x-required-when`` (then a
    declared difference with that rule's why); a field the ``x-required-when`` requires that the section no
    longer lists is drift."""
    conditional = _required_when(binding.schema)
    listed = set()
    for name in names:
        dotted = name.split()[0].strip("`")
        dotted = f"{binding.under}.{dotted}" if binding.under else dotted
        listed.add(dotted)
        where = f"{binding.where}.{dotted}"
        schema, required = _property(binding.schema, dotted, document)
        if schema is not None and not required and dotted in conditional:
            diff = Difference(
                "required",
                where,
                "required",
                "required when (x-required-when)",
                [page.source],
                f"{where}: required in the page's {binding.section!r}; the spec requires it under a condition",
                why=conditional[dotted],
                declared_in="x-required-when",
            )
            report.declared.append(diff)
            continue
        if schema is None:
            report.drift.append(
                Difference(
                    "added",
                    where,
                    "required",
                    None,
                    [page.source],
                    f"{where}: the page's {binding.section!r} requires it; the spec's object has no such field",
                )
            )
        elif not required:
            _sort(
                report,
                binding,
                Difference(
                    "required",
                    where,
                    "required",
                    "optional",
                    [page.source],
                    f"{where}: required in the page's {binding.section!r}, optional in the spec",
                ),
            )
    prefix = f"{binding.under}." if binding.under else ""
    for dotted in sorted(set(conditional) - listed):
        if dotted.startswith(prefix):
            report.drift.append(
                Difference(
                    "removed",
                    f"{binding.where}.{dotted}",
                    None,
                    "required when (x-required-when)",
                    [page.source],
                    f"{binding.where}.{dotted}: x-required-when requires it; the page's {binding.section!r} no "
                    "longer lists it",
                )
            )


def _sort(report: DocReport, binding: Binding, diff: Difference) -> None:
    if binding.why is None or binding.differs != diff.kind:
        report.drift.append(diff)
    else:
        diff.why, diff.declared_in = binding.why, "x-doc-dictionary"
        report.declared.append(diff)


def compare_doc_pages(pages: list[DocPage], document: dict[str, Any]) -> tuple[list[DocReport], list[str]]:
    """A report per doc page read, and notes on the spec's bindings whose page was not read."""
    bound = bindings(document)
    reports = []
    for page in pages:
        mine = [b for b in bound if b.page == page.page_id or (page.page_id is None and b.page == page.title)]
        reports.append(compare_doc_page(page, mine, document))
    read_ids = {p.page_id for p in pages} | {p.title for p in pages}
    notes = sorted(
        {f"doc page {b.page} not among the sources: {b.where} not compared" for b in bound if b.page not in read_ids}
    )
    return reports, notes
