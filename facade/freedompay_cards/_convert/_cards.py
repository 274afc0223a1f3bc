"""Answers of the cards resource as their results."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .._core import as_datetime, decimal, secret_answer_keeps, unset
from .._models._base import secret_pan
from .._models._cards import (
    Account,
    Authorization,
    Balance,
    CardholderValidation,
    CardInfo,
    ExtendedStatement,
    SecretCardData,
    StatementOperation,
)
from .._redact import Secret
from ._base import (
    _items,
    _object,
    _optional_status,
    _request_status,
    _required,
    aware_datetime,
    leftover,
    timestamp,
)

if TYPE_CHECKING:
    from freedompay_card_api import models as m


def card_info(parsed: m.CardInfoResponse, raw: dict[str, Any], request_id: str | None) -> CardInfo:
    expiry = unset(parsed.expiry)
    return CardInfo(
        request_id=request_id,
        request_status=_request_status(parsed),
        card_id=unset(parsed.card_id),
        card_mask=unset(parsed.card_mask),
        card_status=unset(parsed.card_status),
        client_id=unset(parsed.client_id),
        product_id=unset(parsed.product_id),
        expiry=None if expiry is None else Secret(str(expiry)),
        dt=as_datetime(parsed.dt),
        extra=leftover(raw, CardInfo),
    )


def cardholder_validation(
    parsed: m.CardholderValidationResponse, raw: dict[str, Any], request_id: str | None
) -> CardholderValidation:
    return CardholderValidation(
        request_id=request_id,
        score=parsed.score,
        fishy=unset(parsed.fishy),
        dt=timestamp(parsed.dt, "dt"),
        extra=leftover(raw, CardholderValidation),
    )


def account(parsed: m.Account, raw: dict[str, Any]) -> Account:
    return Account(
        iban=unset(parsed.iban),
        currency=unset(parsed.currency),
        amount=decimal(parsed.amount),
        blocked_amount=decimal(parsed.blocked_amount),
        debit=decimal(parsed.debit),
        credit=decimal(parsed.credit),
        extra=leftover(raw, Account),
    )


def _accounts(parsed_accounts: Any, raw_accounts: Any) -> tuple[Account, ...]:
    raws = raw_accounts if isinstance(raw_accounts, list) else []
    return tuple(account(a, _object(r)) for a, r in zip(unset(parsed_accounts) or [], raws, strict=False))


def balance(parsed: m.BalanceResponse, raw: dict[str, Any], request_id: str | None) -> Balance:
    return Balance(
        request_id=request_id,
        request_status=_request_status(parsed),
        card_id=unset(parsed.card_id),
        accounts=_accounts(parsed.accounts, raw.get("accounts")),
        dt=as_datetime(parsed.dt),
        extra=leftover(raw, Balance),
    )


def secret_data(parsed: m.SecretDataResponse, raw: dict[str, Any], request_id: str | None) -> SecretCardData:
    keep = secret_answer_keeps()  # what SecretCardData.fields leaves out
    fields = {k: Secret(str(v)) for k, v in raw.items() if k not in keep and v is not None}
    pan, expiry, cvv, name = (unset(parsed.pan), unset(parsed.expiry), unset(parsed.cvv), unset(parsed.cardholder_name))
    return SecretCardData(
        request_id=request_id,
        card_id=unset(parsed.card_id),
        pan=None if pan is None else secret_pan(str(pan)),
        expiry=None if expiry is None else Secret(str(expiry)),
        cvv=None if cvv is None else Secret(str(cvv)),
        cardholder_name=None if name is None else Secret(str(name)),
        request_status=_optional_status(parsed),
        dt=as_datetime(parsed.dt),
        fields=fields,
    )


# The items of a statement are many (a hundred thousand is ordinary): each is converted straight from its
# JSON object, already checked against the spec's item schema, without a generated model in between.


def statement_operation(raw: dict[str, Any]) -> StatementOperation:
    mcc = raw["mcc"]
    return StatementOperation(
        type=raw["type"],
        amount=_required(decimal(raw["amount"]), "amount"),
        commission=_required(decimal(raw["commission"]), "commission"),
        currency=raw["currency"],
        mcc=mcc if isinstance(mcc, int) else (int(mcc) if Decimal(mcc) == int(mcc) else Decimal(mcc)),
        datetime=aware_datetime(raw["datetime"]),
        rrn=raw["rrn"],
        merchant=raw["merchant"],
        extra=leftover(raw, StatementOperation),
    )


def authorization(raw: dict[str, Any]) -> Authorization:
    get = raw.get
    merchant = get("merchant")
    parameters = get("additional_parameters")
    # positional, in the class's field order (a third cheaper than keywords, for the many items of a
    # statement); tests/test_lazy_statements.py gives every field a value of its own to keep the order true
    return Authorization(
        timestamp(get("datetime"), "datetime"),  # datetime
        get("type"),  # type
        decimal(get("amount")),  # amount
        decimal(get("commission")),  # commission
        decimal(get("full_amount")),  # full_amount
        decimal(get("cashback")),  # cashback
        get("currency"),  # currency
        get("iban"),  # iban
        {} if merchant is None else merchant,  # merchant
        tuple([dict(item) for item in parameters]) if parameters else (),  # additional_parameters
        leftover(raw, Authorization),  # extra
    )


def statement_operations(
    parsed: m.StatementResponse, raw: dict[str, Any], request_id: str | None = None
) -> Sequence[StatementOperation]:
    return _items(raw.get("operations"), statement_operation, "cards.statement")


def extended_statement(
    parsed: m.StatementExtendedResponse, raw: dict[str, Any], request_id: str | None = None
) -> ExtendedStatement:
    card = unset(parsed.card)
    balances = unset(parsed.balances)
    name = "cards.statement_extended"
    return ExtendedStatement(
        request_status=_optional_status(parsed),
        client_id=unset(parsed.client_id),
        card_id=None if card is None else unset(card.card_id),
        card_mask=None if card is None else unset(card.card_mask),
        accounts=_accounts(
            None if balances is None else balances.accounts, _object(raw.get("balances")).get("accounts")
        ),
        authorizations=_items(raw.get("authorizations"), authorization, name),
        operations=_items(raw.get("operations"), authorization, name),
        dt=as_datetime(parsed.dt),
        extra=leftover(raw, ExtendedStatement),
    )
