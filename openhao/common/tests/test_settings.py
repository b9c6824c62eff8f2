"""Production settings refuse to start unsafely; defaults give a working embedded site."""

import logging
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


def production_environment_from_readme() -> list[str]:
    """The `export` lines of the README's production example: the documented environment."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Production deployment", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    exports = [line for line in block.splitlines() if line.startswith("export ")]
    assert any("DJANGO_SETTINGS_MODULE=openhao.settings.production" in e for e in exports)
    return exports


def test_check_deploy_is_clean_with_the_documented_production_environment():
    """`manage.py check --deploy` prints no warning with the README's production environment
    (HSTS with subdomains and preload, secure cookies, SSL redirect, a real secret)."""
    check = '"$@" manage.py check --deploy --fail-level WARNING'
    script = "\n".join([*production_environment_from_readme(), check])
    environ = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    result = subprocess.run(  # noqa: S603
        ["bash", "-c", script, "bash", sys.executable],  # noqa: S607
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "no issues" in output, output


def test_hsts_subdomains_and_preload_come_from_the_environment():
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SECURE_")}
    environ.update(DJANGO_SETTINGS_MODULE="openhao.settings.production", SECRET_KEY="k" * 50)
    run = [sys.executable, "-c", f"import django; django.setup(); {script}"]
    default = subprocess.run(run, cwd=ROOT, env=environ, capture_output=True, text=True)  # noqa: S603
    assert default.stdout.split() == ["0", "False", "False"], default.stderr
    environ.update(
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    on = subprocess.run(run, cwd=ROOT, env=environ, capture_output=True, text=True)  # noqa: S603
    assert on.stdout.split() == ["31536000", "True", "True"], on.stderr


def test_development_logs_task_runs_only_from_warning_up():
    """The scheduler's jobs run every few seconds: django-tasks' two INFO lines per job would
    bury the requests in `make run`'s console. Other INFO logs stay."""
    script = (
        "import logging; "
        "print(logging.getLogger('django_tasks').getEffectiveLevel(), "
        "logging.getLogger('openhao').getEffectiveLevel())"
    )
    environ = {k: v for k, v in os.environ.items() if k != "LOG_LEVEL"}
    environ.update(DJANGO_SETTINGS_MODULE="openhao.settings.dev")
    run = [sys.executable, "-c", f"import django; django.setup(); {script}"]
    result = subprocess.run(run, cwd=ROOT, env=environ, capture_output=True, text=True)  # noqa: S603
    assert result.stdout.split() == [str(logging.WARNING), str(logging.INFO)], result.stderr


def test_json_settings_are_merged_over_their_defaults(monkeypatch):
    """OPENHAO_CREDIT_THRESHOLDS and OPENHAO_CREDIT_SEVERITY_POINTS come from the environment
    as JSON objects; the keys left out keep their defaults."""
    from openhao.settings.base import env_json

    default = {"original": 100, "campaigns": 80, "publish": 60}
    monkeypatch.delenv("OPENHAO_TEST_JSON", raising=False)
    assert env_json("OPENHAO_TEST_JSON", default) == default
    monkeypatch.setenv("OPENHAO_TEST_JSON", '{"publish": 50}')
    assert env_json("OPENHAO_TEST_JSON", default) == {
        "original": 100,
        "campaigns": 80,
        "publish": 50,
    }
