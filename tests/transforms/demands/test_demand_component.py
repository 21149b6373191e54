"""Demands read by the shipped spaCy pipeline from invented newswire sentences, and from the
seed article."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from transforms.demands import demand_rows
from transforms.entities import entity_id
from transforms.schemas import DEMAND_CATEGORIES, DEMAND_STATUSES, DEMANDS

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_94c59d239a6fac52.txt"


def _parse(text):
    from transforms.nlp import load_pipeline

    return load_pipeline()(text)


def _full_rows(text):
    from transforms.extract import sentence_locator

    doc = _parse(text)
    return doc, demand_rows(doc, "doc_1", sentence_locator(doc))


def _model_rows(text):
    """(actor name, addressee name, text) per demand, names from the linker's clusters."""
    from transforms.linking import link_document

    doc, rows = _full_rows(text)
    names = {entity_id(c.type, c.name): c.name for c in link_document(doc)}
    for r in rows:
        assert doc.text[r["start"]:r["end"]] == r["text"]
    return [(names.get(r["actor_entity_id"], r["actor_text"]),
             names.get(r["addressee_entity_id"], r["addressee_text"]), r["text"]) for r in rows]


_KANU = ("Rebel leader Joseph Kanu held out for days. He sought a full amnesty for himself and his "
         "family, removal of all sanctions, and an end to the treason case against him. President "
         "Mensah reportedly refused most of these requests.")


def test_coordinated_demands_pronoun_actor_and_refusal():
    doc, rows = _full_rows(_KANU)
    assert [r["text"] for r in rows] == ["a full amnesty for himself and his family",
                                         "removal of all sanctions", "an end to the treason case against him"]
    assert [r["category"] for r in rows] == ["amnesty", "sanctions_relief", "end_prosecution"]
    assert _model_rows(_KANU)[0][:2] == ("Joseph Kanu", "Mensah")  # the one who answered
    for r in rows:
        assert doc.text[r["start"]:r["end"]] == r["text"]
        assert r["status"] == "rejected"
        assert r["status_evidence"] == "President Mensah reportedly refused most of these requests."
        assert r["status_hedge"] == "reportedly; most of"
        assert r["sentence_index"] == 1
    assert rows[0]["beneficiary_text"] == "himself and his family"


def test_rows_have_the_schema_columns_and_allowed_values():
    _, rows = _full_rows(_KANU)
    expected = (set(DEMANDS.column_names) | {"status_hedge"}) - {"extractor_version"}  # stamped by the flow
    for r in rows:
        assert set(r) <= expected and expected <= set(r) | {"status_hedge"}
        assert r["category"] in DEMAND_CATEGORIES and r["status"] in DEMAND_STATUSES


def test_call_on_names_the_addressee_and_infinitive_is_the_demand():
    _, rows = _full_rows("Health minister Tom Hale has called on wealthy donors to pay for a malaria programme.")
    assert [(r["text"], r["addressee_text"], r["category"], r["status"]) for r in rows] == [
        ("pay for a malaria programme", "wealthy donors", "payment", "pending")]
    assert _model_rows("Health minister Tom Hale has called on wealthy donors to pay for a malaria programme.") == [
        ("Tom Hale", "wealthy donors", "pay for a malaria programme")]


@pytest.mark.parametrize("text", [
    "Health minister Tom Hale could call on wealthy donors to pay for a malaria programme.",
    "Health minister Tom Hale might call on wealthy donors to pay for a malaria programme.",
    "Health minister Tom Hale has not called on wealthy donors to pay for a malaria programme.",
    "The union did not demand a pay rise.",
])
def test_negated_or_hypothetical_demands_are_not_demands(text):
    assert _full_rows(text)[1] == []


def test_nominal_demand_rejected_in_its_own_sentence():
    # A headline: the tagger reads "demand" as a verb after "IMF"; only a noun fits there.
    _, rows = _full_rows("Sudan rejects IMF demand for devaluation.")
    assert [(r["text"], r["category"], r["status"]) for r in rows] == [
        ("devaluation", "policy_change", "rejected")]
    assert _model_rows("Sudan rejects IMF demand for devaluation.") == [("IMF", "Sudan", "devaluation")]


def test_headline_demands():
    assert _model_rows("Peru seeks 300 mln dlrs in new loans.") == [("Peru", None, "300 mln dlrs in new loans")]
    assert _model_rows("Miners seek wage rise.") == [("Miners", None, "wage rise")]


def test_acceptance_of_a_demand_by_reference():
    _, rows = _full_rows("Kanu's lawyers also pressed for a new trial. President Mensah agreed to the request.")
    assert [(r["text"], r["status"]) for r in rows] == [("a new trial", "accepted")]


def test_reference_to_demands_is_not_a_new_demand():
    assert _full_rows("President Mensah reportedly refused most of these requests.")[1] == []


