"""Scaffold the hand-written parts of an operation the spec has and the facade does not (CONTRIBUTING.md).

    python scripts/new_operation.py OPERATION_ID            # print what would be written
    python scripts/new_operation.py OPERATION_ID --write    # write it, then run `make generate`
    make new-operation OP=OPERATION_ID                      # generate, write, generate

Reads the spec entry and the operation table ``make generate`` made from it
(``facade/freedompay_cards/_operations.py``), and writes, following the code already there:

- the facade method, in ``facade/freedompay_cards/_async/<resource>.py``: one argument per request field in
  the house style (CONTRIBUTING.md, "Review the scaffold"): the ids of what it acts on (the card first) and
  the product positional; every other argument keyword-only, required ones first (``order_id`` too; a
  required description or comment becomes ``reason=``; amounts ``AmountLike``); ``request_id=`` when the
  body has one, ``wait=`` when the outcome is deferred, ``**options`` last; each argument checked by its
  ``_validate`` helper;
  the generated request model built from them. An answer that is only the envelope makes a complete method
  (``_operation``, or ``_fetch(..., convert.gift_result)`` for gift cards); an answer the facade already
  converts for another operation reuses that converter; any other answer gets a result class in
  ``_models/<resource module>`` and its converter in ``_convert/<resource module>`` (each re-exported by its
  package's lazy ``__init__``) mapping the answer's top-level scalar fields (nested
  ones stay in ``extra`` until mapped: the field-coverage test names them);
- the sandbox handler ``World.<operationId>`` in ``facade/freedompay_cards/sandbox/_world.py``: for an
  envelope answer a working minimal behaviour (it checks the card, client or gift card the body names),
  otherwise a ``NotImplementedError`` saying what to build;
- ``FULL_CALLS`` in ``tests/test_field_coverage.py`` and ``BODIES`` in ``tests/test_sandbox_spec.py``;
- its conformance step in ``facade/freedompay_cards/_cli/_conformance.py``: the call in ``_op``'s ``calls``,
  its required arguments taken from what the run has (the card, ``r.ids``, ``r.options``, a reason naming
  the run), and a ``Step`` before the closing steps (where the ``# new-operation:`` marker is), needing the
  activated card when it changes one; the cards a deferred operation makes are closed at the end of the
  run. An argument the run has no value for makes a step that conformance reports skipped, "needs test
  data: <argument>";
- ``tests/test_op_<operationId>.py``: the exact body each client sends, and the result's type.

Refuses (exit 2) when the spec has no such operationId, when ``make generate`` has not been run since it
was added, when the facade already has the method, or when a required request field has no simple
argument (an object or an array: write that method by hand). Optional fields it cannot map are left out
and named; the field-coverage test keeps failing for them until they get an argument.
"""

from __future__ import annotations

import argparse
import ast
import functools
import json
import keyword
import re
import runpy
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _spec  # scripts/_spec.py: this script's folder is on sys.path when it runs

ROOT = _spec.ROOT
FACADE = ROOT / "facade" / "freedompay_cards"
ASYNC = FACADE / "_async"
OPERATIONS_PY = FACADE / "_operations.py"
CONVERT = FACADE / "_convert"  # one module per resource, lazily re-exported by the package's __init__
MODELS = FACADE / "_models"
# The module of each resource's results and converters (a new resource gets its own, made here).
RESULT_MODULES = {"cards": "_cards", "clients": "_clients", "transactions": "_transactions", "limits": "_limits",
                  "gift_cards": "_gift", "requests": "_operation"}  # fmt: skip


def result_module(resource: str) -> str:
    return RESULT_MODULES.get(resource, f"_{resource}")


def register_lazy(init_text: str, name: str, module: str) -> str:
    """A lazy package ``__init__`` (``_models``, ``_convert``) with ``name`` re-exported from ``.module``:
    in its TYPE_CHECKING imports, its ``_MODULE_OF`` table and its ``__all__``."""
    # the block may carry a comment (`if TYPE_CHECKING:  # ...`); `name as name` marks a re-export for mypy
    init_text = re.sub(r"^(if TYPE_CHECKING:[^\n]*\n)", rf"\g<1>    from .{module} import {name} as {name}\n",
                       init_text, count=1, flags=re.M)  # fmt: skip
    init_text = _insert_into_dict(init_text, "_MODULE_OF", f'    "{name}": ".{module}",\n', "_MODULE_OF")
    return re.sub(r"^__all__ = \[\n", f'__all__ = [\n    "{name}",\n', init_text, count=1, flags=re.M)


def _module_text(path: Path, what: str, header: str) -> str:
    """The text of a result or converter module, made with ``header`` when the resource has none yet."""
    return path.read_text(encoding="utf-8") if path.is_file() else f'"""{what}"""\n\n{header}'


MODELS_HEADER = """from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

from attr import field, frozen

from .._request_status import RequestStatus
from ._base import NOT_IN_ANSWER, _extra_field, _from
"""
CONVERT_HEADER = """from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._core import as_datetime, decimal, unset
from ._base import _optional_status, _request_status, leftover, timestamp

if TYPE_CHECKING:
    from freedompay_card_api import models as m
"""
WORLD_PY = FACADE / "sandbox" / "_world.py"
VALIDATE_PY = FACADE / "_validate.py"
GENERATED_MODELS = ROOT / "generated" / "freedompay_card_api" / "models"
FIELD_COVERAGE = ROOT / "tests" / "test_field_coverage.py"
SANDBOX_SPEC_TEST = ROOT / "tests" / "test_sandbox_spec.py"
CONFORMANCE_PY = FACADE / "_cli" / "_conformance.py"
STEPS_MARKER = "    # new-operation:"  # where STEPS takes a new operation's step (before the closing steps)
TESTS = ROOT / "tests"

RID = "828cf71d-a447-4a67-a149-c1df8bc197ca"
GIFT_TIME = "2025-01-01 00:01:01"
ENVELOPES = _spec.ENVELOPES
REASONS = frozenset({"reason", "description", "comment"})  # a required free text saying why
RESERVED = frozenset({"self", "request_id", "wait", "wait_timeout", "options", "body", "rid"})


