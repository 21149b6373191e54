"""Linking on the shipped pipeline (models/newsfacts_en): real NER, real parse."""

import pytest

from tests.conftest import SEEDS
from transforms.linking import link_document


@pytest.fixture(scope="module")
def seed_clusters(nlp):
    text = (SEEDS / "000_94c59d239a6fac52.txt").read_text(encoding="utf-8").split("---\n", 2)[2]
    doc = nlp(text)
    return doc, {(c.type, c.name): c for c in link_document(doc)}


def test_shipped_pipeline_has_ner_and_parser(nlp):
    assert {"ner", "parser", "newsfacts_entity_types"} <= set(nlp.pipe_names)
    assert {"PER", "ORG", "LOC", "MISC"} <= set(nlp.get_pipe("ner").labels)


def test_seed_people_places_and_organisations(seed_clusters):
    _, clusters = seed_clusters
    for key in [("PERSON", "Nicolás Maduro"), ("PERSON", "Donald Trump"), ("PERSON", "Delcy Rodríguez"),
                ("GPE", "United States"), ("GPE", "Venezuela"), ("LOC", "Caribbean"),
                ("ORG", "International Criminal Court")]:
        assert key in clusters, key


def test_surnames_titles_and_pronouns_join_the_person(seed_clusters):
    doc, clusters = seed_clusters
    maduro = clusters[("PERSON", "Nicolás Maduro")]
    assert "Venezuelan President" in maduro.roles
    assert "Vice President" in clusters[("PERSON", "Delcy Rodríguez")].roles
    assert {"Nicolás Maduro", "Maduro"} <= set(maduro.aliases)
    he_sought = doc.text.index("He sought")
    assert any(m.is_pronoun and m.start == he_sought for m in maduro.mentions)
    trump = clusters[("PERSON", "Donald Trump")]
    he_disclosed = doc.text.index("he disclosed")
    assert any(m.is_pronoun and m.start == he_disclosed for m in trump.mentions)


def test_capitals_acting_as_governments_join_their_country(seed_clusters):
    doc, clusters = seed_clusters
    us = clusters[("GPE", "United States")]
    washington_raised = doc.text.index("Washington has also raised")
    assert any(m.start == washington_raised and m.rule == "metonym" for m in us.mentions)
    assert "US" in us.aliases


@pytest.mark.parametrize("text, type_, name", [
    ("Storms moved from the Atlantic Ocean and reached Florida.", "GPE", "Florida"),
    ("Storms moved from the Atlantic Ocean and reached Florida.", "LOC", "Atlantic Ocean"),
    ("Ships crossed the Mediterranean towards Europe.", "LOC", "Europe"),
    ("The minister flew to France and then to Quebec.", "GPE", "Quebec"),
])
def test_gpe_loc_split_on_sentences(nlp, text, type_, name):
    assert (type_, name) in {(e.label_, e.text) for e in nlp(text).ents}


def test_acronyms_join_their_expansion(nlp):
    doc = nlp("General Motors (GM) said on Tuesday that GM would cut 5,000 jobs.")
    clusters = {c.name: c for c in link_document(doc)}
    assert clusters["General Motors"].aliases == ["General Motors", "GM"]
