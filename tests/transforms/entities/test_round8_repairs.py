"""Round-eight repairs (issue 18): two places written as one hyphenated word, the period that
ends a paragraph after a corporate suffix, and ranks and team roles before a name. Invented
sentences; the shipped pipeline parses them, the recogniser's output pinned where a repair is
tested alone."""

from tests.transforms.entities.test_linking import clusters_of
from tests.transforms.entities.test_round3_repairs import ents, pinned
from tests.transforms.entities.test_round4_repairs import spans_of
from transforms.entities.boundaries import repair_boundaries


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


def test_a_rank_or_a_team_role_before_a_name_is_no_part_of_it_nor_a_person_alone(nlp):
    text = "Goalkeeper Tomas Vrba and Lt Col Ann Rudd met Sgt in the yard."
    doc = pinned(nlp, text, [("Goalkeeper Tomas Vrba", "PER"), ("Lt Col Ann Rudd", "PER"), ("Sgt", "PER")])
    assert ents(repair_boundaries(doc)) == [("Tomas Vrba", "PER"), ("Ann Rudd", "PER")]
