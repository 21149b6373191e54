"""Feeds and pages fetched from a real HTTP server on 127.0.0.1: documents, rejections, politeness.

Nothing here touches any other address: the server binds 127.0.0.1 on a free port, every URL
points at it, and proxy variables are cleared so httpx cannot route through anything else.
"""

import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from flows.config import HttpSettings
from flows.fetch import RateLimiter, fetch_sources, parse_retry_after
from transforms.ingest import (
    RawDocument, Rejected, build_document, html_metadata_date, parse_published,
)

UA = "newsfacts-test/1.0 (+https://github.com/newsfacts/newsfacts)"
MAX_BYTES = 100_000


def article(title: str | None, body: str, published: str | None = None) -> str:
    """A real-looking news page: navigation, the article, a footer."""
    head = f"<title>{title} | Example News</title>" if title else ""
    if published:
        head += f'<meta property="article:published_time" content="{published}">'
    h1 = f"<h1>{title}</h1>" if title else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n"))
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>"
            "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/business'>Business</a></nav>"
            f"<article>{h1}{paragraphs}</article>"
            "<footer>Copyright 2025 Example News. All rights reserved.</footer></body></html>")


REWARD = ("Washington raised the reward for information on the group's leader to US$50 million "
          "on Sunday, the State Department said.\n"
          "The offer doubles the previous reward of US$25 million, officials told reporters.")
RALLY = ("Thousands of supporters gathered in the capital on Monday for a rally against the "
         "sanctions announced in 2020.\n"
         "Organisers said the crowd was the largest since the protests of the previous spring.")
TALKS = ("Negotiators from both sides met in Geneva on Wednesday for a second round of talks "
         "on the release of prisoners.\n"
         "A spokesman said the meeting had been constructive and would continue next week.")
NAV_ONLY = ("<html><head><title>Sections</title></head><body><nav><ul><li><a href='/world'>World</a>"
            "</li><li><a href='/business'>Business</a></li><li><a href='/sport'>Sport</a></li>"
            "</ul></nav></body></html>")

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example News</title><link>{base}/</link>
<description>World news</description>
<item><title>Reward raised to $50 million</title><link>{base}/articles/reward.html</link>
  <guid isPermaLink="false">tag:example.org,2025:reward</guid>
  <pubDate>Sun, 30 Nov 2025 22:00:00 GMT</pubDate></item>
<item><title>Rally in the capital</title><link>{base}/go/rally</link>
  <guid isPermaLink="false">rally-1</guid>
  <pubDate>Tue, 02 Dec 2025 09:15:00 +0100</pubDate></item>
<item><title>Sections</title><link>{base}/articles/sections.html</link><guid>sections-1</guid></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example News</title><id>urn:example:feed</id>
<updated>2025-12-03T10:00:00Z</updated>
<entry><title>Talks resume in Geneva</title><link href="articles/talks.html"/>
  <id>urn:uuid:6f1c2a5e-1d2b-4c39-9a53-3f0f5f5e7a01</id><updated>2025-12-03T10:00:00Z</updated></entry>
<entry><title>Gone</title><link href="{base}/articles/gone.html"/>
  <id>urn:uuid:6f1c2a5e-1d2b-4c39-9a53-3f0f5f5e7a02</id><updated>2025-12-03T11:00:00Z</updated></entry>
</feed>"""


class Site:
    """What the test server serves, and every request it saw."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[tuple[str, float, dict]] = []  # (path, monotonic time, headers)
        self.release = threading.Event()  # lets the slow page's handler finish at teardown
        self.endless_written = 0
        self.busy_calls = 0
        self.base = ""

    def record(self, path: str, headers) -> None:
        with self.lock:
            self.requests.append((path, time.monotonic(), dict(headers)))

    def hits(self, path: str) -> list[float]:
        with self.lock:
            return [t for p, t, _ in self.requests if p == path]


