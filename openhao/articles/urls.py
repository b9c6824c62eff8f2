from django.urls import path

from . import views

app_name = "articles"
urlpatterns = [
    path("hao/", views.platform, name="platform"),
    path("channel/<slug:slug>/", views.channel_detail, name="channel"),
    # A topic name may hold "/" (春天/旅行): the path converter carries it; reverse() encodes
    # the rest. validators.validate_topic_name refuses what a URL cannot carry.
    path("topic/<path:name>/", views.topic_detail, name="topic"),
    path("creator/<int:pk>/", views.creator_detail, name="creator"),
    path("article/<int:pk>/", views.article_detail, name="detail"),
    path("article/<int:pk>/qr.png", views.article_qr, name="qr"),
    path("article/<int:pk>/poster/", views.article_poster, name="poster"),
    path("article/<int:pk>/poster.jpg", views.article_poster_image, name="poster-image"),
    path(
        "article/<int:pk>/poster-care.jpg",
        views.article_poster_image,
        {"care": True},
        name="poster-image-care",
    ),
]
