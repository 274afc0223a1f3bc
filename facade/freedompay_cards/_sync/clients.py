# Generated from facade/freedompay_cards/_async/clients.py by scripts/generate.py (`make generate`).
# Do not edit: change the async original and regenerate.
"""``client.clients``: create clients, change their 3-D Secure phone, list their cards.

Hand-written async original; ``_sync/clients.py`` is generated from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Unpack, overload

from .. import _validate as v
from .._errors import InvalidRequestError, InvalidRequestTypeError
from .._lazy import LazyModule
from .._options import RequestOptions

if TYPE_CHECKING:
    from freedompay_card_api import models as m

    from .. import _convert as convert
    from .. import _models as results
    from .._enums import ClientType, Product, Residency
    from .._models import Address, ClientCards, CreatedClient, OperationResult
    from ._client import CardClient
else:
    m = LazyModule("freedompay_card_api.models")
    convert = LazyModule("freedompay_cards._convert")
    results = LazyModule("freedompay_cards._models")


def _address(field: str, address: Address) -> m.Address:
    if not isinstance(address, results.Address):
        raise InvalidRequestTypeError(field, f"expected freedompay_cards.Address, got {type(address).__name__}")
    out = m.Address(country=v.country(f"{field}.country", address.country))
    for name, value in (
        ("postal_code", address.postal_code),
        ("address_line1", address.city),
        ("address_line2", address.street),
        ("address_line3", address.premises),
    ):
        if value is not None:
            setattr(out, name, v.text(f"{field}.{name}", value))
    return out


class Clients:
    """Clients (cardholders) in Freedom Processing."""

    def __init__(self, client: CardClient) -> None:
        self._client = client

    @overload
    def create(
        self,
        product: Product | int,
        *,
        phone: str | int,
        type: ClientType | int,
        resident: Residency | int,
        first_name: str,
        last_name: str,
        middle_name: str | None = None,
        birthdate: dt.date | None = None,
        email: str | None = None,
        country: str | None = None,
        person_id: str | None = None,
        language: str | None = None,
        document: bytes | Path | None = None,
        external_user_id: str | None = None,
        address1: Address | None = None,
        address2: Address | None = None,
        identified_at: dt.datetime | None = None,
        identified_by: str | None = None,
        branch_id: str | None = None,
        request_id: str | None = None,
        wait: Literal[True],
        wait_timeout: float = 60.0,
        **options: Unpack[RequestOptions],
    ) -> CreatedClient: ...
    @overload
    def create(
        self,
        product: Product | int,
        *,
        phone: str | int,
        type: ClientType | int,
        resident: Residency | int,
        first_name: str,
        last_name: str,
        middle_name: str | None = None,
        birthdate: dt.date | None = None,
        email: str | None = None,
        country: str | None = None,
        person_id: str | None = None,
        language: str | None = None,
        document: bytes | Path | None = None,
        external_user_id: str | None = None,
        address1: Address | None = None,
        address2: Address | None = None,
        identified_at: dt.datetime | None = None,
        identified_by: str | None = None,
        branch_id: str | None = None,
        request_id: str | None = None,
        wait: bool = False,
        wait_timeout: float = 60.0,
        **options: Unpack[RequestOptions],
    ) -> OperationResult: ...

    def create(
        self,
        product: Product | int,
        *,
        phone: str | int,
        type: ClientType | int,
        resident: Residency | int,
        first_name: str,
        last_name: str,
        middle_name: str | None = None,
        birthdate: dt.date | None = None,
        email: str | None = None,
        country: str | None = None,
        person_id: str | None = None,
        language: str | None = None,
        document: bytes | Path | None = None,
        external_user_id: str | None = None,
        address1: Address | None = None,
        address2: Address | None = None,
        identified_at: dt.datetime | None = None,
        identified_by: str | None = None,
        branch_id: str | None = None,
        request_id: str | None = None,
        wait: bool = False,
        wait_timeout: float = 60.0,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Create a client for ``product``. ``document`` is an identity document as PDF (bytes or a path,
        at most 2 MB). ``identified_at``/``identified_by`` go together (identification_info).

        The new ``client_id`` arrives through Request status: ``wait=True`` waits for it and returns a
        ``CreatedClient``, whose ``client_id`` is always there (a ``str``). For product 1000 the docs'
        Dictionaries page also requires country, person_id, document and both addresses, each with its postal
        code, city, street and premises (``address_line1``-``3`` on the wire): without them the call raises
        ``InvalidRequestError`` naming every missing field, before anything is sent (the rule is the spec's
        ``x-required-when``). Partial: the request is documented, the answer's table is cut off after
        ``status``.
        """
        rid = self._client._request_id(request_id)
        new = m.NewClient(
            phone=v.phone("phone", phone),
            type_=v.enum_member("type", type, m.ClientType),
            resident=v.enum_member("resident", resident, m.Residency),
            first_name=v.text("first_name", first_name),
            last_name=v.text("last_name", last_name),
        )
        optional: dict[str, tuple[object, Callable[[str, Any], object]]] = {
            "middle_name": (middle_name, v.text),
            "birthdate": (birthdate, v.birthdate),
            "email": (email, v.email),
            "country": (country, v.country),
            "person_id": (person_id, v.identifier),
            "language": (language, v.language),
            "document": (document, v.document),
            "external_user_id": (external_user_id, v.identifier),
            "address1": (address1, _address),
            "address2": (address2, _address),
        }
        for name, (value, check) in optional.items():
            if value is not None:
                setattr(new, name, check(name, value))
        if (identified_at is None) != (identified_by is None):
            raise InvalidRequestError("identified_at", "identified_at and identified_by go together")
        if identified_at is not None and identified_by is not None:
            new.identification_info = m.IdentificationInfo(
                idn_date=v.moment("identified_at", identified_at), identified_by=v.text("identified_by", identified_by)
            )
        body = m.CreateClientRequest(
            request_id=v.request_uuid(rid),
            product_id=v.enum_member("product", product, m.ProductId),
            client=new,
        )
        if branch_id is not None:
            body.branch_id = v.identifier("branch_id", branch_id)
        return self._client._operation("clients.create", body, rid, options, wait=wait, wait_timeout=wait_timeout)

    def update_phone(
        self,
        client_id: str,
        phone: str | int,
        *,
        product: Product | int,
        request_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Change the phone number that receives the client's 3-D Secure codes. Documented."""
        rid = self._client._request_id(request_id)
        body = m.UpdateClientRequest(
            request_id=v.request_uuid(rid),
            client_id=v.identifier("client_id", client_id),
            product_id=v.enum_member("product", product, m.ProductId),
            client=m.ClientPhone(phone=v.phone("phone", phone)),
        )
        return self._client._operation("clients.update_phone", body, rid, options)

    def list_cards(
        self, client_id: str, *, request_id: str | None = None, **options: Unpack[RequestOptions]
    ) -> ClientCards:
        """The client's cards. Inferred: the page ("Cards' list") is listed but its body was not seen; path
        and fields are guesses."""
        rid = self._client._request_id(request_id)
        body = m.ClientRequest(request_id=v.request_uuid(rid), client_id=v.identifier("client_id", client_id))
        return self._client._fetch("clients.list_cards", body, rid, options, convert.client_cards)
