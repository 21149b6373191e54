"""Ingestion and extraction on a Dask cluster (`newsfacts run --dask ADDRESS`).

Drop-in replacements for `flows.sources.read_inputs` and `transforms.extract.extract_documents`:
the run (the Dask client) cuts the work into shards, workers read files and run the spaCy
pipeline on them, and the results come back in input order, so what the run then stages,
resolves, validates and publishes, single-writer on the client, is what a run on one machine
would. At most a few shards per worker thread are in flight: memory stays bounded.

A worker needs what the client has: this package and the spaCy pipeline (the same model, the
same `extractor_modules`, the same `NEWSFACTS_*` environment), and the input paths at the same
place (a shared file system). A worker whose pipeline differs fails the run instead of
publishing rows under the wrong extractor version.
"""

from __future__ import annotations

import threading
from collections import deque
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Iterable, Iterator

import pyarrow.parquet as pq
from distributed import Client, Future, get_worker

from flows.sources import list_files, read_file
from transforms.extract import DEFAULT_BUDGET_S, extract_documents
from transforms.ingest import RawDocument, Rejected, input_format
from transforms.nlp import PipelineSpec, load_pipeline, model_version

# Documents per extraction shard: about a second of work for one worker process, small enough
# that the workers end together (300 bulk articles on two workers: 64 a shard took 24 s, 32
# took 18 s, 16 took 15 s).
DEFAULT_SHARD_DOCS = 16
# Files (each at most --max-bytes) per reading shard.
DEFAULT_SHARD_FILES = 16
# Shards submitted ahead, per worker thread: the next one is already there when one ends.
AHEAD_PER_THREAD = 2
# Seconds to reach the scheduler, and for a first worker to join it.
CONNECT_TIMEOUT_S = 30
DOCUMENT_COLUMNS = ["doc_id", "source", "text", "published_at"]

# A spaCy pipeline is not thread-safe (and `extract_documents` sets its error handler): a worker
# process with several threads extracts one shard at a time. Run workers with `--nthreads 1`.
_ONE_SHARD_AT_A_TIME = threading.Lock()


class ClusterError(RuntimeError):
    """The Dask cluster cannot run this run's work: unreachable, no worker, or a worker
    whose pipeline or file system differs from the client's."""


def extract_on_cluster(
    address: str, documents_parquet: Path, pipeline: PipelineSpec, *, extractor_version: str | None,
    budget_s: float = DEFAULT_BUDGET_S, batch_size: int = 64, shard_docs: int = DEFAULT_SHARD_DOCS,
) -> Iterator[tuple[str, dict[str, list[dict]]] | Rejected]:
    """`extract_documents` over the staged documents, on the cluster's workers.

    address: the Dask scheduler, e.g. "tcp://10.0.0.5:8786".
    documents_parquet: the staged documents (columns doc_id, source, text, published_at).
    RETURNS: per document, in input order, (doc_id, {table: rows}) or a Rejected, as
        `extract_documents` yields them. Each worker process loads the pipeline once (on its
        first shard; `load_pipeline` caches it). The time budget is checked after each
        component: worker threads cannot take the timer signal that interrupts one.
    """
    expected = model_version(load_pipeline(pipeline))
    work = partial(_extract_shard, pipeline, expected_model=expected, extractor_version=extractor_version,
                   budget_s=budget_s, batch_size=batch_size)
    with connect(address) as client:
        yield from _in_order(client, (partial(work, shard) for shard in _shards(documents_parquet, shard_docs)))


def read_on_cluster(address: str, paths: list[Path], *, max_bytes: int,
                    shard_files: int = DEFAULT_SHARD_FILES) -> Iterator[RawDocument | Rejected]:
    """`read_inputs(paths, max_bytes=...)`, the files read on the cluster's workers.

    The client lists the files (in `read_inputs`' order) and reads JSON Lines files itself: one
    streams record by record whatever its size, and its records are cheap to parse. Other
    files (HTML above all, whose main text is costly to find) are read on workers, which must
    see them at the same paths.
    RETURNS: documents and rejections in the order `read_inputs` yields them.
    """
    with connect(address) as client:
        yield from _in_order(client, _reading_jobs(paths, max_bytes, shard_files))