class Refusal(Exception):
    """Nothing can be written: the message says why and what to do."""


def lit(value: Any) -> str:
    """Python source for a JSON-like value, strings in double quotes (as ruff format writes them)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{lit(k)}: {lit(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(lit(v) for v in value) + "]"
    return repr(value)


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


# ---------------------------------------------------------------------------------------------- arguments


@dataclass
class Param:
    """One request field as an argument of the facade method."""

    name: str  # the argument
    json: str  # the field in the body
    attr: str  # the generated model's attribute
    annotation: str
    build: str  # the expression that checks the argument and gives the model's value
    call: str  # an example argument, as Python source
    wire: Any  # that example as it travels in the body
    required: bool
    imports: tuple[str, ...] = ()  # what the facade module needs at its top
    sandbox: str | None = None  # the sandbox test's value (an expression on ``w``), if not ``wire``
    type_imports: tuple[str, ...] = ()  # what it needs under TYPE_CHECKING (annotations only)
    ref: str = ""  # the spec's named schema of the field, if any

    @property
    def positional(self) -> bool:
        """House style: the ids of what the operation acts on (and the product) are positional, every other
        argument keyword-only; ``order_id`` is the caller's own reference (keyword-only, as in
        ``transactions.clear``)."""
        product = self.ref == "ProductId" or self.json.startswith("product")
        return self.required and (product or (_is_id(self.json) and self.json != "order_id"))

    @property
    def order(self) -> int:
        """Positional arguments: the card first (``link_client(card_id, client_id)``), then the other ids, then
        the product (``issue_plastic(client_id, product)``)."""
        return 0 if self.json == "card_id" else 2 if not _is_id(self.json) else 1


# Amounts are annotated ``AmountLike`` (defined in the transactions module, imported elsewhere for type checkers).
AMOUNT = "AmountLike"
AMOUNT_IMPORT = "from .transactions import AmountLike"


# Fields whose schema is one of the spec's named scalars: (argument, annotation, check, example, wire, imports).
BY_REF: dict[str, tuple[str | None, str, str, str, Any, tuple[str, ...]]] = {
    "ProductId": ("product", "Product | int", "m.ProductId(v.enum_member({q}, {p}, Product))", "2000", 2000,
                  ("from .._enums import Product",)),
    "ClientType": (None, "ClientType | int", "m.ClientType(v.enum_member({q}, {p}, ClientType))", "1", 1,
                   ("from .._enums import ClientType",)),
    "Residency": (None, "Residency | int", "m.Residency(v.enum_member({q}, {p}, Residency))", "1", 1,
                  ("from .._enums import Residency",)),
    "CountryAlpha3": (None, "str", "v.country({q}, {p})", '"KAZ"', "KAZ", ()),
    "Phone": (None, "str | int", "v.phone({q}, {p})", '"77001234567"', 77001234567, ()),
    "Amount": (None, AMOUNT, "v.amount({q}, {p})", '"10.5"', 10.5, ()),
    "GiftCardId": (None, "int", "v.gift_card_id({q}, {p})", "7", 7, ()),
}  # fmt: skip


def _example(schema: dict[str, Any]) -> Any:
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    return schema.get("example")


def _text(name: str, schema: dict[str, Any]) -> str | None:
    """A string the schema accepts: its example, or one made from the field's name (None: cannot tell)."""
    given = _example(schema)
    if isinstance(given, str):
        return given
    if "pattern" in schema:
        return None
    value = f"{name}-1"
    low, high = schema.get("minLength", 1), schema.get("maxLength")
    value = value + "x" * max(0, low - len(value))
    return value[:high] if isinstance(high, int) else value


