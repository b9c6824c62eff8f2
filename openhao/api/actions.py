"""Writes of a signed-in reader (scope ``write``): comment and reply, 顶, like, follow, 举报.
Each calls the same service as the site's view, behind the same action limit
(common.ratelimit), so the rules are the site's: text checks and rendering (engagement.text),
closed articles, no following oneself, one report per reader and item, counters and
notifications."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Status

from openhao.accounts.ipregion import request_region
from openhao.articles.models import Article
from openhao.creators.models import Creator
from openhao.engagement import selectors as engagement_selectors
from openhao.engagement import services as engagement_services
from openhao.engagement.models import Comment
from openhao.engagement.text import mentioned_names
from openhao.moderation import actions as moderation_actions

from . import reads, schemas
from .access import WRITE, action_allowed
from .problems import ApiError

# The read router: a path has one URL pattern, so the POST of /articles/{pk}/comments must sit
# in the router that has its GET.
router = reads.router
TAGS = ["互动"]

BIGINT = 2**63 - 1
ERRORS = schemas.BODY_ERRORS


def _article(pk: int) -> Article:
    if pk > BIGINT:
        raise Http404
    return engagement_selectors.article_for_comments(pk)


@router.post(
    "/articles/{pk}/comments", response={201: schemas.CommentOut, **ERRORS}, auth=WRITE, tags=TAGS
)
def comment_create(request, pk: int, payload: schemas.CommentIn):
    """发跟贴，或带 parent_id 回复一条跟贴。"""
    article = _article(pk)
    action_allowed(request, "comment")
    if mentioned_names(payload.body):
        action_allowed(request, "mention")
    parent = None
    if payload.parent_id is not None:
        parent = Comment.objects.filter(pk=payload.parent_id, article_id=article.pk).first()
        if parent is None:
            raise ApiError(422, _("回复的跟贴不存在。"))
    comment = engagement_services.comment_create(
        user=request.user,
        article=article,
        body=payload.body,
        parent=parent,
        ip_region=request_region(request),
    )
    comment.user = request.user
    return Status(201, comment)


@router.post("/comments/{pk}/vote", response={200: schemas.State, **ERRORS}, auth=WRITE, tags=TAGS)
def comment_vote(request, pk: int):
    """顶一条跟贴（不能顶自己的）。"""
    comment = Comment.objects.select_related("user").filter(pk=pk if pk <= BIGINT else 0).first()
    if comment is None or not engagement_selectors.article_is_public(comment.article_id):
        raise Http404
    action_allowed(request, "vote")
    changed = engagement_services.comment_vote(user=request.user, comment=comment)
    comment.refresh_from_db(fields=["vote_count"])
    return {"active": True, "changed": bool(changed), "count": comment.vote_count}


def _like(request, pk: int, liked: bool):
    article = _article(pk)
    action_allowed(request, "like")
    changed = engagement_services.like_set(user=request.user, article=article, liked=liked)
    article.refresh_from_db(fields=["like_count"])
    return {"active": liked, "changed": bool(changed), "count": article.like_count}


@router.put("/articles/{pk}/like", response={200: schemas.State, **ERRORS}, auth=WRITE, tags=TAGS)
def like_put(request, pk: int):
    """点赞。"""
    return _like(request, pk, True)


@router.delete(
    "/articles/{pk}/like", response={200: schemas.State, **ERRORS}, auth=WRITE, tags=TAGS
)
def like_delete(request, pk: int):
    """取消点赞。"""
    return _like(request, pk, False)


def _follow(request, creator_id: int, follow: bool):
    creator = Creator.objects.filter(pk=creator_id if creator_id <= BIGINT else 0).first()
    if creator is None:
        raise Http404
    action_allowed(request, "follow")
    if follow:
        changed = engagement_services.follow_create(user=request.user, creator=creator)
    else:
        changed = engagement_services.follow_delete(user=request.user, creator=creator)
    creator.refresh_from_db(fields=["follower_count"])
    return {"active": follow, "changed": bool(changed), "count": creator.follower_count}


@router.put(
    "/creators/{creator_id}/follow", response={200: schemas.State, **ERRORS}, auth=WRITE, tags=TAGS
)
def follow_put(request, creator_id: int):
    """关注一位创作者。"""
    return _follow(request, creator_id, True)


@router.delete(
    "/creators/{creator_id}/follow", response={200: schemas.State, **ERRORS}, auth=WRITE, tags=TAGS
)
def follow_delete(request, creator_id: int):
    """取消关注。"""
    return _follow(request, creator_id, False)


def _report(request, target_type: str, target_id: int, payload: schemas.ReportIn):
    action_allowed(request, "report")
    report, created = moderation_actions.report_create(
        reporter=request.user,
        target_type=target_type,
        target_id=target_id,
        reason=payload.reason,
        text=payload.text,
    )
    body = {
        "target_type": report.target_type,
        "target_id": report.target_id,
        "reason": report.reason,
        "status": report.status,
        "created": created,
    }
    return Status(201 if created else 200, body)


REPORTED = {200: schemas.ReportOut, 201: schemas.ReportOut, **ERRORS}


@router.post("/articles/{pk}/report", response=REPORTED, auth=WRITE, tags=TAGS)
def article_report(request, pk: int, payload: schemas.ReportIn):
    """举报一篇文章（每人每篇一次）。"""
    article = _article(pk)  # 404 for what readers cannot see, as everywhere in the API
    return _report(request, "article", article.pk, payload)


@router.post("/comments/{pk}/report", response=REPORTED, auth=WRITE, tags=TAGS)
def comment_report(request, pk: int, payload: schemas.ReportIn):
    """举报一条跟贴（每人每条一次）。"""
    comment = Comment.objects.filter(Comment.shown_q(), pk=pk if pk <= BIGINT else 0).first()
    if comment is None or not engagement_selectors.article_is_public(comment.article_id):
        raise Http404
    return _report(request, "comment", comment.pk, payload)


@router.post("/creators/{creator_id}/report", response=REPORTED, auth=WRITE, tags=TAGS)
def creator_report(request, creator_id: int, payload: schemas.ReportIn):
    """举报一位创作者（每人每位一次）。"""
    creator = Creator.objects.filter(pk=creator_id if creator_id <= BIGINT else 0).first()
    if creator is None:
        raise Http404
    return _report(request, "creator", creator.pk, payload)
