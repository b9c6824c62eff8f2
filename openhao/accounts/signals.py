"""Rate-limit entries to drop (cache only): a password reset proves the mailbox, so it lifts the
account's sign-in pause (openhao/accounts/throttle.py)."""

from allauth.account.signals import password_reset
from django.dispatch import receiver

from . import throttle


@receiver(password_reset)
def _password_reset(sender, request, user, **kwargs):
    throttle.clear(request, user)
