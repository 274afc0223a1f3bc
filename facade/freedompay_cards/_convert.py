"""From the generated models (and the raw answer they came from) to the facade's results, shared by the
sync and async clients.

A converter takes ``(parsed, raw, request_id)``: ``parsed`` is the generated model (typed: a field renamed
in the spec is a type error here), ``raw`` the JSON object it was made from, whose fields the result does
not map become the result's ``extra`` (``leftover``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from ._core import LazyArray, as_datetime, decimal, unset
from ._enums import RequestStatus
from ._errors import UnexpectedResponseError
from ._models import (
    Account,
    Authorization,
    Balance,
    CardholderValidation,
    CardInfo,
    ClientCard,
    ClientCards,
    ExtendedStatement,
    GiftCard,
    GiftCardState,
    GiftCardStatus,
    GiftProduct,
    GiftProducts,
    GiftResult,
    LazyResults,
    Limit,
    LimitAmount,
    LimitList,
    OperationResult,
    SecretCardData,
    StatementOperation,
    TransactionInfo,
    answer_paths,
    secret_pan,
)
from ._redact import SECRET_FIELDS, Secret, redact

T = TypeVar("T")

if TYPE_CHECKING:
    from freedompay_card_api import models as m


def _guard(value: Any) -> Any:
    """A value kept in ``extra``: secret-named fields inside it wrapped in ``Secret``."""
    if isinstance(value, dict):
        return {k: Secret(str(v)) if k.lower() in SECRET_FIELDS else _guard(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_guard(v) for v in value]
    return value


def leftover(raw: dict[str, Any], result: type) -> dict[str, Any]:
    """The fields of ``raw`` that ``result`` does not map, by answer path (``card.card_status`` for a
    field of a nested object whose other fields are mapped)."""
    return _leftover(raw, answer_paths(result), "")


def _leftover(raw: dict[str, Any], paths: frozenset[str], prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        path = prefix + key
        if path in paths:
            continue
        if isinstance(value, dict) and any(p.startswith(path + ".") for p in paths):
            out.update(_leftover(value, paths, path + "."))
        else:
            out[path] = Secret(str(value)) if key.lower() in SECRET_FIELDS else _guard(value)
    return out


def _object(raw: Any) -> dict[str, Any]:
    return raw if isinstance(raw, dict) else {}


def _request_status(parsed: Any) -> RequestStatus:
    state = unset(parsed.request_status)
    if state is None:
        raise UnexpectedResponseError("the answer has no request_status")
    return RequestStatus(state)  # read_answer let only documented states through


def _optional_status(parsed: Any) -> RequestStatus | None:
    state = unset(getattr(parsed, "request_status", None))
    return None if state is None else RequestStatus(state)


def _required(value: Decimal | None, name: str) -> Decimal:
    if value is None:
        raise UnexpectedResponseError(f"the answer has no {name}")
    return value


def timestamp(value: Any, name: str) -> _dt.datetime | None:
    """A time the API writes as text (gift cards: ``YYYY-MM-DD hh:mm:ss`` without a zone, kept naive;
    authorizations: as written, ISO 8601)."""
    value = unset(value)
    if value is None or isinstance(value, _dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return _dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            pass
    raise UnexpectedResponseError(f"{name} is not a date and time: {str(value)[:40]!r}")


def operation_result(
    parsed: Any, raw: dict[str, Any], request_id: str | None, *, reconciled: bool = False
) -> OperationResult:
    """An envelope, or a Request status answer (which adds the created ids)."""
    cards = unset(getattr(parsed, "cards", None)) or []
    return OperationResult(
        request_id=request_id,
        request_status=_request_status(parsed),
        dt=as_datetime(parsed.dt),
        card_ids=tuple(c for c in (unset(card.card_id) for card in cards) if c is not None),
        client_id=unset(getattr(parsed, "client_id", None)),
        transaction_id=unset(getattr(parsed, "transaction_id", None)),
        fin_document_id=unset(getattr(parsed, "fin_document_id", None)),
        error_code=unset(parsed.error_code),
        error_description=unset(parsed.error_description),
        reconciled=reconciled,
        extra=leftover(raw, OperationResult),
    )


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


_SECRET_DATA_ENVELOPE = frozenset({"status", "request_status", "dt", "error_code", "error_description", "card_id"})


def secret_data(parsed: m.SecretDataResponse, raw: dict[str, Any], request_id: str | None) -> SecretCardData:
    fields = {k: Secret(str(v)) for k, v in raw.items() if k not in _SECRET_DATA_ENVELOPE and v is not None}
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


def statement_operation(parsed: m.StatementOperation, raw: dict[str, Any]) -> StatementOperation:
    mcc = parsed.mcc
    return StatementOperation(
        type=parsed.type_,
        amount=_required(decimal(parsed.amount), "amount"),
        commission=_required(decimal(parsed.commission), "commission"),
        currency=parsed.currency,
        mcc=mcc if isinstance(mcc, int) else (int(mcc) if Decimal(mcc) == int(mcc) else Decimal(mcc)),
        datetime=parsed.datetime_,
        rrn=parsed.rrn,
        merchant=dict(parsed.merchant.additional_properties),
        extra=leftover(raw, StatementOperation),
    )


def authorization(parsed: m.Authorization, raw: dict[str, Any]) -> Authorization:
    merchant = unset(parsed.merchant)
    return Authorization(
        datetime=timestamp(parsed.datetime_, "datetime"),
        type=unset(parsed.type_),
        amount=decimal(parsed.amount),
        commission=decimal(parsed.commission),
        full_amount=decimal(parsed.full_amount),
        cashback=decimal(parsed.cashback),
        currency=unset(parsed.currency),
        iban=unset(parsed.iban),
        merchant={} if merchant is None else dict(merchant.additional_properties),
        additional_parameters=tuple(item.to_dict() for item in unset(parsed.additional_parameters) or ()),
        extra=leftover(raw, Authorization),
    )


def _items(
    parsed_items: Any, raw_items: Any, model: Any, convert: Callable[[Any, dict[str, Any]], T], name: str
) -> Sequence[T]:
    """Results for an answer's array: lazily from a ``LazyArray``, or from already parsed models."""
    if isinstance(parsed_items, LazyArray):
        return LazyResults(parsed_items, lambda item: convert(model.from_dict(item), item), name)
    raws = raw_items if isinstance(raw_items, list) else []
    return tuple(convert(item, _object(r)) for item, r in zip(unset(parsed_items) or (), raws, strict=False))


