"""From documents to table rows (new documents are picked in `transforms.ingest.new_documents`).

Extraction itself happens inside the spaCy pipeline (each extractor is a component, see
`transforms/nlp.py`), so with `n_process > 1` it runs in the worker processes; here each Doc
that comes back is only turned into rows (`transforms.facts.table_rows`). The workers share the
cores: each multiplies matrices with its share of them (`blas_threads`).
"""

from __future__ import annotations

import signal
import threading
import time
from collections import deque
from contextlib import contextmanager
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.util import raise_error
from threadpoolctl import threadpool_limits

from transforms.events.dates import resolve_event_dates
from transforms.facts import table_rows
from transforms.ingest import Rejected
from transforms.machine import usable_cores
from transforms.pipeline import RELEASE
from transforms.schemas import FACT_TABLES

# Tables the pipeline's components may fill per document.
EXTRACTED_TABLES = tuple(t for t in FACT_TABLES if t != "documents")
# A document may take this long to extract before it is quarantined (`--document-timeout`).
DEFAULT_BUDGET_S = 30.0
# Documents longer than this (characters; an article is rarely a tenth of it) run alone, in
# this process, under the time budget; shorter ones in `nlp.pipe`'s batches, where extraction
# is linear in their length and takes well under a second each.
LONG_TEXT = 100_000
# The `user_data` key of a Doc's document id (`transforms.facts.facts_only` keeps it).
DOC_ID = "newsfacts_doc_id"


class OverBudget(Exception):
    """A document's extraction ran past the time budget."""


def extract_documents(
    nlp: Language, docs: Iterable[tuple[str, str, str]], *, batch_size: int = 64, n_process: int = 1,
    extractor_version: str | None = None, budget_s: float = DEFAULT_BUDGET_S,
) -> Iterator[tuple[str, dict[str, list[dict]]] | Rejected]:
    """Fact rows for each document, documents batched through `nlp.pipe`.

    A document a pipeline component fails on is left out of its batch (spaCy's error handler)
    and run again alone, to be rejected with the component's error if it fails again: one bad
    document never stops the run, and none goes missing. Documents over `LONG_TEXT`
    characters run alone too, and one that takes longer than `budget_s` seconds is rejected.

    docs: (doc_id, source, text) triples, or (doc_id, source, text, published) with the
        document's publication date (a date or datetime, or None), against which relative event
        dates are resolved.
    RETURNS: per document, in input order, (doc_id, {table: rows}) or a Rejected when the
        pipeline or an extractor failed on it.
    """
    pending: deque[tuple] = deque()

    def stream():
        for doc_id, source, text, *published in docs:
            date = published[0] if published else None
            pending.append((doc_id, source, text, date))
            if len(text) <= LONG_TEXT:  # (a long one stays pending: the loop runs it alone)
                yield Carried(text, _user_data(doc_id, date))

    nlp.set_error_handler(_skip_document)
    try:
        # (workers send back the facts alone: the parse would only be serialised and read back)
        piped = carrying(nlp).pipe(stream(), batch_size=batch_size, n_process=n_process,
                                   component_cfg={RELEASE: {"facts_only": n_process > 1}})
        for doc in _started(piped, blas_threads(n_process)):
            doc_id = _doc_id(doc)
            while pending[0][0] != doc_id:
                yield _alone(nlp, *pending.popleft(), extractor_version, budget_s)
            _, source, _, published = pending.popleft()
            yield _rows(doc, doc_id, source, published, extractor_version)
        while pending:
            yield _alone(nlp, *pending.popleft(), extractor_version, budget_s)
    finally:
        nlp.set_error_handler(raise_error)


class Carried(str):
    """A document's text with the `user_data` its Doc must carry (its id; its publication date,
    against which the components read dates and currencies). spaCy's workers receive texts and
    tokenize them there (`carrying`), where `nlp.pipe(as_tuples=True)` would tokenize every
    document in this process and pack it for them: 1.5 ms of this process's CPU an article, for
    the workers' 0.4 ms of unpacking (`benchmarks/README.md`, "Twelfth round"). Pickled with
    its attribute, as a str subclass is."""

    user_data: dict

    def __new__(cls, text: str, user_data: dict | None = None):  # (unpickling passes the text alone)
        self = super().__new__(cls, text)
        self.user_data = user_data or {}
        return self


class _MakeCarried:
    """`Language.make_doc` that gives a `Carried` text's Doc its `user_data` (`carrying`)."""

    def __init__(self, make_doc):
        self.make_doc = make_doc

    def __call__(self, text: str):
        if not isinstance(text, Carried):
            return self.make_doc(text)
        doc = self.make_doc(str(text))  # (the tokenizer takes a str, not a subclass)
        doc.user_data.update(text.user_data)
        return doc


