"""举报, the operators' queue (/manage/) and the author's side (/me/moderation/)."""

from django.urls import path

from . import manage_views as views
from .models import Target

app_name = "moderation"
urlpatterns = [
    path("manage/", views.queue_page, name="queue"),
    path("manage/log/", views.log, name="log"),
    path("manage/log/<int:pk>/", views.action_detail, name="action"),
    path("manage/bulk/", views.bulk, name="bulk"),
    path("manage/appeal/<int:pk>/", views.appeal_page, name="appeal"),
    path("manage/q/<slug:slug>/", views.queue_source, name="source"),
    path("me/moderation/", views.my_actions, name="my-actions"),
    path("me/moderation/credit/", views.my_credit, name="credit"),
    path("me/moderation/<int:pk>/", views.my_action, name="my-action"),
]
for _type in (Target.ARTICLE, Target.COMMENT, Target.CREATOR):
    urlpatterns += [
        path(
            f"report/{_type}/<int:pk>/",
            views.report,
            {"target_type": _type.value},
            name=f"report-{_type}",
        ),
        path(
            f"_/report/{_type}/<int:pk>",
            views.report_state,
            {"target_type": _type.value},
            name=f"report-state-{_type}",
        ),
        path(
            f"manage/{_type}/<int:pk>/",
            views.item_page,
            {"target_type": _type.value},
            name=f"item-{_type}",
        ),
    ]
path_user = path(
    "manage/user/<int:pk>/", views.item_page, {"target_type": Target.USER.value}, name="item-user"
)
urlpatterns.append(path_user)
