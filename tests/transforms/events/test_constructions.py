"""Events a construction types (`transforms.events.constructions`): the contract's own modes and
phone calls, which the training corpus cannot teach the type chooser; invented sentences."""

from __future__ import annotations

import pytest

from transforms.events.constructions import constructions, read_constructions
from transforms.events.learned import EventModel
from transforms.facts import table_rows


def _events(nlp, text):
    rows = table_rows(nlp(text), "doc_1")
    names = {e["entity_id"]: e["name"] for e in rows["entities"]}
    return [(e["event_type"], e["mode"], e["trigger"], names.get(e["source_entity_id"], e["source_text"]),
             names.get(e["target_entity_id"], e["target_text"]), e["probability"]) for e in rows["events"]]


def test_an_airspace_closure_targets_the_country_of_the_airspace(nlp):
    events = _events(nlp, "Sweden announced the closure of Norwegian airspace on Tuesday, a day after "
                          "Oslo expelled two Swedish diplomats from Norway.")
    assert ("SANCTION", "airspace_closure", "closure", "Sweden", "Norway", None) in events


def test_a_country_closing_its_own_airspace_is_not_its_target(nlp):
    [closure] = [e for e in _events(nlp, "Poland closed its airspace to Belarusian airlines on Monday.")
                 if e[1] == "airspace_closure"]
    assert closure[3] == "Poland" and closure[4] not in (None, "Poland")


def test_a_terrorist_designation_is_a_sanction_of_the_designated(nlp):
    events = _events(nlp, "The Dutch government designated the Red Harbour Brigade as a terrorist "
                          "organisation on Monday.")
    [(kind, mode, trigger, _, target, _)] = [e for e in events if e[1] == "designation"]
    assert (kind, trigger, target) == ("SANCTION", "designated", "Red Harbour Brigade")


def test_a_phone_call_with_someone_is_a_consultation_by_phone(nlp):
    events = _events(nlp, "Chancellor Ada Varn spoke to President Olaf Brandt in a phone call on Friday.")
    assert ("CONSULT", "phone", "phone call", "Ada Varn", "Olaf Brandt", None) in events


def test_negated_habitual_or_unpartnered_calls_are_no_event(nlp):
    for text in ("Grell Telecom said cheap phone calls would lift its sales next year.",
                 "Grell's chief said he had received no phone call from the regulator.",
                 "Volunteers are telephoning voters to make sure they register.",
                 "The firm takes phone calls from the ministry every week.",
                 "Customers can make a local telephone call to reach their bank."):
        assert not [e for e in _events(nlp, text) if e[1] == "phone"], text


def test_a_construction_types_the_first_mention_of_its_word_only(nlp):
    events = _events(nlp, "The Marsh Front issued an ultimatum to the Ostrava council on Monday. "
                          "The council said the ultimatum was unlawful.")
    assert [e[:3] for e in events if e[1] == "ultimatum"] == [("THREATEN", "ultimatum", "ultimatum")]


def test_a_warning_of_military_action_is_a_threat_and_of_slower_growth_is_not(nlp):
    threats = _events(nlp, "The ministry warned of military action if the rebels did not disarm.")
    assert [e[:3] for e in threats if e[0] == "THREATEN"] == [("THREATEN", "violence", "warned")]
    assert not [e for e in _events(nlp, "The central bank warned of slower growth next year.") if e[1] == "violence"]


def test_a_construction_with_no_one_around_is_no_event(nlp):
    assert _events(nlp, "Ultimatum.") == [] and _events(nlp, "An ultimatum expired.") == []


def test_every_construction_types_words_that_are_already_candidates():
    known = EventModel.load().known
    for c in constructions():
        assert all(known(w, "verb") for w in c.verbs) and all(known(w, "noun") for w in c.nouns), c.name


def test_a_construction_with_a_type_or_mode_the_contract_lacks_is_refused():
    with pytest.raises(ValueError, match="contract lacks"):
        read_constructions({"blockade": {"type": "SANCTION", "mode": "blockade", "nouns": ["blockade"]}})
    with pytest.raises(ValueError, match="'blockade' has a type or mode"):
        read_constructions({"blockade": {"type": "SANCTION", "nouns": ["blockade"]}})
