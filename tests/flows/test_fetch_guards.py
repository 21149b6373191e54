"""Fetching's guards against hostile or slow sources: address checks, deadlines, skipped entries.

A real HTTP server on 127.0.0.1 stands for every host. Names that DNS cannot be made to answer
in a test (`news.example`, `rebound.example`) are given to the fetcher's injectable resolver,
which maps them to 127.0.0.1; the connection then goes to the address it returned.
"""

import ipaddress
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.config import HttpSettings
from flows.fetch import (
    AddressPolicy, BlockedAddress, Fetcher, FetchStats, address_kind, fetch_sources, read_feed,
    read_page, resolve_host,
)
from transforms.ingest import RawDocument, Rejected

PAGE = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head>"
        "<body><article><h1>{title}</h1><p>Negotiators from both sides met in Geneva on Wednesday "
        "for a second round of talks on the release of prisoners.</p><p>A spokesman said the "
        "meeting had been constructive and would continue next week.</p></article></body></html>")


def rss(*links: str) -> str:
    items = "".join(f"<item><title>Item {i}</title><link>{link}</link><guid>item-{i}</guid></item>"
                    for i, link in enumerate(links))
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
            f"<link>http://news.example/</link><description>d</description>{items}</channel></rss>")


class Server:
    """A server on 127.0.0.1 whose routes are set per test; records every path asked for."""

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.paths: list[str] = []
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                server.paths.append(self.path)
                route = server.routes.get(self.path)
                if callable(route):
                    route(self)
                    return
                status, body, headers = route or (404, "not found", {})
                data = body.encode()
                self.send_response(status)
                for key, value in {"Content-Type": "text/html; charset=utf-8",
                                   "Content-Length": str(len(data)), **headers}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        class Quiet(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                pass  # the fetcher hangs up on purpose

        self.http = Quiet(("127.0.0.1", 0), Handler)
        self.port = self.http.server_address[1]

    def hits(self, path: str) -> int:
        return self.paths.count(path)


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server():
    s = Server()
    thread = threading.Thread(target=s.http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield s
    s.stop.set()
    s.http.shutdown()
    s.http.server_close()


def settings(**changes) -> HttpSettings:
    values = dict(timeout_s=0.5, retries=2, backoff_s=0.01, per_host_interval_s=0.0,
                  user_agent="newsfacts-test/1.0", max_redirects=3)
    return HttpSettings(**{**values, **changes})


def made_up_names(host: str, port: int) -> list[str]:
    """DNS for the test: invented names point at the test server, the rest resolve for real."""
    if host in ("news.example", "rebound.example"):
        return ["127.0.0.1"]
    if host.endswith(".invalid"):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return resolve_host(host, port)  # numbers and localhost: answered without any DNS server


def fetcher(**changes) -> Fetcher:
    return Fetcher(settings(**changes), max_bytes=100_000, resolve=made_up_names)


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "loopback"), ("127.0.0.2", "loopback"), ("::1", "loopback"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("fd00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1%eth0", "link-local"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"), ("100.64.0.1", "non-public"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"), ("2002:7f00:1::", "loopback"),
    ("93.184.216.34", None), ("2606:4700::1111", None), ("::ffff:93.184.216.34", None),
])
def test_address_kinds(address, kind):
    assert address_kind(address) == kind


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_an_ipv4_mapped_address_is_judged_as_its_ipv4_address(n):
    v4 = ipaddress.IPv4Address(n)
    assert address_kind(f"::ffff:{v4}") == address_kind(str(v4))


def test_the_policy_allows_listed_hosts_and_networks_only():
    policy = AddressPolicy(["intranet.example.org", "10.20.0.0/16", "127.0.0.1"])
    policy.check("intranet.example.org", ["10.99.0.1", "127.0.0.5"])  # the name is trusted whole
    policy.check("INTRANET.example.org.", ["192.168.0.1"])
    policy.check("wiki.corp", ["10.20.3.4", "::ffff:10.20.0.9"])
    policy.check("127.0.0.1", ["127.0.0.1"])
    policy.check("example.com", ["93.184.216.34"])
    with pytest.raises(BlockedAddress) as e:
        policy.check("mixed.example", ["93.184.216.34", "10.21.0.1"])  # one bad address is enough
    assert (e.value.host, e.value.address, e.value.kind) == ("mixed.example", "10.21.0.1", "private")
    with pytest.raises(BlockedAddress):
        policy.check("localhost", ["127.0.0.2"])
    with pytest.raises(BlockedAddress):
        AddressPolicy([]).check("intranet.example.org", ["10.20.0.1"])


