"""Sign-up, sign-in, sign-out, password reset and change (django-allauth) and the profile page,
through HTTP."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
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


# --- login throttling: per address and per address+account; the per-account lock is soft ----

OWNER_ADDRESS = "198.51.100.20"
STRANGER_ADDRESS = "203.0.113.66"


def _login(client, login, password, address):
    return client.post(
        reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=address
    )


def _owner(username="carol"):
    user = UserFactory(username=username, email=f"{username}@example.com")
    user.emailaddress_set.create(email=user.email, primary=True, verified=True)
    return user


def test_failed_sign_ins_from_one_address_get_429_with_a_chinese_message(client):
    _owner()
    for _ in range(5):
        assert _login(client, "carol", "wrong", STRANGER_ADDRESS).status_code == 200
    response = _login(client, "carol", "wrong", STRANGER_ADDRESS)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    # ... and while throttled, even the right password does not get in from there.
    response = _login(client, "carol", PASSWORD, STRANGER_ADDRESS)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_stranger_failing_on_an_account_does_not_lock_its_owner_out():
    owner = _owner()
    stranger = Client()
    for _ in range(12):
        _login(stranger, "carol", "wrong", STRANGER_ADDRESS)
    assert _login(stranger, "carol", "wrong", STRANGER_ADDRESS).status_code == 429
    browser = Client()
    response = _login(browser, "carol", PASSWORD, OWNER_ADDRESS)
    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(owner.pk)


def test_one_address_failing_on_many_accounts_gets_429():
    for n in range(11):
        _owner(f"reader{n}")
    stranger = Client()
    statuses = [
        _login(stranger, f"reader{n}", "wrong", STRANGER_ADDRESS).status_code for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]


def _many_addresses_fail(login="carol", addresses=30, each=2):
    for n in range(addresses):
        stranger = Client()
        for _ in range(each):
            _login(stranger, login, "wrong", f"203.0.113.{n + 1}")


def test_failures_from_many_addresses_do_not_lock_the_owner_out_of_a_browser_they_used():
    owner = _owner()
    browser = Client()
    assert _login(browser, "carol", PASSWORD, OWNER_ADDRESS).status_code == 302
    browser.post(reverse("account_logout"))
    _many_addresses_fail()
    response = _login(browser, "carol", PASSWORD, OWNER_ADDRESS)
    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(owner.pk)


def test_after_failures_from_many_addresses_a_new_browser_signs_in_by_e_mail_code():
    owner = _owner()
    _many_addresses_fail()
    browser = Client()
    response = _login(browser, "carol", PASSWORD, OWNER_ADDRESS)
    assert response.status_code == 429
    html = response.content.decode()
    assert "邮箱验证码" in html
    assert reverse("account_request_login_code") in html
    assert "_auth_user_id" not in browser.session
    # The soft way in: a code sent to the owner's mailbox.
    mail.outbox.clear()
    response = browser.post(
        reverse("account_request_login_code"),
        {"email": "carol@example.com"},
        REMOTE_ADDR=OWNER_ADDRESS,
    )
    assert response.status_code == 302
    code = re.search(r"^\s*([A-Z0-9-]{6,})\s*$", mail.outbox[0].body, re.MULTILINE).group(1)
    response = browser.post(
        reverse("account_confirm_login_code"), {"code": code}, REMOTE_ADDR=OWNER_ADDRESS
    )
    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(owner.pk)
    # That browser is now one the owner used: the password works there again.
    browser.post(reverse("account_logout"))
    assert _login(browser, "carol", PASSWORD, OWNER_ADDRESS).status_code == 302


def test_a_made_up_device_cookie_does_not_lift_the_account_pause():
    owner = _owner()
    _many_addresses_fail()
    browser = Client()
    browser.cookies["oh_device"] = f"{owner.pk}"
    assert _login(browser, "carol", PASSWORD, OWNER_ADDRESS).status_code == 429


def test_a_password_reset_lifts_the_account_pause():
    _owner()
    _many_addresses_fail()
    browser = Client()
    assert _login(browser, "carol", PASSWORD, OWNER_ADDRESS).status_code == 429
    browser.post(reverse("account_reset_password"), {"email": "carol@example.com"})
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+", mail.outbox[-1].body).group(0)
    form_url = browser.get(link.split("testserver", 1)[1]).url
    browser.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert _login(browser, "carol", NEW_PASSWORD, OWNER_ADDRESS).status_code == 302


def test_successful_sign_ins_use_no_throttling_budget():
    _owner()
    browser = Client()
    for _ in range(8):
        assert _login(browser, "carol", PASSWORD, OWNER_ADDRESS).status_code == 302
        browser.post(reverse("account_logout"))


def test_the_sign_in_page_offers_a_code_by_e_mail(client):
    html = client.get(reverse("account_login")).content.decode()
    assert reverse("account_request_login_code") in html


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
