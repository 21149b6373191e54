import json
from datetime import UTC, datetime

import pytest

from transforms.extract import Known, new_documents
from transforms.ingest import (
    IngestError, RawDocument, Rejected, build_document, decode, parse_html, parse_json,
    parse_jsonl_line, parse_published, parse_text, split_front_matter,
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
