"""The served sandbox against clients that misbehave: they leave early, fall silent, send a signature or a
Content-Length meant to break it, or flood it with junk (issue 20, items 9, 16 and 17).

Every test talks to 127.0.0.1 only, opens a bounded number of connections, and bounds each wait (socket
timeouts, ``subprocess`` timeouts), so a hang shows as a failure, not as a stuck run.
"""

from __future__ import annotations

import base64
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

import freedompay_cards as fp
from freedompay_cards.sandbox import Sandbox, SandboxServer
from freedompay_cards.sandbox._server import MAX_BODY_BYTES
from tests.processes import interruptible

WAIT = 5.0  # the longest any socket read here may block


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture
def server(sandbox: Sandbox) -> Iterator[SandboxServer]:
    with sandbox.serve(connection_timeout=0.3) as running:
        yield running


def connect(server: SandboxServer) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT)
    sock.settimeout(WAIT)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (socket.timeout if it never does)."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def abort(sock: socket.socket) -> None:
    """Close with a reset (SO_LINGER 0), as a client killed mid-request does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()


def half_sent_request(port: int) -> bytes:
    """A request announcing a 1000-byte body, of which only a few bytes come."""
    return (
        f"POST /v5/card-api/card/info HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        'Content-Length: 1000\r\n\r\n{"card_id":'
    ).encode("ascii")


# ------------------------------------------------------------------------------------------ item 9


def test_a_silent_client_is_disconnected_after_the_connection_timeout(server: SandboxServer) -> None:
    idle = [connect(server) for _ in range(20)]
    slow = connect(server)
    slow.sendall(b"POST /v5/card-api/card/info HTTP/1.1\r\nHost: x\r\n")  # and then nothing more
    try:
        # the server closes them all (recv returns b""); before, each held a thread until the client left
        assert [read_all(sock) for sock in idle] == [b""] * len(idle)
        assert read_all(slow) == b""
    finally:
        for sock in [*idle, slow]:
            sock.close()


def test_a_client_leaving_mid_request_gets_one_debug_line_and_no_answer(
    server: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="freedompay_cards.sandbox")
    sock = connect(server)
    sock.sendall(half_sent_request(server.port))
    abort(sock)
    with connect(server) as after:  # the server still answers
        after.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert read_all(after).startswith(b"HTTP/1.1 404")
    deadline = time.monotonic() + WAIT  # the first connection's thread notices the reset on its own time
    while not (gone := [r for r in caplog.records if "went away" in r.getMessage()]) and time.monotonic() < deadline:
        time.sleep(0.01)

    assert [r.levelno for r in gone] == [logging.DEBUG]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]


def test_sigterm_stops_the_served_sandbox_even_when_nobody_reads_its_stderr() -> None:
    # A harness that reads only the URL line: stderr is a pipe nobody drains. Before, every early
    # disconnect wrote two tracebacks there; after some dozens the pipe was full, handler threads blocked
    # holding logging's lock, and SIGTERM never ended the process.
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = interruptible(
        [sys.executable, "-m", "freedompay_cards.sandbox", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().rsplit(":", 1)[1])
        for _ in range(300):  # some 300 KB of tracebacks before: several times a pipe's 64 KiB
            sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
            sock.sendall(half_sent_request(port))
            abort(sock)
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as alive:
            alive.settimeout(WAIT)
            alive.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert read_all(alive).startswith(b"HTTP/1.1 404")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert process.stderr is not None
        assert "Traceback" not in process.stderr.read()
    finally:
        process.kill()
        process.wait()


# ------------------------------------------------------------------------------------------ item 16


def deep_signature(depth: int = 30_000) -> str:
    header = base64.urlsafe_b64encode(b"[" * depth).rstrip(b"=").decode("ascii")
    return f"{header}..c2lnbmF0dXJl"


def test_verify_refuses_a_signature_header_nested_30000_deep() -> None:
    with pytest.raises(fp.SignatureError, match="not base64url JSON"):
        fp.verify(deep_signature(), b"{}", path="/v5/card-api/card/info", secret_key="s")


def test_the_server_refuses_a_deeply_nested_signature_as_an_invalid_signature(server: SandboxServer) -> None:
    body = b'{"request_id":"9b0f6d5e-0d7c-4d38-9a8e-0a3c2b1d4e5f","card_id":"1"}'
    with connect(server) as sock:
        sock.sendall(
            b"POST /v5/card-api/card/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
            + f"X-JWS-Signature: {deep_signature()}\r\nContent-Length: {len(body)}\r\n\r\n".encode("ascii")
            + body
        )
        answer = read_all(sock)

    assert answer.startswith(b"HTTP/1.1 200") and b'"error_code":"INVALID_SIGNATURE"' in answer
    assert b"INTERNAL_ERROR" not in answer


def test_a_huge_content_length_is_refused_with_413_before_the_body_is_read(
    sandbox: Sandbox, server: SandboxServer
) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"POST /v5/card-api/card/info HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000000000\r\n\r\n{"
        )
        answer = read_all(sock)  # answered and closed at once, without waiting for 100 GB

    assert answer.startswith(b"HTTP/1.1 413") and str(MAX_BODY_BYTES).encode() in answer
    assert sandbox.log == ()  # refused before the sandbox saw it


@pytest.mark.parametrize("length", ["-5", "ten", "1e3", "٣"])
def test_an_unreadable_content_length_is_refused_with_400(server: SandboxServer, length: str) -> None:
    with connect(server) as sock:
        sock.sendall(
            f"POST /v5/card-api/card/info HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n{{}}".encode()
        )
        assert read_all(sock).startswith(b"HTTP/1.1 400")


# ------------------------------------------------------------------------------------------ item 17


def test_the_request_log_keeps_the_latest_entries_and_cuts_long_paths() -> None:
    sandbox = Sandbox(log_limit=5)
    with httpx.Client(transport=sandbox.transport(), base_url="https://sandbox.invalid") as http:
        for index in range(20):
            http.post(f"/junk/{index}/" + "x" * 60_000, content=b"{}")

    assert [entry.path.split("/")[2] for entry in sandbox.log] == ["15", "16", "17", "18", "19"]
    assert all(len(entry.path) <= 260 for entry in sandbox.log)


@pytest.mark.parametrize("limit", [0, -1, True, 2.5])
def test_a_log_limit_that_is_not_a_positive_int_is_refused(limit: object) -> None:
    with pytest.raises(ValueError, match="log_limit"):
        Sandbox(log_limit=limit)  # type: ignore[arg-type]
