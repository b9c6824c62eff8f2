"""The SSRF-safe fetcher (openhao/common/fetch.py): what it downloads, and every kind of address
it refuses, with the message the user sees."""

from __future__ import annotations

import time

import pytest

from openhao.common import fetch
from openhao.common.tests.webserver import LocalWebServer

# The test server listens on 127.0.0.2 and only that address is opened to the fetcher, so a
# redirect or a DNS answer pointing at 127.0.0.1 is still refused.
SERVER_HOST = "127.0.0.2"
PAGE = "<html><head><title>测试</title></head><body><p>你好，世界</p></body></html>".encode()
HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def server():
    with LocalWebServer(SERVER_HOST) as srv, fetch.allow_for_tests(f"{SERVER_HOST}/32"):
        yield srv


@pytest.fixture
def loopback_server():
    """A server on 127.0.0.1 that must never be reached."""
    with LocalWebServer("127.0.0.1") as srv:
        srv.routes["/secret"] = (200, HTML, b"<p>secret</p>")
        yield srv


def _resolver(monkeypatch, answers: dict[str, list[str]]):
    calls = []

    def resolve(host, port):
        calls.append(host)
        return answers[host]

    monkeypatch.setattr(fetch, "resolve", resolve)
    return calls


def test_fetches_a_page_and_its_charset(server):
    server.routes["/a"] = (200, HTML, PAGE)
    result = fetch.fetch_html(server.url("/a"))
    assert result.status == 200
    assert result.content_type == "text/html"
    assert "你好，世界" in result.text()


def test_gbk_page_is_decoded(server):
    server.routes["/gbk"] = (200, {"Content-Type": "text/html; charset=gbk"}, "中文".encode("gbk"))
    assert fetch.fetch_html(server.url("/gbk")).text() == "中文"


def test_connects_to_the_checked_address_and_keeps_the_host_header(server, monkeypatch):
    server.routes["/a"] = (200, HTML, PAGE)
    calls = _resolver(monkeypatch, {"news.example": [SERVER_HOST]})
    result = fetch.fetch_html(f"http://news.example:{server.port}/a")
    assert result.status == 200
    assert calls == ["news.example"]  # resolved once, by us; urllib3 got the address
    assert server.requests[-1][1]["Host"] == f"news.example:{server.port}"


BLOCKED = [
    ("127.0.0.1", "本机回环地址"),
    ("127.8.9.10", "本机回环地址"),
    ("10.1.2.3", "内网地址"),
    ("172.16.0.1", "内网地址"),
    ("192.168.1.1", "内网地址"),
    ("169.254.169.254", "链路本地地址"),
    ("224.0.0.1", "组播地址"),
    ("240.0.0.1", "保留地址"),
    ("0.0.0.0", "未指定地址"),  # noqa: S104
    ("100.64.0.1", "运营商级 NAT 共享地址"),
    ("100.127.255.254", "运营商级 NAT 共享地址"),
    ("::1", "本机回环地址"),
    ("::", "未指定地址"),
    ("fe80::1", "链路本地地址"),
    ("fc00::1", "内网地址"),
    ("fd12:3456::1", "内网地址"),
    ("ff02::1", "组播地址"),
    ("::ffff:127.0.0.1", "内嵌了本机回环地址的 IPv6 地址"),
    ("::ffff:10.0.0.1", "内嵌了内网地址的 IPv6 地址"),
    ("::ffff:169.254.169.254", "内嵌了链路本地地址的 IPv6 地址"),
    ("::127.0.0.1", "内嵌了本机回环地址的 IPv6 地址"),
    ("::192.168.0.1", "内嵌了内网地址的 IPv6 地址"),
    ("64:ff9b::7f00:1", "内嵌了本机回环地址的 IPv6 地址"),
    ("64:ff9b::a9fe:a9fe", "内嵌了链路本地地址的 IPv6 地址"),
    ("64:ff9b::6440:1", "内嵌了运营商级 NAT 共享地址的 IPv6 地址"),
    ("2002:7f00:1::1", "内嵌了本机回环地址的 IPv6 地址"),
    ("64:ff9b:1::1", "本地 NAT64 地址"),
]


