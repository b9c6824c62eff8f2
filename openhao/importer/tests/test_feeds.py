"""Feed subscriptions: upsert on GUID/link, conditional GET, every run recorded, back-off and a
notification when a feed keeps failing, auto-publish only past 先审后发."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openhao.articles.models import Article
from openhao.common import periodic
from openhao.engagement.models import Notification
from openhao.importer import services, tasks
from openhao.importer.models import FeedItem, FeedRun, FeedSubscription

pytestmark = pytest.mark.django_db

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>林晓雨的博客</title><link>https://blog.example/</link>
<description>随笔</description>
{items}
</channel></rss>"""
ITEM = """<item><title>{title}</title><link>https://blog.example/{slug}</link>{guid}
<description><![CDATA[<p>{body}</p><script>alert(1)</script>]]></description></item>"""


def rss(*items) -> bytes:
    return RSS.format(items="".join(items)).encode()


def item(slug, title="一篇文章的标题", body="这是一篇博客文章的正文内容，写得足够长。", guid=True):
    tag = f"<guid>urn:blog:{slug}</guid>" if guid else ""
    return ITEM.format(slug=slug, title=title, body=body, guid=tag)


def serve(web, body: bytes, etag: str | None = None):
    def route(handler):
        if etag and handler.headers.get("If-None-Match") == etag:
            return 304, {}, b""
        headers = {"Content-Type": "application/rss+xml; charset=utf-8"}
        if etag:
            headers["ETag"] = etag
        return 200, headers, body

    web.routes["/feed.xml"] = route


def subscribe(creator, web, **kwargs) -> FeedSubscription:
    return FeedSubscription.objects.create(creator=creator, url=web.url("/feed.xml"), **kwargs)


def poll(sub) -> FeedRun:
    run = services.feed_poll(subscription_id=sub.pk)
    sub.refresh_from_db()
    return run


def test_new_items_become_drafts_and_a_refetch_never_duplicates(web, creator):
    serve(web, rss(item("a", "第一篇博客文章"), item("b", "第二篇博客文章", guid=False)))
    sub = subscribe(creator, web)
    run = poll(sub)
    assert (run.outcome, run.items_seen, run.items_new, run.items_failed) == ("ok", 2, 2, 0)
    assert sub.title == "林晓雨的博客"
    drafts = Article.objects.filter(creator=creator).order_by("title")
    assert [a.title for a in drafts] == ["第一篇博客文章", "第二篇博客文章"]
    assert all(a.status == Article.Status.DRAFT for a in drafts)
    assert all("script" not in a.body_html for a in drafts)
    assert drafts[0].references.get().url == "https://blog.example/a"
    # Fetched again without any conditional header: the same items, nothing new.
    again = poll(sub)
    assert (again.items_seen, again.items_new, again.items_updated) == (2, 0, 0)
    assert Article.objects.filter(creator=creator).count() == 2
    assert FeedItem.objects.filter(subscription=sub).count() == 2


def test_an_edited_item_updates_its_draft(web, creator):
    serve(web, rss(item("a", "原来的标题")))
    sub = subscribe(creator, web)
    poll(sub)
    serve(web, rss(item("a", "修改后的标题", body="修改后的正文，依然足够长的一段内容。")))
    run = poll(sub)
    assert (run.items_new, run.items_updated) == (0, 1)
    article = Article.objects.get(creator=creator)
    assert article.title == "修改后的标题" and "修改后的正文" in article.body_html


def test_conditional_get_with_etag(web, creator):
    serve(web, rss(item("a")), etag='"v1"')
    sub = subscribe(creator, web)
    poll(sub)
    assert sub.etag == '"v1"'
    run = poll(sub)
    assert run.outcome == FeedRun.Outcome.NOT_MODIFIED
    assert web.requests[-1][1]["If-None-Match"] == '"v1"'


