"""Who may run campaigns: the ``campaigns.run_campaigns`` permission (``Campaign.Meta``).

Migration 0004_run_campaigns_permission grants it to the 运营 group (made by moderation's
0004_roles; the roles themselves are moderation's, docs/moderation.md "Roles"), so an account
runs campaigns when it is in 运营, is given the permission directly, or is a superuser.
``is_staff`` alone grants nothing (it only opens the admin), and 审核 does not run campaigns."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

RUN_CAMPAIGNS = "campaigns.run_campaigns"
OPERATOR_GROUP = "运营"


def can_run_campaigns(user) -> bool:
    # has_perm is False for inactive accounts and True for active superusers.
    return user.is_authenticated and user.has_perm(RUN_CAMPAIGNS)


def operator_group() -> Group:
    """The 运营 group with the permission: what the migration made, again, for a test database
    whose flush dropped the groups, and for the demo (which resets the group's permissions)."""
    from .models import Campaign

    group, _ = Group.objects.get_or_create(name=OPERATOR_GROUP)
    # A flushed test database has no permission rows until post_migrate runs again: make it.
    permission, _ = Permission.objects.get_or_create(
        # Not get_for_model: its cache may hold a row an earlier flush deleted.
        content_type=ContentType.objects.get_or_create(
            app_label=Campaign._meta.app_label, model=Campaign._meta.model_name
        )[0],
        codename="run_campaigns",
        defaults={"name": "运行活动（创建、发布、结束、结算）"},
    )
    group.permissions.add(permission)
    return group


def operator_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not can_run_campaigns(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
