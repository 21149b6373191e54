"""Actors and addressees a demand leaves unstated, taken from the story around it: the actor of
the demands just before ("Another demand included ..."), and the one asked when the demanded
thing says who it is (the other side of talks, the creditors of a debt, the author of a measure
a demand is against, the company a sale is of)."""

from __future__ import annotations

from transforms.demands.actors import Actors, is_human, who
from transforms.demands.clauses import subject
from transforms.demands.demanded import Demand
from transforms.demands.lexicon import Lexicon
from transforms.parse import DIRECT_OBJECT, is_nominal, is_verb_by_tag, lemma, lemmas, prep_phrases, \
    sentence_window_start


def carry_actor(demands: list[Demand]) -> None:
    """"Another demand included ...": a demand noun without its own actor belongs to whoever
    made the demands just before it. A demand verb names its own subject; when that could not
    be resolved, the previous demand's actor is no better a guess than none."""
    last = None
    for d in demands:
        if d.actor == (None, None) and last is not None and d.sent_index - last.sent_index <= 2 \
                and not is_verb_by_tag(d.cue):
            d.actor = last.actor
            if d.addressee == (None, None):
                d.addressee = last.addressee
        if d.actor != (None, None):
            last = d


def fill_addressees(demands: list[Demand], categories: dict, lex: Lexicon, actors: Actors) -> None:
    """The addressee of each demand without one, where the demanded thing tells it."""
    for d in demands:
        partner = _negotiation_partner(d, lex, actors, categories[id(d)]) or _creditor(d, lex, actors) \
            or _author_of_target(d, lex, actors) or _company_acted_on(d, lex, actors)
        if partner is not None and d.addressee == (None, None):
            d.addressee = partner


def _negotiation_partner(d: Demand, lex: Lexicon, actors: Actors, category: str):
    """"another call with Trump", "talks with the rebels": the other side is whom it is asked of."""
    if category != "negotiation":
        return None
    for prep, h in prep_phrases(d.head):
        if prep == "with":
            found = who(h, lex, actors)
            if found != (None, None) and found != d.actor:
                return found
    return None


def _creditor(d: Demand, lex: Lexicon, actors: Actors):
    """"defer payments due to its lenders", "reschedule the debt owed to the London Club": a
    debtor's demand is made of the ones it owes."""
    doc = d.head.doc
    for t in doc[d.start:d.end]:
        if t.lower_ not in lex.debt_markers:
            continue
        owed = t.head if t.dep_ == "case" else next((h for p, h in prep_phrases(t) if p == "to"), None)
        if owed is not None and d.start <= owed.i < d.end and is_human(owed, lex, actors):
            found = who(owed, lex, actors)
            if found != d.actor:
                return found
    return None


def _author_of_target(d: Demand, lex: Lexicon, actors: Actors, reach: int = 3):
    """"press for a repeal of the taxes" after "Parliament approved new fuel taxes": a demand
    against a measure the story introduced is made of whoever introduced it."""
    doc = d.head.doc
    first = sentence_window_start(doc[d.start], reach)
    lemma_of = lemmas(doc)  # (the words before are compared by lemma first: no Token made for most)
    for t in doc[d.start:d.end]:
        if not is_nominal(t) or not any(c.dep_ == "det" and c.lower_ in ("the", "this", "these")
                                        for c in t.children):
            continue
        for j in range(d.start - 1, first - 1, -1):
            if lemma_of[j] != lemma_of[t.i]:
                continue
            earlier = doc[j]
            if earlier.dep_ not in DIRECT_OBJECT or lemma(earlier.head) not in lex.authoring_verbs:
                continue
            author = who(subject(earlier.head), lex, actors)
            if author not in ((None, None), d.actor):
                return author
    return None


def _company_acted_on(d: Demand, lex: Lexicon, actors: Actors):
    """"an auction of Acme", "the sale of Acme": a company is asked to sell, split or open its
    books; the one it is asked of is the company itself."""
    if lemma(d.head) not in lex.corporate_actions:
        return None
    for prep, h in prep_phrases(d.head):
        eid = actors.entity(h) if prep == "of" else None
        if eid is not None and actors.types.get(eid) == "ORG" and (eid, None) != d.actor:
            return eid, None
    return None
