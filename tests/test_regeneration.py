"""Issue 11's "Done when", end to end: the scenarios a maintainer meets when the vendor's docs change,
replayed on a temporary copy of the repository (openapi/, generated/, facade/, scripts/, tests/,
pyproject.toml, README.md), each failing with a message that says what to do.

- (a) a new optional request field (``comment`` on CardActionRequest: Block, Unblock, Close) and (b) a new
  answer field (``daily_limit`` on CardInfoResponse), on one branch with (d) a new operation
  (``pause_card``): one ``make generate``, one run of the tests that must notice;
- (d) then ``scripts/new_operation.py --write`` and ``make generate``: the method, the handler and the
  field coverage pass, the operation works from both clients and the sandbox; only the cassette test
  still fails, until ``make record``;
- (c) a renamed required field (``card_id`` -> ``card_ref`` in CardActionRequest), on its own branch:
  mypy names the facade's and the sandbox's lines.

The copy is made once per module and each branch is a clone of it (tests/repo_copy.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.repo_copy import Branch, Run, clone, copy_repository, schemas

NEW_OP_PATH = "/v5/card-api/card/pause"
COVERAGE = "tests/test_field_coverage.py"
METHOD_TEST = "tests/test_call_options.py::test_every_operation_of_the_spec_has_a_method_on_both_clients"
HANDLER_TEST = "tests/test_sandbox_spec.py::test_every_operation_of_the_spec_has_its_world_handler"
CASSETTE_TEST = "tests/test_cassettes.py::test_every_path_of_the_spec_is_in_a_cassette_for_both_clients"
FULL_CALL_TEST = "tests/test_field_coverage.py::test_every_operation_has_a_full_call"


# ------------------------------------------------------------------------------------------- the changes


def add_comment_to_card_actions(spec: dict[str, Any]) -> None:
    """(a) Block, Unblock and Close take an optional ``comment``."""
    schemas(spec)["CardActionRequest"]["properties"]["comment"] = {"type": "string", "maxLength": 200}


def add_daily_limit_to_card_info(spec: dict[str, Any]) -> None:
    """(b) Card info answers a ``daily_limit``."""
    answer = schemas(spec)["CardInfoResponse"]
    own = next(part for part in answer["allOf"] if "properties" in part)
    own["properties"]["daily_limit"] = {"type": "number"}


def rename_card_id_of_card_actions(spec: dict[str, Any]) -> None:
    """(c) CardActionRequest's required ``card_id`` is now ``card_ref``."""
    request = schemas(spec)["CardActionRequest"]
    request["properties"] = {("card_ref" if k == "card_id" else k): v for k, v in request["properties"].items()}
    request["required"] = [("card_ref" if k == "card_id" else k) for k in request["required"]]


def add_pause_operation(spec: dict[str, Any]) -> None:
    """(d) A new operation answered by the envelope: Pause card, for ``days`` days, with an optional comment."""
    pause = {
        "operationId": "pause_card",
        "x-facade": "cards.pause",
        "x-mutating": True,
        "tags": ["cards"],
        "summary": "Pause a card for some days",
        "x-doc-status": "inferred",
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PauseCardRequest"}}},
        },
        "responses": {
            "200": {
                "description": "Envelope.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OperationResponse"}}},
            }
        },
    }
    spec["paths"][NEW_OP_PATH] = {"post": pause}
    card_id = schemas(spec)["CardRequest"]["properties"]["card_id"]
    schemas(spec)["PauseCardRequest"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["request_id", "card_id", "days"],
        "properties": {
            "request_id": {"$ref": "#/components/schemas/RequestId"},
            "card_id": card_id,
            "days": {"type": "integer", "minimum": 1, "maximum": 90},
            "comment": {"type": "string", "maxLength": 200},
        },
    }


# ------------------------------------------------------------------------------------------- branches


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_repository(tmp_path_factory)


