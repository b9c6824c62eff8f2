from django import template

from openhao.articles.fragments import hot_list_html, nav_html

register = template.Library()


@register.simple_tag
def channel_nav():
    """The channel navigation of every page, as cached HTML."""
    return nav_html()


@register.simple_tag
def hot_list():
    """The 热点推荐 block as cached HTML, for pages without a view of their own (404)."""
    return hot_list_html()
