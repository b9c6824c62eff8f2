"""Site-wide details: the favicon, the 404 page that helps the reader on, and links in running
text that do not rely on colour alone."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from openhao.articles.tests.factories import ArticleFactory
from openhao.demo.structure import ensure_channels

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR, "openhao", "common", "static")


def test_every_page_links_the_favicon(client):
    html = client.get("/").content.decode()
    assert re.search(r'<link rel="icon" href="[^"]*img/favicon\.svg" type="image/svg\+xml">', html)
    assert re.search(r'<link rel="icon" href="[^"]*img/favicon\.ico" sizes="32x32">', html)
    svg = (STATIC / "img" / "favicon.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and 'viewBox="0 0 32 32"' in svg
    assert (STATIC / "img" / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"


def test_favicon_ico_at_the_root_redirects_to_the_static_file(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.ico")


@pytest.mark.parametrize("path", ["/no/such/page/", "/article/987654/"])
def test_404_page_offers_search_hot_list_and_channels(client, path):
    channels = ensure_channels()
    hot = ArticleFactory(title="404 页上的热点文章", channel=channels["tech"], view_count=5000)
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    main = html[html.index('<main id="main"') : html.index("</main>")]
    assert "页面不存在" in main
    assert re.search(r'<form[^>]*class="error-search"[^>]*action="/search/"', main)
    assert re.search(r'<input[^>]*name="q"', main)
    assert 'id="hot-heading"' in main and hot.title in main
    for channel in channels.values():
        assert f'href="{channel.get_absolute_url()}"' in main, channel


def test_links_inside_sentences_are_underlined():
    css = (STATIC / "css" / "site.css").read_text(encoding="utf-8")
    rule = re.search(r"main p a[^{]*\{[^}]*\}", css)
    assert rule and "text-decoration: underline" in rule.group(0)
