from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from openhao.articles import views as article_views
from openhao.common import views as common_views

urlpatterns = [
    # First: the JSON API's requests then resolve without trying every site pattern.
    path("api/", include("openhao.api.urls")),
    path("", article_views.home, name="home"),
    path("", include("openhao.articles.urls")),
    path("", include("openhao.corrections.urls")),
    path("creator/", include("openhao.creators.urls")),
    path("studio/", include("openhao.studio.urls")),
    path("studio/", include("openhao.campaigns.urls_studio")),
    path("campaign/", include("openhao.campaigns.urls")),
    path("manage/campaigns/", include("openhao.campaigns.urls_manage")),
    path("review/", include("openhao.moderation.urls")),
    path("manage/", include("openhao.moderation.content_urls")),
    path("", include("openhao.moderation.manage_urls")),
    path("accounts/", include("openhao.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("openhao.engagement.urls")),
    path("search/", include("openhao.search.urls")),
    path("feed/", include("openhao.ranking.urls")),
    path("me/history/", include("openhao.ranking.history_urls")),
    path("me/account/", include("openhao.privacy.urls")),
    path("feeds/", include("openhao.feeds.urls")),
    path("", include("openhao.federation.urls")),
    path("", include("openhao.feeds.sitemap_urls")),
    re_path(r"^care/(?P<state>on|off)/$", common_views.care_mode, name="care-mode"),
    re_path(r"^script/(?P<script>hans|hant|tw|hk)/$", common_views.script_mode, name="script"),
    path("accessibility/", common_views.accessibility, name="accessibility"),
    path("_/me", common_views.personal, name="personal"),
    path("healthz", common_views.healthz, name="healthz"),
    path("", include("openhao.ops.urls")),
    path("favicon.ico", common_views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
]

# Rate-limited requests (allauth's and OpenHao's) are answered by this view: HTTP 429.
handler429 = "openhao.common.views.too_many_requests"

if settings.DEBUG or settings.OPENHAO_SERVE_MEDIA:
    # Production serves media from object storage or the proxy; this is for `make run`.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
