"""The command tree of ``freedompay-cards``: every command, its options, its help and examples.

Standard library only: building the parser imports nothing else, so ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from .._version import __version__
from ._base import PROG

_EXIT_CODES = """\
exit codes:
  0  success
  1  the API answered with an error (its code and the request_id are printed), or an answer that is not
     the documented JSON; for conformance: some operation deviates from the spec
  2  bad usage or configuration (missing credentials, a bad argument, a refused confirmation)
  3  no usable answer (connection trouble, a timeout): the request_id is printed and whether the outcome
     is unknown; check it later with `freedompay-cards requests status REQUEST_ID`
  4  done, but the result could not be written (standard output closed or full); the request_id is
     printed on standard error
  130  interrupted; for an operation that changes something, its request_id is printed: check it later
"""

_TOP_EPILOG = f"""\
credentials come from the environment only (never a flag, so the secret key stays out of the shell
history and the process list):
  export FREEDOMPAY_AUTH_ID=... FREEDOMPAY_SECRET_KEY=...
the target is the test environment unless FREEDOMPAY_ENVIRONMENT=production or FREEDOMPAY_BASE_URL says
otherwise; --environment and --base-url replace those two, and like --json they are accepted before or
after the command.

examples:
  {PROG} cards issue --first-name Aida --last-name Sadykova --phone 77001234567 --person-id 900101300123
  {PROG} cards info 1234567
  {PROG} cards block 1234567 --reason "lost by the holder"
  {PROG} transactions create 1234567 150.00 KZT --order-id order-42
  {PROG} limits set card 1234567 --limit withdrawal_atm:5000:KZT:day
  {PROG} --json requests status 2f1c0c9e-6a51-4c1e-9d9b-5b6f3c1d2e4f
  {PROG} sandbox --port 8080 --populate 3
  {PROG} simulate purchase 1234567 60.00 --merchant Coffee
  {PROG} conformance --environment test
  eval "$({PROG} completion bash)"

output:
  a command that changes something first says what it did, in one sentence with its request_id
  ("card 1234567 blocked (request_id ...)"); then a key/value block, and a table for each list. With
  --json: one JSON object on stdout whose keys are the field names of the library's result classes,
  empty fields left out (amounts as decimal strings, times in ISO 8601, secrets masked); on failure
  {{"error": {{"type", "message", "code", "request_id", ...}}}} on stdout as well, and a readable message
  on stderr either way. Text a server sent is shown with its control, bidi and invisible characters
  escaped (\\u202e), so it cannot disguise itself on the terminal.

