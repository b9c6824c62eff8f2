"""The JSON API: one NinjaAPI under /api/ (schema /api/openapi.json, Swagger UI /api/docs), its
operations under /api/v1/ (docs/api.md). This module wires the routers, the problem responses
and the ETags; the operations are in reads.py, actions.py and studio.py."""

from __future__ import annotations

import hashlib
import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from . import actions, reads, studio  # noqa: F401 (actions registers on reads.router)
from .problems import ApiError, problem

logger = logging.getLogger(__name__)


class OpenHaoAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            return _conditional(request, response)
        return response


def _conditional(request, response: HttpResponse) -> HttpResponse:
    """A strong ETag from the body, and 304 when the client has it already."""
    etag = '"' + hashlib.blake2b(response.content, digest_size=16).hexdigest() + '"'
    response["ETag"] = etag
    wanted = request.headers.get("If-None-Match", "")
    if wanted and (wanted.strip() == "*" or etag in [t.strip() for t in wanted.split(",")]):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return not_modified
    return response


api = OpenHaoAPI(
    title="OpenHao 开放接口",
    version="1",
    description=(
        "OpenHao（开放号）的 JSON 接口。读取公开内容无需登录；写入需要个人访问令牌"
        "（在“个人资料”页创建，`Authorization: Bearer <令牌>`）或同源的登录会话（需 CSRF）。"
        "列表用游标分页（`cursor`、`limit`），错误为 RFC 9457 problem+json。见 docs/api.md。"
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/v1/", reads.router)
# actions.py adds its operations to reads.router (shared paths).
api.add_router("/v1/studio/", studio.router)


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return problem(request, exc.status, exc.detail, headers=exc.headers, **exc.extra)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(request, 404)


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    return problem(request, 403, str(exc) or "")


@api.exception_handler(DjangoValidationError)
def _invalid(request, exc: DjangoValidationError):
    return problem(request, 422, " ".join(exc.messages))


@api.exception_handler(ValidationError)
def _validation(request, exc: ValidationError):
    fields = ["·".join(str(p) for p in e.get("loc", ())) for e in exc.errors]
    errors = [{"loc": list(e.get("loc", ())), "type": e.get("type", "")} for e in exc.errors]
    detail = _("请求参数无效：%(fields)s。") % {"fields": "、".join(fields) or "?"}
    return problem(request, 422, detail, errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem(request, 401, headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # ninja's own (a body it cannot parse, …): its English message stays out of `detail`.
    return problem(request, exc.status_code)


@api.exception_handler(MultiPartParserError)
def _bad_body(request, exc):
    return problem(request, 400)


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    # Past DATA_UPLOAD_MAX_MEMORY_SIZE: the client's to fix, not a server error.
    return problem(request, 413)


@api.exception_handler(RawPostDataException)
def _form_body_for_json(request, exc):
    # A multipart form sent where JSON is expected: the site's NUL check (RejectNulMiddleware)
    # already parsed the form from the stream, so the raw body is gone; it was never JSON.
    return problem(request, 400, _("请求体应为 JSON。"))


@api.exception_handler(Exception)
def _server_error(request, exc):
    logger.exception("API error on %s", request.path)
    return problem(request, 500)


def not_found(request, rest=""):
    """Any other path under /api/: a problem, not the site's HTML 404 page."""
    return problem(request, 404, _("没有这个接口。"))
