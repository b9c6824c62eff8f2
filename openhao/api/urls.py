from functools import wraps

from django.urls import URLPattern, path, re_path

from .api import api, not_found
from .problems import problem

_patterns, _app, _namespace = api.urls


def _problem_405(view):
    """ninja answers a method it has no operation for with a bare 405: make it a problem."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/problem+json"
        ):
            return problem(request, 405, headers={"Allow": response.get("Allow", "")})
        return response

    return wrapper


for pattern in _patterns:
    if isinstance(pattern, URLPattern):
        pattern.callback = _problem_405(pattern.callback)

urlpatterns = [
    path("", (_patterns, _app, _namespace)),
    re_path(r"^(?P<rest>.*)$", not_found),
]
