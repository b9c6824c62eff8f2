"""繁简: the HTML converter, the switch, and the script as part of the page cache key."""

import pytest
from django.test import RequestFactory

from openhao.articles.tests.factories import ArticleFactory
from openhao.common.cache import page_cache_key
from openhao.common.scripts import convert_html, convert_text

HTML = (
    '<!doctype html><html lang="zh-CN"><head><style>.软件{color:red}</style>'
    '<script src="/static/软件.js">var s = "软件";</script></head>'
    '<body><a href="/search/?q=软件" id="软件" title="软件" data-x="信息">软件信息</a>'
    "<!-- 软件 --><textarea name=body>软件</textarea><p>网络&amp;鼠标</p></body></html>"
)


def test_only_text_is_converted_markup_scripts_and_styles_are_untouched():
    out = convert_html(HTML, "tw")
    assert '<html lang="zh-Hant-TW">' in out
    assert "<style>.软件{color:red}</style>" in out
    assert '<script src="/static/软件.js">var s = "软件";</script>' in out
    assert '<a href="/search/?q=软件" id="软件" title="软件" data-x="信息">' in out
    assert ">軟體資訊</a>" in out
    assert "<!-- 软件 -->" in out and "<textarea name=body>软件</textarea>" in out
    assert "<p>網路&amp;滑鼠</p>" in out


def test_variants_differ_and_simplified_is_unchanged():
    assert convert_text("软件", "tw") == "軟體"
    assert convert_text("软件", "hk") == "軟件"
    assert convert_text("软件", "hant") == "軟件"
    assert '<html lang="zh-Hant-HK">' in convert_html(HTML, "hk")
    assert convert_html(HTML, "hans") == HTML


def test_page_cache_key_includes_script_and_care():
    rf = RequestFactory()
    keys = set()
    for care in ("", "1"):
        for script in ("", "tw", "hk", "bogus"):
            request = rf.get("/article/1/")
            request.COOKIES = {"oh_care": care, "oh_script": script}
            keys.add(page_cache_key(request))
    # bogus counts as 简体: 2 care states x 3 scripts.
    assert len(keys) == 6
    assert any(k.endswith(":care1:scripttw") for k in keys)


@pytest.mark.django_db
def test_switch_sets_cookie_and_redirects_back_safely(client):
    on = client.get("/script/tw/?next=/article/1/")
    assert on.status_code == 302 and on["Location"] == "/article/1/"
    assert on.cookies["oh_script"].value == "tw"
    assert "private" in on["Cache-Control"]
    hk = client.post("/script/hk/", {"next": "/"})
    assert hk.cookies["oh_script"].value == "hk"
    evil = client.get("/script/tw/?next=https://evil.example/")
    assert evil["Location"] == "/"
    off = client.get("/script/hans/?next=/")
    assert off.cookies["oh_script"].value == ""
    assert client.get("/script/xx/").status_code == 404


@pytest.mark.django_db
def test_cached_page_differs_per_script_and_care_mode(client):
    article = ArticleFactory(title="软件信息网络")
    url = f"/article/{article.pk}/"
    pages = {}
    for care in ("", "1"):
        for script in ("hans", "tw", "hk"):
            client.cookies["oh_care"] = care
            client.cookies["oh_script"] = script
            first = client.get(url)
            assert first["X-Page-Cache"] == "miss", (care, script)
            again = client.get(url)
            assert again["X-Page-Cache"] == "hit" and again.content == first.content
            pages[care, script] = first.content.decode()
    assert len(set(pages.values())) == 6
    assert "软件信息网络" in pages["", "hans"] and 'lang="zh-CN"' in pages["", "hans"]
    assert "軟體資訊網路" in pages["", "tw"] and 'lang="zh-Hant-TW"' in pages["", "tw"]
    assert "軟件信息網絡" in pages["1", "hk"] and 'lang="zh-Hant-HK"' in pages["1", "hk"]
    assert 'class="care"' in pages["1", "tw"]
    # Links keep their URLs: only text changes.
    assert f'href="/script/hans/?next=/article/{article.pk}/"' in pages["", "tw"]
    assert '<script src="/static/js/site.js" defer></script>' in pages["", "tw"]


@pytest.mark.django_db
def test_private_fragments_are_converted(client):
    client.cookies["oh_script"] = "tw"
    html = client.get("/_/me", HTTP_HX_REQUEST="true").content.decode()
    assert "登錄" in html or "登入" in html
