"""The machinery of the bad-input fuzz test (test_fuzz.py): the URL patterns the project
exposes, read from the URLconf; the forms its pages show, read from their HTML; the request
parameters its views read, found in the source; and the malformed values sent to all of them.

Nothing here is specific to one view: a new URL, form field or parameter is fuzzed without
touching this file, provided its page is reachable from the site built in test_fuzz.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RoutePattern

SOURCE = Path(__file__).resolve().parents[2]  # the openhao package

# --- malformed values -------------------------------------------------------------------------

# Each one has broken something somewhere: ids that are not ids (the ORM raises ValueError on
# "abc", PostgreSQL on numbers past bigint), NUL (PostgreSQL cannot store one), markup and quotes
# (escaping), path tricks (the topic URL), very long and non-BMP text (column limits).
VALUES: list[str] = [
    "",
    "abc",
    "-1",
    "1e5",
    "1.0",
    "0x10",
    "1'",
    "9" * 25,
    "a\x00b",
    "<script>alert(1)</script>\"'",
    "../../春天/旅行",
    "😀𠀀" * 40 + "x" * 3000,
]
# A repeated parameter (?page=1&page=abc): views read the last one.
LIST_VALUE = ["1", "abc"]
# A path parameter's bad values: the converter decides what can reach the view at all.
INT_PATH_VALUES = ["0", "9" * 25]
TEXT_PATH_VALUES = ["a\x00b", "..", "x" * 3000, "<b>'\"%</b>", "春天/旅行/"]


# --- URL patterns -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "int" (only digits reach the view) or "text"
    choice: str = ""  # the first alternative of a regex group such as (?P<state>on|off)


@dataclass(frozen=True)
class Route:
    """One URL pattern: ``template`` has ``{name}`` where each path parameter goes."""

    template: str
    params: tuple[Param, ...]
    name: str

    def url(self, values: dict[str, str]) -> str:
        return "/" + self.template.format(**{k: quote(v, safe="/") for k, v in values.items()})


_PARAM_RE = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
_GROUP_RE = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>(?:[^()]|\([^()]*\))*)\)")
_ALTERNATIVES_RE = re.compile(r"\w+(?:\|\w+)+")


def _route_parts(pattern) -> tuple[str, list[Param]]:
    """A pattern as a format template and its parameters."""
    text = str(pattern)
    params: list[Param] = []
    if isinstance(pattern, RoutePattern):

        def converted(match):
            kind = (
                "int" if isinstance(pattern.converters.get(match["name"]), IntConverter) else "text"
            )
            params.append(Param(match["name"], kind))
            return "{" + match["name"] + "}"

        return _PARAM_RE.sub(converted, text), params

    def group(match):
        body = match["body"]
        kind = "int" if body in (r"\d+", "[0-9]+") else "text"
        choice = body.split("|")[0] if _ALTERNATIVES_RE.fullmatch(body) else ""
        params.append(Param(match["name"], kind, choice))
        return "{" + match["name"] + "}"

    # A regex pattern: named groups become parameters; anchors and escapes go.
    text = _GROUP_RE.sub(group, text).lstrip("^").rstrip("$").replace("\\", "")
    return text, params


def routes() -> list[Route]:
    found = []

    def walk(patterns, prefix, prefix_params, namespace):
        for p in patterns:
            template, params = _route_parts(p.pattern)
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace]))
                walk(p.url_patterns, prefix + template, prefix_params + params, ns)
            elif isinstance(p, URLPattern):
                name = ":".join(filter(None, [namespace, p.name or ""]))
                found.append(Route(prefix + template, tuple(prefix_params + params), name))

    walk(get_resolver().url_patterns, "", [], "")
    return found


# --- parameters the views read ----------------------------------------------------------------

_READ_RE = re.compile(r"request\.(?:GET|POST)(?:\.get\(|\.getlist\(|\[)\s*[\"']([\w-]+)[\"']")


def source_parameter_names() -> set[str]:
    """Every ``request.GET``/``request.POST`` key the project's code reads."""
    names = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        names.update(_READ_RE.findall(path.read_text(encoding="utf-8")))
    return names


# --- forms in pages ---------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    multipart: bool
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> baseline values
    files: set[str] = field(default_factory=set)
    choices: dict[str, list[str]] = field(default_factory=dict)  # submit buttons, selects

    def key(self) -> tuple:
        return (self.method, urlsplit(self.action).path, tuple(sorted(self.fields)))


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(
                action=a.get("action") or a.get("hx-post") or self.page_url,
                method=(a.get("method") or ("post" if "hx-post" in a else "get")).lower(),
                multipart=a.get("enctype") == "multipart/form-data",
            )
            self.forms.append(self._form)
            return
        form, name = self._form, a.get("name")
        if form is None or not name:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.files.add(name)
            elif kind in ("checkbox", "radio"):
                form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields.setdefault(name, []).append(a.get("value", "on"))
                else:
                    form.fields.setdefault(name, [])
            elif kind not in ("submit", "button", "reset", "image"):
                form.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "button" and a.get("type", "submit") == "submit":
            form.choices.setdefault(name, []).append(a.get("value", ""))
        elif tag == "textarea":
            form.fields[name] = [""]
            self._textarea = name
        elif tag == "select":
            form.fields.setdefault(name, [])
            self._select = name
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.choices.setdefault(self._select, []).append(value)
            if "selected" in a or not form.fields[self._select]:
                form.fields[self._select] = [value]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] = [self._form.fields[self._textarea][0] + data]


def forms_in(html: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    for form in parser.forms:
        # A submit button's first value is what pressing it sends.
        for name, values in form.choices.items():
            if name not in form.fields or not form.fields[name]:
                form.fields[name] = values[:1]
    return parser.forms


def baseline(form: Form) -> dict[str, list[str]]:
    return {name: list(values) for name, values in form.fields.items()}


def malformed_files() -> Iterator[tuple[str, bytes]]:
    """File fields get these: not an image, a truncated one, an SVG, a bomb's header."""
    from .images import header_only_png, jpeg_with_metadata

    yield "x.jpg", b"not an image at all"
    yield "x.jpg", jpeg_with_metadata()[:200]
    yield "x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'
    yield "bomb.png", header_only_png(100_000, 100_000)
