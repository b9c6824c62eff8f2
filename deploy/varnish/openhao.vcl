# OpenHao's edge cache: Varnish 7.1 with vmod-xkey (Debian: varnish, varnish-modules).
# docs/edge-cache.md explains each rule. The app decides what is cacheable (public_page sets
# `Cache-Control: public, s-maxage=…` and the `xkey` tag header; everything else is private);
# this file only keeps signed-in visitors and writes away from the cache, keys pages on the
# care-mode cookie, purges by tag and serves stale pages while the app cannot answer.
vcl 4.1;

import std;
import xkey;

# The app server (gunicorn). Tests and benchmarks rewrite the port line.
backend app {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
    # Liveness: while it fails, pages are served from the cache up to their full grace.
    .probe = {
        .url = "/healthz";
        .interval = 2s;
        .timeout = 1s;
        .window = 5;
        .threshold = 3;
        # Healthy from the start: a restarted Varnish serves at once.
        .initial = 3;
    }
}

# Who may purge: the app servers (OPENHAO_EDGE_PURGE_URLS points here).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header missing"));
        }
        # A hard purge: the next request fetches the new page (a soft purge would serve the
        # old one once more).
        set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.x-purged));
    }
    unset req.http.x-edge-pass;
    if (req.method != "GET" && req.method != "HEAD") {
        set req.http.x-edge-pass = "1";
        return (pass);
    }
    # Signed in (Django's session cookie): every page may differ, nothing is shared.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        set req.http.x-edge-pass = "1";
        return (pass);
    }
    # A server asking for ActivityPub JSON (docs/federation.md): the app redirects it from an
    # HTML page to the /ap/ id, and a cached HTML page must never answer it.
    if (req.http.Accept ~ "application/activity\+json" ||
        req.http.Accept ~ "application/ld\+json") {
        set req.http.x-edge-pass = "1";
        return (pass);
    }
    # Personal fragments and beacons (/_/…), the studio, review, accounts, admin, 我的: private
    # by their own headers too; passing them here spares the lookup.
    if (req.url ~ "^/(_/|studio/|review/|accounts/|admin/|me/|care/|script/|ap/|\.well-known/)") {
        set req.http.x-edge-pass = "1";
        return (pass);
    }
    # The care-mode flag and the script (简体/繁體, docs/scripts.md) are the only cookies a
    # cached page depends on: keep them in a fixed form, drop the rest (analytics cookies, a
    # stale csrftoken) so they neither split the cache nor reach the app.
    set req.http.x-oh-keep = "";
    if (req.http.Cookie ~ "(^|;\s*)oh_care=1(;|$)") {
        set req.http.x-oh-keep = "oh_care=1";
    }
    if (req.http.Cookie ~ "(^|;\s*)oh_script=(hant|tw|hk)(;|$)") {
        set req.http.x-oh-script = regsub(req.http.Cookie,
            "^(.*;\s*)?oh_script=(hant|tw|hk)(;.*)?$", "\2");
        if (req.http.x-oh-keep != "") {
            set req.http.x-oh-keep = req.http.x-oh-keep + "; ";
        }
        set req.http.x-oh-keep = req.http.x-oh-keep + "oh_script=" + req.http.x-oh-script;
    } else {
        unset req.http.x-oh-script;
    }
    if (req.http.x-oh-keep != "") {
        set req.http.Cookie = req.http.x-oh-keep;
    } else {
        unset req.http.Cookie;
    }
    unset req.http.x-oh-keep;
    if (req.restarts == 0 && std.healthy(req.backend_hint)) {
        # Stale-while-revalidate: a page expired less than 10 s ago is served while one
        # request fetches the new copy in the background.
        set req.grace = 10s;
    } else {
        # Stale-if-error: the app is down (probe) or just answered 5xx (restart below):
        # anything within its full grace is better than an error page.
        set req.grace = 24h;
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    hash_data(req.http.X-Forwarded-Proto);
    if (req.http.Cookie ~ "(^|;\s*)oh_care=1(;|$)") {
        hash_data("care");
    }
    if (req.http.x-oh-script) {
        hash_data("script:" + req.http.x-oh-script);
    }
    return (lookup);
}

sub vcl_backend_response {
    if (beresp.status >= 500) {
        if (bereq.is_bgfetch) {
            # Keep serving the stale copy; the next request tries again.
            return (abandon);
        }
        # Not cached, and no hit-for-miss marker that would hide a stale copy.
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # How long an expired page may still be served if the app cannot give a new one.
    set beresp.grace = 24h;
    # Falls through to the built-in rules: Set-Cookie, private, no-store, no-cache and
    # Cache-Control without s-maxage/max-age make the response uncacheable.
}

sub vcl_backend_error {
    if (bereq.is_bgfetch) {
        return (abandon);
    }
}

sub vcl_deliver {
    # The app failed (5xx, refused, timed out) on a cacheable request: look again, this time
    # accepting a copy of any age within its grace (vcl_recv). Without one, the error stands.
    if (resp.status >= 500 && req.restarts == 0 && !req.http.x-edge-pass) {
        return (restart);
    }
    # The tags are for this cache only.
    unset resp.http.xkey;
    if (req.http.x-edge-pass || obj.uncacheable) {
        set resp.http.X-Edge-Cache = "pass";
    } elsif (obj.hits > 0) {
        set resp.http.X-Edge-Cache = "hit";
    } else {
        set resp.http.X-Edge-Cache = "miss";
    }
}
