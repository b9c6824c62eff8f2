from django import template
from django.utils.http import urlencode

from openhao.articles.selectors import nav_channels

register = template.Library()


@register.simple_tag
def channels_for_nav():
    return nav_channels()


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current URL with ?page=number, keeping other query parameters."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + urlencode(sorted(query.items()))
