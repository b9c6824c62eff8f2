"""``{% url %}`` with the reversed URLs remembered, installed as a template builtin.

A page has about twenty ``{% url %}`` tags and ``reverse()`` costs tens of microseconds each
(about a tenth of an uncached article render, measured with bench/profile_render.py). A URL
only depends on the view name, the arguments, the current app, the language, the script
prefix and the URLconf, so the result is remembered under exactly those. Only arguments that
are strings (template literals are SafeStrings) or ints are remembered: ``reverse()`` formats
other objects with ``str()``, which may change while the object compares equal. Same syntax
and behaviour as Django's tag, ``as var`` included; the memory is bounded and cleared when the
URLconf setting changes.
"""

from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

MAX_ENTRIES = 20_000
_reversed: dict[tuple, str] = {}


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reversed.clear()


def _current_app(context) -> str | None:
    # As Django's tag: the request's current_app when set, else the resolved namespace.
    try:
        return context.request.current_app
    except AttributeError:
        try:
            return context.request.resolver_match.namespace
        except AttributeError:
            return None


def _plain(value) -> bool:
    return isinstance(value, str) or type(value) is int


class MemoURLNode(URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {name: value.resolve(context) for name, value in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        current_app = _current_app(context)
        key = None
        if all(map(_plain, args)) and all(map(_plain, kwargs.values())):
            key = (
                view_name,
                tuple(args),
                tuple(sorted(kwargs.items())),
                current_app,
                get_language(),
                get_script_prefix(),
                get_urlconf(),
            )
        url = _reversed.get(key) if key is not None else None
        if url is None:
            try:
                url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
            except NoReverseMatch:
                if self.asvar is None:
                    raise
                url = ""
            else:
                if key is not None:
                    if len(_reversed) >= MAX_ENTRIES:
                        _reversed.clear()
                    _reversed[key] = url
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return MemoURLNode(node.view_name, node.args, node.kwargs, node.asvar)
