"""MkDocs hooks for the API reference (`make docs`): the doc status of every operation, from the spec.

Where the status comes from: each operation of ``openapi/card-api.yaml`` carries ``x-doc-status``
(documented / partial / inferred) and, when a page exists, ``x-doc-page``; its facade method is its
``x-facade`` key (``cards.block`` is ``client.cards.block``). ``make generate`` writes them into the
operation table, ``freedompay_cards._operations.OPERATIONS``, which the hooks read. Public methods that are
no operation of their own are listed in ``HELPERS`` with the operation they use; a public method in neither
place fails the build.

What the hooks put in the site:
- ``<!-- public-names: PAGE -->`` becomes one mkdocstrings entry (``::: module.Name``) for every name of
  ``freedompay_cards.__all__`` that ``PUBLIC_PAGES`` places on that page, by the module defining it, in
  source order: a new public name gets its entry without editing a page, and a name defined in a module
  no page takes fails the build;
- ``<!-- doc-status: RESOURCE -->`` in a page becomes the table of that resource's methods;
  ``<!-- doc-status: all -->`` the table of every operation;
- every method heading rendered by mkdocstrings for a resource class (``freedompay_cards._sync.cards.Cards``
  and its async twin) gets a badge with its status.
"""

from __future__ import annotations

import functools
import html
import importlib
import inspect
import re
from typing import Any

import _spec  # scripts/_spec.py: mkdocs puts the hooks' folder on sys.path while it loads them

# Public methods that are no operation of their own (scripts/_spec.py, shared with the README's table).
HELPERS = _spec.HELPERS
# The operation table made from the spec by `make generate`, in the spec's order.
OPERATIONS: tuple[dict[str, Any], ...] = importlib.import_module("freedompay_cards._operations").OPERATIONS
# The resources, in the order the spec's operations first name them (x-facade: resource.method).
RESOURCES = tuple(dict.fromkeys(entry["name"].split(".")[0] for entry in OPERATIONS))
STATUSES = tuple(_spec.DOC_STATUSES)


# The page and section of each public name, by the module that defines it (relative to freedompay_cards).
PUBLIC_PAGES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "client": [("", ("_sync._client", "_async._client"))],
    "results": [("Results", ("_models", "_listing", "_raw", "_redact")), ("Enums", ("_enums",))],
    "errors": [("", ("_errors",))],
    "configuration": [("Retries", ("_retry",)), ("Per-call options", ("_options",)), ("Signing", ("_auth",))],
}


def public_names() -> dict[str, list[tuple[str, str]]]:
    """The names of ``freedompay_cards.__all__`` by the ``PUBLIC_PAGES`` module that places them (``_models``),
    each as (the module defining it, relative to the package, its name), in source order."""
    package = importlib.import_module("freedompay_cards")
    placed = {module for sections in PUBLIC_PAGES.values() for _, modules in sections for module in modules}
    found: dict[str, list[tuple[str, int, str]]] = {}
    for name in package.__all__:
        if name == "__version__":
            continue
        obj = getattr(package, name)
        defining = obj.__module__.removeprefix("freedompay_cards.")
        module = defining if defining in placed else defining.rsplit(".", 1)[0]  # a package's own module
        if module not in placed:
            raise RuntimeError(f"freedompay_cards.{name} is defined in {obj.__module__}, which no page documents: "
                               "add the module to PUBLIC_PAGES in scripts/docs_hooks.py")  # fmt: skip
        found.setdefault(module, []).append((defining, inspect.getsourcelines(obj)[1], name))
    return {module: [(defining, name) for defining, _, name in sorted(names)] for module, names in found.items()}


def public_entries(page: str) -> str:
    """The mkdocstrings entries of ``page``: a ``##`` section per group that has names, then one per name."""
    names = public_names()
    lines: list[str] = []
    for heading, modules in PUBLIC_PAGES[page]:
        entries = [entry for module in modules for entry in names.get(module, [])]
        if not entries:
            continue
        if heading:
            lines += [f"## {heading}", ""]
        for module, name in entries:
            lines.append(f"::: freedompay_cards.{module}.{name}")
            if heading:  # under a section heading, one level down
                lines += ["    options:", "      heading_level: 3"]
            lines.append("")
    return "\n".join(lines)


@functools.cache
def operations() -> dict[str, dict[str, Any]]:
    """Every operation of the spec by facade name: operationId, path, summary, doc status and page."""
    found: dict[str, dict[str, Any]] = {}
    for entry in OPERATIONS:
        status = entry["doc_status"]
        if status not in STATUSES:
            raise RuntimeError(f"{entry['operation_id']}: x-doc-status is {status!r}, not one of {STATUSES}")
        found[entry["name"]] = {
            "operation_id": entry["operation_id"],
            "path": entry["path"],
            "summary": entry["summary"],
            "status": status,
            "page": entry["doc_page"],
        }
    return found


