from django import template

from openhao.articles.fragments import nav_html

register = template.Library()


@register.simple_tag
def channel_nav():
    """The channel navigation of every page, as cached HTML."""
    return nav_html()
