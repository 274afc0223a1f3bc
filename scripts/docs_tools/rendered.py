"""Rendered page text, as a browser or a search corpus shows an Apidog page (see the package docstring)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import _spec  # scripts/_spec.py: scripts/ is on sys.path when an entry point runs

from .model import STATUS_WORDS, Body, Facts, Page, RawField

_NAME = re.compile(r"^[A-Za-z_$@][\w$@.\-]*$")
_URL = re.compile(r"^(https?://\S+|/\S*)$")
_CODE = re.compile(r"^[^\w\s]*\s*([1-5]\d\d)(?:\s*[A-Za-z][A-Za-z ]{0,40})?$")
_TYPE_ALT = re.compile(
    r"^(?:enum\s*<\s*)?(string|integer|number|boolean|object|array|null|any)\s*>?\s*(?:<\s*([^>]*)>)?\s*"
    r"(?:\[(.*)\])?\s*(?:\{\s*\d+\s*\})?$",
    re.IGNORECASE,
)
_REQUEST_END = frozenset(
    {"example", "examples", "request samples", "request example", "request code samples", "responses", "response"}
)
_RESPONSE_END = frozenset({"example", "examples", "previous", "next"})


def parse_type_line(line: str) -> str | None:
    """The type label of a rendered type line (``string <date-time>``, ``array [object {3}]``, ``string |
    null``), None if the line is not one."""
    labels = []
    for alt in re.split(r"\s*(?:\||¦)\s*(?![^\[]*\])", line.strip()):
        match = _TYPE_ALT.match(alt.strip())
        if match is None:
            return None
        kind, inner = match.group(1).lower(), match.group(3)
        if kind == "array" and inner and inner.strip():
            inner_label = parse_type_line(inner)
            if inner_label is None:
                return None
            labels.append(f"array[{inner_label}]")
        elif kind != "any":
            labels.append(kind)
    if not labels:
        return None
    ordered = sorted(set(labels) - {"null"})
    return "|".join([*ordered, *(["null"] if "null" in labels else [])]) or None


def _next_filled(lines: list[str], index: int) -> int | None:
    for i in range(index, len(lines)):
        if lines[i].strip():
            return i
    return None


def _read_fields(lines: list[str], start: int, end: int, stop: frozenset[str], *, codes: bool) -> list[RawField]:
    out: list[RawField] = []
    i = start
    while i < end:
        text = lines[i].strip()
        if text.lower() in stop or (codes and _CODE.match(text)):
            break
        following = _next_filled(lines, i + 1)
        if _NAME.match(text) and following is not None and following < end:
            label = parse_type_line(lines[following])
            if label is not None or lines[following].strip().lower() == "any":
                required = False
                after = _next_filled(lines, following + 1)
                nxt = following + 1
                if after is not None and lines[after].strip().lower() in ("required", "optional"):
                    required = lines[after].strip().lower() == "required"
                    nxt = after + 1
                expanded = lines[i].expandtabs(4)
                indent = len(expanded) - len(expanded.lstrip())
                out.append(RawField(text, indent, Facts(label, None, required, format_known=False)))
                i = nxt
                continue
        i += 1
    return out


def parse_rendered(text: str, source: str) -> Page | None:
    """The page in rendered page text, None if the text has no method line followed by an URL."""
    lines = text.splitlines()
    head = None
    for i, line in enumerate(lines):
        word = line.strip()
        if word.lower() in _spec.HTTP_METHODS and word.isupper():
            j = _next_filled(lines, i + 1)
            if j is not None and _URL.match(lines[j].strip()):
                head = (i, j)
                break
    if head is None:
        return None
    method_at, url_at = head
    title, status = "", None
    for k in range(method_at - 1, -1, -1):
        text_k = lines[k].strip()
        if not text_k:
            continue
        if text_k.lower() in STATUS_WORDS:
            status = status or text_k.lower().replace(" ", "-")
            continue
        title = text_k
        break
    if status is None and re.search(r"deprec|depric", title, re.IGNORECASE):
        status = "deprecated"
    address = lines[url_at].strip()
    path = urlparse(address).path if address.startswith("http") else address.split("?")[0]
    body = lines[url_at + 1 :]
    responses_at = next((i for i, s in enumerate(body) if s.strip().lower() == "responses"), None)
    request_end = len(body) if responses_at is None else responses_at
    params_at = next((i for i in range(request_end) if body[i].strip().lower().startswith("body params")), None)
    request = None
    if params_at is not None:
        request = Body(raw=_read_fields(body, params_at + 1, request_end, _REQUEST_END, codes=False))
    response = None
    if responses_at is not None:
        ok_at = next(
            (i for i in range(responses_at + 1, len(body)) if (m := _CODE.match(body[i].strip())) and m[1][0] == "2"),
            None,
        )
        if ok_at is not None:
            response = Body(raw=_read_fields(body, ok_at + 1, len(body), _RESPONSE_END, codes=True))
    return Page(source, "rendered", title, lines[method_at].strip(), path, status, request, response)
