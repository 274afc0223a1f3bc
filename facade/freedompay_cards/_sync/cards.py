# Generated from facade/freedompay_cards/_async/cards.py by scripts/generate.py (`make generate`).
# Do not edit: change the async original and regenerate.
"""``client.cards``: issue, activate, block/unblock/close, PIN, details, balances, statements, secret data,
and cardholder validation.

Hand-written async original; ``_sync/cards.py`` is generated from it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Literal, Unpack, overload

from .. import _validate as v
from .._errors import InvalidRequestError
from .._lazy import LazyModule
from .._options import CallSettings, RequestOptions

if TYPE_CHECKING:
    from freedompay_card_api import models as m

    from .. import _convert as convert
    from .._enums import Product
    from .._listing import Listing
    from .._models import (
        Balance,
        CardholderValidation,
        CardInfo,
        ExtendedStatement,
        IssuedCards,
        OperationResult,
        SecretCardData,
        StatementOperation,
    )
    from ._client import CardClient
else:
    m = LazyModule("freedompay_card_api.models")
    convert = LazyModule("freedompay_cards._convert")

_CARDHOLDER = frozenset(
    {"first_name", "last_name", "middle_name", "birthdate", "phone", "email", "country", "person_id"}
)


class Cards:
    """Payment cards. Every method that sends a ``request_id`` takes ``request_id=`` (a UUID; one is made
    when omitted), and every method takes the per-call options (``RequestOptions``: ``timeout=``,
    ``max_retries=``, ``deadline=``, ``extra_headers=``, ``extra_body=``); results carry the ``request_id``
    sent."""

    def __init__(self, client: CardClient, pin_encryptor: Callable[[str], str] | None = None) -> None:
        self._client = client
        self.pin_encryptor = pin_encryptor

    @overload
    def bulk_issue(
        self,
        product: Product | int,
        quantity: int,
        *,
        request_id: str | None = None,
        wait: Literal[True],
        wait_timeout: float = 60.0,
        **options: Unpack[RequestOptions],
    ) -> IssuedCards: ...
    @overload
    def bulk_issue(
        self,
        product: Product | int,
        quantity: int,
        *,
        request_id: str | None = None,
        wait: bool = False,
        wait_timeout: float = 60.0,
        **options: Unpack[RequestOptions],
    ) -> OperationResult: ...

    def bulk_issue(
        self,
        product: Product | int,
        quantity: int,
        *,
        request_id: str | None = None,
        wait: bool = False,
        wait_timeout: float = 60.0,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Issue ``quantity`` cards that belong to no client yet (link one later with ``link_client``).

        Returns the operation's state; with ``wait=True``, waits for the outcome and returns
        ``IssuedCards`` with the new ``card_ids``. Inferred: the docs list this method but its page is
        not available (path and the ``quantity`` field are guesses).
        """
        rid = self._client._request_id(request_id)
        body = m.BulkIssueRequest(
            request_id=v.request_uuid(rid),
            product_id=v.enum_member("product", product, m.ProductId),
            quantity=v.count("quantity", quantity),
        )
        return self._client._operation("cards.bulk_issue", body, rid, options, wait=wait, wait_timeout=wait_timeout)

    @overload
    def issue(
        self,
        product: Product | int,
        *,
        first_name: str,
        last_name: str,
        phone: str | int,
        country: str,
        person_id: str,
        middle_name: str | None = None,
        birthdate: dt.date | None = None,
        email: str | None = None,
        extra_cardholder_fields: dict[str, Any] | None = None,
        request_id: str | None = None,
        wait: Literal[True],
        wait_timeout: float = 60.0,
        **options: Unpack[RequestOptions],
    ) -> IssuedCards: ...
    @overload
    def issue(
        self,
        product: Product | int,
        *,
        first_name: str,
        last_name: str,
        phone: str | int,
        country: str,
        person_id: str,
        middle_name: str | None = None,
        birthdate: dt.date | None = None,
        email: str | None = None,
        extra_cardholder_fields: dict[str, Any] | None = None,
        request_id: str | None = None,
        wait: bool = False,
        wait_timeout: float = 60.0,
        **options: Unpack[RequestOptions],
    ) -> OperationResult: ...

    def issue(
        self,
        product: Product | int,
        *,
        first_name: str,
        last_name: str,
        phone: str | int,
        country: str,
        person_id: str,
        middle_name: str | None = None,
        birthdate: dt.date | None = None,
        email: str | None = None,
        extra_cardholder_fields: dict[str, Any] | None = None,
        request_id: str | None = None,
        wait: bool = False,
        wait_timeout: float = 60.0,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Issue a card of ``product`` to a new cardholder.

        The card id arrives through Request status: ``wait=True`` waits for it and returns
        ``IssuedCards`` (``result.card_id``, also ``result.card_ids``).
        Inferred: the page's body is no longer available; the fields come from an earlier draft of it
        whose cardholder object may take more fields than shown (pass them in
        ``extra_cardholder_fields``); the answer is assumed to be the envelope.
        """
        rid = self._client._request_id(request_id)
        cardholder = m.Cardholder(
            first_name=v.text("first_name", first_name),
            last_name=v.text("last_name", last_name),
            phone=v.phone("phone", phone),
            country=v.country("country", country),
            person_id=v.identifier("person_id", person_id),
        )
        if middle_name is not None:
            cardholder.middle_name = v.text("middle_name", middle_name)
        if birthdate is not None:
            cardholder.birthdate = v.birthdate("birthdate", birthdate)
        if email is not None:
            cardholder.email = v.email("email", email)
        for key, value in v.extra_fields("extra_cardholder_fields", extra_cardholder_fields, _CARDHOLDER).items():
            cardholder[key] = value
        body = m.IssueCardRequest(
            request_id=v.request_uuid(rid),
            product_id=v.enum_member("product", product, m.ProductId),
            cardholder=cardholder,
        )
        return self._client._operation("cards.issue", body, rid, options, wait=wait, wait_timeout=wait_timeout)

    @overload
    def issue_plastic(
        self,
        client_id: str,
        product: Product | int,
        *,
        request_id: str | None = None,
        wait: Literal[True],
        wait_timeout: float = 60.0,
        **options: Unpack[RequestOptions],
    ) -> IssuedCards: ...
    @overload
    def issue_plastic(
        self,
        client_id: str,
        product: Product | int,
        *,
        request_id: str | None = None,
        wait: bool = False,
        wait_timeout: float = 60.0,
        **options: Unpack[RequestOptions],
    ) -> OperationResult: ...

    def issue_plastic(
        self,
        client_id: str,
        product: Product | int,
        *,
        request_id: str | None = None,
        wait: bool = False,
        wait_timeout: float = 60.0,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Order a plastic card of ``product`` for an existing client. Inferred: path and fields are guesses."""
        rid = self._client._request_id(request_id)
        body = m.IssuePlasticCardRequest(
            request_id=v.request_uuid(rid),
            client_id=v.identifier("client_id", client_id),
            product_id=v.enum_member("product", product, m.ProductId),
        )
        return self._client._operation("cards.issue_plastic", body, rid, options, wait=wait, wait_timeout=wait_timeout)

    def activate(
        self, card_id: str, *, request_id: str | None = None, **options: Unpack[RequestOptions]
    ) -> OperationResult:
        """Make an issued card usable. Inferred: the docs page is not available (path is a guess)."""
        return self._card_operation("cards.activate", card_id, request_id, options)

    def block(
        self, card_id: str, *, reason: str, request_id: str | None = None, **options: Unpack[RequestOptions]
    ) -> OperationResult:
        """Block a card; ``unblock`` reverses it. ``reason`` is recorded with the operation.
        Inferred: the page exists but its body is not available; mirrors Unblock card."""
        return self._card_action("cards.block", card_id, reason, request_id, options)

    def unblock(
        self, card_id: str, *, reason: str, request_id: str | None = None, **options: Unpack[RequestOptions]
    ) -> OperationResult:
        """Unblock a blocked card. Documented."""
        return self._card_action("cards.unblock", card_id, reason, request_id, options)

    def close(
        self, card_id: str, *, reason: str, request_id: str | None = None, **options: Unpack[RequestOptions]
    ) -> OperationResult:
        """Close a card for good; nothing reopens it. Documented."""
        return self._card_action("cards.close", card_id, reason, request_id, options)

    def set_pin(
        self,
        card_id: str,
        *,
        encrypted_pin: str | None = None,
        pin: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Set the card's PIN, or with neither argument let the processor generate one. Documented.

        The API takes the PIN encrypted (AES-256 with a key Freedom Processing issues; the exact scheme is
        not shown), so pass ``encrypted_pin``, or a plain ``pin`` (4 to 12 digits) when the client has a
        ``pin_encryptor`` (``client.cards.pin_encryptor = your_function``). This method has no request_id
        in the docs: it is re-sent only when the request surely never reached the API.
        """
        body = m.SetPinRequest(card_id=v.identifier("card_id", card_id))
        if pin is not None and encrypted_pin is not None:
            raise InvalidRequestError("pin", "give pin or encrypted_pin, not both")
        if pin is not None:
            v.pin("pin", pin)
            if self.pin_encryptor is None:
                raise InvalidRequestError("pin", "a plain PIN needs client.cards.pin_encryptor; or pass encrypted_pin")
            body.pin = v.text("pin_encryptor result", self.pin_encryptor(pin), spec_name="pin")
        elif encrypted_pin is not None:
            body.pin = v.text("encrypted_pin", encrypted_pin, spec_name="pin")
        return self._client._operation("cards.set_pin", body, None, options)

    def reset_pin_counter(
        self, card_id: str, *, request_id: str | None = None, **options: Unpack[RequestOptions]
    ) -> OperationResult:
        """Clear the wrong-PIN attempt counter (the PIN itself does not change). Documented."""
        return self._card_operation("cards.reset_pin_counter", card_id, request_id, options)

    def link_client(
        self, card_id: str, client_id: str, *, request_id: str | None = None, **options: Unpack[RequestOptions]
    ) -> OperationResult:
        """Link an existing client to a card ("Update client" in the docs). Documented."""
        rid = self._client._request_id(request_id)
        body = m.LinkClientRequest(
            request_id=v.request_uuid(rid),
            client_id=v.identifier("client_id", client_id),
            card_id=v.identifier("card_id", card_id),
        )
        return self._client._operation("cards.link_client", body, rid, options)

    def info(self, card_id: str, *, request_id: str | None = None, **options: Unpack[RequestOptions]) -> CardInfo:
        """A card's details. Inferred: the page's body is not available (the path and request appear in a
        signing example of the docs); the answer's fields are guesses."""
        rid = self._client._request_id(request_id)
        body = m.CardRequest(request_id=v.request_uuid(rid), card_id=v.identifier("card_id", card_id))
        return self._client._fetch("cards.info", body, rid, options, convert.card_info)

    def balance(self, card_id: str, *, request_id: str | None = None, **options: Unpack[RequestOptions]) -> Balance:
        """The balances of the card's accounts. Inferred: path and answer are guesses."""
        rid = self._client._request_id(request_id)
        body = m.CardRequest(request_id=v.request_uuid(rid), card_id=v.identifier("card_id", card_id))
        return self._client._fetch("cards.balance", body, rid, options, convert.balance)

    def secret_data(
        self, card_id: str, *, request_id: str | None = None, **options: Unpack[RequestOptions]
    ) -> SecretCardData:
        """The card's PAN, expiry and CVV, each wrapped in ``Secret`` (``.reveal()`` to read).
        Inferred: the page is not available; field names and their protection are guesses."""
        return self._secret_data("cards.secret_data", card_id, request_id, options)

    def secret_data_v2(
        self, card_id: str, *, request_id: str | None = None, **options: Unpack[RequestOptions]
    ) -> SecretCardData:
        """Version 2 of ``secret_data``. Inferred: what differs in version 2 is not shown."""
        return self._secret_data("cards.secret_data_v2", card_id, request_id, options)

    def statement(
        self,
        card_id: str,
        start: dt.datetime | dt.date | None = None,
        end: dt.datetime | dt.date | None = None,
        *,
        window: dt.timedelta | None = None,
        **options: Unpack[RequestOptions],
    ) -> Listing[StatementOperation]:
        """The card's operations between ``start`` and ``end`` (a ``date`` means that whole day, UTC),
        fetched lazily as you iterate (``for``), or all at once (``list(...)``). Documented (the docs'
        navigation now calls this page "Operations' list").

        The docs show no limit on the range and no pagination. If the API turns out to limit ranges, pass
        ``window``: the range is then fetched as consecutive windows of at most that length, in order.
        Arguments and options are checked now, before anything is sent; a ``deadline`` counts from now and
        covers every window.
        """
        card = v.identifier("card_id", card_id)
        first, last = v.date_range(start, end, open_ended=True)
        settings = self._client._settings(options)
        from .._listing import Listing  # on first use: a program that lists nothing never loads it

        return Listing(self._statement_windows(card, v.statement_windows(first, last, window), settings))

    def _statement_windows(
        self,
        card_id: str,
        ranges: Iterator[tuple[dt.datetime | None, dt.datetime | None]],
        settings: CallSettings,
    ) -> Iterator[StatementOperation]:
        for since, until in ranges:  # windows are made one at a time, as they are fetched
            body = m.StatementRequest(card_id=card_id)
            if since is not None:
                body.start_date = since
            if until is not None:
                body.end_date = until
            operations = self._client._fetch("cards.statement", body, None, settings, convert.statement_operations)
            yield from operations

    def statement_extended(
        self,
        card_id: str,
        start: dt.datetime | dt.date,
        end: dt.datetime | dt.date,
        **options: Unpack[RequestOptions],
    ) -> ExtendedStatement:
        """Balances, authorizations and operations of the card between ``start`` and ``end``.
        Partial: the docs' answer table is cut off (``operations`` is assumed shaped like authorizations)."""
        first, last = v.date_range(start, end)
        body = m.StatementExtendedRequest(card_id=v.identifier("card_id", card_id), start_date=first, end_date=last)
        return self._client._fetch("cards.statement_extended", body, None, options, convert.extended_statement)

    def validate_cardholder(
        self,
        card_token: str | uuid.UUID,
        *,
        first_name: str,
        last_name: str,
        phone: str | int,
        request_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> CardholderValidation:
        """Check that a first name, a last name and a phone match the holder of the card behind
        ``card_token`` (the card's token, a UUID, not its id). Returns a ``CardholderValidation``: the
        match ``score`` as the API writes it (a percentage such as ``"44.37%"``; ``.percentage`` as a
        ``Decimal``), and ``fishy``, an integer the docs do not explain. ``phone`` is sent as a string of
        digits, as given (the docs' example has 10 digits, without the country code).

        Documented (a page of the current docs). The page's own example names another path
        (``/v5/partner/external/cardholder_validate``) than its URL line, which is the one used.
        """
        rid = self._client._request_id(request_id)
        body = m.CardholderValidationRequest(
            request_id=v.request_uuid(rid),
            card_token=v.token("card_token", card_token),
            user_phone=v.phone_text("phone", phone),
            first_name=v.text("first_name", first_name),
            last_name=v.text("last_name", last_name),
        )
        return self._client._fetch("cards.validate_cardholder", body, rid, options, convert.cardholder_validation)

    # ------------------------------------------------------------------------------ shared shapes

    def _card_operation(
        self, name: str, card_id: str, request_id: str | None, options: RequestOptions
    ) -> OperationResult:
        rid = self._client._request_id(request_id)
        body = m.CardRequest(request_id=v.request_uuid(rid), card_id=v.identifier("card_id", card_id))
        return self._client._operation(name, body, rid, options)

    def _card_action(
        self, name: str, card_id: str, reason: str, request_id: str | None, options: RequestOptions
    ) -> OperationResult:
        rid = self._client._request_id(request_id)
        body = m.CardActionRequest(
            request_id=v.request_uuid(rid),
            card_id=v.identifier("card_id", card_id),
            description=v.text("reason", reason, spec_name="description"),
        )
        return self._client._operation(name, body, rid, options)

    def _secret_data(self, name: str, card_id: str, request_id: str | None, options: RequestOptions) -> SecretCardData:
        rid = self._client._request_id(request_id)
        body = m.CardRequest(request_id=v.request_uuid(rid), card_id=v.identifier("card_id", card_id))
        return self._client._fetch(name, body, rid, options, convert.secret_data)
