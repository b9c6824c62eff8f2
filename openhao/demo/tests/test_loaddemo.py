"""``manage.py loaddemo``: a demo site that reads as real — bodies about their titles, believable
numbers, a cover per article, hand-written pieces in every channel, 数据中心 history — and demo
accounts that production refuses."""

import hashlib
import io
import os
import random
import re
import subprocess
import sys
from collections import defaultdict
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from openhao.analytics.models import ArticleDailyStats, CreatorDailyStats
from openhao.articles.models import Article, Channel
from openhao.articles.tests.factories import ChannelFactory
from openhao.creators.models import Creator, CreatorApplication
from openhao.creators.tests.factories import CreatorFactory
from openhao.demo import accounts, content, handwritten, longform
from openhao.demo.checks import demo_accounts_check, refuse_demo_accounts
from openhao.demo.loader import READER_PREFIX, USERNAME_PREFIX, join_segmented
from openhao.demo.stories import BANKS, CITIES, ENTITY_SLOTS
from openhao.demo.structure import STRUCTURE
from openhao.engagement.models import Comment
from openhao.ranking.selectors import hot_articles

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
CHANNEL_SLUGS = [slug for *_section, rows in STRUCTURE for slug, _name, _box in rows]
HANDWRITTEN_TITLES = {p.title for p in handwritten.PIECES}


def loaddemo(*args, **options) -> str:
    out = StringIO()
    call_command("loaddemo", *args, stdout=out, **options)
    return out.getvalue()


def demo_creators():
    return Creator.objects.filter(user__in=_demo_users())


def _demo_users():
    return get_user_model().objects.filter(username__startswith=USERNAME_PREFIX) | (
        get_user_model().objects.filter(username=accounts.CREATOR.username)
    )


def published():
    return Article.objects.filter(status=Article.Status.PUBLISHED)


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def entity_values() -> dict[str, set[str]]:
    """Every value of each named-thing slot, over all channels."""
    values: dict[str, set[str]] = defaultdict(set)
    values["city"] = set(CITIES)
    for bank in BANKS.values():
        for name in ENTITY_SLOTS:
            slot = bank.slots.get(name)
            if slot and not callable(slot):
                values[name] |= set(slot)
    return values


@pytest.fixture(scope="class")
def demo_site(django_db_setup, django_db_blocker):
    """One full default load shared by the tests of a class (it takes a while), removed
    afterwards."""
    from openhao.search.backends import get_backend

    with django_db_blocker.unblock():
        output = loaddemo()
        yield output
        call_command("flush", interactive=False, verbosity=0)
        get_backend().clear()


