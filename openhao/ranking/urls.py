from django.urls import path

from . import views

app_name = "ranking"
urlpatterns = [
    path("", views.feed, name="feed"),
    path("more", views.feed_more, name="feed-more"),
]
