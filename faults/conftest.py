"""Fixtures of the fault scenarios (``make test-faults``): one private Redis started from the
shipped deploy/redis.conf, one private PostgreSQL cluster when the server binaries are
installed (else SQLite, and the PostgreSQL scenario is skipped), one seeded site with production
settings, and the app's processes per scenario. The last line printed is the summary."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from openhao.common.tests import redis_server

from . import harness

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    name: str
    survived: bool
    lost: int


RESULTS: list[Result] = []


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.faults)


def pytest_unconfigure(config):
    if RESULTS:
        survived = sum(r.survived for r in RESULTS)
        lost = sum(r.lost for r in RESULTS)
        sys.stdout.write(
            f"faults: {len(RESULTS)} scenarios, {survived} survived, {lost} reads lost\n"
        )
        sys.stdout.flush()


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="session")
def redis(workdir):
    if not redis_server.available():
        pytest.skip("redis-server is not installed")
    server = redis_server.RedisServer(workdir / "redis", config=REPO / "deploy" / "redis.conf")
    server.start()
    yield server
    server.kill()


@pytest.fixture(scope="session")
def postgres():
    cluster = harness.PrivatePostgres()
    reason = cluster.unavailable_reason()
    if reason:
        harness.log(f"  no private PostgreSQL ({reason}): SQLite, PostgreSQL scenario skipped")
        yield None
        return
    cluster.init().start()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def site(workdir, redis, postgres):
    if postgres is not None:
        database_url = postgres.create_database("openhao_faults")
    else:
        database_url = f"sqlite:///{workdir / 'openhao.sqlite3'}"
    harness.log(f"  building the site on {database_url.split(':')[0]} and a private Redis")
    return harness.build_site(tmp=workdir, database_url=database_url, redis_url=redis.url())


@pytest.fixture
def app(site, workdir, request):
    logs = workdir / "logs" / request.node.name
    logs.mkdir(parents=True, exist_ok=True)
    app = harness.App(site, logs).start()
    yield app
    app.stop()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        harness.log(f"  logs kept in {logs}")
    else:
        shutil.rmtree(logs, ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


@pytest.fixture
def record():
    """``record(name, survived, lost)``: one line of the summary per scenario."""

    def add(name: str, survived: bool, lost: int) -> None:
        RESULTS.append(Result(name, survived, lost))
        harness.log(f"  {name}: {'survived' if survived else 'FAILED'}, {lost} reads lost")

    return add
