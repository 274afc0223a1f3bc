"""Apidog Markdown pages: ``# <title>``, then ``## OpenAPI Specification`` holding a YAML OpenAPI fragment."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import _spec  # scripts/_spec.py: scripts/ is on sys.path when an entry point runs
import yaml

from .model import Body, Page, SourceError
from .schema import flatten, json_schema

_MD_SECTION = re.compile(r"^#{2,3}\s+OpenAPI Specification\s*$", re.MULTILINE | re.IGNORECASE)
_MD_TITLE = re.compile(r"^#\s+(.+?)\s*$", re.MULTILINE)


def _yaml_block(text: str) -> str:
    lines = text.splitlines()
    for start, line in enumerate(lines):
        fence = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence:
            marker = fence.group(1)
            for end in range(start + 1, len(lines)):
                if lines[end].strip().startswith(marker[0] * len(marker)) and not lines[end].strip().strip(marker[0]):
                    return "\n".join(lines[start + 1 : end])
            raise SourceError("the OpenAPI Specification section's code block is not closed")
    raise SourceError("the OpenAPI Specification section holds no fenced yaml block")


def parse_markdown(text: str, source: str) -> list[Page] | None:
    """The pages of an Apidog Markdown page (one per method and path of its document), None if the text
    has no OpenAPI Specification section."""
    section = _MD_SECTION.search(text)
    if section is None:
        return None
    block = _yaml_block(text[section.end() :])
    try:
        document = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        raise SourceError(
            f"malformed YAML in the OpenAPI Specification section: {' '.join(str(exc).split())}"
        ) from None
    except RecursionError:
        raise SourceError("the OpenAPI Specification section's YAML is nested too deeply to be read") from None
    paths = document.get("paths") if isinstance(document, dict) else None
    if not isinstance(paths, dict) or not paths:
        raise SourceError("the OpenAPI Specification section's document has no paths")
    title_match = _MD_TITLE.search(text[: section.start()])
    servers = document.get("servers") or [{}]
    base = urlparse(str(servers[0].get("url", "")) if isinstance(servers[0], dict) else "").path.rstrip("/")
    pages = []
    try:
        for path, item in paths.items():
            for method, op in (item or {}).items():
                if str(method).lower() not in _spec.HTTP_METHODS or not isinstance(op, dict):
                    continue
                request_schema = json_schema(op.get("requestBody"))
                responses = op.get("responses") or {}
                answer = responses.get("200", responses.get(200))
                response_schema = json_schema(answer)
                status = op.get("x-apidog-status") or ("deprecated" if op.get("deprecated") is True else None)
                full = base + str(path) if base and not str(path).startswith(base + "/") else str(path)
                pages.append(
                    Page(
                        source=source,
                        form="markdown",
                        title=title_match.group(1) if title_match else str(op.get("summary", "")),
                        method=str(method).upper(),
                        path=full,
                        status=str(status).strip().lower().replace(" ", "-") if status else None,
                        request=None if request_schema is None else Body(fields=flatten(request_schema, document)),
                        response=None if response_schema is None else Body(fields=flatten(response_schema, document)),
                        aliases=(str(path),) if full != str(path) else (),
                        document=document,
                    )
                )
    except _spec.SpecError as exc:
        raise SourceError(f"the page's OpenAPI document: {exc}") from None
    if not pages:
        raise SourceError("the OpenAPI Specification section's document has no operation")
    return pages
