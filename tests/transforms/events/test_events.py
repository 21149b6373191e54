"""The events component on invented newswire sentences: types, parties, date phrases and their
resolution against the publication date, the link to demands, the trainer and the shipped model."""

from __future__ import annotations

import datetime
import json

import pytest

from evaluation.trainable import load_trainers
from transforms.events.candidates import candidates
from transforms.events.component import Events, event_facts, link_demands
from transforms.events.dates import resolve_event_dates
from transforms.events.learned import CHOOSERS, SHIPPED, EventModel
from transforms.events.lexicon import load_lexicon
from transforms.events.train import COMPONENT, examples, train_events, vocabulary
from transforms.events.when import date_phrase, tense, when_told
from transforms.extract import extract_documents
from transforms.facts import table_rows


def _events(nlp, text):
    doc = nlp(text)
    return doc, table_rows(doc, "doc_1")


def _trigger(doc, word):
    return next(t for t in candidates(doc, lambda w, p: True) if t.token.text == word)


def test_an_accusation_is_coded_with_its_accuser_and_target(nlp):
    _, rows = _events(nlp, "The prosecutor accused the harbour master of fraud.")
    [e] = rows["events"]
    assert (e["event_type"], e["trigger"], e["source_text"], e["target_text"]) == (
        "ACCUSE", "accused", "prosecutor", "harbour master")
    assert 0.3 < e["probability"] <= 1 and e["demand_id"] is None


def test_a_demand_and_its_refusal_are_linked_events(nlp):
    _, rows = _events(nlp, "The dockers' union demanded a ten percent pay rise from the port authority. "
                                "The port authority rejected the demand.")
    [demand] = rows["demands"]
    by_type = {e["event_type"]: e for e in rows["events"]}
    assert by_type["REQUEST"]["demand_id"] == demand["demand_id"] == by_type["REJECT"]["demand_id"]
    assert by_type["REQUEST"]["trigger"] == "demanded" and by_type["REJECT"]["trigger"] == "rejected"
    assert by_type["REJECT"]["source_text"] == "port authority"
    # a reply is to the one who asked
    assert by_type["REJECT"]["target_text"] == demand["actor_text"] == "union"


def test_the_models_request_takes_its_demands_parties():
    def event(source, target):
        return {"event_type": "REQUEST", "trigger_start": 10, "trigger_end": 15, "source_entity_id": None,
                "source_text": source, "target_entity_id": None, "target_text": target, "demand_id_parts": None}

    def demand(parts, actor, addressee):
        return {"id_parts": parts, "cue_chars": [10, 15], "status": "pending", "actor_entity_id": actor,
                "actor_text": None, "addressee_entity_id": None, "addressee_text": addressee}

    # (no event is made from a demand here: no document is needed)
    [e] = link_demands(None, [event("growers", "ministry")], [demand([1, 2], "ent_union", "port board")])
    assert (e["source_entity_id"], e["source_text"], e["target_text"]) == ("ent_union", None, "port board")
    # No addressee: the event keeps its target. No actor: the event keeps its parties. One
    # request for two demands takes the first one's.
    [e] = link_demands(None, [event("growers", "ministry")], [demand([1, 2], "ent_union", None)])
    assert (e["source_entity_id"], e["target_text"]) == ("ent_union", "ministry")
    [e] = link_demands(None, [event("growers", "ministry")], [demand([1, 2], None, "port board")])
    assert (e["source_text"], e["target_text"]) == ("growers", "ministry")
    [e] = link_demands(None, [event("growers", None)], [demand([1, 2], "ent_union", None),
                                                       demand([3, 4], "ent_council", "port board")])
    assert (e["source_entity_id"], e["target_text"], e["demand_id_parts"]) == ("ent_union", None, [1, 2])


def test_no_event_is_its_own_target():
    # a demand naming no one asked sets the source of the model's request, whose target was the
    # asker's own words
    request = {"event_type": "REQUEST", "trigger_start": 10, "trigger_end": 15, "source_entity_id": None,
               "source_text": "ferry crews", "target_entity_id": None, "target_text": "The crews",
               "demand_id_parts": None}
    demand = {"id_parts": [1, 2], "cue_chars": [10, 15], "status": "pending", "actor_entity_id": None,
              "actor_text": "crews", "addressee_entity_id": None, "addressee_text": None}
    [e] = link_demands(None, [request], [demand])
    assert (e["source_text"], e["target_text"], e["target_entity_id"]) == ("crews", None, None)
    # another party stays
    [e] = link_demands(None, [{**request, "target_text": "ferry line"}], [demand])
    assert (e["source_text"], e["target_text"]) == ("crews", "ferry line")
    [e] = link_demands(None, [{**request, "source_entity_id": "ent_a", "target_entity_id": "ent_a"}], [])
    assert e["target_entity_id"] is None


