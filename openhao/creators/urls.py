from django.urls import path

from . import views

app_name = "creators"
urlpatterns = [
    path("<int:pk>/", views.creator_detail, name="detail"),
]
