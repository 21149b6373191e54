"""The anaphora resolver (`transforms.coref`): which words are anaphors, whom they may stand
for, how gold items label them, and what the shipped resolver makes of them (invented
newswire sentences, read by the shipped pipeline)."""

from __future__ import annotations

import pytest

from transforms import coref
from transforms.entities.linking import clusters, entity_id
from transforms.money.learned import AmountModel
from transforms.nlp import PipelineSpec, load_pipeline


@pytest.fixture(scope="module")
def linked():
    nlp = load_pipeline(PipelineSpec(extractors=("newsfacts_linker",)))
    return nlp


@pytest.fixture(scope="module")
def shipped():
    resolver = AmountModel.load().coref
    assert resolver is not None, "models/newsfacts_amounts/coref.json: train with `newsfacts train`"
    return resolver


def _names(doc) -> dict[str, str]:
    return {entity_id(c.type, c.name): c.name for c in clusters(doc)}


def _token(doc, word: str, nth: int = 0):
    return [t for t in doc if t.lower_ == word][nth]


@pytest.mark.parametrize("text, word, kind", [
    ("Corvan Ltd said it would cut 200 jobs.", "it", "it"),
    ("Corvan Ltd said its profit fell.", "its", "it"),
    ("The unions said they would strike on Monday.", "they", "they"),
    ("Corvan Ltd reported a loss. The company blamed the weather.", "company", "noun"),
    ("Corvan Ltd reported a loss. The French government was not told.", "government", None),
    ("Corvan Ltd reported a loss.", "corvan", None),
    ("Corvan Ltd reported a loss at a company it bought.", "company", None),  # "a company": no anaphor
])
def test_anaphor_kinds(linked, text, word, kind):
    assert coref.anaphor_kind(_token(linked(text), word)) == kind


def test_candidates_are_actors_named_before_the_anaphor(linked):
    doc = linked("Corvan Ltd said it would cut 200 jobs after talks with Belmar Steel.")
    found = coref.candidates(_token(doc, "it"), "it")
    names = _names(doc)
    assert [names[c.entity_id] for c in found] == ["Corvan Ltd"]  # Belmar is named after it
    assert "governs|kind=it" in found[0].features  # the speaker of the clause "it" is in


def test_head_noun_agreement_is_a_feature(linked):
    doc = linked("Velmont Holdings agreed to buy Oster Bank. The bank will pay a dividend.")
    found = {_names(doc)[c.entity_id]: c.features for c in coref.candidates(_token(doc, "bank", 1), "noun")}
    assert "name_has_noun" in found["Oster Bank"] and "name_has_noun" not in found["Velmont Holdings"]


def test_gold_items_label_the_anaphors_of_their_sentence(linked):
    text = "Corvan Ltd said on Monday that it would pay $5 million to settle the claims."
    record = {"text": text, "gold": {
        "entities": [{"name": "Corvan Ltd", "type": "ORG", "aliases": ["Corvan Ltd"]}],
        "amounts": [{"text": "$5 million", "subject": None, "payer": "Corvan Ltd"}]}}
    doc = linked(text)
    [choice] = coref.choices(doc, record)
    names = _names(doc)
    found = coref.candidates(_token(doc, "it"), "it")
    assert [names[found[k].entity_id] for k in choice.right] == ["Corvan Ltd"]


def test_a_record_without_parties_labels_nothing(linked):
    doc = linked("Corvan Ltd said it would cut 200 jobs.")
    assert coref.choices(doc, {"text": doc.text, "gold": {"entities": [], "amounts": []}}) == []


def test_no_active_resolver_resolves_nothing(linked):
    doc = linked("Corvan Ltd said it would cut 200 jobs.")
    assert coref.resolve(_token(doc, "it")) is None


@pytest.mark.parametrize("text, word, nth, name", [
    ("Corvan Ltd said it would cut 200 jobs.", "it", 0, "Corvan Ltd"),
    ("Corvan Ltd said on Tuesday that its profit fell by a third.", "its", 0, "Corvan Ltd"),
    ("Marta Lindqvist, the chief executive of Corvan Ltd, said it would cut 200 jobs.", "it", 0, "Corvan Ltd"),
])
def test_shipped_resolver(linked, shipped, text, word, nth, name):
    doc = linked(text)
    with coref.using(shipped):
        eid = coref.resolve(_token(doc, word, nth))
    assert _names(doc).get(eid) == name


def test_an_amounts_pronoun_the_rules_leave_unresolved_goes_to_the_resolver(linked, shipped):
    from transforms.money.context import role_value
    from transforms.money.cues import rules
    doc = linked("The Orla Dockers Union rejected the offer on Monday. They want a raise of $5 million.")
    they = _token(doc, "they")
    assert role_value(they, range(0), rules()) == (None, None)  # no resolver: nobody
    with coref.using(shipped):
        eid, text = role_value(they, range(0), rules())
    assert (_names(doc).get(eid), text) == ("Orla Dockers Union", None)


def test_only_a_resolver_or_none_can_be_put_in_use():
    from transforms.coref import using

    with pytest.raises(TypeError):
        with using([["not", "a", "resolver"]]):
            pass
    with using(None) as active:
        assert active is None