def carrying(nlp: Language) -> Language:
    """`nlp`, its `make_doc` reading `Carried` texts (others as before), in this process and in
    the workers spaCy forks from it. Set once and left: an instance attribute, which
    `Language._ensure_doc` calls, and which runs that overlap on one pipeline all need."""
    if not isinstance(nlp.make_doc, _MakeCarried):
        nlp.make_doc = _MakeCarried(nlp.make_doc)
    return nlp


def blas_threads(n_process: int, cores: int | None = None) -> int | None:
    """Matrix threads for each of `n_process` worker processes: the cores shared among them, or
    None (numpy's default, a thread per core) for one process. numpy's OpenBLAS gives every
    process a thread per core, and its idle threads spin: on 2 cores two workers of two threads
    each ran bare `nlp.pipe` 1.5x slower than two of one (`benchmarks/README.md`, "BLAS threads")."""
    if n_process <= 1:
        return None
    return max(1, (cores or usable_cores()) // n_process)


def _started(piped: Iterator, threads: int | None) -> Iterator:
    """`piped` (an `nlp.pipe`), its first item taken under a limit of `threads` matrix threads:
    that is when spaCy forks its workers, which keep the limit; this process gets its own
    threads back at once."""
    if threads is None:
        yield from piped
        return
    with threadpool_limits(limits=threads, user_api="blas"):
        first = next(piped, None)
    if first is not None:
        yield first
        yield from piped


def _doc_id(doc) -> str:
    doc_id = doc.user_data.get(DOC_ID)
    if doc_id is None:
        raise RuntimeError("a pipeline component returned a Doc without the document's user_data "
                           f"({DOC_ID!r}): components must set their annotations on the Doc they are given")
    return doc_id


def _user_data(doc_id: str | None, published) -> dict:
    """What a document's Doc carries: its id, and its publication date for the components (the
    amounts read which of a country's currencies a word means by it) as an ISO string, since
    `user_data` travels as msgpack."""
    data = {} if doc_id is None else {DOC_ID: doc_id}
    if published is not None:
        data["published"] = published.isoformat() if hasattr(published, "isoformat") else str(published)
    return data


def _skip_document(name, proc, docs, error) -> None:
    """spaCy error handler: leave the document out of the batch (`extract_documents` notices)."""


def _alone(nlp: Language, doc_id: str, source: str, text: str, published,
           extractor_version: str | None, budget_s: float) -> tuple[str, dict] | Rejected:
    """A long document, or one the batch lost, run by itself with errors raised."""
    nlp.set_error_handler(raise_error)
    try:
        doc = _within(nlp, text, published, budget_s)
    except OverBudget:
        return Rejected(source, f"extraction took longer than the {budget_s:g} s a document may take "
                        f"({len(text):,} characters; see --document-timeout)", doc_id=doc_id, stage="extract")
    except Exception as e:
        return Rejected(source, f"extraction failed: {type(e).__name__}: {e}", doc_id=doc_id,
                        stage="extract")
    finally:
        nlp.set_error_handler(_skip_document)
    return _rows(doc, doc_id, source, published, extractor_version)


def _within(nlp: Language, text: str, published, budget_s: float):
    """`nlp(text)`, raising OverBudget once it has run `budget_s` seconds: checked after every
    component, and interrupted by a timer signal where one can be set (the main thread)."""
    deadline = time.monotonic() + budget_s
    with _alarm(budget_s):
        doc = carrying(nlp).make_doc(Carried(text, _user_data(None, published)))
        for _, proc in nlp.pipeline:
            doc = proc(doc)
            if time.monotonic() > deadline:
                raise OverBudget
    return doc


@contextmanager
def _alarm(seconds: float):
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise OverBudget

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def doc_rows(doc, doc_id: str, published, extractor_version: str | None) -> dict[str, list[dict]]:
    """The table rows of one extracted Doc (`transforms.facts.table_rows`), its events dated
    against the publication date."""
    rows = table_rows(doc, doc_id, extractor_version)
    resolve_event_dates(rows.get("events", []), published)
    return rows


def _rows(doc, doc_id: str, source: str, published, extractor_version: str | None) -> tuple[str, dict] | Rejected:
    try:
        return doc_id, doc_rows(doc, doc_id, published, extractor_version)
    except Exception as e:  # a component set facts its table cannot hold: this document only
        return Rejected(source, f"extraction failed: {type(e).__name__}: {e}", doc_id=doc_id,
                        stage="extract")
