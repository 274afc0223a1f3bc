"""Client configuration, checked at construction, before any I/O.

Every mistake raises ``ConfigurationError`` (a ``FreedomPayError`` and a ``ValueError``), or
``ConfigurationTypeError`` (also a ``TypeError``) for a value of the wrong type. The message names the
argument, or the environment variable when the value came from ``settings_from_env``
(``FREEDOMPAY_AUTH_ID``...), says what is accepted, and never holds the secret key.

Decisions:
- A ``base_url`` with credentials (``https://user:password@host``) is refused: they would show in
  ``repr(client)`` and in logs, the API authenticates with ``auth_id``/``secret_key`` only, and a proxy
  takes its own credentials through ``http_client=httpx.Client(proxy=...)``.
- ``ClientConfig`` and ``JWSAuth`` hold the secret key: ``pickle`` refuses them (``TypeError``), as it
  refuses ``Secret``, so the key never lands in a pickle file, a cache or a task queue. ``copy.copy`` and
  ``copy.deepcopy`` work: a copy stays in the process, like the original.
"""

from __future__ import annotations

import ipaddress
import os
import uuid
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

import httpx

from ._errors import ConfigurationError, ConfigurationTypeError
from ._validate import NOT_IN_ID, _shown, describe_char, refused_char

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
_SANDBOX_URL = "its URL (python -m freedompay_cards.sandbox prints it)"  # for FREEDOMPAY_BASE_URL


class EnvValue(str):
    """A setting read from the environment: a ``str`` that remembers its variable, so that a mistake in it
    is reported under the variable's name however it reaches the constructor."""

    variable: str

    @classmethod
    def of(cls, value: str, variable: str) -> EnvValue:
        made = cls(value)
        made.variable = variable
        return made


def _source(argument: str, value: object) -> str:
    return value.variable if isinstance(value, EnvValue) else argument


def _type_error(argument: str, value: object, expected: str) -> NoReturn:
    raise ConfigurationTypeError(_source(argument, value), f"expected {expected}, got {type(value).__name__}")


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _printable(argument: str, value: str) -> None:
    # controls (a trailing newline from a file), lone surrogates (never encodable, so never signable),
    # bidi and invisible formatting characters: what no id takes
    bad = refused_char(value, NOT_IN_ID)
    if bad:
        hint = " (a trailing newline?)" if bad.group() in "\r\n" and bad.start() >= len(value.rstrip()) else ""
        raise ConfigurationError(
            _source(argument, value), f"contains {describe_char(bad.group())} at position {bad.start()}{hint}"
        )


def _credential(argument: str, value: object, what: str) -> str:
    """``auth_id`` or ``secret_key``: a non-blank string that can be signed (never echoed)."""
    if not isinstance(value, str):
        _type_error(argument, value, "str")
    if not value.strip():
        raise ConfigurationError(_source(argument, value), f"must be {what}, not empty or blank")
    _printable(argument, value)
    return str(value)


