"""A stateful in-memory fake of the Freedom Pay Card API, for tests, demos and cassette recording.

    from freedompay_cards.sandbox import Fault, Sandbox

    sandbox = Sandbox()                                   # accepts auth_id "sandbox", secret "sandbox-secret"
    card = sandbox.create_card()                          # an active card, opening balance 100 000.00 KZT
    with sandbox.client() as client:                      # a CardClient talking to it in-process
        sandbox.inject("cards.block", Fault.drop_after())
        client.cards.block(card.card_id, reason="lost")   # retried and reconciled
    assert sandbox.cards[card.card_id].status == "blocked"

    with sandbox.serve() as server:                       # or over loopback HTTP: server.url
        ...

Or from a shell: ``python -m freedompay_cards.sandbox --port 8080``. pytest users get the fixtures
``freedompay_sandbox``, ``freedompay_client`` and ``freedompay_async_client`` (``freedompay_cards.pytest_plugin``).

It implements every path of ``openapi/card-api.yaml``: requests are checked against the spec's schemas
and answers follow its response schemas. Where the docs are silent (error codes, card states, balances,
failure modes) the sandbox makes its own choices; each module's docstring says which.
"""

from ._app import ROUTES, SANDBOX_BASE_URL, Admission, Reply, Route, Sandbox
from ._faults import Fault, FaultKind
from ._server import SandboxServer
from ._state import (
    Account,
    Card,
    CardStatus,
    Client,
    GiftCard,
    GiftStatus,
    LogEntry,
    ManualClock,
    Posting,
    RequestRecord,
    Transaction,
    TransactionStatus,
    card_token,
)
from ._transport import SandboxTransport

__all__ = [
    "ROUTES",
    "SANDBOX_BASE_URL",
    "Account",
    "Admission",
    "Card",
    "CardStatus",
    "Client",
    "Fault",
    "FaultKind",
    "GiftCard",
    "GiftStatus",
    "LogEntry",
    "ManualClock",
    "Posting",
    "Reply",
    "RequestRecord",
    "Route",
    "Sandbox",
    "SandboxServer",
    "SandboxTransport",
    "Transaction",
    "TransactionStatus",
    "card_token",
]
