"""The spec side: the operations of openapi/card-api.yaml, their fields, ``x-doc-page``, ``x-doc-status`` and
the declared deviations (``x-doc-deviations`` on an operation, ``x-doc-deviation`` on a property)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import _spec  # scripts/_spec.py: scripts/ is on sys.path when an entry point runs

from .docpages import bindings
from .model import DIFFERS, FIELD_KINDS, Deviation, SpecLoadError, SpecOperation, SpecSide, UnmodelledPage
from .schema import flatten, json_schema


def _deviations(value: Any, where: str) -> list[Deviation]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SpecLoadError(f"{where}: x-doc-deviations must be a list")
    out = []
    for entry in value:
        if not isinstance(entry, dict):
            raise SpecLoadError(f"{where}: each x-doc-deviations entry is a mapping (field, differs, why)")
        differs, why, name = entry.get("differs"), entry.get("why"), entry.get("field")
        if differs not in DIFFERS:
            raise SpecLoadError(f"{where}: x-doc-deviations 'differs' must be one of {', '.join(DIFFERS)}")
        if not isinstance(why, str) or not why.strip():
            raise SpecLoadError(f"{where}: x-doc-deviations entry for {name or differs} has no 'why'")
        if differs in FIELD_KINDS and not (isinstance(name, str) and re.match(r"^(request|response)\.\S", name)):
            raise SpecLoadError(f"{where}: x-doc-deviations 'field' must read request.<path> or response.<path>")
        out.append(Deviation(name if differs in FIELD_KINDS else None, differs, why.strip(), "operation"))
    return out


def _spec_schema(holder: Any, *keys: Any) -> Any:
    node = holder
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key, node.get(int(key)) if isinstance(key, str) and key.isdigit() else None)
    return json_schema(node)


def load_document(path: Path) -> dict[str, Any]:
    """The spec at ``path`` as a mapping; SpecLoadError (with the reason) if it cannot be read."""
    try:
        return _spec.load(path)
    except (OSError, _spec.SpecError) as exc:
        raise SpecLoadError(f"cannot read the spec {path}: {' '.join(str(exc).split())}") from None


def spec_operations(document: dict[str, Any], path: Path | str = "the spec") -> list[SpecOperation]:
    """Every operation of the spec ``document`` with its fields and x-doc-* keys (``path`` names it in errors)."""
    operations = []
    try:
        for route, item in (document.get("paths") or {}).items():
            for method, op in (item or {}).items():
                if method not in _spec.HTTP_METHODS or not isinstance(op, dict):
                    continue
                where = f"{method.upper()} {route}"
                request = json_schema(op.get("requestBody"))
                response = _spec_schema(op.get("responses"), "200")
                operations.append(
                    SpecOperation(
                        method=method.upper(),
                        path=route,
                        operation_id=op.get("operationId"),
                        doc_status=op.get("x-doc-status"),
                        doc_page=op.get("x-doc-page"),
                        deprecated=op.get("deprecated") is True,
                        deviations=_deviations(op.get("x-doc-deviations"), where),
                        request={} if request is None else flatten(request, document),
                        response={} if response is None else flatten(response, document),
                        raw=op,
                    )
                )
    except _spec.SpecError as exc:
        raise SpecLoadError(f"the spec {path}: {exc}") from None
    return operations


def load_spec(path: Path) -> list[SpecOperation]:
    return spec_operations(load_document(path), path)


def unmodelled_pages(document: dict[str, Any]) -> list[UnmodelledPage]:
    """The spec's root ``x-unmodelled-pages``: pages the navigation lists that the spec does not model, each
    ``{page: <Apidog page id>, title, path: <path or null>, why}``."""
    value = document.get("x-unmodelled-pages")
    if value is None:
        return []
    if not isinstance(value, list):
        raise SpecLoadError("x-unmodelled-pages must be a list of {page, title, path, why}")
    out = []
    for entry in value:
        if not isinstance(entry, dict) or not str(entry.get("page") or "").strip():
            raise SpecLoadError(f"x-unmodelled-pages: each entry is a mapping with a page id, not {entry!r}")
        path = entry.get("path")
        if path is not None and not (isinstance(path, str) and path.startswith("/")):
            raise SpecLoadError(f"x-unmodelled-pages: page {entry['page']}: path must be a path or null")
        why = entry.get("why")
        if not isinstance(why, str) or not why.strip():
            raise SpecLoadError(f"x-unmodelled-pages: page {entry['page']} has no 'why'")
        out.append(UnmodelledPage(str(entry["page"]).strip(), str(entry.get("title") or ""), path, why.strip()))
    return out


def load_spec_side(path: Path) -> SpecSide:
    """The spec at ``path``: its document, operations and unmodelled pages; SpecLoadError if unreadable."""
    document = load_document(path)
    side = SpecSide(str(path), document, spec_operations(document, path), unmodelled_pages(document))
    bindings(document)  # a malformed x-doc-dictionary is an unreadable spec, found before any page is read
    return side
