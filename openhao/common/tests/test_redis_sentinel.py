"""Redis behind Sentinel (REDIS_SENTINELS): the site's clients and its cache find the master
through the sentinels, and after a failover write to the new master. Private servers only: a
master, a replica and one sentinel on free ports, killed at the end."""

import subprocess
import time

import pytest
import redis

from openhao.common import redis_health
from openhao.common.redis_cache import RedisCache
from openhao.common.tests import redis_server

pytestmark = pytest.mark.skipif(not redis_server.available(), reason="no redis-server")

# The host is never resolved: the sentinels say where the master is.
URL = "redis://master-from-sentinel/2"


def _wait(predicate, what, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except redis.RedisError:  # includes NOGOODSLAVE while the sentinel catches up
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def sentinel_setup(tmp_path, settings):
    master = redis_server.RedisServer(tmp_path / "master").start()
    replica = redis_server.RedisServer(tmp_path / "replica").start()
    port = redis_server.free_port()
    conf = tmp_path / "sentinel.conf"
    conf.write_text(
        f"port {port}\nbind 127.0.0.1\ndir {tmp_path}\n"
        f"sentinel monitor openhao 127.0.0.1 {master.port} 1\n"
        "sentinel down-after-milliseconds openhao 1000\n"
        "sentinel failover-timeout openhao 5000\n"
    )
    sentinel = subprocess.Popen(  # noqa: S603 - a fixed binary and our own arguments
        [redis_server.REDIS_SERVER, str(conf), "--sentinel"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        redis.Redis(port=replica.port).replicaof("127.0.0.1", master.port)
        sentinel_client = redis.Redis(port=port)
        _wait(
            lambda: sentinel_client.sentinel_master("openhao")["num-slaves"] == 1,
            "the sentinel to see the replica",
        )
        settings.REDIS_SENTINELS = [f"127.0.0.1:{port}"]
        settings.REDIS_SENTINEL_MASTER = "openhao"
        yield master, replica, sentinel_client
    finally:
        sentinel.kill()
        sentinel.wait(timeout=10)
        master.kill()
        replica.kill()


def _retrying(fn):
    """The first call after a failover may find the old connection gone."""
    for _ in range(20):
        try:
            return fn()
        except (redis.ConnectionError, redis.ReadOnlyError):
            time.sleep(0.2)
    return fn()


def test_clients_and_cache_follow_the_sentinels(sentinel_setup):
    master, replica, sentinel_client = sentinel_setup
    client = redis_health.client(URL)
    cache = RedisCache(URL, {"KEY_PREFIX": "t", "OPTIONS": {}})
    client.set("before", "1")
    cache.set("page", "cached")
    on_master = redis.Redis(port=master.port, db=2)
    assert on_master.get("before") == b"1"
    assert any(b"page" in key for key in on_master.scan_iter())

    # The sentinel refuses (NOGOODSLAVE) until it has seen the replica in sync: ask again.
    _wait(
        lambda: redis.Redis(port=replica.port).info("replication")["master_link_status"] == "up",
        "the replica to sync",
    )
    _wait(
        lambda: sentinel_client.execute_command("SENTINEL", "FAILOVER", "openhao"),
        "the sentinel to accept the failover",
    )
    _wait(
        lambda: sentinel_client.sentinel_get_master_addr_by_name("openhao")[1] == replica.port,
        "the failover",
    )
    # Writes that reach the old master before it is turned into a replica are lost (Redis
    # replicates asynchronously; docs/deployment.md says what that costs).
    _wait(
        lambda: redis.Redis(port=master.port).info("replication")["role"] == "slave",
        "the old master to follow the new one",
    )
    _retrying(lambda: client.set("after", "2"))
    _retrying(lambda: cache.set("page2", "cached"))
    on_new_master = redis.Redis(port=replica.port, db=2)
    assert on_new_master.get("after") == b"2"
    assert any(b"page2" in key for key in on_new_master.scan_iter())