@pytest.mark.usefixtures("demo_site")
class TestDefaultLoad:
    def test_creators_articles_and_channels(self, demo_site):
        assert "hand-written" in demo_site
        creators = list(demo_creators().prefetch_related("badges"))
        assert len(creators) >= 20
        names = [c.display_name for c in creators]
        assert len(set(names)) == len(names) and all(len(n) <= 20 for n in names)
        assert all(re.search(r"[\u4e00-\u9fff]", n) for n in names)
        assert all(c.motto and c.bio and c.avatar.name.endswith(".png") for c in creators)
        assert any(c.verified for c in creators) and not all(c.verified for c in creators)
        assert any(c.badges.all() for c in creators)
        # Hand-set badges never repeat one the creator index computes (原创作者, 优质创作者,
        # 新锐): the author card showed 原创作者 twice.
        for c in creators:
            names = [b.name for b in c.badges.all()]
            assert len(names) == len(set(names)), (c.display_name, names)
        # Only the demo creator account can sign in; the others and the readers cannot.
        signs_in = {c.user.username for c in creators if c.user.has_usable_password()}
        assert signs_in == {accounts.CREATOR.username}
        readers = get_user_model().objects.filter(username__startswith=READER_PREFIX)
        assert readers.count() >= 40
        assert not any(u.has_usable_password() for u in readers)
        assert all(u.nickname for u in readers)

        assert published().count() >= 340
        assert Channel.objects.count() == 11
        for slug in CHANNEL_SLUGS:
            assert published().filter(channel__slug=slug).count() >= 15, slug
        titles = list(published().values_list("title", flat=True))
        assert len(set(titles)) == len(titles)
        for article in published():
            assert article.summary
            assert article.body_html.count("<p>") >= 3
            assert "<script" not in article.body_html
        assert published().filter(topics__isnull=False).distinct().count() > 60
        assert published().filter(is_pinned=True).count() >= 11
        since = timezone.now() - timedelta(hours=72)
        assert published().filter(published_at__gte=since).count() >= 40
        oldest = published().order_by("published_at").first().published_at
        assert timezone.now() - oldest < timedelta(days=61)
        assert all(a.published_at.microsecond == 0 for a in published())
        for status in ("draft", "pending", "removed", "scheduled"):
            assert Article.objects.filter(status=status).exists()
        for creator in creators:
            assert creator.article_count == published().filter(creator=creator).count()

    def test_the_long_form_article(self, demo_site):
        article = Article.objects.get(title=longform.TITLE)
        assert f"{article.get_absolute_url()}" in demo_site
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
        assert article.creator.user.username == accounts.CREATOR.username

    def test_hand_written_articles_in_every_channel(self):
        pieces = published().filter(title__in=HANDWRITTEN_TITLES).select_related("channel")
        assert pieces.count() == len(handwritten.PIECES) >= 12
        assert {a.channel.slug for a in pieces} == set(CHANNEL_SLUGS)
        for article in pieces:
            body = article.body_html
            assert body.count("<h2>") >= 3, article.title
            assert body.count("<p>") + body.count("<li>") >= 8, article.title
            assert len(text_of(body)) >= 650, article.title
            assert article.references.count() >= 2
            assert article.topics.exists()
            assert article.is_original and article.cover and article.cover_alt
            assert article.creator.display_name == next(
                p.creator for p in handwritten.PIECES if p.title == article.title
            )

    def test_bodies_are_about_their_titles(self):
        """No 杭州 guide that talks about 洛阳: a body names the city (show, player, car...) of
        its title, and no other one."""
        values = entity_values()
        checked = 0
        for title, html in published().values_list("title", "body_html"):
            body = text_of(html)
            for kind, names in values.items():
                in_title = {n for n in names if n in title}
                if not in_title:
                    continue
                in_body = {n for n in names if n in body}
                assert in_body & in_title, (kind, title)
                assert in_body <= in_title, (kind, title, in_body - in_title)
                checked += 1
        assert checked > 150

    def test_counters_are_plausible_together(self):
        """reads ≥ likes ≥ 跟贴 in realistic ratios; a creator's followers are a few per cent
        of the reads of their articles, never 93,103 followers for 18 articles."""
        for a in published():
            assert a.view_count >= a.like_count >= a.comment_count, a.pk
            assert a.like_count <= 0.05 * a.view_count + 1, a.pk
            assert a.comment_count <= 0.01 * a.view_count + 2, a.pk
            assert a.share_count <= max(a.like_count, 0.01 * a.view_count + 1), a.pk
        views = sorted(published().values_list("view_count", flat=True))
        assert views[len(views) // 2] < 10_000 < views[-1]  # a long tail, not all hits
        for creator in demo_creators():
            reads = published().filter(creator=creator).aggregate(s=Sum("view_count"))["s"]
            assert 0.002 * reads <= creator.follower_count <= 0.05 * reads, creator
            assert creator.follower_count <= 2000 * creator.article_count, creator

    def test_comment_counts_equal_the_visible_comments(self):
        assert Comment.objects.filter(depth=1).exists()  # some replies, too
        readers = get_user_model().objects.filter(username__startswith=READER_PREFIX)
        assert Comment.objects.filter(user__in=readers).count() > Comment.objects.count() / 2
        for article in published():
            visible = Comment.objects.filter(article=article, is_deleted=False).count()
            assert article.comment_count == visible, article.pk

    def test_data_center_history_adds_up_to_the_counters(self):
        for article in published().filter(title__in=HANDWRITTEN_TITLES) | published().filter(
            title=longform.TITLE
        ):
            sums = ArticleDailyStats.objects.filter(article=article).aggregate(
                reads=Sum("reads"), likes=Sum("likes"), comments=Sum("comments")
            )
            assert sums == {
                "reads": article.view_count,
                "likes": article.like_count,
                "comments": article.comment_count,
            }
        totals = ArticleDailyStats.objects.aggregate(r=Sum("reads"))["r"]
        assert totals == published().aggregate(r=Sum("view_count"))["r"]
        demo = Creator.objects.get(user__username=accounts.CREATOR.username)
        days = ArticleDailyStats.objects.filter(creator=demo).values("day").distinct().count()
        assert days >= 10
        gained = CreatorDailyStats.objects.filter(creator=demo).aggregate(s=Sum("new_followers"))
        assert 0 < gained["s"] <= demo.follower_count

    def test_covers_differ_per_article_and_channel(self):
        with_cover = list(published().exclude(cover="").select_related("channel"))
        assert len(with_cover) > published().count() / 2
        names = [a.cover.name for a in with_cover]
        assert len(set(names)) == len(names)
        thumbs, digests, by_channel = [], set(), defaultdict(list)
        for article in with_cover:
            assert article.cover_alt
            with default_storage.open(article.cover.name) as f:
                data = f.read()
            digests.add(hashlib.sha256(data).hexdigest())
            image = Image.open(io.BytesIO(data)).convert("RGB").resize((16, 9))
            thumbs.append(image.tobytes())
            by_channel[article.channel.slug].append(len(thumbs) - 1)
        assert len(digests) == len(with_cover)  # no two covers are the same picture

        def distance(a: bytes, b: bytes) -> float:  # mean absolute difference, 0-255
            return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)

        # Not near-duplicates within a channel, and channels look different on average.
        for slug, indexes in by_channel.items():
            assert len(indexes) >= 3, slug
            sample = indexes[:12]
            for i, a in enumerate(sample):
                for b in sample[i + 1 :]:
                    assert distance(thumbs[a], thumbs[b]) > 2, slug
        assert {a.cover_alt for a in with_cover if a.channel.slug == "sports"} != {
            a.cover_alt for a in with_cover if a.channel.slug == "money"
        }

    def test_demo_accounts(self, demo_site):
        user_model = get_user_model()
        creator = user_model.objects.get(username=accounts.CREATOR.username)
        assert creator.check_password(accounts.CREATOR.password) and not creator.is_staff
        studio = Article.objects.filter(creator__user=creator)
        assert studio.filter(status=Article.Status.PUBLISHED).count() >= 3
        assert studio.filter(status=Article.Status.DRAFT).exists()
        assert studio.filter(status=Article.Status.SCHEDULED, scheduled_at__gt=timezone.now())
        operator = user_model.objects.get(username=accounts.OPERATOR.username)
        assert operator.check_password(accounts.OPERATOR.password)
        assert operator.is_staff and not operator.is_superuser
        assert operator.has_perm("articles.change_article")
        assert not operator.has_perm("articles.delete_article")
        assert CreatorApplication.objects.filter(status="pending").count() == 2
        admin = user_model.objects.get(username="admin")
        assert admin.is_superuser and admin.is_staff and admin.check_password("admin")
        for account in accounts.ACCOUNTS:
            assert f"{account.username} / {account.password}" in demo_site
        assert accounts.accounts_with_demo_passwords() == sorted(
            a.username for a in accounts.ACCOUNTS
        )
        # Under production settings the same database fails the system check.
        with override_settings(OPENHAO_DEMO_ALLOWED=False):
            errors = demo_accounts_check()
            assert {e.id for e in errors} == {"openhao.E001"}
            assert len(errors) == len(accounts.ACCOUNTS)

    def test_a_second_run_changes_nothing(self):
        user_model = get_user_model()
        counts = (Article.objects.count(), Creator.objects.count(), user_model.objects.count())
        output = loaddemo()
        assert "already present" in output
        assert "demo-creator / openhao-demo" in output
        assert counts == (
            Article.objects.count(),
            Creator.objects.count(),
            user_model.objects.count(),
        )


