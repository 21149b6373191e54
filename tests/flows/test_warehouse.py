"""Publication is atomic: readers see the old snapshot or the new one, never a mix."""

from datetime import UTC, datetime

import duckdb
import pyarrow.parquet as pq
import pytest

from flows.warehouse import PublishError, Warehouse, connect, connect_readonly
from transforms.schemas import TABLES, to_arrow

AT = datetime(2026, 11, 24, tzinfo=UTC)


def doc(i: int) -> dict:
    text = f"Document number {i} costs $5 million."
    return {"doc_id": f"doc_{i}", "external_id": None, "source": f"{i}.txt", "url": None,
            "title": None, "published_at": None, "date_basis": "ingested", "language": "en",
            "text": text, "n_chars": len(text), "ingested_at": AT, "run_id": f"r{i}",
            "publisher": None, "license": None, "encoding": "utf-8", "input_format": "txt",
            "extractor_version": "newsfacts-test/none"}


def publish(wh: Warehouse, run_id: str, docs: list[dict]):
    return wh.publish(run_id, {"documents": to_arrow("documents", docs)})


def count(root, table="documents") -> int:
    con = connect_readonly(root)
    try:
        return con.sql(f"select count(*) from {table}").fetchall()[0][0]
    finally:
        con.close()


def test_publish_appends_and_every_table_has_a_view(tmp_path):
    wh = Warehouse(tmp_path)
    publish(wh, "r1", [doc(1)])
    publish(wh, "r2", [doc(2), doc(3)])
    assert count(tmp_path) == 3
    con = connect_readonly(tmp_path)
    for name in TABLES:
        assert con.sql(f"select * from {name} limit 0").columns == TABLES[name].column_names
    con.close()
    assert wh.current().name == "r2" and (tmp_path / "warehouse").is_symlink()
    # Dashboards read the folder directly.
    assert duckdb.sql(f"select count(*) from '{tmp_path}/warehouse/documents/*.parquet'").fetchall() == [(3,)]


def test_reader_keeps_its_snapshot_while_a_run_publishes(tmp_path):
    wh = Warehouse(tmp_path)
    publish(wh, "r1", [doc(1)])
    reader = connect_readonly(tmp_path)  # open while the next run publishes
    publish(wh, "r2", [doc(2)])
    assert reader.sql("select count(*) from documents").fetchall() == [(1,)]
    reader.close()
    assert count(tmp_path) == 2


def test_database_opens_from_any_working_directory(tmp_path, monkeypatch):
    publish(Warehouse(tmp_path / "out"), "r1", [doc(1)])
    monkeypatch.chdir(tmp_path.parent)
    assert count(tmp_path / "out") == 1


def test_broken_snapshot_is_not_published_and_the_previous_stays(tmp_path):
    wh = Warehouse(tmp_path)
    publish(wh, "r1", [doc(1)])
    with pytest.raises(PublishError, match="duplicate doc_id 'doc_1'"):
        publish(wh, "r2", [doc(1)])
    assert wh.current().name == "r1" and count(tmp_path) == 1
    orphan = {"amounts": to_arrow("amounts", [{
        "amount_id": "a", "doc_id": "doc_9", "start": 0, "end": 1, "text": "D", "value": 1.0,
        "currency": "USD", "qualifier": "exact", "purpose": "other", "sentence_index": 0,
        "extractor_version": "newsfacts-test/none"}])}
    with pytest.raises(PublishError, match="doc_id 'doc_9' not in documents"):
        wh.publish("r3", orphan)
    assert wh.current().name == "r1"


def test_old_snapshots_are_pruned(tmp_path):
    wh = Warehouse(tmp_path, keep_snapshots=2)
    for i in range(4):
        publish(wh, f"r{i}", [doc(i)])
    assert sorted(p.name for p in (tmp_path / "snapshots").iterdir()) == ["r2", "r3"]
    assert count(tmp_path) == 4


def test_a_ledger_line_torn_by_a_crash_is_skipped_and_does_not_swallow_the_next(tmp_path):
    wh = Warehouse(tmp_path)
    wh.record_run({"run_id": "r1", "status": "success"})
    with wh.ledger.open("a") as f:
        f.write('{"run_id": "r2", "sta')  # killed mid-write
    wh.record_run({"run_id": "r3", "status": "success"})
    assert [r["run_id"] for r in wh.run_history()] == ["r1", "r3"]


def test_run_lock_is_exclusive_and_released(tmp_path):
    from flows.warehouse import LockedError

    wh = Warehouse(tmp_path)
    with wh.lock("r1") as lock:
        assert lock.holder()["run_id"] == "r1" and lock.stale is None
        with pytest.raises(LockedError, match=r"run r1 \(pid \d+"):
            wh.lock("r2").acquire()
    assert not wh.lock_path.exists()
    wh.lock_path.write_text("{garbage")  # not a lock newsfacts wrote
    with wh.lock("r3") as lock:
        assert lock.stale == {}


def test_recover_removes_what_a_dead_run_left_and_keeps_the_snapshot(tmp_path):
    wh = Warehouse(tmp_path)
    publish(wh, "r1", [doc(1)])
    leftovers = [tmp_path / "staging" / "r2" / "documents.parquet", wh.snapshots / ".tmp-r2" / "documents" / "x.parquet",
                 tmp_path / ".newsfacts-r2.duckdb", tmp_path / "validation" / ".r2.json.tmp"]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"partial")
    (tmp_path / ".warehouse-r2").symlink_to("snapshots/r2")
    removed = wh.recover()
    assert len(removed) == 5 and not any(p.exists() for p in leftovers)
    assert wh.current().name == "r1" and count(tmp_path) == 1


def test_a_validated_file_is_linked_into_the_snapshot_not_read(tmp_path):
    staged = tmp_path / "clean" / "documents.parquet"
    staged.parent.mkdir()
    pq.write_table(to_arrow("documents", [doc(1), doc(2)]), staged)
    wh = Warehouse(tmp_path / "out")
    snapshot = wh.publish("r1", {"documents": staged})
    [part] = (snapshot / "documents").glob("*.parquet")
    assert part.samefile(staged) and count(tmp_path / "out") == 2


def amount_of(doc_id: str) -> dict:
    return {"amount_id": f"a_{doc_id}", "doc_id": doc_id, "start": 0, "end": 1, "text": "D", "value": 1.0,
            "currency": "USD", "qualifier": "exact", "purpose": "other", "sentence_index": 0,
            "extractor_version": "newsfacts-test/none"}


def test_a_table_carried_over_is_checked_again_when_what_it_points_to_changes(tmp_path):
    wh = Warehouse(tmp_path)
    wh.publish("r1", {"documents": to_arrow("documents", [doc(1)]),
                      "amounts": to_arrow("amounts", [amount_of("doc_1")])})
    wh.publish("r2", {"runs": TABLES["runs"].schema.empty_table()})  # nothing new: amounts carried
    with pytest.raises(PublishError, match="table 'amounts': doc_id 'doc_1' not in documents"):
        wh.publish("r3", {"documents": to_arrow("documents", [doc(2)])}, replace=True)
    assert wh.current().name == "r2" and count(tmp_path, "amounts") == 1


def test_connections_draw_no_progress_bar(tmp_path):
    # DuckDB's Python client draws one on stdout for any query over 2 s, through --quiet.
    for con in (connect(), connect(str(tmp_path / "catalog.duckdb"))):
        try:
            assert con.execute("select current_setting('enable_progress_bar')").fetchall() == [(False,)]
        finally:
            con.close()
