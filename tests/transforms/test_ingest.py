import json
from datetime import UTC, datetime

import pytest

from transforms.ingest import Known, new_documents
from transforms.ingest import (
    IngestError, RawDocument, Rejected, build_document, decode, guarded, parse_html, parse_json,
    parse_jsonl_line, parse_published, parse_text, plausible_published, rejecting, split_front_matter,
)

AT = datetime(2026, 11, 24, tzinfo=UTC)
LATIN1 = ("Le président de la République a déclaré mercredi que l'économie française était "
          "plus forte que prévu, malgré la crise énergétique qui frappe l'Europe depuis des mois.")


def test_decode_utf8_and_bom():
    assert decode("Nicolás".encode()) == ("Nicolás", "utf-8")
    assert decode("\ufeffhi".encode("utf-8")) == ("hi", "utf-8-sig")
    assert decode("hi there".encode("utf-16")) == ("hi there", "utf-16")


def test_decode_detects_a_confident_legacy_encoding():
    text, encoding = decode(LATIN1.encode("latin-1"))
    assert "président" in text and "économie" in text
    assert encoding != "utf-8"


@pytest.mark.parametrize("data, reason", [
    (b"", "empty input"),
    (b"  \n\t ", "empty input"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (bytes(range(128, 256)) * 3, "not confident|undecodable"),
    (b"word " * 2000 + b"\x00 after the first 8 KB", "binary"),  # one rule wherever the NUL is
    ("text with a NUL\x00".encode("utf-16"), "binary"),
])
def test_decode_rejects(data, reason):
    with pytest.raises(IngestError, match=reason):
        decode(data)


def test_front_matter():
    meta, body = split_front_matter("---\npublished: 2025-12-01\ntitle: T\n---\nBody text.")
    assert meta == {"published": datetime(2025, 12, 1).date(), "title": "T"}
    assert body == "Body text."
    assert split_front_matter("No front matter.") == ({}, "No front matter.")
    with pytest.raises(IngestError, match="malformed front matter"):
        split_front_matter("---\ntitle: [unclosed\n---\nBody")
    with pytest.raises(IngestError, match="no closing"):
        split_front_matter("---\ntitle: x\nBody")


def test_parse_text_keeps_file_name_as_external_id():
    raw = parse_text("a/b.md", "---\nurl: https://x.org/a\n---\nText.", "md", "utf-8", "b.md")
    assert (raw.external_id, raw.url, raw.text, raw.input_format) == ("b.md", "https://x.org/a", "Text.", "md")


def test_parse_html_extracts_main_text_and_metadata():
    html = """<html><head><title>Reward raised</title>
    <meta property="article:published_time" content="2025-11-30T10:00:00Z">
    <link rel="canonical" href="https://example.org/reward"></head><body>
    <nav>Home | World | Business | Sport</nav>
    <article><h1>Reward raised</h1>
    <p>Washington has raised the reward for information leading to the arrest to US$50 million,
    officials said on Sunday, in a move that increases pressure on the government in Caracas.</p>
    <p>The State Department also offered US$25 million rewards for several senior officials.</p>
    </article><footer>Copyright Example News</footer></body></html>"""
    raw = parse_html("reward.html", html, "utf-8", "reward.html")
    assert "US$50 million" in raw.text and "US$25 million" in raw.text
    assert "Home | World" not in raw.text and "Copyright" not in raw.text
    assert raw.title == "Reward raised"
    assert raw.url == "https://example.org/reward"
    assert str(raw.published).startswith("2025-11-30")


def test_parse_html_without_article_is_rejected():
    with pytest.raises(IngestError, match="no article text"):
        parse_html("x.html", "<html><body><nav>menu</nav></body></html>", "utf-8", "x.html")


def test_json_records_and_errors():
    text = json.dumps([{"id": 7, "text": "First.", "url_or_path": "https://a.org/1", "extra": 1},
                       {"id": "b", "title": "no text"}, "not an object"])
    items = list(parse_json("f.json", text, "utf-8"))
    assert isinstance(items[0], RawDocument) and items[0].external_id == "7"
    assert items[0].url == "https://a.org/1"
    assert items[1] == Rejected("f.json#1", "record has no text")
    assert isinstance(items[2], Rejected) and "not an object" in items[2].reason
    [bad] = parse_json("g.json", "{oops", "utf-8")
    assert isinstance(bad, Rejected) and bad.reason.startswith("malformed JSON")


def test_jsonl_line():
    raw = parse_jsonl_line("f.jsonl#L3", b'{"id": "r1", "text": "Hi.", "published": "1987-02-26", '
                                         b'"source": "reuters", "license": "research", "url_or_path": "x/y.sgm"}')
    assert (raw.external_id, raw.publisher, raw.license, raw.url) == ("r1", "reuters", "research", None)
    with pytest.raises(IngestError, match="malformed JSON line"):
        parse_jsonl_line("f.jsonl#L4", b'{"id": "r2", "text": ')
    with pytest.raises(IngestError, match="record's text is empty"):
        parse_jsonl_line("f.jsonl#L5", b'{"id": "r3", "text": "   "}')


@pytest.mark.parametrize("value, expected", [
    ("2025-12-01", datetime(2025, 12, 1, tzinfo=UTC)),
    ("2025-12-01T10:00:00+02:00", datetime(2025, 12, 1, 8, tzinfo=UTC)),
    ("Mon, 01 Dec 2025 09:30:00 GMT", datetime(2025, 12, 1, 9, 30, tzinfo=UTC)),
    (None, None),
])
def test_parse_published(value, expected):
    assert parse_published(value) == expected


def test_parse_published_rejects_garbage():
    with pytest.raises(IngestError, match="unparseable published date"):
        parse_published("not a date at all")


def test_build_document_normalises_once_and_derives_id():
    raw = RawDocument("s.txt", "  Maduro\r\nsaid  no. ", "txt", external_id="s.txt", published="2025-12-01")
    row = build_document(raw, run_id="r1", ingested_at=AT)
    assert row["text"] == "Maduro\nsaid no."
    assert row["n_chars"] == len(row["text"])
    assert row["date_basis"] == "published" and row["published_at"] == datetime(2025, 12, 1, tzinfo=UTC)
    assert row["language"] == "en"
    undated = build_document(RawDocument("t.txt", "Maduro said no.", "txt"), run_id="r1", ingested_at=AT)
    assert undated["date_basis"] == "ingested" and undated["published_at"] is None
    assert undated["doc_id"] != row["doc_id"]  # different text, different id


def test_new_documents_accounts_for_every_input():
    inputs = [
        RawDocument("a.txt", "Same text.", "txt"),
        RawDocument("b.txt", "Same  text.", "txt"),  # same after normalisation
        RawDocument("c.txt", "Other text.", "txt"),
        RawDocument("d.txt", "Old text.", "txt"),
        RawDocument("e.txt", "\u200b", "txt"),
        Rejected("f.bin", "binary file"),
    ]
    known = {build_document(inputs[3], run_id="r0", ingested_at=AT)["doc_id"]: "v1"}
    out = list(new_documents(inputs, known=known, run_id="r1", at=AT, extractor_version="v1"))
    assert len(out) == len(inputs)
    assert [type(o).__name__ for o in out] == ["dict", "Known", "dict", "Known", "Rejected", "Rejected"]
    assert out[1] == Known(out[0]["doc_id"], published=False)
    assert out[3] == Known(next(iter(known)), published=True, stale=False)
    assert out[0]["extractor_version"] == "v1"
    assert out[4].reason == "empty text after normalisation"


def test_new_documents_flags_documents_of_another_extractor_version():
    raw = RawDocument("a.txt", "Stored text.", "txt")
    known = {build_document(raw, run_id="r0", ingested_at=AT)["doc_id"]: "v1"}
    [out] = new_documents([raw], known=known, run_id="r1", at=AT, extractor_version="v2")
    assert out.published and out.stale


DEEP = "[" * 10_000 + "]" * 10_000


def test_deeply_nested_json_is_rejected_not_raised():
    assert list(parse_json("d.json", DEEP, "utf-8")) == [
        Rejected("d.json", "malformed JSON: nested too deeply to parse")]
    with pytest.raises(IngestError, match="malformed JSON line: nested too deeply to parse"):
        parse_jsonl_line("d.jsonl#L1", DEEP.encode())


@pytest.mark.parametrize("record, reason", [
    ({"text": "a\u0000b"}, "record's text contains NUL characters"),
    ({"text": "Body.", "title": ["a", "b"]}, "field 'title' is a list, not a single value"),
    ({"text": "Body.", "date": {"y": 2025}}, "field 'date' is a dict, not a single value"),
])
def test_json_record_fields_that_are_rejected(record, reason):
    [out] = parse_json("r.json", json.dumps(record), "utf-8")
    assert out == Rejected("r.json", reason)


def test_front_matter_alias_bomb_is_rejected_without_expanding():
    # Six levels of ten aliases: 10**6 items, a few MB as text; each further level is ten times more.
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
        f"{b}: &{b} [{', '.join([f'*{a}'] * 10)}]" for a, b in zip("abcde", "bcdef")]
    with pytest.raises(IngestError, match="field 'title' is a list"):
        parse_text("bomb.md", "---\n" + "\n".join(levels) + "\ntitle: *f\n---\nBody.", "md", "utf-8", "bomb.md")


