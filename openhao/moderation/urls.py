"""Staff-only review pages (applications and articles), outside the Django admin."""

from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("applications/", views.review_applications, name="applications"),
    path("applications/<int:pk>/", views.review_application, name="application"),
    path("articles/", views.review_articles, name="articles"),
    path("articles/<int:pk>/", views.review_article, name="article"),
    path("log/", views.review_log, name="log"),
]