@functools.cache
def validators() -> frozenset[str]:
    """The checks ``facade/freedompay_cards/_validate.py`` offers (the scaffold uses the most specific one)."""
    tree = ast.parse(VALIDATE_PY.read_text(encoding="utf-8"))
    return frozenset(n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_"))


def _is_id(json_name: str) -> bool:
    return json_name == "id" or json_name.endswith("_id")


def _argument_name(json_name: str) -> str:
    name = re.sub(r"\W", "_", json_name)
    return name + "_" if keyword.iskeyword(name) or name in RESERVED else name


def param_for(json_name: str, raw: Any, document: dict[str, Any], required: bool, attr: str) -> Param | str:
    """The argument for one request field, or why there is no simple one."""
    ref = raw.get("$ref", "").rsplit("/", 1)[-1] if isinstance(raw, dict) else ""
    schema = _spec.resolve(raw, document)
    if not isinstance(schema, dict):
        return "its schema is not an object"
    name = _argument_name(json_name)
    if required and json_name in REASONS:
        name = "reason"  # house style: why a card is blocked, unblocked, closed: `reason=`, keyword-only
    if ref in BY_REF:
        alias, annotation, check, call, wire, imports = BY_REF[ref]
        name = alias or name
        typed = (AMOUNT_IMPORT,) if annotation == AMOUNT else ()
        return Param(name, json_name, attr, annotation, check.format(p=name, q=lit(name)), call, wire, required,
                     imports, type_imports=typed, ref=ref)  # fmt: skip
    kind, fmt = schema.get("type"), schema.get("format")
    if "enum" in schema:
        return "an enum the facade has no enum class for (add one to _enums.py, then map it here by hand)"
    if kind == "string":
        if fmt == "date-time":
            when = "dt.datetime(2025, 1, 1, tzinfo=dt.UTC)"
            return Param(name, json_name, attr, "dt.datetime | dt.date", f"v.moment({lit(name)}, {name})", when,
                         "2025-01-01T00:00:00+00:00", required, ("import datetime as dt",))  # fmt: skip
        if fmt == "email":
            return Param(name, json_name, attr, "str", f"v.email({lit(name)}, {name})", '"a@b.kz"', "a@b.kz", required)
        if fmt is not None and fmt not in ("password",):
            return f"a string of format {fmt!r}, which has no _validate helper yet"
        value = _text(json_name, schema)
        if value is None:
            return "a pattern and no example: give it `examples: [...]` in the spec, or write its argument by hand"
        check = "identifier" if _is_id(json_name) and "identifier" in validators() else "text"
        return Param(name, json_name, attr, "str", f"v.{check}({lit(name)}, {name})", lit(value), value, required)
    if kind == "integer":
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        if isinstance(low, int) and low >= 0:
            check = "count" if "count" in validators() else "positive_int"  # count also checks the spec's maximum
            value = max(low + ("exclusiveMinimum" in schema and "minimum" not in schema), 1)
            return Param(name, json_name, attr, "int", f"v.{check}({lit(name)}, {name})", str(value), value, required)
        # no _validate helper fits: the spec's schema checks the value before anything is sent
        return Param(name, json_name, attr, "int", name, "1", 1, required)
    if kind == "number":
        return Param(name, json_name, attr, AMOUNT, f"v.amount({lit(name)}, {name})", '"10.5"', 10.5, required,
                     type_imports=(AMOUNT_IMPORT,))  # fmt: skip
    if kind == "boolean":
        return Param(name, json_name, attr, "bool", name, "True", True, required)
    return f"a field of type {kind or 'object'}: write its argument by hand"


def model_attributes(model: str) -> list[str]:
    """The attributes of a generated model class, in order."""
    path = GENERATED_MODELS / (_spec.snake(model) + ".py")
    if not path.is_file():
        raise Refusal(f"{rel(path)} is missing: run `make generate`")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == model:
            return [
                item.target.id
                for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
            ]
    raise Refusal(f"{rel(path)} has no class {model}: run `make generate`")


def attribute_for(json_name: str, attributes: list[str], model: str) -> str:
    snake = _spec.snake(re.sub(r"\W", "_", json_name))
    for candidate in (json_name, snake, snake + "_", json_name + "_"):
        if candidate in attributes:
            return candidate
    raise Refusal(f"the generated {model} has no attribute for {json_name!r}: run `make generate`")


# ---------------------------------------------------------------------------------------------- the plan


@dataclass
class Plan:
    entry: dict[str, Any]
    resource: str
    method: str
    params: list[Param]
    left_out: dict[str, str]
    envelope_only: bool
    result: str  # the result class the method returns
    converter: str | None  # convert.<name> for _fetch (None: _operation)
    new_result: bool  # the result class and its converter are to be written
    answer_fields: list[tuple[str, str, dict[str, Any]]]  # (json, attr, schema) of the answer beyond the envelope
    answer_example: dict[str, Any]
    pieces: dict[str, str] = field(default_factory=dict)

    @property
    def gift(self) -> bool:
        return bool(self.entry["envelope"] == "gift")

    @property
    def name(self) -> str:
        return str(self.entry["name"])

    @property
    def op_id(self) -> str:
        return str(self.entry["operation_id"])


def load_table() -> list[dict[str, Any]]:
    if not OPERATIONS_PY.is_file():
        raise Refusal(f"{rel(OPERATIONS_PY)} is missing: run `make generate`")
    operations: list[dict[str, Any]] = runpy.run_path(str(OPERATIONS_PY))["OPERATIONS"]
    return list(operations)


def resource_class(module: Path) -> ast.ClassDef:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name.startswith("Async"):
            return node
    raise Refusal(f"{rel(module)} has no Async... resource class")


def methods_of(cls: ast.ClassDef) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    return {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def existing_converter(table: list[dict[str, Any]], response_model: str) -> tuple[str, str] | None:
    """(converter, result class) of a method that already turns ``response_model`` into a result."""
    for entry in table:
        if entry["response_model"] != response_model:
            continue
        resource, method = entry["name"].split(".")
        module = ASYNC / f"{resource}.py"
        if not module.is_file():
            continue
        node = methods_of(resource_class(module)).get(method)
        if node is None or node.returns is None:
            continue
        source = ast.unparse(node)
        found = re.search(r"self\._client\._fetch\([^)]*convert\.(\w+)\)", source)
        returns = ast.unparse(node.returns).strip("'\"")
        if found and re.fullmatch(r"\w+", returns):
            return found.group(1), returns
    return None


def _answer_value(schema: Any, document: dict[str, Any]) -> Any:
    """A small value the answer schema accepts (required fields only)."""
    schema = _spec.resolve(schema, document)
    if not isinstance(schema, dict):
        return None
    given = _example(schema)
    if given is not None:
        return given
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema or "allOf" in schema:
        props, required = _spec.object_parts(schema, document)
        return {name: _answer_value(props[name], document) for name in required if name in props}
    if kind == "array":
        return []
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    return {"date-time": "2025-01-01T00:00:00+00:00", "date": "2025-01-01", "uuid": RID}.get(schema.get("format"), "x")


def make_plan(operation_id: str) -> Plan:
    document = _spec.load(_spec.SPEC)
    found = [op for _, _, op in _spec.operations(document) if op.get("operationId") == operation_id]
    if not found:
        known = ", ".join(sorted(str(op.get("operationId")) for _, _, op in _spec.operations(document)))
        raise Refusal(f"the spec ({rel(_spec.SPEC)}) has no operationId {operation_id!r}; it has: {known}")
    op = found[0]
    table = load_table()
    entry = next((e for e in table if e["operation_id"] == operation_id), None)
    if entry is None:
        raise Refusal(f"{rel(OPERATIONS_PY)} has no {operation_id}: run `make generate` first (the spec is newer)")
    resource, method = entry["name"].split(".")
    module = ASYNC / f"{resource}.py"
    if not module.is_file():
        raise Refusal(
            f"{entry['name']} is in a new resource: write {rel(module)} with its Async{resource.title()} class and "
            f"bind it in {rel(ASYNC / '_client.py')} (_bind), then run this again"
        )
    node = methods_of(resource_class(module)).get(method)
    if node is not None:
        raise Refusal(f"{entry['name']} already has a method: {rel(module)}:{node.lineno} (nothing written)")

    request = _spec.request_body_schema(op, document)
    props, required = _spec.object_parts(request, document) if request is not None else ({}, [])
    attributes = model_attributes(entry["request_model"])
    params: list[Param] = []
    left_out: dict[str, str] = {}
    ordered = [n for n in props if n in required] + [n for n in props if n not in required]
    for json_name in ordered:
        if json_name == "request_id" and entry["request_id"] != "none":
            continue
        attr = attribute_for(json_name, attributes, entry["request_model"])
        made = param_for(json_name, props[json_name], document, json_name in required, attr)
        if isinstance(made, str):
            if json_name in required:
                raise Refusal(
                    f"{entry['name']}: the required request field {json_name!r} has {made}; write the method by "
                    "hand (CONTRIBUTING.md, a new operation)"
                )
            left_out[json_name] = made
            continue
        params.append(made)
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise Refusal(f"{entry['name']}: two request fields give the same argument name ({names})")

    gift = entry["envelope"] == "gift"
    answer = _spec.answer_schema(op, document)
    answer_props, answer_required = _spec.object_parts(answer, document) if answer is not None else ({}, [])
    envelope_props, _ = _spec.object_parts({"$ref": f"#/components/schemas/{ENVELOPES[entry['envelope']]}"}, document)
    beyond = [n for n in answer_props if n not in envelope_props]
    answer_attributes = model_attributes(entry["response_model"])
    answer_fields = [
        (n, attribute_for(n, answer_attributes, entry["response_model"]), _spec.resolve(answer_props[n], document))
        for n in beyond
    ]
    example = {n: _answer_value(answer_props[n], document) for n in answer_required if n in beyond}
    example = ({"status": 0, "datetime": GIFT_TIME} if gift else {}) | example

    envelope_only = not beyond
    new_result = False
    if envelope_only:
        result, converter = ("GiftResult", "gift_result") if gift else ("OperationResult", None)
    else:
        reused = existing_converter(table, entry["response_model"])
        if reused is not None:
            converter, result = reused
        else:
            converter, new_result = operation_id, True
            result = re.sub(r"Response$", "", entry["response_model"]) or entry["response_model"]
            # a name the results package (or the converters package) already exports is taken
            models_text = (MODELS / "__init__.py").read_text(encoding="utf-8")
            if re.search(rf"\b{result}\b", models_text):
                result += "Result"
            if re.search(rf"\b{result}\b", models_text):
                raise Refusal(f"{rel(MODELS)} already has a class {result}: write the result class by hand")
            if re.search(rf'"{converter}"', (CONVERT / "__init__.py").read_text(encoding="utf-8")):
                raise Refusal(f"{rel(CONVERT)} already has a function {converter}: write the converter by hand")
    plan = Plan(entry, resource, method, params, left_out, envelope_only, result, converter, new_result,
                answer_fields, example)  # fmt: skip
    plan.pieces = {
        "method": method_source(plan),
        "handler": handler_source(plan),
        "full_call": full_call_source(plan),
        "bodies": bodies_source(plan),
        "test": test_source(plan),
    }
    plan.pieces["conformance_call"], plan.pieces["conformance_step"] = conformance_sources(plan)
    if new_result:
        plan.pieces["result"] = result_source(plan)
        plan.pieces["converter"] = converter_source(plan)
    return plan


# ---------------------------------------------------------------------------------------------- the code


def _docstring(text: str, indent: int) -> str:
    pad = " " * indent
    lines = textwrap.wrap(text, width=116 - indent)
    if len(lines) == 1 and len(lines[0]) + indent + 6 <= 120:
        return f'{pad}"""{lines[0]}"""\n'
    body = "\n".join(pad + line for line in lines[1:])
    return f'{pad}"""{lines[0]}\n{body}\n{pad}"""\n'


def positional_params(plan: Plan) -> list[Param]:
    return sorted((p for p in plan.params if p.positional), key=lambda p: p.order)


def method_source(plan: Plan) -> str:
    entry = plan.entry
    key, subject = entry["request_id"] == "key", entry["request_id"] == "subject"
    positional = ["self"] + (["request_id: str"] if subject else [])
    positional += [f"{p.name}: {p.annotation}" for p in positional_params(plan)]
    keywords = [f"{p.name}: {p.annotation}" for p in plan.params if p.required and not p.positional]
    keywords += [f"{p.name}: {p.annotation} | None = None" for p in plan.params if not p.required]
    if key:
        keywords.append("request_id: str | None = None")
    if entry["deferred"]:
        keywords += ["wait: bool = False", "wait_timeout: float = 60.0"]
    arguments = positional + (["*", *keywords] if keywords else []) + ["**options: Unpack[RequestOptions]"]
    words = entry["summary"].strip().rstrip(".") + "."
    if entry["deferred"]:
        words += " The outcome arrives through Request status: ``wait=True`` waits for it."
    if entry["deprecated"]:
        words += " Deprecated in the docs."
    status = _spec.DOC_STATUSES.get(entry["doc_status"])
    words += " " + (status.docstring if status else "The spec gives no doc status.")
    lines = [f"    async def {plan.method}(\n"]
    lines += [f"        {a},\n" for a in arguments]
    lines.append(f"    ) -> {plan.result}:\n")
    lines.append(_docstring(words, 8))
    rid = "None"
    if key:
        lines.append("        rid = self._client._request_id(request_id)\n")
        rid = "rid"
    elif subject:
        lines.append('        rid = v.request_id(request_id, lambda: "")\n')
        rid = "rid"
    built = ([f"request_id=v.request_uuid({rid})"] if rid == "rid" else []) + [
        f"{p.attr}={p.build}" for p in plan.params if p.required
    ]
    lines.append(f"        body = m.{entry['request_model']}({', '.join(built)})\n")
    for p in plan.params:
        if not p.required:
            lines.append(f"        if {p.name} is not None:\n            body.{p.attr} = {p.build}\n")
    name = entry["name"]
    if plan.converter is None:
        flag = 'v.flag("wait", wait)' if "flag" in validators() else "wait"
        wait = f", wait={flag}, wait_timeout=wait_timeout" if entry["deferred"] else ""
        call = f"_operation({lit(name)}, body, {rid}, options{wait})"
    else:
        call = f"_fetch({lit(name)}, body, {rid}, options, convert.{plan.converter})"
    lines.append(f"        return await self._client.{call}\n")
    return "".join(lines)


def method_imports(plan: Plan) -> list[str]:
    top = [
        "from typing import TYPE_CHECKING, Unpack",
        "from .. import _validate as v",
        "from .._lazy import LazyModule",
        "from .._options import RequestOptions",
    ]
    for p in plan.params:
        top += p.imports
    return list(dict.fromkeys(top))


def type_imports(plan: Plan, module_text: str = "") -> list[str]:
    """The imports the method's annotations need under TYPE_CHECKING (none the module defines or has)."""
    wanted = dict.fromkeys(line for p in plan.params for line in p.type_imports)
    return [
        line
        for line in wanted
        if line not in module_text and not re.search(rf"^{line.rsplit(' ', 1)[-1]} = ", module_text, re.M)
    ]


def _call_arguments(plan: Plan, *, rid: bool) -> str:
    args = [f'"{RID}"'] if plan.entry["request_id"] == "subject" else []
    args += [p.call for p in positional_params(plan)]
    args += [f"{p.name}={p.call}" for p in plan.params if not p.positional]
    if rid and plan.entry["request_id"] == "key":
        args.append("request_id=RID")
    return ", ".join(args)


def full_call_source(plan: Plan) -> str:
    return f"    {lit(plan.name)}: lambda c: c.{plan.name}({_call_arguments(plan, rid=False)}),\n"


def _sandbox_value(plan: Plan, p: Param) -> str:
    if p.json == "card_id":
        return "w.gift_id" if plan.gift else "w.active.card_id"
    if p.json == "client_id":
        return "w.client.client_id"
    if p.json == "transaction_id":
        return "w.tx_id"
    return lit(p.wire)


def bodies_source(plan: Plan) -> str:
    parts = ['"request_id": rid()'] if plan.entry["request_id"] != "none" else []
    parts += [f"{lit(p.json)}: {_sandbox_value(plan, p)}" for p in plan.params if p.required]
    return f"    {lit(plan.entry['path'])}: lambda w: [{{{', '.join(parts)}}}],\n"


# Arguments the conformance run has a value for: (expression on the run ``r``, the ids it needs).
RUN_VALUES: dict[str, tuple[str, tuple[str, ...]]] = {
    "client_id": ('r.ids["client_id"]', ("client_id",)),
    "transaction_id": ('r.ids["transaction_id"]', ("transaction_id",)),
    "order_id": ('r.ids["order_id"]', ("transaction_id",)),
    "gift_card_id": ('r.ids["gift_card_id"]', ("gift_card_id",)),
    "product_code": ('r.ids["gift_product"]', ("gift_product",)),
    "currency": ('r.options.currency or r.ids.get("currency") or "KZT"', ()),
    "person_id": ("r.options.person_id", ()),
    "first_name": ('"Fpc"', ()),
    "last_name": ('"Conformance"', ()),
    "cardholder_name": ('"Fpc Conformance"', ()),
}
RUN_REFS: dict[str, str] = {"ProductId": "r.options.product", "Phone": "r.options.phone", "Amount": "r.options.amount",
                            "CountryAlpha3": "r.options.country", "ClientType": "ClientType.INDIVIDUAL",
                            "Residency": "Residency.RESIDENT"}  # fmt: skip


def _run_value(plan: Plan, p: Param) -> tuple[str, tuple[str, ...]] | None:
    """What the conformance run passes for a required argument, and the ids it needs; None: no value."""
    if p.json == "card_id":
        if plan.gift:
            return RUN_VALUES["gift_card_id"]
        # a card that changes state, or is read for more than its info, is the activated one
        return "r.card", ("card_id", "active_card") if plan.entry["mutating"] else ("card_id",)
    if p.name == "reason":
        return f'f"{{r.tag}}: conformance {plan.method.replace("_", " ")}"', ()
    if p.ref in RUN_REFS and p.ref != "Phone":
        return RUN_REFS[p.ref], ()
    if p.annotation == AMOUNT:
        return RUN_REFS["Amount"], ()
    if "phone" in p.json or p.ref == "Phone":
        # a gift card's phone gets an SMS: only the one given with --gift-phone (the step is skipped without)
        return ("_needs_gift_phone(r)", ()) if plan.gift else (RUN_REFS["Phone"], ())
    return RUN_VALUES.get(p.json)


def conformance_sources(plan: Plan) -> tuple[str, str]:
    """The conformance step of the new operation: its call in ``_op``'s ``calls`` and its ``Step`` in ``STEPS``.
    An argument the run has no value for makes a step that is reported skipped, saying which."""
    name = plan.name
    needs: list[str] = []
    args: list[str] = []
    missing: list[str] = []
    if plan.entry["request_id"] == "subject":
        args.append('r.ids["issue_request_id"]')
        needs.append("issue_request_id")
    for p in [*positional_params(plan), *(p for p in plan.params if p.required and not p.positional)]:
        value = _run_value(plan, p)
        if value is None:
            missing.append(p.name)
            continue
        args.append(value[0] if p.positional else f"{p.name}={value[0]}")
        needs += [n for n in value[1] if n not in needs]
    if missing:
        call = f"    {lit(name)}: lambda r: _needs_test_data({', '.join(lit(m) for m in missing)}),\n"
        needs, condition = [], f", condition={lit('needs test data: ' + ', '.join(missing))}"
    else:
        made = f"r.client.{name}({', '.join(args)})"
        if "cards" in plan.entry["outcome_ids"]:  # the cards it makes are closed at the end of the run
            made = f"_keep_cards(r, {made}, {lit('made by ' + name)})"
        call = f"    {lit(name)}: lambda r: {made},\n"
        condition = ""
    if needs == ["card_id", "active_card"]:
        given = ", ACTIVE"
    elif needs == ["card_id"]:
        given = ", CARD"
    elif needs[:2] == ["card_id", "active_card"]:
        given = ", (*ACTIVE, " + ", ".join(lit(n) for n in needs[2:]) + ")"
    elif needs:
        given = ", (" + ", ".join(lit(n) for n in needs) + ("," if len(needs) == 1 else "") + ")"
    else:
        given = ""
    title = plan.entry["summary"].strip().rstrip(".") or name
    creates = 'creates="a card"' if "cards" in plan.entry["outcome_ids"] and not missing else ""
    parts = [lit(name), lit(title), f"_op({lit(name)})", given.removeprefix(", "), creates,
             condition.removeprefix(", ")]  # fmt: skip
    lines = ["    Step("]
    for i, part in enumerate(p for p in parts if p):
        piece = ("" if i == 0 else " ") + part + ","
        if i > 1 and len(lines[-1] + piece) > 118:
            lines[-1] = lines[-1].rstrip()
            lines.append("         " + piece.lstrip())
        else:
            lines[-1] += piece
    step = "\n".join(lines).removesuffix(",") + "),\n"
    return call, step


def _insert_step(text: str, source: str) -> str:
    """``_conformance.py`` with the step added to STEPS before the closing steps (its marker, or the close)."""
    lines = text.splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if line.startswith(STEPS_MARKER)), None)
    if at is None:
        at = next((i for i, line in enumerate(lines) if line.startswith('    Step("cards.close"')), None)
    if at is None:
        raise Refusal(f"{rel(CONFORMANCE_PY)}: STEPS has neither {STEPS_MARKER.strip()!r} nor the cards.close step")
    lines.insert(at, source)
    return "".join(lines)


