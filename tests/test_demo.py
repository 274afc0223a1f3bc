"""`make demo` walks a card's whole life against the embedded sandbox and says so."""

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
    for step in ("Issue a card", "Reset the PIN counter", "Clear 1000.00", "Refund 400.00", "Secret data",
                 "Block the closed card ... refused as expected", "Confirm with the SMS code ... ok"):  # fmt: skip
        assert step in out
    assert "ConflictError" in out and "CARD_CLOSED" in out
    assert not [n for n in re.findall(r"\d{13,19}", out) if luhn_valid(n)]  # no PAN anywhere in the log
