"""The client against a server that misbehaves on purpose (tests/hostile.py), over real loopback sockets.

Every case runs through the sync and the async client and asserts the wall time (a bound, generous for a
shared machine: it would otherwise be the server's 15 s), the error type, the outcome flag and, for
mutating operations, how often the operation reached the server.
"""

from __future__ import annotations

import asyncio
import json
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import freedompay_cards as fp
from tests.hostile import (
    DT,
    Answer,
    Behaviour,
    ChunkedForever,
    Drip,
    Drop,
    GzipBomb,
    Hang,
    HostileServer,
    SlowHeaders,
    Stream,
    envelope,
    timed,
)
from tests.spec_tools import PATHS

CARD = PATHS["cards.info"]
STATUS = PATHS["requests.status"]
CREATE = PATHS["transactions.create"]
SECRET = PATHS["cards.secret_data"]
FAST = fp.RetryPolicy(max_retries=2, base=0.01, cap=0.02)
SLACK = 2.5  # seconds a bounded call may overrun its bound on a loaded machine (the unbounded case: 15 s)
NOT_FOUND = Answer(
    json.dumps({"status": "error", "request_status": "error", "error_code": "REQUEST_NOT_FOUND"}).encode()
)
KIND = ["sync", "async"]


@pytest.fixture
def server() -> Any:
    with HostileServer() as hostile:
        yield hostile


def run(kind: str, server: HostileServer, call: Callable[[Any], Any], **client: Any) -> tuple[Any, float]:
    """``call(client)`` on a fresh sync or async client of ``server``: (result or exception, seconds)."""
    options: dict[str, Any] = {"base_url": server.url, "retry_policy": FAST, **client}
    if kind == "sync":
        with fp.CardClient("1", "s", **options) as sync_client:
            return timed(lambda: call(sync_client))

    async def main() -> Any:
        async with fp.AsyncCardClient("1", "s", **options) as async_client:
            return await call(async_client)

    return timed(lambda: asyncio.run(main()))


def info(c: Any) -> Any:
    return c.cards.info("c1", max_retries=0)


# ------------------------------------------------------------------------------------- time bounds


@pytest.mark.parametrize("kind", KIND)
@pytest.mark.parametrize(
    "behaviour", [Drip(every=0.2), SlowHeaders(every=0.2), Hang()], ids=["drip", "slow-headers", "hang"]
)
def test_timeout_bounds_one_attempt_by_wall_clock(kind: str, server: HostileServer, behaviour: Behaviour) -> None:
    server.script(CARD, behaviour)
    error, seconds = run(kind, server, info, timeout=1)
    assert isinstance(error, fp.APITimeoutError), error
    assert 0.9 < seconds < 1 + SLACK
    assert server.arrivals[CARD] == 1


@pytest.mark.parametrize("kind", KIND)
def test_a_dripping_server_against_a_callers_own_httpx_client_is_cut_between_chunks(
    kind: str, server: HostileServer
) -> None:
    server.script(CARD, Drip(every=0.2))
    http: Any = httpx.Client() if kind == "sync" else httpx.AsyncClient()
    error, seconds = run(kind, server, info, timeout=1, http_client=http)
    assert isinstance(error, fp.APITimeoutError) and seconds < 1 + SLACK


@pytest.mark.parametrize("kind", KIND)
def test_deadline_bounds_the_whole_call_retries_included(kind: str, server: HostileServer) -> None:
    server.script(CARD, Hang())
    error, seconds = run(kind, server, lambda c: c.cards.info("c1", timeout=1, deadline=2.5, max_retries=5))
    assert isinstance(error, fp.APITimeoutError), error
    assert seconds < 2.5 + SLACK
    assert "deadline" in str(error) or error.attempts >= 2


@pytest.mark.parametrize("kind", KIND)
def test_deadline_on_a_mutating_call_says_the_outcome_is_unknown(kind: str, server: HostileServer) -> None:
    server.script(CREATE, Hang())
    server.script(STATUS, Hang())
    call = lambda c: c.transactions.create("c1", "10.00", "KZT", order_id="o1", timeout=0.5, deadline=1.5)  # noqa: E731
    error, seconds = run(kind, server, call)
    assert isinstance(error, fp.APITimeoutError) and error.outcome_unknown and error.request_id
    assert seconds < 1.5 + SLACK
    # re-sent only under the same request_id, which the API refuses to apply twice
    assert len({json.loads(body)["request_id"] for path, body in server.bodies if path == CREATE}) == 1


