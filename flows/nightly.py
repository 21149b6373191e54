"""The nightly flow: ingest -> extract -> validate -> publish, one Prefect task per stage.

Task bodies only connect the I/O in `flows/` to the pure stages in `transforms/`; documents
stream through every stage, so memory stays flat however many files a night brings.
"""

from __future__ import annotations

import secrets
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed

from flows.config import Config, ConfigError, HttpSettings, load_config, package_version
from flows.fetch import fetch_sources
from flows.sources import read_entities_file, read_inputs
from flows.warehouse import LockedError, PublishError, StagedTable, Warehouse, crash_point, write_json
from transforms.entities.resolve import finalize_entities
from transforms.extract import EXTRACTED_TABLES, Known, extract_documents, new_documents
from transforms.ingest import DEFAULT_MAX_BYTES, Rejected
from transforms.nlp import EXTRACTORS, ModelError, PipelineSpec, load_pipeline, model_version
from transforms.schemas import FACT_TABLES, TABLES, empty_table, to_arrow, violations

DEFAULT_CRON = "0 2 * * *"


def extractor_version(pipeline: PipelineSpec) -> str:
    """What a document's rows depend on: this code's version and the spaCy pipeline's."""
    return f"newsfacts-{package_version()}/{model_version(load_pipeline(pipeline))}"


def run_config(inputs: list[str] | None, config: str | None, out: str | None,
               spacy_model: str | None) -> Config:
    """What this run reads and where it publishes: the config file (`newsfacts.toml`), with
    inputs, output and pipeline given as arguments taking precedence. Everything is sorted, so
    the order sources are listed in never changes what is published."""
    base = load_config(Path(config)) if config else Config()
    files = sorted({str(Path(p).resolve()) for p in [*base.inputs, *(inputs or [])]})
    return Config(inputs=files, feeds=sorted(set(base.feeds)), urls=sorted(set(base.urls)),
                  out=out or base.out or "data", spacy_model=spacy_model or base.spacy_model,
                  extractors=base.extractors, extractor_modules=base.extractor_modules, http=base.http)


def quarantine_row(run_id: str, item: Rejected) -> dict:
    return {
        "run_id": run_id, "source": item.source, "doc_id": item.doc_id, "stage": item.stage,
        "reason": item.reason, "at": datetime.now(UTC), "table_name": None, "expectation": None,
        "row_key": None,
    }


@dataclass
class Ingested:
    documents: Path
    count: int
    seen: int
    duplicates: int
    quarantine: list[dict]
    skipped: int = 0
    stale: int = 0
    reprocessed: int = 0


@dataclass
class Extracted:
    staged: dict[str, Path]
    counts: dict[str, int]
    quarantine: list[dict]
    model: str


