"""``pull``: save the Card API pages an llms.txt index lists into a cache folder (see the package docstring)."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sys
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

from .docpages import text_page_id
from .model import SourceError
from .sources import IndexEntry, fetch_text, http_client, parse_llms, select

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


def pull_pages(base: str, cache: Path, sections: list[str], *, transport: httpx.BaseTransport | None = None) -> int:
    """Fetch the Card API pages listed by ``<base>/llms.txt`` into ``cache``: 0 when saved, 2 (with the
    reason on stderr, nothing written) otherwise."""
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
        if not chosen:
            seen = sorted({part for entry in entries for part in entry.trail})
            print(
                f"docs-pull: {index_url} lists {len(entries)} page(s), none an endpoint page under "
                f"{' or '.join(map(repr, sections))}; headings and folders seen: {', '.join(seen) or 'none'}",
                file=sys.stderr,
            )
            return 2
        fetched: list[tuple[IndexEntry, str, bytes, str]] = []
        failures = []
        for entry, page_id in chosen:
            url = entry.url if urlparse(entry.url).path.endswith(".md") else entry.url + ".md"
            try:
                _, data, _ = fetch_text(url, client)
            except SourceError as exc:
                failures.append(f"{url}: {exc}")
                continue
            fetched.append((entry, page_id, data, url))
        # the sections' text pages (Overview, Dictionaries): compared too, but one that cannot be fetched
        # leaves only a warning (the endpoint pages are what a pull must bring whole)
        docs: list[tuple[IndexEntry, str, bytes, str]] = []
        for entry in passed_over:
            doc_id = text_page_id(entry.url)
            if doc_id is None:
                continue
            url = entry.url if urlparse(entry.url).path.endswith(".md") else entry.url + ".md"
            try:
                _, data, _ = fetch_text(url, client)
            except SourceError as exc:
                print(f"docs-pull: doc page {url}: {exc} (not saved)", file=sys.stderr)
                continue
            docs.append((entry, doc_id, data, url))
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
    for entry, page_id, data, url in [*fetched, *docs]:
        name = f"api-{page_id}.md" if (entry, page_id, data, url) in fetched else f"doc-{page_id}.md"
        write_atomic(cache / name, data)
        records.append(
            {"file": name, "url": url, "title": entry.title, "trail": list(entry.trail), "fetched_at": now,
             "sha256": hashlib.sha256(data).hexdigest()}
        )  # fmt: skip
    write_atomic(cache / "llms.txt", index_bytes)
    for name in sorted(earlier - {r["file"] for r in records}):
        stale = cache / name
        if stale.parent == cache and stale.suffix == ".md":
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
