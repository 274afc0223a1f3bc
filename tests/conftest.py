"""Shared fixtures: a scripted mock API that records every request, and clients bound to it."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import freedompay_cards as fp

AUTH_ID = "123456"
SECRET = "test-secret-key-do-not-use"
DT = "2025-01-01T00:01:01+00:30"
FAST = fp.RetryPolicy(max_retries=2, base=0.001, cap=0.005)


def ok(**fields: Any) -> dict[str, Any]:
    return {"status": "ok", "request_status": "success", "dt": DT, **fields}


class MockAPI:
    """A MockTransport whose answers are scripted per path; it records requests and checks signatures."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answers: dict[str, list[Any]] = {}
        self.default: Callable[[httpx.Request], httpx.Response] = lambda r: httpx.Response(200, json=ok())

    def on(self, path: str, *answers: Any) -> MockAPI:
        """Answer ``path`` with these, in order (the last one repeats). An answer is a dict (JSON 200),
        an httpx.Response, an exception to raise, or a callable taking the request."""
        self.answers[path] = list(answers)
        return self

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        fp.verify(request.headers.get("X-JWS-Signature"), request.content, path=request.url.path, secret_key=SECRET)
        queue = self.answers.get(request.url.path)
        if not queue:
            return self.default(request)
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if callable(answer) and not isinstance(answer, type):
            answer = answer(request)
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, json=answer)

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    @property
    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]


def sequential_ids() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: str(uuid.UUID(int=next(counter)))


@pytest.fixture
def api() -> MockAPI:
    return MockAPI()


@pytest.fixture
def client(api: MockAPI) -> Iterator[fp.CardClient]:
    http = httpx.Client(transport=httpx.MockTransport(api.handler))
    with fp.CardClient(
        auth_id=AUTH_ID, secret_key=SECRET, http_client=http, retry_policy=FAST, request_id_factory=sequential_ids()
    ) as c:
        yield c
    http.close()


@pytest.fixture
async def async_client(api: MockAPI) -> Any:
    http = httpx.AsyncClient(transport=httpx.MockTransport(api.handler))
    async with fp.AsyncCardClient(
        auth_id=AUTH_ID, secret_key=SECRET, http_client=http, retry_policy=FAST, request_id_factory=sequential_ids()
    ) as c:
        yield c
    await http.aclose()


@pytest.fixture
def sandbox() -> Any:
    """A fresh sandbox (tests needing another configuration define their own)."""
    from freedompay_cards.sandbox import Sandbox

    return Sandbox()


@pytest.fixture
def cards_client(sandbox: Any) -> Iterator[fp.CardClient]:
    """A client bound to ``sandbox`` in-process, with fast retries."""
    with sandbox.client(retry_policy=FAST) as c:
        yield c
    sandbox.close()
