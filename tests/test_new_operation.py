"""scripts/new_operation.py (`make new-operation OP=...`): what it scaffolds for each shape of operation,
checked against operations the facade already has (their method hidden from the script), what it refuses,
and, on a temporary copy of the repository, a new operation whose answer needs a result class.

The end-to-end case of an operation answered by the envelope (scaffold, make generate, the tests pass,
both clients and the sandbox serve it) is tests/test_regeneration.py's scenario (d).
"""

from __future__ import annotations

import ast
import re
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import new_operation  # noqa: E402  (scripts/ is not a package)

from tests.repo_copy import Branch, Run, clone, copy_repository, schemas  # noqa: E402

ID_CHECK = "identifier" if "identifier" in new_operation.validators() else "text"


def plan_without(monkeypatch: pytest.MonkeyPatch, operation_id: str) -> new_operation.Plan:
    """The plan for an operation the facade has, its method hidden from the script."""
    entry = next(e for e in new_operation.load_table() if e["operation_id"] == operation_id)
    resource, method = entry["name"].split(".")
    owner = "Async" + "".join(part.title() for part in resource.split("_"))
    original = new_operation.methods_of

    def hidden(cls: ast.ClassDef) -> dict[str, Any]:
        found = original(cls)
        if cls.name == owner:
            found.pop(method, None)
        return found

    monkeypatch.setattr(new_operation, "methods_of", hidden)
    return new_operation.make_plan(operation_id)


def parses(piece: str) -> str:
    ast.parse(textwrap.dedent(piece))
    return piece


# ------------------------------------------------------------------------------------------- refusals


def test_an_unknown_operation_id_is_refused_listing_the_spec_s(capsys: pytest.CaptureFixture[str]) -> None:
    assert new_operation.main(["freeze_everything"]) == 2
    err = capsys.readouterr().err
    assert "new-operation: the spec (openapi/card-api.yaml) has no operationId 'freeze_everything'" in err
    assert "block_card" in err


