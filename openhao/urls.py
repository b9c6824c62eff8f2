from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.static import serve

from openhao.articles import views as article_views
from openhao.common import views as common_views

accounts_patterns = (
    [
        path(
            "login/",
            auth_views.LoginView.as_view(template_name="accounts/login.html"),
            name="login",
        ),
        path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    ],
    "accounts",
)

urlpatterns = [
    path("", article_views.home, name="home"),
    path("", include("openhao.articles.urls")),
    path("creator/", include("openhao.creators.urls")),
    path("search/", include("openhao.search.urls")),
    path("feed/", include("openhao.ranking.urls")),
    path("accounts/", include(accounts_patterns)),
    re_path(r"^care/(?P<state>on|off)/$", common_views.care_mode, name="care-mode"),
    path("accessibility/", common_views.accessibility, name="accessibility"),
    path("_/me", common_views.personal, name="personal"),
    path("healthz", common_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG or settings.OPENHAO_SERVE_MEDIA:
    # Production serves media from object storage or the proxy; this is for `make run`.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
