"""The kind of demand (`DEMAND_CATEGORIES`): pairs of words that together name a kind, then
the words nearest the demanded thing's head, then the words of its clause after it."""

from __future__ import annotations

from spacy.tokens import Doc

from transforms.demands.demanded import Demand
from transforms.demands.lexicon import Lexicon
from transforms.parse import lemma, phrasal_lemma


def category(d: Demand, doc: Doc, lex: Lexicon) -> str:
    tokens = [t for t in doc[d.start:d.end]]
    lemmas = {lemma(t) for t in tokens} | {t.lower_ for t in tokens}
    for cat, groups in lex.category_pairs.items():
        if all(lemmas & g for g in groups):
            return cat
    for level in _levels_from_head(d, tokens):
        # (each word's forms read once, not once per category)
        forms = [(phrasal_lemma(t), lemma(t), t.lower_) for t in level]
        for cat, words in lex.category_words.items():
            if any(p in words or lem in words or low in words for p, lem, low in forms):
                return cat
    scope_lemmas = [lemma(t) for t in d.category_scope]
    lemmas = set(scope_lemmas)
    for cat, groups in lex.category_pairs.items():
        if all(lemmas & g for g in groups):
            return cat
    for cat, words in lex.category_words.items():
        if any(lem in words for lem in scope_lemmas):
            return cat
    return "other"


def _levels_from_head(d: Demand, tokens: list) -> list[list]:
    """The demanded tokens breadth-first from the head, level by level, then the rest: the
    demanded thing's own noun or verb outranks words deeper in its modifiers."""
    inside = set(range(d.start, d.end))
    order, frontier, seen = [], [d.head], {d.head.i}
    while frontier:
        order.append(frontier)
        nxt = []
        for t in frontier:
            for c in t.children:
                if c.i in inside and c.i not in seen:
                    seen.add(c.i)
                    nxt.append(c)
        frontier = sorted(nxt, key=lambda t: t.i)
    order.append([t for t in tokens if t.i not in seen])
    return order
