"""``pull``: save the Card API pages an llms.txt index lists into a cache folder (see the package docstring)."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sys
import tempfile
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlparse, urlunparse

import httpx

from .docpages import bindings, text_page_id
from .html import html_to_markdown, html_to_text
from .model import SourceError, SpecLoadError
from .sources import IndexEntry, answer_is_html, fetch_text, http_client, parse_llms, select
from .spec import load_spec_side

RESOLVE_SECONDS = 3.0


def host_problem(host: str, port: int, seconds: float = RESOLVE_SECONDS) -> str | None:
    """Why ``host`` cannot be resolved (None if it can), waiting at most ``seconds`` for the resolver."""
    outcome: dict[str, str] = {}

    def resolve() -> None:
        try:
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            outcome["error"] = str(exc)

    worker = threading.Thread(target=resolve, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        return f"no answer from the name resolver within {seconds:.0f} s"
    return outcome.get("error")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Fetched(NamedTuple):
    """One page as saved: its bytes, the address they came from, the file suffix, and (for a fallback) why
    the rendered page was saved instead of the Markdown."""

    data: bytes
    url: str
    suffix: str
    fallback: str | None = None


def fetch_page(address: str, client: httpx.Client, *, doc: bool = False, title: str = "") -> Fetched:
    """The page at ``address``: its ``.md`` when the site serves Markdown there, else (a 404, any other
    failure, or an HTML answer) the rendered page at the address without ``.md``: an HTML page turned into
    text (an endpoint page, read as rendered text) or into Markdown headings and pipe tables (a text page,
    ``doc``: Overview, Dictionaries; its title line from ``title`` when the page has no ``<h1>``), or the
    text as served. SourceError when neither can be fetched."""
    parsed = urlparse(address)
    md_url = address if parsed.path.endswith(".md") else urlunparse(parsed._replace(path=parsed.path + ".md"))
    plain = urlparse(md_url)
    page_url = urlunparse(plain._replace(path=plain.path.removesuffix(".md")))
    try:
        text, data, content_type = fetch_text(md_url, client)
        if not answer_is_html(text, content_type):
            return Fetched(data, md_url, ".md")
        why = "its .md answers an HTML page, not Markdown"
    except SourceError as exc:
        why = f"its .md: {exc}"
    try:
        text, data, content_type = fetch_text(page_url, client)
    except SourceError as exc:
        raise SourceError(f"{why}; the rendered page {page_url}: {exc}") from None
    if not answer_is_html(text, content_type):
        return Fetched(data, page_url, ".txt", f"{why}; the rendered page's text saved as served")
    if doc:
        markdown = html_to_markdown(text)
        if not markdown.startswith("# "):
            markdown = f"# {title or 'Untitled'}\n\n{markdown}"
        return Fetched(markdown.encode(), page_url, ".md", f"{why}; the rendered page saved, as Markdown tables")
    return Fetched(html_to_text(text).encode() + b"\n", page_url, ".txt", f"{why}; the rendered page saved as text")


def bound_doc_pages(spec_path: Path) -> list[str]:
    """The ids of the doc pages the spec's ``x-doc-dictionary`` bindings read (the Card API Overview, the
    Dictionaries...): a pull fetches them wherever the site's navigation puts them. Nothing when the spec cannot
    be read (the check that follows the pull says why)."""
    try:
        document = load_spec_side(spec_path).document
        return sorted({binding.page for binding in bindings(document)})
    except SpecLoadError:
        return []


def pull_pages(
    base: str,
    cache: Path,
    sections: list[str],
    *,
    transport: httpx.BaseTransport | None = None,
    doc_pages: Iterable[str] = (),
) -> int:
    """Fetch the Card API pages listed by ``<base>/llms.txt`` into ``cache``: the endpoint and text pages of
    ``sections``, and the text pages ``doc_pages`` names (ids) in whatever section they sit. 0 when saved, 2
    (with the reason on stderr, nothing written) otherwise."""
    base = base.rstrip("/")
    index_url = f"{base}/llms.txt"
    parsed = urlparse(base)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        print(f"docs-pull: --base must be an http(s) address, not {base!r}", file=sys.stderr)
        return 2
    if transport is None:
        problem = host_problem(parsed.hostname, parsed.port or (443 if parsed.scheme == "https" else 80))
        if problem:
            print(
                f"docs-pull: cannot reach {parsed.hostname} ({problem}). docs-pull needs the network; "
                f"`make docs-check` checks the pages already saved in {cache}.",
                file=sys.stderr,
            )
            return 2
    with http_client(transport) as client:
        try:
            index_text, index_bytes, _ = fetch_text(index_url, client)
        except SourceError as exc:
            print(f"docs-pull: {index_url}: {exc} (does the site publish llms.txt?)", file=sys.stderr)
            return 2
        entries = parse_llms(index_text, base)
        chosen, passed_over = select(entries, sections)
        # the doc pages the spec reads, wherever the navigation lists them (the Overview sits under "Card API")
        wanted = set(doc_pages)
        for entry in entries:
            if text_page_id(entry.url) in wanted and entry not in passed_over:
                passed_over.append(entry)
        listed = {text_page_id(entry.url) for entry in entries}
        for missing in sorted(wanted - listed):
            print(f"docs-pull: doc page {missing}, which the spec reads, is not in {index_url} (not saved)",
                  file=sys.stderr)  # fmt: skip
        if not chosen:
            seen = sorted({part for entry in entries for part in entry.trail})
            print(
                f"docs-pull: {index_url} lists {len(entries)} page(s), none an endpoint page under "
                f"{' or '.join(map(repr, sections))}; headings and folders seen: {', '.join(seen) or 'none'}",
                file=sys.stderr,
            )
            return 2
        fetched: list[tuple[IndexEntry, str, Fetched]] = []
        failures = []
        for entry, page_id in chosen:
            try:
                fetched.append((entry, f"api-{page_id}", fetch_page(entry.url, client)))
            except SourceError as exc:
                failures.append(f"{entry.url}: {exc}")
        # the sections' text pages (Overview, Dictionaries): compared too, but one that cannot be fetched
        # leaves only a warning (the endpoint pages are what a pull must bring whole)
        docs: list[tuple[IndexEntry, str, Fetched]] = []
        for entry in passed_over:
            doc_id = text_page_id(entry.url)
            if doc_id is None or any(stem == f"doc-{doc_id}" for _, stem, _ in docs):
                continue
            try:
                docs.append((entry, f"doc-{doc_id}", fetch_page(entry.url, client, doc=True, title=entry.title)))
            except SourceError as exc:
                print(f"docs-pull: doc page {entry.url}: {exc} (not saved)", file=sys.stderr)
    if failures:
        print(
            "docs-pull: " + "\n  ".join(["some pages could not be fetched (nothing written):", *failures]),
            file=sys.stderr,
        )
        return 2
    cache.mkdir(parents=True, exist_ok=True)
    earlier = {str(p.get("file")) for p in _read_index(cache).get("pages", []) if isinstance(p, dict)}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    records = []
    for entry, stem, page in [*fetched, *docs]:
        name = stem + page.suffix
        write_atomic(cache / name, page.data)
        records.append(
            {"file": name, "url": page.url, "title": entry.title, "trail": list(entry.trail), "fetched_at": now,
             "sha256": hashlib.sha256(page.data).hexdigest()}
            | ({"fallback": page.fallback} if page.fallback else {})
        )  # fmt: skip
        if page.fallback:
            print(f"docs-pull: {entry.url}: {page.fallback} ({name})", file=sys.stderr)
    write_atomic(cache / "llms.txt", index_bytes)
    for name in sorted(earlier - {r["file"] for r in records}):
        stale = cache / name
        if stale.parent == cache and stale.suffix in (".md", ".txt"):
            stale.unlink(missing_ok=True)
            print(f"docs-pull: removed {stale} (no longer listed)", file=sys.stderr)
    index = {"base": base, "llms_txt": index_url, "fetched_at": now, "sections": sections, "pages": records}
    write_atomic(cache / "index.json", (json.dumps(index, indent=2, ensure_ascii=False) + "\n").encode())
    print(
        f"docs-pull: {len(fetched)} page(s) saved in {cache} from {index_url} "
        f"(and {len(docs)} of the {len(passed_over)} text page(s) of those sections: Overview, Dictionaries...)",
        file=sys.stderr,
    )
    return 0


def _read_index(cache: Path) -> dict[str, Any]:
    try:
        index = json.loads((cache / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return index if isinstance(index, dict) else {}
