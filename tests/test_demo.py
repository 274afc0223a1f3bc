"""`make demo` walks a card's whole life against the embedded sandbox, each step a sentence with its values."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from freedompay_cards._redact import luhn_valid

DEMO = Path(__file__).resolve().parent.parent / "scripts" / "demo.py"


def test_demo_walks_every_step_against_the_sandbox() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FREEDOMPAY_")}
    done = subprocess.run([sys.executable, str(DEMO)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "embedded sandbox" in out and "steps behaved" in out
    card = re.search(r"^ 2\. card (\d+) issued to Aida Sadykova", out, re.M)
    assert card is not None, out
    card_id = card.group(1)
    for said in (f"card {card_id}: 3 wrong PINs → counter reset (now 0)", "1000.00 of 1500.00 KZT cleared",
                 "400.00 KZT refunded", f"card {card_id} secret data, shown masked: PAN 4000********",
                 f"Block the closed card {card_id}: refused as expected (ConflictError CARD_CLOSED: ",
                 "confirmed with the SMS code → activated"):  # fmt: skip
        assert said in out, said
    steps = [line for line in out.splitlines() if re.match(r"^\s?\d+\. ", line)]
    assert len(steps) >= 30 and not [s for s in steps if re.search(r"\w+\(\w+=|\.\.\.$|<\w+ object", s)]  # no repr
    assert not [n for n in re.findall(r"\d{13,19}", out) if luhn_valid(n)]  # no PAN anywhere in the log


def test_make_demo_says_what_it_installs_before_each_silent_step(tmp_path: Path) -> None:
    root = DEMO.parent.parent
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "-C", str(root), f"VENV={tmp_path / 'venv'}", "demo"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    pips = [i for i, line in enumerate(lines) if "pip install" in line]

    assert done.returncode == 0 and len(pips) == 2, done.stdout + done.stderr
    said = [line for line in lines if line.startswith("echo")]
    assert any("about 40 s" in line for line in said) and any("demo" in line for line in said)
    for i in [pips[0], pips[1], lines.index(next(line for line in lines if "-m venv" in line))]:
        assert any(line.startswith("echo") for line in lines[max(0, i - 1) : i + 1]), lines[i]  # said just before
