"""The learned demands model: candidate readings beyond the finders' frames, the choosers'
decisions on invented newswire sentences, the trainer and the shipped model."""

from __future__ import annotations

import dataclasses
import json

import pytest

from evaluation.trainable import load_trainers
from tests.transforms.demands.helpers import full_rows, model_rows
from transforms.demands.actors import Actors
from transforms.demands.candidates import extra_candidates
from transforms.demands.component import Demands, readings
from transforms.demands.features import demand_features, parties
from transforms.demands.learned import CHOOSERS, SHIPPED, DemandModel
from transforms.demands.lexicon import lexicon
from transforms.demands.train import COMPONENT, train_demands
from transforms.nlp import load_pipeline
from transforms.ranker import Ranker


def _candidates(text):
    doc = load_pipeline()(text)
    return [(doc[d.start:d.end].text, d.source) for d in extra_candidates(list(doc.sents), lexicon(), Actors(doc))]


def test_candidates_are_the_arguments_of_demand_words_and_conditions():
    found = _candidates("The pilots want the airline to restore their bonus.")
    assert ("restore their bonus", "verb:xcomp") in found
    found = _candidates("The regulator will approve the merger if the buyer sells its port unit.")
    assert ("the buyer sells its port unit", "condition:if") in found
    found = _candidates("The club accepted the offer in return for a seat on the board.")
    assert any(kind == "condition_phrase:in" and text.startswith("a seat") for text, kind in found)


def test_coordinated_infinitives_are_one_demand_each():
    assert model_rows("The union urged the company to raise wages and cut hours.") == [
        ("union", "company", "raise wages"), ("union", "company", "cut hours")]


def test_three_coordinated_infinitives_asked_of_another_party_are_three_demands():
    # "sell" is mostly an intention ("Orvel wants to sell its bus unit"): the model reads the
    # demanded verb apart when another party is asked to do it
    assert model_rows("The fund wants the board to cut the dividend, reduce executive pay and "
                      "sell the bus unit.") == [
        ("fund", "board", "cut the dividend"), ("fund", "board", "reduce executive pay"),
        ("fund", "board", "sell the bus unit")]
    assert model_rows("Orvel Holdings wants to sell its bus unit.") == []


def test_a_request_made_through_a_noun():
    rows = model_rows("The carrier renewed its request for a seat on the board of the airport operator.")
    assert rows == [("carrier", None, "a seat on the board of the airport operator")]


def test_an_actor_without_a_name_is_the_words_of_the_clause():
    _, rows = full_rows("The miners' union is seeking a 12 pct wage rise.")
    assert [(r["actor_entity_id"], r["actor_text"], r["text"]) for r in rows] == [
        (None, "union", "a 12 pct wage rise")]


def test_a_pronoun_nobody_resolves_makes_no_demand():
    # "They" names no one, and the ministry is the one asked, not the asker
    assert model_rows("They also asked the ministry to publish the bids.") == []


def test_the_asked_party_is_never_the_asker():
    for actor, addressee, _ in model_rows("The governor asked the mayor to close the bridge."):
        assert actor != addressee


def test_the_dateline_is_no_party_near_the_demand():
    doc = load_pipeline()("OSLO, May 3 - The dockers' union asked the port authority for back pay.")
    lex, actors = lexicon(), Actors(doc)
    found = readings(doc, lex, actors)
    assert found
    near = {p.token.text for r in found for p in parties(r, lex, actors)
            if p.token is not None and "document" not in p.features}
    assert {"union", "authority"} <= near
    assert not near & {"OSLO", "May", "3"}


def test_the_component_records_its_model():
    model = DemandModel.load()
    assert Demands(model).version == f"demands:{model.digest}"
    with pytest.raises(FileNotFoundError):
        DemandModel.load(SHIPPED.parent / "no_such_model")


def test_readings_carry_the_rules_category_and_status():
    doc = load_pipeline()("The rebels demanded an amnesty. The government refused these demands.")
    [r] = [r for r in readings(doc, lexicon(), Actors(doc)) if r.source.startswith("rule")]
    assert (r.rule_category, r.demand.status) == ("amnesty", "rejected")


def test_the_trainer_is_registered_and_writes_a_model_the_component_loads(tmp_path):
    assert COMPONENT in load_trainers()
    record = {"id": "inv-1", "text": "The residents' association asked the council for a new footbridge.",
              "gold": {"entities": [], "demands": [
                  {"actor": "residents' association", "addressee": "council", "text": "a new footbridge",
                   "category": "other", "status": "pending"}]}}
    folder = train_demands([record], tmp_path, seed=3)
    model = DemandModel.load(folder)
    assert json.loads((folder / "meta.json").read_text())["demands"] == 1
    assert model.actor.meta["seed"] == 3 and model.digest != DemandModel.load().digest


def test_the_shipped_model_is_small_and_trained_on_the_corpus():
    size = sum(f.stat().st_size for f in SHIPPED.iterdir())
    assert size < 4_000_000
    assert set(CHOOSERS) <= {f.stem for f in SHIPPED.iterdir()}
    assert DemandModel.load().demand.meta["choices"] > 1000


def test_gold_without_demands_keeps_the_shipped_weights(tmp_path):
    record = {"id": "inv-2", "text": "Halvorsen Industries said profits rose.", "gold": {"entities": []}}
    model = DemandModel.load(train_demands([record], tmp_path))
    assert model.actor.weights == DemandModel.load().actor.weights and model.actor.meta["shipped"]


