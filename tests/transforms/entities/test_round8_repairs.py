"""Round-eight repairs (issue 18): two places written as one hyphenated word, and the period that
ends a paragraph after a corporate suffix. Invented sentences; the shipped pipeline parses them,
the recogniser's output pinned where a repair is tested alone."""

from tests.transforms.entities.test_linking import clusters_of
from tests.transforms.entities.test_round4_repairs import spans_of
from tests.transforms.entities.test_round3_repairs import pinned


def test_two_places_across_a_hyphen_stay_two_places(nlp):
    text = "The Lisbon-Madrid rail link and the Brenna-Quebec utility were both late."
    doc = pinned(nlp, text, [("Lisbon", "LOC"), ("Madrid", "LOC"), ("Brenna", "ORG"), ("Quebec", "LOC")])
    assert [t for t, _, _ in spans_of(doc)] == ["Lisbon", "Madrid", "Brenna-Quebec"]


def test_a_paragraph_ending_after_a_corporate_suffix_ends_the_sentence_not_the_name(nlp):
    text = ("Dockers at Harwick went on strike against Tessaly Marine Inc.\n\n"
            "Talks with Orvane Freight Co. broke down on Monday, the union said.")
    clusters = clusters_of(nlp, text)
    assert [m.text for m in clusters["Tessaly Marine Inc"].mentions] == ["Tessaly Marine Inc"]
    assert [m.text for m in clusters["Orvane Freight Co."].mentions] == ["Orvane Freight Co."]
    mention = clusters["Tessaly Marine Inc"].mentions[0]
    assert text[mention.start:mention.end] == "Tessaly Marine Inc"
