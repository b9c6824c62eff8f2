from django.urls import path

from .metrics import metrics_view
from .views import ReadinessView

urlpatterns = [
    path("readyz", ReadinessView.as_view(), name="readyz"),
    path("metrics", metrics_view, name="metrics"),
]
