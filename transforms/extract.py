"""From raw inputs to table rows: the two pure stages the flow streams documents through."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Iterator

from spacy.language import Language

from transforms.demands import demand_rows
from transforms.entities import entity_rows, remap_entity_ids
from transforms.ingest import IngestError, RawDocument, Rejected, build_document
from transforms.money import amount_rows

# Tables filled per document by `extract_documents` (others are published empty for now).
EXTRACTED_TABLES = ("amounts", "demands", "mentions", "entities", "entity_aliases")


@dataclass(frozen=True)
class Known:
    """An input whose text is already stored: published by an earlier run (`published`), or
    seen earlier in this run. `stale` when the stored rows come from another extractor version."""

    doc_id: str
    published: bool
    stale: bool = False


def new_documents(
    inputs: Iterable[RawDocument | Rejected], *, known: dict[str, str | None], run_id: str,
    at: datetime, extractor_version: str,
) -> Iterator[dict | Rejected | Known]:
    """Documents rows for inputs whose text is new.

    inputs: raw documents and ingest rejections, as read.
    known (dict[str, str | None]): doc_id -> extractor version of every published document.
    RETURNS: per input, a documents row (new text), a Rejected (bad input) or a Known (text
        already stored).
    """
    seen_now: set[str] = set()
    for item in inputs:
        if isinstance(item, Rejected):
            yield item
            continue
        try:
            row = build_document(item, run_id=run_id, ingested_at=at)
        except IngestError as e:
            yield Rejected(item.source, str(e))
            continue
        doc_id = row["doc_id"]
        if doc_id in known:
            yield Known(doc_id, published=True, stale=known[doc_id] != extractor_version)
        elif doc_id in seen_now:
            yield Known(doc_id, published=False)
        else:
            seen_now.add(doc_id)
            yield {**row, "extractor_version": extractor_version}


def sentence_locator(doc):
    """char offset -> 0-based index of the sentence containing it."""
    starts = [sent.start_char for sent in doc.sents]
    return lambda offset: max(bisect_right(starts, offset) - 1, 0)


def extract_documents(
    nlp: Language, docs: Iterable[tuple[str, str, str]], *, batch_size: int = 64, n_process: int = 1,
) -> Iterator[tuple[str, dict[str, list[dict]]] | Rejected]:
    """Fact rows for each document, documents batched through `nlp.pipe`.

    docs: (doc_id, source, text) triples.
    RETURNS: per document, (doc_id, {table: rows}) or a Rejected when an extractor failed on it.
    """
    stream = ((text, (doc_id, source)) for doc_id, source, text in docs)
    for doc, (doc_id, source) in nlp.pipe(stream, as_tuples=True, batch_size=batch_size,
                                          n_process=n_process):
        try:
            locate = sentence_locator(doc)
            linked = entity_rows(doc, doc_id, locate)
            links = linked.pop("links")
            # Extractors point at entity spans as written; the linker knows their cluster.
            amounts = remap_entity_ids(amount_rows(doc, doc_id, locate), links)
            demands = remap_entity_ids(demand_rows(doc, doc_id, locate), links)
            yield doc_id, {"amounts": amounts, "demands": demands, **linked}
        except Exception as e:  # one document's failure must not stop the run
            yield Rejected(source, f"extraction failed: {type(e).__name__}: {e}", doc_id=doc_id,
                           stage="extract")
