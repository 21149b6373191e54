"""What an amount is for: the purpose cue words of its sentence, nearest along the parse."""

from __future__ import annotations

import math

from transforms.money.cues import Rules, cue, is_figure, is_part, rules
from transforms.parse import has_parse, tree_distance


def amount_root(span):
    """The token the money hangs on: in "$3.90 a share" parsers may hang "share" elsewhere in
    the sentence, so the first word whose head lies outside the amount stands for it."""
    inside = range(span.start, span.end)
    return next((t for t in span if t.head.i not in inside or t.head.i == t.i), span.root)


def nearest_cue(span):
    """The purpose cue token nearest to the amount along the parse (None without a parse)."""
    if not has_parse(span.doc):
        return None
    r = rules()
    cues = [t for t in span.sent if not span.start <= t.i < span.end and cue(t, r)[0]]
    return min(cues, key=lambda t: tree_distance(amount_root(span), t), default=None)


def kind_of_deal(token, purpose: str, r: Rules) -> str:
    """A deal named by what it is a deal of: "a rescue package deal" is aid, "a loan deal"
    a loan; the word in front says what kind of deal the head noun is."""
    if purpose != "deal":
        return purpose
    modifiers = [t for t in token.subtree if t.i < token.i and t.dep_ in ("compound", "amod")]
    return next((p for p in (cue(t, r)[0] for t in reversed(modifiers)) if p and p != "deal"), purpose)


def purpose_of(span, unit: str | None = None) -> str:
    """The purpose of the amount at `span` from the cue words of its sentence, else "other".

    span (Span): the amount's tokens. With a dependency parse, closeness is the path length
        between the amount and the cue; without one, the distance in tokens, where a cue after
        the amount counts a little farther than it is, unless right behind it ("a $10bn loan").
    unit (str | None): the per-unit word ("$28 an hour" is pay, "$3 a share" a price when no
        cue is near).
    """
    r = rules()
    if unit in r.unit_purposes:
        return r.unit_purposes[unit]
    parsed = has_parse(span.doc)
    best, best_distance = None, math.inf
    for token in span.sent:
        if span.start <= token.i < span.end:
            continue
        purpose, word = cue(token, r)
        if not purpose:
            continue
        if parsed:
            distance = tree_distance(amount_root(span), token)
        elif token.i < span.start:
            distance = span.start - token.i
        elif token.i - span.end <= 1:
            distance = 1
        else:
            distance = token.i - span.end + 1 + r.after_penalty
        if word in r.weak:
            distance += r.weak_penalty
        if distance < best_distance:
            best, best_distance = kind_of_deal(token, purpose, r), distance
    if unit in r.unit_fallback_purposes and (best is None or best_distance > r.weak_penalty):
        return r.unit_fallback_purposes[unit]
    if best == "deal" and unit in r.unit_deal_purposes:
        return r.unit_deal_purposes[unit]
    return best or "other"



def money_kind(token, r: Rules) -> str | None:
    """The purpose a noun names by itself or by a compound ("loan agreement"), revenue for
    a figure's name ("sales"); None for what money is spent on or prices ("a $4bn plan")."""
    if is_figure(token, r):
        return "revenue"
    if is_part(token, r) and any(
            t.lower_ in ("%", "percent", "pct") for t in token.doc[token.left_edge.i:token.i]):
        return None  # "a 55% equity interest" is a stake, not interest paid
    for t in (token, *(c for c in token.children if c.dep_ == "compound")):
        purpose = cue(t, r)[0]
        if purpose:
            return kind_of_deal(token, purpose, r)
    return None

