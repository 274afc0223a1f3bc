"""The in-process httpx transport: one object serving ``httpx.Client`` and ``httpx.AsyncClient`` alike.

Faults become the exceptions a real network would raise (see ``Fault``). A ``timeout_after`` fault
raises ``httpx.ReadTimeout`` at once, without waiting for the client's read timeout; a ``delay`` longer
than the request's read timeout waits that timeout, applies the request, then raises ``ReadTimeout``.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import httpx

from ._faults import FaultKind

if TYPE_CHECKING:
    from ._app import Admission, Reply, Sandbox


def _read_timeout(request: httpx.Request) -> float | None:
    timeout = request.extensions.get("timeout", {})
    value = timeout.get("read") if isinstance(timeout, dict) else None
    return float(value) if isinstance(value, int | float) else None


class SandboxTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Serves a ``Sandbox`` in-process: ``httpx.Client(transport=t)`` or ``httpx.AsyncClient(transport=t)``."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def __repr__(self) -> str:
        return f"SandboxTransport({self.sandbox!r})"

    def _admit(self, request: httpx.Request) -> tuple[Admission, float, bool]:
        """The admission, how long to wait before finishing it, and whether that wait is a timeout."""
        admission = self.sandbox.admit(request.method, request.url.path, request.headers, request.content)
        fault = admission.fault
        if fault is None or fault.kind != FaultKind.DELAY:
            return admission, 0.0, False
        limit = _read_timeout(request)
        if limit is not None and fault.seconds > limit:
            return admission, limit, True
        return admission, fault.seconds, False

    def _finish(self, request: httpx.Request, admission: Admission, timed_out: bool) -> httpx.Response:
        fault = admission.fault
        if fault is None:
            return self._response(request, self.sandbox.process(admission))
        kind = fault.kind
        if kind == FaultKind.DROP_BEFORE:
            raise httpx.ConnectError("sandbox: connection failed before the request was sent", request=request)
        if kind == FaultKind.HTTP:
            return self._response(request, self.sandbox.fault_reply(admission))
        reply = self.sandbox.process(admission)  # every other fault strikes after the request is applied
        if kind == FaultKind.DROP_AFTER:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response (sandbox)", request=request)
        if kind == FaultKind.TIMEOUT_AFTER or timed_out:
            raise httpx.ReadTimeout("sandbox: the answer did not come in time", request=request)
        if kind == FaultKind.GARBAGE:
            return self._response(request, self.sandbox.fault_reply(admission))
        return self._response(request, reply)

    @staticmethod
    def _response(request: httpx.Request, reply: Reply) -> httpx.Response:
        return httpx.Response(reply.status_code, headers=dict(reply.headers), content=reply.body, request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        admission, wait, timed_out = self._admit(request)
        if wait > 0:
            time.sleep(wait)
        return self._finish(request, admission, timed_out)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        admission, wait, timed_out = self._admit(request)
        if wait > 0:
            await asyncio.sleep(wait)
        return self._finish(request, admission, timed_out)

    def close(self) -> None:
        """Nothing to release."""

    async def aclose(self) -> None:
        """Nothing to release."""
