"""What a fresh process loads: ``import freedompay_cards`` and a first plain call load only what they use.

A fresh process pays for every module and attrs class it makes before its first answer (issue #22's cold
start row, measured by scripts/bench.py). These tests pin down *which* modules a first call loads (never
how long it takes: timings belong in the benchmark), so that a later import of a heavy module on the
common path shows up as a failing test, not as a slowly drifting number.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

AUTH_ID = "123456"
SECRET = "test-secret"
ANSWER = b'{"status":"ok","request_status":"success","dt":"2025-01-01T00:01:01+00:30"}'

# A first call in a fresh process, as scripts/bench.py times it; it prints the modules loaded after each step.
FIRST_CALL = f"""
import json, re, sys
import httpx
before = set(sys.modules)
patterns = set(re._cache)
import freedompay_cards as fp
imported = sorted(set(sys.modules) - before)
answer = {ANSWER!r}
http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, content=answer)))
client = fp.CardClient("{AUTH_ID}", "{SECRET}", http_client=http)
made = sorted(set(sys.modules) - before)
assert client.cards.reset_pin_counter("card-1").succeeded
called = sorted(set(sys.modules) - before)
built = sorted(cls for name, module in sys.modules.items() if name.startswith("freedompay_cards")
               for cls in ("CreatedClient", "CreatedTransaction", "IssuedCards", "ClientSettings") if cls in vars(module))
from freedompay_cards import _lazy
compiled = sorted(f"{{name}}.{{attr}}" for name, module in sys.modules.items() if name.startswith("freedompay_cards")
                  for attr, value in vars(module).items()
                  if isinstance(value, _lazy.LazyPattern) and set(vars(value)) != {{"_source"}})
decoded = sorted(sys.modules["freedompay_cards._schema"].spec()["paths"]._decoded)
lazy = sorted(f"{{name}}.{{attr}}" for name, module in sys.modules.items() if name.startswith("freedompay_cards")
              for attr, value in vars(module).items() if isinstance(value, _lazy.LazyPattern))
regex = sorted(str(key[1]) for key in set(re._cache) - patterns)  # compiled by anyone, httpx included
print(json.dumps({{"import": imported, "client": made, "call": called, "wait_classes": built, "compiled": compiled,
                  "lazy": lazy, "decoded": decoded, "regex": regex}}))
"""


@pytest.fixture(scope="module")
def loaded() -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", FIRST_CALL], capture_output=True, text=True, timeout=60, check=True)
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


def _matching(modules: list[str], prefixes: tuple[str, ...]) -> list[str]:
    return [name for name in modules if name.startswith(prefixes)]


def test_import_loads_neither_the_client_nor_attrs(loaded: dict[str, list[str]]) -> None:
    heavy = (
        "attr",
        "freedompay_card_api",
        "freedompay_cards._sync",
        "freedompay_cards._async",
        "freedompay_cards._sync.clients",
        "freedompay_cards._sync.gift_cards",
        "freedompay_cards._sync.limits",
        "freedompay_cards._sync.requests",
        "freedompay_cards._sync.transactions",
        "freedompay_cards._core",
    )
    assert _matching(loaded["import"], heavy) == []


# What a program that makes plain card calls never uses: the tools, the sandbox, the async client, the other
# resources, the long-answer decoder, and the ``wait=True`` result classes.
NEVER_ON_A_FIRST_CALL = (
    "freedompay_cards.sandbox",
    "freedompay_cards.cassettes",
    "freedompay_cards.pytest_plugin",
    "freedompay_cards._cli",
    "freedompay_cards._conformance",
    "freedompay_cards._async",
    "freedompay_cards._sync.clients",
    "freedompay_cards._sync.gift_cards",
    "freedompay_cards._sync.limits",
    "freedompay_cards._sync.requests",
    "freedompay_cards._sync.transactions",
    "freedompay_cards._raw_resources",
    "freedompay_cards._listing",
    "freedompay_cards._raw",
    "freedompay_cards._models._waited",
    "freedompay_cards._enums",  # five enum classes a plain call never reads (RequestStatus has its own module)
    "freedompay_card_api.api",
    "freedompay_card_api.client",
    "msgspec",
    "click",
    "attrs",  # the models import attrs' functions from `attr`; `attrs` only re-exports them, in six more modules
)


def test_a_first_call_loads_none_of_the_tools_or_the_wait_results(loaded: dict[str, list[str]]) -> None:
    assert _matching(loaded["call"], NEVER_ON_A_FIRST_CALL) == []
    # each attrs class costs a good part of a millisecond to build; the sandbox's TypedDict, 0.1 ms
    assert loaded["wait_classes"] == []


def test_a_first_call_loads_only_the_generated_models_it_uses(loaded: dict[str, list[str]]) -> None:
    models = _matching(loaded["call"], ("freedompay_card_api.models.",))
    assert models == ["freedompay_card_api.models.card_api_envelope", "freedompay_card_api.models.card_request"]


def test_wait_true_still_gets_its_typed_result_class() -> None:
    """The wait results load on first use, and are the classes the public names give."""
    code = """
import freedompay_cards as fp
from freedompay_cards._models import _waited
assert _waited.WAITED_FOR["clients.create"][0] is fp.CreatedClient
assert issubclass(fp.IssuedCards, fp.OperationResult)
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "ok"


