"""Reading feeds and article pages over HTTP: the only place that talks to the network.

Feeds (RSS 2.0, Atom, anything feedparser reads) are fetched and every entry's link is fetched
as an article page; listed URLs are fetched directly. Pages go through the same
`transforms.ingest.parse_html` as .html files. Every failure becomes one `Rejected` whose reason
names the URL, so one dead site never stops a night:

- timeouts, connection errors, 429 and 5xx are retried with exponential backoff (a server's
  Retry-After is honoured up to a cap); other 4xx are not retried;
- too many redirects, a body over `max_bytes` (read no further than the limit), a content type
  that is not HTML, a page without article text and an unparsable feed are rejected at once.

Requests to one host are at least `per_host_interval_s` apart, redirects included, and all carry
the configured User-Agent.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Callable, Iterator

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


@dataclass(frozen=True)
class Page:
    """A fetched response body, read in full and within the size limit."""

    url: str
    final_url: str
    content_type: str
    charset: str | None
    body: bytes


class Fetcher:
    """One HTTP client for a whole run: connection reuse, politeness, retries and limits."""

    def __init__(self, settings: HttpSettings, *, max_bytes: int,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.max_bytes = max_bytes
        self._sleep = sleep
        self.limiter = RateLimiter(settings.per_host_interval_s, sleep=sleep)
        # The limiter runs as a request hook so that every redirect hop is spaced too.
        self.client = httpx.Client(
            headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(settings.timeout_s),
            follow_redirects=True,
            max_redirects=settings.max_redirects,
            event_hooks={"request": [lambda request: self.limiter.wait(request.url.host)]},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def get(self, url: str, *, html_only: bool) -> Page:
        """The body at `url`, retried as the settings allow.

        html_only (bool): reject a response whose content type is not HTML before reading it.
        Raises IngestError with a reason that names the URL.
        """
        attempts = self.settings.retries + 1
        attempt = 1
        while True:
            try:
                return self._get_once(url, html_only=html_only)
            except _Retryable as e:
                if attempt == attempts:
                    raise IngestError(f"{url}: {e.reason} after {attempts} attempt"
                                      f"{'s' if attempts > 1 else ''}") from None
                self._sleep(self._retry_delay(attempt, e.retry_after))
                attempt += 1

    def _retry_delay(self, attempt: int, retry_after: float | None) -> float:
        backoff = self.settings.backoff_s * 2 ** (attempt - 1)
        if retry_after is None:
            return backoff
        return max(backoff, min(retry_after, self.settings.max_retry_after_s))

    def _get_once(self, url: str, *, html_only: bool) -> Page:
        try:
            with self.client.stream("GET", url) as response:
                return self._read(url, response, html_only=html_only)
        except httpx.TooManyRedirects:
            raise IngestError(f"{url}: too many redirects "
                              f"(more than {self.settings.max_redirects})") from None
        except httpx.TimeoutException:
            raise _Retryable(f"timed out ({self.settings.timeout_s:g} s without data)") from None
        except RETRY_ERRORS as e:
            raise _Retryable(f"connection failed ({_error_text(e)})") from None
        except (httpx.HTTPError, httpx.InvalidURL) as e:
            raise IngestError(f"{url}: request failed ({_error_text(e)})") from None

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
                  max_bytes: int) -> Iterator[RawDocument | Rejected]:
    """Every article of every feed, then every listed page, as documents or rejections.

    feeds (list[str]): RSS/Atom feed URLs; each entry's link is fetched as an article page.
    urls (list[str]): article page URLs.
    settings (HttpSettings): timeouts, retries, politeness.
    max_bytes (int): the size limit of every response body.
    YIELDS (RawDocument | Rejected): one item per feed entry or URL, or one Rejected for a feed
        that cannot be read at all.
    """
    with Fetcher(settings, max_bytes=max_bytes) as fetcher:
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
    for i, entry in enumerate(entries[:fetcher.settings.max_entries_per_feed]):
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
