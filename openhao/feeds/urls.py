from django.urls import path

from . import views

app_name = "feeds"
urlpatterns = [
    path("rss.xml", views.site_rss, name="site-rss"),
    path("atom.xml", views.site_atom, name="site-atom"),
    path("channel/<slug:slug>/rss.xml", views.channel_rss, name="channel-rss"),
    path("channel/<slug:slug>/atom.xml", views.channel_atom, name="channel-atom"),
    path("creator/<int:pk>/rss.xml", views.creator_rss, name="creator-rss"),
    path("creator/<int:pk>/atom.xml", views.creator_atom, name="creator-atom"),
    # A topic name may hold "/" (as on the topic page): the path converter carries it.
    path("topic/<path:name>/rss.xml", views.topic_rss, name="topic-rss"),
    path("topic/<path:name>/atom.xml", views.topic_atom, name="topic-atom"),
]
