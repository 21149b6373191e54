"""Every kind of bad input becomes a Rejected with a clear reason; good inputs are read."""

import json

import pytest

from flows.sources import InputError, read_inputs
from transforms.ingest import RawDocument, Rejected

GOOD = "Washington raised the reward to US$50 million on Sunday."


@pytest.fixture
def inbox(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (tmp_path / "big.txt").write_text("word " * 300, encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "latin.txt").write_bytes(
        ("Le président de la République a déclaré mercredi que l'économie française était plus "
         "forte que prévu, malgré la crise énergétique qui frappe l'Europe.").encode("latin-1"))
    (tmp_path / "mojibake.txt").write_bytes(bytes(range(128, 256)) * 2)
    sub = tmp_path / "feed"
    sub.mkdir()
    (sub / "records.jsonl").write_text("\n".join([
        json.dumps({"id": "r1", "text": GOOD, "published": "2025-12-01"}),
        '{"id": "r2", "text": ',
        json.dumps({"id": "r3", "title": "no text here"}),
        "",
        json.dumps({"id": "r4", "text": "x" * 2000}),
    ]), encoding="utf-8")
    (sub / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    return tmp_path


def test_bad_inputs_are_rejected_with_reasons(inbox):
    items = {i.source: i for i in read_inputs([inbox], max_bytes=1000)}
    reasons = {s: i.reason for s, i in items.items() if isinstance(i, Rejected)}
    assert reasons == {
        "big.txt": "file is 1500 bytes, over the 1000-byte limit",
        "empty.txt": "empty input",
        "feed/empty.jsonl": "empty input: no JSON Lines records",
        "feed/records.jsonl#L2": "malformed JSON line: Expecting value at column 22",
        "feed/records.jsonl#L3": "record has no text",
        "feed/records.jsonl#L5": "record is 2024 bytes, over the 1000-byte limit",
        "image.txt": "binary file (contains NUL bytes)",
        "mojibake.txt": reasons["mojibake.txt"],
        "notes.docx": "unsupported file type '.docx'; expected .txt, .md, .html, .json or .jsonl",
    }
    assert "encoding detection is not confident" in reasons["mojibake.txt"] or "undecodable" in reasons["mojibake.txt"]
    good = {s: i for s, i in items.items() if isinstance(i, RawDocument)}
    assert set(good) == {"good.txt", "latin.txt", "feed/records.jsonl#L1"}
    assert good["latin.txt"].encoding != "utf-8" and "président" in good["latin.txt"].text
    assert good["feed/records.jsonl#L1"].external_id == "r1"


def test_listing_is_sorted_and_files_can_be_given_directly(inbox):
    sources = [i.source for i in read_inputs([inbox], max_bytes=10_000)]
    assert sources[:3] == ["big.txt", "empty.txt", "feed/empty.jsonl"]
    [one] = read_inputs([inbox / "good.txt"], max_bytes=10_000)
    assert one.source == "good.txt" and one.text == GOOD


def test_missing_input_path_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="input path does not exist"):
        list(read_inputs([tmp_path / "nope"], max_bytes=10))
