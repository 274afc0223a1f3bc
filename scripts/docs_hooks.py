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
import itertools
import re
import sys
from http import HTTPStatus
from pathlib import Path
from typing import Any

import griffe

# scripts/_spec.py: mkdocs puts the hooks' folder on sys.path while it loads them; griffe, loading the
# RaisesSections extension from this file, does not
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
import _spec  # noqa: E402

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
    "results": [("Results", ("_models", "_listing", "_raw", "_redact")), ("Enums", ("_enums", "_request_status"))],
    "errors": [("", ("_errors",))],
    "configuration": [("Retries", ("_retry",)), ("Per-call options", ("_options",)), ("Signing", ("_auth",))],
}


@functools.cache
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
        results = result_classes() if page == "results" else {}
        for module, name in entries:
            lines.append(f"::: freedompay_cards.{module}.{name}")
            options = ["      heading_level: 3"] if heading else []  # under a section heading, one level down
            options += ["      members: false"] if name in results else []  # the table below lists them
            lines += ["    options:", *options] if options else []
            lines.append("")
            if name in results:
                lines += [attribute_table(results[name]), ""]
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
    markdown = markdown.replace("<!-- error-codes -->", codes_table())
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


# ------------------------------------------------------------------------------------------- results
#
# Every result class (an attrs class of the results page) gets a table of its attributes: name, type, meaning
# and doc status. The doc status of an attribute is derived, like a method's: the operations whose answers
# fill it are found from the resource methods' return annotations (and, for nested results, from the
# fields that hold them), the attribute's answer path is looked up in each operation's answer schema, and
# the best status wins. A field the spec marks ``x-doc-deviation: {differs: removed}`` (not on any page)
# is inferred; an envelope field is documented (the envelope is); a field no answer fills (``request_id``,
# ``extra``...) is set by this library. The meaning is the attribute's own docstring, else the spec's
# description of the field, else the shared meanings below; an attribute with none fails the build.

LIBRARY = "library"  # the attribute status of what the library sets, not the API
# Meanings shared by many results (what the library does with them), for fields neither a docstring nor the
# spec describes.
COMMON_MEANINGS = {
    "request_id": "The `request_id` that was sent (`None` for operations that send none); ask "
    "`client.requests.status(request_id)` with it to reconcile later.",
    "extra": "Every field of the answer that this result does not map, as sent (secret-named ones wrapped in "
    "`Secret`): a field the API adds is never dropped.",
    "reconciled": "True when the outcome was read from Request status after the answer was lost.",
}
_WRAPPERS = re.compile(r"\b(?:Listing|AsyncListing|Iterator|AsyncIterator|list|Sequence)\[")


@functools.cache
def _spec_document() -> dict[str, Any]:
    return _spec.load()


@functools.cache
def _answer_schemas() -> dict[str, Any]:
    """The answer schema of every operation, by facade name."""
    document = _spec_document()
    by_id = {op.get("operationId"): op for _, _, op in _spec.operations(document)}
    return {entry["name"]: _spec.answer_schema(by_id[entry["operation_id"]], document) for entry in OPERATIONS}


@functools.cache
def _envelopes() -> list[dict[str, Any]]:
    """The properties of each answer envelope the spec has, the Card API's first."""
    schemas = _spec_document()["components"]["schemas"]
    names = [n for n in _spec.ENVELOPES.values() if n in schemas]
    return [_spec.object_parts(schemas[n], _spec_document())[0] for n in names]


@functools.cache
def _envelope_fields() -> frozenset[str]:
    return frozenset(p for properties in _envelopes() for p in properties)


def _property(schema: Any, path: str) -> dict[str, Any] | None:
    """The spec's property at the dotted ``path`` of ``schema`` (arrays are walked into)."""
    document = _spec_document()
    for part in path.split("."):
        schema = _spec.resolve(schema, document)
        while isinstance(schema, dict) and schema.get("type") == "array":
            schema = _spec.resolve(schema.get("items"), document)
        properties, _ = _spec.object_parts(schema, document)
        if part not in properties:
            return None
        schema = properties[part]
    resolved = _spec.resolve(schema, document)
    return resolved if isinstance(resolved, dict) else None


@functools.cache
def result_classes() -> dict[str, type[Any]]:
    """The attrs classes of the results page, by name."""
    import attrs

    package = importlib.import_module("freedompay_cards")
    names = [name for module in ("_models",) for _, name in public_names().get(module, [])]
    return {name: cls for name in names for cls in [getattr(package, name)] if attrs.has(cls)}


