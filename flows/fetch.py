"""Reading feeds and article pages over HTTP: the only place that talks to the network.

Feeds (RSS 2.0, Atom, anything feedparser reads) are fetched and every entry's link is fetched
as an article page; listed URLs are fetched directly. Pages go through the same
`transforms.ingest.parse_html` as .html files. Every failure becomes one `Rejected` whose reason
names the URL, so one dead site never stops a night:

- timeouts, connection errors, 429 and 5xx are retried with exponential backoff (a server's
  Retry-After is honoured up to a cap); other 4xx are not retried;
- too many redirects, a body over `max_bytes` (read no further than the limit), a content type
  that is not HTML, a page without article text and an unparsable feed are rejected at once;
- so is a response (headers and body) not complete within `response_deadline_s`, however slowly
  its bytes trickle in, and every request once the run's `run_deadline_s` has passed;
- an address that is not public (loopback, private, link-local, multicast, reserved,
  unspecified, IPv4-mapped or 6to4 forms of those) is refused unless `allow_private_addresses`
  lists its host or a network holding it. The check runs on the addresses DNS returned, for
  every redirect hop, and the connection is made to exactly the address checked, so a name
  cannot resolve to a public address for the check and to a private one for the connect.

Requests to one host are at least `per_host_interval_s` apart, redirects included, and all carry
the configured User-Agent. Proxies from the environment are not used: through a proxy the
address check would only ever see the proxy.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Callable, Iterable, Iterator

import httpcore
import httpx

from flows.config import HttpSettings
from transforms.ingest import (
    IngestError, RawDocument, Rejected, decode, html_metadata_date, parse_html,
)

HTML_TYPES = ("text/html", "application/xhtml+xml")
# Failures worth another attempt: the network or the server may recover. Invalid URLs,
# unsupported schemes and local protocol errors will not.
RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class RateLimiter:
    """Keeps requests to one host at least `interval_s` apart.

    clock and sleep are injectable so the spacing can be checked without waiting.
    """

    def __init__(self, interval_s: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval_s = interval_s
        self._clock = clock
        self._sleep = sleep
        self._last: dict[str, float] = {}

    def wait(self, host: str) -> None:
        """Block until `host` may be asked again, then count this request as made now."""
        last = self._last.get(host)
        if last is not None:
            delay = last + self.interval_s - self._clock()
            if delay > 0:
                self._sleep(delay)
        self._last[host] = self._clock()


def address_kind(address: str) -> str | None:
    """Why an IP address is not public ("loopback", "private", ...), or None when it is.

    IPv4-mapped (`::ffff:127.0.0.1`) and 6to4 (`2002:7f00:1::`) addresses are judged by the IPv4
    address inside them; a zone (`fe80::1%eth0`) is ignored.
    """
    ip = _embedded(ipaddress.ip_address(address.partition("%")[0]))
    # Most special ranges count as private too: the more telling names are tried first.
    for kind in ("unspecified", "loopback", "link_local", "multicast", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    # Left over: shared address space (100.64.0.0/10) and the like.
    return None if ip.is_global else "non-public"


def _embedded(ip: ipaddress.IPv4Address | ipaddress.IPv6Address):
    if ip.version == 6:
        return ip.ipv4_mapped or ip.sixtofour or ip
    return ip


class BlockedAddress(Exception):
    """A connection refused because `host` resolved to a non-public address not allowed."""

    def __init__(self, host: str, address: str, kind: str) -> None:
        super().__init__(f"{host} -> {address} ({kind})")
        self.host, self.address, self.kind = host, address, kind


class AddressPolicy:
    """Public addresses may be connected to; others only when allowed by host name or network.

    allowed (Iterable[str]): host names (any address they resolve to is allowed), IP addresses
        and CIDR networks, as in `http.allow_private_addresses`.
    """

    def __init__(self, allowed: Iterable[str]) -> None:
        self.networks, self.hosts = [], set()
        for entry in allowed:
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.hosts.add(_host_key(entry))

    def check(self, host: str, addresses: list[str]) -> None:
        """Raise BlockedAddress for the first of `host`'s addresses that may not be used.

        All must pass, not one: a name that also resolves to a private address is refused.
        """
        if _host_key(host) in self.hosts:
            return
        for address in addresses:
            kind = address_kind(address)
            if kind and not self._allowed(address):
                raise BlockedAddress(host, address, kind)

    def _allowed(self, address: str) -> bool:
        ip = ipaddress.ip_address(address.partition("%")[0])
        candidates = {ip, _embedded(ip)}
        return any(c in network for network in self.networks for c in candidates)


def _host_key(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()


def resolve_host(host: str, port: int) -> list[str]:
    """The addresses of `host` for a TCP connection, in the resolver's order, each once."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


