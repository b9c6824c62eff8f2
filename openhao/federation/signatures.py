"""HTTP signatures on the requests servers send each other: who sent this inbox POST (or actor
GET), and was it changed on the way?

Two formats are in use in the fediverse, and both are verified here:

- **RFC 9421 HTTP Message Signatures** (``Signature-Input`` + ``Signature``), through the
  ``http-message-signatures`` library. We cover ``@method``, ``@authority``, ``@path`` and, with
  a body, ``content-digest`` (RFC 9530, ``sha-256=:…:``), which we check against the body
  ourselves: the library signs the header, not the bytes.
- **draft-cavage-http-signatures-12**, the ``Signature: keyId=…,headers=…,signature=…`` header
  that Mastodon and most servers still send and expect. It is a few lines over ``cryptography``
  (RSA PKCS#1 v1.5 with SHA-256, "rsa-sha256"/"hs2019"); a POST must cover ``(request-target)``,
  ``host``, ``date`` and ``digest`` (``SHA-256=…``, checked against the body).

Freshness: the cavage ``Date`` header and the RFC 9421 ``created`` parameter must lie within
``OPENHAO_FEDERATION_SIGNATURE_WINDOW_SECONDS`` of now. Replays inside that window are the
caller's check (``services.signature_remember``): this module is pure and touches no database.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    algorithms,
)
from http_message_signatures.exceptions import HTTPMessageSignaturesException

CAVAGE = "cavage"
RFC9421 = "rfc9421"
RFC9421_LABEL = "sig1"


class SignatureError(Exception):
    """The request is unsigned, badly signed, stale, or its body does not match."""


@dataclass(frozen=True)
class Verified:
    key_id: str
    style: str
    # What identifies this signature for the replay check (a hash of its value).
    fingerprint: str


def new_key_pair() -> tuple[str, str]:
    """(public PEM, private PEM) of a fresh 2048-bit RSA key, the size Mastodon uses."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return public_pem, private_pem


def _load_private(pem: str):
    return serialization.load_pem_private_key(pem.encode(), password=None)


def _load_public(pem: str):
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError as exc:
        raise SignatureError("unreadable public key") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("only RSA keys are supported")
    return key


def _http_date(now: datetime.datetime) -> str:
    return format_datetime(now.astimezone(datetime.UTC), usegmt=True)


def digest_header(body: bytes) -> str:
    """The cavage ``Digest`` header of ``body``."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def content_digest_header(body: bytes) -> str:
    """The RFC 9530 ``Content-Digest`` header of ``body``."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


class _Message:
    """The little the library reads of a request: method, url, headers."""

    def __init__(self, method: str, url: str, headers: Mapping[str, str]):
        self.method = method
        self.url = url
        self.headers = _Headers(headers)


class _Headers(dict):
    """Case-insensitive header lookup (the library looks names up in lower case)."""

    def __init__(self, headers: Mapping[str, str]):
        super().__init__({k.lower(): v for k, v in headers.items()})

    def __getitem__(self, key):
        return super().__getitem__(key.lower())

    def __setitem__(self, key, value):
        super().__setitem__(key.lower(), value)

    def __contains__(self, key):
        return super().__contains__(str(key).lower())

    def get(self, key, default=None):
        return super().get(key.lower(), default)


class _OneKey(HTTPSignatureKeyResolver):
    def __init__(self, *, private=None, public=None):
        self.private = private
        self.public = public

    def resolve_private_key(self, key_id: str):
        return self.private

    def resolve_public_key(self, key_id: str):
        return self.public(key_id)


