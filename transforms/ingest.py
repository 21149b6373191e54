"""Turning input bytes into documents: decoding, metadata, main-text extraction.

Pure functions: the caller reads files and passes bytes in. Every input ends as exactly one of
a `RawDocument` (then a documents row via `build_document`) or a `Rejected` with its reason,
so nothing is dropped silently.
"""

from __future__ import annotations

import codecs
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Callable, Iterable, Iterator

import yaml
from dateutil import parser as dateparser

from transforms.ids import doc_id
from transforms.text import normalize_text

# File suffix -> input format.
FORMATS = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
    ".html": "html", ".htm": "html", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# charset-normalizer's chaos is the share of odd characters in the decoded text; coherence is
# how well it matches a language. Below these we'd rather quarantine than store mojibake.
MAX_CHAOS = 0.1
MIN_COHERENCE = 0.2
# No news article was published before this; earlier dates are placeholders such as 0001-01-01.
EARLIEST_PUBLISHED = datetime(1800, 1, 1, tzinfo=UTC)
# A publication date may run ahead of the ingest day by a time zone, not more.
MAX_DAYS_AHEAD = 1
BINARY = "binary file (contains NUL bytes)"

log = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


class IngestError(ValueError):
    """An input that cannot become a document; the message is the quarantine reason."""


class ImplausibleDate(IngestError):
    """A publication date that is a date, but cannot be one of a news article."""


@dataclass(frozen=True)
class RawDocument:
    """A document as read, before normalisation."""

    source: str
    text: str
    input_format: str
    encoding: str = "utf-8"
    external_id: str | None = None
    title: str | None = None
    published: Any = None
    url: str | None = None
    publisher: str | None = None
    license: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Rejected:
    """An input that was quarantined at ingest."""

    source: str
    reason: str
    doc_id: str | None = None
    stage: str = field(default="ingest")


def failure_reason(error: Exception) -> str:
    """The quarantine reason for any error raised while reading or parsing one input."""
    if isinstance(error, IngestError):
        return str(error)
    if isinstance(error, RecursionError):
        return "nested too deeply to parse"
    if isinstance(error, OSError):
        return f"unreadable file: {error.strerror or error}"
    return f"unexpected {type(error).__name__} while parsing: {error}"


def rejecting(source: str, parse: Callable[[], RawDocument]) -> RawDocument | Rejected:
    """`parse()`, or the Rejected its error becomes, so that one input never stops a run.

    MemoryError, KeyboardInterrupt and SystemExit still propagate: they are not the input's fault.
    """
    try:
        return parse()
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 - any failure of one input is that input's reason
        return Rejected(source, failure_reason(e))


def guarded(source: str, items: Iterator[RawDocument | Rejected]) -> Iterator[RawDocument | Rejected]:
    """`items`, ended by a Rejected for `source` when producing them fails (as `rejecting`)."""
    try:
        yield from items
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 - as in `rejecting`
        yield Rejected(source, failure_reason(e))


def input_format(name: str) -> str | None:
    """The input format for a file name, or None when the suffix is not supported."""
    dot = name.rfind(".")
    return FORMATS.get(name[dot:].lower()) if dot >= 0 else None


def decode(data: bytes) -> tuple[str, str]:
    """Bytes to text.

    data (bytes): the raw input.
    RETURNS (tuple[str, str]): the text and the encoding it was decoded from: a BOM's, else
        UTF-8, else a detected encoding when detection is confident.
    Raises IngestError for empty or binary input and for text whose encoding is uncertain. A NUL
    anywhere (a byte, or a character after a UTF-16/32 byte-order mark) marks the input binary:
    no text has one, and a corrupt file is better quarantined than stored with its holes.
    """
    if not data.strip():
        raise IngestError("empty input")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as e:
                raise IngestError(f"invalid {encoding} despite its byte-order mark: {e.reason}") from e
            if "\x00" in text:
                raise IngestError(BINARY)
            return text, encoding
    if b"\x00" in data:
        raise IngestError(BINARY)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise IngestError("binary or undecodable content: no text encoding fits")
    if best.chaos > MAX_CHAOS or best.coherence < MIN_COHERENCE:
        raise IngestError(
            f"not valid UTF-8 and encoding detection is not confident "
            f"(best guess {best.encoding}: chaos {best.chaos:.2f}, coherence {best.coherence:.2f})"
        )
    return str(best), best.encoding


def split_front_matter(text: str) -> tuple[dict, str]:
    """A leading `---` YAML block as metadata, and the body after it."""
    if not text.startswith("---"):
        return {}, text
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, text
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            try:
                meta = yaml.safe_load("\n".join(lines[1:i])) or {}
            except yaml.YAMLError as e:
                raise IngestError(f"malformed front matter: {str(e).splitlines()[0]}") from e
            if not isinstance(meta, dict):
                raise IngestError("malformed front matter: not a mapping of fields")
            return meta, "\n".join(lines[i + 1:])
    raise IngestError("malformed front matter: no closing '---' line")