def test_an_answer_made_from_a_demand_naming_no_addressee_is_the_repliers(nlp):
    text = "The dockers demanded a bonus. The board refused."
    doc = nlp(text)
    at = text.index("refused")
    demand = {"id_parts": [1, 2], "cue_chars": [12, 20], "answer_chars": [at, at + 7], "status": "rejected",
              "actor_entity_id": None, "actor_text": "dockers", "addressee_entity_id": None,
              "addressee_text": None, "answered_by_entity_id": None, "answered_by_text": "board"}
    request = {"event_type": "REQUEST", "trigger_start": 12, "trigger_end": 20, "source_entity_id": None,
               "source_text": "dockers", "target_entity_id": None, "target_text": None, "demand_id_parts": None}
    [_, reply] = link_demands(doc, [request], [demand])
    assert (reply["event_type"], reply["source_text"], reply["target_text"], reply["demand_id_parts"]) == (
        "REJECT", "board", "dockers", [1, 2])
    # Where the demand names whom it asked, that one answers.
    [_, reply] = link_demands(doc, [dict(request)], [{**demand, "addressee_text": "port"}])
    assert reply["source_text"] == "port"


def test_a_request_made_from_a_demand_is_dated_as_the_models_events_are(nlp):
    text = "The dockers sent a request for a bonus. The request, made on Tuesday, went unanswered."
    doc = nlp(text)
    at = text.index("request")
    demand = {"id_parts": [1, 2], "cue_chars": [at, at + 7], "status": "pending", "actor_entity_id": None,
              "actor_text": "dockers", "addressee_entity_id": None, "addressee_text": None}
    [request] = link_demands(doc, [], [demand])
    assert (request["event_type"], request["date_text"], request["tense"]) == ("REQUEST", "Tuesday", "past")


def test_the_date_phrase_of_the_clause_and_its_tense(nlp):
    doc = nlp("Ministers of Norway and Chile held talks in Oslo on Friday.")
    talks = _trigger(doc, "talks")
    assert (date_phrase(talks.token), tense(talks.token)) == ("Friday", "past")
    doc = nlp("The council will vote on the plan next Tuesday, but it met the builders last week.")
    assert (date_phrase(_trigger(doc, "vote").token), tense(_trigger(doc, "vote").token)) == ("next Tuesday", "future")
    assert date_phrase(_trigger(doc, "met").token) == "last week"


def test_dates_resolve_against_publication_and_say_how():
    rows = [{"date_text": "Friday", "tense": "past"}, {"date_text": "next Tuesday", "tense": "future"},
            {"date_text": "March 3, 1998", "tense": "past"}, {"date_text": None, "tense": "past"}]
    resolve_event_dates(rows, datetime.datetime(2024, 5, 15, 9, tzinfo=datetime.UTC))  # a Wednesday
    assert [(r.get("event_date"), r.get("date_basis")) for r in rows] == [
        (datetime.date(2024, 5, 10), "published"), (datetime.date(2024, 5, 21), "published"),
        (datetime.date(1998, 3, 3), "explicit"), (None, None)]
    later = [{"date_text": "July 1, 2024", "tense": "past"}]
    resolve_event_dates(later, datetime.date(2024, 5, 15))
    assert later[0].get("event_date") is None and later[0]["date_text"] == "July 1, 2024"
    undated = [{"date_text": "Friday", "tense": "past"}, {"date_text": "March 3, 1998", "tense": None}]
    resolve_event_dates(undated, None)
    assert [(r["event_date"], r["date_basis"]) for r in undated] == [(None, "unresolved"),
                                                                      (datetime.date(1998, 3, 3), "explicit")]


