"""The published tables, defined once.

Every table's columns, Arrow types, nullability, allowed values and meaning live here. The
Parquet writer casts to these schemas, the Great Expectations suites in `expectations/` are built
from them, and `docs/tables.md` is generated from them (`newsfacts docs`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
from babel.numbers import list_currencies

# Allowed values, defined once and shared by extractors, validation and docs.
CURRENCY_CODES: tuple[str, ...] = tuple(sorted(list_currencies()))
QUALIFIERS = ("exact", "approx", "over", "under", "up_to", "at_least", "range")
PURPOSES = (
    "reward", "sanction", "fine", "aid", "loan", "investment", "deal", "budget", "tax",
    "revenue", "debt", "salary", "bail", "ransom", "bribe", "damages", "price", "other",
)
ENTITY_TYPES = (
    "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART",
)
DEMAND_CATEGORIES = (
    "amnesty", "sanctions_relief", "end_prosecution", "political_transition", "elections",
    "safe_passage", "release", "ceasefire", "withdrawal", "negotiation", "resignation",
    "payment", "policy_change", "recognition", "other",
)
DEMAND_STATUSES = ("accepted", "rejected", "partially_accepted", "pending", "unknown")
EVENT_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
# PLOVER's modes (the manual's table of type: mode scores), those the CAMEO-to-PLOVER table adds,
# and the contract's own (designation, airspace_closure, reward, ultimatum).
EVENT_MODES = (
    "visit", "third-party", "multilateral", "phone", "assist", "change", "yield", "meet",
    "withdraw", "release", "disarm", "ceasefire", "access", "resign", "disapprove", "investigate",
    "allege", "restrict", "arrest", "relations", "expel", "territory", "violence", "demo", "riot",
    "strike", "hunger", "boycott", "obstruct", "convict", "discontinue", "troops", "weapons",
    "police", "militia", "seize", "censor", "curfew", "martial-law", "deport", "withhold",
    "misinformation", "cyber", "abduct", "beat", "torture", "sexual", "targeted", "destroy",
    "primitive", "firearms", "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons",
    "crowd-control", "unconventional",
    "asylum", "cleansing", "massacre", "pro_autocracy", "assassinate", "ban", "ease", "return",
    "designation", "airspace_closure", "reward", "ultimatum",
)
EVENT_TENSES = ("past", "future")
DATE_PRECISIONS = ("day", "month", "year")
# How an event's date was placed: written in full, resolved against the publication date, or
# relative with no publication date to resolve it against (then no date).
EVENT_DATE_BASES = ("explicit", "published", "unresolved")
DATE_BASES = ("published", "ingested")
RUN_STATUSES = ("success", "partial", "failed")
QUARANTINE_STAGES = ("ingest", "extract", "validation")

UTC_TS = pa.timestamp("us", tz="UTC")
# Tables produced by extraction, in the order they are validated and published.
FACT_TABLES = ("documents", "entities", "entity_aliases", "mentions", "amounts", "demands", "events")


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    doc: str
    nullable: bool = True
    allowed: tuple[str, ...] | None = None
    # Strict lower bound for numbers ("value > 0").
    greater_than: float | None = None

    @property
    def field(self) -> pa.Field:
        return pa.field(self.name, self.type, nullable=self.nullable)


@dataclass(frozen=True)
class Table:
    """One published table.

    name (str): the table's name, its folder under `warehouse/` and its DuckDB view.
    columns (tuple[Column]): contract columns first, extensions after.
    key (str | None): the column that identifies a row; unique within the table.
    doc_fk (bool): rows belong to a document (`doc_id` must exist in `documents`).
    span (bool): rows carry `start`/`end`/`text` into `documents.text`.
    append (bool): each run adds rows for its new documents; otherwise the table is rebuilt.
    id_prefix (str | None): for facts keyed by where they are, the prefix of their stable id
        (`transforms.facts.table_rows` hashes it with the document id and the fact's position).
    """

    name: str
    doc: str
    columns: tuple[Column, ...]
    key: str | None = None
    doc_fk: bool = False
    span: bool = False
    append: bool = True
    id_prefix: str | None = None

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([c.field for c in self.columns])

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name, type_, doc, **kw) -> Column:
    return Column(name, type_, doc, **kw)


_S = pa.string()
_I = pa.int64()
_F = pa.float64()
_LIST_S = pa.list_(pa.string())


def _span_columns(what: str) -> tuple[Column, ...]:
    return (
        _c("start", _I, f"character offset where {what} starts in `documents.text`", nullable=False),
        _c("end", _I, f"character offset where {what} ends (exclusive)", nullable=False),
    )


_SENTENCE = _c("sentence_index", _I, "0-based sentence number within the document", nullable=False)
# Which code and model produced a document's rows: runs skip documents already extracted by the
# current version and re-extract the others only when asked (`--reprocess`).
_EXTRACTOR = _c("extractor_version", _S, "newsfacts code version and spaCy pipeline that extracted it", nullable=False)

DOCUMENTS = Table(
    "documents",
    "One row per distinct document text.",
    (
        _c("doc_id", _S, "stable id derived from the normalised text", nullable=False),
        _c("external_id", _S, "the id the source gave it (a JSON record's `id`), else the file name"),
        _c("source", _S, "input path relative to the input root (`file.jsonl#L12` for a JSON Lines record), or feed/URL", nullable=False),
        _c("url", _S, "canonical URL when known"),
        _c("title", _S, "title from metadata"),
        _c("published_at", UTC_TS, "publication time (UTC) from metadata"),
        _c("date_basis", _S, "what relative dates are resolved against", nullable=False, allowed=DATE_BASES),
        _c("language", _S, "ISO 639-1 language code", nullable=False),
        _c("text", _S, "the normalised body text (Unicode NFC, normalised whitespace) all offsets refer to", nullable=False),
        _c("n_chars", _I, "len(text)", nullable=False),
        _c("ingested_at", UTC_TS, "first time (UTC) this doc_id was seen", nullable=False),
        _c("run_id", _S, "the run that extracted it", nullable=False),
        # Extensions.
        _c("publisher", _S, "the record's own `source` field (e.g. a newswire name)"),
        _c("license", _S, "the record's licence statement, when given"),
        _c("encoding", _S, "the byte encoding the input was decoded from", nullable=False),
        _c("input_format", _S, "txt, md, html, json or jsonl", nullable=False),
        _EXTRACTOR,
    ),
    key="doc_id",
)

ENTITIES = Table(
    "entities",
    "One row per canonical entity across all documents.",
    (
        _c("entity_id", _S, "stable id", nullable=False),
        _c("name", _S, "canonical name, the fullest proper form seen", nullable=False),
        _c("type", _S, "entity type", nullable=False, allowed=ENTITY_TYPES),
        _c("aliases", _LIST_S, "every surface form linked to it"),
        _c("roles", _LIST_S, "titles and roles seen with it"),
        _c("doc_count", _I, "documents mentioning it", nullable=False),
        _c("mention_count", _I, "mentions across documents", nullable=False),
        _c("wikidata_id", _S, "Wikidata QID, from the user gazetteer (entities.yaml)"),
        _c("country", _S, "country, from the user gazetteer"),
    ),
    key="entity_id",
    append=False,
)

ENTITY_ALIASES = Table(
    "entity_aliases",
    "Which surface forms joined which entity, and by which rule (explains every merge).",
    (
        _c("entity_id", _S, "the entity", nullable=False),
        _c("alias", _S, "the surface form or document-level name", nullable=False),
        _c("rule", _S, "name, country, surname, acronym, metonym (within a document); same_name, alias, gazetteer, surname_and_role (across documents)", nullable=False),
        _c("doc_id", _S, "the document where it was seen (null for cross-document merges)"),
        _c("run_id", _S, "the run that added it", nullable=False),
    ),
)

MENTIONS = Table(
    "mentions",
    "One row per entity mention in a document.",
    (
        _c("mention_id", _S, "stable id (extension)", nullable=False),
        _c("doc_id", _S, "the document", nullable=False),
        _c("entity_id", _S, "the entity mentioned", nullable=False),
        *_span_columns("the surface form"),
        _c("text", _S, "surface form", nullable=False),
        _SENTENCE,
        _c("is_pronoun", pa.bool_(), "a pronoun resolved to the entity", nullable=False),
        _EXTRACTOR,
    ),
    key="mention_id",
    id_prefix="men",
    doc_fk=True,
    span=True,
)

AMOUNTS = Table(
    "amounts",
    "Every monetary figure, normalised.",
    (
        _c("amount_id", _S, "stable id", nullable=False),
        _c("doc_id", _S, "the document", nullable=False),
        *_span_columns("the money expression"),
        _c("text", _S, "the money expression as written", nullable=False),
        _c("value", _F, "the amount in units of `currency`; for a range, its midpoint", nullable=False, greater_than=0),
        _c("value_min", _F, "lower bound for ranges and qualified amounts", greater_than=0),
        _c("value_max", _F, "upper bound for ranges and qualified amounts", greater_than=0),
        _c("currency", _S, "ISO 4217 code", nullable=False, allowed=CURRENCY_CODES),
        _c("qualifier", _S, "how the figure is qualified", nullable=False, allowed=QUALIFIERS),
        _c("purpose", _S, "what the money is for", nullable=False, allowed=PURPOSES),
        _c("subject_entity_id", _S, "the entity the money concerns"),
        _c("subject_text", _S, "the subject as written when it is not a named entity"),
        _c("payer_entity_id", _S, "who pays or offers it"),
        _c("payer_text", _S, "the payer as written when it is not a named entity"),
        _SENTENCE,
        _c("unit", _S, "per-unit amounts: the unit (hour, share, year), else null"),
        _EXTRACTOR,
    ),
    key="amount_id",
    id_prefix="amt",
    doc_fk=True,
    span=True,
)

DEMANDS = Table(
    "demands",
    "Requests, conditions and demands one actor makes of another.",
    (
        _c("demand_id", _S, "stable id", nullable=False),
        _c("doc_id", _S, "the document", nullable=False),
        _c("actor_entity_id", _S, "who demands"),
        _c("actor_text", _S, "the actor as written when it is not a named entity"),
        _c("addressee_entity_id", _S, "of whom"),
        _c("addressee_text", _S, "the addressee as written when it is not a named entity"),
        _c("text", _S, "the demanded thing as written", nullable=False),
        _c("category", _S, "kind of demand", nullable=False, allowed=DEMAND_CATEGORIES),
        _c("beneficiary_text", _S, "for whom, as written"),
        _c("status", _S, "outcome as the article leaves it", nullable=False, allowed=DEMAND_STATUSES),
        _c("status_evidence", _S, "the sentence that settles the status"),
        *_span_columns("`text`"),
        _SENTENCE,
        _c("status_hedge", _S, "hedges on the status as written (\"reportedly\", \"most of\")"),
        _EXTRACTOR,
    ),
    key="demand_id",
    id_prefix="dem",
    doc_fk=True,
    span=True,
)

EVENTS = Table(
    "events",
    "Who did what to whom, when (PLOVER event types).",
    (
        _c("event_id", _S, "stable id", nullable=False),
        _c("doc_id", _S, "the document", nullable=False),
        _c("event_type", _S, "PLOVER type", nullable=False, allowed=EVENT_TYPES),
        _c("mode", _S, "PLOVER mode: phone, visit, ultimatum, designation ...", allowed=EVENT_MODES),
        _c("source_entity_id", _S, "actor"),
        _c("source_text", _S, "the actor as written when it is not a named entity"),
        _c("target_entity_id", _S, "recipient"),
        _c("target_text", _S, "the recipient as written when it is not a named entity"),
        _c("event_date", pa.date32(), "resolved calendar date (the first day of the month or year at those precisions)"),
        _c("date_text", _S, "the date expression as written"),
        _c("trigger", _S, "the word or phrase that signals the event", nullable=False),
        *_span_columns("the clause"),
        _SENTENCE,
        _EXTRACTOR,
        _c("trigger_start", _I, "character offset where `trigger` starts in `documents.text`", nullable=False),
        _c("trigger_end", _I, "character offset where `trigger` ends (exclusive)", nullable=False),
        _c("tense", _S, "past or future as the clause tells it; null: present or not told", allowed=EVENT_TENSES),
        _c("date_precision", _S, "how much of `event_date` the text fixes", allowed=DATE_PRECISIONS),
        _c("date_basis", _S, "explicit (written in full), published (resolved against the publication date), "
           "unresolved (relative, no publication date)", allowed=EVENT_DATE_BASES),
        _c("demand_id", _S, "the demand this REQUEST makes, or this REJECT/AGREE answers"),
        _c("probability", _F, "the model's probability of the event type; null for events made from a demand "
           "or typed by a construction (`transforms/lexicons/events.yaml`)"),
    ),
    key="event_id",
    id_prefix="evt",
    doc_fk=True,
    span=False,  # the span is a clause, `trigger` is not its text
)

RUNS = Table(
    "runs",
    "One row per run, published or not.",
    (
        _c("run_id", _S, "run id (sorts by start time)", nullable=False),
        _c("started_at", UTC_TS, "start (UTC)", nullable=False),
        _c("finished_at", UTC_TS, "end (UTC)"),
        _c("status", _S, "success: published; partial: published with rows quarantined by validation; failed: not published", nullable=False, allowed=RUN_STATUSES),
        _c("docs_seen", _I, "inputs seen (files, JSON records)", nullable=False),
        _c("docs_new", _I, "new documents extracted", nullable=False),
        _c("docs_duplicate", _I, "inputs whose text was already stored", nullable=False),
        _c("docs_quarantined", _I, "inputs quarantined at ingest", nullable=False),
        *(
            _c(f"rows_{t}", _I, f"rows added to `{t}` by this run", nullable=False)
            for t in (*FACT_TABLES, "quarantine")
        ),
        _c("validation", _S, "passed, quarantined N rows, or the failed table-level expectation", nullable=False),
        _c("code_version", _S, "newsfacts version", nullable=False),
        _c("model_version", _S, "spaCy pipeline name and version", nullable=False),
        _c("inputs", _LIST_S, "the input paths of the run"),
        _c("message", _S, "why a run failed"),
        _c("docs_skipped", _I, "inputs whose document an earlier run already extracted (not extracted again)", nullable=False),
        _c("docs_stale", _I, "of those, documents extracted by an older extractor version (re-extract with --reprocess)", nullable=False),
        _c("docs_reprocessed", _I, "stored documents re-extracted by --reprocess", nullable=False),
        _c("feed_entries_skipped", _I, "feed entries past `[http] max_entries_per_feed`, not read"),
    ),
    key="run_id",
    append=False,
)

QUARANTINE = Table(
    "quarantine",
    "Every input or row that could not be processed, with its reason.",
    (
        _c("run_id", _S, "the run", nullable=False),
        _c("source", _S, "input path (`file.jsonl#L12` for a line)", nullable=False),
        _c("doc_id", _S, "the document, when known"),
        _c("stage", _S, "where it failed", nullable=False, allowed=QUARANTINE_STAGES),
        _c("reason", _S, "why", nullable=False),
        _c("at", UTC_TS, "when (UTC)", nullable=False),
        _c("table_name", _S, "validation: the table of the rejected row"),
        _c("expectation", _S, "validation: the expectation the row failed"),
        _c("row_key", _S, "validation: the rejected row's id"),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (DOCUMENTS, ENTITIES, ENTITY_ALIASES, MENTIONS, AMOUNTS, DEMANDS, EVENTS, RUNS, QUARANTINE)
}


@dataclass(frozen=True)
class View:
    """A named view of the catalog (SQL in `flows/views.py`): the columns of `base` (if any),
    then `columns` (name, meaning)."""

    name: str
    doc: str
    columns: tuple[tuple[str, str], ...]
    base: str | None = None


@dataclass(frozen=True)
class Macro:
    """A DuckDB macro of the catalog (SQL in `flows/views.py`)."""

    name: str
    params: tuple[str, ...]
    doc: str
    example: str


def _named(*roles: str) -> tuple[tuple[str, str], ...]:
    out = [("title", "the document's title"), ("published_at", "the document's publication time (UTC)")]
    for role in roles:
        out += [(f"{role}_name", f"canonical name of the {role} entity"),
                (f"{role}_type", f"entity type of the {role}"),
                (role, f"the {role}: its entity's name, else `{role}_text`")]
    return (*out, ("evidence", "the sentence around the span in `documents.text`"))


VIEWS: tuple[View, ...] = (
    View("amounts_named", "Amounts with their document and the names of subject and payer.",
         _named("subject", "payer"), base="amounts"),
    View("demands_named", "Demands with their document and the names of actor and addressee.",
         _named("actor", "addressee"), base="demands"),
    View("events_named", "Events with their document and the names of source and target.",
         _named("source", "target"), base="events"),
    View("entity_facts", "One row per entity with its counts of facts by role.", (
        ("entity_id", "the entity"), ("name", "canonical name"), ("type", "entity type"),
        ("doc_count", "documents mentioning it"), ("mention_count", "mentions across documents"),
        ("amounts_as_subject", "amounts it is the subject of"), ("amounts_as_payer", "amounts it pays or offers"),
        ("demands_made", "demands it makes"), ("demands_received", "demands made of it"),
        ("events_as_source", "events it is the actor of"), ("events_as_target", "events it is the target of"),
        ("facts", "all of the above together"),
    )),
)

MACROS: tuple[Macro, ...] = (
    Macro("entity_ids", ("entity_name",), "entities whose name or an alias is `entity_name` (case and accents ignored)",
          "select * from entity_ids('maduro')"),
    Macro("facts_about", ("entity_name",),
          "every amount, demand and event naming the entity: kind, role, fact_id, doc_id, start, end, "
          "published_at, title, summary, evidence",
          "select * from facts_about('Nicolás Maduro')"),
    Macro("amounts_for", ("amount_purpose",), "the amounts of one purpose, largest first, with names and evidence",
          "select value, currency, subject, payer from amounts_for('reward')"),
    Macro("sentence_at", ("text", "span_start", "span_end"),
          "the sentence around a span of `text` (scalar; cut at . ! ? or a line end, 300 characters at most each side)",
          "select sentence_at(text, 10, 20) from documents"),
)


def empty_table(name: str) -> pa.Table:
    return TABLES[name].schema.empty_table()


def to_arrow(name: str, rows: list[dict], *, staging: bool = False) -> pa.Table:
    """Rows (dicts) to an Arrow table with the published schema; unknown keys are an error.

    staging (bool): every column nullable, for rows not validated yet (GX reports the nulls).
    """
    schema = TABLES[name].schema
    if staging:
        schema = pa.schema([f.with_nullable(True) for f in schema])
    extra = {k for r in rows for k in r} - set(schema.names)
    if extra:
        raise ValueError(f"{name}: columns not in the schema: {sorted(extra)}")
    return pa.Table.from_pylist(rows, schema=schema)


def violations(name: str, table: pa.Table) -> list[str]:
    """The schema's own rules (non-null columns, allowed values, unique key) checked with Arrow
    compute. For the small bookkeeping tables newsfacts writes itself at publication, where
    loading Great Expectations would cost more than a night with nothing new."""
    import pyarrow.compute as pc

    spec, problems = TABLES[name], []
    for c in spec.columns:
        column = table[c.name]
        if not c.nullable and column.null_count:
            problems.append(f"table {name!r}: column {c.name!r} has {column.null_count} nulls")
        if c.allowed is not None:
            bad = pc.sum(pc.invert(pc.is_in(column.drop_null(), pa.array(c.allowed)))).as_py() or 0
            if bad:
                problems.append(f"table {name!r}: column {c.name!r} has {bad} values outside its allowed set")
    if spec.key and pc.count_distinct(table[spec.key]).as_py() != table.num_rows:
        problems.append(f"table {name!r}: {spec.key} is not unique")
    return problems


def tables_markdown() -> str:
    """The reference of every published table, generated from the schemas (docs/tables.md)."""
    out = ["# Published tables", "",
           "Generated from `transforms/schemas.py` by `newsfacts docs`; do not edit by hand.",
           "The contract columns come first; columns after them are newsfacts extensions.", ""]
    for table in TABLES.values():
        out += [f"## {table.name}", "", table.doc, ""]
        if table.key:
            out += [f"Key: `{table.key}`.", ""]
        out += ["| column | type | null | meaning |", "|---|---|---|---|"]
        for c in table.columns:
            meaning = c.doc
            if c.allowed and c.name != "currency":
                meaning += ": " + ", ".join(f"`{v}`" for v in c.allowed)
            elif c.allowed:
                meaning += f" (one of {len(c.allowed)} codes from babel's ISO 4217 data)"
            if c.greater_than is not None:
                meaning += f"; > {c.greater_than:g}"
            out.append(f"| {c.name} | {c.type} | {'yes' if c.nullable else 'no'} | {meaning} |")
        out.append("")
    return "\n".join(out + _views_markdown())


def _views_markdown() -> list[str]:
    out = ["# Views and macros", "",
           "Defined in the catalog beside the tables (SQL in `flows/views.py`).", ""]
    for view in VIEWS:
        out += [f"## {view.name}", "", view.doc, ""]
        if view.base:
            out += [f"Every column of `{view.base}`, then:", ""]
        out += ["| column | meaning |", "|---|---|", *(f"| {n} | {d} |" for n, d in view.columns), ""]
    out += ["## Macros", "", "| macro | returns | example |", "|---|---|---|"]
    out += [f"| `{m.name}({', '.join(m.params)})` | {m.doc} | `{m.example}` |" for m in MACROS]
    return out + [""]
