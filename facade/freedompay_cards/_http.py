"""What one attempt needs below the facade: a body read within a size limit, and a wall-clock bound.

- ``BodyReader`` decodes an answer's raw bytes itself (identity, gzip, deflate: the only encodings the
  library asks for) so that the size limit counts *decoded* bytes and memory never exceeds the limit,
  whatever the server sends (a gzip bomb included). It also enforces the attempt's wall-clock bound
  between chunks, which defeats a server that drips one byte at a time.
- Async attempts are bounded exactly by ``asyncio.timeout``.
- Sync attempts: httpx's timeouts are per read, so a server dripping its headers or body can keep a
  plain sync call busy for ever. For the clients the facade makes itself, the connection pool's network
  backend is wrapped (``bound_sync_client``) so that every connect, read and write gets at most the time
  left of the attempt (set per attempt through a context variable): the bound is exact. For an
  ``httpx.Client`` passed in by the caller (never reconfigured) the bound is enforced between chunks of
  the body and by httpx's per-phase timeouts, set to the attempt's budget.
"""

from __future__ import annotations

import contextvars
import weakref
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from ._core import monotonic

ACCEPT_ENCODING = "gzip, deflate"  # what BodyReader can decode within the limit

# The monotonic time at which the current sync attempt must end (None: unbounded). A context variable, not
# a thread's slot: greenlets sharing a thread (gevent with only sockets patched) each have their own.
_ATTEMPT_ENDS: contextvars.ContextVar[float | None] = contextvars.ContextVar("freedompay_attempt_ends", default=None)

# The context variable holding the HTTP answers read during the current raw call (None outside one):
# ``_raw`` makes it when it is first imported, so that a program making plain calls never loads ``_raw``
# (its classes cost a first call time).
_captured: Any = None


def capture(response: httpx.Response) -> None:
    """Keep ``response`` if a raw call is under way (the clients call this for every answer read)."""
    captured = _captured
    if captured is not None:
        held = captured.get()
        if held is not None:
            held.append(response)


class BodyTooLarge(Exception):
    """The answer is larger than the limit (``declared``: the Content-Length said so before reading)."""

    def __init__(self, limit: int, *, declared: int | None = None) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit
        self.declared = declared


class AttemptTimedOut(Exception):
    """The attempt's wall-clock bound passed while the answer was still arriving."""


class UnsupportedEncoding(Exception):
    """A Content-Encoding the library did not ask for and cannot decode within the limit."""


class Undecodable(Exception):
    """The body does not decode as its Content-Encoding says (a broken gzip stream, say)."""