@task(name="ingest", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def ingest(run_id: str, started_at: datetime, sources: Config, warehouse: Warehouse,
           max_bytes: int, version: str, reprocess: bool) -> Ingested:
    """Read every file, feed and page; stage the documents to extract (new texts, and with
    `reprocess` every stored document); quarantine the rest."""
    seen = duplicates = skipped = stale = reprocessed = 0
    quarantine = []
    known = warehouse.published_versions()
    staged = StagedTable("documents", warehouse.staging(run_id) / "documents.parquet")
    if reprocess:
        for batch in warehouse.scan("documents"):
            rows = [{**r, "run_id": run_id, "extractor_version": version} for r in batch.to_pylist()]
            staged.add(rows)
            reprocessed += len(rows)
    stream = chain(read_inputs([Path(p) for p in sources.inputs], max_bytes=max_bytes),
                   fetch_sources(sources.feeds, sources.urls, sources.http, max_bytes=max_bytes))
    for item in new_documents(stream, known=known, run_id=run_id, at=started_at, extractor_version=version):
        seen += 1
        if isinstance(item, Rejected):
            quarantine.append(quarantine_row(run_id, item))
        elif isinstance(item, Known):
            duplicates += 1
            skipped += item.published
            stale += item.published and item.stale and not reprocess
        else:
            staged.add([item])
    logger = get_run_logger()
    logger.info("ingest: %d inputs, %d new documents, %d duplicates (%d extracted by an earlier "
                "run), %d quarantined, %d stored documents re-extracted", seen,
                staged.count - reprocessed, duplicates, skipped, len(quarantine), reprocessed)
    if stale:
        logger.warning("%d inputs were extracted by an older extractor version than %s; run with "
                       "--reprocess to re-extract every stored document", stale, version)
    return Ingested(staged.close(), staged.count, seen, duplicates, quarantine, skipped, stale,
                    reprocessed)


@task(name="extract", cache_policy=NO_CACHE)
def extract(run_id: str, documents: Path, warehouse: Warehouse, pipeline: PipelineSpec,
            batch_size: int, n_process: int, version: str) -> Extracted:
    """Run the NLP pipeline over the staged documents, streaming, and stage the fact rows."""
    nlp = load_pipeline(pipeline)
    staging = warehouse.staging(run_id)
    staged = {name: StagedTable(name, staging / f"{name}.parquet") for name in EXTRACTED_TABLES}
    quarantine = []

    def stream():
        columns = ["doc_id", "source", "text", "published_at"]
        for batch in pq.ParquetFile(documents).iter_batches(batch_size=1024, columns=columns):
            yield from zip(*(batch.column(c).to_pylist() for c in columns))

    found = extract_documents(nlp, stream(), batch_size=batch_size, n_process=n_process,
                              extractor_version=version)
    for i, item in enumerate(found):
        if i == 1:
            crash_point("extract:started")
        if isinstance(item, Rejected):
            quarantine.append(quarantine_row(run_id, item))
            continue
        for name, rows in item[1].items():
            staged[name].add(rows)
    get_run_logger().info("extract (%s): %s", model_version(nlp),
                          ", ".join(f"{n} {s.count} rows" for n, s in staged.items()))
    return Extracted({name: s.close() for name, s in staged.items()},
                     {name: s.count for name, s in staged.items()}, quarantine, model_version(nlp))


@task(name="resolve", cache_policy=NO_CACHE)
def resolve(run_id: str, staged: dict[str, Path], warehouse: Warehouse, known_entities: list[dict],
            reprocess: bool) -> dict[str, pa.Table]:
    """Cross-document entity resolution: the run's document-local entity ids become the ids of
    the published entities (new ones are added), in every table that points at an entity."""
    rows = {n: pq.read_table(staged[n]).to_pylist() for n in staged if n != "documents"}
    published = warehouse.published_rows("entities")
    if reprocess:  # every mention is extracted again: keep the ids and names, recount
        published = [{**e, "doc_count": 0, "mention_count": 0, "aliases": [], "roles": []} for e in published]
    resolved = finalize_entities(rows, published, known_entities, run_id)
    resolved["entities"] = [e for e in resolved["entities"] if e["doc_count"]]
    tables = {n: to_arrow(n, resolved[n]) if n in resolved else empty_table(n) for n in FACT_TABLES}
    tables["documents"] = pq.read_table(staged["documents"])
    return tables


@task(name="validate", cache_policy=NO_CACHE)
def validate(run_id: str, tables: dict[str, pa.Table], quarantine: list[dict], warehouse: Warehouse):
    """Great Expectations over the run's new rows; failing rows go to quarantine."""
    from expectations.suites import Validator

    rejected_docs = {q["doc_id"] for q in quarantine if q["stage"] == "extract"}
    if rejected_docs:
        documents = tables["documents"]
        rejected = pc.is_in(documents["doc_id"], pa.array(sorted(rejected_docs), pa.string()))
        tables["documents"] = documents.filter(pc.invert(rejected))
    validator = Validator(warehouse.docs_dir)
    clean, report = validator.validate(tables, run_id=run_id, at=datetime.now(UTC))
    # The run's own quarantine rows are data too: a malformed one stops publication.
    report.table_failures += validator.check("quarantine", to_arrow("quarantine", quarantine + report.quarantine))
    crash_point("validate:checked")
    write_json({
        "run_id": run_id, "summary": report.summary, "table_failures": report.table_failures,
        "tables": {n: vars(r) for n, r in report.tables.items()}, "results": report.results,
    }, warehouse.validation_dir / f"{run_id}.json")
    get_run_logger().info("validation: %s", report.summary)
    return clean, report


def _retry_unless_invalid(task, task_run, state) -> bool:
    """Retry I/O failures, not a snapshot that failed its checks (it would fail again)."""
    try:
        state.result()
    except PublishError:
        return False
    except Exception:
        return True
    return False


@task(name="publish", retries=2, retry_delay_seconds=5, retry_condition_fn=_retry_unless_invalid,
      cache_policy=NO_CACHE)
def publish(warehouse: Warehouse, clean: dict[str, pa.Table], quarantine: list[dict], row: dict,
            reprocess: bool = False) -> Path:
    """Check the runs table, write the snapshot, the DuckDB catalog and the ledger entry."""
    history = [r for r in warehouse.run_history() if r["run_id"] != row["run_id"]]
    runs = to_arrow("runs", history + [row])
    failures = violations("runs", runs)
    if failures:
        raise PublishError("; ".join(failures))
    tables = {**clean, "quarantine": to_arrow("quarantine", quarantine), "runs": runs}
    snapshot = warehouse.publish(row["run_id"], tables, replace=reprocess)
    warehouse.record_run(row)
    return snapshot


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
        "docs_quarantined": inputs_quarantined, **counts, "rows_quarantine": len(quarantine),
        "validation": validation, "code_version": package_version(), "model_version": model or "none",
        "inputs": inputs, "message": message,
    }


