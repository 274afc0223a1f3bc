"""Per-call options: what every public method accepts besides its own arguments.

    client.cards.block(card_id, reason="lost", timeout=5, max_retries=0)
    client.cards.info(card_id, deadline=2.5, extra_headers={"X-Trace": "abc"})
    client.cards.block(card_id, reason="lost", extra_body={"comment": "new field"})

- ``max_retries``: extra attempts after a failure worth retrying (the client's default otherwise).
- ``timeout``: seconds (or an ``httpx.Timeout``) one attempt may take, from connecting to the last byte of
  the answer: a wall-clock bound, not httpx's per-read timeout. ``None``: no bound.
- ``deadline``: seconds the whole call may take: every attempt, the waits between them, Request status
  queries made to reconcile, and ``wait=True`` polling. ``None``: no bound (the default).
- ``extra_headers``: more HTTP headers; they can never replace the signature, the content headers or the
  host, and a ``User-Agent`` given here is put before the library's own.
- ``extra_body``: more top-level JSON fields, for fields the library does not know yet; they can never
  replace ``request_id`` or a field the method sets.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict

from . import _validate as v
from ._core import monotonic
from ._errors import ConfigurationError, ConfigurationTypeError, InvalidRequestError, InvalidRequestTypeError

if TYPE_CHECKING:
    import httpx


class RequestOptions(TypedDict, total=False):
    """The per-call keyword arguments every method accepts (see the module docstring)."""

    max_retries: int
    timeout: float | httpx.Timeout | None
    deadline: float | None
    extra_headers: Mapping[str, str] | None
    extra_body: Mapping[str, object] | None


# Headers the library owns: the signature covers the body and path, the content headers describe the
# signed bytes, and the answer's size limit depends on the encodings it accepts.
RESERVED_HEADERS = frozenset(
    {
        "x-jws-signature",
        "jws-signature",
        "content-type",
        "content-length",
        "content-encoding",
        "transfer-encoding",
        "host",
        "accept-encoding",
        "connection",
        "upgrade",
    }
)
_KNOWN = frozenset(RequestOptions.__annotations__)


def seconds_or_none(field: str, value: object) -> float | None:
    """A number of seconds (a millisecond to a day), or None for no bound."""
    return None if value is None else v.seconds(field, value)


def headers(value: object) -> dict[str, str]:
    """``extra_headers``, checked: string names and values, none of them reserved, no line breaks."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidRequestTypeError("extra_headers", f"expected a mapping, got {type(value).__name__}")
    out: dict[str, str] = {}
    for name, item in value.items():
        if not isinstance(name, str) or not isinstance(item, str):
            raise InvalidRequestTypeError("extra_headers", "names and values must be strings")
        if not name or not name.isascii() or any(c in name for c in " \t\r\n:"):
            raise InvalidRequestError("extra_headers", f"{name!r} is not a header name")
        if any(c in item for c in "\r\n\0"):
            raise InvalidRequestError("extra_headers", f"{name}: a value must not contain line breaks or NUL")
        if not item.isascii():  # httpx sends header values as ASCII: anything else cannot be sent
            raise InvalidRequestError("extra_headers", f"{name}: a value must be ASCII text")
        if name.lower() in RESERVED_HEADERS:
            raise InvalidRequestError("extra_headers", f"{name} is set by the library and cannot be replaced")
        out[name] = item
    return out


