import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from openhao.articles.demo import longform
from openhao.articles.demo.loader import USERNAME_PREFIX, join_segmented
from openhao.articles.demo.structure import STRUCTURE
from openhao.articles.models import Article, Channel
from openhao.articles.tests.factories import ChannelFactory
from openhao.creators.models import Creator
from openhao.creators.tests.factories import CreatorFactory
from openhao.ranking.selectors import hot_articles

pytestmark = pytest.mark.django_db

CHANNEL_SLUGS = [slug for *_section, rows in STRUCTURE for slug, _name, _box in rows]


def loaddemo(*args, **options) -> str:
    out = StringIO()
    call_command("loaddemo", *args, stdout=out, **options)
    return out.getvalue()


def demo_creators():
    return Creator.objects.filter(user__username__startswith=USERNAME_PREFIX)


def published():
    return Article.objects.filter(status=Article.Status.PUBLISHED)


def test_default_load_without_headlines_file(tmp_path):
    output = loaddemo(headlines=str(tmp_path / "missing.tsv"))
    assert "generated (no headlines file found)" in output

    # Creators: enough, Chinese unique names, a motto, a bio, an avatar; some verified.
    creators = list(demo_creators().prefetch_related("badges"))
    assert len(creators) >= 20
    names = [c.display_name for c in creators]
    assert len(set(names)) == len(names) and all(len(n) <= 20 for n in names)
    assert all(re.search(r"[\u4e00-\u9fff]", n) for n in names)
    assert all(c.motto and c.bio and c.avatar.name.endswith(".png") for c in creators)
    assert any(c.verified for c in creators) and not all(c.verified for c in creators)
    assert any(c.badges.all() for c in creators)
    assert all(not c.user.has_usable_password() for c in creators)

    # Articles: ≥ 300 published over all 11 channels, ≥ 15 each, unique titles, HTML bodies.
    assert published().count() >= 300
    assert Channel.objects.count() == 11
    for slug in CHANNEL_SLUGS:
        assert published().filter(channel__slug=slug).count() >= 15, slug
    titles = list(published().values_list("title", flat=True))
    assert len(set(titles)) == len(titles)
    for article in published():
        assert article.summary
        assert article.body_html.count("<p>") >= 3
        assert "<script" not in article.body_html
    assert published().filter(body_html__contains="<h2>").count() > 50
    assert published().exclude(cover="").count() > 30
    assert published().filter(topics__isnull=False).distinct().count() > 60
    assert published().filter(is_pinned=True).count() >= 11
    since = timezone.now() - timedelta(hours=72)
    assert published().filter(published_at__gte=since).count() >= 40
    oldest = published().order_by("published_at").first().published_at
    assert timezone.now() - oldest < timedelta(days=61)
    assert all(a.published_at.microsecond == 0 for a in published())
    for status in ("draft", "pending", "removed"):
        assert Article.objects.filter(status=status).exists()

    # Denormalised counters match the table.
    for creator in creators:
        assert creator.article_count == published().filter(creator=creator).count()
        assert 100 <= creator.follower_count <= 100_000

    # The long-form article.
    article = Article.objects.get(title=longform.TITLE)
    assert f"{article.get_absolute_url()}" in output
    body = article.body_html
    assert body.count("<h2>") == 3
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', body)
    assert len(alts) == 2 and all(alts)
    assert body.count("<figcaption>") == 2
    assert article.references.count() >= 3
    assert "春季图文激励计划" in {t.name for t in article.topics.all()}
    assert article.is_original and article.is_pinned and article.cover and article.cover_alt
    assert article.status == Article.Status.PUBLISHED
    assert timezone.now() - article.published_at < timedelta(hours=24)
    assert hot_articles(limit=10)[0] == article
    assert len(re.sub(r"<[^>]+>|\s", "", body)) > 2800

    # The local superuser.
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password("admin")

    # A second run changes nothing.
    counts = (Article.objects.count(), Creator.objects.count(), get_user_model().objects.count())
    output = loaddemo(headlines=str(tmp_path / "missing.tsv"))
    assert "already present" in output
    assert counts == (
        Article.objects.count(),
        Creator.objects.count(),
        get_user_model().objects.count(),
    )


def test_titles_from_headlines_file(tmp_path):
    tsv = tmp_path / "headlines.tsv"
    long_title = " ".join(["很长的标题"] * 14)
    tsv.write_text(
        "sports\t中国 女排 3 比 0 战胜 对手 ， 取得 开门红\n"
        "tech\tiPhone 7 Plus 发布会 定档 下 个月\n"
        "military\t航展 首日 ， 多型 飞机 亮相\n"
        f"finance\t{long_title}\n"
        "unknown\t这个 分类 不存在\n"
        "no tab here\n",
        encoding="utf-8",
    )
    output = loaddemo("--no-admin", articles=44, headlines=str(tsv))
    assert f"3 from {tsv}" in output
    assert published().get(title="中国女排3比0战胜对手，取得开门红").channel.slug == "sports"
    assert published().get(title="iPhone 7 Plus发布会定档下个月").channel.slug == "tech"
    assert published().get(title="航展首日，多型飞机亮相").channel.slug == "mil"
    assert not Article.objects.filter(title__startswith="很长的标题").exists()
    assert not Article.objects.filter(title="这个分类不存在").exists()
    assert published().count() == 45  # 44 and the long-form article
    assert not get_user_model().objects.filter(username="admin").exists()


def test_join_segmented():
    assert join_segmented("2.5 万英镑 可住 戴妃 闺房") == "2.5万英镑可住戴妃闺房"
    assert join_segmented("NBA 总决赛 G7 ： 勇士 vs 骑士") == "NBA总决赛G7：勇士vs骑士"
    assert join_segmented("Apple Watch 2 上手") == "Apple Watch 2上手"


def test_reset_replaces_only_demo_content(tmp_path):
    missing = str(tmp_path / "missing.tsv")
    other = CreatorFactory(display_name="真实作者")
    own = Article.objects.create(
        creator=other,
        channel=ChannelFactory(),
        title="不属于演示数据的文章",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    loaddemo("--no-admin", articles=30, headlines=missing)
    first = sorted(published().exclude(pk=own.pk).values_list("title", flat=True))
    creators = demo_creators().count()

    output = loaddemo("--reset", "--no-admin", articles=30, headlines=missing)
    assert "Deleted demo content: 41 articles" in output
    assert Article.objects.filter(pk=own.pk).exists()
    assert Creator.objects.filter(pk=other.pk).exists()
    assert demo_creators().count() == creators
    # Same seed, same content.
    assert sorted(published().exclude(pk=own.pk).values_list("title", flat=True)) == first


def test_comment_counts_equal_the_visible_comments(tmp_path):
    from openhao.engagement.models import Comment

    loaddemo("--articles", "40", "--headlines", str(tmp_path / "missing.tsv"), "--no-admin")
    articles = list(published())
    assert Comment.objects.exists()
    assert Comment.objects.filter(depth=1).exists()  # some replies, too
    for article in articles:
        visible = Comment.objects.filter(article=article, is_deleted=False).count()
        assert article.comment_count == visible, article.pk
