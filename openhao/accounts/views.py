from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from . import services
from .forms import ProfileForm


@login_required
def profile_edit(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            services.profile_update(
                user=user,
                nickname=form.cleaned_data["nickname"],
                motto=form.cleaned_data["motto"],
                avatar=form.cleaned_data["avatar"],
                clear_avatar=form.cleaned_data["clear_avatar"],
            )
            messages.success(request, _("资料已保存。"))
            return redirect("accounts:profile")
        status = 400
    else:
        form = ProfileForm(initial={"nickname": user.nickname, "motto": user.motto})
        status = 200
    return TemplateResponse(
        request, "accounts/profile.html", {"form": form, "profile_user": user}, status=status
    )
