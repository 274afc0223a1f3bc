"""Where pages come from: files, folders, ``http(s)://`` addresses, and the llms.txt index of the site."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import httpx

from .docpages import parse_doc_page, text_page_id
from .html import html_to_text
from .markdown import parse_markdown
from .model import PAGE_SUFFIXES, DocPage, Page, SourceError, page_id_of
from .rendered import parse_rendered

TIMEOUT = httpx.Timeout(20.0, connect=5.0)  # per connection and per read
FETCH_SECONDS = 60.0  # the whole of one page (or llms.txt), however the server paces it
FETCH_MAX_BYTES = 16 * 1024 * 1024  # one page (or llms.txt); a real one is well under 1 MiB

_LINK_LINE = re.compile(r"^(\s*)[-*+]\s+(.*?)\[([^\]]+)\]\(\s*([^)\s]+)\s*\)\s*(?::\s*(.*))?$")
_LABEL_LINE = re.compile(r"^(\s*)[-*+]\s+([^\[\]]+?)\s*:?\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class IndexEntry:
    title: str
    url: str
    trail: tuple[str, ...]  # headings, list items and folders above the link, outermost first
    description: str


def parse_llms(text: str, base: str) -> list[IndexEntry]:
    """The page links of an llms.txt index, each with the trail of headings and folders above it."""
    entries: list[IndexEntry] = []
    headings: list[tuple[int, str]] = []
    labels: list[tuple[int, str]] = []
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            headings = [*(h for h in headings if h[0] < level), (level, heading.group(2))]
            labels = []
            continue
        link = _LINK_LINE.match(line)
        if link:
            indent = len(link.group(1).expandtabs(4))
            labels = [item for item in labels if item[0] < indent]
            folders = [part.strip() for part in re.split(r"[>/»›]", link.group(2)) if part.strip()]
            trail = (*(h[1] for h in headings), *(item[1] for item in labels), *folders)
            url = urljoin(base.rstrip("/") + "/", link.group(4))
            entries.append(IndexEntry(link.group(3).strip(), url, trail, (link.group(5) or "").strip()))
            continue
        label = _LABEL_LINE.match(line)
        if label:
            indent = len(label.group(1).expandtabs(4))
            labels = [*(item for item in labels if item[0] < indent), (indent, label.group(2))]
    return entries


def endpoint_id(url: str) -> str | None:
    """The id of an Apidog endpoint page's address (``api-123``, ``some-slug-123e0``), None for a text page."""
    return page_id_of(url, "endpoint")