def test_no_parse_no_rows():
    doc = spacy.blank("en")("He sought amnesty.")
    assert demand_rows(doc, "d", lambda o: 0) == []


def test_seed_demands():
    from transforms.linking import link_document

    doc, rows = _full_rows(SEED.read_text(encoding="utf-8").split("---", 2)[2].lstrip("\n"))
    names = {entity_id(c.type, c.name): c.name for c in link_document(doc)}
    got = [(r["text"], r["category"], r["status"]) for r in rows]
    assert got == [
        ("full legal amnesty for himself and his family", "amnesty", "rejected"),
        ("removal of all US sanctions", "sanctions_relief", "rejected"),
        ("an end to the International Criminal Court case he faces", "end_prosecution", "rejected"),
        ("over 100 government officials", "sanctions_relief", "rejected"),
        ("allowing Vice President Delcy Rodríguez to oversee an interim government until new "
         "elections could be held", "political_transition", "rejected"),
        ("another call with Trump", "negotiation", "pending"),
    ]
    for r in rows:
        assert names.get(r["actor_entity_id"]) == "Nicolás Maduro"
        assert names.get(r["addressee_entity_id"]) == "Donald Trump"
        assert doc.text[r["start"]:r["end"]] == r["text"]
    assert rows[0]["status_evidence"].startswith("Trump reportedly refused most of these requests")


# --- actors, addressees and demanded things ---------------------------------------------------

def test_quantity_sought_with_its_lenders_beside_a_time_phrase():
    rows = _model_rows("Bolivia is requesting between 120 and 150 mln dlrs next year from foreign donors to "
                       "repair flood damage, the planning minister said.")
    assert rows == [("Bolivia", "foreign donors", "between 120 and 150 mln dlrs")]


def test_plural_description_stands_for_the_names_coordinated_before_it():
    rows = _model_rows("Toyota and Honda have both cut output in recent months. The two carmakers were "
                       "then compelled to seek emergency loans from Japanese state banks.")
    # (whether "from Japanese state banks" is also part of the text depends on where the parser
    # hangs it; the bank is the addressee either way)
    assert [(a, b, t.startswith("emergency loans")) for a, b, t in rows] == [
        ("Toyota", "Japanese state banks", True), ("Honda", "Japanese state banks", True)]


def test_coordinated_subject_makes_one_demand_each():
    rows = _model_rows("Norway and Iceland demanded compensation for the lost catch.")
    assert [a for a, _, _ in rows] == ["Norway", "Iceland"]


def test_relative_clause_on_a_verb_takes_the_noun_before_the_pronoun():
    rows = _model_rows("The contract was won by Siemens, which offered the lowest price and asked the "
                       "railway authority to delay the start of work.")
    assert rows == [("Siemens", "railway authority", "delay the start of work")]


def test_unresolved_subject_does_not_inherit_the_previous_demand():
    # Nothing names "They": that demand has no actor, rather than Siemens's.
    rows = _model_rows("Siemens urged the railway authority to delay the tender. They also asked the "
                       "ministry to publish the bids.")
    assert rows == [("Siemens", "railway authority", "delay the tender")]


def test_coordinated_actors_get_distinct_demand_ids():
    rows = _full_rows("Norway and Iceland demanded compensation for the lost catch.")[1]
    assert len(rows) == 2 and rows[0]["demand_id"] != rows[1]["demand_id"]


def test_role_noun_stands_for_the_person_introduced_with_that_title():
    rows = _model_rows("President Okafor met union leaders on Monday. The president would insist on an "
                       "audit of the state pension fund ahead of any pay deal, an aide said.")
    assert rows == [("Okafor", None, "an audit of the state pension fund ahead of any pay deal")]


def test_closing_attribution_hung_inside_the_phrase_is_cut():
    rows = _model_rows("President Okafor met union leaders on Monday. Before any pay deal, the president "
                       "would insist on an audit of the state pension fund, an aide said.")
    assert rows == [("Okafor", None, "an audit of the state pension fund")]


def test_pronoun_after_a_role_description_is_that_person():
    rows = _model_rows("Labour Party spokeswoman Ruth Okeke attacked the budget. The Labour spokeswoman "
                       "later said the cuts were too deep. She urged the treasury to abolish the levy on "
                       "diesel.")
    assert rows == [("Ruth Okeke", "treasury", "abolish the levy on diesel")]


def test_unnamed_group_is_known_by_its_named_member_and_the_company_by_the_last_named_one():
    rows = _model_rows("Dunmore Mining Corp. reported a sharp drop in profit last quarter. A coalition of "
                       "pension funds including the Hartley Family Trust pressed the company to sell its "
                       "coal unit.")
    assert rows == [("Hartley Family Trust", "Dunmore Mining Corp.", "sell its coal unit")]
    rows = _model_rows("Westfield Bank said it lost money in March. A consortium led by Vantor Capital "
                       "has asked the bank to delay the vote on the merger.")
    assert rows == [("Vantor Capital", "Westfield Bank", "delay the vote on the merger")]


