"""The output folder: staging, Parquet snapshots, the DuckDB catalog and the run ledger.

Layout under the output root (`data/` by default):

    warehouse -> snapshots/<run_id>   symlink to the published snapshot, swapped atomically
    snapshots/<run_id>/<table>/*.parquet
    newsfacts.duckdb                  views only, over the current snapshot's files
    state/runs.jsonl                  every run, published or not (feeds the `runs` table)
    validation/<run_id>.json          Great Expectations results
    docs/                             Great Expectations Data Docs
    staging/<run_id>/                 a run's work in progress, removed when it ends

A snapshot is immutable once published. Append tables carry the previous snapshot's files
forward as hard links and add one file for the run; rebuilt tables are written whole. Readers
holding an older `newsfacts.duckdb` keep reading their own snapshot until it is pruned.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from transforms.schemas import TABLES, to_arrow

ROW_GROUP_ROWS = 128 * 1024
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3}


class PublishError(RuntimeError):
    """A snapshot failed its integrity checks and was not published."""


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write atomically: a temporary file in the same folder, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, row_group_size=ROW_GROUP_ROWS, **PARQUET_OPTIONS)
    os.replace(tmp, path)


def write_json(payload, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, path)


class StagedTable:
    """Rows of one table streamed to a staging Parquet file in batches."""

    def __init__(self, name: str, path: Path, batch_rows: int = 4096):
        self.name, self.path, self.batch_rows = name, path, batch_rows
        self.rows: list[dict] = []
        self.count = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self.writer = pq.ParquetWriter(path, to_arrow(name, [], staging=True).schema, **PARQUET_OPTIONS)

    def add(self, rows: list[dict]) -> None:
        self.rows.extend(rows)
        self.count += len(rows)
        if len(self.rows) >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.writer.write_table(to_arrow(self.name, self.rows, staging=True))
            self.rows = []

    def close(self) -> Path:
        self.flush()
        self.writer.close()
        return self.path


class Warehouse:
    """One output root: what is published there and how to publish the next snapshot."""

    def __init__(self, root: Path, *, keep_snapshots: int = 5):
        self.root = root.resolve()
        self.keep_snapshots = keep_snapshots
        self.link = self.root / "warehouse"
        self.snapshots = self.root / "snapshots"
        self.db_path = self.root / "newsfacts.duckdb"
        self.ledger = self.root / "state" / "runs.jsonl"
        self.docs_dir = self.root / "docs"
        self.validation_dir = self.root / "validation"

    def staging(self, run_id: str) -> Path:
        return self.root / "staging" / run_id

    def current(self) -> Path | None:
        """The published snapshot folder, or None before the first publication."""
        if self.link.is_symlink():
            return self.link.resolve()
        if self.link.exists():
            raise PublishError(f"{self.link} is not a symlink to a snapshot; move it away")
        return None

    def _read_published(self, table: str, columns: list[str] | None = None) -> pa.Table | None:
        current = self.current()
        if current is None or not any((current / table).glob("*.parquet")):
            return None
        return pq.ParquetDataset(current / table).read(columns=columns)

    def published_ids(self, table: str, column: str) -> set[str]:
        data = self._read_published(table, [column])
        return set() if data is None else set(data[column].to_pylist())

    def published_rows(self, table: str) -> list[dict]:
        data = self._read_published(table)
        return [] if data is None else data.to_pylist()

    def record_run(self, row: dict) -> None:
        """Append a run to the ledger (the source of the `runs` table)."""
        self.ledger.parent.mkdir(parents=True, exist_ok=True)
        with self.ledger.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row, default=_iso) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def run_history(self) -> list[dict]:
        if not self.ledger.exists():
            return []
        rows = []
        for line in self.ledger.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                for key in ("started_at", "finished_at"):
                    if row.get(key):
                        row[key] = datetime.fromisoformat(row[key])
                rows.append(row)
        return rows

    def publish(self, run_id: str, tables: dict[str, pa.Table]) -> Path:
        """Publish a new snapshot: the previous one plus this run's rows.

        tables (dict[str, pa.Table]): for append tables the run's new rows; for the others the
            whole table. Tables not given carry over (or start empty).
        RETURNS (Path): the new snapshot folder, now current.
        """
        previous = self.current()
        final = self.snapshots / run_id
        tmp = self.snapshots / f".tmp-{run_id}"
        shutil.rmtree(tmp, ignore_errors=True)
        for name, spec in TABLES.items():
            folder = tmp / name
            folder.mkdir(parents=True)
            given = tables.get(name)
            carried = spec.append or given is None
            if carried and previous is not None and (previous / name).is_dir():
                for part in sorted((previous / name).glob("*.parquet")):
                    _link_or_copy(part, folder / part.name)
            if given is not None and (given.num_rows or not any(folder.iterdir())):
                write_parquet(given.cast(spec.schema), folder / f"part-{run_id}.parquet")
            elif not any(folder.iterdir()):
                write_parquet(spec.schema.empty_table(), folder / f"part-{run_id}.parquet")
        check_snapshot(tmp)
        os.replace(tmp, final)
        self._write_catalog(final, run_id)
        swap = self.root / f".warehouse-{run_id}"
        swap.unlink(missing_ok=True)
        swap.symlink_to(Path("snapshots") / run_id)
        os.replace(swap, self.link)
        self._prune(keep=final)
        return final

    def _write_catalog(self, snapshot: Path, run_id: str) -> None:
        """A views-only DuckDB file over the snapshot, swapped in whole."""
        tmp = self.root / f".newsfacts-{run_id}.duckdb"
        tmp.unlink(missing_ok=True)
        con = duckdb.connect(str(tmp))
        try:
            for name, spec in TABLES.items():
                files = _sql_string(str(snapshot / name / "*.parquet"))
                con.execute(
                    f"create view {name} as select * from read_parquet({files}, union_by_name=true)")
                con.execute(f"comment on view {name} is {_sql_string(spec.doc)}")
            con.execute(f"create view snapshot as select {_sql_string(run_id)} as run_id, "
                        f"{_sql_string(str(snapshot))} as path")
        finally:
            con.close()
        os.replace(tmp, self.db_path)

    def _prune(self, keep: Path) -> None:
        published = sorted(p for p in self.snapshots.iterdir() if not p.name.startswith("."))
        for old in published[: max(len(published) - self.keep_snapshots, 0)]:
            if old != keep:
                shutil.rmtree(old, ignore_errors=True)


def check_snapshot(folder: Path) -> None:
    """Whole-snapshot integrity (across runs, which per-run validation cannot see): unique
    keys and document foreign keys. Raises PublishError naming the broken check."""
    con = duckdb.connect()
    try:
        def scan(name: str) -> str:
            return f"read_parquet({_sql_string(str(folder / name / '*.parquet'))}, union_by_name=true)"

        for name, spec in TABLES.items():
            if spec.key:
                dup = con.sql(f"select {spec.key}, count(*) n from {scan(name)} group by 1 having n > 1 limit 1").fetchall()
                if dup:
                    raise PublishError(f"table {name!r}: duplicate {spec.key} {dup[0][0]!r} across the snapshot")
            if name == "mentions":
                orphan = con.sql(f"select entity_id from {scan(name)} where entity_id not in "
                                 f"(select entity_id from {scan('entities')}) limit 1").fetchall()
                if orphan:
                    raise PublishError(f"table 'mentions': entity_id {orphan[0][0]!r} not in entities")
            if spec.doc_fk:
                orphan = con.sql(f"select doc_id from {scan(name)} where doc_id not in "
                                 f"(select doc_id from {scan('documents')}) limit 1").fetchall()
                if orphan:
                    raise PublishError(f"table {name!r}: doc_id {orphan[0][0]!r} not in documents")
    finally:
        con.close()


def connect_readonly(root: Path) -> duckdb.DuckDBPyConnection:
    db = root / "newsfacts.duckdb"
    if not db.exists():
        raise FileNotFoundError(f"no published database at {db}: run `newsfacts run` first")
    return duckdb.connect(str(db), read_only=True)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _iso(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
