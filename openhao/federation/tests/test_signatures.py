"""signatures.py on its own: what each format must cover."""

import datetime

import pytest
from http_message_signatures import HTTPMessageSigner, algorithms

from openhao.federation import signatures

PUBLIC, PRIVATE = signatures.new_key_pair()
URL = "https://openhao.example/ap/inbox"
BODY = b'{"type": "Follow"}'


def _rfc9421(components, body=BODY):
    headers = {"Host": "openhao.example", "Content-Digest": signatures.content_digest_header(body)}
    message = signatures._Message("POST", URL, headers)
    HTTPMessageSigner(
        signature_algorithm=algorithms.RSA_V1_5_SHA256,
        key_resolver=signatures._OneKey(private=signatures._load_private(PRIVATE)),
    ).sign(message, key_id="https://remote.example/users/a#main-key", label="sig1",
           covered_component_ids=components)  # fmt: skip
    return dict(message.headers)


def _verify(headers, body=BODY):
    return signatures.verify(
        method="POST", url=URL, path="/ap/inbox", headers=headers, body=body,
        public_key=lambda kid: PUBLIC, window_seconds=300,
    )  # fmt: skip


def test_rfc9421_over_the_target_uri_verifies():
    """The component set Mastodon's RFC 9421 signer uses."""
    assert _verify(_rfc9421(["@method", "@target-uri", "content-digest"])).style == "rfc9421"


@pytest.mark.parametrize(
    "components",
    [["@method", "@target-uri"], ["@target-uri", "content-digest"], ["@method", "content-digest"]],
)
def test_rfc9421_must_cover_method_target_and_digest(components):
    with pytest.raises(signatures.SignatureError, match="must cover"):
        _verify(_rfc9421(components))


def test_cavage_must_cover_the_digest_of_a_post():
    headers = signatures.sign(method="POST", url=URL, host="openhao.example", path="/ap/inbox",
                              body=BODY, key_id="k", private_pem=PRIVATE)  # fmt: skip
    headers["Signature"] = headers["Signature"].replace(
        'headers="(request-target) host date digest"', 'headers="(request-target) host date"'
    )
    with pytest.raises(signatures.SignatureError, match="must cover"):
        _verify(headers)


def test_a_stale_rfc9421_signature_is_told_apart_from_a_forged_one():
    old = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    headers = signatures.sign(method="POST", url=URL, host="openhao.example", path="/ap/inbox",
                              body=BODY, key_id="k", private_pem=PRIVATE, style="rfc9421",
                              now=old)  # fmt: skip
    with pytest.raises(signatures.SignatureError, match="stale"):
        _verify(headers)
