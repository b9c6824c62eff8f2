"""Load the demo site: creators, readers, badges, topics, a few hundred published articles (short
generated items, hand-written pieces and one long-form article), their 跟贴, 60 days of 数据中心
history and the local demo accounts (``accounts.py``). Used by ``manage.py loaddemo``.

Deterministic for a given seed (relative to the current time). Bulk articles go through
``bulk_create`` for speed, which bypasses ``Article.save()``: bodies are sanitised here, the
creators' article counts are recomputed at the end and the cache tags bumped by hand.

The numbers are meant to be believable together (``counters`` and ``followers``): reads follow a
long-tailed distribution scaled by the creator's reach and the article's age; likes, 跟贴 and
shares are small fractions of reads (reads ≥ likes ≥ 跟贴); a creator's followers are a few per
cent of the reads of their articles; every 跟贴 counted is a real row; and the daily 数据中心 rows
add up to the counters.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from openhao.analytics.models import ArticleDailyStats, CreatorDailyStats
from openhao.articles.models import Article, Channel, Reference, Topic
from openhao.articles.sanitize import sanitize_body
from openhao.articles.services import article_create
from openhao.campaigns.permissions import operator_group as campaign_operator_group
from openhao.common.cache import LISTS_TAG, bump_tags, creator_tag
from openhao.creators.models import Badge, Creator, CreatorApplication
from openhao.creators.services import creator_create
from openhao.engagement.models import Comment
from openhao.engagement.text import render_comment
from openhao.moderation.roles import role_group
from openhao.ranking.services import embeddings_export, scores_rebuild, terms_rebuild

from . import accounts, content, handwritten, longform
from .campaigns import delete_demo_campaigns, load_campaigns
from .images import avatar_png, cover_jpeg, scene_jpeg
from .structure import ensure_channels

USERNAME_PREFIX = "demo_creator_"
READER_PREFIX = "demo_reader_"
DEFAULT_SEED = 20250321
DEFAULT_ARTICLES = 330
DEFAULT_CREATORS = 26
DEFAULT_READERS = 60
MIN_PER_CHANNEL = 15
HISTORY_DAYS = 60
RECENT_HOURS = 72
MEDIA_DIR = "demo"
FIGURE_SIZE = (1280, 720)
COVER_SHARE = 0.65  # of the generated articles; hand-written ones always have a cover
ADMIN_USERNAME = accounts.ADMIN.username
ADMIN_PASSWORD = accounts.ADMIN.password
HEADLINE_TITLE_MAX = 64
HEADLINE_TITLE_MIN = 6
# Extra articles that are not public (and not counted): (status, how many).
UNPUBLISHED = ((Article.Status.DRAFT, 4), (Article.Status.PENDING, 3), (Article.Status.REMOVED, 3))
# Busy articles get many 跟贴; past this many a real site would page them anyway.
MAX_COMMENTS = 150

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
    replaced_outdated: bool = False
    creators: int = 0
    readers: int = 0
    published: int = 0
    unpublished: int = 0
    handwritten: int = 0
    comments: int = 0
    topics: int = 0
    badges: int = 0
    titles_from_headlines: int = 0
    headlines_path: Path | None = None
    longform: Article | None = None
    admin_created: bool = False
    admin_exists: bool = False
    accounts_created: list[str] = field(default_factory=list)
    deleted: dict[str, int] = field(default_factory=dict)


def demo_users():
    """Every user the demo creates, except the superuser ``admin`` (kept across reloads)."""
    return get_user_model().objects.filter(
        Q(username__startswith=USERNAME_PREFIX)
        | Q(username__startswith=READER_PREFIX)
        | Q(username__in=[accounts.CREATOR.username, accounts.OPERATOR.username])
    )


def demo_present() -> bool:
    return get_user_model().objects.filter(username=accounts.CREATOR.username).exists()


def outdated_demo_present() -> bool:
    """Demo content from before the demo accounts existed (it has no ``demo-creator``)."""
    return (
        not demo_present()
        and get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).exists()
    )


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


def default_headlines_path() -> Path:
    """The labelled headlines the benchmarks use, next to the repository (not shipped): beside
    the repository's directory or any parent of it (a worktree lives deeper than the checkout)."""
    name = Path("shared") / "data" / "nlpcc2017-headlines" / "headlines.tsv"
    base = Path(settings.BASE_DIR)
    found = next((p / name for p in base.parents if (p / name).exists()), None)
    return found or base.parent / name


