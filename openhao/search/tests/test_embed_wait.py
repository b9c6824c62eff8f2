"""The first page's bounded wait for the query's embedding (OPENHAO_SEARCH_EMBED_WAIT_MS,
``_search``): a model that is late gives the engine's order, kept out of the page cache, and
the next request has the meaning; the API's cursor keeps a late first page's order."""

import threading

import pytest
from django.core.cache import cache
from django.utils import timezone

from openhao.api.selectors import SEARCH_FALLBACK_PAGE
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory
from openhao.ranking import related
from openhao.ranking.services import terms_rebuild
from openhao.search.selectors import search, search_window

pytestmark = pytest.mark.django_db

QUERY = "新生儿 哭闹"


class LateQueries:
    """The real model, whose query side waits for ``gate`` (articles are embedded at once)."""

    def __init__(self, engine, gate):
        self.engine, self.gate = engine, gate

    def query(self, text):
        self.gate.wait(10)
        return self.engine.query(text)

    def encode(self, texts, is_query):
        return self.engine.encode(texts, is_query)


@pytest.fixture
def site(sentence_model, monkeypatch, settings):
    """Articles matching the query's words and one that shares only its meaning; the model's
    query side held until the test opens the gate."""
    original = related.weights
    monkeypatch.setattr(
        related,
        "weights",
        lambda b, today=None: {**original(b, today), "search_feedback": 3, "search_neighbours": 5},
    )
    settings.OPENHAO_SEARCH_EMBED_WAIT_MS = 5
    channel = ChannelFactory()
    meaning = ArticleFactory(title="宝宝夜里睡不踏实怎么办", summary="", channel=channel).pk
    words = [
        ArticleFactory(title=t, summary="", channel=channel).pk
        for t in ["新生儿哭闹的原因", "新生儿哭闹怎么哄", "新生儿黄疸护理要点"]
    ]
    for title in ["红烧排骨的家常做法", "春季皮肤保湿小窍门", "火星探测器传回照片"]:
        ArticleFactory(title=title, summary="", channel=channel)
    terms_rebuild()
    cache.clear()  # no query embedding from an earlier test
    gate = threading.Event()
    sentence_model._model = LateQueries(sentence_model._engine(), gate)
    yield sentence_model, gate, meaning, words
    gate.set()


def test_a_late_model_gives_the_engines_order_uncached_and_the_next_request_the_meaning(
    client, site
):
    backend, gate, meaning, words = site
    first = client.get("/search/", {"q": QUERY})
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "bypass"
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    late = search(q=QUERY)
    assert late.late
    assert {a.pk for a in late.page.object_list} <= set(words)  # no meaning-only article
    gate.set()
    backend.embed_query(QUERY)  # the model's answer, which the late requests left running
    found = search(q=QUERY)
    assert not found.late and meaning in [a.pk for a in found.page.object_list]
    assert client.get("/search/", {"q": QUERY})["X-Page-Cache"] == "miss"
    assert client.get("/search/", {"q": QUERY})["X-Page-Cache"] == "hit"


def test_a_model_within_the_wait_is_waited_for(site, settings):
    backend, gate, meaning, _words = site
    settings.OPENHAO_SEARCH_EMBED_WAIT_MS = 10_000
    threading.Timer(0.05, gate.set).start()
    found = search(q=QUERY)
    assert not found.late and meaning in [a.pk for a in found.page.object_list]


def test_the_api_follows_a_late_first_page_in_the_engines_order(client, site):
    backend, gate, meaning, words = site
    first = client.get("/api/v1/search", {"q": QUERY, "limit": 1}).json()
    gate.set()
    backend.embed_query(QUERY)
    seen, cursor = [item["id"] for item in first["items"]], first["next_cursor"]
    while cursor:
        body = client.get("/api/v1/search", {"q": QUERY, "limit": 1, "cursor": cursor}).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
    # The whole walk is the engine's order: no meaning-only article, nothing twice.
    engine, _more, reranked = search_window(
        QUERY,
        until=timezone.now(),
        offset=0,
        limit=50,
        page_size=SEARCH_FALLBACK_PAGE,
        rerank=False,
    )
    assert not reranked and seen == engine and meaning not in seen
    # A new walk, with the model's answer cached, is re-ranked and finds the meaning.
    again = client.get("/api/v1/search", {"q": QUERY, "limit": 10}).json()
    assert meaning in [item["id"] for item in again["items"]]
