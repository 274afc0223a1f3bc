"""The everyday mutations of ``freedompay-cards`` (issue, activate, limits set, transactions create, clear
and refund) against the sandbox served on loopback: each says what happened in a sentence with its
request_id, is sent once, and refuses bad input before sending; ``limits list`` is a table; ``--json``
leaves out empty fields; the missing-credentials message speaks of the command line's own variables and
flags."""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from freedompay_cards._cli import main
from freedompay_cards.sandbox import Sandbox

HOLDER = ["--first-name", "Aida", "--last-name", "Sadykova", "--phone", "77001234567", "--person-id", "900101300123"]


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def said(self) -> str:
        return self.out.splitlines()[0] if self.out else ""

    @property
    def request_id(self) -> str:
        found = re.search(r"\(request_id ([0-9a-f-]{36})\)$", self.said)
        assert found is not None, self.out + self.err
        return found.group(1)


@pytest.fixture
def env(sandbox: Sandbox) -> Iterator[dict[str, str]]:
    with sandbox.serve() as served:
        yield {
            "FREEDOMPAY_AUTH_ID": "sandbox",
            "FREEDOMPAY_SECRET_KEY": "sandbox-secret",
            "FREEDOMPAY_BASE_URL": served.url,
        }


def cli(*argv: str, env: dict[str, str]) -> Result:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), environ=env, stdin=io.StringIO(), stdout=out, stderr=err)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def card(sandbox: Sandbox) -> str:
    return sandbox.create_card(client_id=sandbox.create_client().client_id).card_id


def test_issue_waits_for_the_card_and_says_which_it_is(env: dict[str, str], sandbox: Sandbox) -> None:
    result = cli("cards", "issue", *HOLDER, env=env)

    assert result.code == 0, result.err
    found = re.match(r"card (\d+) issued to Aida Sadykova \(product 2000\) \(request_id ", result.said)
    assert found is not None, result.said
    assert sandbox.cards[found.group(1)].status == "issued"
    assert sandbox.times_processed(result.request_id) == 1


def test_issue_without_waiting_says_how_to_follow_it(env: dict[str, str]) -> None:
    result = cli("cards", "issue", *HOLDER, "--no-wait", env=env)

    assert result.code == 0 and "accepted, process: `freedompay-cards requests wait " in result.said


def test_activate_an_issued_card(env: dict[str, str], sandbox: Sandbox) -> None:
    card = sandbox.create_card(status="issued").card_id
    result = cli("cards", "activate", card, env=env)

    assert result.code == 0 and result.said.startswith(f"card {card} activated (request_id ")
    assert sandbox.cards[card].status == "active" and sandbox.times_processed(result.request_id) == 1


def test_block_says_so_in_a_sentence(env: dict[str, str], card: str) -> None:
    result = cli("cards", "block", card, "--reason", "lost", env=env)

    assert result.code == 0 and result.said == f"card {card} blocked (request_id {result.request_id})"
    assert f"request_id      {result.request_id}" in result.out  # the key/value block follows


def test_limits_set_then_list_as_a_table(env: dict[str, str], card: str, sandbox: Sandbox) -> None:
    result = cli(
        "limits", "set", "card", card, "--limit", "withdrawal_atm:5000:KZT:day", "--limit", "pay:700.50:KZT", env=env
    )
    listed = cli("limits", "list", "card", card, env=env)

    assert result.code == 0, result.err
    assert result.said.startswith(f"card {card}: withdrawal_atm at most 5000 KZT a day; pay at most 700.50 KZT (")
    assert sandbox.times_processed(result.request_id) == 1
    rows = listed.out.split("limits (2):\n")[1].splitlines()
    assert re.split(r"\s{2,}", rows[0].strip()) == ["transaction_type", "amount", "period", "region"]
    assert re.split(r"\s{2,}", rows[1].strip()) == ["withdrawal_atm", "max 5000 KZT", "day", "-"]
    assert "{" not in listed.out and "'" not in listed.out  # no Python repr anywhere


