"""Large statements are read lazily: the top level is checked at once, items are decoded on use."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import httpx
import pytest

import freedompay_cards as fp
from freedompay_cards._core import LazyArray, scan_object
from tests.conftest import AUTH_ID, SECRET, MockAPI, ok
from tests.spec_tools import PATHS

AUTH = {"datetime": "2025-02-01 10:00:00", "type": "purchase", "amount": 10, "currency": "KZT", "merchant": {"m": 1}}
OP = {"type": "purchase", "amount": 1.5, "commission": 0, "currency": "KZT", "mcc": 5411,
      "datetime": "2025-02-01T10:00:00+05:00", "rrn": "1", "merchant": {}}  # fmt: skip


def test_scan_object_keeps_named_arrays_lazy_and_decodes_the_rest() -> None:
    text = ' {\n "a" : [1, {"x": [2]}] ,"b":{"c":[3]},"ops":[ {"k":"]"} , [] , "s" ],"empty":[] } '
    fields = scan_object(text, frozenset({"ops", "empty"}))
    assert fields["a"] == [1, {"x": [2]}] and fields["b"] == {"c": [3]}
    ops, empty = fields["ops"], fields["empty"]
    assert isinstance(ops, LazyArray) and isinstance(empty, LazyArray)
    assert [ops.item(i) for i in range(len(ops))] == [{"k": "]"}, [], "s"] and len(empty) == 0


@pytest.mark.parametrize(
    "text",
    ['{"ops":[1,2}', '{"ops":[1 2]}', '{"ops":[{"a":}]}', "[1]", '{"a":1} trailing', '{"a" 1}', "{1:2}", ""],
)
def test_scan_object_rejects_malformed_json(text: str) -> None:
    with pytest.raises(ValueError):
        scan_object(text, frozenset({"ops"}))


def test_extended_statement_sequences_decode_on_use(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.statement_extended"], ok(authorizations=[AUTH, {**AUTH, "amount": 20}], operations=[AUTH] * 3))
    statement = client.cards.statement_extended("c", dt.date(2025, 2, 1), dt.date(2025, 2, 2))
    assert (len(statement.authorizations), len(statement.operations)) == (2, 3)
    assert statement.authorizations[1].amount == Decimal(20) and statement.authorizations[-1].amount == Decimal(20)
    assert [a.amount for a in statement.authorizations[:1]] == [Decimal(10)]
    assert statement.operations[0].merchant == {"m": 1}
    assert statement.authorizations == [statement.authorizations[0], statement.authorizations[1]]
    with pytest.raises(IndexError):
        statement.operations[3]


def test_a_malformed_item_raises_unexpected_response_when_reached(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.statement"], ok(operations=[OP, {**OP, "amount": "lots"}, {"type": "x"}]))
    operations = client.cards.statement("c")
    assert next(operations).amount == Decimal("1.5")
    with pytest.raises(fp.UnexpectedResponseError, match="amount: must be a number") as info:
        list(operations)
    assert info.value.operation == "cards.statement"


def test_malformed_top_level_json_fails_at_once(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.statement"], httpx.Response(200, text='{"status":"ok","operations":[{"a":1},'))
    with pytest.raises(fp.UnexpectedResponseError):
        list(client.cards.statement("c", max_retries=0))


def test_large_statement_is_not_decoded_up_front(client: fp.CardClient, api: MockAPI) -> None:
    count = 20_000
    api.on(PATHS["cards.statement_extended"], ok(operations=[AUTH] * count))
    statement = client.cards.statement_extended("c", dt.date(2025, 1, 1), dt.date(2025, 2, 1))
    assert len(statement.operations) == count
    assert sum(a.amount for a in statement.operations) == Decimal(10 * count)
    assert json.loads(api.requests[0].content)["card_id"] == "c"


def test_a_statement_of_100_000_operations_fits_under_the_default_answer_limit(api: MockAPI) -> None:
    """The default max_response_bytes (64 MiB) is chosen so this fits with room to spare (README)."""
    item = {
        "datetime": "2025-02-01T10:00:00+05:00", "type": "purchase", "amount": 1234.56, "commission": 1.5,
        "full_amount": 1236.06, "cashback": 0, "currency": "KZT", "iban": "KZ00FREE0000000001",
        "merchant": {"name": "Coffee", "city": "Almaty"}, "additional_parameters": [],
    }  # fmt: skip
    body = json.dumps(ok(authorizations=[item] * 50_000, operations=[item] * 50_000)).encode()
    assert 20_000_000 < len(body) < fp.CardClient("1", "s").max_response_bytes / 2
    api.on(PATHS["cards.statement_extended"], httpx.Response(200, content=body))
    http = httpx.Client(transport=httpx.MockTransport(api.handler))
    with fp.CardClient(AUTH_ID, SECRET, http_client=http) as client:
        statement = client.cards.statement_extended("c1", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert len(statement.authorizations) + len(statement.operations) == 100_000
    assert statement.operations[-1].amount == Decimal("1234.56")


def test_every_field_of_an_authorization_lands_in_its_own_attribute(client: fp.CardClient, api: MockAPI) -> None:
    """The converter passes the fields by position (statements are long): each field's own value shows
    the order is the class's."""
    item = {
        "datetime": "2025-02-01T10:00:00+05:00", "type": "purchase", "amount": 1.25, "commission": 2.5,
        "full_amount": 3.75, "cashback": 4, "currency": "KZT", "iban": "KZ01", "merchant": {"name": "Cafe"},
        "additional_parameters": [{"key": "k", "value": "v"}], "terminal": "T-1",
    }  # fmt: skip
    api.on(PATHS["cards.statement_extended"], ok(authorizations=[item]))
    (got,) = client.cards.statement_extended("c", dt.date(2025, 2, 1), dt.date(2025, 2, 2)).authorizations
    assert got == fp.Authorization(
        datetime=dt.datetime(2025, 2, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=5))), type="purchase",
        amount=Decimal("1.25"), commission=Decimal("2.5"), full_amount=Decimal("3.75"), cashback=Decimal(4),
        currency="KZT", iban="KZ01", merchant={"name": "Cafe"}, additional_parameters=({"key": "k", "value": "v"},),
    )  # fmt: skip
    assert (got.merchant, got.extra) == ({"name": "Cafe"}, {"terminal": "T-1"})


