"""``wait=True`` returns what the wait is for: ``CreatedClient.client_id``, ``CreatedTransaction.transaction_id``
and ``IssuedCards.card_ids`` are there (typed ``str``, checked by tests/typing_app under mypy and pyright); a
Request status that says ``success`` without them is a library error carrying the request_id."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

import freedompay_cards as fp
from tests.conftest import DT, MockAPI, ok
from tests.spec_tools import PATHS

PROCESS = {"status": "ok", "request_status": "process", "dt": DT}
STATUS = PATHS["requests.status"]
CLIENT = {"phone": 77001234567, "type": 1, "resident": 1, "first_name": "A", "last_name": "B"}
ISSUE = {"first_name": "A", "last_name": "B", "phone": 77001234567, "country": "KAZ", "person_id": "1"}

# (path, call, what it must bring, the class promising it, Request status's answer carrying it)
CASES: list[tuple[str, Any, str, type[fp.OperationResult], dict[str, Any]]] = [
    (PATHS["clients.create"], lambda c: c.clients.create(2000, **CLIENT, wait=True), "client_id",
     fp.CreatedClient, {"client_id": "77"}),
    (PATHS["transactions.create"],
     lambda c: c.transactions.create("10000001", Decimal("5"), "KZT", order_id="o-1", wait=True),
     "transaction_id", fp.CreatedTransaction, {"transaction_id": "t-9"}),
    (PATHS["cards.issue"], lambda c: c.cards.issue(2000, **ISSUE, wait=True), "card_ids", fp.IssuedCards,
     {"cards": [{"card_id": "10000042"}]}),
    (PATHS["cards.bulk_issue"], lambda c: c.cards.bulk_issue(2000, 2, wait=True), "card_ids", fp.IssuedCards,
     {"cards": [{"card_id": "1"}, {"card_id": "2"}]}),
]  # fmt: skip
IDS = [case[0].rsplit("/", 2)[-2] + "." + case[0].rsplit("/", 1)[-1] for case in CASES]


@pytest.mark.parametrize(("path", "call", "field", "cls", "created"), CASES, ids=IDS)
def test_wait_true_returns_the_class_that_promises_the_created_ids(
    client: fp.CardClient, api: MockAPI, path: str, call: Any, field: str, cls: type[Any], created: dict[str, Any]
) -> None:
    api.on(path, PROCESS)
    api.on(STATUS, PROCESS, ok(**created))
    result = call(client)
    assert type(result) is cls and getattr(result, field)
    assert result.request_id == api.bodies[0]["request_id"] and result.succeeded


@pytest.mark.parametrize(("path", "call", "field", "cls", "created"), CASES, ids=IDS)
def test_success_without_the_created_ids_is_an_unexpected_response_with_the_request_id(
    client: fp.CardClient, api: MockAPI, path: str, call: Any, field: str, cls: type[Any], created: dict[str, Any]
) -> None:
    api.on(path, PROCESS)
    api.on(STATUS, ok())  # success, and nothing created
    with pytest.raises(fp.UnexpectedResponseError, match="reports a success for this request_id without") as info:
        call(client)
    sent = api.bodies[0]["request_id"]
    assert info.value.request_id == sent and sent in str(info.value)
    # a success that lacks what this operation's success carries may be another request's (a reused
    # request_id: the spec's x-outcome-ids, issue 20): this call's outcome is not known
    assert info.value.outcome_unknown


def test_a_reconciled_success_without_the_created_id_is_refused_too(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["clients.create"], httpx.ReadTimeout("slow"))  # the answer is lost: ask Request status
    api.on(STATUS, ok())
    with pytest.raises(fp.UnexpectedResponseError, match="without client_id") as info:
        client.clients.create(2000, **CLIENT, wait=True)
    assert info.value.request_id == api.bodies[0]["request_id"]


def test_without_wait_the_result_is_the_plain_operation_result(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["clients.create"], PROCESS)
    result = client.clients.create(2000, **CLIENT)
    assert type(result) is fp.OperationResult and result.client_id is None and result.pending


def test_issued_cards_card_id_is_the_first_card() -> None:
    issued = fp.IssuedCards(request_id=None, request_status=fp.RequestStatus.SUCCESS, card_ids=("1", "2"))
    assert issued.card_id == "1"


async def test_the_async_client_returns_the_same_classes(async_client: fp.AsyncCardClient, api: MockAPI) -> None:
    api.on(PATHS["clients.create"], PROCESS)
    api.on(STATUS, ok(client_id="77"))
    created = await async_client.clients.create(2000, **CLIENT, wait=True)
    assert type(created) is fp.CreatedClient and created.client_id == "77"
    api.on(STATUS, ok())
    with pytest.raises(fp.UnexpectedResponseError) as info:
        await async_client.clients.create(2000, **CLIENT, wait=True)
    assert info.value.request_id is not None


def test_every_typed_wait_is_backed_by_the_specs_outcome_ids() -> None:
    from freedompay_cards._core import OPERATIONS
    from freedompay_cards._models._waited import WAITED_FOR

    for name, (_cls, attribute) in WAITED_FOR.items():
        wire = {"card_ids": "cards"}.get(attribute, attribute)
        assert wire in OPERATIONS[name].outcome_ids, f"{name}: add {wire} to its x-outcome-ids in the spec"
