"""A pretend remote server for the inbox tests: an actor with a key pair whose documents the
fetcher "downloads" (``fetch.fetch_json`` is replaced: the outside world is mocked), and signed
POSTs to our inboxes through the Django test client."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from openhao.common import fetch
from openhao.federation import signatures

REMOTE = "https://remote.example"


@dataclass
class RemoteServer:
    name: str = "alice"
    style: str = signatures.CAVAGE
    documents: dict[str, dict] = field(default_factory=dict)
    posts: list[tuple[str, dict, dict]] = field(default_factory=list)
    fetched: list[tuple[str, dict]] = field(default_factory=list)

    def __post_init__(self):
        self.public_pem, self.private_pem = signatures.new_key_pair()
        self.documents[self.actor] = self.actor_document()

    @property
    def actor(self) -> str:
        return f"{REMOTE}/users/{self.name}"

    @property
    def key_id(self) -> str:
        return f"{self.actor}#main-key"

    def actor_document(self) -> dict:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams"],
            "id": self.actor,
            "type": "Person",
            "preferredUsername": self.name,
            "name": self.name.title(),
            "inbox": f"{self.actor}/inbox",
            "endpoints": {"sharedInbox": f"{REMOTE}/inbox"},
            "publicKey": {"id": self.key_id, "owner": self.actor, "publicKeyPem": self.public_pem},
        }

    def install(self, monkeypatch):
        def fetch_json(url, headers=None):
            self.fetched.append((url, dict(headers or {})))
            if url not in self.documents:
                raise fetch.FetchError("404")
            body = json.dumps(self.documents[url]).encode()
            return fetch.FetchResult(url=url, status=200, headers={}, content=body)

        def post(url, *, body, headers=None, max_bytes=0):
            self.posts.append((url, json.loads(body), dict(headers or {})))
            return fetch.FetchResult(url=url, status=202, headers={})

        monkeypatch.setattr(fetch, "fetch_json", fetch_json)
        monkeypatch.setattr(fetch, "post", post)
        return self

    def signed_headers(self, path: str, body: bytes, *, now=None, private_pem=None) -> dict:
        headers = signatures.sign(
            method="POST",
            url=f"http://testserver{path}",
            host="testserver",
            path=path,
            body=body,
            key_id=self.key_id,
            private_pem=private_pem or self.private_pem,
            style=self.style,
            now=now,
        )
        headers.pop("Host")
        return headers

    def send(self, client, path: str, activity: dict, **kwargs):
        body = json.dumps(activity).encode()
        headers = self.signed_headers(path, body, **kwargs)
        return client.post(
            path, data=body, content_type="application/activity+json", headers=headers
        )
