"""The sync twin's docstrings speak of sync code (issue 21 item 8: the sync ``statement`` said ``await``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SYNC = Path(__file__).parent.parent / "facade" / "freedompay_cards" / "_sync"


@pytest.mark.parametrize("module", sorted(SYNC.glob("*.py")), ids=lambda p: p.name)
def test_no_sync_docstring_tells_the_reader_to_await(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    docstrings = [
        ast.get_docstring(node) or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    assert [d.split("\n")[0] for d in docstrings if "await" in d or "async for" in d] == []