def _insert_call(text: str, source: str) -> str:
    """``_conformance.py`` with the call added to the ``calls`` table of ``_op``."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("calls: dict[")), None)
    if start is None:
        raise Refusal(f"{rel(CONFORMANCE_PY)}: _op has no `calls: dict[...] = {{` table")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].rstrip() == "    }")
    lines.insert(end, "    " + source)
    return "".join(lines)


def handler_source(plan: Plan) -> str:
    entry = plan.entry
    returns = "dict[str, Any]" if plan.gift else "Done"
    lines = [f"    def {plan.op_id}(self, body: m.{entry['request_model']}) -> {returns}:\n"]
    if plan.envelope_only:
        checks = []
        for p in plan.params:
            if not p.required:
                continue
            if p.json == "card_id":
                checks.append(f"self.gift_card(body.{p.attr})" if plan.gift else f"self.card(body.{p.attr})")
            elif p.json == "client_id" and not plan.gift:
                checks.append(f"self.client(body.{p.attr})")
        what = " and ".join(c.split("(")[0].removeprefix("self.").replace("_", " ") for c in checks)
        doc = f"{entry['name']}: the sandbox checks the {what} it names and changes nothing yet." if checks else (
            f"{entry['name']}: the sandbox accepts it and changes nothing yet."
        )  # fmt: skip
        lines.append(_docstring(doc, 8))
        lines += [f"        {c}\n" for c in checks]
        lines.append("        return {}\n" if plan.gift else "        return Done()\n")
    else:
        build = (
            f"_fields(m.{entry['response_model']}(status=0, ...))"
            if plan.gift
            else f"Done(_fields(m.{entry['response_model']}(status=OK, **_PLACEHOLDERS, ...)))"
        )
        lines.append(
            "        raise NotImplementedError(\n"
            f"            {lit(rel(WORLD_PY) + ': World.' + plan.op_id + ' serves ' + entry['name'])}\n"
            f"            {lit(': change the state, then return ' + build)}\n"
            "        )\n"
        )
    return "".join(lines)


def _result_field(json_name: str, attr: str, schema: dict[str, Any]) -> tuple[str, str] | None:
    """(annotation and default, conversion) of an answer field the result maps; None: left in ``extra``."""
    kind, fmt = schema.get("type"), schema.get("format")
    value = f"parsed.{attr}"
    if schema.get("x-secret"):
        return "Secret | None = field(default=None, repr=False)", (
            f"None if unset({value}) is None else Secret(str(unset({value})))"
        )
    if kind == "string" and fmt == "date-time":
        return "_dt.datetime | None = None", f"as_datetime({value})"
    if kind == "string" and fmt == "date":
        return "_dt.date | None = None", f"unset({value})"
    python = {"string": "str", "integer": "int", "boolean": "bool"}.get(str(kind))
    if python is not None and fmt in (None, "email"):
        return f"{python} | None = None", f"unset({value})"
    if kind == "number":
        return "Decimal | None = None", f"decimal({value})"
    return None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# What every result of an envelope carries: (result attribute, converter argument), before and after the
# answer's own fields.
ENVELOPE_ROWS: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "card": (
        [
            ("request_id: str | None = field(metadata=NOT_IN_ANSWER)", "request_id=request_id"),
            ("request_status: RequestStatus", "request_status=_request_status(parsed)"),
        ],
        [("dt: _dt.datetime | None = None", "dt=as_datetime(parsed.dt)")],
    ),
    "gift": ([], [("datetime: _dt.datetime | None = None", 'datetime=timestamp(parsed.datetime_, "datetime")')]),
}


def _result_rows(plan: Plan) -> list[tuple[str, str]]:
    """(attribute, converter argument) of each field of the new result, ``extra`` last."""
    head, tail = ENVELOPE_ROWS[plan.entry["envelope"]]
    own = [
        (f"{json_name}: {made[0]}", f"{json_name}={made[1]}")
        for json_name, attr, schema in plan.answer_fields
        if (made := _result_field(json_name, attr, schema)) is not None
    ]
    extra = ("extra: dict[str, Any] = _extra_field()", f"extra=leftover(raw, {plan.result})")
    return [*head, *own, *tail, extra]


def result_source(plan: Plan) -> str:
    entry = plan.entry
    doc = (
        f"The answer of {entry['name']}: {_lower_first(entry['summary'].strip().rstrip('.'))}. (Scaffolded by "
        "scripts/new_operation.py from the spec: say what each field means; nested fields stay in extra until mapped.)"
    )
    lines = ["\n\n@frozen\n", f"class {plan.result}:\n", _docstring(doc, 4), "\n"]
    lines += [f"    {attribute}\n" for attribute, _ in _result_rows(plan)]
    return "".join(lines)


def converter_source(plan: Plan) -> str:
    entry = plan.entry
    rid = " = None" if plan.gift else ""
    lines = [
        "\n\n",
        f"def {plan.converter}(\n",
        f"    parsed: m.{entry['response_model']}, raw: dict[str, Any], request_id: str | None{rid}\n",
        f") -> {plan.result}:\n",
        _docstring(f"{entry['name']}'s answer (scaffolded by scripts/new_operation.py: check each mapping).", 4),
        f"    return {plan.result}(\n",
    ]
    lines += [f"        {argument},\n" for _, argument in _result_rows(plan)]
    lines.append("    )\n")
    return "".join(lines)


def test_source(plan: Plan) -> str:
    entry = plan.entry
    body: dict[str, Any] = {"request_id": RID} if entry["request_id"] != "none" else {}
    body |= {p.json: p.wire for p in plan.params}
    needs_dt = any("dt." in p.call for p in plan.params)
    fields = ", ".join(f"{k}={lit(v)}" for k, v in plan.answer_example.items())
    answer = lit(plan.answer_example) if plan.gift else f"ok({fields})"
    call = f"{plan.resource}.{plan.method}({_call_arguments(plan, rid=True)})"
    checks = [f"assert type(result).__name__ == {lit(plan.result)}"]
    if not plan.gift and entry["request_id"] != "none" and (plan.envelope_only or plan.new_result):
        checks.append("assert result.request_id == RID")
    test_name = f"test_{plan.method}_sends_the_exact_body_and_returns_{_spec.snake(plan.result)}"
    head = (
        f'"""{entry["name"]} ({plan.op_id}, POST {entry["path"]}):\n'
        "the exact body each client sends, and the result.\n\n"
        "Scaffolded by scripts/new_operation.py from the spec; add the operation's own behaviour (its sandbox\n"
        'answers and refusals) as it gets one.\n"""\n\n'
        "from __future__ import annotations\n\n"
        + ("import datetime as dt\n\n" if needs_dt else "")
        + "import freedompay_cards as fp\n"
        + ("from tests.conftest import MockAPI\n" if plan.gift else "from tests.conftest import MockAPI, ok\n")
    )
    check_lines = "".join(f"    {c}\n" for c in checks)
    return (
        head + f"\nPATH = {lit(entry['path'])}\nRID = {lit(RID)}\nANSWER = {answer}\nBODY = {lit(body)}\n\n\n"
        f"def {test_name}(client: fp.CardClient, api: MockAPI) -> None:\n"
        "    api.on(PATH, ANSWER)\n"
        f"    result = client.{call}\n"
        "    assert api.bodies == [BODY]\n" + check_lines + "\n\n"
        f"async def {test_name}_async(async_client: fp.AsyncCardClient, api: MockAPI) -> None:\n"
        "    api.on(PATH, ANSWER)\n"
        f"    result = await async_client.{call}\n"
        "    assert api.bodies == [BODY]\n" + check_lines
    )


