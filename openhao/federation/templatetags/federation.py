"""``{% fediverse_handle creator %}``: the creator's handle for Mastodon and the rest of the
fediverse. Made from the id and a setting, so the creator page gains no query."""

from django import template

from openhao.federation import uris

register = template.Library()


@register.simple_tag
def fediverse_handle(creator) -> str:
    return uris.creator_handle(creator.pk)