def parse_text(source: str, text: str, fmt: str, encoding: str, file_name: str) -> RawDocument:
    """A .txt or .md file: optional front matter (id, title, published, url, ...) then the body."""
    meta, body = split_front_matter(text.lstrip("\ufeff"))
    return _from_fields(source, {"id": file_name, **meta, "text": body}, fmt, encoding)


def parse_html(source: str, html: str, encoding: str, file_name: str) -> RawDocument:
    """An .html page: main text and metadata extracted with trafilatura."""
    import trafilatura

    # fast=True skips trafilatura's fallback extractors, which return navigation and forms as
    # "text" for pages without an article; such pages belong in quarantine.
    extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                            include_tables=False, favor_precision=True, fast=True)
    if extracted is None or not (extracted.text or "").strip():
        raise IngestError("no article text found in the HTML page")
    return RawDocument(
        source=source, text=extracted.text, input_format="html", encoding=encoding,
        external_id=file_name, title=extracted.title, published=extracted.date,
        url=extracted.url, publisher=extracted.sitename,
    )


def html_metadata_date(html: str) -> str | None:
    """The publication time a page declares in its markup (meta tags, JSON-LD, <time>), or None.

    trafilatura's own date falls back to guesses from the text ("announced in 2020"); a fetched
    page's declared date is preferred over its feed entry's date, but a guess is not.
    RETURNS (str | None): ISO 8601 with the UTC offset, e.g. "2025-12-01T08:30:00+0000".
    """
    from htmldate import find_date
    from trafilatura import load_html

    # Parsed here, not by htmldate: given a string that looks like a URL, htmldate downloads it.
    tree = load_html(html)
    if tree is None:
        return None
    return find_date(tree, extensive_search=False, original_date=True,
                     outputformat="%Y-%m-%dT%H:%M:%S%z")


def parse_json(source: str, text: str, encoding: str) -> Iterator[RawDocument | Rejected]:
    """A .json file: one record or a list of records (each as a JSON Lines record)."""
    try:
        value = _json(text, what="JSON")
    except IngestError as e:
        yield Rejected(source, str(e))
        return
    records = value if isinstance(value, list) else [value]
    for i, record in enumerate(records):
        where = f"{source}#{i}" if isinstance(value, list) else source
        yield rejecting(where, lambda: parse_record(where, record, "json", encoding))


def _json(text: str, *, what: str) -> Any:
    """json.loads with its errors as quarantine reasons; `what` is "JSON" or "JSON line"."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        where = f"column {e.colno}" if what == "JSON line" else f"line {e.lineno} column {e.colno}"
        raise IngestError(f"malformed {what}: {e.msg} at {where}") from e
    except RecursionError as e:  # the decoder recurses once per nested array or object
        raise IngestError(f"malformed {what}: nested too deeply to parse") from e


def parse_jsonl_line(source: str, line: bytes) -> RawDocument:
    """One JSON Lines record (`source` already names the line)."""
    text, encoding = decode(line.rstrip(b"\r\n"))
    return parse_record(source, _json(text, what="JSON line"), "jsonl", encoding)


def parse_record(source: str, record: object, fmt: str, encoding: str) -> RawDocument:
    """A JSON record with fields id, title, text, published, url or url_or_path, source,
    license (unknown fields ignored)."""
    if not isinstance(record, dict):
        raise IngestError(f"JSON record is a {type(record).__name__}, not an object")
    return _from_fields(source, record, fmt, encoding)


def _from_fields(source: str, fields: dict, fmt: str, encoding: str) -> RawDocument:
    text = fields.get("text")
    if not isinstance(text, str) or not text.strip():
        raise IngestError("record has no text" if text is None else "record's text is empty or not a string")
    if "\x00" in text:  # a JSON \u0000 escape: binary like a NUL byte in a file
        raise IngestError("record's text contains NUL characters")
    locator = fields.get("url_or_path")
    if fields.get("url") is None and isinstance(locator, str) and locator.startswith(("http://", "https://")):
        fields = {**fields, "url": locator}
    return RawDocument(
        source=source, text=text, input_format=fmt, encoding=encoding,
        external_id=_opt_str(fields, "id"), title=_opt_str(fields, "title"),
        published=_scalar(fields, "published" if "published" in fields else "date"),
        url=_opt_str(fields, "url"),
        publisher=_opt_str(fields, "source"), license=_opt_str(fields, "license"),
        language=_opt_str(fields, "language"),
    )


def _scalar(fields: dict, name: str) -> object:
    """A metadata field's value; a list or mapping is refused, not printed: YAML aliases nest
    a few lines into more text than memory holds."""
    value = fields.get(name)
    if isinstance(value, (list, dict)):
        raise IngestError(f"field {name!r} is a {type(value).__name__}, not a single value")
    return value


def _opt_str(fields: dict, name: str) -> str | None:
    value = _scalar(fields, name)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def parse_published(value: object) -> datetime | None:
    """A publication time in UTC from a date, datetime or string; naive times are taken as UTC.

    Raises IngestError for a value that is present but not a date, and its ImplausibleDate for
    one that is a date but has no UTC time (year 1 or 9999 shifted by its offset).
    """
    if value is None or value == "":
        return None
    shown = _shown(value)
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            dt = dateparser.parse(value)
        except (ValueError, OverflowError) as e:
            raise IngestError(f"unparseable published date {shown}") from e
    else:
        raise IngestError(f"unparseable published date {shown}")
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except OverflowError as e:
        raise ImplausibleDate(f"published date {shown} is out of range") from e
    except ValueError as e:  # an offset of a day or more: "+99:00"
        raise IngestError(f"unparseable published date {shown}: time zone offset out of range") from e


def _shown(value: object, limit: int = 80) -> str:
    """A value as a quarantine reason quotes it: repr, cut short."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}..."


