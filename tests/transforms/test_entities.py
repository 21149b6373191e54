import re

import pytest
import spacy

from transforms.entities import entity_id, entity_rows, parse_entities_yaml, resolve_entities
from transforms.extract import sentence_locator
from transforms.gazetteer import fold, gazetteer


@pytest.fixture(scope="module")
def ruled():
    """A pipeline whose 'NER' is a ruler emitting CoNLL labels, so typing is tested alone."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("entity_ruler").add_patterns([
        {"label": "PER", "pattern": "Nicolás Maduro"},
        {"label": "PER", "pattern": "Maduro"},
        {"label": "LOC", "pattern": "Venezuela"},
        {"label": "LOC", "pattern": "Caribbean"},
        {"label": "LOC", "pattern": "US"},
        {"label": "LOC", "pattern": "Alps"},
        {"label": "LOC", "pattern": [{"LOWER": "gulf"}, {"LOWER": "of"}, {"LOWER": "mexico"}]},
        {"label": "MISC", "pattern": "Venezuelans"},
        {"label": "MISC", "pattern": "iPhone"},
        {"label": "MISC", "pattern": [{"LOWER": "gulf"}, {"LOWER": "war"}]},
        {"label": "MISC", "pattern": [{"LOWER": "paris"}, {"LOWER": "agreement"}]},
        {"label": "DATE", "pattern": "Friday"},
    ])
    nlp.add_pipe("newsfacts_entity_types")
    return nlp


def test_conll_labels_become_contract_types(ruled):
    doc = ruled("Nicolás Maduro left Venezuela for the Caribbean on Friday, not the US, the Alps "
                "or the Gulf of Mexico. "
                "Venezuelans recalled the Gulf War, the Paris Agreement and the iPhone.")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Nicolás Maduro", "PERSON"), ("Venezuela", "GPE"), ("Caribbean", "LOC"), ("US", "GPE"),
        ("Alps", "LOC"), ("Gulf of Mexico", "LOC"), ("Venezuelans", "NORP"), ("Gulf War", "EVENT"), ("Paris Agreement", "LAW"),
    ]


def test_a_name_with_two_legal_forms_is_one_company(ruled):
    # "Co" and "Inc" both end a company name: one span, not two that cross
    doc = ruled("Shares of Brantley Mortgage Co Inc and Ostrava Oil Co Ltd rose.")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Brantley Mortgage Co Inc", "ORG"), ("Ostrava Oil Co Ltd", "ORG")]


def test_ontonotes_labels_pass_through():
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([
        {"label": "GPE", "pattern": "Caracas"}, {"label": "MONEY", "pattern": "$5"},
        {"label": "FAC", "pattern": "Miraflores"}])
    nlp.add_pipe("newsfacts_entity_types")
    assert [(e.text, e.label_) for e in nlp("Caracas paid $5 at Miraflores").ents] == [
        ("Caracas", "GPE"), ("Miraflores", "FAC")]


@pytest.mark.parametrize("name, type_", [
    ("France", "GPE"), ("the U.S.", "GPE"), ("United States of America", "GPE"), ("Texas", "GPE"),
    ("Quebec", "GPE"), ("Caracas", "GPE"), ("Europe", "LOC"), ("Middle East", "LOC"),
    ("Sahara", "LOC"),
    # A known limit: a range that shares its name with a town of 15,000+ people ("Andes",
    # Colombia) reads as a GPE without a feature word.
    ("Andes", "GPE"),
])
def test_gazetteer_splits_gpe_from_loc(name, type_):
    assert gazetteer().place_type(name) == type_


@pytest.mark.parametrize("written, name", [
    ("Nev.", "Nevada"), ("N.M.", "New Mexico"), ("Tenn.", "Tennessee"), ("ohio", "Ohio"),
    ("Ind", None), ("miss", None)])
def test_us_states_written_in_full_or_abbreviated(written, name):
    assert gazetteer().state_name(written) == name


def test_fold():
    assert fold("the U.S.") == "us" and fold("Nicolás  MADURO") == "nicolas maduro"


def test_entity_rows_link_surnames_and_count_mentions(ruled):
    doc = ruled("Nicolás Maduro spoke. Maduro left. Maduro returned to Venezuela.")
    rows = entity_rows(doc, "doc_1", sentence_locator(doc))
    assert [(m["text"], m["sentence_index"]) for m in rows["mentions"]] == [
        ("Nicolás Maduro", 0), ("Maduro", 1), ("Maduro", 2), ("Venezuela", 2)]
    assert all(doc.text[m["start"]:m["end"]] == m["text"] for m in rows["mentions"])
    by_name = {e["name"]: (e["aliases"], e["mention_count"]) for e in rows["entities"]}
    assert by_name == {"Nicolás Maduro": (["Nicolás Maduro", "Maduro"], 3), "Venezuela": (["Venezuela"], 1)}
    assert {(a["alias"], a["rule"]) for a in rows["entity_aliases"]} == {
        ("Nicolás Maduro", "name"), ("Maduro", "surname"), ("Venezuela", "country")}
    # Spans as written map to their cluster, for extractors that point at spans.
    assert rows["links"][entity_id("PERSON", "Maduro")] == entity_id("PERSON", "Nicolás Maduro")


def person(name, roles=(), aliases=None, docs=1, mentions=1):
    return {"entity_id": entity_id("PERSON", name), "name": name, "type": "PERSON",
            "aliases": aliases or [name], "roles": list(roles), "doc_count": docs,
            "mention_count": mentions, "wikidata_id": None, "country": None}


def test_resolution_keeps_ids_and_prefers_accented_full_names():
    published = [person("Nicolas Maduro", ["President"], docs=2, mentions=5)]
    local = [person("Nicolás Maduro", ["Venezuelan President"], mentions=3)]
    entities, mapping, merges = resolve_entities(published, local)
    [e] = entities
    assert e["entity_id"] == published[0]["entity_id"]  # stable across runs
    assert (e["name"], e["doc_count"], e["mention_count"]) == ("Nicolás Maduro", 3, 8)
    assert mapping == {local[0]["entity_id"]: e["entity_id"]}


def test_a_shared_surname_alone_never_merges_two_people():
    published = [person("John Smith", ["Senator"]), person("Maduro")]
    alone = person("Smith")
    entities, mapping, _ = resolve_entities(published, [alone])
    assert mapping[alone["entity_id"]] == alone["entity_id"] and len(entities) == 3
    with_role = person("Smith", ["Senator"])
    _, mapping, merges = resolve_entities(published, [with_role])
    assert mapping[with_role["entity_id"]] == published[0]["entity_id"]
    assert merges == [{"entity_id": published[0]["entity_id"], "alias": "Smith", "rule": "surname_and_role"}]


def test_user_gazetteer_seeds_entities_with_wikidata_ids():
    known = parse_entities_yaml("""
