"""The command line of docs-check (``scripts/docs_check.py``): ``check`` and ``pull`` (see the package docstring)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import _spec  # scripts/_spec.py: scripts/ is on sys.path when an entry point runs
import httpx

from . import __doc__ as package_doc
from .compare import build_report
from .model import SpecLoadError
from .provenance import annotate
from .pull import pull_pages
from .report import EXIT_DRIFT, EXIT_OK, fail, report_json, report_text
from .sources import read_sources
from .spec import load_spec

DEFAULT_BASE = "https://docs.freedompay.kz"
DEFAULT_CACHE = _spec.ROOT / ".cache" / "docs"
DEFAULT_SECTIONS = ("Payment Cards", "Gift Cards")


def check(sources: list[str], spec_path: Path, *, as_json: bool, transport: httpx.BaseTransport | None = None) -> int:
    try:
        operations = load_spec(spec_path)
    except SpecLoadError as exc:
        return fail([(str(spec_path), str(exc))], as_json)
    pages, skipped, errors = read_sources(sources, transport)
    if errors:
        return fail(errors, as_json)
    if not pages:
        return fail([(", ".join(sources), "no doc page among the sources")], as_json)
    report = build_report(str(spec_path), operations, pages, skipped)
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
) -> int:
    """Fetch the Card API pages listed by ``<base>/llms.txt`` into ``cache``, then check them."""
    code = pull_pages(base, cache, sections, transport=transport)
    return code if code else check([str(cache)], spec_path, as_json=as_json, transport=transport)


def main(argv: list[str] | None = None, *, transport: httpx.BaseTransport | None = None) -> int:
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
        args = parser.parse_args(args_in[1:])
        sections = args.section or list(DEFAULT_SECTIONS)
        return pull(args.base, args.cache, sections, args.spec, as_json=args.json, transport=transport)
    parser = argparse.ArgumentParser(prog="docs_check.py", description=summary)
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="a page file, a folder of pages, or an URL")
    parser.add_argument("--spec", type=Path, default=_spec.SPEC, help="the spec (default openapi/card-api.yaml)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(args_in)
    return check(args.sources, args.spec, as_json=args.json, transport=transport)
