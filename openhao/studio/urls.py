from django.urls import include, path

from openhao.analytics import views as analytics_views
from openhao.corrections import views as correction_views
from openhao.moderation import content_views as moderation_views

from . import views

app_name = "studio"
urlpatterns = [
    path("", views.home, name="home"),
    path("articles/new/", views.article_new, name="new"),
    path("articles/<int:pk>/", views.article_edit, name="edit"),
    path("articles/<int:pk>/preview/", views.article_preview, name="preview"),
    path("articles/<int:pk>/publish/", views.article_publish, name="publish"),
    path("articles/<int:pk>/unpublish/", views.article_unpublish, name="unpublish"),
    path("articles/<int:pk>/delete/", views.article_delete, name="delete"),
    path("trash/", views.trash, name="trash"),
    path("trash/<int:pk>/restore/", views.article_restore, name="restore"),
    path(
        "articles/<int:pk>/revision/withdraw/",
        views.revision_withdraw,
        name="withdraw_revision",
    ),
    path("articles/autosave/", views.autosave, name="autosave_new"),
    path("articles/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("images/", views.image_upload, name="upload"),
    path("import/", include("openhao.importer.urls")),
    path("comments/", moderation_views.studio_comments, name="comments"),
    path("corrections/", correction_views.studio_list, name="corrections"),
    path(
        "corrections/<int:pk>/dismiss/",
        correction_views.studio_dismiss,
        name="corrections_dismiss",
    ),
    path("analytics/", analytics_views.dashboard, name="analytics"),
    path("analytics/articles/<int:pk>/", analytics_views.article, name="analytics_article"),
]
