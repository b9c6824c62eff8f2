"""Settings shared by every mode. Everything that differs between machines comes from the
environment, with defaults that give a working site on a laptop with nothing else installed."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

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
    "openhao.common",
    "openhao.accounts",
    "openhao.creators",
    "openhao.articles",
    "openhao.ranking",
    "openhao.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it answers If-None-Match for cached and freshly rendered pages alike.
    "django.middleware.http.ConditionalGetMiddleware",
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
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'openhao.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "openhao.common.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "openhao"),
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Hashed file names never change content, so they may be cached for a year.
WHITENOISE_MAX_AGE = 31536000

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it from the personal fragment, not from the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

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
OPENHAO_SERVE_MEDIA = env_bool("OPENHAO_SERVE_MEDIA", False)