def test_any_error_of_one_input_becomes_its_rejection():
    def fails(error):
        def parse():
            raise error
        return parse

    assert rejecting("a.txt", fails(RecursionError())) == Rejected("a.txt", "nested too deeply to parse")
    assert rejecting("b.txt", fails(PermissionError(13, "Permission denied"))) == Rejected(
        "b.txt", "unreadable file: Permission denied")
    assert rejecting("c.txt", fails(KeyError("x"))) == Rejected(
        "c.txt", "unexpected KeyError while parsing: 'x'")
    for error in (MemoryError(), KeyboardInterrupt(), SystemExit(1)):  # not the input's fault
        with pytest.raises(type(error)):
            rejecting("d.txt", fails(error))

    def stream():
        yield RawDocument("e.json#0", "First.", "json")
        raise OverflowError("date value out of range")

    assert list(guarded("e.json", stream())) == [
        RawDocument("e.json#0", "First.", "json"),
        Rejected("e.json", "unexpected OverflowError while parsing: date value out of range")]


@pytest.mark.parametrize("value, expected, note", [
    ("2026-11-25T23:59:00", datetime(2026, 11, 25, 23, 59, tzinfo=UTC), None),  # ingest day + 1
    ("1800-01-01", datetime(1800, 1, 1, tzinfo=UTC), None),
    ("2026-11-26", None, "implausible published date '2026-11-26' "
                         "(after 2026-11-25, the day after ingestion); kept as undated"),
    ("1799-12-31", None, "implausible published date '1799-12-31' (before 1800); kept as undated"),
    ("9999-12-31T23:00:00-05:00", None,
     "implausible published date '9999-12-31T23:00:00-05:00' is out of range; kept as undated"),
    ("0001-01-01T03:00:00+05:00", None,
     "implausible published date '0001-01-01T03:00:00+05:00' is out of range; kept as undated"),
    (datetime(1, 1, 1), None,
     "implausible published date datetime.datetime(1, 1, 1, 0, 0) (before 1800); kept as undated"),
    (None, None, None),
])
def test_plausible_published(value, expected, note):
    assert plausible_published(value, ingested_at=AT) == (expected, note)


def test_parse_published_rejects_an_impossible_offset():
    with pytest.raises(IngestError, match="time zone offset out of range"):
        parse_published("2025-12-01T10:00:00+99:00")


def test_build_document_keeps_a_document_with_an_implausible_date_as_undated(caplog):
    raw = RawDocument("far.jsonl#L3", "Maduro said no.", "jsonl", published="9999-12-31T23:00:00-05:00")
    row = build_document(raw, run_id="r1", ingested_at=AT)
    assert (row["published_at"], row["date_basis"], row["text"]) == (None, "ingested", "Maduro said no.")
    assert "far.jsonl#L3: implausible published date '9999-12-31T23:00:00-05:00'" in caplog.text