# --- files -------------------------------------------------------------------------------------


def _save_file(name: str, data: bytes) -> str:
    """Save under a stable name, replacing an earlier copy, so reloading does not pile up
    ``name_abc123.jpg`` duplicates."""
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))


# --- reset -------------------------------------------------------------------------------------


@transaction.atomic
def delete_demo() -> dict[str, int]:
    """Delete demo articles, creators (and their avatar files) and users; nothing else.
    Channels, topics and badges are shared with real content and stay; so does ``admin``."""
    users = demo_users()
    creators = Creator.objects.filter(user__in=users)
    articles = Article.objects.filter(creator__in=creators)
    deleted = {"articles": articles.count()}
    delete_demo_campaigns(articles)
    articles.delete()
    for creator in creators:
        if creator.avatar:
            creator.avatar.delete(save=False)
    deleted["creators"] = creators.count()
    creators.delete()
    deleted["users"] = users.delete()[0]
    return deleted


# --- accounts ----------------------------------------------------------------------------------


def ensure_admin() -> bool:
    """Create the local superuser ``admin``/``admin`` unless a user of that name exists."""
    user_model = get_user_model()
    if user_model.objects.filter(username=ADMIN_USERNAME).exists():
        return False
    user_model.objects.create_superuser(
        username=ADMIN_USERNAME, email="admin@example.com", password=ADMIN_PASSWORD
    )
    return True


# What the 运营 group may do in the admin besides the staff review queues.
OPERATOR_PERMISSIONS = (
    ("articles", ("article", "channel", "section", "topic", "reference")),
    ("engagement", ("comment",)),
    ("creators", ("creator", "creatorapplication", "badge")),
)


def _operator_group() -> Group:
    group, _ = Group.objects.get_or_create(name=accounts.OPERATOR_GROUP)
    query = Q(pk__in=[])
    for app, models in OPERATOR_PERMISSIONS:
        query |= Q(content_type__app_label=app, content_type__model__in=models)
    group.permissions.set(Permission.objects.filter(query).exclude(codename__startswith="delete_"))
    role_group(group.name)  # and the moderation permissions of the 运营 role
    return campaign_operator_group()  # and running campaigns


def ensure_operator() -> bool:
    """The staff reviewer ``demo-operator``, in the 运营 group."""
    user_model = get_user_model()
    if user_model.objects.filter(username=accounts.OPERATOR.username).exists():
        return False
    user = user_model.objects.create_user(
        username=accounts.OPERATOR.username,
        email="operator@example.com",
        password=accounts.OPERATOR.password,
        nickname="值班运营小周",
        is_staff=True,
    )
    user.groups.add(_operator_group())
    return True


# --- shipped embeddings ------------------------------------------------------------------------

DEMO_VECTORS = Path(__file__).with_name("data") / "demo-vectors.npz"


def demo_vectors(path: Path = DEMO_VECTORS) -> dict[str, tuple[bytes, float]]:
    """The shipped sentence-model vectors of the demo texts (int8 + scale, keyed by model and a
    hash of the embedded text: ranking's ``vector_key``); empty when the file is missing."""
    import numpy as np

    if not path.exists():
        return {}
    with np.load(path) as data:
        return {
            str(k): (v.tobytes(), float(s))
            for k, v, s in zip(data["keys"], data["vectors"], data["scales"], strict=True)
        }


def save_demo_vectors(path: Path = DEMO_VECTORS) -> int:
    """Write the stored vectors of the active sentence model (after a load) to ``path``, for the
    next fresh install; returns how many. ``manage.py loaddemo --save-vectors``."""
    import numpy as np

    rows = sorted(embeddings_export().items())
    if not rows:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        keys=np.array([k for k, _v in rows]),
        vectors=np.vstack([np.frombuffer(v, dtype=np.int8) for _k, (v, _s) in rows]),
        scales=np.array([s for _k, (_v, s) in rows], dtype=np.float32),
    )
    return len(rows)


# --- load --------------------------------------------------------------------------------------


