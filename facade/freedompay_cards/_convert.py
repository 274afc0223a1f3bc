"""From the generated models to the facade's results (shared by the sync and async clients)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from ._core import LazyArray, as_datetime, decimal, unset
from ._errors import UnexpectedResponseError
from ._models import (
    Account,
    Authorization,
    Balance,
    CardInfo,
    ClientCard,
    ClientCards,
    ExtendedStatement,
    GiftCard,
    GiftCardState,
    GiftCardStatus,
    GiftProduct,
    GiftResult,
    LazyResults,
    OperationResult,
    SecretCardData,
    StatementOperation,
    TransactionInfo,
    secret_pan,
)
from ._redact import Secret, redact

T = TypeVar("T")

if TYPE_CHECKING:
    from freedompay_card_api import models as m


def _required(value: Decimal | None) -> Decimal:
    if value is None:
        raise UnexpectedResponseError("a required amount is missing from the answer")
    return value


def _extra(parsed: Any) -> dict[str, Any]:
    return dict(getattr(parsed, "additional_properties", {}))


def operation_result(parsed: Any, request_id: str | None, *, reconciled: bool = False) -> OperationResult:
    """An envelope, or a Request status answer (which adds the created ids)."""
    cards = unset(getattr(parsed, "cards", None)) or []
    return OperationResult(
        request_id=request_id,
        request_status=unset(parsed.request_status) or "",
        dt=as_datetime(parsed.dt),
        card_ids=tuple(c for c in (unset(card.card_id) for card in cards) if c is not None),
        client_id=unset(getattr(parsed, "client_id", None)),
        transaction_id=unset(getattr(parsed, "transaction_id", None)),
        fin_document_id=unset(getattr(parsed, "fin_document_id", None)),
        error_code=unset(parsed.error_code),
        error_description=unset(parsed.error_description),
        reconciled=reconciled,
        extra=_extra(parsed),
    )


def card_info(parsed: m.CardInfoResponse, request_id: str | None) -> CardInfo:
    expiry = unset(parsed.expiry)
    return CardInfo(
        request_id=request_id,
        request_status=unset(parsed.request_status) or "",
        card_id=unset(parsed.card_id),
        card_mask=unset(parsed.card_mask),
        card_status=unset(parsed.card_status),
        client_id=unset(parsed.client_id),
        product_id=unset(parsed.product_id),
        expiry=None if expiry is None else Secret(str(expiry)),
        dt=as_datetime(parsed.dt),
        extra=_extra(parsed),
    )


def account(parsed: m.Account) -> Account:
    return Account(
        iban=unset(parsed.iban),
        currency=unset(parsed.currency),
        amount=decimal(parsed.amount),
        blocked_amount=decimal(parsed.blocked_amount),
        debit=unset(parsed.debit),
        credit=unset(parsed.credit),
    )


def balance(parsed: m.BalanceResponse, request_id: str | None) -> Balance:
    return Balance(
        request_id=request_id,
        request_status=unset(parsed.request_status) or "",
        card_id=unset(parsed.card_id),
        accounts=tuple(account(a) for a in unset(parsed.accounts) or []),
        dt=as_datetime(parsed.dt),
    )


def secret_data(parsed: m.SecretDataResponse, request_id: str | None) -> SecretCardData:
    raw = parsed.to_dict()
    envelope = {"status", "request_status", "dt", "error_code", "error_description", "card_id"}
    fields = {k: Secret(str(v)) for k, v in raw.items() if k not in envelope and v is not None}
    pan, expiry, cvv, name = (unset(parsed.pan), unset(parsed.expiry), unset(parsed.cvv), unset(parsed.cardholder_name))
    return SecretCardData(
        request_id=request_id,
        card_id=unset(parsed.card_id),
        pan=None if pan is None else secret_pan(str(pan)),
        expiry=None if expiry is None else Secret(str(expiry)),
        cvv=None if cvv is None else Secret(str(cvv)),
        cardholder_name=None if name is None else Secret(str(name)),
        fields=fields,
    )


def statement_operation(parsed: m.StatementOperation) -> StatementOperation:
    mcc = parsed.mcc
    return StatementOperation(
        type=parsed.type_,
        amount=_required(decimal(parsed.amount)),
        commission=_required(decimal(parsed.commission)),
        currency=parsed.currency,
        mcc=int(mcc) if isinstance(mcc, float) and mcc.is_integer() else mcc,
        datetime=parsed.datetime_,
        rrn=parsed.rrn,
        merchant=dict(parsed.merchant.additional_properties),
    )


def authorization(parsed: m.Authorization) -> Authorization:
    merchant = unset(parsed.merchant)
    return Authorization(
        datetime=unset(parsed.datetime_),
        type=unset(parsed.type_),
        amount=decimal(parsed.amount),
        commission=decimal(parsed.commission),
        full_amount=decimal(parsed.full_amount),
        cashback=decimal(parsed.cashback),
        currency=unset(parsed.currency),
        iban=unset(parsed.iban),
        merchant={} if merchant is None else dict(merchant.additional_properties),
        additional_parameters=tuple(unset(parsed.additional_parameters) or ()),
    )


def _items(parsed_items: Any, model: Any, convert: Callable[[Any], T], name: str) -> Sequence[T]:
    """Results for an answer's array: lazily from a ``LazyArray``, or from already parsed models."""
    if isinstance(parsed_items, LazyArray):
        return LazyResults(parsed_items, lambda raw: convert(model.from_dict(raw)), name)
    return tuple(convert(item) for item in unset(parsed_items) or ())


