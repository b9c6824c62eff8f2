from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Project hooks for allauth. Sign-up can be closed by OPENHAO_SIGNUP_OPEN=0."""

    def is_open_for_signup(self, request) -> bool:
        return settings.OPENHAO_SIGNUP_OPEN
