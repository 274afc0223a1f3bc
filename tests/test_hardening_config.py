"""Configuration errors that say what to fix, secrets kept out of pickles and URLs, and errors that
survive copy and pickle (issues 12 and 13)."""

from __future__ import annotations

import copy
import inspect
import pickle
from typing import Any

import httpx
import pytest

import freedompay_cards as fp
from freedompay_cards import _errors

KEY = "sk-live-7f3a9c0e2b4d"  # recognisable, so that a leak shows


def _settings(**override: Any) -> dict[str, Any]:
    return {"auth_id": "123456", "secret_key": KEY, **override}


# (label, constructor arguments, class, argument named, text the message holds)
BAD_CONFIG: list[tuple[str, dict[str, Any], type[Exception], str, str]] = [
    ("auth_id int", _settings(auth_id=123456), fp.ConfigurationTypeError, "auth_id", "expected str, got int"),
    ("auth_id none", _settings(auth_id=None), fp.ConfigurationTypeError, "auth_id", "expected str, got NoneType"),
    ("auth_id empty", _settings(auth_id=""), fp.ConfigurationError, "auth_id", "not empty or blank"),
    ("auth_id blank", _settings(auth_id="  "), fp.ConfigurationError, "auth_id", "not empty or blank"),
    ("auth_id surrogate", _settings(auth_id="12\ud800"), fp.ConfigurationError, "auth_id", "U+D800"),
    ("auth_id newline", _settings(auth_id="123456\n"), fp.ConfigurationError, "auth_id", "trailing newline"),
    ("secret_key bytes", _settings(secret_key=KEY.encode()), fp.ConfigurationTypeError, "secret_key", "expected str, got bytes"),
    ("secret_key empty", _settings(secret_key=""), fp.ConfigurationError, "secret_key", "not empty or blank"),
    ("secret_key blank", _settings(secret_key=" \t "), fp.ConfigurationError, "secret_key", "not empty or blank"),
    ("secret_key surrogate", _settings(secret_key=KEY + "\udc00"), fp.ConfigurationError, "secret_key", "U+DC00"),
    ("secret_key NUL", _settings(secret_key=KEY + "\x00"), fp.ConfigurationError, "secret_key", "U+0000"),
    ("secret_key newline", _settings(secret_key=KEY + "\r\n"), fp.ConfigurationError, "secret_key", "trailing newline"),
    ("unknown environment", _settings(environment="staging"), fp.ConfigurationError, "environment", "'test' or 'production'"),
    ("sandbox environment", _settings(environment="sandbox"), fp.ConfigurationError, "environment", "python -m freedompay_cards.sandbox"),
    ("environment int", _settings(environment=1), fp.ConfigurationTypeError, "environment", "expected str"),
    ("both", _settings(environment="test", base_url="https://x.kz"), fp.ConfigurationError, "environment", "not both"),
    ("base_url bytes", _settings(base_url=b"https://x.kz"), fp.ConfigurationTypeError, "base_url", "expected str"),
    ("base_url ftp", _settings(base_url="ftp://x.kz"), fp.ConfigurationError, "base_url", "http or https"),
    ("base_url no host", _settings(base_url="https://"), fp.ConfigurationError, "base_url", "base_url"),
    ("base_url bad port", _settings(base_url="https://x.kz:99999999"), fp.ConfigurationError, "base_url", "1 to 65535"),
    ("base_url unparsable", _settings(base_url="https://[::1"), fp.ConfigurationError, "base_url", "not a URL"),
    ("base_url query", _settings(base_url="https://x.kz/?a=1"), fp.ConfigurationError, "base_url", "no query"),
    ("base_url plain http", _settings(base_url="http://api.example.com"), fp.ConfigurationError, "base_url", "allow_insecure_http"),
    ("base_url password", _settings(base_url="https://user:hunter2@proxy.kz"), fp.ConfigurationError, "base_url", "user name or password"),
    ("base_url user", _settings(base_url="https://partner@proxy.kz"), fp.ConfigurationError, "base_url", "user name or password"),
    ("base_url newline", _settings(base_url="https://x.kz\n"), fp.ConfigurationError, "base_url", "U+000A"),
    ("timeout zero", _settings(timeout=0), fp.ConfigurationError, "timeout", "positive"),
    ("timeout inf", _settings(timeout=float("inf")), fp.ConfigurationError, "timeout", "86400"),
    ("timeout huge", _settings(timeout=1e308), fp.ConfigurationError, "timeout", "86400"),
    ("timeout nan", _settings(timeout=float("nan")), fp.ConfigurationError, "timeout", "positive"),
    ("timeout str", _settings(timeout="30"), fp.ConfigurationTypeError, "timeout", "expected a number of seconds"),
    ("max_retries negative", _settings(max_retries=-1), fp.ConfigurationError, "max_retries", "from 0 to 100"),
    ("max_retries huge", _settings(max_retries=10**9), fp.ConfigurationError, "max_retries", "from 0 to 100"),
    ("max_retries enormous", _settings(max_retries=10**5000), fp.ConfigurationError, "max_retries", "a number that large"),
    ("max_retries float", _settings(max_retries=1.5), fp.ConfigurationTypeError, "max_retries", "expected int, got float"),
    ("max_retries bool", _settings(max_retries=True), fp.ConfigurationTypeError, "max_retries", "expected int, got bool"),
    ("factory", _settings(request_id_factory="uuid4"), fp.ConfigurationTypeError, "request_id_factory", "callable"),
    ("insecure str", _settings(allow_insecure_http="no"), fp.ConfigurationTypeError, "allow_insecure_http", "bool"),
]  # fmt: skip


