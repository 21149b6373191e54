"""The `newsfacts_demands` component: its facts on the Doc and the rows they publish, from
invented newswire sentences and from the seed article."""

from __future__ import annotations

import spacy

from tests.conftest import SEEDS
from tests.transforms.demands.helpers import full_rows, model_rows, names_of
from transforms.demands.component import demand_facts
from transforms.facts import get_facts
from transforms.schemas import DEMAND_CATEGORIES, DEMAND_STATUSES, DEMANDS

SEED = SEEDS / "000_94c59d239a6fac52.txt"

KANU = ("Rebel leader Joseph Kanu held out for days. He sought a full amnesty for himself and his "
        "family, removal of all sanctions, and an end to the treason case against him. President "
        "Mensah reportedly refused most of these requests.")


def test_coordinated_demands_pronoun_actor_and_refusal():
    doc, rows = full_rows(KANU)
    assert [r["text"] for r in rows] == ["a full amnesty for himself and his family",
                                         "removal of all sanctions", "an end to the treason case against him"]
    assert [r["category"] for r in rows] == ["amnesty", "sanctions_relief", "end_prosecution"]
    assert model_rows(KANU)[0][:2] == ("Joseph Kanu", "Mensah")  # the one who answered
    for r in rows:
        assert doc.text[r["start"]:r["end"]] == r["text"]
        assert r["status"] == "rejected"
        assert r["status_evidence"] == "President Mensah reportedly refused most of these requests."
        assert r["status_hedge"] == "reportedly; most of"
        assert r["sentence_index"] == 1
    assert rows[0]["beneficiary_text"] == "himself and his family"


def test_rows_have_the_schema_columns_and_allowed_values():
    _, rows = full_rows(KANU)
    for r in rows:
        assert set(r) == set(DEMANDS.column_names)
        assert r["category"] in DEMAND_CATEGORIES and r["status"] in DEMAND_STATUSES


def test_facts_are_the_columns_the_component_fills_and_the_key_parts():
    doc, _ = full_rows("Norway and Iceland demanded compensation for the lost catch.")
    facts = get_facts(doc, "demands")
    assert facts == demand_facts(doc)
    filled = set(DEMANDS.column_names) - {"doc_id", "demand_id", "sentence_index", "extractor_version"}
    internal = {"id_parts", "cue_chars", "answer_chars", "answered_by_entity_id", "answered_by_text"}
    assert [set(f) for f in facts] == [filled | internal] * 2
    # the second actor sharing the span adds its id to the key
    first, second = facts
    assert first["id_parts"] == [first["start"], first["end"]]
    assert second["id_parts"] == [first["start"], first["end"], second["actor_entity_id"]]


def test_no_parse_no_rows():
    doc = spacy.blank("en")("He sought amnesty.")
    assert demand_facts(doc) == []


def test_coordinated_actors_get_distinct_demand_ids():
    rows = full_rows("Norway and Iceland demanded compensation for the lost catch.")[1]
    assert len(rows) == 2 and rows[0]["demand_id"] != rows[1]["demand_id"]


def test_seed_demands():
    doc, rows = full_rows(SEED.read_text(encoding="utf-8").split("---", 2)[2].lstrip("\n"))
    names = names_of(doc)
    got = [(r["text"], r["category"], r["status"]) for r in rows]
    assert got == [
        ("full legal amnesty for himself and his family", "amnesty", "rejected"),
        ("removal of all US sanctions", "sanctions_relief", "rejected"),
        ("an end to the International Criminal Court case he faces", "end_prosecution", "rejected"),
        ("over 100 government officials", "sanctions_relief", "rejected"),
        ("allowing Vice President Delcy Rodríguez to oversee an interim government until new "
         "elections could be held", "political_transition", "rejected"),
        ("another call with Trump", "negotiation", "pending"),
    ]
    for r in rows:
        assert names.get(r["actor_entity_id"]) == "Nicolás Maduro"
        assert names.get(r["addressee_entity_id"]) == "Donald Trump"
        assert doc.text[r["start"]:r["end"]] == r["text"]
    assert rows[0]["status_evidence"].startswith("Trump reportedly refused most of these requests")
