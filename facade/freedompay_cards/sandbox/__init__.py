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

    event = sandbox.simulate_purchase(card.card_id, "60.00", merchant="Coffee")   # play the cardholder
    event.approved, event.decline_code, event.balance_after   # limits set with client.limits.set count
    sandbox.simulate_reversal(event.event_id)             # or simulate_refund(card_id, amount)
    sandbox.populate(3)                                   # 3 clients, each with an active card
    sandbox.otp_for(77001234567)                          # the last gift-card code "sent by SMS"

Or from a shell: ``python -m freedompay_cards.sandbox --port 8080``. pytest users get the fixtures
``freedompay_sandbox``, ``freedompay_client`` and ``freedompay_async_client`` (``freedompay_cards.pytest_plugin``).

It implements every path of ``openapi/card-api.yaml``: requests are checked against the spec's schemas
and answers follow its response schemas. Where the docs are silent (error codes, card states, balances,
failure modes) the sandbox makes its own choices; each module's docstring says which.
"""

from ._app import ACTIONS, RESERVED_PREFIX, ROUTES, SANDBOX_BASE_URL, Admission, Reply, Route, Sandbox
from ._faults import Fault, FaultKind
from ._remote import remote_simulate
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
    SeededClient,
    SentOTP,
    SimulatedEvent,
    SimulationKind,
    Transaction,
    TransactionStatus,
    card_token,
)
from ._transport import SandboxTransport
from ._world import SimulationError

__all__ = [
    "ACTIONS",
    "RESERVED_PREFIX",
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
    "SeededClient",
    "SentOTP",
    "SimulatedEvent",
    "SimulationError",
    "SimulationKind",
    "Transaction",
    "TransactionStatus",
    "card_token",
    "remote_simulate",
]
