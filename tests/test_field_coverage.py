"""Nothing in the spec goes unexposed: every request field of every operation reaches the wire from some
argument of its facade method, and every answer field reaches a result attribute (not only ``extra``),
unless it is on the commented list in facade/freedompay_cards/_not_exposed.py.

Checked by behaviour, not by names: each method is called with every argument it takes (FULL_CALLS), the
body it sends is compared with the request schema, and the answer is one whose every field holds a value
of its own, looked for in the result.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import httpx
import pytest

import freedompay_cards as fp
from freedompay_cards._not_exposed import NOT_EXPOSED
from freedompay_cards._operations import OPERATIONS as TABLE
from freedompay_cards._schema import request_schema, response_schema
from tests.conftest import AUTH_ID, FAST, SECRET, MockAPI

RID = "828cf71d-a447-4a67-a149-c1df8bc197ca"
DAY1, DAY2 = dt.date(2025, 1, 1), dt.date(2025, 1, 31)
ADDRESS = fp.Address(country="KAZ", postal_code="050000", city="Almaty", street="Abaya", premises="1")

# Every facade method called with every argument it takes. A new operation or a new parameter needs its
# entry here (the failure message says so).
FULL_CALLS: dict[str, Callable[[fp.CardClient], Any]] = {
    "cards.bulk_issue": lambda c: c.cards.bulk_issue(2000, 5),
    "cards.issue": lambda c: c.cards.issue(
        1000,
        first_name="A",
        last_name="B",
        phone="77001234567",
        country="KAZ",
        person_id="9001",
        middle_name="C",
        birthdate=dt.date(1990, 5, 17),
        email="a@b.kz",
    ),
    "cards.issue_plastic": lambda c: c.cards.issue_plastic("cl1", 2000),
    "cards.activate": lambda c: c.cards.activate("c1"),
    "cards.block": lambda c: c.cards.block("c1", reason="lost"),
    "cards.unblock": lambda c: c.cards.unblock("c1", reason="found"),
    "cards.close": lambda c: c.cards.close("c1", reason="closed"),
    "cards.set_pin": lambda c: c.cards.set_pin("c1", encrypted_pin="CIPHER"),
    "cards.reset_pin_counter": lambda c: c.cards.reset_pin_counter("c1"),
    "cards.link_client": lambda c: c.cards.link_client("c1", "cl1"),
    "cards.info": lambda c: c.cards.info("c1"),
    "cards.balance": lambda c: c.cards.balance("c1"),
    "cards.secret_data": lambda c: c.cards.secret_data("c1"),
    "cards.secret_data_v2": lambda c: c.cards.secret_data_v2("c1"),
    "cards.statement": lambda c: list(c.cards.statement("c1", DAY1, DAY2)),
    "cards.statement_extended": lambda c: c.cards.statement_extended("c1", DAY1, DAY2),
    "clients.create": lambda c: c.clients.create(
        1000,
        phone="77001234567",
        type=1,
        resident=1,
        first_name="A",
        last_name="B",
        middle_name="C",
        birthdate=dt.date(1990, 5, 17),
        email="a@b.kz",
        country="KAZ",
        person_id="9001",
        language="ru",
        document=b"%PDF-1.4 x",
        external_user_id="u1",
        address1=ADDRESS,
        address2=ADDRESS,
        identified_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        identified_by="branch 7",
        branch_id="b1",
    ),
    "clients.update_phone": lambda c: c.clients.update_phone("cl1", "77001234568", product=1000),
    "clients.list_cards": lambda c: c.clients.list_cards("cl1"),
    "requests.status": lambda c: c.requests.status(RID),
    "transactions.create": lambda c: c.transactions.create("c1", "10.50", "KZT", order_id="o1", description="d"),
    "transactions.clear": lambda c: c.transactions.clear("t1", order_id="o1", amount="5"),
    "transactions.refund": lambda c: c.transactions.refund("t1", order_id="o1", amount="5", description="d"),
    "transactions.info": lambda c: c.transactions.info(transaction_id="t1", order_id="o1"),
    "gift_cards.products": lambda c: c.gift_cards.products(),
    "gift_cards.issue": lambda c: c.gift_cards.issue(1, cardholder_name="A B", phone="77001234567", card_id=7),
    "gift_cards.confirm": lambda c: c.gift_cards.confirm("123456", card_id=7),
    "gift_cards.resend": lambda c: c.gift_cards.resend(7),
    "gift_cards.resend_code": lambda c: c.gift_cards.resend_code(7),
    "gift_cards.status": lambda c: c.gift_cards.status(7),
    "cards.validate_cardholder": lambda c: c.cards.validate_cardholder(
        "828cf71d-a447-4a67-a149-c1df8bc197ca", first_name="A", last_name="B", phone="77001234567"
    ),
    "limits.set": lambda c: c.limits.set(
        fp.LimitScope.CARD,
        "c1",
        [fp.Limit("pay", amounts=(fp.LimitAmount("5000", "KZT"),), period="day", region="domestic")],
    ),
    "limits.list": lambda c: c.limits.list(fp.LimitScope.CARD, "c1"),
}
GIFT = {entry["name"] for entry in TABLE if entry["envelope"] == "gift"}
BY_NAME = {entry["name"]: entry for entry in TABLE}


def paths(schema: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every field of ``schema`` as (dotted path, its schema); array items as ``name[]``."""
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        yield path, sub
        if sub.get("type") == "object":
            yield from paths(sub, path + ".")
        elif sub.get("type") == "array" and sub.get("items", {}).get("type") == "object":
            yield from paths(sub["items"], path + "[].")


