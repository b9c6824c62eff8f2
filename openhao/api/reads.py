"""Public reads (anyone; a token, when sent, needs the ``read`` scope) and the signed-in
reader's feed. Only public articles are ever listed or shown (Article.objects.public through
the articles and ranking selectors): a draft, a pending, scheduled or removed article is 404."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router

from openhao.articles import selectors as article_selectors
from openhao.common import keyset
from openhao.corrections import selectors as correction_selectors
from openhao.engagement.models import Comment
from openhao.ranking import selectors as ranking_selectors

from . import schemas
from . import selectors as api_selectors
from .access import PUBLIC, READ
from .problems import ApiError

router = Router(tags=["读取"])

BIGINT = 2**63 - 1
ERRORS = schemas.ERRORS
Limit = Query(
    api_selectors.DEFAULT_PAGE, ge=1, le=api_selectors.MAX_PAGE, description="每页条数（1-50）"
)
Cursor = Query(None, max_length=64, description="上一页返回的 next_cursor")


def checked_cursor(raw: str | None) -> str | None:
    """A keyset cursor as the previous page gave it; anything else is a 422."""
    if raw and keyset.decode(raw) is None:
        raise ApiError(422, _("游标无效，请使用上一页返回的 next_cursor。"))
    return raw or None


def id_cursor(raw: str | None) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > BIGINT:
        raise ApiError(422, _("游标无效，请使用上一页返回的 next_cursor。"))
    return int(raw)


def json_response(request, body: dict):
    """A 200 of ``body`` as it is: the operation's schema documents it and the tests check it,
    but ninja does not validate it again (a hot list's rows are built as plain dicts once);
    the API's ETag and 304 apply as to every read (api.OpenHaoAPI.create_response)."""
    from .api import api  # api.py imports this module

    return api.create_response(request, body, status=200)


def _str(value) -> str | None:
    return None if value is None else str(value)


@router.get("/articles", response={200: schemas.ArticlePage, **ERRORS}, auth=PUBLIC)
def article_list(
    request,
    channel: str | None = Query(None, max_length=50, description="频道 slug"),
    creator: int | None = Query(None, ge=1, le=BIGINT, description="创作者 id"),
    topic: str | None = Query(None, max_length=40, description="话题名称"),
    since: datetime | None = Query(None, description="只要此时间之后发布的"),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """公开文章，最新发布的在前；可按频道、创作者、话题、起始时间筛选。"""
    channel_id = article_selectors.channel_get(channel).pk if channel else None
    topic_id = article_selectors.topic_get(topic).pk if topic else None
    page = api_selectors.articles_page(
        channel_id=channel_id,
        creator_id=creator,
        topic_id=topic_id,
        since=since,
        cursor=checked_cursor(cursor),
        size=limit,
    )
    items = schemas.article_items(page.items)
    return json_response(request, {"items": items, "next_cursor": page.next_cursor})


@router.get("/articles/{pk}", response={200: schemas.ArticleDetail, **ERRORS}, auth=PUBLIC)
def article_detail(request, pk: int):
    """一篇公开文章：正文 HTML（已净化）、话题和参考资料。"""
    if pk > BIGINT:
        raise Http404
    page = article_selectors.article_page_get(pk)
    return json_response(
        request, schemas.article_detail(page.article, page.topics, page.references)
    )


def _public_article(pk: int):
    if pk > BIGINT:
        raise Http404
    article = article_selectors.published().only("id", "channel_id").filter(pk=pk).first()
    if article is None:
        raise Http404
    return article


@router.get("/articles/{pk}/related", response={200: schemas.TopList, **ERRORS}, auth=PUBLIC)
def article_related(request, pk: int, limit: int = Query(6, ge=1, le=12)):
    """相关推荐：与这篇最相近的前 N 篇（最多 12 篇）。这是排名，不分页：next_cursor 总是 null。"""
    article = _public_article(pk)
    return {"items": ranking_selectors.related_articles(article, limit=limit), "next_cursor": None}


@router.get(
    "/articles/{pk}/corrections", response={200: schemas.CorrectionLog, **ERRORS}, auth=PUBLIC
)
def article_corrections(request, pk: int):
    """更正记录：文章发布后的每次更正、修改和平台标注，最新的在前，附按句比较的改动。"""
    if pk > BIGINT:
        raise Http404
    return schemas.correction_log(correction_selectors.corrections_log(pk))


@router.get("/articles/{pk}/comments", response={200: schemas.ThreadPage, **ERRORS}, auth=PUBLIC)
def article_comments(request, pk: int, cursor: str | None = Cursor, limit: int = Limit):
    """跟贴：最新的楼在前，每楼带最早的 20 条回复和回复总数；其余回复见 /comments/{pk}/replies。"""
    article = _public_article(pk)
    threads, next_cursor = api_selectors.comment_threads_page(
        article_id=article.pk, cursor=checked_cursor(cursor), size=limit
    )
    return {"items": threads, "next_cursor": next_cursor}


@router.get("/comments/{pk}/replies", response={200: schemas.CommentPage, **ERRORS}, auth=PUBLIC)
def comment_replies(request, pk: int, cursor: str | None = Cursor, limit: int = Limit):
    """一楼的全部回复，最新的在前。"""
    root = Comment.objects.filter(pk=pk if pk <= BIGINT else 0, root__isnull=True).first()
    if root is None or not article_selectors.published().filter(pk=root.article_id).exists():
        raise Http404
    page = api_selectors.replies_page(root=root, cursor=checked_cursor(cursor), size=limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/channels", response={200: schemas.ChannelPage, **ERRORS}, auth=PUBLIC)
def channel_list(request, cursor: str | None = Cursor, limit: int = Limit):
    """频道。"""
    items, last = api_selectors.channels_page(cursor=id_cursor(cursor), size=limit)
    return {"items": items, "next_cursor": _str(last)}


@router.get("/topics", response={200: schemas.TopicPage, **ERRORS}, auth=PUBLIC)
def topic_list(request, cursor: str | None = Cursor, limit: int = Limit):
    """话题。"""
    items, last = api_selectors.topics_page(cursor=id_cursor(cursor), size=limit)
    return {"items": items, "next_cursor": _str(last)}


@router.get("/creators", response={200: schemas.CreatorPage, **ERRORS}, auth=PUBLIC)
def creator_list(request, cursor: str | None = Cursor, limit: int = Limit):
    """创作者（号）。"""
    items, last = api_selectors.creators_page(cursor=id_cursor(cursor), size=limit)
    return {"items": items, "next_cursor": _str(last)}


@router.get("/creators/{creator_id}", response={200: schemas.CreatorOut, **ERRORS}, auth=PUBLIC)
def creator_detail(request, creator_id: int):
    """一位创作者的公开资料；其文章见 /articles?creator=。"""
    creator = api_selectors.creator_get(creator_id) if creator_id <= BIGINT else None
    if creator is None:
        raise Http404
    return creator


@router.get("/hot", response={200: schemas.TopList, **ERRORS}, auth=PUBLIC)
def hot(request, limit: int = Query(10, ge=1, le=20)):
    """热点推荐：按热度排名的前 N 篇（最多 20 篇）。这是排行榜，不分页：next_cursor 总是 null。"""
    return {"items": ranking_selectors.hot_articles(limit=limit), "next_cursor": None}


@router.get("/search", response={200: schemas.ArticlePage, **ERRORS}, auth=PUBLIC)
def search(
    request,
    q: str = Query(..., min_length=1, max_length=100, description="搜索词"),
    cursor: str | None = Query(None, max_length=128, description="上一页返回的 next_cursor"),
    limit: int = Limit,
):
    """全文搜索：最相关的在前，用游标翻页可翻完全部结果；翻页期间新发布的文章不会打乱后面的页。"""
    position = None
    if cursor:
        position = api_selectors.search_cursor_decode(q, cursor)
        if position is None:
            raise ApiError(422, _("游标无效，请使用上一页返回的 next_cursor。"))
    page = api_selectors.search_page(query=q, position=position, size=limit)
    items = schemas.article_items(page.items)
    return json_response(request, {"items": items, "next_cursor": page.next_cursor})


@router.get("/me/feed", response={200: schemas.ArticlePage, **ERRORS}, auth=READ)
def my_feed(request, cursor: str | None = Cursor, limit: int = Limit):
    """登录读者的推荐流：关注的创作者、与阅读相近的和热门文章（与首页“推荐”一致）。"""
    if cursor and not ranking_selectors.feed_cursor_valid(cursor):
        raise ApiError(422, _("游标无效，请使用上一页返回的 next_cursor。"))
    page = ranking_selectors.feed_page(cursor=cursor or None, size=limit, user=request.user)
    return {"items": page.articles, "next_cursor": page.next_cursor}
