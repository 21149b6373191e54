"""The output folder: staging, Parquet snapshots, the DuckDB catalog and the run ledger.

Layout under the output root (`data/` by default):

    warehouse -> snapshots/<run_id>   symlink to the published snapshot, swapped atomically
    snapshots/<run_id>/<table>/*.parquet
    newsfacts.duckdb                  views only, over the current snapshot's files
    state/runs.jsonl                  every run, published or not (feeds the `runs` table)
    state/events.jsonl                structured log: one JSON object per stage of every run
    state/run.lock                    held by the run writing here: host, pid, process start, boot id
    validation/<run_id>.json          Great Expectations results (pruned with the snapshots)
    docs/                             Great Expectations Data Docs (old runs' pages pruned too)
    staging/<run_id>/                 a run's work in progress, removed when it ends

Every write goes to a temporary name first and is renamed into place, in an order that keeps
the published snapshot whole whenever the process dies (even by kill -9); the next run removes
what a dead run left behind (`recover`), and a run that fails removes what it wrote
(`discard`). A snapshot is immutable once published. Append tables carry the previous snapshot's files
forward as hard links and add one file for the run; rebuilt tables are written whole. Readers
holding an older `newsfacts.duckdb` keep reading their own snapshot until it is pruned.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import socket
import time
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from transforms.schemas import TABLES, to_arrow

ROW_GROUP_ROWS = 128 * 1024
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3}


class PublishError(RuntimeError):
    """A snapshot failed its integrity checks and was not published."""


class LockedError(RuntimeError):
    """Another live process holds the output folder's run lock."""


class RunLock:
    """`state/run.lock`: one writer per output folder.

    Created with O_EXCL, so two processes cannot both take it. The file names its holder: host,
    pid, the process's start time and the machine's boot id. A lock whose holder is gone (same
    host, and the pid no longer runs, or runs a different process since the pid was reused, or
    the machine rebooted) is stale and taken over; `stale` then holds what the dead holder wrote,
    so the caller can record the lost run. A lock from another host cannot be checked from here:
    it is refused, and `newsfacts unlock --force` breaks it.
    """

    def __init__(self, path: Path, run_id: str, kind: str = "run"):
        self.path, self.run_id, self.kind = path, run_id, kind
        self.stale: dict | None = None

    def acquire(self) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        me = {"pid": os.getpid(), "host": socket.gethostname(), "run_id": self.run_id,
              "kind": self.kind, "started_at": datetime.now(UTC).isoformat(),
              "start_ticks": process_start(os.getpid()), "boot_id": boot_id()}
        # Written whole under a private name, then hard-linked into place: the link fails if the
        # lock exists, and a lock file is never seen half-written.
        mine = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        mine.write_text(json.dumps(me), encoding="utf-8")
        try:
            for _ in range(2):
                try:
                    os.link(mine, self.path)
                    return self
                except FileExistsError:
                    holder = self.holder()
                    if holder is not None and holder_state(holder) != "dead":
                        raise LockedError(locked_message(self.path, holder)) from None
                    self.stale = holder or {}
                    self.path.unlink(missing_ok=True)
            raise LockedError(f"could not take {self.path}: another run took it first")
        finally:
            mine.unlink(missing_ok=True)

    def holder(self) -> dict | None:
        """What the lock file says, or None when it is missing or was torn mid-write."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def release(self) -> None:
        holder = self.holder()
        if holder is not None and holder.get("pid") == os.getpid() and holder.get("run_id") == self.run_id:
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def holder_state(holder: dict) -> str:
    """Whether the process that wrote a lock still runs: "alive", "dead", or "elsewhere" (another
    host, which cannot be checked from here). A pid alone proves little: pids are reused, soon
    in containers, so the recorded start time and boot id must match too where they were."""
    if holder.get("host") != socket.gethostname():
        return "elsewhere"
    if holder.get("boot_id") and boot_id() not in (None, holder["boot_id"]):
        return "dead"  # the machine rebooted since
    try:
        pid = int(holder["pid"])
        if pid <= 0:  # 0 and negatives would signal process groups
            return "dead"
        os.kill(pid, 0)
    except (ProcessLookupError, KeyError, TypeError, ValueError, OverflowError):
        return "dead"
    except PermissionError:  # alive, owned by another user
        pass
    recorded = holder.get("start_ticks")
    if recorded is not None and process_start(pid) not in (None, recorded):
        return "dead"  # the pid now belongs to another process
    return "alive"


def locked_message(path: Path, holder: dict) -> str:
    """One line: who holds the lock, and how to break it when that is safe."""
    who = (f"run {holder.get('run_id')} (pid {holder.get('pid')} on {holder.get('host')}, "
           f"started {holder.get('started_at')})")
    unlock = f"newsfacts unlock --out {path.parent.parent} --force"
    if holder_state(holder) == "elsewhere":
        return (f"{path} is held by {who}, on another host, which cannot be checked from here; "
                f"if that run is gone, break the lock with `{unlock}`")
    return f"another run holds {path}: {who}; wait for it or stop it (`{unlock}` if it is not a newsfacts run)"


def process_start(pid: int) -> int | None:
    """When a process started, in clock ticks since boot (field 22 of Linux's /proc/PID/stat),
    or None where that cannot be read (no /proc, or the process is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])  # the name in brackets may hold spaces


