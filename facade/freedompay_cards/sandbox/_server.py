"""The loopback HTTP server: a standard-library ``ThreadingHTTPServer`` in a background thread.

A client going away is normal: a disconnect, a reset or a client too slow to send its request
(``connection_timeout`` seconds of silence, 10 by default) ends that connection with one debug line on
the ``freedompay_cards.sandbox`` logger: no answer written to a dead socket, no traceback. Handler
threads are daemons and closing the server does not wait for them, so a stop (SIGTERM) is prompt even
when a handler is stuck. A request whose ``Content-Length`` is over ``MAX_BODY_BYTES`` is answered 413
before its body is read; a malformed one, 400.

Faults, as a real server can show them: ``drop_before`` and ``drop_after`` close the connection without
an answer (a server cannot make a client's connect fail once it accepted the connection, so the client
sees a dropped connection either way; only the first leaves the state untouched); ``timeout_after``
holds the connection open for the fault's ``hold`` seconds (cut short when the server closes), then
closes it; ``delay`` answers late; ``http`` and ``garbage`` answer what they say.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Self
from urllib.parse import urlsplit

from ._app import JSON_HEADERS, Reply
from ._faults import FaultKind

if TYPE_CHECKING:
    from ._app import Sandbox

logger = logging.getLogger("freedompay_cards.sandbox")

# The largest request body the server reads (the sandbox's bound): a client's document is at most 2 MB
# before Base64, so 8 MiB leaves room for any valid request.
MAX_BODY_BYTES = 8 * 1024 * 1024
CONNECTION_TIMEOUT = 10.0  # seconds a connection may stay silent (idle keep-alive, or a slow request)


def is_loopback(host: str) -> bool:
    """Is ``host`` a loopback name or address (``localhost``, 127.0.0.0/8, ``::1``)?"""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
        logger.debug("%s went away during %s %s: %s", self.address_string(), self.command, _short(self.path), exc)

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

    def handle_error(self, request: object, client_address: object) -> None:
        """socketserver prints a traceback to stderr for any error escaping a handler; a client going
        away is normal (one debug line), anything else is logged once on the sandbox's logger."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            logger.debug("%s went away: %s", client_address, exc)
        else:
            logger.error("sandbox connection from %s failed", client_address, exc_info=True)


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
    ) -> None:
        if not allow_remote and not is_loopback(host):
            raise ValueError(f"refusing to serve the sandbox on {host!r}: not a loopback address (allow_remote=True)")
        if isinstance(connection_timeout, bool) or not isinstance(connection_timeout, int | float):
            raise TypeError("connection_timeout must be a number of seconds")
        if not 0 < connection_timeout < float("inf"):
            raise ValueError("connection_timeout must be a positive, finite number of seconds")
        self.sandbox = sandbox
        self._closing = threading.Event()
        attributes = {"sandbox": sandbox, "closing": self._closing, "timeout": float(connection_timeout)}
        handler = type("SandboxHandler", (_Handler,), attributes)
        server_class = _IPv6Server if ":" in host else _Server
        self._httpd = server_class((host.strip("[]"), port), handler)
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