def test_conditional_get_with_last_modified(web, creator):
    stamp = "Wed, 02 Dec 2026 08:00:00 GMT"

    def route(handler):
        if handler.headers.get("If-Modified-Since") == stamp:
            return 304, {}, b""
        return 200, {"Content-Type": "application/atom+xml", "Last-Modified": stamp}, ATOM

    web.routes["/feed.xml"] = route
    sub = subscribe(creator, web)
    first = poll(sub)
    assert (first.outcome, first.items_new) == ("ok", 1)
    assert Article.objects.get(creator=creator).title == "Atom 的一篇文章"
    assert sub.last_modified == stamp
    assert poll(sub).outcome == FeedRun.Outcome.NOT_MODIFIED


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom 博客</title><id>urn:atom:blog</id>
<updated>2026-12-02T08:00:00Z</updated>
<entry><title>Atom 的一篇文章</title><id>urn:atom:1</id><link href="https://atom.example/1"/>
<updated>2026-12-02T08:00:00Z</updated>
<content type="html">&lt;p&gt;Atom 条目的正文，足够长的一段文字。&lt;/p&gt;
&lt;h2&gt;小标题&lt;/h2&gt;</content>
</entry></feed>""".encode()


def test_errors_back_off_notify_once_and_recover(web, creator, settings):
    settings.OPENHAO_FEED_POLL_MINUTES = 30
    settings.OPENHAO_FEED_NOTIFY_AFTER_FAILURES = 3
    web.routes["/feed.xml"] = (500, {"Content-Type": "text/plain"}, b"oops")
    sub = subscribe(creator, web)
    waits = []
    for _ in range(4):
        before = timezone.now()
        run = poll(sub)
        assert run.outcome == FeedRun.Outcome.ERROR
        assert run.error == "对方网站返回错误（HTTP 500）。"
        waits.append(round((sub.next_poll_at - before).total_seconds() / 60))
    assert waits == [60, 120, 240, 480]
    assert sub.failure_count == 4 and sub.last_error == "对方网站返回错误（HTTP 500）。"
    notes = Notification.objects.filter(user=creator.user, kind=Notification.Kind.FEED)
    assert [n.count for n in notes] == [3]  # once, at the third failure
    serve(web, rss(item("a")))
    ok = poll(sub)
    assert ok.outcome == FeedRun.Outcome.OK
    assert sub.failure_count == 0 and not sub.failure_notified
    assert sub.last_error  # the last error stays visible, with its time
    assert FeedRun.objects.filter(subscription=sub).count() == 5


def test_backoff_is_capped(settings):
    settings.OPENHAO_FEED_BACKOFF_MAX_HOURS = 24
    assert services.backoff(30) == timedelta(hours=24)


def test_something_that_is_not_a_feed_is_a_failed_run(web, creator):
    web.routes["/feed.xml"] = (200, {"Content-Type": "text/html"}, b"<html><body>hi</body></html>")
    run = poll(subscribe(creator, web))
    assert run.outcome == "error" and "不是有效的 RSS" in run.error


def test_a_feed_on_a_forbidden_address_fails_with_the_reason(creator):
    sub = FeedSubscription.objects.create(creator=creator, url="http://192.168.1.1/rss")
    run = poll(sub)
    assert run.outcome == "error" and "内网地址" in run.error


def test_auto_publish_only_past_prereview(web, creator, trusted_creator):
    serve(web, rss(item("a", "自动发布的文章")))
    poll(subscribe(trusted_creator, web, auto_publish=True))
    assert Article.objects.get(creator=trusted_creator).status == Article.Status.PUBLISHED
    poll(subscribe(creator, web, auto_publish=True))
    assert Article.objects.get(creator=creator).status == Article.Status.DRAFT


def test_the_scheduler_polls_due_feeds_once(web, creator):
    assert "poll_feeds" in [job.name for job in periodic.jobs()]
    serve(web, rss(item("a")))
    due = subscribe(creator, web)
    FeedSubscription.objects.create(
        creator=creator,
        url="https://later.example/rss",
        next_poll_at=timezone.now() + timedelta(hours=1),
    )
    assert tasks.feeds_poll_due.call() == 1  # the immediate backend polls it inline
    assert FeedRun.objects.filter(subscription=due).count() == 1
    assert services.feeds_claim_due() == []  # claimed / rescheduled: not due again


def test_subscribe_refuses_other_schemes_and_duplicates(creator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.feed_subscribe(creator=creator, url="ftp://blog.example/rss")
    services.feed_subscribe(creator=creator, url="https://blog.example/rss")
    with pytest.raises(ValidationError, match="已经订阅"):
        services.feed_subscribe(creator=creator, url="https://blog.example/rss")