def plausible_published(value: object, *, ingested_at: datetime) -> tuple[datetime | None, str | None]:
    """The publication time, unless it cannot be one: before 1800 or after the ingest day + 1.

    Such dates are placeholders (0001-01-01, 9999-12-31) or typos, while the text is fine: the
    document is kept as undated, its relative dates resolved against the ingest time.
    value (object): the source's published value, as `parse_published` takes it.
    ingested_at (datetime): when the run ingests it (UTC).
    RETURNS (tuple[datetime | None, str | None]): the time in UTC or None, and why a date the
        source gave was set aside (None when it was not).
    Raises IngestError for a value that is not a date at all.
    """
    try:
        published = parse_published(value)
    except ImplausibleDate as e:
        return None, f"implausible {e}; kept as undated"
    if published is None:
        return None, None
    latest = ingested_at.astimezone(UTC).date() + timedelta(days=MAX_DAYS_AHEAD)
    if published < EARLIEST_PUBLISHED:
        why = f"before {EARLIEST_PUBLISHED.year}"
    elif published.date() > latest:
        why = f"after {latest}, the day after ingestion"
    else:
        return published, None
    return None, f"implausible published date {_shown(value)} ({why}); kept as undated"


def build_document(raw: RawDocument, *, run_id: str, ingested_at: datetime,
                   default_language: str = "en") -> dict:
    """A documents row from a raw document: text normalised once, id derived from it.

    Raises IngestError when nothing is left of the text or the metadata is invalid. An
    implausible publication date is dropped with a logged warning (see `plausible_published`).
    """
    text = normalize_text(raw.text)
    if not text:
        raise IngestError("empty text after normalisation")
    published, note = plausible_published(raw.published, ingested_at=ingested_at)
    if note:
        log.warning("%s: %s", raw.source, note)
    return {
        "doc_id": doc_id(text),
        "external_id": raw.external_id,
        "source": raw.source,
        "url": raw.url,
        "title": normalize_text(raw.title) if raw.title else None,
        "published_at": published,
        "date_basis": "published" if published else "ingested",
        "language": (raw.language or default_language).lower()[:2],
        "text": text,
        "n_chars": len(text),
        "ingested_at": ingested_at,
        "run_id": run_id,
        "publisher": raw.publisher,
        "license": raw.license,
        "encoding": raw.encoding,
        "input_format": raw.input_format,
    }


@dataclass(frozen=True)
class Known:
    """An input whose text is already stored: published by an earlier run (`published`), or
    seen earlier in this run. `stale` when the stored rows come from another extractor version."""

    doc_id: str
    published: bool
    stale: bool = False


def new_documents(
    inputs: Iterable[RawDocument | Rejected], *, known: dict[str, str | None], run_id: str,
    at: datetime, extractor_version: str,
) -> Iterator[dict | Rejected | Known]:
    """Documents rows for inputs whose text is new.

    inputs: raw documents and ingest rejections, as read.
    known (dict[str, str | None]): doc_id -> extractor version of every published document.
    RETURNS: per input, a documents row (new text), a Rejected (bad input) or a Known (text
        already stored).
    """
    seen_now: set[str] = set()
    for item in inputs:
        if isinstance(item, Rejected):
            yield item
            continue
        try:
            row = build_document(item, run_id=run_id, ingested_at=at)
        except IngestError as e:
            yield Rejected(item.source, str(e))
            continue
        doc_id = row["doc_id"]
        if doc_id in known:
            yield Known(doc_id, published=True, stale=known[doc_id] != extractor_version)
        elif doc_id in seen_now:
            yield Known(doc_id, published=False)
        else:
            seen_now.add(doc_id)
            yield {**row, "extractor_version": extractor_version}
