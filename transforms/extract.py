"""From raw inputs to table rows: the two pure stages the flow streams documents through."""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime
from typing import Iterable, Iterator

from spacy.language import Language

from transforms.demands import demand_rows
from transforms.entities import entity_rows, remap_entity_ids
from transforms.ingest import IngestError, RawDocument, Rejected, build_document
from transforms.money import amount_rows

# Tables filled per document by `extract_documents` (others are published empty for now).
EXTRACTED_TABLES = ("amounts", "demands", "mentions", "entities", "entity_aliases")


def new_documents(
    inputs: Iterable[RawDocument | Rejected], *, known_ids: set[str], run_id: str, at: datetime,
) -> Iterator[dict | Rejected | str]:
    """Documents rows for inputs whose text is new.

    inputs: raw documents and ingest rejections, as read.
    known_ids (set[str]): doc_ids already published; grows with every new document.
    RETURNS: per input, a documents row (new text), a Rejected (bad input) or the doc_id of a
        duplicate (text already stored).
    """
    for item in inputs:
        if isinstance(item, Rejected):
            yield item
            continue
        try:
            row = build_document(item, run_id=run_id, ingested_at=at)
        except IngestError as e:
            yield Rejected(item.source, str(e))
            continue
        if row["doc_id"] in known_ids:
            yield row["doc_id"]
            continue
        known_ids.add(row["doc_id"])
        yield row


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