def test_a_reading_is_published_only_from_even_odds():
    # a demand chooser that gives every reading the same odds: 0.40, then 0.60
    doc = load_pipeline()("The nurses' union demanded a shorter working week.")
    lex, actors = lexicon(), Actors(doc)
    found = readings(doc, lex, actors)
    assert any(r.source.startswith("rule") for r in found)
    shipped = DemandModel.load()
    kept = {}
    for bias in (-0.405, 0.405):
        model = dataclasses.replace(shipped, demand=Ranker({"yes": bias}))
        kept[bias] = [doc[d.reading.demand.start:d.reading.demand.end].text for d in model.decide(found, lex, actors)]
    assert kept == {-0.405: [], 0.405: ["a shorter working week"]}


def test_a_party_named_by_a_description_carries_its_word_vector():
    doc = load_pipeline()("Halvorsen Industries said the growers asked the ministry for a lower levy.")
    lex, actors = lexicon(), Actors(doc)
    [r] = [r for r in readings(doc, lex, actors) if doc[r.demand.start:r.demand.end].text == "a lower levy"]
    vectors = {p.token.text: [f for f in p.features if isinstance(f, tuple) and f[0] == "wordvec"]
               for p in parties(r, lex, actors) if p.token is not None and "document" not in p.features}
    [(_, growers)] = vectors["growers"]
    assert abs(float(growers @ growers) - 1.0) < 1e-5  # (unit length)
    assert vectors["Industries"] == []  # (a linked entity: its name, not its words, counts)


def _marked(text: str, demanded: str, feature: str) -> dict[str, bool]:
    """{word: whether the feature marks it} among the nearby party candidates of the reading
    demanding `demanded`."""
    doc = load_pipeline()(text)
    lex, actors = lexicon(), Actors(doc)
    [r] = [r for r in readings(doc, lex, actors) if doc[r.demand.start:r.demand.end].text == demanded]
    return {p.token.text: feature in p.features for p in parties(r, lex, actors)
            if p.token is not None and "document" not in p.features}


def test_a_party_word_saying_when_is_marked():
    marked = _marked("Last week the growers asked the ministry for a lower levy.", "a lower levy", "time")
    assert marked["week"] and not marked["growers"] and not marked["ministry"]


def test_the_one_who_tells_of_a_demand_is_marked_as_its_speaker():
    marked = _marked("The growers asked the ministry for a lower levy, the Fjord Courier reported.", "a lower levy",
                     "speaker")
    assert marked["Courier"] and not marked["growers"] and not marked["ministry"]


def test_a_description_asking_carries_its_word_vector_to_the_documents_actors():
    doc = load_pipeline()("Halvorsen Industries opened a plant in Tromso in May. Its rival Nordvik Shipping Ltd "
                          "lost money. On Monday the company applied for a cut in the harbour levy.")
    lex, actors = lexicon(), Actors(doc)
    [r] = [r for r in readings(doc, lex, actors) if r.source == "verb:for"]
    company = next(t for t in doc if t.text == "company")
    vectors = [(f[0], f[1]) for p in parties(r, lex, actors) if "document" in p.features
               for f in p.features if isinstance(f, tuple)]
    assert vectors and all(name.startswith("document|described_vec|type=") for name, _ in vectors)
    assert all(abs(float(v @ company.vector) - float(company.vector_norm)) < 1e-3 for _, v in vectors)


def test_a_finders_reading_is_described_to_the_documents_actors_too():
    # "the union is seeking ...": a finder's own reading, its asker a description
    doc = load_pipeline()("Harlow Freight Ltd cut 300 jobs in March. Dockers at the Tamsin Port Workers Union "
                          "walked out. On Monday the union was seeking a 6 pct pay rise.")
    lex, actors = lexicon(), Actors(doc)
    [r] = [r for r in readings(doc, lex, actors) if r.source == "rule:verb"]
    described = {f for p in parties(r, lex, actors) if "document" in p.features
                 for f in p.features if isinstance(f, str) and f.startswith("document|described=")}
    assert described and all(f.startswith("document|described=union|type=") for f in described)


def test_the_documents_actors_say_how_lately_they_were_named():
    doc = load_pipeline()("Harlow Freight Ltd cut 300 jobs in March. Shares fell. Dockers walked out. "
                          "On Monday the union was seeking a 6 pct pay rise.")
    lex, actors = lexicon(), Actors(doc)
    [r] = [r for r in readings(doc, lex, actors) if r.source == "rule:verb"]
    seen = {p.entity_id: [f for f in p.features if isinstance(f, str) and f.startswith("document|seen=")
                          and "|type=" not in f]
            for p in parties(r, lex, actors) if "document" in p.features}
    assert ["document|seen=2-3"] in seen.values()  # (Harlow Freight, three sentences back)


def test_a_demanded_clause_says_its_mood():
    # the bare verb of "that the quay be rebuilt" is a demand's; "was rebuilt" reports a fact
    moods = {}
    for text in ("The ferry owners insisted that the quay be rebuilt before May.",
                 "The ferry owners insisted that the quay was rebuilt before May.",
                 "The ferry owners insisted that the quay should be rebuilt before May."):
        doc = load_pipeline()(text)
        lex, actors = lexicon(), Actors(doc)
        [r] = readings(doc, lex, actors)
        moods[text.split()[7]] = [f.split("|")[0] for f in demand_features(r, lex) if f.startswith("mood=")][:1]
    assert moods == {"be": ["mood=subjunctive"], "was": ["mood=indicative"], "should": ["mood=modal"]}
