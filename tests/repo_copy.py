"""A temporary copy of the repository for tests that change the spec and regenerate, as a maintainer would
on a branch (tests/test_regeneration.py, tests/test_new_operation.py).

Commands run in the copy with its ``generated/`` and ``facade/`` first on PYTHONPATH (ahead of the editable
install) and the copy as working directory, each bounded in time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("openapi", "generated", "facade", "scripts", "tests", "pyproject.toml", "README.md")
TIMEOUT = 180  # seconds for any one command: a hung child fails its test instead of hanging the suite


@dataclass
class Run:
    code: int
    output: str
    failures: dict[str, str]  # node id -> failure text, for pytest runs

    def failure(self, node: str) -> str:
        assert node in self.failures, f"{node} did not fail; failures: {sorted(self.failures)}\n{self.output[-3000:]}"
        return self.failures[node]


class Branch:
    """A copy of the repository, changed as a maintainer would on a branch."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.spec_path = root / "openapi" / "card-api.yaml"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FREEDOMPAY_", "PYTEST_", "COV_"))}
        env["PYTHONPATH"] = os.pathsep.join(str(self.root / p) for p in ("generated", "facade", "."))
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        return env

    def run(self, *args: str) -> Run:
        done = subprocess.run(
            [sys.executable, *args], cwd=self.root, env=self.env(), capture_output=True, text=True, timeout=TIMEOUT
        )
        return Run(done.returncode, done.stdout + done.stderr, {})

    def edit_spec(self, edit: Callable[[dict[str, Any]], None]) -> None:
        spec = yaml.safe_load(self.spec_path.read_text(encoding="utf-8"))
        edit(spec)
        self.spec_path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")

    def generate(self) -> None:
        done = self.run("scripts/generate.py")
        assert done.code == 0, done.output

    def pytest(self, *targets: str) -> Run:
        report = self.root / "pytest-report.xml"
        done = self.run("-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *targets)
        failures = {}
        for case in ET.parse(report).getroot().iter("testcase"):
            problem = case.find("failure")
            if problem is None:
                problem = case.find("error")
            if problem is not None:
                node = case.get("classname", "").replace(".", "/") + ".py::" + case.get("name", "")
                failures[node] = (problem.get("message") or "") + "\n" + (problem.text or "")
        return Run(done.code, done.output, failures)


def copy_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of what ``make generate`` and the tests need; branches are clones of it."""
    root = tmp_path_factory.mktemp("repo") / "pristine"
    root.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", ".mypy_cache", ".pytest_cache", ".hypothesis")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            shutil.copy2(source, root / name)
    return root


def clone(pristine: Path, name: str) -> Branch:
    target = pristine.parent / name
    shutil.copytree(pristine, target)
    return Branch(target)


def schemas(spec: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"]
    return found
