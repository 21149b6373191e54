"""Turning input bytes into documents: decoding, metadata, main-text extraction.

Pure functions: the caller reads files and passes bytes in. Every input ends as exactly one of
a `RawDocument` (then a documents row via `build_document`) or a `Rejected` with its reason,
so nothing is dropped silently.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Iterator

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

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


class IngestError(ValueError):
    """An input that cannot become a document; the message is the quarantine reason."""


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


def input_format(name: str) -> str | None:
    """The input format for a file name, or None when the suffix is not supported."""
    dot = name.rfind(".")
    return FORMATS.get(name[dot:].lower()) if dot >= 0 else None


def decode(data: bytes) -> tuple[str, str]:
    """Bytes to text.

    data (bytes): the raw input.
    RETURNS (tuple[str, str]): the text and the encoding it was decoded from: a BOM's, else
        UTF-8, else a detected encoding when detection is confident.
    Raises IngestError for empty or binary input and for text whose encoding is uncertain.
    """
    if not data.strip():
        raise IngestError("empty input")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as e:
                raise IngestError(f"invalid {encoding} despite its byte-order mark: {e.reason}") from e
    if b"\x00" in data[:8192]:
        raise IngestError("binary file (contains NUL bytes)")
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
        value = json.loads(text)
    except json.JSONDecodeError as e:
        yield Rejected(source, f"malformed JSON: {e.msg} at line {e.lineno} column {e.colno}")
        return
    records = value if isinstance(value, list) else [value]
    for i, record in enumerate(records):
        where = f"{source}#{i}" if isinstance(value, list) else source
        try:
            yield parse_record(where, record, "json", encoding)
        except IngestError as e:
            yield Rejected(where, str(e))


def parse_jsonl_line(source: str, line: bytes) -> RawDocument:
    """One JSON Lines record (`source` already names the line)."""
    text, encoding = decode(line.rstrip(b"\r\n"))
    try:
        record = json.loads(text)
    except json.JSONDecodeError as e:
        raise IngestError(f"malformed JSON line: {e.msg} at column {e.colno}") from e
    return parse_record(source, record, "jsonl", encoding)


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
    url = fields.get("url")
    locator = fields.get("url_or_path")
    if url is None and isinstance(locator, str) and locator.startswith(("http://", "https://")):
        url = locator
    return RawDocument(
        source=source, text=text, input_format=fmt, encoding=encoding,
        external_id=_opt_str(fields.get("id")), title=_opt_str(fields.get("title")),
        published=fields.get("published", fields.get("date")), url=_opt_str(url),
        publisher=_opt_str(fields.get("source")), license=_opt_str(fields.get("license")),
        language=_opt_str(fields.get("language")),
    )


def _opt_str(value: object) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def parse_published(value: object) -> datetime | None:
    """A publication time in UTC from a date, datetime or string; naive times are taken as UTC.

    Raises IngestError for a value that is present but not a date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            dt = dateparser.parse(value)
        except (ValueError, OverflowError) as e:
            raise IngestError(f"unparseable published date {value!r}") from e
    else:
        raise IngestError(f"unparseable published date {value!r}")
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def build_document(raw: RawDocument, *, run_id: str, ingested_at: datetime,
                   default_language: str = "en") -> dict:
    """A documents row from a raw document: text normalised once, id derived from it.

    Raises IngestError when nothing is left of the text or the metadata is invalid.
    """
    text = normalize_text(raw.text)
    if not text:
        raise IngestError("empty text after normalisation")
    published = parse_published(raw.published)
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
