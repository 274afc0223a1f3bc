"""Doc pages (Apidog's text pages: the Card API's Overview and Dictionaries) and what the spec takes from them.

A doc page is Markdown without an OpenAPI section: ``# <title>``, then sections under ``##``/``###``
headings holding prose and pipe tables (outer pipes optional; an HTML ``<table>`` in the Markdown is read as
one). A parameter table (fields marked ``(required)``, nested in several name columns, as the Dictionaries
page's table for product 1000) is read row by row into dotted paths (see :func:`parameters`). A doc page
is recognised by its address or file name (a text page's ``doc-<id>`` or ``<slug>-<id>m0``, as ``pull``
saves it) or, for a file without one, by its title (Overview, Dictionaries).

The spec says which of its facts a doc page states with ``x-doc-dictionary`` on the schema (or security
scheme) holding the fact: ``{page: <doc page id or address>, section: <heading>, compare: values | required
| name}`` (``compare`` defaults to ``values``; ``column``: the table column to read, default the first;
``section`` names the heading, or a telling part of it such as ``product_id = 1000``):

* ``values``, on a property: the section's values are the property's ``enum`` (or, for an open set,
  ``x-known-values``) [difference ``values``]; with ``field`` (a dotted path), the values are the codes
  the description of that row of the section's parameter table lists (``1 - ... 2 - ...``), and a row gone
  is [``gone``];
* ``required``, on an object schema (``under``: the dotted path of the object the section's names belong
  to, e.g. ``client``): every field the section lists (``address1.country`` for a nested one) is a property
  of the object and required, or required by the object's ``x-required-when`` (a requirement OpenAPI
  cannot state, such as "required for product 1000": then listed as declared, with the rule's why)
  [``required``; a field the object lacks is ``added``]; a field the ``x-required-when`` requires that the
  section no longer lists is [``removed``]. From a parameter table, the fields it marks ``(required)`` are
  those the section requires, and a field it lists unmarked that the spec requires is [``required``];
* ``name``, on a security scheme or a parameter: its ``name`` is one of the section's values [``values``].

A binding may declare the differences it expects, ``differs: values | required`` with a ``why`` (a rule
the spec cannot state, such as "required for product 1000 only"; ``fields``: only for these dotted
paths, so a new difference elsewhere in the table is still drift): those are listed as declared, and the
declaration is stale (drift) when the page and the spec no longer differ so. It is kept on the binding, not
in the property's ``x-doc-deviation``, which the operation pages check. A section the spec binds that the
page no longer has is drift [``gone``]; sections no binding reads are listed in a note, so a new table on
the page is seen.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import _spec  # scripts/_spec.py: scripts/ is on sys.path when an entry point runs

from .html import html_to_markdown
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
    lines = _html_tables_as_pipes(text).splitlines()
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
        elif "|" in line and i + 1 < len(lines) and _RULE.match(lines[i + 1].strip()):
            # a pipe table, its outer pipes optional (``a | b |``, as some page-to-text conversions write it)
            header = _row(line)
            rows = []
            i += 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                rows.append(_row(lines[i]))
                i += 1
            page.sections.setdefault(heading, []).append((header, rows))
            continue
        i += 1
    return page


def _html_tables_as_pipes(text: str) -> str:
    """``text`` with each HTML ``<table>`` (a page's Markdown may hold one where a table nests fields, which
    pipe tables cannot) turned into a pipe table, as ``pull`` turns a rendered page's tables (spanned cells
    lost: see :func:`parameters`)."""
    if "<table" not in text.casefold():
        return text
    return _TABLE.sub(lambda found: "\n" + html_to_markdown(found.group(0)) + "\n", text)


_TABLE = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)


# ---------------------------------------------------------------------------------------------- parameter tables

_REQUIRED_MARK = re.compile(r"\s*\(\s*required\s*\)\s*$", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z_][\w.\[\]-]*$")
_CODE = re.compile(r"(?<![\w.-])(-?\d+)\s+[-\u2013\u2014]\s+(?=\S)|`([^`\s]+)`\s*[-\u2013\u2014:]\s+(?=\S)")


@dataclass(frozen=True)
class Parameter:
    """One row of a parameter table: the field's dotted path, whether the row marks it ``(required)``, and
    its description."""

    path: str
    required: bool
    description: str


def name_columns(header: list[str]) -> int:
    """How many name columns a table has: the leading header cells repeating the first (``Parameter Name``
    three times: three levels of nesting); 1 for a plain table."""
    first = header[0].casefold() if header else ""
    count = 0
    while count < len(header) and header[count].casefold() == first:
        count += 1
    return max(count, 1)


def _name(cell: str) -> tuple[str, bool] | None:
    """A name cell's field name and its required mark, None when the cell is no field name."""
    plain = re.sub(r"[*`]", "", cell).strip()
    bare = _REQUIRED_MARK.sub("", plain).strip()
    return (bare, bare != plain) if _NAME.match(bare) else None