@functools.cache
def producers() -> dict[str, list[tuple[str, str]]]:
    """Result class name -> the (operation, answer path prefix) pairs whose answers fill it."""
    import attrs

    classes = result_classes()
    found: dict[str, list[tuple[str, str]]] = {}

    def add(name: str, operation: str, prefix: str) -> None:
        if (operation, prefix) in found.setdefault(name, []):
            return
        found[name].append((operation, prefix))
        for item in attrs.fields(classes[name]):
            path = item.metadata.get("answer", item.name)
            for child in re.findall(r"\b[A-Z]\w+", str(item.type)):
                if child in classes and path is not None:
                    add(child, operation, f"{prefix}.{path}".lstrip("."))

    for resource in RESOURCES:
        for method in public_methods(resource):
            returns = str(inspect.signature(getattr(resource_class(resource, "sync"), method)).return_annotation)
            entry = method_status(f"{resource}.{method}")
            operation = next(e["name"] for e in OPERATIONS if e["operation_id"] == entry["operation_id"])
            lazy = next(e["lazy_arrays"] for e in OPERATIONS if e["name"] == operation)
            for name in re.findall(r"\b[A-Z]\w+", returns):
                if name in classes:  # a listing of items is the answer's lazy array
                    add(name, operation, lazy[0] if _WRAPPERS.search(returns) and lazy else "")
    for name, cls in classes.items():  # a narrower result (wait=True's) is filled as its base is
        base = next((b.__name__ for b in cls.__mro__[1:] if b.__name__ in found), None)
        if name not in found and base:
            found[name] = found[base]
    return found


@functools.cache
def inputs() -> dict[str, list[str]]:
    """Class name -> the operations that take it as an argument (``Address``: ``clients.create``)."""
    found: dict[str, list[str]] = {}
    for resource in RESOURCES:
        for method in public_methods(resource):
            signature = inspect.signature(getattr(resource_class(resource, "sync"), method))
            for parameter in signature.parameters.values():
                for name in re.findall(r"\b[A-Z]\w+", str(parameter.annotation)):
                    if name in result_classes():
                        operation = method_status(f"{resource}.{method}")["operation_id"]
                        found.setdefault(name, []).append(
                            next(e["name"] for e in OPERATIONS if e["operation_id"] == operation)
                        )
    return found


def attribute_status(cls: type[Any], field: Any) -> str:
    """The doc status of one attrs field of a result class (or ``library``)."""
    path = field.metadata.get("answer", field.name)
    if path is None:
        return LIBRARY
    order = list(STATUSES)
    best: str | None = None
    for operation, prefix in producers().get(cls.__name__, []):
        found = _property(_answer_schemas()[operation], f"{prefix}.{path}".lstrip("."))
        if found is None:
            continue
        if (found.get("x-doc-deviation") or {}).get("differs") == "removed":
            status = "inferred"
        elif not prefix and "." not in path and path in _envelope_fields():
            status = "documented"
        else:
            status = operations()[operation]["status"]
        best = status if best is None or order.index(status) < order.index(best) else best
    if best is None and cls.__name__ in inputs():  # an argument's class: the status of what takes it
        best = min((operations()[o]["status"] for o in inputs()[cls.__name__]), key=order.index)
    return best or "inferred"  # a field no answer schema shows: the library's reading of an unshown answer


def _spec_meaning(cls: type[Any], path: str) -> str | None:
    for operation, prefix in producers().get(cls.__name__, []):
        found = _property(_answer_schemas()[operation], f"{prefix}.{path}".lstrip("."))
        if found and found.get("description"):
            return str(found["description"]).strip()
    if "." not in path and path in _envelope_fields():  # an envelope field the answer's own schema restates
        for properties in _envelopes():
            found = properties.get(path)
            if found and found.get("description"):
                return str(found["description"]).strip()
    return None


def _attribute_docstrings(cls: type[Any]) -> dict[str, str]:
    """The docstrings written under the attributes of ``cls`` (a string right after ``name: type``)."""
    import ast
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    found = {}
    for node, after in itertools.pairwise(body):
        text = after.value.value if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) else None
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and isinstance(text, str):
            found[node.target.id] = inspect.cleandoc(text)
    return found


def _clean_type(annotation: object) -> str:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    return re.sub(r"\b_dt\.", "datetime.", str(text))


def _inline(text: str) -> str:
    """Docstring text as HTML: ``code`` and `code` become <code>, the rest is escaped."""
    escaped = html.escape(" ".join(text.split()))
    return re.sub(r"``(.+?)``|`(.+?)`", lambda m: f"<code>{m.group(1) or m.group(2)}</code>", escaped)


