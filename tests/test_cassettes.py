"""The recorded suite: every path of the spec, through the sync and the async client, replayed from
cassettes (tests/cassettes/test_cassettes/) with the network blocked.

    make record        # re-record from the sandbox served on loopback (real HTTP)
    make record-live   # re-record from the real test environment (needs FREEDOMPAY_AUTH_ID/SECRET_KEY)

Re-recording from the sandbox is deterministic, so it changes only the cassettes of scenarios that
changed: each test gets a fresh sandbox (seeded, on a ``ManualClock``), request ids come from a factory
seeded with the test's id, and every URI is written with one fixed origin whatever the loopback port.

Each scenario is written once, as async code; the sync client runs it through ``SyncAsAsync``. Results
are asserted on (ids, statuses, amounts), not only on the absence of errors. Assertions on values only
the sandbox fixes (ids, opening balances) are made only where the recording came from the sandbox.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import freedompay_cards as fp
from freedompay_cards import cassettes

RECORD = os.environ.get("FREEDOMPAY_RECORD", "")  # "", "sandbox" or "live" (set by scripts/record.py)
# scripts/record.py --into DIR records (and replays) elsewhere, e.g. to compare two recordings
CASSETTES = Path(os.environ.get("FREEDOMPAY_CASSETTE_DIR") or Path(__file__).parent / "cassettes" / "test_cassettes")
REPLAY_URL = cassettes.RECORDED_BASE_URL
SANDBOX_START = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
FROM_SANDBOX = RECORD != "live"  # replayed cassettes are the sandbox's unless re-recorded live

pytestmark = [pytest.mark.vcr, *([] if RECORD else [pytest.mark.block_network])]


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return cassettes.vcr_config()


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


class Target:
    def __init__(self, base_url: str, auth_id: str, secret_key: str, sandbox: Any = None) -> None:
        self.base_url, self.auth_id, self.secret_key, self.sandbox = base_url, auth_id, secret_key, sandbox

    def card_token(self, card_id: str) -> str:
        """The token Cardholder validation names ``card_id`` by: the sandbox's (also on replay, where the
        card ids are the recorded ones), or FREEDOMPAY_CARD_TOKEN against the real API."""
        if RECORD == "live":
            return os.environ["FREEDOMPAY_CARD_TOKEN"]
        from freedompay_cards.sandbox import card_token

        return card_token(card_id)

    def otp(self, card_id: int) -> str:
        if self.sandbox is not None:
            return str(self.sandbox.last_otp(card_id))
        return os.environ.get("FREEDOMPAY_GIFT_OTP", "000000")  # replay: OTPs are scrubbed, any value matches


@pytest.fixture
def target() -> Iterator[Target]:
    if RECORD == "sandbox":
        from freedompay_cards.sandbox import ManualClock, Sandbox

        # One fresh sandbox per test: a cassette's ids never depend on which tests ran before it.
        sandbox = Sandbox(seed=0, clock=ManualClock(SANDBOX_START), process_polls=1)
        with sandbox.serve(host="127.0.0.1", port=0) as server:
            yield Target(server.url, sandbox.auth_id, sandbox.secret_key, sandbox)
    elif RECORD == "live":
        yield Target(
            os.environ.get("FREEDOMPAY_BASE_URL", REPLAY_URL),
            os.environ["FREEDOMPAY_AUTH_ID"],
            os.environ["FREEDOMPAY_SECRET_KEY"],
        )
    else:
        yield Target(REPLAY_URL, "replay", "replay-secret")


def ids_for(nodeid: str) -> Callable[[], uuid.UUID]:
    """Deterministic request ids, so that bodies match across recording and replay."""
    counter = iter(range(1, 10_000))
    return lambda: uuid.uuid5(uuid.NAMESPACE_URL, f"freedompay-cards/{nodeid}/{next(counter)}")


class SyncAsAsync:
    """The sync client seen through the async surface: calls run synchronously and are awaited trivially."""

    def __init__(self, wrapped: Any) -> None:
        self._wrapped = wrapped

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._wrapped, name)
        if not callable(attr):
            return SyncAsAsync(attr)

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            return _AsyncIter(result) if isinstance(result, Iterator) else _Ready(result)

        return call


class _Ready:
    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Any:
        return self.value
        yield  # a generator: the value is ready at once


class _AsyncIter:
    def __init__(self, items: Iterator[Any]) -> None:
        self.items = items

    def __aiter__(self) -> AsyncIterator[Any]:
        return self

    async def __anext__(self) -> Any:
        try:
            return next(self.items)
        except StopIteration:
            raise StopAsyncIteration from None


@pytest.fixture(params=["sync", "async"])
async def client(request: pytest.FixtureRequest, target: Target) -> Any:
    kwargs: dict[str, Any] = {
        "auth_id": target.auth_id,
        "secret_key": target.secret_key,
        "base_url": target.base_url,
        "request_id_factory": ids_for(request.node.nodeid),
        "retry_policy": fp.RetryPolicy(max_retries=0),  # a cassette holds exactly what was exchanged
        "timeout": 30.0,
    }
    if request.param == "sync":
        with fp.CardClient(**kwargs) as sync_client:
            yield SyncAsAsync(sync_client)
    else:
        async with fp.AsyncCardClient(**kwargs) as async_client:
            yield async_client


# --------------------------------------------------------------------------------------------- scenarios


async def test_card_lifecycle(client: Any, target: Target) -> None:
    """client/add, request/status (process -> success), card/issue, activate, set_pin, reset_counter_pin,
    block, unblock, info, balance, secret_data, secret_data_v2, link, client/cards, client/update,
    statement, statement_extended, close, and an API error afterwards."""
    created = await client.clients.create(
        fp.Product.INSTANT_CARD, phone="77001234567", type=fp.ClientType.INDIVIDUAL, resident=fp.Residency.RESIDENT,
        first_name="Aida", last_name="Sadykova", country="KAZ", person_id="900101300123", wait=True,
    )  # fmt: skip
    assert created.succeeded and created.client_id
    issued = await client.cards.issue(
        fp.Product.INSTANT_CARD, first_name="Aida", last_name="Sadykova", phone="77001234567",
        country="KAZ", person_id="900101300123", wait=True,
    )  # fmt: skip
    assert issued.succeeded and len(issued.card_ids) == 1 and issued.request_id
    card_id = issued.card_ids[0]
    for step in (
        client.cards.activate(card_id),
        client.cards.set_pin(card_id, encrypted_pin="c2FuZGJveC1lbmNyeXB0ZWQtcGlu"),
        client.cards.reset_pin_counter(card_id),
        client.cards.block(card_id, reason="lost"),
        client.cards.unblock(card_id, reason="found"),
        client.cards.link_client(card_id, created.client_id),
        client.clients.update_phone(created.client_id, "77017654321", product=fp.Product.INSTANT_CARD),
    ):
        result = await step
        assert result.succeeded
    info = await client.cards.info(card_id)
    assert info.card_id == card_id and info.card_mask and info.card_mask.count("*") >= 6
    balance = await client.cards.balance(card_id)
    assert balance.accounts and balance.accounts[0].currency
    for read in (client.cards.secret_data, client.cards.secret_data_v2):
        secret = await read(card_id)
        assert secret.pan is not None and secret.cvv is not None and secret.pan.reveal() not in repr(secret)
        if not RECORD:  # what the cassette holds: the fakes the scrubber wrote
            assert (secret.pan.reveal(), secret.cvv.reveal()) == (cassettes.FAKE_PAN, "000")
    cards = await client.clients.list_cards(created.client_id)
    assert card_id in [c.card_id for c in cards]
    operations = [op async for op in client.cards.statement(card_id, START, END)]
    assert isinstance(operations, list)
    extended = await client.cards.statement_extended(card_id, START, END)
    assert extended.card_id in (None, card_id)
    closed = await client.cards.close(card_id, reason="customer request")
    assert closed.succeeded
    with pytest.raises(fp.APIError) as refused:
        await client.cards.block(card_id, reason="too late")
    assert refused.value.request_id
    if FROM_SANDBOX:
        assert isinstance(refused.value, fp.ConflictError) and refused.value.code == "CARD_CLOSED"
        assert balance.accounts[0].amount == Decimal("100000.00")


async def test_issuing_in_bulk_and_plastic(client: Any) -> None:
    """card/bulk_issue and card/issue_plastic, each polled through request/status."""
    bulk = await client.cards.bulk_issue(fp.Product.INSTANT_CARD, 3, wait=True)
    assert bulk.succeeded and len(bulk.card_ids) == 3 and len(set(bulk.card_ids)) == 3
    owner = await client.clients.create(
        fp.Product.ELECTRON_CARD, phone=77001112233, type=1, resident=1, first_name="Bek", last_name="Nurlan", wait=True
    )
    plastic = await client.cards.issue_plastic(owner.client_id, fp.Product.ELECTRON_CARD, wait=True)
    assert plastic.succeeded and len(plastic.card_ids) == 1


async def test_money_moves(client: Any) -> None:
    """transaction/create (polled), clearing (partial), refund (partial), info, request status, and an
    over-refund refused."""
    issued = await client.cards.issue(
        fp.Product.INSTANT_CARD, first_name="Aida", last_name="Sadykova", phone="77001234567",
        country="KAZ", person_id="900101300123", wait=True,
    )  # fmt: skip
    card_id = issued.card_ids[0]
    await client.cards.activate(card_id)
    before = (await client.cards.balance(card_id)).accounts[0]
    created = await client.transactions.create(card_id, Decimal("1500.00"), "KZT", order_id="order-1", wait=True)
    assert created.succeeded and created.transaction_id
    transaction_id = created.transaction_id
    status = await client.transactions.request_status(created.request_id)
    assert status.transaction_id == transaction_id
    cleared = await client.transactions.clear(transaction_id, order_id="order-1", amount=Decimal("1000.00"))
    refunded = await client.transactions.refund(transaction_id, order_id="order-1", amount=Decimal("400.00"))
    assert cleared.succeeded and refunded.succeeded
    info = await client.transactions.info(transaction_id=transaction_id)
    assert info.request_status == "success" and info.error_code in (None, "")
    after = (await client.cards.balance(card_id)).accounts[0]
    assert before.amount is not None and after.amount is not None
    assert before.amount - after.amount == Decimal("600.00")
    with pytest.raises(fp.APIError) as too_much:
        await client.transactions.refund(transaction_id, order_id="order-1", amount=Decimal("700.00"))
    assert too_much.value.request_id


async def test_cardholder_validation(client: Any, target: Target) -> None:
    """card/issue (polled), then external/cardholder_validate: the holder's own data, then another first name."""
    if RECORD == "live" and not os.environ.get("FREEDOMPAY_CARD_TOKEN"):
        pytest.skip("recording Cardholder validation live needs FREEDOMPAY_CARD_TOKEN (a card token of the partner)")
    issued = await client.cards.issue(
        fp.Product.INSTANT_CARD, first_name="Aida", last_name="Sadykova", phone="77001234567",
        country="KAZ", person_id="900101300123", wait=True,
    )  # fmt: skip
    token = target.card_token(issued.card_ids[0])
    same = await client.cards.validate_cardholder(token, first_name="Aida", last_name="Sadykova", phone="7001234567")
    other = await client.cards.validate_cardholder(token, first_name="Dana", last_name="Sadykova", phone="7001234567")
    assert same.request_id and other.request_id and same.request_id != other.request_id
    assert same.percentage is not None and other.percentage is not None
    if FROM_SANDBOX:
        assert (same.score, same.fishy, other.score) == ("100.00%", 0, "70.00%")


