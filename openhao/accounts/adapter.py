from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import hooks, throttle


class AccountAdapter(DefaultAccountAdapter):
    """Project hooks for allauth: sign-up can be closed by OPENHAO_SIGNUP_OPEN=0, and login
    throttling is per address and per address+account with a soft per-account pause
    (openhao/accounts/throttle.py)."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "login_paused": _(
            "该账号近期登录失败次数过多。为保护账号，暂时只能在您登录过的浏览器上用密码登录；"
            "请改用邮箱验证码登录，或稍后再试。"
        ),
    }

    def is_open_for_signup(self, request) -> bool:
        return settings.OPENHAO_SIGNUP_OPEN

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            usage = throttle.attempt(request, credentials)
        except throttle.Throttled as exc:
            raise self.validation_error(exc.code) from None
        # allauth's authenticate() gives this back when the password is right.
        self._login_failed_rl_usage = usage

    def post_login(self, request, user, **kwargs):
        hooks.user_signed_in.run(request=request, user=user)
        response = super().post_login(request, user, **kwargs)
        if hasattr(response, "set_signed_cookie"):
            throttle.device_remember(request, response, user)
        return response
