"""Security headers: a strict Content-Security-Policy (no inline script or style, nonces only
on private pages), a Permissions-Policy, and pages whose HTML keeps to that policy."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory

from openhao.articles.tests.factories import ArticleFactory, TopicFactory
from openhao.common.cache import EdgeCachedUserAccess, public_page
from openhao.common.csp import csp_hash, editor_style_hashes
from openhao.creators.models import Badge
from openhao.creators.tests.factories import BadgeFactory, CreatorFactory
from openhao.moderation.roles import OPERATOR, role_group

pytestmark = pytest.mark.django_db

NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = (part.strip().split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.fixture
def article():
    creator = CreatorFactory(display_name="策略作者")
    creator.badges.add(BadgeFactory(name="原创作者", color="#1f6feb"))
    return ArticleFactory(creator=creator, title="内容安全策略测试", topics=[TopicFactory()])


def test_pages_send_a_strict_policy(client, article):
    policy = directives(client.get(f"/article/{article.pk}/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    # Plus the one stylesheet the studio's editor injects, allowed by its hash.
    assert policy["style-src"] == ["'self'", *editor_style_hashes()]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]
    for values in policy.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values


def test_the_editor_stylesheet_hash_is_found_in_the_installed_editor():
    """If an upgrade of django-prose-editor moves Tiptap's stylesheet, this says so (and the
    browser tests would see the editor's style blocked)."""
    (source,) = editor_style_hashes()
    assert re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", source)
    assert csp_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"


def test_cached_page_hits_send_the_policy_too_and_no_nonce(client, article):
    miss = client.get(f"/article/{article.pk}/")
    hit = client.get(f"/article/{article.pk}/")
    assert hit["X-Page-Cache"] == "hit"
    assert hit["Content-Security-Policy"] == miss["Content-Security-Policy"]
    assert not NONCE.search(hit["Content-Security-Policy"])
    assert "nonce=" not in hit.content.decode()


def test_permissions_policy_denies_what_the_site_does_not_use(client, article):
    header = client.get("/")["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert features[feature] == "()", (feature, header)
    # 复制链接 in the share panel writes to the clipboard.
    assert features["clipboard-write"] == "(self)"


def test_a_cached_page_may_not_use_the_nonce():
    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}"></script>')

    @public_page
    def view(request):
        return HttpResponse(template.render({}, request))

    request = RequestFactory().get("/nonce-on-a-cached-page/")
    request.csp_nonce = "abc"
    with pytest.raises(EdgeCachedUserAccess):
        view(request)
    assert request.csp_nonce == "abc"  # given back after the render


def test_a_private_page_nonce_matches_its_header(client):
    creator = CreatorFactory()
    client.force_login(creator.user)
    response = client.get("/studio/articles/new/")
    assert response.status_code == 200
    nonce = NONCE.search(response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    assert f'<script type="importmap" nonce="{nonce}">' in html
    again = client.get("/studio/articles/new/")["Content-Security-Policy"]
    assert NONCE.search(again).group(1) != nonce


class InlineFinder(HTMLParser):
    """Everything in a page that a policy without 'unsafe-inline' would block, unless it
    carries the response's nonce."""

    def __init__(self, nonce: str | None):
        super().__init__()
        self.nonce = nonce
        self.found: list[str] = []
        self._in_script: tuple[str, dict] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}={attrs[name]!r}>")
        if any(v and v.strip().lower().startswith("javascript:") for v in attrs.values()):
            self.found.append(f"<{tag}> javascript: URL")
        nonced = self.nonce is not None and attrs.get("nonce") == self.nonce
        if tag == "style" and not nonced:
            self.found.append("<style> without the nonce")
        # Data blocks (json_script) are not run, so no policy applies to them.
        data_block = attrs.get("type") == "application/json"
        if tag == "script" and "src" not in attrs and not nonced and not data_block:
            self.found.append(f"inline <script {attrs}> without the nonce")


def inline_code(response) -> list[str]:
    match = NONCE.search(response.get("Content-Security-Policy", ""))
    finder = InlineFinder(match.group(1) if match else None)
    finder.feed(response.content.decode())
    return finder.found


