"""The real flow, end to end, on the seed article and on a folder of bad inputs."""

import json
import shutil
from datetime import UTC, datetime

import duckdb
import pytest

from flows.cli import main
from flows.nightly import nightly
from flows.warehouse import Warehouse
from tests.conftest import SEEDS

SEED_TABLES = ("documents", "amounts", "entities", "mentions", "demands", "events", "quarantine")


def snapshot_rows(out) -> dict[str, list]:
    con = duckdb.connect(str(out / "newsfacts.duckdb"), read_only=True)
    try:
        return {t: con.sql(f"select * from {t} order by all").fetchall() for t in SEED_TABLES}
    finally:
        con.close()


def query(out, sql, params=None):
    con = duckdb.connect(str(out / "newsfacts.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_seed_run_publishes_documents_and_amounts_and_rerun_changes_nothing(prefect_harness, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", "--input", str(SEEDS), "--out", str(out)]) == 0
    assert "1 new documents" in capsys.readouterr().out

    [doc] = query(out, "select doc_id, external_id, source, published_at, date_basis, language, "
                       "n_chars = length(text), starts_with(text, 'Venezuelan President Nicolás Maduro') "
                       "from documents")
    assert doc[1:] == ("000_94c59d239a6fac52.txt", "000_94c59d239a6fac52.txt",
                       datetime(2025, 12, 1, tzinfo=UTC), "published", "en", True, True)
    amounts = query(out, "select value, currency, a.text, qualifier, purpose, "
                         "substring(d.text, a.start + 1, a.end - a.start) = a.text "
                         "from amounts a join documents d using (doc_id) order by a.start")
    assert amounts == [(50000000.0, "USD", "US$50 million", "exact", "reward", True),
                       (25000000.0, "USD", "US$25 million", "exact", "reward", True)]

    before = snapshot_rows(out)
    state = nightly(inputs=[str(SEEDS)], out=str(out), return_state=True)
    assert state.is_completed()
    assert snapshot_rows(out) == before
    runs = query(out, "select status, docs_seen, docs_new, docs_duplicate, rows_amounts from runs order by started_at")
    assert runs == [("success", 1, 1, 0, 2), ("success", 1, 0, 1, 0)]


