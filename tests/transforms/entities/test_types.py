import spacy

import transforms.entities.types  # noqa: F401  (registers newsfacts_entity_types)


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


def test_a_known_place_the_model_calls_other_is_typed_as_a_place():
    from transforms.entities.types import EntityTypes, _rules

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "MISC", "pattern": "Mediterranean"},
                                               {"label": "MISC", "pattern": "Quillonese"}])
    types = EntityTypes(_rules()["label_map"])  # (the rules alone: the model is one more feature)
    doc = types(nlp("Ferries crossed the Mediterranean with Quillonese fruit."))
    assert [(e.text, e.label_) for e in doc.ents] == [("Mediterranean", "LOC")]
