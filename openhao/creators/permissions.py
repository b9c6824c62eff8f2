"""Who counts as a creator: checked on the server for every request to the studio and
数据中心 (the links in the header are only a convenience). Staff rules are in
``openhao.moderation.permissions``."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect


def creator_required(view):
    """Signed-in creators only; others are sent to 申请入驻 (readers) or the login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        creator = getattr(user, "creator", None)
        if creator is None:
            return redirect("creators:apply")
        request.creator = creator
        return view(request, *args, **kwargs)

    return wrapper
