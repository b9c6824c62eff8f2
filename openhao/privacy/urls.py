from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("delete/", views.delete, name="delete"),
    path("delete/requested/", views.delete_requested, name="delete-requested"),
    path("export/", views.export, name="export"),
    path("export/<str:token>/download", views.export_download, name="export-download"),
]
