"""Creators' comment management, the spam rules wired into comments (each holds, records a
SpamFlag), reaction rings out of the hot score, the sign-up honeypot and the 原创 check."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openhao.accounts.models import User
from openhao.articles import services as article_services
from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.engagement import services as engagement_services
from openhao.engagement.models import ArticleLike, Comment
from openhao.moderation import content, spam
from openhao.moderation.models import ArticleHold, Fingerprint, RingMember, SpamFlag
from openhao.moderation.roles import REVIEWER, role_group
from openhao.ranking.models import ArticleScore

RULES_ON = json.dumps({})  # every rule at its default


@pytest.fixture
def rules_on(settings):
    settings.OPENHAO_MODERATION_SPAM_RULES = RULES_ON


def _old_user(days=30, **kwargs):
    return UserFactory(date_joined=timezone.now() - timedelta(days=days), **kwargs)


# --- the creator's 跟贴管理 --------------------------------------------------------------------


def test_creator_moderates_comments_under_own_articles_only(client, db):
    creator = CreatorFactory()
    article = ArticleFactory(creator=creator, comment_count=0)
    comment = engagement_services.comment_create(user=UserFactory(), article=article, body="好文")
    url = reverse("studio:comments")
    other = CreatorFactory()
    client.force_login(other.user)
    assert comment.body not in client.get(url).content.decode()
    response = client.post(url, {"op": "remove", "comment": comment.pk})
    assert response.status_code == 403
    response = client.post(url, {"op": "mode", "article": article.pk, "mode": "closed"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.moderation_state == Comment.State.VISIBLE
    client.force_login(creator.user)
    assert "好文" in client.get(url).content.decode()
    client.post(url, {"op": "pin", "comment": comment.pk})
    comment.refresh_from_db()
    assert comment.pinned_at is not None
    client.post(url, {"op": "remove", "comment": comment.pk, "reason": "广告"})
    comment.refresh_from_db()
    article.refresh_from_db()
    assert comment.moderation_state == Comment.State.REMOVED and comment.pinned_at is None
    assert article.comment_count == 0


def test_reviewed_and_closed_comment_modes(client, db):
    creator = CreatorFactory()
    article = ArticleFactory(creator=creator, comment_count=0)
    url = reverse("studio:comments")
    client.force_login(creator.user)
    client.post(url, {"op": "mode", "article": article.pk, "mode": "reviewed"})
    article.refresh_from_db()
    assert article.comment_mode == Article.CommentMode.REVIEWED
    reader = UserFactory()
    comment = engagement_services.comment_create(user=reader, article=article, body="先审后显")
    assert comment.moderation_state == Comment.State.HELD
    assert "审核中" in client.get(url + "?held=1").content.decode()
    client.post(url, {"op": "approve", "comment": comment.pk})
    comment.refresh_from_db()
    article.refresh_from_db()
    assert comment.moderation_state == Comment.State.VISIBLE and article.comment_count == 1
    client.post(url, {"op": "mode", "article": article.pk, "mode": "closed"})
    article.refresh_from_db()
    with pytest.raises(Exception, match="关闭"):
        engagement_services.comment_create(user=reader, article=article, body="还能说吗")
    block = client.get(reverse("engagement:comments", args=[article.pk]), HTTP_HX_REQUEST="true")
    assert "作者已关闭这篇文章的跟贴" in block.content.decode()


def test_operators_see_and_decide_held_comments(client, db):

    article = ArticleFactory(comment_count=0, comment_mode=Article.CommentMode.REVIEWED)
    held = [
        engagement_services.comment_create(user=UserFactory(), article=article, body=f"第{i}条")
        for i in range(3)
    ]
    url = reverse("modcontent:comments")
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    operator = UserFactory()
    operator.groups.add(role_group(REVIEWER))
    client.force_login(operator)
    assert "第2条" in client.get(url).content.decode()
    client.post(url, {"decision": "approve", "ids": [held[0].pk, held[1].pk]})
    client.post(url, {"decision": "remove", "ids": [held[2].pk]})
    states = dict(Comment.objects.values_list("pk", "moderation_state"))
    assert [states[c.pk] for c in held] == ["visible", "visible", "removed"]
    from openhao.moderation import selectors

    assert selectors.held_comments_count() == 0


# --- spam rules on comments ----------------------------------------------------------------


def test_young_account_posting_a_link_is_held_and_flagged(rules_on, db):
    article = ArticleFactory(comment_count=0)
    young = UserFactory(date_joined=timezone.now() - timedelta(days=1))
    comment = engagement_services.comment_create(
        user=young, article=article, body="看这里 https://spam.example.com/x"
    )
    assert comment.moderation_state == Comment.State.HELD
    flag = SpamFlag.objects.get(rule="young_links")
    assert (flag.user, flag.object_kind, flag.object_id) == (young, "comment", comment.pk)
    ok = engagement_services.comment_create(
        user=_old_user(), article=article, body="看这里 https://example.org/x"
    )
    assert ok.moderation_state == Comment.State.VISIBLE


def test_the_same_text_many_times_is_held(rules_on, db):
    article = ArticleFactory(comment_count=0)
    user = _old_user()
    comments = [
        engagement_services.comment_create(user=user, article=article, body="沙发！")
        for _ in range(5)
    ]
    states = [c.moderation_state for c in comments]
    assert states == ["visible"] * 3 + ["held"] * 2
    assert SpamFlag.objects.filter(rule="repeated_text", user=user).count() == 2


def test_a_flooding_domain_is_held(rules_on, db):
    article = ArticleFactory(comment_count=0)
    for i in range(10):
        engagement_services.comment_create(
            user=_old_user(), article=article, body=f"第{i}个 https://flood.cn/{i}"
        )
    late = engagement_services.comment_create(
        user=_old_user(), article=article, body="又一个 flood.cn/x"
    )
    assert late.moderation_state == Comment.State.HELD
    assert SpamFlag.objects.filter(rule="domain_flood", object_id=late.pk).exists()


def test_rules_are_tuned_in_settings(settings, db):
    settings.OPENHAO_MODERATION_SPAM_RULES = json.dumps({"young_links": {"min_age_days": 0}})
    article = ArticleFactory(comment_count=0)
    comment = engagement_services.comment_create(
        user=UserFactory(), article=article, body="https://example.com"
    )
    assert comment.moderation_state == Comment.State.VISIBLE


# --- reaction rings ------------------------------------------------------------------------


def test_a_reaction_ring_stops_counting_toward_ranking(db):
    ring = [CreatorFactory() for _ in range(3)]
    articles = {c.pk: [ArticleFactory(creator=c, like_count=0) for _ in range(30)] for c in ring}
    for giver in ring:
        for other in ring:
            if other is giver:
                continue
            for article in articles[other.pk]:
                engagement_services.like_set(user=giver.user, article=article, liked=True)
    honest = UserFactory()
    target = articles[ring[0].pk][0]
    engagement_services.like_set(user=honest, article=target, liked=True)
    before = ArticleScore.objects.get(article=target).hot
    assert content.reaction_rings_refresh() == 3
    assert set(RingMember.objects.values_list("user_id", flat=True)) == {c.user_id for c in ring}
    target.refresh_from_db()
    assert (target.like_count, target.ring_like_count) == (3, 2)
    after = ArticleScore.objects.get(article=target).hot
    assert after < before
    assert ArticleLike.objects.filter(article=target).count() == 3  # nothing deleted


def test_honest_readers_are_no_ring(db):
    creators = [CreatorFactory() for _ in range(3)]
    for creator in creators:
        for _ in range(60):
            ArticleLike.objects.create(user=creator.user, article=ArticleFactory())
    assert content.reaction_rings_refresh() == 0


# --- the sign-up honeypot ------------------------------------------------------------------


def _signup(client, **extra):
    data = {
        "username": "newbie",
        "email": "newbie@example.com",
        "password1": "a-long-Passw0rd!",
        "password2": "a-long-Passw0rd!",
        **extra,
    }
    return client.post(reverse("account_signup"), data)


def test_a_filled_honeypot_refuses_sign_up_quietly(client, db):
    page = client.get(reverse("account_signup")).content.decode()
    assert 'name="website"' in page and 'class="honeypot"' in page
    response = _signup(client, website="http://spam.example")
    assert response.status_code == 200
    assert "注册暂时无法完成" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()
    assert SpamFlag.objects.filter(rule="honeypot", object_kind="signup").exists()


def test_people_leave_the_honeypot_empty(client, db):
    response = _signup(client)
    assert response.status_code == 302
    assert User.objects.filter(username="newbie").exists()


# --- 原创 ----------------------------------------------------------------------------------

ORIGINAL = (
    "清晨六点，江南小城的石板路还带着夜雨的湿气。卖豆浆的老人推着木车从巷口经过，"
    "铜铃叮当作响。河边的柳树刚抽出新芽，几只白鹭在浅滩上踱步，偶尔低头啄食。"
    "老街两旁的木门陆续打开，裁缝铺的师傅把布料一匹匹搬到门口晾晒，茶馆里已经坐满了"
    "喝早茶的街坊。他们谈论着天气、菜价和孩子的学业，笑声顺着屋檐飘到河面上。"
    "中午时分，游客渐渐多起来，有人举着相机拍摄拱桥倒影，有人在小吃摊前排队买青团。"
    "傍晚，夕阳把白墙黛瓦染成金色，炊烟从各家屋顶升起，小城又回到了它原本的安静。"
)
# The same text rewritten: a few phrases swapped, a sentence added, paragraphs moved.
REWRITE = (
    "傍晚，夕阳把白墙黛瓦染成金色，炊烟从各家屋顶升起，小城又回到了它原本的安静。"
    "清晨六点，江南小城的石板路还带着昨夜雨水的湿气。卖豆浆的老人推着木车从巷口经过，"
    "铜铃叮当作响。河边的柳树刚抽出新芽，几只白鹭在浅滩上踱步，偶尔低头啄食。"
    "老街两旁的木门陆续打开，裁缝铺的师傅把布料一匹匹搬到门口晾晒，茶馆里已经坐满了"
    "喝早茶的街坊。他们谈论着天气、菜价和孩子的学业，笑声顺着屋檐飘到河面上。"
    "中午时分，游客渐渐多起来，有人举着相机拍摄拱桥倒影，有人在小吃摊前排队买青团。"
)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the on-commit work (the fingerprint task) of each publish."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def _publish(creator, title, text, *, original=True):
    article = article_services.article_create(
        creator=creator,
        channel=ChannelFactory(),
        title=title,
        body_html=f"<p>{text}</p>",
        is_original=original,
    )
    return article_services.article_submit(article=article)


def test_a_rewritten_copy_of_another_creators_article_loses_original(db, on_commit):
    first = on_commit(_publish, CreatorFactory(approved_article_count=99), "小城的一天", ORIGINAL)
    assert first.status == Article.Status.PUBLISHED
    assert Fingerprint.objects.filter(article=first).exists()  # stored by the task
    copier = CreatorFactory(approved_article_count=99)
    copy = _publish(copier, "江南小城一日", REWRITE)
    copy.refresh_from_db()
    assert copy.status == Article.Status.PENDING and not copy.is_original
    assert "小城的一天" in copy.review_note and "不能声明原创" in copy.review_note
    hold = ArticleHold.objects.get(article=copy)
    assert hold.reason == "originality" and hold.matched_id == first.pk
    assert hold.similarity >= 0.9
    from openhao.moderation import selectors

    assert list(selectors.held_articles()) == [copy]


def test_near_duplicates_of_own_articles_and_unrelated_texts_are_allowed(db, on_commit):
    creator = CreatorFactory(approved_article_count=99)
    on_commit(_publish, creator, "小城的一天", ORIGINAL)
    again = _publish(creator, "江南小城一日", REWRITE)
    assert again.status == Article.Status.PUBLISHED and again.is_original
    other = _publish(
        CreatorFactory(approved_article_count=99),
        "山里的冬天",
        "大雪封山以后，村里的人们围着火塘烤土豆，讲起年轻时进山打猎的往事。" * 3
        + "孩子们在雪地里堆雪人、打雪仗，直到天黑才被大人喊回家吃饭。",
    )
    assert other.status == Article.Status.PUBLISHED and other.is_original
    assert not ArticleHold.objects.exists()


def test_spam_rules_config_is_strict():
    with pytest.raises(ValueError):
        spam.config({"nope": {}})


# --- list pages: queries bounded whatever the number of rows ---------------------------------


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_list_pages_cost_the_same_queries_for_few_or_many_rows(client, db):
    creator = CreatorFactory()
    article = ArticleFactory(creator=creator, comment_mode=Article.CommentMode.REVIEWED)
    staff = UserFactory(is_staff=True)
    staff.groups.add(role_group(REVIEWER))

    def add(n):
        for i in range(n):
            engagement_services.comment_create(user=UserFactory(), article=article, body=f"{i}")

    add(2)
    client.force_login(staff)
    _queries(client, reverse("modcontent:comments"))  # warm the per-process caches
    few = [_queries(client, reverse(n)) for n in ("modcontent:comments", "modcontent:flags")]
    client.force_login(creator.user)
    few.append(_queries(client, reverse("studio:comments")))
    add(8)
    client.force_login(staff)
    many = [_queries(client, reverse(n)) for n in ("modcontent:comments", "modcontent:flags")]
    client.force_login(creator.user)
    many.append(_queries(client, reverse("studio:comments")))
    assert few == many