def boot_id() -> str | None:
    """This boot of the machine (Linux), None elsewhere."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write atomically: a temporary file in the same folder, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, row_group_size=ROW_GROUP_ROWS, **PARQUET_OPTIONS)
    os.replace(tmp, path)


def num_rows(table: pa.Table | Path) -> int:
    """Rows of a table in memory or of a Parquet file (from its footer)."""
    return pq.ParquetFile(table).metadata.num_rows if isinstance(table, Path) else table.num_rows


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

    def write(self, table: pa.Table) -> None:
        """Rows already in Arrow (the staging schema's columns), written as they are."""
        self.flush()
        self.count += table.num_rows
        if table.num_rows:
            self.writer.write_table(table.select(self.writer.schema.names).cast(self.writer.schema))

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
        self.events = self.root / "state" / "events.jsonl"
        self.lock_path = self.root / "state" / "run.lock"
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

    def lock(self, run_id: str, kind: str = "run") -> RunLock:
        """kind: "run" (a nightly run, recorded in `runs`) or "compact"."""
        return RunLock(self.lock_path, run_id, kind)

    def lock_holder(self) -> dict | None:
        """Who holds the lock now (pid, host, run id, kind, start), or None."""
        return RunLock(self.lock_path, "").holder()

    def break_lock(self, *, force: bool = False) -> tuple[dict, str] | None:
        """Remove the run lock (`newsfacts unlock`). Without `force` only a stale one: a holder
        that looks alive on this host, or that runs on another host, raises LockedError.
        RETURNS (tuple | None): what the lock said and `holder_state` of it; None without a lock."""
        if not self.lock_path.exists():
            return None
        holder = self.lock_holder() or {}  # a torn or foreign file counts as stale
        state = holder_state(holder) if holder else "dead"
        if state != "dead" and not force:
            raise LockedError(f"not removed without --force: {locked_message(self.lock_path, holder)}")
        self.lock_path.unlink(missing_ok=True)
        return holder, state

    def check_writable(self) -> None:
        """Fail at the start, not after hours of work, when a folder a run writes to cannot be
        written (read-only mount, permissions): raises the OSError naming the folder."""
        for folder in (self.root, self.snapshots, self.root / "staging", self.root / "state",
                       self.validation_dir, self.docs_dir):
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()

    def recover(self) -> list[str]:
        """Remove what runs that died or failed mid-way left behind: staging folders, snapshot
        folders never made current and temporary catalog, link and Parquet files. Call with the
        lock held.
        RETURNS (list[str]): the removed paths, relative to the root."""
        leftovers = [*self.root.glob("staging/*"), *self.snapshots.glob(".tmp-*"),
                     *self.root.glob(".warehouse-*"), *self.root.glob(".newsfacts-*.duckdb*"),
                     *self.validation_dir.glob(".*.tmp"), *self._orphans()]
        _remove(leftovers)
        _rmdir_if_empty(self.root / "staging")
        return [str(p.relative_to(self.root)) for p in leftovers]

    def discard(self, run_id: str) -> None:
        """Remove what a run wrote outside the published snapshot: its staging folder, its
        unfinished snapshot (also one renamed into place but never made current) and its
        temporary catalog and link. Frees the space a failure on a full disk needs to be recorded.
        Best effort, never raises: it runs while a run fails, and what stays `recover` removes."""
        final = self.snapshots / run_id
        try:
            _remove([self.staging(run_id), self.snapshots / f".tmp-{run_id}",
                     self.root / f".newsfacts-{run_id}.duckdb", self.root / f".warehouse-{run_id}",
                     *([final] if final in self._orphans() else [])])
            _rmdir_if_empty(self.root / "staging")
        except (OSError, PublishError):
            pass

    def _orphans(self) -> list[Path]:
        """Snapshot folders renamed into place by a run that then failed or died before making
        them current: newer than the current snapshot (run ids start with their time, and runs
        publish one at a time) and not the one the catalog reads."""
        if not self.snapshots.is_dir():
            return []
        current, catalog = self.current(), self._catalog_snapshot()
        return [p for p in sorted(self.snapshots.iterdir())
                if not p.name.startswith(".") and p.name != catalog
                and (current is None or p.name > current.name)]

    def _catalog_snapshot(self) -> str | None:
        """The snapshot the catalog's views read (it is swapped in before the link)."""
        if not self.db_path.exists():
            return None
        try:
            con = connect(str(self.db_path), read_only=True)
            try:
                [(path,)] = con.sql("select path from snapshot").fetchall()
                return Path(path).name
            finally:
                con.close()
        except (duckdb.Error, ValueError):  # not a catalog newsfacts wrote
            return None

    def read_table(self, table: str, columns: list[str] | None = None,
                   snapshot: Path | None = None) -> pa.Table | None:
        """A published table, files written before a column existed read with nulls in it."""
        folder = (snapshot or self.current() or self.root / "-") / table
        if not any(folder.glob("*.parquet")):
            return None
        return pads.dataset(folder, schema=TABLES[table].schema, format="parquet").to_table(columns=columns)

    def row_count(self, table: str) -> int:
        folder = (self.current() or self.root / "-") / table
        return pads.dataset(folder, format="parquet").count_rows() if any(folder.glob("*.parquet")) else 0

    def scan(self, table: str, batch_rows: int = 1024):
        """The published table's rows as record batches, streamed."""
        folder = (self.current() or self.root / "-") / table
        if any(folder.glob("*.parquet")):
            yield from pads.dataset(folder, schema=TABLES[table].schema,
                                    format="parquet").to_batches(batch_size=batch_rows)

    def published_versions(self) -> dict[str, str | None]:
        """doc_id -> the extractor version of every published document."""
        data = self.read_table("documents", ["doc_id", "extractor_version"])
        if data is None:
            return {}
        return dict(zip(data["doc_id"].to_pylist(), data["extractor_version"].to_pylist()))

    def published_rows(self, table: str) -> list[dict]:
        data = self.read_table(table)
        return [] if data is None else data.to_pylist()

    def record_run(self, row: dict) -> None:
        """Append a run to the ledger (the source of the `runs` table)."""
        _append_line(self.ledger, row)

    def log_event(self, event: dict) -> None:
        """One structured log record (JSON Lines) in `state/events.jsonl`."""
        _append_line(self.events, {"at": datetime.now(UTC), **event})

    def run_history(self) -> list[dict]:
        """Every recorded run, oldest first. A line torn by a crash mid-write is skipped."""
        rows = []
        for row in _read_lines(self.ledger):
            for key in ("started_at", "finished_at"):
                if row.get(key):
                    row[key] = datetime.fromisoformat(row[key])
            for key in ("docs_skipped", "docs_stale", "docs_reprocessed"):  # older ledgers
                row.setdefault(key, 0)
            rows.append(row)
        return rows

    def publish(self, run_id: str, tables: dict[str, pa.Table | Path], *, replace: bool = False) -> Path:
        """Publish a new snapshot: the previous one plus this run's rows.

        tables (dict[str, pa.Table | Path]): for append tables the run's new rows; for the others
            the whole table. Tables not given carry over (or start empty). A Path is a Parquet
            file with the table's published schema (a run's validated rows, written batch by
            batch): it is linked into the snapshot, never read into memory.
        replace (bool): every given table is the whole table (a re-extraction of everything).
        RETURNS (Path): the new snapshot folder, now current.

        Safe to call again after an attempt that failed part-way (a retry): a snapshot this run
        already made current is returned as it is, and one it checked and renamed into place
        (whole, as renames are atomic) is made current without being written again.
        """
        previous = self.current()
        final = self.snapshots / run_id
        if previous == final:
            return final
        if final.is_dir():
            return self._swap_in(final, run_id)
        tmp = self.snapshots / f".tmp-{run_id}"
        shutil.rmtree(tmp, ignore_errors=True)
        written = set()
        for name, spec in TABLES.items():
            folder = tmp / name
            folder.mkdir(parents=True)
            given = tables.get(name)
            carried = given is None or (spec.append and not replace)
            if carried and previous is not None and (previous / name).is_dir():
                for part in sorted((previous / name).glob("*.parquet")):
                    _link_or_copy(part, folder / part.name)
            if given is not None and (num_rows(given) or not any(folder.iterdir())):
                written.add(name)
                if isinstance(given, Path):
                    _link_or_copy(given, folder / f"part-{run_id}.parquet")
                else:
                    write_parquet(given.cast(spec.schema), folder / f"part-{run_id}.parquet")
            elif not any(folder.iterdir()):
                written.add(name)
                write_parquet(spec.schema.empty_table(), folder / f"part-{run_id}.parquet")
        check_snapshot(tmp, changed=written if previous is not None else None)
        return self._swap_in(tmp, run_id)

    def _swap_in(self, tmp: Path, run_id: str) -> Path:
        """Make a checked snapshot folder current: rename it, then swap in a catalog over it,
        then swap the `warehouse` link. Dying between any two steps leaves the old snapshot or
        the new one readable through each entry point, never a mix."""
        final = self.snapshots / run_id
        crash_point("publish:checked")
        if tmp != final:  # else a retry finishing what an earlier attempt renamed
            os.replace(tmp, final)
        crash_point("publish:renamed")
        self._write_catalog(final, run_id)
        crash_point("publish:catalog")
        swap = self.root / f".warehouse-{run_id}"
        swap.unlink(missing_ok=True)
        swap.symlink_to(Path("snapshots") / run_id)
        os.replace(swap, self.link)
        crash_point("publish:linked")
        self._prune(keep=final)
        return final

    def compact(self, run_id: str, *, max_age: timedelta | None, rows_per_file: int = 1_000_000) -> dict:
        """Rewrite every table of the current snapshot into as few Parquet files as possible
        (each up to `rows_per_file` rows, row groups of ROW_GROUP_ROWS), publish that as a new
        snapshot, then remove snapshots older than `max_age` (never the current one).
        Call with the lock held.
        RETURNS (dict): files before and after per table, and the pruned snapshots.
        """
        current = self.current()
        if current is None:
            raise PublishError(f"nothing published under {self.root} yet: nothing to compact")
        tmp = self.snapshots / f".tmp-{run_id}"
        shutil.rmtree(tmp, ignore_errors=True)
        files = {}
        for name, spec in TABLES.items():
            parts = sorted((current / name).glob("*.parquet"))
            written = _rewrite(parts, spec.schema, tmp / name, f"part-{run_id}", rows_per_file)
            files[name] = {"before": len(parts), "after": written}
        check_snapshot(tmp)
        for name in TABLES:  # compaction must not change a single row
            before = pads.dataset(current / name, format="parquet").count_rows()
            after = pads.dataset(tmp / name, format="parquet").count_rows()
            if before != after:
                shutil.rmtree(tmp, ignore_errors=True)
                raise PublishError(f"compaction of {name!r} changed its row count ({before} -> {after})")
        final = self._swap_in(tmp, run_id)
        pruned = self.prune_older_than(max_age, keep=final) if max_age is not None else []
        return {"snapshot": final.name, "files": files, "pruned": pruned}

    def prune_older_than(self, age: timedelta, keep: Path) -> list[str]:
        """Remove published snapshots last modified more than `age` ago, except `keep`."""
        cutoff = datetime.now(UTC).timestamp() - age.total_seconds()
        pruned = []
        for old in sorted(p for p in self.snapshots.iterdir() if not p.name.startswith(".")):
            if old != keep and old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
                pruned.append(old.name)
        self._prune_reports()
        return pruned

    def _write_catalog(self, snapshot: Path, run_id: str) -> None:
        """A views-only DuckDB file over the snapshot, swapped in whole."""
        tmp = self.root / f".newsfacts-{run_id}.duckdb"
        tmp.unlink(missing_ok=True)
        con = connect(str(tmp))
        try:
            for name, spec in TABLES.items():
                files = _sql_string(str(snapshot / name / "*.parquet"))
                con.execute(
                    f"create view {name} as select * from read_parquet({files}, union_by_name=true)")
                con.execute(f"comment on view {name} is {_sql_string(spec.doc)}")
            con.execute(f"create view snapshot as select {_sql_string(run_id)} as run_id, "
                        f"{_sql_string(str(snapshot))} as path")
            from flows.views import create_views  # named views and macros over the tables above

            create_views(con)
        finally:
            con.close()
        os.replace(tmp, self.db_path)

    def _prune(self, keep: Path) -> None:
        published = sorted(p for p in self.snapshots.iterdir() if not p.name.startswith("."))
        for old in published[: max(len(published) - self.keep_snapshots, 0)]:
            if old != keep:
                shutil.rmtree(old, ignore_errors=True)
        self._prune_reports()

    def _prune_reports(self) -> None:
        """Validation results and Data Docs pages of runs older than the oldest kept snapshot:
        each run adds its own and nothing else removes them. Run ids and the docs' run folders
        (`docs/validations/<table>/<name>/<YYYYmmddTHHMMSS.ffffffZ>`) both start with the UTC
        time, and a run validates after it starts."""
        kept = sorted(p.name for p in self.snapshots.iterdir() if not p.name.startswith("."))
        if not kept:
            return
        oldest = kept[0][:15]  # YYYYmmddTHHMMSS
        _remove([p for p in [*self.validation_dir.glob("*.json"),
                             *self.docs_dir.glob("validations/*/*/*")] if p.name[:15] < oldest])


def check_snapshot(folder: Path, changed: set[str] | None = None) -> None:
    """Whole-snapshot integrity (across runs, which per-run validation cannot see): unique
    keys and document foreign keys. Raises PublishError naming the broken check.

    changed (set[str] | None): the tables this snapshot wrote files for; a check that reads
        only tables carried over from the previous snapshot (checked when it was published,
        and linked unchanged) is skipped: a night with nothing new checks only `runs` instead
        of every fact (0.2 s for 2,000 articles, linear in the rows). None: every check.
    """
    def needed(*names: str) -> bool:
        return changed is None or not changed.isdisjoint(names)

    con = connect()
    try:
        def scan(name: str) -> str:
            return f"read_parquet({_sql_string(str(folder / name / '*.parquet'))}, union_by_name=true)"

        for name, spec in TABLES.items():
            if spec.key and needed(name):
                dup = con.sql(f"select {spec.key}, count(*) n from {scan(name)} group by 1 having n > 1 limit 1").fetchall()
                if dup:
                    raise PublishError(f"table {name!r}: duplicate {spec.key} {dup[0][0]!r} across the snapshot")
            if name == "mentions" and needed("mentions", "entities"):
                orphan = con.sql(f"select entity_id from {scan(name)} where entity_id not in "
                                 f"(select entity_id from {scan('entities')}) limit 1").fetchall()
                if orphan:
                    raise PublishError(f"table 'mentions': entity_id {orphan[0][0]!r} not in entities")
            if spec.doc_fk and needed(name, "documents"):
                orphan = con.sql(f"select doc_id from {scan(name)} where doc_id not in "
                                 f"(select doc_id from {scan('documents')}) limit 1").fetchall()
                if orphan:
                    raise PublishError(f"table {name!r}: doc_id {orphan[0][0]!r} not in documents")
    finally:
        con.close()


FAILED_AT: dict[str, int] = {}  # how often each failure point raised, for the tests


def crash_point(name: str) -> None:
    """How the crash-safety tests stop a run at a chosen moment without a debugger.

    NEWSFACTS_KILL_AT names the point where the process signals itself, by SIGKILL or the
    signal NEWSFACTS_KILL_SIGNAL names ("SIGTERM", "SIGINT"). NEWSFACTS_FAIL_AT names the point
    that raises OSError with the errno NEWSFACTS_FAIL_ERRNO names (default EIO), every time or
    only the first NEWSFACTS_FAIL_TIMES times.
    """
    env = os.environ
    if env.get("NEWSFACTS_KILL_AT") == name:
        import signal

        os.kill(os.getpid(), signal.Signals[env.get("NEWSFACTS_KILL_SIGNAL", "SIGKILL")])
    if env.get("NEWSFACTS_FAIL_AT") == name:
        FAILED_AT[name] = FAILED_AT.get(name, 0) + 1
        if FAILED_AT[name] <= int(env.get("NEWSFACTS_FAIL_TIMES", "1000000")):
            code = getattr(errno, env.get("NEWSFACTS_FAIL_ERRNO", "EIO"))
            raise OSError(code, f"{os.strerror(code)} (injected at {name})")


def connect_readonly(root: Path) -> duckdb.DuckDBPyConnection:
    """The catalog, read-only, reading only its snapshot's files (see flows/query.py)."""
    from flows.query import connect_readonly as read_only  # flows.query needs nothing from here

    return read_only(root)


def _remove(paths) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _rmdir_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:  # not empty, or not there
        pass


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _rewrite(parts: list[Path], schema: pa.Schema, folder: Path, stem: str, rows_per_file: int) -> int:
    """Stream `parts` into files of up to `rows_per_file` rows under `folder`; returns how many."""
    folder.mkdir(parents=True)
    batches = pads.dataset(parts, schema=schema, format="parquet").to_batches(batch_size=ROW_GROUP_ROWS)
    writer, count, rows = None, 0, 0
    for batch in batches:
        if writer is None or rows >= rows_per_file:
            if writer is not None:
                writer.close()
            count, rows = count + 1, 0
            writer = pq.ParquetWriter(folder / f"{stem}-{count:04d}.parquet", schema, **PARQUET_OPTIONS)
        writer.write_batch(batch, row_group_size=ROW_GROUP_ROWS)
        rows += batch.num_rows
    if writer is None:
        write_parquet(schema.empty_table(), folder / f"{stem}-0001.parquet")
        return 1
    writer.close()
    return count


def _append_line(path: Path, record: dict) -> None:
    """Append one JSON line and fsync it: a crash loses at most this line, torn at its end."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as f:
        torn = False
        if f.seek(0, os.SEEK_END):  # a line torn by a crash must not swallow this one
            f.seek(-1, os.SEEK_END)
            torn = f.read(1) != b"\n"
        f.write((("\n" if torn else "") + json.dumps(record, default=_iso) + "\n").encode())
        f.flush()
        os.fsync(f.fileno())


def _read_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue  # blank, or torn by a crash mid-write
    return records


class StageClock:
    """Each stage's time and counts logged to `state/events.jsonl` as it ends (what
    `benchmarks/peak_memory.py` and the report read), then the memory it freed handed back."""

    def __init__(self, warehouse: Warehouse, run_id: str):
        self.warehouse, self.run_id = warehouse, run_id
        self.since = time.monotonic()
        self.last = "start"  # the last stage done (a failure names it)

    def done(self, stage: str, **counts) -> None:
        now = time.monotonic()
        self.warehouse.log_event({"run_id": self.run_id, "stage": stage,
                                  "seconds": round(now - self.since, 3), **counts})
        self.since, self.last = now, stage
        release_memory()


def release_memory() -> None:
    """Hand what a stage freed back to the system: Arrow's allocator (mimalloc) and glibc's
    malloc keep it for reuse, so each stage's peak sat on the last one's leftovers (the run's
    last peak, the report's, by 110 MB at 20,706 documents and 160 MB at 41,412)."""
    pa.default_memory_pool().release_unused()
    with suppress(OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


# What a DuckDB query over a whole night's or the whole warehouse's rows (a sort, a distinct,
# a group by key) may hold before it spills to disk: its memory stays flat however many rows.
SPILL_MEMORY = "256MB"


def spilling(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that works within SPILL_MEMORY on one thread (the other
    core is spaCy's or another process's), spilling beyond it to `folder`."""
    return connect(config={"memory_limit": SPILL_MEMORY, "threads": 1, "temp_directory": str(folder)})


def connect(database: str = ":memory:", **options) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect` with DuckDB's progress bar off: it is on by default in Python and draws
    itself on stdout for any query over 2 s, through `--quiet` and into piped query results
    (a whole-bulk night's first line of output was "86% ▕███▏")."""
    con = duckdb.connect(database, **options)
    con.execute("set enable_progress_bar = false")
    return con


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _iso(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
