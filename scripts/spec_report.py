"""One line per operation of openapi/card-api.yaml: what a maintainer reads after the vendor's docs change.

    python scripts/spec_report.py            # table, then totals by doc status
    python scripts/spec_report.py --json     # the same rows as JSON

Each row: method, path, operationId, doc status, request fields and response fields (nested objects as
``name{...}``, arrays as ``name[...]``, required fields marked ``*``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import _spec  # scripts/_spec.py: this script's folder is on sys.path when it runs

SPEC = _spec.SPEC
DOC_STATUSES = tuple(_spec.DOC_STATUSES)


def fields(schema: Any, document: dict[str, Any], depth: int = 0) -> str:
    """The fields of an object schema, ``allOf`` merged: nested objects as ``name{...}``, arrays as
    ``name[...]`` (two levels deep), required ones marked ``*``."""
    props, required = _spec.object_parts(schema, document)
    out = []
    for name, sub in props.items():
        sub = _spec.resolve(sub, document)
        label = name + ("*" if name in required else "")
        if depth < 2 and (sub.get("properties") or sub.get("allOf")):
            label += "{" + fields(sub, document, depth + 1) + "}"
        elif depth < 2 and sub.get("type") == "array":
            items = _spec.resolve(sub.get("items", {}), document)
            inner = fields(items, document, depth + 1) if items.get("properties") else items.get("type", "any")
            label += "[" + inner + "]"
        out.append(label)
    return ", ".join(out)


def rows(document: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "method": method.upper(),
            "path": path,
            "operation_id": op["operationId"],
            "tag": op["tags"][0],
            "doc_status": op.get("x-doc-status", "MISSING"),
            "doc_page": op.get("x-doc-page", ""),
            "deprecated": "yes" if op.get("deprecated") else "",
            "request": fields(_spec.request_body_schema(op, document), document),
            "response": fields(_spec.answer_schema(op, document), document),
        }
        for method, path, op in _spec.operations(document)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description="Report the operations of the Card API spec.")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--spec", type=Path, default=SPEC)
    args = parser.parse_args()
    document = _spec.load(args.spec)
    table = rows(document)
    if args.json:
        print(json.dumps(table, indent=2))
        return 0
    for r in table:
        flag = " (deprecated)" if r["deprecated"] else ""
        print(f"{r['method']} {r['path']}  {r['operation_id']}  [{r['doc_status']}]{flag}")
        print(f"    request:  {r['request'] or '(no fields)'}")
        print(f"    response: {r['response']}")
        if r["doc_page"]:
            print(f"    docs:     {r['doc_page']}")
    counts = Counter(r["doc_status"] for r in table)
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in DOC_STATUSES)
    print(f"\n{len(table)} operations on {len(document['paths'])} paths: {summary}")
    unknown = set(counts) - set(DOC_STATUSES)
    if unknown:
        print(f"operations without a valid x-doc-status: {sorted(unknown)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
