"""ActivityPub endpoints and the reader's 关注的联邦宇宙作者 page. Thin: parse, call, answer.

The JSON documents live under ``/ap/…`` (and ``/.well-known/…``), never at an HTML page's URL,
so neither the page cache nor the edge cache can hand one kind of answer to the other kind of
client; the HTML pages of articles and creators redirect servers here (middleware.py)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from openhao.common.views import private_response

from . import selectors, services, uris

ACTIVITY_CONTENT_TYPE = "application/activity+json; charset=utf-8"


def _json(document: dict, *, content_type: str = ACTIVITY_CONTENT_TYPE) -> HttpResponse:
    response = HttpResponse(json.dumps(document, ensure_ascii=False), content_type=content_type)
    # Other servers' browsers-side clients read these too (Mastodon's web UI does not, but
    # some do): public data, no credentials.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def webfinger(request):
    resource = request.GET.get("resource", "")
    if not resource:
        return HttpResponseBadRequest("resource missing")
    jrd = selectors.webfinger(resource)
    if jrd is None:
        return HttpResponse(status=404)
    return _json(jrd, content_type="application/jrd+json; charset=utf-8")


@require_safe
def nodeinfo_links(request):
    return JsonResponse(
        {
            "links": [
                {
                    "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                    "href": uris.absolute(reverse("federation:nodeinfo")),
                }
            ]
        }
    )


@require_safe
def nodeinfo(request):
    return JsonResponse(
        {
            "version": "2.0",
            "software": {"name": "openhao", "version": "0.1.0"},
            "protocols": ["activitypub"],
            "services": {"inbound": [], "outbound": []},
            "openRegistrations": True,
            "usage": {"users": {}},
            "metadata": {},
        }
    )


@require_safe
def instance_actor(request):
    return _json(selectors.instance_actor_document(services.instance_key()))


@require_safe
def creator_actor(request, pk):
    creator = selectors.creator_get(pk)
    return _json(selectors.creator_actor_document(creator, services.creator_key(creator)))


@require_safe
def creator_outbox(request, pk):
    creator = selectors.creator_get(pk)
    raw = request.GET.get("page")
    if raw is not None and not raw.isdigit():
        return HttpResponse(status=404)
    return _json(selectors.outbox(creator, int(raw) if raw is not None else None))


@require_safe
def creator_followers(request, pk):
    return _json(selectors.followers(selectors.creator_get(pk)))


@require_safe
def user_actor(request, pk):
    user = selectors.user_get(pk)
    return _json(selectors.user_actor_document(user, services.user_key(user)))


@require_safe
def user_outbox(request, pk):
    return _json(selectors.empty_outbox(selectors.user_get(pk)))


@require_safe
def article_object(request, pk):
    return _json(selectors.article_document(selectors.public_article_get(pk)))


def _receive(request) -> HttpResponse:
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        # An activity is JSON; a form was also already read as a form by the site's NUL check
        # (the raw body is gone), which made this a 500.
        return HttpResponse(
            "an inbox takes ActivityPub JSON", status=415, content_type="text/plain"
        )
    headers = dict(request.headers)
    if "Host" not in headers:
        headers["Host"] = request.get_host()
    try:
        services.inbox_receive(
            services.InboxRequest(
                method=request.method,
                url=request.build_absolute_uri(),
                path=request.get_full_path(),
                headers=headers,
                body=request.body,
            )
        )
    except services.InboxError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
    return HttpResponse(status=202)


@csrf_exempt  # signed by the sending server instead (signatures.py)
@require_POST
def shared_inbox(request):
    return _receive(request)


@csrf_exempt
@require_POST
def creator_inbox(request, pk):
    selectors.creator_get(pk)
    return _receive(request)


@csrf_exempt
@require_POST
def user_inbox(request, pk):
    selectors.user_get(pk)
    return _receive(request)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def following_page(request):
    """关注的联邦宇宙作者: follow ``@name@host``, the authors followed and their articles."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "follow":
            try:
                services.remote_follow(user=request.user, handle=request.POST.get("handle", ""))
                messages.success(request, "已发送关注请求。")
            except services.FederationError as exc:
                messages.error(request, exc.message)
        elif action == "unfollow" and request.POST.get("id", "").isdigit():
            services.remote_unfollow(user=request.user, following_id=int(request.POST["id"]))
            messages.success(request, "已取消关注。")
        return redirect("federation:following")
    return private_response(
        TemplateResponse(
            request,
            "federation/following.html",
            {
                "following": selectors.user_following(request.user),
                "articles": selectors.user_remote_articles(request.user),
            },
        )
    )