def is_parameter_table(header: list[str], rows: list[list[str]]) -> bool:
    """A table of fields marked ``(required)``, or with several name columns (nested fields)."""
    return name_columns(header) > 1 or any(row and _REQUIRED_MARK.search(row[0]) for row in rows)


def parameters(header: list[str], rows: list[list[str]], known: Callable[[str], bool] | None = None) -> list[Parameter]:
    """The fields of a parameter table, nested by its name columns, as dotted paths (``client.address1.country``).

    Two layouts are read. Whole rows (as many cells as the header): a field sits in the name column of its
    depth, its parents in the columns before it, left empty (or repeated) on the rows after the one that
    opens them. Rows whose spanned cells were lost (a rendered page turned into text or pipes: a row-spanning
    parent appears only on its first row, a column-spanning name takes one cell, and the row is padded with
    empty cells at its end): the last cells are the description and the type, the cells before them names; a
    row with several names opens groups (its last name is the field), a row with one name is a field of the
    innermost open group (how many name columns there are: the header's, or the most names a row holds when
    the header's name cell spanned them). Such a row cannot tell a field of that group from one of an outer group: the
    nesting depth (no deeper than the name columns) decides where it can, then ``known`` (whether the spec
    has a path), else the innermost group.
    """
    columns = name_columns(header)
    details = max(len(header) - columns, 0)
    at_description = next((i for i, h in enumerate(header[columns:]) if "descr" in h.casefold()), 0)
    # a header whose name cell spanned the name columns (an HTML table turned into pipes) shows one: the rows
    # tell how many there are
    depths = max([columns, *(len([c for c in row if c]) - details for row in rows)])
    out: list[Parameter] = []
    groups: list[str] = []  # the open groups, outermost first (each a name)
    for row in rows:
        opened: list[tuple[str, bool]] = []  # the groups this row opens (a group is a field too)
        cells = list(row)
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) >= len(header) and columns > 1:  # a whole row: names in their columns
            names_at = [(i, _name(cells[i])) for i in range(columns) if cells[i]]
            if not names_at or any(found is None for _, found in names_at):
                continue
            leaf_column = names_at[-1][0]
            groups = groups[:leaf_column]
            groups += [""] * (leaf_column - len(groups))
            for i, found in names_at[:-1]:
                groups[i] = found[0]  # type: ignore[index]
                opened.append((".".join(g for g in groups[: i + 1] if g), found[1]))  # type: ignore[index]
            name, required = names_at[-1][1]  # type: ignore[misc]
            path = [g for g in groups[:leaf_column] if g] + [name]
            description = cells[columns + at_description] if len(cells) > columns + at_description else ""
        else:  # spanned cells lost
            named = cells[: max(len(cells) - details, 1)]
            found_names = [_name(c) for c in named]
            if not named or any(found is None for found in found_names):
                continue
            depth = min(len(groups), depths - len(named))
            if known is not None and depth > 0:
                head = found_names[0][0]  # type: ignore[index]
                fits = [d for d in range(depth, -1, -1) if known(".".join([*groups[:d], head]))]
                depth = fits[0] if fits else depth
            groups = groups[: max(depth, 0)]
            for found in found_names[:-1]:
                groups.append(found[0])  # type: ignore[index]
                opened.append((".".join(groups), found[1]))  # type: ignore[index]
            name, required = found_names[-1]  # type: ignore[misc]
            path = [*groups, name]
            rest = cells[len(named) :]
            description = rest[at_description] if len(rest) > at_description else ""
        out += [Parameter(group, group_required, "") for group, group_required in opened]
        out.append(Parameter(".".join(path), required, description))
    return out


