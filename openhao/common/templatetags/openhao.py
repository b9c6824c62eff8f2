from django import template
from django.utils.http import urlencode

from openhao.articles.fragments import nav_html

register = template.Library()


@register.simple_tag
def channel_nav():
    """The channel navigation of every page, as cached HTML."""
    return nav_html()


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current URL with ?page=number, keeping other query parameters."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + urlencode(sorted(query.items()))
