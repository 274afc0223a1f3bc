"""The ``X-JWS-Signature`` signer: a detached-payload JWS, HS512, over the exact body bytes sent.

    header    = compact JSON, keys in this order: uri, auth_id, method, params (""), alg ("HS512")
    input     = b64url(header) + "." + b64url(body)          (base64url without padding)
    signature = b64url(HMAC-SHA512(secret_key, input))
    value     = b64url(header) + ".." + signature            (payload segment left empty)

Documented in the Card API docs (a worked example is reproduced byte for byte in the tests).

Which operations are signed how is decided here, in ``SIGNERS``: the spec marks each operation with
``x-signing`` (absent: ``jws``, the documented signature; ``assumed-jws``: the gift cards, whose signing no
page states), the generated operation table carries it, and the client signs each request with the signer
``SIGNERS`` names for it. Should a check against the live API show that gift cards want another scheme,
that scheme's ``httpx.Auth`` goes into ``SIGNERS["assumed-jws"]`` and nothing else changes.
"""

from __future__ import annotations

import base64
import functools
import hmac
import json
from collections.abc import Callable, Generator
from typing import Any

import httpx

SIGNATURE_HEADER = "X-JWS-Signature"
# Request extension naming the API path to sign, when the URL's path has more (a base URL behind a proxy).
SIGNED_PATH = "freedompay_signed_path"
ALGORITHM = "HS512"


def _b64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _b64url_decode(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def protected_header(path: str, auth_id: str, method: str = "POST") -> bytes:
    """The compact JSON protected header, keys in the documented order."""
    header = {"uri": path, "auth_id": auth_id, "method": method.upper(), "params": "", "alg": ALGORITHM}
    return json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@functools.lru_cache(maxsize=512)  # a client signs few distinct (path, auth_id) pairs: encode each once
def _encoded_header(path: str, auth_id: str, method: str) -> bytes:
    return _b64url(protected_header(path, auth_id, method))


def sign(body: bytes, *, path: str, auth_id: str, secret_key: str, method: str = "POST") -> str:
    """The ``X-JWS-Signature`` value for ``body`` sent to ``path``."""
    encoded_header = _encoded_header(path, auth_id, method.upper())
    signing_input = encoded_header + b"." + _b64url(body)
    # hmac.digest: the one-shot (C) HMAC, the same bytes as hmac.new(...).digest() at half the cost
    signature = _b64url(hmac.digest(secret_key.encode("utf-8"), signing_input, "sha512"))
    return (encoded_header + b".." + signature).decode("ascii")


def verify(
    signature: str | None, body: bytes, *, path: str, secret_key: str, auth_id: str | None = None, method: str = "POST"
) -> str:
    """Check a request's ``X-JWS-Signature``; return the ``auth_id`` it was made for.

    Raises ``SignatureError`` (without echoing the signature) when the header is missing, malformed,
    for another path, method or ``auth_id``, or does not match the body.
    """
    if not signature:
        raise SignatureError("missing X-JWS-Signature header")
    parts = signature.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise SignatureError("X-JWS-Signature is not a detached JWS (header..signature)")
    try:
        header = json.loads(_b64url_decode(parts[0]))
    except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested deeper than Python recurses
        raise SignatureError("X-JWS-Signature header segment is not base64url JSON") from exc
    if not isinstance(header, dict) or header.get("alg") != ALGORITHM:
        raise SignatureError(f"X-JWS-Signature algorithm must be {ALGORITHM}")
    claimed = header.get("auth_id")
    if not isinstance(claimed, str) or (auth_id is not None and claimed != auth_id):
        raise SignatureError("X-JWS-Signature is for an unknown auth_id")
    if header.get("uri") != path or header.get("method") != method.upper() or header.get("params") != "":
        raise SignatureError("X-JWS-Signature was made for another path or method")
    expected = sign(body, path=path, auth_id=claimed, secret_key=secret_key, method=method)
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii", "replace")):
        raise SignatureError("X-JWS-Signature does not match the request body")
    return claimed


class SignatureError(ValueError):
    """A request's signature does not verify. The message never contains the signature itself."""


class JWSAuth(httpx.Auth):
    """httpx authentication that signs each request's exact body bytes (sync and async clients alike).

    The signature depends only on the path, the body and the credentials, so a retried request, whose
    body bytes are identical, carries an identical signature. The path signed is the API's (e.g.
    ``/v5/card-api/request/status``): with a base URL that has a path of its own (a proxy that strips it),
    the facade names the API path in the request's ``freedompay_signed_path`` extension.

    Holding the secret key, it refuses ``pickle`` (``TypeError``); ``copy.copy``/``deepcopy`` work.
    """

    requires_request_body = True

    def __init__(self, auth_id: str, secret_key: str) -> None:
        self._auth_id = auth_id
        self._secret_key = secret_key

    def __repr__(self) -> str:
        return f"JWSAuth(auth_id={self._auth_id!r}, secret_key=<redacted>)"

    def __reduce__(self) -> Any:  # a pickle would carry the secret key: refuse rather than leak
        raise TypeError("JWSAuth holds the secret key and cannot be pickled; build it where it is used")

    def __copy__(self) -> JWSAuth:  # a copy stays in this process, like the original
        return JWSAuth(self._auth_id, self._secret_key)

    def __deepcopy__(self, memo: dict[int, Any]) -> JWSAuth:
        return self.__copy__()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[SIGNATURE_HEADER] = sign(
            request.content,
            path=request.extensions.get(SIGNED_PATH, request.url.path),
            auth_id=self._auth_id,
            secret_key=self._secret_key,
            method=request.method,
        )
        yield request


# What signs an operation, by its operation-table ``signing`` label (the spec's ``x-signing``). The one place
# the gift cards' signing is chosen: no page says how /v5/cards/* is signed on api.freedompay.kz (legacy and
# regional pages describe Request-Id / Auth-Id / Sign headers instead), so the JWS is an assumption there.
SIGNERS: dict[str, Callable[[str, str], httpx.Auth]] = {  # (auth_id, secret_key) -> signer
    "jws": JWSAuth,  # documented: the Card API overview
    "assumed-jws": JWSAuth,  # assumed: gift cards (x-signing: assumed-jws)
}


def signers(auth_id: str, secret_key: str) -> dict[str, httpx.Auth]:
    """One signer per signing label, for a client's credentials."""
    return {label: make(auth_id, secret_key) for label, make in SIGNERS.items()}