def test_pages_hold_no_inline_script_or_style(client, article):
    from openhao.analytics.services import stats_record

    stats_record(article=article, metric="reads", amount=5)
    anonymous = [
        "/",
        f"/article/{article.pk}/",
        article.channel.get_absolute_url(),
        article.topics.first().get_absolute_url(),
        f"/creator/{article.creator_id}/",
        "/search/?q=策略",
        "/hao/",
        "/accessibility/",
        "/accounts/login/",
        "/accounts/signup/",
        "/no-such-page/",
    ]
    for url in anonymous:
        response = client.get(url)
        assert inline_code(response) == [], url
    client.cookies["oh_care"] = "1"
    assert inline_code(client.get(f"/article/{article.pk}/")) == []
    del client.cookies["oh_care"]

    user = article.creator.user
    user.is_staff = True
    user.save()
    user.groups.add(role_group(OPERATOR))  # the review pages need a role (moderation.roles)
    client.force_login(user)
    private = [
        "/accounts/profile/",
        "/me/following/",
        "/me/notifications/",
        "/studio/",
        "/studio/articles/new/",
        f"/studio/articles/{article.pk}/",
        f"/studio/articles/{article.pk}/preview/",
        "/studio/images/",
        "/studio/analytics/",
        f"/studio/analytics/articles/{article.pk}/",
        "/review/applications/",
        "/review/articles/",
        "/review/log/",
        "/manage/",
        "/manage/log/",
        f"/manage/article/{article.pk}/",
        f"/report/article/{article.pk}/",
        "/me/moderation/",
        "/me/moderation/credit/",
    ]
    for url in private:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response) == [], url


def test_no_template_has_a_style_attribute_or_inline_code():
    """The cheap guard for what no test page happens to render."""
    offenders = []
    roots = [Path(settings.BASE_DIR) / "openhao"]
    for root in roots:
        for path in root.rglob("templates/**/*.html"):
            text = path.read_text()
            for pattern in (r"\sstyle=", r"<style", r"\son[a-z]+=", r"<script(?![^>]*\bsrc=)"):
                for match in re.finditer(pattern, text):
                    line = text.count("\n", 0, match.start()) + 1
                    offenders.append(f"{path.relative_to(root)}:{line}: {match.group(0)!r}")
    assert offenders == []


def test_every_badge_colour_has_its_class_in_the_stylesheet():
    css = (Path(settings.BASE_DIR) / "openhao/common/static/css/site.css").read_text()
    for value, _label in Badge.Colour.choices:
        badge = Badge(color=value)
        rule = re.search(rf"\.{badge.css_class}\s*{{[^}}]*--badge-color:\s*([^;}}]+)", css)
        assert rule, badge.css_class
        assert rule.group(1).strip().lower() == value


def test_a_badge_shows_its_colour_through_a_class(client, article):
    html = client.get(f"/creator/{article.creator_id}/").content.decode()
    assert 'class="badge badge-blue"' in html


def test_visitor_cookie_is_secure_over_https(client):
    plain = client.get("/_/me")
    assert plain.cookies["oh_vid"]["httponly"] and not plain.cookies["oh_vid"]["secure"]
    client.cookies.clear()
    secure = client.get("/_/me", secure=True)
    assert secure.cookies["oh_vid"]["secure"]
    assert secure.cookies["oh_vid"]["samesite"] == "Lax"


def test_visitor_cookie_is_secure_behind_a_tls_proxy(client, settings):
    # Production trusts the proxy's X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/_/me", HTTP_X_FORWARDED_PROTO="https")
    assert response.cookies["oh_vid"]["secure"]


def test_an_older_free_badge_colour_shows_as_the_nearest_palette_class():
    assert Badge(color="#2060e0").css_class == "badge-blue"
    assert Badge(color="#f80").css_class == "badge-orange"
    assert Badge(color="not a colour").css_class == "badge-red"


def test_the_admin_offers_only_the_palette():
    from openhao.creators.admin import BadgeForm

    data = {"slug": "x", "name": "徽章", "symbol": "★", "description": ""}
    assert not BadgeForm(data={**data, "color": "#123456"}).is_valid()
    assert BadgeForm(data={**data, "color": Badge.Colour.GREEN}).is_valid()
