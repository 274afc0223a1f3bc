"""A user's application, written only against the public API of the installed wheel.

tests/test_packaging.py copies this folder into a temporary directory, type-checks it there with
``mypy --strict`` and pyright in strict mode against the wheel installed in a clean virtual environment
(no source tree on the path), then runs it in that environment against the embedded sandbox.

The annotations are the point: each ``x: fp.Something = call(...)`` states what a user relies on, and a
type checker fails the test if the library stops saying so. To cover a new feature, add a ``sync_*``
function and its ``async_*`` twin and call both from ``main`` (one feature per pair, sandbox-backed).
No ``reveal_type``: plain annotated assignments, so the file also runs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from decimal import Decimal

import freedompay_cards as fp
from freedompay_card_api import models as low_level
from freedompay_cards.cassettes import vcr_config
from freedompay_cards.sandbox import Card, Fault, Sandbox, SandboxServer

ORDER = "typing-app-order"


# ----------------------------------------------------------------------------- configuration


def configuration(server: SandboxServer) -> None:
    """The ways a user builds a client: arguments, environment variables, a retry policy."""
    policy: fp.RetryPolicy = fp.RetryPolicy(max_retries=1, base=0.001, cap=0.01)
    explicit: fp.CardClient = fp.CardClient(
        auth_id="sandbox", secret_key="sandbox-secret", base_url=server.url, timeout=5.0, retry_policy=policy
    )
    explicit.close()
    os.environ.update(
        {"FREEDOMPAY_AUTH_ID": "sandbox", "FREEDOMPAY_SECRET_KEY": "sandbox-secret", "FREEDOMPAY_BASE_URL": server.url}
    )
    with fp.CardClient.from_env() as from_env:
        base_url: str = from_env.base_url
        assert base_url == server.url
    test_env: fp.CardClient = fp.CardClient(auth_id="123456", secret_key="not-a-real-key", environment="test")
    test_env.close()
    version: str = fp.__version__
    assert version


# ----------------------------------------------------------------------------- cards


def sync_cards(client: fp.CardClient, card: Card) -> None:
    issued: fp.IssuedCards = client.cards.issue(
        fp.Product.INSTANT_CARD, first_name="Aida", last_name="Sadykova", phone="77001234567",
        country="KAZ", person_id="900101300123", wait=True,
    )  # fmt: skip
    new_card: str = issued.card_id  # wait=True: the card is there, no assert needed
    activated: fp.OperationResult = client.cards.activate(new_card)
    succeeded: bool = activated.succeeded
    assert succeeded
    blocked: fp.OperationResult = client.cards.block(new_card, reason="lost")
    assert blocked.request_status == fp.RequestStatus.SUCCESS
    request_id: str | None = blocked.request_id
    assert request_id is not None
    client.cards.unblock(new_card, reason="found", request_id=str(uuid.uuid4()))
    info: fp.CardInfo = client.cards.info(card.card_id)
    mask: str | None = info.card_mask
    assert mask
    balance: fp.Balance = client.cards.balance(card.card_id)
    account: fp.Account = balance.accounts[0]
    amount: Decimal | None = account.amount
    assert amount is not None
    secret: fp.SecretCardData = client.cards.secret_data(card.card_id)
    pan: fp.Secret | None = secret.pan
    assert pan is not None and "*" in repr(pan)
    today = dt.datetime.now(dt.UTC)
    operations: Iterator[fp.StatementOperation] = client.cards.statement(card.card_id, today - dt.timedelta(days=1))
    for operation in operations:
        moment: dt.datetime = operation.datetime
        assert moment.tzinfo is not None
    extended: fp.ExtendedStatement = client.cards.statement_extended(card.card_id, today.date(), today.date())
    assert extended.card_id == card.card_id


async def async_cards(client: fp.AsyncCardClient, card: Card) -> None:
    issued: fp.IssuedCards = await client.cards.issue(
        fp.Product.INSTANT_CARD, first_name="Aida", last_name="Sadykova", phone="77001234567",
        country="KAZ", person_id="900101300123", wait=True,
    )  # fmt: skip
    new_card: str = issued.card_ids[0]
    await client.cards.activate(new_card)
    blocked: fp.OperationResult = await client.cards.block(new_card, reason="lost")
    assert blocked.succeeded
    info: fp.CardInfo = await client.cards.info(card.card_id)
    assert info.card_id == card.card_id
    balance: fp.Balance = await client.cards.balance(card.card_id)
    assert balance.accounts
    operations: AsyncIterator[fp.StatementOperation] = client.cards.statement(card.card_id)
    async for operation in operations:
        amount: Decimal = operation.amount
        assert amount is not None


# ----------------------------------------------------------------------------- clients, transactions, requests


def sync_clients_and_transactions(client: fp.CardClient, card: Card) -> None:
    created: fp.CreatedClient = client.clients.create(
        fp.Product.INSTANT_CARD, phone="77001234567", type=fp.ClientType.INDIVIDUAL,
        resident=fp.Residency.RESIDENT, first_name="Aida", last_name="Sadykova", wait=True,
    )  # fmt: skip
    client_id: str = created.client_id  # wait=True: a str, no assert needed
    cards: fp.ClientCards = client.clients.list_cards(client_id)
    listed: list[fp.ClientCard] = list(cards)
    assert isinstance(listed, list)
    purchase: fp.CreatedTransaction = client.transactions.create(
        card.card_id, Decimal("15.00"), "KZT", order_id=ORDER, wait=True
    )
    transaction_id: str = purchase.transaction_id
    pending: fp.OperationResult = client.clients.create(
        fp.Product.INSTANT_CARD, phone="77001234567", type=fp.ClientType.INDIVIDUAL,
        resident=fp.Residency.RESIDENT, first_name="Aida", last_name="Sadykova",
    )  # fmt: skip
    maybe_client: str | None = pending.client_id  # without wait: known later, through Request status
    assert maybe_client is None or maybe_client
    client.transactions.clear(transaction_id, order_id=ORDER)
    details: fp.TransactionInfo = client.transactions.info(transaction_id=transaction_id)
    assert details.request_status
    status: fp.OperationResult = client.requests.status(str(purchase.request_id))
    waited: fp.OperationResult = client.requests.wait(str(status.request_id), timeout=5)
    assert waited.succeeded


async def async_clients_and_transactions(client: fp.AsyncCardClient, card: Card) -> None:
    created: fp.CreatedClient = await client.clients.create(
        fp.Product.INSTANT_CARD, phone="77001234567", type=fp.ClientType.INDIVIDUAL,
        resident=fp.Residency.RESIDENT, first_name="Aida", last_name="Sadykova", wait=True,
    )  # fmt: skip
    cards: fp.ClientCards = await client.clients.list_cards(created.client_id)
    assert len(cards) >= 0
    purchase: fp.CreatedTransaction = await client.transactions.create(
        card.card_id, Decimal("15.00"), "KZT", order_id=ORDER + "-async", wait=True
    )
    await client.transactions.clear(purchase.transaction_id, order_id=ORDER + "-async")
    status: fp.OperationResult = await client.transactions.request_status(str(purchase.request_id))
    assert status.succeeded


# ----------------------------------------------------------------------------- gift cards


def sync_gift_cards(client: fp.CardClient, sandbox: Sandbox) -> None:
    products: Sequence[fp.GiftProduct] = client.gift_cards.products()
    code: int = products[0].code
    gift: fp.GiftCard = client.gift_cards.issue(code, cardholder_name="Aida Sadykova", phone="77001234567")
    state: fp.GiftCardState = client.gift_cards.confirm(sandbox.last_otp(gift.card_id), card_id=gift.card_id)
    assert state.card_status is not None
    resent: fp.GiftResult = client.gift_cards.resend(gift.card_id)
    assert resent.status >= 0


async def async_gift_cards(client: fp.AsyncCardClient) -> None:
    products: Sequence[fp.GiftProduct] = await client.gift_cards.products()
    assert products


# ----------------------------------------------------------------------------- errors


def sync_errors(client: fp.CardClient, sandbox: Sandbox) -> None:
    try:
        client.cards.block("", reason="lost")
    except fp.InvalidRequestError as err:  # bad input: raised before anything is sent
        assert isinstance(err, ValueError)
    else:
        raise AssertionError("an empty card_id was accepted")
    try:
        client.cards.info("no-such-card")
    except fp.APIError as err:
        code: str | int | None = err.code
        http_status: int | None = err.http_status
        failed_request: str | None = err.request_id
        assert code and http_status and failed_request
    else:
        raise AssertionError("an unknown card was found")
    sandbox.inject("cards.balance", Fault.http(503), times=5)
    try:
        client.cards.balance("10000001", max_retries=0)
    except fp.ServerError as err:
        assert isinstance(err, fp.FreedomPayError)
    else:
        raise AssertionError("a 503 was not raised")
    sandbox.clear_faults()


async def async_errors(client: fp.AsyncCardClient) -> None:
    try:
        await client.cards.info("no-such-card")
    except fp.NotFoundError as err:
        message: str = str(err)
        assert message
    else:
        raise AssertionError("an unknown card was found")


# ----------------------------------------------------------------------------- per-call options, raw responses


def sync_developer_experience(client: fp.CardClient, card: Card) -> None:
    quick: fp.CardClient = client.with_options(timeout=5.0, max_retries=0, deadline=10.0)
    info: fp.CardInfo = quick.cards.info(card.card_id, timeout=2.0, extra_headers={"X-Trace": "app"})
    state: fp.RequestStatus | None = info.request_status
    assert state == "success"  # a str enum: comparing with the documented string still works
    assert state is fp.RequestStatus.SUCCESS
    blocked: fp.OperationResult = client.cards.block(card.card_id, reason="lost", deadline=10.0, max_retries=1)
    client.cards.unblock(card.card_id, reason="found")
    unknown: dict[str, object] = blocked.extra
    assert isinstance(unknown, dict)
    raw: fp.RawResponse[fp.CardInfo] = client.with_raw_response.cards.info(card.card_id)
    status_code: int = raw.status_code
    parsed: fp.CardInfo = raw.parse()
    assert status_code == 200 and parsed.card_id == card.card_id
    listing: fp.Listing[fp.StatementOperation] = client.cards.statement(card.card_id)
    everything: list[fp.StatementOperation] = list(listing)
    assert isinstance(everything, list)
    options: fp.RequestOptions = {"timeout": 3.0, "max_retries": 0}
    again: fp.CardInfo = client.cards.info(card.card_id, **options)
    assert again.card_id == card.card_id
    products: fp.GiftProducts = client.gift_cards.products()
    price: Decimal | None = products[0].balance
    when: dt.datetime | None = products.datetime
    assert price is not None and when is not None


async def async_developer_experience(client: fp.AsyncCardClient, card: Card) -> None:
    quick: fp.AsyncCardClient = client.with_options(timeout=5.0)
    info: fp.CardInfo = await quick.cards.info(card.card_id, deadline=5.0)
    assert info.card_id == card.card_id
    raw: fp.RawResponse[fp.OperationResult] = await client.with_raw_response.cards.reset_pin_counter(card.card_id)
    assert raw.parse().succeeded
    whole: list[fp.StatementOperation] = await client.cards.statement(card.card_id)
    assert isinstance(whole, list)
    listing: fp.AsyncListing[fp.StatementOperation] = client.cards.statement(card.card_id)
    async for operation in listing:
        assert operation.amount is not None


def sync_lifecycle(sandbox: Sandbox) -> None:
    client: fp.CardClient = sandbox.client()
    client.close()
    try:
        client.cards.info("10000001")
    except fp.ClientClosedError as err:
        assert isinstance(err, RuntimeError)
    else:
        raise AssertionError("a closed client sent a request")


# ----------------------------------------------------------------------------- the generated package, cassettes


def low_level_and_tools() -> None:
    body: low_level.CardActionRequest = low_level.CardActionRequest(
        request_id=uuid.uuid4(), card_id="10000001", description="lost"
    )
    as_json: dict[str, object] = body.to_dict()
    assert as_json["card_id"] == "10000001"
    config: dict[str, object] = vcr_config()
    assert config


# ----------------------------------------------------------------------------- main


async def async_main(sandbox: Sandbox, card: Card) -> None:
    async with sandbox.async_client(retry_policy=fp.RetryPolicy(max_retries=1, base=0.001, cap=0.01)) as client:
        await async_cards(client, card)
        await async_clients_and_transactions(client, card)
        await async_gift_cards(client)
        await async_errors(client)
        await async_developer_experience(client, card)


def main() -> None:
    sandbox = Sandbox()
    card: Card = sandbox.create_card()
    with sandbox.serve(port=0) as server:
        configuration(server)
    with sandbox.client(retry_policy=fp.RetryPolicy(max_retries=1, base=0.001, cap=0.01)) as client:
        sync_cards(client, card)
        sync_clients_and_transactions(client, card)
        sync_gift_cards(client, sandbox)
        sync_errors(client, sandbox)
        sync_developer_experience(client, card)
    sync_lifecycle(sandbox)
    asyncio.run(async_main(sandbox, card))
    low_level_and_tools()
    print("typing app: ok")


if __name__ == "__main__":
    main()