def test_a_first_call_compiles_none_of_the_patterns_it_does_not_use(loaded: dict[str, list[str]]) -> None:
    """Redaction of free text and other operations' argument checks compile their patterns when used."""
    assert {"freedompay_cards._redact._PAN", "freedompay_cards._validate._PHONE"} <= set(loaded["lazy"])
    assert loaded["compiled"] == []


def test_a_first_call_compiles_no_regular_expression_of_its_own(loaded: dict[str, list[str]]) -> None:
    """The formats a first call checks (its request_id's ``uuid``, the answer's ``date-time``) are read by hand
    (tests/test_schema_formats.py): compiling a pattern costs a fresh process more than reading. What is
    left is httpx's own reading of the request's URL, which raw httpx compiles too."""
    ours = [pattern for pattern in loaded["regex"] if "0-9a-fA-F" in pattern or "Tt " in pattern]
    assert ours == []
    assert len(loaded["regex"]) <= 2, loaded["regex"]


def test_a_lazy_pattern_matches_as_the_compiled_one() -> None:
    import copy
    import re

    from freedompay_cards._lazy import LazyPattern, lazy_pattern

    lazy = LazyPattern(r"(\d+)-x", re.IGNORECASE)
    assert vars(copy.copy(lazy)) == {"_source": (r"(\d+)-x", re.IGNORECASE)}  # copying compiles nothing
    assert set(vars(lazy)) == {"_source"}
    found = lazy.search("a 12-X")
    assert found is not None and found.group(1) == "12"
    assert lazy.sub("#", "1-x 2-X") == "# #"
    assert lazy_pattern("a+").fullmatch("aaa") is not None


def test_the_log_filter_keeps_no_large_module_alive() -> None:
    """The ``freedompay_cards`` logger holds its redacting filter until the interpreter's last teardown
    pass; the filter's methods must not pin a large module's globals (``_redact``'s made every process ~4 ms
    slower to exit). It still scrubs: a secret-labelled value never reaches a handler."""
    import logging

    import freedompay_cards._redact  # noqa: F401  (installs the filter)
    from freedompay_cards import _logging

    (installed,) = [f for f in logging.getLogger("freedompay_cards").filters if type(f).__name__ == "RedactingFilter"]
    assert type(installed).filter.__globals__ is vars(_logging)
    record = logging.LogRecord("freedompay_cards", logging.INFO, __file__, 1, "sent %s", ("cvv=123",), None)
    assert installed.filter(record) and "123" not in record.getMessage()


@pytest.mark.parametrize("name", ["clients", "transactions", "requests", "gift_cards", "limits"])
def test_a_resource_made_on_first_use_is_bound_to_its_own_client(name: str) -> None:
    import freedompay_cards as fp

    with fp.CardClient("123456", "secret") as client:
        resource = getattr(client, name)
        assert getattr(client, name) is resource and resource._client is client
        copy = client.with_options(max_retries=0)
        assert getattr(copy, name) is not resource and getattr(copy, name)._client is copy
        assert getattr(client, name) is resource


def test_the_generated_shared_types_build_no_attrs_class() -> None:
    """Every generated model imports ``types``: its ``File`` and ``Response`` are plain classes
    (openapi/templates/types.py.jinja), which compare and show themselves as the attrs ones did."""
    import io
    from http import HTTPStatus

    from freedompay_card_api.types import File, Response

    assert not hasattr(Response, "__attrs_attrs__") and not hasattr(File, "__attrs_attrs__")
    answer: Response[int] = Response(status_code=HTTPStatus.OK, content=b"{}", headers={}, parsed=1)
    assert answer == Response(HTTPStatus.OK, b"{}", {}, 1) and answer != Response(HTTPStatus.OK, b"{}", {}, 2)
    assert repr(answer).startswith("Response(status_code=<HTTPStatus.OK: 200>, content=b'{}'")
    payload = io.BytesIO(b"x")
    assert File(payload, "a.txt").to_tuple() == ("a.txt", payload, None)


def test_a_first_call_decodes_only_its_own_path_of_the_spec(loaded: dict[str, list[str]]) -> None:
    assert loaded["decoded"] == ["/v5/card-api/card/reset_counter_pin"]  # cards.reset_pin_counter


def test_the_request_property_index_is_what_a_walk_of_every_request_schema_finds() -> None:
    """``_spec.json``'s ``request_properties`` (made by scripts/generate.py) against a walk of the decoded
    request schemas: the same names, and the same bounds for every keyword ``spec_limit`` may ask about."""
    from freedompay_cards._schema import spec
    from freedompay_cards._validate import _request_properties

    walked: dict[str, list[dict[str, object]]] = {}
    stack = [entry["request"] for entry in spec()["paths"].values()]
    while stack:
        schema = stack.pop()
        for name, prop in schema.get("properties", {}).items():
            walked.setdefault(name, []).append(prop)
            stack.append(prop)
        if isinstance(schema.get("items"), dict):
            stack.append(schema["items"])
    index = _request_properties()
    assert set(index) == set(walked)
    keywords = ("maxLength", "minLength", "maximum", "minimum", "pattern", "format", "type")
    for name, props in walked.items():
        for keyword in keywords:
            for kind in (None, "string", "integer", "number"):

                def bounds(found: list[dict[str, object]], keyword: str = keyword, kind: str | None = kind) -> set[str]:
                    return {repr(p[keyword]) for p in found if keyword in p and (kind is None or p.get("type") == kind)}

                assert bounds(index[name]) == bounds(props), (name, keyword, kind)
