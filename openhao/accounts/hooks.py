"""Hooks of accounts (openhao/common/hooks.py)."""

from openhao.common.hooks import Hook

# AccountAdapter.post_login, after every sign-in (password or e-mail code). Listeners get
# ``request`` and ``user`` (privacy: a pending 注销 is withdrawn).
user_signed_in = Hook("accounts.user_signed_in")
