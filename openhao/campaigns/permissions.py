"""Who may run campaigns: one function, so the rule changes in one place (moderation's roles
may take it over)."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

OPERATOR_GROUP = "运营"


def is_operator(user) -> bool:
    """Active staff, or a member of the 运营 group."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_staff or user.groups.filter(name=OPERATOR_GROUP).exists()


def operator_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not is_operator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
