"""What the API shows of each object: public fields only. A user appears by public name and
avatar, never by e-mail, username of an erased account or any setting; an article only when it
is public (the selectors), and to its creator in the studio."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from openhao.articles.models import Article
from openhao.common.urls import url_for_pk
from openhao.creators.models import Creator


def _file_url(field) -> str | None:
    return field.url if field else None


class ChannelOut(Schema):
    id: int
    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class ChannelRef(Schema):
    id: int
    slug: str
    name: str


class TopicOut(Schema):
    name: str
    description: str = ""
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class CreatorRef(Schema):
    id: int
    display_name: str
    avatar: str | None
    verified: bool

    @staticmethod
    def resolve_avatar(obj) -> str | None:
        return _file_url(obj.avatar)


class CreatorOut(CreatorRef):
    motto: str
    bio: str
    article_count: int
    follower_count: int
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class ArticleItem(Schema):
    id: int
    title: str
    summary: str
    cover: str | None
    cover_alt: str
    published_at: datetime
    is_original: bool
    comment_count: int
    view_count: int
    creator: CreatorRef
    channel: ChannelRef
    url: str

    @staticmethod
    def resolve_cover(obj) -> str | None:
        return _file_url(obj.cover)

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


_COVERS = Article._meta.get_field("cover").storage
_AVATARS = Creator._meta.get_field("avatar").storage


def article_items(rows: list[dict]) -> list[dict]:
    """ArticleItem bodies, in its field order, from api.selectors.ITEM_FIELDS rows: plain dicts
    the operations return as they are (``api.json_response``), without a model instance or a
    validation per row; test_reads checks them against ArticleItem."""
    return [
        {
            "id": r["id"],
            "title": r["title"],
            "summary": r["summary"],
            "cover": _COVERS.url(r["cover"]) if r["cover"] else None,
            "cover_alt": r["cover_alt"],
            "published_at": r["published_at"],
            "is_original": r["is_original"],
            "comment_count": r["comment_count"],
            "view_count": r["view_count"],
            "creator": {
                "id": r["creator_id"],
                "display_name": r["creator__display_name"],
                "avatar": _AVATARS.url(r["creator__avatar"]) if r["creator__avatar"] else None,
                "verified": r["creator__verified"],
            },
            "channel": {
                "id": r["channel_id"],
                "slug": r["channel__slug"],
                "name": r["channel__name"],
            },
            "url": url_for_pk("articles:detail", r["id"]),
        }
        for r in rows
    ]


def article_detail(article, topics, references) -> dict:
    """The ArticleDetail body of an article (with its creator and channel loaded)."""
    creator, channel = article.creator, article.channel
    return {
        "id": article.pk,
        "title": article.title,
        "summary": article.summary,
        "cover": _file_url(article.cover),
        "cover_alt": article.cover_alt,
        "published_at": article.published_at,
        "is_original": article.is_original,
        "comment_count": article.comment_count,
        "view_count": article.view_count,
        "creator": {
            "id": creator.pk,
            "display_name": creator.display_name,
            "avatar": _file_url(creator.avatar),
            "verified": creator.verified,
        },
        "channel": {"id": channel.pk, "slug": channel.slug, "name": channel.name},
        "url": article.get_absolute_url(),
        "body_html": article.body_html,
        "edited_at": article.edited_at,
        "like_count": article.like_count,
        "share_count": article.share_count,
        "topics": [t.name for t in topics],
        "references": [{"title": r.title, "source": r.source, "url": r.url} for r in references],
    }


class ReferenceOut(Schema):
    title: str
    source: str
    url: str


class ArticleDetail(ArticleItem):
    body_html: str
    edited_at: datetime | None
    like_count: int
    share_count: int
    topics: list[str]
    references: list[ReferenceOut]


class ArticlePage(Schema):
    items: list[ArticleItem]
    next_cursor: str | None = Field(description="下一页的游标；为 null 时没有更多")


# A ranked top-N list (hot, related): bounded by its ``limit`` and never paged, in the same
# shape as the paged lists so a client reads it the same way (a comment, not a docstring: the
# schema's public description stays Chinese).
class TopList(Schema):
    items: list[ArticleItem]
    next_cursor: None = Field(None, description="排行榜不分页，总是 null")


class DiffSegment(Schema):
    op: str = Field(description="equal（未改动）、delete（删去）、insert（新增）或 skip（从略）")
    text: str
    count: int = Field(description="skip 时省略的未改动句数，其余为 0")


class CorrectionEntry(Schema):
    id: int
    kind: str = Field(description="correction（更正）、edit（修改）或 label（平台标注）")
    at: datetime
    note: str = Field(description="更正说明；修改与标注为空")
    label: str = Field(description="label 时设置的标注（rumor、disputed），为空表示撤销")
    label_url: str
    title_before: str
    title_after: str
    summary: list[DiffSegment]
    body: list[DiffSegment] = Field(description="正文按句比较的改动")


class CorrectionLog(Schema):
    correction_count: int
    items: list[CorrectionEntry] = Field(description="最新的在前；全部列出，不分页")
    next_cursor: None = Field(None, description="更正记录不分页，总是 null")


def correction_log(log) -> dict:
    """The change log (corrections.selectors.corrections_log) as CorrectionLog."""

    def segments(items):
        return [{"op": s.op, "text": s.text, "count": s.count} for s in items]

    return {
        "correction_count": log.correction_count,
        "items": [
            {
                "id": e.change.pk,
                "kind": e.change.kind,
                "at": e.change.at,
                "note": e.change.note,
                "label": e.change.label,
                "label_url": e.change.label_url,
                "title_before": e.title_before,
                "title_after": e.title_after,
                "summary": segments(e.summary),
                "body": segments(e.body),
            }
            for e in log.entries
        ],
        "next_cursor": None,
    }


class ChannelPage(Schema):
    items: list[ChannelOut]
    next_cursor: str | None


class TopicPage(Schema):
    items: list[TopicOut]
    next_cursor: str | None


class CreatorPage(Schema):
    items: list[CreatorOut]
    next_cursor: str | None


class Author(Schema):
    name: str
    avatar: str | None


class CommentOut(Schema):
    id: int
    parent_id: int | None
    depth: int
    author: Author | None
    body_html: str
    is_deleted: bool
    vote_count: int
    ip_region: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj) -> dict | None:
        if obj.is_deleted:
            return None
        return {"name": obj.user.public_name, "avatar": _file_url(obj.user.avatar)}

    @staticmethod
    def resolve_body_html(obj) -> str:
        return "" if obj.is_deleted else obj.body_html

    @staticmethod
    def resolve_ip_region(obj) -> str:
        return "" if obj.is_deleted else obj.ip_region


class ThreadOut(Schema):
    comment: CommentOut
    replies: list[CommentOut] = Field(description="最早的回复，最多 THREAD_REPLIES 条")
    reply_count: int


class ThreadPage(Schema):
    items: list[ThreadOut]
    next_cursor: str | None


class CommentPage(Schema):
    items: list[CommentOut]
    next_cursor: str | None


class CommentIn(Schema):
    body: str = Field(max_length=5000)
    parent_id: int | None = Field(default=None, ge=1, le=2**63 - 1)


class State(Schema):
    """The state after a write: ``changed`` is False when it was already so."""

    active: bool
    changed: bool
    count: int


class ReportIn(Schema):
    """举报: ``reason`` is one of illegal, porn, rumor, infringe, ad, abuse, other (``text`` is
    required with other)."""

    reason: str = Field(max_length=20)
    text: str = Field(default="", max_length=500)


class ReportOut(Schema):
    """The reader's report of the item; ``created`` is False when they had reported it before
    (one report per reader and item)."""

    target_type: str
    target_id: int
    reason: str
    status: str
    created: bool


class ReferenceIn(Schema):
    title: str = Field(max_length=200)
    source: str = Field(default="", max_length=100)
    url: str = Field(default="", max_length=2000)


class DraftIn(Schema):
    title: str = Field(max_length=200)
    channel_id: int = Field(ge=1, le=2**63 - 1)
    body_html: str = Field(max_length=500_000)
    summary: str = Field(default="", max_length=400)
    topics: list[str] = Field(default_factory=list, max_length=20)
    is_original: bool = False
    cover_image_id: int | None = Field(
        default=None,
        ge=1,
        le=2**63 - 1,
        description=(
            "封面：先用 /studio/images 上传得到的 id；修改时不传则保留原封面，传 null 则去掉封面"
        ),
    )
    cover_alt: str = Field(default="", max_length=240)
    references: list[ReferenceIn] = Field(default_factory=list, max_length=20)


class SubmitIn(Schema):
    at: datetime | None = Field(
        default=None, description="定时发布时间（带时区），不填则立即发布（或提交审核）"
    )


class StudioArticle(Schema):
    id: int
    status: str
    title: str
    summary: str
    body_html: str
    channel_id: int
    topics: list[str]
    references: list[ReferenceOut]
    cover: str | None
    cover_alt: str
    is_original: bool
    scheduled_at: datetime | None
    published_at: datetime | None
    review_note: str
    created_at: datetime
    updated_at: datetime
    problems: list[str] = Field(description="发布前还需解决的问题（与创作者中心一致）")

    @staticmethod
    def resolve_topics(obj) -> list[str]:
        return [t.name for t in obj.topics.all()]

    @staticmethod
    def resolve_references(obj) -> list:
        return list(obj.references.all())

    @staticmethod
    def resolve_problems(obj) -> list[str]:
        return [str(p) for p in obj.api_problems]

    @staticmethod
    def resolve_cover(obj) -> str | None:
        return _file_url(obj.cover)


class StudioItem(Schema):
    id: int
    status: str
    title: str
    channel_id: int
    scheduled_at: datetime | None
    published_at: datetime | None
    updated_at: datetime


class StudioPage(Schema):
    items: list[StudioItem]
    next_cursor: str | None


class ImageOut(Schema):
    id: int
    url: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str


# The problems every operation may answer; a request with a body may also be too large (413).
ERRORS = {frozenset({400, 401, 403, 404, 422, 429}): Problem}
BODY_ERRORS = {frozenset({400, 401, 403, 404, 413, 422, 429}): Problem}
