from django import template
from django.utils.http import urlencode
from js_asset import Media

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current URL with ?page=number, keeping other query parameters."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + urlencode(sorted(query.items()))


@register.simple_tag(takes_context=True)
def media_with_nonce(context, media):
    """A form's media with this response's CSP nonce on every tag: django-prose-editor's import
    map is an inline script. Private pages only; on a cached page the nonce refuses to render
    (openhao.common.cache)."""
    nonce = str(context["request"].csp_nonce)
    return Media.from_media(media).render(attrs={"nonce": nonce})
