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