{_EXIT_CODES}"""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose sub-command parsers share the house formatter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """--base-url, --environment, --json and --deadline: on the top parser with their defaults, on every sub-command
    parser without (``SUPPRESS``), so that a value given after the command wins and one given before
    survives."""
    group = parser.add_argument_group("target and output (before or after the command)")
    default: Any = None if top else argparse.SUPPRESS
    group.add_argument(
        "--base-url",
        metavar="URL",
        default=default,
        help="the API's base URL (replaces FREEDOMPAY_BASE_URL/_ENVIRONMENT)",
    )
    group.add_argument(
        "--environment",
        choices=("test", "production"),
        default=default,
        help="test or production (replaces FREEDOMPAY_ENVIRONMENT/_BASE_URL)",
    )
    group.add_argument(
        "--json", action="store_true", default=False if top else argparse.SUPPRESS, help="print JSON for scripts"
    )
    group.add_argument(
        "--deadline",
        metavar="SECONDS",
        type=_seconds,
        default=default,
        help="bound each call, its retries and waits included (default: none; each attempt takes at most 30 s)",
    )


def _date(text: str) -> dt.date | dt.datetime:
    """``YYYY-MM-DD`` (a whole day, UTC) or an ISO 8601 date-time with its offset."""
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not YYYY-MM-DD nor an ISO 8601 date-time") from None


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _limit(text: str) -> tuple[str, str, str, str | None, str | None]:
    """``TYPE:AMOUNT:CURRENCY[:PERIOD[:REGION]]``: one limit of ``limits set`` (the values are checked as
    the library checks them, before anything is sent)."""
    parts = text.split(":")
    if not 3 <= len(parts) <= 5 or not all(part.strip() for part in parts[:3]):
        raise argparse.ArgumentTypeError(f"{text!r} is not TYPE:AMOUNT:CURRENCY[:PERIOD[:REGION]]")
    period, region = (*parts[3:], "", "")[:2]
    return parts[0], parts[1], parts[2], period or None, region or None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 86400 seconds")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _ranged(low: int, high: int) -> Any:
    """An argparse type: a whole number from ``low`` to ``high``."""

    def read(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{number} is not from {low} to {high}")
        return number

    return read


def _credential(text: str) -> str:
    """A sandbox credential: what a client will send, so neither blank nor padded (a client refuses those)."""
    if not text.strip() or text != text.strip() or not text.isprintable():
        raise argparse.ArgumentTypeError("must be printable text, not blank, without surrounding spaces")
    return text


def add_sandbox_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``freedompay-cards sandbox`` and ``python -m freedompay_cards.sandbox`` (one list)."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_ranged(0, 65535), default=8080, help="port (default 8080; 0 = any free port)")
    parser.add_argument("--auth-id", type=_credential, default="sandbox", help="auth_id accepted (default: sandbox)")
    parser.add_argument(
        "--secret-key", type=_credential, default="sandbox-secret", help="secret key accepted (default: sandbox-secret)"
    )
    parser.add_argument(
        "--process-polls", type=_ranged(0, 10**6), default=1, help="Request status polls before success"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the random test data")
    parser.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host")
    parser.add_argument(
        "--populate",
        type=_ranged(0, 1000),
        default=0,
        metavar="N",
        help="start with N clients, each with cards, and print their ids (default 0: empty)",
    )


class _Tree:
    """Builds the parser tree: every parser gets the global options and the house formatter."""

    def __init__(self, parent: Any) -> None:
        self._parent = parent

    def command(self, name: str, help: str, epilog: str = "", **kwargs: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = self._parent.add_parser(
            name, help=help, description=help[:1].upper() + help[1:] + ".", epilog=epilog or None, **kwargs
        )
        _global_options(parser, top=False)
        return parser


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {PROG} {line}" for line in lines) + "\n\n" + _EXIT_CODES


def _request_id_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--request-id",
        metavar="UUID",
        help="the request_id to send (a UUID; one is made otherwise); it is printed either way",
    )


def _wait_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--no-wait", action="store_true", help=f"do not poll Request status for {what}: print the request_id at once"
    )
    parser.add_argument(
        "--wait-timeout", type=_seconds, default=60.0, metavar="S", help=f"wait at most S seconds for {what} (60)"
    )


def _group(tree: _Tree, name: str, help: str, epilog: str) -> _Tree:
    parser = tree.command(name, help, epilog)
    return _Tree(parser.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser))


def _requests(top: _Tree) -> None:
    group = _group(top, "requests", "what became of a request", _examples("requests status ID", "requests wait ID"))
    status = group.command("status", "the state of a request and the ids it created", _examples("requests status ID"))
    status.add_argument("request_id", metavar="REQUEST_ID")
    status.set_defaults(run="requests.status")
    wait = group.command(
        "wait", "poll Request status until the request is final", _examples("requests wait ID --timeout 120")
    )
    wait.add_argument("request_id", metavar="REQUEST_ID")
    wait.add_argument("--timeout", type=_seconds, default=60.0, metavar="S", help="give up after S seconds (60)")
    wait.set_defaults(run="requests.wait")


def _cards(top: _Tree) -> None:
    group = _group(
        top,
        "cards",
        "issue, activate and read a card, block, unblock or close it, reset its PIN counter",
        _examples(
            "cards issue --first-name Aida --last-name Sadykova --phone 77001234567 --person-id 900101300123",
            "cards info CARD_ID", "cards block CARD_ID --reason lost", "cards statement CARD_ID --from 2025-03-01",
        ),
    )  # fmt: skip
    issue = group.command(
        "issue",
        "issue a card to a new cardholder and wait for its id",
        _examples(
            "cards issue --first-name Aida --last-name Sadykova --phone 77001234567 --person-id 900101300123",
            "cards issue --product 3000 --first-name A --last-name B --phone 77001234567 --person-id 1 --no-wait",
        ),
    )
    issue.add_argument("--product", type=_positive_int, default=2000, help="card product (default 2000, instant card)")
    holder = issue.add_argument_group("the cardholder")
    for option in ("--first-name", "--last-name", "--phone", "--person-id"):
        holder.add_argument(option, required=True, help="required")
    holder.add_argument("--country", default="KAZ", help="ISO 3166 alpha-3 (default KAZ)")
    holder.add_argument("--middle-name")
    holder.add_argument("--birthdate", type=_day, metavar="YYYY-MM-DD")
    holder.add_argument("--email")
    _request_id_option(issue)
    _wait_options(issue, "the card id")
    issue.set_defaults(run="cards.issue")
    activate = group.command("activate", "make an issued card usable", _examples("cards activate CARD_ID"))
    activate.add_argument("card_id", metavar="CARD_ID")
    _request_id_option(activate)
    activate.set_defaults(run="cards.activate")
    for name, what in (("info", "a card's details"), ("balance", "the balances of a card's accounts")):
        parser = group.command(name, what, _examples(f"cards {name} CARD_ID"))
        parser.add_argument("card_id", metavar="CARD_ID")
        parser.set_defaults(run=f"cards.{name}")
    for name, what, example in (
        ("block", "block a card (unblock reverses it)", 'cards block CARD_ID --reason "lost by the holder"'),
        ("unblock", "unblock a blocked card", 'cards unblock CARD_ID --reason "found again"'),
        ("close", "close a card for good (nothing reopens it)", 'cards close CARD_ID --reason "holder left" --yes'),
    ):
        parser = group.command(name, what, _examples(example))
        parser.add_argument("card_id", metavar="CARD_ID")
        parser.add_argument("--reason", required=True, help="recorded with the operation (required)")
        _request_id_option(parser)
        if name == "close":
            parser.add_argument(
                "--yes", action="store_true", help="do not ask for confirmation (needed when stdin is not a terminal)"
            )
        parser.set_defaults(run=f"cards.{name}")
    reset = group.command(
        "reset-pin-counter",
        "clear the wrong-PIN attempt counter (the PIN is unchanged)",
        _examples("cards reset-pin-counter CARD_ID"),
    )
    reset.add_argument("card_id", metavar="CARD_ID")
    _request_id_option(reset)
    reset.set_defaults(run="cards.reset_pin_counter")
    statement = group.command(
        "statement",
        "the card's operations over a period",
        _examples(
            "cards statement CARD_ID --from 2025-03-01 --to 2025-03-31",
            "cards statement CARD_ID --from 2025-03-01 --to 2025-03-31 --extended",
        ),
    )
    statement.add_argument("card_id", metavar="CARD_ID")
    statement.add_argument("--from", dest="start", type=_date, metavar="DATE", help="YYYY-MM-DD (UTC) or date-time")
    statement.add_argument("--to", dest="end", type=_date, metavar="DATE", help="YYYY-MM-DD (whole day) or date-time")
    statement.add_argument(
        "--extended", action="store_true", help="balances, authorizations and operations (needs --from and --to)"
    )
    statement.set_defaults(run="cards.statement")
    secret = group.command(
        "secret-data",
        "the card's PAN, expiry and CVV: masked unless --reveal",
        "Without --reveal the values are masked, and the command refuses to write to anything but a terminal\n"
        "(a pipe or a file would keep placeholders a script might take for data). With --reveal the values\n"
        "are printed as they are, wherever stdout goes: mind your scrollback, logs and files.\n\n"
        + _examples("cards secret-data CARD_ID", "cards secret-data CARD_ID --reveal --json > card.json"),
    )
    secret.add_argument("card_id", metavar="CARD_ID")
    secret.add_argument("--reveal", action="store_true", help="print the secret values themselves")
    secret.add_argument("--v2", action="store_true", help="use Secret data version 2")
    secret.set_defaults(run="cards.secret_data")


def _others(top: _Tree) -> None:
    clients = _group(top, "clients", "a client's cards", _examples("clients cards CLIENT_ID"))
    cards = clients.command("cards", "the cards of a client", _examples("clients cards CLIENT_ID"))
    cards.add_argument("client_id", metavar="CLIENT_ID")
    cards.set_defaults(run="clients.cards")

    transactions = _group(
        top,
        "transactions",
        "authorise, clear, refund and read a transaction",
        _examples(
            "transactions create CARD_ID 150.00 KZT --order-id order-42",
            "transactions clear 5550001 --order-id order-42 --amount 100.00",
            "transactions refund 5550001 --order-id order-42 --amount 40.00",
            "transactions info --transaction-id 5550001",
        ),
    )
    create = transactions.command(
        "create",
        "authorise an amount on a card for an order, and wait for the transaction id",
        _examples("transactions create CARD_ID 150.00 KZT --order-id order-42 --description 'two coffees'"),
    )
    create.add_argument("card_id", metavar="CARD_ID")
    create.add_argument("amount", metavar="AMOUNT", help="a decimal amount, e.g. 150.00")
    create.add_argument("currency", metavar="CURRENCY", help="ISO 4217 letters, e.g. KZT")
    create.add_argument("--order-id", required=True, metavar="ID", help="the partner's order id (required)")
    create.add_argument("--description")
    _request_id_option(create)
    _wait_options(create, "the transaction id")
    create.set_defaults(run="transactions.create")
    for name, what in (("clear", "capture an authorised transaction, all of it or --amount"),
                       ("refund", "refund a cleared transaction, all of it or --amount")):  # fmt: skip
        parser = transactions.command(
            name, what, _examples(f"transactions {name} TRANSACTION_ID --order-id order-42 --amount 40.00")
        )
        parser.add_argument("transaction_id", metavar="TRANSACTION_ID")
        parser.add_argument("--order-id", required=True, metavar="ID", help="the order id it was created with")
        parser.add_argument("--amount", help="a decimal amount (default: the whole transaction)")
        if name == "refund":
            parser.add_argument("--description")
        _request_id_option(parser)
        parser.set_defaults(run=f"transactions.{name}")
    info = transactions.command(
        "info",
        "a transaction, by its id and/or the partner's order id",
        _examples("transactions info --transaction-id 5550001", "transactions info --order-id order-42"),
    )
    info.add_argument("--transaction-id", metavar="ID")
    info.add_argument("--order-id", metavar="ID")
    info.set_defaults(run="transactions.info")

    gifts = _group(top, "gift-cards", "gift-card products and a gift card's state", _examples("gift-cards products"))
    products = gifts.command(
        "products", "the gift-card products the partner may issue", _examples("gift-cards products")
    )
    products.set_defaults(run="gift_cards.products")
    status = gifts.command("status", "a gift card's state", _examples("gift-cards status 42"))
    status.add_argument("card_id", metavar="CARD_ID", type=_positive_int)
    status.set_defaults(run="gift_cards.status")

    limits = _group(
        top,
        "limits",
        "spending limits",
        _examples("limits list card CARD_ID", "limits set card CARD_ID --limit pay:700:KZT:day"),
    )
    listing = limits.command(
        "list", "the limits in force on a card, an account or a client", _examples("limits list card CARD_ID")
    )
    listing.add_argument("scope", choices=("card", "account", "client"), help="what TARGET_ID names")
    listing.add_argument("target_id", metavar="TARGET_ID")
    listing.set_defaults(run="limits.list")
    setting = limits.command(
        "set",
        "set the limits on a card, an account or a client",
        "Each --limit is TYPE:AMOUNT:CURRENCY[:PERIOD[:REGION]], e.g. withdrawal_atm:5000:KZT:day (types shown\n"
        "by the docs: withdrawal_atm, pay, withdrawal, pay_online_non3ds; periods: day, month).\n\n"
        + _examples("limits set card CARD_ID --limit withdrawal_atm:5000:KZT:day --limit pay:20000:KZT:month"),
    )
    setting.add_argument("scope", choices=("card", "account", "client"), help="what TARGET_ID names")
    setting.add_argument("target_id", metavar="TARGET_ID")
    setting.add_argument(
        "--limit", type=_limit, action="append", required=True, metavar="TYPE:AMOUNT:CURRENCY[:PERIOD[:REGION]]",
        help="one limit (repeat for more)",
    )  # fmt: skip
    _request_id_option(setting)
    setting.set_defaults(run="limits.set")


_SANDBOX_EPILOG = f"""\
The sandbox is an in-memory fake of the whole Card API, served over HTTP until Ctrl-C. Point the other
commands at it from another shell:

  export FREEDOMPAY_BASE_URL=http://127.0.0.1:8080 FREEDOMPAY_AUTH_ID=sandbox FREEDOMPAY_SECRET_KEY=sandbox-secret
  {PROG} conformance --yes