async def test_spending_limits(client: Any) -> None:
    """card/issue (polled), limits/set on the card, limits/list for it, and a limit of an unknown client."""
    issued = await client.cards.issue(
        fp.Product.INSTANT_CARD, first_name="Aida", last_name="Sadykova", phone="77001234567",
        country="KAZ", person_id="900101300123", wait=True,
    )  # fmt: skip
    card_id = issued.card_ids[0]
    atm = fp.Limit("withdrawal_atm", [fp.LimitAmount(Decimal("5000"), "USD")], period="month")
    online = fp.Limit("pay_online_non3ds", [fp.LimitAmount(0, "KZT")], period="day")
    assert (await client.limits.set(fp.LimitScope.CARD, card_id, [atm, online])).succeeded
    listed = await client.limits.list(fp.LimitScope.CARD, card_id)
    assert listed.request_id and listed.request_status == "success"
    if FROM_SANDBOX:
        assert list(listed) == [atm, online]
        with pytest.raises(fp.NotFoundError):
            await client.limits.set(fp.LimitScope.CLIENT, "404404", [atm])


async def test_gift_card_flow(client: Any, target: Target) -> None:
    """product_list, issue_card, activate_card (wrong code: -8; right code; again: -10), resend,
    resend_code, status."""
    products = await client.gift_cards.products()
    assert products and all(p.code > 0 for p in products)
    gift = await client.gift_cards.issue(products[0].code, cardholder_name="Aida Sadykova", phone="77001234567")
    assert gift.card_id > 0
    with pytest.raises(fp.InvalidOTPError) as wrong:
        await client.gift_cards.confirm("999999" if FROM_SANDBOX else "000001", card_id=gift.card_id)
    assert wrong.value.code == -8
    resent = await client.gift_cards.resend_code(gift.card_id)
    assert resent.status == 0
    state = await client.gift_cards.confirm(target.otp(gift.card_id), card_id=gift.card_id)
    assert state.card_status == fp.GiftCardStatus.ACTIVATED and state.card_mask
    with pytest.raises(fp.ConflictError) as again:
        await client.gift_cards.confirm(target.otp(gift.card_id), card_id=gift.card_id)
    assert again.value.code == -10
    assert (await client.gift_cards.resend(gift.card_id)).status == 0
    status = await client.gift_cards.status(gift.card_id)
    assert status.card_status == fp.GiftCardStatus.ACTIVATED and status.balance == products[0].balance


