from django.urls import path

from . import views

app_name = "campaigns_studio"
urlpatterns = [
    path("campaigns/", views.studio_campaigns, name="campaigns"),
    path("earnings/", views.studio_earnings, name="earnings"),
    path("index/", views.studio_index, name="index"),
]
