"""Finding demands: every word that can make one is read by its finder (a demand noun, a demand
verb, a reported obligation, a condition), and of overlapping readings the first and longest
is kept."""

from __future__ import annotations

from spacy.tokens import Span

from transforms.demands.actors import Actors
from transforms.demands.clauses import noun_use
from transforms.demands.demanded import Demand
from transforms.demands.lexicon import Lexicon
from transforms.demands.nouns import from_noun
from transforms.demands.obligations import from_condition, from_reported_obligation
from transforms.parse import lemmas, verbs_by_tag
from transforms.demands.verbs import from_verb


def find_demands(sents: list[Span], lex: Lexicon, actors: Actors) -> list[Demand]:
    """The document's demands in text order, one reading per stretch of text."""
    found: list[Demand] = []
    doc = sents[0].doc if sents else None
    lems, verbs = (lemmas(doc), verbs_by_tag(doc)) if doc is not None else ([], [])
    for si, sent in enumerate(sents):
        for i in range(sent.start, sent.end):
            noun, verb = lems[i] in lex.nouns, verbs[i]
            if not (noun or verb):
                continue  # (most words: no finder reads them)
            tok = doc[i]
            if noun and noun_use(tok):
                found.extend(from_noun(tok, lex, actors, si))
            elif verb and lems[i] in lex.verbs:
                found.extend(from_verb(tok, lex, actors, si))
            if verb:
                found.extend(from_reported_obligation(tok, lex, actors, si))
                found.extend(from_condition(tok, lex, actors, si))
    return _one_reading_each(found)


def _one_reading_each(found: list[Demand]) -> list[Demand]:
    """Coordinated actors share one demanded span; anything else overlapping is a second
    reading of a demand already taken (the earlier-starting, then longer, wins)."""
    found = sorted(found, key=lambda d: (d.start, -(d.end - d.start)))
    demands: list[Demand] = []
    for d in found:
        if any(d.start < o.end and o.start < d.end and not (
                (d.start, d.end, d.cue) == (o.start, o.end, o.cue) and d.actor != o.actor) for o in demands):
            continue
        demands.append(d)
    demands.sort(key=lambda d: d.start)
    return demands