def statement_operations(
    parsed: m.StatementResponse, raw: dict[str, Any], request_id: str | None = None
) -> Sequence[StatementOperation]:
    from freedompay_card_api.models.statement_operation import StatementOperation as Model

    return _items(parsed.operations, raw.get("operations"), Model, statement_operation, "cards.statement")


def extended_statement(
    parsed: m.StatementExtendedResponse, raw: dict[str, Any], request_id: str | None = None
) -> ExtendedStatement:
    from freedompay_card_api.models.authorization import Authorization as Model

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
        authorizations=_items(parsed.authorizations, raw.get("authorizations"), Model, authorization, name),
        operations=_items(parsed.operations, raw.get("operations"), Model, authorization, name),
        dt=as_datetime(parsed.dt),
        extra=leftover(raw, ExtendedStatement),
    )


def client_cards(parsed: m.ClientCardsResponse, raw: dict[str, Any], request_id: str | None = None) -> ClientCards:
    raws = raw.get("cards") if isinstance(raw.get("cards"), list) else []
    cards = tuple(
        ClientCard(
            card_id=unset(c.card_id),
            card_mask=unset(c.card_mask),
            card_status=unset(c.card_status),
            extra=leftover(_object(r), ClientCard),
        )
        for c, r in zip(unset(parsed.cards) or [], raws or [], strict=False)
    )
    return ClientCards(
        request_id=request_id,
        request_status=_request_status(parsed),
        cards=cards,
        dt=as_datetime(parsed.dt),
        extra=leftover(raw, ClientCards),
    )


