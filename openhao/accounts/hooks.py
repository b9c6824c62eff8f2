"""Hooks of accounts (openhao/common/hooks.py)."""

from openhao.common.hooks import Hook

# AccountAdapter.post_login, after every sign-in (password or e-mail code). Listeners get
# ``request`` and ``user`` (privacy: a pending 注销 is withdrawn).
user_signed_in = Hook("accounts.user_signed_in")

# The sign-up form's clean (forms.SignupExtraForm), before an account is created. Listeners get
# ``data`` (the submitted fields) and return a truthy value to refuse the sign-up quietly (a
# generic message, nothing said about why). moderation: the honeypot rule.
signup_check = Hook("accounts.signup_check")

# Before a write of the account's own content: ``user`` and ``what`` — "comment", "profile",
# "article" (a draft saved), "original" (an article saved with 原创声明), "publish" (an article
# submitted to go out). A listener refuses by raising ValidationError with the reason shown to
# the writer (moderation: suspended accounts; 信用分 below the threshold of the right).
write_check = Hook("accounts.write_check")
