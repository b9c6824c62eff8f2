"""A form sent with a stale or missing CSRF token (a page left open past a sign-in elsewhere, or
a token replaced by a parallel request) gets the site's own 403 page: in the site layout, in
Chinese, with a way back, and without Django's default page, whose inline style the CSP blocks."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_form_without_a_valid_token_gets_the_sites_403_page():
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        {"login": "x", "password": "y", "csrfmiddlewaretoken": "0" * 64},
        headers={"Referer": "http://testserver/accounts/login/"},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "<style" not in html
    assert 'id="main"' in html  # the site layout
    assert "页面已过期" in html
    assert 'href="/accounts/login/"' in html  # back to the form, freshly loaded
    assert "no-store" in response["Cache-Control"]


def test_an_htmx_write_without_a_token_gets_an_alert_in_the_status_region():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {}, headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response["HX-Retarget"] == "#flash"
    assert "页面已过期" in response.content.decode()


def test_a_referer_from_another_site_is_not_offered_as_the_way_back():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {}, headers={"Referer": "https://evil.example/phish"}
    )
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()