@contextmanager
def connect(address: str) -> Iterator[Client]:
    """A client of the scheduler at `address` with at least one worker, closed on the way out
    (also when the caller stops reading a generator above early)."""
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError) as e:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {e}") from e
    with client:
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
        except TimeoutError as e:
            raise ClusterError(f"no Dask worker joined the scheduler at {address} within "
                               f"{CONNECT_TIMEOUT_S} s (start one with `dask worker {address}`)") from e
        yield client


def _in_order(client: Client, jobs: Iterable[partial | Iterable]) -> Iterator:
    """The items of each job, job after job. A job is a call returning a list, submitted to the
    cluster, or an iterable the client yields itself. Jobs run ahead of the one being yielded,
    as many as `AHEAD_PER_THREAD` per worker thread (local ones included, so that memory stays
    bounded whatever the mix)."""
    ahead = AHEAD_PER_THREAD * max(1, sum(client.nthreads().values()))
    pending: deque = deque()
    for job in jobs:
        pending.append(client.submit(job, pure=False) if isinstance(job, partial) else job)
        while len(pending) >= ahead:
            yield from _items(pending.popleft())
    while pending:
        yield from _items(pending.popleft())


def _items(job: Future | Iterable) -> Iterable:
    if not isinstance(job, Future):
        return job
    items = job.result()  # a worker's exception is raised here, as it was raised there
    job.release()  # the worker may forget the shard's results now
    return items


def _shards(documents: Path, size: int) -> Iterator[list[tuple]]:
    """The staged documents as (doc_id, source, text, published_at) tuples, `size` at a time."""
    for batch in pq.ParquetFile(documents).iter_batches(batch_size=size, columns=DOCUMENT_COLUMNS):
        yield list(zip(*(batch.column(c).to_pylist() for c in DOCUMENT_COLUMNS)))


def _reading_jobs(paths: list[Path], max_bytes: int, shard_files: int) -> Iterator[partial | Iterable]:
    """Listing rejections and JSON Lines files as local jobs, the other files in shards of
    `shard_files` for the workers, all in listing order."""
    shard: list[tuple[Path, str]] = []

    def flush():
        if shard:
            yield partial(_read_shard, list(shard), max_bytes=max_bytes)
            shard.clear()

    for item in list_files(paths):
        if isinstance(item, Rejected):
            yield from flush()
            yield [item]
        elif input_format(item[0].name) == "jsonl":
            yield from flush()
            yield read_file(*item, max_bytes=max_bytes)
        else:
            # absolute: a worker's working folder is not the client's
            shard.append((item[0].absolute(), item[1]))
            if len(shard) == shard_files:
                yield from flush()
    yield from flush()


# -- on the workers ---------------------------------------------------------------------------

def _extract_shard(pipeline: PipelineSpec, shard: list[tuple], *, expected_model: str,
                   extractor_version: str | None, budget_s: float, batch_size: int) -> list:
    with _ONE_SHARD_AT_A_TIME:
        nlp = load_pipeline(pipeline)  # loaded on the first shard, cached for the next ones
        if model_version(nlp) != expected_model:
            raise ClusterError(
                f"the Dask worker {get_worker().address} loads the pipeline {model_version(nlp)}, the "
                f"run {expected_model}: install the same model and extractors on every worker")
        return list(extract_documents(nlp, shard, batch_size=batch_size, extractor_version=extractor_version,
                                      budget_s=budget_s))


def _read_shard(files: list[tuple[Path, str]], *, max_bytes: int) -> list[RawDocument | Rejected]:
    found = []
    for path, source in files:
        # The client listed this file, so its folder exists: if not here, this worker does
        # not share the client's file system (a file removed since is the file's own Rejected).
        if not path.parent.is_dir():
            raise ClusterError(f"the Dask worker {get_worker().address} cannot see {path.parent}: the "
                               "inputs must be on a file system every worker shares, at the same path")
        found.extend(read_file(path, source, max_bytes=max_bytes))
    return found
