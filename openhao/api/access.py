"""Who is calling, with what rights, and how often: every operation of the API runs one of
these as its ninja ``auth`` (so a refusal is a problem response from the API's handlers).

- A personal access token (``Authorization: Bearer oh_…``, made on the profile page:
  accounts.services.token_create) acts for its user within its scopes (read, write, studio).
  A token never needs CSRF: a browser does not send it by itself.
- Without a token, the signed-in session (same-origin pages, htmx) acts with every scope; its
  writes need the CSRF token, as every form of the site does.
- Anonymous callers may use the public reads.

A request with a valid token counts against the token (``OPENHAO_API_RATE_TOKEN``), every
other request (anonymous, session, a wrong token) against its client address
(``OPENHAO_API_RATE_IP``), in the fixed windows of
common.budget; over a limit the answer is 429 with Retry-After. The writes also pass the
site's own action limits (comment, vote, …: common.ratelimit), which count per user."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from openhao.accounts import services as account_services
from openhao.common import budget, ratelimit
from openhao.common.visitors import client_address

from .problems import ApiError

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Anonymous:
    """The truthy ``request.auth`` of an anonymous caller on a public read."""

    def __bool__(self) -> bool:
        return True


ANONYMOUS = Anonymous()


def _limit(source: str, action: str, spec: str) -> None:
    ok, wait = budget.take_for(source, action, spec)
    if not ok:
        raise ApiError(429, headers={"Retry-After": str(wait)})


def identify(request: HttpRequest, scope: str, *, required: bool):
    """The token, the session user or ANONYMOUS; ApiError (401/403/429) otherwise."""
    header = request.headers.get("Authorization", "")
    if header:
        kind, _sep, raw = header.partition(" ")
        token = account_services.token_resolve(raw.strip()) if kind.lower() == "bearer" else None
        if token is None:
            # A wrong token counts against the address: guessing costs like any request.
            _limit(client_address(request), "api-ip", settings.OPENHAO_API_RATE_IP)
            raise ApiError(401, _("访问令牌无效或已撤销。"), headers={"WWW-Authenticate": "Bearer"})
        _limit(f"t{token.pk}", "api-token", settings.OPENHAO_API_RATE_TOKEN)
        if scope not in token.scope_set:
            raise ApiError(403, _("该令牌没有“%(scope)s”权限。") % {"scope": scope})
        request.user = token.user
        request.api_token = token
        return token
    _limit(client_address(request), "api-ip", settings.OPENHAO_API_RATE_IP)
    user = request.user
    if user.is_authenticated:
        if request.method not in SAFE_METHODS and check_csrf(request):
            raise ApiError(
                403,
                _("CSRF 校验失败：用登录会话写入时需要在 X-CSRFToken 头中提供 CSRF 令牌。"),
            )
        return user
    if required:
        raise ApiError(401, headers={"WWW-Authenticate": "Bearer"})
    return ANONYMOUS


class Required(HttpBearer):
    """A token with ``scope`` or the signed-in session (shown in the schema as bearer auth)."""

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def __call__(self, request: HttpRequest):
        return identify(request, self.scope, required=True)

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return None


class Public:
    """Public reads: anyone, and a token (if sent) must be valid and have ``scope``."""

    def __init__(self, scope: str = "read"):
        self.scope = scope

    def __call__(self, request: HttpRequest):
        return identify(request, self.scope, required=False)


PUBLIC = Public("read")
READ = Required("read")
WRITE = Required("write")
STUDIO = Required("studio")


def action_allowed(request: HttpRequest, action: str) -> None:
    """The site's own limit of ``action`` (common.ratelimit, per user and address)."""
    if not ratelimit.allow(request, action):
        raise ApiError(429, headers={"Retry-After": "60"})


def creator_of(request: HttpRequest):
    """The caller's creator profile; 403 for a reader (as creators.permissions does)."""
    creator = getattr(request.user, "creator", None)
    if creator is None:
        raise ApiError(403, _("您还不是创作者，请先在网站上申请入驻。"))
    return creator