# ---------------------------------------------------------------------------------------------- writing


def _insert_after_class_methods(text: str, class_name: str | None, source: str, *, public_only: bool) -> str:
    """``text`` with ``source`` inserted after the last (public) method of the class."""
    tree = ast.parse(text)
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    cls = next(
        (c for c in classes if (c.name == class_name if class_name else c.name.startswith("Async"))),
        None,
    )
    if cls is None:
        raise Refusal(f"class {class_name or 'Async...'} not found")

    def member(node: ast.stmt) -> bool:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return not (public_only and node.name.startswith("_"))
        return isinstance(node, ast.Assign) and not public_only

    methods = [n for n in cls.body if member(n)]
    last = methods[-1] if methods else cls
    lines = text.splitlines(keepends=True)
    end = last.end_lineno or len(lines)
    return "".join(lines[:end]) + "\n" + source + "".join(lines[end:])


def _add_imports(text: str, imports: list[str], type_only: list[str]) -> str:
    """``text`` with these import lines added (ruff sorts and merges them afterwards)."""
    lines = text.splitlines(keepends=True)
    future = next(i for i, line in enumerate(lines) if line.startswith("from __future__ import annotations"))
    missing = [f"{line}\n" for line in imports if line not in text]
    lines[future + 1 : future + 1] = ["\n", *missing] if missing else []
    if type_only:
        at = next((i for i, line in enumerate(lines) if line.startswith("if TYPE_CHECKING:")), None)
        if at is None:
            raise Refusal("the module has no `if TYPE_CHECKING:` block to import the result types in")
        lines[at + 1 : at + 1] = [f"    {line}\n" for line in type_only]
    return "".join(lines)


