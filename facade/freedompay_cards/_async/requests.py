"""``client.requests``: the outcome of an earlier request, and waiting for it.

Hand-written async original; ``_sync/requests.py`` is generated from it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from .. import _validate as v
from .._core import async_sleep, monotonic
from .._enums import RequestStatus
from .._errors import APITimeoutError, InvalidRequestError, card_api_error
from .._lazy import LazyModule

if TYPE_CHECKING:
    from freedompay_card_api import models as m

    from .. import _convert as convert
    from .._models import OperationResult
    from ._client import AsyncCardClient
else:
    m = LazyModule("freedompay_card_api.models")
    convert = LazyModule("freedompay_cards._convert")


class AsyncRequests:
    """Request status: what became of a request, and the ids it created."""

    def __init__(self, client: AsyncCardClient) -> None:
        self._client = client

    async def status(self, request_id: str, *, max_retries: int | None = None) -> OperationResult:
        """The state of the request sent with ``request_id`` (``success``, ``process`` or ``error``, with
        the error's code and text) and what it created: ``card_ids``, ``client_id``, ``transaction_id``,
        ``fin_document_id``. An unknown request_id raises ``NotFoundError``. Documented."""
        rid = v.request_id(request_id, lambda: "")
        body = m.RequestStatusRequest(request_id=uuid.UUID(rid))
        answer = await self._client._call("requests.status", body, rid, max_retries)
        return convert.operation_result(answer.parsed, rid)

    async def wait(
        self,
        request_id: str,
        *,
        timeout: float = 60.0,
        interval: float = 0.5,
        max_interval: float = 5.0,
    ) -> OperationResult:
        """Poll Request status until the request is final, waiting ``interval`` seconds at first and
        half as long again after each poll, up to ``max_interval``.

        Returns the ``success`` result (with the created ids); raises the mapped ``APIError`` if the
        request ended in ``error``, and ``APITimeoutError`` (outcome unknown) if it is still processing
        after ``timeout`` seconds.
        """
        rid = v.request_id(request_id, lambda: "")
        if not timeout > 0 or not interval > 0 or not max_interval >= interval:
            raise InvalidRequestError("timeout", "timeout and interval must be positive, max_interval >= interval")
        deadline = monotonic() + timeout
        polls = 0
        while True:
            result = await self.status(rid)
            polls += 1
            if result.request_status == RequestStatus.ERROR:
                raise card_api_error(
                    {"status": "ok", **result.extra, "request_status": result.request_status,
                     "error_code": result.error_code, "error_description": result.error_description},
                    operation="requests.wait", request_id=rid,
                )  # fmt: skip
            if result.request_status != RequestStatus.PROCESS:
                return result
            remaining = deadline - monotonic()
            if remaining <= 0:
                raise APITimeoutError(
                    f"still processing after {timeout:g}s ({polls} status polls)",
                    operation="requests.wait", request_id=rid, attempts=polls, outcome_unknown=True,
                )  # fmt: skip
            await async_sleep(min(interval, remaining))
            interval = min(interval * 1.5, max_interval)
