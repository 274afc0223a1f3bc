# Generated from facade/freedompay_cards/_async/requests.py by scripts/generate.py (`make generate`).
# Do not edit: change the async original and regenerate.
"""``client.requests``: the outcome of an earlier request, and waiting for it.

Hand-written async original; ``_sync/requests.py`` is generated from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Unpack

from .. import _validate as v
from .._core import OPERATIONS, monotonic, outcome_misfit, sync_sleep
from .._errors import APITimeoutError, FreedomPayError, InvalidRequestError, card_api_error, is_unknown_request
from .._lazy import LazyModule
from .._options import CallSettings, RequestOptions
from .._request_status import RequestStatus

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

    def status(self, request_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """The state of the request sent with ``request_id`` (``success``, ``process`` or ``error``, with
        the error's code and text) and what it created: ``card_ids``, ``client_id``, ``transaction_id``,
        ``fin_document_id``. An unknown request_id raises ``NotFoundError``. Documented."""
        rid = v.request_id(request_id, lambda: "")
        body = m.RequestStatusRequest(request_id=v.request_uuid(rid))
        return self._client._fetch("requests.status", body, rid, options, convert.operation_result)

    def wait(
        self,
        request_id: str,
        *,
        timeout: float = 60.0,
        interval: float = 0.5,
        max_interval: float = 5.0,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OperationResult:
        """Poll Request status until the request is final (``success`` or ``error``), waiting ``interval``
        seconds at first and half as long again after each poll, up to ``max_interval``. ``timeout`` is
        the deadline of the whole wait, polls included (a poll that hangs is cut short by it).

        Returns the ``success`` result (with the created ids); raises the mapped ``APIError`` if the
        request ended in ``error``, and ``APITimeoutError`` (outcome unknown) if it is still not final
        after ``timeout`` seconds. A poll that fails raises its error, marked outcome unknown.
        """
        rid = v.request_id(request_id, lambda: "")
        options: RequestOptions = {"extra_headers": extra_headers}
        if max_retries is not None:
            options["max_retries"] = max_retries
        settings = self._client._settings(options)
        return self._wait(rid, timeout=timeout, interval=interval, max_interval=max_interval, settings=settings)

    def _wait(
        self,
        rid: str,
        *,
        timeout: float,
        settings: CallSettings,
        interval: float = 0.5,
        max_interval: float = 5.0,
        operation: str = "requests.wait",
    ) -> OperationResult:
        v.seconds("timeout", timeout)
        v.seconds("interval", interval)
        if v.seconds("max_interval", max_interval) < interval:
            raise InvalidRequestError("max_interval", "must be at least interval")
        ends = monotonic() + timeout
        polls = settings.until(ends)  # every poll (and its retries) ends by the wait's deadline
        body = m.RequestStatusRequest(request_id=v.request_uuid(rid))
        waited_for = OPERATIONS.get(operation)

        def to_result(parsed: Any, raw: dict[str, Any], request_id: str | None) -> OperationResult:
            misfit = None if waited_for is None else outcome_misfit(waited_for, raw, request_id)
            if misfit is not None:  # a success without the ids the operation creates is not its outcome
                raise misfit
            return convert.operation_result(parsed, raw, request_id)

        count = 0
        while True:
            try:
                result = self._client._fetch("requests.status", body, rid, polls, to_result)
            except FreedomPayError as err:
                err.outcome_unknown = True  # the request itself may have been applied
                if isinstance(err, APITimeoutError) and monotonic() >= ends:
                    err.message = f"not final after {timeout:g}s ({count + 1} status polls; the last timed out)"
                raise
            count += 1
            if result.request_status == RequestStatus.ERROR:
                failed = card_api_error(
                    {"status": "ok", **result.extra, "request_status": "error",
                     "error_code": result.error_code, "error_description": result.error_description},
                    operation=operation, request_id=rid,
                )  # fmt: skip
                # "unknown request" says nothing of what became of it (in either shape: see _fetch above)
                failed.outcome_unknown = is_unknown_request(failed)
                raise failed
            if result.request_status == RequestStatus.SUCCESS:
                return result
            remaining = ends - monotonic()  # still in process: not final yet
            if remaining <= 0:
                raise APITimeoutError(
                    f"not final after {timeout:g}s ({count} status polls, last request_status="
                    f"{result.request_status.value!r})",
                    operation=operation, request_id=rid, attempts=count, outcome_unknown=True,
                )  # fmt: skip
            sync_sleep(min(interval, remaining))
            interval = min(interval * 1.5, max_interval)
