"""The scheduled docs-update workflow is linted by the pinned actionlint (`make lint` runs the same), and it
runs what the Makefile and scripts/docs_update.py provide."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "docs-update.yml"
ACTIONLINT = shutil.which("actionlint", path=str(Path(sys.executable).parent))


def _lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    assert ACTIONLINT, "actionlint is not installed next to this interpreter: run `make venv`"
    command = [ACTIONLINT, "-shellcheck=", "-pyflakes=", "-no-color", *map(str, paths)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_the_workflows_pass_actionlint() -> None:
    done = _lint(*sorted((ROOT / ".github" / "workflows").glob("*.yml")))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            "on: [push]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt }}\n",
            "evnt",
        ),
        ("on: [push]\njobs:\n  a:\n    steps:\n      - run: echo hi\n", "runs-on"),
    ],
)
def test_actionlint_refuses_a_broken_workflow(tmp_path: Path, broken: str, expected: str) -> None:
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(broken, encoding="utf-8")
    done = _lint(bad)
    assert done.returncode != 0 and expected in done.stdout


def test_the_workflow_runs_make_docs_update_and_uses_its_report() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    update = (ROOT / "scripts" / "docs_update.py").read_text(encoding="utf-8")
    assert "make docs-update" in text and "\ndocs-update:" in makefile
    assert "schedule:" in text and "workflow_dispatch:" in text
    for name in ("pr-body.md", "summary.txt"):  # what the pull request is made of, written by docs_update.py
        assert f".cache/docs-update/{name}" in text and f'"{name}"' in update
