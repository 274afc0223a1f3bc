"""Where pages come from: files, folders, ``http(s)://`` addresses, and the llms.txt index of the site."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import httpx

from .html import html_to_text
from .markdown import parse_markdown
from .model import PAGE_SUFFIXES, Page, SourceError
from .rendered import parse_rendered

TIMEOUT = httpx.Timeout(20.0, connect=5.0)

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
    name = unquote(urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]).removesuffix(".md")
    match = re.fullmatch(r"api-(\d+)", name) or re.fullmatch(r"(?:.*-)?(\d+)e0", name)
    return match.group(1) if match else None


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


def _pages_of_text(text: str, source: str, *, is_html: bool) -> tuple[list[Page], str | None]:
    """The pages in one source's text, or a note saying why it is skipped; SourceError if unrecognised."""
    if not text.strip():
        raise SourceError("empty")
    if is_html:
        page = parse_rendered(html_to_text(text), source)
        if page is None:
            raise SourceError("an HTML page without a method line followed by the page's URL: not a doc page")
        return [page], None
    pages = parse_markdown(text, source)
    if pages is not None:
        return pages, None
    page = parse_rendered(text, source)
    if page is not None:
        return [page], None
    links = parse_llms(text, "https://index.invalid")
    if links and not text.lstrip().startswith("{"):
        return [], f"{source}: an llms.txt index of {len(links)} pages, not a page (skipped)"
    raise SourceError(
        "not recognised: neither an Apidog Markdown page (no '## OpenAPI Specification' section) nor rendered "
        "page text (no line holding a method followed by the page's URL)"
    )


def _looks_like_html(text: str) -> bool:
    return bool(re.match(r"\s*(<!doctype html|<html\b)", text, re.IGNORECASE))


def _read_file(path: Path) -> tuple[list[Page], str | None]:
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


def fetch_text(url: str, client: httpx.Client) -> tuple[str, bytes, str]:
    """The text, the bytes and the content type at ``url``; SourceError with the reason otherwise."""
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        raise SourceError(f"cannot fetch: {type(exc).__name__}: {exc}") from None
    if response.status_code != 200:
        raise SourceError(f"cannot fetch: HTTP {response.status_code}")
    try:
        text = response.content.decode(response.encoding or "utf-8")
    except (UnicodeDecodeError, LookupError):
        raise SourceError("the answer is not text") from None
    return text, response.content, response.headers.get("content-type", "")


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


def read_sources(
    sources: Iterable[str], transport: httpx.BaseTransport | None = None
) -> tuple[list[Page], list[str], list[tuple[str, str]]]:
    """Every page of the sources, the notes on skipped files, and the (source, reason) of each error."""
    pages: list[Page] = []
    notes: list[str] = []
    errors: list[tuple[str, str]] = []

    def take(found: tuple[list[Page], str | None], url: str | None = None) -> None:
        for page in found[0]:
            page.url = page.url or url
            page.page_id = page.page_id or endpoint_id(page.url or page.source)
        pages.extend(found[0])
        if found[1]:
            notes.append(found[1])

    for source in sources:
        try:
            if re.match(r"https?://", source, re.IGNORECASE):
                with http_client(transport) as client:
                    text, _, content_type = fetch_text(source, client)
                is_html = "html" in content_type.lower() or _looks_like_html(text)
                take(_pages_of_text(text, source, is_html=is_html), source)
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
                        errors.append((str(file), str(exc)))
            elif path.exists():
                take(_read_file(path))
            else:
                raise SourceError("no such file or folder")
        except SourceError as exc:
            errors.append((source, str(exc)))
    return pages, notes, errors
