"""Strict scoring against gold: invented fixtures whose metrics are counted by hand in the comments."""

from datetime import date

import pytest

from evaluation.scoring import (Actor, GoldEntities, actor_matches, content_words, fold, head_word,
                                phrase_matches, placed_span, score)

TEXT = ("Mayor Ana Quist said Halvorsen Industries paid a $4m fine to Brindle County. "
        "Quist urged the Ostmark Council to approve new parking rules. "
        "Halvorsen also paid €250 to several junior harbour clerks. Ford Australia sued Brindle County.")

ENTITIES = [
    {"name": "Ana Quist", "type": "PERSON", "aliases": ["Ana Quist", "Quist"]},
    {"name": "Halvorsen Industries", "type": "ORG", "aliases": ["Halvorsen Industries", "Halvorsen"]},
    {"name": "Brindle County", "type": "GPE", "aliases": ["Brindle County"]},
    {"name": "Ostmark Council", "type": "ORG", "aliases": ["Ostmark Council"]},
    {"name": "Ford Australia", "type": "ORG", "aliases": ["Ford Australia"]},
]

GOLD = {
    "id": "g1", "published": "2031-05-02", "text": TEXT, "events_exhaustive": True,
    "gold": {
        "entities": ENTITIES,
        "amounts": [
            {"text": "$4m", "value": 4e6, "currency": "USD", "qualifier": "exact", "purpose": "fine",
             "subject": "Halvorsen Industries", "payer": "Halvorsen Industries"},
            {"text": "€250", "value": 250, "currency": "EUR", "qualifier": "exact", "purpose": "other",
             "subject": "several junior harbour clerks", "payer": None},
        ],
        "demands": [
            {"actor": "Ana Quist", "addressee": "Ostmark Council", "text": "approve new parking rules",
             "category": "policy_change", "status": "pending"},
        ],
        "events": [
            {"type": "ACCUSE", "source": "Ford Australia", "target": "Brindle County", "trigger": "sued",
             "date": "2031-05-01"},
            {"type": "REQUEST", "source": "Ana Quist", "target": "Ostmark Council", "trigger": "urged"},
        ],
    },
}


def span(phrase, text=TEXT):
    start = text.index(phrase)
    return start, start + len(phrase)


def tables(amounts=(), demands=(), events=(), mentions=None, entities=None):
    entities = entities if entities is not None else [
        ("e_quist", "Ana Quist", "PERSON"), ("e_halv", "Halvorsen Industries", "ORG"),
        ("e_brindle", "Brindle County", "GPE"), ("e_ostmark", "Ostmark Council", "ORG"),
        ("e_aus", "Australia", "GPE"),
    ]
    mentions = mentions if mentions is not None else [
        ("e_quist", "Ana Quist"), ("e_quist", "Quist"), ("e_halv", "Halvorsen Industries"),
        ("e_halv", "Halvorsen"), ("e_brindle", "Brindle County"), ("e_ostmark", "Ostmark Council"),
        ("e_aus", "Australia"),
    ]
    return {
        "documents": [{"doc_id": "d1", "external_id": "g1", "text": TEXT}],
        "entities": [{"entity_id": i, "name": n, "type": t} for i, n, t in entities],
        "mentions": [{"doc_id": "d1", "entity_id": e, "text": t, "start": span(t)[0], "end": span(t)[1]}
                     for e, t in mentions],
        "amounts": list(amounts), "demands": list(demands), "events": list(events),
    }


def amount(value, currency, text, *, qualifier="exact", purpose="other", **actors):
    start, end = span(text)
    row = {"doc_id": "d1", "value": value, "currency": currency, "text": text, "start": start,
           "end": end, "qualifier": qualifier, "purpose": purpose}
    for key in ("subject_entity_id", "subject_text", "payer_entity_id", "payer_text"):
        row[key] = actors.get(key)
    return row


def demand(text, **actors):
    start, end = span(text)
    return {"doc_id": "d1", "text": text, "start": start, "end": end, "category": "policy_change",
            "status": "pending", **{k: actors.get(k) for k in
                                   ("actor_entity_id", "actor_text", "addressee_entity_id", "addressee_text")}}


def event(event_type, trigger, clause, *, event_date=None, **actors):
    start, end = span(clause)
    return {"doc_id": "d1", "event_type": event_type, "trigger": trigger, "start": start, "end": end,
            "event_date": event_date, **{k: actors.get(k) for k in
                                         ("source_entity_id", "source_text", "target_entity_id", "target_text")}}


def counts(scores, section):
    return {m.name: (m.correct, m.total) for m in scores.sections[section]}


# --- names and phrases -------------------------------------------------------------------------

