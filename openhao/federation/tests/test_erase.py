"""注销 (privacy.account_erase) reaches federation: the reader's remote follows and key go, a
creator's remote followers go."""

import pytest

from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.federation import services
from openhao.federation.models import ActorKey, RemoteActor, RemoteFollower, RemoteFollowing

pytestmark = pytest.mark.django_db


def test_account_federation_erase():
    actor = RemoteActor.objects.create(
        uri="https://remote.example/users/a", inbox="https://remote.example/users/a/inbox",
        domain="remote.example", fetched_at="2026-01-01T00:00:00Z",
    )  # fmt: skip
    reader = UserFactory()
    creator = CreatorFactory()
    RemoteFollowing.objects.create(user=reader, actor=actor, follow_id=f"{actor.uri}#x")
    services.user_key(reader)
    services.creator_key(creator)
    RemoteFollower.objects.create(creator=creator, actor=actor, follow_id=f"{actor.uri}#f")
    services.account_federation_erase(user=reader, creator=None)
    assert not RemoteFollowing.objects.exists()
    assert not ActorKey.objects.filter(user=reader).exists()
    services.account_federation_erase(user=creator.user, creator=creator)
    assert not RemoteFollower.objects.exists()
    assert ActorKey.objects.filter(creator=creator).exists()
