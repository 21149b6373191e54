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


def clusters_of(nlp, text):
    return {c.name: c for c in link_document(nlp(text))}


def test_a_corporate_suffix_left_out_of_the_span_is_taken_in(nlp):
    # The model tags "Harrowgate" alone; "Co." makes it the company's full name.
    clusters = clusters_of(nlp, "The largest buyer will be Harrowgate Co., which owns about 12% of "
                                "the brewer. A spokesman for Harrowgate declined to comment.")
    assert clusters["Harrowgate Co."].type == "ORG"
    assert clusters["Harrowgate Co."].aliases == ["Harrowgate Co.", "Harrowgate"]


def test_and_co_completes_a_firm_the_model_took_for_a_person(nlp):
    doc = nlp("The bank hired broker Tilbury and Co to handle the sale.")
    assert ("Tilbury and Co", "ORG") in {(e.text, e.label_) for e in doc.ents}


def test_a_name_cut_at_a_connector_is_joined_to_its_rest(nlp):
    doc = nlp("Police said the Cartel de los Zorros controlled the trade.")
    assert [e.text for e in doc.ents] == ["Cartel de los Zorros"]


def test_an_honorific_makes_a_person_whatever_the_model_said(nlp):
    clusters = clusters_of(nlp, "Mr Pellow said the plan was unfair. Labour spokesman Gareth Pellow "
                                "said voters would reject it. Mr Pellow added that the tax was wrong.")
    pellow = clusters["Gareth Pellow"]
    assert pellow.type == "PERSON" and pellow.aliases == ["Pellow", "Gareth Pellow"]


def test_a_name_with_its_suffix_is_not_a_short_form_of_another_company(nlp):
    clusters = clusters_of(nlp, "Harlow Corp. said on Monday that it would sell Harlow Enterprises Inc., "
                                "its cable unit. Harlow Corp. shares rose, and Harlow said the sale "
                                "would close in March.")
    assert clusters["Harlow Enterprises Inc."].aliases == ["Harlow Enterprises Inc."]
    assert set(clusters["Harlow Corp."].aliases) == {"Harlow Corp.", "Harlow"}


def test_capitals_short_for_a_company_name_its_first_word(nlp):
    clusters = clusters_of(nlp, "Rival suitor Belcom Corp. bid for VISTA Broadcasting Corp. on Friday. "
                                "Sandra Pike, a lawyer for VISTA, said VISTA would study the offer.")
    vista = clusters["VISTA Broadcasting Corp."]
    assert vista.type == "ORG" and vista.aliases == ["VISTA Broadcasting Corp.", "VISTA"]
    assert "VISTA" not in clusters


def test_an_acronym_in_brackets_joins_the_name_before_it_whatever_its_letters(nlp):
    clusters = clusters_of(nlp, "Talks with Japan's Ministry of Regional Planning and Transport (MORPT) "
                                "stalled on Friday. MORPT said the talks would resume.")
    ministry = clusters["Ministry of Regional Planning and Transport"]
    assert ministry.aliases == ["Ministry of Regional Planning and Transport", "MORPT"]
    assert len(ministry.mentions) == 3 and "MORPT" not in clusters


def test_first_word_short_forms_vote_for_a_company(nlp):
    # The model calls every bare "Kessler" a person; companies are shortened to their first
    # word, people to their surname.
    clusters = clusters_of(nlp, "Kessler Cellular Communications Inc. made a rival bid. In effect, "
                                "Kessler has forced the board's hand. Kessler's persistence paid off, "
                                "and Kessler raised its offer.")
    kessler = clusters["Kessler Cellular Communications Inc."]
    assert kessler.type == "ORG" and len(kessler.mentions) == 4


def test_an_unknown_place_word_joins_the_company_it_shortens(nlp):
    clusters = clusters_of(nlp, "The offer values TRAX Communications Corp. at $2 billion. TRAX holders "
                                "would receive $40 a share, and TRAX said it would consider the bid.")
    assert clusters["TRAX Communications Corp."].aliases == ["TRAX Communications Corp.", "TRAX"]
    assert len(clusters["TRAX Communications Corp."].mentions) == 3


def test_town_comma_state_makes_two_places_and_names_the_state_in_full(nlp):
    doc = nlp("The Wilmington, Del., company reported net income of $500 million. "
              "James Fallon, a New Providence, N.J., marketing consultant, said the plan was sound. "
              "The jets will be assembled in Mobile, Alabama.")
    assert {(e.text, e.label_) for e in doc.ents} >= {
        ("Wilmington", "GPE"), ("Del.", "GPE"), ("New Providence", "GPE"), ("N.J.", "GPE"),
        ("Mobile", "GPE"), ("Alabama", "GPE")}
    names = {(c.type, c.name): c.aliases for c in link_document(doc)}
    assert names[("GPE", "Delaware")] == ["Del."] and names[("GPE", "New Jersey")] == ["N.J."]


def test_a_shouted_dateline_is_a_town_named_as_the_body_writes_it(nlp):
    clusters = clusters_of(nlp, "BEAVER CREEK, Colo., June 29 - Officials met in Beaver Creek to "
                                "discuss the budget.")
    assert clusters["Beaver Creek"].type == "GPE"
    assert clusters["Beaver Creek"].aliases == ["BEAVER CREEK", "Beaver Creek"]
    assert clusters["Colorado"].aliases == ["Colo."]


@pytest.mark.parametrize("text, name", [
    ("The owner of embattled mining firm Zarkov has sued the government. Zarkov says the tax "
     "claims were illegal, and Zarkov accounts were frozen.", "Zarkov"),
    ("A bank which owns about 30% of Brenner said the dividend was too low. Brenner's stock rose $2.",
     "Brenner"),
    ("European carmakers -- Renault, Fiat and Volkswagen -- cut prices. Analysts said Fiat would follow.",
     "Fiat"),
    ("Volkswagen and Fiat both ran out of cash in March.", "Fiat"),
])
def test_a_person_the_text_treats_as_a_company_is_one(nlp, text, name):
    doc = nlp(text)
    assert any(e.text == name and e.label_ == "PERSON" for e in doc.ents)  # the model's slip
    assert clusters_of(nlp, text)[name].type == "ORG"


def test_a_person_called_by_surname_stays_a_person_beside_company_words(nlp):
    clusters = clusters_of(nlp, "Investor Paul Brenner said on Monday that he had sold his stake. "
                                "Brenner's shares were sold to a fund.")
    assert clusters["Paul Brenner"].type == "PERSON"
