from django.urls import path

from . import views

app_name = "campaigns_manage"
urlpatterns = [
    path("", views.manage_list, name="list"),
    path("new/", views.manage_new, name="new"),
    path("<int:pk>/", views.manage_detail, name="detail"),
    path("<int:pk>/edit/", views.manage_edit, name="edit"),
    path("<int:pk>/publish/", views.manage_publish, name="publish"),
    path("<int:pk>/close/", views.manage_close, name="close"),
    path("<int:pk>/settle/", views.manage_settle, name="settle"),
]