def statement_operations(parsed: m.StatementResponse, request_id: str | None = None) -> Sequence[StatementOperation]:
    from freedompay_card_api.models.statement_operation import StatementOperation as Model

    return _items(parsed.operations, Model, statement_operation, "cards.statement")


def extended_statement(parsed: m.StatementExtendedResponse, request_id: str | None = None) -> ExtendedStatement:
    from freedompay_card_api.models.authorization import Authorization as Model

    card = unset(parsed.card)
    balances = unset(parsed.balances)
    return ExtendedStatement(
        request_status=unset(parsed.request_status),
        client_id=unset(parsed.client_id),
        card_id=None if card is None else unset(card.card_id),
        card_mask=None if card is None else unset(card.card_mask),
        accounts=tuple(account(a) for a in (unset(balances.accounts) if balances else None) or []),
        authorizations=_items(parsed.authorizations, Model, authorization, "cards.statement_extended"),
        operations=_items(parsed.operations, Model, authorization, "cards.statement_extended"),
        dt=as_datetime(parsed.dt),
    )


def client_cards(parsed: m.ClientCardsResponse, request_id: str | None = None) -> ClientCards:
    cards = tuple(
        ClientCard(card_id=unset(c.card_id), card_mask=unset(c.card_mask), card_status=unset(c.card_status))
        for c in unset(parsed.cards) or []
    )
    return ClientCards(request_id=request_id, request_status=unset(parsed.request_status) or "", cards=cards)


def transaction_info(parsed: m.TransactionInfoResponse, request_id: str | None) -> TransactionInfo:
    transaction = unset(parsed.transaction)
    details = redact(transaction.to_dict()) if transaction is not None else {}
    return TransactionInfo(
        request_id=request_id,
        request_status=unset(parsed.request_status) or "",
        error_code=details.get("error_code"),
        error_description=details.get("error_description"),
        details=details,
        dt=as_datetime(parsed.dt),
    )


def gift_products(parsed: m.GiftProductListResponse, request_id: str | None = None) -> tuple[GiftProduct, ...]:
    return tuple(
        GiftProduct(
            code=p.code,
            name=unset(p.name),
            name_en=unset(p.name_en),
            currency=unset(p.currency),
            balance=decimal(p.balance),
            image=unset(p.image),
        )
        for p in unset(parsed.product_list) or []
    )


def gift_card(parsed: m.GiftIssueResponse, request_id: str | None = None) -> GiftCard:
    card_id = unset(parsed.card_id)
    if not isinstance(card_id, int):
        raise UnexpectedResponseError("the issue answer has status 0 but no card_id", operation="gift_cards.issue")
    return GiftCard(card_id=card_id, datetime=unset(parsed.datetime_))


def gift_state(parsed: m.GiftCardStateResponse, request_id: str | None = None) -> GiftCardState:
    status = unset(parsed.card_status)
    known = type(status) is int and status in GiftCardStatus._value2member_map_
    return GiftCardState(
        card_status=GiftCardStatus(status) if known else status,
        currency=unset(parsed.card_currency),
        balance=unset(parsed.card_balance),
        card_mask=unset(parsed.card_mask),
        datetime=unset(parsed.datetime_),
    )


def gift_result(parsed: m.GiftEnvelope, request_id: str | None = None) -> GiftResult:
    return GiftResult(status=parsed.status, datetime=unset(parsed.datetime_))
