from django.urls import path

from . import views

app_name = "engagement"
urlpatterns = [
    path("creator/<int:pk>/follow/", views.follow, name="follow"),
    path("_/follow/<int:pk>", views.follow_state, name="follow-state"),
    path("me/following/", views.following, name="following"),
    path("me/notifications/", views.notifications, name="notifications"),
    path("article/<int:pk>/comments/", views.comments, name="comments"),
    path("comment/<int:pk>/vote/", views.comment_vote, name="comment-vote"),
    path("comment/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("comment/<int:pk>/pin/", views.comment_pin, name="comment-pin"),
    path("article/<int:pk>/like/", views.like, name="like"),
    path("article/<int:pk>/bookmark/", views.bookmark, name="bookmark"),
    path("me/bookmarks/", views.bookmarks, name="bookmarks"),
    path("_/article/<int:pk>/actions", views.article_actions, name="article-actions"),
    path("_/article/<int:pk>/share", views.share, name="share"),
    path("_/article/<int:pk>/read", views.read, name="read"),
]
