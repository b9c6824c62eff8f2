from django.urls import path

from . import views

app_name = "ranking"
urlpatterns = [
    path("", views.feed, name="feed"),
    path("more", views.feed_more, name="feed-more"),
    path("mine", views.feed_mine, name="feed-mine"),
    path("hide/<int:article_id>", views.hide, name="feed-hide"),
    path("mute/<int:creator_id>", views.mute, name="feed-mute"),
]
