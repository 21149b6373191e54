"""The nightly flow: ingest -> extract -> validate -> publish, one Prefect task per stage.

Task bodies only connect the I/O in `flows/` to the pure stages in `transforms/`; documents
stream through every stage, so memory stays flat however many files a night brings.
"""

from __future__ import annotations

import errno
import logging
import secrets
import signal
from contextlib import suppress
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

from flows.config import Config, ConfigError, package_version
from flows.fetch import FetchStats, fetch_sources
from flows.ledger import (
    Ingested, InputFiles, one_line, publish_snapshot, record_lost_run, run_row, take_over, write_report,
)
from flows.preflight import UsageError, check_sources, run_config
from flows.progress import Progress
from flows.sources import read_entities_file
from flows.warehouse import (
    LockedError, PublishError, StagedTable, StageClock, Warehouse, crash_point, num_rows, spilling,
    write_json,
)
from transforms.entities.resolve import resolve_entities
from transforms.extract import DEFAULT_BUDGET_S, EXTRACTED_TABLES, extract_documents
from transforms.ingest import DEFAULT_MAX_BYTES, Known, Rejected, new_documents
from transforms.nlp import EXTRACTORS, ModelError, PipelineSpec, load_pipeline, model_version
from transforms.schemas import FACT_TABLES, to_arrow

DEFAULT_CRON = "0 2 * * *"


def extractor_version(pipeline: PipelineSpec) -> str:
    """What a document's rows depend on: this code's version and the spaCy pipeline's."""
    return f"newsfacts-{package_version()}/{model_version(load_pipeline(pipeline))}"


def quarantine_row(run_id: str, item: Rejected) -> dict:
    return {
        "run_id": run_id, "source": item.source, "doc_id": item.doc_id, "stage": item.stage,
        "reason": item.reason, "at": datetime.now(UTC), "table_name": None, "expectation": None,
        "row_key": None,
    }


@dataclass
class Extracted:
    staged: dict[str, Path]
    counts: dict[str, int]
    quarantine: list[dict]
    model: str


class Interrupted(Exception):
    """SIGTERM or SIGINT arrived while a run held the lock."""


# A full disk, a quota, a permission or a read-only file system: trying again cannot help.
PERMANENT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS}


def can_heal(exc: BaseException) -> bool:
    """Whether a retry may succeed: not after a snapshot failed its checks (it would fail
    again), an interrupt, a Dask cluster that could not be reached (it waited already), or an
    OSError whose errno is permanent."""
    if isinstance(exc, (PublishError, Interrupted)) or type(exc).__name__ == "ClusterError":
        return False
    return not (isinstance(exc, OSError) and exc.errno in PERMANENT_ERRNOS)


def _retry_if_it_can_heal(task, task_run, state) -> bool:
    try:
        state.result()
    except Exception as e:
        return can_heal(e)
    return False


