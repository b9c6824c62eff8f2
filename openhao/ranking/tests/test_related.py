from datetime import timedelta

import pytest
from django.utils import timezone

from openhao.articles.models import Article
from openhao.articles.services import article_create, article_publish, article_remove
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory, TopicFactory
from openhao.creators.tests.factories import CreatorFactory
from openhao.ranking import related
from openhao.ranking.models import ArticleTerms, RelatedArticle, TermPosting
from openhao.ranking.selectors import related_articles
from openhao.ranking.services import idf_refresh, related_refresh, terms_rebuild

pytestmark = pytest.mark.django_db

FOOTBALL = [
    "国足世预赛主场迎战日本队，球迷涌入体育场",
    "世预赛前瞻：国足主教练公布大名单",
    "足球联赛第十轮战报：主队点球绝杀客队",
    "国足球员赛后接受采访谈世预赛失利",
]
COOKING = [
    "红烧肉的家常做法，肥而不腻入口即化",
    "三道家常菜做法简单，红烧茄子最下饭",
    "厨房新手也能学会的红烧排骨做法",
]


def ids(items):
    return [a.pk for a in items]


def corpus(channel=None):
    channel = channel or ChannelFactory()
    football = [ArticleFactory(title=t, summary="", channel=channel) for t in FOOTBALL]
    cooking = [ArticleFactory(title=t, summary="", channel=channel) for t in COOKING]
    idf_refresh()
    for a in football + cooking:
        related_refresh(article_id=a.pk)
    return football, cooking


def test_features_normalise_traditional_and_full_width():
    assert related.features("國足ＡＢＣ") == related.features("国足abc")
    counts = related.features("红烧肉做法")
    assert counts["c红"] > 0 and counts["b红烧"] > 0 and counts["w红烧肉"] > 0


def test_similar_text_ranks_above_unrelated():
    football, cooking = corpus()
    top = related_articles(football[0], limit=3)
    assert set(ids(top)) == set(ids(football[1:]))
    assert set(ids(related_articles(cooking[0], limit=2))) == set(ids(cooking[1:]))


def test_never_the_article_itself_nor_unpublished_ones():
    football, _cooking = corpus()
    draft = ArticleFactory(
        title=FOOTBALL[0], status=Article.Status.DRAFT, published_at=None, summary=""
    )
    related_refresh(article_id=football[0].pk)
    found = ids(related_articles(football[0], limit=10))
    assert football[0].pk not in found and draft.pk not in found
    assert not TermPosting.objects.filter(article=draft).exists()
    # A twin that is removed later drops out of lists stored before the removal.
    twin = ArticleFactory(title=FOOTBALL[1], summary="")
    related_refresh(article_id=football[1].pk)
    assert twin.pk in ids(related_articles(football[1], limit=10))
    article_remove(article=twin)
    assert twin.pk not in ids(related_articles(football[1], limit=10))
    assert not ArticleTerms.objects.filter(article=twin).exists()


def test_read_with_one_query(django_assert_num_queries):
    football, _cooking = corpus()
    with django_assert_num_queries(1):
        assert len(related_articles(football[0], limit=3)) == 3


def test_at_most_two_items_per_creator():
    channel = ChannelFactory()
    prolific = CreatorFactory()
    query = ArticleFactory(title="国足世预赛主场迎战日本队", summary="", channel=channel)
    for i in range(5):
        ArticleFactory(
            title=f"国足世预赛主场迎战日本队第{i}场", summary="", creator=prolific, channel=channel
        )
    others = [
        ArticleFactory(title=t, summary="", channel=channel)
        for t in ("世预赛：国足对日本队的三个看点", "日本队主教练谈世预赛", "国足迎战日本队前瞻")
    ]
    idf_refresh()
    related_refresh(article_id=query.pk)
    found = related_articles(query, limit=10)
    assert sum(a.creator_id == prolific.pk for a in found) == 2
    assert set(ids(others)) <= set(ids(found))


def test_shared_hashtag_and_channel_break_ties():
    topic = TopicFactory(name="世预赛")
    sports, other = ChannelFactory(), ChannelFactory()
    query = ArticleFactory(title="球迷的一天", summary="", channel=sports, topics=[topic])
    tagged = ArticleFactory(title="球迷的一天", summary="", channel=other, topics=[topic])
    same_channel = ArticleFactory(title="球迷的一天", summary="", channel=sports)
    plain = ArticleFactory(title="球迷的一天", summary="", channel=other)
    idf_refresh()
    related_refresh(article_id=query.pk)
    assert ids(related_articles(query, limit=3)) == [tagged.pk, same_channel.pk, plain.pk]


def test_fresher_article_wins_at_equal_text():
    now = timezone.now()
    query = ArticleFactory(title="春天的江南小城", summary="")
    old = ArticleFactory(title="江南小城的春雨", summary="", published_at=now - timedelta(days=60))
    new = ArticleFactory(title="江南小城的春雨", summary="", published_at=now - timedelta(hours=1))
    idf_refresh()
    related_refresh(article_id=query.pk)
    assert ids(related_articles(query, limit=2)) == [new.pk, old.pk]


