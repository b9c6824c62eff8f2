from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("<slug:campaign_slug>/", views.campaign_detail, name="detail"),
]
