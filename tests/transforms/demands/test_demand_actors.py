"""Who asks whom: actors and addressees from the linker's clusters, role descriptions, groups,
pronouns and coordination, and the ones a demand leaves unstated (invented newswire sentences,
read by the shipped pipeline)."""

from __future__ import annotations

from tests.transforms.demands.helpers import full_rows, model_rows, names_of
from transforms.demands.actors import Actors, who
from transforms.demands.component import readings
from transforms.demands.lexicon import lexicon
from transforms.entities.linking import cluster_id
from transforms.nlp import load_pipeline


def test_actor_ids_are_the_linkers_cluster_ids():
    doc, rows = full_rows("Senator Ana Ruiz arrived in the capital on Monday. Ruiz demanded a recount of the "
                          "votes.")
    surname = next(t for t in doc if t.text == "Ruiz" and t.i > 5)
    assert [r["actor_entity_id"] for r in rows] == [cluster_id(surname)]
    assert model_rows("Senator Ana Ruiz arrived in the capital on Monday. Ruiz demanded a recount of the "
                      "votes.") == [("Ana Ruiz", None, "a recount of the votes")]


def test_plural_description_stands_for_the_names_coordinated_before_it():
    rows = model_rows("Toyota and Honda have both cut output in recent months. The two carmakers were "
                      "then compelled to seek emergency loans from Japanese state banks.")
    # (whether "from Japanese state banks" is also part of the text depends on where the parser
    # hangs it; the bank is the addressee either way)
    assert [(a, b, t.startswith("emergency loans")) for a, b, t in rows] == [
        ("Toyota", "Japanese state banks", True), ("Honda", "Japanese state banks", True)]


def test_coordinated_subject_makes_one_demand_each():
    rows = model_rows("Norway and Iceland demanded compensation for the lost catch.")
    assert [a for a, _, _ in rows] == ["Norway", "Iceland"]


def test_relative_clause_on_a_verb_takes_the_noun_before_the_pronoun():
    rows = model_rows("The contract was won by Siemens, which offered the lowest price and asked the "
                      "railway authority to delay the start of work.")
    assert rows == [("Siemens", "railway authority", "delay the start of work")]


def test_a_demand_is_published_with_an_actor_or_not_at_all():
    # (issue 16: the actor chooser may take "They" for Siemens, named just before; a demand is
    # never published without an actor)
    rows = model_rows("Siemens urged the railway authority to delay the tender. They also asked the "
                      "ministry to publish the bids.")
    assert rows[0] == ("Siemens", "railway authority", "delay the tender")
    assert all(actor for actor, _, _ in rows)


def test_a_demand_noun_without_an_actor_is_the_previous_demanders():
    # (`carry_actor`: "another demand" continues the list of whoever asked just before; whether
    # the reading is published is the demand chooser's call)
    doc = load_pipeline()("The farmers union pressed for higher grain prices. Another demand was a freeze on "
                          "fertiliser taxes.")
    found = readings(doc, lexicon(), Actors(doc))
    assert [r.demand.actor for r in found] == [(None, "farmers union")] * 2


def test_role_noun_stands_for_the_person_introduced_with_that_title():
    rows = model_rows("President Okafor met union leaders on Monday. The president would insist on an "
                      "audit of the state pension fund ahead of any pay deal, an aide said.")
    assert rows == [("Okafor", None, "an audit of the state pension fund ahead of any pay deal")]


def test_pronoun_after_a_role_description_is_that_person():
    rows = model_rows("Labour Party spokeswoman Ruth Okeke attacked the budget. The Labour spokeswoman "
                      "later said the cuts were too deep. She urged the treasury to abolish the levy on "
                      "diesel.")
    assert rows == [("Ruth Okeke", "treasury", "abolish the levy on diesel")]


def test_unnamed_group_is_known_by_its_named_member_and_the_company_by_the_last_named_one():
    rows = model_rows("Dunmore Mining Corp. reported a sharp drop in profit last quarter. A coalition of "
                      "pension funds including the Hartley Family Trust pressed the company to sell its "
                      "coal unit.")
    assert rows == [("Hartley Family Trust", "Dunmore Mining Corp.", "sell its coal unit")]
    rows = model_rows("Westfield Bank said it lost money in March. A consortium led by Vantor Capital "
                      "has asked the bank to delay the vote on the merger.")
    assert rows == [("Vantor Capital", "Westfield Bank", "delay the vote on the merger")]


def test_the_company_urged_to_act_is_the_one_just_named():
    rows = model_rows("Halvorsen Corp. received an offer in March. A group including members of the Smith "
                      "family urged the company to take steps to raise its share price.")
    assert [b for _, b, _ in rows] == ["Halvorsen Corp."]