def make_handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep the test output clean
            pass

        def send(self, status: int, body: bytes | str, content_type: str = "text/html; charset=utf-8",
                 headers: dict | None = None) -> None:
            data = body.encode("utf-8") if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            site.record(self.path, self.headers)
            route = ROUTES.get(self.path)
            if route is None:
                self.send(404, "<html><body>not found</body></html>")
            else:
                route(self)

        def rss(self):
            self.send(200, RSS.format(base=site.base), "application/rss+xml")

        def atom(self):
            self.send(200, ATOM.format(base=site.base), "application/atom+xml; charset=utf-8")

        def reward(self):
            self.send(200, article("Reward raised to $50 million", REWARD, "2025-12-01T08:30:00Z"))

        def rally(self):
            # No title and no declared date: both must come from the feed entry.
            self.send(200, article(None, RALLY))

        def talks(self):
            self.send(200, article("Talks resume in Geneva", TALKS, "2025-12-03T07:00:00+02:00"))

        def go_rally(self):
            self.send(302, "", headers={"Location": "/articles/rally.html"})

        def sections(self):
            self.send(200, NAV_ONLY)

        def slow(self):
            site.release.wait(5)
            try:
                self.send(200, article("Late", REWARD))
            except OSError:
                pass  # the client gave up long ago

        def error500(self):
            self.send(500, "<html><body>internal error</body></html>")

        def unavailable(self):
            self.send(503, "down for maintenance", "text/plain")

        def loop_a(self):
            self.send(302, "", headers={"Location": "/loop/b"})

        def loop_b(self):
            self.send(302, "", headers={"Location": "/loop/a"})

        def pdf(self):
            self.send(200, b"%PDF-1.7 " + b"0" * 100, "application/pdf")

        def big(self):
            self.send(200, "<html><body>" + "x" * (2 * MAX_BYTES) + "</body></html>")

        def endless(self):
            # No Content-Length, so only reading can tell the size: keeps writing until the
            # client hangs up (or a limit far beyond any sane page, should it never).
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"y" * 65_533 + b"</p>"
            try:
                while site.endless_written < 1_000_000_000:
                    self.wfile.write(chunk)
                    site.endless_written += len(chunk)
            except OSError:
                pass

        def busy(self):
            site.busy_calls += 1
            if site.busy_calls == 1:
                self.send(429, "slow down", "text/plain", headers={"Retry-After": "120"})
            else:
                self.send(200, article("Reward raised to $50 million", REWARD, "2025-12-01T08:30:00Z"))

        def broken_feed(self):
            self.send(200, "this is not a feed {{{", "application/rss+xml")

    ROUTES = {
        "/rss.xml": Handler.rss, "/atom.xml": Handler.atom,
        "/articles/reward.html": Handler.reward, "/articles/rally.html": Handler.rally,
        "/articles/talks.html": Handler.talks, "/go/rally": Handler.go_rally,
        "/articles/sections.html": Handler.sections, "/slow.html": Handler.slow,
        "/status/500": Handler.error500, "/feeds/down.xml": Handler.unavailable,
        "/loop/a": Handler.loop_a, "/loop/b": Handler.loop_b, "/report.pdf": Handler.pdf,
        "/big.html": Handler.big, "/endless.html": Handler.endless, "/busy.html": Handler.busy,
        "/feeds/broken.xml": Handler.broken_feed,
    }
    return Handler


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # clients hanging up on purpose (timeouts, size limits) are expected here


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def site():
    site = Site()
    server = QuietServer(("127.0.0.1", 0), make_handler(site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield site
    site.release.set()
    server.shutdown()
    server.server_close()


def settings(**changes) -> HttpSettings:
    values = dict(timeout_s=0.3, retries=2, backoff_s=0.01, max_retry_after_s=0.2,
                  per_host_interval_s=0.0, user_agent=UA, max_redirects=3, max_entries_per_feed=10,
                  allow_private_addresses=("127.0.0.1",))  # where the test server is
    return HttpSettings(**{**values, **changes})


def fetch(feeds=(), urls=(), **changes) -> list[RawDocument | Rejected]:
    return list(fetch_sources(list(feeds), list(urls), settings(**changes), max_bytes=MAX_BYTES))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_rss_entries_become_documents_with_page_and_entry_metadata(site):
    b = site.base
    items = fetch(feeds=[f"{b}/rss.xml"])
    assert [type(i).__name__ for i in items] == ["RawDocument", "RawDocument", "Rejected"]
    reward, rally, sections = items

    assert reward.source == f"{b}/articles/reward.html" == reward.url
    assert reward.external_id == "tag:example.org,2025:reward"
    assert reward.title == "Reward raised to $50 million"
    assert reward.text.startswith("Reward raised to $50 million\nWashington raised the reward")
    assert "Home" not in reward.text and "Copyright" not in reward.text
    # The page's declared time wins over the entry's pubDate (Sun 30 Nov 22:00).
    assert parse_published(reward.published) == utc(2025, 12, 1, 8, 30)
    assert reward.input_format == "html" and reward.encoding == "utf-8"

    # Linked through a redirect: source is the link, url where it led.
    assert rally.source == f"{b}/go/rally"
    assert rally.url == f"{b}/articles/rally.html"
    assert rally.external_id == "rally-1"
    # Nothing declared on the page: the entry's title and date, not a guess from "in 2020".
    assert rally.title == "Rally in the capital"
    assert parse_published(rally.published) == utc(2025, 12, 2, 8, 15)
    assert rally.text.startswith("Thousands of supporters gathered in the capital")

    assert sections == Rejected(f"{b}/articles/sections.html",
                                f"{b}/articles/sections.html: no article text found in the HTML page")

    rows = [build_document(d, run_id="r1", ingested_at=utc(2025, 12, 4)) for d in (reward, rally)]
    assert [r["date_basis"] for r in rows] == ["published", "published"]


def test_atom_entries_resolve_relative_links_and_keep_their_ids(site):
    b = site.base
    talks, gone = fetch(feeds=[f"{b}/atom.xml"])
    assert isinstance(talks, RawDocument)
    assert talks.source == talks.url == f"{b}/articles/talks.html"
    assert talks.external_id == "urn:uuid:6f1c2a5e-1d2b-4c39-9a53-3f0f5f5e7a01"
    assert talks.title == "Talks resume in Geneva"
    assert parse_published(talks.published) == utc(2025, 12, 3, 5, 0)
    assert "second round of talks" in talks.text
    # One entry failing leaves the others alone, and is not retried (a 404 will stay one).
    assert gone == Rejected(f"{b}/articles/gone.html", f"{b}/articles/gone.html: HTTP 404 Not Found")
    assert len(site.hits("/articles/gone.html")) == 1


def test_listed_urls_are_documents_identified_by_their_url(site):
    b = site.base
    (doc,) = fetch(urls=[f"{b}/articles/reward.html"])
    assert doc.source == doc.url == doc.external_id == f"{b}/articles/reward.html"
    assert doc.title == "Reward raised to $50 million"
    assert parse_published(doc.published) == utc(2025, 12, 1, 8, 30)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_every_failure_is_one_rejected_whose_reason_names_the_url(site):
    b = site.base
    refused = f"http://127.0.0.1:{free_port()}/article.html"
    paths = ["/slow.html", "/status/500", "/loop/a", "/articles/sections.html", "/missing.html",
             "/big.html", "/endless.html", "/report.pdf"]
    started = time.monotonic()
    items = fetch(urls=[b + p for p in paths] + [refused])
    elapsed = time.monotonic() - started

    assert all(isinstance(i, Rejected) and i.stage == "ingest" for i in items)
    reasons = {i.source: i.reason for i in items}
    assert list(reasons) == [b + p for p in paths] + [refused]
    assert reasons == {
        f"{b}/slow.html": f"{b}/slow.html: timed out (0.3 s without data) after 3 attempts",
        f"{b}/status/500": f"{b}/status/500: HTTP 500 after 3 attempts",
        f"{b}/loop/a": f"{b}/loop/a: too many redirects (more than 3)",
        f"{b}/articles/sections.html": f"{b}/articles/sections.html: no article text found in the HTML page",
        f"{b}/missing.html": f"{b}/missing.html: HTTP 404 Not Found",
        f"{b}/big.html": f"{b}/big.html: body is {2 * MAX_BYTES + 26} bytes, over the {MAX_BYTES}-byte limit",
        f"{b}/endless.html": f"{b}/endless.html: body over the {MAX_BYTES}-byte limit",
        f"{b}/report.pdf": f"{b}/report.pdf: content type 'application/pdf' is not HTML",
        refused: reasons[refused],
    }
    assert reasons[refused].startswith(f"{refused}: connection failed (")
    assert reasons[refused].endswith(") after 3 attempts")
    assert all("\n" not in r for r in reasons.values())

    assert len(site.hits("/slow.html")) == 3
    assert len(site.hits("/missing.html")) == 1  # 4xx: no retry
    assert len(site.hits("/report.pdf")) == 1
    # The loop was followed max_redirects times, then given up, never retried.
    assert len(site.hits("/loop/a")) + len(site.hits("/loop/b")) == 4
    # Three timeouts of 0.3 s dominate; nothing waited for the slow page's full 5 s.
    assert elapsed < 4


def test_oversize_body_is_not_read_past_the_limit(site):
    (item,) = fetch(urls=[f"{site.base}/endless.html"])
    assert item.reason.endswith(f"body over the {MAX_BYTES}-byte limit")
    # The client hung up after about MAX_BYTES; only socket buffers separate what the server
    # managed to write from that, nowhere near the gigabyte it would have sent.
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and not site.release.is_set():
        written = site.endless_written
        time.sleep(0.05)
        if site.endless_written == written:
            break
    assert site.endless_written < 50_000_000


def test_server_errors_are_retried_with_exponential_backoff(site):
    # (waits of 0.2/0.4/0.8 s: a loaded machine's retry overhead, up to ~0.15 s, cannot hide them)
    (item,) = fetch(urls=[f"{site.base}/status/500"], retries=3, backoff_s=0.2)
    assert item.reason == f"{site.base}/status/500: HTTP 500 after 4 attempts"
    times = site.hits("/status/500")
    assert len(times) == 4
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert gaps[0] >= 0.2 and gaps[1] >= 0.4 and gaps[2] >= 0.8
    assert gaps[2] > gaps[0] + 0.4


def test_retry_after_is_honoured_up_to_the_cap(site):
    (doc,) = fetch(urls=[f"{site.base}/busy.html"], max_retry_after_s=0.3)
    assert isinstance(doc, RawDocument) and doc.title == "Reward raised to $50 million"
    first, second = site.hits("/busy.html")
    # The server asked for 120 s; the cap (0.3 s) applies, the backoff (0.01 s) is exceeded.
    assert 0.3 <= second - first < 5


def test_a_feed_that_fails_whole_is_one_rejected_with_the_feed_url(site):
    b = site.base
    items = fetch(feeds=[f"{b}/feeds/down.xml", f"{b}/feeds/broken.xml", f"{b}/articles/reward.html"])
    assert items == [
        Rejected(f"{b}/feeds/down.xml", f"{b}/feeds/down.xml: HTTP 503 after 3 attempts"),
        Rejected(f"{b}/feeds/broken.xml", f"{b}/feeds/broken.xml: unparsable feed: syntax error"),
        Rejected(f"{b}/articles/reward.html",
                 f"{b}/articles/reward.html: not a feed but an HTML page"),
    ]


def test_only_the_first_entries_of_a_feed_are_read(site):
    items = fetch(feeds=[f"{site.base}/rss.xml"], max_entries_per_feed=1)
    assert [i.external_id for i in items] == ["tag:example.org,2025:reward"]
    assert not site.hits("/go/rally")


def test_requests_to_one_host_are_spaced_redirects_included(site):
    b = site.base
    items = fetch(feeds=[f"{b}/rss.xml"], urls=[f"{b}/articles/talks.html"], per_host_interval_s=0.15)
    assert len(items) == 4
    with site.lock:
        times = [t for _, t, _ in site.requests]
    assert [p for p, _, _ in site.requests] == [
        "/rss.xml", "/articles/reward.html", "/go/rally", "/articles/rally.html",
        "/articles/sections.html", "/articles/talks.html"]
    # The server stamps arrival, a little after the client sent it, and one stamp late by more than
    # the allowance made the next gap look short (0.171 then 0.129 s, on a CI run): so the k-th
    # request must arrive k intervals after the first, less that jitter, whichever stamp lags.
    assert all(t - times[0] >= k * 0.15 - 0.02 for k, t in enumerate(times))


def test_every_request_carries_the_user_agent(site):
    b = site.base
    fetch(feeds=[f"{b}/rss.xml"], urls=[f"{b}/missing.html"])
    with site.lock:
        agents = {headers.get("User-Agent") for _, _, headers in site.requests}
    assert agents == {UA}
    assert len(site.requests) == 6


def test_the_default_user_agent_names_the_project(site):
    defaults = HttpSettings(allow_private_addresses=("127.0.0.1",))
    list(fetch_sources([], [f"{site.base}/articles/reward.html"], defaults, max_bytes=MAX_BYTES))
    (path, _, headers), = site.requests
    assert headers["User-Agent"].startswith("newsfacts/")
    assert headers["User-Agent"].endswith("(+https://github.com/newsfacts/newsfacts)")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_rate_limiter_waits_per_host_only_as_long_as_needed():
    clock = FakeClock()
    limiter = RateLimiter(1.0, clock=clock, sleep=clock.sleep)
    limiter.wait("a.example")
    limiter.wait("b.example")      # another host: no wait
    limiter.wait("a.example")      # at once after the first a.example: waits 1 s, now 101
    clock.now += 0.25
    limiter.wait("b.example")      # 1.25 s after the first b.example: no wait
    clock.now += 0.4
    limiter.wait("a.example")      # 0.65 s after the last a.example: 0.35 s to go
    assert clock.slept == [1.0, 0.35]
    assert clock.now == pytest.approx(102.0)


def test_a_page_that_is_only_a_url_is_never_fetched_for_its_date(site):
    # htmldate would download a URL given as the "HTML"; a hostile page must not make it.
    assert html_metadata_date(f"{site.base}/articles/reward.html") is None
    assert site.requests == []


def test_retry_after_accepts_seconds_and_http_dates():
    now = utc(2025, 12, 1, 12, 0)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now=now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_the_nightly_flow_reads_the_files_feeds_and_urls_of_its_config(site, prefect_harness, tmp_path):
    import duckdb

    from flows.nightly import nightly
    from tests.conftest import SEEDS

    config = tmp_path / "newsfacts.toml"
    config.write_text(f'inputs = ["{SEEDS}"]\nfeeds = ["{site.base}/rss.xml"]\n'
                      f'urls = ["{site.base}/articles/talks.html"]\nout = "out"\n'
                      "[http]\ntimeout_s = 2.0\nretries = 0\nper_host_interval_s = 0.0\n"
                      'allow_private_addresses = ["127.0.0.1"]\n')
    state = nightly(config=str(config), return_state=True)
    assert state.is_completed(), state.message
    con = duckdb.connect(str(tmp_path / "out" / "newsfacts.duckdb"), read_only=True)
    try:
        docs = con.sql("select external_id, url, date_basis from documents order by external_id").fetchall()
        assert docs == [("000_94c59d239a6fac52.txt", None, "published"),
                        (f"{site.base}/articles/talks.html", f"{site.base}/articles/talks.html", "published"),
                        ("rally-1", f"{site.base}/articles/rally.html", "published"),
                        ("tag:example.org,2025:reward", f"{site.base}/articles/reward.html", "published")]
        assert con.sql("select source, stage from quarantine").fetchall() == [
            (f"{site.base}/articles/sections.html", "ingest")]
        assert con.sql("select docs_seen, docs_new, docs_quarantined, inputs from runs").fetchall() == [
            (5, 4, 1, [str(SEEDS), f"{site.base}/rss.xml", f"{site.base}/articles/talks.html"])]
        reward = con.sql("select distinct a.value, a.currency from amounts a join documents d using (doc_id) "
                         "where d.external_id = 'tag:example.org,2025:reward' and a.value = 5e7").fetchall()
        assert reward == [(5e7, "USD")]
    finally:
        con.close()
