"""Client configuration: checked at construction, from the environment, closed properly."""

from __future__ import annotations

import httpx
import pytest

import freedompay_cards as fp


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"auth_id": "", "secret_key": "s"}, "auth_id"),
        ({"auth_id": "  ", "secret_key": "s"}, "auth_id"),
        ({"auth_id": "1", "secret_key": ""}, "secret_key"),
        ({"auth_id": "1", "secret_key": "s", "environment": "staging"}, "environment"),
        ({"auth_id": "1", "secret_key": "s", "base_url": "ftp://x.kz"}, "http"),
        ({"auth_id": "1", "secret_key": "s", "base_url": "not a url"}, "base_url"),
        ({"auth_id": "1", "secret_key": "s", "base_url": "http://api.example.com"}, "allow_insecure_http"),
        ({"auth_id": "1", "secret_key": "s", "base_url": "https://x.kz", "environment": "test"}, "not both"),
        ({"auth_id": "1", "secret_key": "s", "timeout": 0}, "timeout"),
        ({"auth_id": "1", "secret_key": "s", "timeout": float("inf")}, "timeout"),
        ({"auth_id": "1", "secret_key": "s", "max_retries": -1}, "max_retries"),
    ],
)
def test_bad_configuration_fails_at_construction(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fp.CardClient(**kwargs)


OK = {"status": "ok", "request_status": "success", "dt": "2025-01-01T00:01:01+00:30"}


def test_environments_and_base_urls() -> None:
    assert fp.CardClient("1", "s").base_url == "https://test-api.freedompay.kz"
    assert fp.CardClient("1", "s", environment="production").base_url == "https://api.freedompay.kz"
    assert fp.CardClient("1", "s", base_url="http://127.0.0.1:8080/").base_url == "http://127.0.0.1:8080"
    assert fp.CardClient("1", "s", base_url="http://localhost:1").base_url == "http://localhost:1"
    assert fp.CardClient("1", "s", base_url="http://[::1]:9").base_url == "http://[::1]:9"
    assert fp.CardClient("1", "s", base_url="http://10.0.0.5", allow_insecure_http=True).base_url == "http://10.0.0.5"


def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FREEDOMPAY_AUTH_ID", "777")
    monkeypatch.setenv("FREEDOMPAY_SECRET_KEY", "k")
    monkeypatch.setenv("FREEDOMPAY_ENVIRONMENT", "production")
    monkeypatch.delenv("FREEDOMPAY_BASE_URL", raising=False)
    client = fp.CardClient.from_env()
    assert client.base_url == "https://api.freedompay.kz" and "777" in repr(client)
    monkeypatch.delenv("FREEDOMPAY_ENVIRONMENT")
    monkeypatch.setenv("FREEDOMPAY_BASE_URL", "http://127.0.0.1:9999")
    assert fp.AsyncCardClient.from_env().base_url == "http://127.0.0.1:9999"


def test_from_env_names_the_missing_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FREEDOMPAY_AUTH_ID", raising=False)
    monkeypatch.delenv("FREEDOMPAY_SECRET_KEY", raising=False)
    with pytest.raises(ValueError, match="FREEDOMPAY_AUTH_ID and FREEDOMPAY_SECRET_KEY"):
        fp.CardClient.from_env()


def test_user_http_client_is_used_but_never_reconfigured_nor_closed() -> None:
    seen: list[httpx.Request] = []
    http = httpx.Client(
        timeout=3, transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200, json=OK))
    )
    with fp.CardClient("1", "s", http_client=http) as client:
        client.cards.activate("c")
    assert (http.base_url, http.auth, http.timeout.read) == (httpx.URL(""), None, 3)
    assert str(seen[0].url) == "https://test-api.freedompay.kz/v5/card-api/card/activate"
    assert fp.verify(seen[0].headers["X-JWS-Signature"], seen[0].content, path=seen[0].url.path, secret_key="s") == "1"
    assert not http.is_closed
    http.close()


def test_two_clients_sharing_one_http_client_never_mix_partners() -> None:
    seen: list[httpx.Request] = []
    http = httpx.Client(transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200, json=OK)))
    a = fp.CardClient("PARTNER-A", "secret-a", base_url="http://127.0.0.1:1", http_client=http)
    b = fp.CardClient("PARTNER-B", "secret-b", base_url="http://127.0.0.2:2", http_client=http)
    a.cards.activate("card-a")
    b.cards.activate("card-b")
    a.cards.activate("card-a")
    assert [
        (r.url.host, fp.verify(r.headers["X-JWS-Signature"], r.content, path=r.url.path, secret_key=k))
        for r, k in zip(seen, ["secret-a", "secret-b", "secret-a"], strict=True)
    ] == [
        ("127.0.0.1", "PARTNER-A"),
        ("127.0.0.2", "PARTNER-B"),
        ("127.0.0.1", "PARTNER-A"),
    ]


def test_timeout_applies_per_request_with_a_finite_default() -> None:
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200, json=OK))
    with fp.CardClient("1", "s", http_client=httpx.Client(transport=transport), timeout=7) as c:
        c.cards.activate("c")
    assert seen[-1].extensions["timeout"]["read"] == 7
    own = fp.CardClient("1", "s")
    assert own.timeout == 30.0
    own.close()
    assert own._http.is_closed


def test_from_env_overrides_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FREEDOMPAY_AUTH_ID", "777")
    monkeypatch.setenv("FREEDOMPAY_SECRET_KEY", "k")
    monkeypatch.setenv("FREEDOMPAY_ENVIRONMENT", "production")
    assert fp.CardClient.from_env(base_url="http://127.0.0.1:5").base_url == "http://127.0.0.1:5"
    monkeypatch.delenv("FREEDOMPAY_ENVIRONMENT")
    monkeypatch.setenv("FREEDOMPAY_BASE_URL", "http://127.0.0.1:9")
    assert fp.CardClient.from_env(environment="test").base_url == "https://test-api.freedompay.kz"


def test_wrong_http_client_type_is_refused() -> None:
    with pytest.raises(TypeError):
        fp.CardClient("1", "s", http_client=httpx.AsyncClient())  # type: ignore[arg-type]


async def test_async_client_context_closes_its_own_http_client() -> None:
    async with fp.AsyncCardClient("1", "s") as client:
        assert not client._http.is_closed
    assert client._http.is_closed


def test_max_retries_wins_over_the_retry_policy_count_and_keeps_its_backoff() -> None:
    policy = fp.RetryPolicy(max_retries=5, base=0.25, cap=1.0)
    assert fp.CardClient("1", "s", retry_policy=policy)._policy == policy
    combined = fp.CardClient("1", "s", retry_policy=policy, max_retries=0)._policy
    assert (combined.max_retries, combined.base, combined.cap) == (0, 0.25, 1.0)
    assert fp.CardClient("1", "s")._policy == fp.RetryPolicy(max_retries=2)
