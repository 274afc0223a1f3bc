"""Re-record the cassettes of tests/test_cassettes.py.

    python scripts/record.py          # from the sandbox, served on loopback (real HTTP)  = make record
    python scripts/record.py --live   # from the real test environment                    = make record-live
    python scripts/record.py --into /tmp/a --no-check   # somewhere else (to compare two recordings)

Both write the same files (tests/cassettes/test_cassettes/<test>[sync|async].yaml), so live recordings
replace sandbox ones file for file. Secrets are scrubbed before anything is written
(freedompay_cards.cassettes); the suite then checks every cassette for anything signature- or PAN-shaped.
Recording from the sandbox is deterministic: run twice, it writes the same bytes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "tests" / "cassettes" / "test_cassettes"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--live", action="store_true", help="record from the real test environment")
    parser.add_argument("--into", type=Path, help=f"the cassette folder to write (default: {CASSETTES})")
    parser.add_argument("--no-check", action="store_true", help="skip replaying the suite from the new cassettes")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments, e.g. -k gift")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.live:
        missing = [n for n in ("FREEDOMPAY_AUTH_ID", "FREEDOMPAY_SECRET_KEY") if not env.get(n)]
        if missing:
            print(f"record-live needs {' and '.join(missing)} (test-environment credentials); nothing recorded.")
            return 2
        env.setdefault("FREEDOMPAY_BASE_URL", "https://test-api.freedompay.kz")
        env["FREEDOMPAY_RECORD"] = "live"
    else:
        env["FREEDOMPAY_RECORD"] = "sandbox"
    folder = (args.into or CASSETTES).resolve()
    env["FREEDOMPAY_CASSETTE_DIR"] = str(folder)
    if not args.pytest_args and folder.exists():
        shutil.rmtree(folder)  # a full re-record starts clean: no stale interactions survive
    # The tests that check the cassettes skip themselves while recording (FREEDOMPAY_RECORD is set).
    command = [
        sys.executable, "-m", "pytest", "tests/test_cassettes.py", "--record-mode=rewrite", "-p", "no:cacheprovider",
        "-q", *args.pytest_args,
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if done.returncode != 0 or args.no_check:
        return done.returncode
    # Replay from the new cassettes, network blocked (the determinism test records twice more: not here).
    check = [
        sys.executable, "-m", "pytest", "tests/test_cassettes.py", "-q", "-p", "no:cacheprovider",
        "-k", "not recording_twice",
    ]  # fmt: skip
    return subprocess.run(check, cwd=ROOT, env={k: v for k, v in env.items() if k != "FREEDOMPAY_RECORD"}).returncode


if __name__ == "__main__":
    sys.exit(main())