def test_relative_clause_says_what_the_demands_are_and_its_is_the_subject_of_the_clause():
    rows = _model_rows("Zambia has softened its demands, which are thought to be for a five-year grace period.")
    assert rows == [("Zambia", None, "a five-year grace period")]
    rows = _model_rows("Ministers said the ruling was an opportunity for Ravenna Telecom to renew its "
                       "request for a licence extension.")
    assert rows == [("Ravenna Telecom", None, "a licence extension")]


def test_a_motion_is_a_request_and_its_infinitive_is_not_an_addressee():
    rows = _model_rows("Judges will rule on Friday on Arcadia Steel's motion to lift the freeze on its "
                       "accounts.")
    assert rows == [("Arcadia Steel", None, "lift the freeze on its accounts")]
    assert _model_rows("The lawmakers tabled a motion of no confidence in the cabinet.") == []


def test_what_a_speaker_says_another_party_should_do_is_asked_of_it():
    rows = _model_rows("Opposition leader Maria Duarte said the central bank should cut interest rates "
                       "before the summer.")
    assert rows == [("Maria Duarte", "central bank",
                     "the central bank should cut interest rates before the summer")]
    rows = _model_rows("The union said the company must reinstate the dismissed workers, adding that talks "
                       "would resume on Monday.")
    assert [t for _, _, t in rows] == ["the company must reinstate the dismissed workers"]


@pytest.mark.parametrize("text", [
    "Analysts said Fenwick Motors should report a small profit in the third quarter.",  # forecast
    "We must find other ways to pay our debt, Finance Minister Ken Abara said.",       # own intent
    "The mayor said the council should not raise bus fares.",                          # negated
    "Duarte said the central bank should have acted sooner.",                          # past regret
])
def test_forecasts_intents_and_regrets_are_not_reported_demands(text):
    assert _model_rows(text) == []


def test_a_named_body_before_its_common_noun_is_the_addressee():
    rows = _model_rows("Government ministers insisted that the Rail Workers Federation union accept a pay "
                       "freeze until next year.")
    assert [(a, b) for a, b, _ in rows] == [("Government ministers", "Rail Workers Federation")]


def test_a_sought_consent_names_its_giver_and_what_it_is_for():
    rows = _model_rows("Kvarne Yards sought European Commission approval to close its oldest shipyard.")
    assert rows == [("Kvarne Yards", "European Commission",
                     "European Commission approval to close its oldest shipyard")]
    rows = _model_rows("The airline sought the board's consent to sell two aircraft.")
    assert rows == [("airline", "board", "the board's consent to sell two aircraft")]


def test_a_debtor_asks_the_creditors_it_owes():
    rows = _model_rows("Lagos will seek to defer the interest payments due to its commercial lenders, the "
                       "minister said.")
    assert rows == [("Lagos", "commercial lenders", "defer the interest payments due to its commercial lenders")]
    # The concession after the demand is the writer's aside.
    rows = _model_rows("The finance minister said Kenya would seek to reschedule the 800 mln dlr portion of "
                       "the debt owed to the London Club of commercial banks, though it would keep paying "
                       "interest.")
    assert rows == [("Kenya", "London Club", "reschedule the 800 mln dlr portion of the debt owed to the "
                                             "London Club of commercial banks")]


def test_a_reduced_relative_misparsed_as_a_clause_still_completes_the_demanded_object():
    # The parser makes "section" the subject of a clause "owed to ...", leaving "refinance" bare.
    rows = _model_rows("Zambia will seek to refinance the 600 mln dlr section of the arrears owed to the "
                       "Berne Union agencies.")
    assert [(a, t) for a, _, t in rows] == [
        ("Zambia", "refinance the 600 mln dlr section of the arrears owed to the Berne Union agencies")]


def test_them_is_the_plural_subject_of_an_earlier_clause():
    rows = _model_rows("The regional airlines won tax breaks last year, but the ministry now wants them to "
                       "publish their accounts.")
    assert rows == [("ministry", "regional airlines", "publish their accounts")]


def test_a_demand_against_a_measure_is_made_of_whoever_introduced_it():
    rows = _model_rows("Parliament approved new fuel taxes in May. Truck drivers have blocked highways this "
                       "week to press for a repeal of the taxes.")
    assert rows == [("Truck drivers", "Parliament", "a repeal of the taxes")]
    # A strike does not press for anything itself: whoever called it does.
    rows = _model_rows("The cabinet adopted a harsh austerity plan on Friday. Teachers have called a strike "
                       "to press for a suspension of the plan.")
    assert [(a, b) for a, b, _ in rows] == [("Teachers", "cabinet")]
    rows = _model_rows("The cabinet adopted a harsh austerity plan on Friday. Opposition parties called "
                       "for a referendum.")
    assert rows == [("Opposition parties", None, "a referendum")]


