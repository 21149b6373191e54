"""Train the span decision of `newsfacts_entity_types` on gold articles.

    python -m transforms.entities.train --gold ../shared/eval/train.jsonl   # models/newsfacts_entities/

Each article is parsed by the bundled model without the entity typing; each span the NER found,
boundaries repaired (`EntityTypes.spans`), is one choice among drop/PERSON/ORG/GPE/LOC. The
right choice is the type of the gold entity one of whose aliases the span's text is (folded as
the scorer folds), or the name the linker publishes for it (`_gold_key`); "drop" when no gold
entity has either. Spans whose text is only an optional entity's alias, or that the rules keep
(`decide.decided`: NORP, EVENT, LAW...), teach nothing. Labels therefore mean what the scorer
measures. Training is deterministic (L-BFGS from zero weights); `seed` is recorded only.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from evaluation.scoring import SCORED_ENTITY_TYPES, fold
from evaluation.trainable import register_trainer
from transforms.entities.decide import LABELS, SHIPPED, candidates
from transforms.entities.linking import POSSESSIVES, paragraph_period_cut
from transforms.entities.types import EntityTypes, _rules
from transforms.nlp import ENTITY_TYPES, PipelineSpec, load_pipeline
from transforms.parse import doc_text
from transforms.ranker import Choice, fit, save_folder

COMPONENT = ENTITY_TYPES
FOLDER = SHIPPED.name
# L2 penalty and feature count floor, chosen by 5-fold cross-validation on train.jsonl (entity
# F1: l2 0.3 / 1 / 3 -> 0.9207 / 0.9213 / 0.9191; min_count 1: 0.9211 with twice the features).
L2 = 1.0
MIN_COUNT = 2


def gold_types(record: dict) -> tuple[dict[str, str], set[str]]:
    """{folded alias: type} of the required scored gold entities, and the folded aliases of the
    optional ones (a span naming only those is neither right nor wrong)."""
    required, optional = {}, set()
    for g in record["gold"].get("entities", []):
        forms = {fold(a) for a in g.get("aliases", [])} | {fold(g["name"])}
        if g.get("optional") or g["type"] not in SCORED_ENTITY_TYPES:
            optional |= forms
        else:
            required.update((f, g["type"]) for f in forms)
    return required, optional


def examples(types: EntityTypes, doc, record: dict) -> list[Choice]:
    """The choices of one article parsed without entity typing (`raw_docs`) and its gold."""
    return examples_from(types, types.spans(doc)[1], record)


def examples_from(types: EntityTypes, spans: list, record: dict) -> list[Choice]:
    """The choices of the spans `EntityTypes.spans` gave for one article."""
    required, optional = gold_types(record)
    out = []
    for (ent, rule), feats in zip(spans, types.features(spans)):
        key = _gold_key(ent, required.keys() | optional, types.honorifics)
        if not types.decided(ent, rule) or (key in optional and key not in required):
            continue
        out.append(Choice(candidates(feats), frozenset({LABELS.index(required.get(key))})))
    return out


def _gold_key(ent, known, honorifics: frozenset[str]) -> str:
    """The folded text to look a span up in the gold by: its own, or where that is no gold alias
    (`known`) and a form the linker may publish for it is, that form: without a leading
    honorific ("Mr. Orvell"), a possessive ("Orvell's"), or a corporate suffix's period before a
    line break (`linking.paragraph_period_cut`: "Velder Co.\n\n"), so that a span published
    right is not taught as wrong (5-fold entity F1 0.9507 -> 0.9508, and 0.9498 -> 0.9499 with
    the fold NERs of another training)."""
    key = fold(ent.text)
    if key in known or len(ent) < 2:
        return key
    published = []
    if paragraph_period_cut(doc_text(ent.doc), ent.end_char, ent.text):
        published.append(ent.text[:-1])
    if ent[0].lower_ in honorifics:
        published.append(ent[1:].text)
    if ent[-1].lower_ in POSSESSIVES:
        published.append(ent[:-1].text)
    return next((fold(p) for p in published if fold(p) in known), key)


def raw_docs(records: list[dict]) -> list:
    """Each record's text parsed by the bundled model with its untuned NER (`PipelineSpec.tuned_ner`),
    entity typing left out (all parsed before returning: the shared pipeline gets its entity
    typing back at once)."""
    nlp = load_pipeline(PipelineSpec(extractors=(), tuned_ner=False))
    with nlp.select_pipes(disable=["newsfacts_entity_types"]):
        return list(nlp.pipe((r["text"] for r in records), batch_size=32))


def fit_span(choices: list[Choice], l2: float = L2, min_count: int = MIN_COUNT):
    return fit(choices, l2=l2, min_count=min_count)


def train_entities(records: list[dict], out_dir: Path, seed: int = 0) -> Path:
    """Fit the span decision on `records` and write it to `out_dir`/newsfacts_entities."""
    started = time.perf_counter()
    types = EntityTypes(_rules()["label_map"])
    choices = [c for doc, rec in zip(raw_docs(records), records) for c in examples(types, doc, rec)]
    if not choices:
        raise ValueError("no entity span in the articles")
    return save_folder(Path(out_dir) / FOLDER, {"span": fit_span(choices)}, {
        "component": COMPONENT, "articles": len(records), "spans": len(choices), "seed": seed,
        "seconds": round(time.perf_counter() - started, 1)})


register_trainer(COMPONENT, train_entities)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True, help="gold articles (JSON lines)")
    parser.add_argument("--out", type=Path, default=SHIPPED.parent, help="folder to write newsfacts_entities/ in")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    records = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(train_entities(records, args.out, args.seed))


if __name__ == "__main__":
    main()
