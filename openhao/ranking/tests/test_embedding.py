import math
import random
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from openhao.articles.tests.factories import ArticleFactory, ChannelFactory
from openhao.ranking import embedding, related
from openhao.ranking.models import ArticleTerms, TermStat
from openhao.ranking.services import article_terms_index, idf_refresh

SPORT = [f"s{i}" for i in range(40)]
FOOD = [f"f{i}" for i in range(40)]
# Six more topics: with two, any pair of one topic is only twice as likely as chance, which
# the shifted PMI (embedding.SHIFT) rightly calls no association.
OTHERS = [[f"o{k}-{i}" for i in range(40)] for k in range(6)]


def topic_docs(seed=3, per_topic=300, size=5):
    rng = random.Random(seed)
    docs = []
    for _ in range(per_topic):
        for topic in (SPORT, FOOD, *OTHERS):
            docs.append(set(rng.sample(topic, size)))
    return docs


def dfs_of(docs):
    dfs = {}
    for d in docs:
        for t in d:
            dfs[t] = dfs.get(t, 0) + 1
    return dfs


def test_terms_of_one_topic_end_up_closer_than_terms_of_two():
    docs = topic_docs()
    terms = embedding.train(docs, dfs_of(docs))
    assert set(terms) == set(SPORT).union(FOOD, *OTHERS)
    assert all(len(v) == embedding.DIM for v in terms.values())

    def emb(t):
        return embedding.embed({t: 1.0}, terms)

    same = [embedding.cosine(emb(SPORT[0]), emb(t)) for t in SPORT[1:]]
    other = [embedding.cosine(emb(SPORT[0]), emb(t)) for t in FOOD]
    # Terms of different topics never co-occur: orthogonal; terms of one topic lean together.
    assert max(abs(c) for c in other) < 0.01
    assert sum(same) / len(same) > 0.1


def test_rare_terms_and_tiny_corpora_get_no_embedding():
    docs = topic_docs()
    docs.append({"rare", SPORT[0]})
    dfs = dfs_of(docs)
    assert "rare" not in embedding.train(docs, dfs)
    few = [{"a", "b"}, {"a", "c"}, {"b", "c"}]
    assert embedding.train(few, dfs_of(few)) == {}


def test_embed_is_unit_length_or_empty():
    terms = {"x": [1.0] + [0.0] * (embedding.DIM - 1), "y": [0.0, 2.0] + [0.0] * 30}
    vec = embedding.embed({"x": 3.0, "y": 1.0, "unknown": 5.0}, terms)
    assert math.isclose(math.sqrt(sum(v * v for v in vec)), 1.0, abs_tol=1e-3)
    assert embedding.embed({"unknown": 1.0}, terms) == []
    assert embedding.cosine([], vec) == 0.0


def test_rank_prefers_the_candidate_with_the_closer_embedding():
    now = timezone.now()
    close = [1.0] + [0.0] * (embedding.DIM - 1)
    far = [0.0, 1.0] + [0.0] * (embedding.DIM - 2)

    def row(article_id, emb):
        return SimpleNamespace(
            article_id=article_id,
            creator_id=article_id,
            channel_id=1,
            topic_ids=[],
            published_at=now - timedelta(days=1),
            vector={"c球": 1.0},
            embedding=emb,
        )

    ranked = related.rank(
        query={"c球": 1.0},
        query_embedding=close,
        self_score=1.0,
        pool=[row(1, far), row(2, close)],
        channel_id=1,
        topic_ids=set(),
        levers=related.weights("corpus"),
        now=now,
    )
    assert [a for a, _s, _why in ranked] == [2, 1]


@pytest.mark.django_db
def test_idf_refresh_learns_centred_embeddings_and_new_articles_get_one():
    channel = ChannelFactory()
    rng = random.Random(5)
    sport = list("球赛队冠军联杯场教练员进攻防守射门篮板决胜负")
    food = list("菜肉汤锅炒煮蒸烤饭面粥甜咸辣酸香味厨")
    for _ in range(40):
        for pool in (sport, food):
            ArticleFactory(title="".join(rng.sample(pool, 6)), summary="", channel=channel)
    idf_refresh()
    assert TermStat.objects.filter(embedding__isnull=False).exists()
    assert all(
        len(e) == embedding.DIM for e in ArticleTerms.objects.values_list("embedding", flat=True)
    )
    # Centred on the corpus mean, stored for articles indexed later.
    assert TermStat.objects.get(term=embedding.MEAN_TERM).embedding
    rows = list(ArticleTerms.objects.values_list("embedding", flat=True))
    centre = [sum(e[i] for e in rows) / len(rows) for i in range(embedding.DIM)]
    # Unit vectors around their mean: what is left of the mean is small next to each vector.
    assert math.sqrt(sum(x * x for x in centre)) < 0.3
    article = ArticleFactory(title="球队教练赛后谈进攻", summary="", channel=channel)
    row = article_terms_index(article_id=article.pk)
    assert len(row.embedding) == embedding.DIM


def test_expand_moves_the_query_towards_the_best_candidates():
    q = [1.0, 0.0] + [0.0] * (embedding.DIM - 2)
    b = [0.0, 1.0] + [0.0] * (embedding.DIM - 2)
    moved = embedding.expand(q, [b, [], b])
    assert embedding.cosine(moved, b) > embedding.cosine(q, b)
    assert math.isclose(math.sqrt(sum(x * x for x in moved)), 1.0, abs_tol=1e-9)
    assert embedding.expand(q, [[]]) == q


@pytest.mark.django_db
def test_an_article_indexed_after_the_refresh_is_weighted_as_the_refresh_weights_it():
    # The refresh must keep the corpus' average length: without it, articles indexed between
    # two refreshes got BM25 weights without length normalisation.
    channel = ChannelFactory()
    rng = random.Random(9)
    chars = list("球赛队冠军联杯场教练员进攻防守射门篮板决胜负菜肉汤锅炒煮蒸烤饭面粥")
    for _ in range(60):
        ArticleFactory(title="".join(rng.sample(chars, rng.randint(4, 12))), channel=channel)
    idf_refresh()
    # Far shorter than the average article, so that length normalisation shows.
    article = ArticleFactory(title="球队进攻", summary="", channel=channel)
    indexed = article_terms_index(article_id=article.pk).vector
    idf_refresh()
    refreshed = ArticleTerms.objects.get(article_id=article.pk).vector
    assert indexed.keys() == refreshed.keys()
    for term, weight in refreshed.items():
        assert indexed[term] == pytest.approx(weight, rel=0.02)
