"""Who an event's source and target may be (`transforms.events.features.parties`) and how the
choice is made (`EventModel._parties`), on invented sentences."""

from __future__ import annotations

import math

import pytest

from transforms.demands.actors import Actors
from transforms.demands.lexicon import lexicon
from transforms.events.candidates import candidates
from transforms.events.component import event_facts
from transforms.events.features import parties
from transforms.events.learned import TYPE_MIN, Decided, EventModel, choose_pair
from transforms.parties import Party, ranked_actors
from transforms.ranker import Ranker


def _parties(nlp, text, word, event_type="ACCUSE"):
    doc = nlp(text)
    t = next(t for t in candidates(doc, lambda w, p: True) if t.token.text == word)
    return {p.token.text: p.features for p in parties(t, event_type, lexicon(), Actors(doc), ranked_actors(doc, 6))
            if p.token is not None and "form=whole" not in p.features}


def test_the_speaker_of_a_reported_event_is_marked(nlp):
    found = _parties(nlp, "The mayor said the ferry company would appeal the ruling.", "appeal", "REQUEST")
    assert "role=speaker" in found["mayor"] and "role=speaker" not in found["company"]
    assert "role=subject" in found["company"]
    found = _parties(nlp, '"We will sue the harbour board," the union leader said.', "sue")
    assert "role=speaker" in found["leader"]
    found = _parties(nlp, "According to the fishermen, the council rejected the plan.", "rejected", "REJECT")
    assert "role=speaker" in found["fishermen"]


def test_whether_a_word_can_act_is_a_feature(nlp):
    found = _parties(nlp, "The ferry company's report accused the harbour board of negligence.", "accused")
    assert "actor=n" in found["report"] and "actor=y" in found["company"]
    assert "role=subject|actor=n" in found["report"]


def test_words_of_the_dateline_are_marked(nlp):
    found = _parties(nlp, "BERGEN, May 4 - The fishermen's union accused the port of lying.", "accused")
    assert "dateline" in found["BERGEN"] and "dateline" not in found["union"]
    found = _parties(nlp, "The fishermen's union accused the port of lying in Bergen.", "accused")
    assert not any("dateline" in f for f in found.values())


def test_a_word_saying_when_is_no_party(nlp):
    found = _parties(nlp, "Last month the ferry company accused the harbour board of negligence.", "accused")
    assert "month" not in found and {"company", "board"} <= set(found)
    found = _parties(nlp, "The harbour board approved the ferry merger on Friday.", "approved", "SUPPORT")
    assert "Friday" not in found and {"board", "merger"} <= set(found)


def test_a_named_party_is_the_target_rather_than_nobody(nlp):
    doc = nlp("The fishermen's union protested on Tuesday near the harbour board's offices.")
    shipped = EventModel.load()
    # A target chooser that prefers nobody to anyone still names someone when someone is there.
    model = EventModel(shipped.type, shipped.mode, shipped.source, Ranker({"nobody": 10.0}), "test")
    [t] = [t for t in candidates(doc, lambda w, p: True) if t.token.text == "protested"]
    event = model._parties(Decided(t, "PROTEST", 0.9), lexicon(), Actors(doc), ranked_actors(doc, 6))
    assert event.source is not None and event.target is not None
    assert event.target.key != event.source.key


def test_source_and_target_are_chosen_as_a_pair():
    nobody = Party(None, None, None, ["nobody"])
    board, union = Party("w1", "ent_board", None, ["board"]), Party("w2", None, "dockers' union", ["union"])
    # The target chooser slightly prefers the board too, but the board is the far likelier
    # source: the pair is board -> union, not union -> board or board -> nobody.
    source = Ranker({"board": 3.0, "union": 0.0, "nobody": -5.0})
    target = Ranker({"board": 1.0, "union": 0.5, "nobody": 4.0})
    chosen, against, p = choose_pair(source, target, [nobody, board, union])
    assert (chosen, against) == (board, union)
    assert p == pytest.approx(math.exp(3) / (math.exp(3) + 1 + math.exp(-5)))  # the source's
    # Mentions of one party count together ("the union" twice outweighs the board once).
    second = Party("w3", None, "Dockers' Union", ["union"])
    source = Ranker({"board": 1.0, "union": 0.6})
    assert choose_pair(source, target, [nobody, board, union, second])[0] is union
    # With no one else named, the target is nobody.
    assert choose_pair(source, target, [nobody, board])[:2] == (board, None)


def test_an_event_needs_a_party_named_near_its_trigger():
    near, far = Party("w1", "ent_union", None, ["path=>nsubj"]), Party("w9", "ent_board", None, ["document"])
    assert Decided(None, "ACCUSE", 0.9, source=far, target=near).names_someone_near
    assert not Decided(None, "ACCUSE", 0.9, source=far, target=None).names_someone_near
    assert not Decided(None, "ACCUSE", 0.9).names_someone_near


def test_an_event_whose_source_is_unsure_is_left_out(nlp):
    doc = nlp("The Vardø fishermen's union accused the Hammerfest harbour board of lying about the quay fees.")
    shipped = EventModel.load()
    [found] = [e for e in event_facts(doc, shipped) if e["trigger"] == "accused"]
    assert found["event_type"] == "ACCUSE" and found["probability"] > 0.5
    # A source chooser with no weights gives every party alike: none reaches SOURCE_MIN.
    unsure = EventModel(shipped.type, shipped.mode, Ranker({}), shipped.target, "test")
    assert not [e for e in event_facts(doc, unsure) if e["trigger"] == "accused"]


def test_a_place_named_only_in_the_dateline_is_no_document_actor(nlp):
    def ranked(text):
        return [first.text for _, first, *_ in ranked_actors(nlp(text), 6)]
    body = " - Dockers at Fjordline Cargo struck on Monday. Fjordline Cargo said talks would resume."
    assert ranked("BERGEN, May 4" + body) == ["Fjordline Cargo"]
    # named in the story too, the place is a party by its first mention there
    assert sorted(ranked("BERGEN, May 4" + body + " Bergen offered to mediate.")) == ["Bergen", "Fjordline Cargo"]


def test_an_event_whose_type_is_unsure_is_left_out(nlp):
    doc = nlp("The Kessington dockers' union accused the Orvel Shipping Line of cutting the night shift.")
    shipped = EventModel.load()
    [found] = [e for e in event_facts(doc, shipped) if e["trigger"] == "accused"]
    assert found["event_type"] == "ACCUSE" and found["probability"] >= TYPE_MIN
    # A type chooser with no weights gives "none" and every type alike (1/17 each): "none" is
    # far from sure, but no type reaches TYPE_MIN either.
    unsure = EventModel(Ranker({}, shipped.type.meta), shipped.mode, shipped.source, shipped.target, "test")
    assert not [e for e in event_facts(doc, unsure) if e["trigger"] == "accused"]
