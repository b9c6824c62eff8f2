from django.conf import settings

from .cache import is_care_mode
from .scripts import SCRIPT_LABELS, get_script


def site(request):
    """Only inputs that are the same for every visitor, or part of the page-cache key."""
    return {
        "site_name": settings.OPENHAO_SITE_NAME,
        "base_url": settings.OPENHAO_BASE_URL,
        "care_mode": is_care_mode(request),
        "script": get_script(request),
        "script_choices": SCRIPT_LABELS,
    }
