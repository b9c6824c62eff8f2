"""The shipped edge cache (deploy/varnish/openhao.vcl) in front of a live app server: hits,
purges by tag on publish, the signed-in bypass, the care-mode copy, the stripped tag header.

Skipped when varnishd is not installed, unless OPENHAO_REQUIRE_EDGE=1 (CI), where that fails."""

from __future__ import annotations

import http.client
import time
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from openhao.articles import services as article_services
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import UserFactory

from . import varnish

_reason = varnish.unavailable_reason()
if _reason and varnish.edge_required():
    raise RuntimeError(f"OPENHAO_REQUIRE_EDGE=1 but the edge tests cannot run: {_reason}")
pytestmark = pytest.mark.skipif(bool(_reason), reason=_reason or "")


@pytest.fixture
def edge(live_server, settings):
    parts = urlsplit(live_server.url)
    server = varnish.Varnish(parts.hostname, parts.port).start()
    settings.OPENHAO_EDGE_PURGE_URLS = [server.url + "/"]
    settings.OPENHAO_PREREVIEW_ARTICLES = 0  # an edit goes live at once
    yield server
    server.stop()


def get(base: str, path: str, cookie: str = "", accept: str = ""):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if accept:
        headers["Accept"] = accept
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response, body


def test_anonymous_hit_then_an_edit_purges_the_page(edge, live_server):
    article = ArticleFactory(title="边缘缓存的第一个标题")
    path = f"/article/{article.pk}/"

    first, body = get(edge.url, path)
    assert first.status == 200 and "边缘缓存的第一个标题" in body
    assert first.getheader("X-Edge-Cache") == "miss"
    second, _ = get(edge.url, path)
    assert second.getheader("X-Edge-Cache") == "hit"
    # The tags reach the edge and stop there.
    direct, _ = get(live_server.url, path)
    assert f"article:{article.pk}" in direct.getheader("xkey").split()
    assert second.getheader("xkey") is None and first.getheader("xkey") is None
    assert "public" in second.getheader("Cache-Control")
    assert second.getheader("Content-Security-Policy")

    article_services.article_update(
        article=article,
        channel=article.channel,
        title="边缘缓存的新标题",
        body_html=article.body_html,
    )
    third, body = get(edge.url, path)
    assert third.getheader("X-Edge-Cache") == "miss"
    assert "边缘缓存的新标题" in body and "边缘缓存的第一个标题" not in body


def test_a_publish_elsewhere_leaves_the_page_cached(edge):
    article = ArticleFactory()
    path = f"/article/{article.pk}/"
    get(edge.url, path)
    other = ArticleFactory()  # another creator's article: tags the page does not carry
    article_services.article_update(
        article=other, channel=other.channel, title="别人的新标题", body_html=other.body_html
    )
    again, _ = get(edge.url, path)
    assert again.getheader("X-Edge-Cache") == "hit"


def test_a_signed_in_request_bypasses_the_edge(edge):
    article = ArticleFactory()
    path = f"/article/{article.pk}/"
    get(edge.url, path)
    assert get(edge.url, path)[0].getheader("X-Edge-Cache") == "hit"
    client = Client()
    client.force_login(UserFactory())
    session = f"sessionid={client.cookies['sessionid'].value}"
    for _ in range(2):
        response, _ = get(edge.url, path, cookie=session)
        assert response.status == 200
        assert response.getheader("X-Edge-Cache") == "pass"


def test_the_care_cookie_gets_its_own_copy(edge):
    article = ArticleFactory()
    path = f"/article/{article.pk}/"
    plain, body = get(edge.url, path)
    assert "care.css" not in body
    # Other cookies neither split the cache nor change the copy.
    care, care_body = get(edge.url, path, cookie="csrftoken=abc; oh_care=1; _ga=x")
    assert care.getheader("X-Edge-Cache") == "miss" and "care.css" in care_body
    care_again, again_body = get(edge.url, path, cookie="oh_care=1")
    assert care_again.getheader("X-Edge-Cache") == "hit" and "care.css" in again_body
    plain_again, plain_body = get(edge.url, path, cookie="_ga=y")
    assert plain_again.getheader("X-Edge-Cache") == "hit" and "care.css" not in plain_body