def resource_class(resource: str, flavour: str) -> type[Any]:
    """The class behind ``client.<resource>`` for ``flavour`` ``sync`` or ``async``."""
    module = importlib.import_module(f"freedompay_cards._{flavour}.{resource}")
    name = "".join(part.title() for part in resource.split("_"))
    cls: type[Any] = getattr(module, name if flavour == "sync" else f"Async{name}")
    return cls


def public_methods(resource: str) -> list[str]:
    """The public methods of a resource (the sync and async classes must agree), in source order."""
    found = {}
    for flavour in ("sync", "async"):
        cls = resource_class(resource, flavour)
        members = [(n, f) for n, f in vars(cls).items() if not n.startswith("_") and inspect.isfunction(f)]
        found[flavour] = [n for n, f in sorted(members, key=lambda m: m[1].__code__.co_firstlineno)]
    if found["sync"] != found["async"]:
        raise RuntimeError(f"{resource}: the sync and async classes differ: {found}")
    return found["sync"]


def method_status(name: str) -> dict[str, Any]:
    """The status entry of one facade method (``cards.block``): its operation's, or its helper's."""
    ops = operations()
    if name in ops:
        return {**ops[name], "note": "", "helper": False}
    if name in HELPERS:
        used, helper, note = HELPERS[name]
        return {**ops[used], "note": note, "helper": helper}
    raise RuntimeError(f"{name} is public but neither an operation of the spec nor listed in HELPERS")


def badge(entry: dict[str, Any]) -> str:
    status = entry["status"]
    title = f"{entry['operation_id']} ({entry['path']}): {status}"
    if entry.get("note"):
        title += f"; {entry['note']}"
    label, css = ("library helper", "helper") if entry.get("helper") else (status, status)
    return f'<span class="fp-doc-status fp-doc-status--{css}" title="{html.escape(title)}">{label}</span>'


def _page_link(entry: dict[str, Any]) -> str:
    return f"[page]({entry['page']})" if entry["page"] else "—"


def table(resource: str) -> str:
    """The Markdown table of a resource's methods (``all``: every operation, grouped by resource)."""
    if resource == "all":
        rows = ["| facade method | operation | path | doc status | vendor page |", "|---|---|---|---|---|"]
        for name, entry in operations().items():
            rows.append(
                f"| `client.{name}` | `{entry['operation_id']}` ({entry['summary']}) | `{entry['path']}` | "
                f"{badge(entry)} | {_page_link(entry)} |"
            )
        counts = {s: sum(e["status"] == s for e in operations().values()) for s in STATUSES}
        summary = ", ".join(f"{n} {s}" for s, n in counts.items())
        return f"{len(operations())} operations: {summary}.\n\n" + "\n".join(rows)
    rows = ["| method | operation | doc status | vendor page |", "|---|---|---|---|"]
    for method in public_methods(resource):
        entry = method_status(f"{resource}.{method}")
        operation = f"`{entry['operation_id']}` ({entry['summary']})"
        if entry["note"]:
            operation = f"uses {operation}: {entry['note']}"
        rows.append(f"| [`{method}`](#{anchor(resource, 'sync', method)}) | {operation} | {badge(entry)} | "
                    f"{_page_link(entry)} |")  # fmt: skip
    return "\n".join(rows)


def anchor(resource: str, flavour: str, method: str) -> str:
    cls = resource_class(resource, flavour)
    return f"{cls.__module__}.{cls.__qualname__}.{method}"


_MARKER = re.compile(r"<!-- doc-status: (\w+) -->")
_PUBLIC = re.compile(r"<!-- public-names: (\w+) -->")
# a method heading of a resource class, as mkdocstrings renders it:
# <hN id="freedompay_cards._sync.cards.Cards.block" ...>
_HEADING = re.compile(
    r'(<h(?P<level>[1-6]) id="freedompay_cards\._(?:sync|async)\.(?P<resource>\w+)\.\w+\.(?P<method>[a-z]\w*)"'
    r"[^>]*>)(?P<body>.*?)(?=</h(?P=level)>)",
    re.S,
)


def on_page_markdown(markdown: str, **_: Any) -> str:
    markdown = _PUBLIC.sub(lambda m: public_entries(m.group(1)), markdown)
    return _MARKER.sub(lambda m: table(m.group(1)), markdown)


def on_page_content(content: str, **_: Any) -> str:
    def add_badge(match: re.Match[str]) -> str:
        resource, method = match.group("resource"), match.group("method")
        if resource not in RESOURCES or method not in public_methods(resource):
            return match.group(0)
        body = match.group("body")
        permalink = re.search(r'<a [^>]*class="headerlink"', body)  # the badge goes before the ¶ link
        cut = permalink.start() if permalink else len(body)
        return match.group(1) + body[:cut] + badge(method_status(f"{resource}.{method}")) + " " + body[cut:]

    return _HEADING.sub(add_badge, content)
