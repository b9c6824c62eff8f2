"""Read and share counts resist inflation: a script from one address cannot add more than a
small, documented number (docs/engagement.md, "Inflation") however it rotates cookies and user
agents, while real readers, one per address or many behind one NAT, are still counted."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

import pytest
import redis
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import UserFactory
from openhao.engagement import counters, selectors

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
SCRIPT_ADDRESS = "203.0.113.7"
# The defaults stated in docs/engagement.md.
UNKNOWN_READS_PER_ADDRESS = 10
READS_PER_ADDRESS_ARTICLE = 30
UNKNOWN_SHARES_PER_ADDRESS = 3
SHARES_PER_ADDRESS_ARTICLE = 10


@pytest.fixture(autouse=True)
def _one_window():
    """Every call of a test falls in one budget window (they are aligned to the clock)."""
    with time_machine.travel(datetime(2026, 3, 2, 2, 0, 1, tzinfo=timezone.utc), tick=False):
        yield


def _pending(article) -> int:
    return counters.reads_pending([article.pk])[article.pk]


def _read(client, article, *, address=SCRIPT_ADDRESS, agent=BROWSER):
    return client.post(
        reverse("engagement:read", args=[article.pk]), HTTP_USER_AGENT=agent, REMOTE_ADDR=address
    )


def _share(client, article, channel="weibo", *, address=SCRIPT_ADDRESS, agent=BROWSER):
    return client.post(
        reverse("engagement:share", args=[article.pk]),
        {"channel": channel},
        HTTP_USER_AGENT=agent,
        REMOTE_ADDR=address,
    )


def _reader(address=SCRIPT_ADDRESS) -> Client:
    """A browser that loaded a page: the personal fragment gave it its visitor id."""
    browser = Client()
    browser.get(reverse("personal"), REMOTE_ADDR=address)
    assert browser.cookies["oh_vid"].value
    return browser


def test_1000_read_beacons_with_made_up_cookies_from_one_address_add_at_most_10():
    article = ArticleFactory(view_count=0)
    script = Client()
    for _ in range(1000):
        script.cookies["oh_vid"] = secrets.token_hex(16)
        assert _read(script, article).status_code == 204
    assert 1 <= _pending(article) <= UNKNOWN_READS_PER_ADDRESS


def test_1000_read_beacons_without_cookies_and_rotating_user_agents_add_at_most_10():
    article = ArticleFactory(view_count=0)
    script = Client()
    for n in range(1000):
        _read(script, article, agent=f"{BROWSER} build/{n}")
    assert 1 <= _pending(article) <= UNKNOWN_READS_PER_ADDRESS


def test_read_beacons_each_with_a_fresh_visitor_id_from_the_site_add_at_most_30():
    article = ArticleFactory(view_count=0)
    for _ in range(200):
        _read(_reader(), article)
    assert _pending(article) == READS_PER_ADDRESS_ARTICLE


def test_signed_in_readers_share_the_address_budget():
    article = ArticleFactory(view_count=0)
    for user in UserFactory.create_batch(READS_PER_ADDRESS_ARTICLE + 5):
        browser = Client()
        browser.force_login(user)
        _read(browser, article)
    assert _pending(article) == READS_PER_ADDRESS_ARTICLE


def test_readers_from_distinct_addresses_all_count():
    article = ArticleFactory(view_count=0)
    for n in range(100):
        address = f"198.51.100.{n + 1}"
        _read(_reader(address), article, address=address)
    assert _pending(article) == 100


def test_readers_without_cookies_from_distinct_addresses_all_count():
    article = ArticleFactory(view_count=0)
    for n in range(50):
        _read(Client(), article, address=f"198.51.100.{n + 1}")
    assert _pending(article) == 50


def test_a_class_behind_one_nat_is_counted_up_to_the_budget_and_rereads_cost_nothing():
    article = ArticleFactory(view_count=0)
    pupils = [_reader() for _ in range(25)]
    for _ in range(4):  # each pupil reloads the page a few times: one read each
        for pupil in pupils:
            _read(pupil, article)
    assert _pending(article) == 25
    # The reloads were not counted, so they did not use the address's budget either.
    for _ in range(10):
        _read(_reader(), article)
    assert _pending(article) == READS_PER_ADDRESS_ARTICLE


def test_the_budget_is_per_article_and_per_address():
    first, second = ArticleFactory.create_batch(2, view_count=0)
    for _ in range(READS_PER_ADDRESS_ARTICLE + 5):
        browser = _reader()
        _read(browser, first)
        _read(browser, second)
    other = _reader("192.0.2.44")
    _read(other, first, address="192.0.2.44")
    assert _pending(first) == READS_PER_ADDRESS_ARTICLE + 1
    assert _pending(second) == READS_PER_ADDRESS_ARTICLE


def test_an_address_has_an_overall_hourly_budget(settings):
    settings.OPENHAO_READ_BUDGET = "30/30m/article,6/h/ip"
    articles = ArticleFactory.create_batch(9, view_count=0)
    browser = _reader()
    for article in articles:
        _read(browser, article)
    assert sum(counters.reads_pending([a.pk for a in articles]).values()) == 6


def test_the_budget_renews_with_the_next_window():
    article = ArticleFactory(view_count=0)
    for _ in range(UNKNOWN_READS_PER_ADDRESS + 5):
        _read(Client(), article, agent=f"{BROWSER} {secrets.token_hex(4)}")
    assert _pending(article) == UNKNOWN_READS_PER_ADDRESS
    with time_machine.travel(datetime(2026, 3, 2, 2, 30, 1, tzinfo=timezone.utc), tick=False):
        for _ in range(3):
            _read(Client(), article, agent=f"{BROWSER} {secrets.token_hex(4)}")
    assert _pending(article) == UNKNOWN_READS_PER_ADDRESS + 3


def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_budget(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    article = ArticleFactory(view_count=0)
    for n in range(40):
        forwarded = f"198.51.100.{n + 1}"
        browser = Client(HTTP_X_FORWARDED_FOR=forwarded)
        browser.get(reverse("personal"), REMOTE_ADDR="127.0.0.1")
        _read(browser, article, address="127.0.0.1")
    assert _pending(article) == 40


def test_without_a_trusted_proxy_a_forwarded_for_header_changes_nothing():
    article = ArticleFactory(view_count=0)
    for n in range(40):
        script = Client(HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}")
        _read(script, article, agent=f"{BROWSER} {n}")
    assert _pending(article) == UNKNOWN_READS_PER_ADDRESS


def test_a_forged_visitor_id_is_not_a_visitor_id():
    """Ids are signed by the site: a script cannot make up as many as it likes."""
    browser = _reader()
    real = browser.cookies["oh_vid"].value
    forged = secrets.token_hex(16) + real[32:]
    browser.cookies["oh_vid"] = forged
    browser.get(reverse("personal"), REMOTE_ADDR=SCRIPT_ADDRESS)
    assert browser.cookies["oh_vid"].value not in (forged, real)  # a new, valid one


def test_budgets_hold_in_process_while_the_cache_is_unreachable(monkeypatch):
    def down(*args, **kwargs):
        raise redis.ConnectionError("Connection refused")

    article = ArticleFactory(view_count=0)
    browsers = [_reader() for _ in range(READS_PER_ADDRESS_ARTICLE + 5)]
    for name in ("add", "incr", "decr", "get", "set", "get_many"):
        monkeypatch.setattr(cache, name, down)
    for browser in browsers:
        assert _read(browser, article).status_code == 204
    assert _pending(article) == READS_PER_ADDRESS_ARTICLE


# --- shares ------------------------------------------------------------------------------------


def _shares(article) -> int:
    return Article.objects.get(pk=article.pk).share_count


def test_1000_share_beacons_with_made_up_cookies_from_one_address_add_at_most_3(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "share": "10000/m/ip"}
    article = ArticleFactory(share_count=0)
    script = Client()
    for n in range(1000):
        script.cookies["oh_vid"] = secrets.token_hex(16)
        _share(script, article, ("weibo", "qq", "copy", "wechat")[n % 4])
    assert 1 <= _shares(article) <= UNKNOWN_SHARES_PER_ADDRESS


def test_share_beacons_each_with_a_fresh_visitor_id_add_at_most_10(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "share": "10000/m/ip"}
    article = ArticleFactory(share_count=0)
    for n in range(200):
        _share(_reader(), article, ("weibo", "qq", "copy", "wechat")[n % 4])
    assert _shares(article) == SHARES_PER_ADDRESS_ARTICLE


def test_shares_from_distinct_addresses_all_count():
    article = ArticleFactory(share_count=0)
    for n in range(40):
        address = f"198.51.100.{n + 1}"
        _share(_reader(address), article, "qq", address=address)
    assert _shares(article) == 40
    assert selectors.share_breakdown(article.pk) == {"qq": 40}


def test_a_visitor_sharing_on_every_channel_counts_each_once():
    article = ArticleFactory(share_count=0)
    browser = _reader()
    for channel in ("weibo", "qq", "copy", "wechat") * 3:
        _share(browser, article, channel)
    assert _shares(article) == 4


def test_a_mistyped_budget_is_a_system_check_error(settings):
    from openhao.common.budget import check_settings

    assert check_settings() == []
    settings.OPENHAO_READ_BUDGET = "30/30m/articel"
    settings.OPENHAO_SHARE_BUDGET = "ten/h/ip"
    assert [e.msg.split(":")[0] for e in check_settings()] == [
        "OPENHAO_READ_BUDGET",
        "OPENHAO_SHARE_BUDGET",
    ]
