"""`newsfacts query`: read-only for real (issue 21) and correct CSV/JSON for every column type (issue 22).

A small real warehouse is published with `Warehouse.publish`: two rows in every table, one with
every column filled (text with commas, quotes, a newline and non-ASCII letters) and one with every
nullable column null, so each Arrow type of transforms/schemas.py goes through both formats.
"""

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from flows.cli import main
from flows.query import BATCH_ROWS
from flows.warehouse import Warehouse, connect_readonly
from transforms.schemas import TABLES, to_arrow

MIDNIGHT = datetime(2025, 12, 1, tzinfo=UTC)
PRECISE = datetime(2025, 12, 2, 9, 30, 5, 123456, tzinfo=UTC)
TRICKY = 'Reward, "up to" $5m\nsecond line — Bogotá'


def cell(column: str, type_: pa.DataType, i: int, nullable: bool):
    """Row i's value: row 1 fills every column, row 2 leaves every nullable column null.
    String values depend on the column only (and i), so doc_id and entity_id match across tables."""
    if i == 2 and nullable:
        return None
    if pa.types.is_string(type_):
        return TRICKY if column == "title" else f"{column}_{i}"
    if pa.types.is_boolean(type_):
        return i == 1
    if pa.types.is_integer(type_):
        return 10 * i
    if pa.types.is_floating(type_):
        return 1.5 * i
    if pa.types.is_timestamp(type_):
        return MIDNIGHT if i == 1 else PRECISE
    if pa.types.is_date(type_):
        return date(2025, 11, 21)
    if pa.types.is_list(type_):
        return ["Washington", 'the "Cartel", of the Suns'] if i == 1 else []
    raise AssertionError(f"no test value for {column}: {type_} (add one)")


def rows(table: str) -> list[dict]:
    return [{f.name: cell(f.name, f.type, i, f.nullable) for f in TABLES[table].schema} for i in (1, 2)]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("query")
    wh = Warehouse(root)
    wh.publish("r1", {name: to_arrow(name, rows(name)) for name in TABLES})
    wh.record_run({"run_id": "r1", "status": "success"})  # state/runs.jsonl, which COPY must not touch
    return root


def query(root, sql, fmt, capsys):
    code = main(["query", sql, "--out", str(root), "--format", fmt])
    out, err = capsys.readouterr()
    return code, out, err


