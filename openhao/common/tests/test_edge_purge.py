"""bump_tags and the edge: tags in the xkey header, purges after commit, retries, and nothing at
all without an edge (the real Varnish is in test_edge_cache.py)."""

from __future__ import annotations

import pytest
from django.db import transaction

from openhao.articles.tests.factories import ArticleFactory
from openhao.common import edge
from openhao.common.cache import bump_tags
from openhao.common.tests.redis_server import closed_port_url

from .fake_edge import FakeEdge


@pytest.fixture
def fake_edge():
    server = FakeEdge()
    yield server
    server.close()


@pytest.mark.django_db(transaction=True)
def test_without_an_edge_there_is_no_tag_header_and_no_purge(client, fake_edge, settings):
    settings.OPENHAO_EDGE_PURGE_URLS = []
    article = ArticleFactory()
    response = client.get(f"/article/{article.pk}/")
    assert response.status_code == 200 and "xkey" not in response
    bump_tags(f"article:{article.pk}")
    assert fake_edge.received == []


@pytest.mark.django_db(transaction=True)
def test_pages_carry_their_tags_and_bumps_purge_them_after_commit(client, fake_edge, settings):
    settings.OPENHAO_EDGE_PURGE_URLS = [fake_edge.url]
    article = ArticleFactory()
    for expected in ("miss", "hit"):
        response = client.get(f"/article/{article.pk}/")
        assert response["X-Page-Cache"] == expected
        tags = response["xkey"].split()
        assert f"article:{article.pk}" in tags and f"creator:{article.creator_id}" in tags
    fake_edge.received.clear()
    fake_edge.answered.clear()
    with transaction.atomic():
        bump_tags("article:1", "lists")
        assert fake_edge.received == []  # the old page must not be fetched back before commit
    assert fake_edge.answered == ["article:1 lists"]


def test_a_failing_edge_is_tried_again(fake_edge, settings):
    settings.OPENHAO_EDGE_PURGE_ATTEMPTS = 3
    fake_edge.fail_next = 2
    assert edge.purge_with_retries(["lists"], [fake_edge.url], 1, can_defer=False) == 1
    assert fake_edge.received == ["lists"] * 3 and fake_edge.answered == ["lists"]


def test_an_edge_that_never_answers_fails_the_task(settings):
    settings.OPENHAO_EDGE_PURGE_ATTEMPTS = 2
    settings.OPENHAO_EDGE_PURGE_TIMEOUT = 1
    dead = closed_port_url().replace("redis://", "http://").rsplit("/", 1)[0] + "/"
    with pytest.raises(edge.EdgePurgeFailed):
        edge.purge_with_retries(["lists"], [dead], 1, can_defer=False)
