"""The docs fixtures (tests/fixtures/docs/current) rewritten from a pull, in a reduced form in our own words.

    python scripts/refresh_doc_fixtures.py [--from DIR] [--to DIR] [--dry-run]

``make docs-fixtures`` runs it from the pull cache (``DOCS_CACHE``, default ``.cache/docs``) into
tests/fixtures/docs/current. The fixtures are committed, so they must never carry the vendor's text: each
page is rewritten keeping only what the checker compares, and every piece of prose is replaced by a
sentence this module generates.

* An **endpoint page** (Apidog Markdown with its ``## OpenAPI Specification`` YAML fragment) keeps the
  fragment's structure: paths and methods, the operation's ``summary`` (the page title), ``deprecated``,
  ``tags``, ``x-apidog-status`` and ``x-apidog-folder``, parameters' names and places, and in every schema
  the property names, ``type``, ``format``, limits (lengths, bounds, ``pattern``, item counts), ``enum``,
  ``const``, ``nullable``, ``required``, ``$ref``/``allOf``/``anyOf``/``oneOf``, ``additionalProperties``
  and response codes; the servers' addresses. Every ``description`` becomes a generated sentence naming the
  field (``The card_id field.``); examples, titles, string defaults and every other key are left out. The
  prose around the fragment is replaced by a generated head and the ``Page: <address>`` line the tests read.
* A **doc page** (``doc-<id>``: Overview, Dictionaries) keeps its title, its ``##`` headings and, per table,
  the first column's cells (the values, codes, field or header names the spec binds) under the first
  header cell; the other columns become one generated ``Note`` column, and every prose line is dropped. A
  parameter table (fields marked ``(required)``, nested in several name columns) keeps its layout: its name
  cells, type words and empty cells, under a generated header, each description reduced to the codes it
  lists (``1 - Code 1.``), any other prose cell replaced.
* A **rendered page** (page text, such as a ``docs-pull`` fallback ``api-<id>.txt``) is written again in the
  rendered layout with only what the checker reads from it: title, Apidog status, method and path, and per
  field its name line (indentation kept), type line (with ``<format>``), bound, ``Allowed values:`` and
  ``Match pattern:`` lines and ``required``/``optional``; descriptions, examples and the navigation are
  left out. A page whose side is shown by an example only, or whose field name ran on to a line of prose
  without punctuation, is not written (named in the output): its facts cannot be kept without its text.
* Anything else is not written, and named in the output.

A file is named after an existing fixture of the same page (its ``Page:`` line, or ``doc-<id>``), else
after the page's title (``Unblock card`` -> ``unblock-card.md``). Fixtures no page of the pull matches are
named, never deleted. A second run over its own output writes the same bytes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .docpages import codes_in, is_parameter_table, name_columns, parse_doc_page, text_page_id
from .markdown import _MD_SECTION, _MD_TITLE, _yaml_block  # one reading of a page's fragment
from .model import Body, Facts, SourceError
from .rendered import parse_rendered

HEAD = (
    "Written by scripts/refresh_doc_fixtures.py from a pull of this page: the structure its OpenAPI fragment\n"
    "states, every description replaced by a generated sentence (no vendor text)."
)
DOC_HEAD = (
    "Written by scripts/refresh_doc_fixtures.py from a pull of this page: its headings and the first column\n"
    "of each table (the values the spec binds); the other columns and all prose replaced (no vendor text)."
)
SCHEMA_KEYS = frozenset(
    {"type", "format", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
     "pattern", "enum", "const", "nullable", "required", "minItems", "maxItems", "uniqueItems", "multipleOf",
     "deprecated", "readOnly", "writeOnly", "$ref", "contentEncoding", "contentMediaType"}
)  # fmt: skip
SCHEMA_NESTED = ("items", "additionalProperties", "not")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
OPERATION_KEYS = ("summary", "deprecated", "tags", "operationId", "x-apidog-status", "x-apidog-folder")


def _sentence(name: str) -> str:
    return f"The {name} field." if name else "The value."


def reduce_schema(node: Any, name: str = "") -> Any:
    """A schema with only its structural keys; a description replaced by a sentence naming ``name``."""
    if not isinstance(node, dict):
        return node if isinstance(node, bool) else {}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in SCHEMA_KEYS or (key == "default" and not isinstance(value, str)):
            out[key] = value
        elif key == "properties" and isinstance(value, dict):
            out[key] = {prop: reduce_schema(schema, str(prop)) for prop, schema in value.items()}
        elif key in SCHEMA_NESTED:
            out[key] = reduce_schema(value, f"{name}[]" if key == "items" and name else name)
        elif key in SCHEMA_LISTS and isinstance(value, list):
            out[key] = [reduce_schema(part, name) for part in value]
        elif key == "description":
            out[key] = _sentence(name)
    return out


def _reduce_content(content: Any) -> dict[str, Any]:
    if not isinstance(content, dict):
        return {}
    return {
        media: {"schema": reduce_schema(body.get("schema"))} if isinstance(body, dict) and "schema" in body else {}
        for media, body in content.items()
    }


def reduce_operation(op: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {key: op[key] for key in OPERATION_KEYS if key in op}
    if "description" in op:
        out["description"] = f"The {op.get('summary') or 'page'} operation."
    parameters = []
    for param in op.get("parameters") or []:
        if isinstance(param, dict):
            kept = {k: param[k] for k in ("name", "in", "required") if k in param}
            if "schema" in param:
                kept["schema"] = reduce_schema(param["schema"], str(param.get("name", "")))
            if "description" in param:
                kept["description"] = _sentence(str(param.get("name", "")))
            parameters.append(kept)
    if "parameters" in op:
        out["parameters"] = parameters
    body = op.get("requestBody")
    if isinstance(body, dict):
        out["requestBody"] = {k: body[k] for k in ("required",) if k in body} | {
            "content": _reduce_content(body.get("content"))
        }
    responses = op.get("responses")
    if isinstance(responses, dict):
        out["responses"] = {
            code: {"description": "The answer.", "content": _reduce_content(answer.get("content"))}
            if isinstance(answer, dict)
            else {"description": "The answer."}
            for code, answer in responses.items()
        }
    return out


def reduce_document(document: dict[str, Any]) -> dict[str, Any]:
    """The page's OpenAPI fragment with only what the checker compares (see the module docstring)."""
    paths: dict[str, Any] = {}
    for path, item in (document.get("paths") or {}).items():
        if isinstance(item, dict):
            paths[str(path)] = {m: reduce_operation(op) for m, op in item.items() if isinstance(op, dict)}
    components = document.get("components") if isinstance(document.get("components"), dict) else {}
    schemas = components.get("schemas") if isinstance(components.get("schemas"), dict) else {}
    out: dict[str, Any] = {
        "openapi": document.get("openapi", "3.0.1"),
        "info": {"title": "", "description": "", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": {str(n): reduce_schema(s, str(n)) for n, s in schemas.items()}},
    }
    servers = [{"url": s["url"]} for s in document.get("servers") or [] if isinstance(s, dict) and "url" in s]
    if servers:
        out["servers"] = servers
    return out


def endpoint_fixture(text: str, address: str | None) -> tuple[str, str]:
    """(title, the fixture's text) of an Apidog Markdown endpoint page; SourceError when it is not one."""
    section = _MD_SECTION.search(text)
    if section is None:
        raise SourceError("no OpenAPI Specification section")
    try:
        document = yaml.safe_load(_yaml_block(text[section.end() :]))
    except yaml.YAMLError as exc:
        raise SourceError(f"malformed YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise SourceError("the OpenAPI document has no paths")
    reduced = reduce_document(document)
    title_match = _MD_TITLE.search(text[: section.start()])
    ops = [op for item in reduced["paths"].values() for op in item.values()]
    title = title_match.group(1) if title_match else str(next((op.get("summary") for op in ops), "") or "Untitled")
    title = " ".join(title.split())
    body = yaml.safe_dump(reduced, sort_keys=False, allow_unicode=True, width=1000)
    page_line = f"\nPage: {address}\n" if address else ""
    return title, f"# {title}\n\n{HEAD}\n{page_line}\n## OpenAPI Specification\n\n```yaml\n{body}```\n"


RENDERED_HEAD = "Written by scripts/refresh_doc_fixtures.py from a pull of this page (rendered text, reduced)."


def _type_line(facts: Facts) -> str:
    alternatives = (facts.type or "any").split("|")
    if facts.format:
        alternatives[0] += f" <{facts.format}>"
    return " | ".join(alternatives)


def _limit_lines(facts: Facts) -> list[str]:
    schema = dict(facts.schema or {})
    out = []
    lengths = [
        f"{sign} {schema[k]} characters" for k, sign in (("minLength", ">="), ("maxLength", "<=")) if k in schema
    ]
    bounds = [
        f"{sign} {schema[k]}"
        for k, sign in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="), ("exclusiveMaximum", "<"))
        if k in schema
    ]
    if lengths or bounds:
        out.append(" ".join(lengths + bounds))
    if isinstance(schema.get("enum"), list):
        out.append("Allowed values: " + ", ".join(str(v) for v in schema["enum"]))
    if "pattern" in schema:
        out.append(f"Match pattern: {schema['pattern']}")
    return out


def _rendered_fields(body: Body | None, side: str) -> list[str]:
    if body is None:
        return []
    if body.examples_only or body.raw is None:
        raise SourceError(f"its {side} is shown by an example only (not written: an example is the page's text)")
    lines = []
    for raw in body.raw:
        if not raw.name:
            raise SourceError(f"a {side} field's name ran on to a line of prose ({raw.runon!r}): not written")
        lines += [" " * raw.indent + raw.name, _type_line(raw.facts), *_limit_lines(raw.facts)]
        lines.append("required" if raw.facts.required else "optional")
    return lines


def rendered_fixture(text: str, source: str, address: str | None) -> tuple[str, str]:
    """(title, the fixture's text) of a rendered page; SourceError when it is not one or cannot be kept."""
    page = parse_rendered(text, source)
    if page is None:
        raise SourceError("neither an endpoint page nor a doc page")
    if not page.title:
        raise SourceError("a rendered page without its title/method/URL block: not written")
    lines = [page.title, *([page.status] if page.status else []), page.method, page.path, "", RENDERED_HEAD]
    if address:
        lines.append(f"Page: {address}")
    if page.request is not None:
        lines += ["", "Body Params application/json", *_rendered_fields(page.request, "request")]
    if page.response is not None:
        lines += ["", "Responses", "200 Success", "application/json", *_rendered_fields(page.response, "response")]
    return page.title, "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def doc_fixture(text: str, source: str, address: str | None) -> tuple[str, str]:
    """(title, the fixture's text) of a doc page; SourceError when it is not one."""
    page = parse_doc_page(text, source, address)
    if page is None:
        raise SourceError("not a doc page")
    lines = [f"# {page.title}", "", DOC_HEAD]
    if address:
        lines += ["", f"Page: {address}"]
    for heading, tables in page.sections.items():
        lines += ["", f"## {heading}"]
        for header, rows in tables:
            if is_parameter_table(header, rows):
                lines += ["", *_parameter_table(header, rows)]
                continue
            first = header[0] if header and header[0] else "Value"
            lines += ["", f"| {_cell(first)} | Note |", "|---|---|"]
            lines += [f"| {_cell(row[0])} | Row {n}. |" for n, row in enumerate(rows, 1) if row and row[0]]
    return page.title, "\n".join(lines) + "\n"


def _parameter_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A parameter table kept as laid out (name cells with their "(required)" marks, type words, empty cells)
    under a generated header, each description replaced by a generated one keeping only the codes it lists
    (``1 - Code 1.``), and any other cell of prose by ``Row <n>.``."""
    columns = name_columns(header)
    head = ["Field"] * columns + ["Description", "Type"][: max(len(header) - columns, 0)]
    head += ["Note"] * (len(header) - len(head))
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n, row in enumerate(rows, 1):
        filled = len(row)
        while filled and not row[filled - 1]:
            filled -= 1
        # the description: in its column on a whole row, else the cell before the type (a padded row)
        at = columns if filled >= len(header) else filled - 2
        cells = []
        for i, cell in enumerate(row):
            if i == at and i > 0:
                cell = " ".join(f"{code} - Code {code}." for code in codes_in(cell)) or f"Row {n}."
            elif cell and not _WORD.fullmatch(re.sub(r"\s*\(\s*required\s*\)$", "", cell)):
                cell = f"Row {n}."
            cells.append(_cell(cell))
        out.append("| " + " | ".join(cells) + " |")
    return out


_WORD = re.compile(r"[A-Za-z_][\w./<>\[\]-]*")


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-") or "page"


def _page_address(url: str | None) -> str | None:
    return url.removesuffix(".md") if url else None


@dataclass
class Refresh:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "source: why"
    unmatched: list[Path] = field(default_factory=list)  # fixtures no pulled page rewrote


def _existing(target: Path) -> dict[str, Path]:
    """Page address -> the fixture already holding it (its ``Page:`` line)."""
    found: dict[str, Path] = {}
    for path in sorted([*target.glob("*.md"), *target.glob("*.txt")]):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("Page: "):
                found.setdefault(line.removeprefix("Page: ").split()[0], path)
                break
    return found


def _pulled(source: Path) -> list[tuple[Path, str | None]]:
    """The pages of a pull (or any folder of pages), each with its address from index.json when known."""
    urls: dict[str, str] = {}
    try:
        index = json.loads((source / "index.json").read_text(encoding="utf-8"))
        urls = {str(p["file"]): str(p["url"]) for p in index.get("pages", [])}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass
    files = sorted(p for p in source.iterdir() if p.is_file() and p.suffix.lower() in (".md", ".txt"))
    return [(p, urls.get(p.name)) for p in files if p.name != "llms.txt"]


def refresh(source: Path, target: Path, *, dry_run: bool = False) -> Refresh:
    """Rewrite the fixtures in ``target`` from the pages in ``source`` (see the module docstring)."""
    result = Refresh()
    existing = _existing(target) if target.is_dir() else {}
    touched: set[Path] = set()
    for path, url in _pulled(source):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            result.skipped.append(f"{path}: cannot read ({exc})")
            continue
        own = re.search(r"^Page: (\S+)", text, re.MULTILINE)  # a fixture of ours names its page so
        address = _page_address(url) or (own.group(1) if own else None)
        doc_id = text_page_id(url or "") or text_page_id(path.name)
        try:
            if _MD_SECTION.search(text):
                title, fixture = endpoint_fixture(text, address)
                name = existing.get(address or "") or target / f"{_slug(title)}.md"
            elif doc_id is not None or parse_doc_page(text, path.name) is not None:
                title, fixture = doc_fixture(text, path.name, address)
                name = target / f"doc-{doc_id}.md" if doc_id else existing.get(address or "") or target / path.name
            else:
                title, fixture = rendered_fixture(text, path.name, address)
                name = existing.get(address or "") or target / f"{_slug(title)}{path.suffix.lower()}"
        except SourceError as exc:
            result.skipped.append(f"{path}: {exc}")
            continue
        if name in touched:
            name = name.with_name(f"{name.stem}-{path.stem}{name.suffix}")
        touched.add(name)
        if name.exists() and name.read_text(encoding="utf-8") == fixture:
            result.unchanged.append(name)
            continue
        if not dry_run:
            target.mkdir(parents=True, exist_ok=True)
            name.write_text(fixture, encoding="utf-8")
        result.written.append(name)
    if target.is_dir():
        result.unmatched = [p for p in sorted([*target.glob("*.md"), *target.glob("*.txt")]) if p not in touched]
    return result


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--from", dest="source", default=".cache/docs", help="a pull's cache folder")
    parser.add_argument("--to", dest="target", default="tests/fixtures/docs/current", help="the fixtures folder")
    parser.add_argument("--dry-run", action="store_true", help="say what would be written, write nothing")
    args = parser.parse_args(argv)
    source, target = Path(args.source), Path(args.target)
    if not source.is_dir():
        print(f"refresh-doc-fixtures: no folder {source}: run `make docs-pull` first (network needed)")
        return 2
    result = refresh(source, target, dry_run=args.dry_run)
    verb = "would write" if args.dry_run else "wrote"
    for path in result.written:
        print(f"{verb} {path}")
    for line in result.skipped:
        print(f"not written: {line}")
    for path in result.unmatched:
        print(f"kept (no pulled page for it): {path}")
    print(
        f"refresh-doc-fixtures: {len(result.written)} {verb}, {len(result.unchanged)} unchanged, "
        f"{len(result.skipped)} not written, {len(result.unmatched)} kept"
    )
    return 2 if not (result.written or result.unchanged) else 0
