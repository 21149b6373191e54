"""What came of a demand: replies that accept or reject it (with their hedges), a thing of the
kind asked for obtained later, or pending/unknown (invented newswire sentences, read by the
shipped pipeline)."""

from __future__ import annotations

from tests.transforms.demands.helpers import full_rows, model_rows, model_statuses


def test_acceptance_of_a_demand_by_reference():
    _, rows = full_rows("Kanu's lawyers also pressed for a new trial. President Mensah agreed to the request.")
    assert [(r["text"], r["status"]) for r in rows] == [("a new trial", "accepted")]


def test_a_reply_naming_the_demanded_thing_settles_it():
    _, rows = full_rows("Greta Lind insisted on a public inquiry. The minister agreed to the inquiry.")
    assert [(r["status"], r["status_evidence"]) for r in rows] == [
        ("accepted", "The minister agreed to the inquiry.")]
    assert model_rows("Greta Lind insisted on a public inquiry. The minister agreed to the inquiry.") == [
        ("Greta Lind", "minister", "a public inquiry")]


def test_accepting_some_of_the_demands_is_a_partial_acceptance_with_its_hedges():
    _, rows = full_rows("The nurses union demanded a pay rise. The hospital board reportedly accepted some "
                        "of the demands.")
    assert [(r["status"], r["status_hedge"], r["addressee_text"]) for r in rows] == [
        ("partially_accepted", "reportedly; some of", "hospital board")]


def test_refusing_to_meet_the_demands_rejects_them_all():
    # (`_verb_answer`: the refusal governs an acceptance)
    assert model_statuses("The nurses union demanded a pay rise and longer breaks. The hospital board "
                          "refused to meet the demands.") == ["rejected", "rejected"]


def test_a_reply_with_no_object_or_a_pronoun_answers_the_demands_just_made():
    # (`_just_asked`: "refused." alone, "turned it down")
    assert model_statuses("The porters demanded a night bonus and a rest room. The station refused.") == [
        "rejected", "rejected"]
    assert model_statuses("Velma Ostrander asked the council for a grant. The council rejected it.") == ["rejected"]


def test_the_asker_refusing_answers_no_demand_of_its_own():
    assert model_statuses("The porters demanded a night bonus. The station offered a smaller one, but the "
                          "porters refused.") == ["pending"]


def test_a_rejection_noun_answers_the_demand_of_its_of_phrase():
    # (`_noun_answer`: the possessor is the one who answered)
    _, rows = full_rows("Carmen Ortiz demanded a recount. The electoral board's rejection of the demand came "
                        "on Tuesday.")
    assert [r["status"] for r in rows] == ["rejected"]
    assert model_rows("Carmen Ortiz demanded a recount. The electoral board's rejection of the demand came "
                      "on Tuesday.") == [("Carmen Ortiz", "electoral board", "a recount")]


def test_rejecting_previous_proposals_does_not_answer_the_ones_reported():
    _, rows = full_rows("The Greens want the levy replaced with a land tax. The minister said he had rejected "
                        "previous Green proposals.")
    assert [(r["text"], r["status"]) for r in rows] == [("replaced with a land tax", "pending")]


def test_an_open_question_after_the_demand_is_its_evidence_of_pending():
    _, rows = full_rows("The pilots asked for a shorter roster. It remains unclear whether the airline will "
                        "agree.")
    assert [(r["status"], r["status_evidence"]) for r in rows] == [
        ("pending", "The pilots asked for a shorter roster.")]


def test_a_demand_reported_as_long_settled_is_of_unknown_status():
    assert model_statuses("Carmen Ortiz had previously demanded a recount.") == ["unknown"]


def test_getting_a_thing_of_the_kind_asked_for_meets_the_demand():
    opening = ("Nordair Ltd and Sunwing Corp have both cut routes. The two airlines asked the government "
               "for state aid. Fuel prices rose again in June. Pilots staged a brief strike. Both carriers "
               "reported losses.")
    assert model_statuses(opening) == ["pending", "pending"]
    # "The two airlines" reaches back past the other subjects to the pair it counts.
    assert model_statuses(opening + " The two airlines have since received 2 billion euros in state "
                                    "loans.") == ["accepted", "accepted"]
    assert model_statuses("Harbor Steel sought emergency credit from its banks. Harbor Steel did not "
                          "receive any new loans.") == ["pending"]
    assert model_statuses("The farmers union sought higher grain prices. The farmers union later won higher "
                          "grain prices.") == ["accepted"]


def test_the_category_comes_from_the_demanded_things_own_words():
    _, rows = full_rows("Mayor Ines Caro called for talks with the transport unions.")
    assert [r["category"] for r in rows] == ["negotiation"]


def test_a_reply_not_yet_given_leaves_the_demand_open():
    # (`_verb_answer`: "not yet" is an open phrase, not a refusal)
    assert model_statuses("The fishermen demanded a new quota. The ministry has not yet granted the quota.") == [
        "pending"]
    assert model_statuses("The fishermen demanded a new quota. The ministry did not grant the quota.") == [
        "rejected"]


def test_getting_what_the_demand_itself_seeks_is_no_outcome():
    # (`obtained`: "win" and "secure" are governed by the asking word)
    assert model_statuses("Talvik Shipping is seeking to win lower port fees and secure new loans.") == [
        "pending", "pending"]