@pytest.mark.parametrize("kind", KIND)
def test_wait_timeout_is_a_deadline_even_when_status_polls_hang(kind: str, server: HostileServer) -> None:
    server.script(STATUS, Hang())
    call = lambda c: c.requests.wait("828cf71d-a447-4a67-a149-c1df8bc197ca", timeout=2, max_retries=0)  # noqa: E731
    error, seconds = run(kind, server, call, timeout=30)
    assert isinstance(error, fp.APITimeoutError) and error.outcome_unknown
    assert seconds < 2 + SLACK


# ------------------------------------------------------------------------------------- size limits


@pytest.mark.parametrize("kind", KIND)
@pytest.mark.parametrize(
    "behaviour",
    [Stream(declared=10**10), Stream(total=64 * 1024 * 1024), ChunkedForever(size=64 * 1024)],
    ids=["content-length-over-the-limit", "streamed-body-over-the-limit", "endless-chunked-body"],
)
def test_an_answer_over_max_response_bytes_is_refused_while_reading(
    kind: str, server: HostileServer, behaviour: Behaviour
) -> None:
    server.script(CARD, behaviour)
    error, seconds = run(kind, server, info, max_response_bytes=1024 * 1024)
    assert isinstance(error, fp.UnexpectedResponseError), error
    assert "max_response_bytes" in str(error) and seconds < SLACK