def body_fields(value: object) -> dict[str, object]:
    """``extra_body``, checked for shape; whether a name collides is checked against the built body."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidRequestTypeError("extra_body", f"expected a mapping, got {type(value).__name__}")
    for name in value:
        if not isinstance(name, str) or not name:
            raise InvalidRequestError("extra_body", "field names must be non-empty strings")
    return dict(value)


def unknown(options: Mapping[str, Any]) -> None:
    """Raise for a keyword argument no method accepts (Python would, had it been spelt out)."""
    for name in options:
        if name not in _KNOWN:
            raise InvalidRequestTypeError(name, f"unexpected keyword argument; accepted: {', '.join(sorted(_KNOWN))}")


class _NotGiven:
    """The default of ``with_options`` arguments: leave the setting as it is (``None`` means "no bound")."""

    _instance: _NotGiven | None = None

    def __new__(cls) -> _NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


NOT_GIVEN: Any = _NotGiven()
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
# An error answer's body is read up to this much: enough for any error text, never a flood.
ERROR_BODY_LIMIT = 1024 * 1024


def _timeout(value: object) -> float | httpx.Timeout | None:
    import httpx

    if value is None or isinstance(value, httpx.Timeout):
        return value
    return seconds_or_none("timeout", value)


def _wall_seconds(timeout: float | httpx.Timeout | None) -> float | None:
    """The wall-clock bound of one attempt: the seconds given, or for an ``httpx.Timeout`` the sum of
    its phases (connect, write, read, pool), None when any phase is unbounded."""
    if timeout is None or isinstance(timeout, float):
        return timeout
    phases = (timeout.connect, timeout.write, timeout.read, timeout.pool)
    return None if any(p is None for p in phases) else float(sum(p for p in phases if p is not None))


def check_max_response_bytes(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequestTypeError("max_response_bytes", f"expected an int, got {type(value).__name__}")
    if value < 1024:
        raise InvalidRequestError("max_response_bytes", "must be at least 1024")
    return value


def user_agent(app_info: Mapping[str, str] | None, callers: str | None = None) -> str:
    """The User-Agent: the caller's own (if their httpx client has one), then the library's, then the
    application's ``app_info`` (name, version, url)."""
    import httpx

    from ._version import __version__

    python = "{}.{}.{}".format(*sys.version_info[:3])
    ours = f"freedompay-cards/{__version__} (python {python}; httpx {httpx.__version__})"
    if app_info is not None:
        if not isinstance(app_info, Mapping) or not isinstance(app_info.get("name"), str) or not app_info["name"]:
            raise ConfigurationTypeError("app_info", "expected a mapping with a non-empty 'name' ('version', 'url')")
        unknown_keys = set(app_info) - {"name", "version", "url"}
        if unknown_keys:
            raise ConfigurationError("app_info", f"unknown keys {sorted(unknown_keys)}; accepted: name, version, url")
        app = app_info["name"] + (f"/{app_info['version']}" if app_info.get("version") else "")
        ours += f" {app}" + (f" (+{app_info['url']})" if app_info.get("url") else "")
    if any(c in ours for c in "\r\n\0"):
        raise ConfigurationError("app_info", "must not contain line breaks or NUL")
    if callers and not callers.startswith("python-httpx/"):
        return f"{callers} {ours}"
    return ours


class ClientDefaults:
    """A client's per-call defaults: what ``with_options`` changes and ``RequestOptions`` override."""

    __slots__ = ("deadline", "max_response_bytes", "max_retries", "timeout", "user_agent")

    def __init__(
        self,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        deadline: float | None,
        max_response_bytes: int,
        user_agent: str,
    ) -> None:
        self.timeout = timeout
        self.max_retries = max_retries
        self.deadline = deadline
        self.max_response_bytes = max_response_bytes
        self.user_agent = user_agent

    @classmethod
    def build(
        cls, *, timeout: object, max_retries: object, deadline: object, max_response_bytes: object, user_agent: str
    ) -> ClientDefaults:
        """The defaults, checked: a bad one is a configuration mistake (``ConfigurationError``)."""
        try:
            return cls._build(timeout, max_retries, deadline, max_response_bytes, user_agent)
        except InvalidRequestError as err:
            kind = ConfigurationTypeError if isinstance(err, TypeError) else ConfigurationError
            raise kind(err.field, err.message.removeprefix(f"{err.field}: ")) from None

    @classmethod
    def _build(
        cls, timeout: object, max_retries: object, deadline: object, max_response_bytes: object, user_agent: str
    ) -> ClientDefaults:
        return cls(
            _timeout(timeout),
            v.max_retries("max_retries", max_retries),
            seconds_or_none("deadline", deadline),
            DEFAULT_MAX_RESPONSE_BYTES if max_response_bytes is None else check_max_response_bytes(max_response_bytes),
            user_agent,
        )

    def evolve(self, **changes: object) -> ClientDefaults:
        """A copy with the given settings changed (``NOT_GIVEN`` leaves one as it is)."""
        current = {name: getattr(self, name) for name in self.__slots__}
        current.update({name: value for name, value in changes.items() if value is not NOT_GIVEN})
        return ClientDefaults.build(**current)

    def __repr__(self) -> str:
        return (
            f"ClientDefaults(timeout={self.timeout!r}, max_retries={self.max_retries}, deadline={self.deadline!r}, "
            f"max_response_bytes={self.max_response_bytes})"
        )


