"""Request checks that hold for every view."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .views import error_response

logger = logging.getLogger("django.security.nul")
NUL = "\x00"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(data) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


class RejectNulMiddleware:
    """A NUL byte is never legitimate in a URL, a query or a form field, and PostgreSQL can
    neither store nor compare one (psycopg raises ValueError: a 500, and on a lookup by name a
    500 before the 404). So a request carrying one in its path, query or form fields is
    answered 400 here, before any view or query sees it; a cookie carrying one is dropped
    (a forged session cookie means "not signed in", not "refused"). Form fields keep Django's
    own NUL validator as a second line, for code that builds forms from other sources.

    Sits before SessionMiddleware, which reads the session cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name in [n for n, v in request.COOKIES.items() if NUL in n or NUL in v]:
            del request.COOKIES[name]
        if NUL in request.path_info or _has_nul(request.GET) or self._post_has_nul(request):
            logger.warning("NUL byte refused: %s %r", request.method, request.path_info)
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _post_has_nul(request: HttpRequest) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        if not request.content_type.startswith(_FORM_TYPES):
            return False
        # Parsing here is no extra cost: CsrfViewMiddleware reads request.POST next anyway.
        # A malformed body raises here as it would there (Django answers it 400).
        return _has_nul(request.POST) or any(NUL in name for name in request.FILES)

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        message = _("请求中含有无效的空字符（NUL），无法处理。请检查输入的内容或链接。")
        return error_response(request, message, status=400)
