"""The one way the server downloads anything from the web (imports, feeds, their images).

A URL given by a user is a request the server makes on that user's behalf, so it must not reach
what only the server can reach (SSRF): its own loopback services, the private network, the
cloud's metadata address. The rules, in the order they apply:

- Only ``http`` and ``https``, with a host name; no user name or password in the URL.
- The host is resolved **once** (``resolve``) and **every** address it resolves to is checked
  (``refusal``): loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 with the
  metadata address, fe80::/10), multicast, reserved, unspecified, shared CGNAT space
  (100.64.0.0/10), and IPv6 forms that carry an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``,
  IPv4-compatible ``::a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``) when the address
  they carry is one of those. One bad address refuses the whole host: a name that resolves to a
  public and a private address is a classic rebinding trick.
- The connection goes to the checked address itself (urllib3 pool on the IP), so no second DNS
  lookup can answer differently. The ``Host`` header, TLS SNI and the certificate check use the
  host name, so https works as for any client.
- Redirects are followed by hand, at most ``MAX_REDIRECTS``, each target checked again by the
  same rules.
- Connect and read timeouts, and a total time budget for the body (a server dripping a byte a
  second is cut off); a size cap per kind of download, checked on ``Content-Length`` and again
  while reading the (decoded) body, so a gzip bomb stops at the cap too.
- The ``Content-Type`` must be one of the caller's accepted types.

Everything refused raises ``FetchError`` whose ``message`` is a Chinese sentence for the user.
No setting can open the private ranges: tests that serve pages from 127.0.0.1 open them for the
duration of a ``with allow_for_tests(...)`` block only.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

MAX_REDIRECTS = 5
USER_AGENT = "OpenHao-Fetcher/1.0 (+https://github.com/openhao)"

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        "text/plain",  # many blogs serve their feed as text/plain; feedparser decides
        "text/html",  # and some as text/html: feedparser refuses what is not a feed
    }
)
# What the bytes are is Pillow's decision (common.images); these only refuse what is no image.
IMAGE_TYPES = frozenset(
    {"image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/webp", "image/gif"}
)
# ActivityPub documents (actors, objects, WebFinger answers).
JSON_TYPES = frozenset(
    {"application/activity+json", "application/ld+json", "application/json", "application/jrd+json"}
)

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")

# Certificate authorities for https: None is the system's. Tests point it at their own CA.
TLS_CA_FILE: str | None = None
# Networks opened by ``allow_for_tests``; empty outside such a block.
_test_allowed: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()


class FetchError(Exception):
    """A download refused or failed; ``message`` says why, in Chinese, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BlockedAddress(FetchError):
    """The URL leads to an address the server must not connect to."""


@dataclass
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    headers: dict[str, str]
    content: bytes = b""
    content_type: str = ""
    charset: str = ""
    redirects: list[str] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        for encoding in (self.charset, "utf-8", "gb18030"):
            if not encoding:
                continue
            try:
                return self.content.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
        return self.content.decode("utf-8", errors="replace")


@contextlib.contextmanager
def allow_for_tests(*networks: str) -> Iterator[None]:
    """Tests only: let addresses in ``networks`` (e.g. "127.0.0.1/32") through, inside the block."""
    global _test_allowed
    previous = _test_allowed
    _test_allowed = previous + tuple(ipaddress.ip_network(n) for n in networks)
    try:
        yield
    finally:
        _test_allowed = previous


def _allowed_for_tests():
    """The networks a test opened: ``allow_for_tests`` blocks, and the setting that only the
    test settings define (for a server process a test started)."""
    configured = getattr(settings, "OPENHAO_FETCH_TEST_ALLOWED_NETWORKS", ())
    if not configured:
        return _test_allowed
    return _test_allowed + tuple(ipaddress.ip_network(n) for n in configured)


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (the one DNS lookup of a fetch; tests replace it)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = sockaddr[0].split("%", 1)[0]
        if address not in seen:
            seen.append(address)
    return seen


def _kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """What kind of forbidden address ``ip`` is, in words, or None when it is public."""
    if ip.version == 6:
        embedded = None
        if ip.ipv4_mapped is not None:
            embedded = ip.ipv4_mapped
        elif ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip.sixtofour is not None:
            embedded = ip.sixtofour
        if embedded is not None:
            inner = _kind(embedded)
            if inner:
                return _("内嵌了%(kind)s的 IPv6 地址") % {"kind": inner}
            return None
        if ip in _NAT64_LOCAL:
            return _("本地 NAT64 地址")
    if ip.is_unspecified:
        return _("未指定地址")
    if ip.is_loopback:
        return _("本机回环地址")
    if ip.is_link_local:
        return _("链路本地地址")
    if ip.is_multicast:
        return _("组播地址")
    if ip.version == 4 and ip in _CGNAT:
        return _("运营商级 NAT 共享地址")
    if ip.is_reserved:
        return _("保留地址")
    if ip.is_private:
        return _("内网地址")
    if not ip.is_global:
        return _("非公网地址")
    return None


def refusal(address: str) -> str | None:
    """Why the server may not connect to ``address`` (a Chinese phrase), or None."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return _("无法识别的地址")
    if any(ip in net for net in _allowed_for_tests() if net.version == ip.version):
        return None
    return _kind(ip)


def _checked_addresses(host: str, port: int) -> list[str]:
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
        addresses = [str(literal)]
    except ValueError:
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError):
            raise FetchError(_("无法解析域名 %(host)s，请检查网址。") % {"host": host}) from None
    if not addresses:
        raise FetchError(_("无法解析域名 %(host)s，请检查网址。") % {"host": host})
    for address in addresses:
        kind = refusal(address)
        if kind:
            raise BlockedAddress(
                _("出于安全原因不能抓取这个网址：%(host)s 指向%(kind)s（%(address)s）。")
                % {"host": host, "kind": kind, "address": address}
            )
    return addresses


def _split(url: str):
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FetchError(_("网址格式不正确。")) from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(_("只能抓取 http 或 https 网址。"))
    if not parts.hostname:
        raise FetchError(_("网址缺少域名。"))
    if parts.username or parts.password:
        raise FetchError(_("网址中不能包含用户名或密码。"))
    return parts, port or (443 if parts.scheme == "https" else 80)


def _ascii_host(host: str) -> str:
    """The host as it goes on the wire (IDNA for a Chinese domain name)."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError(_("网址中的域名无效。")) from None


def _human_mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def fetch(
    url: str,
    *,
    accept: Iterable[str],
    max_bytes: int,
    headers: dict[str, str] | None = None,
) -> FetchResult:
    """GET ``url`` under the rules above; the body is at most ``max_bytes``. A 304 answer (to
    the caller's conditional ``headers``) comes back with no body; any other status but 2xx is a
    FetchError."""
    accept = frozenset(accept)
    redirects: list[str] = []
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        response, pool = _request(current, headers or {})
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(_("对方网站返回了没有目标的跳转。"))
                current = urljoin(current, location)
                redirects.append(current)
                continue
            return _result(current, response, accept, max_bytes, redirects)
        finally:
            response.release_conn()
            pool.close()
    raise FetchError(_("跳转次数过多（超过 %(n)d 次）。") % {"n": MAX_REDIRECTS})


def post(
    url: str,
    *,
    body: bytes,
    headers: dict[str, str] | None = None,
    max_bytes: int = 64 * 1024,
) -> FetchResult:
    """POST ``body`` to ``url`` under the address rules above. Any 2xx is a success (its body,
    capped at ``max_bytes``, is read whatever its type); a redirect or any other status is a
    FetchError whose ``status`` attribute holds the HTTP status."""
    response, pool = _request(url, headers or {}, method="POST", body=body)
    try:
        if not 200 <= response.status < 300:
            error = FetchError(
                _("对方网站返回错误（HTTP %(status)d）。") % {"status": response.status}
            )
            error.status = response.status
            raise error
        return _result(url, response, None, max_bytes, [])
    finally:
        response.release_conn()
        pool.close()


def request_target(url: str) -> tuple[str, str]:
    """(Host header, path with query) of ``url`` exactly as ``_request`` sends them, so a
    signature over them matches what the server receives."""
    parts, port = _split(url)
    host = _ascii_host(parts.hostname)
    default_port = 443 if parts.scheme == "https" else 80
    host_header = host if ":" not in host else f"[{host}]"
    if port != default_port:
        host_header = f"{host_header}:{port}"
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return host_header, path