def attribute_rows(cls: type[Any]) -> list[tuple[str, str, str, str]]:
    """(name, type, meaning, status) for every attrs field and public property of ``cls``."""
    import attrs

    docs = _attribute_docstrings(cls)
    rows = []
    for item in attrs.fields(cls):
        path = item.metadata.get("answer", item.name)
        meaning = docs.get(item.name) or (path and _spec_meaning(cls, path)) or COMMON_MEANINGS.get(item.name)
        if not meaning:
            raise RuntimeError(f"{cls.__module__}.{cls.__qualname__}.{item.name} has no meaning: write a docstring "
                               "under the attribute, or a description of its field in the spec")  # fmt: skip
        if path and path != item.name:
            meaning += f" (the answer's `{path}`)"
        rows.append((item.name, _clean_type(item.type), meaning, attribute_status(cls, item)))
    for name, member in inspect.getmembers(cls, lambda m: isinstance(m, property)):
        if name.startswith("_") or name in {item.name for item in attrs.fields(cls)}:
            continue
        if not member.__doc__:
            raise RuntimeError(f"{cls.__module__}.{cls.__qualname__}.{name}: a public property needs a docstring")
        returns = inspect.signature(member.fget).return_annotation if member.fget else ""
        rows.append((name, _clean_type(returns), inspect.cleandoc(member.__doc__), LIBRARY))
    return rows


def attribute_table(cls: type[Any]) -> str:
    """The HTML table of a result class's attributes (raw HTML: Markdown passes it through)."""
    head = "".join(f"<th>{name}</th>" for name in ("attribute", "type", "meaning", "doc status"))
    out = [f'<table data-fp="attributes" data-class="{cls.__module__}.{cls.__qualname__}">',
           f"<thead><tr>{head}</tr></thead><tbody>"]  # fmt: skip
    for name, annotation, meaning, status in attribute_rows(cls):
        css, title = ("helper", "set by this library, not read from the answer") if status == LIBRARY else (
            status, DOC_MEANINGS[status])  # fmt: skip
        label = f'<span class="fp-doc-status fp-doc-status--{css}" title="{html.escape(title)}">{status}</span>'
        out.append(f'<tr data-attribute="{name}"><td><code>{name}</code></td><td><code>{html.escape(annotation)}'
                   f"</code></td><td>{_inline(meaning)}</td><td>{label}</td></tr>")  # fmt: skip
    out.append("</tbody></table>")
    return "\n".join(out)


DOC_MEANINGS = {status: value.meaning for status, value in _spec.DOC_STATUSES.items()}


# ------------------------------------------------------------------------------------------- errors
#
# What each method raises, and the one table of codes, both made from the tables of ``_errors.py``
# (``CARD_API_CODES``, ``GIFT_STATUS_ERRORS``, ``HTTP_STATUS_ERRORS``), the retry verdicts of ``_retry.py`` and
# the spec (which fields a request has, its envelope, whether it is mutating, what its request_id is). What
# is written here by hand is prose: what a code means, and which request field a code is about (a code about
# cards can only answer a request that names a card).

