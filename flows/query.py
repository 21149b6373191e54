"""`newsfacts query`: an analyst's SQL over the published catalog, read-only, printed as a table,
CSV or JSON.

The catalog (`DIR/newsfacts.duckdb`) holds views over one snapshot's Parquet files. A query
connection may read those files and nothing else: DuckDB's external access is off except for the
snapshot's folder (`allowed_directories`), and the configuration is locked so no statement can
turn it back on. DuckDB lets an allowed folder be written too, so only read statements (SELECT,
WITH, FROM, SHOW, DESCRIBE, SUMMARIZE, VALUES, PIVOT … IN) are run at all: a `COPY … TO` into
the snapshot would change a published table for every reader.
"""

from __future__ import annotations

import json
import sys
from base64 import b64encode
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

BATCH_ROWS = 10_000
READ_STATEMENTS = {duckdb.StatementType.SELECT}
EXPORT_HINT = "queries only read; to export, redirect `--format csv|json` to a file"


class QueryRefused(ValueError):
    """The SQL asks for something a read-only query may not do."""


def connect_readonly(root: Path) -> duckdb.DuckDBPyConnection:
    """The catalog under `root`, read-only, able to read its own snapshot's files and nothing else.

    root (Path): the output folder holding `newsfacts.duckdb`.
    RETURNS (duckdb.DuckDBPyConnection): locked down; timestamps come out in UTC.
    """
    db = root / "newsfacts.duckdb"
    if not db.exists():
        raise FileNotFoundError(f"no published database at {db}: run `newsfacts run` first")
    con = duckdb.connect(str(db), read_only=True)
    try:
        # The catalog names the snapshot its views read: a reader keeps that one even after a
        # later run swaps in a new catalog.
        snapshot = con.execute("select path from snapshot").fetchall()[0][0]
        for setting in (f"allowed_directories = [{_sql_string(snapshot.rstrip('/') + '/')}]",
                        "TimeZone = 'UTC'", "enable_external_access = false",
                        "enable_progress_bar = false",  # (drawn on stdout, into piped results)
                        "lock_configuration = true"):  # last: nothing can be set after it
            con.execute(f"SET {setting}")
    except BaseException:
        con.close()
        raise
    return con


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raise QueryRefused unless every statement of `sql` only reads."""
    statements = con.extract_statements(sql)
    if not statements:
        raise QueryRefused("no SQL statement given")
    for statement in statements:
        if statement.type not in READ_STATEMENTS:
            what = statement.query.strip()[:60]
            raise QueryRefused(f"{statement.type.name} statement {what!r}; {EXPORT_HINT}")


def run_query(root: Path, sql: str, *, fmt: str = "table", max_rows: int = 100) -> int:
    """Run `sql` on the catalog under `root` and print the result.

    fmt (str): "table" (at most `max_rows` rows), "csv" or "json" (every row, streamed).
    RETURNS (int): 0, or 2 when the query was refused (a one-line reason on stderr). Other DuckDB
        errors (the user's SQL) propagate.
    """
    con = connect_readonly(root)
    try:
        check_read_only(con, sql)
        rel = con.sql(sql)
        if fmt == "table":
            rel.show(max_width=200, max_rows=max_rows)
            return 0
        reader = rel.to_arrow_reader(batch_size=BATCH_ROWS)
        (write_csv if fmt == "csv" else write_json)(reader, sys.stdout)
        return 0
    except (QueryRefused, duckdb.PermissionException) as e:
        print(f"newsfacts: refused: {str(e).splitlines()[0]}", file=sys.stderr)  # one line, no traceback
        return 2
    finally:
        con.close()


def write_csv(reader: pa.RecordBatchReader, out: IO[str]) -> None:
    """CSV with a header; lists, structs and maps as JSON text, times as ISO 8601."""
    schema = pa.schema([pa.field(f.name, _csv_type(f.type)) for f in reader.schema])
    out.flush()  # the CSV writer writes bytes under whatever text went before
    with pacsv.CSVWriter(out.buffer, schema) as writer:
        for batch in reader:
            columns = [_csv_column(col) for col in batch.columns]
            writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=schema))
    out.buffer.flush()


def write_json(reader: pa.RecordBatchReader, out: IO[str]) -> None:
    """A JSON array of row objects, one per line: lists and structs native, times ISO 8601."""
    names = reader.schema.names
    out.write("[")
    first = True
    for batch in reader:
        columns = [_json_column(col) for col in batch.columns]
        for values in zip(*columns):
            out.write("\n" if first else ",\n")
            out.write(json.dumps(dict(zip(names, values)), default=_json_value, ensure_ascii=False))
            first = False
    out.write("\n]\n" if not first else "]\n")


def _nested(t: pa.DataType) -> bool:
    return pa.types.is_nested(t) or pa.types.is_union(t)


def _as_text(t: pa.DataType) -> bool:
    """Types pyarrow's CSV writer cannot write, or writes in a non-ISO form."""
    return (_nested(t) or pa.types.is_timestamp(t) or pa.types.is_time(t) or pa.types.is_duration(t)
            or pa.types.is_interval(t) or pa.types.is_binary(t) or pa.types.is_large_binary(t)
            or pa.types.is_fixed_size_binary(t))


def _csv_type(t: pa.DataType) -> pa.DataType:
    return pa.string() if _as_text(t) else t


def _csv_column(col: pa.Array) -> pa.Array:
    if not _as_text(col.type):
        return col
    encode = (lambda v: json.dumps(_plain(v), default=_json_value, ensure_ascii=False)) \
        if _nested(col.type) else _json_value
    return pa.array([None if v is None else encode(v) for v in col.to_pylist()], pa.string())


def _json_column(col: pa.Array) -> list:
    if pa.types.is_floating(col.type):  # NaN and ±inf are not JSON: they become null
        return pc.if_else(pc.is_finite(col), col, None).to_pylist()
    return [_plain(v) for v in col.to_pylist()] if _nested(col.type) else col.to_pylist()


def _plain(value):
    """Maps (pyarrow gives lists of key/value pairs) as objects, inside lists and structs too."""
    if isinstance(value, list):
        if value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
            return {str(k): _plain(v) for k, v in value}
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _json_value(value):
    """A cell json cannot encode by itself, as JSON-ready text or number."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return b64encode(value).decode("ascii")
    return str(value)


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
