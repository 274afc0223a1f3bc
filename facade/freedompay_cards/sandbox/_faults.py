"""Faults the sandbox can inject, to test what a client does when the network or the server misbehaves.

    sandbox.inject("cards.block", Fault.drop_after())            # next block: applied, answer lost
    sandbox.inject("/v5/card-api/card/block", Fault.http(503, retry_after=1), times=2)
    sandbox.inject(None, Fault.garbage())                         # the very next request, any path

Each fault says whether the operation is applied (``processed``) and what the client then sees, for the
in-process transport and for the loopback server. All of this is the sandbox's invention: the docs show
nothing about the API's failure modes.
"""

from __future__ import annotations

from enum import StrEnum

from attrs import frozen


class FaultKind(StrEnum):
    DROP_BEFORE = "drop_before"
    DROP_AFTER = "drop_after"
    TIMEOUT_AFTER = "timeout_after"
    DELAY = "delay"
    HTTP = "http"
    GARBAGE = "garbage"


GARBAGE_BODY = b"<html><body><h1>502 Bad Gateway</h1>upstream sent something else</body></html>"


@frozen
class Fault:
    """One injected failure. Build one with the constructors:

    ==================  =========  ============================================================================
    constructor         applied?   what the client sees
    ==================  =========  ============================================================================
    ``drop_before()``   no         transport: ``httpx.ConnectError``; server: the connection is closed unread
    ``drop_after()``    yes        transport: ``httpx.RemoteProtocolError``; server: closed without an answer
    ``timeout_after()`` yes        transport: ``httpx.ReadTimeout``; server: holds the connection ``hold``
                                   seconds (or until it shuts down), then closes it without an answer
    ``delay(s)``        yes        the answer, ``s`` seconds late (a read timeout if the client gives up first)
    ``http(503, ...)``  no         that HTTP status, optional ``Retry-After``, a JSON error body
    ``garbage()``       yes        HTTP 200 whose body is not JSON
    ==================  =========  ============================================================================
    """

    kind: FaultKind
    seconds: float = 0.0
    status_code: int = 0
    retry_after: float | str | None = None

    @classmethod
    def drop_before(cls) -> Fault:
        """The connection fails before the request reaches the API: nothing is applied."""
        return cls(FaultKind.DROP_BEFORE)

    @classmethod
    def drop_after(cls) -> Fault:
        """The request is applied, then the connection drops before the answer."""
        return cls(FaultKind.DROP_AFTER)

    @classmethod
    def timeout_after(cls, hold: float = 60.0) -> Fault:
        """The request is applied, then no answer comes (the server keeps the connection ``hold`` s)."""
        if hold < 0:
            raise ValueError("hold must be >= 0")
        return cls(FaultKind.TIMEOUT_AFTER, seconds=hold)

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """The request is applied and answered normally, ``seconds`` late."""
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        return cls(FaultKind.DELAY, seconds=seconds)

    @classmethod
    def http(cls, status_code: int, *, retry_after: float | str | None = None) -> Fault:
        """An HTTP ``status_code`` answer (with ``Retry-After`` when given); nothing is applied."""
        if not 400 <= status_code <= 599:
            raise ValueError("status_code must be an HTTP error status (400-599)")
        return cls(FaultKind.HTTP, status_code=status_code, retry_after=retry_after)

    @classmethod
    def garbage(cls) -> Fault:
        """The request is applied, then answered with HTTP 200 and a body that is not JSON."""
        return cls(FaultKind.GARBAGE)

    @property
    def processes(self) -> bool:
        """Is the operation applied when this fault strikes?"""
        return self.kind not in (FaultKind.DROP_BEFORE, FaultKind.HTTP)

    @property
    def label(self) -> str:
        """How the fault appears in ``sandbox.log``: ``drop_after``, ``http_503``, ``delay_0.5s``."""
        if self.kind == FaultKind.HTTP:
            return f"http_{self.status_code}"
        if self.kind == FaultKind.DELAY:
            return f"delay_{self.seconds:g}s"
        return self.kind.value

    def retry_after_header(self) -> dict[str, str]:
        if self.retry_after is None:
            return {}
        value = self.retry_after
        return {"Retry-After": value if isinstance(value, str) else f"{value:g}"}