def test_feed_entries_pointing_at_private_addresses_are_refused_after_resolution(server):
    port = server.port
    links = [f"http://127.0.0.1:{port}/admin", f"http://localhost:{port}/admin",
             f"http://127.0.0.2:{port}/admin", f"http://2130706433:{port}/admin",
             f"http://0x7f000001:{port}/admin", f"http://0.0.0.0:{port}/admin",
             f"http://[::1]:{port}/admin", f"http://[::ffff:127.0.0.1]:{port}/admin",
             f"http://rebound.example:{port}/admin", f"http://news.example:{port}/story.html"]
    server.routes["/feed.xml"] = (200, rss(*links), {"Content-Type": "application/rss+xml"})
    server.routes["/story.html"] = (200, PAGE.format(title="Talks resume"), {})
    server.routes["/admin"] = (200, PAGE.format(title="Admin console"), {})
    feed = f"http://news.example:{port}/feed.xml"

    with fetcher(allow_private_addresses=("news.example",)) as f:
        *refused, story = read_feed(f, feed)

    def why(link, where, kind="a loopback"):
        return Rejected(link, f"{link}: refused: {where} {kind} address (not in http.allow_private_addresses)")

    assert refused == [
        why(links[0], "127.0.0.1 is"),
        why(links[1], "localhost resolves to 127.0.0.1,"),
        why(links[2], "127.0.0.2 is"),
        why(links[3], "2130706433 resolves to 127.0.0.1,"),
        why(links[4], "0x7f000001 resolves to 127.0.0.1,"),
        why(links[5], "0.0.0.0 is", "an unspecified"),
        why(links[6], "::1 is"),
        why(links[7], "::ffff:127.0.0.1 is"),
        why(links[8], "rebound.example resolves to 127.0.0.1,"),
    ]
    # The allowed name was reached, at the address its resolver gave (DNS knows no news.example).
    assert isinstance(story, RawDocument) and story.title == "Talks resume"
    assert server.hits("/admin") == 0


def test_without_the_allowance_the_test_servers_own_urls_are_refused(server):
    server.routes["/page.html"] = (200, PAGE.format(title="Talks resume"), {})
    url = f"http://127.0.0.1:{server.port}/page.html"
    (refused,) = fetch_sources([], [url], settings(), max_bytes=100_000)
    assert refused == Rejected(url, f"{url}: refused: 127.0.0.1 is a loopback address "
                                    "(not in http.allow_private_addresses)")
    (doc,) = fetch_sources([], [url], settings(allow_private_addresses=("127.0.0.0/8",)), max_bytes=100_000)
    assert isinstance(doc, RawDocument) and doc.title == "Talks resume"
    assert server.hits("/page.html") == 1


def test_a_redirect_from_an_allowed_host_to_a_blocked_one_is_refused_at_the_hop(server):
    port = server.port
    server.routes["/go"] = (302, "", {"Location": f"http://127.0.0.1:{port}/admin"})
    server.routes["/admin"] = (200, PAGE.format(title="Admin console"), {})
    url = f"http://localhost:{port}/go"
    (refused,) = fetch_sources([], [url], settings(allow_private_addresses=("localhost",)), max_bytes=100_000)
    assert refused == Rejected(url, f"{url}: refused: redirected to http://127.0.0.1:{port}/admin; "
                                    "127.0.0.1 is a loopback address (not in http.allow_private_addresses)")
    assert server.paths == ["/go"]  # the first hop was asked, the blocked one never


def drip(server: Server, interval_s: float, *, headers_too: bool):
    """A route that sends a response one byte at a time: each read is quick, the whole never is."""
    def handler(h: BaseHTTPRequestHandler) -> None:
        body = PAGE.format(title="Slow").encode()
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n"
                "X-Padding: " + "p" * 200 + "\r\n\r\n").encode()
        if not headers_too:
            h.wfile.write(head)
            h.wfile.flush()
        try:
            for byte in (head if headers_too else b"") + body:
                if server.stop.wait(interval_s):
                    return
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
        except OSError:
            pass  # the fetcher hung up, as it must
    return handler


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_a_slow_drip_is_cut_off_by_the_response_deadline(server, headers_too):
    server.routes["/drip.html"] = drip(server, 0.02, headers_too=headers_too)
    url = f"http://127.0.0.1:{server.port}/drip.html"
    started = time.monotonic()
    (item,) = fetch_sources([], [url], settings(timeout_s=0.5, response_deadline_s=0.6,
                                                allow_private_addresses=("127.0.0.1",)), max_bytes=100_000)
    elapsed = time.monotonic() - started
    assert item == Rejected(url, f"{url}: response not complete within the 0.6 s deadline "
                                 "(http.response_deadline_s)")
    # Cut at the deadline (the whole drip takes over 10 s), and not retried.
    assert 0.6 <= elapsed < 2
    assert server.hits("/drip.html") == 1


