"""Candidate demands the finders' frames do not read: every argument of a word that can make a
demand (`candidate_verbs`, `candidate_nouns`), every clause set as a condition ("if", "unless")
and every thing after a condition phrase ("in return for", "subject to"). Most are no demands
("told reporters", "a bid for Acme"); the learned model (`transforms.demands.learned`) decides.

Coordinated arguments give one candidate each ("to cut the dividend, trim pay and sell the
unit"), as the finders' coordinated objects do.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from transforms.demands.actors import Actors, who
from transforms.demands.clauses import subject
from transforms.demands.demanded import Demand, split, trim
from transforms.demands.lexicon import Lexicon
from transforms.parse import POSSESSOR, is_nominal, is_verb_by_tag, lemma, lemmas, lowers, prep_phrases

# Where a trigger's demanded thing hangs: its object, its clausal complements, and for nouns
# their clausal modifier ("a call to end ...") or a compound before them ("rescheduling request").
_VERB_ARGS = ("obj", "dobj", "xcomp", "ccomp")
_NOUN_ARGS = ("acl", "ccomp", "compound")
_CONTENT_PREPS = ("for", "on", "upon", "of", "to")


def extra_candidates(sents: list[Span], lex: Lexicon, actors: Actors) -> list[Demand]:
    """Every candidate of the document's sentences, in text order (they may overlap)."""
    out: list[Demand] = []
    doc = sents[0].doc if sents else None
    lems, lows = (lemmas(doc), lowers(doc)) if doc is not None else ([], [])
    for si, sent in enumerate(sents):
        for i in range(sent.start, sent.end):
            if not (lems[i] in lex.candidate_verbs or lems[i] in lex.candidate_nouns
                    or lows[i] in lex.condition_marks or lows[i] in lex.condition_starts):
                continue  # (most words: `_arguments` finds nothing)
            for head, cue, kind in _arguments(doc[i], lex):
                out += _demands(head, cue, kind, si, lex, actors)
    return out


def _arguments(tok: Token, lex: Lexicon) -> list[tuple[Token, Token, str]]:
    """(head of a demanded thing, its cue word, the kind of reading) for the readings of `tok`."""
    lem = lemma(tok)
    found = []
    if lem in lex.candidate_verbs and is_verb_by_tag(tok):
        found += [(c, tok, f"verb:{c.dep_}") for c in tok.children if c.dep_ in _VERB_ARGS]
        found += [(h, tok, f"verb:{p}") for p, h in prep_phrases(tok)
                  if p in _CONTENT_PREPS and h.i > tok.i and not (h.head.i == tok.i and h.dep_ in _VERB_ARGS)]
    elif lem in lex.candidate_nouns and tok.pos_ in ("NOUN", "PROPN"):
        found += [(c, tok, f"noun:{c.dep_}") for c in tok.children if c.dep_ in _NOUN_ARGS]
        found += [(h, tok, f"noun:{p}") for p, h in prep_phrases(tok) if p in _CONTENT_PREPS and h.i > tok.i]
    # (a clause the tagger misread, "if the buyer sells" with "sells" a plural noun, is still
    # an adverbial clause)
    if tok.dep_ == "mark" and tok.lower_ in lex.condition_marks and (
            is_verb_by_tag(tok.head) or tok.head.dep_ == "advcl"):
        found.append((tok.head, tok, "condition:" + tok.lower_))
    phrase = _condition_phrase(tok, lex)
    if phrase is not None:
        found.append((phrase, tok, "condition_phrase:" + tok.lower_))
    return found


def _condition_phrase(tok: Token, lex: Lexicon) -> Token | None:
    """The head of the thing after "in return for", "subject to" starting at `tok`."""
    if tok.lower_ not in lex.condition_starts:  # (most words: skip slicing the doc per phrase)
        return None
    doc = tok.doc
    for words in lex.condition_phrases:
        end = tok.i + len(words)
        if end < len(doc) and tuple(t.lower_ for t in doc[tok.i:end]) == words:
            after = doc[end]
            # the phrase's object is the word after it, or its head when that is a determiner
            return after if after.head.i < end or after.head.i == after.i else after.head
    return None


def _demands(head: Token, cue: Token, kind: str, si: int, lex: Lexicon, actors: Actors) -> list[Demand]:
    """One candidate per coordinated part of the argument headed by `head`."""
    doc = head.doc
    start = min(t.i for t in head.subtree)
    if kind.startswith("condition:"):
        start = cue.i + 1
    end = max(t.i for t in head.subtree) + 1
    if start <= cue.i < end:
        return []  # the cue inside its own argument: a misparse
    parts = [head] + [c for c in head.children if c.dep_ == "conj" and is_nominal(c) == is_nominal(head)
                      and c.i > head.i]
    spans = split(parts, end, doc) if len(parts) > 1 else [(*trim(doc, start, end), head)]
    actor = who(asker(cue, kind), lex, actors)
    out = []
    for s, e, h in spans:
        if e > s:
            out.append(Demand(s, e, h, cue, si, actor=actor, source=kind))
    return out


def asker(cue: Token, kind: str) -> Token | None:
    """Who the parse says makes it: the subject of the verb, the possessor of the noun ("its
    request"), the subject of the clause a condition is set in."""
    if kind.startswith("verb"):
        return subject(cue)
    if kind.startswith("noun"):
        owner = next((c for c in cue.children if c.dep_ in POSSESSOR), None)
        return owner if owner is not None else subject(cue.head) if is_verb_by_tag(cue.head) else None
    clause = cue.head.head if kind.startswith("condition:") else cue.head
    while clause.head.i != clause.i and not is_verb_by_tag(clause):
        clause = clause.head
    return subject(clause) if is_verb_by_tag(clause) else None
