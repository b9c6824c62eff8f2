"""The replica router (openhao/common/dbrouter.py) against a second database alias: in tests
``replica`` mirrors the test database (TEST MIRROR), so the router's choices are seen both
directly and as the queries each connection ran."""

import pytest
from django.core.cache import cache
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from openhao.articles import selectors as article_selectors
from openhao.articles.models import Channel
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory
from openhao.common import dbrouter
from openhao.creators.tests.factories import CreatorFactory, UserFactory

# Transactional: the replica alias is a connection of its own, which sees committed rows only.
pytestmark = pytest.mark.django_db(databases=["default", "replica"], transaction=True)


@pytest.fixture
def replica_on(settings):
    settings.OPENHAO_READ_REPLICA = True


def _queries(fn):
    """(result, queries on default, queries on replica) of calling fn()."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        result = fn()
    return result, len(primary), len(replica)


def test_selector_reads_go_to_the_replica(replica_on):
    ChannelFactory(slug="tech", name="科技")
    with dbrouter.primary_scope():
        channels, on_primary, on_replica = _queries(article_selectors.nav_channels)
    assert [c.slug for c in channels] == ["tech"]
    assert (on_primary, on_replica) == (0, 1)


def test_reads_outside_selectors_stay_on_the_primary(replica_on):
    ChannelFactory(slug="tech")
    with dbrouter.primary_scope():
        assert dbrouter.read_alias() == "default"
        _, on_primary, on_replica = _queries(lambda: list(Channel.objects.all()))
    assert (on_primary, on_replica) == (1, 0)


def test_a_write_pins_the_rest_of_its_scope_and_only_that(replica_on):
    with dbrouter.primary_scope():
        ChannelFactory(slug="tech")  # a write in this scope
        assert dbrouter.wrote()
        _, on_primary, on_replica = _queries(article_selectors.nav_channels)
        assert (on_primary, on_replica) == (1, 0)
    with dbrouter.primary_scope():
        assert not dbrouter.wrote()
        _, on_primary, on_replica = _queries(article_selectors.nav_channels)
        assert (on_primary, on_replica) == (0, 1)


def test_reads_in_a_transaction_stay_on_the_primary(replica_on):
    with dbrouter.primary_scope(), transaction.atomic():
        _, on_primary, on_replica = _queries(article_selectors.nav_channels)
    assert (on_primary, on_replica) == (1, 0)


def test_use_primary_pins_by_hand(replica_on):
    with dbrouter.primary_scope():
        dbrouter.use_primary()
        _, on_primary, on_replica = _queries(article_selectors.nav_channels)
    assert (on_primary, on_replica) == (1, 0)


def test_without_a_replica_everything_reads_the_primary(settings):
    settings.OPENHAO_READ_REPLICA = False
    with dbrouter.primary_scope():
        _, on_primary, on_replica = _queries(article_selectors.nav_channels)
    assert (on_primary, on_replica) == (1, 0)


def test_migrations_only_on_the_primary():
    router = dbrouter.ReplicaRouter()
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate("replica", "articles")


def test_an_anonymous_page_reads_from_the_replica(client, replica_on, settings):
    settings.OPENHAO_PAGE_CACHE_ENABLED = False
    article = ArticleFactory(title="副本上的文章")
    response, on_primary, on_replica = _queries(lambda: client.get(f"/article/{article.pk}/"))
    assert response.status_code == 200
    assert "副本上的文章" in response.content.decode()
    assert on_replica >= 1
    assert dbrouter.PIN_COOKIE not in response.cookies  # the page wrote nothing


def test_after_a_write_the_client_reads_from_the_primary(client, replica_on, settings):
    settings.OPENHAO_PAGE_CACHE_ENABLED = False
    user = UserFactory()
    creator = CreatorFactory()
    article = ArticleFactory(creator=creator)
    client.force_login(user)
    response = client.post(f"/creator/{creator.pk}/follow/", {"action": "follow"})
    assert response.status_code in (200, 302)
    pin = response.cookies[dbrouter.PIN_COOKIE]
    assert int(pin["max-age"]) == settings.OPENHAO_REPLICA_PIN_SECONDS
    # The next page, within the pin, runs every query on the primary.
    response, on_primary, on_replica = _queries(lambda: client.get(f"/article/{article.pk}/"))
    assert response.status_code == 200
    assert on_replica == 0 and on_primary >= 1
    # Once the cookie is gone, selectors read from the replica again.
    client.cookies.pop(dbrouter.PIN_COOKIE)
    cache.clear()  # the article row is a fragment now: make the page read it again
    response, on_primary, on_replica = _queries(lambda: client.get(f"/article/{article.pk}/"))
    assert on_replica >= 1
