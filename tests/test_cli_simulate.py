"""``freedompay-cards simulate`` plays the cardholder on a served sandbox (its reserved path), and refuses
any other target; ``freedompay-cards sandbox --populate N`` starts with clients and cards and prints
their ids."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal

import pytest

import freedompay_cards as fp
from freedompay_cards._cli import build_parser
from freedompay_cards.sandbox import Sandbox
from tests.processes import interruptible
from tests.test_cli_mutations import cli


@pytest.fixture
def env(sandbox: Sandbox) -> Iterator[dict[str, str]]:  # the sandbox served on loopback, as the CLI reaches it
    with sandbox.serve() as served:
        yield {
            "FREEDOMPAY_AUTH_ID": "sandbox",
            "FREEDOMPAY_SECRET_KEY": "sandbox-secret",
            "FREEDOMPAY_BASE_URL": served.url,
        }


@pytest.fixture
def card(sandbox: Sandbox) -> str:
    return sandbox.create_card(client_id=sandbox.create_client().client_id).card_id


def test_a_purchase_moves_the_balance_and_says_so(env: dict[str, str], card: str, sandbox: Sandbox) -> None:
    before = sandbox.cards[card].balance
    result = cli("simulate", "purchase", card, "60.10", "--merchant", "Coffee", env=env)

    assert result.code == 0, result.err
    said = result.out.splitlines()[0]
    assert re.fullmatch(
        rf"card {card}: purchase of 60\.10 KZT at Coffee approved; balance [\d.]+ KZT \(event \S+\)", said
    ), said
    assert before - sandbox.cards[card].balance == Decimal("60.10")


def test_a_purchase_over_the_card_s_limit_is_declined(env: dict[str, str], card: str, sandbox: Sandbox) -> None:
    assert cli("limits", "set", "card", card, "--limit", "pay:50:KZT:day", env=env).code == 0
    before = sandbox.cards[card].balance
    result = cli("simulate", "purchase", card, "60", "--json", env=env)

    assert result.code == 0 and result.json()["approved"] is False
    assert result.json()["decline_code"] == "LIMIT_EXCEEDED" and "decline_reason" in result.json()
    assert sandbox.cards[card].balance == before
    text = cli("simulate", "purchase", card, "60", env=env)
    assert "declined (LIMIT_EXCEEDED: " in text.out and "no money moved" in text.out


def test_a_blocked_card_declines_then_a_reversal_and_a_refund(env: dict[str, str], card: str, sandbox: Sandbox) -> None:
    bought = cli("simulate", "purchase", card, "10", "--json", env=env).json()
    reversed_ = cli("simulate", "reversal", bought["event_id"], env=env)
    cli("cards", "block", card, "--reason", "lost", env=env)
    declined = cli("simulate", "purchase", card, "10", "--json", env=env).json()
    refunded = cli("simulate", "refund", card, "5", "--merchant", "Shop", env=env)

    assert reversed_.code == 0 and f"reversing {bought['event_id']}" in reversed_.out and "approved" in reversed_.out
    assert declined["approved"] is False and declined["decline_code"] == "CARD_BLOCKED"
    assert refunded.code == 0 and f"card {card}: refund of 5 KZT at Shop approved" in refunded.out


def test_an_unknown_card_is_exit_1_with_the_sandbox_s_code(env: dict[str, str]) -> None:
    result = cli("simulate", "purchase", "99999999", "10", "--json", env=env)

    assert result.code == 1 and "CARD_NOT_FOUND" in result.err and result.json()["error"]["code"] == "CARD_NOT_FOUND"


@pytest.mark.parametrize(
    ("argv", "said"),
    [(["simulate", "purchase", "1", "ten"], "amount"), (["simulate", "purchase", "1", "10", "--currency", "tenge"], "currency")],
)  # fmt: skip
def test_bad_input_is_refused_before_anything_is_sent(
    env: dict[str, str], sandbox: Sandbox, argv: list[str], said: str
) -> None:
    result = cli(*argv, env=env)

    assert result.code == 2 and said in result.err and sandbox.log == ()


@pytest.mark.parametrize(("answer", "said"), [("404", "answers 404"), ("200", "not an event")])
def test_a_target_that_is_not_a_sandbox_is_refused(answer: str, said: str) -> None:
    from tests.hostile import Answer, HostileServer

    with HostileServer() as hostile:  # unscripted, it answers a success envelope to any path
        if answer == "404":
            hostile.script("/__sandbox__/simulate/purchase", Answer(b"<html>Not Found</html>", status=404))
        env = {"FREEDOMPAY_AUTH_ID": "a", "FREEDOMPAY_SECRET_KEY": "b", "FREEDOMPAY_BASE_URL": hostile.url}
        result = cli("simulate", "purchase", "1", "10", env=env)

    assert result.code == 2 and "is not a sandbox" in result.err and said in result.err


def test_an_environment_of_freedom_pay_is_refused_before_anything_is_sent() -> None:
    result = cli("simulate", "purchase", "1", "10", env={"FREEDOMPAY_AUTH_ID": "a", "FREEDOMPAY_SECRET_KEY": "b"})
    production = cli(
        "--environment",
        "production",
        "simulate",
        "reversal",
        "e1",
        env={"FREEDOMPAY_AUTH_ID": "a", "FREEDOMPAY_SECRET_KEY": "b"},
    )

    assert result.code == production.code == 2 and "on a sandbox only" in result.err + production.err


def test_nothing_listening_is_exit_3() -> None:
    env = {"FREEDOMPAY_AUTH_ID": "a", "FREEDOMPAY_SECRET_KEY": "b", "FREEDOMPAY_BASE_URL": "http://127.0.0.1:9"}
    result = cli("simulate", "purchase", "1", "10", env=env)

    assert result.code == 3 and "no answer from http://127.0.0.1:9" in result.err


def test_populate_is_a_sandbox_option_on_both_command_lines() -> None:
    from freedompay_cards.sandbox.__main__ import main as sandbox_main  # noqa: F401  (its parser, the same list)

    args = build_parser().parse_args(["sandbox", "--populate", "3"])
    assert args.populate == 3 and build_parser().parse_args(["sandbox"]).populate == 0
    assert cli("sandbox", "--populate", "-1", env={}).code == 2


def test_the_sandbox_command_starts_populated_and_prints_the_ids() -> None:
    process = interruptible(
        [sys.executable, "-m", "freedompay_cards", "sandbox", "--port", "0", "--populate", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(7)]
        url = banner[0].split(" on ")[1].strip()
        seeded = [re.search(r"client (\d+): card (\d+)", line) for line in banner]
        cards = [m.group(2) for m in seeded if m]
        env = {"FREEDOMPAY_AUTH_ID": "sandbox", "FREEDOMPAY_SECRET_KEY": "sandbox-secret", "FREEDOMPAY_BASE_URL": url}
        bought = cli("simulate", "purchase", cards[0], "60", "--json", env=env)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()

    assert len(cards) == 2 and bought.code == 0 and bought.json()["approved"] is True
    assert isinstance(fp.__version__, str)


def test_the_client_that_checks_the_url_is_closed(
    env: dict[str, str], card: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[fp.CardClient] = []
    close = fp.CardClient.close
    monkeypatch.setattr(fp.CardClient, "close", lambda self: (closed.append(self), close(self))[1])

    result = cli("simulate", "purchase", card, "1", env=env)

    assert result.code == 0, result.err
    assert len(closed) == 1  # its HTTP pool is released, not left to the garbage collector
