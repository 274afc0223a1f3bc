"""Per-call options, with_options, raw responses, logging and the User-Agent, sync and async."""

from __future__ import annotations

import inspect
import json
import logging
import subprocess
import sys
from typing import Any

import httpx
import pytest

import freedompay_cards as fp
from freedompay_cards._async._client import AsyncCardClient
from freedompay_cards._operations import OPERATIONS as TABLE
from tests.conftest import AUTH_ID, FAST, SECRET, MockAPI, ok, sequential_ids
from tests.spec_tools import PATHS

BLOCK = PATHS["cards.block"]
INFO = PATHS["cards.info"]


def public_methods(client: Any) -> list[tuple[str, Any]]:
    """(resource.method, bound method) of every public method of every resource of ``client``."""
    out = []
    resources = [  # dir(): all but ``cards`` are made on first use (cached properties of the client's class)
        name
        for name in dir(client)
        if not name.startswith("_") and type(getattr(client, name)).__module__.rsplit(".", 1)[-1] == name
    ]
    for resource in resources:
        obj = getattr(client, resource)
        out += [(f"{resource}.{name}", getattr(obj, name)) for name in dir(obj) if not name.startswith("_")]
    return [(name, m) for name, m in out if callable(m)]


# ------------------------------------------------------------------------------------- every method


def test_every_method_accepts_the_per_call_options(client: fp.CardClient) -> None:
    wanted = {"timeout", "max_retries", "extra_headers"}
    for name, method in public_methods(client):
        parameters = inspect.signature(method).parameters
        kwargs = next((p for p in parameters.values() if p.kind is p.VAR_KEYWORD), None)
        if kwargs is not None:
            assert "RequestOptions" in str(kwargs.annotation), name
        else:  # requests.wait: its timeout is the wait's deadline
            assert wanted <= set(parameters), f"{name} lacks {wanted - set(parameters)}"


def test_every_operation_of_the_spec_has_a_method_on_both_clients(
    client: fp.CardClient, async_client: fp.AsyncCardClient
) -> None:
    for each in (client, async_client):
        names = {name for name, _ in public_methods(each)}
        for entry in TABLE:
            resource, method = entry["name"].split(".")
            assert entry["name"] in names, (
                f"facade/freedompay_cards/_async/{resource}.py: add `async def {method}(...)` to the "
                f"{resource} resource class, calling self._client._operation or _fetch({entry['name']!r}, ...) "
                f"(spec operation {entry['operation_id']}, {entry['path']}); then make generate"
            )
    assert isinstance(async_client, AsyncCardClient)


def test_an_unknown_keyword_is_a_type_error_before_sending(client: fp.CardClient, api: MockAPI) -> None:
    with pytest.raises(fp.InvalidRequestTypeError, match="unexpected keyword argument"):
        client.cards.block("c", reason="lost", tiemout=3)  # type: ignore[call-arg]
    assert api.requests == []


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"timeout": -1}, "timeout"),
        ({"timeout": "3"}, "timeout"),
        ({"deadline": 0}, "deadline"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 10**9}, "max_retries"),
        ({"max_retries": True}, "max_retries"),
        ({"extra_headers": {"X-JWS-Signature": "x"}}, "extra_headers"),
        ({"extra_headers": {"Content-Type": "text/plain"}}, "extra_headers"),
        ({"extra_headers": {"X-Ok": "a\r\nInjected: 1"}}, "extra_headers"),
        ({"extra_headers": {"Bad Name": "x"}}, "extra_headers"),
        ({"extra_headers": ["x"]}, "extra_headers"),
        ({"extra_body": {"request_id": "828cf71d-a447-4a67-a149-c1df8bc197ca"}}, "extra_body"),
        ({"extra_body": {"card_id": "other"}}, "extra_body"),
        ({"extra_body": {"comment": object()}}, "extra_body"),
        ({"extra_body": {"": 1}}, "extra_body"),
    ],
)
def test_bad_options_are_refused_before_sending(
    client: fp.CardClient, api: MockAPI, options: dict[str, Any], field: str
) -> None:
    with pytest.raises(fp.InvalidRequestError, match=field):
        client.cards.block("c", reason="lost", **options)
    assert api.requests == []


def test_extra_body_adds_fields_after_the_methods_own(client: fp.CardClient, api: MockAPI) -> None:
    client.cards.block("c", reason="lost", extra_body={"comment": "new field", "flags": [1, 2]})
    assert list(api.bodies[0]) == ["request_id", "card_id", "description", "comment", "flags"]
    assert api.bodies[0]["comment"] == "new field"


