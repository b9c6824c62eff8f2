"""Whole-page caching: identical bytes for every anonymous visitor, proxy-friendly headers,
invalidation by tag, and care mode as the only per-visitor variation."""

from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from openhao.articles.services import article_remove
from openhao.articles.tests.factories import ArticleFactory
from openhao.common.cache import EdgeCachedUserAccess, public_page
from openhao.creators.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(title="缓存测试文章")


def test_anonymous_page_sets_no_cookie_and_does_not_vary_on_cookie(client, article):
    response = client.get(f"/article/{article.pk}/")
    assert response.status_code == 200
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert "csrfmiddlewaretoken" not in response.content.decode()
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "s-maxage=300" in cache_control
    assert response["ETag"].startswith('"')


def test_same_bytes_for_every_visitor_even_signed_in(client, article):
    anonymous = client.get(f"/article/{article.pk}/").content
    client.force_login(UserFactory(nickname="某位读者"))
    other_cookies = client.get(f"/article/{article.pk}/", HTTP_COOKIE="foo=bar").content
    assert anonymous == other_cookies
    assert "某位读者" not in other_cookies.decode()


def test_second_request_is_a_hit_and_etag_gives_304(client, article):
    first = client.get(f"/article/{article.pk}/")
    assert first["X-Page-Cache"] == "miss"
    second = client.get(f"/article/{article.pk}/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content and second["ETag"] == first["ETag"]
    not_modified = client.get(f"/article/{article.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304


def test_editing_the_article_invalidates_its_page(client, article):
    client.get(f"/article/{article.pk}/")
    article.title = "改过的标题"
    article.save()
    response = client.get(f"/article/{article.pk}/")
    assert response["X-Page-Cache"] == "miss"
    assert "改过的标题" in response.content.decode()


def test_removing_the_article_invalidates_its_page(client, article):
    client.get(f"/article/{article.pk}/")
    article_remove(article=article)
    assert client.get(f"/article/{article.pk}/").status_code == 404


def test_creator_change_invalidates_their_article_pages(client, article):
    client.get(f"/article/{article.pk}/")
    creator = article.creator
    creator.display_name = "改名后的作者"
    creator.save()
    assert "改名后的作者" in client.get(f"/article/{article.pk}/").content.decode()


def test_new_article_invalidates_channel_page(client, article):
    url = f"/channel/{article.channel.slug}/"
    client.get(url)
    ArticleFactory(channel=article.channel, title="刚发布的新文章")
    assert "刚发布的新文章" in client.get(url).content.decode()


def test_care_mode_is_a_separate_cache_entry(client, article):
    url = f"/article/{article.pk}/"
    normal = client.get(url)
    client.cookies["oh_care"] = "1"
    care = client.get(url)
    assert care["X-Page-Cache"] == "miss"
    assert 'class="care"' in care.content.decode() and "care.css" in care.content.decode()
    assert 'class="care"' not in normal.content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_care_mode_switch_is_a_post_that_sets_cookie_and_redirects_safely(client, article):
    url = f"/article/{article.pk}/"
    on = client.post(f"/care/on/?next={url}")
    assert on.status_code == 302 and on["Location"] == url
    assert on.cookies["oh_care"].value == "1"
    assert on.cookies["oh_care"]["max-age"] == 365 * 24 * 3600
    assert not on.cookies["oh_care"]["secure"]  # plain http here
    assert "private" in on["Cache-Control"] and "no-store" in on["Cache-Control"]
    assert "退出关怀版" in client.get(url).content.decode()
    off = client.post("/care/off/", {"next": url})
    assert off.cookies["oh_care"].value == ""
    assert "进入关怀版" in client.get(url).content.decode()
    evil = client.post("/care/on/", {"next": "https://evil.example/"})
    assert evil["Location"] == "/"
    assert client.post("/care/maybe/").status_code == 404


def test_care_mode_get_changes_nothing_and_offers_the_switch_as_a_form(client, article):
    """Without JavaScript the link leads here: the same switch as a form with a CSRF token."""
    url = f"/article/{article.pk}/"
    page = client.get("/care/on/", {"next": url})
    assert page.status_code == 200
    assert "oh_care" not in page.cookies
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert 'method="post"' in html and 'action="/care/on/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'name="next" value="{url}"' in html
    assert client.get("/care/off/", {"next": url}).status_code == 200


def test_care_mode_switch_needs_the_csrf_token(article):
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post("/care/on/").status_code == 403
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    ok = client.post("/care/on/", {"csrfmiddlewaretoken": _mask_cipher_secret(secret)})
    assert ok.status_code == 302 and ok.cookies["oh_care"].value == "1"


def test_care_mode_cookie_is_secure_over_https(client, article):
    response = client.post("/care/on/", secure=True)
    assert response.cookies["oh_care"]["secure"]


def test_cached_pages_link_to_the_switch_and_hold_no_form_for_it(client, article):
    html = client.get(f"/article/{article.pk}/").content.decode()
    assert f'href="/care/on/?next=/article/{article.pk}/"' in html
    assert "data-care-switch" in html
    assert "csrfmiddlewaretoken" not in html


def test_personal_fragment_is_private_and_personal(client):
    anonymous = client.get("/_/me")
    assert anonymous.json()["authenticated"] is False
    assert "no-store" in anonymous["Cache-Control"] and "private" in anonymous["Cache-Control"]
    client.force_login(UserFactory(nickname="小明"))
    fragment = client.get("/_/me", HTTP_HX_REQUEST="true").content.decode()
    assert "小明" in fragment and 'data-csrf="' in fragment


def test_cached_views_may_not_read_the_user():
    @public_page
    def leaky(request):
        return HttpResponse(request.user.username)

    request = RequestFactory().get("/leaky/")
    request.user = object()
    request.session = object()
    with pytest.raises(EdgeCachedUserAccess):
        leaky(request)


def test_a_page_its_view_marks_private_is_never_stored():
    from django.utils.cache import add_never_cache_headers

    calls = []

    @public_page
    def degraded(request):
        calls.append(1)
        response = HttpResponse("engine order")
        if len(calls) == 1:
            add_never_cache_headers(response)
        return response

    def get():
        request = RequestFactory().get("/degraded/")
        request.user, request.session = object(), object()
        return degraded(request)

    first = get()
    assert first["X-Page-Cache"] == "bypass" and "private" in first["Cache-Control"]
    assert "s-maxage" not in first["Cache-Control"]
    assert get()["X-Page-Cache"] == "miss"  # the private answer was not kept
    assert get()["X-Page-Cache"] == "hit" and len(calls) == 2


def test_a_fragment_hit_is_one_read_and_none_is_never_stored():
    from django.core.cache import cache as default_cache

    from openhao.common.cache import bump_tags, fragment

    calls = []

    def build():
        calls.append(1)
        return len(calls) if len(calls) > 1 else None

    assert fragment("t-none", ["t:1"], build) is None
    assert fragment("t-none", ["t:1"], build) == 2  # None was not kept: built again
    reads = []
    real = default_cache.get_many
    with mock.patch.object(
        default_cache, "get_many", lambda keys: reads.append(keys) or real(keys)
    ):
        assert fragment("t-none", ["t:1"], build) == 2
    assert len(reads) == 1 and len(calls) == 2  # the entry and its tag in one round trip
    bump_tags("t:1")
    assert fragment("t-none", ["t:1"], build) == 3