class _Inflater:
    """One zlib stream (gzip or deflate) decoded at most ``room`` bytes at a time."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS)
        self._started = False

    def decode(self, data: bytes, room: int) -> Iterator[bytes]:
        if not self._started and self._encoding == "deflate" and data:
            self._started = True
            if data[0] & 0x0F != 8:  # no zlib header: a raw deflate stream, as some servers send
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
        self._started = True
        while data:
            out = self._zlib.decompress(data, room + 1)  # one byte past the room is proof enough
            data = self._zlib.unconsumed_tail
            yield out
            room -= len(out)
            if room < 0:
                return


class BodyReader:
    """Collects an answer's body, decoded, refusing more than ``limit`` bytes and (when ``ends`` is set)
    any chunk arriving after that monotonic time."""

    def __init__(self, headers: httpx.Headers, limit: int, ends: float | None) -> None:
        self.limit = limit
        self.ends = ends
        self._chunks: list[bytes] = []
        self._size = 0
        declared = headers.get("content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit and not _encoded(headers):
            raise BodyTooLarge(limit, declared=int(declared))
        encodings = [e.strip().lower() for e in headers.get("content-encoding", "").split(",") if e.strip()]
        encodings = [e for e in encodings if e != "identity"]
        for encoding in encodings:
            if encoding not in ("gzip", "x-gzip", "deflate"):
                raise UnsupportedEncoding(encoding)
        if len(encodings) > 1:
            raise UnsupportedEncoding(", ".join(encodings))  # stacked encodings: not asked for
        self._inflater = _Inflater(encodings[0]) if encodings else None

    def feed(self, raw: bytes) -> None:
        if self.ends is not None and monotonic() > self.ends:
            raise AttemptTimedOut
        if self._inflater is None:
            self._add(raw)
            return
        try:
            for piece in self._inflater.decode(raw, self.limit - self._size):
                self._add(piece)
        except zlib.error as exc:
            raise Undecodable(str(exc)) from None

    def take(self, content: bytes) -> None:
        """An answer an in-process transport (a mock, the sandbox's) already holds in memory, decoded."""
        self._add(content)

    def _add(self, piece: bytes) -> None:
        self._size += len(piece)
        if self._size > self.limit:
            raise BodyTooLarge(self.limit)
        if piece:
            self._chunks.append(piece)

    def body(self) -> bytes:
        return b"".join(self._chunks)


def _encoded(headers: httpx.Headers) -> bool:
    return bool(headers.get("content-encoding", "").strip(" ,").lower().replace("identity", ""))


# ------------------------------------------------------------------------------------------ bounds


class async_attempt_guard:
    """Bound an async attempt by wall-clock time (None: unbounded): ``TimeoutError`` when it passes, as
    ``asyncio.timeout`` would raise.

    ``asyncio.timeout`` arms a timer per attempt (~4 us, a tenth of a call's own cost); yet an attempt
    that never waits (an in-process transport answering from memory) cannot be cut, since a timer only
    acts where the task waits. So the timer is armed when the attempt first waits: entering registers
    the attempt with its event loop's ``_Watch`` and makes sure one sweep is scheduled (``call_soon``);
    the loop runs that sweep as soon as any task waits, before any I/O, and it arms the timer of every
    attempt still under way, for the deadline counted from its start. The bound is the same; an attempt
    that never waits costs no timer.
    """

    __slots__ = ("_expiring", "_handle", "_seconds", "_task", "_watch", "_when")

    def __init__(self, seconds: float | None) -> None:
        self._seconds = seconds
        self._handle: Any = None
        self._expiring = False

    async def __aenter__(self) -> None:
        if self._seconds is None:
            return
        import asyncio  # only async callers pay for importing asyncio

        loop = asyncio.get_running_loop()
        self._when = loop.time() + self._seconds
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("an attempt is bounded inside a task, as asyncio.timeout requires")
        self._task = task
        self._watch = watch = _watch(loop)
        watch.active.add(self)
        if not watch.scheduled:
            watch.scheduled = True
            loop.call_soon(watch.sweep, loop)

    def _arm(self, loop: Any) -> None:
        self._handle = loop.call_at(self._when, self._expire)

    def _expire(self) -> None:
        self._handle = None
        self._expiring = True
        self._task.cancel()

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        if self._seconds is None:
            return
        self._watch.active.discard(self)
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self._expiring:  # as asyncio.timeout: a cancellation this guard made becomes TimeoutError
            self._expiring = False
            import asyncio

            if self._task.uncancel() == 0 and exc_type is asyncio.CancelledError:
                raise TimeoutError


class _Watch:
    """The attempts under way on one event loop, and whether a sweep of them is scheduled."""

    __slots__ = ("active", "scheduled")  # never the loop itself: it is the key of a weak dictionary

    def __init__(self) -> None:
        self.active: set[async_attempt_guard] = set()
        self.scheduled = False

    def sweep(self, loop: Any) -> None:
        """Arm the timer of every attempt under way that has none yet (they are waiting now)."""
        self.scheduled = False
        for guard in self.active:
            if guard._handle is None and not guard._expiring:
                guard._arm(loop)


_WATCHES: weakref.WeakKeyDictionary[Any, _Watch] = weakref.WeakKeyDictionary()
# The last loop (weakly) and its watch, replaced as one tuple (threads may run loops of their own).
_last: tuple[Callable[[], Any], _Watch] = (lambda: None, _Watch())


def _watch(loop: Any) -> _Watch:
    global _last
    last = _last
    if last[0]() is loop:
        return last[1]
    try:
        watch = _WATCHES.get(loop)
        if watch is None:
            watch = _WATCHES[loop] = _Watch()
        _last = (weakref.ref(loop), watch)
    except TypeError:  # a loop that cannot be weakly referenced: a watch of its own for this attempt
        watch = _Watch()
    return watch


class sync_attempt_guard:
    """Bound a sync attempt: the wrapped network backend of the facade's own clients reads the end time."""

    __slots__ = ("_seconds", "_token")

    def __init__(self, seconds: float | None) -> None:
        self._seconds = seconds

    def __enter__(self) -> None:
        self._token = _ATTEMPT_ENDS.set(None if self._seconds is None else monotonic() + self._seconds)

    def __exit__(self, *exc: object) -> None:
        _ATTEMPT_ENDS.reset(self._token)


def _left(timeout: float | None) -> float | None:
    """The time a network operation may take: its own timeout, cut to what is left of the attempt."""
    ends = _ATTEMPT_ENDS.get()
    if ends is None:
        return timeout
    left = ends - monotonic()
    if left <= 0:
        import httpcore

        raise httpcore.ReadTimeout("the attempt's time is up")
    return left if timeout is None else min(timeout, left)


class _BoundedStream:
    """A sync network stream whose every read and write is cut to the attempt's time left."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = self._stream.read(max_bytes, _left(timeout))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        return _BoundedStream(self._stream.start_tls(ssl_context, server_hostname, _left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _BoundedBackend:
    """A sync httpcore network backend whose connections honour the attempt's time left."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, **kwargs: Any) -> _BoundedStream:
        return _BoundedStream(self._backend.connect_tcp(host, port, _left(timeout), **kwargs))

    def connect_unix_socket(self, path: str, timeout: float | None = None, **kwargs: Any) -> _BoundedStream:
        return _BoundedStream(self._backend.connect_unix_socket(path, _left(timeout), **kwargs))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def bound_sync_client(client: httpx.Client) -> bool:
    """Wrap the network backends of a sync client the facade made (its transport and any proxy mounts).
    Returns False when httpx's internals are not the expected shape (the between-chunks bound remains)."""
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    wrapped = False
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is not None and not isinstance(backend, _BoundedBackend):
            pool._network_backend = _BoundedBackend(backend)  # type: ignore[union-attr]
            wrapped = True
    return wrapped


def new_async_http() -> httpx.AsyncClient:
    """The httpx client an ``AsyncCardClient`` makes for itself (attempts are bounded by asyncio)."""
    return httpx.AsyncClient(follow_redirects=False)


def new_sync_http() -> httpx.Client:
    """The httpx client a ``CardClient`` makes for itself, its connections bounded by the attempt's time."""
    client = httpx.Client(follow_redirects=False)
    bound_sync_client(client)
    return client


def release_orphans(client: httpx.Client | httpx.AsyncClient) -> int:
    """Free the pool slots httpcore leaves taken after an overload; return how many were freed.

    httpcore (1.0) assigns a new connection to a queued request and creates it in the pool; if that
    request then gives up (its pool timeout, or a cancellation) before using it, the connection stays in
    the pool, never connected and never closed, taking one of ``max_connections`` for ever. After enough
    of them every later call fails with ``PoolTimeout``. Such a connection has no socket and no request:
    removing it from the pool releases nothing but the slot. Called after a pool timeout or a cut attempt.
    """
    freed = 0
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        connections = getattr(pool, "_connections", None)
        requests = getattr(pool, "_requests", None)
        lock = getattr(pool, "_optional_thread_lock", None)
        if not isinstance(connections, list) or not isinstance(requests, list) or lock is None:
            continue  # not the httpcore pool this knows: leave it alone
        with lock:
            claimed = {id(r.connection) for r in requests if getattr(r, "connection", None) is not None}
            for connection in list(connections):
                never_connected = getattr(connection, "_connection", False) is None
                if (
                    never_connected
                    and not getattr(connection, "_connect_failed", True)
                    and id(connection) not in claimed
                ):
                    connections.remove(connection)
                    freed += 1
    return freed