def codes_in(description: str) -> list[str]:
    """The codes a description enumerates (``1 - Individual 2 - Company``, or `` `ok` - done``)."""
    text = re.sub(r"<br\s*/?>", " ", description, flags=re.IGNORECASE)
    return [number or word for number, word in _CODE.findall(text)]


def find_section(page: DocPage, name: str) -> str | None:
    """The page's heading a binding's ``section`` names: the same heading (case and spacing aside), else the
    first heading containing it (a long heading is bound by a telling part of it, e.g. ``product_id = 1000``)."""
    wanted = _heading_key(name)
    headings = list(page.sections)
    exact = [h for h in headings if _heading_key(h) == wanted]
    if exact:
        return exact[0]
    return next((h for h in headings if wanted and wanted in _heading_key(h)), None)


def _heading_key(heading: str) -> str:
    return " ".join(heading.casefold().replace("`", "").split()).strip(" :#")


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
    field: str | None = None  # for ``values``: the parameter table row whose description lists the values
    fields: tuple[str, ...] = ()  # the fields (dotted, under ``under``) a ``differs: required`` is about


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
        row, fields = value.get("field"), value.get("fields", [])
        if row is not None and not isinstance(row, str):
            raise SpecLoadError(f"{where}: x-doc-dictionary 'field' is the dotted path of a parameter table row")
        if not (isinstance(fields, list) and all(isinstance(f, str) for f in fields)):
            raise SpecLoadError(f"{where}: x-doc-dictionary 'fields' is a list of dotted paths")
        binding = Binding(where, _doc_id(value["page"]), value["section"], compare, column, schema, differs, why)
        binding.under, binding.field, binding.fields = under, row, tuple(fields)
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
    read: set[str] = set()
    for binding in bound:
        heading = find_section(page, binding.section)
        tables = page.sections.get(heading) if heading is not None else None
        row = _row_of(tables, binding, document) if tables is not None and binding.field else None
        if heading is None or tables is None or (binding.field and row is None):
            missing = f"the section {binding.section!r}" + (f" (its row {binding.field})" if tables is not None else "")
            report.drift.append(
                Difference(
                    "gone",
                    binding.where,
                    None,
                    binding.section,
                    [page.source],
                    f"{binding.where}: {missing} its x-doc-dictionary reads is not on the page",
                )
            )
            continue
        read.add(heading)
        where_on_page = repr(heading) + (f" ({binding.field})" if binding.field else "")
        values = codes_in(row.description) if row is not None else _values(tables, binding.column)
        before = len(report.declared)
        if binding.compare == "required":
            _compare_required(binding, tables, page, report, document)
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
                        f"{binding.where}: name {name} in the spec; the section {where_on_page} names "
                        f"{', '.join(values) or 'nothing'}",
                    ),
                )
        else:
            spec_values = binding.schema.get("enum", binding.schema.get("x-known-values"))
            if not isinstance(spec_values, list):
                report.notes.append(f"{binding.where}: no enum or x-known-values to compare with {where_on_page}")
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
                        f"{binding.where}: the page's {where_on_page} lists {', '.join(theirs) or 'nothing'}; "
                        f"the spec {', '.join(ours)}",
                    ),
                )
        mine = [d for d in report.declared[before:] if d.declared_in == "x-doc-dictionary"]
        if binding.why is not None and not mine:
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
    unread = [name for name, tables in page.sections.items() if tables and name not in read]
    if unread:
        report.notes.append(f"tables no x-doc-dictionary reads (not compared): {', '.join(map(repr, unread))}")
    return report


