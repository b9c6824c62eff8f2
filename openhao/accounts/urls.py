"""The ``accounts`` namespace: OpenHao's own account pages, plus the names that code written
before django-allauth uses (``accounts:login``, ``accounts:logout``) mapped to allauth's views.
allauth's own URLs (``account_login``, ``account_signup`` …) are included beside these."""

from allauth.account import views as allauth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    # Before allauth's own URLs, so that /accounts/login/ (``account_login``) is this view.
    path("login/", views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path("profile/", views.profile_edit, name="profile"),
    path("profile/tokens/", views.token_create, name="token-create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
