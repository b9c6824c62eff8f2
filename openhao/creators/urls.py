from django.urls import path

from . import apply_views, views

app_name = "creators"
urlpatterns = [
    path("<int:pk>/", views.creator_detail, name="detail"),
    path("apply/", apply_views.apply, name="apply"),
    path("apply/status/", apply_views.apply_status, name="apply_status"),
]