def test_extraction_resolves_event_dates_with_the_publication_date(nlp):
    text = "The mayor met the fire chief on Monday."
    [(_, rows)] = extract_documents(nlp, [("d1", "s", text, datetime.date(2023, 10, 12))])
    dated = [e for e in rows["events"] if e["date_text"]]
    assert dated and all(e["event_date"] == datetime.date(2023, 10, 9) and e["date_precision"] == "day"
                         for e in dated)


def test_no_parse_no_events(nlp):
    assert event_facts(nlp.make_doc("The prosecutor accused the harbour master.")) == []


def test_the_component_records_its_model():
    model = EventModel.load()
    assert Events(model).version == f"events:{model.digest}"
    with pytest.raises(FileNotFoundError):
        EventModel.load(SHIPPED.parent / "no_such_model")


def test_the_trainer_is_registered_and_writes_a_model_the_component_loads(tmp_path):
    assert COMPONENT in load_trainers()
    record = {"id": "inv-1", "text": "The ferry company accused the harbour board of negligence. "
                                     "The harbour board rejected the charge.",
              "gold": {"entities": [], "events": [
                  {"type": "ACCUSE", "mode": "allege", "source": "ferry company", "target": "harbour board",
                   "trigger": "accused"},
                  {"type": "REJECT", "mode": None, "source": "harbour board", "target": "ferry company",
                   "trigger": "rejected"}]}}
    folder = train_events([record], tmp_path, seed=5)
    model = EventModel.load(folder)
    assert json.loads((folder / "meta.json").read_text())["events"] == 2
    assert model.type.meta["seed"] == 5 and "accuse" in model.type.meta["vocabulary"]["verb"]
    assert model.digest != EventModel.load().digest


def test_the_vocabulary_holds_the_words_that_head_gold_triggers(nlp):
    record = {"id": "inv-3", "text": "The fishing treaty was extended by the two ministries. "
                                     "Lunds Bank held a state visit for the mayor.",
              "gold": {"entities": [], "events": [
                  {"type": "AGREE", "source": "two ministries", "trigger": "was extended"},
                  {"type": "CONSULT", "source": "Lunds Bank", "target": "mayor", "trigger": "state visit"}]}}
    vocab = vocabulary([(nlp(record["text"]), record)])
    assert "extend" in vocab["verb"] and "visit" in vocab["noun"]
    assert "be" not in vocab["verb"] and "state" not in vocab["noun"]  # (inside a trigger, heading none)


def test_another_mention_of_a_coded_word_teaches_nothing(nlp):
    # (the gold codes the talks once, where they are clearest; the second "talks" may be the same)
    record = {"id": "inv-4", "text": "Mining unions held talks with the ministry. The talks ended and the "
                                     "unions accused the ministry of stalling.",
              "gold": {"entities": [], "events": [
                  {"type": "CONSULT", "source": "Mining unions", "target": "ministry", "trigger": "talks",
                   "context": "held talks with the ministry"},
                  {"type": "ACCUSE", "source": "unions", "target": "ministry", "trigger": "accused"}]}}
    doc = nlp(record["text"])
    found = examples(doc, record, load_lexicon(), lambda word, pos: True)
    talks = [e for e in found if e.trigger.lemma == "talk"]
    assert [(e.trigger.token.i, [g["type"] for g in e.gold]) for e in talks] == [(3, ["CONSULT"])]
    assert any(e.trigger.lemma == "end" and not e.gold for e in found)  # (any other word: none)


def test_a_word_beside_a_coded_event_of_its_type_teaches_nothing(nlp):
    # ("met" may be the meeting the gold codes at "talks"; "lasted" is no CONSULT word, and the
    # second sentence's "met" is another clause's)
    record = {"id": "inv-5", "text": "The fishery ministers met in Bergen for talks that lasted two days. "
                                     "The ministers later met the trawler owners.",
              "gold": {"entities": [], "events": [
                  {"type": "CONSULT", "source": "fishery ministers", "trigger": "talks"}]}}
    doc = nlp(record["text"])
    found = examples(doc, record, load_lexicon(), lambda word, pos: True)
    met = [e.trigger.token.i for e in found if e.trigger.lemma == "meet"]
    assert met == [next(t.i for t in doc if t.text == "met" and t.i > 10)]
    assert [g["type"] for e in found if e.trigger.lemma == "talk" for g in e.gold] == ["CONSULT"]
    assert any(e.trigger.lemma == "last" and not e.gold for e in found)


