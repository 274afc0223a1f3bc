"""The target of a command: the client's settings from the FREEDOMPAY_* variables and the flags that
replace them (``--base-url``, ``--environment``, ``--deadline``). Used by ``_commands`` and ``_conformance``."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from .._config import ENV_AUTH_ID, ENV_SECRET_KEY, settings_from_env
from .._errors import ConfigurationError
from .._sync._client import CardClient
from ._base import UsageError

_NO_CREDENTIALS = (
    "not set. Export both before running a command (the secret key is read from the environment only, never "
    "from a flag, so that it stays out of the shell history and the process list). The target is the test "
    "environment unless --environment production or --base-url URL (or FREEDOMPAY_ENVIRONMENT / "
    "FREEDOMPAY_BASE_URL) says otherwise"
)


def target_settings(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, Any]:
    """The client's settings from the FREEDOMPAY_* variables in ``environ``, with ``--base-url`` /
    ``--environment`` replacing the environment's choice of target (as ``CardClient.from_env(base_url=...)``
    does)."""
    if args.base_url is not None and args.environment is not None:
        raise UsageError("--base-url and --environment both name the target: give one of them")
    missing = [name for name in (ENV_AUTH_ID, ENV_SECRET_KEY) if not environ.get(name)]
    if missing:
        raise ConfigurationError(" and ".join(missing), _NO_CREDENTIALS)
    settings = settings_from_env(environ)
    if args.base_url is not None:
        settings.pop("environment", None)
        settings["base_url"] = args.base_url
    if args.environment is not None:
        settings.pop("base_url", None)
        settings["environment"] = args.environment
    if getattr(args, "deadline", None) is not None:
        settings["deadline"] = args.deadline
    return settings


def make_client(args: argparse.Namespace, environ: Mapping[str, str], **kwargs: Any) -> CardClient:
    """A client for the target the environment and the flags name."""
    return CardClient(**target_settings(args, environ), **kwargs)
