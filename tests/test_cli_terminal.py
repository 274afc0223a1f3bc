"""What the command line writes to a terminal: text a server sent never reorders, hides or breaks what the
operator reads (bidi controls, zero-width and other invisible format characters, line and paragraph
separators are escaped as C0/C1 controls are, in --json output too, which still parses to exactly what
was sent); and the shell completion scripts it prints complete its own commands."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from freedompay_cards._cli import main
from freedompay_cards._cli._base import terminal_safe
from tests.spec_tools import PATHS

# RLO, LRI, RLI, FSI, PDI, LRM, ALM, ZWSP, ZWNJ, ZWJ, word joiner, BOM, line and paragraph separators, a TAG
SNEAKY = "\u202e\u2066\u2067\u2068\u2069\u200e\u061c\u200b\u200c\u200d\u2060\ufeff\u2028\u2029\U000e0031"


def _run(*argv: str, env: dict[str, str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), environ=env, stdin=io.StringIO(), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("as_json", [False, True])
def test_invisible_and_reordering_characters_from_the_server_are_escaped(as_json: bool) -> None:
    from tests.hostile import Answer, HostileServer

    description = f"card 4000{SNEAKY}1234 refused"
    body = json.dumps(
        {"status": "error", "request_status": "error", "error_code": "X", "error_description": description},
        ensure_ascii=False,
    )
    with HostileServer() as hostile:
        hostile.script(PATHS["cards.info"], Answer(body.encode()))
        env = {"FREEDOMPAY_AUTH_ID": "a", "FREEDOMPAY_SECRET_KEY": "b", "FREEDOMPAY_BASE_URL": hostile.url}
        code, out, err = _run("cards", "info", "1", *(["--json"] if as_json else []), env=env)

    assert code == 1
    assert [ch for ch in out + err if ch in SNEAKY] == []
    assert "\\u202e\\u2066" in err and "\\udb40\\udc31" in err  # each shown as its escape
    if as_json:
        assert json.loads(out)["error"]["message"].endswith(description)  # the JSON still says what was sent


def test_ordinary_text_is_left_as_it_is() -> None:
    text = "Sadykova Айда 李 café\ttab\nnew line 😀 ١٢٣ עברית"

    assert terminal_safe(text) == text
    assert terminal_safe("\x1b[31m\x9b\u2028") == "\\u001b[31m\\u009b\\u2028"


def _bash_complete(script: str, line: str) -> list[str]:
    words = line.split(" ")
    program = (
        script
        + f"\nCOMP_WORDS=({' '.join(repr(w) for w in words)})\nCOMP_CWORD={len(words) - 1}\n"
        + "_freedompay_cards\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    done = subprocess.run(["bash", "--norc", "--noprofile"], input=program, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def _script(shell: str) -> str:
    out = io.StringIO()
    assert main(["completion", shell], environ={}, stdout=out, stderr=io.StringIO()) == 0
    return out.getvalue()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize(
    ("line", "expected"),
    [("freedompay-cards ", {"cards", "transactions", "limits", "simulate", "completion", "--json"}),
     ("freedompay-cards ca", {"cards"}),
     ("freedompay-cards cards ", {"issue", "activate", "block", "info", "--base-url"}),
     ("freedompay-cards --json cards bl", {"block"}),
     ("freedompay-cards limits set ", {"card", "account", "client", "--limit", "--request-id"}),
     ("freedompay-cards cards info 1 --environment ", {"test", "production"}),
     ("freedompay-cards completion ", {"bash", "zsh"})],
)  # fmt: skip
def test_bash_completion_offers_the_commands_options_and_choices_at_each_level(line: str, expected: set[str]) -> None:
    offered = set(_bash_complete(_script("bash"), line))

    assert expected <= offered, offered
    if not line.endswith(" "):
        assert offered == expected


def test_the_completion_scripts_follow_the_command_tree() -> None:
    bash, zsh = _script("bash"), _script("zsh")
    levels = [line for line in bash.splitlines() if line.strip().startswith('"cards ')]

    assert "complete -F _freedompay_cards freedompay-cards" in bash and "compdef _freedompay_cards" in zsh
    assert {level.split(")")[0].strip() for level in levels} >= {'"cards issue"', '"cards block"'}
    shared = [script.split("_freedompay_cards() {")[0].split("\n", 1)[1] for script in (bash, zsh)]
    assert shared[0] == shared[1]  # one table, for both shells


@pytest.mark.skipif(shutil.which("zsh") is None, reason="needs zsh")
@pytest.mark.parametrize(
    ("line", "expected"),
    [("freedompay-cards cards ", {"issue", "activate", "block", "--json"}),
     ("freedompay-cards --json limits set ", {"card", "account", "client", "--limit"}),
     ("freedompay-cards cards info 1 --environment ", {"test", "production"})],
)  # fmt: skip
def test_zsh_completion_offers_the_same(tmp_path: Path, line: str, expected: set[str]) -> None:
    path = tmp_path / "_freedompay_cards"
    path.write_text(_script("zsh"), encoding="utf-8")
    words = line.split(" ")
    program = (
        'compdef() { :; }\ncompadd() { shift; print -l -- "$@"; }\n'  # what compinit would provide
        f"source {str(path)!r}\nwords=({' '.join(repr(w) for w in words)})\nCURRENT={len(words)}\n_freedompay_cards\n"
    )
    done = subprocess.run(["zsh", "-f"], input=program, capture_output=True, text=True, timeout=30)

    assert done.returncode == 0, done.stderr
    assert expected <= set(done.stdout.split()), done.stdout


def test_completion_imports_nothing_heavy() -> None:
    import sys

    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "freedompay_cards", "completion", "bash"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert done.returncode == 0 and "complete -F" in done.stdout
    assert "freedompay_cards._cli" in modules and not {"httpx", "attrs"} & modules