@pytest.mark.parametrize("a, b, same", [
    ("ÅSA LINDQVIST", "Åsa Lindqvist", True),
    ("Asa  Lindqvist", "Åsa Lindqvist", True),   # accents and whitespace fold
    ("The Brindle Gazette", "Brindle Gazette", False),  # "the" is not stripped
    ("Halvorsen Inds.", "Halvorsen Inds", False),  # punctuation is not stripped
])
def test_names_fold_case_and_accents_only(a, b, same):
    assert (fold(a) == fold(b)) is same


@pytest.mark.parametrize("phrase, head", [
    ("several junior harbour clerks", "clerks"),
    ("the chairman of Halvorsen Industries", "chairman"),
    ("dockworkers who struck in Brindle", "dockworkers"),
    ("owners of the ferries", "owners"),
    ("of", None),
])
def test_head_word(phrase, head):
    assert head_word(phrase) == head


def test_content_words_drop_stopwords():
    assert content_words("several of the junior harbour clerks") == ["junior", "harbour", "clerks"]


@pytest.mark.parametrize("predicted, matches", [
    ("junior harbour clerks", True),       # head + 3/3 content words
    ("harbour clerks", True),              # head + 2/3
    ("clerks", False),                     # head but 1/3
    ("junior harbour staff", False),       # 2/3 but not the head
    (None, False),
])
def test_phrase_needs_head_and_half_the_content_words(predicted, matches):
    assert phrase_matches(predicted, "several junior harbour clerks") is matches


def test_entity_matches_through_its_surface_forms_only():
    gold = GoldEntities(ENTITIES)
    quist = Actor(entity_id="e1", name="Quist", forms=frozenset({"quist"}))
    assert actor_matches(quist, "Ana Quist", gold)  # "Quist" is an alias of the gold entity
    australia = Actor(entity_id="e2", name="Australia", forms=frozenset({"australia"}))
    assert not actor_matches(australia, "Ford Australia", gold)  # containment no longer matches
    assert actor_matches(Actor(text="ford australia"), "Ford Australia", gold)
    assert not actor_matches(Actor(text="the Ford Australia unit"), "Ford Australia", gold)
    assert not actor_matches(Actor(), "Ford Australia", gold)


# --- sections -----------------------------------------------------------------------------------

def test_amounts_strict_subject_and_payer_with_precision():
    t = tables(amounts=[
        # subject and payer both right, through the entity's forms
        amount(4e6, "USD", "$4m", purpose="fine", subject_entity_id="e_halv", payer_entity_id="e_halv"),
        # subject phrase: head "clerks" and 2/3 content words; a payer where the gold has none
        amount(250, "EUR", "€250", subject_text="harbour clerks", payer_entity_id="e_halv"),
    ])
    s = score([GOLD], t)
    assert counts(s, "amounts") == {
        "precision": (2, 2), "recall": (2, 2), "qualifier": (2, 2), "purpose": (2, 2),
        "subject": (2, 2), "subject_precision": (2, 2),
        "payer": (1, 1),              # only the $4m gold names a payer
        "payer_precision": (1, 2),    # the €250 payer is a false positive
    }


def test_amount_subject_containment_no_longer_matches():
    gold = {**GOLD, "gold": {**GOLD["gold"], "amounts": [
        {"text": "$4m", "value": 4e6, "currency": "USD", "purpose": "fine", "subject": "Ford Australia"}]}}
    t = tables(amounts=[amount(4e6, "USD", "$4m", purpose="fine", subject_entity_id="e_aus")])
    assert counts(score([gold], t), "amounts")["subject"] == (0, 1)
    assert counts(score([gold], t), "amounts")["subject_precision"] == (0, 1)


def test_context_places_a_repeated_amount():
    text = "Halvorsen paid $5 to Brindle County. Brindle County paid $5 to Halvorsen."
    second = text.rindex("$5")
    gold = {"id": "g1", "text": text, "gold": {"entities": ENTITIES, "amounts": [
        {"text": "$5", "value": 5, "currency": "USD", "purpose": "other",
         "context": "Brindle County paid $5", "payer": "Brindle County"}]}}
    t = tables()
    t["documents"][0]["text"] = text
    first = {**amount(5, "USD", "$4m"), "text": "$5", "start": text.index("$5"), "end": text.index("$5") + 2}
    # Only a prediction at the placed occurrence matches.
    t["amounts"] = [first]
    assert counts(score([gold], t), "amounts")["recall"] == (0, 1)
    t["amounts"] = [{**first, "start": second, "end": second + 2}]
    assert counts(score([gold], t), "amounts")["recall"] == (1, 1)
    assert placed_span(text, gold["gold"]["amounts"][0]) == (second, second + 2)