def summary_markdown(row: dict, snapshot: Path | None) -> str:
    lines = [f"# newsfacts run `{row['run_id']}`: {row['status']}", "",
             "| measure | value |", "|---|---|"]
    for key in ("docs_seen", "docs_new", "docs_duplicate", "docs_skipped", "docs_stale",
                "docs_reprocessed", "docs_quarantined",
                *(f"rows_{n}" for n in (*FACT_TABLES, "quarantine")), "validation", "model_version"):
        lines.append(f"| {key} | {row[key]} |")
    lines += ["", f"Snapshot: `{snapshot}`" if snapshot else f"Not published: {row['message']}"]
    return "\n".join(lines)


def configuration_problem(files: list[str], files_feeds_urls: list[str], pipeline: PipelineSpec) -> str | None:
    """Why the run cannot start (a missing input path, an unloadable pipeline), else None."""
    if not files_feeds_urls:
        return "nothing to read: give --input paths or a config file listing inputs, feeds or urls"
    missing = [p for p in files if not Path(p).exists()]
    if missing:
        return f"input path does not exist: {', '.join(missing)}"
    try:
        load_pipeline(pipeline)
    except ModelError as e:
        return str(e)
    return None


@flow(name="newsfacts-nightly", log_prints=False)
def nightly(inputs: list[str] | None = None, out: str | None = None,
            max_bytes: int = DEFAULT_MAX_BYTES, spacy_model: str | None = None,
            batch_size: int = 64, n_process: int = 1, keep_snapshots: int = 5,
            entities_file: str | None = None, reprocess: bool = False, config: str | None = None):
    """Ingest files, feeds and pages, extract facts, validate them and publish a snapshot.

    inputs: files and folders; config: a `newsfacts.toml` listing files, feeds and URLs (both
    may be given); out: the output root (default: the config's, else `data`).
    Only documents no earlier run extracted are extracted; `reprocess` re-extracts every stored
    document (after a new extractor version). One run at a time per output (a lock file).

    RETURNS (State): Completed with the run's `runs` row as data, or Failed with a one-line
        reason (a bad config file, another run holding the lock, a configuration problem, or the
        table-level expectation that stopped publication; the previous snapshot stays).
    """
    try:
        sources = run_config(inputs, config, out, spacy_model)
    except ConfigError as e:
        return Failed(message=str(e))
    pipeline = PipelineSpec(sources.spacy_model, sources.extractors or EXTRACTORS, sources.extractor_modules)
    inputs = [*sources.inputs, *sources.feeds, *sources.urls]
    warehouse = Warehouse(Path(sources.out), keep_snapshots=keep_snapshots)
    started_at = datetime.now(UTC)
    run_id = f"{started_at:%Y%m%dT%H%M%S}Z-{secrets.token_hex(3)}"
    logger = get_run_logger()
    try:
        lock = warehouse.lock(run_id).acquire()
    except LockedError as e:
        return Failed(message=str(e))
    clock = time.monotonic()

    def stage_done(stage: str, **counts) -> None:
        nonlocal clock
        now = time.monotonic()
        warehouse.log_event({"run_id": run_id, "stage": stage, "seconds": round(now - clock, 3), **counts})
        clock = now

    try:
        if lock.stale is not None:
            record_dead_run(warehouse, lock.stale)
        removed = warehouse.recover()
        if removed:
            logger.warning("removed what an interrupted run left behind: %s", ", ".join(removed))
        problem = configuration_problem(sources.inputs, inputs, pipeline)
        try:
            known_entities = read_entities_file(entities_file)
        except (OSError, ValueError) as e:
            problem = problem or str(e)
        if problem:
            failed = run_row(run_id, started_at, inputs, None, [], "", status="failed", tables={},
                             validation="not run", message=problem)
            warehouse.record_run(failed)
            stage_done("failed", message=problem)
            return Failed(message=problem, data=failed)
        version = extractor_version(pipeline)
        ingested = ingest(run_id, started_at, sources, warehouse, max_bytes, version, reprocess)
        stage_done("ingest", seen=ingested.seen, staged=ingested.count, duplicates=ingested.duplicates,
                   quarantined=len(ingested.quarantine), reprocessed=ingested.reprocessed)
        crash_point("ingest:done")
        model = model_version(load_pipeline(pipeline))
        if ingested.count == 0 and not ingested.quarantine:
            # Nothing new: the snapshot stays as it is, plus this run's row in `runs`.
            done = run_row(run_id, started_at, inputs, ingested, [], model, status="success",
                           tables={}, validation="passed (nothing new)")
            snapshot = publish(warehouse, {}, [], done)
            stage_done("publish", snapshot=snapshot.name)
            return finish(done, snapshot, warehouse)
        extracted = extract(run_id, ingested.documents, warehouse, pipeline, batch_size,
                            n_process, version)
        stage_done("extract", model=extracted.model, rows=extracted.counts,
                   quarantined=len(extracted.quarantine))
        staged = {"documents": ingested.documents, **extracted.staged}
        quarantine = ingested.quarantine + extracted.quarantine
        tables = resolve(run_id, staged, warehouse, known_entities, reprocess)
        stage_done("resolve", entities=tables["entities"].num_rows)
        clean, report = validate(run_id, tables, quarantine, warehouse)
        quarantine += report.quarantine
        stage_done("validate", summary=report.summary, table_failures=report.table_failures)

        def row(status, tables, message=None):
            return run_row(run_id, started_at, inputs, ingested, quarantine, extracted.model,
                           status=status, tables=tables, validation=report.summary, message=message)

        if not report.publishable:
            failed = row("failed", {}, "validation failed: " + "; ".join(report.table_failures))
            warehouse.record_run(failed)
            create_markdown_artifact(key="newsfacts-run", markdown=summary_markdown(failed, None))
            return Failed(message=failed["message"], data=failed)
        done = row("partial" if report.quarantine else "success", clean)
        snapshot = publish(warehouse, clean, quarantine, done, reprocess)
        stage_done("publish", snapshot=snapshot.name)
        return finish(done, snapshot, warehouse)
    finally:
        shutil.rmtree(warehouse.staging(run_id), ignore_errors=True)
        lock.release()


