# Generated from facade/freedompay_cards/_async/requests.py by scripts/generate.py (`make generate`).
# Do not edit: change the async original and regenerate.
"""``client.requests``: the outcome of an earlier request, and waiting for it.

Hand-written async original; ``_sync/requests.py`` is generated from it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from .. import _validate as v
from .._core import monotonic, sync_sleep
from .._enums import RequestStatus
from .._errors import APITimeoutError, FreedomPayError, InvalidRequestError, card_api_error
from .._lazy import LazyModule

if TYPE_CHECKING:
    from freedompay_card_api import models as m

    from .. import _convert as convert
    from .._models import OperationResult
    from ._client import CardClient
else:
    m = LazyModule("freedompay_card_api.models")
    convert = LazyModule("freedompay_cards._convert")


class Requests:
    """Request status: what became of a request, and the ids it created."""

    def __init__(self, client: CardClient) -> None:
        self._client = client

    def status(self, request_id: str, *, max_retries: int | None = None) -> OperationResult:
        """The state of the request sent with ``request_id`` (``success``, ``process`` or ``error``, with
        the error's code and text) and what it created: ``card_ids``, ``client_id``, ``transaction_id``,
        ``fin_document_id``. An unknown request_id raises ``NotFoundError``. Documented."""
        rid = v.request_id(request_id, lambda: "")
        body = m.RequestStatusRequest(request_id=uuid.UUID(rid))
        return self._client._fetch("requests.status", body, rid, max_retries, convert.operation_result)

    def wait(
        self,
        request_id: str,
        *,
        timeout: float = 60.0,
        interval: float = 0.5,
        max_interval: float = 5.0,
    ) -> OperationResult:
        """Poll Request status until the request is final (``success`` or ``error``), waiting ``interval``
        seconds at first and half as long again after each poll, up to ``max_interval``.

        Returns the ``success`` result (with the created ids); raises the mapped ``APIError`` if the
        request ended in ``error``, and ``APITimeoutError`` (outcome unknown) if it is still not final
        after ``timeout`` seconds. A poll that fails raises its error, marked outcome unknown.
        """
        rid = v.request_id(request_id, lambda: "")
        return self._wait(rid, timeout=timeout, interval=interval, max_interval=max_interval)

    def _wait(
        self,
        rid: str,
        *,
        timeout: float,
        interval: float = 0.5,
        max_interval: float = 5.0,
        operation: str = "requests.wait",
        max_retries: int | None = None,
    ) -> OperationResult:
        v.seconds("timeout", timeout)
        v.seconds("interval", interval)
        if v.seconds("max_interval", max_interval) < interval:
            raise InvalidRequestError("max_interval", "must be at least interval")
        deadline = monotonic() + timeout
        polls = 0
        while True:
            try:
                result = self.status(rid, max_retries=max_retries)
            except FreedomPayError as err:
                err.outcome_unknown = True  # the request itself may have been applied
                raise
            polls += 1
            if result.request_status == RequestStatus.ERROR:
                raise card_api_error(
                    {"status": "ok", **result.extra, "request_status": result.request_status,
                     "error_code": result.error_code, "error_description": result.error_description},
                    operation=operation, request_id=rid,
                )  # fmt: skip
            if result.request_status == RequestStatus.SUCCESS:
                return result
            # process, or a state the docs do not list (or none at all): not final yet
            remaining = deadline - monotonic()
            if remaining <= 0:
                raise APITimeoutError(
                    f"not final after {timeout:g}s ({polls} status polls, last request_status="
                    f"{result.request_status or 'missing'!r})",
                    operation=operation, request_id=rid, attempts=polls, outcome_unknown=True,
                )  # fmt: skip
            sync_sleep(min(interval, remaining))
            interval = min(interval * 1.5, max_interval)
