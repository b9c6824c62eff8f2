"""The creator's drafts through the API (scope ``studio``), with the studio's own rules: the
editor's form (studio.forms.ArticleForm and its reference formset) checks every field, the
body is sanitised by the articles services, an edit of a published article under 先审后发
becomes a revision for review, and 发布 (``submit``) is article_submit — publish now, schedule,
or queue for review, refused with the same reasons (ArticleNotReady) as the editor shows."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from openhao.articles import selectors as article_selectors
from openhao.articles import services as article_services
from openhao.articles.models import Article, ArticleImage
from openhao.common import keyset
from openhao.studio.forms import ArticleForm, ReferenceFormSet, references_from

from . import schemas
from .access import STUDIO, action_allowed, creator_of
from .problems import ApiError
from .reads import Cursor, Limit, checked_cursor

router = Router(tags=["创作"])

BIGINT = 2**63 - 1
ERRORS = schemas.BODY_ERRORS
STATUSES = {value for value, _label in Article.Status.choices}


def _own(request, pk: int) -> Article:
    if pk > BIGINT:
        raise Http404
    return article_selectors.studio_article_get(creator_of(request), pk)


def _out(article: Article) -> Article:
    article = Article.objects.prefetch_related("topics", "references").get(pk=article.pk)
    article.api_problems = article_services.article_publish_problems(article)
    return article


def _form_errors(form, formset) -> ApiError:
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    for i, errs in enumerate(formset.errors):
        for name, messages in errs.items():
            errors[f"references.{i}.{name}"] = [str(m) for m in messages]
    errors.update(
        {"references": [str(m) for m in formset.non_form_errors()]}
        if formset.non_form_errors()
        else {}
    )
    first = next(iter(errors.values()))[0] if errors else ""
    return ApiError(422, first or _("请求参数无效。"), errors=errors)


def _cleaned(creator, payload: schemas.DraftIn):
    """The editor's form, filled from the JSON body: the same checks as 写文章."""
    data = {
        "title": payload.title,
        "channel": str(payload.channel_id),
        "body_html": payload.body_html,
        "summary": payload.summary,
        "topics": " ".join(payload.topics),
        "cover_alt": payload.cover_alt,
    }
    if payload.is_original:
        data["is_original"] = "on"
    refs = {
        "refs-TOTAL_FORMS": str(len(payload.references)),
        "refs-INITIAL_FORMS": "0",
        "refs-MIN_NUM_FORMS": "0",
        "refs-MAX_NUM_FORMS": "20",
    }
    for i, ref in enumerate(payload.references):
        refs.update(
            {f"refs-{i}-title": ref.title, f"refs-{i}-source": ref.source, f"refs-{i}-url": ref.url}
        )
    form = ArticleForm(data)
    formset = ReferenceFormSet(refs, prefix="refs")
    if not (form.is_valid() and formset.is_valid()):
        raise _form_errors(form, formset)
    # No cover_image_id keeps the cover; an explicit null removes it (article_update writes
    # an empty cover, on the article or on its pending revision, like any other edit).
    cover = None
    if "cover_image_id" in payload.model_fields_set and payload.cover_image_id is None:
        cover = ""
    elif payload.cover_image_id is not None:
        image = ArticleImage.objects.filter(pk=payload.cover_image_id, creator=creator).first()
        if image is None:
            raise ApiError(422, _("封面图片不存在，请先上传。"), errors={"cover_image_id": []})
        cover = image.file.name
    data = form.cleaned_data
    fields = {
        "channel": data["channel"],
        "title": data["title"],
        "body_html": data["body_html"],
        "summary": data["summary"],
        "is_original": data["is_original"],
        "topic_names": data["topics"],
        "references": references_from(formset),
        "cover_alt": data["cover_alt"],
    }
    return fields, cover


@router.get("/articles", response={200: schemas.StudioPage, **ERRORS}, auth=STUDIO)
def studio_list(
    request,
    status: str | None = Query(
        None, max_length=20, description="draft、pending、scheduled、published、removed"
    ),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """我的文章（不含回收站），最新创建的在前。"""
    creator = creator_of(request)
    if status and status not in STATUSES:
        raise ApiError(422, _("未知的状态。"))
    qs = article_selectors.studio_articles(creator, status=status or "")
    page = keyset.page(qs, field="created_at", cursor=checked_cursor(cursor), size=limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/articles", response={201: schemas.StudioArticle, **ERRORS}, auth=STUDIO)
def draft_create(request, payload: schemas.DraftIn):
    """新建草稿（不会发布；发布用 /submit）。"""
    creator = creator_of(request)
    fields, cover = _cleaned(creator, payload)
    article = article_services.article_create(creator=creator, cover=cover or "", **fields)
    return Status(201, _out(article))


@router.get("/articles/{pk}", response={200: schemas.StudioArticle, **ERRORS}, auth=STUDIO)
def draft_get(request, pk: int):
    """我的一篇文章（任何状态）。"""
    return _out(_own(request, pk))


@router.put("/articles/{pk}", response={200: schemas.StudioArticle, **ERRORS}, auth=STUDIO)
def draft_update(request, pk: int, payload: schemas.DraftIn):
    """修改。已发布的文章在先审后发期间，修改会提交审核，审核通过前读者看到的仍是原版本。"""
    article = _own(request, pk)
    if article.status == Article.Status.REMOVED:
        raise ApiError(409, _("文章已被下架，不能修改。"))
    fields, cover = _cleaned(article.creator, payload)
    article_services.article_update(article=article, cover=cover, **fields)
    return _out(article)


@router.delete("/articles/{pk}", response={204: None, **ERRORS}, auth=STUDIO)
def draft_delete(request, pk: int):
    """移到回收站（可在创作者中心恢复）。"""
    article_services.article_soft_delete(article=_own(request, pk))
    return Status(204, None)


@router.post("/articles/{pk}/submit", response={200: schemas.StudioArticle, **ERRORS}, auth=STUDIO)
def draft_submit(request, pk: int, payload: schemas.SubmitIn):
    """发布：立即发布、定时发布（at），或在先审后发期间提交审核——与编辑器的“发布”按钮相同。"""
    article = _own(request, pk)
    at = None
    if payload.at is not None:
        # The editor's own rule for the time (future, within 30 days), on the same field.
        form = ArticleForm(
            {"scheduled_at": timezone.localtime(payload.at).strftime("%Y-%m-%d %H:%M:%S")}
        )
        form.is_valid()
        if "scheduled_at" in form.errors:
            raise ApiError(
                422, str(form.errors["scheduled_at"][0]), errors={"at": form.errors["scheduled_at"]}
            )
        at = form.cleaned_data["scheduled_at"]
    try:
        article = article_services.article_submit(article=article, at=at)
    except article_services.ArticleNotReady as exc:
        problems = [str(p) for p in exc.problems]
        raise ApiError(422, problems[0] if problems else "", problems=problems) from None
    return _out(article)


@router.post("/images", response={201: schemas.ImageOut, **ERRORS}, auth=STUDIO)
def image_upload(request, file: File[UploadedFile]):
    """上传一张图片（JPEG、PNG、WebP 或 GIF，与编辑器的上传相同的检查）。"""
    creator = creator_of(request)
    action_allowed(request, "image_upload")
    image = article_services.image_upload(creator=creator, upload=file)
    return Status(201, {"id": image.pk, "url": image.file.url})
