"""CONTRIBUTING.md names real places: every path it gives exists in the repository (no placeholder such as
``_models/<resource>.py`` a reader cannot open), and it warns that a half-done change also fails the
tests that replay the maintainer's scenarios on a copy of the working tree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
PACKAGE = ROOT / "facade" / "freedompay_cards"
FOLDERS = ("facade/", "tests/", "scripts/", "openapi/", "_models/", "_convert/", "_async/", "sandbox/")
MADE_BY_THE_STEPS = {"tests/test_op_<operationId>.py"}  # a file the scaffold writes, named by its pattern


def _named_paths() -> list[str]:
    spans = re.findall(r"`([^`\s]+)`", GUIDE)
    return [s for s in spans if s.startswith(FOLDERS) and re.search(r"\.(py|yaml|md)$", s)]


def _where(path: str) -> Path:
    if path.startswith(("_models/", "_convert/", "_async/", "sandbox/")):
        return PACKAGE / path
    return ROOT / path


def test_every_path_the_guide_names_exists() -> None:
    named = _named_paths()

    assert len(named) >= 15 and "facade/freedompay_cards/sandbox/_world.py" in named
    assert [p for p in named if p not in MADE_BY_THE_STEPS and not _where(p).exists()] == []
    assert [p for p in named if "<" in p and p not in MADE_BY_THE_STEPS] == []


def test_the_result_and_converter_modules_it_lists_are_all_there_are() -> None:
    listed = set(re.findall(r"`(_\w+\.py)`", GUIDE))
    models = {p.name for p in (PACKAGE / "_models").glob("_*.py")} - {"__init__.py", "_base.py"}

    assert models <= listed
    # every result module has its converter, but for what wait=True returns: made from OperationResult
    converted = models - {"_waited.py"}
    assert {p.name for p in (PACKAGE / "_convert").glob("_*.py")} - {"__init__.py", "_base.py"} == converted


def test_it_warns_that_a_half_done_change_fails_the_replaying_tests_too() -> None:
    assert "tests/test_regeneration.py" in GUIDE and "half done" in GUIDE
    assert all((ROOT / name).exists() for name in ("tests/test_regeneration.py", "tests/test_new_operation.py"))