def test_bad_inputs_are_quarantined_and_every_input_is_accounted_for(prefect_harness, tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(SEEDS, inbox)
    shutil.copy(SEEDS / "000_94c59d239a6fac52.txt", inbox / "copy_of_seed.txt")
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    (inbox / "huge.md").write_text("news " * 1000, encoding="utf-8")
    (inbox / "feed.jsonl").write_text("\n".join([
        json.dumps({"id": "ok", "text": "Ecuador seeks 450 mln dlrs in emergency credit.", "published": "1987-03-01"}),
        "{broken",
        json.dumps({"id": "no-text", "title": "Only a title"}),
    ]), encoding="utf-8")
    out = tmp_path / "out"
    state = nightly(inputs=[str(inbox)], out=str(out), max_bytes=4000, return_state=True)
    assert state.is_completed()

    [run] = query(out, "select docs_seen, docs_new, docs_quarantined, docs_duplicate, rows_quarantine from runs")
    seen, new, quarantined, duplicates, _ = run
    assert (seen, new, quarantined, duplicates) == (8, 2, 5, 1)
    assert new + quarantined + duplicates == seen
    reasons = dict(query(out, "select source, reason from quarantine where stage = 'ingest'"))
    assert reasons == {
        "empty.txt": "empty input",
        "blob.txt": "binary file (contains NUL bytes)",
        "huge.md": "file is 5000 bytes, over the 4000-byte limit",
        "feed.jsonl#L2": "malformed JSON line: Expecting property name enclosed in double quotes at column 2",
        "feed.jsonl#L3": "record has no text",
    }
    assert query(out, "select external_id, value, currency from amounts join documents using (doc_id) "
                      "where external_id = 'ok'") == [("ok", 450e6, "USD")]
    assert (out / "validation").glob("*.json") and (out / "docs" / "index.html").exists()


def test_table_level_failure_keeps_the_previous_snapshot(prefect_harness, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert nightly(inputs=[str(SEEDS)], out=str(out), return_state=True).is_completed()
    before = snapshot_rows(out)

    import transforms.extract

    real = transforms.extract.table_rows

    def duplicated(*args):
        rows = real(*args)
        return {**rows, "amounts": rows["amounts"] * 2}  # duplicate ids

    monkeypatch.setattr(transforms.extract, "table_rows", duplicated)
    other = tmp_path / "other.txt"
    other.write_text("The bank was fined $5 million on Tuesday.", encoding="utf-8")
    state = nightly(inputs=[str(other)], out=str(out), return_state=True)
    assert state.is_failed()
    assert "expect_column_values_to_be_unique(column='amount_id')" in state.message
    assert snapshot_rows(out) == before

    monkeypatch.setattr(transforms.extract, "table_rows", real)
    assert nightly(inputs=[str(other)], out=str(out), return_state=True).is_completed()
    statuses = query(out, "select status, validation like 'failed: table ''amounts''%' from runs order by started_at")
    assert statuses == [("success", False), ("failed", True), ("success", False)]


def test_query_command_formats(prefect_harness, tmp_path, capsys):
    out = tmp_path / "out"
    assert nightly(inputs=[str(SEEDS)], out=str(out), return_state=True).is_completed()
    capsys.readouterr()
    sql = "select value, currency from amounts order by value desc"
    assert main(["query", sql, "--out", str(out), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"value": 50000000.0, "currency": "USD"},
                                                   {"value": 25000000.0, "currency": "USD"}]
    assert main(["query", sql, "--out", str(out), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ['"value","currency"', "50000000,\"USD\"", "25000000,\"USD\""]
    assert main(["query", sql, "--out", str(out)]) == 0
    assert "50000000.0" in capsys.readouterr().out
    assert main(["query", "select nope from amounts", "--out", str(out)]) == 2
    assert "nope" in capsys.readouterr().err


def test_a_deployment_with_a_configuration_error_records_a_failed_run(prefect_harness, tmp_path):
    # (the CLI refuses these before Prefect starts, tests/flows/test_cli.py; a deployment's run
    # is checked by the flow itself)
    out = tmp_path / "out"
    state = nightly(inputs=[str(tmp_path / "missing")], out=str(out), return_state=True)
    assert state.is_failed() and "input path does not exist" in state.message
    state = nightly(inputs=[str(SEEDS)], out=str(out), spacy_model="no_such_pipeline", return_state=True)
    assert state.is_failed() and "cannot load the spaCy pipeline 'no_such_pipeline'" in state.message
    rows = Warehouse(out).run_history()
    assert [r["status"] for r in rows] == ["failed", "failed"]
    assert "input path does not exist" in rows[0]["message"]


def test_entities_are_stable_and_counted_across_nights(prefect_harness, tmp_path):
    out = tmp_path / "out"
    assert nightly(inputs=[str(SEEDS)], out=str(out), return_state=True).is_completed()
    [(maduro_id, docs, roles)] = query(out, "select entity_id, doc_count, roles from entities "
                                            "where name = 'Nicolás Maduro'")
    assert docs == 1 and "Venezuelan President" in roles
    pronouns = query(out, "select count(*) from mentions where entity_id = ? and is_pronoun", [maduro_id])
    assert pronouns[0][0] >= 3
    assert ("United States", "GPE") in query(out, "select name, type from entities")

    night2 = tmp_path / "night2.txt"
    night2.write_text("Venezuelan President Nicolás Maduro spoke in Caracas on Tuesday. "
                      "Maduro said talks with Washington would continue.", encoding="utf-8")
    assert nightly(inputs=[str(night2)], out=str(out), return_state=True).is_completed()
    assert query(out, "select entity_id, doc_count from entities where name = 'Nicolás Maduro'") == [(maduro_id, 2)]
    assert query(out, "select count(distinct doc_id) from mentions where entity_id = ?", [maduro_id]) == [(2,)]
    rules = {r for (r,) in query(out, "select rule from entity_aliases where entity_id = ?", [maduro_id])}
    assert {"name", "surname"} <= rules


def test_logged_entity_counts_say_what_they_count(prefect_harness, tmp_path, caplog):
    out = tmp_path / "out"
    with caplog.at_level("INFO", logger="prefect.task_runs"):
        assert nightly(inputs=[str(SEEDS)], out=str(out), return_state=True).is_completed()
    [extracted] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("extract (")]
    [resolved] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("resolve:")]
    assert "rows per document before cross-document resolution" in extracted
    per_document = int(extracted.split("entities ")[1].split(",")[0])
    [(published,)] = query(out, "select count(*) from entities")
    assert resolved == f"resolve: {per_document} per-document entities -> {published} entities in the table (0 before)"


def published_facts(out) -> dict[str, list]:
    """Every fact table as a sorted list of rows, without what differs between two runs."""
    per_run = {"run_id", "ingested_at"}
    con = duckdb.connect(str(out / "newsfacts.duckdb"), read_only=True)
    try:
        out = {}
        for t in ("documents", "entities", "entity_aliases", "mentions", "amounts", "demands", "events"):
            columns = [f'"{c}"' for (c,) in con.execute(f"select column_name from (describe {t})").fetchall()
                       if c not in per_run]
            out[t] = con.sql(f"select {', '.join(columns)} from {t} order by all").fetchall()
        return out
    finally:
        con.close()


def test_small_chunks_and_batches_publish_what_one_batch_does(prefect_harness, tmp_path, monkeypatch):
    """Resolution folds the entities in a few rows at a time and validation checks a few rows
    a batch (the sizes a night of thousands of documents has at scale): the same tables."""
    import expectations.suites
    import flows.nightly

    night2 = tmp_path / "night2.txt"
    night2.write_text("Venezuelan President Nicolás Maduro spoke in Caracas on Tuesday. Maduro said "
                      "talks with Washington would continue, and Caracas offered $2 million.", encoding="utf-8")

    def two_nights(out):
        for inputs in ([str(SEEDS)], [str(night2)]):
            assert nightly(inputs=inputs, out=str(out), return_state=True).result()["status"] == "success"
        return published_facts(out)

    whole = two_nights(tmp_path / "whole")
    monkeypatch.setattr(flows.nightly, "RESOLVE_CHUNK_ROWS", 3)
    monkeypatch.setattr(expectations.suites, "BATCH_ROWS", 4)
    assert two_nights(tmp_path / "chunked") == whole
    assert len(whole["mentions"]) > 4 * 3 and len(whole["entities"]) > 3  # many batches and chunks


def test_run_aliases_are_each_alias_once_sorted_and_stamped(tmp_path):
    """The linker's alias rows and the merges, deduplicated and sorted by DuckDB (nulls last,
    by bytes, as Arrow sorted them), streamed into the run's file."""
    import pyarrow.parquet as pq

    from flows.nightly import run_aliases
    from transforms.schemas import to_arrow

    def alias(entity_id, alias, rule="linker", doc_id="d1"):
        return {"entity_id": entity_id, "alias": alias, "rule": rule, "doc_id": doc_id, "run_id": None}

    staged = tmp_path / "entity_aliases.parquet"
    pq.write_table(to_arrow("entity_aliases", [alias("e2", "Zoë"), alias("e2", "Zoe"), alias("e1", "Acme", doc_id=None),
                                               alias("e2", "Zoe"), alias("e1", "Acme")], staging=True), staged)
    merges = [{"entity_id": "e1", "alias": "Acme", "rule": "linker"}, {"entity_id": "e0", "alias": "Ä", "rule": "alias"}]
    rows = pq.read_table(run_aliases(staged, merges, "r9")).to_pylist()
    assert [tuple(r.values()) for r in rows] == [
        ("e0", "Ä", "alias", None, "r9"), ("e1", "Acme", "linker", "d1", "r9"), ("e1", "Acme", "linker", None, "r9"),
        ("e2", "Zoe", "linker", "d1", "r9"), ("e2", "Zoë", "linker", "d1", "r9")]
    pq.write_table(to_arrow("entity_aliases", [], staging=True), staged)
    assert pq.read_table(run_aliases(staged, [], "r9")).num_rows == 0
