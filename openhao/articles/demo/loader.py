"""Load the demo site: creators, badges, topics, a few hundred published articles and one
hand-written long-form article. Used by ``manage.py loaddemo``.

Deterministic for a given seed (relative to the current time). Bulk articles go through
``bulk_create`` for speed, which bypasses ``Article.save()``: bodies are sanitised here, the
creators' article counts are recomputed at the end and the cache tags bumped by hand.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from openhao.articles.models import Article, Channel, Topic
from openhao.articles.sanitize import sanitize_body
from openhao.articles.services import article_create
from openhao.common.cache import LISTS_TAG, bump_tags, creator_tag
from openhao.creators.models import Badge, Creator
from openhao.creators.services import creator_create
from openhao.ranking.services import scores_rebuild, terms_rebuild

from . import content, longform
from .images import avatar_png, scene_jpeg
from .structure import ensure_channels

USERNAME_PREFIX = "demo_creator_"
DEFAULT_SEED = 20250321
DEFAULT_ARTICLES = 330
DEFAULT_CREATORS = 26
MIN_PER_CHANNEL = 15
HISTORY_DAYS = 60
RECENT_HOURS = 72
MEDIA_DIR = "demo"
COVER_SIZE = (960, 540)
FIGURE_SIZE = (1280, 720)
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin"  # noqa: S105 - local development only, printed by the command
HEADLINE_TITLE_MAX = 64
HEADLINE_TITLE_MIN = 6
# Extra articles that are not public (and not counted): (status, how many).
UNPUBLISHED = ((Article.Status.DRAFT, 4), (Article.Status.PENDING, 3), (Article.Status.REMOVED, 3))

# NLPCC 2017 headline categories → our channels (society headlines feed two channels).
HEADLINE_CHANNELS: dict[str, tuple[str, ...]] = {
    "world": ("toutiao",),
    "society": ("toutiao", "local"),
    "sports": ("sports",),
    "entertainment": ("ent",),
    "fashion": ("ent",),
    "finance": ("money",),
    "tech": ("tech",),
    "game": ("tech",),
    "car": ("auto",),
    "food": ("home",),
    "baby": ("home",),
    "regimen": ("home",),
    "travel": ("travel",),
    "story": ("local",),
    "essay": ("local", "open"),
    "discovery": ("open",),
    "history": ("open",),
    "military": ("mil",),
}


@dataclass
class LoadResult:
    skipped: bool = False
    creators: int = 0
    published: int = 0
    unpublished: int = 0
    topics: int = 0
    badges: int = 0
    titles_from_headlines: int = 0
    headlines_path: Path | None = None
    longform: Article | None = None
    admin_created: bool = False
    admin_exists: bool = False
    deleted: dict[str, int] = field(default_factory=dict)


# The demo writes real comments so that counts match what readers see; a few per article keep
# the load fast.
MAX_DEMO_COMMENTS = 8


def default_headlines_path() -> Path:
    return settings.BASE_DIR.parent / "shared" / "data" / "nlpcc2017-headlines" / "headlines.tsv"


def demo_users():
    return get_user_model().objects.filter(username__startswith=USERNAME_PREFIX)


def demo_present() -> bool:
    return get_user_model().objects.filter(username=f"{USERNAME_PREFIX}01").exists()


# --- headlines ---------------------------------------------------------------------------------


def _ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def join_segmented(text: str) -> str:
    """Undo jieba's segmentation: join tokens, keeping one space between two ASCII words
    (``iPhone 7``) and none elsewhere (``2.5 万英镑`` → ``2.5万英镑``)."""
    out = ""
    for token in text.split():
        if out and _ascii_word(out[-1]) and _ascii_word(token[0]):
            out += " "
        out += token
    return out


def read_headlines(path: Path) -> dict[str, list[str]]:
    """Titles by channel slug from a ``category<TAB>segmented title`` file."""
    by_channel: dict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            category, tab, segmented = line.rstrip("\n").partition("\t")
            channels = HEADLINE_CHANNELS.get(category.strip().lower())
            if not tab or not channels:
                continue
            title = join_segmented(segmented)
            if HEADLINE_TITLE_MIN <= len(title) <= HEADLINE_TITLE_MAX:
                for slug in channels:
                    by_channel[slug].append(title)
    return by_channel


# --- files -------------------------------------------------------------------------------------


def _save_file(name: str, data: bytes) -> str:
    """Save under a stable name, replacing an earlier copy, so reloading does not pile up
    ``name_abc123.jpg`` duplicates."""
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))


def _make_covers(rng: random.Random) -> list[tuple[str, str]]:
    covers = []
    width, height = COVER_SIZE
    for index, (palette, water, fields, alt) in enumerate(content.COVERS, start=1):
        data = scene_jpeg(
            rng, palette=palette, water=water, fields=fields, width=width, height=height
        )
        covers.append((_save_file(f"{MEDIA_DIR}/covers/cover-{index:02d}.jpg", data), alt))
    return covers


# --- reset -------------------------------------------------------------------------------------


@transaction.atomic
def delete_demo() -> dict[str, int]:
    """Delete demo articles, creators (and their avatar files) and users; nothing else.
    Channels, topics and badges are shared with real content and stay."""
    users = demo_users()
    creators = Creator.objects.filter(user__in=users)
    articles = Article.objects.filter(creator__in=creators)
    deleted = {"articles": articles.count()}
    articles.delete()
    for creator in creators:
        if creator.avatar:
            creator.avatar.delete(save=False)
    deleted["creators"] = creators.count()
    creators.delete()
    deleted["users"] = users.delete()[0]
    return deleted


# --- load --------------------------------------------------------------------------------------


def ensure_admin() -> bool:
    """Create the local superuser ``admin``/``admin`` unless a user of that name exists."""
    user_model = get_user_model()
    if user_model.objects.filter(username=ADMIN_USERNAME).exists():
        return False
    user_model.objects.create_superuser(
        username=ADMIN_USERNAME, email="admin@example.com", password=ADMIN_PASSWORD
    )
    return True


def load_demo(
    *,
    seed: int = DEFAULT_SEED,
    articles: int = DEFAULT_ARTICLES,
    creators: int = DEFAULT_CREATORS,
    headlines: Path | str | None = None,
    reset: bool = False,
    admin: bool = True,
) -> LoadResult:
    """Load the demo content unless it is already there (``reset`` deletes it first).

    ``headlines`` is a NLPCC-style TSV to draw titles from; ``None`` means the shared data set
    next to the repository. A missing file is fine: titles are then generated."""
    result = LoadResult()
    if reset:
        result.deleted = delete_demo()
    elif demo_present():
        result.skipped = True
        result.creators = Creator.objects.filter(user__in=demo_users()).count()
        result.published = Article.objects.public().filter(creator__user__in=demo_users()).count()
    if admin and not result.skipped:
        result.admin_created = ensure_admin()
    result.admin_exists = get_user_model().objects.filter(username=ADMIN_USERNAME).exists()
    if result.skipped:
        return result

    path = Path(headlines) if headlines else default_headlines_path()
    result.headlines_path = path if path.is_file() else None
    with transaction.atomic():
        _Loader(random.Random(seed), result).run(articles, creators)
    return result


class _Loader:
    def __init__(self, rng: random.Random, result: LoadResult):
        self.rng = rng
        self.result = result
        self.now = timezone.now().replace(microsecond=0)
        self.profiles: dict[int, content.CreatorProfile] = {}

    def run(self, article_count: int, creator_count: int) -> None:
        channels = ensure_channels()
        badges = self.badges()
        topics = self.topics()
        creators = self.creators(creator_count, badges)
        covers = _make_covers(self.rng)
        rows = self.article_rows(article_count, channels, creators, topics, covers)
        # The long-form article first, so that on a fresh database it is /article/1/.
        hottest = max(a.view_count for a, _links in rows)
        self.result.longform = self.longform(channels[longform.CHANNEL], creators[0], hottest)
        self.insert(rows, creators)
        self.recount(creators)
        self.comments(creators)
        # bulk_create bypasses the services, so the ranking rows are rebuilt in one go.
        scores_rebuild()
        terms_rebuild()
        bump_tags(LISTS_TAG, *[creator_tag(c.pk) for c in creators])

    # Shared objects: get_or_create, so real data with the same names is reused, not doubled.

    def badges(self) -> dict[str, Badge]:
        badges = {}
        for slug, name, description, symbol, color in content.BADGES:
            badges[slug], _ = Badge.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "description": description,
                    "symbol": symbol,
                    "color": color,
                },
            )
        self.result.badges = len(badges)
        return badges

    def topics(self) -> dict[str, Topic]:
        topics = {}
        for name, description, _channels in content.TOPICS:
            topics[name], _ = Topic.objects.get_or_create(
                name=name, defaults={"description": description}
            )
        self.result.topics = len(topics)
        return topics

    def creators(self, count: int, badges: dict[str, Badge]) -> list[Creator]:
        rng = self.rng
        mottos = rng.sample(content.MOTTOS, len(content.MOTTOS))
        creators = []
        for index, profile in enumerate(content.creator_profiles(rng, count), start=1):
            username = f"{USERNAME_PREFIX}{index:02d}"
            verified = index == 1 or rng.random() < 0.45
            chosen = []
            if verified:
                chosen.append(badges["quality"])
            if profile.channels[0] not in content.NEWS_CHANNELS or rng.random() < 0.25:
                chosen.append(badges["original"])
            if index == 1 or rng.random() < 0.3:
                chosen.append(badges["spring-campaign"])
            if not verified and rng.random() < 0.25:
                chosen.append(badges["rising"])
            creator = creator_create(
                username=username,
                display_name=profile.display_name,
                motto=mottos[(index - 1) % len(mottos)],
                bio=content.make_bio(rng, profile),
                verified=verified,
                badges=chosen,
            )
            # Replace a stale file of the same name so the stored name stays stable.
            name = creator.avatar.field.generate_filename(creator, f"{username}.png")
            if creator.avatar.storage.exists(name):
                creator.avatar.storage.delete(name)
            creator.avatar.save(f"{username}.png", ContentFile(avatar_png(rng)), save=False)
            followers = rng.lognormvariate(math.log(9000 if verified else 2500), 0.9)
            creator.follower_count = max(120, min(int(followers), 95000))
            self.profiles[creator.pk] = profile
            creators.append(creator)
        Creator.objects.bulk_update(creators, ["avatar", "follower_count"])
        self.result.creators = len(creators)
        return creators

    # Articles.

    def channel_counts(self, total: int, slugs: list[str]) -> dict[str, int]:
        floor = min(MIN_PER_CHANNEL, total // len(slugs))
        counts = dict.fromkeys(slugs, floor)
        weights = [1.6 if slug == "toutiao" else 1.0 for slug in slugs]
        for _ in range(total - floor * len(slugs)):
            counts[self.rng.choices(slugs, weights)[0]] += 1
        return counts

    def titles(self, counts: dict[str, int]) -> dict[str, list[str]]:
        rng = self.rng
        pool = read_headlines(self.result.headlines_path) if self.result.headlines_path else {}
        used: set[str] = set()
        titles: dict[str, list[str]] = {}
        for slug, count in counts.items():
            candidates = list(dict.fromkeys(pool.get(slug, ())))
            rng.shuffle(candidates)
            picked = []
            for title in candidates:
                if len(picked) >= count:
                    break
                if title not in used:
                    used.add(title)
                    picked.append(title)
            self.result.titles_from_headlines += len(picked)
            picked += content.make_titles(rng, slug, count - len(picked), used)
            # Should the templates run dry, number the repeats rather than fail.
            while len(picked) < count:
                picked.append(f"{content.make_title(rng, slug)}（{len(picked) + 1}）")
            rng.shuffle(picked)
            titles[slug] = picked
        return titles

    def published_times(self, count: int) -> list[datetime]:
        rng = self.rng
        recent = min(count, max(48, count // 6))
        hours = [rng.uniform(0.2, RECENT_HOURS - 0.5) for _ in range(recent)]
        span = HISTORY_DAYS * 24 - RECENT_HOURS
        hours += [RECENT_HOURS + span * rng.random() ** 1.5 for _ in range(count - recent)]
        rng.shuffle(hours)
        return [self.now - timedelta(seconds=int(h * 3600)) for h in hours]

    def counters(self, published_at: datetime) -> dict[str, int]:
        rng = self.rng
        age_hours = (self.now - published_at).total_seconds() / 3600
        views = rng.lognormvariate(math.log(15000), 1.15) * min(1.0, (age_hours + 3) / 48) ** 0.5
        views = max(60, min(int(views), 680000))
        return {
            "view_count": views,
            "like_count": int(views * rng.uniform(0.004, 0.035)),
            "comment_count": int(views * rng.uniform(0.0008, 0.009)),
            "share_count": int(views * rng.uniform(0.0005, 0.007)),
        }

    def article_rows(self, total, channels, creators, topics, covers):
        """Unsaved published, draft, pending and removed articles with their topics."""
        rng = self.rng
        slugs = list(channels)
        counts = self.channel_counts(total, slugs)
        titles = self.titles(counts)
        writers = {slug: self._writers(slug, creators) for slug in slugs}
        topic_choices = {
            slug: [topics[name] for name, _d, chans in content.TOPICS if slug in chans]
            for slug in slugs
        }
        times = iter(self.published_times(total))

        rows: list[tuple[Article, list[Topic]]] = []
        for slug in slugs:
            channel = channels[slug]
            original_share = 0.25 if slug in content.NEWS_CHANNELS else 0.7
            for title in titles[slug]:
                rows.append(
                    self._article(
                        channel, title, writers[slug], topic_choices[slug], covers, original_share
                    )
                )
                article = rows[-1][0]
                article.status = Article.Status.PUBLISHED
                article.published_at = next(times)
                for name, value in self.counters(article.published_at).items():
                    setattr(article, name, value)
        self._pin(rows)

        for status, count in UNPUBLISHED:
            for _ in range(count):
                slug = rng.choice(slugs)
                (title,) = content.make_titles(rng, slug, 1, set()) or ["未命名草稿"]
                article, links = self._article(
                    channels[slug], title, writers[slug], topic_choices[slug], covers, 0.5
                )
                article.status = status
                if status == Article.Status.REMOVED:
                    article.published_at = self.now - timedelta(
                        seconds=rng.randint(5 * 86400, 40 * 86400)
                    )
                rows.append((article, links))
        return rows

    def insert(self, rows: list[tuple[Article, list[Topic]]], creators: list[Creator]) -> None:
        created = Article.objects.bulk_create([a for a, _ in rows], batch_size=200)
        Article.topics.through.objects.bulk_create(
            [
                Article.topics.through(article_id=article.pk, topic_id=topic.pk)
                for article, (_a, links) in zip(created, rows, strict=True)
                for topic in links
            ],
            batch_size=500,
        )
        # auto_now_add stamped them all "now"; an article is written when it is published.
        Article.objects.filter(creator__in=creators, published_at__isnull=False).update(
            created_at=F("published_at"), updated_at=F("published_at")
        )
        bulk_published = sum(1 for a in created if a.status == Article.Status.PUBLISHED)
        self.result.published = bulk_published + 1  # and the long-form article
        self.result.unpublished = len(created) - bulk_published

    def _writers(self, slug: str, creators: list[Creator]) -> tuple[list[Creator], list[float]]:
        weights = []
        for creator in creators:
            chans = self.profiles[creator.pk].channels
            weights.append(4.0 if chans[0] == slug else 2.0 if slug in chans else 0.08)
        return creators, weights

    def _article(self, channel, title, writers, topic_choices, covers, original_share):
        rng = self.rng
        body, summary = content.make_body(rng, channel.slug)
        cover, cover_alt = rng.choice(covers) if rng.random() < 0.35 else ("", "")
        links = []
        if topic_choices and rng.random() < 0.34:
            links = rng.sample(topic_choices, min(len(topic_choices), rng.choice((1, 1, 2))))
        article = Article(
            creator=rng.choices(*writers)[0],
            channel=channel,
            title=title[:64],
            summary=summary,
            body_html=sanitize_body(body),
            cover=cover,
            cover_alt=cover_alt,
            is_original=rng.random() < original_share,
        )
        return article, links

    def _pin(self, rows) -> None:
        """One or two staff-pinned stories per channel, among its newest."""
        by_channel = defaultdict(list)
        for article, _links in rows:
            by_channel[article.channel_id].append(article)
        for items in by_channel.values():
            items.sort(key=lambda a: a.published_at, reverse=True)
            newest = items[:8]
            for article in self.rng.sample(newest, min(len(newest), self.rng.randint(1, 2))):
                article.is_pinned = True

    # The long-form article.

    def longform(self, channel: Channel, creator: Creator, hottest: int) -> Article:
        rng = self.rng
        width, height = FIGURE_SIZE
        stored = {}
        for number, figure in longform.FIGURES.items():
            data = scene_jpeg(
                rng,
                palette=figure.palette,
                water=figure.water,
                fields=figure.fields,
                width=width,
                height=height,
                quality=86,
            )
            stored[number] = _save_file(f"{MEDIA_DIR}/{figure.filename}", data)

        def figure_html(number: int, figure: longform.Figure) -> str:
            src = escape(default_storage.url(stored[number]))
            return (
                f'<figure><img src="{src}" alt="{escape(figure.alt)}" width="{width}" '
                f'height="{height}"><figcaption>{escape(figure.caption, quote=False)}'
                "</figcaption></figure>"
            )

        cover_figure = longform.FIGURES[longform.COVER_FIGURE]
        article = article_create(
            creator=creator,
            channel=channel,
            title=longform.TITLE,
            body_html=longform.render(figure_html),
            summary=longform.SUMMARY,
            is_original=True,
            topic_names=longform.TOPICS,
            references=longform.REFERENCES,
            cover=stored[longform.COVER_FIGURE],
            cover_alt=cover_figure.alt,
        )
        # Top of the hot list: more reads than any other article, demo or not.
        existing = (
            Article.objects.public()
            .order_by("-view_count")
            .values_list("view_count", flat=True)
            .first()
        )
        views = max(hottest, existing or 0) + rng.randint(25000, 60000)
        article.status = Article.Status.PUBLISHED
        article.published_at = self.now - timedelta(hours=3, minutes=rng.randint(5, 50))
        article.is_pinned = True
        article.view_count = views
        article.like_count = int(views * 0.043)
        article.comment_count = int(views * 0.0094)
        article.share_count = int(views * 0.016)
        article.save()
        return article

    def comments(self, creators: list[Creator]) -> None:
        """Real 跟贴 rows, so that every article's comment count equals its visible comments: up
        to MAX_DEMO_COMMENTS per article (fewer for articles with fewer readers), written by the
        demo creators' accounts, with a reply under some of them."""
        from openhao.engagement.models import Comment
        from openhao.engagement.text import render_comment

        rng = self.rng
        users = [c.user_id for c in creators]
        articles = list(
            Article.objects.public()
            .filter(creator__in=creators)
            .only("id", "creator_id", "comment_count", "published_at")
        )
        tops = []
        for article in articles:
            wanted = min(article.comment_count, MAX_DEMO_COMMENTS)
            for _ in range(wanted):
                text = rng.choice(content.COMMENTS)
                created = article.published_at + timedelta(minutes=rng.randint(3, 600))
                tops.append(
                    Comment(
                        article_id=article.pk,
                        user_id=rng.choice(users),
                        body=text,
                        body_html=render_comment(text),
                        created_at=min(created, self.now),
                    )
                )
        tops = Comment.objects.bulk_create(tops, batch_size=2000)
        replies = []
        for parent in rng.sample(tops, k=len(tops) // 5):
            text = rng.choice(content.REPLIES)
            replies.append(
                Comment(
                    article_id=parent.article_id,
                    user_id=rng.choice(users),
                    parent=parent,
                    root=parent,
                    depth=1,
                    body=text,
                    body_html=render_comment(text),
                    created_at=min(
                        parent.created_at + timedelta(minutes=rng.randint(1, 90)), self.now
                    ),
                )
            )
        Comment.objects.bulk_create(replies, batch_size=2000)
        counts = dict(
            Comment.objects.filter(article__in=articles, is_deleted=False)
            .values("article")
            .annotate(n=Count("id"))
            .values_list("article", "n")
        )
        for article in articles:
            article.comment_count = counts.get(article.pk, 0)
        Article.objects.bulk_update(articles, ["comment_count"], batch_size=2000)

    def recount(self, creators: list[Creator]) -> None:
        counts = dict(
            Article.objects.public()
            .filter(creator__in=creators)
            .values("creator")
            .annotate(n=Count("id"))
            .values_list("creator", "n")
        )
        for creator in creators:
            creator.article_count = counts.get(creator.pk, 0)
            # Demo creators are established: their published articles count as reviewed.
            creator.approved_article_count = creator.article_count
        Creator.objects.bulk_update(creators, ["article_count", "approved_article_count"])