def test_generated_bodies_name_their_titles_subject_and_nothing_else():
    values = entity_values()
    rng = random.Random(7)
    for slug in BANKS:
        for _ in range(150):
            draft = content.make_article(rng, slug)
            body = text_of(draft.body_html)
            for subject in draft.subject_values():
                assert subject in body, (draft.title, subject)
            chosen = set(draft.filler.chosen.values())
            for names in values.values():
                assert {n for n in names if n in body} <= chosen, draft.title
            assert 150 <= len(body) <= 800, draft.title


def test_every_lead_names_its_storys_subject():
    for slug, bank in BANKS.items():
        for story in bank.stories:
            for lead in story.leads:
                for slot in story.subject:
                    assert "{" + slot + "}" in lead, (slug, story.titles[0], slot)


def test_titles_from_a_headlines_file(tmp_path):
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
    volleyball = published().get(title="中国女排3比0战胜对手，取得开门红")
    assert volleyball.channel.slug == "sports"
    # We know nothing about such a story: its body quotes the title and says nothing specific.
    assert "中国女排3比0战胜对手，取得开门红" in volleyball.body_html
    assert not {c for c in CITIES if c in volleyball.body_html}
    assert published().get(title="iPhone 7 Plus发布会定档下个月").channel.slug == "tech"
    assert published().get(title="航展首日，多型飞机亮相").channel.slug == "mil"
    assert not Article.objects.filter(title__startswith="很长的标题").exists()
    assert not Article.objects.filter(title="这个分类不存在").exists()
    # 44 generated, the hand-written pieces and the long-form article.
    assert published().count() == 44 + len(handwritten.PIECES) + 1
    assert not get_user_model().objects.filter(username="admin").exists()