# What each Card API code means. The codes are the sandbox's (Freedom Pay publishes none); a code missing here
# is described by its error class.
CODE_MEANINGS = {
    "INVALID_SIGNATURE": "the `X-JWS-Signature` header does not verify with the secret key",
    "UNKNOWN_AUTH_ID": "the `auth_id` in the signature is not a known partner",
    "VALIDATION_ERROR": "a field of the request is missing or malformed",
    "CARD_NOT_FOUND": "no card has this `card_id` (or card token)",
    "CLIENT_NOT_FOUND": "no client has this `client_id`",
    "ACCOUNT_NOT_FOUND": "no account has this IBAN",
    "TRANSACTION_NOT_FOUND": "no transaction has this `transaction_id` (or `order_id`)",
    "REQUEST_NOT_FOUND": "Request status does not know this `request_id`",
    "DUPLICATE_REQUEST_ID": "this `request_id` was used before: the first request stands, this one is not processed",
    "INVALID_CARD_STATE": "the card's state does not allow the operation (e.g. unblocking an active card)",
    "CARD_CLOSED": "the card is closed; nothing can change it any more",
    "AMOUNT_EXCEEDS_AVAILABLE": "the amount is more than what can be cleared or refunded",
    "INSUFFICIENT_FUNDS": "the card's available balance is less than the amount",
    "LIMIT_EXCEEDED": "the amount goes over a spending limit set with `limits.set`",
    "RATE_LIMITED": "too many requests; try again later",
    "INTERNAL_ERROR": "the API failed to handle the request",
}
# The request fields a code is about: it can answer only a request with one of them. ``@key``/``@subject`` stand
# for the request_id's role (x-request-id), ``@mutating`` for an operation that changes something. A code not
# listed can answer any Card API request.
CODE_SUBJECTS: dict[str | int, tuple[tuple[str, ...], ...]] = {
    "CARD_NOT_FOUND": (("card_id", "card_token", "object"),),
    "CLIENT_NOT_FOUND": (("client_id", "object"),),
    "ACCOUNT_NOT_FOUND": (("object",),),
    "TRANSACTION_NOT_FOUND": (("transaction_id",),),
    "REQUEST_NOT_FOUND": (("@subject",),),
    "DUPLICATE_REQUEST_ID": (("@key",),),
    "INVALID_CARD_STATE": (("card_id",), ("@mutating",)),
    "CARD_CLOSED": (("card_id",), ("@mutating",)),
    "AMOUNT_EXCEEDS_AVAILABLE": (("amount",),),
    "INSUFFICIENT_FUNDS": (("amount",),),
    "LIMIT_EXCEEDED": (("amount",),),
    -2: (("cardholder_name",),),
    -3: (("phone",),),
    -4: (("product_code",),),
    -5: (("product_code",),),
    -6: (("product_code",),),
    -7: (("card_id",),),
    -8: (("otp",),),
    -9: (("otp",),),
    -10: (("otp",),),
}
# Raised by every method, whatever the answer (the class, then when).
ALWAYS_RAISED = (
    ("APIConnectionError", "no usable answer (connection lost, retries used up); `outcome_unknown` says whether "
     "the request may have been applied: ask `client.requests.status(err.request_id)`"),
    ("APITimeoutError", "the same, because `timeout` or `deadline` ran out"),
    ("UnexpectedResponseError", "an answer that is not the documented JSON"),
    ("InvalidRequestError", "bad input (also a `ValueError`; `InvalidRequestTypeError`, also a `TypeError`, for the "
     "wrong type), raised before anything is sent"),
    ("ClientClosedError", "the client was closed; nothing was sent"),
)  # fmt: skip


def _errors() -> Any:
    return importlib.import_module("freedompay_cards._errors")


@functools.cache
def _request_fields() -> dict[str, frozenset[str]]:
    """The top-level request fields of every operation, plus its ``@`` roles, by facade name."""
    document = _spec_document()
    by_id = {op.get("operationId"): op for _, _, op in _spec.operations(document)}
    found = {}
    for entry in OPERATIONS:
        schema = _spec.request_body_schema(by_id[entry["operation_id"]], document)
        fields = set(_spec.object_parts(schema, document)[0]) if schema is not None else set()
        fields |= {f"@{entry['request_id']}"} | ({"@mutating"} if entry["mutating"] else set())
        found[entry["name"]] = frozenset(fields)
    return found


def _applies(code: str | int, operation: str) -> bool:
    fields = _request_fields()[operation]
    return all(fields & set(any_of) for any_of in CODE_SUBJECTS.get(code, ()))


def _retryable_classes() -> set[type[Any]]:
    """The classes of the HTTP statuses the client itself retries (``_retry.status_verdict``)."""
    verdict = importlib.import_module("freedompay_cards._retry").status_verdict
    return {cls for status, cls in _errors().HTTP_STATUS_ERRORS.items() if verdict(status)[1]}


@functools.cache
def code_rows() -> tuple[dict[str, Any], ...]:
    """Every answer the client maps to an error class: Card API codes, gift statuses, HTTP statuses."""
    errors = _errors()
    retryable = _retryable_classes()
    rows = []
    for code, cls in errors.CARD_API_CODES.items():
        if code in errors.DUPLICATE_REQUEST_CODES:
            retry = "no: the first request stands; read it with `client.requests.status(request_id)`"
        else:
            retry = _retry_text(cls in retryable)
        meaning = CODE_MEANINGS.get(code) or _first_sentence(cls.__doc__)
        rows.append({"code": f"`{code}`", "kind": "card", "raw": code, "cls": cls, "meaning": meaning,
                     "retry": retry, "source": "sandbox's own"})  # fmt: skip
    for status, (cls, meaning) in errors.GIFT_STATUS_ERRORS.items():
        rows.append({"code": f"gift `status` {status}", "kind": "gift", "raw": status, "cls": cls, "meaning": meaning,
                     "retry": _retry_text(cls in retryable), "source": "Freedom Pay (documented)"})  # fmt: skip
    for status, cls in errors.HTTP_STATUS_ERRORS.items():
        verdict = importlib.import_module("freedompay_cards._retry").status_verdict(status)[1]
        rows.append({"code": f"HTTP {status}", "kind": "http", "raw": status, "cls": cls,
                     "meaning": HTTPStatus(status).phrase.lower() + " (read by its HTTP meaning)",
                     "retry": _retry_text(verdict, automatic=True), "source": "not documented (HTTP)"})  # fmt: skip
    return tuple(rows)


