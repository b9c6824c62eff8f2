"""The test suite. Uses DATABASE_URL and REDIS_URL when given, so CI can run the same suite on
PostgreSQL and Redis."""

import os

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, REDIS_URL, env_list

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if REDIS_URL:
    # A prefix of its own, so a test run never reads what the running site cached.
    CACHES["default"]["KEY_PREFIX"] = f"openhao-test-{os.getpid()}"

# The replica alias is the test database itself (TEST MIRROR), so the router can be tested
# against a second alias; it routes nowhere unless a test turns OPENHAO_READ_REPLICA on.
if "replica" not in DATABASES:
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
OPENHAO_READ_REPLICA = False
if os.environ.get("OPENHAO_TEST_MEDIA_ROOT"):
    # A worker process started by a test (openhao/common/tests/test_task_worker.py) must see
    # the files the test uploaded: both use this directory instead of memory.
    MEDIA_ROOT = os.environ["OPENHAO_TEST_MEDIA_ROOT"]
    STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Search waits for the model as long as it takes, so that no result depends on the machine's
# speed; the tests of the wait set it (openhao/search/tests/test_embed_wait.py).
OPENHAO_SEARCH_EMBED_WAIT_MS = None
# The nearest-neighbour index lives in memory in tests (rebuilt per test from the database).
OPENHAO_ANN_PATH = ""
# Tests run on the corpus embeddings unless they ask for the sentence model (the fixture
# `sentence_model` in conftest.py): the model costs ~40 ms an article on this machine.
OPENHAO_EMBEDDING_BACKEND = os.environ.get("OPENHAO_EMBEDDING_BACKEND", "corpus")
# The spam rules that hold comments (young_links, repeated_text, domain_flood) are off for the
# suite at large: its factories make accounts of today that post links and the same text many
# times. The moderation tests turn them on (openhao/moderation/tests/test_content_spam.py).
OPENHAO_MODERATION_SPAM_RULES = os.environ.get(
    "OPENHAO_MODERATION_SPAM_RULES",
    '{"young_links": {"enabled": false}, "repeated_text": {"enabled": false},'
    ' "domain_flood": {"enabled": false}}',
)
# A server process started by a test (the two-instance federation test, docs/federation.md)
# reaches the other instance on loopback through the SSRF-safe fetcher. Only this file defines
# the setting (openhao/common/fetch.py), and only the test that starts such a process sets it.
OPENHAO_FETCH_TEST_ALLOWED_NETWORKS = env_list("OPENHAO_TEST_FETCH_ALLOW_NETWORKS", [])