class CallSettings:
    """One call's settings, resolved once from the client's defaults and the call's ``RequestOptions``."""

    __slots__ = ("ends", "extra_body", "extra_headers", "max_response_bytes", "max_retries", "timeout", "user_agent")

    def __init__(
        self,
        *,
        max_retries: int,
        timeout: float | httpx.Timeout | None,
        ends: float | None,
        extra_headers: dict[str, str],
        extra_body: dict[str, object],
        user_agent: str,
        max_response_bytes: int,
    ) -> None:
        self.max_retries = max_retries
        self.timeout = timeout
        self.ends = ends  # the monotonic time the whole call must end by (None: no deadline)
        self.extra_headers = extra_headers
        self.extra_body = extra_body
        self.user_agent = user_agent
        self.max_response_bytes = max_response_bytes

    @classmethod
    def resolve(cls, options: Mapping[str, Any], defaults: ClientDefaults, client_retries: int) -> CallSettings:
        if options:
            unknown(options)
        retries = v.max_retries("max_retries", options["max_retries"]) if "max_retries" in options else client_retries
        timeout = _timeout(options["timeout"]) if "timeout" in options else defaults.timeout
        deadline = seconds_or_none("deadline", options["deadline"]) if "deadline" in options else defaults.deadline
        extra = headers(options.get("extra_headers"))
        agent = defaults.user_agent
        for name in [n for n in extra if n.lower() == "user-agent"]:
            agent = f"{extra.pop(name)} {agent}"
        return cls(
            max_retries=retries,
            timeout=timeout,
            ends=None if deadline is None else monotonic() + deadline,
            extra_headers=extra,
            extra_body=body_fields(options.get("extra_body")),
            user_agent=agent,
            max_response_bytes=defaults.max_response_bytes,
        )

    def until(self, ends: float) -> CallSettings:
        """These settings, with the call ending by ``ends`` at the latest (a wait inside a call)."""
        clone = copy.copy(self)
        clone.ends = ends if self.ends is None else min(self.ends, ends)
        return clone

    def time_left(self) -> float | None:
        return None if self.ends is None else self.ends - monotonic()

    def expired(self) -> bool:
        left = self.time_left()
        return left is not None and left <= 0

    def attempt_seconds(self) -> float | None:
        """The wall-clock bound of the next attempt: the timeout, cut to what is left of the deadline."""
        wall = _wall_seconds(self.timeout)
        left = self.time_left()
        if left is None:
            return wall
        left = max(left, 0.001)
        return left if wall is None else min(wall, left)

    def phase_timeouts(self, seconds: float | None) -> dict[str, float | None]:
        """httpx's per-phase timeouts for an attempt bounded by ``seconds``."""
        import httpx

        if isinstance(self.timeout, httpx.Timeout):
            phases = self.timeout.as_dict()
            if seconds is None:
                return phases
            return {k: seconds if v is None else min(v, seconds) for k, v in phases.items()}
        return {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}

    def limit_for(self, status: int) -> int:
        """How much of an answer with ``status`` may be read."""
        return self.max_response_bytes if status == 200 else min(self.max_response_bytes, ERROR_BODY_LIMIT)