def test_extra_headers_are_sent_and_a_user_agent_is_put_before_ours(client: fp.CardClient, api: MockAPI) -> None:
    client.cards.info("c", extra_headers={"X-Trace": "abc", "User-Agent": "partner-app/2"})
    sent = api.requests[0].headers
    assert sent["X-Trace"] == "abc"
    assert sent["User-Agent"].startswith("partner-app/2 freedompay-cards/")


async def test_async_methods_take_the_same_options(async_client: fp.AsyncCardClient, api: MockAPI) -> None:
    await async_client.cards.block("c", reason="lost", timeout=5, extra_body={"comment": "x"})
    assert api.bodies[0]["comment"] == "x"
    assert api.requests[0].extensions["timeout"]["read"] == 5


def test_timeout_per_call_replaces_the_clients(client: fp.CardClient, api: MockAPI) -> None:
    client.cards.info("c", timeout=4)
    client.cards.info("c")
    assert [r.extensions["timeout"]["read"] for r in api.requests] == [4, 30]


def test_an_httpx_timeout_gives_its_phases(client: fp.CardClient, api: MockAPI) -> None:
    client.cards.info("c", timeout=httpx.Timeout(2, connect=1))
    assert api.requests[0].extensions["timeout"] == {"connect": 1, "read": 2, "write": 2, "pool": 2}


# ------------------------------------------------------------------------------------- with_options


def test_with_options_makes_a_copy_that_shares_the_pool(api: MockAPI) -> None:
    http = httpx.Client(transport=httpx.MockTransport(api.handler))
    base = fp.CardClient(AUTH_ID, SECRET, http_client=http, retry_policy=FAST)
    quick = base.with_options(timeout=2, max_retries=0, deadline=5)
    assert quick._http is base._http and (quick.timeout, quick.max_retries, quick.deadline) == (2, 0, 5)
    assert (base.timeout, base.max_retries, base.deadline) == (30, 2, None)
    api.on(INFO, httpx.Response(503))
    with pytest.raises(fp.ServerError) as info:
        quick.cards.info("c")
    assert info.value.attempts == 1  # max_retries=0 on the copy
    quick.close()
    assert not http.is_closed  # closing the copy leaves the shared pool open
    base.close()


def test_with_options_keeps_what_is_not_given_and_checks_what_is(client: fp.CardClient) -> None:
    copy = client.with_options(timeout=None)
    assert copy.timeout is None and copy.max_retries == client.max_retries
    with pytest.raises(fp.ConfigurationError, match="max_response_bytes"):
        client.with_options(max_response_bytes=10)
    with pytest.raises(fp.ConfigurationTypeError, match="retry_policy: expected a RetryPolicy, got int"):
        client.with_options(retry_policy=3)  # type: ignore[arg-type]


async def test_async_with_options(async_client: fp.AsyncCardClient, api: MockAPI) -> None:
    copy = async_client.with_options(max_retries=0)
    api.on(INFO, httpx.Response(503))
    with pytest.raises(fp.ServerError) as info:
        await copy.cards.info("c")
    assert info.value.attempts == 1


# ------------------------------------------------------------------------------------- raw responses


def test_raw_response_gives_the_http_answer_and_parses_to_the_usual_result(client: fp.CardClient, api: MockAPI) -> None:
    api.on(INFO, httpx.Response(200, json=ok(card_id="c", card_mask="4000********0002"), headers={"X-Extra": "1"}))
    raw = client.with_raw_response.cards.info("c")
    assert isinstance(raw, fp.RawResponse) and raw.status_code == 200 and raw.headers["X-Extra"] == "1"
    assert raw.http_response.json()["card_mask"] == "4000********0002"
    info = raw.parse()
    assert isinstance(info, fp.CardInfo) and info.card_id == "c" and raw.request_id == info.request_id


