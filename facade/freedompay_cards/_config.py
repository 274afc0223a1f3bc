"""Client configuration, checked at construction (``ValueError`` on anything wrong, before any I/O)."""

from __future__ import annotations

import ipaddress
import math
import os
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import httpx

ENVIRONMENTS = {
    "production": "https://api.freedompay.kz",
    "test": "https://test-api.freedompay.kz",
}
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2
ENV_AUTH_ID = "FREEDOMPAY_AUTH_ID"
ENV_SECRET_KEY = "FREEDOMPAY_SECRET_KEY"
ENV_ENVIRONMENT = "FREEDOMPAY_ENVIRONMENT"
ENV_BASE_URL = "FREEDOMPAY_BASE_URL"


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class ClientConfig:
    """A client's checked settings. ``repr`` leaves the secret key out."""

    __slots__ = ("auth_id", "base_url", "max_retries", "request_id_factory", "secret_key", "timeout")

    def __init__(
        self,
        *,
        auth_id: str,
        secret_key: str,
        base_url: str,
        timeout: httpx.Timeout | None,
        max_retries: int,
        request_id_factory: Callable[[], uuid.UUID | str],
    ) -> None:
        self.auth_id = auth_id
        self.secret_key = secret_key
        self.base_url = base_url
        self.timeout = timeout
        self.max_retries = max_retries
        self.request_id_factory = request_id_factory

    def __repr__(self) -> str:
        return f"ClientConfig(auth_id={self.auth_id!r}, base_url={self.base_url!r}, max_retries={self.max_retries})"

    @classmethod
    def build(
        cls,
        *,
        auth_id: object,
        secret_key: object,
        environment: object,
        base_url: object,
        timeout: object,
        max_retries: object,
        request_id_factory: Callable[[], uuid.UUID | str] | None,
        allow_insecure_http: bool,
    ) -> ClientConfig:
        if not isinstance(auth_id, str) or not auth_id.strip():
            raise ValueError("auth_id must be the non-empty auth_id Freedom Pay issued to you")
        if not isinstance(secret_key, str) or not secret_key:
            raise ValueError("secret_key must be a non-empty string")
        url = cls._base_url(environment, base_url, allow_insecure_http)
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError("max_retries must be an int >= 0")
        return cls(
            auth_id=auth_id,
            secret_key=secret_key,
            base_url=url,
            timeout=cls._timeout(timeout),
            max_retries=max_retries,
            request_id_factory=request_id_factory or uuid.uuid4,
        )

    @staticmethod
    def _base_url(environment: object, base_url: object, allow_insecure_http: bool) -> str:
        if base_url is None:
            env = "test" if environment is None else environment
            if env not in ENVIRONMENTS:
                raise ValueError(f"environment must be one of {sorted(ENVIRONMENTS)}, got {env!r}")
            return ENVIRONMENTS[str(env)]
        if environment is not None:
            raise ValueError("give either environment or base_url, not both")
        if not isinstance(base_url, str):
            raise ValueError("base_url must be a string such as 'https://test-api.freedompay.kz'")
        try:
            url = httpx.URL(base_url)
        except httpx.InvalidURL as exc:
            raise ValueError(f"base_url is not a URL: {exc}") from None
        if url.scheme not in {"http", "https"} or not url.host:
            raise ValueError("base_url must be an http(s) URL with a host")
        if url.query or url.fragment:
            raise ValueError("base_url must have no query or fragment")
        if url.scheme == "http" and not _is_loopback(url.host) and not allow_insecure_http:
            raise ValueError(
                "base_url uses plain http to a non-loopback host; use https, or pass allow_insecure_http=True"
            )
        return str(url).rstrip("/")

    @staticmethod
    def _timeout(timeout: object) -> httpx.Timeout | None:
        if timeout is None:
            return None
        if isinstance(timeout, httpx.Timeout):
            return timeout
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise ValueError("timeout must be a number of seconds or an httpx.Timeout")
        if not math.isfinite(timeout) or timeout <= 0:
            raise ValueError("timeout must be a positive, finite number of seconds")
        return httpx.Timeout(float(timeout))


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Constructor arguments from FREEDOMPAY_AUTH_ID, FREEDOMPAY_SECRET_KEY and FREEDOMPAY_ENVIRONMENT or
    FREEDOMPAY_BASE_URL."""
    env = os.environ if environ is None else environ
    missing = [name for name in (ENV_AUTH_ID, ENV_SECRET_KEY) if not env.get(name)]
    if missing:
        raise ValueError(f"set {' and '.join(missing)} in the environment")
    settings: dict[str, Any] = {"auth_id": env[ENV_AUTH_ID], "secret_key": env[ENV_SECRET_KEY]}
    if env.get(ENV_BASE_URL):
        settings["base_url"] = env[ENV_BASE_URL]
    if env.get(ENV_ENVIRONMENT):
        settings["environment"] = env[ENV_ENVIRONMENT]
    return settings
