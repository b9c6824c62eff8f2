"""Two OpenHao instances on loopback, each its own server process with its own SQLite file and
its own host name: a reader signed in on B follows a creator on A by handle (WebFinger →
Follow → Accept), A publishes, edits and removes an article and B shows, updates and drops it;
a forged signature is refused. A signs with draft-cavage, B with RFC 9421, so both formats
cross the wire.

The instances reach each other through the SSRF-safe fetcher, which lets loopback through only
because the test settings read OPENHAO_TEST_FETCH_ALLOW_NETWORKS (set here, for these processes
only). Both use the immediate task backend, so a delivery has happened when the request (or
shell command) that caused it returns: the test needs no polling of a queue."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from openhao.federation import signatures

ROOT = Path(__file__).resolve().parents[3]


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class Instance:
    def __init__(self, tmp: Path, name: str, ip: str, sign_with: str):
        self.ip = ip
        self.port = _free_port(ip)
        self.base = f"http://{ip}:{self.port}"
        self.host = f"{ip}:{self.port}"
        self.db = tmp / f"{name}.sqlite3"
        self.log = tmp / f"{name}.log"
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "TASKS_BACKEND")}
        env.update(
            DJANGO_SETTINGS_MODULE="openhao.settings.test",
            DATABASE_URL=f"sqlite:///{self.db}",
            OPENHAO_BASE_URL=self.base,
            ALLOWED_HOSTS=ip,
            OPENHAO_TEST_FETCH_ALLOW_NETWORKS="127.0.0.0/8,::1/128",
            OPENHAO_FEDERATION_WEBFINGER_SCHEME="http",
            OPENHAO_FEDERATION_SIGN_WITH=sign_with,
            OPENHAO_EMBEDDING_BACKEND="corpus",
        )
        self.env = env
        self.proc: subprocess.Popen | None = None

    def manage(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(  # noqa: S603 - our own manage.py and arguments
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code).strip().splitlines()[-1]

    def start(self) -> None:
        self.proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", f"{self.ip}:{self.port}", "--noreload"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/ap/nodeinfo/2.0", timeout=2)  # noqa: S310
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        raise AssertionError(f"{self.base} did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Browser:
    """A signed-in reader on one instance: a session cookie and the CSRF dance."""

    def __init__(self, instance: Instance, session_key: str):
        self.instance = instance
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        cookie = http.cookiejar.Cookie(
            0, "sessionid", session_key, None, False, instance.ip, False, False, "/", True,
            False, None, False, None, None, {},
        )  # fmt: skip
        self.jar.set_cookie(cookie)

    def get(self, path: str) -> str:
        with self.opener.open(self.instance.base + path, timeout=60) as response:
            return response.read().decode()

    def post_form(self, path: str, data: dict) -> str:
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(  # noqa: S310 - http to our own test server
            self.instance.base + path, data=body, headers={"Referer": self.instance.base + path}
        )
        with self.opener.open(request, timeout=120) as response:
            return response.read().decode()


@pytest.fixture(scope="module")
def instances(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("federation")
    a = Instance(tmp, "a", "127.0.0.1", signatures.CAVAGE)
    b = Instance(tmp, "b", "127.0.0.2", signatures.RFC9421)
    a.manage("migrate", "-v0", timeout=300)
    shutil.copyfile(a.db, b.db)  # the same empty schema: migrate once
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        a.stop()
        b.stop()


A_SETUP = """
from openhao.articles.tests.factories import ChannelFactory
from openhao.creators.tests.factories import CreatorFactory
c = CreatorFactory(display_name="江南写作号", approved_article_count=100)
ChannelFactory(slug="travel", name="旅行")
print(c.pk)
"""

B_SETUP = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from openhao.accounts.models import User
u = User.objects.create_user("reader", password="correct horse battery", nickname="远方读者")
s = import_module(settings.SESSION_ENGINE).SessionStore()
s[SESSION_KEY] = str(u.pk)
s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
s[HASH_SESSION_KEY] = u.get_session_auth_hash()
s.create()
print(s.session_key)
"""


def _on_a(a: Instance, code: str) -> str:
    return a.shell(
        "from openhao.articles import services as s\n"
        "from openhao.articles.models import Article, Channel\n" + code
    )


def test_a_reader_on_b_follows_a_creator_on_a_and_gets_its_articles(instances):
    a, b = instances
    creator_id = int(a.shell(A_SETUP))
    reader = Browser(b, b.shell(B_SETUP))

    # WebFinger, actor, Follow to A, Accept back to B: all inside this one form POST.
    page = reader.post_form(
        "/me/fediverse/", {"action": "follow", "handle": f"@hao{creator_id}@{a.host}"}
    )
    assert f"@hao{creator_id}@{a.host}" in page
    assert "等待对方确认" not in page, page  # the Accept arrived
    state = (
        "from openhao.federation.models import RemoteFollowing as F; print(F.objects.get().state)"
    )
    assert b.shell(state) == "accepted"
    assert (
        a.shell(
            "from openhao.federation.models import RemoteFollower as F; print(F.objects.count())"
        )
        == "1"
    )

    # A publishes: the article arrives in B.
    article_id = int(_on_a(a, f"""
a = Article.objects.create(creator_id={creator_id}, channel=Channel.objects.get(slug="travel"),
    title="江南的春雨", summary="小城三月", body_html="<p>雨落在青石板上。</p>")
s.article_publish(article=a)
print(a.pk)
"""))  # fmt: skip
    page = reader.get("/me/fediverse/")
    assert "江南的春雨" in page and "雨落在青石板上。" in page

    # An edit updates it.
    _on_a(a, f"""
a = Article.objects.get(pk={article_id})
s.article_update(article=a, channel=a.channel, title="江南的夜雨", body_html="<p>夜里的雨声。</p>")
print("ok")
""")  # fmt: skip
    page = reader.get("/me/fediverse/")
    assert "江南的夜雨" in page and "夜里的雨声。" in page and "江南的春雨" not in page

    # A removal deletes it.
    _on_a(a, f"s.article_remove(article=Article.objects.get(pk={article_id})); print('ok')")
    page = reader.get("/me/fediverse/")
    assert "江南的夜雨" not in page and "还没有收到文章。" in page


def test_a_forged_signature_is_refused_by_the_other_instance(instances):
    a, b = instances
    # Claims A's creator key but is signed with a key A never published.
    first = (
        "from openhao.creators.models import Creator as C; print(C.objects.order_by('pk')[0].pk)"
    )
    creator_id = int(a.shell(first))
    key_id = f"{a.base}/ap/creators/{creator_id}#main-key"
    activity = {
        "id": f"{a.base}/ap/articles/999#create",
        "type": "Create",
        "actor": f"{a.base}/ap/creators/{creator_id}",
        "object": {"id": f"{a.base}/ap/articles/999", "type": "Article", "name": "伪造"},
    }
    body = json.dumps(activity).encode()
    for style in (signatures.CAVAGE, signatures.RFC9421):
        headers = signatures.sign(
            method="POST", url=f"{b.base}/ap/inbox", host=b.host, path="/ap/inbox", body=body,
            key_id=key_id, private_pem=signatures.new_key_pair()[1], style=style,
        )  # fmt: skip
        headers.pop("Host")
        request = urllib.request.Request(  # noqa: S310 - http to our own test server
            f"{b.base}/ap/inbox",
            data=body,
            headers={**headers, "Content-Type": "application/activity+json"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=60)  # noqa: S310
        assert refused.value.code == 401
