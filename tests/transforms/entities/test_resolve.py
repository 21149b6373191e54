import re

import pytest

from transforms.entities.linking import entity_id
from transforms.entities.resolve import parse_entities_yaml, resolve_entities
from transforms.facts import table_rows


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


def test_a_courtesy_title_is_no_role_a_surname_joins_by():
    published = [person("Tomas Ferrell", ["Mr", "Dr"])]
    mister = person("Ferrell", ["Mr"])
    _, mapping, _ = resolve_entities(published, [mister])
    assert mapping[mister["entity_id"]] == mister["entity_id"]
    doctor = person("Ferrell", ["Dr"])
    _, mapping, _ = resolve_entities(published, [doctor])
    assert mapping[doctor["entity_id"]] == published[0]["entity_id"]


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


def test_a_capital_standing_for_its_country_does_not_merge_the_city_across_documents(nlp):
    actor = nlp("Peru said on Friday that it would cut tariffs. Lima has also raised its offer to the union.")
    place = nlp("The summit was held in Lima on Monday.")
    local = [e for i, doc in enumerate([actor, place])
             for e in table_rows(doc, f"doc_{i}")["entities"]]
    entities, mapping, _ = resolve_entities([], local)
    assert sorted((e["name"], e["type"], e["doc_count"]) for e in entities) == [
        ("Lima", "GPE", 1), ("Peru", "GPE", 1)]


def org(name, aliases=None):
    return {"entity_id": entity_id("ORG", name), "name": name, "type": "ORG",
            "aliases": aliases or [name], "roles": [], "doc_count": 1, "mention_count": 1,
            "wikidata_id": None, "country": None}


@pytest.mark.parametrize("published, local", [
    # a shorter form another article gave a longer name never takes that name
    (org("Labour of Robert Vance", ["Labour of Robert Vance", "Labour"]), org("Labour")),
    (org("South Fells Tories", ["South Fells Tories", "Tories"]), org("Tories")),
    (org("NBX Pricing Committee", ["NBX Pricing Committee", "NBX"]), org("NBX")),
    # two people who share a surname or a wrong middle initial
    (person("Mary Ferrow", aliases=["Mary Ferrow", "John Ferrow"]), person("John Ferrow")),
    (person("John K. Ferrow", aliases=["John K. Ferrow", "John L. Ferrow"]), person("John L. Ferrow")),
])
def test_a_form_shared_with_another_document_joins_only_a_compatible_name(published, local):
    entities, mapping, merges = resolve_entities([published], [local])
    assert mapping[local["entity_id"]] == local["entity_id"] and len(entities) == 2 and merges == []


@pytest.mark.parametrize("published, local", [
    (org("Kestrel Holdings plc", ["Kestrel Holdings plc", "Kestrel Corp."]), org("Kestrel Corp.")),
    (person("John K. Ferrow", aliases=["John K. Ferrow", "John Ferrow"]), person("John Ferrow")),
])
def test_variants_of_one_name_join_across_documents(published, local):
    entities, mapping, merges = resolve_entities([published], [local])
    assert mapping[local["entity_id"]] == published["entity_id"] and len(entities) == 1
    assert merges == [{"entity_id": published["entity_id"], "alias": local["name"], "rule": "alias"}]


def test_the_user_gazetteer_wins_over_the_variant_rules():
    known = parse_entities_yaml("- name: Northwind Mutual\n  type: ORG\n  aliases: [Northwind]\n")
    local = org("Northwind")
    entities, mapping, merges = resolve_entities([], [local], known)
    [e] = entities
    assert (e["name"], mapping[local["entity_id"]]) == ("Northwind Mutual", e["entity_id"])
    assert merges[0]["rule"] == "gazetteer"
