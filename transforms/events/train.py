"""Train the events choosers (type, mode, source, target) on gold articles.

    newsfacts train --gold ../shared/eval/train.jsonl --component newsfacts_events
                                                    # writes models/newsfacts_events/

Each article is parsed and linked by the project's pipeline and its candidate triggers found
(the lexicon's lemmas and the lemmas heading the gold triggers of the training articles). A
candidate whose words overlap a gold event's trigger (placed by its `context`) is that event:
the type chooser learns its type; another mention of a word the gold codes is left out (it may
be the same event, coded once); any other candidate is "none". A candidate paired with a gold
event then makes three more choices: its mode among the modes training saw for the type, its
source and its target among its parties (`features.parties`), the right ones being those the
strict scorer accepts (`evaluation.scoring.actor_matches`, any of `sources`), or "nobody" for an
absent target. Training is deterministic (L-BFGS from zero weights); `seed` is recorded only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from evaluation.scoring import GoldEntities, actor_matches, listify, placed_span
from evaluation.trainable import register_trainer
from transforms.demands.actors import Actors
from transforms.demands.lexicon import lexicon as demand_lexicon
from transforms.events.candidates import TRIGGER_POS, Trigger, candidates
from transforms.events.features import DOCUMENT_ACTORS, parties, trigger_features
from transforms.events.learned import CHOOSERS, LABELS, SHIPPED, known_lemmas
from transforms.events.lexicon import POS, EventLexicon, load_lexicon
from transforms.money.train import entity_actors, parse, party_actor
from transforms.parse import sentence_of
from transforms.parties import ranked_actors
from transforms.ranker import Choice, Ranker, fit, label_candidates, save_folder

COMPONENT = "newsfacts_events"
# L2 penalty per chooser and the rarest feature kept, chosen by 5-fold cross-validation.
L2 = {"type": 1.0, "mode": 1.0, "source": 1.0, "target": 1.0}
MIN_COUNT = 2
# Type weights smaller than this are dropped: 33k of 143k weights stay, candidate F1 on the
# first fold unchanged (0.535), the shipped file 6.5 MB -> about 1.3 MB.
PRUNE = 0.02


@dataclass
class Example:
    """One candidate trigger with its choices; the gold events it is paired with, if any."""

    trigger: Trigger
    type: Choice
    gold: list[dict]
    features: list
    sides: list[tuple[Choice, Choice]]  # (source, target) per paired gold event


def gold_triggers(record: dict, doc) -> list[tuple[int, int, dict]]:
    """(start, end, event) of each gold event's trigger in the text; an event whose trigger
    cannot be placed is left out."""
    out = []
    for g in record["gold"].get("events", []):
        placed = placed_span(doc.text, g, key="trigger")
        if placed is None and g.get("trigger"):
            at = doc.text.find(g["trigger"])
            placed = (at, at + len(g["trigger"])) if at >= 0 else None
        if placed:
            out.append((*placed, g))
    return out


def vocabulary(records_docs) -> dict[str, list[str]]:
    """The lemmas that head a gold trigger ("visit" of "state visit", `_heads`), by part of
    speech: candidates beyond the lexicon. (Every word a gold trigger overlaps, as before, made
    candidates of "be" and "have" of "was extended", "has been prosecuting", which are never
    events: 5-fold quick loop, event F1 0.2324 -> 0.2344, 398 -> 402 right of 1,440 -> 1,445
    published, folds +0.004, -0.001, +0.003, +0.003, +0.001.)"""
    seen: dict[str, set[str]] = {pos: set() for pos in TRIGGER_POS.values()}
    for doc, record in records_docs:
        found = candidates(doc, lambda word, pos: True)
        for k in _heads(found, gold_triggers(record, doc)):
            seen[found[k].pos].add(found[k].lemma)
    return {pos: sorted(words) for pos, words in seen.items()}


def examples(doc, record: dict, lex: EventLexicon, known) -> list[Example]:
    """The training examples of one parsed, linked article and its gold record."""
    spans = gold_triggers(record, doc)
    entities = GoldEntities(record["gold"].get("entities", []))
    named = entity_actors(doc)
    words, actors = demand_lexicon(), Actors(doc)
    ranked = ranked_actors(doc, DOCUMENT_ACTORS)
    found = candidates(doc, known)
    heads = _heads(found, spans)
    out = []
    coded = {(found[k].lemma, found[k].pos) for k in heads}
    for k, t in enumerate(found):
        # Neither an event nor none: another word of a gold trigger ("state" of "state visit"),
        # or another mention of a word the gold codes where it is clearest ("talks" named three
        # times, coded once: the other two may be the same talks). 5-fold quick loop, as none
        # -> neither: event F1 0.2344 -> 0.2372, 402 -> 413 right of 1,445 -> 1,498 published,
        # folds +0.002, +0.002, +0.009, -0.002, +0.005. Likewise a word of the sentence the
        # lexicon reads as the type of an event the gold codes at another word (`_told_beside`):
        # fold seeds 0 / 1, event F1 0.2411 -> 0.2435 (421 -> 434 right of 1,508 -> 1,579) /
        # 0.2344 -> 0.2400 (405 -> 424 of 1,470 -> 1,549); the sentences either side too:
        # 0.2421 / 0.2393.
        inside = any(t.chars[0] < e and s < t.chars[1] for s, e, _ in spans)
        if k not in heads and (inside or (t.lemma, t.pos) in coded or _told_beside(t, spans, lex)):
            continue
        paired = heads.get(k, [])
        feats = trigger_features(t, lex)
        right = frozenset(LABELS.index(g["type"]) for g in paired if g.get("type") in LABELS) or frozenset({0})
        sides = []
        for g in paired:
            found_parties = parties(t, g["type"], words, actors, ranked)
            sides.append(tuple(Choice([p.features for p in found_parties],
                                      _right(found_parties, g, role, entities, named))
                               for role in ("source", "target")))
        out.append(Example(t, Choice(label_candidates(feats, LABELS), right), paired, feats, sides))
    return out


def _told_beside(t: Trigger, spans, lex: EventLexicon) -> bool:
    """Whether a gold event of a type the candidate's word may signal is coded at another word
    of its sentence ("the ministers met for talks": the talks coded, "met" maybe the same
    meeting: GOLD.md codes one event at its clearest words)."""
    types = lex.types(t.lemma, t.pos) if t.pos in POS else set()
    sent = sentence_of(t.token)
    return bool(types) and any(g.get("type") in types and sent.start_char <= s < sent.end_char for s, _, g in spans)


def _heads(found: list[Trigger], spans: list[tuple[int, int, dict]]) -> dict[int, list[dict]]:
    """{candidate index: the gold events it stands for}: of the candidates a gold trigger's
    words overlap, the one highest in the parse ("visit" of "state visit", "agree" of "if the
    banks did not agree")."""
    out: dict[int, list[dict]] = {}
    for s, e, g in spans:
        inside = [k for k, t in enumerate(found) if t.chars[0] < e and s < t.chars[1]]
        if inside:
            k = min(inside, key=lambda k: (_depth(found[k].token), found[k].token.i))
            out.setdefault(k, []).append(g)
    return out


def _depth(token) -> int:
    return sum(1 for _ in token.ancestors)


def _right(found, g: dict, role: str, entities: GoldEntities, named: dict) -> frozenset[int]:
    wanted = listify(g.get(f"{role}s")) or listify(g.get(role))
    if not wanted:
        return frozenset({0})  # nobody
    return frozenset(k for k, p in enumerate(found) if p.token is not None and any(
        actor_matches(party_actor(p, named), w, entities) for w in wanted))


def mode_choices(all_examples: list[Example]) -> tuple[list[Choice], dict[str, list[str]]]:
    """The mode choice of each paired candidate, and the modes seen per type ("" for none)."""
    modes: dict[str, set[str]] = {}
    for e in all_examples:
        for g in e.gold:
            modes.setdefault(g["type"], set()).add(g.get("mode") or "")
    ordered = {t: sorted(m) for t, m in sorted(modes.items())}
    choices = []
    for e in all_examples:
        for g in e.gold:
            labels = ordered[g["type"]]
            if len(labels) > 1:
                choices.append(Choice(label_candidates(e.features, tuple(f"{g['type']}|{m}" for m in labels)),
                                      frozenset({labels.index(g.get("mode") or "")})))
    return choices, ordered


def fit_choosers(all_examples: list[Example], vocab: dict, l2: dict | None = None) -> dict:
    """{chooser: Ranker} fitted on the examples."""
    l2 = {**L2, **(l2 or {})}
    modes, seen = mode_choices(all_examples)
    models = {"type": fit([e.type for e in all_examples], l2=l2["type"], min_count=MIN_COUNT),
              "mode": _fit(modes, l2["mode"])}
    for k, role in enumerate(("source", "target")):
        models[role] = _fit([s[k] for e in all_examples for s in e.sides], l2[role])
    models["type"].weights = {f: w for f, w in models["type"].weights.items() if abs(w) >= PRUNE}
    models["type"].meta.update(vocabulary=vocab, prune=PRUNE)
    models["mode"].meta["modes"] = seen
    return models


def _fit(choices: list[Choice], l2: float) -> Ranker:
    """A chooser, or one with no weights (every candidate alike) when the gold gives it nothing
    to learn (no type with two modes, say)."""
    return fit(choices, l2=l2, min_count=MIN_COUNT) if any(c.right for c in choices) else Ranker({}, {"choices": 0})


def _shipped() -> dict[str, Ranker]:
    models = {c: Ranker.load(SHIPPED / f"{c}.json") for c in CHOOSERS}
    for m in models.values():
        m.meta = {**m.meta, "shipped": True}
    return models


def fit_models(docs: list, records: list[dict]) -> tuple[dict, dict]:
    """The choosers fitted on parsed, linked articles and their gold records, and what the
    model folder's meta records of them."""
    vocab = vocabulary(zip(docs, records))
    lex = load_lexicon()
    known = known_lemmas(vocab, lex)
    found = [e for doc, rec in zip(docs, records) for e in examples(doc, rec, lex, known)]
    # Gold without events (an amounts-only file) has nothing to teach: the shipped weights stay.
    models = fit_choosers(found, vocab) if any(e.gold for e in found) else _shipped()
    return models, {"candidates": len(found), "events": sum(len(e.gold) for e in found)}


def train_events(records: list[dict], out_dir: Path, seed: int = 0) -> Path:
    """Fit the choosers on `records` and write them to `out_dir`/newsfacts_events."""
    started = time.perf_counter()
    models, counts = fit_models(list(parse(records)), records)
    return save_folder(Path(out_dir) / COMPONENT, models, {
        "component": COMPONENT, "articles": len(records), **counts, "seed": seed,
        "seconds": round(time.perf_counter() - started, 1)})


register_trainer(COMPONENT, train_events)
