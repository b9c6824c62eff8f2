"""Production settings refuse to start unsafely; defaults give a working embedded site."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def load_production(**env):
    environ = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environ.update(env, DJANGO_SETTINGS_MODULE="openhao.settings.production")
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "env",
    [
        {},  # the default development secret
        {"SECRET_KEY": "short"},
        {"SECRET_KEY": "x" * 50, "DEBUG": "1"},
    ],
)
def test_production_refuses_unsafe_configuration(env):
    result = load_production(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_starts_with_a_real_secret():
    result = load_production(SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr


def test_database_url_defaults_to_sqlite_under_var(settings):
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL is set for this run")
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ
