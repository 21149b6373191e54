"""Train the demands choosers (demand, actor, addressee, category) on gold articles.

    newsfacts train --gold ../shared/eval/train.jsonl --component newsfacts_demands
                                                    # writes models/newsfacts_demands/

Each article is parsed and linked by the project's pipeline and its candidate readings found
(`component.readings`). Readings are paired one to one with the gold demands their words
overlap, as the scorer pairs them (largest overlap first): a paired reading is a demand, any
other is not. A paired reading then makes three choices: its actor and addressee among its
parties (`features.parties`), the right ones being those the strict scorer accepts
(`evaluation.scoring.actor_matches`), or "nobody" for an absent addressee; its category among
the labels, learned where the rules' words name none or a broad one
(`learned.CHOSEN_CATEGORIES`). Labels therefore mean exactly what is measured. Training is
deterministic (L-BFGS from zero weights); `seed` is recorded only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from evaluation.scoring import GoldEntities, actor_matches, greedy_pairs, placed_span
from evaluation.trainable import register_trainer
from transforms.demands.actors import Actors
from transforms.demands.component import readings
from transforms.demands.features import Reading, askers, category_candidates, demand_features, parties
from transforms.demands.learned import CHOOSERS, CHOSEN_CATEGORIES, SHIPPED, yes_no
from transforms.demands.lexicon import lexicon
from transforms.money.train import entity_actors, parse, party_actor
from transforms.ranker import Choice, Ranker, fit, save_folder
from transforms.schemas import DEMAND_CATEGORIES

COMPONENT = "newsfacts_demands"
# L2 penalty per chooser, chosen by 5-fold cross-validation on train.jsonl (actor 1.0 -> 0.3:
# demand F1 0.388 -> 0.394, precision 0.551 -> 0.556; 3.0 is worse).
L2 = {"demand": 1.0, "actor": 0.3, "addressee": 1.0, "category": 1.0}


@dataclass
class Example:
    """One candidate reading and its choices; only a reading paired with a gold demand has
    the column choices."""

    reading: Reading
    gold: dict | None
    demand: Choice | None  # (one per span and cue)
    actor: Choice | None = None
    addressee: Choice | None = None
    category: Choice | None = None


def examples(doc, record: dict) -> list[Example]:
    """The training examples of one parsed, linked article and its gold record."""
    lex = lexicon()
    actors = Actors(doc)
    found = readings(doc, lex, actors)
    gold = record["gold"].get("demands", [])
    paired = dict(align(doc, found, gold))
    entities = GoldEntities(record["gold"].get("entities", []))
    named = entity_actors(doc)
    # The model decides once per span and cue (`learned._groups`): a coordinated subject's
    # readings are a demand when any of them is paired.
    asked = {_group_key(found[k]) for k in paired}
    out, seen = [], set()
    for k, r in enumerate(found):
        g = gold[paired[k]] if k in paired else None
        key = _group_key(r)
        demand = None if key in seen else Choice(yes_no(demand_features(r, lex)), frozenset({0 if key in asked else 1}))
        seen.add(key)
        ex = Example(r, g, demand)
        if g is not None:
            candidates = parties(r, lex, actors)
            ex.actor, ex.addressee = (Choice([p.features for p in found], _right(found, g.get(role), entities, named))
                                      for role, found in (("actor", askers(candidates)), ("addressee", candidates)))
            if r.rule_category in CHOSEN_CATEGORIES:  # (the only readings the chooser decides)
                ex.category = _label_choice(category_candidates(r, DEMAND_CATEGORIES), DEMAND_CATEGORIES, g.get("category"))
        out.append(ex)
    return out


def _group_key(r: Reading) -> tuple:
    return r.demand.start, r.demand.end, r.demand.cue.i


def align(doc, found: list[Reading], gold: list[dict]) -> list[tuple[int, int]]:
    """(reading index, gold index) pairs, one to one, largest character overlap first."""
    text, candidates = doc.text, []
    for gi, g in enumerate(gold):
        placed = placed_span(text, g)
        spans = [placed] if placed else _occurrences(text, g.get("text"))
        for k, r in enumerate(found):
            start, end = doc[r.demand.start].idx, doc[r.demand.end - 1].idx + len(doc[r.demand.end - 1])
            ov = max((min(end, e) - max(start, s) for s, e in spans), default=0)
            if ov > 0:
                candidates.append((-ov, k, gi))
    return greedy_pairs(candidates)


def _occurrences(text: str, phrase: str | None) -> list[tuple[int, int]]:
    out, at = [], text.find(phrase) if phrase else -1
    while at >= 0:
        out.append((at, at + len(phrase)))
        at = text.find(phrase, at + 1)
    return out


def _right(found, wanted, entities: GoldEntities, named: dict) -> frozenset[int]:
    if not wanted or not str(wanted).strip():
        return frozenset({0})  # nobody
    return frozenset(k for k, p in enumerate(found)
                     if p.token is not None and actor_matches(party_actor(p, named), wanted, entities))


def _label_choice(candidates: list, labels: tuple[str, ...], wanted) -> Choice | None:
    return Choice(candidates, frozenset({labels.index(wanted)})) if wanted in labels else None


def fit_choosers(all_examples: list[Example], l2: dict | None = None) -> dict:
    """{chooser: Ranker} fitted on the examples; a chooser with nothing to learn from (gold
    without demands) keeps the shipped model's weights, and its meta says so."""
    l2 = {**L2, **(l2 or {})}
    models = {}
    for c in CHOOSERS:
        choices = [x for e in all_examples if (x := getattr(e, c)) is not None and x.right]
        models[c] = fit(choices, l2=l2[c]) if choices else _shipped(c)
    return models


def _shipped(chooser: str) -> Ranker:
    model = Ranker.load(SHIPPED / f"{chooser}.json")
    model.meta = {**model.meta, "shipped": True}
    return model


def fit_models(docs: Iterable, records: list[dict]) -> tuple[dict, dict]:
    """The choosers fitted on parsed, linked articles (read once, in order) and their gold
    records, and what the model folder's meta records of them."""
    found = [e for doc, rec in zip(docs, records) for e in examples(doc, rec)]
    return fit_choosers(found), {"readings": len(found), "demands": sum(e.gold is not None for e in found)}


def train_demands(records: list[dict], out_dir: Path, seed: int = 0) -> Path:
    """Fit the choosers on `records` and write them to `out_dir`/newsfacts_demands."""
    started = time.perf_counter()
    models, counts = fit_models(parse(records), records)
    return save_folder(Path(out_dir) / COMPONENT, models, {
        "component": COMPONENT, "articles": len(records), **counts, "seed": seed,
        "seconds": round(time.perf_counter() - started, 1)})

register_trainer(COMPONENT, train_demands)
