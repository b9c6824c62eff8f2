from django.urls import path

from . import views

app_name = "federation"
urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="nodeinfo_links"),
    path("ap/nodeinfo/2.0", views.nodeinfo, name="nodeinfo"),
    path("ap/inbox", views.shared_inbox, name="shared_inbox"),
    path("ap/actor", views.instance_actor, name="instance"),
    path("ap/creators/<int:pk>", views.creator_actor, name="creator"),
    path("ap/creators/<int:pk>/inbox", views.creator_inbox, name="creator_inbox"),
    path("ap/creators/<int:pk>/outbox", views.creator_outbox, name="creator_outbox"),
    path("ap/creators/<int:pk>/followers", views.creator_followers, name="creator_followers"),
    path("ap/users/<int:pk>", views.user_actor, name="user"),
    path("ap/users/<int:pk>/inbox", views.user_inbox, name="user_inbox"),
    path("ap/users/<int:pk>/outbox", views.user_outbox, name="user_outbox"),
    path("ap/articles/<int:pk>", views.article_object, name="article"),
    path("me/fediverse/", views.following_page, name="following"),
]
