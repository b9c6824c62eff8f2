"""申请入驻: applying to become a creator and following the application."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from . import selectors, services
from .forms import ApplicationForm
from .models import CreatorApplication


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def apply(request):
    if hasattr(request.user, "creator"):
        return redirect("studio:home")
    latest = selectors.application_latest(request.user)
    if latest and latest.status == CreatorApplication.Status.PENDING:
        return redirect("creators:apply_status")
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.application_submit(user=request.user, **data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("申请已提交，我们会尽快审核。"))
                return redirect("creators:apply_status")
    else:
        initial = {}
        if latest is not None:  # re-applying after a rejection starts from the last attempt
            initial = {
                "display_name": latest.display_name,
                "motto": latest.motto,
                "channel": latest.channel_id,
                "intro": latest.intro,
                "links": latest.links,
            }
        form = ApplicationForm(initial=initial, user=request.user)
    return render(request, "creators/apply.html", {"form": form, "latest": latest})


@never_cache
@login_required
@require_safe
def apply_status(request):
    return render(
        request,
        "creators/apply_status.html",
        {
            "latest": selectors.application_latest(request.user),
            "history": selectors.application_history(request.user),
            "is_creator": hasattr(request.user, "creator"),
        },
    )
