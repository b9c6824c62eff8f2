from django.urls import path

from . import views

app_name = "engagement"
urlpatterns = [
    path("creator/<int:pk>/follow/", views.follow, name="follow"),
    path("_/follow/<int:pk>", views.follow_state, name="follow-state"),
    path("me/following/", views.following, name="following"),
]
