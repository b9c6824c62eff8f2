"""IP属地: the province (or, outside China, the country) of a writer's address, as Chinese
platforms must show it on creator pages, author cards and comments.

The address is resolved through an ip2region database (the xdb format, read by the project's
official binding ``py-ip2region``) at the path in ``OPENHAO_IP2REGION_DB``; without one every
address resolves to nothing and no page shows the line (the site works as before). Only the
region is stored (``User.ip_region``, ``Comment.ip_region``), never the address.

The client address is the connection's (``REMOTE_ADDR``). ``X-Forwarded-For`` is believed only
when the connection comes from one of ``OPENHAO_TRUSTED_PROXIES`` (addresses or networks); then
the header is read from the right, skipping the trusted proxies, and the first other address is
the client's. Anyone can send the header, so without the setting it is ignored. Private,
loopback, link-local and other non-global addresses resolve to nothing: they say nothing about
where the writer is."""

from __future__ import annotations

import ipaddress
import logging
import threading
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_searchers: dict[str, object] = {}
# ip2region's region string: "国家|省份|城市|ISP|…" (xdb 3) or "国家|区域|省份|城市|ISP" (xdb 2);
# "0" marks an unknown part.
CHINA = "中国"
# Regions that China's platforms show by their own name rather than "中国".
_SPECIAL = ("香港", "澳门", "台湾")


@lru_cache(maxsize=16)
def _networks(raw: str) -> tuple:
    nets = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            nets.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            logger.warning("OPENHAO_TRUSTED_PROXIES: %r is not an address or network", part)
    return tuple(nets)


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    return any(address in net for net in _networks(settings.OPENHAO_TRUSTED_PROXIES))


def client_ip(request: HttpRequest) -> str:
    """The writer's address: the connection's, or the client named by X-Forwarded-For when the
    connection is a trusted proxy. '' when none parses."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return ""
    if not _trusted(remote):
        return str(remote)
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            return str(remote)  # a malformed chain: believe only the connection
        if not _trusted(address):
            return str(address)
    return str(remote)


def _searcher(path: str):
    found = _searchers.get(path)
    if found is None:
        with _lock:
            found = _searchers.get(path)
            if found is None:
                from ip2region import searcher, util

                # The whole file in memory (about 11 MB for the full database): lookups then
                # touch no disk and the searcher is safe to share between threads.
                content = util.load_content_from_file(path)
                version = util.version_from_header(util.Header(content[: util.HeaderInfoLength]))
                if version is None:
                    raise ValueError(f"{path}: not an ip2region database")
                found = searcher.new_with_buffer(version, content)
                _searchers[path] = found
    return found


def reset() -> None:
    """Forget the loaded databases (tests switch ``OPENHAO_IP2REGION_DB``)."""
    with _lock:
        _searchers.clear()


def region_from_record(record: str) -> str:
    """The part shown from an ip2region record: the province in China (without 省/市/自治区…),
    else the country; '' when unknown."""
    parts = [p.strip() for p in record.split("|")]
    parts = [("" if p == "0" else p) for p in parts]
    if not parts or not parts[0]:
        return ""
    country = parts[0]
    if country in _SPECIAL:
        return country
    if country != CHINA:
        return country[:20]
    # xdb 3: country|province|city|isp|code; xdb 2: country|area|province|city|isp.
    province = parts[1] if len(parts) > 1 else ""
    if len(parts) == 5 and not province and parts[2]:
        province = parts[2]
    if not province:
        return CHINA
    if province.startswith(_SPECIAL):
        return province[:2]
    for suffix in ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市"):
        if province.endswith(suffix) and len(province) > len(suffix):
            return province[: -len(suffix)]
    return province[:20]


def region_of(ip: str) -> str:
    """The region of an address, '' without a database, for non-global addresses and for what
    the database does not know."""
    path = settings.OPENHAO_IP2REGION_DB
    address = _parse(ip or "")
    if not path or address is None or not address.is_global:
        return ""
    try:
        searcher = _searcher(path)
        if searcher.get_ip_version().byte_num != len(address.packed):
            return ""  # an IPv4 database asked about IPv6, or the other way round
        return region_from_record(searcher.search(str(address)))
    except (OSError, ValueError):
        logger.exception("IP属地: the database at %s could not be read", path)
        return ""


def request_region(request: HttpRequest) -> str:
    """The region of the request's writer ('' when unknown)."""
    return region_of(client_ip(request))


def writes_content(view):
    """Mark a view whose successful POST is a content write (a comment, an article, a profile
    edit): ``IpRegionMiddleware`` then records the writer's region. Likes, votes, follows,
    bookmarks, sign-in and sign-out are not writing and leave IP属地 as it was. The mark
    survives decorators built with ``functools.wraps`` (it copies the function's ``__dict__``)."""
    view.writes_content = True
    return view
