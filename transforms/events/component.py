"""`newsfacts_events`: the component that sets the `events` facts on the Doc.

It runs after `newsfacts_demands`: every demand is also a REQUEST event, and the reply that
settled it a REJECT or AGREE event, and those events carry the demand's id (`demand_id`). The
model (`models/newsfacts_events/`, or the folder `model_dir` names) finds the others, and the
constructions of `transforms/lexicons/events.yaml` type what it cannot learn. Without a
dependency parse it finds nothing: who did what to whom is read from the parse.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from transforms.demands.actors import Actors
from transforms.demands.lexicon import lexicon as demand_lexicon
from transforms.entities.names import fold
from transforms.events.learned import Decided, EventModel
from transforms.events.lexicon import load_lexicon
from transforms.events.when import when_told
from transforms.facts import get_facts, set_facts
from transforms.parse import doc_text
from transforms.parties import role_columns

# A demand's answer, as an event.
ANSWER_TYPES = {"rejected": "REJECT", "accepted": "AGREE", "partially_accepted": "AGREE"}


@Language.factory("newsfacts_events",
                  requires=["token.dep", "doc.ents", "token.ent_kb_id", "doc.spans", "doc._.facts"],
                  assigns=["doc._.facts"], default_config={"model_dir": None})
def make_events(nlp: Language, name: str, model_dir: str | None) -> "Events":
    return Events(EventModel.load(model_dir))


class Events:
    """Find the document's events, then set them as the `events` facts."""

    def __init__(self, model: EventModel):
        self.model = model
        self.version = f"events:{model.digest}"  # (part of `extractor_version`)

    def __call__(self, doc: Doc) -> Doc:
        set_facts(doc, "events", event_facts(doc, self.model))
        return doc


def event_facts(doc: Doc, model: EventModel | None = None) -> list[dict]:
    """The `events` facts of a parsed, linked document: the model's events, then those of its
    demands (`link_demands`), in text order. Each has the table's columns but `doc_id`,
    `event_id`, `sentence_index`, `extractor_version` and the resolved date (`event_date`,
    `date_precision`, `date_basis`: the rows' step, which knows the publication date)."""
    if not doc.has_annotation("DEP"):
        return []
    actors = Actors(doc)
    decided = (model or _shipped()).decide(doc, load_lexicon(), demand_lexicon(), actors)
    facts = link_demands(doc, [_fact(doc, e) for e in decided], get_facts(doc, "demands"))
    return sorted(facts, key=lambda f: (f["trigger_start"], f["event_type"]))


@lru_cache(maxsize=1)
def _shipped() -> EventModel:
    return EventModel.load()


def _fact(doc: Doc, e: Decided) -> dict:
    start, end = e.trigger.chars
    clause = e.trigger.clause
    date_text, told_tense = when_told(e.trigger.token)
    return {
        "id_parts": [start, end, e.type],
        "event_type": e.type,
        "mode": e.mode,
        **role_columns("source", e.source),
        **role_columns("target", e.target),
        "trigger": e.trigger.text,
        "trigger_start": start,
        "trigger_end": end,
        "start": clause[0],
        "end": clause[1],
        "date_text": date_text,
        "tense": told_tense,
        "probability": None if e.construction else round(e.p, 4),
        "demand_id_parts": None,
    }


def link_demands(doc: Doc, facts: list[dict], demands: list[dict]) -> list[dict]:
    """Every demand's REQUEST event, and the REJECT or AGREE event of its answer, carrying the
    demand's id: the model's event at the demand's (or the answer's) words, or, when the model
    found none there, one made from the demand (its actor asks its addressee; the addressee
    answers the actor). The model's REQUEST takes the demand's parties. A request or an answer
    for several demands is one event, linked to the first. No event's target is its source."""
    for d in demands:
        asked = _at(facts, d["cue_chars"], ("REQUEST",))
        if asked is None:
            asked = _from_demand(doc, d, "REQUEST", d["cue_chars"], ("actor", "addressee"))
            facts.append(asked)
        elif asked["demand_id_parts"] is None and _names(d, "actor"):
            # One request, one pair of parties in both tables: the demand's actor (and addressee,
            # where it names one), read by the demands' own choosers, replace the event's. The
            # official 5-fold run: 364 -> 367 events right of 1,348 published (two folds up, two
            # down by up to 0.006); the in-process harness said more (0.244 -> 0.256) with
            # demand choosers trained on every article.
            asked.update(_sides(d, ("actor", "addressee") if _names(d, "addressee") else ("actor",)))
        asked["demand_id_parts"] = asked["demand_id_parts"] or d["id_parts"]
        answer = ANSWER_TYPES.get(d["status"])
        if answer and d.get("answer_chars"):
            replied = _at(facts, d["answer_chars"], ("REJECT", "AGREE", "CONCEDE"))
            if replied is not None and replied["demand_id_parts"] is None and _names(d, "actor"):
                # (a reply is to the one who asked)
                replied.update({"target_entity_id": d.get("actor_entity_id"), "target_text": d.get("actor_text")})
            if replied is None:
                # (the one who replied answers, where the demand names no one it was asked of)
                replier = "addressee" if _names(d, "addressee") or not _names(d, "answered_by") else "answered_by"
                replied = _from_demand(doc, d, answer, d["answer_chars"], (replier, "actor"))
                facts.append(replied)
            replied["demand_id_parts"] = replied["demand_id_parts"] or d["id_parts"]
    for f in facts:
        _no_self_target(f)
    return facts


def _at(facts: list[dict], chars: list[int], types: tuple[str, ...]) -> dict | None:
    return next((f for f in facts if f["event_type"] in types
                 and f["trigger_start"] < chars[1] and chars[0] < f["trigger_end"]), None)


def _from_demand(doc: Doc, d: dict, event_type: str, chars: list[int], roles: tuple[str, str]) -> dict:
    token = doc.char_span(*chars, alignment_mode="expand").root
    sent = token.sent
    date_text, told_tense = when_told(token)  # (as the model's events: "its request ... the request, made on")
    return {
        "id_parts": [*chars, event_type], "event_type": event_type, "mode": None, **_sides(d, roles),
        "trigger": doc_text(doc)[chars[0]:chars[1]], "trigger_start": chars[0], "trigger_end": chars[1],
        "start": sent.start_char, "end": sent.end_char, "date_text": date_text,
        "tense": told_tense, "probability": None, "demand_id_parts": None,
    }


def _sides(d: dict, roles: tuple[str, ...]) -> dict:
    """The event's source (and target) columns from the demand's `roles` (actor, addressee or
    the reverse)."""
    side = {}
    for col, role in zip(("source", "target"), roles):
        side[f"{col}_entity_id"] = d.get(f"{role}_entity_id")
        side[f"{col}_text"] = d.get(f"{role}_text")
    return side


def _no_self_target(fact: dict) -> None:
    """An event's target is never its source (no gold event of train.jsonl has one): a demand
    with no one named to ask sets the source of the model's REQUEST and may leave the target the
    model chose, the asker itself ("workers demanded higher wages": workers -> workers)."""
    source, target = _side_key(fact, "source"), _side_key(fact, "target")
    if source and source == target:
        fact["target_entity_id"] = fact["target_text"] = None


def _side_key(fact: dict, side: str) -> str:
    """An event side's entity id, or its words folded as names are ("The minister" is
    "minister")."""
    return fact[f"{side}_entity_id"] or fold(fact[f"{side}_text"] or "")


def _names(d: dict, role: str) -> bool:
    return bool(d.get(f"{role}_entity_id") or d.get(f"{role}_text"))