def test_the_postings_query_terms_and_pool_levers_bound_the_candidates():
    target = ArticleFactory(title="鲸鱼老鹰", summary="")  # the oldest: never a newest posting
    whale = ArticleFactory(title="鲸鱼", summary="")
    eagle = ArticleFactory(title="老鹰", summary="")
    twins = [ArticleFactory(title="鲸鱼", summary="") for _ in range(3)]
    terms_rebuild()
    query, dfs = {"c鲸": 2.0, "c鹰": 1.0}, {"c鲸": 5, "c鹰": 3}

    def found(**levers):
        pool = related.candidates(query, dfs, 6, exclude_id=target.pk, **levers)
        return {row.article_id for row in pool}

    assert found() == {whale.pk, eagle.pk, *ids(twins)}
    # The strongest term only: the eagle shares the weaker one.
    assert found(query_terms=1) == {whale.pk, *ids(twins)}
    # The newest posting of each term only.
    assert found(postings=1) == {twins[-1].pk, eagle.pk}
    # The best two only: the whale's word weighs more, and equal scores keep the newest.
    assert found(pool=2) == {twins[-1].pk, twins[-2].pk}


def test_publishing_computes_related_through_the_task():
    channel = ChannelFactory()
    football, _ = corpus(channel)
    creator = CreatorFactory()
    draft = article_create(
        creator=creator, channel=channel, title="国足世预赛客场挑战日本队", body_html="<p>球赛</p>"
    )
    assert not RelatedArticle.objects.filter(article=draft).exists()
    article_publish(article=draft)
    found = ids(related_articles(draft, limit=2))
    assert found and set(found) <= set(ids(football))


def test_bulk_rebuild_indexes_everything():
    football, _cooking = corpus()
    RelatedArticle.objects.all().delete()
    ArticleTerms.objects.all().delete()
    assert terms_rebuild() == len(FOOTBALL) + len(COOKING)
    assert RelatedArticle.objects.filter(article=football[0]).exists()


def test_an_article_typed_in_traditional_is_related_like_its_simplified_twin():
    from opencc import OpenCC

    to_traditional = OpenCC("s2t").convert
    channel = ChannelFactory()
    football, cooking = corpus(channel)
    traditional = ArticleFactory(
        title=to_traditional(FOOTBALL[1]), summary="", channel=channel, creator=CreatorFactory()
    )
    assert traditional.title != FOOTBALL[1]
    idf_refresh()
    for a in [*football, *cooking, traditional]:
        related_refresh(article_id=a.pk)
    # Once normalised the two scripts are the same text: each is the other's closest match ...
    assert ids(related_articles(traditional, limit=1)) == [football[1].pk]
    assert ids(related_articles(football[1], limit=1)) == [traditional.pk]
    # ... and Simplified articles list it as they list the twin.
    assert traditional.pk in ids(related_articles(football[0], limit=4))
    assert related.features(traditional.title) == related.features(FOOTBALL[1])


def _candidate(article_id, corpus_vector):
    import numpy as np

    return related.Candidate(
        article_id=article_id,
        vector={"w话题": 1.0},
        embedding=np.ones(4, dtype=np.float32) / 2,
        channel_id=1,
        creator_id=article_id,
        published_at=timezone.now() - timedelta(days=3),
        topic_ids=[],
        corpus=None if corpus_vector is None else np.asarray(corpus_vector, dtype=np.float32),
    )


def test_the_corpus_weight_grows_with_the_corpus_and_is_half_at_corpus_half():
    levers = {"corpus_embed": 8.0, "corpus_half": 18000}
    assert related.corpus_weight(levers, 0) == 0
    assert related.corpus_weight(levers, 18000) == pytest.approx(4.0)
    assert related.corpus_weight(levers, 2700) < related.corpus_weight(levers, 36000) < 8.0
    assert related.corpus_weight({}, 36000) == 0
    assert related.corpus_weight({"search_corpus_embed": 4.0}, 18000, "search_corpus_embed") > 0


def test_with_the_sentence_model_the_corpus_embeddings_decide_between_equal_candidates():
    import numpy as np

    levers = {
        **related.weights("e5"),
        "feedback": 0,
        "corpus_embed": 8.0,
        "corpus_half": 18000,
    }
    # Two candidates alike in every signal but the corpus embedding: the one whose corpus
    # embedding agrees with the article's comes first, and says it was chosen for its meaning.
    pool = [_candidate(1, [0.0, 1.0]), _candidate(2, [1.0, 0.0]), _candidate(3, None)]
    kwargs = {
        "query": {"w话题": 1.0},
        "query_embedding": np.ones(4, dtype=np.float32) / 2,
        "self_score": 1.0,
        "pool": pool,
        "channel_id": 1,
        "topic_ids": set(),
        "corpus_query": np.asarray([1.0, 0.0], dtype=np.float32),
    }
    ranked = related.rank(levers=levers, documents=18000, **kwargs)
    assert [pk for pk, _s, _r in ranked][:1] == [2]
    assert ranked[0][2] == "meaning"
    # Off (or on a corpus too small to learn from): the newest id breaks the tie as before.
    assert [pk for pk, _s, _r in related.rank(levers=levers, documents=0, **kwargs)][0] == 3
    off = {**levers, "corpus_embed": 0}
    assert [pk for pk, _s, _r in related.rank(levers=off, documents=18000, **kwargs)][0] == 3
