"""Dictionaries of the Card API (documented), as enums."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from ._request_status import RequestStatus as RequestStatus


class Product(IntEnum):
    """Card products (documented dictionary)."""

    FREEDOM_WALLET_CARD = 1000
    INSTANT_CARD = 2000
    ELECTRON_CARD = 3000


class ClientType(IntEnum):
    """Client types (documented dictionary)."""

    INDIVIDUAL = 1
    LEGAL_ENTITY = 2
    INDIVIDUAL_ENTREPRENEUR = 3


class Residency(IntEnum):
    """Client residency (documented dictionary)."""

    RESIDENT = 1
    NON_RESIDENT = 2


class GiftCardStatus(IntEnum):
    """Gift card states (documented)."""

    UNKNOWN = 0
    ISSUED = 1
    ACTIVATED = 2
    CANCELED = 3
    BLOCKED = 4
    EXPIRED = 5


class LimitScope(StrEnum):
    """What a spending limit applies to (Set limits, Limits list: the pages name these three)."""

    CARD = "card"
    ACCOUNT = "account"
    CLIENT = "client"