def test_raw_response_repr_shows_no_headers_or_body(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.secret_data"], ok(card_id="c", pan="4000000000000002", cvv="123"))
    raw = client.with_raw_response.cards.secret_data("c")
    assert "4000000000000002" not in repr(raw) and "123" not in repr(raw) and "RawResponse [200]" in repr(raw)


def test_every_method_has_a_raw_twin(client: fp.CardClient, async_client: fp.AsyncCardClient) -> None:
    for each in (client, async_client):
        for name, _ in public_methods(each):
            resource, method = name.split(".")
            assert callable(getattr(getattr(each.with_raw_response, resource), method)), name


def test_raw_statement_reads_the_whole_listing(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.statement"], ok(operations=[]))
    raw = client.with_raw_response.cards.statement("c")
    assert raw.parse() == [] and raw.status_code == 200


async def test_async_raw_response(async_client: fp.AsyncCardClient, api: MockAPI) -> None:
    raw = await async_client.with_raw_response.cards.block("c", reason="lost")
    assert raw.status_code == 200 and raw.parse().succeeded


async def test_async_statement_can_be_awaited_whole_or_iterated(async_client: fp.AsyncCardClient, api: MockAPI) -> None:
    operation = {"type": "purchase", "amount": 10.5, "commission": 0, "currency": "KZT", "mcc": 5999,
                 "datetime": "2025-01-01T00:01:01+00:30", "rrn": "1", "merchant": {}}  # fmt: skip
    api.on(PATHS["cards.statement"], ok(operations=[operation, operation]))
    whole = await async_client.cards.statement("c")
    assert len(whole) == 2 and str(whole[0].amount) == "10.5"
    assert len([o async for o in async_client.cards.statement("c")]) == 2


# ------------------------------------------------------------------------------------- user agent


def test_user_agent_names_the_library_python_and_the_app(api: MockAPI) -> None:
    http = httpx.Client(transport=httpx.MockTransport(api.handler))
    app = {"name": "partner-back-office", "version": "4.2", "url": "https://partner.example"}
    with fp.CardClient(AUTH_ID, SECRET, http_client=http, app_info=app) as c:
        c.cards.info("c")
    agent = api.requests[0].headers["User-Agent"]
    assert agent.startswith(f"freedompay-cards/{fp.__version__} (python ")
    assert agent.endswith("partner-back-office/4.2 (+https://partner.example)")


def test_a_callers_own_user_agent_is_kept_first(api: MockAPI) -> None:
    http = httpx.Client(transport=httpx.MockTransport(api.handler), headers={"User-Agent": "their-gateway/1"})
    with fp.CardClient(AUTH_ID, SECRET, http_client=http) as c:
        c.cards.info("c")
    assert api.requests[0].headers["User-Agent"].startswith("their-gateway/1 freedompay-cards/")


@pytest.mark.parametrize("app_info", [{"version": "1"}, {"name": ""}, {"name": "a", "colour": "red"}, "app"])
def test_bad_app_info_is_a_configuration_mistake(app_info: Any) -> None:
    with pytest.raises(fp.ConfigurationError, match="app_info"):
        fp.CardClient(AUTH_ID, SECRET, app_info=app_info)


# ------------------------------------------------------------------------------------- logging


def test_freedompay_log_debug_writes_attempts_to_stderr_without_secrets() -> None:
    script = (
        "import httpx, freedompay_cards as fp\n"
        "def answer(r): return httpx.Response(200, json={'status':'ok','request_status':'success',"
        "'dt':'2025-01-01T00:01:01+00:30'})\n"
        "c = fp.CardClient('123456', 'top-secret-key', http_client=httpx.Client(transport=httpx.MockTransport(answer)))\n"
        "c.cards.set_pin('card-1', encrypted_pin='CIPHERTEXT')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env={"FREEDOMPAY_LOG": "debug", "PATH": ""},
        check=True,
    )  # fmt: skip
    assert "cards.set_pin" in done.stderr and "http_status=200" in done.stderr and "DEBUG" in done.stderr
    for secret in ("top-secret-key", "CIPHERTEXT", "X-JWS"):
        assert secret not in done.stderr


def test_without_freedompay_log_nothing_is_configured() -> None:
    script = "import freedompay_cards as fp, logging; fp.CardClient('1','s'); print(logging.getLogger('freedompay_cards').handlers)"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env={"PATH": ""}, check=True)
    assert done.stdout.strip() == "[]"


def test_log_lines_carry_the_operation_request_id_and_outcome(
    client: fp.CardClient, api: MockAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.on(INFO, httpx.Response(503), ok(card_id="c"))
    with caplog.at_level(logging.DEBUG, logger="freedompay_cards"):
        client.cards.info("c")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "cards.info" in text and "http_status=503" in text and "retry in" in text
    assert "info" in {r.levelname.lower() for r in caplog.records}


# ------------------------------------------------------------------------------------- sequential ids


def test_request_ids_come_from_the_factory_once_per_operation(api: MockAPI) -> None:
    http = httpx.Client(transport=httpx.MockTransport(api.handler))
    with fp.CardClient(AUTH_ID, SECRET, http_client=http, request_id_factory=sequential_ids(), retry_policy=FAST) as c:
        api.on(BLOCK, httpx.Response(429), ok())
        c.cards.block("c", reason="lost")
    assert [json.loads(r.content)["request_id"] for r in api.requests] == ["00000000-0000-0000-0000-000000000001"] * 2