def test_an_operation_that_has_a_method_is_refused_naming_where(capsys: pytest.CaptureFixture[str]) -> None:
    cards = ROOT / "facade" / "freedompay_cards" / "_async" / "cards.py"
    line = next(
        n.lineno
        for n in ast.walk(ast.parse(cards.read_text(encoding="utf-8")))
        if isinstance(n, ast.AsyncFunctionDef) and n.name == "block"
    )
    assert new_operation.main(["block_card", "--write"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"new-operation: cards.block already has a method: facade/freedompay_cards/_async/cards.py:{line} "
        "(nothing written)"
    )


def test_a_required_object_field_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(new_operation.Refusal, match="the required request field 'client' has a field of type object"):
        plan_without(monkeypatch, "create_client")


# ------------------------------------------------------------------------------------------- shapes


def test_an_envelope_operation_gets_a_complete_method_a_handler_and_its_test_entries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan = plan_without(monkeypatch, "reset_pin_counter")
    method = parses(plan.pieces["method"])
    assert method.startswith("    async def reset_pin_counter(\n        self,\n        card_id: str,\n        *,\n")
    assert (
        "        request_id: str | None = None,\n        **options: Unpack[RequestOptions],\n    ) -> OperationResult:"
        in (method)
    )
    assert "Documented." in method
    assert f'body = m.CardRequest(request_id=v.request_uuid(rid), card_id=v.{ID_CHECK}("card_id", card_id))' in method
    assert method.endswith(
        '        return await self._client._operation("cards.reset_pin_counter", body, rid, options)\n'
    )
    assert parses(plan.pieces["handler"]).splitlines()[1:] == [
        '        """cards.reset_pin_counter: the sandbox checks the card it names and changes nothing yet."""',
        "        self.card(body.card_id)",
        "        return Done()",
    ]
    assert (
        plan.pieces["full_call"] == '    "cards.reset_pin_counter": lambda c: c.cards.reset_pin_counter("card_id-1"),\n'
    )
    assert plan.pieces["bodies"] == (
        '    "/v5/card-api/card/reset_counter_pin": lambda w: [{"request_id": rid(), "card_id": w.active.card_id}],\n'
    )
    test = parses(plan.pieces["test"])
    assert 'BODY = {"request_id": "828cf71d-a447-4a67-a149-c1df8bc197ca", "card_id": "card_id-1"}' in test
    assert 'result = client.cards.reset_pin_counter("card_id-1", request_id=RID)' in test
    assert 'result = await async_client.cards.reset_pin_counter("card_id-1", request_id=RID)' in test
    assert "result" not in plan.pieces and "converter" not in plan.pieces


def test_a_deferred_operation_takes_wait_and_its_enum_through_the_facade_enum(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = plan_without(monkeypatch, "bulk_issue_cards")
    method = parses(plan.pieces["method"])
    assert "        product: Product | int,\n        *,\n        quantity: int,\n" in method  # the product is an id
    assert "        wait: bool = False,\n        wait_timeout: float = 60.0,\n" in method
    assert 'product_id=m.ProductId(v.enum_member("product", product, Product))' in method
    assert re.search(r'quantity=v\.(count|positive_int)\("quantity", quantity\)', method)
    assert re.search(r"_operation\(\"cards.bulk_issue\", body, rid, options, wait=(v\.flag\(\"wait\", wait\)|wait), "
                     r"wait_timeout=wait_timeout\)", method)  # fmt: skip
    assert "The outcome arrives through Request status" in method
    assert "from .._enums import Product" in new_operation.method_imports(plan)
    assert plan.pieces["full_call"] == '    "cards.bulk_issue": lambda c: c.cards.bulk_issue(2000, quantity=1),\n'


def test_a_gift_operation_has_no_request_id_and_returns_the_gift_result(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = plan_without(monkeypatch, "resend_gift_card")
    method = parses(plan.pieces["method"])
    assert "request_id" not in method
    assert (
        "    async def resend(\n        self,\n        card_id: int,\n        **options: Unpack[RequestOptions],\n"
        in method
    )
    assert 'body = m.GiftCardRequest(card_id=v.gift_card_id("card_id", card_id))' in method
    assert 'return await self._client._fetch("gift_cards.resend", body, None, options, convert.gift_result)' in method
    assert parses(plan.pieces["handler"]).splitlines()[2:] == [
        "        self.gift_card(body.card_id)",
        "        return {}",
    ]
    assert plan.pieces["bodies"] == '    "/v5/cards/resend": lambda w: [{"card_id": w.gift_id}],\n'
    assert 'ANSWER = {"status": 0, "datetime": "2025-01-01 00:01:01"}' in plan.pieces["test"]


def test_the_converter_of_a_method_that_fetches_an_answer_is_found_by_its_response_model() -> None:
    table = new_operation.load_table()
    model = {e["name"]: e["response_model"] for e in table}
    assert new_operation.existing_converter(table, model["cards.info"]) == ("card_info", "CardInfo")
    assert new_operation.existing_converter(table, model["gift_cards.status"]) == ("gift_state", "GiftCardState")
    assert new_operation.existing_converter(table, model["cards.block"]) is None  # answered through _operation


def test_an_answer_another_method_converts_reuses_its_converter(monkeypatch: pytest.MonkeyPatch) -> None:
    table = new_operation.load_table()
    shared = [
        entry
        for entry in table
        if entry["response_model"] not in new_operation.ENVELOPES.values()  # those have their own path
        and [e["response_model"] for e in table].count(entry["response_model"]) > 1
        and new_operation.existing_converter([e for e in table if e is not entry], entry["response_model"])
    ]
    if not shared:
        pytest.skip("no two operations of the spec share an answer that a method converts")
    entry = shared[-1]
    plan = plan_without(monkeypatch, entry["operation_id"])
    others = [e for e in table if e is not entry]
    assert (plan.converter, plan.result) == new_operation.existing_converter(others, entry["response_model"])
    assert not plan.new_result and "result" not in plan.pieces
    assert f"convert.{plan.converter})" in plan.pieces["method"] and f"-> {plan.result}:" in plan.pieces["method"]
    assert "NotImplementedError" in plan.pieces["handler"]  # its answer is more than the envelope


def test_a_new_answer_gets_a_result_class_and_a_converter_mapping_its_scalar_fields(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan = plan_without(monkeypatch, "card_balance")
    assert (plan.converter, plan.result, plan.new_result) == ("card_balance", "BalanceResult", True)
    result, converter = parses(plan.pieces["result"]), parses(plan.pieces["converter"])
    assert "class BalanceResult:" in result
    assert "    request_id: str | None = field(metadata=NOT_IN_ANSWER)\n    request_status: RequestStatus\n" in result
    assert "    card_id: str | None = None\n" in result and "accounts:" not in result  # nested: left in extra
    assert "        card_id=unset(parsed.card_id),\n" in converter
    assert "        extra=leftover(raw, BalanceResult),\n" in converter
    assert (
        "def card_balance(\n    parsed: m.BalanceResponse, raw: dict[str, Any], request_id: str | None\n) -> BalanceResult:"
        in (converter)
    )
    handler = parses(plan.pieces["handler"])
    assert "raise NotImplementedError(" in handler and "m.BalanceResponse(status=OK, **_PLACEHOLDERS, ...)" in handler


def test_a_name_taken_in_the_models_module_is_not_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    """RequestStatusResponse would give RequestStatus, an enum _models imports."""
    plan = plan_without(monkeypatch, "request_status")
    assert plan.result == "RequestStatusResult"
    method = parses(plan.pieces["method"])
    assert "        self,\n        request_id: str,\n        **options" in method  # the request asked about
    assert 'rid = v.request_id(request_id, lambda: "")' in method


def test_optional_fields_are_keyword_only_and_set_when_given(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = plan_without(monkeypatch, "refund_transaction")
    method = parses(plan.pieces["method"])
    assert (
        "        transaction_id: str,\n        *,\n        order_id: str,\n        description: str | None = None,\n"
        "        amount: AmountLike | None = None,\n        request_id: str | None = None,\n"
    ) in method
    assert '        if amount is not None:\n            body.amount = v.amount("amount", amount)\n' in method
    assert new_operation.type_imports(plan) == ["from .transactions import AmountLike"]
    assert new_operation.type_imports(plan, "AmountLike = Decimal | int | str\n") == []  # the module defines it
    shown = new_operation.preview(plan)
    assert "AmountLike" in shown and "import AmountLike" not in shown  # transactions.py defines it
    assert "facade/freedompay_cards/_cli/_conformance.py (STEPS, before the closing steps)" in shown
    assert plan.pieces["full_call"] == (
        '    "transactions.refund": lambda c: c.transactions.refund("transaction_id-1", order_id="order_id-1", '
        'description="description-1", amount="10.5"),\n'
    )
    assert '"transaction_id": w.tx_id' in plan.pieces["bodies"]
    assert '"amount": 10.5' in plan.pieces["test"]  # the JSON number the argument "10.5" becomes


def test_make_new_operation_generates_scaffolds_and_generates_again() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("new-operation: $(STAMP)\n", 1)[1].split("\n\n", 1)[0]
    assert recipe.splitlines()[1:] == [
        "\t$(PY) scripts/generate.py",
        "\t$(PY) scripts/new_operation.py $(OP) --write",
        "\t$(PY) scripts/generate.py",
    ]


# ------------------------------------------------------------------------------------------- house style


def signature(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """A method's arguments as the review reads them: kind, name, annotation, default (``self`` left out)."""
    a = node.args
    defaults = [None] * (len(a.args) - len(a.defaults)) + list(a.defaults)
    shown = [f"{x.arg}: {ast.unparse(x.annotation) if x.annotation else ''}" for x in a.args[1:]]
    shown = [s + ("" if d is None else f" = {ast.unparse(d)}") for s, d in zip(shown, defaults[1:], strict=True)]
    shown += ["*"] if a.kwonlyargs else []
    shown += [
        f"{x.arg}: {ast.unparse(x.annotation) if x.annotation else ''}" + ("" if d is None else f" = {ast.unparse(d)}")
        for x, d in zip(a.kwonlyargs, a.kw_defaults, strict=True)
    ]
    return shown + ([f"**{a.kwarg.arg}"] if a.kwarg else [])


@pytest.mark.parametrize(
    "operation_id",
    # a reason keyword-only; the card before the client; order_id keyword-only and the amount as AmountLike
    ["block_card", "unblock_card", "close_card", "link_client", "clear_transaction"],
)
def test_the_scaffold_s_signature_is_the_hand_written_one(monkeypatch: pytest.MonkeyPatch, operation_id: str) -> None:
    """House style (CONTRIBUTING.md, "Review the scaffold"): the review finds nothing to change in these."""
    entry = next(e for e in new_operation.load_table() if e["operation_id"] == operation_id)
    resource, method = entry["name"].split(".")
    module = new_operation.ASYNC / f"{resource}.py"
    written = new_operation.methods_of(new_operation.resource_class(module))[method]
    plan = plan_without(monkeypatch, operation_id)
    scaffolded = ast.parse(textwrap.dedent(plan.pieces["method"])).body[0]
    assert isinstance(scaffolded, ast.AsyncFunctionDef)
    assert signature(scaffolded) == signature(written)


# ------------------------------------------------------------------------------------------- conformance


class Recorded:
    """A stand-in for the conformance run's client: records each call."""

    def __init__(self, path: str = "client") -> None:
        self.path = path
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        calls = self.calls

        class Resource:
            def __getattr__(self, method: str) -> Any:
                return lambda *args, **kwargs: calls.append((f"{name}.{method}", args, kwargs))

        return Resource()


def conformance_step(plan: new_operation.Plan) -> tuple[Callable[[Any], Any], Any]:
    """The scaffold's call and Step, evaluated where they are written: in the conformance module."""
    from freedompay_cards._cli import _conformance

    namespace = dict(vars(_conformance))
    call_source = plan.pieces["conformance_call"].strip().rstrip(",")
    call = eval("{" + call_source + "}", namespace)[plan.name]  # the scaffold's own source
    namespace["_op"] = lambda name: call  # the calls table written has it; this one does not
    step = eval(plan.pieces["conformance_step"].strip().rstrip(","), namespace)
    return call, step


def test_the_conformance_step_calls_the_operation_with_what_the_run_has(monkeypatch: pytest.MonkeyPatch) -> None:
    from freedompay_cards._cli import _conformance

    plan = plan_without(monkeypatch, "link_client")
    call, step = conformance_step(plan)
    client = Recorded()
    run = type("R", (), {"client": client, "card": "c-1", "ids": {"client_id": "cl-1"}, "tag": "fpc-t"})()
    call(run)
    assert client.calls == [("cards.link_client", ("c-1", "cl-1"), {})]
    assert (step.operation, step.needs) == ("cards.link_client", (*_conformance.ACTIVE, "client_id"))
    assert plan.pieces["conformance_step"].startswith('    Step("cards.link_client", ')

    plan = plan_without(monkeypatch, "block_card")
    call, step = conformance_step(plan)
    call(run)
    assert client.calls[-1] == ("cards.block", ("c-1",), {"reason": "fpc-t: conformance block"})
    assert step.needs == _conformance.ACTIVE  # a mutating operation on a card: the activated card


def test_the_cards_a_scaffolded_step_makes_are_closed_at_the_end_of_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from freedompay_cards._cli import _conformance

    plan = plan_without(monkeypatch, "issue_plastic_card")
    call, step = conformance_step(plan)
    client = Recorded()
    run = _conformance.Run(client, _conformance.Options(), _conformance.Hooks(), None, "fpc-t")  # type: ignore[arg-type]
    run.ids["client_id"] = "cl-1"
    monkeypatch.setattr(run, "settle", lambda result, *wanted: type("Final", (), {"card_ids": ["p-1"]})())
    call(run)
    assert client.calls == [("cards.issue_plastic", ("cl-1", 2000), {})]
    assert run.to_close == ["p-1"] and run.created[0]["note"] == "made by cards.issue_plastic"
    assert (step.creates, step.needs) == ("a card", ("client_id",))  # so plan() adds the closing step


def test_an_argument_the_run_has_no_value_for_makes_a_step_reported_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    from freedompay_cards._cli import _conformance

    plan = plan_without(monkeypatch, "bulk_issue_cards")
    assert plan.pieces["conformance_call"] == '    "cards.bulk_issue": lambda r: _needs_test_data("quantity"),\n'
    _, step = conformance_step(plan)
    assert step.condition == "needs test data: quantity" and step.needs == ()
    run = type("R", (), {"ids": {}})()
    runner = _conformance.Runner(run, type("Rec", (), {"exchanges": []})(), lambda line: None)  # type: ignore[arg-type]
    runner.go([step])
    (result,) = runner.reports["cards.bulk_issue"].steps
    assert result.state == "skipped" and result.reason.startswith("needs test data: quantity")
    assert any("the test data it reports skipped for" in step for step in new_operation.next_steps(plan))


# ------------------------------------------------------------------------------------------- on a copy


def add_limits_operation(spec: dict[str, Any]) -> None:
    """A read whose answer is new: scalars the result maps, one nested object it leaves in extra."""
    info = spec["paths"]["/v5/card-api/card/info"]["post"]
    spec["paths"]["/v5/card-api/card/limits"] = {
        "post": {
            **info,
            "operationId": "card_limits",
            "x-facade": "cards.limits",
            "summary": "Read a card's spending limits",
            "x-doc-status": "inferred",
            "responses": {
                "200": {
                    "description": "Envelope and the limits.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CardLimitsResponse"}}},
                }
            },
        }
    }
    schemas(spec)["CardLimitsResponse"] = {
        "allOf": [
            {"$ref": "#/components/schemas/CardApiEnvelope"},
            {
                "type": "object",
                "properties": {
                    "daily_limit": {"type": "number"},
                    "currency": {"type": "string"},
                    "updated_at": {"type": "string", "format": "date-time"},
                    "rules": {"type": "object", "properties": {"max_count": {"type": "integer"}}},
                },
            },
        ]
    }


def add_pause_operation(spec: dict[str, Any]) -> None:
    """A change of a card's state answered by the envelope: the body block_card sends (card_id and a reason)
    and an optional amount (an ``AmountLike`` outside the transactions module)."""
    block = spec["paths"]["/v5/card-api/card/block"]["post"]
    body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PauseCardRequest"}}}}
    spec["paths"]["/v5/card-api/card/pause"] = {
        "post": {**block, "operationId": "pause_card", "x-facade": "cards.pause", "summary": "Pause a card",
                 "requestBody": {**block["requestBody"], **body}}
    }  # fmt: skip
    request = schemas(spec)["CardActionRequest"]
    amount = {"$ref": "#/components/schemas/Amount"}
    schemas(spec)["PauseCardRequest"] = {**request, "properties": {**request["properties"], "amount": amount}}


PAUSE = "tests/test_conformance.py::test_only_any_one_operation_plans_what_it_needs_and_conforms[cards.pause]"
PLANNED = "tests/test_conformance.py::test_every_operation_of_the_spec_is_planned"


@pytest.fixture(scope="module")
def limits(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Branch, Run, Run]]:
    work = clone(copy_repository(tmp_path_factory), "limits")
    work.edit_spec(add_limits_operation)
    work.edit_spec(add_pause_operation)
    work.generate()
    scaffold = work.run("scripts/new_operation.py", "card_limits", "--write")
    assert scaffold.code == 0, scaffold.output
    pause = work.run("scripts/new_operation.py", "pause_card", "--write")
    assert pause.code == 0, pause.output
    work.generate()
    tests = work.pytest(
        "tests/test_op_card_limits.py",
        "tests/test_field_coverage.py::test_every_answer_field_reaches_a_result_attribute[cards.limits]",
        "tests/test_field_coverage.py::test_every_request_field_reaches_the_wire[cards.limits]",
        "tests/test_call_options.py::test_every_operation_of_the_spec_has_a_method_on_both_clients",
        "tests/test_sandbox_spec.py::test_every_answer_on_every_path_validates_against_the_response_schema"
        "[/v5/card-api/card/limits]",
    )
    yield work, scaffold, tests


def test_a_new_answer_s_scaffold_writes_result_and_converter_and_type_checks(limits: tuple[Branch, Run, Run]) -> None:
    work, scaffold, _ = limits
    assert "wrote facade/freedompay_cards/_models/_cards.py" in scaffold.output
    assert "wrote facade/freedompay_cards/_convert/_cards.py" in scaffold.output
    assert "wrote facade/freedompay_cards/_models/__init__.py" in scaffold.output
    assert "fill CardLimits (facade/freedompay_cards/_models/_cards.py) and convert.card_limits" in scaffold.output
    mypy = work.run("-m", "mypy")
    assert mypy.code == 0, mypy.output


def test_a_new_answer_s_scaffold_works_from_both_clients_and_maps_the_scalars(limits: tuple[Branch, Run, Run]) -> None:
    _, _, tests = limits
    passed = {"tests/test_op_card_limits.py", "test_every_request_field_reaches_the_wire[cards.limits]",
              "test_every_operation_of_the_spec_has_a_method_on_both_clients"}  # fmt: skip
    assert not [n for n in tests.failures if any(p in n for p in passed)], tests.output[-3000:]
    coverage = tests.failure(
        "tests/test_field_coverage.py::test_every_answer_field_reaches_a_result_attribute[cards.limits]"
    )
    left = re.search(r"the answer's (\[[^\]]*\]) land only in CardLimits.extra", coverage)
    assert left is not None, coverage
    assert set(ast.literal_eval(left.group(1))) == {"error_code", "error_description", "rules.max_count"}


def test_a_new_answer_s_sandbox_handler_says_what_to_write(limits: tuple[Branch, Run, Run]) -> None:
    _, _, tests = limits
    failure = tests.failure(
        "tests/test_sandbox_spec.py::test_every_answer_on_every_path_validates_against_the_response_schema"
        "[/v5/card-api/card/limits]"
    )
    assert "NotImplementedError" in failure
    assert "facade/freedompay_cards/sandbox/_world.py: World.card_limits serves cards.limits" in failure


@pytest.mark.parametrize("head", ["if TYPE_CHECKING:\n", "if TYPE_CHECKING:  # re-exported for type checkers\n"])
def test_a_new_result_is_registered_for_type_checkers(head: str) -> None:
    init = f'{head}    from ._cards import CardInfo as CardInfo\n\n_MODULE_OF = {{\n    "CardInfo": "._cards",\n}}\n\n__all__ = [\n    "CardInfo",\n]\n'
    text = new_operation.register_lazy(init, "LimitReport", "_limits")
    assert f"{head}    from ._limits import LimitReport as LimitReport\n" in text
    assert '"LimitReport": "._limits",' in text and '    "LimitReport",\n' in text


def test_the_scaffolded_operations_are_planned_by_conformance_and_run_against_the_sandbox(
    limits: tuple[Branch, Run, Run],
) -> None:
    work, _, _ = limits
    tests = work.pytest(PLANNED, PAUSE)  # conformance --only cards.pause against an in-process sandbox
    assert tests.code == 0, tests.output[-3000:]
    ran = {case.get("name") for case in ET.parse(work.root / "pytest-report.xml").getroot().iter("testcase")}
    assert {PAUSE.split("::")[1], PLANNED.split("::")[1]} <= ran  # collected and run, not just absent
    steps = (work.root / "facade/freedompay_cards/_cli/_conformance.py").read_text(encoding="utf-8")
    assert '"cards.pause": lambda r: r.client.cards.pause(r.card, reason=f"{r.tag}: conformance pause"),' in steps
    assert '"cards.limits": lambda r: r.client.cards.limits(r.card),' in steps
    cards = (work.root / "facade/freedompay_cards/_async/cards.py").read_text(encoding="utf-8")
    assert "        reason: str,\n        amount: AmountLike | None = None,\n" in cards  # mypy passes: it is imported
    assert "    from .transactions import AmountLike\n" in cards
    closing = steps.index('    Step("cards.close", ')
    for step in ('    Step("cards.limits", "Read a card\'s spending limits", _op("cards.limits"), CARD),',
                 '    Step("cards.pause", "Pause a card", _op("cards.pause"), ACTIVE),'):  # fmt: skip
        assert -1 < steps.index(step) < closing, step