def test_them_is_the_plural_subject_of_an_earlier_clause():
    rows = model_rows("The regional airlines won tax breaks last year, but the ministry now wants them to "
                      "publish their accounts.")
    assert rows == [("ministry", "regional airlines", "publish their accounts")]


def test_a_named_body_before_its_common_noun_is_the_addressee():
    rows = model_rows("Government ministers insisted that the Rail Workers Federation union accept a pay "
                      "freeze until next year.")
    assert [(a, b) for a, b, _ in rows] == [("Government ministers", "Rail Workers Federation")]


def test_partners_named_by_whom_they_relate_to_are_not_that_one():
    rows = model_rows("At the summit, U.S. trading partners called on Washington to cut its budget deficit.")
    assert [a for a, _, _ in rows] == ["U.S. trading partners"]


def test_a_for_phrase_is_the_subject_of_the_infinitive_after_it():
    rows = model_rows("The bankruptcy might be an incentive for Ostrava Corp. to lower its wage demands.")
    assert [a for a, _, _ in rows] == ["Ostrava Corp."]


# --- addressees the demand leaves unstated -----------------------------------------------------

def test_talks_are_asked_of_the_other_side():
    # (`_negotiation_partner`)
    assert model_rows("Mayor Ines Caro called for talks with the transport unions.") == [
        ("Ines Caro", "transport unions", "talks with the transport unions")]


def test_a_demand_against_a_measure_is_made_of_whoever_introduced_it():
    rows = model_rows("Parliament approved new fuel taxes in May. Truck drivers have blocked highways this "
                      "week to press for a repeal of the taxes.")
    assert rows == [("Truck drivers", "Parliament", "a repeal of the taxes")]
    # A strike does not press for anything itself: whoever called it does.
    rows = model_rows("The cabinet adopted a harsh austerity plan on Friday. Teachers have called a strike "
                      "to press for a suspension of the plan.")
    assert [(a, b) for a, b, _ in rows] == [("Teachers", "cabinet")]
    rows = model_rows("The cabinet adopted a harsh austerity plan on Friday. Opposition parties called "
                      "for a referendum.")
    assert rows == [("Opposition parties", None, "a referendum")]


def test_what_is_done_to_a_company_is_asked_of_it():
    rows = model_rows("Shareholder group Orion Partners pressed for a sale of Delmar Foods Inc.")
    assert rows == [("Orion Partners", "Delmar Foods Inc.", "a sale of Delmar Foods Inc.")]


def test_a_spokesman_for_a_named_body_stands_for_it():
    doc = load_pipeline()("A spokeswoman for the Harbour Workers Federation urged the port authority to "
                          "reopen the north gate.")
    lex, actors = lexicon(), Actors(doc)
    spokeswoman = next(t for t in doc if t.lower_ == "spokeswoman")
    federation = next(t for t in doc if t.text == "Federation")
    assert who(spokeswoman, lex, actors) == (actors.entity(federation), None)
    assert actors.entity(federation) is not None


def test_a_description_may_be_asked_as_the_entity_last_named_with_its_word():
    # "the court": the court the story named; the candidate is the addressee's, not the asker's
    doc = load_pipeline()("Harlow Mills filed a suit in the Kessington County Court on Monday. The company "
                          "asked the court to freeze the assets of its former owner.")
    actors = Actors(doc)
    court = next(t for t in doc if t.lower_ == "court" and t.i > 12)
    named = next(t for t in doc if t.text == "Kessington")
    assert actors.named_with_head(court) == actors.entity(named) is not None
    assert actors.named_with_head(next(t for t in doc if t.lower_ == "company")) is None
    assert model_rows(doc.text) == [
        ("Harlow Mills", "Kessington County Court", "freeze the assets of its former owner")]


def _party_names(text: str, words: tuple[str, ...]) -> list[str | None]:
    doc = load_pipeline()(text)
    actors, names = Actors(doc), names_of(doc)
    return [names.get(actors.party(next(t for t in doc if t.text == w))) for w in words]


def test_a_nationality_acts_for_its_country_when_the_story_names_it():
    # (countryinfo's demonyms, and for one it lacks, "Argentine", the country of the story
    # whose name starts alike)
    assert _party_names("Portugal's sardine fleet is shrinking. The Portuguese government urged the "
                        "European Commission to raise the quota.", ("Portuguese",)) == ["Portugal"]
    assert _party_names("Argentina sells most of its beef to Europe. The Argentine government asked the "
                        "European Union to cut the tariff.", ("Argentine",)) == ["Argentina"]


def test_a_nationality_stays_itself_inside_a_name_or_without_its_country():
    assert _party_names("Chile sells salmon abroad. Chilean Salmon Exporters asked Norway to lift the "
                        "tariff.", ("Chilean",)) == ["Chilean Salmon Exporters"]
    assert _party_names("The Portuguese government urged the European Commission to raise the quota.",
                        ("Portuguese",)) != ["Portugal"]
