"""Login throttling that a stranger cannot turn against an account's owner.

allauth counts failed sign-ins per address and per account (``login_failed``: ``10/m/ip,5/5m/key``
with the account as key), so five wrong passwords from anywhere lock the owner out too. Here the
same rate is applied per address and per *address and account* (the key also holds the
address): one address guessing gets HTTP 429, and the owner, elsewhere, is not affected.

Guessing from many addresses is bounded by a per-account budget (``login_failed_account``,
``20/h``), and that lock is soft: it pauses *password* sign-in only in browsers the owner has not
signed in with before. A browser that has signed in to the account carries a signed device
cookie naming it (the "device cookie" defence against lock-out), and there the password still
works; anywhere else the owner signs in with a code sent to their mailbox (allauth's login by
code), which the guesser cannot read; that sign-in marks the browser as known as well. A
password reset lifts the pause.

Counting as allauth does: every attempt uses the budget, a successful one gives it back."""

from __future__ import annotations

from allauth.account import app_settings
from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit as _impl
from django.contrib.sites.shortcuts import get_current_site
from django.core import signing
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from openhao.accounts.models import User
from openhao.common.visitors import client_address

APP = "allauth.account"
ADDRESS_ACTION = "login_failed"
ACCOUNT_ACTION = "login_failed_account"
DEVICE_COOKIE = "oh_device"
DEVICE_COOKIE_AGE = 180 * 24 * 3600
DEVICE_SALT = "openhao.trusted-device"
DEVICE_MAX_ACCOUNTS = 5
# Error codes (AccountAdapter.error_messages) that the sign-in view answers with HTTP 429.
THROTTLED = ("too_many_login_attempts", "login_paused")


class Throttled(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _login(credentials: dict) -> str:
    return (credentials.get("email") or credentials.get("username") or "").lower()


def _account_key(request: HttpRequest, login: str) -> str:
    return f"{get_current_site(request).domain}:{login}"


def _address_key(request: HttpRequest, login: str) -> str:
    return f"{client_address(request)}|{_account_key(request, login)}"


def attempt(request: HttpRequest, credentials: dict) -> _impl.RateLimitUsage:
    """Record one sign-in attempt; raises Throttled (with an error code) when this address has
    failed too often, or the account has and this browser is not one its owner used. The
    usage returned is given back if the attempt succeeds."""
    login = _login(credentials)
    usage = _impl.consume(request, app=APP, action=ADDRESS_ACTION, key=_address_key(request, login))
    if usage is None:
        raise Throttled("too_many_login_attempts")
    account = _impl.consume(
        request, app=APP, action=ACCOUNT_ACTION, key=_account_key(request, login)
    )
    if account is None:
        if not device_knows(request, credentials):
            usage.rollback()  # refused unread: not a failure of this address
            raise Throttled("login_paused")
    else:
        usage.usage.extend(account.usage)
    return usage


def _device_accounts(request: HttpRequest) -> list[int]:
    try:
        value = request.get_signed_cookie(
            DEVICE_COOKIE, salt=DEVICE_SALT, max_age=DEVICE_COOKIE_AGE
        )
    except (KeyError, signing.BadSignature):
        return []
    return [int(pk) for pk in value.split(",") if pk.isdigit()]


def device_knows(request: HttpRequest, credentials: dict) -> bool:
    """Has the account ``credentials`` name been signed in to in this browser?"""
    known = _device_accounts(request)
    if not known:
        return False
    login = _login(credentials)
    by_email = EmailAddress.objects.filter(email__iexact=login).values("user_id")
    return User.objects.filter(
        Q(username__iexact=login) | Q(pk__in=by_email) | Q(email__iexact=login), pk__in=known
    ).exists()


def device_remember(request: HttpRequest, response: HttpResponse, user) -> None:
    """Mark this browser as one ``user`` signed in with (a few accounts per browser)."""
    known = [pk for pk in _device_accounts(request) if pk != user.pk]
    known = [user.pk, *known][:DEVICE_MAX_ACCOUNTS]
    response.set_signed_cookie(
        DEVICE_COOKIE,
        ",".join(str(pk) for pk in known),
        salt=DEVICE_SALT,
        max_age=DEVICE_COOKIE_AGE,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def clear(request: HttpRequest, user) -> None:
    """Lift the account's pause and this address's count for it (after a password reset)."""
    logins = {
        user.username.lower(),
        *(e.lower() for e in user.emailaddress_set.values_list("email", flat=True)),
    }
    if user.email:
        logins.add(user.email.lower())
    # Only the per-key parts: the address's count over all accounts stays.
    rates = app_settings.RATE_LIMITS
    config = {
        action: ",".join(
            r for r in (rates.get(action) or "").split(",") if r.strip().endswith("/key")
        )
        for action in (ADDRESS_ACTION, ACCOUNT_ACTION)
    }
    for login in logins:
        for action, key in (
            (ACCOUNT_ACTION, _account_key(request, login)),
            (ADDRESS_ACTION, _address_key(request, login)),
        ):
            _impl.clear(request, app=APP, action=action, config=config, key=key)