async def test_unknown_request_is_not_found(client: Any) -> None:
    with pytest.raises(fp.NotFoundError) as info:
        await client.requests.status("00000000-0000-4000-8000-000000000000")
    assert info.value.request_id == "00000000-0000-4000-8000-000000000000"


# --------------------------------------------------------------------------------------------- the cassettes
# These check the cassettes themselves: they skip while scripts/record.py records.

checks_cassettes = pytest.mark.skipif(bool(RECORD), reason="checks the cassettes; records nothing")


def _recorded_requests() -> dict[str, list[str]]:
    """Every recorded request URI, per client kind."""
    import yaml

    uris: dict[str, list[str]] = {"sync": [], "async": []}
    for path in sorted(CASSETTES.glob("*.yaml")):
        kind = "async" if "[async]" in path.name else "sync"
        for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            uris[kind].append(interaction["request"]["uri"])
    return uris


@checks_cassettes
def test_every_path_of_the_spec_is_in_a_cassette_for_both_clients() -> None:
    from freedompay_cards.sandbox import ROUTES
    from tests.spec_tools import spec

    expected = set(spec()["paths"])
    for kind, uris in _recorded_requests().items():
        missing = sorted(expected - {urlsplit(uri).path for uri in uris})
        todo = [f"{ROUTES[p].operation} ({p})" if p in ROUTES else p for p in missing]
        assert not missing, (
            f"no {kind} cassette calls {', '.join(todo)}: call it in a scenario of tests/test_cassettes.py, "
            "then run make record"
        )