def present(value: Any, path: str) -> bool:
    """Is the field at ``path`` in the JSON ``value``?"""
    head, _, rest = path.partition(".")
    name, is_array = head.removesuffix("[]"), head.endswith("[]")
    if not isinstance(value, dict) or name not in value:
        return False
    inner = value[name]
    if not rest:
        return True
    items = inner if is_array and isinstance(inner, list) else [inner]
    return any(present(item, rest) for item in items)


# ------------------------------------------------------------------------------------- answers


class Answer:
    """An answer to an operation in which every field holds a value of its own (``expected``: path ->
    the value as a result would hold it)."""

    def __init__(self, name: str) -> None:
        self._counter = itertools.count(1)
        self.expected: dict[str, Any] = {}
        self.body = self._object(response_schema(BY_NAME[name]["path"]), "", gift=name in GIFT)

    def _object(self, schema: Mapping[str, Any], prefix: str, gift: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        properties = schema.get("properties", {})
        if not properties and schema.get("type") == "object":  # an open object shown without fields
            value = f"open-{next(self._counter)}"
            self.expected[prefix + "*"] = value
            return {"k": value}
        for name, sub in properties.items():
            out[name] = self._value(sub, prefix + name, name, gift)
        return out

    def _value(self, schema: Mapping[str, Any], path: str, name: str, gift: bool) -> Any:
        n = next(self._counter)
        kind = schema.get("type")
        if isinstance(kind, list):  # one of several types: a number where a number may be
            kind = "number" if "number" in kind else next(k for k in kind if k != "null")
        if path == "status":
            return 0 if gift else "ok"  # the envelope: a success, whatever the operation
        if path == "request_status":
            self.expected[path] = "success"
            return "success"
        if kind == "object":
            return self._object(schema, path + ".", gift)
        if kind == "array":
            item = schema.get("items", {})
            if item.get("type") == "object":
                return [self._object(item, path + "[].", gift)]
            value = f"item-{n}"
            self.expected[path + "[]"] = value
            return [value]
        if kind == "integer":
            # x-kept-as: the facade keeps this field in another type on purpose (an rrn kept a string, so that
            # its leading zeros survive when the wire says integer): the result holds the value in that type
            kept = schema.get("x-kept-as", {}).get("type")
            self.expected[path] = str(100_000 + n) if kept == "string" else 100_000 + n
            return 100_000 + n
        if kind == "number":
            self.expected[path] = Decimal(f"{n}.25")
            return float(f"{n}.25")
        if kind == "boolean":
            return True  # not distinctive: not checked
        moment = dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
        pattern = schema.get("pattern", "")
        if pattern == "^[0-9]+(\\.[0-9]+)?$":  # a decimal written as text: read as a Decimal
            self.expected[path] = Decimal(f"{n}.25")
            return f"{n}.25"
        if pattern == "^[A-Z]{3}$":  # an ISO code of three letters
            code = "".join(chr(65 + (n // 26**i) % 26) for i in range(3))
            self.expected[path] = code
            return code
        if schema.get("format") == "date-time" or (name in ("datetime", "dt") and not gift):
            self.expected[path] = moment
            return moment.isoformat()
        if name == "datetime":  # the gift envelope's time: no zone
            self.expected[path] = moment.replace(tzinfo=None)
            return moment.strftime("%Y-%m-%d %H:%M:%S")
        self.expected[path] = f"value-{n}"
        return f"value-{n}"


def leaves(value: Any, *, into_extra: bool = False) -> Iterator[Any]:
    """Every value a result holds (revealing secrets), normalised; ``extra`` only if ``into_extra``."""
    if isinstance(value, fp.Secret):
        yield value.reveal()
    elif isinstance(value, enum.Enum):
        yield value.value
    elif isinstance(value, dt.datetime | str | int | Decimal):
        yield value
    elif isinstance(value, float):
        yield Decimal(repr(value))
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            if field.name != "extra" or into_extra:
                yield from leaves(getattr(value, field.name), into_extra=into_extra)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):  # a mapping made of the answer's key/value pairs holds data in its keys
                yield key
            yield from leaves(item, into_extra=into_extra)
    elif isinstance(value, Sequence):
        for item in value:
            yield from leaves(item, into_extra=into_extra)


def _kind(value: Any) -> type:
    """Values compared across representations: an integer field may become a Decimal amount."""
    return Decimal if isinstance(value, int | Decimal) and not isinstance(value, bool) else type(value)


def found(expected: Any, values: list[Any]) -> bool:
    return any(_kind(v) is _kind(expected) and v == expected for v in values)


@pytest.fixture
def full_client(api: MockAPI) -> Iterator[fp.CardClient]:
    http = httpx.Client(transport=httpx.MockTransport(api.handler))
    with fp.CardClient(AUTH_ID, SECRET, http_client=http, retry_policy=FAST) as client:
        yield client


def test_every_operation_has_a_full_call() -> None:
    missing = [entry for entry in TABLE if entry["name"] not in FULL_CALLS]
    assert not missing, "\n".join(
        f"tests/test_field_coverage.py: add FULL_CALLS[{e['name']!r}] = lambda c: c.{e['name']}(...every argument...)"
        for e in missing
    )
    stale = sorted(set(FULL_CALLS) - {entry["name"] for entry in TABLE})
    assert not stale, f"tests/test_field_coverage.py: remove FULL_CALLS entries for {stale} (not in the spec)"


def test_the_not_exposed_list_names_only_fields_of_the_spec() -> None:
    known = {
        f"{entry['name']}: {side}.{path}"
        for entry in TABLE
        for side, schema in (("request", request_schema(entry["path"])), ("response", response_schema(entry["path"])))
        for path, _ in paths(schema)
    }
    stale = sorted(set(NOT_EXPOSED) - known)
    assert not stale, f"facade/freedompay_cards/_not_exposed.py: remove {stale} (no such field in the spec)"


@pytest.mark.parametrize("name", sorted(FULL_CALLS))
def test_every_request_field_reaches_the_wire(full_client: fp.CardClient, api: MockAPI, name: str) -> None:
    entry = BY_NAME[name]
    api.on(entry["path"], Answer(name).body)
    FULL_CALLS[name](full_client)
    body = next(json.loads(r.content) for r in api.requests if r.url.path == entry["path"])
    unsent = [
        path
        for path, _ in paths(request_schema(entry["path"]))
        if not present(body, path) and f"{name}: request.{path}" not in NOT_EXPOSED
    ]
    resource, method = name.split(".")
    assert not unsent, (
        f"{name} never sends {unsent}: give facade/freedompay_cards/_async/{resource}.py {method}() a parameter for "
        f"each (and pass it in FULL_CALLS in tests/test_field_coverage.py), then make generate; or list "
        f"'{name}: request.<field>' with the reason in facade/freedompay_cards/_not_exposed.py"
    )


@pytest.mark.parametrize("name", sorted(FULL_CALLS))
def test_every_answer_field_reaches_a_result_attribute(full_client: fp.CardClient, api: MockAPI, name: str) -> None:
    entry = BY_NAME[name]
    answer = Answer(name)
    api.on(entry["path"], answer.body)
    result = FULL_CALLS[name](full_client)
    exposed, everywhere = list(leaves(result)), list(leaves(result, into_extra=True))
    hidden, dropped = [], []
    for path, value in answer.expected.items():
        field = path.removesuffix(".*").removesuffix("*").rstrip(".")
        if f"{name}: response.{field}" in NOT_EXPOSED or found(value, exposed):
            continue
        (hidden if found(value, everywhere) else dropped).append(field)
    assert not dropped, f"{name}: the answer's {dropped} reach no attribute and not even `extra`: data is lost"
    holder = type(result[0] if isinstance(result, list) and result else result)
    module = holder.__module__.replace(".", "/")  # freedompay_cards/_models/_cards
    converters = module.replace("/_models/", "/_convert/")
    assert not hidden, (
        f"{name}: the answer's {hidden} land only in {holder.__name__}.extra: map each to an attribute of "
        f"{holder.__name__} (facade/{module}.py, filled in facade/{converters}.py), or list "
        f"'{name}: response.<field>' with the reason in facade/freedompay_cards/_not_exposed.py"
    )


@pytest.mark.parametrize("name", sorted(FULL_CALLS))
def test_a_field_the_spec_does_not_know_is_kept_in_extra(full_client: fp.CardClient, api: MockAPI, name: str) -> None:
    entry = BY_NAME[name]
    body = Answer(name).body | {"zz_new_field": {"nested": [1, "two"]}}
    api.on(entry["path"], body)
    result = FULL_CALLS[name](full_client)
    holders = result if isinstance(result, list) else [result]
    kept = [getattr(h, "extra", {}).get("zz_new_field") for h in holders] + [
        getattr(h, "fields", {}).get("zz_new_field") for h in holders
    ]
    if isinstance(result, list):  # a statement: the listing keeps its operations' fields, not the envelope's
        return
    assert {"nested": [1, "two"]} in kept or any(isinstance(k, fp.Secret) for k in kept), name


def test_a_representation_kept_on_purpose_is_not_called_lost() -> None:
    answer = Answer("cards.info")
    kept = {"type": "integer", "x-kept-as": {"type": "string", "why": "leading zeros"}}
    wire = answer._value(kept, "operations[].rrn", "rrn", gift=False)
    assert isinstance(wire, int) and answer.expected["operations[].rrn"] == str(wire)
    assert found(str(wire), [str(wire)]) and not found(wire, [str(wire)])  # undeclared, it would be lost
