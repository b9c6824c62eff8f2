from django import template
from django.conf import settings

register = template.Library()


@register.filter
def shown_region(region: str) -> str:
    """A stored IP属地, or '' while the site has no ip2region database (the line is hidden)."""
    return region if region and settings.OPENHAO_IP2REGION_DB else ""
