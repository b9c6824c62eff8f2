"""Every URL the site has answers with a Cache-Control that fits it: the cached public pages
say `public`, everything else — signed in or not, 200, redirect, 404 or 405 — says `private,
no-store`, so no browser history, back-forward cache or shared proxy keeps a personal page.
The walk covers every named route, so a new page cannot be forgotten."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from openhao.articles.tests.factories import ArticleFactory, TopicFactory
from openhao.creators.tests.factories import (
    CreatorApplicationFactory,
    CreatorFactory,
    UserFactory,
)
from openhao.engagement.models import Comment

pytestmark = pytest.mark.django_db

# Cached whole for everyone (openhao.common.cache.public_page) or public by nature.
PUBLIC = {
    "home",
    "articles:platform",
    "articles:channel",
    "articles:topic",
    "articles:detail",
    "articles:qr",
    "articles:poster",
    "articles:poster-image",
    "articles:poster-image-care",
    "articles:creator",
    "search:results",
    "ranking:feed",
    "ranking:feed-more",
    "accessibility",
    *(
        f"feeds:{kind}-{fmt}"
        for kind in ("site", "channel", "creator", "topic")
        for fmt in ("rss", "atom")
    ),
    "robots",
    "sitemap-index",
    "sitemap-articles",
    "sitemap-creators",
    "sitemap-topics",
    "sitemap-channels",
    "sitemap-news",
    "campaigns:detail",
    "corrections:log",
}


def named_routes(patterns=None, namespace=None):
    """(qualified name, pattern) of every named route outside the admin."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            inner = entry.namespace
            name = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from named_routes(entry.url_patterns, name)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry.pattern


def parameters(pattern) -> list[str]:
    # Route and regex patterns alike compile to a regex with one named group per parameter.
    return list(pattern.regex.groupindex)


@pytest.fixture
def world():
    creator = CreatorFactory()
    staff = creator.user
    staff.is_staff = True
    staff.save()
    article = ArticleFactory(creator=creator, topics=[TopicFactory(name="缓存话题")])
    reader = UserFactory()
    comment = Comment.objects.create(article=article, user=reader, body="一条跟贴")
    application = CreatorApplicationFactory(
        user=reader, display_name="申请者", motto="签名", channel=article.channel, intro="自我介绍"
    )
    return {
        "staff": staff,
        "article": article,
        "creator": creator,
        "comment": comment,
        "application": application,
    }


def url_for(name: str, pattern, world) -> str:
    pk = {
        "articles:creator": world["creator"].pk,
        "feeds:creator-rss": world["creator"].pk,
        "feeds:creator-atom": world["creator"].pk,
        "engagement:follow": world["creator"].pk,
        "engagement:follow-state": world["creator"].pk,
        "engagement:comment-vote": world["comment"].pk,
        "engagement:comment-delete": world["comment"].pk,
        "review:application": world["application"].pk,
    }.get(name, world["article"].pk)
    values = {
        "pk": pk,
        "slug": world["article"].channel.slug,
        "name": "缓存话题",
        "state": "on",
        "script": "tw",
        "article_id": world["article"].pk,
        "creator_id": world["creator"].pk,
        "key": "no-such-key",
        "uidb36": "0",
        "token": "no-such-token",
        "campaign_slug": "no-such-campaign",
    }
    params = parameters(pattern)
    missing = [p for p in params if p not in values]
    assert not missing, f"{name}: give the walk a value for {missing}"
    return reverse(name, kwargs={p: values[p] for p in params})


def check_every_route(client, world) -> list[str]:
    wrong = []
    for name, pattern in named_routes():
        url = url_for(name, pattern, world)
        response = client.get(url)
        cache_control = response.get("Cache-Control", "")
        if name in PUBLIC:
            fits = "public" in cache_control and "private" not in cache_control
        else:
            fits = "private" in cache_control and "no-store" in cache_control
        if not fits:
            wrong.append(f"{name} {url} {response.status_code}: {cache_control!r}")
    return wrong


def test_every_page_signed_in_says_how_it_may_be_cached(client, world):
    client.force_login(world["staff"])
    assert check_every_route(client, world) == []


def test_every_page_signed_out_says_how_it_may_be_cached(client, world):
    assert check_every_route(client, world) == []


def test_the_profile_page_is_private(client, world):
    client.force_login(world["staff"])
    response = client.get("/accounts/profile/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_admin_pages_are_private(client, world):
    staff = world["staff"]
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    for url in ("/admin/", "/admin/articles/article/", "/admin/login/"):
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url
