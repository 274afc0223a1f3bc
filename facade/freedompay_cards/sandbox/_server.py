"""The loopback HTTP server: a standard-library ``ThreadingHTTPServer`` in a background thread.

A client going away is normal: a disconnect, a reset or a client too slow to send its request
(``connection_timeout`` seconds of silence, 10 by default) ends that connection with one debug line on
the ``freedompay_cards.sandbox`` logger: no answer written to a dead socket, no traceback. Handler
threads are daemons and closing the server does not wait for them, so a stop (SIGTERM) is prompt even
when a handler is stuck. A request whose ``Content-Length`` is over ``MAX_BODY_BYTES`` is answered 413
before its body is read; a malformed one, 400.

Silence is not the only way to hold a thread: a client can send a byte every few seconds, each read
succeeding. So a whole request (request line, headers, body) must arrive within ``request_deadline``
seconds (30) of its first byte: every read waits at most until then, and a late request is answered 408
and closed. At most ``max_connections`` connections (128) are served at once, a thread each; one more is
answered 503 (``Retry-After: 1``) by the accepting thread and closed, without reading it. Headers over
``MAX_HEADER_BYTES`` in all, a line over 64 KiB or more than 100 lines are answered 431.

Faults, as a real server can show them: ``drop_before`` and ``drop_after`` close the connection without
an answer (a server cannot make a client's connect fail once it accepted the connection, so the client
sees a dropped connection either way; only the first leaves the state untouched); ``timeout_after``
holds the connection open for the fault's ``hold`` seconds (cut short when the server closes), then
closes it; ``delay`` answers late; ``http`` and ``garbage`` answer what they say.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import ipaddress
import json
import logging
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Self
from urllib.parse import urlsplit

from .. import _validate as v
from ._app import JSON_HEADERS, Reply
from ._faults import FaultKind

if TYPE_CHECKING:
    from ._app import Sandbox

logger = logging.getLogger("freedompay_cards.sandbox")

# The largest request body the server reads (the sandbox's bound): a client's document is at most 2 MB
# before Base64, so 8 MiB leaves room for any valid request.
MAX_BODY_BYTES = 8 * 1024 * 1024
CONNECTION_TIMEOUT = 10.0  # seconds a connection may stay silent (idle keep-alive, or a slow request)
# The headers' bytes, all lines together: a signed request's are under 2 KiB. The standard library alone
# lets 100 lines of 64 KiB through (6.4 MiB a request).
MAX_HEADER_BYTES = 64 * 1024
REQUEST_DEADLINE = 30.0  # seconds a whole request may take to arrive, from its first byte
# connections served at once, a thread each: twice the 64 concurrent clients `make bench` drives, so
# that a pool replaced at once (64 connections closing, their threads not yet gone, 64 opening) still fits
MAX_CONNECTIONS = 128


def is_loopback(host: str) -> bool:
    """Is ``host`` a loopback name or address (``localhost``, 127.0.0.0/8, ``::1``)?"""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Overdue(OSError):
    """A request still incomplete at its deadline. Not a ``TimeoutError``: the standard library's
    handler would swallow that and close without the 408."""


class _DeadlineReader(io.RawIOBase):
    """The connection's reading side: each read waits at most ``idle`` seconds, and no later than the
    deadline of the request being read (``limit`` seconds after its first byte)."""

    def __init__(self, sock: socket.socket, idle: float, limit: float) -> None:
        self._sock = sock
        self._idle = idle
        self._limit = limit
        self.deadline: float | None = None  # none between requests: only ``idle`` applies

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        wait = self._idle
        if self.deadline is not None:
            wait = min(wait, self.deadline - time.monotonic())
            if wait <= 0:
                raise _Overdue("the request did not arrive within its deadline")
        self._sock.settimeout(wait)
        try:
            count = self._sock.recv_into(buffer)
        except TimeoutError:
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise _Overdue("the request did not arrive within its deadline") from None
            raise
        finally:
            self._sock.settimeout(self._idle)  # writes keep the connection's timeout
        if count and self.deadline is None:
            self.deadline = time.monotonic() + self._limit
        return count


class _HeaderBudget:
    """The reader ``parse_request`` reads the header lines from: past ``budget`` bytes, the
    ``HTTPException`` the standard library answers 431."""

    def __init__(self, file: io.BufferedIOBase, budget: int) -> None:
        self._file = file
        self._left = budget

    def readline(self, size: int = -1) -> bytes:
        line = self._file.readline(size)
        self._left -= len(line)
        if self._left < 0:
            raise http.client.HTTPException(f"the headers are over {MAX_HEADER_BYTES} bytes")
        return line


def _short(text: str, limit: int = 200) -> str:
    """A client-sent string (a path) cut to a loggable length."""
    return text if len(text) <= limit else text[:limit] + "..."


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real API behind a proxy
    # headers and body go out as separate small writes: without TCP_NODELAY each answer waits for the
    # client's delayed ACK (about 40 ms on Linux)
    disable_nagle_algorithm = True
    server_version = "freedompay-cards-sandbox"
    sandbox: Sandbox
    closing: threading.Event
    connection_timeout: float  # also the standard library's ``timeout``, set on the socket in setup()
    request_deadline: float

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # the standard library's reader; it holds a reference to the socket
        self.reader = _DeadlineReader(self.connection, self.connection_timeout, self.request_deadline)
        self.rfile = io.BufferedReader(self.reader)

    def handle_one_request(self) -> None:
        # an answer before the request line is read (408) needs these; parsing it sets them
        self.requestline, self.command, self.path, self.request_version = "", "", "", self.protocol_version
        try:
            super().handle_one_request()
        except _Overdue as exc:
            logger.debug("%s too slow: %s", self.address_string(), exc)
            with contextlib.suppress(OSError):
                self._refuse(408, f"the request did not arrive within {self.request_deadline:g} seconds")
        finally:
            self.reader.deadline = None  # the next request's starts at its first byte

    def parse_request(self) -> bool:
        rfile = self.rfile
        self.rfile = _HeaderBudget(rfile, MAX_HEADER_BYTES)  # type: ignore[assignment]
        try:
            return super().parse_request()
        finally:
            self.rfile = rfile

    def log_message(self, format: str, *args: object) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s %s", self.address_string(), _short(format % args))

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status_code)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def _drop(self) -> None:
        """Close the connection without a word."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _handle(self) -> None:
        try:
            self._serve()
        except _Overdue:
            raise  # answered 408 by handle_one_request
        except OSError as exc:  # the client went away (reset, broken pipe) or fell silent (timeout)
            self._gone(exc)
        except Exception:  # a sandbox bug: answer 500 rather than drop the connection silently
            logger.exception("sandbox failed on %s %s", self.command, _short(self.path))
            body = b'{"status":"error","request_status":"error","error_code":"INTERNAL_ERROR"}'
            try:
                self._send(Reply(500, body))
            except OSError as exc:
                self._gone(exc)

    def _gone(self, exc: OSError) -> None:
        """A client that left, or was too slow: one debug line, and the connection is closed."""
        self.close_connection = True
        logger.debug(
            "%s went away during %s %s: %s", self.address_string(), self.command or "-", _short(self.path), exc
        )

    def _refuse(self, status: int, description: str) -> None:
        """Answer ``status`` without reading the body, and close the connection (its rest is unread)."""
        self.close_connection = True
        body = json.dumps({"status": "error", "request_status": "error", "error_description": description})
        self._send(Reply(status, body.encode("ascii"), {**JSON_HEADERS, "Connection": "close"}))

    def _serve(self) -> None:
        declared = self.headers.get("Content-Length") or "0"
        if not declared.isascii() or not declared.strip().isdigit():
            self._refuse(400, "Content-Length is not a number of bytes")
            return
        length = int(declared)
        if length > MAX_BODY_BYTES:
            self._refuse(413, f"the body is over the sandbox's limit of {MAX_BODY_BYTES} bytes")
            return
        body = self.rfile.read(length) if length > 0 else b""
        path = urlsplit(self.path).path
        admission = self.sandbox.admit(self.command, path, dict(self.headers.items()), body)
        fault = admission.fault
        if fault is None:
            self._send(self.sandbox.process(admission))
            return
        kind = fault.kind
        if kind == FaultKind.DROP_BEFORE:
            self._drop()
        elif kind == FaultKind.HTTP:
            self._send(self.sandbox.fault_reply(admission))
        elif kind == FaultKind.DELAY:
            self.closing.wait(fault.seconds)
            self._send(self.sandbox.process(admission))
        else:
            self.sandbox.process(admission)
            if kind == FaultKind.GARBAGE:
                self._send(self.sandbox.fault_reply(admission))
                return
            if kind == FaultKind.TIMEOUT_AFTER:
                self.closing.wait(fault.seconds)
            self._drop()

    do_POST = _handle
    do_GET = _handle
    do_PUT = _handle
    do_PATCH = _handle
    do_DELETE = _handle