def load_demo(
    *,
    seed: int = DEFAULT_SEED,
    articles: int = DEFAULT_ARTICLES,
    creators: int = DEFAULT_CREATORS,
    readers: int = DEFAULT_READERS,
    headlines: Path | str | None = None,
    reset: bool = False,
    admin: bool = True,
) -> LoadResult:
    """Load the demo content unless it is already there (``reset`` deletes it first; demo
    content of an earlier version, without the demo accounts, is replaced).

    Titles are generated with their bodies. ``headlines`` is an optional NLPCC-style TSV to
    draw titles from instead (their bodies can then only be general commentary). Refused by the
    production settings (``accounts.DemoRefused``)."""
    accounts.require_demo_allowed()
    result = LoadResult()
    if reset or outdated_demo_present():
        result.replaced_outdated = not reset
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

    if headlines:
        path = Path(headlines)
        result.headlines_path = path if path.is_file() else None
    with transaction.atomic():
        _Loader(random.Random(seed), result).run(articles, creators, readers)
    return result


@dataclass
class _Row:
    """An unsaved article with what goes with it."""

    article: Article
    topics: list[Topic]
    references: tuple = ()
    piece: handwritten.Piece | None = None


class _Loader:
    def __init__(self, rng: random.Random, result: LoadResult):
        self.rng = rng
        self.result = result
        self.now = timezone.now().replace(microsecond=0)
        self.profiles: dict[int, content.CreatorProfile] = {}
        self.reach: dict[int, float] = {}
        self.cover_counter = 0

    def run(self, article_count: int, creator_count: int, reader_count: int) -> None:
        channels = ensure_channels()
        badges = self.badges()
        topics = self.topics()
        creators = self.creators(creator_count, badges)
        readers = self.readers(reader_count)
        rows = self.article_rows(article_count, channels, creators, topics)
        rows += self.handwritten_rows(channels, creators, topics)
        # The long-form article first, so that on a fresh database it is /article/1/.
        hottest = max(r.article.view_count for r in rows)
        self.result.longform = self.longform(channels[longform.CHANNEL], creators[0], hottest)
        self.insert(rows, creators)
        self.studio_extras(channels, creators[0])
        comments_by_day = self.comments(creators, readers)
        self.recount(creators)
        self.daily_stats(creators, comments_by_day)
        self.applications(channels, readers)
        if ensure_operator():
            self.result.accounts_created.append(accounts.OPERATOR.username)
        # bulk_create bypasses the services, so the ranking rows are rebuilt in one go.
        scores_rebuild()
        # The sentence model's vectors of the demo texts ship with the project: a fresh
        # `make run` embeds only what changed since they were written (docs/ranking.md).
        terms_rebuild(precomputed=demo_vectors())
        load_campaigns(self.now)
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
            # The first creator (the long-form article's author) is the demo creator account.
            username = accounts.CREATOR.username if index == 1 else f"{USERNAME_PREFIX}{index:02d}"
            verified = index == 1 or rng.random() < 0.45
            chosen = []
            # The random draws are those the demo made when it also hand-set 原创作者 and 新锐
            # (now computed), so every later choice of the demo stays as it was.
            if profile.channels[0] in content.NEWS_CHANNELS:
                rng.random()
            if verified and index % 2:
                chosen.append(badges["signed"])
            if index == 1 or rng.random() < 0.3:
                chosen.append(badges["spring-campaign"])
            if not verified:
                rng.random()
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
            # How widely this creator is read: scales every article's reads.
            self.reach[creator.pk] = rng.lognormvariate(0, 0.5) * (1.5 if verified else 1.0)
            self.profiles[creator.pk] = profile
            creators.append(creator)
        Creator.objects.bulk_update(creators, ["avatar"])
        user = creators[0].user
        user.set_password(accounts.CREATOR.password)
        user.email = "creator@example.com"
        user.save(update_fields=["password", "email"])
        self.result.accounts_created.append(user.username)
        self.result.creators = len(creators)
        return creators

    def readers(self, count: int) -> list:
        """Readers who write most of the 跟贴: nicknames, no password (they cannot sign in)."""
        user_model = get_user_model()
        users = []
        for index, nickname in enumerate(content.reader_nicknames(self.rng, count), start=1):
            user = user_model(username=f"{READER_PREFIX}{index:02d}", nickname=nickname)
            user.set_unusable_password()
            users.append(user)
        users = user_model.objects.bulk_create(users)
        self.result.readers = len(users)
        return users

    # Articles.

    def channel_counts(self, total: int, slugs: list[str]) -> dict[str, int]:
        floor = min(MIN_PER_CHANNEL, total // len(slugs))
        counts = dict.fromkeys(slugs, floor)
        weights = [1.6 if slug == "toutiao" else 1.0 for slug in slugs]
        for _ in range(total - floor * len(slugs)):
            counts[self.rng.choices(slugs, weights)[0]] += 1
        return counts

    def drafts(self, counts: dict[str, int]) -> dict[str, list[content.Draft]]:
        """Each channel's articles, bodies written; titles from the headlines file first when
        one was given."""
        rng = self.rng
        pool = read_headlines(self.result.headlines_path) if self.result.headlines_path else {}
        used: set[str] = {p.title for p in handwritten.PIECES}
        drafts: dict[str, list[content.Draft]] = {}
        for slug, count in counts.items():
            candidates = list(dict.fromkeys(pool.get(slug, ())))
            rng.shuffle(candidates)
            picked = []
            for title in candidates:
                if len(picked) >= count:
                    break
                if title not in used:
                    used.add(title)
                    picked.append(content.write_headline_body(rng, content.Draft(slug, title)))
            self.result.titles_from_headlines += len(picked)
            picked += [
                content.write_body(rng, d)
                for d in content.draft_titles(rng, slug, count - len(picked), used)
            ]
            # Should the templates run dry, number the repeats rather than fail.
            while len(picked) < count:
                draft = content.make_article(rng, slug)
                draft.title = f"{draft.title}（{len(picked) + 1}）"
                picked.append(draft)
            rng.shuffle(picked)
            drafts[slug] = picked
        return drafts

    def published_times(self, count: int) -> list[datetime]:
        rng = self.rng
        recent = min(count, max(48, count // 6))
        hours = [rng.uniform(0.2, RECENT_HOURS - 0.5) for _ in range(recent)]
        span = HISTORY_DAYS * 24 - RECENT_HOURS
        hours += [RECENT_HOURS + span * rng.random() ** 1.5 for _ in range(count - recent)]
        rng.shuffle(hours)
        return [self.now - timedelta(seconds=int(h * 3600)) for h in hours]

    def counters(self, article: Article, *, boost: float = 1.0, talked: float = 0.0003) -> None:
        """Plausible reads, likes, 跟贴 (a target: the real rows come later) and shares.

        Reads: log-normal around 2,200, times the creator's reach, growing with the article's
        age over its first two days. Likes 0.8–3 % of reads, 跟贴 0.03–0.6 % (never more than
        likes), shares 0.1–0.6 % (never more than likes). ``talked`` raises the floor of the
        跟贴 rate (the hand-written pieces get talked about)."""
        rng = self.rng
        age_hours = (self.now - article.published_at).total_seconds() / 3600
        grown = min(1.0, (age_hours + 2) / 48) ** 0.6
        reads = rng.lognormvariate(math.log(2200), 1.0) * self.reach[article.creator_id]
        reads = max(40, min(int(reads * grown * boost), 150_000))
        likes = int(reads * rng.uniform(0.008, 0.03))
        rate = min(max(rng.lognormvariate(math.log(0.0015), 0.55), talked), 0.006)
        comments = min(_stochastic_round(rng, reads * rate), likes, MAX_COMMENTS)
        article.view_count = reads
        article.like_count = likes
        article.comment_count = comments
        article.share_count = min(int(reads * rng.uniform(0.001, 0.006)), likes)

    def article_rows(self, total, channels, creators, topics) -> list[_Row]:
        """Unsaved published, draft, pending and removed articles with their topics."""
        rng = self.rng
        slugs = list(channels)
        counts = self.channel_counts(total, slugs)
        drafts = self.drafts(counts)
        writers = {slug: self._writers(slug, creators) for slug in slugs}
        topic_choices = {
            slug: [topics[name] for name, _d, chans in content.TOPICS if slug in chans]
            for slug in slugs
        }
        times = iter(self.published_times(total))

        rows: list[_Row] = []
        for slug in slugs:
            channel = channels[slug]
            original_share = 0.25 if slug in content.NEWS_CHANNELS else 0.7
            for draft in drafts[slug]:
                row = self._row(channel, draft, writers[slug], topic_choices[slug], original_share)
                article = row.article
                article.status = Article.Status.PUBLISHED
                article.published_at = next(times)
                self.counters(article)
                rows.append(row)
        self._pin(rows)

        used = {r.article.title for r in rows}
        for status, count in UNPUBLISHED:
            for _ in range(count):
                slug = rng.choice(slugs)
                (draft,) = content.draft_titles(rng, slug, 1, used) or [
                    content.make_article(rng, slug)
                ]
                content.write_body(rng, draft)
                row = self._row(channels[slug], draft, writers[slug], topic_choices[slug], 0.5)
                row.article.status = status
                if status == Article.Status.REMOVED:
                    row.article.published_at = self.now - timedelta(
                        seconds=rng.randint(5 * 86400, 40 * 86400)
                    )
                rows.append(row)
        return rows

    def handwritten_rows(self, channels, creators, topics) -> list[_Row]:
        """The hand-written pieces: recent, original, with a cover, 参考资料 and hashtags, and
        each the pinned top story of its channel."""
        rng = self.rng
        by_name = {c.display_name: c for c in creators}
        rows = []
        for piece in handwritten.PIECES:
            creator = by_name.get(piece.creator) or self._writers(piece.channel, creators)[0][0]
            cover, cover_alt = self._cover(piece.channel)
            article = Article(
                creator=creator,
                channel=channels[piece.channel],
                title=piece.title,
                summary=piece.summary,
                body_html=sanitize_body(piece.body_html()),
                cover=cover,
                cover_alt=cover_alt,
                is_original=True,
                is_pinned=True,
                status=Article.Status.PUBLISHED,
                published_at=self.now - timedelta(minutes=rng.randint(5 * 60, 60 * 60)),
            )
            self.counters(article, boost=2.5, talked=0.0025)
            links = [topics[name] for name in piece.topics if name in topics]
            rows.append(_Row(article, links, piece.references, piece))
        self.result.handwritten = len(rows)
        return rows

    def insert(self, rows: list[_Row], creators: list[Creator]) -> None:
        created = Article.objects.bulk_create([r.article for r in rows], batch_size=200)
        Article.topics.through.objects.bulk_create(
            [
                Article.topics.through(article_id=article.pk, topic_id=topic.pk)
                for article, row in zip(created, rows, strict=True)
                for topic in row.topics
            ],
            batch_size=500,
        )
        Reference.objects.bulk_create(
            [
                Reference(article=article, title=ref.title, source=ref.source, order=i)
                for article, row in zip(created, rows, strict=True)
                for i, ref in enumerate(row.references)
            ]
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
        # Most likely writers first (the hand-written pieces fall back to the first).
        ranked = sorted(range(len(creators)), key=lambda i: -weights[i])
        return [creators[i] for i in ranked], [weights[i] for i in ranked]

    def _cover(self, channel: str) -> tuple[str, str]:
        self.cover_counter += 1
        data, alt = cover_jpeg(self.rng, channel)
        name = f"{MEDIA_DIR}/covers/{channel}-{self.cover_counter:03d}.jpg"
        return _save_file(name, data), alt

    def _row(self, channel, draft, writers, topic_choices, original_share) -> _Row:
        rng = self.rng
        cover, cover_alt = self._cover(channel.slug) if rng.random() < COVER_SHARE else ("", "")
        links = []
        if topic_choices and rng.random() < 0.34:
            links = rng.sample(topic_choices, min(len(topic_choices), rng.choice((1, 1, 2))))
        article = Article(
            creator=rng.choices(*writers)[0],
            channel=channel,
            title=draft.title[:64],
            summary=draft.summary,
            body_html=sanitize_body(draft.body_html),
            cover=cover,
            cover_alt=cover_alt,
            is_original=rng.random() < original_share,
        )
        return _Row(article, links)

    def _pin(self, rows: list[_Row]) -> None:
        """One or two staff-pinned stories per channel, among its newest."""
        by_channel = defaultdict(list)
        for row in rows:
            by_channel[row.article.channel_id].append(row.article)
        for items in by_channel.values():
            items.sort(key=lambda a: a.published_at, reverse=True)
            newest = items[:8]
            for article in self.rng.sample(newest, min(len(newest), self.rng.randint(1, 2))):
                article.is_pinned = True

    def studio_extras(self, channels: dict[str, Channel], creator: Creator) -> None:
        """What the demo creator finds in the studio besides published articles: a draft and an
        article scheduled for later today (``make run`` runs the scheduler that publishes it)."""
        rng = self.rng
        draft, scheduled = (content.make_article(rng, "travel") for _ in range(2))
        Article.objects.create(
            creator=creator,
            channel=channels["travel"],
            title=draft.title,
            summary=draft.summary,
            body_html=draft.body_html,
            status=Article.Status.DRAFT,
        )
        Article.objects.create(
            creator=creator,
            channel=channels["travel"],
            title=scheduled.title,
            summary=scheduled.summary,
            body_html=scheduled.body_html,
            is_original=True,
            status=Article.Status.SCHEDULED,
            scheduled_at=self.now + timedelta(hours=2),
        )

    def applications(self, channels: dict[str, Channel], readers: list) -> None:
        """Two 申请入驻 waiting in the operator's review queue."""
        if len(readers) < 2:
            return
        for user, (name, slug, intro) in zip(readers[:2], content.APPLICATIONS, strict=False):
            CreatorApplication.objects.create(
                user=user,
                display_name=name,
                motto="认真写好每一篇。",
                channel=channels[slug],
                intro=intro,
                real_name_confirmed=True,
                rules_accepted=True,
            )

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
        views = max(hottest, existing or 0) + rng.randint(12000, 20000)
        article.status = Article.Status.PUBLISHED
        article.published_at = self.now - timedelta(hours=3, minutes=rng.randint(5, 50))
        article.is_pinned = True
        article.view_count = views
        article.like_count = int(views * 0.031)
        article.comment_count = min(int(views * 0.0022), MAX_COMMENTS)
        article.share_count = int(views * 0.012)
        article.save()
        return article

    # 跟贴, counts and 数据中心.

    def comments(self, creators: list[Creator], readers: list) -> dict[tuple[int, date], int]:
        """Real 跟贴 rows, so that every article's comment count equals its visible comments:
        the counter drawn for each article, as top-level comments (mostly by readers) and about
        one reply in six, some by the article's author. Returns 跟贴 per (article, day)."""
        rng = self.rng
        writers = [u.pk for u in readers] or [c.user_id for c in creators]
        creator_users = [c.user_id for c in creators]
        author_of = {c.pk: c.user_id for c in creators}
        articles = list(
            Article.objects.public()
            .filter(creator__in=creators)
            .annotate(refs=Count("references"))
            .only("id", "creator_id", "channel__slug", "comment_count", "published_at")
            .select_related("channel")
        )

        def when(article: Article, after: datetime) -> datetime:
            # Most 跟贴 come in the first hours, a tail over the following days.
            age = (self.now - after).total_seconds()
            delay = min(rng.expovariate(1 / 9000), max(age - 60, 0))
            return min(after + timedelta(seconds=60 + delay), self.now)

        tops, plans = [], []
        for article in articles:
            total = article.comment_count
            replies = total // 6
            texts = content.comment_texts(
                rng, article.channel.slug, total - replies, references=article.refs > 0
            )
            for text in texts:
                user = rng.choice(writers) if rng.random() < 0.85 else rng.choice(creator_users)
                tops.append(
                    Comment(
                        article_id=article.pk,
                        user_id=user,
                        body=text,
                        body_html=render_comment(text),
                        created_at=when(article, article.published_at),
                        vote_count=_votes(rng),
                    )
                )
            plans.append((article, replies))
        tops = Comment.objects.bulk_create(tops, batch_size=2000)
        by_article = defaultdict(list)
        for comment in tops:
            by_article[comment.article_id].append(comment)
        replies = []
        for article, count in plans:
            parents = by_article[article.pk]
            for _ in range(count if parents else 0):
                parent = rng.choice(parents)
                by_author = rng.random() < 0.3
                text = rng.choice(content.AUTHOR_REPLIES if by_author else content.REPLIES)
                replies.append(
                    Comment(
                        article_id=article.pk,
                        user_id=author_of[article.creator_id] if by_author else rng.choice(writers),
                        parent=parent,
                        root=parent,
                        depth=1,
                        body=text,
                        body_html=render_comment(text),
                        created_at=when(article, parent.created_at),
                    )
                )
        Comment.objects.bulk_create(replies, batch_size=2000)
        self.result.comments = len(tops) + len(replies)

        per_day: dict[tuple[int, date], int] = defaultdict(int)
        for comment in [*tops, *replies]:
            per_day[comment.article_id, timezone.localdate(comment.created_at)] += 1
        counts = defaultdict(int)
        for (article_id, _day), n in per_day.items():
            counts[article_id] += n
        for article in articles:
            article.comment_count = counts.get(article.pk, 0)
        Article.objects.bulk_update(articles, ["comment_count"], batch_size=2000)
        return per_day

    def recount(self, creators: list[Creator]) -> None:
        """Article counts from the table; followers a few per cent of the creator's reads."""
        rng = self.rng
        counts: dict[int, int] = defaultdict(int)
        reads: dict[int, int] = defaultdict(int)
        for creator_id, views in (
            Article.objects.public()
            .filter(creator__in=creators)
            .values_list("creator_id", "view_count")
        ):
            counts[creator_id] += 1
            reads[creator_id] += views
        self.follow_rates = {}
        for creator in creators:
            creator.article_count = counts.get(creator.pk, 0)
            # Demo creators are established: their published articles count as reviewed.
            creator.approved_article_count = creator.article_count
            # Followers gained from these articles, plus some from before the demo's 60 days.
            rate = rng.uniform(0.004, 0.018)
            self.follow_rates[creator.pk] = rate
            gained = reads[creator.pk] * rate
            creator.follower_count = max(12, int(gained * rng.uniform(1.2, 2.2)))
        Creator.objects.bulk_update(
            creators, ["article_count", "approved_article_count", "follower_count"]
        )

    def daily_stats(self, creators: list[Creator], comments_by_day) -> None:
        """数据中心 history: each article's reads, likes and shares spread over the days since it
        was published (most on the first days), its 跟贴 on the days they were written, and the
        creators' new followers from each day's reads. The rows add up to the counters."""
        rng = self.rng
        today = timezone.localdate(self.now)
        article_rows, followers = [], defaultdict(lambda: defaultdict(float))
        for article in (
            Article.objects.public()
            .filter(creator__in=creators)
            .only("id", "creator_id", "published_at", "view_count", "like_count", "share_count")
        ):
            first = timezone.localdate(article.published_at)
            days = [first + timedelta(days=k) for k in range((today - first).days + 1)]
            decay = rng.uniform(0.6, 2.5)
            weights = [math.exp(-k / decay) + 0.004 for k in range(len(days))]
            reads = _apportion(article.view_count, weights)
            likes = _apportion(article.like_count, weights)
            shares = _apportion(article.share_count, weights)
            rate = self.follow_rates[article.creator_id]
            for i, day in enumerate(days):
                comments = comments_by_day.get((article.pk, day), 0)
                if reads[i] or likes[i] or shares[i] or comments:
                    article_rows.append(
                        ArticleDailyStats(
                            article_id=article.pk,
                            creator_id=article.creator_id,
                            day=day,
                            reads=reads[i],
                            likes=likes[i],
                            comments=comments,
                            shares=shares[i],
                        )
                    )
                followers[article.creator_id][day] += reads[i] * rate
        ArticleDailyStats.objects.bulk_create(article_rows, batch_size=2000)
        CreatorDailyStats.objects.bulk_create(
            [
                CreatorDailyStats(creator_id=creator_id, day=day, new_followers=round(gained))
                for creator_id, by_day in followers.items()
                for day, gained in by_day.items()
                if round(gained)
            ],
            batch_size=2000,
        )


def _votes(rng: random.Random) -> int:
    """顶 on one 跟贴: most get none or a few, a handful dozens."""
    return min(int(rng.paretovariate(1.4)) - 1, 80) if rng.random() < 0.6 else 0


def _stochastic_round(rng: random.Random, value: float) -> int:
    whole = int(value)
    return whole + (1 if rng.random() < value - whole else 0)


def _apportion(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` in whole numbers that add up exactly
    (largest remainders)."""
    if not weights:
        return []
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    parts = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: parts[i] - shares[i])
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts
