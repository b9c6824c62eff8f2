"""IP属地: resolution through a small ip2region database built here, the region only stored,
private and loopback addresses resolve to nothing, X-Forwarded-For only from trusted proxies,
nothing shown without a database, and the cached creator page and author card follow a
change."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from openhao.accounts import ipregion
from openhao.accounts.models import User
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.engagement.models import Comment

from . import xdb

# Global addresses, placed in the test database where the real one has them.
GUANGDONG = "14.215.177.38"
TOKYO = "133.11.0.5"
BEIJING = "123.125.114.144"


@pytest.fixture
def region_db(tmp_path, settings):
    path = tmp_path / "test.xdb"
    path.write_bytes(
        xdb.build(
            [
                ("0.0.0.0", "14.215.127.255", "0|0|0|0|0"),  # noqa: S104
                ("14.215.128.0", "14.216.255.255", "中国|广东省|深圳市|电信|CN"),
                ("14.217.0.0", "123.125.113.255", "0|0|0|0|0"),
                ("123.125.114.0", "123.125.115.255", "中国|北京市|北京市|联通|CN"),
                ("123.125.116.0", "133.10.255.255", "0|0|0|0|0"),
                ("133.11.0.0", "133.11.255.255", "日本|东京都|东京|0|JP"),
                ("133.12.0.0", "255.255.255.255", "0|0|0|0|0"),
            ]
        )
    )
    settings.OPENHAO_IP2REGION_DB = str(path)
    ipregion.reset()
    yield path
    ipregion.reset()


def test_the_built_database_is_read_by_the_official_binding(region_db):
    from ip2region import searcher, util

    content = util.load_content_from_file(str(region_db))
    found = searcher.new_with_buffer(util.IPv4, content).search(GUANGDONG)
    assert found == "中国|广东省|深圳市|电信|CN"


def test_province_in_china_country_elsewhere(region_db):
    assert ipregion.region_from_record("中国|广东省|深圳市|电信|CN") == "广东"
    assert ipregion.region_from_record("中国|北京市|北京市|联通|CN") == "北京"
    assert ipregion.region_from_record("中国|广西壮族自治区|南宁市|电信|CN") == "广西"
    assert ipregion.region_from_record("中国|0|香港|0|0") == "香港"  # xdb 2 layout
    assert ipregion.region_from_record("中国|香港特别行政区|0|0|HK") == "香港"
    assert ipregion.region_from_record("日本|东京都|东京|0|JP") == "日本"
    assert ipregion.region_from_record("中国|0|浙江省|杭州市|电信") == "浙江"  # xdb 2 layout
    assert ipregion.region_from_record("0|0|0|0|0") == ""


def test_lookup_through_the_database(region_db):
    assert ipregion.region_of(GUANGDONG) == "广东"
    assert ipregion.region_of(TOKYO) == "日本"
    assert ipregion.region_of(BEIJING) == "北京"


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "192.168.1.1", "172.16.0.5", "::1", "fe80::1", "x"]
)
def test_private_and_loopback_resolve_to_nothing(region_db, address):
    assert ipregion.region_of(address) == ""


def test_without_a_database_nothing_resolves(settings):
    settings.OPENHAO_IP2REGION_DB = ""
    assert ipregion.region_of(GUANGDONG) == ""


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


def test_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.OPENHAO_TRUSTED_PROXIES = ""
    assert ipregion.client_ip(_request("127.0.0.1", GUANGDONG)) == "127.0.0.1"
    assert ipregion.client_ip(_request(TOKYO, GUANGDONG)) == TOKYO


def test_forwarded_for_is_used_from_a_trusted_proxy(settings):
    settings.OPENHAO_TRUSTED_PROXIES = "127.0.0.1, 10.0.0.0/8"
    # The proxy appends what it saw; a client's own made-up entries stand to the left.
    assert ipregion.client_ip(_request("127.0.0.1", f"{TOKYO}, {GUANGDONG}")) == GUANGDONG
    # Two trusted hops: the first untrusted address from the right.
    assert ipregion.client_ip(_request("10.0.0.2", f"{GUANGDONG}, 10.0.0.9")) == GUANGDONG
    # A connection from elsewhere is not believed.
    assert ipregion.client_ip(_request(TOKYO, GUANGDONG)) == TOKYO
    assert ipregion.client_ip(_request("127.0.0.1", "garbage")) == "127.0.0.1"


@pytest.mark.django_db
def test_comment_stores_the_region_only_and_shows_it(client, settings, region_db):
    settings.OPENHAO_TRUSTED_PROXIES = "127.0.0.1"
    article = ArticleFactory()
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("engagement:comments", args=[article.pk]),
        {"body": "来自深圳的跟贴"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=GUANGDONG,
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.ip_region == "广东"
    user.refresh_from_db()
    assert user.ip_region == "广东"
    stored = [str(v) for v in User.objects.filter(pk=user.pk).values().get().values()]
    assert not any(GUANGDONG in v for v in stored)
    html = client.get(reverse("engagement:comments", args=[article.pk])).content.decode()
    assert "IP属地：广东" in html
    # Without the database the line is hidden, though the region is stored.
    settings.OPENHAO_IP2REGION_DB = ""
    html = client.get(reverse("engagement:comments", args=[article.pk])).content.decode()
    assert "IP属地" not in html


@pytest.mark.django_db
def test_untrusted_forwarded_for_stores_nothing(client, settings, region_db):
    settings.OPENHAO_TRUSTED_PROXIES = ""
    article = ArticleFactory()
    client.force_login(UserFactory())
    client.post(
        reverse("engagement:comments", args=[article.pk]),
        {"body": "代理后面的跟贴"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=GUANGDONG,
    )
    assert Comment.objects.get().ip_region == ""


@pytest.mark.django_db
def test_creator_page_and_author_card_follow_a_change(
    client, settings, region_db, django_capture_on_commit_callbacks
):
    creator = CreatorFactory()
    article = ArticleFactory(creator=creator)
    page = creator.get_absolute_url()
    assert "IP属地" not in client.get(page).content.decode()
    assert "IP属地" not in client.get(article.get_absolute_url()).content.decode()
    # A write from Tokyo (a comment: a content write).
    client.force_login(creator.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("engagement:comments", args=[article.pk]),
            {"body": "作者回复"},
            REMOTE_ADDR=TOKYO,
        )
    client.logout()
    assert "IP属地：日本" in client.get(page).content.decode()
    assert "IP属地：日本" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_only_content_writes_move_the_region(client, region_db, django_capture_on_commit_callbacks):
    """IP属地 is where the user last *wrote* from: likes, votes, follows, bookmarks, sign-out
    and other POSTs leave it; a comment, a profile edit and the studio's article saves set
    it."""
    from openhao.articles.tests.factories import ChannelFactory

    creator = CreatorFactory()
    article = ArticleFactory()
    user = creator.user
    client.force_login(user)
    theirs = Comment.objects.create(article=article, user=UserFactory(), body="别人的跟贴")
    for url in (
        reverse("engagement:like", args=[article.pk]),
        reverse("engagement:bookmark", args=[article.pk]),
        reverse("engagement:follow", args=[article.creator_id]),
        reverse("engagement:comment-vote", args=[theirs.pk]),
    ):
        response = client.post(url, {"liked": "1", "saved": "1", "follow": "1"}, REMOTE_ADDR=TOKYO)
        assert response.status_code < 400, (url, response.status_code)
    user.refresh_from_db()
    assert user.ip_region == ""

    def writes(url, data, addr):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data, REMOTE_ADDR=addr)
        assert response.status_code < 400, (url, response.status_code)
        return User.objects.get(pk=user.pk).ip_region

    assert writes(reverse("engagement:comments", args=[article.pk]), {"body": "跟贴"}, TOKYO) == (
        "日本"
    )
    assert writes(reverse("accounts:profile"), {"nickname": "新昵称"}, BEIJING) == "北京"
    channel = ChannelFactory()
    assert (
        writes(
            reverse("studio:autosave_new"),
            {"title": "草稿", "body_html": "<p>正文</p>", "channel": channel.pk},
            GUANGDONG,
        )
        == "广东"
    )
    # Signing out is a POST too, and not a write.
    client.post(reverse("accounts:logout"), REMOTE_ADDR=TOKYO)
    assert User.objects.get(pk=user.pk).ip_region == "广东"
