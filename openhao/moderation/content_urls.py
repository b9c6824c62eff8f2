"""Operators' content-moderation pages under /manage/ (held comments and articles, spam
flags, 敏感词 lists)."""

from django.urls import path

from . import content_views as views

app_name = "modcontent"
urlpatterns = [
    path("comments/", views.comments, name="comments"),
    path("held-articles/", views.articles, name="articles"),
    path("spam/", views.flags, name="flags"),
    path("words/", views.word_lists, name="word_lists"),
    path("words/<int:pk>/", views.word_list, name="word_list"),
]
