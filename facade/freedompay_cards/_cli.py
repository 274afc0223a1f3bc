"""``freedompay-cards``, the operator's command line: its arguments and its entry point.

This module uses the standard library only, so that ``--help`` and ``--version`` answer at once and
import neither httpx, attrs nor the generated client: the commands themselves live in ``_cli_commands``
(and ``_conformance``), imported only once a command runs.

Exit codes (``EXIT_*``): 0 success; 1 the API answered with an error, or with an answer that is not the
documented JSON (code and request_id printed), and for ``conformance`` any deviation; 2 bad usage or
configuration (also: a refused confirmation, input the library refuses before sending); 3 no usable answer
(connection trouble, a timeout): the request_id is printed, and whether the outcome is unknown; 4 done, but
the result could not be written (standard output closed or full); 130 interrupted (for an operation that
changes something, with its request_id and the outcome unknown).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import sys
from collections.abc import Mapping, Sequence
from typing import IO, Any

from ._version import __version__

PROG = "freedompay-cards"
EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_NO_ANSWER = 3
EXIT_NOT_WRITTEN = 4
EXIT_INTERRUPTED = 130

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
credentials are read as CardClient.from_env() reads them:
  FREEDOMPAY_AUTH_ID, FREEDOMPAY_SECRET_KEY, and FREEDOMPAY_ENVIRONMENT (test, the default, or
  production) or FREEDOMPAY_BASE_URL. --environment and --base-url override the last two, and like
  --json they are accepted before or after the command.

examples:
  {PROG} cards info 1234567
  {PROG} cards block 1234567 --reason "lost by the holder"
  {PROG} --json requests status 2f1c0c9e-6a51-4c1e-9d9b-5b6f3c1d2e4f
  {PROG} sandbox --port 8080
  {PROG} conformance --environment test

output:
  a key/value block or a table by default; with --json one JSON object on stdout whose keys are the
  field names of the library's result classes (amounts as decimal strings, times in ISO 8601, secrets
  masked); on failure {{"error": {{"type", "message", "code", "request_id", ...}}}} on stdout as well,
  and a readable message on stderr either way.

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
        "read a card, block, unblock or close it, reset its PIN counter",
        _examples(
            "cards info CARD_ID", "cards block CARD_ID --reason lost", "cards statement CARD_ID --from 2025-03-01"
        ),
    )
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
        top, "transactions", "read a transaction", _examples("transactions info --transaction-id 5550001")
    )
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

    limits = _group(top, "limits", "spending limits", _examples("limits list card CARD_ID"))
    listing = limits.command(
        "list", "the limits in force on a card, an account or a client", _examples("limits list card CARD_ID")
    )
    listing.add_argument("scope", choices=("card", "account", "client"), help="what TARGET_ID names")
    listing.add_argument("target_id", metavar="TARGET_ID")
    listing.set_defaults(run="limits.list")


_SANDBOX_EPILOG = f"""\
The sandbox is an in-memory fake of the whole Card API, served over HTTP until Ctrl-C. Point the other
commands at it from another shell:

  export FREEDOMPAY_BASE_URL=http://127.0.0.1:8080 FREEDOMPAY_AUTH_ID=sandbox FREEDOMPAY_SECRET_KEY=sandbox-secret
  {PROG} conformance --yes

(python -m freedompay_cards.sandbox does the same.)

examples:
  {PROG} sandbox --port 8080
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
    return parser


# Control characters (but newline and tab) written as \u escapes: text from a server (an error's
# description, a field) must not move the cursor, recolour or retitle the operator's terminal. The form is
# also a valid escape inside a JSON string.
_CONTROLS = {code: f"\\u{code:04x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if code not in (9, 10)}


class Streams:
    """Where a command reads and writes, and the environment it reads credentials from."""

    def __init__(
        self,
        stdin: IO[str] | None = None,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        import os

        self.stdin = stdin if stdin is not None else sys.stdin
        self.stdout = stdout if stdout is not None else sys.stdout
        self.stderr = stderr if stderr is not None else sys.stderr
        self.environ: Mapping[str, str] = environ if environ is not None else os.environ

    def is_terminal(self, stream: IO[str]) -> bool:
        try:
            return bool(stream.isatty())
        except (AttributeError, ValueError):
            return False

    def out(self, text: str = "") -> None:
        self.stdout.write(text.translate(_CONTROLS) + "\n")

    def err(self, text: str = "") -> None:
        self.stderr.write(text.translate(_CONTROLS) + "\n")

    def ask(self, question: str) -> bool:
        """Ask a yes/no question on the terminal (no is the default)."""
        self.stderr.write(f"{question} [y/N] ")
        self.stderr.flush()
        answer = self.stdin.readline()
        return answer.strip().lower() in {"y", "yes"}


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    hooks: Any = None,
) -> int:
    """Run ``freedompay-cards`` with ``argv`` (default ``sys.argv[1:]``); return the exit code.
    ``hooks`` is for tests only (see ``_conformance.Hooks``)."""
    for stream in (sys.stdout if stdout is None else None, sys.stderr if stderr is None else None):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:  # a character the output's encoding lacks is escaped, not an error
            reconfigure(errors="backslashreplace")
    streams = Streams(stdin, stdout, stderr, environ)
    parser = build_parser()
    said = io.StringIO()  # what argparse writes on stderr, passed on (and, with --json, as JSON too)
    try:
        with contextlib.redirect_stdout(streams.stdout), contextlib.redirect_stderr(said):
            args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version (0) and usage errors (2)
        streams.stderr.write(said.getvalue())
        code = done.code if isinstance(done.code, int) else EXIT_USAGE
        if code == EXIT_USAGE and "--json" in (sys.argv[1:] if argv is None else argv):
            lines = said.getvalue().strip().splitlines() or ["usage error"]
            message = lines[-1].split(": error: ", 1)[-1]
            streams.out(json.dumps({"error": {"type": "UsageError", "message": message}}, ensure_ascii=False, indent=2))
        return code
    streams.stderr.write(said.getvalue())
    from ._cli_commands import run

    return run(args, streams, hooks)


if __name__ == "__main__":  # pragma: no cover - python -m freedompay_cards runs __main__.py
    sys.exit(main())
