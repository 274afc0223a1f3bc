"""The X-JWS-Signature signer and verifier."""

from __future__ import annotations

import base64
import json
from collections.abc import Generator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import freedompay_cards as fp

# The docs' worked example (docs.freedompay.kz, signature page): auth_id 123456, secret "secret".
DOCS_PATH = "/v5/card-api/request/status"
DOCS_BODY = b'{"request_id":"828cf71d-a447-4a67-a149-c1df8bc197ca"}'
DOCS_SIGNATURE = (
    "eyJ1cmkiOiIvdjUvY2FyZC1hcGkvcmVxdWVzdC9zdGF0dXMiLCJhdXRoX2lkIjoiMTIzNDU2IiwibWV0aG9kIjoiUE9TVCIsInBhcmFtcyI6"
    "IiIsImFsZyI6IkhTNTEyIn0..f1sQoeIpX_ZjOaykQzSeylvvKaVrEQV4gNM2ACFbEMkFDUV9Zk5WO1yQGEWez-vnQMVHodLBDVEyh5Xm2-3MjQ"
)


def test_signature_reproduces_the_docs_worked_example_byte_for_byte() -> None:
    assert fp.sign(DOCS_BODY, path=DOCS_PATH, auth_id="123456", secret_key="secret") == DOCS_SIGNATURE


def test_protected_header_has_the_documented_keys_in_order() -> None:
    header = DOCS_SIGNATURE.split(".")[0]
    decoded = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
    assert (
        decoded == b'{"uri":"/v5/card-api/request/status","auth_id":"123456","method":"POST","params":"","alg":"HS512"}'
    )
    assert list(json.loads(decoded)) == ["uri", "auth_id", "method", "params", "alg"]


def test_client_sends_the_docs_signature_for_the_docs_request() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"status": "ok", "request_status": "success", "dt": "2025-01-01T00:01:01+00:30"}
        )

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with fp.CardClient(auth_id="123456", secret_key="secret", http_client=http) as client:
        client.requests.status("828cf71d-a447-4a67-a149-c1df8bc197ca")
    assert seen[0].content == DOCS_BODY
    assert seen[0].headers["X-JWS-Signature"] == DOCS_SIGNATURE
    assert seen[0].url == "https://test-api.freedompay.kz/v5/card-api/request/status"


def test_verify_returns_the_auth_id() -> None:
    assert fp.verify(DOCS_SIGNATURE, DOCS_BODY, path=DOCS_PATH, secret_key="secret") == "123456"


@pytest.mark.parametrize(
    ("signature", "body", "path", "secret", "auth_id"),
    [
        (None, DOCS_BODY, DOCS_PATH, "secret", None),
        ("", DOCS_BODY, DOCS_PATH, "secret", None),
        ("abc", DOCS_BODY, DOCS_PATH, "secret", None),
        (DOCS_SIGNATURE.replace("..", ".x."), DOCS_BODY, DOCS_PATH, "secret", None),
        (DOCS_SIGNATURE, DOCS_BODY + b" ", DOCS_PATH, "secret", None),
        (DOCS_SIGNATURE, DOCS_BODY, "/v5/card-api/card/info", "secret", None),
        (DOCS_SIGNATURE, DOCS_BODY, DOCS_PATH, "Secret", None),
        (DOCS_SIGNATURE, DOCS_BODY, DOCS_PATH, "secret", "654321"),
        ("!!!.." + DOCS_SIGNATURE.split("..")[1], DOCS_BODY, DOCS_PATH, "secret", None),
    ],
    ids=["missing", "empty", "not-jws", "attached", "body", "path", "secret", "auth-id", "bad-header"],
)
def test_verify_rejects(signature: str | None, body: bytes, path: str, secret: str, auth_id: str | None) -> None:
    with pytest.raises(fp.SignatureError) as info:
        fp.verify(signature, body, path=path, secret_key=secret, auth_id=auth_id)
    assert "f1sQoeIpX" not in str(info.value)  # never echoes the signature


def test_hs256_or_typ_headers_are_refused() -> None:
    header = base64.urlsafe_b64encode(b'{"uri":"/x","auth_id":"1","method":"POST","params":"","alg":"HS256"}')
    with pytest.raises(fp.SignatureError, match="HS512"):
        fp.verify(header.decode().rstrip("=") + "..abc", b"{}", path="/x", secret_key="s")


def test_auth_repr_hides_the_secret() -> None:
    assert "s3cr3t" not in repr(fp.JWSAuth("1", "s3cr3t"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
paths = st.from_regex(r"/v5/[a-z_/]{1,30}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(body=json_values, path=paths, auth_id=st.text(min_size=1, max_size=12), secret=st.text(min_size=1))
def test_sign_then_verify_round_trips(body: object, path: str, auth_id: str, secret: str) -> None:
    raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    signature = fp.sign(raw, path=path, auth_id=auth_id, secret_key=secret)
    assert fp.verify(signature, raw, path=path, secret_key=secret, auth_id=auth_id) == auth_id


@settings(max_examples=200, deadline=None)
@given(body=st.binary(min_size=1, max_size=64), data=st.data())
def test_any_single_byte_change_breaks_verification(body: bytes, data: st.DataObject) -> None:
    signature = fp.sign(body, path="/v5/card-api/card/info", auth_id="1", secret_key="k")
    index = data.draw(st.integers(0, len(body) - 1))
    flip = data.draw(st.integers(1, 255))
    tampered = body[:index] + bytes([body[index] ^ flip]) + body[index + 1 :]
    with pytest.raises(fp.SignatureError):
        fp.verify(signature, tampered, path="/v5/card-api/card/info", secret_key="k")


# ------------------------------------------------------------------------------ which signer signs what


def test_gift_cards_are_signed_with_the_jws_by_assumption_and_card_calls_as_documented() -> None:
    from freedompay_cards._auth import SIGNERS
    from freedompay_cards._core import OPERATIONS

    labels = {op.name: op.signing for op in OPERATIONS.values()}
    assert {n for n, label in labels.items() if label == "assumed-jws"} == {
        n for n in OPERATIONS if n.startswith("gift_cards.")
    }
    assert set(labels.values()) <= set(SIGNERS)
    assert SIGNERS["assumed-jws"] is fp.JWSAuth  # the default until a live check says otherwise


class _HeaderAuth(httpx.Auth):
    """A stand-in for another signing scheme."""

    def __init__(self, auth_id: str, secret_key: str) -> None:
        self.auth_id = auth_id

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Sign"] = "other-scheme"
        request.headers["Auth-Id"] = self.auth_id
        yield request


def test_the_gift_cards_signing_is_changed_in_one_place(monkeypatch: pytest.MonkeyPatch) -> None:
    from freedompay_cards import _auth

    monkeypatch.setitem(_auth.SIGNERS, "assumed-jws", _HeaderAuth)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.startswith("/v5/cards/"):
            return httpx.Response(200, json={"datetime": "2025-01-01 00:01:01", "status": 0})
        return httpx.Response(200, json={"status": "ok", "request_status": "success", "dt": "2025-01-01T00:00:00Z"})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with fp.CardClient(auth_id="123456", secret_key="secret", http_client=http) as client:
        client.gift_cards.resend(42)
        client.cards.activate("card-1")
    gift, card = seen
    assert (gift.headers["Sign"], gift.headers["Auth-Id"]) == ("other-scheme", "123456")
    assert "X-JWS-Signature" not in gift.headers
    assert "Sign" not in card.headers
    fp.verify(card.headers["X-JWS-Signature"], card.content, path=card.url.path, secret_key="secret")
