"""A call to an operation the vendor's docs mark deprecated (the spec's ``deprecated: true``, which docs-sync
applies from the page's Apidog status) warns the caller, pointing at the caller's own line."""

from __future__ import annotations

import warnings

import pytest

from freedompay_cards._core import OPERATIONS
from freedompay_cards.sandbox import Sandbox


@pytest.fixture
def deprecated_info(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(OPERATIONS["cards.info"], "deprecated", True)


def _card(sandbox: Sandbox) -> str:
    with sandbox.client() as client:
        issued = client.cards.issue(
            1000, first_name="A", last_name="B", phone="77001234567", country="KAZ", person_id="9001", wait=True
        )
        return issued.card_ids[0]


def test_a_deprecated_operation_warns_at_the_callers_line(deprecated_info: None) -> None:
    sandbox = Sandbox()
    card_id = _card(sandbox)
    with sandbox.client() as client, pytest.warns(DeprecationWarning, match=r"cards\.info is deprecated") as caught:
        client.cards.info(card_id)  # the line the warning points at
    assert caught[0].filename == __file__


async def test_the_async_client_warns_too(deprecated_info: None) -> None:
    sandbox = Sandbox()
    card_id = _card(sandbox)
    async with sandbox.async_client() as client:
        with pytest.warns(DeprecationWarning, match=r"cards\.info is deprecated") as caught:
            await client.cards.info(card_id)
    assert caught[0].filename == __file__


def test_an_operation_in_good_standing_does_not_warn() -> None:
    assert not OPERATIONS["cards.info"].deprecated
    sandbox = Sandbox()
    card_id = _card(sandbox)
    with sandbox.client() as client, warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        client.cards.info(card_id)


def test_the_deprecated_operations_are_the_ones_the_spec_marks() -> None:
    from tests.spec_tools import operations

    marked = {op["x-facade"] for _method, _path, op in operations() if op.get("deprecated")}
    assert marked == {name for name, op in OPERATIONS.items() if op.deprecated}
    assert "transactions.create" in marked  # its page is titled deprecated today
