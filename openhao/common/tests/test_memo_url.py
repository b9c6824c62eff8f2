"""The ``{% url %}`` builtin that remembers reversed URLs gives what Django's tag gives."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from openhao.common.templatetags import memo_url


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_same_urls_as_reverse_and_remembered():
    memo_url._reversed.clear()
    assert render("{% url 'home' %}") == reverse("home")
    assert render("{% url 'articles:detail' 7 %}") == reverse("articles:detail", args=[7])
    assert render("{% url 'articles:detail' pk=pk %}", pk=8) == reverse(
        "articles:detail", kwargs={"pk": 8}
    )
    assert render("{% url 'care-mode' 'on' %}") == reverse("care-mode", args=["on"])
    assert len(memo_url._reversed) == 4
    assert render("{% url 'articles:detail' 7 %}") == reverse("articles:detail", args=[7])
    assert len(memo_url._reversed) == 4


def test_script_prefix_is_part_of_the_key():
    try:
        set_script_prefix("/sub/")
        assert render("{% url 'home' %}") == "/sub/"
    finally:
        set_script_prefix("/")
    assert render("{% url 'home' %}") == "/"


def test_objects_are_reversed_every_time():
    class Slug:
        def __init__(self, value):
            self.value = value

        def __str__(self):
            return self.value

        def __eq__(self, other):
            return isinstance(other, Slug)

        def __hash__(self):
            return 0

    memo_url._reversed.clear()
    assert render("{% url 'care-mode' s %}", s=Slug("on")) == reverse("care-mode", args=["on"])
    assert render("{% url 'care-mode' s %}", s=Slug("off")) == reverse("care-mode", args=["off"])
    assert memo_url._reversed == {}


def test_as_var_and_errors_behave_like_django():
    assert render("{% url 'no-such-view' as u %}[{{ u }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-view' %}")
    assert render("{% url 'home' as u %}[{{ u }}]") == f"[{reverse('home')}]"
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")


def test_autoescape_applies():
    url = render("{% url 'search:results' %}")
    assert render("{% autoescape off %}{% url 'search:results' %}{% endautoescape %}") == url


def test_a_changed_urlconf_forgets():
    assert render("{% url 'home' %}") == "/"
    with override_settings(ROOT_URLCONF="openhao.common.tests.urls_other"):
        assert render("{% url 'home' %}") == "/elsewhere/"
    assert render("{% url 'home' %}") == "/"
