"""No input answers 500.

What is fuzzed is read from the project, not listed here (fuzz.py): every URL pattern of the
URLconf, with malformed path parameters; every form on the pages those URLs serve, one field
at a time replaced by a malformed value (file fields by broken files) while the others keep
what the page filled in; and every request parameter the views read (found in the source) or
a form names, sent all at once with one malformed value, as query string or body. As an
anonymous visitor, a signed-in reader, a creator and staff (a superuser, for the admin). CSRF
is the test client's (not enforced); rate limits are raised so that they do not answer 429 in
place of the views.

Two sizes:
- ``test_no_input_answers_500`` (the normal suite): after discovering the pages and forms
  (about 300 requests), hypothesis draws OPENHAO_FUZZ_EXAMPLES (default 200) requests from
  all of the above with malformed values of its own (any text, NUL and control characters,
  numbers, repeated parameters) besides the known bad ones. Each run draws anew; a failure
  prints the request, and ``@reproduce_failure`` replays it.
- ``test_full_sweep`` (``make fuzz``, or OPENHAO_FUZZ=full): every pattern, form field and
  parameter with every value of fuzz.VALUES, as every role: about 10,000 requests (18 minutes
  on the shared 2-core machine under load).

Under PostgreSQL (``DATABASE_URL=postgres://...``) the same tests prove that no NUL or
out-of-range number reaches a query."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory, ReferenceFactory, TopicFactory
from openhao.creators.tests.factories import (
    CreatorApplicationFactory,
    CreatorFactory,
    UserFactory,
)
from openhao.engagement import services as engagement_services

from . import fuzz

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "reader", "creator", "staff")
LOGIN_PATH = "/accounts/login/"


@dataclass
class Site:
    ids: dict[str, str]
    clients: dict[str, Client]
    users: dict[str, object]
    failures: list[str] = field(default_factory=list)
    requests: int = 0

    def request(self, role, method, url, data=None, *, headers=None, what=""):
        client = self.clients[role]
        headers = headers or {}
        if method == "get":
            response = client.get(url, data or {}, headers=headers)
        else:
            response = client.post(url, data or {}, headers=headers)
        self.requests += 1
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            reason = repr(exc[1])[:300] if exc else ""
            self.failures.append(
                f"{response.status_code} {role} {method.upper()} {url[:200]!r} {what} {reason}"
            )
        if method == "post" and url.startswith("/accounts/") and role != "anonymous":
            # Signing out, or a password change, must not turn the role anonymous.
            client.force_login(self.users[role])
        return response

    def assert_no_failures(self):
        unique = list(dict.fromkeys(self.failures))
        assert not unique, f"{len(unique)} answers were 500:\n" + "\n".join(unique[:40])


@pytest.fixture
def site(settings):
    # High enough that no limit answers 429 in place of the view.
    settings.ACCOUNT_RATE_LIMITS = {
        action: ",".join(re.sub(r"^\d+", "100000", part.strip()) for part in rate.split(","))
        for action, rate in settings.ACCOUNT_RATE_LIMITS.items()
        if rate
    }
    topic = TopicFactory(name="春天/旅行")
    creator = CreatorFactory(display_name="山海旅行家", approved_article_count=99)
    creator.main_channel = ArticleFactory.build().channel
    article = ArticleFactory(creator=creator, topics=[topic, TopicFactory(name="城市跑步")])
    creator.main_channel = article.channel
    creator.save(update_fields=["main_channel"])
    ReferenceFactory(article=article)
    draft = ArticleFactory(creator=creator, channel=article.channel, status=Article.Status.DRAFT)
    pending = ArticleFactory(
        creator=creator, channel=article.channel, status=Article.Status.PENDING
    )
    reader = UserFactory(username="reader", email="reader@example.com")
    staff = UserFactory(
        username="staff", email="staff@example.com", is_staff=True, is_superuser=True
    )
    comment = engagement_services.comment_create(user=reader, article=article, body="楼主好文")
    engagement_services.comment_create(
        user=creator.user, article=article, body="谢谢", parent=comment
    )
    applicant = UserFactory(username="applicant")
    application = CreatorApplicationFactory(
        user=applicant,
        display_name="新来的号",
        motto="写点东西",
        channel=article.channel,
        intro="我想写旅行。",
    )
    ids = {
        "article": str(article.pk),
        "draft": str(draft.pk),
        "pending": str(pending.pk),
        "creator": str(creator.pk),
        "comment": str(comment.pk),
        "application": str(application.pk),
        "channel": article.channel.slug,
        "topic": topic.name,
    }
    users = {"reader": reader, "creator": creator.user, "staff": staff}
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in users.items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    cache.clear()
    return Site(ids=ids, clients=clients, users=users)


# Which stored object a path parameter names, by the route it is in.
_BY_PREFIX = [
    ("studio/analytics/articles/", "article"),
    ("studio/articles/", "draft"),
    ("review/applications/", "application"),
    ("review/articles/", "pending"),
    ("article/", "article"),
    ("_/article/", "article"),
    ("feed/hide/", "article"),
    ("creator/", "creator"),
    ("_/follow/", "creator"),
    ("feed/mute/", "creator"),
    ("comment/", "comment"),
    ("channel/", "channel"),
    ("topic/", "topic"),
]


_ADMIN_MODEL_RE = re.compile(r"admin/(?P<app>\w+)/(?P<model>\w+)/")


def valid_values(route: fuzz.Route, ids: dict[str, str]) -> dict[str, str]:
    values = {}
    for param in route.params:
        if param.choice:
            values[param.name] = param.choice
        elif route.template.startswith("admin/r/"):
            values[param.name] = (
                str(ContentType.objects.get_for_model(Article).pk)
                if param.name == "content_type_id"
                else ids["article"]
            )
        elif match := _ADMIN_MODEL_RE.match(route.template):
            model = apps.get_model(match["app"], match["model"])
            row = model.objects.order_by("pk").first()
            values[param.name] = str(row.pk) if row else "1"
        else:
            kind = next((k for prefix, k in _BY_PREFIX if route.template.startswith(prefix)), None)
            values[param.name] = ids[kind] if kind else ("1" if param.kind == "int" else "x")
    return values


def _roles_for(route: fuzz.Route) -> tuple[str, ...]:
    # The admin is Django's, for staff: other roles are sent to its sign-in page.
    return ("staff",) if route.template.startswith("admin/") else ROLES


def _sign_in_first(response) -> bool:
    return response.status_code in (301, 302) and response.url.startswith(
        (LOGIN_PATH, "/admin/login/")
    )


@dataclass
class Target:
    role: str
    url: str
    method: str  # how the view is reached: "get" or "post"


@dataclass
class Plan:
    routes: list[fuzz.Route]
    targets: list[Target]
    forms: list[tuple[str, fuzz.Form]]
    names: list[str]


def _admin_pages_to_read(route: fuzz.Route, full: bool) -> bool:
    """The whole admin in the full sweep; its add and change forms otherwise."""
    if not route.template.startswith("admin/"):
        return True
    return full or route.name.endswith(("_add", "_change"))


def discover(site: Site, *, full: bool) -> Plan:
    """Every (role, route) reached with valid parameters, and the forms on those pages."""
    targets: list[Target] = []
    forms: dict[tuple, tuple[str, fuzz.Form]] = {}
    all_routes = fuzz.routes()
    for route in all_routes:
        if not _admin_pages_to_read(route, full):
            continue
        url = route.url(valid_values(route, site.ids))
        for role in _roles_for(route):
            response = site.request(role, "get", url, what="valid")
            if response.status_code == 405:
                targets.append(Target(role, url, "post"))
            elif not _sign_in_first(response):
                targets.append(Target(role, url, "get"))
                if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                    for form in fuzz.forms_in(response.content.decode(), url):
                        forms.setdefault((role, *form.key()), (role, form))
    names = fuzz.source_parameter_names() | {
        name for _role, form in forms.values() for name in form.fields
    }
    names.discard("csrfmiddlewaretoken")
    return Plan(all_routes, targets, sorted(forms.values(), key=_late), sorted(names))


def _late(item) -> bool:
    # Actions that end what later requests need (sign-out, deletion, review decisions) last.
    _role, form = item
    return any(w in form.action for w in ("logout", "delete", "publish", "review/", "password"))


HEADERS = [{}, {"HX-Request": "true"}, {"Accept": "application/json"}]


def send_path(site, route: fuzz.Route, param: fuzz.Param, value: str, role: str):
    url = route.url({**valid_values(route, site.ids), param.name: value})
    what = f"path {param.name}={value!r:.80}"
    if site.request(role, "get", url, what=what).status_code == 405:
        site.request(role, "post", url, what=what)


def send_params(site, target: Target, names, value, headers):
    data = dict.fromkeys(names, value)
    what = f"every parameter={value!r:.80} {headers}"
    site.request(target.role, target.method, target.url, data, headers=headers, what=what)


def send_field(site, role, form: fuzz.Form, name, value, headers=None):
    data = {**fuzz.baseline(form), name: value}
    what = f"field {name}={value!r:.80}"
    site.request(role, form.method, form.action, data, headers=headers, what=what)


# --- the normal suite: discovery, then hypothesis draws -------------------------------------


def malformed() -> st.SearchStrategy:
    text = st.one_of(
        st.sampled_from(fuzz.VALUES),
        st.text(max_size=60),  # any code point but surrogates: NUL, controls, astral, RTL
        st.integers().map(str),
        st.floats().map(str),
        st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
        st.sampled_from(["1" + "0" * n for n in (18, 19, 20, 40)]),  # around bigint's edge
    )
    return st.one_of(text, st.lists(text, min_size=2, max_size=3))


def _as_text(value) -> str:
    return value if isinstance(value, str) else "/".join(value)


def test_no_input_answers_500(site):
    plan = discover(site, full=False)
    site.assert_no_failures()
    slots = (
        [("path", r, p) for r in plan.routes for p in r.params]
        + [("params", t) for t in plan.targets]
        + [("field", role, form, n) for role, form in plan.forms for n in form.fields]
        + [("file", role, form, n) for role, form in plan.forms for n in form.files]
    )
    slots = [s for s in slots if not (s[0] == "field" and s[3] == "csrfmiddlewaretoken")]
    files = list(fuzz.malformed_files())

    @hsettings(
        max_examples=int(os.environ.get("OPENHAO_FUZZ_EXAMPLES", "200")),
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(
        slot=st.sampled_from(slots),
        value=malformed(),
        headers=st.sampled_from(HEADERS),
        role=st.sampled_from(ROLES),
        upload=st.sampled_from(files),
    )
    def one_request(slot, value, headers, role, upload):
        kind = slot[0]
        if kind == "path":
            route, param = slot[1], slot[2]
            roles = _roles_for(route)
            send_path(site, route, param, _as_text(value), role if role in roles else roles[0])
        elif kind == "params":
            send_params(site, slot[1], plan.names, value, headers)
        elif kind == "field":
            send_field(site, slot[1], slot[2], slot[3], value, headers)
        else:
            filename, content = upload
            send_field(site, slot[1], slot[2], slot[3], SimpleUploadedFile(filename, content))
        site.assert_no_failures()

    discovered = site.requests
    one_request()
    print(f"fuzz: {discovered} discovery requests, {len(slots)} slots, {site.requests} requests")


# --- make fuzz: everything with every value ------------------------------------------------


@pytest.mark.skipif(
    os.environ.get("OPENHAO_FUZZ") != "full", reason="the full sweep: make fuzz (OPENHAO_FUZZ=full)"
)
def test_full_sweep(site):
    started = time.monotonic()
    plan = discover(site, full=True)
    values = [*fuzz.VALUES, fuzz.LIST_VALUE]
    for route in plan.routes:
        for param in route.params:
            bad = fuzz.INT_PATH_VALUES if param.kind == "int" else fuzz.TEXT_PATH_VALUES
            for value in bad:
                for role in _roles_for(route):
                    send_path(site, route, param, value, role)
    for target in plan.targets:
        for i, value in enumerate(values):
            send_params(site, target, plan.names, value, HEADERS[i % len(HEADERS)])
    for role, form in plan.forms:
        for name in [n for n in form.fields if n != "csrfmiddlewaretoken"]:
            for value in values:
                send_field(site, role, form, name, value)
        for name in form.files:
            for filename, content in fuzz.malformed_files():
                send_field(site, role, form, name, SimpleUploadedFile(filename, content))
    print(
        f"fuzz: {site.requests} requests, {len(plan.targets)} targets, {len(plan.forms)} forms,"
        f" {time.monotonic() - started:.0f} s"
    )
    site.assert_no_failures()
