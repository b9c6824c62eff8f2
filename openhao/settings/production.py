"""Production: refuses to start with DEBUG on, with the well-known development secret, or while a
demo account (created by `loaddemo`, password published) can sign in."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    DEBUG,
    DEFAULT_SECRET_KEY,
    INSTALLED_APPS,
    LOGGING,
    SECRET_KEY,
    env_bool,
    env_int,
)

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG).")
if not SECRET_KEY or SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 32 characters.")

# No demo content, and no demo account with its published password (openhao.E001).
OPENHAO_DEMO_ALLOWED = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
# HSTS is off until the operator turns it on: a browser that saw it refuses plain http for the
# whole max-age, and includeSubDomains / preload extend that to every subdomain and (once the
# domain is on the browsers' preload list) to first visits. See docs/deployment.md.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# One JSON object per line on stderr (python-json-logger), for journald or a log shipper;
# LOG_FORMAT=text gives the plain lines of development.
if os.environ.get("LOG_FORMAT", "json") == "json":
    LOGGING["formatters"] = {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(process)d",
            "rename_fields": {"levelname": "level", "name": "logger"},
            # ISO 8601 in UTC, whatever TIME_ZONE says.
            "timestamp": "time",
            "json_ensure_ascii": False,
        }
    }
    LOGGING["handlers"]["console"]["formatter"] = "json"
# Tasks run in `manage.py db_worker` processes (django-tasks-db, queue in PostgreSQL), not
# inside the request: README "Production", deploy/systemd/openhao-worker.service. TASKS_BACKEND
# still chooses another backend explicitly.
if "TASKS_BACKEND" not in os.environ:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