def _normal(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


def select(
    entries: Iterable[IndexEntry], sections: Iterable[str]
) -> tuple[list[tuple[IndexEntry, str]], list[IndexEntry]]:
    """The endpoint pages under one of ``sections`` (with their id), and the other entries of those sections."""
    wanted = {_normal(s) for s in sections}
    chosen: dict[str, IndexEntry] = {}
    passed_over = []
    for entry in entries:
        if not wanted & {_normal(part) for part in entry.trail}:
            continue
        page_id = endpoint_id(entry.url)
        if page_id is None:
            passed_over.append(entry)
        else:
            chosen.setdefault(page_id, entry)
    return [(entry, page_id) for page_id, entry in chosen.items()], passed_over


_Found = tuple[list[Page], str | None, list[IndexEntry], list[DocPage]]


def _pages_of_text(text: str, source: str, *, is_html: bool) -> _Found:
    """The pages in one source's text, or a note saying why it is skipped (with the entries, for an llms.txt
    index); SourceError if unrecognised."""
    if not text.strip():
        raise SourceError("empty")
    if is_html:
        page = parse_rendered(html_to_text(text), source)
        if page is None:
            raise SourceError("an HTML page without a method line followed by the page's URL: not a doc page")
        return [page], None, [], []
    pages = parse_markdown(text, source)
    if pages is not None:
        return pages, None, [], []
    doc = parse_doc_page(text, source)
    if doc is not None:
        return [], None, [], [doc]
    page = parse_rendered(text, source)
    if page is not None:
        return [page], None, [], []
    links = parse_llms(text, "https://index.invalid")
    if links and not text.lstrip().startswith("{"):
        return [], f"{source}: an llms.txt index of {len(links)} pages, not a page (skipped)", links, []
    raise SourceError(
        "not recognised: neither an Apidog Markdown page (no '## OpenAPI Specification' section) nor rendered "
        "page text (no line holding a method followed by the page's URL)"
    )


def _looks_like_html(text: str) -> bool:
    return bool(re.match(r"\s*(<!doctype html|<html\b)", text, re.IGNORECASE))


def answer_is_html(text: str, content_type: str) -> bool:
    """Whether a fetched answer is an HTML page (by its content type or its first tag)."""
    return "html" in content_type.lower() or _looks_like_html(text)


def _read_file(path: Path) -> _Found:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from None
    if b"\x00" in data:
        raise SourceError("a binary file, not a doc page")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError("not UTF-8 text") from None
    html_file = path.suffix.lower() in (".html", ".htm") or _looks_like_html(text)
    return _pages_of_text(text, str(path), is_html=html_file)


def _mib(size: int) -> str:
    return f"{size / 1048576:g} MiB"


def fetch_text(url: str, client: httpx.Client) -> tuple[str, bytes, str]:
    """The text, the bytes and the content type at ``url``; SourceError with the reason otherwise. The answer
    is streamed: given up past ``FETCH_MAX_BYTES`` or when it has not all arrived within ``FETCH_SECONDS``
    (a server that drips it never holds the run)."""
    deadline = time.monotonic() + FETCH_SECONDS
    late = f"cannot fetch: the page did not arrive within {FETCH_SECONDS:g} s"
    limit = min(FETCH_SECONDS, TIMEOUT.read or FETCH_SECONDS)
    timeout = httpx.Timeout(limit, connect=min(FETCH_SECONDS, TIMEOUT.connect or FETCH_SECONDS))
    chunks: list[bytes] = []
    try:
        with client.stream("GET", url, timeout=timeout) as response:
            if response.status_code != 200:
                raise SourceError(f"cannot fetch: HTTP {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > FETCH_MAX_BYTES:
                raise SourceError(f"cannot fetch: the page is larger than {_mib(FETCH_MAX_BYTES)} ({declared} bytes)")
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > FETCH_MAX_BYTES:
                    raise SourceError(f"cannot fetch: the page is larger than {_mib(FETCH_MAX_BYTES)}")
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise SourceError(late)
            encoding = response.encoding
            content_type = response.headers.get("content-type", "")
    except httpx.TimeoutException:
        raise SourceError(
            late if time.monotonic() > deadline else "cannot fetch: the server stopped answering"
        ) from None
    except httpx.HTTPError as exc:
        raise SourceError(f"cannot fetch: {type(exc).__name__}: {exc}") from None
    if time.monotonic() > deadline:
        raise SourceError(late)
    content = b"".join(chunks)
    try:
        text = content.decode(encoding or "utf-8")
    except (UnicodeDecodeError, LookupError):
        raise SourceError("the answer is not text") from None
    return text, content, content_type


def http_client(transport: httpx.BaseTransport | None) -> httpx.Client:
    headers = {"User-Agent": "freedompay-cards docs_check (+make docs-check)"}
    return httpx.Client(timeout=TIMEOUT, follow_redirects=True, transport=transport, headers=headers)


def _folder_urls(folder: Path) -> dict[Path, str]:
    """File -> page address, from the index.json ``pull`` writes (nothing if there is none)."""
    try:
        index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        return {(folder / p["file"]).resolve(): str(p["url"]) for p in index.get("pages", [])}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


@dataclass
class Read:
    """What the sources hold: the pages, notes on skipped files, the (source, reason) of each source that could
    not be read, and the entries of any llms.txt index among them (None: no index)."""

    pages: list[Page]
    skipped: list[str]
    errors: list[tuple[str, str]]
    index: list[IndexEntry] | None = None
    doc_pages: list[DocPage] = field(default_factory=list)


def read_all(sources: Iterable[str], transport: httpx.BaseTransport | None = None) -> Read:
    """Every page of the sources, what was skipped, what could not be read (each source on its own: one
    unreadable source never hides the others) and the llms.txt index, if one is among them."""
    read = Read([], [], [])

    def take(found: _Found, url: str | None = None) -> None:
        for page in found[0]:
            page.url = page.url or url
            page.page_id = page.page_id or endpoint_id(page.url or page.source)
        read.pages.extend(found[0])
        if found[1]:
            read.skipped.append(found[1])
        if found[2]:
            read.index = [*(read.index or []), *found[2]]
        for doc in found[3]:
            doc.url = doc.url or url
            doc.page_id = doc.page_id or text_page_id(doc.url or "")
        read.doc_pages.extend(found[3])

    for source in sources:
        try:
            if re.match(r"https?://", source, re.IGNORECASE):
                with http_client(transport) as client:
                    text, _, content_type = fetch_text(source, client)
                take(_pages_of_text(text, source, is_html=answer_is_html(text, content_type)), source)
                continue
            path = Path(source)
            if path.is_dir():
                files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES)
                if not files:
                    raise SourceError(
                        "the folder holds no pages (*.md, *.txt, *.html); `make docs-pull` fills the default cache"
                    )
                urls = _folder_urls(path)
                for file in files:
                    try:
                        take(_read_file(file), urls.get(file.resolve()))
                    except SourceError as exc:
                        read.errors.append((str(file), str(exc)))
            elif path.exists():
                take(_read_file(path))
            else:
                raise SourceError("no such file or folder")
        except SourceError as exc:
            read.errors.append((source, str(exc)))
    return read
