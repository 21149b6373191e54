import pytest
import spacy

from transforms.entities import entity_id, entity_rows, merge_entities
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


def test_fold():
    assert fold("the U.S.") == "us" and fold("Nicolás  MADURO") == "nicolas maduro"


def test_entity_rows_count_mentions_per_document(ruled):
    doc = ruled("Nicolás Maduro spoke. Maduro left. Maduro returned.")
    mentions, entities = entity_rows(doc, "doc_1", sentence_locator(doc))
    assert [(m["text"], m["sentence_index"]) for m in mentions] == [
        ("Nicolás Maduro", 0), ("Maduro", 1), ("Maduro", 2)]
    assert all(doc.text[m["start"]:m["end"]] == m["text"] for m in mentions)
    by_name = {e["name"]: (e["doc_count"], e["mention_count"]) for e in entities}
    assert by_name == {"Nicolás Maduro": (1, 1), "Maduro": (1, 2)}


def test_merge_entities_sums_and_prefers_accented_names():
    eid = entity_id("PERSON", "Nicolas Maduro")
    assert eid == entity_id("PERSON", "Nicolás Maduro")
    a = {"entity_id": eid, "name": "Nicolas Maduro", "type": "PERSON", "aliases": ["Nicolas Maduro"],
         "roles": [], "doc_count": 1, "mention_count": 3}
    b = {**a, "name": "Nicolás Maduro", "aliases": ["Nicolás Maduro"], "mention_count": 2}
    [merged] = merge_entities([a, b])
    assert merged == merge_entities([b, a])[0]
    assert (merged["name"], merged["doc_count"], merged["mention_count"]) == ("Nicolás Maduro", 2, 5)
    assert merged["aliases"] == ["Nicolas Maduro", "Nicolás Maduro"]
