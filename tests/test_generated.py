"""Smoke test of the generated client: every operation module imports and sends its request to its path."""

from __future__ import annotations

import json
import typing

import httpx
import pytest

from freedompay_card_api import Client
from tests.spec_tools import example, generated_module, operations, request_schema, response_schema


def _body_class(module: object) -> type:
    return typing.get_type_hints(module.sync_detailed)["body"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("path", "operation_id", "op"), operations(), ids=[o[1] for o in operations()])
def test_generated_operation_posts_compact_json_to_its_path(path: str, operation_id: str, op: dict) -> None:
    module = generated_module(op)
    body_cls = _body_class(module)
    body = body_cls.from_dict(example(request_schema(op), all_fields=True))
    sent: list[httpx.Request] = []
    answer = example(response_schema(op), all_fields=True)

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=answer)

    client = Client(base_url="https://test-api.freedompay.kz", httpx_args={"transport": httpx.MockTransport(handler)})
    response = module.sync_detailed(client=client, body=body)

    (request,) = sent
    assert request.method == "POST"
    assert request.url.path == path
    assert request.headers["content-type"] == "application/json"
    # compact JSON: the exact bytes the signature will cover
    assert request.content == json.dumps(body.to_dict(), separators=(",", ":"), ensure_ascii=False).encode()
    assert response.status_code == 200
    assert response.parsed is not None
    assert response.parsed.to_dict() == answer  # every documented field survives parsing


def test_every_operation_has_a_generated_module() -> None:
    for _, operation_id, op in operations():
        module = generated_module(op)
        for name in ("sync_detailed", "asyncio_detailed"):
            assert callable(getattr(module, name)), f"{operation_id}.{name}"


@pytest.mark.parametrize(("path", "operation_id", "op"), operations(), ids=[o[1] for o in operations()])
def test_the_facade_sends_what_the_generated_module_would(path: str, operation_id: str, op: dict) -> None:
    """The facade takes the path from the operation table and the JSON from the model's to_dict() instead of
    importing the generated operation module (which would load the generated HTTP client): both must stay
    what that module's _get_kwargs says."""
    from freedompay_cards._core import OPERATIONS

    module = generated_module(op)
    body = _body_class(module).from_dict(example(request_schema(op), all_fields=True))
    kwargs = module._get_kwargs(body=body)  # type: ignore[attr-defined]
    entry = next(o for o in OPERATIONS.values() if o.operation_id == operation_id)
    assert (kwargs["method"].upper(), kwargs["url"], kwargs["json"]) == ("POST", entry.path, body.to_dict())
    assert entry.request_model == type(body).__name__