def test_an_item_msgspec_refuses_is_read_as_json_reads_it(client: fp.CardClient, api: MockAPI) -> None:
    """A lone surrogate escape is JSON that the standard library reads (msgspec does not): it still is."""
    body = json.dumps(ok(operations=[OP, {**OP, "rrn": "\ud800"}]))
    api.on(PATHS["cards.statement"], httpx.Response(200, text=body))
    assert [operation.rrn for operation in client.cards.statement("c")] == ["1", "\ud800"]


def test_an_item_too_deep_to_walk_never_escapes_as_a_recursion_error(client: fp.CardClient, api: MockAPI) -> None:
    deep: object = "bottom"
    for _ in range(900):  # within what the scan reads; more than some walks of an item's fields take
        deep = {"d": deep}
    api.on(PATHS["cards.statement_extended"], ok(authorizations=[{**AUTH, "nested": deep}]))
    try:
        statement = client.cards.statement_extended("c", dt.date(2025, 2, 1), dt.date(2025, 2, 2))
        list(statement.authorizations)
    except fp.UnexpectedResponseError as err:  # read, or refused as a typed error: never a bare RecursionError
        assert err.operation == "cards.statement_extended"


def test_only_a_lazily_read_answer_imports_msgspec() -> None:
    """msgspec (about 5 ms to import) is for long answers: a program that never reads one never loads it."""
    import subprocess
    import sys

    code = f"""
import sys, httpx, freedompay_cards as fp
answer = b'{{"status":"ok","request_status":"success","dt":"2025-01-01T00:01:01+00:30"}}'
http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, content=answer)))
client = fp.CardClient("{AUTH_ID}", "{SECRET}", http_client=http)
assert client.cards.reset_pin_counter("card-1").succeeded
print("msgspec" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "False"