@pytest.mark.parametrize(("address", "kind"), BLOCKED)
def test_every_blocked_kind_of_address_is_refused_by_name(monkeypatch, address, kind):
    _resolver(monkeypatch, {"evil.example": [address]})
    with pytest.raises(fetch.BlockedAddress) as exc:
        fetch.fetch_html("http://evil.example/")
    assert exc.value.message == (
        f"出于安全原因不能抓取这个网址：evil.example 指向{kind}（{address}）。"
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://10.0.0.1:8080/",
    ],
)
def test_literal_addresses_are_refused(url):
    with pytest.raises(fetch.BlockedAddress, match="出于安全原因"):
        fetch.fetch_html(url)


def test_public_addresses_pass_the_check():
    for address in ("93.184.215.14", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"):
        assert fetch.refusal(address) is None, address


def test_a_name_resolving_to_loopback_is_refused(monkeypatch, loopback_server):
    _resolver(monkeypatch, {"rebind.example": ["127.0.0.1"]})
    with pytest.raises(fetch.BlockedAddress, match="本机回环地址"):
        fetch.fetch_html(f"http://rebind.example:{loopback_server.port}/secret")
    assert loopback_server.requests == []


def test_one_private_address_among_public_ones_refuses_the_host(monkeypatch):
    _resolver(monkeypatch, {"mixed.example": ["93.184.215.14", "192.168.0.10"]})
    with pytest.raises(fetch.BlockedAddress, match="192.168.0.10"):
        fetch.fetch_html("http://mixed.example/")


def test_a_redirect_to_loopback_is_refused(server, loopback_server):
    target = f"http://127.0.0.1:{loopback_server.port}/secret"
    server.routes["/go"] = (302, {"Location": target}, b"")
    with pytest.raises(fetch.BlockedAddress, match="本机回环地址"):
        fetch.fetch_html(server.url("/go"))
    assert loopback_server.requests == []


def test_a_redirect_to_a_name_resolving_to_loopback_is_refused(
    server, loopback_server, monkeypatch
):
    _resolver(monkeypatch, {"inner.example": ["127.0.0.1"]})
    server.routes["/go"] = (
        301,
        {"Location": f"http://inner.example:{loopback_server.port}/secret"},
        b"",
    )
    with pytest.raises(fetch.BlockedAddress):
        fetch.fetch_html(server.url("/go"))
    assert loopback_server.requests == []


def test_redirects_are_followed_up_to_five(server):
    server.routes["/page"] = (200, HTML, PAGE)
    for i in range(5):
        server.routes[f"/r{i}"] = (302, {"Location": f"/r{i + 1}" if i < 4 else "/page"}, b"")
    result = fetch.fetch_html(server.url("/r0"))
    assert result.url == server.url("/page")
    assert len(result.redirects) == 5


def test_a_sixth_redirect_is_refused(server):
    for i in range(7):
        server.routes[f"/r{i}"] = (307, {"Location": f"/r{i + 1}"}, b"")
    with pytest.raises(fetch.FetchError, match="跳转次数过多"):
        fetch.fetch_html(server.url("/r0"))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/a", "只能抓取 http 或 https 网址。"),
        ("file:///etc/passwd", "只能抓取 http 或 https 网址。"),
        ("gopher://example.com/", "只能抓取 http 或 https 网址。"),
        ("http:///nohost", "网址缺少域名。"),
        ("http://user:pw@example.com/", "网址中不能包含用户名或密码。"),
        ("http://example.com:99999/", "网址格式不正确。"),
    ],
)
def test_only_plain_http_urls(url, message):
    with pytest.raises(fetch.FetchError) as exc:
        fetch.fetch_html(url)
    assert exc.value.message == message


def test_size_cap_by_content_length(server, settings):
    settings.OPENHAO_FETCH_HTML_MAX_BYTES = 1024 * 1024
    server.routes["/big"] = (200, HTML, b"x" * (1024 * 1024 + 1))
    with pytest.raises(fetch.FetchError, match="内容太大"):
        fetch.fetch_html(server.url("/big"))


def test_size_cap_while_reading_a_body_without_length(server, settings):
    settings.OPENHAO_FETCH_HTML_MAX_BYTES = 1024 * 1024

    def endless(handler):
        # Close-delimited body: no Content-Length to refuse up front.
        return 200, {**HTML, "Content-Length": "", "Connection": "close"}, b"y" * (2 * 1024 * 1024)

    server.routes["/endless"] = endless
    with pytest.raises(fetch.FetchError, match="内容太大"):
        fetch.fetch_html(server.url("/endless"))


def test_content_type_is_checked(server):
    server.routes["/img"] = (200, {"Content-Type": "image/png"}, b"\x89PNG")
    with pytest.raises(fetch.FetchError, match="内容类型不对"):
        fetch.fetch_html(server.url("/img"))
    server.routes["/page"] = (200, HTML, PAGE)
    with pytest.raises(fetch.FetchError, match="内容类型不对"):
        fetch.fetch_image(server.url("/page"))


def test_error_status(server):
    with pytest.raises(fetch.FetchError, match="HTTP 404"):
        fetch.fetch_html(server.url("/missing"))


def test_read_timeout(server, settings):
    settings.OPENHAO_FETCH_READ_TIMEOUT = 0.3

    def slow(handler):
        time.sleep(1.0)
        return 200, HTML, PAGE

    server.routes["/slow"] = slow
    with pytest.raises(fetch.FetchError, match="超时"):
        fetch.fetch_html(server.url("/slow"))


def test_connection_refused_is_a_clear_error():
    with fetch.allow_for_tests("127.0.0.3/32"), pytest.raises(fetch.FetchError) as exc:
        fetch.fetch_html("http://127.0.0.3:9/")
    assert exc.value.message == "无法连接对方网站。"


def test_conditional_get(server):
    def conditional(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return 304, {}, b""
        return 200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}, b"<rss/>"

    server.routes["/feed"] = conditional
    first = fetch.fetch_feed(server.url("/feed"))
    assert first.headers["etag"] == '"v1"'
    again = fetch.fetch_feed(server.url("/feed"), etag='"v1"')
    assert again.not_modified and again.content == b""


def test_the_test_switch_is_closed_outside_its_block():
    with fetch.allow_for_tests("127.0.0.1/32"):
        assert fetch.refusal("127.0.0.1") is None
    assert fetch.refusal("127.0.0.1") == "本机回环地址"


