"""`make demo`: a card's whole life, step by step, against the embedded sandbox.

With FREEDOMPAY_AUTH_ID and FREEDOMPAY_SECRET_KEY set, the same walk runs against the real test
environment (https://test-api.freedompay.kz, or FREEDOMPAY_BASE_URL). Steps the real API cannot be
driven through from here (typing wrong PINs at a terminal, reading the SMS code of a gift card) are
skipped there unless FREEDOMPAY_GIFT_OTP is given. The exit status is non-zero if any step misbehaves.

Each step is printed as a sentence with its values (``card 10000001: 3 wrong PINs → counter reset``),
never as a repr.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
import warnings
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import freedompay_cards as fp

LIVE = bool(os.environ.get("FREEDOMPAY_AUTH_ID") and os.environ.get("FREEDOMPAY_SECRET_KEY"))


class StepFailed(Exception):
    pass


T = TypeVar("T")


class Walk:
    """Numbers the steps and prints each as a sentence (``said``, from the step's result) or its failure."""

    def __init__(self) -> None:
        self.number = 0
        self.started = time.perf_counter()

    def _line(self, text: str) -> None:
        print(f"{self.number:2d}. {text}", flush=True)

    def step(
        self, title: str, action: Callable[[], T], said: Callable[[T], str], check: Callable[[T], bool] = lambda _: True
    ) -> T:
        self.number += 1
        with warnings.catch_warnings(record=True) as caught:  # a deprecated operation: said, not a traceback line
            warnings.simplefilter("always", DeprecationWarning)
            try:
                result = action()
            except fp.FreedomPayError as err:
                self._line(f"{title}: FAILED\n    {type(err).__name__}: {err}")
                raise StepFailed(title) from err
        if not check(result):
            self._line(f"{title}: UNEXPECTED\n    {said(result)}")
            raise StepFailed(title)
        self._line(said(result))
        for warning in caught:
            print(f"    note: {warning.message}", flush=True)
        return result

    def expect_error(self, title: str, action: Callable[[], Any], error: type[fp.FreedomPayError]) -> None:
        self.number += 1
        try:
            action()
        except error as err:
            code = getattr(err, "code", None)
            self._line(
                f"{title}: refused as expected ({type(err).__name__}{f' {code}' if code else ''}: {err.message})"
            )
            return
        except fp.FreedomPayError as err:
            self._line(f"{title}: FAILED: expected {error.__name__}, got {type(err).__name__}: {err}")
            raise StepFailed(title) from err
        self._line(f"{title}: FAILED: expected {error.__name__}, but it succeeded")
        raise StepFailed(title)

    def skip(self, title: str, why: str) -> None:
        self.number += 1
        self._line(f"{title}: skipped ({why})")


def money(amount: Decimal | None, currency: str | None) -> str:
    return f"{amount if amount is not None else '?'} {currency or ''}".strip()


def balances(balance: fp.Balance) -> str:
    return ", ".join(f"{money(a.amount, a.currency)} (IBAN {a.iban or '?'})" for a in balance.accounts)


def limits(listed: fp.LimitList) -> str:
    shown = [
        f"{limit.transaction_type} at most "
        + ", ".join(money(a.value, a.currency) for a in limit.amounts)
        + (f" a {limit.period}" if limit.period else "")
        for limit in listed
    ]
    return "; ".join(shown) or "none"


def main() -> int:
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:  # an arrow the terminal's encoding lacks is escaped, not an error
        reconfigure(errors="backslashreplace")
    sandbox = None
    if LIVE:
        client = fp.CardClient.from_env()
        print(f"Against the real test environment: {client.base_url}\n")
    else:
        from freedompay_cards.sandbox import Sandbox

        sandbox = Sandbox()
        client = sandbox.client()
        print("Against the embedded sandbox (set FREEDOMPAY_AUTH_ID and FREEDOMPAY_SECRET_KEY for the real one)\n")
    walk = Walk()
    try:
        run(walk, client, sandbox)
    except StepFailed as failed:
        print(f"\nThe demo stopped: step {walk.number} ({failed}) misbehaved.")
        return 1
    finally:
        client.close()
    print(f"\nAll {walk.number} steps behaved, in {time.perf_counter() - walk.started:.2f}s.")
    return 0


def run(walk: Walk, client: fp.CardClient, sandbox: Any) -> None:
    today = dt.datetime.now(dt.UTC)
    created = walk.step(
        "Create a client",
        lambda: client.clients.create(
            fp.Product.INSTANT_CARD, phone="77001234567", type=fp.ClientType.INDIVIDUAL,
            resident=fp.Residency.RESIDENT, first_name="Aida", last_name="Sadykova", country="KAZ",
            person_id="900101300123", birthdate=dt.date(1990, 1, 1), wait=True,
        ),
        lambda r: f"client {r.client_id} created: Aida Sadykova, phone 77001234567, born 1990-01-01",
        lambda r: r.succeeded and bool(r.client_id),
    )  # fmt: skip
    client_id = str(created.client_id)
    issued = walk.step(
        "Issue a card",
        lambda: client.cards.issue(
            fp.Product.INSTANT_CARD, first_name="Aida", last_name="Sadykova", phone="77001234567",
            country="KAZ", person_id="900101300123", wait=True,
        ),
        lambda r: f"card {', '.join(r.card_ids)} issued to Aida Sadykova (instant card; id from Request status)",
        lambda r: r.succeeded and len(r.card_ids) == 1,
    )  # fmt: skip
    card_id = issued.card_ids[0]
    card = f"card {card_id}"
    walk.step("Activate the card", lambda: client.cards.activate(card_id), lambda r: f"{card} activated")
    walk.step(
        "Set a PIN", lambda: client.cards.set_pin(card_id), lambda r: f"{card}: PIN set (generated by the processor)"
    )
    if sandbox is not None:
        walk.step(
            "Three wrong PINs at a terminal",
            lambda: sandbox.enter_wrong_pin(card_id, times=3),
            lambda count: f"{card}: 3 wrong PINs at a terminal → counter at {count}",
            lambda count: count == 3,
        )
        walk.step(
            "Reset the PIN counter",
            lambda: (client.cards.reset_pin_counter(card_id), sandbox.cards[card_id].wrong_pin_count)[1],
            lambda count: f"{card}: 3 wrong PINs → counter reset (now {count})",
            lambda count: count == 0,
        )
    else:
        walk.skip("Three wrong PINs at a terminal", "needs a terminal")
        walk.step(
            "Reset the PIN counter",
            lambda: client.cards.reset_pin_counter(card_id),
            lambda r: f"{card}: PIN counter reset",
        )
    walk.step("Block the card", lambda: client.cards.block(card_id, reason="lost"), lambda r: f"{card} blocked (lost)")
    walk.step(
        "Unblock it", lambda: client.cards.unblock(card_id, reason="found"), lambda r: f"{card} unblocked (found)"
    )
    balance = walk.step(
        "Balance",
        lambda: client.cards.balance(card_id),
        lambda b: f"{card} holds {balances(b)}",
        lambda b: len(b.accounts) >= 1,
    )
    currency = balance.accounts[0].currency or "KZT"
    purchase = walk.step(
        "Authorise a transaction",
        lambda: client.transactions.create(card_id, Decimal("1500.00"), currency, order_id="demo-order-1", wait=True),
        lambda r: f"transaction {r.transaction_id} authorised: 1500.00 {currency} on {card} (order demo-order-1)",
        lambda r: r.succeeded and bool(r.transaction_id),
    )
    transaction_id = str(purchase.transaction_id)
    walk.step(
        "Clear part of it",
        lambda: client.transactions.clear(transaction_id, order_id="demo-order-1", amount=Decimal("1000.00")),
        lambda r: f"transaction {transaction_id}: 1000.00 of 1500.00 {currency} cleared (a partial capture)",
    )
    walk.step(
        "Refund part of it",
        lambda: client.transactions.refund(transaction_id, order_id="demo-order-1", amount=Decimal("400.00")),
        lambda r: f"transaction {transaction_id}: 400.00 {currency} refunded",
    )
    walk.step(
        "Transaction info",
        lambda: client.transactions.info(transaction_id=transaction_id),
        lambda r: f"transaction {transaction_id} is {r.status or 'of unknown status'}",
    )
    after = walk.step(
        "Balance after",
        lambda: client.cards.balance(card_id),
        lambda b: f"{card} now holds {balances(b)}",
        lambda b: len(b.accounts) >= 1,
    )
    before_amount, after_amount = balance.accounts[0].amount, after.accounts[0].amount
    if sandbox is not None and before_amount is not None and after_amount is not None:
        walk.step(
            "The balance moved by what was cleared less what was refunded",
            lambda: before_amount - after_amount,
            lambda spent: (
                f"{card}: {before_amount} - {after_amount} = {spent} {currency} (1000.00 cleared - 400.00 refunded)"
            ),
            lambda spent: spent == Decimal("600.00"),
        )
    span = (today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    walk.step(
        "Statement",
        lambda: list(client.cards.statement(card_id, *span)),
        lambda ops: (
            f"{card} statement: {len(ops)} operations"
            + "".join(f"; {o.type} {money(o.amount, o.currency)}" for o in ops)
        ),
    )
    walk.step(
        "Extended statement",
        lambda: client.cards.statement_extended(card_id, *span),
        lambda s: (
            f"{card} extended statement: {len(s.accounts)} accounts, {len(s.authorizations)} authorizations, "
            f"{len(s.operations)} operations"
        ),
        lambda s: s.card_id in (None, card_id),
    )
    secret = walk.step(
        "Secret data",
        lambda: client.cards.secret_data(card_id),
        lambda s: f"{card} secret data, shown masked: PAN {s.pan}, expiry {s.expiry}, CVV {s.cvv}",
    )
    if secret.pan is not None and secret.pan.reveal() in repr(secret):
        raise StepFailed("secret data leaked into repr")
    walk.step(
        "Card info",
        lambda: client.cards.info(card_id),
        lambda i: (
            f"{card} is {i.card_status}, number {i.card_mask}, product {i.product_id}, client {i.client_id or 'none'}"
        ),
    )
    daily = fp.Limit("withdrawal_atm", [fp.LimitAmount("50000", "KZT")], period="day")
    walk.step(
        "Set a daily ATM limit",
        lambda: client.limits.set(fp.LimitScope.CARD, card_id, [daily]),
        lambda r: f"{card}: ATM withdrawals limited to 50000 KZT a day",
    )
    walk.step(
        "List the card's limits",
        lambda: client.limits.list(fp.LimitScope.CARD, card_id),
        lambda listed: f"{card} limits: {limits(listed)}",
    )
    if sandbox is not None:  # a card's token is not something the real API is known to hand out (not shown)
        walk.step(
            "Validate the cardholder",
            lambda: client.cards.validate_cardholder(
                sandbox.cards[card_id].token, first_name="Aida", last_name="Sadykova", phone="77001234567"
            ),
            lambda r: f"{card}: Aida Sadykova, 77001234567 matches the cardholder at {r.score}",
            lambda r: r.percentage is not None,
        )
    walk.step(
        "Link the client to the card",
        lambda: client.cards.link_client(card_id, client_id),
        lambda r: f"client {client_id} linked to {card}",
    )
    walk.step(
        "The client's cards",
        lambda: client.clients.list_cards(client_id),
        lambda cards: (
            f"client {client_id} has {len(cards)} card(s): "
            + ", ".join(f"{c.card_id} ({c.card_status})" for c in cards)
        ),
    )
    walk.step(
        "Close the card", lambda: client.cards.close(card_id, reason="demo over"), lambda r: f"{card} closed for good"
    )
    walk.expect_error(
        f"Block the closed {card}",
        lambda: client.cards.block(card_id, reason="too late"),
        fp.ConflictError if sandbox is not None else fp.APIError,
    )

    products = walk.step(
        "Gift-card products",
        lambda: client.gift_cards.products(),
        lambda ps: f"{len(ps)} gift-card products: " + ", ".join(f"{p.name_en or p.name} (code {p.code})" for p in ps),
        lambda ps: len(ps) >= 1,
    )
    product = products[0].name_en or products[0].name
    gift = walk.step(
        "Issue a gift card",
        lambda: client.gift_cards.issue(products[0].code, cardholder_name="Aida Sadykova", phone="77001234567"),
        lambda g: f"gift card {g.card_id} ({product}) issued to Aida Sadykova: an SMS code went to 77001234567",
        lambda g: g.card_id > 0,
    )
    wrong_code = lambda: client.gift_cards.confirm("000000", card_id=gift.card_id)  # noqa: E731
    walk.expect_error(f"Confirm gift card {gift.card_id} with a wrong code", wrong_code, fp.InvalidOTPError)
    otp = sandbox.last_otp(gift.card_id) if sandbox is not None else os.environ.get("FREEDOMPAY_GIFT_OTP")
    if otp:
        walk.step(
            "Confirm with the SMS code",
            lambda: client.gift_cards.confirm(otp, card_id=gift.card_id),
            lambda s: f"gift card {gift.card_id} confirmed with the SMS code → {_status(s.card_status)}",
            lambda s: s.card_status == fp.GiftCardStatus.ACTIVATED,
        )
        walk.step(
            "Gift card status",
            lambda: client.gift_cards.status(gift.card_id),
            lambda s: f"gift card {gift.card_id} is {_status(s.card_status)}, balance {money(s.balance, s.currency)}",
        )
    else:
        walk.skip("Confirm with the SMS code", "set FREEDOMPAY_GIFT_OTP to the code received")


def _status(status: Any) -> str:
    return status.name.lower() if isinstance(status, fp.GiftCardStatus) else str(status)


if __name__ == "__main__":
    sys.exit(main())