@pytest.fixture(scope="module")
def branch(pristine: Path) -> Iterator[tuple[Branch, Run]]:
    """(a), (b) and (d) applied to the spec, ``make generate`` run, then the tests that must notice."""
    work = clone(pristine, "a-b-d")
    work.edit_spec(add_comment_to_card_actions)
    work.edit_spec(add_daily_limit_to_card_info)
    work.edit_spec(add_pause_operation)
    work.generate()
    yield work, work.pytest(COVERAGE, METHOD_TEST, HANDLER_TEST, CASSETTE_TEST)


@pytest.fixture(scope="module")
def scaffolded(branch: tuple[Branch, Run]) -> tuple[Branch, Run, Run]:
    """(d) followed: ``new_operation.py pause_card --write`` and ``make generate``, then the tests again."""
    work, _ = branch
    scaffold = work.run("scripts/new_operation.py", "pause_card", "--write")
    assert scaffold.code == 0, scaffold.output
    work.generate()
    after = work.pytest(
        COVERAGE,
        METHOD_TEST,
        HANDLER_TEST,
        CASSETTE_TEST,
        "tests/test_sandbox_spec.py::test_each_handler_takes_exactly_its_operation_s_generated_request_model",
        f"tests/test_sandbox_spec.py::test_every_answer_on_every_path_validates_against_the_response_schema[{NEW_OP_PATH}]",
        "tests/test_op_pause_card.py",
    )
    return work, scaffold, after


# ------------------------------------------------------------------------------------------- (a)


def test_a_new_optional_request_field_fails_field_coverage_naming_each_method_and_its_file(
    branch: tuple[Branch, Run],
) -> None:
    _, run = branch
    assert run.code == 1
    for method in ("block", "unblock", "close"):
        message = run.failure(f"{COVERAGE}::test_every_request_field_reaches_the_wire[cards.{method}]")
        assert f"cards.{method} never sends ['comment']" in message
        assert f"facade/freedompay_cards/_async/cards.py {method}() a parameter" in message
        assert "facade/freedompay_cards/_not_exposed.py" in message


# ------------------------------------------------------------------------------------------- (b)


def test_b_a_new_answer_field_fails_field_coverage_naming_the_result_class(branch: tuple[Branch, Run]) -> None:
    _, run = branch
    message = run.failure(f"{COVERAGE}::test_every_answer_field_reaches_a_result_attribute[cards.info]")
    assert "cards.info: the answer's ['daily_limit'] land only in CardInfo.extra" in message
    assert "facade/freedompay_cards/_models/_cards.py" in message and "_convert/_cards.py" in message


KEEPS_EXTRA = """
import asyncio, httpx, freedompay_cards as fp
ANSWER = {"status": "ok", "request_status": "success", "dt": "2025-01-01T00:00:00+00:00", "card_id": "c1",
          "daily_limit": 1500.5}
answer = lambda request: httpx.Response(200, json=ANSWER)
with fp.CardClient("1", "s", http_client=httpx.Client(transport=httpx.MockTransport(answer))) as client:
    print("sync", client.cards.info("c1").extra)
async def main():
    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    async with fp.AsyncCardClient("1", "s", http_client=http) as client:
        print("async", (await client.cards.info("c1")).extra)
asyncio.run(main())
"""


def test_b_the_new_answer_field_is_kept_in_extra_by_both_clients(branch: tuple[Branch, Run]) -> None:
    work, _ = branch
    done = work.run("-c", KEEPS_EXTRA)
    assert done.code == 0, done.output
    assert done.output.splitlines() == [
        "sync {'daily_limit': Decimal('1500.5')}",
        "async {'daily_limit': Decimal('1500.5')}",
    ]


# ------------------------------------------------------------------------------------------- (c)


