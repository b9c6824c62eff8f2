"""Who may take staff decisions, checked on the server for every request and again by every
decision service (the links in the header are only a convenience)."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def is_staff(user) -> bool:
    """Who may take staff decisions (review queues, approvals): an active staff account."""
    return bool(user and user.is_active and user.is_staff)


def require_staff(user) -> None:
    """The check every staff decision service runs first (the views run ``staff_required``)."""
    if not is_staff(user):
        raise PermissionDenied("staff only")


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        require_staff(user)
        return view(request, *args, **kwargs)

    return wrapper


# --- content moderation (敏感词, held comments, spam flags, 原创 holds) ---------------------------
# One place for "who is an operator", so it can be pointed at the roles of the moderation core
# (审核 / 运营 groups and their permissions) without touching the views.

OPERATOR_GROUPS = ("审核", "运营")
WORDLIST_GROUPS = ("运营",)


def _in_groups(user, names) -> bool:
    return user.groups.filter(name__in=names).exists()


def is_content_operator(user) -> bool:
    """May see and decide held comments, spam flags and held articles: active staff, or a
    member of the 审核 or 运营 group."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_staff or _in_groups(user, OPERATOR_GROUPS)


def can_edit_wordlists(user) -> bool:
    """May edit the 敏感词 lists: active staff, the permission moderation.manage_wordlists, or
    the 运营 group (a 审核 reviews content but does not change the lists)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return (
        user.is_staff
        or user.has_perm("moderation.manage_wordlists")
        or _in_groups(user, WORDLIST_GROUPS)
    )


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