def _request(url: str, headers: dict[str, str], method: str = "GET", body: bytes | None = None):
    """(response, pool) of one request to the checked address of ``url``'s host."""
    parts, port = _split(url)
    host = _ascii_host(parts.hostname)
    addresses = _checked_addresses(host, port)
    host_header, path = request_target(url)
    timeout = urllib3.Timeout(
        connect=settings.OPENHAO_FETCH_CONNECT_TIMEOUT, read=settings.OPENHAO_FETCH_READ_TIMEOUT
    )
    request_headers = {
        "User-Agent": USER_AGENT,
        "Accept": "*/*",
        **headers,
        "Host": host_header,
    }
    last_error: Exception | None = None
    for address in addresses:
        if parts.scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                address,
                port,
                timeout=timeout,
                retries=False,
                maxsize=1,
                cert_reqs="CERT_REQUIRED",
                ca_certs=TLS_CA_FILE,
                server_hostname=host,
                assert_hostname=host,
            )
        else:
            pool = urllib3.HTTPConnectionPool(
                address, port, timeout=timeout, retries=False, maxsize=1
            )
        try:
            response = pool.urlopen(
                method,
                path,
                body=body,
                headers=request_headers,
                redirect=False,
                preload_content=False,
                decode_content=True,
                assert_same_host=False,
            )
            return response, pool
        except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError) as e:
            # (NewConnectionError is a ConnectTimeoutError in urllib3: refused is told apart.)
            pool.close()
            last_error = e
        except urllib3.exceptions.HTTPError as exc:
            pool.close()
            if isinstance(exc, urllib3.exceptions.SSLError):
                raise FetchError(_("对方网站的 HTTPS 证书无效。")) from None
            if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
                raise FetchError(_("对方网站响应超时。")) from None
            raise FetchError(_("连接对方网站失败。")) from None
    if not isinstance(last_error, urllib3.exceptions.NewConnectionError):
        raise FetchError(_("连接对方网站超时。"))
    raise FetchError(_("无法连接对方网站。"))


def _result(url, response, accept, max_bytes, redirects) -> FetchResult:
    headers = {k.lower(): v for k, v in response.headers.items()}
    if response.status == 304:
        return FetchResult(url=url, status=304, headers=headers, redirects=redirects)
    if not 200 <= response.status < 300:
        raise FetchError(_("对方网站返回错误（HTTP %(status)d）。") % {"status": response.status})
    raw_type = headers.get("content-type", "")
    content_type = raw_type.split(";", 1)[0].strip().lower()
    charset = ""
    for param in raw_type.split(";")[1:]:
        key, _sep, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if accept is not None and content_type not in accept:
        raise FetchError(
            _("对方网站返回的内容类型不对（%(type)s）。") % {"type": content_type or _("未知")}
        )
    too_big = _("内容太大（超过 %(limit)s）。") % {"limit": _human_mb(max_bytes)}
    length = headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(too_big)
    deadline = time.monotonic() + settings.OPENHAO_FETCH_TOTAL_SECONDS
    chunks, size = [], 0
    try:
        for chunk in response.stream(64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(too_big)
            if time.monotonic() > deadline:
                raise FetchError(_("下载时间过长，已停止。"))
            chunks.append(chunk)
    except urllib3.exceptions.ReadTimeoutError:
        raise FetchError(_("对方网站响应超时。")) from None
    except urllib3.exceptions.DecodeError:
        raise FetchError(_("对方网站返回的压缩内容无法解开。")) from None
    except urllib3.exceptions.HTTPError:
        raise FetchError(_("下载中途连接断开。")) from None
    return FetchResult(
        url=url,
        status=response.status,
        headers=headers,
        content=b"".join(chunks),
        content_type=content_type,
        charset=charset,
        redirects=redirects,
    )


def fetch_html(url: str) -> FetchResult:
    return fetch(url, accept=HTML_TYPES, max_bytes=settings.OPENHAO_FETCH_HTML_MAX_BYTES)


def fetch_image(url: str) -> FetchResult:
    return fetch(url, accept=IMAGE_TYPES, max_bytes=settings.OPENHAO_FETCH_IMAGE_MAX_BYTES)


def fetch_json(url: str, *, headers: dict[str, str] | None = None) -> FetchResult:
    """An ActivityPub or WebFinger document (``JSON_TYPES``), at most
    OPENHAO_FETCH_JSON_MAX_BYTES."""
    return fetch(
        url,
        accept=JSON_TYPES,
        max_bytes=settings.OPENHAO_FETCH_JSON_MAX_BYTES,
        headers={"Accept": "application/activity+json, application/ld+json", **(headers or {})},
    )


def fetch_feed(url: str, *, etag: str = "", modified: str = "") -> FetchResult:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    return fetch(
        url, accept=FEED_TYPES, max_bytes=settings.OPENHAO_FETCH_FEED_MAX_BYTES, headers=headers
    )
