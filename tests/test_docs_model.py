"""scripts/docs_tools: the page model and the spec side other tools (docs-sync) build on.

A parsed page says, per side, each field's type, format, limits, required-ness, and also its description and
its schema as the page states it (for sync to copy), and the page's Apidog id when its address shows one.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from docs_tools import markdown, sources, spec  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "docs"


def test_a_markdown_field_carries_its_description_and_schema_which_are_not_compared() -> None:
    (page,) = markdown.parse_markdown((FIXTURES / "clean" / "open.md").read_text(encoding="utf-8"), "open.md") or []
    request = page.fields("request")
    assert request is not None and page.document is not None and "paths" in page.document
    assert request["request_id"].description == "A fresh id per call."
    assert request["request_id"].schema == {"type": "string", "format": "uuid", "description": "A fresh id per call."}
    assert request["request_id"].enum is None
    # description and schema do not take part in equality: the comparison is about type, format, limits...
    assert request["request_id"] == type(request["request_id"])("string", "uuid", True)


def test_pages_read_from_sources_know_their_page_id(tmp_path: Path) -> None:
    page_file = tmp_path / "api-4242.md"
    page_file.write_bytes((FIXTURES / "clean" / "close.md").read_bytes())
    read = sources.read_all([str(page_file), str(FIXTURES / "clean" / "open.txt")])
    pages, errors = read.pages, read.errors
    assert errors == []
    assert [p.page_id for p in pages] == ["4242", None]


def test_the_spec_side_is_read_from_a_document_as_from_a_file() -> None:
    document = spec.load_document(FIXTURES / "spec.yaml")
    from_document = spec.spec_operations(document)
    assert from_document == spec.load_spec(FIXTURES / "spec.yaml")
    op = from_document[0]
    assert op.raw is not None and op.raw.get("operationId") == op.operation_id
