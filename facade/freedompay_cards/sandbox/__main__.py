"""Serve a sandbox until Ctrl-C: ``python -m freedompay_cards.sandbox --host 127.0.0.1 --port 8080``."""

from __future__ import annotations

import argparse
import sys

from ._app import Sandbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m freedompay_cards.sandbox", description="Serve an in-memory Freedom Pay Card API sandbox."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 = any free port)")
    parser.add_argument("--auth-id", default="sandbox", help="auth_id accepted (default: sandbox)")
    parser.add_argument("--secret-key", default="sandbox-secret", help="secret key accepted (default: sandbox-secret)")
    parser.add_argument("--process-polls", type=int, default=1, help="Request status polls before success")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random test data")
    parser.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host")
    args = parser.parse_args(argv)
    sandbox = Sandbox(args.auth_id, args.secret_key, process_polls=args.process_polls, seed=args.seed)
    try:
        server = sandbox.serve(args.host, args.port, allow_remote=args.allow_remote)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Freedom Pay Card API sandbox on {server.url}", flush=True)
    print(f"  auth_id:    {sandbox.auth_id}", flush=True)
    print(f"  secret_key: {sandbox.secret_key}", flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        print("stopping", flush=True)
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