def sign(
    *,
    method: str,
    url: str,
    host: str,
    path: str,
    body: bytes | None,
    key_id: str,
    private_pem: str,
    style: str = CAVAGE,
    now: datetime.datetime | None = None,
) -> dict[str, str]:
    """The headers that sign this request (``host`` and ``path`` exactly as sent)."""
    now = now or datetime.datetime.now(datetime.UTC)
    headers = {"Host": host, "Date": _http_date(now)}
    key = _load_private(private_pem)
    if style == RFC9421:
        components = ["@method", "@authority", "@path"]
        if body is not None:
            headers["Content-Digest"] = content_digest_header(body)
            components.append("content-digest")
        message = _Message(method, url, headers)
        HTTPMessageSigner(
            signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=_OneKey(private=key)
        ).sign(
            message,
            key_id=key_id,
            label=RFC9421_LABEL,
            created=now.astimezone().replace(tzinfo=None),
            covered_component_ids=components,
        )
        headers["Signature-Input"] = message.headers["Signature-Input"]
        headers["Signature"] = message.headers["Signature"]
        return headers
    names = ["(request-target)", "host", "date"]
    if body is not None:
        headers["Digest"] = digest_header(body)
        names.append("digest")
    signed = _cavage_string(names, method, path, {k.lower(): v for k, v in headers.items()})
    signature = key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    headers["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    return headers


def _cavage_string(names, method: str, path: str, headers: Mapping[str, str]) -> str:
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {path}")
        elif name in headers:
            lines.append(f"{name}: {headers[name]}")
        else:
            raise SignatureError(f"signed header {name} missing")
    return "\n".join(lines)


_CAVAGE_PARAM = re.compile(r'(\w+)="([^"]*)"')


def key_id_of(headers: Mapping[str, str]) -> str:
    """The keyId a signed request names (to look its key up before verifying)."""
    lower = {k.lower(): v for k, v in headers.items()}
    if "signature-input" in lower:
        match = re.search(r'keyid="([^"]+)"', lower["signature-input"])
    else:
        match = re.search(r'keyId="([^"]+)"', lower.get("signature", ""))
    if not match:
        raise SignatureError("no signature")
    return match.group(1)


def verify(
    *,
    method: str,
    url: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    public_key: Callable[[str], str],
    window_seconds: int,
    now: datetime.datetime | None = None,
) -> Verified:
    """Check the request's signature (either format) with the PEM ``public_key(key_id)``
    returns; raise SignatureError on anything wrong. ``url`` and ``path`` as received."""
    now = now or datetime.datetime.now(datetime.UTC)
    lower = {k.lower(): v for k, v in headers.items()}
    has_body = method.upper() == "POST"
    if "signature-input" in lower:
        return _verify_rfc9421(method, url, lower, body, has_body, public_key, window_seconds, now)
    if "signature" in lower:
        return _verify_cavage(method, path, lower, body, has_body, public_key, window_seconds, now)
    raise SignatureError("no signature")


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _verify_cavage(method, path, headers, body, has_body, public_key, window, now) -> Verified:
    params = dict(_CAVAGE_PARAM.findall(headers["signature"]))
    key_id, signature_b64 = params.get("keyId"), params.get("signature")
    if not key_id or not signature_b64:
        raise SignatureError("malformed Signature header")
    if params.get("algorithm", "rsa-sha256") not in ("rsa-sha256", "hs2019"):
        raise SignatureError("unsupported algorithm")
    names = params.get("headers", "date").lower().split()
    required = {"(request-target)", "host", "date"} | ({"digest"} if has_body else set())
    if not required <= set(names):
        raise SignatureError("the signature must cover " + " ".join(sorted(required)))
    try:
        date = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError):
        raise SignatureError("unreadable Date") from None
    if date.tzinfo is None or abs((now - date).total_seconds()) > window:
        raise SignatureError("Date outside the accepted window")
    if has_body and headers.get("digest", "") != digest_header(body):
        raise SignatureError("Digest does not match the body")
    signed = _cavage_string(names, method, path, headers)
    key = _load_public(public_key(key_id))
    try:
        key.verify(
            base64.b64decode(signature_b64), signed.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except (CryptoInvalidSignature, ValueError):
        raise SignatureError("signature does not verify") from None
    return Verified(key_id=key_id, style=CAVAGE, fingerprint=_fingerprint(signature_b64))


def _verify_rfc9421(method, url, headers, body, has_body, public_key, window, now) -> Verified:
    key_id = key_id_of(headers)
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithms.RSA_V1_5_SHA256,
        key_resolver=_OneKey(public=lambda kid: _load_public(public_key(kid))),
    )
    # The library compares naive local times; our window is applied on both sides.
    verifier.max_clock_skew = datetime.timedelta(seconds=window)
    try:
        results = verifier.verify(
            _Message(method, url, headers), max_age=datetime.timedelta(seconds=window)
        )
    except HTTPMessageSignaturesException as exc:
        message = str(exc)
        if any(word in message for word in ('"created"', '"expires"', "age exceeds")):
            raise SignatureError(f"stale signature: {message}") from None
        raise SignatureError(f"signature does not verify: {message}") from None
    covered = {
        str(c.value) if hasattr(c, "value") else str(c) for c in results[0].covered_components
    }
    covered = {c.strip('"') for c in covered}
    # What was requested must be signed: @target-uri (scheme, authority, path and query), or
    # @authority with @path; and the method, and for a body its digest.
    target = "@target-uri" in covered or {"@authority", "@path"} <= covered
    if "@method" not in covered or not target or (has_body and "content-digest" not in covered):
        raise SignatureError("the signature must cover @method, the target and the digest")
    if has_body and headers.get("content-digest", "") != content_digest_header(body):
        raise SignatureError("Content-Digest does not match the body")
    return Verified(
        key_id=key_id, style=RFC9421, fingerprint=_fingerprint(headers.get("signature", ""))
    )


def host_and_path(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.netloc, parts.path + (f"?{parts.query}" if parts.query else "")
