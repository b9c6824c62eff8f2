from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.forms import NON_FIELD_ERRORS
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from . import services, throttle
from .forms import ProfileForm
from .ipregion import writes_content


@writes_content
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
        request, "accounts/profile.html", _profile_context(user, form=form), status=status
    )


def _profile_context(user, **extra) -> dict:
    context = {
        "profile_user": user,
        "tokens": services.tokens_of(user=user),
        "token_scopes": TOKEN_SCOPES,
    }
    context.update(extra)
    return context


# The scopes a token may have, as the form offers them (docs/api.md).
TOKEN_SCOPES = [
    ("read", _lazy("读取（read）：文章、跟贴、关注的动态")),
    ("write", _lazy("互动（write）：跟贴、回复、顶、点赞、关注")),
    ("studio", _lazy("创作（studio）：草稿、上传图片、提交发布")),
]


def _tokens_response(request, *, status=200, **extra):
    """htmx: the token block alone; without JavaScript the whole profile page (a new token
    is shown once, so this answers the POST directly instead of redirecting)."""
    user = request.user
    if request.headers.get("HX-Request"):
        context = _profile_context(user, **extra)
        return TemplateResponse(request, "accounts/tokens.html", context, status=status)
    form = ProfileForm(initial={"nickname": user.nickname, "motto": user.motto})
    context = _profile_context(user, form=form, **extra)
    return TemplateResponse(request, "accounts/profile.html", context, status=status)


@login_required
@require_POST
def token_create(request):
    try:
        _token, raw = services.token_create(
            user=request.user,
            name=request.POST.get("name", ""),
            scopes=request.POST.getlist("scopes"),
        )
    except ValidationError as exc:
        return _tokens_response(
            request,
            status=400,
            token_error=exc.messages[0],
            token_name=request.POST.get("name", ""),
        )
    return _tokens_response(request, new_token=raw)


@login_required
@require_POST
def token_revoke(request, pk):
    services.token_revoke(user=request.user, token_id=pk)
    return _tokens_response(request, token_revoked=True)


class LoginView(allauth_views.LoginView):
    """allauth's sign-in page, answering HTTP 429 (with the form and its message, which points
    to sign-in by e-mail code) when the attempt was throttled."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if any(form.has_error(NON_FIELD_ERRORS, code) for code in throttle.THROTTLED):
            response.status_code = 429
        return response


login = LoginView.as_view()
