"""Train the amounts choosers (purpose, subject, payer) on gold articles.

    newsfacts train --gold ../shared/eval/train.jsonl        # writes models/newsfacts_amounts/

Each article is parsed and linked by the project's pipeline; every amount the finder returns is
paired with the gold amount it matches (as the scorer pairs them: currency, value within 0.5 %,
the gold's placed span), and becomes three choices: among the purpose labels, and twice among
the parties around it (`transforms.money.features`), the right ones being those the strict
scorer would accept (`evaluation.scoring.actor_matches`), or "nobody" when the gold has none.
Labels therefore mean what is measured, save one narrowing: when a candidate is headed by a word
of a gold phrase, phrases that merely hold it ("the arrest of those responsible" for "those
responsible"), which the scorer also accepts, are not right. Training is deterministic (L-BFGS
from zero weights); `seed` is recorded only.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from evaluation.scoring import (Actor, GoldEntities, actor_matches, fold, greedy_pairs, listify, placed_span,
                                value_close)
from evaluation.trainable import register_trainer
from transforms.coref import COREF, crossed, fit_resolver, using
from transforms.facts import get_facts
from transforms.money.component import amount_views
from transforms.money.features import AmountView, parties, purpose_features
from transforms.money.learned import CHOOSERS
from transforms.nlp import PipelineSpec, load_pipeline
from transforms.parties import Party
from transforms.ranker import Choice, fit, label_candidates, save_folder
from transforms.schemas import PURPOSES

COMPONENT = "newsfacts_amounts"
# L2 penalty per chooser, chosen by 5-fold cross-validation on train.jsonl (benchmarks/README.md).
L2 = {"purpose": 1.0, "subject": 1.0, "payer": 1.0}
# Features seen in fewer candidates are dropped: a smaller model, within 0.005 of the accuracy.
MIN_COUNT = 2


@dataclass
class Example:
    """One found amount paired with its gold annotation."""

    view: AmountView
    restates: bool  # the amount before said again: it shares that one's choices
    gold: dict
    purpose: Choice
    subject: Choice
    payer: Choice
    found: list[Party]


def examples(doc, record: dict) -> list[Example]:
    """The training examples of one parsed, linked article and its gold record."""
    views = amount_views(doc)
    gold = record["gold"].get("amounts", [])
    entities = GoldEntities(record["gold"].get("entities", []))
    actors = entity_actors(doc)
    out = []
    for vi, gi in align([(a.start, a.end, a.value, a.currency, a.text) for a, _, _ in views], gold, doc.text):
        _, view, restates = views[vi]
        g = gold[gi]
        purposes = [p for p in listify(g.get("purpose")) if p in PURPOSES]
        purpose = Choice(label_candidates(purpose_features(view), PURPOSES),
                         frozenset(PURPOSES.index(p) for p in purposes))
        # roles are learned as read with the right purpose (the chooser's, once trained)
        view.purpose = purposes[0] if purposes else None
        found = parties(view)
        out.append(Example(view, restates, g, purpose, *role_choices(found, g, entities, actors), found))
    return out


def align(found: list[tuple], gold: list[dict], text: str) -> list[tuple[int, int]]:
    """(found index, gold index) pairs, one to one, closest value and same text first.
    found: (start, end, value, currency, text) per amount."""
    candidates = []
    for gi, g in enumerate(gold):
        placed = placed_span(text, g)
        for fi, (start, end, value, currency, words) in enumerate(found):
            if currency != g.get("currency") or not value_close(value, g["value"]):
                continue
            if placed and not (start < placed[1] and placed[0] < end):
                continue
            rel = abs(value - g["value"]) / abs(g["value"])
            candidates.append(((rel, fold(words) != fold(g.get("text"))), fi, gi))
    return sorted(greedy_pairs(candidates))


def role_choices(found: list[Party], g: dict, entities: GoldEntities, actors: dict) -> list[Choice]:
    """The subject and payer choices of one gold amount among the parties found."""
    return [Choice([p.features for p in found], _right(found, g.get(role), entities, actors))
            for role in ("subject", "payer")]


def _right(found: list[Party], wanted, entities: GoldEntities, actors: dict) -> frozenset[int]:
    if not wanted or (isinstance(wanted, str) and not wanted.strip()):
        return frozenset({0})  # nobody
    values = wanted if isinstance(wanted, list) else [wanted]
    matched = {k: [v for v in values if actor_matches(party_actor(p, actors), v, entities)]
               for k, p in enumerate(found) if p.token is not None}
    right = frozenset(k for k, vs in matched.items() if vs)
    # The scorer accepts any phrase holding a gold phrase ("the arrest of those responsible" for
    # "those responsible"); learnt, such phrases teach the event money is for ("Smith's arrest")
    # instead of its party. The gold writes the shortest phrase, so when a candidate is headed by
    # one of its words, only those are right.
    headed = frozenset(k for k in right if any(_headed_by(found[k], v, entities) for v in matched[k]))
    return headed or right


def _headed_by(p: Party, value: str, entities: GoldEntities) -> bool:
    """Whether candidate `p` is headed by a word of `value` (always, when it names an entity)."""
    return entities.entity_forms(value) is not None or fold(p.token.text) in re.findall(r"\w+", fold(value))


def party_actor(p: Party, actors: dict) -> Actor:
    """The party as the scorer sees a published row: an entity with its mentions, or words."""
    if p.entity_id:
        name, forms = actors.get(p.entity_id, (None, frozenset()))
        return Actor(entity_id=p.entity_id, name=name, forms=forms)
    return Actor(text=p.text)


def entity_actors(doc) -> dict[str, tuple[str, frozenset[str]]]:
    """{entity id: (name, folded surface forms)} of the linker's actors, as `party_actor` needs."""
    names = {e["entity_id"]: e["name"] for e in get_facts(doc, "entities")}
    forms: dict[str, set[str]] = {eid: {fold(n)} for eid, n in names.items()}
    for m in get_facts(doc, "mentions"):
        forms.setdefault(m["entity_id"], set()).add(fold(m["text"]))
    return {eid: (names.get(eid), frozenset(f)) for eid, f in forms.items()}


