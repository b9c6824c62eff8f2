from django.urls import path

from . import views

app_name = "articles"
urlpatterns = [
    path("hao/", views.platform, name="platform"),
    path("channel/<slug:slug>/", views.channel_detail, name="channel"),
    path("topic/<str:name>/", views.topic_detail, name="topic"),
    path("creator/<int:pk>/", views.creator_detail, name="creator"),
    path("article/<int:pk>/", views.article_detail, name="detail"),
    path("article/<int:pk>/qr.png", views.article_qr, name="qr"),
]
