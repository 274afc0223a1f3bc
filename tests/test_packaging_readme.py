"""The README's runnable blocks and the CHANGELOG, checked in-tree (fast).

A fenced ``python`` block right after ``<!-- readme-test: NAME -->`` must run as pasted. On a ``print(...)``
line, a trailing comment states that line's output: ``<...>`` stands for any one word, and a closing
``(remark)`` is prose, not output. tests/test_packaging.py runs the same blocks again in a clean
virtual environment holding only the built wheel.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
from packaging.version import Version

import freedompay_cards as fp

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CHANGELOG = ROOT / "CHANGELOG.md"

_MARKER = re.compile(r"<!-- readme-test: ([\w-]+) -->\n(```python\n(.*?)```)?", re.S)
_VERSION_HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?$", re.M)


def readme_blocks() -> dict[str, str]:
    """The runnable blocks of the README, by name. A marker not followed by a python fence fails."""
    blocks: dict[str, str] = {}
    for match in _MARKER.finditer(README.read_text(encoding="utf-8")):
        name, code = match.group(1), match.group(3)
        assert code is not None, f"readme-test marker {name!r} is not followed by a ```python block"
        assert name not in blocks, f"two readme-test blocks named {name!r}"
        blocks[name] = code
    return blocks


def expected_output(code: str) -> list[re.Pattern[str]]:
    """One pattern per ``print`` line that carries an output comment, in order."""
    patterns = []
    for line in code.splitlines():
        match = re.match(r"\s*print\(.*\)\s+# (.+)$", line)
        if match is None:
            continue
        text = re.sub(r"\s*\([^)]*\)$", "", match.group(1).strip())
        parts = [r"\S+" if re.fullmatch(r"<[^>]+>", word) else re.escape(word) for word in text.split()]
        patterns.append(re.compile(r"\s+".join(parts)))
    return patterns


def clean_env() -> dict[str, str]:
    """The caller's environment without anything that could point Python or the client elsewhere."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("FREEDOMPAY_", "PYTHON"))}


def run_block(python: str, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-c", code], cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=60, check=False
    )


def check_block_output(done: subprocess.CompletedProcess[str], code: str) -> None:
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    patterns = expected_output(code)
    assert len(lines) == len(patterns), f"printed {lines!r}, the comments promise {len(patterns)} lines"
    for line, pattern in zip(lines, patterns, strict=True):
        assert pattern.fullmatch(line.strip()), f"printed {line!r}, the README says {pattern.pattern!r}"


def test_readme_has_runnable_quickstart_blocks() -> None:
    blocks = readme_blocks()
    assert {"sandbox", "sandbox-http-async"} <= blocks.keys()
    quickstart = README.read_text(encoding="utf-8").split("## Quickstart", 1)[1]
    first_fence = quickstart.index("```")
    assert "readme-test: sandbox -->" in quickstart[:first_fence], "the quickstart must open with the sandbox"


@pytest.mark.parametrize("name", sorted(readme_blocks()))
def test_readme_block_runs_as_pasted(name: str, tmp_path: Path) -> None:
    code = readme_blocks()[name]
    check_block_output(run_block(sys.executable, code, tmp_path), code)


def test_output_comments_are_checked() -> None:
    [pattern] = expected_output("print(a, b)  # <uuid4> success (a remark)\nx = 1  # not a print\n")
    assert pattern.fullmatch("3ecab51a-f295-41f0-97bc-926d3693b58a success")
    assert not pattern.fullmatch("3ecab51a error")


def changelog_versions() -> list[tuple[str, str | None]]:
    """(version, date) of every ``## [...]`` heading of CHANGELOG.md, newest first."""
    text = CHANGELOG.read_text(encoding="utf-8")
    return [(m.group("version"), m.group("date")) for m in _VERSION_HEADING.finditer(text)]


def test_changelog_follows_keep_a_changelog() -> None:
    headings = changelog_versions()
    assert headings[0] == ("Unreleased", None), "an [Unreleased] section stays on top"
    released = headings[1:]
    assert released, "at least one released version"
    assert all(date is not None for _, date in released), "every released version has its date"
    versions = [Version(v) for v, _ in released]
    assert versions == sorted(versions, reverse=True), "newest first"
    assert [d for _, d in released] == sorted((d for _, d in released), reverse=True)


def assert_version_agrees_with_changelog(text: str) -> None:
    """A release is CHANGELOG.md's newest entry; a development version (work collecting under
    [Unreleased]) leads to a version after it."""
    version = Version(text)
    newest = Version(changelog_versions()[1][0])
    if version.is_devrelease or version.is_prerelease:
        assert Version(version.base_version) > newest, f"{version} should lead to a version after {newest}"
    else:
        assert version == newest, f"the version is {version}; CHANGELOG.md's newest entry is {newest}"


def test_version_agrees_with_changelog() -> None:
    assert_version_agrees_with_changelog(fp.__version__)


def test_version_rule_can_fail() -> None:
    newest = changelog_versions()[1][0]
    with pytest.raises(AssertionError):
        assert_version_agrees_with_changelog(newest + ".post1")
    with pytest.raises(AssertionError):
        assert_version_agrees_with_changelog(newest + ".dev0")  # a dev build of a version already released


def test_user_agent_carries_the_version() -> None:
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["User-Agent"])
        return httpx.Response(503)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    client = fp.CardClient(auth_id="ua", secret_key="ua", http_client=http, max_retries=0)
    with http, pytest.raises(fp.FreedomPayError):
        client.requests.status(str(uuid.uuid4()))
    assert sent and f"freedompay-cards/{fp.__version__}" in sent[0]