class _Server(ThreadingHTTPServer):
    # the standard library listens with a backlog of 5: many concurrent clients would see resets
    request_queue_size = 256
    # A handler stuck on a slow client (or a blocked stderr) must not keep the server, or the process
    # at exit, from stopping: daemon threads, and server_close() joins none of them.
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], max_connections: int) -> None:
        self.max_connections = max_connections
        self._slots = threading.BoundedSemaphore(max_connections)
        self._busy = _busy_reply(max_connections)
        super().__init__(address, handler)

    def process_request(self, request: socket.socket, client_address: tuple[str, int]) -> None:  # type: ignore[override]
        """A thread for the connection if one of the ``max_connections`` places is free, else 503."""
        if not self._slots.acquire(blocking=False):
            self._turn_away(request, client_address)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:  # no thread started: the place is free again
            self._slots.release()
            raise

    def process_request_thread(self, request: socket.socket, client_address: tuple[str, int]) -> None:  # type: ignore[override]
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _turn_away(self, request: socket.socket, client_address: tuple[str, int]) -> None:
        """Answer 503 from the accepting thread, which must never wait: no read of the request, and a
        write that cannot block (a fresh connection's send buffer is empty)."""
        logger.debug("%s turned away: %s connections already served", client_address, self.max_connections)
        with contextlib.suppress(OSError):
            request.setblocking(False)
            request.send(self._busy)
            # what the client already sent, read without waiting (and a bounded amount): closing over
            # unread bytes would reset the connection, and the client could lose the 503
            with contextlib.suppress(OSError):
                for _ in range(16):
                    if not request.recv(65536):
                        break
        self.shutdown_request(request)

    def handle_error(self, request: object, client_address: object) -> None:
        """socketserver prints a traceback to stderr for any error escaping a handler; a client going
        away is normal (one debug line), anything else is logged once on the sandbox's logger."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            logger.debug("%s went away: %s", client_address, exc)
        else:
            logger.error("sandbox connection from %s failed", client_address, exc_info=True)


def _busy_reply(max_connections: int) -> bytes:
    body = json.dumps(
        {
            "status": "error",
            "request_status": "error",
            "error_description": f"the sandbox is serving its limit of {max_connections} connections",
        }
    ).encode("ascii")
    headers = {**JSON_HEADERS, "Retry-After": "1", "Connection": "close", "Content-Length": str(len(body))}
    head = "HTTP/1.1 503 Service Unavailable\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return head.encode("ascii") + b"\r\n" + body


class _IPv6Server(_Server):
    address_family = socket.AF_INET6


class SandboxServer:
    """A ``Sandbox`` served over HTTP in a background thread; ``url`` is its base URL.

    with sandbox.serve() as server:
        client = fp.CardClient(auth_id=sandbox.auth_id, secret_key=sandbox.secret_key, base_url=server.url)
    """

    def __init__(
        self,
        sandbox: Sandbox,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        allow_remote: bool = False,
        connection_timeout: float = CONNECTION_TIMEOUT,
        request_deadline: float = REQUEST_DEADLINE,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        if not allow_remote and not is_loopback(host):
            raise ValueError(f"refusing to serve the sandbox on {host!r}: not a loopback address (allow_remote=True)")
        connection_timeout = v.seconds("connection_timeout", connection_timeout)
        request_deadline = v.seconds("request_deadline", request_deadline)
        if isinstance(max_connections, bool) or not isinstance(max_connections, int):
            raise TypeError("max_connections must be an int")
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.sandbox = sandbox
        self._closing = threading.Event()
        attributes = {
            "sandbox": sandbox,
            "closing": self._closing,
            "timeout": connection_timeout,
            "connection_timeout": connection_timeout,
            "request_deadline": request_deadline,
        }
        handler = type("SandboxHandler", (_Handler,), attributes)
        server_class = _IPv6Server if ":" in host else _Server
        self._httpd = server_class((host.strip("[]"), port), handler, max_connections)
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="freedompay-sandbox", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host = f"[{self.host.strip('[]')}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def __repr__(self) -> str:
        return f"SandboxServer(url={self.url!r})"

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server is closed, or ``timeout`` seconds; return whether it still serves
        (``python -m freedompay_cards.sandbox`` uses it)."""
        if timeout is not None:
            self._thread.join(timeout)
            return self._thread.is_alive()
        while self._thread.is_alive():
            self._thread.join(0.5)
        return False

    def close(self) -> None:
        """Stop serving and release the port; connections held by faults are let go."""
        if self._closing.is_set():
            return
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
