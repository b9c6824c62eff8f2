"""Errors as RFC 9457 problem details (``application/problem+json``), with a Chinese
``detail`` a client can show as it is. Every error of the API goes through ``problem``: the
exception handlers of openhao.api.api map each kind of failure to one status."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

CONTENT_TYPE = "application/problem+json; charset=utf-8"

TITLES = {
    400: _lazy("请求有误"),
    401: _lazy("需要身份验证"),
    403: _lazy("没有权限"),
    404: _lazy("内容不存在"),
    405: _lazy("不支持的请求方法"),
    409: _lazy("状态冲突"),
    413: _lazy("请求内容过大"),
    422: _lazy("参数无效"),
    429: _lazy("请求过于频繁"),
    500: _lazy("服务器内部错误"),
}

DETAILS = {
    400: _lazy("请求无法解析，请检查请求内容。"),
    401: _lazy("需要登录，或在 Authorization 头中提供有效的访问令牌（Bearer）。"),
    403: _lazy("您没有权限进行此操作。"),
    404: _lazy("请求的内容不存在。"),
    405: _lazy("该地址不支持这种请求方法。"),
    413: _lazy("请求内容过大。"),
    422: _lazy("请求参数无效。"),
    429: _lazy("请求过于频繁，请稍后再试。"),
    500: _lazy("服务器内部错误，请稍后再试。"),
}


class ApiError(Exception):
    """An error with its status and Chinese detail, raised anywhere in the API."""

    def __init__(self, status: int, detail: str = "", *, headers=None, **extra):
        super().__init__(detail)
        self.status = status
        self.detail = detail or str(DETAILS.get(status, ""))
        self.headers = headers or {}
        self.extra = extra


def problem(
    request: HttpRequest, status: int, detail: str = "", *, headers=None, **extra
) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(status, _("错误"))),
        "status": status,
        "detail": detail or str(DETAILS.get(status, "")),
        "instance": request.path,
        **extra,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response
