"""Round-four span repairs and candidates (issue 18): country codes, names across hyphens, a
company and its town, texts written in lower case, capitalised words the recogniser missed, and
the span decision's common-word cues. Invented sentences; the shipped pipeline parses them, the
recogniser's output pinned where a repair is tested alone."""

import pytest

from tests.transforms.entities.test_round3_repairs import pinned
from transforms.entities.decide import span_features
from transforms.entities.names import gazetteer
from transforms.entities.types import CAPITALISED, EntityTypes, _rules


def spans_of(doc):
    """(text, model label, rules' type) of every span `EntityTypes.spans` hands the decision."""
    return [(e.text, e.label_, rule) for e, rule in EntityTypes(_rules()["label_map"]).spans(doc)[1]]


@pytest.mark.parametrize("written, country", [
    ("US", "United States"), ("U.S.", "United States"), ("UK", "United Kingdom"), ("U.K.", "United Kingdom"),
    ("USA", "United States"), ("UAE", "United Arab Emirates"),
    ("St.", None), ("PE", None), ("Al", None), ("IT", None), ("and", None), ("Per", None), ("Can", None),
])
def test_only_the_country_codes_newswire_writes_name_a_country(written, country):
    assert gazetteer().country_name(written) == country


def test_two_spans_written_as_one_hyphenated_word_are_one_name(nlp):
    text = "Power utility Brenna-Quebec signed a deal, and flights to Port-au-Varla resumed."
    doc = pinned(nlp, text, [("Brenna", "ORG"), ("Quebec", "LOC"), ("Port", "LOC"), ("Varla", "LOC")])
    assert [(t, label) for t, label, _ in spans_of(doc)] == [("Brenna-Quebec", "ORG"), ("Port-au-Varla", "LOC")]


def test_a_country_or_nationality_across_a_hyphen_stays_a_name_of_its_own(nlp):
    text = "The Tolvane-German venture and EC-U.S. talks went on."
    doc = pinned(nlp, text, [("Tolvane", "ORG"), ("German", "MISC"), ("EC", "ORG"), ("U.S.", "LOC")])
    assert [t for t, _, _ in spans_of(doc)] == ["Tolvane", "German", "EC", "U.S."]


def test_a_company_and_the_town_it_is_in_are_two_names(nlp):
    text = "The contract went to Orvane Marine Services Inc. of Chicago and the Central Bank of Chile approved it."
    doc = pinned(nlp, text, [("Orvane Marine Services Inc. of Chicago", "ORG"), ("Central Bank of Chile", "ORG")])
    assert spans_of(doc) == [("Orvane Marine Services Inc.", "ORG", "ORG"), ("Chicago", "LOC", "GPE"),
                             ("Central Bank of Chile", "ORG", "ORG")]


def test_places_are_found_in_a_text_written_in_lower_case(nlp):
    text = ("oslo, june 4 - a fishing cooperative from peru said its boats would unload in new york "
            "and ship part of the catch to madrid, the skipper told us. prices in asia held steady.")
    doc = pinned(nlp, text, [])
    assert {(t, rule) for t, _, rule in spans_of(doc)} >= {
        ("peru", "GPE"), ("new york", "GPE"), ("madrid", "GPE"), ("asia", "LOC")}
    assert "us" not in [t for t, _, _ in spans_of(doc)]  # a function word, not the country


def test_no_place_is_added_to_a_text_written_with_capitals(nlp):
    doc = pinned(nlp, "Output fell in Spain, and the turkey was carved, Ann Lee said.",
                 [("Spain", "LOC"), ("Ann Lee", "PER")])
    assert [t for t, _, _ in spans_of(doc)] == ["Spain", "Ann Lee"]


def test_two_countries_in_lower_case_make_a_lower_case_text_whatever_its_headline(nlp):
    text = ("Andean Fishing Council Meets In Lima\n\nThe Andean Fishing Council said on Monday that "
            "catches off chile and peru fell, and that its members would meet in quito and then in "
            "europe to agree quotas.")
    doc = pinned(nlp, text, [("Andean Fishing Council", "ORG"), ("Lima", "LOC"),
                             ("The Andean Fishing Council", "ORG")])
    assert {(t, rule) for t, _, rule in spans_of(doc)} >= {
        ("chile", "GPE"), ("peru", "GPE"), ("quito", "GPE"), ("europe", "LOC")}


def test_capitalised_words_the_model_missed_inside_a_sentence_are_candidates(nlp):
    text = "The bill was debated in Parliament on Tuesday, and Treasury Secretary Ann Lee backed General Motors."
    doc = pinned(nlp, text, [("Ann Lee", "PER")])
    found = [(t, label) for t, label, _ in spans_of(doc)]
    assert ("Parliament", CAPITALISED) in found
    assert ("Treasury", CAPITALISED) in found  # the title after it is a role, not the name
    assert ("General Motors", CAPITALISED) in found  # a title word opening a run stays
    assert ("Ann Lee", "PER") in found


def test_a_sentence_s_first_word_and_a_word_touching_a_name_are_no_candidates(nlp):
    text = "Yesterday the board met. Shares of Kestrel Mining rose."
    doc = pinned(nlp, text, [("Kestrel", "ORG")])
    assert [(t, label) for t, label, _ in spans_of(doc)] == [("Kestrel", "ORG")]


def test_the_decision_sees_a_capitalised_common_word(nlp):
    text = "Fund managers sold, as fund managers do, and Varlen Okonji left."
    doc = pinned(nlp, text, [("Fund", "ORG"), ("Varlen Okonji", "PER")])
    types = EntityTypes(_rules()["label_map"])
    spans = types.spans(doc)[1]
    feats = {e.text: {f for f in fs if isinstance(f, str)} for (e, _), fs in zip(spans, types.features(spans))}
    assert {"common_word", "lower_elsewhere"} <= feats["Fund"]
    assert not {"common_word", "lower_elsewhere"} & feats["Varlen Okonji"]
    vector = [f for f in span_features(spans[0][0], spans[0][1], ["PER"], types.cues) if not isinstance(f, str)]
    assert [name for name, _ in vector] == ["vec_last"]