class _Deadline:
    """When the response being read must be complete; every socket wait is clamped to it.

    One per Fetcher, shared by its connections: a Fetcher reads one response at a time.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.at: float | None = None
        self.binding = False  # whether it, not the per-read timeout, bounded the last wait

    def clamp(self, timeout: float | None, error: type[Exception]) -> float | None:
        """The timeout for the next socket wait; raises `error` once the deadline has passed."""
        self.binding = False
        if self.at is None:
            return timeout
        remaining = self.at - self._clock()
        if remaining <= 0 or timeout is None or remaining < timeout:
            self.binding = True
        if remaining <= 0:
            raise error("response deadline passed")
        return remaining if self.binding else timeout


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the deadline, however slow the peer."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadline.clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadline.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        timeout = self._deadline.clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout),
                               self._deadline)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves each host once, checks every address, and connects to those very addresses."""

    def __init__(self, policy: AddressPolicy, deadline: _Deadline,
                 resolve: Callable[[str, int], list[str]]) -> None:
        self._policy = policy
        self._deadline = deadline
        self._resolve = resolve
        self._tcp = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options=None) -> httpcore.NetworkStream:
        # getaddrinfo takes no timeout: a resolver that hangs can hold a request past its
        # deadline (bounded by the system resolver's own timeouts and attempts).
        try:
            addresses = self._resolve(host, port)
        except OSError as e:
            raise httpcore.ConnectError(str(e)) from None
        self._policy.check(host, addresses)
        error: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in addresses:  # TLS still names `host` (SNI, certificate): httpcore passes it
            try:
                stream = self._tcp.connect_tcp(
                    address, port, self._deadline.clamp(timeout, httpcore.ConnectTimeout),
                    local_address, socket_options)
                return _DeadlineStream(stream, self._deadline)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                error = e
        raise error

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options=None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("Unix sockets are never used for fetching")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport over the guarded backend.

    httpx 0.28 takes no network backend (encode/httpx#3749 proposes one), so the connection pool
    the transport uses is built here instead of by HTTPTransport.__init__. A client given a
    transport ignores proxy variables, as the address check needs.
    """

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        # HTTPTransport.__init__ is not called: it would only build a pool (and a TLS context)
        # to be thrown away; the pool is all its methods use.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), max_connections=100,
            max_keepalive_connections=20, keepalive_expiry=5.0, network_backend=backend)


@dataclass
class FetchStats:
    """What fetching left out without a quarantine row, for the run's summary.

    skipped_entries (dict[str, int]): feed URL -> its entries beyond `max_entries_per_feed`,
        neither fetched nor quarantined.
    """

    skipped_entries: dict[str, int] = field(default_factory=dict)

    @property
    def skipped_entries_total(self) -> int:
        return sum(self.skipped_entries.values())


@dataclass(frozen=True)
class Page:
    """A fetched response body, read in full and within the size limit."""

    url: str
    final_url: str
    content_type: str
    charset: str | None
    body: bytes


class Fetcher:
    """One HTTP client for a whole run: connection reuse, politeness, retries, limits, deadlines.

    sleep and clock are injectable for tests; resolve (host, port -> addresses) too, so that a
    made-up name can stand for one that DNS would answer.
    """

    def __init__(self, settings: HttpSettings, *, max_bytes: int,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 resolve: Callable[[str, int], list[str]] = resolve_host,
                 stats: FetchStats | None = None) -> None:
        self.settings = settings
        self.max_bytes = max_bytes
        self.stats = stats if stats is not None else FetchStats()
        self._sleep = sleep
        self._clock = clock
        self._deadline = _Deadline(clock)
        self._hops: list[str] = []  # the URLs asked for in the current attempt, redirects included
        self.limiter = RateLimiter(settings.per_host_interval_s, sleep=sleep)
        backend = _GuardedBackend(AddressPolicy(settings.allow_private_addresses), self._deadline,
                                  resolve)
        # The request hook runs for every redirect hop: each is spaced and gets its own deadline.
        self.client = httpx.Client(
            headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(settings.timeout_s),
            follow_redirects=True,
            max_redirects=settings.max_redirects,
            transport=_GuardedTransport(backend),
            event_hooks={"request": [self._before_request]},
        )
        # The run's clock starts once the client is ready (loading CA certificates takes a while).
        run = settings.run_deadline_s
        self._run_end = None if run is None else clock() + run

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def _before_request(self, request: httpx.Request) -> None:
        self.limiter.wait(request.url.host)
        self._hops.append(str(request.url))
        end = self._clock() + self.settings.response_deadline_s
        self._deadline.at = end if self._run_end is None else min(end, self._run_end)

    def run_over(self) -> bool:
        """Whether the run's fetching deadline has passed."""
        return self._run_end is not None and self._clock() >= self._run_end

    def get(self, url: str, *, html_only: bool) -> Page:
        """The body at `url`, retried as the settings allow.

        html_only (bool): reject a response whose content type is not HTML before reading it.
        Raises IngestError with a reason that names the URL.
        """
        if self.run_over():
            raise IngestError(f"{url}: not fetched: {self._run_over_reason()}")
        attempts = self.settings.retries + 1
        attempt = 1
        while True:
            try:
                return self._get_once(url, html_only=html_only)
            except _Retryable as e:
                failed = f"{url}: {e.reason} after {attempt} attempt{'s' if attempt > 1 else ''}"
                if attempt == attempts:
                    raise IngestError(failed) from None
                self._sleep(self._retry_delay(attempt, e.retry_after))
                if self.run_over():
                    raise IngestError(f"{failed}, not retried: {self._run_over_reason()}") from None
                attempt += 1

    def _run_over_reason(self) -> str:
        return (f"the run's {self.settings.run_deadline_s:g} s fetching deadline "
                "(http.run_deadline_s) has passed")

    def _retry_delay(self, attempt: int, retry_after: float | None) -> float:
        backoff = self.settings.backoff_s * 2 ** (attempt - 1)
        delay = backoff if retry_after is None else max(
            backoff, min(retry_after, self.settings.max_retry_after_s))
        # Never sleep past the run's end: the retry would be refused anyway.
        if self._run_end is None:
            return delay
        return max(0.0, min(delay, self._run_end - self._clock()))

    def _get_once(self, url: str, *, html_only: bool) -> Page:
        self._hops = []
        try:
            with self.client.stream("GET", url) as response:
                return self._read(url, response, html_only=html_only)
        except BlockedAddress as e:
            raise IngestError(self._refusal(url, e)) from None
        except httpx.TooManyRedirects:
            raise IngestError(f"{url}: too many redirects "
                              f"(more than {self.settings.max_redirects})") from None
        except httpx.TimeoutException:
            if self._deadline.binding:
                raise IngestError(self._deadline_reason(url)) from None
            raise _Retryable(f"timed out ({self.settings.timeout_s:g} s without data)") from None
        except RETRY_ERRORS as e:
            raise _Retryable(f"connection failed ({_error_text(e)})") from None
        except (httpx.HTTPError, httpx.InvalidURL) as e:
            raise IngestError(f"{url}: request failed ({_error_text(e)})") from None

    def _refusal(self, url: str, e: BlockedAddress) -> str:
        hop = f"redirected to {self._hops[-1]}; " if len(self._hops) > 1 else ""
        article = "an" if e.kind[0] in "aeiou" else "a"
        where = (f"{e.address} is" if _host_key(e.host) == e.address
                 else f"{e.host} resolves to {e.address},")
        return (f"{url}: refused: {hop}{where} {article} {e.kind} address "
                "(not in http.allow_private_addresses)")

    def _deadline_reason(self, url: str) -> str:
        # Not retried: a server this slow is not expected to be quicker a second later.
        if self._run_end is not None and self._deadline.at >= self._run_end:
            return f"{url}: cut off: {self._run_over_reason()}"
        return (f"{url}: response not complete within the {self.settings.response_deadline_s:g} s "
                "deadline (http.response_deadline_s)")

    def _read(self, url: str, response: httpx.Response, *, html_only: bool) -> Page:
        status = response.status_code
        if status == 429 or status >= 500:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise _Retryable(f"HTTP {status}", retry_after=retry_after)
        if status >= 400:
            raise IngestError(f"{url}: HTTP {status} {response.reason_phrase}".rstrip())
        content_type, charset = _content_type(response.headers.get("Content-Type", ""))
        if html_only and content_type and content_type not in HTML_TYPES:
            raise IngestError(f"{url}: content type {content_type!r} is not HTML")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise IngestError(f"{url}: body is {declared} bytes, "
                              f"over the {self.max_bytes}-byte limit")
        return Page(url=url, final_url=str(response.url), content_type=content_type,
                    charset=charset, body=self._read_body(url, response))

    def _read_body(self, url: str, response: httpx.Response) -> bytes:
        # Decoded bytes are counted, so a small compressed body cannot expand past the limit.
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise IngestError(f"{url}: body over the {self.max_bytes}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)


class _Retryable(Exception):
    """A failure that may pass: retried, and reported with the attempt count when it does not."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _content_type(header: str) -> tuple[str, str | None]:
    """The media type and charset parameter of a Content-Type header."""
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value.strip('"\' '):
            charset = value.strip('"\' ')
    return media.strip().lower(), charset


def _error_text(error: Exception) -> str:
    return str(error) or type(error).__name__


def fetch_sources(feeds: list[str], urls: list[str], settings: HttpSettings, *,
                  max_bytes: int,
                  stats: FetchStats | None = None) -> Iterator[RawDocument | Rejected]:
    """Every article of every feed, then every listed page, as documents or rejections.

    feeds (list[str]): RSS/Atom feed URLs; each entry's link is fetched as an article page.
    urls (list[str]): article page URLs.
    settings (HttpSettings): timeouts, retries, politeness.
    max_bytes (int): the size limit of every response body.
    stats (FetchStats | None): filled in as the items are yielded, with what was left out
        without a quarantine row (entries beyond `max_entries_per_feed`); read it once the
        iterator is exhausted.
    YIELDS (RawDocument | Rejected): one item per feed entry (up to the limit) or URL, or one
        Rejected for a feed that cannot be read at all. Once the run deadline has passed every
        remaining feed and URL is still one Rejected, fetched no more.
    """
    with Fetcher(settings, max_bytes=max_bytes, stats=stats) as fetcher:
        for feed in feeds:
            yield from read_feed(fetcher, feed)
        for url in urls:
            yield read_page(fetcher, url)


def read_feed(fetcher: Fetcher, feed_url: str) -> Iterator[RawDocument | Rejected]:
    """The articles of one feed; the feed itself failing is one Rejected with its URL."""
    try:
        entries = parse_feed(fetcher.get(feed_url, html_only=False))
    except IngestError as e:
        yield Rejected(feed_url, str(e))
        return
    limit = fetcher.settings.max_entries_per_feed
    if len(entries) > limit:
        skipped = fetcher.stats.skipped_entries
        skipped[feed_url] = skipped.get(feed_url, 0) + len(entries) - limit
    for i, entry in enumerate(entries[:limit]):
        link = entry.get("link")
        if not link:
            yield Rejected(f"{feed_url}#{entry.get('id') or i}",
                           f"{feed_url}: feed entry {i} has no link")
            continue
        yield read_page(fetcher, link, entry=entry)


def parse_feed(page: Page) -> list:
    """The entries of a fetched feed.

    Raises IngestError when feedparser finds neither a feed nor any entries in the body.
    """
    import feedparser

    # Bytes, never the URL: given a URL feedparser would fetch it itself, without our limits.
    # content-location lets it resolve relative entry links against the feed's final URL.
    parsed = feedparser.parse(page.body, response_headers={
        "content-location": page.final_url,
        "content-type": page.content_type + (f"; charset={page.charset}" if page.charset else ""),
    })
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        if page.content_type in HTML_TYPES:  # a site's home page configured as its feed
            raise IngestError(f"{page.url}: not a feed but an HTML page")
        raise IngestError(f"{page.url}: unparsable feed: {_feed_problem(parsed)}")
    return parsed.entries


def _feed_problem(parsed) -> str:
    error = parsed.get("bozo_exception")
    if error is None:
        return "not an RSS or Atom document"
    # The XML parser's message without its position: feedparser may have rewritten the prolog,
    # so the line would not be the document's.
    if hasattr(error, "getMessage"):
        return error.getMessage()
    return _one_line(str(error)) or type(error).__name__


def read_page(fetcher: Fetcher, url: str, *, entry: dict | None = None) -> RawDocument | Rejected:
    """One article page, with its feed entry (if any) filling in what the page lacks."""
    try:
        page = fetcher.get(url, html_only=True)
        return page_document(page, entry)
    except IngestError as e:
        reason = str(e)
        return Rejected(url, reason if reason.startswith(url) else f"{url}: {reason}")


def page_document(page: Page, entry: dict | None = None) -> RawDocument:
    """A fetched page as a document: `source` the URL asked for, `url` the one answered.

    The publication date is the page's declared one, else the feed entry's, else trafilatura's
    guess; the title the page's, else the entry's. external_id is the entry's guid/id, else the
    URL asked for (as a file's name is for files).
    """
    html, encoding = decode_page(page)
    doc = parse_html(page.url, html, encoding, page.url)
    entry = entry or {}
    published = html_metadata_date(html) or entry_published(entry) or doc.published
    return replace(doc, url=page.final_url, external_id=entry.get("id") or page.url,
                   title=doc.title or entry.get("title") or None, published=published)


def decode_page(page: Page) -> tuple[str, str]:
    """The page's text: in the charset the server declared when that works, else detected."""
    if page.charset:
        try:
            return page.body.decode(page.charset), page.charset.lower()
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration; detection below still has a chance
    return decode(page.body)


def entry_published(entry: dict) -> datetime | None:
    """A feed entry's published (else updated) time; feedparser gives it as UTC."""
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime(*parsed[:6], tzinfo=UTC) if parsed else None


def _one_line(text: str) -> str:
    return " ".join(text.split())