def test_entities_canonical_name_folds_case_and_accents_only():
    gold = {"id": "g1", "text": TEXT, "gold": {"entities": [
        {"name": "Halvorsen Industries", "type": "ORG", "aliases": ["Halvorsen Industries", "Halvorsen"]},
        {"name": "Ana Quist", "type": "PERSON", "aliases": ["Ana Quist", "Quist"]},
        {"name": "Brindle County", "type": "GPE", "aliases": ["Brindle County"]},
    ]}}
    t = tables(entities=[("e_halv", "HALVORSEN INDUSTRIES", "ORG"), ("e_quist", "Ána Quist", "PERSON"),
                         ("e_brindle", "Brindle County.", "GPE")],
               mentions=[("e_halv", "Halvorsen"), ("e_quist", "Quist"), ("e_brindle", "Brindle County")])
    c = counts(score([gold], t), "entities")
    assert c["recall"] == (3, 3)
    assert c["canonical_name"] == (2, 3)  # the trailing full stop is not folded away


def test_demands_addressee_recall_and_precision():
    t = tables(demands=[demand("approve new parking rules", actor_entity_id="e_quist",
                               addressee_entity_id="e_brindle")])
    c = counts(score([GOLD], t), "demands")
    assert c == {"precision": (1, 1), "recall": (1, 1), "category": (1, 1), "status": (1, 1),
                 "addressee": (0, 1), "addressee_precision": (0, 1)}
    # An actor given only by a part of the gold name that is no alias does not match.
    t = tables(demands=[demand("approve new parking rules", actor_text="Mayor")])
    assert counts(score([GOLD], t), "demands")["recall"] == (0, 1)


def test_events_precision_date_and_triggers():
    t = tables(events=[
        # right type, source and target; date right; trigger overlaps the gold "sued"
        event("ACCUSE", "sued", "Ford Australia sued Brindle County", event_date=date(2031, 5, 1),
              source_text="Ford Australia", target_entity_id="e_brindle"),
        # the source is an entity whose only form is "Australia": no event match; trigger "urged"
        # overlaps the gold trigger but with the wrong type
        event("ACCUSE", "urged", "Quist urged the Ostmark Council", source_entity_id="e_aus",
              target_entity_id="e_ostmark"),
    ])
    c = counts(score([GOLD], t), "events")
    assert c == {"recall": (1, 2), "precision": (1, 2), "date": (1, 1), "date_precision": (1, 1),
                 "trigger_precision": (2, 2), "trigger_recall": (2, 2), "trigger_f1": (4, 4),
                 "trigger_type": (1, 2)}


def test_a_wrong_date_is_listed_among_the_errors():
    t = tables(events=[event("ACCUSE", "sued", "Ford Australia sued Brindle County", event_date=date(2031, 5, 2),
                             source_text="Ford Australia", target_entity_id="e_brindle")])
    s = score([GOLD], t)
    assert counts(s, "events")["date"] == (0, 1)
    assert [e for e in s.errors if "dated" in e] == [f"{GOLD['id']}: events: ACCUSE 'sued' dated 2031-05-02 != 2031-05-01"]


def test_a_date_the_gold_does_not_give_counts_against_date_precision():
    # (the gold's REQUEST has no date: the text does not fix one)
    t = tables(events=[event("REQUEST", "urged", "Quist urged the Ostmark Council", event_date=date(2031, 5, 2),
                             source_entity_id="e_quist", target_entity_id="e_ostmark")])
    s = score([GOLD], t)
    assert (counts(s, "events")["date"], counts(s, "events")["date_precision"]) == ((0, 0), (0, 1))
    assert [e for e in s.errors if "dated" in e] == [f"{GOLD['id']}: events: REQUEST 'urged' dated 2031-05-02 != None"]
    # a month the text gives is no day the gold could have written
    t["events"][0]["date_precision"] = "month"
    s = score([GOLD], t)
    assert counts(s, "events")["date_precision"] == (0, 0) and not [e for e in s.errors if "dated" in e]


def test_a_row_that_places_its_trigger_is_scored_there():
    # the clause is the whole text, where "sued" occurs once; the row says its trigger is elsewhere
    elsewhere = event("ACCUSE", "sued", TEXT, source_text="Ford Australia", target_entity_id="e_brindle")
    assert counts(score([GOLD], tables(events=[elsewhere])), "events")["trigger_recall"] == (1, 2)
    elsewhere.update(trigger_start=0, trigger_end=4)
    assert counts(score([GOLD], tables(events=[elsewhere])), "events")["trigger_recall"] == (0, 2)


def test_events_without_exhaustive_gold_report_no_precision():
    t = tables(events=[event("PROTEST", "sued", "Ford Australia sued Brindle County",
                             source_text="Ford Australia")])
    c = counts(score([{**GOLD, "events_exhaustive": False}], t), "events")
    assert c["recall"] == (0, 2) and c["precision"] == (0, 0) and c["trigger_f1"] == (0, 0)


def test_a_record_without_a_document_counts_as_missed():
    s = score([GOLD, {**GOLD, "id": "unseen"}], tables())
    assert s.missing_documents == ["unseen"]
    assert counts(s, "amounts")["recall"] == (0, 4)
    assert counts(s, "entities")["recall"] == (4, 10)  # Ford Australia has no mention in either
    assert "unseen" in {e.split(":")[0] for e in s.errors}
