"""Candidate parties of a learned choice (the subject of an amount, the actor of a demand) and
how a chooser's probabilities become one party and the row's columns."""

from __future__ import annotations

from dataclasses import dataclass, field

from transforms.entities.linking import cluster_id, clusters
from transforms.parse import dateline_end
from transforms.ranker import Ranker

# The words that can name a party.
PARTY_POS = ("NOUN", "PROPN", "PRON")
NOBODY = ("nobody",)  # the key of the candidate that is nobody


@dataclass
class Party:
    """A candidate party (an amount's subject or payer, a demand's actor): the word, the row's
    value it gives, its features."""

    token: object | None  # None: nobody
    entity_id: str | None
    text: str | None
    features: list = field(default_factory=list)  # names, or (name, value) pairs

    @property
    def key(self) -> tuple:
        return (self.entity_id, None) if self.entity_id else (None, (self.text or "").casefold())


def choose(model: Ranker, found: list[Party]) -> Party | None:
    """The party whose words add up to the highest probability; None when that is nobody."""
    total, first = by_party(model, found)
    best = max(total, key=total.__getitem__)
    return None if best == NOBODY else first[best]


def choose_two(first: Ranker, second: Ranker, found: list[Party],
               same: float = 1.0) -> tuple[Party | None, Party | None]:
    """Two roles chosen together (an amount's subject and payer): the pair of parties whose
    probabilities, each summed over a party's mentions as `choose` sums them, multiply highest,
    a pair of one party (nobody aside) weighed by `same` (below 1 where the two are seldom one:
    the company bought and the one buying)."""
    a, first_seen = by_party(first, found)
    b, second_seen = by_party(second, found)
    best = max(((pa * pb * (same if ka == kb and ka != NOBODY else 1.0), ka, kb)
                for ka, pa in a.items() for kb, pb in b.items()), key=lambda pair: pair[0])
    return (None if best[1] == NOBODY else first_seen[best[1]],
            None if best[2] == NOBODY else second_seen[best[2]])


def by_party(model: Ranker, found: list[Party]) -> tuple[dict[tuple, float], dict[tuple, Party]]:
    """{party key: the probability of its mentions together}, {party key: its first mention}."""
    total: dict[tuple, float] = {}
    first: dict[tuple, Party] = {}
    for party, p in zip(found, model.probabilities([f.features for f in found])):
        key = party.key if party.token is not None else NOBODY
        total[key] = total.get(key, 0.0) + p
        first.setdefault(key, party)
    return total, first


def role_columns(role: str, party: Party | None) -> dict:
    """The row's `<role>_entity_id` and `<role>_text` for the chosen party (both None: nobody)."""
    if party is None:
        return {f"{role}_entity_id": None, f"{role}_text": None}
    return {f"{role}_entity_id": party.entity_id, f"{role}_text": None if party.entity_id else party.text}


def ranked_actors(doc, top: int) -> list[tuple]:
    """The document's `top` most named actors, most mentions first: (rank, their first named
    span, entity id, type, rank among those of their type, their named mentions). The holder of
    "sales rose" or the asker of "the union wants" may be named only once, early. A place
    named only in the dateline is no actor."""
    out, of_type = [], {}
    # (the dateline's place is where the story was filed; ranked by every mention, 5-fold CV on
    # train.jsonl: demands 163 -> 159 right when the dateline's do not count)
    end = dateline_end(doc)
    filed = doc[end].idx if end else 0
    for rank, c in enumerate(sorted(clusters(doc), key=lambda c: -len(c.mentions))[:top]):
        named = [m for m in c.mentions if not m.is_pronoun and m.start >= filed]
        first = doc.char_span(named[0].start, named[0].end, alignment_mode="expand") if named else None
        eid = cluster_id(first) if first is not None else None
        if not eid:
            continue
        type_rank = of_type[c.type] = of_type.get(c.type, -1) + 1
        out.append((rank, first, eid, c.type, type_rank, named))
    return out