class _OneLineFailures(logging.Filter):
    """Prefect logs a failing task's traceback; for the failures a run reports on one line
    (a full disk, a permission, an interrupt) it is noise on the operator's terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None and not can_heal(record.exc_info[1]):
            record.exc_info = record.exc_text = None
        return True


logging.getLogger("prefect.task_runs").addFilter(_OneLineFailures())


@task(name="ingest", retries=2, retry_delay_seconds=5, retry_condition_fn=_retry_if_it_can_heal,
      cache_policy=NO_CACHE)
def ingest(run_id: str, started_at: datetime, sources: Config, warehouse: Warehouse,
           max_bytes: int, version: str, reprocess: bool, quiet: bool = False,
           dask_address: str | None = None) -> Ingested:
    """Read every file, feed and page; stage the documents to extract (new texts, and with
    `reprocess` every stored document); quarantine the rest. Shows the inputs read so far
    (`flows.progress`; `quiet`: nothing)."""
    seen = duplicates = skipped = stale = reprocessed = 0
    quarantine = []
    known = warehouse.published_versions()
    staged = StagedTable("documents", warehouse.staging(run_id) / "documents.parquet")
    if reprocess:
        for batch in warehouse.scan("documents"):
            rows = [{**r, "run_id": run_id, "extractor_version": version} for r in batch.to_pylist()]
            staged.add(rows)
            reprocessed += len(rows)
    fetched = FetchStats()
    paths = [Path(p) for p in sources.inputs]
    # Each file's documents are noted, so that a night with nothing new can skip the files no
    # one wrote since (`InputFiles`; not when read on a cluster).
    noted = InputFiles(warehouse, version, max_bytes)
    if dask_address and paths:  # files read on the cluster's workers; feeds and pages here
        from flows.distributed import read_on_cluster

        files = read_on_cluster(dask_address, paths, max_bytes=max_bytes)
    else:
        files = noted.read(paths, max_bytes=max_bytes)
    stream = chain(files,
                   fetch_sources(sources.feeds, sources.urls, sources.http, max_bytes=max_bytes, stats=fetched))
    logger = get_run_logger()
    with Progress(None, "ingest", quiet=quiet, logger=logger) as progress:  # the total is unknown
        for item in new_documents(stream, known=known, run_id=run_id, at=started_at, extractor_version=version):
            seen += 1
            progress.advance()
            noted.note(item)
            if isinstance(item, Rejected):
                quarantine.append(quarantine_row(run_id, item))
            elif isinstance(item, Known):
                duplicates += 1
                skipped += item.published
                stale += item.published and item.stale and not reprocess
            else:
                staged.add([item])
    logger.info("ingest: %d inputs, %d new documents, %d duplicates (%d extracted by an earlier "
                "run), %d quarantined, %d stored documents re-extracted", seen,
                staged.count - reprocessed, duplicates, skipped, len(quarantine), reprocessed)
    if stale:
        logger.warning("%d inputs were extracted by an older extractor version than %s; run with "
                       "--reprocess to re-extract every stored document", stale, version)
    for feed, n in fetched.skipped_entries.items():
        logger.warning("%s: %d entries past http.max_entries_per_feed were not read", feed, n)
    return Ingested(staged.close(), staged.count, seen, duplicates, quarantine, skipped, stale,
                    reprocessed, fetched.skipped_entries_total, noted)


@task(name="extract", cache_policy=NO_CACHE)
def extract(run_id: str, documents: Path, warehouse: Warehouse, pipeline: PipelineSpec,
            batch_size: int, n_process: int, version: str, budget_s: float = DEFAULT_BUDGET_S,
            quiet: bool = False, dask_address: str | None = None) -> Extracted:
    """Run the NLP pipeline over the staged documents, streaming, and stage the fact rows.
    Shows the documents done, rate and ETA (`flows.progress`; `quiet`: nothing)."""
    nlp = load_pipeline(pipeline)
    staging = warehouse.staging(run_id)
    staged = {name: StagedTable(name, staging / f"{name}.parquet") for name in EXTRACTED_TABLES}
    quarantine = []

    def stream():
        columns = ["doc_id", "source", "text", "published_at"]
        for batch in pq.ParquetFile(documents).iter_batches(batch_size=1024, columns=columns):
            yield from zip(*(batch.column(c).to_pylist() for c in columns))

    total = pq.ParquetFile(documents).metadata.num_rows
    # spaCy hands each worker whole batches: a worker beyond the number of batches would only
    # cost its start-up (a night of three documents runs in this process).
    n_process = max(1, min(n_process, -(-total // batch_size)))
    if dask_address:  # on the cluster's workers, in shards; the rows come back in input order
        from flows.distributed import extract_on_cluster

        found = extract_on_cluster(dask_address, documents, pipeline, extractor_version=version,
                                   budget_s=budget_s, batch_size=batch_size)
    else:
        found = extract_documents(nlp, stream(), batch_size=batch_size, n_process=n_process,
                                  extractor_version=version, budget_s=budget_s)
    with Progress(total, "extract", quiet=quiet, logger=get_run_logger()) as progress:
        for i, item in enumerate(found):
            progress.advance()
            if i == 1:
                crash_point("extract:started")
            if isinstance(item, Rejected):
                quarantine.append(quarantine_row(run_id, item))
                continue
            for name, rows in item[1].items():
                staged[name].add(rows)
    # Per-document rows: entities are counted once per document they appear in, before
    # `resolve` merges them across documents (the published count is smaller).
    get_run_logger().info("extract (%s), rows per document before cross-document resolution: %s",
                          model_version(nlp), ", ".join(f"{n} {s.count}" for n, s in staged.items()))
    return Extracted({name: s.close() for name, s in staged.items()},
                     {name: s.count for name, s in staged.items()}, quarantine, model_version(nlp))


# Per-document entity rows `resolve_entities` folds in at a time (Python dicts, about 1 KB
# each): with the entities table itself, what resolution holds in memory, however many
# documents a night brings.
RESOLVE_CHUNK_ROWS = 50_000


@task(name="resolve", cache_policy=NO_CACHE)
def resolve(run_id: str, staged: dict[str, Path], warehouse: Warehouse, known_entities: list[dict],
            reprocess: bool) -> dict[str, Path]:
    """Cross-document entity resolution: the run's document-local entity ids become the ids of
    the published entities (new ones are added), in every table that points at an entity.
    Streamed: the run's per-document entities in chunks, the other tables batch by batch
    through Arrow; RETURNS the staged Parquet file of each table."""
    folder = warehouse.staging(run_id) / "resolved"
    entities = warehouse.published_rows("entities")
    before = len(entities)
    if reprocess:  # every mention is extracted again: keep the ids and names, recount
        entities = [{**e, "doc_count": 0, "mention_count": 0, "aliases": [], "roles": []} for e in entities]
    mapping, merges, local = {}, [], 0
    for chunk in entity_chunks(staged["entities"], RESOLVE_CHUNK_ROWS):
        entities, found, merged = resolve_entities(entities, chunk, known_entities)
        mapping.update(found)
        merges += merged
        local += len(chunk)
    entities = [e for e in entities if e["doc_count"]]
    remap = IdMap(mapping)
    resolved = {"documents": staged["documents"], "entities": write_rows("entities", entities, folder)}
    for name in EXTRACTED_TABLES:
        if name not in resolved:
            resolved[name] = remap.rewrite(staged[name], folder / f"{name}.parquet", name)
    resolved["entity_aliases"] = run_aliases(resolved["entity_aliases"], merges, run_id)
    get_run_logger().info("resolve: %d per-document entities -> %d entities in the table (%d before)",
                          local, len(entities), before)
    return resolved


def entity_chunks(path: Path, rows: int):
    """The staged per-document entity rows as lists of about `rows` dicts, in the order
    `resolve_entities` takes them (entity id, name; sorted by DuckDB, which spills to disk
    beyond 256 MB rather than hold a night's rows), cut only where the entity id changes: each
    local id is decided once, as in one call with every row (only which of two entities gets a
    name both could take may differ, as between two nights). At least one chunk (maybe empty),
    so that the gazetteer is applied on a night without entities too."""
    con = spilling(path.parent / "duckdb.tmp")
    try:
        chunk: list[dict] = []
        with con.read_parquet(str(path)).order("entity_id, name").to_arrow_reader(batch_size=rows) as reader:
            for batch in reader:
                for row in batch.to_pylist():
                    if len(chunk) >= rows and row["entity_id"] != chunk[-1]["entity_id"]:
                        yield chunk
                        chunk = []
                    chunk.append(row)
        yield chunk
    finally:
        con.close()


class IdMap:
    """{document-local entity id: published entity id} applied to Arrow columns."""

    def __init__(self, mapping: dict[str, str]):
        self.keys = pa.array(list(mapping), pa.string())
        self.values = pa.array(list(mapping.values()), pa.string())

    def apply(self, table: pa.Table) -> pa.Table:
        """Every `entity_id` / `*_entity_id` column mapped; ids not in the map stay."""
        for i, column in enumerate(table.column_names):
            if column == "entity_id" or column.endswith("_entity_id"):
                ids = table.column(i)
                found = pc.take(self.values, pc.index_in(ids, value_set=self.keys))
                table = table.set_column(i, column, pc.coalesce(found, ids))
        return table

    def rewrite(self, source: Path, target: Path, name: str) -> Path:
        """A staged table's file mapped batch by batch into `target`."""
        staged = StagedTable(name, target)
        for batch in pq.ParquetFile(source).iter_batches(batch_size=STAGED_BATCH_ROWS):
            staged.write(self.apply(pa.Table.from_batches([batch])))
        return staged.close()


STAGED_BATCH_ROWS = 16_384  # rows read from a staged file at a time (Arrow: a few MB)


def write_rows(name: str, rows: list[dict], folder: Path) -> Path:
    """Rows (dicts) to a staged Parquet file, a slice at a time (no second copy of them all)."""
    staged = StagedTable(name, folder / f"{name}.parquet")
    for i in range(0, len(rows), STAGED_BATCH_ROWS):
        staged.write(to_arrow(name, rows[i:i + STAGED_BATCH_ROWS], staging=True))
    return staged.close()


def run_aliases(path: Path, merges: list[dict], run_id: str) -> Path:
    """The run's `entity_aliases`: the linker's rows (ids mapped) and the cross-document merges,
    each (entity, alias, rule, document) once, sorted, stamped with the run. DuckDB dedupes and
    sorts them within its memory limit and hands them on a batch at a time: the night's rows
    at once in Arrow grew resolution's peak with the night (+70 MB for twice the bulk corpus)."""
    keys = ["entity_id", "alias", "rule", "doc_id"]
    columns = ", ".join(keys)
    order = ", ".join(f"{k} nulls last" for k in keys)  # as Arrow's sort_by put them
    con = spilling(path.parent / "duckdb.tmp")
    try:
        con.register("linked", con.read_parquet(str(path)))
        con.register("merges", to_arrow("entity_aliases", [{**m, "doc_id": None} for m in merges], staging=True))
        rows = con.sql(f"select {columns}, $run_id as run_id from (select distinct {columns} from "
                       f"(select {columns} from linked union all select {columns} from merges)) "
                       f"order by {order}", params={"run_id": run_id})
        staged = StagedTable("entity_aliases", path.with_name("entity_aliases.run.parquet"))
        with rows.to_arrow_reader(batch_size=STAGED_BATCH_ROWS) as reader:
            for batch in reader:
                staged.write(pa.Table.from_batches([batch]))
        return staged.close()
    finally:
        con.close()


@task(name="validate", cache_policy=NO_CACHE)
def validate(run_id: str, tables: dict[str, Path], quarantine: list[dict], warehouse: Warehouse):
    """Great Expectations over the run's new rows, batch by batch (`expectations.suites`);
    failing rows go to quarantine, passing ones to staged files (RETURNS them and the report)."""
    from expectations.suites import Validator

    rejected_docs = {q["doc_id"] for q in quarantine if q["stage"] == "extract"}
    validator = Validator(warehouse.docs_dir)
    clean, report = validator.validate(tables, run_id=run_id, at=datetime.now(UTC),
                                       clean_dir=warehouse.staging(run_id) / "clean",
                                       exclude_docs=rejected_docs)
    # The run's own quarantine rows are data too: a malformed one stops publication.
    report.table_failures += validator.check("quarantine", to_arrow("quarantine", quarantine + report.quarantine))
    crash_point("validate:checked")
    write_json({
        "run_id": run_id, "summary": report.summary, "table_failures": report.table_failures,
        "tables": {n: vars(r) for n, r in report.tables.items()}, "results": report.results,
    }, warehouse.validation_dir / f"{run_id}.json")
    get_run_logger().info("validation: %s", report.summary)
    return clean, report


class Interrupts:
    """While a run holds the lock, SIGTERM and SIGINT raise `Interrupted` instead of ending the
    process, so the run is recorded as failed and its lock released. `shield()` for that
    cleanup: signals then are dropped (the run is ending anyway). `restore()` puts back the
    handlers found (Prefect's own, outside the run)."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self):
        self.previous: dict = {}
        self.shielded = False

    def install(self) -> "Interrupts":
        try:
            self.previous = {s: signal.signal(s, self._raise) for s in self.SIGNALS}
        except ValueError:  # not the main thread, where signals cannot be handled
            pass
        return self

    def _raise(self, signum, frame) -> None:
        if not self.shielded:
            raise Interrupted(f"interrupted by {signal.Signals(signum).name}")

    def shield(self) -> None:
        self.shielded = True

    def restore(self) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)


@task(name="publish", retries=2, retry_delay_seconds=5, retry_condition_fn=_retry_if_it_can_heal,
      cache_policy=NO_CACHE)
def publish(warehouse: Warehouse, clean: dict[str, Path], quarantine: list[dict], row: dict,
            reprocess: bool = False) -> Path:
    """Check the runs table, write the snapshot, the DuckDB catalog and the ledger entry.
    Retried after a failure part-way, it finishes the publication (see `Warehouse.publish`)."""
    return publish_snapshot(warehouse, clean, quarantine, row, reprocess)


def summary_markdown(row: dict, snapshot: Path | None) -> str:
    lines = [f"# newsfacts run `{row['run_id']}`: {row['status']}", "",
             "| measure | value |", "|---|---|"]
    for key in ("docs_seen", "docs_new", "docs_duplicate", "docs_skipped", "docs_stale",
                "docs_reprocessed", "docs_quarantined",
                *(f"rows_{n}" for n in (*FACT_TABLES, "quarantine")), "validation", "model_version"):
        lines.append(f"| {key} | {row[key]} |")
    lines += ["", f"Snapshot: `{snapshot}`" if snapshot else f"Not published: {row['message']}"]
    return "\n".join(lines)


def configuration_problem(sources: Config, pipeline: PipelineSpec) -> str | None:
    """Why the run cannot start (nothing to read, a missing input path, no room in the output
    folder, an unloadable pipeline), else None. (`newsfacts run` checked most of it before
    Prefect started; a deployment's run is checked here.)"""
    try:
        check_sources(sources)
        load_pipeline(pipeline)
    except (UsageError, ModelError) as e:
        return str(e)
    return None


@flow(name="newsfacts-nightly", log_prints=False)
def nightly(inputs: list[str] | None = None, out: str | None = None,
            max_bytes: int = DEFAULT_MAX_BYTES, spacy_model: str | None = None,
            batch_size: int | None = None, n_process: int | None = None, keep_snapshots: int = 5,
            entities_file: str | None = None, reprocess: bool = False, config: str | None = None,
            document_timeout_s: float = DEFAULT_BUDGET_S, quiet: bool = False,
            dask_address: str | None = None):
    """Ingest files, feeds and pages, extract facts, validate them and publish a snapshot.

    inputs: files and folders; config: a `newsfacts.toml` listing files, feeds and URLs (both
    may be given); out: the output root (default: the config's, else `data`);
    document_timeout_s: a document whose extraction takes longer is quarantined;
    n_process, batch_size: spaCy worker processes and documents per batch (None: the config's
    `n_process`/`batch_size`, else every usable core and the measured batch size);
    quiet: no progress for ingest and extract (else a bar on a terminal, log lines elsewhere);
    dask_address: a Dask scheduler (else the config's `dask`): input files are read and documents
    extracted on its workers; resolution, validation and publication stay here.
    Only documents no earlier run extracted are extracted; `reprocess` re-extracts every stored
    document (after a new extractor version). One run at a time per output (a lock file).

    RETURNS (State): Completed with the run's `runs` row as data, or Failed with a one-line
        reason (a bad config file, another run holding the lock, a configuration problem, the
        table-level expectation that stopped publication, or an error or SIGTERM/SIGINT in any
        stage, then recorded as a `failed` runs row; the previous snapshot stays).
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
    except OSError as e:  # not even the lock can be written: nor can a runs row
        return Failed(message=f"cannot write under {warehouse.root}: {e}")
    clock = StageClock(warehouse, run_id)
    interrupts = Interrupts().install()
    try:
        take_over(warehouse, lock, logger)
        problem = configuration_problem(sources, pipeline)
        try:
            known_entities = read_entities_file(entities_file)
        except (OSError, ValueError) as e:
            problem = problem or str(e)
        if problem:
            failed = run_row(run_id, started_at, inputs, None, [], "", status="failed", tables={},
                             validation="not run", message=problem)
            warehouse.record_run(failed)
            clock.done("failed", message=problem)
            return Failed(message=problem, data=failed)
        version = extractor_version(pipeline)
        dask_address = dask_address or sources.dask
        ingested = ingest(run_id, started_at, sources, warehouse, max_bytes, version, reprocess, quiet,
                          dask_address)
        clock.done("ingest", seen=ingested.seen, staged=ingested.count, duplicates=ingested.duplicates,
                   quarantined=len(ingested.quarantine), reprocessed=ingested.reprocessed)
        crash_point("ingest:done")
        model = model_version(load_pipeline(pipeline))
        if ingested.count == 0 and not ingested.quarantine:
            # Nothing new: the snapshot stays as it is, plus this run's row in `runs`.
            done = run_row(run_id, started_at, inputs, ingested, [], model, status="success",
                           tables={}, validation="passed (nothing new)")
            snapshot = publish(warehouse, {}, [], done)
            clock.done("publish", snapshot=snapshot.name)
            ingested.files.save()
            return finish(done, snapshot, warehouse)
        extracted = extract(run_id, ingested.documents, warehouse, pipeline,
                            batch_size or sources.batch_size, n_process or sources.n_process,
                            version, document_timeout_s, quiet=quiet, dask_address=dask_address)
        clock.done("extract", model=extracted.model, rows=extracted.counts,
                   quarantined=len(extracted.quarantine))
        return resolve_validate_publish(run_id, started_at, inputs, ingested, extracted, warehouse,
                                        known_entities, reprocess, clock)
    except Exception as e:  # any stage, a full disk, a permission, SIGTERM/SIGINT: recorded
        interrupts.shield()
        warehouse.discard(run_id)  # first: on a full disk this frees room for the record
        reason = f"{one_line(e)} (after {clock.last})"
        logger.error("run failed: %s", reason)
        failed = record_lost_run(warehouse, run_id, started_at, inputs, reason)
        with suppress(OSError):  # the structured log is a nicety on a full disk
            clock.done("failed", message=reason)
        return Failed(message=reason, data=failed)
    finally:
        interrupts.shield()
        warehouse.discard(run_id)
        write_report(warehouse, logger)
        lock.release()
        interrupts.restore()


def resolve_validate_publish(run_id: str, started_at: datetime, inputs: list[str], ingested: Ingested,
                             extracted: Extracted, warehouse: Warehouse, known_entities: list[dict],
                             reprocess: bool, clock: StageClock):
    """The night's last stages, once its documents are extracted: entities resolved across
    documents, the tables validated, the snapshot published (or the run failed when a
    table-level expectation fails). RETURNS the flow's State."""
    staged = {"documents": ingested.documents, **extracted.staged}
    quarantine = ingested.quarantine + extracted.quarantine
    tables = resolve(run_id, staged, warehouse, known_entities, reprocess)
    clock.done("resolve", entities=num_rows(tables["entities"]))
    clean, report = validate(run_id, tables, quarantine, warehouse)
    quarantine += report.quarantine
    clock.done("validate", summary=report.summary, table_failures=report.table_failures)

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
    clock.done("publish", snapshot=snapshot.name)
    ingested.files.save()
    return finish(done, snapshot, warehouse)


def finish(done: dict, snapshot: Path, warehouse: Warehouse):
    create_markdown_artifact(key="newsfacts-run", markdown=summary_markdown(done, snapshot),
                             description=f"newsfacts run {done['run_id']}")
    return Completed(message=f"published {warehouse.db_path} (snapshot {snapshot.name})", data=done)
