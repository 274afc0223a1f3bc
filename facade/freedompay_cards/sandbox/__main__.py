"""Serve a sandbox until Ctrl-C (or SIGTERM): ``python -m freedompay_cards.sandbox --host 127.0.0.1 --port 8080``
(also ``freedompay-cards sandbox``, which takes the same options)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import IO

from .._cli import add_sandbox_arguments
from ._app import Sandbox


def serve(args: argparse.Namespace, out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """Serve a sandbox made from the parsed options until Ctrl-C or SIGTERM (a container's or a job
    runner's stop), then exit 0; 2 if it cannot listen there."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    sandbox = Sandbox(args.auth_id, args.secret_key, process_polls=args.process_polls, seed=args.seed)
    try:
        server = sandbox.serve(args.host, args.port, allow_remote=args.allow_remote)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=err)
        return 2
    print(f"Freedom Pay Card API sandbox on {server.url}", file=out, flush=True)
    print(f"  auth_id:    {sandbox.auth_id}", file=out, flush=True)
    print(f"  secret_key: {sandbox.secret_key}", file=out, flush=True)
    print("Press Ctrl-C to stop. From another shell:", file=out, flush=True)
    print(
        f"  export FREEDOMPAY_BASE_URL={server.url} FREEDOMPAY_AUTH_ID={sandbox.auth_id} "
        f"FREEDOMPAY_SECRET_KEY={sandbox.secret_key}",
        file=out,
        flush=True,
    )
    on_main_thread = threading.current_thread() is threading.main_thread()  # where handlers can be set
    previous = signal.signal(signal.SIGTERM, _interrupt) if on_main_thread else None
    try:
        server.wait()
    except KeyboardInterrupt:
        print("stopping", file=out, flush=True)
    finally:
        if on_main_thread:
            signal.signal(signal.SIGTERM, previous)
        server.close()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m freedompay_cards.sandbox", description="Serve an in-memory Freedom Pay Card API sandbox."
    )
    add_sandbox_arguments(parser)
    return serve(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
