from django.urls import path

from . import views

app_name = "corrections"
urlpatterns = [
    path("article/<int:pk>/corrections/", views.log, name="log"),
    path("article/<int:pk>/suggest/", views.suggest, name="suggest"),
]
