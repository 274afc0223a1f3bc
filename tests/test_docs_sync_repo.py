"""docs-sync on a copy of the repository, as a maintainer runs it: ``scripts/docs_sync.py`` over a docs cache,
then ``scripts/generate.py``. The ten page changes of tests/test_docs_sync.py (our own pages) regenerate, but for
the new operation, which generate.py refuses, naming the keys a person must set, until they are set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.repo_copy import Branch, clone, copy_repository
from tests.test_docs_sync import TEN, fill_cache

PERSON_KEYS = ("x-facade", "x-mutating", "x-deferred")


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Branch, Path, str]:
    """A branch synced from the current pages, then from the ten changed ones: (branch, cache, sync output)."""
    branch = clone(copy_repository(tmp_path_factory), "docs-sync")
    cache = branch.root / ".cache" / "docs"
    fill_cache(cache)
    first = branch.run("scripts/docs_sync.py", str(cache))
    assert first.code == 0, first.output
    fill_cache(cache, *TEN)
    before = files(branch.root)
    done = branch.run("scripts/docs_sync.py", str(cache))
    assert done.code == 1, done.output
    after = files(branch.root)
    assert {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)} == {"openapi/card-api.yaml"}
    return branch, cache, done.output


def files(root: Path) -> dict[str, bytes]:
    """Every file of the copy but the docs cache and caches, by path."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".cache" not in p.parts and "__pycache__" not in p.parts
    }


def test_generate_refuses_the_new_operation_naming_the_keys_a_person_sets(synced: tuple[Branch, Path, str]) -> None:
    branch, _, output = synced
    assert "Left to a person" in output and "make new-operation OP=pause_card" in output
    refused = branch.run("scripts/generate.py")
    assert refused.code != 0
    assert "/v5/card-api/card/pause (pause_card): set x-facade, x-mutating, x-deferred" in refused.output
    assert refused.output.count("pause_card") == 1  # one line, not one complaint per key

    def decide(spec: dict[str, Any]) -> None:
        spec["paths"]["/v5/card-api/card/pause"]["post"].update(
            {"x-facade": "cards.pause", "x-mutating": True, "x-deferred": False}
        )

    branch.edit_spec(decide)
    branch.generate()  # the decisions made: everything the pages state regenerates
    table = (branch.root / "facade" / "freedompay_cards" / "_operations.py").read_text(encoding="utf-8")
    assert '"cards.pause"' in table and '"/v5/card-api/card/unlock"' in table
    assert '"/v5/card-api/card/unblock"' not in table
    models = branch.root / "generated" / "freedompay_card_api" / "models"
    assert (models / "close_card_request.py").exists() and (models / "reset_pin_counter_response.py").exists()
