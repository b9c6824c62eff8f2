from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.forms import NON_FIELD_ERRORS
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from . import services, throttle
from .forms import ProfileForm


@login_required
def profile_edit(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.profile_update(
                    user=user,
                    nickname=form.cleaned_data["nickname"],
                    motto=form.cleaned_data["motto"],
                    avatar=form.cleaned_data["avatar"],
                    clear_avatar=form.cleaned_data["clear_avatar"],
                )
            except ValidationError as exc:  # accounts.hooks.write_check: a suspended account
                form.add_error(None, exc)
            else:
                messages.success(request, _("资料已保存。"))
                return redirect("accounts:profile")
        status = 400
    else:
        form = ProfileForm(initial={"nickname": user.nickname, "motto": user.motto})
        status = 200
    return TemplateResponse(
        request, "accounts/profile.html", {"form": form, "profile_user": user}, status=status
    )


class LoginView(allauth_views.LoginView):
    """allauth's sign-in page, answering HTTP 429 (with the form and its message, which points
    to sign-in by e-mail code) when the attempt was throttled."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if any(form.has_error(NON_FIELD_ERRORS, code) for code in throttle.THROTTLED):
            response.status_code = 429
        return response


login = LoginView.as_view()
