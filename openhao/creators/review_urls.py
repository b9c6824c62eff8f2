"""Staff-only review pages (applications and articles), outside the Django admin."""

from django.urls import path

from . import review_views

app_name = "review"
urlpatterns = [
    path("applications/", review_views.review_applications, name="applications"),
    path("applications/<int:pk>/", review_views.review_application, name="application"),
    path("articles/", review_views.review_articles, name="articles"),
    path("articles/<int:pk>/", review_views.review_article, name="article"),
    path("log/", review_views.review_log, name="log"),
]