def test_the_run_deadline_quarantines_everything_left(server):
    port = server.port
    b = f"http://127.0.0.1:{port}"
    server.routes["/drip.html"] = drip(server, 0.02, headers_too=False)
    server.routes["/one.xml"] = (200, rss(f"{b}/drip.html", f"{b}/a.html"), {"Content-Type": "application/rss+xml"})
    server.routes["/two.xml"] = (200, rss(f"{b}/b.html"), {"Content-Type": "application/rss+xml"})
    for page in ("/a.html", "/b.html", "/c.html"):
        server.routes[page] = (200, PAGE.format(title=page), {})
    started = time.monotonic()
    items = list(fetch_sources([f"{b}/one.xml", f"{b}/two.xml"], [f"{b}/c.html"],
                               settings(run_deadline_s=0.8, allow_private_addresses=("127.0.0.1",)),
                               max_bytes=100_000))
    elapsed = time.monotonic() - started
    over = "the run's 0.8 s fetching deadline (http.run_deadline_s) has passed"
    assert items == [
        Rejected(f"{b}/drip.html", f"{b}/drip.html: cut off: {over}"),
        Rejected(f"{b}/a.html", f"{b}/a.html: not fetched: {over}"),
        Rejected(f"{b}/two.xml", f"{b}/two.xml: not fetched: {over}"),
        Rejected(f"{b}/c.html", f"{b}/c.html: not fetched: {over}"),
    ]
    assert 0.8 <= elapsed < 2
    assert server.paths == ["/one.xml", "/drip.html"]


def test_the_run_deadline_stops_retries(server):
    server.routes["/down.html"] = (503, "down", {})
    url = f"http://127.0.0.1:{server.port}/down.html"
    (item,) = fetch_sources([], [url], settings(retries=5, backoff_s=0.6, run_deadline_s=1.0,
                                                allow_private_addresses=("127.0.0.1",)), max_bytes=100_000)
    assert item == Rejected(url, f"{url}: HTTP 503 after 2 attempts, not retried: the run's 1 s "
                                 "fetching deadline (http.run_deadline_s) has passed")
    assert server.hits("/down.html") == 2  # at 0 s and 0.6 s; the next would have been at 1.8 s


def test_entries_beyond_the_limit_are_counted(server):
    b = f"http://127.0.0.1:{server.port}"
    server.routes["/feed.xml"] = (200, rss(*(f"{b}/{i}.html" for i in range(5))), {"Content-Type": "application/rss+xml"})
    server.routes["/small.xml"] = (200, rss(f"{b}/0.html"), {"Content-Type": "application/rss+xml"})
    server.routes["/0.html"] = server.routes["/1.html"] = (200, PAGE.format(title="Talks"), {})
    stats = FetchStats()
    items = list(fetch_sources([f"{b}/feed.xml", f"{b}/small.xml"], [],
                               settings(max_entries_per_feed=2, allow_private_addresses=("127.0.0.1",)),
                               max_bytes=100_000, stats=stats))
    assert [i.source for i in items] == [f"{b}/0.html", f"{b}/1.html", f"{b}/0.html"]
    assert stats.skipped_entries == {f"{b}/feed.xml": 3}
    assert stats.skipped_entries_total == 3
    assert not any(server.hits(f"/{i}.html") for i in (2, 3, 4))


def test_a_name_that_does_not_resolve_is_a_connection_failure():
    with fetcher(retries=0) as f:
        item = read_page(f, "http://no-such-host.invalid/page.html")
    assert item == Rejected("http://no-such-host.invalid/page.html",
                            "http://no-such-host.invalid/page.html: connection failed "
                            "([Errno -2] Name or service not known) after 1 attempt")


def self_signed(tmp_path, name: str):
    """A certificate for `name` and its key, as PEM files; the certificate is its own CA."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_https_to_a_pinned_address_still_checks_the_certificate_of_the_name(server, tmp_path, monkeypatch):
    import ssl

    cert, key = self_signed(tmp_path, "news.example")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.http.socket = context.wrap_socket(server.http.socket, server_side=True)
    server.routes["/story.html"] = (200, PAGE.format(title="Talks resume"), {})
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # httpx trusts this CA instead of certifi's

    with fetcher(allow_private_addresses=("news.example", "127.0.0.1")) as f:
        doc = read_page(f, f"https://news.example:{server.port}/story.html")
        # The same server by its address: the certificate names news.example, not 127.0.0.1.
        wrong = read_page(f, f"https://127.0.0.1:{server.port}/story.html")
    assert isinstance(doc, RawDocument) and doc.title == "Talks resume"
    assert wrong.reason.startswith(f"https://127.0.0.1:{server.port}/story.html: ")
    assert "certificate verify failed" in wrong.reason
    assert server.paths == ["/story.html"]