def test_join_segmented():
    assert join_segmented("2.5 万英镑 可住 戴妃 闺房") == "2.5万英镑可住戴妃闺房"
    assert join_segmented("NBA 总决赛 G7 ： 勇士 vs 骑士") == "NBA总决赛G7：勇士vs骑士"
    assert join_segmented("Apple Watch 2 上手") == "Apple Watch 2上手"


def test_reset_replaces_only_demo_content():
    other = CreatorFactory(display_name="真实作者")
    own = Article.objects.create(
        creator=other,
        channel=ChannelFactory(),
        title="不属于演示数据的文章",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    loaddemo("--no-admin", articles=30)
    first = sorted(published().exclude(pk=own.pk).values_list("title", flat=True))
    creators = demo_creators().count()
    demo_articles = Article.objects.exclude(pk=own.pk).count()

    output = loaddemo("--reset", "--no-admin", articles=30)
    assert f"Deleted demo content: {demo_articles} articles" in output
    assert Article.objects.filter(pk=own.pk).exists()
    assert Creator.objects.filter(pk=other.pk).exists()
    assert demo_creators().count() == creators
    # Same seed, same content.
    assert sorted(published().exclude(pk=own.pk).values_list("title", flat=True)) == first


def test_demo_content_of_an_earlier_version_is_replaced():
    """Before the demo accounts, demo creators were demo_creator_01...; such a database gets
    the current demo (and its accounts) instead of "already present"."""
    old = CreatorFactory(user__username=f"{USERNAME_PREFIX}01", display_name="旧版演示号")
    output = loaddemo("--no-admin", articles=20)
    assert "earlier version" in output
    assert not Creator.objects.filter(pk=old.pk).exists()
    assert get_user_model().objects.filter(username=accounts.CREATOR.username).exists()


@override_settings(OPENHAO_DEMO_ALLOWED=False)
def test_production_settings_refuse_loaddemo():
    with pytest.raises(CommandError, match="local development only"):
        loaddemo()
    assert not get_user_model().objects.exists()
    assert not Article.objects.exists()


def test_production_refuses_demo_accounts_with_their_published_passwords():
    user_model = get_user_model()
    user_model.objects.create_user(username="demo-operator", password="openhao-demo")
    admin = user_model.objects.create_user(username="admin", password="admin")
    assert demo_accounts_check() == []  # development settings allow them
    with override_settings(OPENHAO_DEMO_ALLOWED=False):
        errors = demo_accounts_check()
        assert [e.id for e in errors] == ["openhao.E001", "openhao.E001"]
        assert "'admin'" in errors[0].msg and "'demo-operator'" in errors[1].msg
        with pytest.raises(ImproperlyConfigured, match="demo-operator"):
            refuse_demo_accounts()
        # Once the password is changed (or the user deleted) production starts.
        admin.set_password("a much better secret than admin")
        admin.save()
        user_model.objects.filter(username="demo-operator").delete()
        assert demo_accounts_check() == []
        refuse_demo_accounts()


def test_production_settings_module_turns_the_demo_off(tmp_path):
    """The real production settings, in a process of their own: loaddemo stops before it
    touches the (here empty) database."""
    environ = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "REDIS_URL"}}
    environ.update(
        DJANGO_SETTINGS_MODULE="openhao.settings.production",
        SECRET_KEY="p" * 50,
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        OPENHAO_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "loaddemo"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert "OPENHAO_DEMO_ALLOWED is False in production" in result.stderr