def finish(done: dict, snapshot: Path, warehouse: Warehouse):
    create_markdown_artifact(key="newsfacts-run", markdown=summary_markdown(done, snapshot),
                             description=f"newsfacts run {done['run_id']}")
    return Completed(message=f"published {warehouse.db_path} (snapshot {snapshot.name})", data=done)


def record_dead_run(warehouse: Warehouse, holder: dict) -> None:
    """A run that died holding the lock (kill -9, power loss) gets its `runs` row after all."""
    run_id = holder.get("run_id") or "unknown"
    if holder.get("kind", "run") != "run" or any(r["run_id"] == run_id for r in warehouse.run_history()):
        return  # a compaction is not a run; a recorded run needs no second row
    current = warehouse.current()
    if current is not None and current.name == run_id:  # it died after publishing, before the ledger
        published = [r for r in warehouse.read_table("runs").to_pylist() if r["run_id"] == run_id]
        if published:
            warehouse.record_run(published[0])
            return
    try:
        started = datetime.fromisoformat(holder["started_at"])
    except (KeyError, TypeError, ValueError):
        started = datetime.now(UTC)
    message = (f"interrupted: process {holder.get('pid')} died before finishing; its snapshot was "
               "not made current")
    warehouse.record_run(run_row(run_id, started, [], None, [], "", status="failed", tables={},
                                 validation="not run", message=message))
