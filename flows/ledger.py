"""The `runs` row and the publication of a run's snapshot: plain functions (no Prefect, no
spaCy) shared by the nightly flow (`flows/nightly.py`) and the nothing-new path (`flows/quick.py`)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from flows.config import package_version
from flows.warehouse import PublishError, RunLock, Warehouse
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


def one_line(exc: BaseException) -> str:
    """A failure's reason on one line: the message (an OSError's names its errno and file) and,
    where the message alone is unclear, the exception's type."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if not isinstance(exc, (OSError, PublishError)) and type(exc).__name__ != "Interrupted":
        text = f"{type(exc).__name__}: {text}"
    return text[:500]


def run_row(run_id: str, started_at: datetime, inputs: list[str], ingested: Ingested | None,
            quarantine: list[dict], model: str, *, status: str, tables: dict[str, pa.Table],
            validation: str, message: str | None = None) -> dict:
    """The run's `runs` row. Inputs quarantined count once each: at ingest, at extraction, or
    as a documents row rejected by validation (documents + quarantined + duplicates = seen)."""
    counts = {f"rows_{n}": (tables[n].num_rows if n in tables else 0) for n in FACT_TABLES}
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


def publish_snapshot(warehouse: Warehouse, clean: dict[str, pa.Table], quarantine: list[dict],
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
