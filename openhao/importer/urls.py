"""Mounted by the studio under /studio/import/ (names in the studio's namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.import_page, name="import"),
    path("url/", views.import_url, name="import_url"),
    path("html/", views.import_html, name="import_html"),
    path("feeds/", views.feed_subscribe, name="feed_subscribe"),
    path("feeds/<int:pk>/poll/", views.feed_poll_now, name="feed_poll"),
    path("feeds/<int:pk>/delete/", views.feed_delete, name="feed_delete"),
]
