from django.urls import path

from . import apply_views

# The creator page itself is articles:creator (/creator/<pk>/), with the other article lists.
app_name = "creators"
urlpatterns = [
    path("apply/", apply_views.apply, name="apply"),
    path("apply/status/", apply_views.apply_status, name="apply_status"),
]
