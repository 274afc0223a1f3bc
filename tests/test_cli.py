"""The ``freedompay-cards`` command line, end to end against the sandbox served on loopback: every
command in both output modes, every exit code, the global options on either side of the command, and
the promise that ``--help``/``--version`` import neither httpx, attrs nor the generated client."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import freedompay_cards as fp
from freedompay_cards._cli import build_parser, main
from freedompay_cards.sandbox import Fault, Sandbox, SandboxServer
from tests.processes import interruptible
from tests.spec_tools import PATHS

HEAVY = ("httpx", "attrs", "freedompay_card_api")


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def server(sandbox: Sandbox) -> Iterator[SandboxServer]:
    with sandbox.serve() as served:
        yield served


@pytest.fixture
def env(server: SandboxServer) -> dict[str, str]:
    return {
        "FREEDOMPAY_AUTH_ID": "sandbox",
        "FREEDOMPAY_SECRET_KEY": "sandbox-secret",
        "FREEDOMPAY_BASE_URL": server.url,
    }


def cli(*argv: str, env: dict[str, str], stdin: str = "", tty: bool = False) -> Result:
    out = Terminal() if tty else io.StringIO()
    err = io.StringIO()
    given = Terminal(stdin) if tty else io.StringIO(stdin)
    code = main(list(argv), environ=env, stdin=given, stdout=out, stderr=err)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def card(sandbox: Sandbox) -> str:
    client = sandbox.create_client()
    return sandbox.create_card(client_id=client.client_id).card_id


# ------------------------------------------------------------------------------------------- start-up


def _imported(*argv: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "freedompay_cards", *argv],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return done, modules


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["--version"], ["cards", "--help"], ["cards", "block", "--help"], ["conformance", "--help"],
     ["sandbox", "--help"], ["requests", "wait", "--help"]],
)  # fmt: skip
def test_help_and_version_import_neither_httpx_nor_attrs_nor_the_generated_client(argv: list[str]) -> None:
    done, modules = _imported(*argv)

    assert done.returncode == 0, done.stderr[-2000:]
    assert "freedompay_cards._cli" in modules  # the measurement works: it sees our own modules
    assert sorted(m for m in modules if m.split(".")[0] in HEAVY) == []


def test_a_command_that_runs_does_import_httpx() -> None:
    done, modules = _imported("cards", "info", "1", "--base-url", "http://127.0.0.1:9")  # no credentials: exit 2

    assert done.returncode == 2 and "httpx" in modules  # the check above can fail


def test_version_prints_the_package_version(env: dict[str, str]) -> None:
    result = cli("--version", env=env)

    assert result.code == 0 and result.out.strip() == f"freedompay-cards {fp.__version__}"


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from _parsers(child)


def test_every_level_has_help_with_examples() -> None:
    parsers = list(_parsers(build_parser()))

    assert len(parsers) >= 20
    assert [p.prog for p in parsers if "examples:" not in p.format_help()] == []


def test_the_console_script_and_python_m_answer() -> None:
    script = Path(sys.executable).parent / "freedompay-cards"
    for command in ([str(script), "--version"], [sys.executable, "-m", "freedompay_cards", "--version"]):
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0 and done.stdout.strip() == f"freedompay-cards {fp.__version__}"


# ------------------------------------------------------------------------------------------- reads


def test_cards_info_prints_a_key_value_block_with_the_expiry_masked(
    env: dict[str, str], card: str, sandbox: Sandbox
) -> None:
    result = cli("cards", "info", card, env=env)

    assert result.code == 0
    fields = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in result.out.splitlines() if line)
    assert fields["card_id"] == card and fields["card_status"] == "active" and fields["expiry"] == "<redacted>"
    assert sandbox.cards[card].expiry not in result.out


def test_cards_info_as_json_has_the_result_s_field_names_and_leaves_out_empty_ones(
    env: dict[str, str], card: str
) -> None:
    data = cli("cards", "info", card, "--json", env=env).json()

    assert set(data) == {
        "request_id",
        "request_status",
        "card_id",
        "card_mask",
        "card_status",
        "client_id",
        "product_id",
        "expiry",
        "dt",
    }  # fmt: skip  (extra is {}: left out)
    assert data["card_id"] == card and data["expiry"] == "<redacted>" and data["product_id"] == 1000
    uuid.UUID(data["request_id"])


def test_cards_balance_shows_the_accounts_as_a_table_and_amounts_as_decimal_strings(
    env: dict[str, str], card: str
) -> None:
    text = cli("cards", "balance", card, env=env)
    data = cli("--json", "cards", "balance", card, env=env).json()

    assert text.code == 0 and "accounts (1):" in text.out and re.search(r"iban\s+currency\s+amount", text.out)
    assert data["accounts"][0]["amount"] == "100000" and data["accounts"][0]["currency"] == "KZT"


def test_cards_statement_lists_operations_and_the_extended_one_needs_both_dates(
    env: dict[str, str], card: str, sandbox: Sandbox
) -> None:
    with sandbox.client() as client:
        made = client.transactions.create(card, "150.00", "KZT", order_id="cli-1", wait=True)
        client.transactions.clear(made.transaction_id, order_id="cli-1")  # a statement shows purchases
    text = cli("cards", "statement", card, "--from", "2000-01-01", "--to", "2100-01-01", env=env)
    data = cli("cards", "statement", card, "--json", env=env).json()
    extended = cli(
        "cards", "statement", card, "--extended", "--from", "2000-01-01", "--to", "2100-01-01", "--json", env=env
    )
    refused = cli("cards", "statement", card, "--extended", "--from", "2000-01-01", env=env)

    assert text.code == 0 and "operations (1):" in text.out and "150" in text.out
    assert data["count"] == 1 and data["operations"][0]["amount"] == "150"
    assert extended.code == 0 and extended.json()["card_id"] == card
    assert refused.code == 2 and "--from and --to" in refused.err


def test_a_bad_date_is_a_usage_error(env: dict[str, str], card: str) -> None:
    result = cli("cards", "statement", card, "--from", "yesterday", env=env)

    assert result.code == 2 and "YYYY-MM-DD" in result.err


def test_clients_cards_lists_them(env: dict[str, str], sandbox: Sandbox) -> None:
    client = sandbox.create_client()
    made = [sandbox.create_card(client_id=client.client_id).card_id for _ in range(2)]
    text = cli("clients", "cards", client.client_id, env=env)
    data = cli("clients", "cards", client.client_id, "--json", env=env).json()

    assert text.code == 0 and "cards (2):" in text.out and all(c in text.out for c in made)
    assert [c["card_id"] for c in data["cards"]] == made


def test_transactions_info_by_id_or_order_id_and_neither_is_a_usage_error(
    env: dict[str, str], card: str, sandbox: Sandbox
) -> None:
    with sandbox.client() as client:
        made = client.transactions.create(card, "10", "KZT", order_id="order-cli-7", wait=True)
    by_id = cli("transactions", "info", "--transaction-id", made.transaction_id, "--json", env=env)
    by_order = cli("transactions", "info", "--order-id", "order-cli-7", env=env)
    neither = cli("transactions", "info", env=env)

    assert by_id.code == 0 and by_id.json()["details"]["transaction_id"] == made.transaction_id
    assert by_order.code == 0 and "order-cli-7" in by_order.out
    assert neither.code == 2 and "--transaction-id or --order-id" in neither.err


def test_gift_card_products_and_status(env: dict[str, str], sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        gift = client.gift_cards.issue(1, cardholder_name="Aida", phone="77001234567")
    products = cli("gift-cards", "products", env=env)
    status = cli("gift-cards", "status", str(gift.card_id), "--json", env=env)
    bad = cli("gift-cards", "status", "abc", env=env)

    assert products.code == 0 and "products (3):" in products.out and "Gift card 5,000" in products.out
    assert status.code == 0 and status.json()["card_status"] == 1
    assert bad.code == 2


def test_limits_list(env: dict[str, str], card: str, sandbox: Sandbox) -> None:
    from decimal import Decimal

    with sandbox.client() as client:
        client.limits.set("card", card, [fp.Limit("pay", [fp.LimitAmount(Decimal("700"), "KZT")], period="day")])
    text = cli("limits", "list", "card", card, env=env)
    data = cli("limits", "list", "card", card, "--json", env=env).json()
    bad = cli("limits", "list", "planet", card, env=env)

    assert text.code == 0 and "limits (1):" in text.out and "pay" in text.out
    assert data["limits"][0]["transaction_type"] == "pay" and data["limits"][0]["amounts"][0]["value"] == "700"
    assert bad.code == 2 and "invalid choice" in bad.err


def test_requests_status_and_wait(env: dict[str, str], sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        issued = client.cards.issue(fp.Product.INSTANT_CARD, first_name="A", last_name="B", phone="77001234567",
                                    country="KAZ", person_id="900101300123")  # fmt: skip
    waited = cli("requests", "wait", issued.request_id, "--timeout", "5", "--json", env=env)
    status = cli("requests", "status", issued.request_id, env=env)

    assert waited.code == 0 and waited.json()["request_status"] == "success" and len(waited.json()["card_ids"]) == 1
    assert status.code == 0 and "success" in status.out and waited.json()["card_ids"][0] in status.out


# ------------------------------------------------------------------------------------------- mutations


@pytest.mark.parametrize(("action", "state"), [("block", "blocked"), ("reset-pin-counter", "active")])
def test_a_mutation_prints_the_request_id_it_used(
    env: dict[str, str], card: str, sandbox: Sandbox, action: str, state: str
) -> None:
    chosen = str(uuid.uuid4())
    extra = ["--reason", "lost"] if action == "block" else []
    result = cli("cards", action, card, *extra, "--request-id", chosen, env=env)
    made = cli("cards", action, card, *extra, "--json", env=env) if action != "block" else None

    assert result.code == 0 and f"request_id      {chosen}" in result.out
    assert sandbox.times_processed(chosen) == 1 and sandbox.cards[card].status == state
    if made is not None:
        assert sandbox.times_processed(made.json()["request_id"]) == 1


def test_block_then_unblock_restores_the_card_and_both_need_a_reason(
    env: dict[str, str], card: str, sandbox: Sandbox
) -> None:
    missing = cli("cards", "block", card, env=env)
    assert missing.code == 2 and "--reason" in missing.err and sandbox.log == ()

    blocked = cli("cards", "block", card, "--reason", "lost", env=env)
    unblocked = cli("cards", "unblock", card, "--reason", "found", "--json", env=env)
    assert blocked.code == 0 and unblocked.code == 0 and unblocked.json()["request_status"] == "success"
    assert sandbox.cards[card].status == "active"


def test_close_asks_on_a_terminal_and_needs_yes_without_one(env: dict[str, str], card: str, sandbox: Sandbox) -> None:
    piped = cli("cards", "close", card, "--reason", "gone", env=env)
    declined = cli("cards", "close", card, "--reason", "gone", env=env, stdin="n\n", tty=True)
    assert piped.code == 2 and "--yes" in piped.err and declined.code == 2 and sandbox.log == ()

    confirmed = cli("cards", "close", card, "--reason", "gone", env=env, stdin="y\n", tty=True)
    assert confirmed.code == 0 and sandbox.cards[card].status == "closed" and "[y/N]" in confirmed.err


def test_close_with_yes_closes_without_asking(env: dict[str, str], card: str, sandbox: Sandbox) -> None:
    result = cli("cards", "close", card, "--reason", "gone", "--yes", "--json", env=env)

    assert result.code == 0 and sandbox.cards[card].status == "closed"
    assert sandbox.times_processed(result.json()["request_id"]) == 1


# ------------------------------------------------------------------------------------------- secrets


def test_secret_data_is_masked_on_a_terminal_and_refused_to_a_pipe_without_reveal(
    env: dict[str, str], card: str, sandbox: Sandbox
) -> None:
    real = sandbox.cards[card]
    on_terminal = cli("cards", "secret-data", card, env=env, tty=True)
    to_pipe = cli("cards", "secret-data", card, "--json", env=env)

    assert on_terminal.code == 0 and real.pan[-4:] in on_terminal.out
    assert real.pan not in on_terminal.out and real.cvv not in on_terminal.out and real.expiry not in on_terminal.out
    assert to_pipe.code == 2 and "--reveal" in to_pipe.err and list(to_pipe.json()) == ["error"]  # no card data
    assert [e.path for e in sandbox.log] == [PATHS["cards.secret_data"]]  # the refusal sent nothing


def test_secret_data_with_reveal_prints_the_values(env: dict[str, str], card: str, sandbox: Sandbox) -> None:
    real = sandbox.cards[card]
    data = cli("cards", "secret-data", card, "--reveal", "--json", env=env).json()
    v2 = cli("cards", "secret-data", card, "--reveal", "--v2", env=env)

    assert (data["pan"], data["cvv"], data["expiry"]) == (real.pan, real.cvv, real.expiry)
    assert "pan" not in data.get("fields", {})  # shown once (fields holds only the unmapped ones: none here)
    assert v2.code == 0 and real.pan in v2.out
    assert sandbox.log[-1].path.endswith("/secret_data_v2")


# ------------------------------------------------------------------------------------------- options


@pytest.mark.parametrize(
    "argv",
    [
        ["--json", "cards", "info", "{card}"],
        ["cards", "--json", "info", "{card}"],
        ["cards", "info", "{card}", "--json"],
    ],
)
def test_json_is_accepted_before_or_after_the_command(env: dict[str, str], card: str, argv: list[str]) -> None:
    result = cli(*[a.format(card=card) for a in argv], env=env)

    assert result.code == 0 and result.json()["card_id"] == card


def test_base_url_before_or_after_the_command_replaces_the_environment(server: SandboxServer, card: str) -> None:
    env = {"FREEDOMPAY_AUTH_ID": "sandbox", "FREEDOMPAY_SECRET_KEY": "sandbox-secret", "FREEDOMPAY_ENVIRONMENT": "test"}
    after = cli("cards", "info", card, "--base-url", server.url, env=env)
    before = cli("--base-url", server.url, "cards", "info", card, env=env)
    wrong_then_right = cli("--base-url", "http://127.0.0.1:9", "cards", "info", card, "--base-url", server.url, env=env)

    assert after.code == before.code == wrong_then_right.code == 0


def test_an_unknown_environment_is_a_usage_error(env: dict[str, str]) -> None:
    result = cli("--environment", "staging", "cards", "info", "1", env=env)

    assert result.code == 2 and "invalid choice" in result.err


# ------------------------------------------------------------------------------------------- exit codes


def test_exit_1_on_an_api_error_prints_the_code_and_request_id(env: dict[str, str]) -> None:
    text = cli("cards", "info", "no-such-card", env=env)
    data = cli("cards", "info", "no-such-card", "--json", env=env)

    assert text.code == 1 and "NotFoundError" in text.err and "code:       CARD_NOT_FOUND" in text.err
    request_id = re.search(r"request_id: (\S+)", text.err)
    assert request_id is not None
    uuid.UUID(request_id.group(1))
    error = data.json()["error"]
    assert data.code == 1 and error["code"] == "CARD_NOT_FOUND" and error["type"] == "NotFoundError"
    uuid.UUID(error["request_id"])


@pytest.mark.parametrize(
    ("environ", "argv", "said"),
    [
        ({}, ["cards", "info", "1"], "FREEDOMPAY_AUTH_ID and FREEDOMPAY_SECRET_KEY"),
        ({"FREEDOMPAY_AUTH_ID": "a", "FREEDOMPAY_SECRET_KEY": "b", "FREEDOMPAY_BASE_URL": "ftp://x"}, ["cards", "info", "1"], "FREEDOMPAY_BASE_URL"),
        ({"FREEDOMPAY_AUTH_ID": "a", "FREEDOMPAY_SECRET_KEY": "b"}, ["requests", "status", "not-a-uuid"], "request_id: must be a UUID"),
        ({"FREEDOMPAY_AUTH_ID": "a", "FREEDOMPAY_SECRET_KEY": "b"}, ["cards", "block", "1", "--reason", "x", "--request-id", "7"], "request_id"),
        ({}, ["cards", "info"], "the following arguments are required: CARD_ID"),
        ({}, ["cards", "explode", "1"], "invalid choice"),
        ({}, [], "required: COMMAND"),
    ],
)  # fmt: skip
def test_exit_2_on_bad_usage_or_configuration(environ: dict[str, str], argv: list[str], said: str) -> None:
    result = cli(*argv, env=environ)

    assert result.code == 2 and said in result.err


def test_exit_2_with_json_prints_the_error_as_json_too() -> None:
    result = cli("--json", "cards", "info", "1", env={})

    assert result.code == 2 and result.json()["error"]["type"] == "ConfigurationError"


def test_exit_3_when_nothing_answers_says_nothing_was_applied() -> None:
    env = {"FREEDOMPAY_AUTH_ID": "a", "FREEDOMPAY_SECRET_KEY": "b", "FREEDOMPAY_BASE_URL": "http://127.0.0.1:9"}
    result = cli("cards", "block", "1", "--reason", "x", "--json", env=env)

    assert result.code == 3 and "APIConnectionError" in result.err and "nothing was applied" in result.err
    assert result.json()["error"]["outcome_unknown"] is False and result.json()["error"]["request_id"]


def test_exit_3_when_the_outcome_is_unknown_prints_the_request_id_to_check(
    env: dict[str, str], card: str, sandbox: Sandbox
) -> None:
    sandbox.inject("cards.block", Fault.drop_after())  # applied, answer lost
    sandbox.inject("requests.status", Fault.http(503), times=5)  # and its outcome cannot be read
    result = cli("cards", "block", card, "--reason", "lost", env=env)

    assert result.code == 3 and "outcome is unknown" in result.err
    request_id = re.search(r"requests status (\S+)", result.err)
    assert request_id is not None and sandbox.times_processed(request_id.group(1)) == 1


def test_exit_3_when_a_wait_times_out(env: dict[str, str]) -> None:
    slow = Sandbox(process_polls=1000)
    with slow.serve() as server, slow.client() as client:
        issued = client.cards.issue(fp.Product.INSTANT_CARD, first_name="A", last_name="B", phone="77001234567",
                                    country="KAZ", person_id="900101300123")  # fmt: skip
        result = cli(
            "requests", "wait", issued.request_id, "--timeout", "0.3", env={**env, "FREEDOMPAY_BASE_URL": server.url}
        )

    assert result.code == 3 and "APITimeoutError" in result.err and issued.request_id in result.err


# ------------------------------------------------------------------------------------------- the sandbox command


def test_the_sandbox_command_serves_until_interrupted() -> None:
    process = interruptible(
        [sys.executable, "-m", "freedompay_cards", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(5)]
        url = banner[0].split(" on ")[1].strip()
        env = {"FREEDOMPAY_AUTH_ID": "sandbox", "FREEDOMPAY_SECRET_KEY": "sandbox-secret", "FREEDOMPAY_BASE_URL": url}
        products = cli("gift-cards", "products", "--json", env=env)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()

    assert url.startswith("http://127.0.0.1:") and f"FREEDOMPAY_BASE_URL={url}" in banner[4]
    assert products.code == 0 and len(products.json()["products"]) == 3


# ------------------------------------------------------------------------------------------- hostile surroundings


@pytest.mark.parametrize(
    "argv",
    [
        ["--environment", "production", "--base-url", "http://127.0.0.1:9", "gift-cards", "products"],
        ["gift-cards", "products", "--base-url", "http://127.0.0.1:9", "--environment", "production"],
    ],
)
def test_two_targets_are_refused_whatever_their_order(argv: list[str]) -> None:
    result = cli(*argv, env={"FREEDOMPAY_AUTH_ID": "a", "FREEDOMPAY_SECRET_KEY": "b"})

    assert result.code == 2 and "--base-url and --environment both name the target" in result.err


def test_ctrl_c_during_a_block_names_the_request_id_to_check() -> None:
    from tests.hostile import Hang, HostileServer

    with HostileServer() as hostile:
        hostile.script(PATHS["cards.block"], Hang())
        env = {
            **os.environ,
            "FREEDOMPAY_AUTH_ID": "a",
            "FREEDOMPAY_SECRET_KEY": "b",
            "FREEDOMPAY_BASE_URL": hostile.url,
        }
        process = interruptible(
            [sys.executable, "-m", "freedompay_cards", "cards", "block", "1", "--reason", "lost", "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )  # fmt: skip
        try:
            for _ in range(200):  # until the block has arrived (10 s at most)
                if hostile.arrivals[PATHS["cards.block"]]:
                    break
                time.sleep(0.05)
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=20)
        finally:
            process.kill()
            process.wait()
        sent = json.loads(hostile.bodies[0][1])["request_id"]

    assert process.returncode == 130 and f"requests status {sent}" in err and "outcome is unknown" in err
    assert json.loads(out)["error"] == {
        "type": "Interrupted", "operation": "cards.block", "request_id": sent, "outcome_unknown": True,
    }  # fmt: skip


class Broken(io.StringIO):
    """A standard output that fails as a full disk does."""

    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")


def test_a_result_that_cannot_be_written_is_exit_4_with_the_request_id(env: dict[str, str], card: str) -> None:
    err = io.StringIO()
    code = main(["cards", "block", card, "--reason", "lost"], environ=env, stdout=Broken(), stderr=err)

    assert code == 4 and re.search(r"cards block was done \(request_id [0-9a-f-]{36}\)", err.getvalue())
    assert "could not be written" in err.getvalue() and "No space left on device" in err.getvalue()


@pytest.mark.parametrize(
    ("argv", "said"),
    [(["--port", "99999"], "99999 is not from 0 to 65535"), (["--port", "-1"], "is not from 0"),
     (["--process-polls", "-1"], "is not from 0"), (["--port", "x"], "'x' is not a whole number"),
     (["--secret-key", ""], "not blank"), (["--auth-id", " a"], "without surrounding spaces")],
)  # fmt: skip
def test_sandbox_arguments_out_of_range_are_usage_errors(argv: list[str], said: str) -> None:
    result = cli("sandbox", *argv, env={})

    assert result.code == 2 and said in result.err and "Traceback" not in result.err


@pytest.mark.parametrize(
    ("argv", "said"),
    [(["--json", "cards", "info"], "the following arguments are required: CARD_ID"),
     (["transactions", "info", "--json"], "transactions info needs --transaction-id or --order-id"),
     (["--json", "cards", "close", "1", "--reason", "x"], "pass --yes")],
)  # fmt: skip
def test_a_usage_error_with_json_is_json_on_stdout_too(argv: list[str], said: str) -> None:
    result = cli(*argv, env={"FREEDOMPAY_AUTH_ID": "a", "FREEDOMPAY_SECRET_KEY": "b"})

    assert result.code == 2 and said in result.err
    assert result.json()["error"]["type"] == "UsageError" and said in result.json()["error"]["message"]


def test_control_characters_from_the_server_never_reach_the_terminal_raw() -> None:
    from tests.hostile import Answer, HostileServer

    description = "\x1b]0;pwned\x07\x1b[31mred\x9b2J"  # retitle, recolour, clear (8-bit CSI)
    body = json.dumps(
        {"status": "error", "request_status": "error", "error_code": "X", "error_description": description}
    )
    with HostileServer() as hostile:
        hostile.script(PATHS["cards.info"], Answer(body.encode()))
        env = {"FREEDOMPAY_AUTH_ID": "a", "FREEDOMPAY_SECRET_KEY": "b", "FREEDOMPAY_BASE_URL": hostile.url}
        result = cli("cards", "info", "1", "--json", env=env)

    assert result.code == 1 and "\\u001b]0;pwned\\u0007" in result.err
    assert not any(ch in result.err + result.out for ch in "\x1b\x07\x9b")
    assert description in result.json()["error"]["message"]  # the JSON still says exactly what was sent


@pytest.mark.parametrize("where", ["before", "after"])
def test_deadline_bounds_a_command_against_a_server_that_never_answers(where: str) -> None:
    from tests.hostile import Hang, HostileServer

    with HostileServer() as hostile:
        hostile.script(PATHS["cards.block"], Hang())
        env = {"FREEDOMPAY_AUTH_ID": "a", "FREEDOMPAY_SECRET_KEY": "b", "FREEDOMPAY_BASE_URL": hostile.url}
        command = ["cards", "block", "1", "--reason", "lost"]
        argv = ["--deadline", "1", *command] if where == "before" else [*command, "--deadline", "1"]
        started = time.monotonic()
        result = cli(*argv, env=env)
        took = time.monotonic() - started

    assert result.code == 3 and "outcome is unknown" in result.err and took < 1 + 2.5  # slack for a loaded machine
