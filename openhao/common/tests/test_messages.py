"""Flash messages ("以 xx 成功登录。") reach the reader on the very next page, even when that
page is served from the page cache: the personal fragment, which every page loads, carries them
into the page's status region. They are list markup inside that region."""

import re

import pytest

from openhao.creators.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def reader():
    return UserFactory(username="xiaoli", nickname="小李")


def sign_in(client):
    response = client.post(
        "/accounts/login/", {"login": "xiaoli", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    return response["Location"]


def test_sign_in_message_arrives_with_the_personal_fragment_of_the_cached_next_page(client, reader):
    client.get("/")  # the home page is now in the page cache
    next_url = sign_in(client)
    page = client.get(next_url)
    assert page["X-Page-Cache"] == "hit"
    assert "成功登录" not in page.content.decode()

    fragment = client.get("/_/me", **HX).content.decode()
    flash = re.search(
        r'<div id="flash"[^>]*hx-swap-oob="innerHTML"[^>]*>(.*?)</div>', fragment, re.S
    )
    assert flash, fragment
    assert "成功登录" in flash.group(1)
    assert re.search(r'<ul class="messages">\s*<li class="flash flash-success">', flash.group(1))

    # Shown once: the next page's fragment does not repeat it.
    assert "成功登录" not in client.get("/_/me", **HX).content.decode()


def test_a_page_that_shows_its_messages_itself_leaves_none_for_the_fragment(client, reader):
    sign_in(client)
    profile = client.get("/accounts/profile/").content.decode()
    assert "成功登录" in profile
    assert "hx-swap-oob" not in client.get("/_/me", **HX).content.decode()


def test_message_list_is_a_plain_list_inside_the_status_region(client, reader):
    sign_in(client)
    html = client.get("/accounts/profile/").content.decode()
    region = re.search(
        r'<div id="flash" class="flash-region" role="status"[^>]*>(.*?)</div>', html, re.S
    )
    assert region, html
    # A role on the <ul> would take away its list semantics (axe: listitem).
    assert re.match(r'\s*<ul class="messages">\s*<li class="flash', region.group(1)), region.group(
        1
    )


def test_every_template_puts_its_messages_in_the_status_region():
    """Messages shown anywhere else in the page would sit outside the live region (and be
    shown twice once the personal fragment brings them too)."""
    from pathlib import Path

    from django.conf import settings

    include = '{% include "includes/messages.html" %}'
    in_block = "{% block messages %}" + include + "{% endblock %}"
    templates = Path(settings.BASE_DIR, "openhao", "templates")
    stray = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        # The personal fragment swaps its messages into the region (hx-swap-oob).
        if path.name != "personal.html"
        and path.read_text(encoding="utf-8").replace(in_block, "").count(include)
    ]
    assert stray == []
