"""The sandbox over real loopback HTTP: sync and async clients, faults as a server shows them, the CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

import freedompay_cards as fp
from freedompay_cards.sandbox import CardStatus, Fault, Sandbox, SandboxServer
from tests.processes import interruptible
from tests.spec_tools import PATHS

FAST = fp.RetryPolicy(max_retries=2, base=0.001, cap=0.01)


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture
def server(sandbox: Sandbox) -> Iterator[SandboxServer]:
    with sandbox.serve() as running:
        yield running


def http_client(sandbox: Sandbox, server: SandboxServer, **kwargs: object) -> fp.CardClient:
    return fp.CardClient(
        auth_id=sandbox.auth_id, secret_key=sandbox.secret_key, base_url=server.url, retry_policy=FAST, **kwargs
    )  # type: ignore[arg-type]


def test_a_sync_client_talks_to_the_server_over_http(sandbox: Sandbox, server: SandboxServer) -> None:
    assert server.url == f"http://127.0.0.1:{server.port}" and server.port > 0
    with http_client(sandbox, server) as client:
        issued = client.cards.bulk_issue(fp.Product.INSTANT_CARD, 1, wait=True)
        client.cards.activate(issued.card_ids[0])
        info = client.cards.info(issued.card_ids[0])

    assert info.card_status == "active" and sandbox.cards[issued.card_ids[0]].status == CardStatus.ACTIVE


async def test_an_async_client_talks_to_the_server_over_http(sandbox: Sandbox, server: SandboxServer) -> None:
    card = sandbox.create_card()
    async with fp.AsyncCardClient(
        auth_id=sandbox.auth_id, secret_key=sandbox.secret_key, base_url=server.url, retry_policy=FAST
    ) as client:
        await client.cards.block(card.card_id, reason="lost")
        gift = await client.gift_cards.issue(1, cardholder_name="A", phone=77001234567)
        state = await client.gift_cards.confirm(sandbox.last_otp(gift.card_id), card_id=gift.card_id)

    assert card.status == CardStatus.BLOCKED and state.card_status == fp.GiftCardStatus.ACTIVATED


@pytest.mark.parametrize(
    ("fault", "reconciled"),
    [
        (Fault.drop_before(), False),  # a dropped connection: Request status says unknown, so it is re-sent
        (Fault.drop_after(), True),
        (Fault.garbage(), True),
        (Fault.http(503, retry_after=0), False),
        (Fault.delay(0.05), False),
    ],
    ids=lambda v: getattr(v, "label", str(v)),
)
def test_faults_over_http_are_retried_and_applied_once(
    sandbox: Sandbox, server: SandboxServer, fault: Fault, reconciled: bool
) -> None:
    card = sandbox.create_card()
    sandbox.inject("cards.block", fault)

    with http_client(sandbox, server) as client:
        result = client.cards.block(card.card_id, reason="lost")

    assert card.status == CardStatus.BLOCKED and result.reconciled is reconciled
    assert sandbox.times_processed(result.request_id or "") == 1
    assert sandbox.log[0].fault == fault.label and sandbox.log[0].processed is fault.processes


def test_timeout_after_over_http_holds_the_connection_until_the_client_gives_up(
    sandbox: Sandbox, server: SandboxServer
) -> None:
    card = sandbox.create_card()
    sandbox.inject("cards.block", Fault.timeout_after(hold=30))

    with http_client(sandbox, server, timeout=0.3) as client:
        result = client.cards.block(card.card_id, reason="lost")

    assert result.reconciled and card.status == CardStatus.BLOCKED


def test_closing_the_server_frees_the_port_even_with_a_held_connection(sandbox: Sandbox) -> None:
    server = sandbox.serve()
    sandbox.inject(None, Fault.timeout_after(hold=30))
    with httpx.Client(base_url=server.url, timeout=0.2) as http, pytest.raises(httpx.ReadTimeout):
        http.post(PATHS["gift_cards.products"], content=b"{}")
    started = time.monotonic()

    server.close()

    assert time.monotonic() - started < 5
    with httpx.Client(base_url=server.url) as http, pytest.raises(httpx.ConnectError):
        http.post(PATHS["gift_cards.products"], content=b"{}")


def test_unknown_paths_and_other_methods_get_http_errors(sandbox: Sandbox, server: SandboxServer) -> None:
    with httpx.Client(base_url=server.url) as http:
        missing = http.post("/v5/card-api/nothing", content=b"{}")
        wrong_method = http.get(PATHS["requests.status"])

    assert missing.status_code == 404 and wrong_method.status_code == 405
    assert wrong_method.headers["Allow"] == "POST"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "example.com"])
def test_serving_beyond_loopback_is_refused(sandbox: Sandbox, host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        sandbox.serve(host)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_command_line_serves_until_interrupted_or_terminated(stop: signal.Signals) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = interruptible(
        [sys.executable, "-m", "freedompay_cards.sandbox", "--port", "0", "--auth-id", "cli", "--secret-key", "s3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(3)]
        url = banner[0].split(" on ")[1].strip()
        with fp.CardClient(auth_id="cli", secret_key="s3", base_url=url, retry_policy=FAST) as client:
            products = client.gift_cards.products()
        process.send_signal(stop)
        assert process.wait(timeout=10) == 0
        rest = process.stdout.read()
    finally:
        process.kill()
        process.wait()

    assert url.startswith("http://127.0.0.1:") and "cli" in banner[1] and "s3" in banner[2]
    assert rest.splitlines()[-1] == "stopping"
    assert len(products) >= 1


def test_the_command_line_refuses_a_remote_host_without_allow_remote() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "freedompay_cards.sandbox", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip

    assert done.returncode == 2 and "loopback" in done.stderr


def test_a_failure_inside_the_sandbox_answers_http_500_instead_of_hanging_up(
    sandbox: Sandbox, server: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(admission: object) -> object:
        raise RuntimeError("sandbox bug")

    monkeypatch.setattr(sandbox, "process", broken)
    with httpx.Client(base_url=server.url) as http:
        answer = http.post(PATHS["gift_cards.products"], content=b"{}")

    assert answer.status_code == 500 and answer.json()["error_code"] == "INTERNAL_ERROR"