def csv_text(value, type_: pa.DataType) -> str:
    """How a value must read in a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"  # pyarrow writes 3.0 as 3
    return str(value)


def json_value(value):
    return value.isoformat() if isinstance(value, datetime | date) else value


def test_every_column_type_of_every_table_in_csv_and_json(root, capsys):
    for name, spec in TABLES.items():
        expected = rows(name)
        sql = f"select * from {name} order by 1"
        code, out, err = query(root, sql, "csv", capsys)
        assert code == 0, err
        got = list(csv.reader(io.StringIO(out, newline="")))
        assert got[0] == spec.column_names
        assert got[1:] == [[csv_text(r[f.name], f.type) for f in spec.schema] for r in expected], name

        code, out, err = query(root, sql, "json", capsys)
        assert code == 0, err
        assert json.loads(out) == [{k: json_value(v) for k, v in r.items()} for r in expected], name


def test_timestamps_are_iso_8601_in_both_formats(root, capsys):
    sql = "select ingested_at from documents order by 1"
    assert json.loads(query(root, sql, "json", capsys)[1]) == [
        {"ingested_at": "2025-12-01T00:00:00+00:00"}, {"ingested_at": "2025-12-02T09:30:05.123456+00:00"}]
    assert query(root, sql, "csv", capsys)[1].splitlines() == [
        '"ingested_at"', '"2025-12-01T00:00:00+00:00"', '"2025-12-02T09:30:05.123456+00:00"']


def test_structs_maps_and_nested_lists_are_json(root, capsys):
    sql = ("select {'name': name, 'aliases': aliases, 'seen': {'at': timestamptz '2025-12-01 00:00:00+00'}} "
           "as s, map(['reward'], [1.5]) as m, [[1, 2], [3]] as nested, 'nan'::double as f, "
           "12.50::decimal(6, 2) as d from entities order by name limit 1")
    expected = {"s": {"name": "name_1", "aliases": ["Washington", 'the "Cartel", of the Suns'],
                      "seen": {"at": "2025-12-01T00:00:00+00:00"}},
                "m": {"reward": 1.5}, "nested": [[1, 2], [3]], "f": None, "d": 12.5}
    code, out, err = query(root, sql, "json", capsys)
    assert code == 0, err
    assert json.loads(out) == [expected]
    code, out, err = query(root, sql, "csv", capsys)
    assert code == 0, err
    header, row = list(csv.reader(io.StringIO(out, newline="")))
    assert header == ["s", "m", "nested", "f", "d"]
    assert [json.loads(v) for v in row[:3]] == [expected["s"], expected["m"], expected["nested"]]
    assert row[3:] == ["nan", "12.50"]


def test_large_results_stream_in_batches_and_empty_results_keep_their_header(root, capsys):
    n = 2 * BATCH_ROWS + 7
    sql = f"select i, [i] as l, timestamptz '2025-12-01 00:00:00+00' + to_seconds(i) as t from range({n}) r(i)"
    code, out, _ = query(root, sql, "csv", capsys)
    lines = out.splitlines()
    last = n - 1
    assert code == 0 and len(lines) == n + 1
    assert lines[-1] == f'{last},"[{last}]","2025-12-01T{last // 3600:02d}:{last // 60 % 60:02d}:{last % 60:02d}+00:00"'
    data = json.loads(query(root, sql, "json", capsys)[1])
    assert len(data) == n and data[-1]["l"] == [n - 1]
    assert query(root, "select * from amounts where false", "csv", capsys)[1].splitlines() == [
        ",".join(f'"{c}"' for c in TABLES["amounts"].column_names)]
    assert json.loads(query(root, "select * from amounts where false", "json", capsys)[1]) == []


@pytest.mark.parametrize("sql", [
    "select count(*) as n from {table}",
    "select * from snapshot",
    "show tables",
    "describe entities",
    "summarize amounts",
    "with d as (select doc_id from documents) select count(*) from d join amounts using (doc_id)",
    "select unnest(aliases) as alias from entities",
])
def test_ordinary_reads_work_on_every_table_and_view(root, capsys, sql):
    for table in TABLES if "{table}" in sql else [None]:
        code, out, err = query(root, sql.format(table=table), "json", capsys)
        assert code == 0, err
        assert json.loads(out), sql


def test_table_format_shows_list_columns(root, capsys):
    code, out, _ = query(root, "select name, aliases from entities order by 1", "table", capsys)
    assert code == 0 and "Washington" in out and "name_2" in out


def snapshot_files(root) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "snapshots").rglob("*")) if p.is_file()}


# Each refused statement, and the file it must leave as it was (or not create).
REFUSED = {
    "copy into the snapshot": ("COPY (select * from amounts) TO '{snap}/amounts/part-x.parquet'",
                               "{snap}/amounts/part-x.parquet"),
    "copy over the run ledger": ("COPY (select 1 as x) TO '{root}/state/runs.jsonl' (FORMAT json)",
                                 "{root}/state/runs.jsonl"),
    "copy after a select": ("select 1; COPY (select 1 as x) TO '{root}/state/runs.jsonl' (FORMAT csv)",
                            "{root}/state/runs.jsonl"),
    "export": ("EXPORT DATABASE '{root}/export'", "{root}/export"),
    "attach read-write": ("ATTACH '{root}/other.duckdb' AS other (READ_WRITE)", "{root}/other.duckdb"),
    "attach and write": ("ATTACH '{root}/other.duckdb' AS other; CREATE TABLE other.t AS SELECT 2 AS x",
                         "{root}/other.duckdb"),
    "install": ("INSTALL httpfs", None),
    "load": ("LOAD httpfs", None),
    "load a file": ("LOAD '{root}/secret.csv'", None),
    "set external access": ("SET enable_external_access = true", None),
    "reset external access": ("RESET enable_external_access", None),
    "unlock": ("SET lock_configuration = false", None),
    "widen allowed directories": ("SET allowed_directories = ['/']", None),
    "read a local file": ("select * from read_csv('{root}/secret.csv')", None),
    "read the ledger": ("select * from read_json('{root}/state/runs.jsonl')", None),
    "climb out of the snapshot": ("select * from read_text('{snap}/../../secret.csv')", None),
    "read /etc/passwd": ("select * from read_csv('/etc/passwd', sep = ':')", None),
    "list files": ("select * from glob('{root}/*')", None),
}


@pytest.mark.parametrize("name", REFUSED)
def test_writes_settings_extensions_and_outside_files_are_refused(root, capsys, name):
    other = duckdb.connect(str(root / "other.duckdb"))
    other.execute("create or replace table t as select 1 as x")
    other.close()
    (root / "secret.csv").write_text("password\nhunter2\n", encoding="utf-8")
    snap = (root / "warehouse").resolve()
    sql, target = (s and s.format(root=root, snap=snap) for s in REFUSED[name])
    target = target and Path(target)
    before = target.read_bytes() if target and target.is_file() else None
    files = snapshot_files(root)

    code, out, err = query(root, sql, "csv", capsys)

    assert code == 2 and out == ""
    assert err.startswith("newsfacts: refused: ") and err.count("\n") == 1 and "Traceback" not in err
    assert "hunter2" not in err
    assert snapshot_files(root) == files
    if target:
        assert (target.read_bytes() == before) if before is not None else not target.exists()
    # The published tables still read, the same as before.
    code, out, _ = query(root, "select count(*) as n from amounts", "json", capsys)
    assert code == 0 and json.loads(out) == [{"n": 2}]


def test_the_connection_itself_cannot_be_unlocked(root):
    con = connect_readonly(root)
    try:
        with pytest.raises(duckdb.Error, match="locked"):
            con.execute("SET enable_external_access = true")
        with pytest.raises(duckdb.PermissionException):
            con.execute(f"COPY (select 1) TO '{root}/state/runs.jsonl'")
        assert con.execute("select current_setting('enable_external_access')").fetchall() == [(False,)]
        # (nor draw DuckDB's progress bar into a piped result)
        assert con.execute("select current_setting('enable_progress_bar')").fetchall() == [(False,)]
    finally:
        con.close()


def test_a_reader_keeps_reading_its_own_snapshot_after_the_next_publication(tmp_path, capsys):
    wh = Warehouse(tmp_path)
    wh.publish("r1", {name: to_arrow(name, rows(name)) for name in TABLES})
    reader = connect_readonly(tmp_path)
    wh.publish("r2", {"documents": to_arrow("documents", [
        {**r, "doc_id": f"{r['doc_id']}b"} for r in rows("documents")])})
    try:
        assert reader.execute("select count(*) from documents").fetchall() == [(2,)]
    finally:
        reader.close()
    code, out, _ = query(tmp_path, "select count(*) as n from documents", "json", capsys)
    assert code == 0 and json.loads(out) == [{"n": 4}]


def test_missing_catalog_is_a_one_line_error(tmp_path, capsys):
    code, out, err = query(tmp_path, "select 1", "csv", capsys)
    assert code == 2 and "no published database" in err and err.count("\n") == 1