Tables = list[tuple[list[str], list[list[str]]]]


def _known(binding: Binding, document: dict[str, Any]) -> Callable[[str], bool]:
    """Whether the bound object has a field at a dotted path of the page's table (read under ``under``)."""
    prefix = f"{binding.under}." if binding.under else ""

    def known(dotted: str) -> bool:
        return _property(binding.schema, prefix + dotted, document)[0] is not None

    return known


def _row_of(tables: Tables, binding: Binding, document: dict[str, Any]) -> Parameter | None:
    """The parameter table row a ``values`` binding's ``field`` names, None when the section has none (a row
    the rendered layout could place in more than one group is placed on that path)."""
    field = binding.field or ""

    def known(dotted: str) -> bool:
        return field == dotted or field.startswith(dotted + ".")

    for header, rows in tables:
        for parameter in parameters(header, rows, known):
            if parameter.path == binding.field:
                return parameter
    return None


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


def _listed(tables: Tables, binding: Binding, document: dict[str, Any]) -> list[tuple[str, bool]]:
    """The fields a ``required`` section lists, each with whether the page requires it: a parameter table's
    rows (required when marked ``(required)``), or a plain list's names in its first column (each required)."""
    out: list[tuple[str, bool]] = []
    for header, rows in tables:
        if is_parameter_table(header, rows):
            out += [(p.path, p.required) for p in parameters(header, rows, _known(binding, document))]
        else:
            out += [(name.split()[0].strip("`"), True) for name in _values([(header, rows)], binding.column)]
    return out


def _compare_required(
    binding: Binding, tables: Tables, page: DocPage, report: DocReport, document: dict[str, Any]
) -> None:
    """Every field the section requires is required by the bound object, or by its ``x-required-when`` (then a
    declared difference with that rule's why); a field the ``x-required-when`` requires that the section no
    longer requires is drift [``removed``]; a field the section lists without requiring it that the spec
    requires is drift [``required``] (``differs: required`` with ``fields`` declares such fields); a field the
    spec lacks is [``added``]."""
    conditional = _required_when(binding.schema)
    section = repr(binding.section)
    listed = set()
    for name, page_requires in _listed(tables, binding, document):
        dotted = f"{binding.under}.{name}" if binding.under else name
        where = f"{binding.where}.{dotted}"
        schema, required = _property(binding.schema, dotted, document)
        if page_requires:
            listed.add(dotted)
        if schema is None:
            report.drift.append(
                Difference(
                    "added",
                    where,
                    "required" if page_requires else "optional",
                    None,
                    [page.source],
                    f"{where}: the page's {section} lists it{' as required' if page_requires else ''}; the spec's "
                    "object has no such field",
                )
            )
        elif not page_requires:
            if required:
                diff = Difference(
                    "required",
                    where,
                    "optional",
                    "required",
                    [page.source],
                    f"{where}: optional in the page's {section}, required in the spec",
                )
                _sort(report, binding, diff, name)
        elif not required and dotted in conditional:
            report.declared.append(
                Difference(
                    "required",
                    where,
                    "required",
                    "required when (x-required-when)",
                    [page.source],
                    f"{where}: required in the page's {section}; the spec requires it under a condition",
                    why=conditional[dotted],
                    declared_in="x-required-when",
                )
            )
        elif not required:
            diff = Difference(
                "required",
                where,
                "required",
                "optional",
                [page.source],
                f"{where}: required in the page's {section}, optional in the spec",
            )
            _sort(report, binding, diff, name)
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
                    f"{binding.where}.{dotted}: x-required-when requires it; the page's {section} no longer "
                    "requires it",
                )
            )


def _sort(report: DocReport, binding: Binding, diff: Difference, name: str | None = None) -> None:
    """Drift, or declared when the binding declares this kind of difference (for ``fields``: of this field)."""
    if binding.why is None or binding.differs != diff.kind or (binding.fields and name not in binding.fields):
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