@pytest.fixture
def tls_files(tmp_path):
    """A CA and a certificate for secure.example signed by it (files: ca.pem, cert.pem, key.pem)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("Test CA"))
        .issuer_name(name("Test CA"))
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name("secure.example"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("secure.example")]), False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(pem))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(pem))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return tmp_path


def test_https_to_the_checked_address_keeps_sni_and_the_certificate_check(tls_files, monkeypatch):
    import ssl

    names = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_files / "cert.pem", tls_files / "key.pem")
    context.sni_callback = lambda sock, server_name, ctx: names.append(server_name)
    monkeypatch.setattr(fetch, "TLS_CA_FILE", str(tls_files / "ca.pem"))
    calls = _resolver(
        monkeypatch, {"secure.example": [SERVER_HOST], "other.example": [SERVER_HOST]}
    )
    with (
        LocalWebServer(SERVER_HOST, ssl_context=context) as srv,
        fetch.allow_for_tests(f"{SERVER_HOST}/32"),
    ):
        srv.routes["/a"] = (200, HTML, PAGE)
        result = fetch.fetch_html(f"https://secure.example:{srv.port}/a")
        assert "你好" in result.text()
        assert names == ["secure.example"]  # SNI carries the name, not the address
        assert srv.requests[-1][1]["Host"] == f"secure.example:{srv.port}"
        assert calls == ["secure.example"]
        # The same address under a name the certificate does not cover is refused.
        with pytest.raises(fetch.FetchError, match="HTTPS 证书无效"):
            fetch.fetch_html(f"https://other.example:{srv.port}/a")


def test_a_chinese_domain_name_is_sent_as_idna(server, monkeypatch):
    server.routes["/a"] = (200, HTML, PAGE)
    calls = _resolver(monkeypatch, {"xn--fiqs8s.example": [SERVER_HOST]})
    fetch.fetch_html(f"http://中国.example:{server.port}/a")
    assert calls == ["xn--fiqs8s.example"]
    assert server.requests[-1][1]["Host"] == f"xn--fiqs8s.example:{server.port}"


# --- POST (ActivityPub deliveries) -----------------------------------------------------------


def test_post_sends_the_body_and_accepts_any_2xx(server):
    server.routes["/inbox"] = (202, {}, b"")
    result = fetch.post(server.url("/inbox"), body=b'{"type": "Follow"}',
                        headers={"Content-Type": "application/activity+json"})  # fmt: skip
    assert result.status == 202
    assert server.posted == [b'{"type": "Follow"}']
    path, headers = server.requests[-1]
    assert path == "/inbox"
    assert headers["Host"] == f"{SERVER_HOST}:{server.port}"
    assert fetch.request_target(server.url("/inbox?x=1")) == (
        f"{SERVER_HOST}:{server.port}",
        "/inbox?x=1",
    )


def test_post_is_never_redirected(server, loopback_server):
    server.routes["/inbox"] = (307, {"Location": loopback_server.url("/secret")}, b"")
    with pytest.raises(fetch.FetchError) as exc:
        fetch.post(server.url("/inbox"), body=b"{}")
    assert exc.value.status == 307
    assert loopback_server.requests == []


def test_post_error_status_is_kept_for_the_retry_decision(server):
    server.routes["/inbox"] = (410, {"Content-Type": "text/plain"}, b"gone")
    with pytest.raises(fetch.FetchError) as exc:
        fetch.post(server.url("/inbox"), body=b"{}")
    assert exc.value.status == 410


def test_post_refuses_private_addresses(loopback_server):
    with pytest.raises(fetch.BlockedAddress):
        fetch.post(loopback_server.url("/secret"), body=b"{}")
    assert loopback_server.requests == []


def test_fetch_json_checks_the_type(server):
    server.routes["/actor"] = (200, {"Content-Type": "application/activity+json"}, b"{}")
    server.routes["/html"] = (200, HTML, PAGE)
    assert fetch.fetch_json(server.url("/actor")).content == b"{}"
    assert "activity+json" in server.requests[-1][1]["Accept"]
    with pytest.raises(fetch.FetchError):
        fetch.fetch_json(server.url("/html"))


def test_the_test_only_setting_opens_loopback(settings, loopback_server):
    """A second server process started by a test opens loopback through this setting, which
    only openhao/settings/test.py defines; without it loopback stays closed."""
    settings.OPENHAO_FETCH_TEST_ALLOWED_NETWORKS = []
    with pytest.raises(fetch.BlockedAddress):
        fetch.fetch_html(loopback_server.url("/secret"))
    settings.OPENHAO_FETCH_TEST_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert fetch.fetch_html(loopback_server.url("/secret")).status == 200


def test_only_the_test_settings_define_the_loopback_setting():
    from pathlib import Path

    settings_dir = Path(fetch.__file__).resolve().parents[1] / "settings"
    for path in settings_dir.glob("*.py"):
        defines = "OPENHAO_FETCH_TEST_ALLOWED_NETWORKS =" in path.read_text(encoding="utf-8")
        assert defines == (path.name == "test.py"), path.name
