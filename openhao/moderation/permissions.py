"""Who may take which operator decision, checked on the server for every request and again by
every decision service (the links in the header are only a convenience). Each decision names
the permission it needs (roles.py: 审核 has REVIEW; 运营 also DECIDE_APPEAL and
MANAGE_WORDLISTS); ``is_staff`` alone grants nothing here."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .roles import DECIDE_APPEAL, MANAGE_WORDLISTS, REVIEW

__all__ = [
    "DECIDE_APPEAL",
    "MANAGE_WORDLISTS",
    "REVIEW",
    "has",
    "is_staff",
    "permission_required",
    "require",
    "require_staff",
    "staff_required",
    "is_content_operator",
    "can_edit_wordlists",
    "require_content_operator",
    "require_wordlist_editor",
    "operator_required",
]


def has(user, permission: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(permission))


def require(user, permission: str) -> None:
    if not has(user, permission):
        raise PermissionDenied(permission)


def is_staff(user) -> bool:
    """May work the review queue (applications, first articles, reports, comments)."""
    return has(user, REVIEW)


def require_staff(user) -> None:
    """The check of the review decisions (the views run ``staff_required``)."""
    require(user, REVIEW)


def permission_required(permission: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            require(request.user, permission)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = permission_required(REVIEW)


# --- content moderation (敏感词, held comments, spam flags, 原创 holds) ---------------------------
# The roles' permissions (roles.py): 审核 and 运营 work held content; only 运营 edits the lists.


def is_content_operator(user) -> bool:
    """May see and decide held comments, spam flags and held articles (REVIEW)."""
    return has(user, REVIEW)


def can_edit_wordlists(user) -> bool:
    """May edit the 敏感词 lists (MANAGE_WORDLISTS: 运营; a 审核 reviews content but does not
    change the lists)."""
    return has(user, MANAGE_WORDLISTS)


def require_content_operator(user) -> None:
    if not is_content_operator(user):
        raise PermissionDenied("operators only")


def require_wordlist_editor(user) -> None:
    if not can_edit_wordlists(user):
        raise PermissionDenied("word-list editors only")


def operator_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        require_content_operator(request.user)
        return view(request, *args, **kwargs)

    return wrapper
