"""Facts on the Doc, and the one function that turns them into table rows.

Every extractor is a registered spaCy component: it finds its facts and sets them on the Doc
with `set_facts` as plain values (lists of dicts of str, int, float, bool, None and lists), kept
in `doc._.facts` under the name of the table they feed. Plain values travel with the Doc when
`nlp.pipe(n_process=k)` sends it back from a worker process, so extraction runs in the workers
and the parent only calls `table_rows`, which the table schemas (`transforms/schemas.py`) drive.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Callable, Iterable

from spacy.tokens import Doc

from transforms.ids import stable_id
from transforms.schemas import TABLES

if not Doc.has_extension("facts"):
    # default None, not {}: a mutable default would be one dict shared by every Doc
    Doc.set_extension("facts", default=None)


# Keys of positional facts, which another table's fact may point to by the target's `id_parts`.
_REFERENCES = {t.key: t for t in TABLES.values() if t.id_prefix}


def set_facts(doc: Doc, table: str, facts: Iterable[dict]) -> None:
    """Set the facts a component found for `table` (replacing any set before).

    A fact holds the table's columns except `doc_id`, `extractor_version`, a positional key and
    `sentence_index` (filled by `table_rows`); `id_parts` (a list) may say what makes its key
    unique when `start`/`end` do not, and `<key>_parts` the `id_parts` of another table's fact
    it points to (an event's `demand_id_parts`: its `demand_id`). Other keys travel with the
    Doc for later components and are not published.
    """
    if table not in TABLES:
        raise ValueError(f"no table {table!r} to set facts for (tables: {', '.join(TABLES)})")
    doc._.facts = {**(doc._.facts or {}), table: list(facts)}


def get_facts(doc: Doc, table: str) -> list[dict]:
    """The facts a component set for `table` (empty when none did)."""
    return (doc._.facts or {}).get(table, [])


def sentence_locator(doc: Doc) -> Callable[[int], int]:
    """char offset -> 0-based index of the sentence containing it."""
    starts = [sent.start_char for sent in doc.sents] if doc.has_annotation("SENT_START") else [0]
    return lambda offset: max(bisect_right(starts, offset) - 1, 0)


def located_facts(doc: Doc) -> dict[str, list[dict]]:
    """`doc._.facts` with each fact of a table that has a `sentence_index` column given the index
    of the sentence its `start` is in, where its component left none (a copy of that fact; the
    components' own facts stay as they set them)."""
    locate = None
    out: dict[str, list[dict]] = {}
    for name, facts in (doc._.facts or {}).items():
        if "sentence_index" in TABLES[name].column_names and any(f.get("sentence_index") is None for f in facts):
            locate = locate or sentence_locator(doc)
            facts = [f if f.get("sentence_index") is not None else {**f, "sentence_index": locate(f["start"])}
                     for f in facts]
        out[name] = facts
    return out


def facts_only(doc: Doc) -> Doc:
    """An empty Doc with `doc`'s facts (sentences located) and its own `user_data` (the
    document's id and publication date; extensions are set apart): all that `table_rows` and
    `transforms.extract` read, and what a worker process sends back instead of the parse
    (serialising the whole Doc there and reading it back here cost 3.7 ms of CPU a bulk
    article, about a tenth of all it costs)."""
    out = Doc(doc.vocab, words=[])
    out.user_data.update((k, v) for k, v in doc.user_data.items() if isinstance(k, str))
    out._.facts = located_facts(doc)
    return out


def table_rows(doc: Doc, doc_id: str, extractor_version: str | None = None) -> dict[str, list[dict]]:
    """Rows of every table the pipeline's components set facts for, with exactly the table's
    columns: `doc_id`, the stable key of positional facts, `sentence_index` and
    `extractor_version` added."""
    out: dict[str, list[dict]] = {}
    for name, facts in located_facts(doc).items():
        table = TABLES[name]
        columns = table.column_names
        rows = []
        for fact in facts:
            row = {c: fact.get(c) for c in columns}
            if "doc_id" in row:
                row["doc_id"] = doc_id
            if table.id_prefix:
                parts = fact.get("id_parts") or (fact["start"], fact["end"])
                row[table.key] = stable_id(table.id_prefix, doc_id, *parts)
            for ref, target in _REFERENCES.items():
                if fact.get(f"{ref}_parts") is not None and ref in row:
                    row[ref] = stable_id(target.id_prefix, doc_id, *fact[f"{ref}_parts"])
            if "extractor_version" in row:
                row["extractor_version"] = extractor_version
            rows.append(row)
        out[name] = rows
    return out
