"""The command line of docs-check (``scripts/docs_check.py``): ``check`` and ``pull`` (see the package docstring)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import _spec  # scripts/_spec.py: scripts/ is on sys.path when an entry point runs
import httpx

from . import __doc__ as package_doc
from .compare import compare_read
from .model import SpecLoadError
from .provenance import annotate
from .pull import bound_doc_pages, pull_pages
from .report import EXIT_DRIFT, EXIT_OK, EXIT_UNREADABLE, fail, report_json, report_text
from .sources import read_all
from .spec import load_spec_side

DEFAULT_BASE = "https://docs.freedompay.kz"
DEFAULT_CACHE = _spec.ROOT / ".cache" / "docs"
DEFAULT_SECTIONS = ("Payment Cards", "Gift Cards")
STRICT_HELP = "exit 2 when any source cannot be read (default: report it and compare the others)"


def check(
    sources: list[str],
    spec_path: Path,
    *,
    as_json: bool,
    transport: httpx.BaseTransport | None = None,
    strict: bool = False,
) -> int:
    """Check the pages of ``sources`` against the spec: exit 0 (no drift), 1 (drift) or 2 (the spec cannot be
    read, no page could be, or, with ``strict``, any source could not be). A source that cannot be read is
    reported with its reason and the others are compared."""
    try:
        spec = load_spec_side(spec_path)
    except SpecLoadError as exc:
        return fail([(str(spec_path), str(exc))], as_json)
    read = read_all(sources, transport)
    anything = read.pages or read.doc_pages
    if read.errors and (strict or not anything):
        if not strict:
            read.errors.append((", ".join(sources), "no readable doc page among the sources"))
        return fail(read.errors, as_json)
    if not anything:
        return fail([(", ".join(sources), "no doc page among the sources")], as_json)
    for source, reason in read.errors:
        print(f"docs_check: {source}: {reason} (not compared; the other sources are)", file=sys.stderr)
    report = compare_read(str(spec_path), spec.operations, read, spec.document, spec.unmodelled)
    annotate(report)  # provenance: pages changed since the last docs-sync, reviews left open
    print(json.dumps(report_json(report), indent=2, ensure_ascii=False) if as_json else report_text(report))
    return EXIT_DRIFT if report.drift_count else EXIT_OK


def pull(
    base: str,
    cache: Path,
    sections: list[str],
    spec_path: Path,
    *,
    as_json: bool,
    transport: httpx.BaseTransport | None = None,
    strict: bool = False,
) -> int:
    """Fetch the Card API pages listed by ``<base>/llms.txt`` into ``cache``, then check them."""
    code = pull_pages(base, cache, sections, transport=transport, doc_pages=bound_doc_pages(spec_path))
    return code if code else check([str(cache)], spec_path, as_json=as_json, transport=transport, strict=strict)


def main(argv: list[str] | None = None, *, transport: httpx.BaseTransport | None = None) -> int:
    try:
        return _main(argv, transport=transport)
    except RecursionError:  # every reader guards its own nesting; this is the last line, never a traceback
        print("docs_check: a source or the spec is nested too deeply to be read", file=sys.stderr)
        return EXIT_UNREADABLE


def _main(argv: list[str] | None = None, *, transport: httpx.BaseTransport | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    summary = (package_doc or "").split("\n\n")[0]
    if args_in[:1] == ["pull"]:
        parser = argparse.ArgumentParser(
            prog="docs_check.py pull", description="Fetch the Card API pages, then check them."
        )
        parser.add_argument("--base", default=DEFAULT_BASE, help=f"the docs site (default {DEFAULT_BASE})")
        parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the pages are saved")
        parser.add_argument(
            "--section",
            action="append",
            help=f"an llms.txt section to take (repeatable; default: {', '.join(DEFAULT_SECTIONS)})",
        )
        parser.add_argument("--spec", type=Path, default=_spec.SPEC)
        parser.add_argument("--json", action="store_true", help="print the check's report as JSON")
        parser.add_argument("--strict", action="store_true", help=STRICT_HELP)
        args = parser.parse_args(args_in[1:])
        sections = args.section or list(DEFAULT_SECTIONS)
        return pull(
            args.base, args.cache, sections, args.spec, as_json=args.json, transport=transport, strict=args.strict
        )
    parser = argparse.ArgumentParser(prog="docs_check.py", description=summary)
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="a page file, a folder of pages, or an URL")
    parser.add_argument("--spec", type=Path, default=_spec.SPEC, help="the spec (default openapi/card-api.yaml)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--strict", action="store_true", help=STRICT_HELP)
    args = parser.parse_args(args_in)
    return check(args.sources, args.spec, as_json=args.json, transport=transport, strict=args.strict)
