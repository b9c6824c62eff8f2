"""Personal access tokens: made and revoked on the profile page, shown once, stored hashed,
scoped, last use recorded (at most once a minute)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from openhao.accounts import services as account_services
from openhao.accounts.models import AccessToken

pytestmark = pytest.mark.django_db


def test_profile_page_creates_a_token_shown_once_and_stored_hashed(client, reader):
    client.force_login(reader)
    response = client.post(
        "/accounts/profile/tokens/", {"name": "我的脚本", "scopes": ["read", "write"]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    token = AccessToken.objects.get(user=reader)
    raw = page.split('class="token-value">')[1].split("<")[0]
    assert raw.startswith("oh_") and len(raw) > 40
    assert token.key_hash == account_services.token_hash(raw) and raw not in token.key_hash
    assert token.scope_set == {"read", "write"}
    assert "private" in response["Cache-Control"]
    # Shown once: the profile page lists it by name and prefix only.
    again = client.get("/accounts/profile/").content.decode()
    assert "我的脚本" in again and raw not in again and token.prefix in again


def test_htmx_answers_the_token_block_alone(client, reader):
    client.force_login(reader)
    response = client.post(
        "/accounts/profile/tokens/", {"name": "x", "scopes": ["read"]}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.startswith('<section id="api-tokens"') and "<html" not in html


def test_invalid_requests_keep_the_form(client, reader):
    client.force_login(reader)
    response = client.post("/accounts/profile/tokens/", {"name": "", "scopes": ["read"]})
    assert response.status_code == 400 and "请给令牌起个名字" in response.content.decode()
    response = client.post("/accounts/profile/tokens/", {"name": "a", "scopes": ["root"]})
    assert response.status_code == 400
    assert not AccessToken.objects.exists()


def test_revoke_is_for_the_owner_only(client, reader, make_token, django_user_model):
    make_token(reader, "read")
    token = AccessToken.objects.get()
    other = django_user_model.objects.create_user("other", password="x")
    client.force_login(other)
    client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(reader)
    client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_auth_scopes_revocation_and_last_use(client, reader, make_token):
    raw = make_token(reader, "read")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/me/feed", **auth).status_code == 200
    token = AccessToken.objects.get()
    first_use = token.last_used_at
    assert first_use is not None
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        client.get("/api/v1/me/feed", **auth)
    token.refresh_from_db()
    assert token.last_used_at == first_use  # throttled: not written again within a minute
    with time_machine.travel(timezone.now() + timedelta(seconds=90)):
        client.get("/api/v1/me/feed", **auth)
    token.refresh_from_db()
    assert token.last_used_at > first_use
    # Without the scope: 403 problem.
    response = client.put("/api/v1/creators/1/follow", **auth)
    assert response.status_code == 403 and response["Content-Type"].startswith(
        "application/problem+json"
    )
    assert "write" in response.json()["detail"]
    account_services.token_revoke(user=reader, token_id=token.pk)
    response = client.get("/api/v1/me/feed", **auth)
    assert response.status_code == 401 and response.json()["detail"] == "访问令牌无效或已撤销。"
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_malformed_or_unknown_token_is_401(client):
    for value in ("Bearer nope", "Basic abc", "Bearer oh_" + "x" * 43, "Bearer"):
        response = client.get("/api/v1/articles", HTTP_AUTHORIZATION=value)
        assert response.status_code == 401, value


def test_inactive_users_tokens_stop_working(client, reader, make_token):
    raw = make_token(reader, "read")
    reader.is_active = False
    reader.save()
    assert client.get("/api/v1/me/feed", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_erasing_the_account_deletes_its_tokens(reader, make_token):
    make_token(reader, "read")
    account_services.account_anonymise(user=reader)
    assert not AccessToken.objects.exists()


def test_too_many_tokens(reader):
    for i in range(account_services.TOKENS_PER_USER):
        account_services.token_create(user=reader, name=f"t{i}", scopes=["read"])
    with pytest.raises(Exception, match="最多"):
        account_services.token_create(user=reader, name="one more", scopes=["read"])
