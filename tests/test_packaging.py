"""The install path a new user takes, end to end: build the sdist and the wheel as `make wheel` does,
install the wheel into a clean virtual environment, and use it from there.

Once per session (about 15 s in all): one build, one virtual environment (its ``httpx`` and ``attrs``
come from the package index, as for a user). Then, in that environment, with no source tree and no
PYTHONPATH: both packages import from site-packages and are typed (``py.typed``); the README's runnable
blocks run as pasted; and tests/typing_app/, a user's app, runs and passes ``mypy --strict`` and pyright
in strict mode, both resolving the library from the installed wheel.
"""

from __future__ import annotations

import email.parser
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import freedompay_cards as fp
from tests.test_packaging_readme import (
    ROOT,
    assert_version_agrees_with_changelog,
    check_block_output,
    clean_env,
    readme_blocks,
    run_block,
)

pytestmark = pytest.mark.packaging

TYPING_APP = ROOT / "tests" / "typing_app"
BIN = Path(sys.executable).parent  # the dev environment's tools: build, mypy, pyright


def run(cmd: list[str], cwd: Path, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, cwd=cwd, env={**clean_env(), **env}, capture_output=True, text=True, timeout=timeout, check=False
    )


def checked(cmd: list[str], cwd: Path, timeout: float = 300) -> str:
    done = run(cmd, cwd, timeout)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel, built as `make wheel` builds them."""
    out = tmp_path_factory.mktemp("dist")
    checked([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)], ROOT)
    return out


@pytest.fixture(scope="session")
def wheel(dist: Path) -> Path:
    [built] = dist.glob("freedompay_cards-*.whl")
    return built


@pytest.fixture(scope="session")
def sdist(dist: Path) -> Path:
    [built] = dist.glob("freedompay_cards-*.tar.gz")
    return built


@pytest.fixture(scope="session")
def venv_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a new virtual environment holding only the wheel and what it depends on."""
    venv = tmp_path_factory.mktemp("clean-venv")
    checked([sys.executable, "-m", "venv", str(venv)], venv)
    python = venv / "bin" / "python"
    checked([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)], venv)
    return python


@pytest.fixture(scope="session")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/typing_app copied out of the source tree (so nothing resolves the library through it)."""
    target = tmp_path_factory.mktemp("typing-app") / "app"
    shutil.copytree(TYPING_APP, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_wheel_version_is_the_package_version_and_the_changelogs(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        [metadata] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        headers = email.parser.Parser().parsestr(archive.read(metadata).decode("utf-8"))
    assert headers["Version"] == fp.__version__
    assert wheel.name.startswith(f"freedompay_cards-{fp.__version__}-")
    assert headers["License-Expression"] == "MIT"
    assert "Programming Language :: Python :: 3.13" in headers.get_all("Classifier", [])
    assert all(url.split(", ", 1)[1].startswith("https://") for url in headers.get_all("Project-URL", []))
    assert_version_agrees_with_changelog(headers["Version"])


def test_wheel_ships_both_packages_typed_and_the_license(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"freedompay_cards/py.typed", "freedompay_card_api/py.typed", "freedompay_cards/_version.py"} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not [n for n in names if n.startswith(("tests/", "scripts/", "facade/", "generated/"))]


def test_sdist_ships_license_changelog_and_what_rebuilds_and_tests(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    for needed in ("LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml", "Makefile", "mkdocs.yml",
                   "openapi/card-api.yaml", "generated/freedompay_card_api/py.typed", "facade/freedompay_cards/py.typed",
                   "scripts/generate.py", "tests/test_packaging.py", "tests/typing_app/app.py", "docs/index.md"):  # fmt: skip
        assert needed in names, f"{needed} is missing from the sdist"
    assert not [n for n in names if "__pycache__" in n or n.startswith((".venv/", "site/", "dist/"))]


def test_installed_wheel_imports_from_site_packages_typed(venv_python: Path, tmp_path: Path) -> None:
    probe = (
        "import json, pathlib, freedompay_cards, freedompay_card_api\n"
        "pkgs = [pathlib.Path(m.__file__).parent for m in (freedompay_cards, freedompay_card_api)]\n"
        "print(json.dumps({'version': freedompay_cards.__version__, 'dirs': [str(p) for p in pkgs],\n"
        "                  'typed': [(p / 'py.typed').is_file() for p in pkgs]}))\n"
    )
    found = json.loads(checked([str(venv_python), "-c", probe], tmp_path))
    assert found["version"] == fp.__version__
    assert all("site-packages" in d and not d.startswith(str(ROOT)) for d in found["dirs"]), found["dirs"]
    assert found["typed"] == [True, True]


@pytest.mark.parametrize("name", sorted(readme_blocks()))
def test_readme_block_runs_against_the_installed_wheel(name: str, venv_python: Path, tmp_path: Path) -> None:
    code = readme_blocks()[name]
    check_block_output(run_block(str(venv_python), code, tmp_path), code)


def test_typing_app_runs_against_the_installed_wheel(venv_python: Path, app_dir: Path) -> None:
    assert checked([str(venv_python), "app.py"], app_dir, timeout=120).strip().endswith("typing app: ok")


def test_typing_app_passes_mypy_strict_against_the_installed_wheel(venv_python: Path, app_dir: Path) -> None:
    done = run(
        [str(BIN / "mypy"), "--strict", "--python-executable", str(venv_python), "--python-version", "3.11",
         "--cache-dir", str(app_dir / ".mypy_cache"), "--config-file", os.devnull, "app.py"],
        app_dir,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "import-untyped" not in done.stdout and "note:" not in done.stdout
    assert done.stdout.startswith("Success: no issues found")


def test_typing_app_passes_pyright_strict_against_the_installed_wheel(venv_python: Path, app_dir: Path) -> None:
    config = json.loads((app_dir / "pyrightconfig.json").read_text(encoding="utf-8"))
    assert config["typeCheckingMode"] == "strict"
    # PYRIGHT_PYTHON_IGNORE_WARNINGS: the wrapper would otherwise ask the package index for a newer pyright
    cmd = [str(BIN / "pyright"), "--pythonpath", str(venv_python), "--outputjson", "app.py"]
    done = run(cmd, app_dir, PYRIGHT_PYTHON_IGNORE_WARNINGS="1")
    report = json.loads(done.stdout)
    problems = [
        f"{d['range']['start']['line'] + 1}: {d['message']} ({d.get('rule')})" for d in report["generalDiagnostics"]
    ]
    assert problems == [], "\n".join(problems)
    assert report["summary"]["filesAnalyzed"] == 1
    assert done.returncode == 0
