"""The catalog's named views and macros, generated from `transforms.schemas` (VIEWS, MACROS).

The contract's tables keep their columns; these views put names next to the ids so analysts
and dashboards need no joins to read who pays, who demands and who acts:

    amounts_named, demands_named, events_named   the fact, its document's title and date, the
                                                 entities of each role by name and type, and
                                                 the sentence around its span
    entity_facts                                 one row per entity with its fact counts

and the macros `entity_ids(name)`, `facts_about(name)`, `amounts_for(purpose)` and
`sentence_at(text, start, end)`. `create_views` runs inside the catalog's connection, after the
table views exist.
"""

from __future__ import annotations

import duckdb

from transforms.schemas import MACROS, TABLES, VIEWS, View

# Sentence boundaries are not stored: the sentence is cut from the text around the span, at the
# last `. ! ?` + space or line end before it and the first after it, 300 characters at most.
SENTENCE_AT = r"""
trim(regexp_replace(substring(text, greatest(span_start - 300, 0) + 1, span_start - greatest(span_start - 300, 0)),
                    '(?s)^.*(?:[.!?]\s|\n)', '')
     || substring(text, span_start + 1, span_end - span_start)
     || regexp_extract(substring(text, span_end + 1, 300), '^[^\n]*?[.!?](?:\s|$)|^[^\n]*'), chr(10) || ' ')
"""
_FOLD = "lower(strip_accents({}))"

# entity_facts: which role column of which table each count reads.
ROLE_COUNTS = {
    "amounts_as_subject": ("amounts", "subject_entity_id"),
    "amounts_as_payer": ("amounts", "payer_entity_id"),
    "demands_made": ("demands", "actor_entity_id"),
    "demands_received": ("demands", "addressee_entity_id"),
    "events_as_source": ("events", "source_entity_id"),
    "events_as_target": ("events", "target_entity_id"),
}

# facts_about: a one-line reading of each kind of fact.
SUMMARY = {
    "amounts": "format('{} ({} {:,.2f}, {})', text, currency, value, purpose)",
    "demands": "format('{} demands {} of {} ({}, {})', coalesce(actor, '?'), text, coalesce(addressee, '?'), category, status)",
    "events": "format('{} {} {}: {}', coalesce(source, '?'), event_type, coalesce(target, '?'), trigger)",
}
KIND = {"amounts": "amount", "demands": "demand", "events": "event"}


def _q(name: str) -> str:
    return f'"{name}"'


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def roles(view: View) -> list[str]:
    """The entity roles a named view resolves (subject, payer, ...)."""
    return [name[: -len("_name")] for name, _ in view.columns if name.endswith("_name")]


def named_view_sql(view: View) -> str:
    """`create view` for a fact table joined to its document and to `entities` once per role;
    the extra columns come in the order `transforms.schemas.VIEWS` documents them."""
    exprs = {"title": "d.title", "published_at": "d.published_at",
             "evidence": 'sentence_at(d.text, f."start", f."end")'}
    joins = ["left join documents d on d.doc_id = f.doc_id"]
    for role in roles(view):
        exprs |= {f"{role}_name": f"{role}_e.name", f"{role}_type": f"{role}_e.type",
                  role: f"coalesce({role}_e.name, f.{role}_text)"}
        joins.append(f"left join entities {role}_e on {role}_e.entity_id = f.{role}_entity_id")
    select = [f"f.{_q(c)}" for c in TABLES[view.base].column_names]
    select += [f"{exprs[name]} as {_q(name)}" for name, _ in view.columns]
    return (f"create or replace view {view.name} as select {', '.join(select)} "
            f"from {view.base} f {' '.join(joins)}")


def entity_facts_sql() -> str:
    parts = " union all ".join(f"select {col} as entity_id, '{key}' as role from {table}"
                               for key, (table, col) in ROLE_COUNTS.items())
    counts = ", ".join(f"count(*) filter (where role = '{key}') as {key}" for key in ROLE_COUNTS)
    cols = ", ".join(f"coalesce(c.{key}, 0) as {key}" for key in ROLE_COUNTS)
    total = " + ".join(f"coalesce(c.{key}, 0)" for key in ROLE_COUNTS)
    return (f"create or replace view entity_facts as select e.entity_id, e.name, e.type, e.doc_count, "
            f"e.mention_count, {cols}, {total} as facts from entities e left join "
            f"(select entity_id, {counts} from ({parts}) where entity_id is not null group by entity_id) c "
            f"on c.entity_id = e.entity_id")


def macro_sql() -> dict[str, str]:
    """Each macro's `create macro` statement, by name."""
    facts = []
    for view in VIEWS:
        if view.base is None:
            continue
        for role in roles(view):
            facts.append(
                f"select '{KIND[view.base]}' as kind, '{role}' as role, {TABLES[view.base].key} as fact_id, "
                f'doc_id, "start", "end", published_at, title, {SUMMARY[view.base]} as summary, evidence '
                f"from {view.name} where {role}_entity_id in (select entity_id from entity_ids(entity_name))")
    fold = _FOLD.format
    return {
        "sentence_at": f"create or replace macro sentence_at(text, span_start, span_end) as {SENTENCE_AT}",
        "entity_ids": (
            f"create or replace macro entity_ids(entity_name) as table select entity_id, name, type "
            f"from entities where {fold('name')} = {fold('entity_name')} or list_contains("
            f"list_transform(aliases, lambda a: {fold('a')}), {fold('entity_name')})"),
        "facts_about": ("create or replace macro facts_about(entity_name) as table "
                        + " union all ".join(facts) + " order by published_at, doc_id, \"start\""),
        "amounts_for": ("create or replace macro amounts_for(amount_purpose) as table select * from amounts_named "
                        "where purpose = amount_purpose order by value desc"),
    }


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create the macros and views documented in `transforms.schemas` (tables must exist)."""
    macros = macro_sql()
    con.execute(macros["sentence_at"])
    for view in VIEWS:
        con.execute(named_view_sql(view) if view.base else entity_facts_sql())
        con.execute(f"comment on view {view.name} is {_sql_string(view.doc)}")
    for macro in MACROS:
        if macro.name != "sentence_at":
            con.execute(macros[macro.name])
