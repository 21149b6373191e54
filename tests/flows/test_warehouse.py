"""Publication is atomic: readers see the old snapshot or the new one, never a mix."""

from datetime import UTC, datetime

import duckdb
import pytest

from flows.warehouse import PublishError, Warehouse, connect_readonly
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
