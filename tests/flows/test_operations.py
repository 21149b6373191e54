"""Nightly operations on the real flow: incremental runs, re-extraction, determinism, the lock."""

import json
import os
import shutil
import socket
import subprocess
import sys

import duckdb
import pytest

from flows.cli import main
from flows.nightly import nightly
from flows.warehouse import Warehouse, check_snapshot
from tests.conftest import SEEDS

# Columns that name the run or the clock, not the content.
RUN_COLUMNS = {"run_id", "ingested_at", "at"}
CONTENT_TABLES = ("documents", "entities", "entity_aliases", "mentions", "amounts", "demands", "quarantine")

NEWS = {
    "rates.txt": "The central bank of Chile raised its benchmark rate on Tuesday. Finance Minister "
                 "Mario Marcel said the country would seek a $2 billion credit line from the IMF.",
    "strike.txt": "Miners in Peru demanded a wage rise of 10 percent. Union leader Ana Torres said "
                  "Lima had refused their demands and offered 30 million soles instead.",
}


def write_news(folder, docs=NEWS):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def content(out) -> dict[str, set]:
    """Every table's rows without run and clock columns, as comparable sets."""
    con = duckdb.connect(str(out / "newsfacts.duckdb"), read_only=True)
    try:
        tables = {}
        for name in CONTENT_TABLES:
            columns = [c for c in con.sql(f"select * from {name} limit 0").columns if c not in RUN_COLUMNS]
            select = ", ".join(f'"{c}"' for c in columns)
            tables[name] = {repr(row) for row in con.sql(f"select {select} from {name}").fetchall()}
        return tables
    finally:
        con.close()


def runs(out, columns="status, docs_seen, docs_new, docs_skipped, docs_stale, docs_reprocessed"):
    con = duckdb.connect(str(out / "newsfacts.duckdb"), read_only=True)
    try:
        return con.sql(f"select {columns} from runs order by started_at").fetchall()
    finally:
        con.close()


def test_rerun_with_nothing_new_publishes_an_identical_snapshot(prefect_harness, tmp_path):
    out, news = tmp_path / "out", write_news(tmp_path / "news")
    assert nightly(inputs=[str(SEEDS), str(news)], out=str(out), return_state=True).is_completed()
    first = content(out)
    assert nightly(inputs=[str(SEEDS), str(news)], out=str(out), return_state=True).is_completed()
    assert content(out) == first
    assert runs(out) == [("success", 3, 3, 0, 0, 0), ("success", 3, 0, 3, 0, 0)]
    stages = [json.loads(line)["stage"] for line in (out / "state" / "events.jsonl").read_text().splitlines()]
    assert stages == ["ingest", "extract", "resolve", "validate", "publish", "ingest", "publish"]


def test_a_new_extractor_version_re_extracts_only_when_asked(prefect_harness, tmp_path):
    out = tmp_path / "out"
    # A blank pipeline has no NER: the same documents under another extractor version.
    assert nightly(inputs=[str(SEEDS)], out=str(out), spacy_model="blank:en", return_state=True).is_completed()
    assert content(out)["mentions"] == set()
    assert nightly(inputs=[str(SEEDS)], out=str(out), return_state=True).is_completed()
    assert content(out)["mentions"] == set()  # stale, but not re-extracted by accident
    assert nightly(inputs=[str(SEEDS)], out=str(out), reprocess=True, return_state=True).is_completed()
    after = content(out)
    assert len(after["documents"]) == 1 and len(after["amounts"]) == 2
    assert len(after["mentions"]) > 10
    assert runs(out) == [("success", 1, 1, 0, 0, 0), ("success", 1, 0, 1, 1, 0), ("success", 1, 0, 1, 0, 1)]
    con = duckdb.connect(str(out / "newsfacts.duckdb"), read_only=True)
    versions = con.sql("select distinct extractor_version from documents union "
                       "select distinct extractor_version from amounts").fetchall()
    con.close()
    assert len(versions) == 1 and "newsfacts_en" in versions[0][0]


def test_tables_do_not_depend_on_the_order_inputs_are_listed_in(prefect_harness, tmp_path):
    news = write_news(tmp_path / "news")
    duplicate = tmp_path / "dup"
    duplicate.mkdir()
    shutil.copy(SEEDS / "000_94c59d239a6fac52.txt", duplicate / "seed_again.txt")
    a, b = tmp_path / "a", tmp_path / "b"
    assert nightly(inputs=[str(SEEDS), str(news), str(duplicate)], out=str(a), return_state=True).is_completed()
    assert nightly(inputs=[str(duplicate), str(news), str(SEEDS)], out=str(b), return_state=True).is_completed()
    assert content(a) == content(b)