def test_c_a_renamed_required_field_is_a_type_error_in_the_facade_and_the_sandbox(pristine: Path) -> None:
    work = clone(pristine, "c")
    work.edit_spec(rename_card_id_of_card_actions)
    work.generate()
    done = work.run("-m", "mypy")
    assert done.code == 1, done.output
    lines = [line for line in done.output.splitlines() if ": error:" in line]
    facade = [line for line in lines if line.startswith("facade/freedompay_cards/_async/cards.py:")]
    sandbox = [line for line in lines if line.startswith("facade/freedompay_cards/sandbox/_world.py:")]
    assert any('"card_id"' in line and "CardActionRequest" in line for line in facade), done.output
    assert any('"card_id"' in line and "CardActionRequest" in line for line in sandbox), done.output
    assert len(sandbox) >= 3, "block_card, unblock_card and close_card each read body.card_id"


# ------------------------------------------------------------------------------------------- (d)


def test_d_a_new_operation_fails_each_list_test_with_what_to_add(branch: tuple[Branch, Run]) -> None:
    _, run = branch
    assert "facade/freedompay_cards/_async/cards.py: add `async def pause(...)`" in run.failure(METHOD_TEST)
    assert (
        "facade/freedompay_cards/sandbox/_world.py: add World.pause_card(self, body: m.PauseCardRequest) -> Done"
        in (run.failure(HANDLER_TEST))
    )
    assert "tests/test_field_coverage.py: add FULL_CALLS['cards.pause']" in run.failure(FULL_CALL_TEST)
    cassette = run.failure(CASSETTE_TEST)
    assert f"cards.pause ({NEW_OP_PATH})" in cassette and "make record" in cassette


def test_d_the_scaffold_and_make_generate_make_the_method_handler_and_coverage_tests_pass(
    scaffolded: tuple[Branch, Run, Run],
) -> None:
    _, scaffold, after = scaffolded
    assert scaffold.output.splitlines()[:6] == [
        "wrote facade/freedompay_cards/_async/cards.py",
        "wrote facade/freedompay_cards/sandbox/_world.py",
        "wrote tests/test_field_coverage.py",
        "wrote tests/test_sandbox_spec.py",
        "wrote facade/freedompay_cards/_cli/_conformance.py",
        "wrote tests/test_op_pause_card.py",
    ]
    new_op_nodes = [n for n in after.failures if "pause" in n or n in (METHOD_TEST, HANDLER_TEST, FULL_CALL_TEST)]
    assert new_op_nodes == [], {n: after.failures[n][:400] for n in new_op_nodes}
    # what is left: (a) and (b), which need a hand-written parameter and attribute, and the cassette, which
    # needs `make record` after a scenario calls the operation (the scaffold's next steps say so)
    assert set(after.failures) == {
        CASSETTE_TEST,
        *(f"{COVERAGE}::test_every_request_field_reaches_the_wire[cards.{m}]" for m in ("block", "unblock", "close")),
        f"{COVERAGE}::test_every_answer_field_reaches_a_result_attribute[cards.info]",
    }
    assert "then make record" in scaffold.output


USES_PAUSE = """
import asyncio
from freedompay_cards.sandbox import Sandbox
sandbox = Sandbox()
card = sandbox.create_card()
with sandbox.client() as client:
    print("sync", client.cards.pause(card.card_id, days=5, comment="holiday").request_status)
    try:
        client.cards.pause("no-such-card", days=5)
    except Exception as err:
        print("refused", type(err).__name__)
async def main():
    async with sandbox.async_client() as client:
        print("async", (await client.cards.pause(card.card_id, days=7)).request_status)
asyncio.run(main())
"""


def test_d_after_the_scaffold_the_operation_works_from_both_clients_and_the_sandbox(
    scaffolded: tuple[Branch, Run, Run],
) -> None:
    work, _, _ = scaffolded
    done = work.run("-c", USES_PAUSE)
    assert done.code == 0, done.output
    assert done.output.splitlines() == ["sync success", "refused NotFoundError", "async success"]
    assert work.run("-m", "mypy").code == 0
