"""A loopback HTTP server that misbehaves on purpose, for the robustness suite (tests/test_hostile_network.py).

    with HostileServer() as server:
        server.script("/v5/card-api/card/info", Drip(headers=OK_HEADERS, every=0.2))
        client = fp.CardClient("1", "s", base_url=server.url)

It speaks just enough HTTP/1.1 (raw sockets, one thread per connection) to misbehave precisely: drip a
body or headers a byte at a time, declare or stream more than a limit, never end a chunked body, redirect,
answer any status with any body. It listens on 127.0.0.1 only, every behaviour stops by itself within
``max_seconds`` (or when the server closes), and it counts how often each path arrived (``arrivals``), so
a test can assert that a mutating operation reached the "API" exactly once.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

DT = "2025-01-01T00:01:01+00:30"


def envelope(**fields: Any) -> bytes:
    return json.dumps({"status": "ok", "request_status": "success", "dt": DT, **fields}).encode()


class Behaviour:
    """What the server does with one request on ``path``: write to ``conn`` (the request already read)."""

    def run(self, server: HostileServer, conn: socket.socket, request: bytes) -> None:
        raise NotImplementedError


def _head(status: int = 200, headers: dict[str, str] | None = None, reason: str = "X") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Answer(Behaviour):
    """A whole answer at once: ``status``, ``body``, extra ``headers`` (Content-Length set unless given)."""

    def __init__(self, body: bytes = b"", status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.body, self.status, self.headers = body, status, dict(headers or {})

    def run(self, server: HostileServer, conn: socket.socket, request: bytes) -> None:
        headers = {"Content-Type": "application/json", "Content-Length": str(len(self.body)), **self.headers}
        conn.sendall(_head(self.status, headers) + self.body)


class Drip(Behaviour):
    """Headers promptly (with a Content-Length it never reaches), then one byte every ``every`` seconds."""

    def __init__(self, every: float = 0.2) -> None:
        self.every = every

    def run(self, server: HostileServer, conn: socket.socket, request: bytes) -> None:
        conn.sendall(_head(200, {"Content-Type": "application/json", "Content-Length": "100000"}))
        server.drip(conn, b" " * 100_000, self.every)


class SlowHeaders(Behaviour):
    """The status line and headers one byte every ``every`` seconds, never finishing them."""

    def __init__(self, every: float = 0.2) -> None:
        self.every = every

    def run(self, server: HostileServer, conn: socket.socket, request: bytes) -> None:
        server.drip(conn, b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100_000, self.every)


class ChunkedForever(Behaviour):
    """A chunked body of small chunks that never ends (``size`` bytes a chunk, every ``every`` seconds)."""

    def __init__(self, size: int = 1024, every: float = 0.0) -> None:
        self.size, self.every = size, every

    def run(self, server: HostileServer, conn: socket.socket, request: bytes) -> None:
        conn.sendall(_head(200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}))
        chunk = f"{self.size:x}\r\n".encode() + b" " * self.size + b"\r\n"
        while server.alive():
            conn.sendall(chunk)
            if self.every:
                time.sleep(self.every)


class Stream(Behaviour):
    """``total`` bytes of body (no Content-Length: the connection closes at the end), or a declared
    Content-Length of ``declared`` with only the first bytes sent."""

    def __init__(self, total: int = 0, declared: int | None = None, status: int = 200) -> None:
        self.total, self.declared, self.status = total, declared, status

    def run(self, server: HostileServer, conn: socket.socket, request: bytes) -> None:
        headers = {"Content-Type": "application/json"}
        if self.declared is not None:
            headers["Content-Length"] = str(self.declared)
        else:
            headers["Connection"] = "close"
        conn.sendall(_head(self.status, headers))
        block, sent = b"[" + b" " * 65535, 0
        while sent < (self.total or 256 * 1024) and server.alive():
            conn.sendall(block)
            sent += len(block)


class GzipBomb(Behaviour):
    """``decoded`` bytes of zeros, gzipped (about 1 KB on the wire per MB decoded)."""

    def __init__(self, decoded: int) -> None:
        self.body = gzip.compress(b"0" * decoded, compresslevel=9)

    def run(self, server: HostileServer, conn: socket.socket, request: bytes) -> None:
        headers = {
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
            "Content-Length": str(len(self.body)),
        }
        conn.sendall(_head(200, headers) + self.body)


class Hang(Behaviour):
    """Read the request, then say nothing until the server closes (or ``max_seconds``)."""

    def run(self, server: HostileServer, conn: socket.socket, request: bytes) -> None:
        server.wait()


class Drop(Behaviour):
    """Read the request, then close the connection without a word."""

    def run(self, server: HostileServer, conn: socket.socket, request: bytes) -> None:
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_RDWR)


class HostileServer:
    """The misbehaving server (see the module docstring). ``script(path, *behaviours)``: the answers to
    the next requests on ``path``, in order (the last repeats); unscripted paths get a success envelope."""

    def __init__(self, max_seconds: float = 15.0) -> None:
        self.max_seconds = max_seconds
        self.arrivals: Counter[str] = Counter()
        self.bodies: list[tuple[str, bytes]] = []
        self._scripts: dict[str, list[Behaviour]] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._started = time.monotonic()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(512)
        self._sock.settimeout(0.1)
        self.port = self._sock.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._conns: set[socket.socket] = set()
        self._accepting = threading.Thread(target=self._accept, name="hostile-accept", daemon=True)
        self._accepting.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def script(self, path: str, *behaviours: Behaviour) -> None:
        with self._lock:
            self._scripts[path] = list(behaviours)

    def alive(self) -> bool:
        return not self._closing.is_set() and time.monotonic() - self._started < self.max_seconds

    def wait(self) -> None:
        self._closing.wait(max(0.0, self.max_seconds - (time.monotonic() - self._started)))

    def drip(self, conn: socket.socket, data: bytes, every: float) -> None:
        for index in range(len(data)):
            if not self.alive():
                return
            conn.sendall(data[index : index + 1])
            self._closing.wait(every)

    def _accept(self) -> None:
        while self.alive():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            with self._lock:
                self._conns.add(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _read_request(self, conn: socket.socket) -> tuple[str, bytes] | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1]
        length = next(
            (int(v) for k, _, v in (x.partition(": ") for x in lines[1:]) if k.lower() == "content-length"), 0
        )
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            body += chunk
        return path, body

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(self.max_seconds)
        try:
            while self.alive():
                request = self._read_request(conn)
                if request is None:
                    return
                path, body = request
                with self._lock:
                    self.arrivals[path] += 1
                    self.bodies.append((path, body))
                    queue = self._scripts.get(path)
                    behaviour = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else Answer(envelope())
                behaviour.run(self, conn, body)
                if not isinstance(behaviour, Answer):
                    return  # every other behaviour leaves the connection unusable
        except OSError:
            return
        finally:
            with self._lock:
                self._conns.discard(conn)
            with contextlib.suppress(OSError):
                conn.close()

    def close(self) -> None:
        self._closing.set()
        with contextlib.suppress(OSError):
            self._sock.close()
        self._accepting.join(2)
        with self._lock:
            conns = list(self._conns)
        for conn in conns:  # wakes the threads waiting on an idle keep-alive connection at once
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(2)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    """(result or raised exception, seconds taken)."""
    started = time.monotonic()
    try:
        result: Any = call()
    except Exception as exc:
        result = exc
    return result, time.monotonic() - started
