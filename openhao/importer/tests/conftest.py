from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from openhao.articles.tests.factories import ChannelFactory
from openhao.common import fetch
from openhao.common.tests.webserver import LocalWebServer
from openhao.creators.tests.factories import CreatorFactory

FIXTURES = Path(__file__).parent / "fixtures"
SERVER_HOST = "127.0.0.2"


def news_page() -> bytes:
    return (FIXTURES / "news_page.html").read_bytes()


def png_bytes(size=(64, 48), colour=(30, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def web():
    """The local test server (127.0.0.2, opened to the fetcher for this test only) serving the
    realistic news page and its image."""
    with LocalWebServer(SERVER_HOST) as srv, fetch.allow_for_tests(f"{SERVER_HOST}/32"):
        srv.routes["/news/2026/11/28/eco.html"] = (
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            news_page(),
        )
        srv.routes["/images/river-2026.png"] = (200, {"Content-Type": "image/png"}, png_bytes())
        yield srv


@pytest.fixture
def channel(db):
    return ChannelFactory(slug="news", name="新闻")


@pytest.fixture
def creator(db, channel):
    """A new creator, still under 先审后发."""
    return CreatorFactory(display_name="新作者", main_channel=channel)


@pytest.fixture
def trusted_creator(db, channel):
    return CreatorFactory(display_name="老作者", main_channel=channel, approved_article_count=99)
