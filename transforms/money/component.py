"""The `newsfacts_amounts` pipeline component: every amount of a document with its facts.

It runs after the linker (`newsfacts_linker`), whose cluster ids the subject and payer take.
"""

from __future__ import annotations

import re

from spacy.language import Language

from transforms.facts import set_facts
from transforms.money.find import Amount, find_amounts, lexicon, same_figure
from transforms.money.purpose import purpose_of
from transforms.money.roles import ROLE_COLUMNS, roles_of

# What an amount shares with the one before it when it is the same money said again.
_SHARED = ("purpose", *ROLE_COLUMNS)


@Language.factory("newsfacts_amounts", requires=["doc.ents", "doc._.facts", "token.ent_kb_id"],
                  assigns=["doc._.facts"])
def make_amounts(nlp: Language, name: str):
    return Amounts()


class Amounts:
    """Find the document's amounts with their facts, then set them as the `amounts` facts."""

    def __call__(self, doc):
        set_facts(doc, "amounts", amount_facts(doc))
        return doc


def amount_facts(doc) -> list[dict]:
    """The `amounts` facts of one parsed document: per amount, in order, the table's columns
    but for `doc_id`, `amount_id`, `sentence_index` and `extractor_version` (`table_rows`
    adds those). Subject and payer entity ids are the linker's cluster ids (`entity_ref`).

    An amount that restates the one before it ("$10bn (£5.19bn)") or gives its earlier value
    ("rose to $8.6bn from $7.9bn") shares its purpose and roles; "this sum" right after an
    amount takes that amount's roles.
    """
    facts: list[dict] = []
    lex = lexicon()
    previous = None
    found = [(a, doc.char_span(a.start, a.end, alignment_mode="expand") or doc[:])
             for a in find_amounts(doc.text)]
    money = frozenset(i for _, span in found if len(span) < len(doc) for i in range(span.start, span.end))
    for a, span in found:
        if previous is not None and same_figure(doc.text[previous["end"]:a.start], lex):
            shared = {k: previous[k] for k in _SHARED}
        else:
            shared = {"purpose": purpose_of(span, a.unit),
                      **roles_of(span, previous if _just_before(previous, a, doc.text) else None, money)}
        facts.append({
            "start": a.start,
            "end": a.end,
            "text": a.text,
            "value": a.value,
            "value_min": a.value_min,
            "value_max": a.value_max,
            "currency": a.currency,
            "qualifier": a.qualifier,
            **shared,
            "unit": a.unit,
        })
        previous = facts[-1]
    return facts


def _just_before(previous: dict | None, a: Amount, text: str) -> bool:
    # The amount before was named in this sentence or the one before it (counted by the
    # text's own full stops: parsers split sentences at abbreviations and quotes).
    stops = re.findall(r"[.!?][\"”’]?\s", text[previous["end"]:a.start]) if previous else ()
    return previous is not None and len(stops) <= 1
