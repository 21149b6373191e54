"""Every kind of bad input becomes a Rejected with a clear reason; good inputs are read."""

import json
import os
import pickle
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.sources import InputError, read_inputs
from transforms.ingest import RawDocument, Rejected, build_document

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


def reasons_and_documents(items):
    items = list(items)
    reasons = {i.source: i.reason for i in items if isinstance(i, Rejected)}
    documents = {i.source: i.text for i in items if isinstance(i, RawDocument)}
    assert len(reasons) + len(documents) == len(items)  # every source once
    return reasons, documents


def test_links_loops_and_special_files_are_rejected(tmp_path):
    inbox, elsewhere = tmp_path / "inbox", tmp_path / "elsewhere"
    (inbox / "sub").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "far.txt").write_text("Linked from outside.", encoding="utf-8")
    (inbox / "good.txt").write_text(GOOD, encoding="utf-8")
    (inbox / "dangling.txt").symlink_to("nowhere.txt")
    (inbox / "loop_a.txt").symlink_to("loop_b.txt")
    (inbox / "loop_b.txt").symlink_to("loop_a.txt")
    (inbox / "sub" / "up").symlink_to("..")
    (inbox / "sub" / "alias.txt").symlink_to("../good.txt")
    (inbox / "linked").symlink_to(elsewhere)
    os.mkfifo(inbox / "pipe.txt")  # opening it would wait for a writer forever
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(inbox / "sock.jsonl"))
        reasons, documents = reasons_and_documents(read_inputs([inbox], max_bytes=1000))
    assert reasons == {
        "dangling.txt": "dangling symbolic link: dangling.txt -> nowhere.txt does not exist",
        "loop_a.txt": "symbolic link loop: loop_a.txt -> loop_b.txt",
        "loop_b.txt": "symbolic link loop: loop_b.txt -> loop_a.txt",
        "pipe.txt": "not a regular file but a FIFO",
        "sock.jsonl": "not a regular file but a socket",
        "sub/up": "symbolic link loop: up leads back to a folder above it",
    }
    assert documents == {"good.txt": GOOD, "linked/far.txt": "Linked from outside.", "sub/alias.txt": GOOD}


def read_unprivileged(folder, max_bytes=1000):
    """read_inputs as a user that permissions apply to. Root reads anything, so as root the
    reading happens in a forked child that dropped to `nobody`, sending back its items."""
    if os.geteuid() != 0:
        return list(read_inputs([folder], max_bytes=max_bytes))
    out, into = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.chdir(folder)  # the parents of tmp_path are closed to others; "." is not
            os.setgid(65534)
            os.setuid(65534)
            os.write(into, pickle.dumps(list(read_inputs([Path(".")], max_bytes=max_bytes))))
        finally:
            os._exit(0)
    os.close(into)
    with os.fdopen(out, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    return pickle.loads(data)


def test_unreadable_files_and_folders_are_rejected(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "locked").mkdir(parents=True)
    (inbox / "locked" / "inside.txt").write_text(GOOD, encoding="utf-8")
    (inbox / "secret.txt").write_text("Hidden.", encoding="utf-8")
    (inbox / "secret.jsonl").write_text('{"text": "Hidden."}', encoding="utf-8")
    (inbox / "zz.txt").write_text(GOOD, encoding="utf-8")
    for path in (inbox / "locked", inbox / "secret.txt", inbox / "secret.jsonl"):
        path.chmod(0)
    inbox.chmod(0o755)
    try:
        reasons, documents = reasons_and_documents(read_unprivileged(inbox))
    finally:
        (inbox / "locked").chmod(0o755)
    assert reasons == {
        "locked": "unreadable folder: Permission denied",
        "secret.jsonl": "unreadable file: Permission denied",
        "secret.txt": "unreadable file: Permission denied",
    }
    assert documents == {"zz.txt": GOOD}


def test_no_input_stops_the_run(tmp_path):
    deep = "[" * 10_000 + "]" * 10_000
    (tmp_path / "a_deep.json").write_text(deep, encoding="utf-8")
    (tmp_path / "b_lines.jsonl").write_text(
        "\n".join([json.dumps({"text": "First."}), deep, json.dumps({"text": "Third."})]), encoding="utf-8")
    (tmp_path / "c_front.md").write_text(f"---\ntitle: {deep[:5000]}{deep[-5000:]}\n---\nBody.", encoding="utf-8")
    (tmp_path / "d_late_nul.txt").write_bytes(b"word " * 2000 + b"\x00 tail")
    (tmp_path / "e_dated.txt").write_text("---\npublished: 9999-12-31T23:00:00-05:00\n---\nBody.",
                                          encoding="utf-8")
    (tmp_path / "z.txt").write_text(GOOD, encoding="utf-8")
    items = list(read_inputs([tmp_path], max_bytes=50_000))
    reasons, documents = reasons_and_documents(items)
    assert reasons == {
        "a_deep.json": "malformed JSON: nested too deeply to parse",
        "b_lines.jsonl#L2": "malformed JSON line: nested too deeply to parse",
        "c_front.md": "nested too deeply to parse",
        "d_late_nul.txt": "binary file (contains NUL bytes)",
    }
    assert documents == {"b_lines.jsonl#L1": "First.", "b_lines.jsonl#L3": "Third.",
                         "e_dated.txt": "Body.", "z.txt": GOOD}
    rows = [build_document(i, run_id="r1", ingested_at=datetime(2026, 1, 2, tzinfo=UTC))
            for i in items if isinstance(i, RawDocument)]
    assert [(r["source"], r["published_at"], r["date_basis"]) for r in rows if r["source"] == "e_dated.txt"] == [
        ("e_dated.txt", None, "ingested")]


def test_an_over_long_line_is_skipped_not_read_whole(tmp_path):
    (tmp_path / "one.jsonl").write_bytes(b"x" * 3_000_000)
    (tmp_path / "two.jsonl").write_bytes(b"y" * 5000 + b"\n" + json.dumps({"text": GOOD}).encode())
    reasons, documents = reasons_and_documents(read_inputs([tmp_path], max_bytes=1000))
    assert reasons == {"one.jsonl#L1": "record is 3000000 bytes, over the 1000-byte limit",
                       "two.jsonl#L1": "record is 5001 bytes, over the 1000-byte limit"}
    assert documents == {"two.jsonl#L2": GOOD}
