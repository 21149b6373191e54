"""Within a document: name variants, short forms and datelines (transforms/entities/linking.py),
on the shipped pipeline's parse with the recogniser's output pinned."""

import pytest

from tests.transforms.entities.test_linking import as_if_the_model_read
from transforms.entities.linking import clusters as linked
from transforms.entities.linking import link
from transforms.facts import get_facts


def clusters_after(nlp, text, spans):
    return {c.name: c for c in linked(link(as_if_the_model_read(nlp, text, spans)))}


@pytest.mark.parametrize("text, spans, name, aliases", [
    ("Timothy D. Orlen chairs the board. Tim Orlen said on Monday the plan would work.",
     [("Timothy D. Orlen", "PER", 0), ("Tim Orlen", "PER", 0)],
     "Timothy D. Orlen", ["Timothy D. Orlen", "Tim Orlen"]),
    # (a one-word party named by a common word, "A Green spokesman", the span decision may drop)
    ("The Lib Dems won two seats. A Lib Dem spokesman welcomed the result.",
     [("Lib Dems", "ORG", 0), ("Lib Dem", "ORG", 1)], "Lib Dems", ["Lib Dems", "Lib Dem"]),
    ("Marta Wielgosz resigned. Wielgosz said she had no regrets, Wielgoss told reporters.",
     [("Marta Wielgosz", "PER", 0), ("Wielgosz", "PER", 1), ("Wielgoss", "PER", 0)],
     "Marta Wielgosz", ["Marta Wielgosz", "Wielgosz", "Wielgoss"]),
])
def test_variants_of_one_name_join(nlp, text, spans, name, aliases):
    clusters = clusters_after(nlp, text, spans)
    assert list(clusters) == [name]
    assert clusters[name].aliases == aliases


def test_a_surname_joins_a_person_written_two_ways(nlp):
    # The surname has two candidates until the two full forms are known to be one person.
    text = "Petra K. Vorlund leads the fund. Ms Vorlund said it would grow. Petra Vorlund smiled."
    clusters = clusters_after(nlp, text, [("Petra K. Vorlund", "PER", 0), ("Vorlund", "PER", 1),
                                          ("Petra Vorlund", "PER", 0)])
    assert list(clusters) == ["Petra K. Vorlund"]
    assert sorted(clusters["Petra K. Vorlund"].aliases) == ["Petra K. Vorlund", "Petra Vorlund", "Vorlund"]


def test_two_people_sharing_a_surname_stay_apart(nlp):
    text = "John Ferrow and Mary Ferrow sued. Ferrow declined to comment."
    clusters = clusters_after(nlp, text, [("John Ferrow", "PER", 0), ("Mary Ferrow", "PER", 0),
                                          ("Ferrow", "PER", 2)])
    assert set(clusters) == {"John Ferrow", "Mary Ferrow", "Ferrow"}


def test_a_surname_joins_the_person_not_the_foundation_named_after_them(nlp):
    text = "Ivan Dresko funds the Dresko Foundation. Dresko said the grants would go on."
    clusters = clusters_after(nlp, text, [("Ivan Dresko", "PER", 0), ("Dresko Foundation", "ORG", 0),
                                          ("Dresko", "PER", 2)])
    assert clusters["Ivan Dresko"].aliases == ["Ivan Dresko", "Dresko"]
    assert clusters["Dresko Foundation"].aliases == ["Dresko Foundation"]


def test_an_acronym_is_not_the_unit_named_after_it(nlp):
    text = "NBX Two will close, NBX said. Kestrel Holdings Corp. and Kestrel both fell."
    clusters = clusters_after(nlp, text, [("NBX Two", "ORG", 0), ("NBX", "ORG", 1),
                                          ("Kestrel Holdings Corp.", "ORG", 0), ("Kestrel", "ORG", 1)])
    assert clusters["NBX Two"].aliases == ["NBX Two"] and clusters["NBX"].aliases == ["NBX"]
    assert clusters["Kestrel Holdings Corp."].aliases == ["Kestrel Holdings Corp.", "Kestrel"]


def test_a_dateline_capital_is_the_city_not_its_government(nlp):
    text = "OTTAWA, May 2 - Canada said it would raise tariffs."
    clusters = clusters_after(nlp, text, [("OTTAWA", "LOC", 0), ("Canada", "LOC", 0)])
    assert clusters["OTTAWA"].type == "GPE" and clusters["Canada"].aliases == ["Canada"]


def test_a_headline_name_the_body_shortens_is_kept(nlp):
    text = "Minister Gerrit Vanhoek Quits Over Budget Row\nVanhoek resigned on Tuesday, aides said."
    clusters = clusters_after(nlp, text, [("Gerrit Vanhoek", "PER", 0), ("Vanhoek", "PER", 1)])
    assert clusters["Gerrit Vanhoek"].aliases == ["Gerrit Vanhoek", "Vanhoek"]


def test_a_possessive_company_name_keeps_its_s(nlp):
    # "Hadley's are cutting prices" names the shop Hadley's: its chairman is Hadley's chairman
    text = ("Shoppers said Hadley's are cutting prices; Hadley's chairman and Hadley's Trust "
            "Fund agreed.")
    doc = link(as_if_the_model_read(nlp, text, [("Hadley's", "ORG", 0), ("Hadley's", "ORG", 1),
                                                ("Hadley's", "ORG", 2)]))
    assert [m["text"] for m in get_facts(doc, "mentions")] == ["Hadley's", "Hadley's", "Hadley's"]
    # written only as an owner, it is the company Hadley
    text = "Hadley's chairman and Hadley's Trust Fund agreed."
    doc = link(as_if_the_model_read(nlp, text, [("Hadley's", "ORG", 0), ("Hadley's", "ORG", 1)]))
    assert [m["text"] for m in get_facts(doc, "mentions")] == ["Hadley", "Hadley"]


def test_a_place_no_gazetteer_knows_that_the_text_treats_as_a_company_is_one(nlp):
    text = "Australian airline Quorra posted a record profit. Quorra shares rose 3%."
    clusters = clusters_after(nlp, text, [("Quorra", "LOC", 0), ("Quorra", "LOC", 1)])
    assert clusters["Quorra"].type == "ORG"