(python -m freedompay_cards.sandbox does the same.)

With --populate N it starts with N clients, each with an active card, and prints their ids; play the
cardholder on those cards with `{PROG} simulate purchase CARD_ID AMOUNT`.

examples:
  {PROG} sandbox --port 8080
  {PROG} sandbox --port 8080 --populate 3
  {PROG} sandbox --port 0 --process-polls 3
"""

_CONFORMANCE_EPILOG = f"""\
Runs every operation of the spec against the target in a safe order (a client, a card issued to it,
read, blocked and unblocked, its PIN counter reset, limits, balances, statements, a small transaction
cleared and refunded, Request status; the cards it made closed last) and checks every answer against
the spec: reached (the path exists), accepted (our body passed the API's validation), answered as the
spec says (missing required fields, unknown fields with their JSON types, wrong types), the error codes
seen, and the time taken. Every object it creates is named fpc-conformance-<date>-<time>-<n>.

Safety: the production URL is refused; the plan is printed and confirmed (y/N) before anything is sent,
unless --yes (required when stdin is not a terminal); gift-card calls that send an SMS run only with
--gift-phone; Set PIN runs only with --encrypted-pin; the run stops at the first authentication failure.

Writes DIR/conformance.md and DIR/conformance.json (--report, default ./conformance-report); with
--record DIR, the scrubbed HTTP exchanges as vcrpy cassettes, one file per operation. Exit 0 when every
operation run conforms, 1 otherwise (each deviation named by operation and field), 2 for bad usage.

examples:
  {PROG} conformance --environment test
  {PROG} conformance --base-url http://127.0.0.1:8080 --yes --json > report.json
  {PROG} conformance --yes --gift-phone 77001234567 --record cassettes/
  {PROG} conformance --yes --only cards.info cards.balance
"""


def _conformance(top: _Tree) -> None:
    parser = top.command("conformance", "check the live API against the spec, operation by operation", "")
    parser.epilog = _CONFORMANCE_EPILOG
    parser.add_argument("--yes", action="store_true", help="send without asking (required when stdin is no terminal)")
    parser.add_argument(
        "--report", metavar="DIR", default="conformance-report", help="report folder (default ./conformance-report)"
    )
    parser.add_argument("--record", metavar="DIR", help="also write the scrubbed exchanges as cassettes into DIR")
    parser.add_argument(
        "--only", nargs="+", metavar="OP", help="only these operations (and what they need), e.g. cards.info"
    )
    details = parser.add_argument_group("test data")
    details.add_argument("--phone", default="77001234567", help="the test client's phone (default 77001234567)")
    details.add_argument("--person-id", default="900101300123", help="the test client's person id (IIN)")
    details.add_argument("--country", default="KAZ", help="the test client's country (ISO alpha-3, default KAZ)")
    details.add_argument("--product", type=int, default=2000, help="card product id (default 2000, instant card)")
    details.add_argument("--amount", default="1.00", help="the test transaction's amount (default 1.00)")
    details.add_argument("--currency", help="the test transaction's currency (default: the card account's, or KZT)")
    details.add_argument("--encrypted-pin", metavar="TEXT", help="run Set PIN with this encrypted PIN")
    details.add_argument("--card-token", metavar="UUID", help="run Cardholder validation with this card token")
    details.add_argument(
        "--gift-phone", metavar="PHONE", help="run the gift-card calls that send an SMS, to this phone"
    )
    details.add_argument("--gift-otp", metavar="CODE", help="the SMS code for gift Confirm (else asked on a terminal)")
    details.add_argument(
        "--gift-product", type=int, metavar="CODE", help="gift product code (default: the first listed)"
    )
    parser.set_defaults(run="conformance")


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree (standard library only: building it imports nothing else)."""
    parser = _Parser(
        prog=PROG,
        description="Operate Freedom Pay cards from a terminal, and check the live Card API against the spec.",
        epilog=_TOP_EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _global_options(parser, top=True)
    top = _Tree(parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser))
    _requests(top)
    _cards(top)
    _others(top)
    sandbox = top.command("sandbox", "serve the in-memory Card API sandbox on loopback", "")
    sandbox.epilog = _SANDBOX_EPILOG
    add_sandbox_arguments(sandbox)
    sandbox.set_defaults(run="sandbox")
    _conformance(top)
    _simulate(top)
    completion = top.command(
        "completion",
        "print the shell completion script for bash or zsh",
        "bash: add to ~/.bashrc (or write it into /etc/bash_completion.d/):\n"
        f'  eval "$({PROG} completion bash)"\n'
        "zsh: add to ~/.zshrc (after compinit):\n"
        f'  eval "$({PROG} completion zsh)"\n\n' + _examples("completion bash", "completion zsh"),
    )
    completion.add_argument("shell", choices=("bash", "zsh"))
    completion.set_defaults(run="completion")
    return parser


def _simulate(top: _Tree) -> None:
    group = _group(
        top,
        "simulate",
        "play the cardholder or the merchant on a served sandbox (never the real API)",
        "Sends to the reserved path of a sandbox served by `freedompay-cards sandbox` (FREEDOMPAY_BASE_URL or\n"
        "--base-url): a target that does not serve it (the real API) is refused.\n\n"
        + _examples("simulate purchase CARD_ID 60 --merchant Coffee", "simulate reversal EVENT_ID"),
    )
    for name, what in (("purchase", "a purchase by the cardholder: approved or declined as the card's state, "
                                    "balance and limits say"),
                       ("refund", "a refund by the merchant to the card")):  # fmt: skip
        parser = group.command(name, what, _examples(f"simulate {name} CARD_ID 60 --currency KZT --merchant Coffee"))
        parser.add_argument("card_id", metavar="CARD_ID")
        parser.add_argument("amount", metavar="AMOUNT", help="a decimal amount, e.g. 60.00")
        parser.add_argument("--currency", default="KZT", help="ISO 4217 letters (default KZT)")
        parser.add_argument("--merchant", default="Sandbox Merchant", help="the merchant's name as the card shows it")
        parser.set_defaults(run=f"simulate.{name}")
    reversal = group.command(
        "reversal", "the merchant takes back an earlier simulated event", _examples("simulate reversal EVENT_ID")
    )
    reversal.add_argument(
        "event_id", metavar="EVENT_ID", help="the event id an approved purchase printed (only purchases are reversed)"
    )
    reversal.set_defaults(run="simulate.reversal")
