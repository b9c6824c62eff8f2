"""Sitemaps and robots.txt sit at the site's root, where crawlers look; their names carry no
namespace (``reverse("sitemap-articles")``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_index, name="sitemap-index"),
    path("sitemap-articles.xml", views.sitemap_articles, name="sitemap-articles"),
    path("sitemap-creators.xml", views.sitemap_creators, name="sitemap-creators"),
    path("sitemap-topics.xml", views.sitemap_topics, name="sitemap-topics"),
    path("sitemap-channels.xml", views.sitemap_channels, name="sitemap-channels"),
    path("sitemap-news.xml", views.sitemap_news, name="sitemap-news"),
]