@pytest.mark.parametrize("kind", KIND)
def test_a_gzip_bomb_is_refused_counting_decoded_bytes_with_bounded_memory(kind: str, server: HostileServer) -> None:
    server.script(CARD, GzipBomb(decoded=256 * 1024 * 1024))
    tracemalloc.start()
    try:
        error, _ = run(kind, server, info, max_response_bytes=1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(error, fp.UnexpectedResponseError) and "max_response_bytes" in str(error)
    assert peak < 32 * 1024 * 1024  # the decoded body would be 256 MiB


@pytest.mark.parametrize("kind", KIND)
def test_an_error_status_with_a_huge_body_reads_only_its_start(kind: str, server: HostileServer) -> None:
    server.script(CARD, Stream(total=500 * 1024 * 1024, status=500))
    error, seconds = run(kind, server, lambda c: c.cards.info("c1", max_retries=0))
    assert isinstance(error, fp.ServerError) and error.http_status == 500 and seconds < SLACK


@pytest.mark.parametrize("kind", KIND)
def test_a_deeply_nested_error_body_is_a_typed_error_with_the_request_id(kind: str, server: HostileServer) -> None:
    server.script(CARD, Answer(b"[" * 5000 + b"]" * 5000, status=500))
    error, _ = run(kind, server, info)
    assert isinstance(error, fp.ServerError) and error.request_id


# ------------------------------------------------------------------------------------- redirects


@pytest.mark.parametrize("kind", KIND)
def test_a_redirect_is_never_followed_even_by_a_client_that_follows_redirects(kind: str, server: HostileServer) -> None:
    with HostileServer() as elsewhere:
        server.script(CREATE, Answer(status=307, headers={"Location": f"{elsewhere.url}{CREATE}"}))
        server.script(STATUS, NOT_FOUND)
        http: Any = httpx.Client(follow_redirects=True) if kind == "sync" else httpx.AsyncClient(follow_redirects=True)
        call = lambda c: c.transactions.create("c1", "10.00", "KZT", order_id="o1")  # noqa: E731
        error, _ = run(kind, server, call, http_client=http)
        assert isinstance(error, fp.UnexpectedResponseError) and elsewhere.url in str(error)
        assert error.outcome_unknown  # a 307 after a POST says nothing of whether it was applied
        assert sum(elsewhere.arrivals.values()) == 0  # the signature and the body never left for it
        assert server.arrivals[CREATE] == 1


# ------------------------------------------------------------------------------------- ambiguous answers


@pytest.mark.parametrize("kind", KIND)
@pytest.mark.parametrize("status", [501, 520, 522, 524, 599, 201, 202, 204])
def test_an_undocumented_answer_to_a_payment_is_reconciled_never_applied_twice(
    kind: str, server: HostileServer, status: int
) -> None:
    server.script(CREATE, Answer(status=status, body=b"" if status == 204 else envelope()))
    server.script(STATUS, Answer(envelope(transaction_id="t1")))
    error_or_result, _ = run(kind, server, lambda c: c.transactions.create("c1", "10.00", "KZT", order_id="o1"))
    assert isinstance(error_or_result, fp.OperationResult), error_or_result
    assert error_or_result.reconciled and error_or_result.transaction_id == "t1"
    assert server.arrivals[CREATE] == 1


@pytest.mark.parametrize("kind", KIND)
@pytest.mark.parametrize("status", [501, 524, 202])
def test_an_undocumented_answer_the_api_cannot_confirm_leaves_the_outcome_unknown(
    kind: str, server: HostileServer, status: int
) -> None:
    server.script(CREATE, Answer(status=status, body=envelope()))
    server.script(STATUS, NOT_FOUND, Answer(envelope(transaction_id="t1")))
    result, _ = run(kind, server, lambda c: c.transactions.create("c1", "10.00", "KZT", order_id="o1"))
    if isinstance(result, fp.FreedomPayError):  # not retried (501, 202): never "not applied"
        assert result.outcome_unknown and server.arrivals[CREATE] == 1
    else:  # retried after Request status said it never arrived: applied once, by the re-send
        assert result.succeeded and server.arrivals[CREATE] == 2


@pytest.mark.parametrize("kind", KIND)
def test_two_dropped_answers_to_a_read_end_in_a_fresh_read(kind: str, server: HostileServer) -> None:
    server.script(SECRET, Drop(), Drop(), Answer(envelope(card_id="c1", pan="4000000000000002")))
    result, _ = run(kind, server, lambda c: c.cards.secret_data("c1"))
    assert isinstance(result, fp.SecretCardData), result
    ids = [json.loads(body)["request_id"] for path, body in server.bodies if path == SECRET]
    assert len(ids) == 3 == len(set(ids)) and result.request_id == ids[-1]


# ------------------------------------------------------------------------------------- overload


def test_an_overloaded_async_pool_recovers_by_itself(server: HostileServer) -> None:
    server.script(CARD, Hang())

    async def main() -> tuple[list[Any], Any]:
        limits = httpx.Limits(max_connections=20)
        async with fp.AsyncCardClient(
            "1", "s", base_url=server.url, http_client=httpx.AsyncClient(limits=limits), retry_policy=FAST
        ) as client:
            storm = await asyncio.gather(
                *(client.cards.info("c1", timeout=0.5, max_retries=0) for _ in range(200)), return_exceptions=True
            )
            server.script(CARD, Answer(envelope(card_id="c1")))
            after = await client.cards.info("c1", timeout=2)
            return storm, after

    storm, after = asyncio.run(main())
    assert all(isinstance(e, fp.APITimeoutError) for e in storm)
    assert after.card_id == "c1"


def test_an_overloaded_sync_pool_recovers_by_itself(server: HostileServer) -> None:
    server.script(CARD, Hang())
    with fp.CardClient("1", "s", base_url=server.url, retry_policy=FAST) as client:
        for _ in range(3):
            with pytest.raises(fp.APITimeoutError):
                client.cards.info("c1", timeout=0.3, max_retries=0)
        server.script(CARD, Answer(envelope(card_id="c1")))
        assert client.cards.info("c1").card_id == "c1"


# ------------------------------------------------------------------------------------- lifecycle


@pytest.mark.parametrize("kind", KIND)
def test_a_closed_client_says_so_and_sends_nothing(kind: str, server: HostileServer) -> None:
    if kind == "sync":
        client = fp.CardClient("1", "s", base_url=server.url)
        client.close()
        error, _ = timed(lambda: client.cards.info("c1"))
    else:

        async def main() -> Any:
            client = fp.AsyncCardClient("1", "s", base_url=server.url)
            await client.aclose()
            return await client.cards.info("c1")

        error, _ = timed(lambda: asyncio.run(main()))
    assert isinstance(error, fp.ClientClosedError) and "closed" in str(error)
    assert sum(server.arrivals.values()) == 0


@pytest.mark.parametrize("kind", KIND)
def test_a_connection_error_names_its_cause(kind: str) -> None:
    with HostileServer() as gone:
        url = gone.url
    error, _ = run(kind, gone, lambda c: c.cards.info("c1", max_retries=0), base_url=url)
    assert isinstance(error, fp.APIConnectionError) and "ConnectError: " in str(error)
    assert "refused" in str(error).lower() or "connection attempts failed" in str(error).lower()  # the cause, in words


def _zlib_roundtrip_sanity() -> None:  # keeps the gzip bomb honest: it really decodes to what it says
    assert len(zlib.decompress(GzipBomb(1024).body, zlib.MAX_WBITS | 16)) == 1024


def test_the_gzip_bomb_fixture_decodes_to_its_size() -> None:
    _zlib_roundtrip_sanity()


def test_unscripted_answers_are_documented_envelopes() -> None:
    assert json.loads(envelope())["dt"] == DT


@pytest.mark.parametrize("kind", KIND)
def test_a_huge_string_field_is_held_to_max_response_bytes(kind: str, server: HostileServer) -> None:
    server.script(CARD, Answer(envelope(card_id="c1", note="x" * (50 * 1024 * 1024))))
    error, seconds = run(kind, server, info, max_response_bytes=16 * 1024 * 1024)
    assert isinstance(error, fp.UnexpectedResponseError) and "max_response_bytes" in str(error)
    assert seconds < SLACK