@checks_cassettes
def test_cassettes_are_written_with_one_fixed_origin() -> None:
    for uri in [u for uris in _recorded_requests().values() for u in uris]:
        assert uri.startswith(REPLAY_URL + "/"), f"{uri}: recorded with another origin; run make record"
    for path in CASSETTES.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert "127.0.0.1" not in text and "localhost" not in text, f"{path.name}: a loopback address; make record"


@checks_cassettes
def test_cassettes_hold_no_secret() -> None:
    files = sorted(CASSETTES.glob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert cassettes.find_secrets(text) == [], path.name
        assert "X-JWS-Signature" not in text and "x-jws-signature" not in text.lower(), path.name
        assert "replay-secret" not in text and "sandbox-secret" not in text, path.name


@checks_cassettes
def test_cassettes_hold_a_polled_process_then_success_sequence() -> None:
    text = (CASSETTES / "test_issuing_in_bulk_and_plastic[sync].yaml").read_text(encoding="utf-8")
    assert '"request_status":"process"' in text and '"request_status":"success"' in text


@checks_cassettes
def test_recording_twice_from_fresh_sandboxes_gives_the_same_bytes(tmp_path: Path) -> None:
    """What makes ``make record`` touch only the cassettes whose scenario changed."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("FREEDOMPAY_")}
    runs = [
        subprocess.Popen(
            [sys.executable, "scripts/record.py", "--into", str(tmp_path / name), "--no-check"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in ("first", "second")
    ]
    try:
        outputs = [run.communicate(timeout=300)[0] for run in runs]
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.wait()
    assert [run.returncode for run in runs] == [0, 0], outputs
    first, second = ({p.name: p.read_bytes() for p in (tmp_path / n).glob("*.yaml")} for n in ("first", "second"))
    assert sorted(first) == sorted(second) == sorted(p.name for p in CASSETTES.glob("*.yaml")), (
        "the scenarios and the committed cassettes differ: run make record"
    )
    differing = sorted(name for name in first if first[name] != second[name])
    assert not differing, f"recording is not deterministic: {differing} differ between two runs"


def test_scrubbers_replace_every_secret_kind() -> None:
    body = b'{"card_id":"1","pin":"enc","otp":"123456","nested":{"pan":"4111111111111111","cvv":"123","expiry":"12/30"},"note":"card 4111111111111111"}'
    cleaned = cassettes.scrub_body(body)
    assert cleaned == (
        b'{"card_id":"1","pin":"<pin>","otp":"<otp>","nested":{"pan":"4000000000000001","cvv":"000",'
        b'"expiry":"00/00"},"note":"card 4000000000000001"}'
    )
    assert cassettes.find_secrets(body.decode()) == ["4111111111111111", "4111111111111111"]
    assert cassettes.find_secrets(cleaned.decode()) == []


@pytest.mark.parametrize(
    "written", ["4111 1111 1111 1111", "4111-1111-1111-1111", "x_4111111111111111", "pan=4111111111111111;"]
)
def test_a_card_number_in_free_text_is_replaced_however_it_is_written(written: str) -> None:
    # the same numbers _redact masks in messages: grouped, or glued to a word
    rid = "00000000-0000-0000-0000-000000000001"
    body = json.dumps({"description": f"card {written} declined", "request_id": rid}).encode()
    cleaned = cassettes.scrub_body(body)
    assert cassettes.find_secrets(body.decode()) != [] and cassettes.find_secrets(cleaned.decode()) == []
    assert "4111" not in cleaned.decode() and rid in cleaned.decode()  # a UUID is not a card number


def test_the_recorded_origin_replaces_scheme_host_and_port_and_keeps_the_path() -> None:
    class Request:  # the shape of vcrpy's Request that fix_origin uses
        def __init__(self) -> None:
            self.uri = "http://127.0.0.1:34505/prefix/v5/card-api/card/block?x=1"
            self.headers = {"host": "127.0.0.1:34505", "content-type": "application/json"}

    fixed = cassettes.fix_origin(Request())
    assert fixed.uri == "https://test-api.freedompay.kz/prefix/v5/card-api/card/block?x=1"
    assert fixed.headers == {"host": "test-api.freedompay.kz", "content-type": "application/json"}