@pytest.mark.parametrize(
    ("limit", "said"),
    [("pay:700", "is not TYPE:AMOUNT:CURRENCY"), ("pay::KZT", "is not TYPE:AMOUNT:CURRENCY"),
     ("pay:seven:KZT", "--limit 'pay:seven:KZT': the amount must be a Decimal"), ("pay:700:KZT:day:KZ:more", "is not TYPE:AMOUNT:CURRENCY")],
)  # fmt: skip
def test_a_bad_limit_is_refused_before_anything_is_sent(
    env: dict[str, str], card: str, sandbox: Sandbox, limit: str, said: str
) -> None:
    result = cli("limits", "set", "card", card, "--limit", limit, env=env)

    assert result.code == 2 and said in result.err and sandbox.log == ()


def test_a_transaction_authorised_cleared_and_refunded(env: dict[str, str], card: str, sandbox: Sandbox) -> None:
    before = sandbox.cards[card].balance
    made = cli("transactions", "create", card, "150.00", "KZT", "--order-id", "cli-order-1", env=env)
    transaction = re.match(r"transaction (\S+) authorised: 150.00 KZT on card", made.said)
    assert made.code == 0 and transaction is not None, made.out + made.err
    transaction_id = transaction.group(1)
    cleared = cli("transactions", "clear", transaction_id, "--order-id", "cli-order-1", "--amount", "100", env=env)
    refunded = cli("transactions", "refund", transaction_id, "--order-id", "cli-order-1", "--amount", "40", env=env)

    assert made.said == (
        f"transaction {transaction_id} authorised: 150.00 KZT on card {card} (order cli-order-1) "
        f"(request_id {made.request_id})"
    )
    assert cleared.code == 0 and cleared.said.startswith(f"transaction {transaction_id} cleared: 100 (")
    assert refunded.code == 0 and refunded.said.startswith(f"transaction {transaction_id} refunded: 40 (")
    assert all(sandbox.times_processed(r.request_id) == 1 for r in (made, cleared, refunded))
    assert before - sandbox.cards[card].balance == Decimal("60")


def test_a_bad_amount_is_refused_before_anything_is_sent(env: dict[str, str], card: str, sandbox: Sandbox) -> None:
    result = cli("transactions", "create", card, "1,5", "KZT", "--order-id", "o-1", env=env)

    assert result.code == 2 and "amount" in result.err and sandbox.log == ()


def _empties(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [v for v in data.values() if v in (None, "", [], {})] + [e for v in data.values() for e in _empties(v)]
    if isinstance(data, list):
        return [e for v in data for e in _empties(v)]
    return []


@pytest.mark.parametrize(
    ("argv", "kept"),
    [(["cards", "block", "{card}", "--reason", "lost"], "reconciled"), (["cards", "info", "{card}"], "card_id"),
     (["limits", "list", "card", "{card}"], "request_id"), (["cards", "info", "no-such-card"], "error")],
)  # fmt: skip
def test_json_leaves_out_empty_fields(env: dict[str, str], card: str, argv: list[str], kept: str) -> None:
    result = cli(*[a.format(card=card) for a in argv], "--json", env=env)

    data = result.json()
    assert kept in data and _empties(data) == []  # reconciled: false stays


def test_missing_credentials_name_the_variables_and_flags_not_python_arguments() -> None:
    result = cli("cards", "info", "1", env={})
    one = cli("cards", "info", "1", env={"FREEDOMPAY_AUTH_ID": "a"})

    assert result.code == 2 and "FREEDOMPAY_AUTH_ID and FREEDOMPAY_SECRET_KEY: not set" in result.err
    assert "--environment" in result.err and "--base-url" in result.err and "Export both" in result.err
    assert "auth_id=" not in result.err and "secret_key=" not in result.err
    assert one.code == 2 and "FREEDOMPAY_SECRET_KEY: not set" in one.err


def test_a_mutation_interrupted_names_its_request_id(env: dict[str, str], card: str, monkeypatch: Any) -> None:
    from freedompay_cards._sync.transactions import Transactions

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(Transactions, "create", interrupted)
    chosen = str(uuid.uuid4())
    result = cli("transactions", "create", card, "1", "KZT", "--order-id", "o", "--request-id", chosen, env=env)

    assert result.code == 130 and f"requests status {chosen}" in result.err