def fit_choosers(all_examples: list[Example], l2: dict | None = None) -> dict:
    """{chooser: Ranker} fitted on the examples."""
    l2 = {**L2, **(l2 or {})}
    own = [e for e in all_examples if not e.restates]
    models = {c: fit([getattr(e, c) for e in own], l2=l2[c], min_count=MIN_COUNT) for c in CHOOSERS}
    models["payer"].meta["same_party"] = same_party(own)
    return models


def same_party(found: list[Example]) -> dict[str, list[int]]:
    """{purpose: [amounts whose gold subject is their payer, amounts whose gold gives both]}
    (`AmountModel.same_party` weighs a pair of one party by them)."""
    counts: dict[str, list[int]] = {}
    for e in found:
        subject, payer = e.gold.get("subject"), e.gold.get("payer")
        if subject and payer:
            tally = counts.setdefault((listify(e.gold.get("purpose")) or ["other"])[0], [0, 0])
            tally[0] += fold(subject) == fold(payer)
            tally[1] += 1
    return dict(sorted(counts.items()))


def parse(records: list[dict]):
    """Each record's text parsed and linked by the project's pipeline (no other extractor; the
    untuned NER, `PipelineSpec.tuned_ner`), carrying its publication date as extraction does (it
    decides which currency a word means)."""
    nlp = load_pipeline(PipelineSpec(extractors=("newsfacts_linker",), tuned_ner=False))
    return nlp.pipe((_dated(nlp, r) for r in records), batch_size=32)


def _dated(nlp, record: dict):
    doc = nlp.make_doc(record["text"])
    if record.get("published") is not None:
        doc.user_data["published"] = str(record["published"])
    return doc


def fit_models(docs: list, records: list[dict]) -> tuple[dict, dict]:
    """The choosers fitted on parsed, linked articles (`parse`) and their gold records, with the
    anaphora resolver under `COREF`, and what the model folder's meta records of them."""
    # The anaphora resolver (`transforms.coref`) is trained on the same articles and ships
    # beside the choosers; their examples are read with resolvers that never saw the article.
    resolver = fit_resolver(docs, records)
    found = []
    for doc, rec, unseen in zip(docs, records, crossed(docs, records)):
        with using(unseen):
            found += examples(doc, rec)
    if not found:
        raise ValueError("no gold amount matches an amount found in the articles")
    models = fit_choosers(found)
    if resolver is not None:
        models[COREF] = resolver.model
    return models, {"amounts": len(found)}


def train_amounts(records: list[dict], out_dir: Path, seed: int = 0) -> Path:
    """Fit the three choosers on `records` and write them to `out_dir`/newsfacts_amounts."""
    started = time.perf_counter()
    models, counts = fit_models(list(parse(records)), records)
    return save_folder(Path(out_dir) / COMPONENT, models, {
        "component": COMPONENT, "articles": len(records), **counts, "seed": seed,
        "seconds": round(time.perf_counter() - started, 1)})


register_trainer(COMPONENT, train_amounts)