- name: Nicolás Maduro
  type: PERSON
  aliases: [Nicolas Maduro Moros]
  wikidata_id: Q57413
  country: Venezuela
""")
    local = [person("Nicolas Maduro Moros", mentions=2)]
    entities, mapping, merges = resolve_entities([], local, known)
    [e] = entities
    assert (e["name"], e["wikidata_id"], e["mention_count"]) == ("Nicolás Maduro", "Q57413", 2)
    assert merges[0]["rule"] == "gazetteer"


@pytest.mark.parametrize("text, error", [
    ("- name: X\n  type: ALIEN\n", "entry 1 (X): 'type' must be one of"),
    ("- type: PERSON\n", "entry 1: 'name' is required"),
    ("- name: X\n  type: PERSON\n  wikidata_id: 42\n", "'wikidata_id' must look like Q42"),
    ("- name: X\n  type: PERSON\n  colour: red\n", "unknown fields ['colour']"),
    ("name: [unclosed", "not valid YAML"),
])
def test_malformed_gazetteer_entries_are_named(text, error):
    with pytest.raises(ValueError, match=re.escape(error)):
        parse_entities_yaml(text)


def test_boundary_repairs_and_implausible_spans():
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([
        {"label": "PER", "pattern": "Jean"}, {"label": "PER", "pattern": "Luc Ferrand"},
        {"label": "PER", "pattern": "Walter Brisco"}, {"label": "PER", "pattern": "Moreover"},
        {"label": "ORG", "pattern": [{"TEXT": "AU$"}, {"TEXT": "12.5"}]}, {"label": "LOC", "pattern": "US"}])
    nlp.add_pipe("newsfacts_entity_types")
    doc = nlp("Jean-Luc Ferrand met Walter Brisco Jr. in the US. Moreover, AU$ 12.5 was paid.")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Jean-Luc Ferrand", "PERSON"), ("Walter Brisco Jr.", "PERSON"), ("US", "GPE")]


def test_a_capital_standing_for_its_country_does_not_merge_the_city_across_documents(nlp):
    actor = nlp("Peru said on Friday that it would cut tariffs. Lima has also raised its offer to the union.")
    place = nlp("The summit was held in Lima on Monday.")
    local = [e for i, doc in enumerate([actor, place])
             for e in entity_rows(doc, f"doc_{i}", sentence_locator(doc))["entities"]]
    entities, mapping, _ = resolve_entities([], local)
    assert sorted((e["name"], e["type"], e["doc_count"]) for e in entities) == [
        ("Lima", "GPE", 1), ("Peru", "GPE", 1)]