class ClientConfig:
    """A client's checked settings. ``repr`` leaves the secret key out; pickling is refused."""

    __slots__ = ("auth_id", "base_url", "request_id_factory", "secret_key")

    def __init__(
        self,
        *,
        auth_id: str,
        secret_key: str,
        base_url: str,
        request_id_factory: Callable[[], uuid.UUID | str],
    ) -> None:
        self.auth_id = auth_id
        self.secret_key = secret_key
        self.base_url = base_url
        self.request_id_factory = request_id_factory

    def __repr__(self) -> str:
        return f"ClientConfig(auth_id={self.auth_id!r}, base_url={self.base_url!r})"

    def __reduce__(self) -> Any:  # a pickle would carry the secret key: refuse rather than leak
        raise TypeError("ClientConfig holds the secret key and cannot be pickled; build the client where it is used")

    def __copy__(self) -> ClientConfig:
        return ClientConfig(
            auth_id=self.auth_id,
            secret_key=self.secret_key,
            base_url=self.base_url,
            request_id_factory=self.request_id_factory,
        )

    def __deepcopy__(self, memo: dict[int, Any]) -> ClientConfig:
        return self.__copy__()  # every field is a string or a shared factory

    @classmethod
    def build(
        cls,
        *,
        auth_id: object,
        secret_key: object,
        environment: object,
        base_url: object,
        request_id_factory: Callable[[], uuid.UUID | str] | None,
        allow_insecure_http: bool,
    ) -> ClientConfig:
        checked_auth_id = _credential("auth_id", auth_id, "the auth_id Freedom Pay issued to you")
        checked_key = _credential("secret_key", secret_key, "the secret key Freedom Pay issued to you")
        if not isinstance(allow_insecure_http, bool):
            _type_error("allow_insecure_http", allow_insecure_http, "bool")
        url = cls._base_url(environment, base_url, allow_insecure_http)
        if request_id_factory is not None and not callable(request_id_factory):
            _type_error("request_id_factory", request_id_factory, "a callable returning a UUID")
        return cls(
            auth_id=checked_auth_id,
            secret_key=checked_key,
            base_url=url,
            request_id_factory=request_id_factory or uuid.uuid4,
        )

    @staticmethod
    def _base_url(environment: object, base_url: object, allow_insecure_http: bool) -> str:
        if environment is not None and not isinstance(environment, str):
            _type_error("environment", environment, "str ('test' or 'production')")
        if base_url is None:
            env = "test" if environment is None else environment
            if env not in ENVIRONMENTS:
                if isinstance(env, EnvValue):
                    raise ConfigurationError(
                        env.variable,
                        f"must be test or production, got {_shown(str(env))}; for the sandbox set "
                        f"{ENV_BASE_URL} to {_SANDBOX_URL} and leave {ENV_ENVIRONMENT} unset",
                    )
                raise ConfigurationError(
                    "environment",
                    f"must be 'test' or 'production', got {_shown(env)}; for the sandbox pass base_url=<its URL> "
                    "(python -m freedompay_cards.sandbox prints it), or use Sandbox().client()",
                )
            return ENVIRONMENTS[str(env)]
        if environment is not None:
            if isinstance(environment, EnvValue) and isinstance(base_url, EnvValue):
                raise ConfigurationError(f"{ENV_ENVIRONMENT} and {ENV_BASE_URL}", "set one of them, not both")
            raise ConfigurationError("environment", "give either environment or base_url, not both")
        return ClientConfig._checked_url(base_url, allow_insecure_http)

    @staticmethod
    def _checked_url(base_url: object, allow_insecure_http: bool) -> str:
        example = "e.g. 'https://test-api.freedompay.kz'"
        if not isinstance(base_url, str):
            _type_error("base_url", base_url, f"str, {example}")
        name = _source("base_url", base_url)
        _printable("base_url", base_url)
        try:
            url = httpx.URL(base_url)
            host = url.host  # decodes an IDNA host (``xn--...``), which may be malformed (IDNAError)
        except (httpx.InvalidURL, ValueError) as exc:
            # the parser's message may quote the URL: only shown when the URL holds no credentials
            reason = f" ({exc})" if "@" not in base_url else ""
            raise ConfigurationError(name, f"is not a URL{reason}; expected {example}") from None
        if url.userinfo:
            raise ConfigurationError(
                name,
                "must not carry a user name or password (user:password@host): the API authenticates with "
                "auth_id and secret_key, and a proxy takes its credentials through http_client",
            )
        if url.scheme not in {"http", "https"} or not host:
            raise ConfigurationError(name, f"must be an http or https URL with a host, {example}")
        if url.port is not None and not 0 < url.port < 65536:
            raise ConfigurationError(name, f"has port {url.port}; a port is from 1 to 65535")
        if url.query or url.fragment:
            raise ConfigurationError(name, "must have no query or fragment")
        if url.scheme == "http" and not _is_loopback(host) and not allow_insecure_http:
            raise ConfigurationError(
                name, "uses plain http to a non-loopback host; use https, or pass allow_insecure_http=True"
            )
        return str(url).rstrip("/")


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Constructor arguments from FREEDOMPAY_AUTH_ID, FREEDOMPAY_SECRET_KEY and FREEDOMPAY_ENVIRONMENT or
    FREEDOMPAY_BASE_URL (an empty variable counts as unset). Each value remembers its variable, so that
    the constructor's checks name the variable rather than the argument."""
    env = os.environ if environ is None else environ
    missing = [name for name in (ENV_AUTH_ID, ENV_SECRET_KEY) if not env.get(name)]
    if missing:
        raise ConfigurationError(
            " and ".join(missing), "not set in the environment (or pass auth_id= and secret_key= to the client)"
        )
    settings: dict[str, Any] = {
        "auth_id": EnvValue.of(env[ENV_AUTH_ID], ENV_AUTH_ID),
        "secret_key": EnvValue.of(env[ENV_SECRET_KEY], ENV_SECRET_KEY),
    }
    if env.get(ENV_BASE_URL):
        settings["base_url"] = EnvValue.of(env[ENV_BASE_URL], ENV_BASE_URL)
    if env.get(ENV_ENVIRONMENT):
        settings["environment"] = EnvValue.of(env[ENV_ENVIRONMENT], ENV_ENVIRONMENT)
    return settings
