# Generated from facade/freedompay_cards/_async/ by scripts/generate.py (`make generate`). Do not edit:
# add or change methods in the async resource classes and regenerate.
"""``client.with_raw_response``: every method of every resource, returning ``RawResponse`` (see ``_raw``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._raw import async_raw, async_raw_listing, sync_raw, sync_raw_listing

if TYPE_CHECKING:
    from ._async._client import AsyncCardClient
    from ._async.cards import AsyncCards
    from ._async.clients import AsyncClients
    from ._async.gift_cards import AsyncGiftCards
    from ._async.limits import AsyncLimits
    from ._async.requests import AsyncRequests
    from ._async.transactions import AsyncTransactions
    from ._sync._client import CardClient
    from ._sync.cards import Cards
    from ._sync.clients import Clients
    from ._sync.gift_cards import GiftCards
    from ._sync.limits import Limits
    from ._sync.requests import Requests
    from ._sync.transactions import Transactions


class AsyncCardsWithRawResponse:
    """``cards`` methods returning ``RawResponse``."""

    def __init__(self, cards: AsyncCards) -> None:
        self.bulk_issue = async_raw(cards.bulk_issue)
        self.issue = async_raw(cards.issue)
        self.issue_plastic = async_raw(cards.issue_plastic)
        self.activate = async_raw(cards.activate)
        self.block = async_raw(cards.block)
        self.unblock = async_raw(cards.unblock)
        self.close = async_raw(cards.close)
        self.set_pin = async_raw(cards.set_pin)
        self.reset_pin_counter = async_raw(cards.reset_pin_counter)
        self.link_client = async_raw(cards.link_client)
        self.info = async_raw(cards.info)
        self.balance = async_raw(cards.balance)
        self.secret_data = async_raw(cards.secret_data)
        self.secret_data_v2 = async_raw(cards.secret_data_v2)
        self.statement = async_raw_listing(cards.statement)
        self.statement_extended = async_raw(cards.statement_extended)
        self.validate_cardholder = async_raw(cards.validate_cardholder)


class AsyncClientsWithRawResponse:
    """``clients`` methods returning ``RawResponse``."""

    def __init__(self, clients: AsyncClients) -> None:
        self.create = async_raw(clients.create)
        self.update_phone = async_raw(clients.update_phone)
        self.list_cards = async_raw(clients.list_cards)


class AsyncGiftCardsWithRawResponse:
    """``gift_cards`` methods returning ``RawResponse``."""

    def __init__(self, gift_cards: AsyncGiftCards) -> None:
        self.products = async_raw(gift_cards.products)
        self.issue = async_raw(gift_cards.issue)
        self.confirm = async_raw(gift_cards.confirm)
        self.resend = async_raw(gift_cards.resend)
        self.resend_code = async_raw(gift_cards.resend_code)
        self.status = async_raw(gift_cards.status)


class AsyncLimitsWithRawResponse:
    """``limits`` methods returning ``RawResponse``."""

    def __init__(self, limits: AsyncLimits) -> None:
        self.set = async_raw(limits.set)
        self.list = async_raw(limits.list)


class AsyncRequestsWithRawResponse:
    """``requests`` methods returning ``RawResponse``."""

    def __init__(self, requests: AsyncRequests) -> None:
        self.status = async_raw(requests.status)
        self.wait = async_raw(requests.wait)


class AsyncTransactionsWithRawResponse:
    """``transactions`` methods returning ``RawResponse``."""

    def __init__(self, transactions: AsyncTransactions) -> None:
        self.create = async_raw(transactions.create)
        self.clear = async_raw(transactions.clear)
        self.refund = async_raw(transactions.refund)
        self.info = async_raw(transactions.info)
        self.request_status = async_raw(transactions.request_status)


class AsyncCardClientWithRawResponse:
    """The client's resources, each method returning ``RawResponse``."""

    def __init__(self, client: AsyncCardClient) -> None:
        self.cards = AsyncCardsWithRawResponse(client.cards)
        self.clients = AsyncClientsWithRawResponse(client.clients)
        self.gift_cards = AsyncGiftCardsWithRawResponse(client.gift_cards)
        self.limits = AsyncLimitsWithRawResponse(client.limits)
        self.requests = AsyncRequestsWithRawResponse(client.requests)
        self.transactions = AsyncTransactionsWithRawResponse(client.transactions)


class CardsWithRawResponse:
    """``cards`` methods returning ``RawResponse``."""

    def __init__(self, cards: Cards) -> None:
        self.bulk_issue = sync_raw(cards.bulk_issue)
        self.issue = sync_raw(cards.issue)
        self.issue_plastic = sync_raw(cards.issue_plastic)
        self.activate = sync_raw(cards.activate)
        self.block = sync_raw(cards.block)
        self.unblock = sync_raw(cards.unblock)
        self.close = sync_raw(cards.close)
        self.set_pin = sync_raw(cards.set_pin)
        self.reset_pin_counter = sync_raw(cards.reset_pin_counter)
        self.link_client = sync_raw(cards.link_client)
        self.info = sync_raw(cards.info)
        self.balance = sync_raw(cards.balance)
        self.secret_data = sync_raw(cards.secret_data)
        self.secret_data_v2 = sync_raw(cards.secret_data_v2)
        self.statement = sync_raw_listing(cards.statement)
        self.statement_extended = sync_raw(cards.statement_extended)
        self.validate_cardholder = sync_raw(cards.validate_cardholder)


class ClientsWithRawResponse:
    """``clients`` methods returning ``RawResponse``."""

    def __init__(self, clients: Clients) -> None:
        self.create = sync_raw(clients.create)
        self.update_phone = sync_raw(clients.update_phone)
        self.list_cards = sync_raw(clients.list_cards)


class GiftCardsWithRawResponse:
    """``gift_cards`` methods returning ``RawResponse``."""

    def __init__(self, gift_cards: GiftCards) -> None:
        self.products = sync_raw(gift_cards.products)
        self.issue = sync_raw(gift_cards.issue)
        self.confirm = sync_raw(gift_cards.confirm)
        self.resend = sync_raw(gift_cards.resend)
        self.resend_code = sync_raw(gift_cards.resend_code)
        self.status = sync_raw(gift_cards.status)


class LimitsWithRawResponse:
    """``limits`` methods returning ``RawResponse``."""

    def __init__(self, limits: Limits) -> None:
        self.set = sync_raw(limits.set)
        self.list = sync_raw(limits.list)


class RequestsWithRawResponse:
    """``requests`` methods returning ``RawResponse``."""

    def __init__(self, requests: Requests) -> None:
        self.status = sync_raw(requests.status)
        self.wait = sync_raw(requests.wait)


class TransactionsWithRawResponse:
    """``transactions`` methods returning ``RawResponse``."""

    def __init__(self, transactions: Transactions) -> None:
        self.create = sync_raw(transactions.create)
        self.clear = sync_raw(transactions.clear)
        self.refund = sync_raw(transactions.refund)
        self.info = sync_raw(transactions.info)
        self.request_status = sync_raw(transactions.request_status)


class CardClientWithRawResponse:
    """The client's resources, each method returning ``RawResponse``."""

    def __init__(self, client: CardClient) -> None:
        self.cards = CardsWithRawResponse(client.cards)
        self.clients = ClientsWithRawResponse(client.clients)
        self.gift_cards = GiftCardsWithRawResponse(client.gift_cards)
        self.limits = LimitsWithRawResponse(client.limits)
        self.requests = RequestsWithRawResponse(client.requests)
        self.transactions = TransactionsWithRawResponse(client.transactions)