@pytest.mark.parametrize("cls", [fp.CardClient, fp.AsyncCardClient])
@pytest.mark.parametrize(("label", "kwargs", "kind", "argument", "text"), BAD_CONFIG, ids=[b[0] for b in BAD_CONFIG])
def test_a_configuration_mistake_names_the_argument_and_what_is_accepted(
    cls: Any, label: str, kwargs: dict[str, Any], kind: type[Exception], argument: str, text: str
) -> None:
    with pytest.raises(kind) as info:
        cls(**kwargs)
    err = info.value
    assert isinstance(err, fp.FreedomPayError) and isinstance(err, ValueError)
    assert isinstance(err, TypeError) == (kind is fp.ConfigurationTypeError)
    assert err.argument == argument and str(err).startswith(f"{argument}: ") and text in str(err)
    assert KEY not in str(err) and "hunter2" not in str(err) and "hunter2" not in repr(err)


@pytest.mark.parametrize("value", ["sandbox", "local", "dev", "staging", "Production"])
def test_an_unknown_environment_variable_points_to_the_base_url(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("FREEDOMPAY_AUTH_ID", "123456")
    monkeypatch.setenv("FREEDOMPAY_SECRET_KEY", KEY)
    monkeypatch.setenv("FREEDOMPAY_ENVIRONMENT", value)
    monkeypatch.delenv("FREEDOMPAY_BASE_URL", raising=False)
    with pytest.raises(fp.ConfigurationError) as info:
        fp.CardClient.from_env()
    message = str(info.value)
    assert info.value.argument == "FREEDOMPAY_ENVIRONMENT"
    assert message.startswith(f"FREEDOMPAY_ENVIRONMENT: must be test or production, got {value!r}")
    assert "set FREEDOMPAY_BASE_URL to its URL (python -m freedompay_cards.sandbox prints it)" in message


@pytest.mark.parametrize(
    ("variable", "value", "text"),
    [
        ("FREEDOMPAY_SECRET_KEY", KEY + "\n", "trailing newline"),
        ("FREEDOMPAY_AUTH_ID", " ", "not empty or blank"),
        ("FREEDOMPAY_BASE_URL", "https://user:hunter2@x.kz", "user name or password"),
        ("FREEDOMPAY_BASE_URL", "http://api.example.com", "allow_insecure_http"),
    ],
)
def test_a_bad_environment_variable_is_named(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, text: str
) -> None:
    monkeypatch.setenv("FREEDOMPAY_AUTH_ID", "123456")
    monkeypatch.setenv("FREEDOMPAY_SECRET_KEY", KEY)
    monkeypatch.delenv("FREEDOMPAY_ENVIRONMENT", raising=False)
    monkeypatch.delenv("FREEDOMPAY_BASE_URL", raising=False)
    monkeypatch.setenv(variable, value)
    with pytest.raises(fp.ConfigurationError) as info:
        fp.AsyncCardClient.from_env()
    assert info.value.argument == variable and text in str(info.value)
    assert KEY not in str(info.value) and "hunter2" not in str(info.value)


def test_both_environment_variables_are_named_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FREEDOMPAY_AUTH_ID", "123456")
    monkeypatch.setenv("FREEDOMPAY_SECRET_KEY", KEY)
    monkeypatch.setenv("FREEDOMPAY_ENVIRONMENT", "test")
    monkeypatch.setenv("FREEDOMPAY_BASE_URL", "https://x.kz")
    with pytest.raises(fp.ConfigurationError, match="FREEDOMPAY_ENVIRONMENT and FREEDOMPAY_BASE_URL: set one"):
        fp.CardClient.from_env()


def test_an_argument_overriding_a_bad_variable_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FREEDOMPAY_AUTH_ID", "123456")
    monkeypatch.setenv("FREEDOMPAY_SECRET_KEY", KEY)
    monkeypatch.setenv("FREEDOMPAY_ENVIRONMENT", "sandbox")
    client = fp.CardClient.from_env(base_url="http://127.0.0.1:8080")
    assert client.base_url == "http://127.0.0.1:8080" and type(client._config.auth_id) is str
    client.close()


def test_missing_variables_are_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FREEDOMPAY_AUTH_ID", raising=False)
    monkeypatch.setenv("FREEDOMPAY_SECRET_KEY", "")
    with pytest.raises(fp.ConfigurationError) as info:
        fp.CardClient.from_env()
    assert info.value.argument == "FREEDOMPAY_AUTH_ID and FREEDOMPAY_SECRET_KEY"


# ------------------------------------------------------------------------------ secrets kept too long


def test_pickling_the_config_or_the_signer_is_refused_and_copies_stay_usable() -> None:
    client = fp.CardClient("123456", KEY)
    for holder in (client._config, *client._signers.values()):
        with pytest.raises(TypeError, match="secret key"):
            pickle.dumps(holder)
        for made in (copy.copy(holder), copy.deepcopy(holder)):
            assert type(made) is type(holder) and made is not holder and KEY not in repr(made)
    config = copy.deepcopy(client._config)
    assert (config.auth_id, config.secret_key, config.base_url) == ("123456", KEY, client.base_url)
    request = httpx.Request("POST", "https://x.kz/v5/card-api/card/info", content=b"{}")
    signed = [
        next(auth.auth_flow(httpx.Request("POST", request.url, content=b"{}")))
        for auth in (client._signers["jws"], copy.deepcopy(client._signers["jws"]))
    ]
    assert signed[0].headers["X-JWS-Signature"] == signed[1].headers["X-JWS-Signature"]
    client.close()


def test_a_password_in_base_url_never_reaches_a_repr_or_a_message() -> None:
    with pytest.raises(fp.ConfigurationError) as info:
        fp.CardClient("123456", KEY, base_url="https://partner:hunter2@proxy.example.kz/freedompay")
    assert "hunter2" not in str(info.value) and "partner" not in str(info.value)
    with pytest.raises(fp.ConfigurationError) as bad:
        fp.CardClient("123456", KEY, base_url="https://partner:hunter2@[::1")  # does not even parse
    assert "hunter2" not in str(bad.value)


# ------------------------------------------------------------------------------ errors: copy and pickle


def _subclasses(cls: type[fp.FreedomPayError]) -> list[type[fp.FreedomPayError]]:
    found = [cls]
    for sub in cls.__subclasses__():
        found += _subclasses(sub)
    return found


EVERY_ERROR = sorted(set(_subclasses(fp.FreedomPayError)), key=lambda c: c.__name__)


def _an_instance(cls: type[fp.FreedomPayError]) -> fp.FreedomPayError:
    """An instance of ``cls`` with every attribute its constructor takes set to something recognisable."""
    params = inspect.signature(cls.__init__).parameters
    if "field" in params:
        return cls("card_id", "must not be empty")  # type: ignore[call-arg]
    if "argument" in params:
        return cls("FREEDOMPAY_ENVIRONMENT", "must be test or production")  # type: ignore[call-arg]
    kwargs: dict[str, Any] = {"operation": "cards.block", "request_id": "828cf71d-a447-4a67-a149-c1df8bc197ca"}
    extra = {
        "code": "INVALID_CARD_STATE",
        "http_status": 409,
        "body": {"error_description": "card 4000001234567899 cvv 653", "nested": [{"pin": "1234"}]},
        "attempts": 3,
        "outcome_unknown": True,
    }
    kwargs.update({k: val for k, val in extra.items() if k in params})
    err = cls("refused: cvv 653", **kwargs)
    err.__notes__ = ["a note"]
    if isinstance(err, fp.APIError):
        err.retry_after = 1.5
    return err


@pytest.mark.parametrize("cls", EVERY_ERROR, ids=[c.__name__ for c in EVERY_ERROR])
@pytest.mark.parametrize("how", ["copy", "deepcopy", "pickle"])
def test_every_error_survives_copy_and_pickle_with_its_attributes(cls: type[fp.FreedomPayError], how: str) -> None:
    err = _an_instance(cls)
    made = {
        "copy": copy.copy,
        "deepcopy": copy.deepcopy,
        "pickle": lambda e: pickle.loads(pickle.dumps(e)),
    }[how](err)
    assert type(made) is cls and made is not err
    assert vars(made) == vars(err) and made.args == err.args
    assert (str(made), repr(made)) == (str(err), repr(err))
    assert (made.attempts, made.outcome_unknown) == (err.attempts, err.outcome_unknown)
    assert "653" not in repr(vars(made)) and "4000001234567899" not in repr(vars(made))


def test_every_error_class_is_exported_and_covered() -> None:
    public = {name for name in fp.__all__ if name.endswith("Error") and name not in ("SignatureError",)}
    assert {c.__name__ for c in EVERY_ERROR} == public
    assert issubclass(fp.ConfigurationTypeError, TypeError) and issubclass(fp.ConfigurationError, ValueError)
    assert _errors.ConfigurationError is fp.ConfigurationError
