"""注销 and 个人信息副本 pages: parse, check, call a service, answer. All private."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from openhao.common import ratelimit
from openhao.common.views import private_response

from . import selectors, services
from .forms import DeletionForm


@login_required
@require_http_methods(["GET", "POST"])
def delete(request):
    """注销账号: the rules first, then the password and the two choices."""
    user = request.user
    is_creator = hasattr(user, "creator")
    status = 200
    if request.method == "POST":
        if not ratelimit.allow(request, "account_delete"):
            return ratelimit.too_many(request)
        form = DeletionForm(request.POST, is_creator=is_creator)
        if form.is_valid():
            try:
                deletion = services.deletion_request(
                    user=user,
                    password=form.cleaned_data["password"],
                    comments=form.cleaned_data["comments"],
                    articles=form.cleaned_data["articles"],
                )
            except ValidationError as exc:
                form.add_error("password" if exc.code == "password" else None, exc)
            else:
                # Signed out now: signing in again is how the request is withdrawn.
                logout(request)
                request.session["deletion_due"] = deletion.due_at.isoformat()
                return private_response(redirect("privacy:delete-requested"))
        status = 400
    else:
        form = DeletionForm(is_creator=is_creator)
    context = {
        "form": form,
        "is_creator": is_creator,
        "days": settings.OPENHAO_ACCOUNT_DELETION_DAYS,
    }
    return private_response(
        TemplateResponse(request, "privacy/delete.html", context, status=status)
    )


@require_safe
def delete_requested(request):
    due = request.session.get("deletion_due")
    context = {"due": datetime.fromisoformat(due) if due else None}
    context["days"] = settings.OPENHAO_ACCOUNT_DELETION_DAYS
    return private_response(TemplateResponse(request, "privacy/delete_requested.html", context))


@login_required
@require_http_methods(["GET", "POST"])
def export(request):
    """下载个人信息副本: ask for one; the list shows the reader's exports and their links."""
    if request.method == "POST":
        if not ratelimit.allow(request, "data_export"):
            return ratelimit.too_many(request)
        services.export_request(user=request.user)
        messages.success(request, _("已开始生成个人信息副本，完成后可在本页下载。"))
        return private_response(redirect("privacy:export"))
    context = {
        "exports": selectors.exports_of(user=request.user),
        "days": settings.OPENHAO_DATA_EXPORT_DAYS,
    }
    return private_response(TemplateResponse(request, "privacy/export.html", context))


@login_required
@require_safe
def export_download(request, token):
    """The ZIP, to its owner only, while it is valid: anyone else (or a made-up token) gets
    the same 404 as an expired one."""
    export = selectors.export_for_download(user=request.user, token=token)
    path = services.export_file_path(export) if export else None
    if path is None:
        raise Http404("no such export")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"openhao-{export.created_at:%Y%m%d}.zip",
        content_type="application/zip",
    )
    return private_response(response)
