"""Sign-up, sign-in, sign-out, password reset and change (django-allauth) and the profile page,
through HTTP."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from openhao.accounts.models import User
from openhao.creators.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
NEW_PASSWORD = "Xk9-春天-long"


def _image(fmt="PNG", size=(600, 400), color="red") -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def _signup(client, username="reader1", email="reader1@example.com", password=NEW_PASSWORD):
    return client.post(
        reverse("account_signup"),
        {"username": username, "email": email, "password1": password, "password2": password},
    )


def test_login_url_setting_resolves_to_allauth():
    assert reverse(settings.LOGIN_URL) == "/accounts/login/"
    assert reverse("accounts:login") == reverse("account_login")


def test_sign_up_creates_account_signs_in_and_sends_confirmation(client):
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(username="reader1")
    assert user.email == "reader1@example.com"
    assert client.session.get("_auth_user_id") == str(user.pk)
    assert len(mail.outbox) == 1  # e-mail confirmation, console backend by default


def test_sign_up_errors_are_chinese_and_keep_what_was_typed(client):
    UserFactory(username="taken")
    response = _signup(client, username="taken", email="keep@example.com")
    assert response.status_code == 200
    html = response.content.decode()
    assert "用户名" in html and "已" in html  # "该用户名已被使用" in allauth's zh_Hans
    assert 'value="keep@example.com"' in html
    assert not User.objects.filter(email="keep@example.com").exists()


def test_sign_in_and_out(client):
    user = UserFactory(username="alice")
    user.emailaddress_set.create(email="alice@example.com", primary=True, verified=True)
    page = client.get(reverse("account_login"))
    assert "登录" in page.content.decode()
    response = client.post(reverse("account_login"), {"login": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_rejected_with_a_message(client):
    UserFactory(username="bob")
    response = client.post(reverse("account_login"), {"login": "bob", "password": "nope"})
    assert response.status_code == 200
    assert "不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(
    ACCOUNT_RATE_LIMITS={**settings.ACCOUNT_RATE_LIMITS, "login_failed": "100/m/ip,3/5m/key"}
)
def test_login_throttled_after_repeated_failures(client):
    UserFactory(username="carol")
    for _ in range(3):
        client.post(reverse("account_login"), {"login": "carol", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": "carol", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in response.content.decode()


@override_settings(ACCOUNT_RATE_LIMITS={**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"})
def test_sign_up_rate_limited_per_ip_with_429(client):
    assert _signup(client, "u1", "u1@example.com").status_code == 302
    client.logout()
    assert _signup(client, "u2", "u2@example.com").status_code == 302
    client.logout()
    response = _signup(client, "u3", "u3@example.com")
    assert response.status_code == 429
    assert "过于频繁" in response.content.decode()
    assert not User.objects.filter(username="u3").exists()


def test_password_reset_by_email(client):
    user = UserFactory(username="dave", email="dave@example.com")
    user.emailaddress_set.create(email="dave@example.com", primary=True, verified=True)
    response = client.post(reverse("account_reset_password"), {"email": "dave@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    form_url = client.get(path).url  # allauth moves the key into the session first
    response = client.post(form_url, {"password1": "New-pass-2026!", "password2": "New-pass-2026!"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("New-pass-2026!")


def test_change_password(client):
    user = UserFactory(username="erin")
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Brand-new-99", "password2": "Brand-new-99"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Brand-new-99")


def test_account_pages_use_the_site_layout_and_chinese(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert 'class="site-header"' in html
    assert "注册" in html
    assert "csrfmiddlewaretoken" in html


def test_profile_requires_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_profile_edit_saves_nickname_motto_and_normalised_avatar(client):
    user = UserFactory(username="frank")
    client.force_login(user)
    upload = SimpleUploadedFile("me.jpg", _image("JPEG", (800, 500)), content_type="image/jpeg")
    response = client.post(
        reverse("accounts:profile"), {"nickname": "小弗", "motto": "读书", "avatar": upload}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.nickname, user.motto) == ("小弗", "读书")
    with user.avatar.open("rb") as f, Image.open(f) as image:
        assert image.format == "PNG"
        assert image.size == (settings.OPENHAO_AVATAR_SIZE, settings.OPENHAO_AVATAR_SIZE)


def test_profile_rejects_a_non_image_and_keeps_the_text(client):
    user = UserFactory(username="gina", nickname="旧名")
    client.force_login(user)
    fake = SimpleUploadedFile("x.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(
        reverse("accounts:profile"), {"nickname": "新名", "motto": "m", "avatar": fake}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "无法识别的图片文件" in html
    assert 'value="新名"' in html
    user.refresh_from_db()
    assert user.nickname == "旧名" and not user.avatar


@override_settings(OPENHAO_AVATAR_MAX_BYTES=1000)
def test_profile_rejects_a_too_big_avatar(client):
    user = UserFactory(username="hank")
    client.force_login(user)
    big = SimpleUploadedFile("big.bmp", _image("BMP", (200, 200)), content_type="image/bmp")
    response = client.post(reverse("accounts:profile"), {"nickname": "", "avatar": big})
    assert response.status_code == 400
    assert "不能超过" in response.content.decode()


def test_profile_rejects_an_unsupported_image_type(client):
    user = UserFactory(username="ivy")
    client.force_login(user)
    bmp = SimpleUploadedFile("a.bmp", _image("BMP", (20, 20)), content_type="image/bmp")
    response = client.post(reverse("accounts:profile"), {"nickname": "", "avatar": bmp})
    assert response.status_code == 400
    assert "只支持" in response.content.decode()


def test_personal_fragment_shows_signed_in_user_links(client):
    user = UserFactory(username="jack", nickname="杰克")
    anon = client.get(reverse("personal"), HTTP_HX_REQUEST="true").content.decode()
    assert reverse("account_login") in anon and reverse("account_signup") in anon
    client.force_login(user)
    response = client.get(reverse("personal"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "杰克" in html
    assert reverse("accounts:profile") in html
    assert reverse("account_logout") in html
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("side", [100_000, 13_000])
def test_profile_refuses_a_decompression_bomb_avatar_and_keeps_the_text(client, side):
    from openhao.common.tests.images import header_only_png

    user = UserFactory(username="bomb", nickname="旧名")
    client.force_login(user)
    bomb = SimpleUploadedFile("b.png", header_only_png(side, side), content_type="image/png")
    response = client.post(
        reverse("accounts:profile"), {"nickname": "新名", "motto": "m", "avatar": bomb}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "尺寸过大" in html and 'value="新名"' in html
    user.refresh_from_db()
    assert user.nickname == "旧名" and not user.avatar
