"""The catalog's named views and macros, on a real snapshot published from invented rows."""

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from flows.warehouse import Warehouse
from transforms.schemas import MACROS, TABLES, VIEWS, tables_markdown, to_arrow

ROOT = Path(__file__).resolve().parents[2]
TEXT = ("Washington raised the reward for Nicolás Maduro to US$50 million. Maduro sought an amnesty "
        "from Trump.\nTrump refused.")
NOW = datetime(2025, 12, 1, tzinfo=UTC)


def _span(part: str) -> dict:
    start = TEXT.index(part)
    return {"start": start, "end": start + len(part), "text": part}


def _row(table: str, **given) -> dict:
    """A row with the given values; required columns not given get a placeholder of their type."""
    row = {}
    for c in TABLES[table].columns:
        if c.name in given or c.nullable:
            row[c.name] = given.get(c.name)
        elif c.allowed:
            row[c.name] = c.allowed[0]
        else:
            row[c.name] = {pa.string(): "x", pa.int64(): 0, pa.bool_(): False}.get(c.type, NOW)
    return row


def _entity(eid, name, type_, aliases=()):
    return _row("entities", entity_id=eid, name=name, type=type_, aliases=list(aliases), doc_count=1, mention_count=2)


def connect(root: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(root / "newsfacts.duckdb"), read_only=True)


def publish(root: Path, facts: bool = True) -> Path:
    tables = {}
    if facts:
        rows = {
            "documents": [_row("documents", doc_id="d1", title="Reward raised", published_at=NOW, text=TEXT,
                               n_chars=len(TEXT), source="a.txt")],
            "entities": [_entity("e-us", "United States", "GPE", ["Washington"]),
                         _entity("e-nm", "Nicolás Maduro", "PERSON", ["Maduro", "Nicolas Maduro Moros"]),
                         _entity("e-dt", "Donald Trump", "PERSON", ["Trump"])],
            "amounts": [_row("amounts", amount_id="a1", doc_id="d1", value=5e7, currency="USD", purpose="reward",
                             subject_entity_id="e-nm", payer_entity_id="e-us", **_span("US$50 million"))],
            "demands": [_row("demands", demand_id="m1", doc_id="d1", actor_entity_id="e-nm",
                             addressee_text="the court", category="amnesty", status="rejected", **_span("an amnesty"))],
            "events": [_row("events", event_id="v1", doc_id="d1", event_type="REJECT", source_entity_id="e-dt",
                            target_entity_id="e-nm", trigger="refused", **_span("Trump refused"))],
        }
        tables = {name: to_arrow(name, r) for name, r in rows.items()}
    warehouse = Warehouse(root)
    warehouse.publish("20251201T000000Z-aaaaaa", tables)
    return root


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = connect(publish(tmp_path_factory.mktemp("views")))
    yield connection
    connection.close()


def _columns(con, name: str) -> list[str]:
    return [r[0] for r in con.execute(f"describe {name}").fetchall()]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
def test_views_have_exactly_the_documented_columns(con, view):
    base = TABLES[view.base].column_names if view.base else []
    assert _columns(con, view.name) == base + [name for name, _ in view.columns]


def test_amounts_named_reads_names_and_the_evidence_sentence(con):
    row = con.execute("select value, subject, subject_type, payer, payer_name, title, published_at, evidence "
                      "from amounts_named").fetchall()
    assert row == [(5e7, "Nicolás Maduro", "PERSON", "United States", "United States", "Reward raised", NOW,
                    "Washington raised the reward for Nicolás Maduro to US$50 million.")]


def test_unnamed_roles_fall_back_to_the_text_and_sentences_stop_at_a_line_end(con):
    assert con.execute("select actor, addressee, addressee_name, evidence from demands_named").fetchall() == [
        ("Nicolás Maduro", "the court", None, "Maduro sought an amnesty from Trump.")]
    assert con.execute("select source, target, evidence from events_named").fetchall() == [
        ("Donald Trump", "Nicolás Maduro", "Trump refused.")]


def test_entity_facts_counts_every_role(con):
    rows = con.execute("select name, amounts_as_subject, amounts_as_payer, demands_made, demands_received, "
                       "events_as_source, events_as_target, facts from entity_facts order by name").fetchall()
    assert rows == [("Donald Trump", 0, 0, 0, 0, 1, 0, 1), ("Nicolás Maduro", 1, 0, 1, 0, 0, 1, 3),
                    ("United States", 0, 1, 0, 0, 0, 0, 1)]


@pytest.mark.parametrize("name", ["Nicolás Maduro", "nicolas maduro", "MADURO", "Nicolas Maduro Moros"])
def test_facts_about_finds_an_entity_by_any_of_its_names(con, name):
    rows = con.execute("select kind, role, fact_id, doc_id, start, \"end\", summary from facts_about(?)", [name]).fetchall()
    assert sorted(r[:4] for r in rows) == [("amount", "subject", "a1", "d1"), ("demand", "actor", "m1", "d1"),
                                           ("event", "target", "v1", "d1")]
    amount = next(r for r in rows if r[0] == "amount")
    assert TEXT[amount[4]:amount[5]] == "US$50 million" and "USD 50,000,000.00" in amount[6]


def test_facts_about_an_unknown_name_is_empty_and_amounts_for_filters_by_purpose(con):
    assert con.execute("select * from facts_about('Nobody')").fetchall() == []
    assert con.execute("select amount_id, subject from amounts_for('reward')").fetchall() == [("a1", "Nicolás Maduro")]
    assert con.execute("select count(*) from amounts_for('fine')").fetchall() == [(0,)]


def test_views_work_on_an_empty_warehouse(tmp_path):
    con = connect(publish(tmp_path, facts=False))
    try:
        for view in VIEWS:
            assert con.execute(f"select count(*) from {view.name}").fetchall() == [(0,)]
        assert con.execute("select count(*) from facts_about('x')").fetchall() == [(0,)]
    finally:
        con.close()


def test_docs_describe_every_view_and_macro_and_are_regenerated():
    text = tables_markdown()
    for view in VIEWS:
        assert f"## {view.name}" in text and all(f"| {n} |" in text for n, _ in view.columns)
    for macro in MACROS:
        assert f"`{macro.name}(" in text
    assert (ROOT / "docs" / "tables.md").read_text(encoding="utf-8") == text