def test_a_second_run_fails_fast_while_one_holds_the_lock(prefect_harness, tmp_path, capsys):
    out = tmp_path / "out"
    lock = Warehouse(out).lock_path
    lock.parent.mkdir(parents=True)
    lock.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                "run_id": "20261124T020000Z-abcdef", "started_at": "2026-11-24T02:00:00+00:00"}))
    assert main(["run", "--input", str(SEEDS), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert f"pid {os.getpid()}" in err and "20261124T020000Z-abcdef" in err and len(err.splitlines()) == 1
    assert not (out / "newsfacts.duckdb").exists() and lock.exists()


def _dead_lock(out, run_id: str, **fields):
    """A lock file left by a process that has exited on this host."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    lock = Warehouse(out).lock_path
    lock.parent.mkdir(parents=True)
    lock.write_text(json.dumps({"pid": int(dead.stdout), "host": socket.gethostname(), **fields,
                                "run_id": run_id, "started_at": "2026-11-24T02:00:00+00:00"}))
    return lock


def test_a_stale_lock_is_taken_over_and_its_run_recorded(prefect_harness, tmp_path):
    out = tmp_path / "out"
    lock = _dead_lock(out, "20261124T020000Z-dead00")
    (out / "staging" / "20261124T020000Z-dead00").mkdir(parents=True)
    assert nightly(inputs=[str(SEEDS)], out=str(out), return_state=True).is_completed()
    assert runs(out, "run_id, status, message like 'interrupted%'")[0] == ("20261124T020000Z-dead00", "failed", True)
    assert not lock.exists() and not (out / "staging").exists()


def test_readers_are_not_blocked_by_a_run_and_keep_their_snapshot(prefect_harness, tmp_path):
    out, news = tmp_path / "out", write_news(tmp_path / "news")
    assert nightly(inputs=[str(SEEDS)], out=str(out), return_state=True).is_completed()
    reader = duckdb.connect(str(out / "newsfacts.duckdb"), read_only=True)
    try:
        assert nightly(inputs=[str(news)], out=str(out), return_state=True).is_completed()
        assert reader.sql("select count(*) from documents").fetchall() == [(1,)]
    finally:
        reader.close()
    assert len(content(out)["documents"]) == 3


def test_compact_merges_files_without_changing_a_row(prefect_harness, tmp_path, capsys):
    out, news = tmp_path / "out", write_news(tmp_path / "news")
    assert nightly(inputs=[str(SEEDS)], out=str(out), return_state=True).is_completed()
    assert nightly(inputs=[str(news)], out=str(out), return_state=True).is_completed()
    before = content(out)
    warehouse = Warehouse(out)
    assert len(list((warehouse.current() / "documents").glob("*.parquet"))) == 2
    old = sorted(p for p in warehouse.snapshots.iterdir())
    for snapshot in old:  # pretend they are from last month
        os.utime(snapshot, (0, 0))
    assert main(["compact", "--out", str(out), "--max-age-days", "7"]) == 0
    assert "pruned 2 snapshots" in capsys.readouterr().out
    assert content(out) == before
    current = warehouse.current()
    assert len(list((current / "documents").glob("*.parquet"))) == 1
    check_snapshot(current)
    assert sorted(p.name for p in warehouse.snapshots.iterdir()) == [current.name]


def test_status_prints_the_snapshot_and_the_last_runs(prefect_harness, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["status", "--out", str(out)]) == 0
    assert "no snapshot published" in capsys.readouterr().out
    assert nightly(inputs=[str(SEEDS)], out=str(out), return_state=True).is_completed()
    assert main(["status", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "current snapshot:" in printed and "documents 1," in printed and "amounts 2" in printed
    assert "success" in printed and "1 seen, 1 new" in printed


def test_a_dead_compaction_leaves_no_runs_row(prefect_harness, tmp_path):
    out = tmp_path / "out"
    _dead_lock(out, "20261124T020000Z-compact-dead", kind="compact")
    assert nightly(inputs=[str(SEEDS)], out=str(out), return_state=True).is_completed()
    assert runs(out, "status") == [("success",)]
