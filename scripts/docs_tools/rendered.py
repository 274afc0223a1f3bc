"""Rendered page text, as a browser or a search corpus shows an Apidog page (see the package docstring)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlparse

import _spec  # scripts/_spec.py: scripts/ is on sys.path when an entry point runs

from .model import STATUS_WORDS, Body, Facts, Page, RawField
from .schema import LIMIT_KEYWORDS

_NAME = re.compile(r"^[A-Za-z_$@][\w$@.\-]*$")
# A name run on to the end of a description line, after punctuation: "... the request failed.request_status".
_RUNON = re.compile(r"[.,;:!?)\]'\"»”]\s*([A-Za-z_$@][\w$@\-]*)$")
_URL = re.compile(r"^(https?://\S+|/\S*)$")
_CODE = re.compile(r"^[^\w\s]*\s*([1-5]\d\d)(?:\s*[A-Za-z][A-Za-z ]{0,40})?$")
_TYPE_ALT = re.compile(
    r"^(?:enum\s*<\s*)?(string|integer|number|boolean|object|array|null|any)\s*>?\s*(?:<\s*([^>]*)>)?\s*"
    r"(?:\[(.*)\])?\s*(?:\{\s*\d+\s*\})?$",
    re.IGNORECASE,
)
# Limits as Apidog renders them under a field's type: ">= 1 characters", "<= 128 characters", ">= 0", "< 100".
_BOUND = re.compile(r"(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*(characters?|chars?|items?)?", re.IGNORECASE)
_ALLOWED = re.compile(r"^(?:allowed values|enum values)\s*:\s*(.*)$", re.IGNORECASE)
_PATTERN = re.compile(r"^(?:match pattern|pattern)\s*:\s*(.*)$", re.IGNORECASE)
_REQUEST_END = frozenset(
    {"example", "examples", "request samples", "request example", "request code samples", "responses", "response"}
)
_RESPONSE_END = frozenset({"example", "examples", "previous", "next"})
# A page head taken from the page's own request sample when the title/method/URL block is missing.
_CURL = re.compile(r"\bcurl\b.*?(?:--request|-X)\s+([A-Z]+)\b.*?['\"]?(https?://[^\s'\"]+)")
_CURL_URL_FIRST = re.compile(r"\bcurl\b.*?['\"]?(https?://[^\s'\"]+).*?(?:--request|-X)\s+([A-Z]+)\b")
# "POST /v5/card-api/card/info HTTP/1.1", or such a request named in an example's prose (a path of two or
# more segments, so that a word after a method is not taken for a path)
_REQUEST_LINE = re.compile(r"(?:^|[\s`'\"(])(POST|GET|PUT|PATCH|DELETE)\s+(https?://[^\s`'\")]+|/[\w.\-]+/[^\s`'\")]+)")
_ENDPOINT_MARKS = frozenset({"responses", "request samples", "request", "body params application/json"})
_JSON_KEY = re.compile(r'"([A-Za-z_$@][\w$@\-]*)"\s*:')


def parse_type_line(line: str) -> str | None:
    """The type label of a rendered type line (``string <date-time>``, ``array [object {3}]``, ``string |
    null``), None if the line is not one."""
    parsed = parse_type(line)
    return None if parsed is None else parsed[0]


def parse_type(line: str) -> tuple[str, str | None] | None:
    """The type label and the format (``<int64>``, None when not shown) of a rendered type line, None if the
    line is not one."""
    labels = []
    formats = []
    for alt in re.split(r"\s*(?:\||¦)\s*(?![^\[]*\])", line.strip()):
        match = _TYPE_ALT.match(alt.strip())
        if match is None:
            return None
        kind, shown, inner = match.group(1).lower(), match.group(2), match.group(3)
        if shown and shown.strip():
            formats.append(shown.strip())
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
    label = "|".join([*ordered, *(["null"] if "null" in labels else [])])
    return (label, formats[0] if len(set(formats)) == 1 else None) if label else None


def _next_filled(lines: list[str], index: int) -> int | None:
    for i in range(index, len(lines)):
        if lines[i].strip():
            return i
    return None


def _scalar(token: str) -> Any:
    """A value as a page lists it: an integer or a number when it reads as one, else the text."""
    for kind in (int, float):
        try:
            return kind(token)
        except ValueError:
            pass
    return token


def _limit_text(value: Any) -> str:
    return f"{sorted(value, key=repr) if isinstance(value, list) else value}"


def _bounds(text: str, label: str | None) -> dict[str, Any] | None:
    """The limits a line of bounds states (``>= 1 characters <= 128 characters``), None if it is not one."""
    found = _BOUND.findall(text)
    if not found or _BOUND.sub("", text).strip(" ,;"):
        return None
    out: dict[str, Any] = {}
    for sign, number, unit in found:
        value = _scalar(number)
        if unit.lower().startswith("item"):
            continue
        if unit or (label or "").split("|")[0] == "string":
            out["minLength" if ">" in sign else "maxLength"] = value + (1 if sign == ">" else -1 if sign == "<" else 0)
        else:
            out[{">=": "minimum", "<=": "maximum", ">": "exclusiveMinimum", "<": "exclusiveMaximum"}[sign]] = value
    return out


def _limits(lines: list[str], start: int, end: int, label: str | None) -> tuple[dict[str, Any], int]:
    """The limits shown from ``lines[start]`` on (bounds, "Allowed values:", "Match pattern:"), and the index
    of the first line after them."""
    out: dict[str, Any] = {}
    i = start
    while i < end:
        text = lines[i].strip()
        if not text:
            i += 1
            continue
        bounds = _bounds(text, label)
        if bounds is not None:
            out.update(bounds)
            i += 1
            continue
        allowed = _ALLOWED.match(text)
        if allowed:
            values = [v for v in re.split(r"[,\s]+", allowed.group(1).strip()) if v]
            i += 1
            while not values and i < end:
                # one value per line, up to a line that is not a single token (or a field name with its type)
                token = lines[i].strip()
                after = _next_filled(lines, i + 1)
                if not token:
                    i += 1
                    continue
                if " " in token or (after is not None and after < end and parse_type(lines[after]) is not None):
                    break
                values_run = [token]
                i += 1
                while i < end:
                    token = lines[i].strip()
                    after = _next_filled(lines, i + 1)
                    if not token or " " in token or token.lower() in ("required", "optional"):
                        break
                    if after is not None and after < end and parse_type(lines[after]) is not None:
                        break
                    values_run.append(token)
                    i += 1
                values = values_run
            if values:
                out["enum"] = [_scalar(v.strip("`'\"")) for v in values]
            continue
        pattern = _PATTERN.match(text)
        if pattern and pattern.group(1).strip():
            out["pattern"] = pattern.group(1).strip().strip("`")
            i += 1
            continue
        break
    return out, i


def _field_at(lines: list[str], i: int, end: int) -> tuple[str | None, str | None, int] | None:
    """The field whose name is on (or ends) line ``i``: (name or None, run-on line or None, its type line),
    None when no type line follows."""
    following = _next_filled(lines, i + 1)
    if following is None or following >= end:
        return None
    if parse_type(lines[following]) is None and lines[following].strip().lower() != "any":
        return None
    after = _next_filled(lines, following + 1)
    if after is not None and after < end and _NAME.match(lines[following].strip()) and parse_type(lines[after]):
        return None  # a field named like a type (``object``, then its type line): line i is no field name
    text = lines[i].strip()
    if _NAME.match(text):
        return text, None, following
    runon = _RUNON.search(text)
    if runon:
        return runon.group(1), None, following
    return None, text, following


def _read_fields(lines: list[str], start: int, end: int, stop: frozenset[str], *, codes: bool) -> list[RawField]:
    out: list[RawField] = []
    i = start
    while i < end:
        text = lines[i].strip()
        if text.lower() in stop or (codes and _CODE.match(text)):
            break
        found = _field_at(lines, i, end)
        if found is None:
            i += 1
            continue
        name, runon, type_at = found
        label, fmt = parse_type(lines[type_at]) or (None, None)
        required = False
        # the required/optional line, with the limit lines before or after it
        limits, nxt = _limits(lines, type_at + 1, end, label)
        after = _next_filled(lines, nxt)
        if after is not None and after < end and lines[after].strip().lower() in ("required", "optional"):
            required = lines[after].strip().lower() == "required"
            more, nxt = _limits(lines, after + 1, end, label)
            limits.update(more)
        if name is not None and runon is None and name == text:
            expanded = lines[i].expandtabs(4)
            indent = len(expanded) - len(expanded.lstrip())
        else:
            indent = out[-1].indent if out else 0
        # the description: the line after them, unless it starts the next field or ends the list
        described = _next_filled(lines, nxt)
        description = None
        if described is not None and described < end and _field_at(lines, described, end) is None:
            line = lines[described].strip()
            if line.lower() not in stop and not (codes and _CODE.match(line)):
                description = line
        facts = Facts(
            label,
            fmt,
            required,
            format_known=fmt is not None,
            limits=tuple(f"{k}={_limit_text(limits[k])}" for k in LIMIT_KEYWORDS if k in limits),
            limit_keywords=frozenset(limits),
            description=description,
            schema={**({"format": fmt} if fmt else {}), **limits},  # what the page shows of the field's schema
        )
        out.append(RawField(name or "", indent, facts, runon))
        i = nxt
    return out


def _json_after(lines: list[str], start: int, end: int) -> Any:
    """The first JSON object that starts in ``lines[start:end]`` (a line ending in ``{``, as in an example or
    a curl sample's ``--data-raw '{``), None when there is none or it does not parse."""
    for i in range(start, end):
        text = lines[i].rstrip()
        if not text.endswith("{") or not (text.strip() == "{" or re.search(r"(--data\S*|-d)\s+'\{$", text)):
            continue
        chunk = ["{"]
        depth = 1
        for j in range(i + 1, end):
            line = lines[j].rstrip()
            if depth == 1 and line.strip() in ("}'", "}"):
                chunk.append("}")
                break
            depth += line.count("{") + line.count("[") - line.count("}") - line.count("]")
            chunk.append(line)
        try:
            value = json.loads("\n".join(chunk))
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def _json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return f"array[{_json_type(value[0])}]" if value else "array"
    kinds = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}
    return kinds.get(type(value), "string")


def example_fields(example: dict[str, Any]) -> dict[str, Facts]:
    """The field paths an example body shows; types and required-ness are not read from an example."""
    out: dict[str, Facts] = {}

    def walk(node: dict[str, Any], prefix: str, depth: int) -> None:
        for name, value in node.items():
            path = prefix + str(name)
            label = _json_type(value)
            out[path] = Facts(label, None, False, format_known=False, limit_keywords=frozenset())
            inner = value
            suffix = ""
            while isinstance(inner, list) and inner and depth < 20:
                inner, suffix = inner[0], suffix + "[]"
            if isinstance(inner, dict) and depth < 20:
                walk(inner, f"{path}{suffix}.", depth + 1)

    walk(example, "", 0)
    return out


def _head(lines: list[str]) -> tuple[int, int, str, str] | None:
    """The page's title/method/URL block: (method line, URL line, method, address), None when there is none."""
    for i, line in enumerate(lines):
        word = line.strip()
        if word.lower() in _spec.HTTP_METHODS and word.isupper():
            j = _next_filled(lines, i + 1)
            if j is not None and _URL.match(lines[j].strip()):
                return i, j, word, lines[j].strip()
    return None


def _sample_head(lines: list[str]) -> tuple[int, str, str] | None:
    """The method and address of the page's own request sample (curl, or an HTTP request line)."""
    for i, line in enumerate(lines):
        if "curl" in line:
            joined = " ".join(part.strip().rstrip("\\") for part in lines[i : i + 4])
            match = _CURL.search(joined)
            if match:
                return i, match.group(1).upper(), match.group(2)
            match = _CURL_URL_FIRST.search(joined)
            if match:
                return i, match.group(2).upper(), match.group(1)
        request_line = _REQUEST_LINE.search(line)
        if request_line:
            return i, request_line.group(1), request_line.group(2)
    return None


def _path_of(address: str) -> str:
    return urlparse(address).path if address.startswith("http") else address.split("?")[0]


def parse_rendered(text: str, source: str) -> Page | None:
    """The page in rendered page text, None if the text has neither a method line followed by an URL nor a
    request sample naming the method and the address."""
    lines = text.splitlines()
    head = _head(lines)
    sample = _sample_head(lines)
    if head is None and not _ENDPOINT_MARKS & {line.strip().lower() for line in lines}:
        sample = None  # a request sample alone makes an endpoint page only with an endpoint page's sections
    if head is None and sample is None:
        return None
    title, status = "", None
    notes: list[str] = []
    aliases: tuple[str, ...] = ()
    if head is not None:
        method_at, url_at, method, address = head
        for k in range(method_at - 1, -1, -1):
            text_k = lines[k].strip()
            if not text_k:
                continue
            if text_k.lower() in STATUS_WORDS:
                status = status or text_k.lower().replace(" ", "-")
                continue
            title = text_k
            break
        body = lines[url_at + 1 :]
        path = _path_of(address)
        if sample is not None and sample[1] == method and _path_of(sample[2]) != path:
            aliases = (_path_of(sample[2]),)
            notes.append(f"the page's URL line says {path}, its request sample {aliases[0]}")
    else:
        assert sample is not None
        _, method, address = sample
        path = _path_of(address)
        crumbs = [k for k, line in enumerate(lines) if re.match(r"^\s*\d+\.\s+\S", line)]
        after = _next_filled(lines, crumbs[-1] + 1) if crumbs else None
        title = lines[after].strip() if after is not None else ""  # a breadcrumb's next line, else unknown
        body = lines
        notes.append(f"no title/method/URL block: {method} {path} taken from the page's request sample")
    if status is None and re.search(r"deprec|depric", title, re.IGNORECASE):
        status = "deprecated"
    names = frozenset(_JSON_KEY.findall("\n".join(body)))
    responses_at = next((i for i, s in enumerate(body) if s.strip().lower() == "responses"), None)
    request_end = len(body) if responses_at is None else responses_at
    params_at = next((i for i in range(request_end) if body[i].strip().lower().startswith("body params")), None)
    request = None
    if params_at is not None:
        raw = _read_fields(body, params_at + 1, request_end, _REQUEST_END, codes=False)
        request = Body(raw=raw, names=names | {r.name for r in raw})
    if request is None or not request.count():
        example = _json_after(body, 0, request_end)
        if example is not None:
            request = Body(fields=example_fields(example), examples_only=True, names=names)
    response = None
    ok_at = None
    if responses_at is not None:
        ok_at = next(
            (i for i in range(responses_at + 1, len(body)) if (m := _CODE.match(body[i].strip())) and m[1][0] == "2"),
            None,
        )
        if ok_at is not None:
            raw = _read_fields(body, ok_at + 1, len(body), _RESPONSE_END, codes=True)
            response = Body(raw=raw, names=names | {r.name for r in raw})
    if response is None or not response.count():
        start = ok_at if ok_at is not None else responses_at
        if start is not None:
            stop = next(
                (i for i in range(start + 1, len(body)) if (m := _CODE.match(body[i].strip())) and m[1][0] != "2"),
                len(body),
            )
            example = _json_after(body, start, stop)
            if example is not None:
                response = Body(fields=example_fields(example), examples_only=True, names=names)
    for side, shown in (("request", request), ("response", response)):
        if shown is not None and shown.examples_only:
            notes.append(
                f"the {side} is read from the page's example: which fields exist, not their types or required-ness"
            )
    return Page(source, "rendered", title, method, path, status, request, response, aliases=aliases, notes=notes)