def test_what_is_done_to_a_company_is_asked_of_it():
    rows = _model_rows("Shareholder group Orion Partners pressed for a sale of Delmar Foods Inc.")
    assert rows == [("Orion Partners", "Delmar Foods Inc.", "a sale of Delmar Foods Inc.")]


def _model_statuses(text):
    return [r["status"] for r in _full_rows(text)[1]]


def test_getting_a_thing_of_the_kind_asked_for_meets_the_demand():
    opening = ("Nordair Ltd and Sunwing Corp have both cut routes. The two airlines asked the government "
               "for state aid. Fuel prices rose again in June. Pilots staged a brief strike. Both carriers "
               "reported losses.")
    assert _model_statuses(opening) == ["pending", "pending"]
    # "The two airlines" reaches back past the other subjects to the pair it counts.
    assert _model_statuses(opening + " The two airlines have since received 2 billion euros in state "
                                     "loans.") == ["accepted", "accepted"]
    assert _model_statuses("Harbor Steel sought emergency credit from its banks. Harbor Steel did not "
                           "receive any new loans.") == ["pending"]


def test_for_hung_on_the_one_asked_is_still_what_is_asked_for():
    assert _model_rows("Nordair asked the government for state aid.") == [("Nordair", "government", "state aid")]


def test_partners_named_by_whom_they_relate_to_are_not_that_one():
    rows = _model_rows("At the summit, U.S. trading partners called on Washington to cut its budget deficit.")
    assert [a for a, _, _ in rows] == ["U.S. trading partners"]


def test_what_demands_are_believed_to_be():
    rows = _model_rows("Experts say Halvorsen may lower its settlement demands, which are widely believed "
                       "to be between 3 billion and 5 billion dlrs.")
    assert [t for _, _, t in rows] == ["between 3 billion and 5 billion dlrs"]


def test_lenders_hung_on_the_purpose_infinitive_before_its_to():
    rows = _model_rows("Peru is seeking 300 mln dlrs in loans this year from foreign governments to rebuild "
                       "roads after the floods.")
    assert [(a, b) for a, b, _ in rows] == [("Peru", "foreign governments")]


def test_the_company_urged_to_act_is_the_one_just_named():
    rows = _model_rows("Halvorsen Corp. received an offer in March. A group including members of the Smith "
                       "family urged the company to take steps to raise its share price.")
    assert [b for _, b, _ in rows] == ["Halvorsen Corp."]


@pytest.mark.parametrize("text, demanded", [
    # an aside set off by dashes is the writer's, not part of what is asked
    ("The union pressed for 40 new inspectors—most of them trained abroad—to join the agency.",
     "40 new inspectors"),
    # so is a closing attribution with "according to"
    ("The rebels have demanded another round of talks with the army, according to diplomats.",
     "another round of talks with the army"),
    # "in" after a sum says what form the money takes, wherever the parser hangs it
    ("Kenya seeks 200 mln dlrs in fresh credits.", "200 mln dlrs in fresh credits"),
])
def test_what_the_demanded_phrase_leaves_out_and_keeps(text, demanded):
    assert [t for _, _, t in _model_rows(text)] == [demanded]


@pytest.mark.parametrize("text, expected", [
    ("Iran will only resume talks if the United States lifts its sanctions.",
     [("Iran", "United States", "lifts its sanctions")]),
    ("Confidence in the bank can only be restored if Ana Ruiz opens up her books, say the Greens.",
     [("Greens", "Ana Ruiz", "opens up her books")]),
    # a forecast's condition and one's own condition ask nothing of anyone
    ("Prices will only fall if demand weakens.", []),
    ("Ruiz said she would only sign if she had time.", []),
    # "they" standing for the things the rule is about asks nothing of anyone, and a verb of
    # saying above the whole sentence leaves the condition whole
    ("Official rules said records should only be destroyed if they served \"no current purpose\", "
     "the minister said.", []),
])
def test_a_condition_set_on_another_party_is_a_demand_of_it(text, expected):
    assert _model_rows(text) == expected


def test_a_for_phrase_is_the_subject_of_the_infinitive_after_it():
    rows = _model_rows("The bankruptcy might be an incentive for Ostrava Corp. to lower its wage demands.")
    assert [a for a, _, _ in rows] == ["Ostrava Corp."]


def test_rejecting_previous_proposals_does_not_answer_the_ones_reported():
    _, rows = _full_rows("The Greens want the levy replaced with a land tax. The minister said he had rejected "
                         "previous Green proposals.")
    assert [(r["text"], r["status"]) for r in rows] == [("replaced with a land tax", "pending")]