def _retry_text(safe: bool, *, automatic: bool = False) -> str:
    if not safe:
        return "no: fix the cause first"
    if automatic:
        return "yes: the client retries it itself (`max_retries`)"
    return "yes, later (after `retry_after` when given): nothing was applied"


def _first_sentence(text: str | None) -> str:
    return " ".join((text or "").split("\n\n")[0].split()).split(". ")[0].rstrip(".")


def codes_table() -> str:
    """The Errors page's table: code -> error class -> meaning -> retry-safe -> who documents the code."""
    head = "".join(f"<th>{name}</th>" for name in ("code", "error class", "meaning", "retry-safe", "documented by"))
    out = ['<table data-fp="codes">', f"<thead><tr>{head}</tr></thead><tbody>"]
    for row in code_rows():
        cls = row["cls"].__name__
        link = f'<a href="#freedompay_cards._errors.{cls}"><code>{cls}</code></a>'
        cells = [_inline(row["code"]), link, _inline(row["meaning"]), _inline(row["retry"]), row["source"]]
        tds = "".join(f"<td>{cell}</td>" for cell in cells)
        out.append(f'<tr data-code="{html.escape(str(row["raw"]))}">{tds}</tr>')
    out.append("</tbody></table>")
    return "\n".join(out)


@functools.cache
def _error_classes() -> tuple[type[Any], ...]:
    """The error classes, in the order ``_errors.py`` defines them (its tree's order)."""
    errors = _errors()
    found = [cls for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, errors.FreedomPayError)]
    return tuple(sorted(found, key=lambda cls: inspect.getsourcelines(cls)[1]))


@functools.cache
def raises(name: str) -> tuple[tuple[str, str], ...]:
    """(error class, when) for one facade method (``cards.block``), derived as the module comment says."""
    entry = method_status(name)
    operation = next(e["name"] for e in OPERATIONS if e["operation_id"] == entry["operation_id"])
    kind = next(e["envelope"] for e in OPERATIONS if e["name"] == operation)
    by_class: dict[type[Any], list[str]] = {}
    for row in code_rows():
        wanted = row["kind"] == "http" or (row["kind"] == kind and _applies(row["raw"], operation))
        if wanted:
            by_class.setdefault(row["cls"], []).append(row["code"])
    errors = _errors()
    found = []
    for cls in _error_classes():
        if cls in by_class and cls is not errors.APIError:
            found.append((cls.__name__, f"answered {', '.join(by_class[cls])}"))
    other = "any other error answer (an unknown code or status; `.code` and `.body` say which)"
    if errors.APIError in by_class:
        other = f"answered {', '.join(by_class[errors.APIError])}, or " + other.replace("any", "any", 1)
    if name == "requests.wait":
        other += "; the error the waited-for request ended in, as the class its code maps to"
    found.append(("APIError", other))
    waited = importlib.import_module("freedompay_cards._models._waited").WAITED_FOR
    for cls_name, when in ALWAYS_RAISED:
        if cls_name == "UnexpectedResponseError" and name in waited:
            when += f"; with `wait=True`, also a success that Request status reports without `{waited[name][1]}`"
        found.append((cls_name, when))
    return tuple(found)


class RaisesSections(griffe.Extension):
    """A griffe extension (mkdocs.yml loads it by path) that ends the docstring of every public method of a
    resource class with its ``Raises:`` section, as ``raises`` derives it."""

    def on_class_members(self, *, cls: Any, **_: Any) -> None:
        match = re.fullmatch(r"freedompay_cards\._(?:sync|async)\.(\w+)\.\w+", cls.path)
        if not match or match.group(1) not in RESOURCES:
            return
        resource = match.group(1)
        for method in public_methods(resource):
            function = cls.members.get(method)
            if function is None:
                continue
            section = "\n".join(f"    {name}: {when}" for name, when in raises(f"{resource}.{method}"))
            old = function.docstring
            function.docstring = griffe.Docstring(
                f"{old.value if old else ''}\n\nRaises:\n{section}",
                parent=function,
                parser=old.parser if old and old.parser else "google",
                parser_options=old.parser_options if old else None,
            )