def test_the_script_cookie_gets_its_own_copy_and_joins_the_care_flag(edge):
    article = ArticleFactory(title="软件信息")
    path = f"/article/{article.pk}/"
    plain, body = get(edge.url, path)
    assert "软件信息" in body
    tw, tw_body = get(edge.url, path, cookie="_ga=x; oh_script=tw")
    assert tw.getheader("X-Edge-Cache") == "miss" and "軟體資訊" in tw_body
    hk, hk_body = get(edge.url, path, cookie="oh_script=hk")
    assert hk.getheader("X-Edge-Cache") == "miss" and "軟件信息" in hk_body
    both, both_body = get(edge.url, path, cookie="oh_script=tw; csrftoken=a; oh_care=1")
    assert both.getheader("X-Edge-Cache") == "miss"
    assert "軟體資訊" in both_body and "care.css" in both_body
    again, again_body = get(edge.url, path, cookie="oh_care=1; oh_script=tw")
    assert again.getheader("X-Edge-Cache") == "hit" and again_body == both_body
    tw_again, tw_again_body = get(edge.url, path, cookie="oh_script=tw")
    assert tw_again.getheader("X-Edge-Cache") == "hit" and tw_again_body == tw_body
    # An unknown value is 简体: the plain copy.
    bogus, bogus_body = get(edge.url, path, cookie="oh_script=zz")
    assert bogus.getheader("X-Edge-Cache") == "hit" and bogus_body == body


def test_writes_and_personal_fragments_are_not_cached(edge):
    article = ArticleFactory()
    for _ in range(2):
        response, _ = get(edge.url, "/_/me")
        assert response.getheader("X-Edge-Cache") == "pass"
        assert "no-store" in response.getheader("Cache-Control")
    parts = urlsplit(edge.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("POST", f"/_/article/{article.pk}/read", body=b"")
    response = conn.getresponse()
    response.read()
    assert response.getheader("X-Edge-Cache") == "pass"


def test_purging_is_refused_without_the_tag_header(edge):
    parts = urlsplit(edge.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("PURGE", "/")
    assert conn.getresponse().status == 400


def test_a_database_outage_serves_the_stale_copy(edge, live_server, settings):
    """Stale-if-error: with PostgreSQL unreachable the app answers 5xx, and the edge serves the
    expired copy instead. The probe stays on /healthz (liveness), so it is the 5xx restart in
    deploy/varnish/openhao.vcl that finds the stale copy, not a sick backend."""
    settings.OPENHAO_PAGE_CACHE_SECONDS = 1  # the page expires at the edge and in the app
    article = ArticleFactory(title="停机之前的标题")
    path = f"/article/{article.pk}/"
    assert get(edge.url, path)[0].getheader("X-Edge-Cache") == "miss"
    time.sleep(1.5)

    def refused(self):
        raise OperationalError("connection refused (simulated PostgreSQL outage)")

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refused):
        direct, _ = get(live_server.url, path)
        assert direct.status >= 500, "the outage must reach the app"
        for _ in range(3):
            response, body = get(edge.url, path)
            assert response.status == 200
            assert "停机之前的标题" in body
            assert response.getheader("X-Edge-Cache") == "hit"
        # A page the edge never held has no stale copy: the error is not hidden.
        never, _ = get(edge.url, "/article/987654321/")
        assert never.status >= 500

    # Back up: the page is answered again (at first the stale copy, while it is refetched).
    response, body = get(edge.url, path)
    assert response.status == 200 and "停机之前的标题" in body


def test_a_server_asking_for_activitypub_json_never_gets_the_cached_page(edge):
    """docs/federation.md, "Caching": the edge passes ActivityPub requests to the app, which
    redirects them to the /ap/ id; browsers keep getting the cached HTML."""
    article = ArticleFactory()
    path = f"/article/{article.pk}/"
    get(edge.url, path)
    cached, _ = get(edge.url, path)
    assert cached.getheader("X-Edge-Cache") == "hit"
    for accept in (
        "application/activity+json",
        'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
    ):
        server, _ = get(edge.url, path, accept=accept)
        assert server.status == 302
        assert server.getheader("Location").endswith(f"/ap/articles/{article.pk}")
        assert server.getheader("X-Edge-Cache") == "pass"
    browser, body = get(edge.url, path, accept="text/html")
    assert browser.status == 200 and browser.getheader("X-Edge-Cache") == "hit"
    assert article.title in body
