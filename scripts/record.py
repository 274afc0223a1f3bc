"""Re-record the cassettes of tests/test_cassettes.py.

    python scripts/record.py          # from the sandbox, served on loopback (real HTTP)  = make record
    python scripts/record.py --live   # from the real test environment                    = make record-live

Both write the same files (tests/cassettes/test_cassettes/<test>[sync|async].yaml), so live recordings
replace sandbox ones file for file. Secrets are scrubbed before anything is written
(freedompay_cards.cassettes); the suite then checks every cassette for anything signature- or PAN-shaped.
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
    if not args.pytest_args and CASSETTES.exists():
        shutil.rmtree(CASSETTES)  # a full re-record starts clean: no stale interactions survive
    command = [
        sys.executable, "-m", "pytest", "tests/test_cassettes.py", "--record-mode=rewrite", "-p", "no:cacheprovider",
        "-q", "-k", "not every_path and not hold_no_secret and not polled_process", *args.pytest_args,
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        return done.returncode
    check = [sys.executable, "-m", "pytest", "tests/test_cassettes.py", "-q", "-p", "no:cacheprovider"]
    return subprocess.run(check, cwd=ROOT, env={k: v for k, v in env.items() if k != "FREEDOMPAY_RECORD"}).returncode


if __name__ == "__main__":
    sys.exit(main())
