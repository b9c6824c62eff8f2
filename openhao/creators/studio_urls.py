from django.urls import path

from openhao.analytics import views as analytics_views

from . import studio_views

app_name = "studio"
urlpatterns = [
    path("", studio_views.home, name="home"),
    path("articles/new/", studio_views.article_new, name="new"),
    path("articles/<int:pk>/", studio_views.article_edit, name="edit"),
    path("articles/<int:pk>/preview/", studio_views.article_preview, name="preview"),
    path("articles/<int:pk>/publish/", studio_views.article_publish, name="publish"),
    path("articles/<int:pk>/unpublish/", studio_views.article_unpublish, name="unpublish"),
    path("articles/<int:pk>/delete/", studio_views.article_delete, name="delete"),
    path("trash/", studio_views.trash, name="trash"),
    path("trash/<int:pk>/restore/", studio_views.article_restore, name="restore"),
    path(
        "articles/<int:pk>/revision/withdraw/",
        studio_views.revision_withdraw,
        name="withdraw_revision",
    ),
    path("articles/autosave/", studio_views.autosave, name="autosave_new"),
    path("articles/<int:pk>/autosave/", studio_views.autosave, name="autosave"),
    path("images/", studio_views.image_upload, name="upload"),
    path("analytics/", analytics_views.dashboard, name="analytics"),
    path("analytics/articles/<int:pk>/", analytics_views.article, name="analytics_article"),
]
