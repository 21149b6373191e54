"""The `newsfacts_amounts` pipeline component: every amount of a document with its facts.

It runs after the linker (`newsfacts_linker`), whose cluster ids the subject and payer take.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date, datetime

from spacy.language import Language

from transforms.coref import using
from transforms.facts import set_facts
from transforms.money.context import dateline_end
from transforms.money.features import AmountView
from transforms.money.find import Amount, find_amounts, lexicon, same_figure
from transforms.money.learned import AmountModel
from transforms.money.purpose import amount_root, purpose_of
from transforms.parse import doc_text, sentences
from transforms.money.roles import ROLE_COLUMNS, roles_of

# What an amount shares with the one before it when it is the same money said again.
_SHARED = ("purpose", *ROLE_COLUMNS)


@Language.factory("newsfacts_amounts", requires=["doc.ents", "doc._.facts", "token.ent_kb_id"],
                  assigns=["doc._.facts"], default_config={"model_dir": None})
def make_amounts(nlp: Language, name: str, model_dir: str | None):
    return Amounts(AmountModel.load(model_dir))


class Amounts:
    """Find the document's amounts with their facts, then set them as the `amounts` facts."""

    def __init__(self, model: AmountModel):
        self.model = model
        self.version = f"amounts:{model.digest}"  # (part of `extractor_version`)

    def __call__(self, doc):
        set_facts(doc, "amounts", amount_facts(doc, self.model))
        return doc


def amount_views(doc) -> list[tuple[Amount, AmountView, bool]]:
    """Per amount of the document, in order: the amount, what the choosers read of it, and
    whether it restates the amount before it ("$10bn (£5.19bn)", "rose to $8.6bn from $7.9bn")."""
    lex, text = lexicon(), doc_text(doc)
    found = [(a, doc.char_span(a.start, a.end, alignment_mode="expand") or doc[:])
             for a in find_amounts(text, published=_published(doc))]
    money = frozenset(i for _, span in found if len(span) < len(doc) for i in range(span.start, span.end))
    sents = sentences(doc) if found else []
    starts = [s.start for s in sents]
    filed_from = dateline_end(doc) if found else 0
    out, before, earlier = [], None, None
    for a, span in found:
        restates = before is not None and same_figure(text[before.end:a.start], lex)
        near = earlier if before is not None and _just_before(before, a, text) else None
        n = bisect_right(starts, span.start) - 1
        view = AmountView(span, amount_root(span), money, a.unit, purpose_of(span, a.unit),
                          roles_of(span, near, money), sents[n], sents[max(n - 1, 0)].start, filed_from)
        out.append((a, view, restates))
        before, earlier = a, view.rule_roles
    return out


def amount_facts(doc, model: AmountModel) -> list[dict]:
    """The `amounts` facts of one parsed document: per amount, in order, the table's columns
    but for `doc_id`, `amount_id`, `sentence_index` and `extractor_version` (`table_rows`
    adds those). Purpose, subject and payer are the trained choosers' (`AmountModel.decide`),
    or without a dependency parse the cue words' purpose and no roles; subject and payer entity
    ids are the linker's cluster ids. An amount that restates the one before it shares its
    purpose and roles.
    """
    with using(model.coref):
        return _amount_facts(doc, model)


def _amount_facts(doc, model: AmountModel) -> list[dict]:
    facts: list[dict] = []
    parsed = doc.has_annotation("DEP")
    for a, view, restates in amount_views(doc):
        if restates:
            shared = {k: facts[-1][k] for k in _SHARED}
        elif parsed:
            shared = model.decide(view)
        else:  # the choosers read the parse they were trained on; without one the cue words stand
            shared = {"purpose": view.rule_purpose, **{k: view.rule_roles[k] for k in ROLE_COLUMNS}}
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
    return facts


def _published(doc) -> date | None:
    """The publication date a caller put in `doc.user_data["published"]` (a date or an ISO
    string), which decides which of a country's currencies a shared word means; None without
    one or when it is no date."""
    value = doc.user_data.get("published")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _just_before(previous: Amount, a: Amount, text: str) -> bool:
    # The amount before was named in this sentence or the one before it (counted by the
    # text's own full stops: parsers split sentences at abbreviations and quotes).
    return len(re.findall(r"[.!?][\"”’]?\s", text[previous.end:a.start])) <= 1
