"""阅读历史, under /me/history/ beside the reader's other pages (its reads live in ranking)."""

from django.urls import path

from . import views

app_name = "history"
urlpatterns = [
    path("", views.history, name="list"),
    path("clear", views.history_clear, name="clear"),
    path("pause", views.history_pause, name="pause"),
    path("<int:article_id>/remove", views.history_remove, name="remove"),
]
