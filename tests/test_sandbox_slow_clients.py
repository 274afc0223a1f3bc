"""The served sandbox against clients that are slow on purpose, or many (issue 20, item 9, the rest).

A per-read timeout does not bound a client that sends one byte now and then: each read succeeds and
the handler thread is held as long as the client likes. So a whole request (request line, headers and
body) must arrive within ``request_deadline`` seconds of its first byte (else 408 and the connection is
closed), and at most ``max_connections`` connections are served at once (the next ones are answered 503
at once), so a crowd of slow clients cannot make an unbounded number of threads.

Every test talks to 127.0.0.1 only, sends a bounded number of bytes and opens a bounded number of
connections, and every read has a timeout: a server that waits forever shows as a failure, not a hang.
"""

from __future__ import annotations

import inspect
import logging
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from freedompay_cards.sandbox import Sandbox, SandboxServer
from freedompay_cards.sandbox._server import CONNECTION_TIMEOUT, MAX_CONNECTIONS, MAX_HEADER_BYTES, REQUEST_DEADLINE

WAIT = 5.0  # the longest any socket read here may block
PAUSE = 0.1  # between two drips: far under the connection timeout, so every single read succeeds
DEADLINE = 1.0  # the request deadline of the server under test
DRIPS = 40  # at most 4 s of dripping: the deadline must end it well before
REQUEST_LINE = b"POST /v5/card-api/card/info HTTP/1.1\r\n"


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture
def server(sandbox: Sandbox) -> Iterator[SandboxServer]:
    with sandbox.serve(connection_timeout=2.0, request_deadline=DEADLINE) as running:
        yield running


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    sock.settimeout(WAIT)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (socket.timeout if it never does)."""
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except ConnectionResetError:  # what came before the reset is the answer
        pass
    return b"".join(chunks)


def read_response(sock: socket.socket) -> bytes:
    """One answer on a kept-alive connection: its head, and as many body bytes as it announces."""
    data = b""
    while b"\r\n\r\n" not in data and (chunk := sock.recv(65536)):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    )
    while len(body) < length and (chunk := sock.recv(65536)):
        body += chunk
    return head + b"\r\n\r\n" + body


def drip(sock: socket.socket, pieces: list[bytes]) -> bytes:
    """Send ``pieces`` one every ``PAUSE`` seconds, stopping as soon as the server says something or
    closes; then everything it sends until it closes."""
    for piece in pieces:
        readable, _, _ = select.select([sock], [], [], PAUSE)
        if readable:
            break
        try:
            sock.sendall(piece)
        except OSError:  # closed on us
            break
    return read_all(sock)


def request(path: str = "/nowhere", connection: str = "keep-alive") -> bytes:
    return f"POST {path} HTTP/1.1\r\nHost: x\r\nConnection: {connection}\r\nContent-Length: 2\r\n\r\n{{}}".encode()


DRIPPED = {
    "the request line, a byte at a time": [REQUEST_LINE[i : i + 1] for i in range(DRIPS)],
    "header lines that never end": [REQUEST_LINE] + [f"X-Pad-{i}: {i}\r\n".encode() for i in range(DRIPS)],
    "a body under the size cap, a byte at a time": [REQUEST_LINE + b"Host: x\r\nContent-Length: 1000\r\n\r\n"]
    + [b" "] * DRIPS,
}


@pytest.mark.parametrize("pieces", DRIPPED.values(), ids=DRIPPED.keys())
def test_a_request_dripped_slower_than_the_deadline_is_answered_408_and_closed(
    sandbox: Sandbox, server: SandboxServer, pieces: list[bytes], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="freedompay_cards.sandbox")
    with connect(server.port) as sock:
        # before: every read succeeded, so the client held the connection for as long as it dripped
        answer = drip(sock, pieces)

    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    assert b"Connection: close" in answer
    assert sandbox.log == ()  # never reached the sandbox
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    with connect(server.port) as after:  # and the server goes on serving
        after.sendall(request(connection="close"))
        assert read_all(after).startswith(b"HTTP/1.1 404")


def test_the_deadline_counts_from_a_request_s_first_byte_not_from_the_idle_time_before_it() -> None:
    with Sandbox().serve(connection_timeout=2.0, request_deadline=0.5) as server, connect(server.port) as sock:
        for _ in range(2):  # the idle wait before the first request and between two on a kept-alive connection
            time.sleep(0.7)
            sock.sendall(request())
            assert read_response(sock).startswith(b"HTTP/1.1 404")


def test_more_than_100_headers_are_refused_with_431(server: SandboxServer) -> None:
    # the standard library's bound: a header count that never ends is cut at 100
    headers = b"".join(f"X-Pad-{i}: {i}\r\n".encode() for i in range(101))
    with connect(server.port) as sock:
        sock.sendall(REQUEST_LINE + headers + b"\r\n")
        assert read_all(sock).startswith(b"HTTP/1.1 431")


def test_headers_over_the_byte_budget_are_refused_with_431_even_in_few_lines(sandbox: Sandbox) -> None:
    # 8 lines of 16 KiB: each under the standard library's line bound, and far under its 100 lines
    headers = b"".join(f"X-Pad-{i}: {'x' * 16384}\r\n".encode() for i in range(MAX_HEADER_BYTES // 16384 * 2))
    with sandbox.serve() as server, connect(server.port) as sock:
        sock.sendall(b"POST /nowhere HTTP/1.1\r\nConnection: close\r\n" + headers + b"Content-Length: 2\r\n\r\n{}")
        answer = read_all(sock)  # before: read whole, and answered 404

    assert answer.startswith(b"HTTP/1.1 431"), answer[:80]
    assert str(MAX_HEADER_BYTES).encode() in answer
    assert sandbox.log == ()


def test_headers_under_the_byte_budget_are_read(server: SandboxServer) -> None:
    headers = f"X-Pad: {'x' * (MAX_HEADER_BYTES - 200)}\r\n".encode()
    with connect(server.port) as sock:
        sock.sendall(b"POST /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers + b"\r\n")
        assert read_all(sock).startswith(b"HTTP/1.1 404")


def test_connections_over_max_connections_are_answered_503_at_once_and_threads_stay_bounded() -> None:
    threads_before = threading.active_count()
    with Sandbox().serve(connection_timeout=30, max_connections=3) as server:
        held = [connect(server.port) for _ in range(3)]
        extra: list[socket.socket] = []
        try:
            for sock in held:  # each is being served (its thread runs), and kept alive
                sock.sendall(request())
                assert sock.recv(65536).startswith(b"HTTP/1.1 404")
            extra = [connect(server.port) for _ in range(30)]
            # before: each of these got a thread of its own and waited, silent, for its request
            answers = [read_all(sock) for sock in extra]
            assert all(answer.startswith(b"HTTP/1.1 503") for answer in answers), answers[0][:80]
            assert b"Retry-After: 1" in answers[0] and b"Connection: close" in answers[0]
            assert threading.active_count() <= threads_before + 1 + 3  # the server's own thread, 3 handlers
        finally:
            for sock in [*held, *extra]:
                sock.close()

        # the held connections are gone: their places are free again (once their threads notice)
        deadline = time.monotonic() + WAIT
        while True:
            with connect(server.port) as sock:
                sock.sendall(request(connection="close"))
                answer = read_all(sock)
            if not answer.startswith(b"HTTP/1.1 503") or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert answer.startswith(b"HTTP/1.1 404")


def test_serve_defaults_are_the_server_s_bounds() -> None:
    parameters = inspect.signature(Sandbox.serve).parameters
    assert parameters["connection_timeout"].default == CONNECTION_TIMEOUT
    assert parameters["request_deadline"].default == REQUEST_DEADLINE
    assert parameters["max_connections"].default == MAX_CONNECTIONS


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        ({"request_deadline": 0}, ValueError),
        ({"request_deadline": float("inf")}, ValueError),
        ({"request_deadline": float("nan")}, ValueError),
        ({"request_deadline": "30"}, TypeError),
        ({"request_deadline": True}, TypeError),
        ({"max_connections": 0}, ValueError),
        ({"max_connections": 2.5}, TypeError),
        ({"max_connections": True}, TypeError),
    ],
)
def test_bounds_that_are_not_positive_numbers_are_refused(settings: dict[str, object], error: type) -> None:
    with pytest.raises(error, match=next(iter(settings))):
        Sandbox().serve(**settings)  # type: ignore[arg-type]


def test_the_sandbox_page_states_the_served_bounds() -> None:
    root = Path(__file__).resolve().parents[1]
    page = " ".join((root / "docs/reference/sandbox.md").read_text(encoding="utf-8").split())
    assert f"`connection_timeout` seconds ({CONNECTION_TIMEOUT:g})" in page
    assert f"`request_deadline` seconds ({REQUEST_DEADLINE:g})" in page
    assert f"`max_connections` connections ({MAX_CONNECTIONS})" in page
    assert f"Headers over {MAX_HEADER_BYTES // 1024} KiB in all" in page
