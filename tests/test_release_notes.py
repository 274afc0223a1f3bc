"""The CHANGELOG's [Unreleased] draft comes from the spec change, in the names users call, and a spec that
moved since the last release with nothing said in [Unreleased] fails here (scripts/release_notes.py)."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

sys.path.insert(0, str(ROOT / "scripts"))
import _spec  # noqa: E402
import release_notes  # noqa: E402
from generate import spec_hash  # noqa: E402

CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_changelog_records_the_spec_change_since_the_last_release() -> None:
    problem = release_notes.check(CHANGELOG, spec_hash(_spec.load()))
    assert problem is None, problem


def test_a_spec_change_with_an_empty_unreleased_section_is_refused() -> None:
    text = (
        "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-01-01\n\n<!-- spec sha256:00aa commit abcdef1 -->\n\n- x\n"
    )
    assert "differs from release 0.1.0" in (release_notes.check(text, "sha256:11bb") or "")
    assert release_notes.check(text, "sha256:00aa") is None  # the same spec: nothing to say
    filled = text.replace("## [Unreleased]\n", "## [Unreleased]\n\n- `cards.close`: something\n")
    assert release_notes.check(filled, "sha256:11bb") is None
    assert "carries no" in (
        release_notes.check(text.replace("<!-- spec sha256:00aa commit abcdef1 -->", ""), "x") or ""
    )


def _operation(spec: dict[str, Any], facade: str) -> dict[str, Any]:
    return next(op for _m, _p, op in _spec.operations(spec) if op.get("x-facade") == facade)


@pytest.fixture
def changed(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The project's spec, and a copy with: a new request field on close (which shares CardActionRequest),
    a new answer field on info, phone retyped string -> integer on clients.create, card_status retyped on info."""
    base = _spec.load()
    head = copy.deepcopy(base)
    schemas = head["components"]["schemas"]
    schemas["CloseCardRequest"] = copy.deepcopy(schemas["CardActionRequest"])
    schemas["CloseCardRequest"].setdefault("properties", {})["comment"] = {"type": "string", "maxLength": 64}
    _operation(head, "cards.close")["requestBody"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/CloseCardRequest"
    }
    card = schemas["CardInfoResponse"]["allOf"][1]["properties"]
    card["daily_limit"] = {"type": "string", "description": "today's limit"}
    card["card_status"] = {"type": "integer"}
    # clients.create's `client.phone` (the wire type is integer today): string in the base, integer after
    base["components"]["schemas"]["NewClient"]["properties"]["phone"] = {"type": "string"}
    schemas["NewClient"]["properties"]["phone"] = {"type": "integer"}
    paths = []
    for name, spec in (("base.yaml", base), ("head.yaml", head)):
        paths.append(tmp_path / name)
        paths[-1].write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    log = tmp_path / "CHANGELOG.md"
    log.write_text(CHANGELOG, encoding="utf-8")
    return paths[0], paths[1], log


def _draft(base: Path, head: Path, log: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "scripts/release_notes.py", "--base-file", str(base), "--spec", str(head)]
    return subprocess.run(
        [*command, "--changelog", str(log), *extra], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_the_draft_names_what_users_call_and_judges_breaking_on_the_facade(changed: tuple[Path, Path, Path]) -> None:
    done = _draft(*changed)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()

    def line(fragment: str) -> str:
        found = [entry for entry in lines if fragment in entry]
        assert found, f"{fragment!r} not in the draft:\n{done.stdout}"
        return found[0]

    # a request field the facade has no argument for: named by method, reachable with extra_body=
    assert "extra_body=" in line("`cards.close`, request field `comment`")
    assert "Breaking" not in line("`cards.close`, request field `comment`")
    # an answer field the result does not map: said to be in `extra`
    assert "in the result's `extra`" in line("answer field `daily_limit`")
    # a retype the facade's argument already takes (phone: str | int) is not breaking for users
    retyped = line("`clients.create(phone=)`: the wire type is now integer")
    assert "Breaking" not in retyped and "already takes it" in retyped
    # a result attribute's type change is: CardInfo.card_status is what users read
    assert line("`CardInfo.card_status`").startswith("- **Breaking:**")
    assert "next version: 0.2.0" in lines[0]


def test_writing_the_draft_twice_changes_nothing_more(changed: tuple[Path, Path, Path]) -> None:
    base, head, log = changed
    assert _draft(base, head, log, "--write").returncode == 0
    once = log.read_text(encoding="utf-8")
    assert release_notes.BEGIN in once and "`CardInfo.card_status`" in once
    unreleased = once.split("## [Unreleased]", 1)[1].split("\n## [", 1)[0]
    assert release_notes.BEGIN in unreleased  # the draft sits in [Unreleased], not in a release
    assert _draft(base, head, log, "--write").returncode == 0
    assert log.read_text(encoding="utf-8") == once
    # no change left: the drafted block goes, the hand-written entries stay
    assert _draft(base, base, log, "--write").returncode == 0
    after = log.read_text(encoding="utf-8")
    assert release_notes.BEGIN not in after
    assert after == CHANGELOG


@pytest.mark.parametrize(
    ("current", "last", "breaking", "expected"),
    [
        ("0.2.0.dev0", "0.1.0", True, "0.2.0"),
        ("0.2.0.dev0", "0.1.0", False, "0.2.0"),  # never below what _version.py plans
        ("0.1.1.dev0", "0.1.0", False, "0.1.1"),
        ("0.1.1.dev0", "0.1.0", True, "0.2.0"),
        ("1.2.0", "1.2.0", True, "2.0.0"),
    ],
)
def test_the_next_version(current: str, last: str, breaking: bool, expected: str) -> None:
    assert release_notes.next_version(current, last, breaking) == expected
