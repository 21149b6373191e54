"""The `runs` row, the publication of a run's snapshot and the record of the input files read
(`InputFiles`): plain functions (no Prefect, no spaCy) shared by the nightly flow
(`flows/nightly.py`) and the nothing-new path (`flows/quick.py`)."""

from __future__ import annotations

import json
import sys
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from flows.config import package_version
from flows.warehouse import PublishError, RunLock, Warehouse, num_rows, write_json
from transforms.schemas import FACT_TABLES, to_arrow, violations


@dataclass
class Ingested:
    """What the ingest stage staged and counted."""

    documents: Path
    count: int
    seen: int
    duplicates: int
    quarantine: list[dict]
    skipped: int = 0
    stale: int = 0
    reprocessed: int = 0
    feed_entries_skipped: int = 0
    files: "InputFiles | None" = None  # each input file's documents, recorded once published


def one_line(exc: BaseException) -> str:
    """A failure's reason on one line: the message (an OSError's names its errno and file) and,
    where the message alone is unclear, the exception's type."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if not isinstance(exc, (OSError, PublishError)) and type(exc).__name__ != "Interrupted":
        text = f"{type(exc).__name__}: {text}"
    return text[:500]


def run_row(run_id: str, started_at: datetime, inputs: list[str], ingested: Ingested | None,
            quarantine: list[dict], model: str, *, status: str, tables: dict[str, pa.Table | Path],
            validation: str, message: str | None = None) -> dict:
    """The run's `runs` row. Inputs quarantined count once each: at ingest, at extraction, or
    as a documents row rejected by validation (documents + quarantined + duplicates = seen)."""
    counts = {f"rows_{n}": (num_rows(tables[n]) if n in tables else 0) for n in FACT_TABLES}
    inputs_quarantined = sum(
        1 for q in quarantine if q["stage"] != "validation" or q["table_name"] == "documents")
    return {
        "run_id": run_id, "started_at": started_at, "finished_at": datetime.now(UTC),
        "status": status, "docs_seen": ingested.seen if ingested else 0,
        "docs_new": counts["rows_documents"] - (ingested.reprocessed if ingested else 0),
        "docs_duplicate": ingested.duplicates if ingested else 0,
        "docs_skipped": ingested.skipped if ingested else 0,
        "docs_stale": ingested.stale if ingested else 0,
        "docs_reprocessed": ingested.reprocessed if ingested else 0,
        "feed_entries_skipped": ingested.feed_entries_skipped if ingested else 0,
        "docs_quarantined": inputs_quarantined, **counts, "rows_quarantine": len(quarantine),
        "validation": validation, "code_version": package_version(), "model_version": model or "none",
        "inputs": inputs, "message": message,
    }


def publish_snapshot(warehouse: Warehouse, clean: dict[str, pa.Table | Path], quarantine: list[dict],
                     row: dict, reprocess: bool = False) -> Path:
    """Check the runs table, write the snapshot, the DuckDB catalog and the ledger entry (the
    body of the flow's `publish` task). Called again after a failure part-way, it finishes the
    publication (see `Warehouse.publish`)."""
    ledger = warehouse.run_history()
    # One row per run: the last word on a run recorded twice (a lock broken by force) wins.
    history = list({r["run_id"]: r for r in ledger if r["run_id"] != row["run_id"]}.values())
    runs = to_arrow("runs", history + [row])
    failures = violations("runs", runs)
    if failures:
        raise PublishError("; ".join(failures))
    tables = {**clean, "quarantine": to_arrow("quarantine", quarantine), "runs": runs}
    snapshot = warehouse.publish(row["run_id"], tables, replace=reprocess)
    if not any(r["run_id"] == row["run_id"] for r in ledger):  # not by an earlier attempt
        warehouse.record_run(row)
    return snapshot


def write_report(warehouse: Warehouse, log) -> None:
    """`DIR/report/index.html` after every run, failed ones too (their row is in the history);
    a report that cannot be written is a warning, never a failed run."""
    from flows.report import build_report

    try:
        build_report(warehouse.root)
    except Exception as e:  # noqa: BLE001
        log.warning("report not written: %s", one_line(e))


def take_over(warehouse: Warehouse, lock: RunLock, log) -> None:
    """A run's first steps once it holds the lock: the `runs` row of a dead holder, what an
    interrupted run left behind removed, and every folder it writes checked writable."""
    if lock.stale is not None:
        record_dead_run(warehouse, lock.stale)
    removed = warehouse.recover()
    if removed:
        log.warning("removed what an interrupted run left behind: %s", ", ".join(removed))
    warehouse.check_writable()


def record_dead_run(warehouse: Warehouse, holder: dict, message: str | None = None) -> None:
    """A run that died holding the lock (kill -9, power loss) gets its `runs` row after all."""
    if holder.get("kind", "run") != "run":
        return  # a compaction is not a run
    try:
        started = datetime.fromisoformat(holder["started_at"])
    except (KeyError, TypeError, ValueError):
        started = datetime.now(UTC)
    message = message or (f"interrupted: process {holder.get('pid')} died before finishing; its "
                          "snapshot was not made current")
    record_lost_run(warehouse, holder.get("run_id") or "unknown", started, [], message)


def record_lost_run(warehouse: Warehouse, run_id: str, started_at: datetime, inputs: list[str],
                    message: str) -> dict | None:
    """The `runs` row of a run that ended without recording one: its published row when its
    snapshot was made current before it died, else a failed row with `message`. Never raises:
    what cannot be recorded (the disk is still full) is logged to stderr.
    RETURNS (dict | None): the row now in the ledger."""
    try:
        recorded = [r for r in warehouse.run_history() if r["run_id"] == run_id]
        if recorded:
            return recorded[-1]
        current = warehouse.current()
        published = []
        if current is not None and current.name == run_id:  # published, then died before the ledger
            published = [r for r in warehouse.read_table("runs").to_pylist() if r["run_id"] == run_id]
        row = published[0] if published else run_row(
            run_id, started_at, inputs, None, [], "", status="failed", tables={},
            validation="not run", message=message)
        warehouse.record_run(row)
        return row
    except Exception as e:  # noqa: BLE001 - the run is already failing; say why nothing was kept
        print(f"newsfacts: could not record run {run_id} ({message}): {one_line(e)}", file=sys.stderr)
        return None


class InputFiles:
    """Which documents each input file held when a run last read it, so that a night with
    nothing new does not read and hash them all again (20,887 records: 4 s).

    Kept in `state/inputs.json` per file: its (size, mtime_ns, ctime_ns, inode, device) when it
    was read and the doc_id of every record, in order. A file whose numbers are the same was not
    written since (any write changes mtime and ctime; a replaced file has another inode) and is
    skipped, if every recorded document is still published by this extractor version (a
    document validation rejected, or a warehouse rebuilt since, is not). Any other file is read
    as before. Only a run that published every document of a file records it: a file with a
    quarantined record is read every night (the flow must quarantine it again).

    warehouse (Warehouse): the output; version, max_bytes: the run's (another version or size
        limit reads everything again).
    """

    NAME = "inputs.json"

    def __init__(self, warehouse: Warehouse, version: str, max_bytes: int):
        self.path = warehouse.root / "state" / self.NAME
        self.header = {"extractor_version": version, "max_bytes": max_bytes}
        self.recorded = self._load()
        self.files: dict[str, dict] = {}  # this run's files, as they would be recorded
        self.current: dict | None = None  # the file whose records are being read
        self.unchanged_documents = 0

    def _load(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or any(data.get(k) != v for k, v in self.header.items()):
            return {}
        files = data.get("files")
        return files if isinstance(files, dict) else {}

    def read(self, paths: list[Path], *, max_bytes: int, known: dict[str, str | None] | None = None):
        """`flows.sources.read_inputs`, each file noted, and with `known` (the published
        documents) unchanged files whose documents are all published skipped."""
        from flows.sources import list_files, read_file

        version = self.header["extractor_version"]
        for item in list_files(paths):
            if not isinstance(item, tuple):  # a Rejected: the input cannot be recorded
                self.current = None
                yield item
                continue
            path, source = item
            key, stamp = str(path.absolute()), _stamp(path)
            old = self.recorded.get(key)
            if (known is not None and stamp is not None and old is not None and old.get("stamp") == stamp
                    and all(known.get(d, "") == version for d in old.get("doc_ids", ()))):
                self.files[key] = old
                self.unchanged_documents += len(old["doc_ids"])
                continue
            self.current = self.files[key] = {"stamp": stamp, "doc_ids": []}
            yield from read_file(path, source, max_bytes=max_bytes)
        self.current = None

    def note(self, outcome) -> None:
        """What `new_documents` made of the record just read: a doc_id is kept for its file;
        a rejection leaves the file unrecorded."""
        if self.current is None:
            return
        doc_id = outcome.get("doc_id") if isinstance(outcome, dict) else getattr(outcome, "doc_id", None)
        if doc_id is None or getattr(outcome, "stage", None) is not None:  # a Rejected
            self.current["stamp"] = None
        else:
            self.current["doc_ids"].append(doc_id)

    def save(self) -> None:
        """Record this run's files (call once their documents are published). Best effort: a
        record not written only costs the next night a read."""
        files = {k: v for k, v in self.files.items() if v.get("stamp") is not None}
        with suppress(OSError):
            write_json({**self.header, "files": files}, self.path)


def _stamp(path: Path) -> list[int] | None:
    """What changes whenever a file is written or replaced: size, mtime, ctime, inode, device."""
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]