def _ensure_lazy_convert(text: str) -> str:
    if re.search(r"^\s+convert = LazyModule", text, re.M):
        return text
    text = re.sub(r"^if TYPE_CHECKING:\n", "if TYPE_CHECKING:\n    from .. import _convert as convert\n", text, count=1,
                  flags=re.M)  # fmt: skip
    return re.sub(
        r'^(    m = LazyModule\("freedompay_card_api.models"\)\n)',
        r'\1    convert = LazyModule("freedompay_cards._convert")\n',
        text,
        count=1,
        flags=re.M,
    )


def _insert_into_dict(text: str, opening: str, source: str, where: str) -> str:
    """``text`` with ``source`` added as the last entry of the dict literal that starts at the line ``opening``."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith(opening)), None)
    if start is None:
        raise Refusal(f"{where}: no line starting with {opening!r}")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("}"))
    lines.insert(end, source)
    return "".join(lines)


def write(plan: Plan) -> list[Path]:
    module = ASYNC / f"{plan.resource}.py"
    text = module.read_text(encoding="utf-8")
    text = _insert_after_class_methods(text, None, plan.pieces["method"], public_only=True)
    type_only = [f"from .._models import {plan.result}", *type_imports(plan, text)]
    if plan.converter is not None:
        text = _ensure_lazy_convert(text)
    text = _add_imports(text, method_imports(plan), type_only)
    edits: dict[Path, str] = {module: text}

    world = WORLD_PY.read_text(encoding="utf-8")
    edits[WORLD_PY] = _insert_after_class_methods(world, "World", plan.pieces["handler"], public_only=False)
    coverage = FIELD_COVERAGE.read_text(encoding="utf-8")
    edits[FIELD_COVERAGE] = _insert_into_dict(coverage, "FULL_CALLS", plan.pieces["full_call"], rel(FIELD_COVERAGE))
    if SANDBOX_SPEC_TEST.is_file():
        bodies = SANDBOX_SPEC_TEST.read_text(encoding="utf-8")
        edits[SANDBOX_SPEC_TEST] = _insert_into_dict(bodies, "BODIES", plan.pieces["bodies"], rel(SANDBOX_SPEC_TEST))
    conformance = CONFORMANCE_PY.read_text(encoding="utf-8")
    conformance = _insert_call(conformance, plan.pieces["conformance_call"])
    edits[CONFORMANCE_PY] = _insert_step(conformance, plan.pieces["conformance_step"])
    if plan.new_result:
        module_name = result_module(plan.resource)
        models_path, convert_path = MODELS / f"{module_name}.py", CONVERT / f"{module_name}.py"
        models = _module_text(models_path, f"Results of the {plan.resource} resource.", MODELS_HEADER)
        edits[models_path] = models.rstrip("\n") + "\n" + plan.pieces["result"]
        convert = _module_text(convert_path, f"Answers of the {plan.resource} resource as results.", CONVERT_HEADER)
        convert = _add_imports(convert, [f"from .._models.{module_name} import {plan.result}"], [])
        edits[convert_path] = convert.rstrip("\n") + "\n" + plan.pieces["converter"]
        for package, name in ((MODELS, plan.result), (CONVERT, plan.converter)):
            init = package / "__init__.py"
            edits[init] = register_lazy(init.read_text(encoding="utf-8"), str(name), module_name)
    test_module = TESTS / f"test_op_{plan.op_id}.py"
    if test_module.exists():
        raise Refusal(f"{rel(test_module)} exists already (nothing written)")
    edits[test_module] = plan.pieces["test"]
    for path, content in edits.items():
        path.write_text(content, encoding="utf-8")
    _spec.tidy(list(edits), isolated=False)  # hand-kept files from now on: the project's ruff settings
    return list(edits)


# ---------------------------------------------------------------------------------------------- output


def next_steps(plan: Plan) -> list[str]:
    steps = ["make generate   (the sync twin and with_raw_response get the new method)"]
    if plan.left_out:
        steps.append(
            "give these request fields an argument by hand: "
            + "; ".join(f"{name} ({why})" for name, why in plan.left_out.items())
        )
    if plan.new_result:
        steps.append(
            f"fill {plan.result} ({rel(MODELS / (result_module(plan.resource) + '.py'))}) and convert.{plan.converter} "
            f"({rel(CONVERT / (result_module(plan.resource) + '.py'))}); export "
            f"{plan.result} from freedompay_cards/__init__.py if users should name it"
        )
        steps.append(f"write World.{plan.op_id} in {rel(WORLD_PY)} (it raises NotImplementedError now)")
    if "_needs_test_data(" in plan.pieces.get("conformance_call", ""):
        steps.append(
            f"give the conformance step of {plan.name} ({rel(CONFORMANCE_PY)}, _op's calls) the test data it "
            "reports skipped for ('needs test data: ...'), then drop the step's condition"
        )
    steps.append(
        f"call {plan.name} in a scenario of tests/test_cassettes.py, then make record (its cassette test fails "
        "until then)"
    )
    steps.append(
        "review the scaffold (argument names, docstring, the sandbox's behaviour, the conformance step), then make test"
    )
    return steps


def preview(plan: Plan) -> str:
    module_text = (ASYNC / f"{plan.resource}.py").read_text(encoding="utf-8")
    where = {
        "method": f"{rel(ASYNC / (plan.resource + '.py'))} (end of the resource class; imports: "
        + ", ".join(method_imports(plan))
        + "; under TYPE_CHECKING: "
        + ", ".join([f"from .._models import {plan.result}", *type_imports(plan, module_text)])
        + ")",
        "handler": f"{rel(WORLD_PY)} (end of class World)",
        "full_call": f"{rel(FIELD_COVERAGE)} (FULL_CALLS)",
        "bodies": f"{rel(SANDBOX_SPEC_TEST)} (BODIES)",
        "conformance_call": f"{rel(CONFORMANCE_PY)} (_op's calls)",
        "conformance_step": f"{rel(CONFORMANCE_PY)} (STEPS, before the closing steps)",
        "test": f"tests/test_op_{plan.op_id}.py (new)",
        "result": f"{rel(MODELS / (result_module(plan.resource) + '.py'))} (end; re-exported by _models)",
        "converter": f"{rel(CONVERT / (result_module(plan.resource) + '.py'))} (end; re-exported by _convert)",
    }
    out = []
    for key, source in plan.pieces.items():
        out.append(f"# ---- {where[key]}\n{source}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("operation_id", help="the operationId of the spec's new operation")
    parser.add_argument("--write", action="store_true", help="write the files (default: print them)")
    args = parser.parse_args(argv)
    try:
        plan = make_plan(args.operation_id)
        if not args.write:
            print(preview(plan))
            print("(nothing written: add --write, or run make new-operation OP=" + args.operation_id + ")")
            return 0
        written = write(plan)
    except Refusal as refusal:
        print(f"new-operation: {refusal}", file=sys.stderr)
        return 2
    print("\n".join(f"wrote {rel(p)}" for p in written))
    for name, why in plan.left_out.items():
        print(f"left out: request field {name!r}: {why}")
    print("next:\n" + "\n".join(f"  {i}. {step}" for i, step in enumerate(next_steps(plan), 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