def transaction_info(parsed: m.TransactionInfoResponse, raw: dict[str, Any], request_id: str | None) -> TransactionInfo:
    transaction = unset(parsed.transaction)
    details = redact(transaction.to_dict()) if transaction is not None else {}
    additional: dict[str, Any] = {}
    for item in unset(parsed.additional) or ():
        key, value = unset(item.key), unset(item.value)
        if key is not None:
            additional[key] = Secret(str(value)) if key.lower() in SECRET_FIELDS else _guard(value)
    return TransactionInfo(
        request_id=request_id,
        request_status=_request_status(parsed),
        status=details.get("status"),
        error_code=details.get("error_code"),
        error_description=details.get("error_description"),
        details=details,
        additional=additional,
        dt=as_datetime(parsed.dt),
        extra=leftover(raw, TransactionInfo),
    )


def _listed_amount(parsed: m.ListedLimitAmount, raw: dict[str, Any]) -> LimitAmount:
    currency = unset(parsed.currency)
    if currency is None:
        raise UnexpectedResponseError("a listed limit's amount has no currency")
    return LimitAmount(
        value=_required(decimal(parsed.value), "value in a listed limit's amount"),
        currency=currency,
        kind=unset(parsed.type_) or "max",
        extra=leftover(raw, LimitAmount),
    )


def _listed_limit(parsed: m.ListedLimit, raw: dict[str, Any]) -> Limit:
    transaction_type = unset(parsed.transaction_type)
    if transaction_type is None:
        raise UnexpectedResponseError("a listed limit has no transaction_type")
    raws = raw.get("amount") if isinstance(raw.get("amount"), list) else []
    return Limit(
        transaction_type=transaction_type,
        amounts=tuple(
            _listed_amount(a, _object(r)) for a, r in zip(unset(parsed.amount) or [], raws or [], strict=False)
        ),
        period=unset(parsed.period),
        region=unset(parsed.region),
        extra=leftover(raw, Limit),
    )


def limit_list(parsed: m.LimitListResponse, raw: dict[str, Any], request_id: str | None) -> LimitList:
    raws = raw.get("limits") if isinstance(raw.get("limits"), list) else []
    return LimitList(
        request_id=request_id,
        request_status=_request_status(parsed),
        limits=tuple(
            _listed_limit(p, _object(r)) for p, r in zip(unset(parsed.limits) or [], raws or [], strict=False)
        ),
        dt=as_datetime(parsed.dt),
        extra=leftover(raw, LimitList),
    )


def gift_products(
    parsed: m.GiftProductListResponse, raw: dict[str, Any], request_id: str | None = None
) -> GiftProducts:
    raws = raw.get("product_list") if isinstance(raw.get("product_list"), list) else []
    products = tuple(
        GiftProduct(
            code=p.code,
            name=unset(p.name),
            name_en=unset(p.name_en),
            currency=unset(p.currency),
            balance=decimal(p.balance),
            image=unset(p.image),
            extra=leftover(_object(r), GiftProduct),
        )
        for p, r in zip(unset(parsed.product_list) or [], raws or [], strict=False)
    )
    return GiftProducts(
        products=products, datetime=timestamp(parsed.datetime_, "datetime"), extra=leftover(raw, GiftProducts)
    )


def gift_card(parsed: m.GiftIssueResponse, raw: dict[str, Any], request_id: str | None = None) -> GiftCard:
    card_id = unset(parsed.card_id)
    if not isinstance(card_id, int):
        raise UnexpectedResponseError("the issue answer has status 0 but no card_id", operation="gift_cards.issue")
    return GiftCard(card_id=card_id, datetime=timestamp(parsed.datetime_, "datetime"), extra=leftover(raw, GiftCard))


def gift_state(
    parsed: m.GiftCardStateResponse | m.GiftConfirmResponse, raw: dict[str, Any], request_id: str | None = None
) -> GiftCardState:
    status = unset(parsed.card_status)
    known = type(status) is int and status in GiftCardStatus._value2member_map_
    balance = unset(parsed.card_balance)
    return GiftCardState(
        card_status=GiftCardStatus(status) if known else status,
        currency=unset(parsed.card_currency),
        balance=None if balance is None else decimal(balance),
        card_mask=unset(parsed.card_mask),
        datetime=timestamp(parsed.datetime_, "datetime"),
        extra=leftover(raw, GiftCardState),
    )


def gift_result(parsed: m.GiftEnvelope, raw: dict[str, Any], request_id: str | None = None) -> GiftResult:
    return GiftResult(
        status=parsed.status, datetime=timestamp(parsed.datetime_, "datetime"), extra=leftover(raw, GiftResult)
    )
