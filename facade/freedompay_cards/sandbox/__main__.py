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

OTP_POLL_SECONDS = 0.2  # how often the served sandbox looks for gift-card codes to print


def serve(args: argparse.Namespace, out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """Serve a sandbox made from the parsed options until Ctrl-C or SIGTERM (a container's or a job
    runner's stop), then exit 0; 2 if it cannot listen there. With ``args.populate`` N > 0 it starts
    with N clients, each with an active card, and prints their ids; each gift-card code it "sends by
    SMS" is printed as a line (``sms to 77001234567: gift card 500001 code 123456``)."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    sandbox = Sandbox(args.auth_id, args.secret_key, process_polls=args.process_polls, seed=args.seed)
    try:
        seeded = sandbox.populate(args.populate)
        server = sandbox.serve(args.host, args.port, allow_remote=args.allow_remote)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=err)
        return 2
    print(f"Freedom Pay Card API sandbox on {server.url}", file=out, flush=True)
    print(f"  auth_id:    {sandbox.auth_id}", file=out, flush=True)
    print(f"  secret_key: {sandbox.secret_key}", file=out, flush=True)
    for client in seeded:
        print(f"  client {client.client_id}: card {', '.join(client.card_ids)} (active)", file=out, flush=True)
    print("Press Ctrl-C to stop. From another shell:", file=out, flush=True)
    print(
        f"  export FREEDOMPAY_BASE_URL={server.url} FREEDOMPAY_AUTH_ID={sandbox.auth_id} "
        f"FREEDOMPAY_SECRET_KEY={sandbox.secret_key}",
        file=out,
        flush=True,
    )
    on_main_thread = threading.current_thread() is threading.main_thread()  # where handlers can be set
    previous = signal.signal(signal.SIGTERM, _interrupt) if on_main_thread else None
    shown = 0
    try:
        while server.wait(OTP_POLL_SECONDS):
            shown = _show_sent_codes(sandbox, shown, out)
    except KeyboardInterrupt:
        _show_sent_codes(sandbox, shown, out)  # those sent since the last look
        print("stopping", file=out, flush=True)
    finally:
        if on_main_thread:
            signal.signal(signal.SIGTERM, previous)
        server.close()
    return 0


def _show_sent_codes(sandbox: Sandbox, shown: int, out: IO[str]) -> int:
    """Print the codes sent since the ``shown``-th; return the number of the last one printed. Printed by
    the main thread, so a reader that stops reading blocks no request (and Ctrl-C still interrupts)."""
    for sent in sandbox.sent_otps:
        if sent.number > shown:
            print(f"sms to {sent.phone}: gift card {sent.card_id} code {sent.otp}", file=out, flush=True)
            shown = sent.number
    return shown


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