def test_the_shipped_model_is_small_and_trained_on_the_corpus():
    assert sum(f.stat().st_size for f in SHIPPED.iterdir()) < 5_000_000
    assert set(CHOOSERS) <= {f.stem for f in SHIPPED.iterdir()}
    model = EventModel.load()
    assert model.type.meta["choices"] > 10_000 and "CONSULT" in model.mode.meta["modes"]


def test_gold_without_events_keeps_the_shipped_weights(tmp_path):
    record = {"id": "inv-2", "text": "Halvorsen Industries said profits rose.", "gold": {"entities": []}}
    model = EventModel.load(train_events([record], tmp_path))
    assert model.type.weights == EventModel.load().type.weights and model.type.meta["shipped"]


def test_a_date_phrase_in_any_case_or_on_the_reporting_verb(nlp):
    doc = nlp("Yesterday, the ferry company sued the harbour board.")
    assert date_phrase(_trigger(doc, "sued").token) == "Yesterday"
    doc = nlp("The minister said on Tuesday that the two firms had agreed to merge.")
    assert date_phrase(_trigger(doc, "agreed").token) == "Tuesday"


def test_a_relative_or_adverbial_clause_takes_no_date_from_the_verb_above(nlp):
    # (two date phrases, neither the trigger's own, so that the climb decides)
    doc = nlp("On Tuesday the police named the driver who rammed the depot gate, and on Wednesday "
              "they charged him.")
    assert date_phrase(_trigger(doc, "rammed").token) is None
    doc = nlp("The envoy visited the ministry on Monday to demand the release of the crew.")
    assert date_phrase(_trigger(doc, "demand").token) == "Monday"


def test_a_datelines_date_dates_no_event(nlp):
    doc = nlp("BERGEN, West Norway, May 4 - The talks between the ferry owners and the crews broke down "
              "late last night, a union official said.")
    assert date_phrase(_trigger(doc, "talks").token) == "last night"


def test_a_participles_date_is_its_nouns(nlp):
    # (a second date phrase, of another clause, so that the attachment decides)
    doc = nlp("The growers, who had rejected the quotas in May, approved them at a meeting held on Thursday.")
    assert date_phrase(_trigger(doc, "approved").token) == "Thursday"
    assert date_phrase(_trigger(doc, "rejected").token) == "May"


def test_a_later_definite_mention_dates_a_noun_event_whose_clause_does_not(nlp):
    doc = nlp("The mayor had a short video call with the rail unions. The call, held on Tuesday, "
              "did not settle the strike.")
    assert when_told(_trigger(doc, "call").token) == ("Tuesday", "past")
    doc = nlp("The mayor held talks with the rail unions on Monday. The talks on Friday failed.")
    assert when_told(_trigger(doc, "talks").token) == ("Monday", "past")  # (its own clause's first)


def test_only_a_date_inside_the_definite_mention_dates_the_event(nlp):
    # a date of the mention's sentence that hangs on another verb is that clause's
    doc = nlp("The mayor had a short video call with the rail unions. The call went badly, the "
              "paper reported on Tuesday.")
    assert when_told(_trigger(doc, "call").token)[0] is None
    # an indefinite mention may be another event
    doc = nlp("The mayor had a short video call with the rail unions. A call on Friday with the "
              "drivers went better.")
    assert when_told(_trigger(doc, "call").token)[0] is None


def test_a_dateline_dates_no_event(nlp):
    doc = nlp("OSLO, May 4 - The fishermen's union called a strike.")
    assert date_phrase(_trigger(doc, "called").token) is None
    doc = nlp("PORTLAND, Maine, May 4 - The fishermen's union called a strike.")
    assert date_phrase(_trigger(doc, "called").token) is None


def test_candidates_count_earlier_mentions_and_take_full_verbs_tagged_auxiliary(nlp):
    doc = nlp("The ferry company has sued the harbour board. It will have sued the port too, and "
              "the board sued back. The dockers' union claims the talks were unfair.")
    found = {t.token.i: t for t in candidates(doc, lambda w, p: True)}
    assert [t.nth for t in found.values() if t.lemma == "sue"] == [0, 1, 2]
    by_word = {t.token.text: t.pos for t in found.values()}
    assert by_word["claims"] == "verb" and by_word["unfair"] == "adj"  # (the parser tags "claims" AUX)
    assert not {"has", "will"} & set(by_word)
