"""Fast cross-validation of the extractors' learned choosers, for trying a change to them.

    newsfacts eval --gold ../shared/eval/train.jsonl --folds 5 --choosers [amounts demands events]

The measure of record is `newsfacts eval --folds K`: every fold tunes the NER, trains every
trainable component and runs the nightly flow on the held articles (about 25 minutes for
train.jsonl on 2 cores). This parses the gold articles once, as the choosers' trainers parse
them (`transforms.money.train.parse`: the untuned NER, the shipped span decision and linker),
then per fold fits only the amounts', demands' and events' choosers on the other folds
(`fit_models` of each trainer), runs them on the held articles in pipeline order (the events
read the demands, so they bring the demands' choosers with them) and scores the rows with the
same scorer on the same folds: a few minutes, so that a feature or a threshold can be tried
against the same folds many times before the official run says whether it stays.

Its figures compare with one another, not with the official run's: every fold reads the
untuned NER's spans and the shipped span decision and linker (trained on every article), so
the entities are not scored, and the parties the choosers pick among differ a little.
"""

from __future__ import annotations

from dataclasses import dataclass

from evaluation.folds import CrossValidation, FoldResult, split_folds
from evaluation.scoring import Scores, score
from transforms.coref import COREF, Resolver
from transforms.demands import train as demands_train
from transforms.demands.component import demand_facts
from transforms.demands.learned import CHOOSERS as DEMAND_CHOOSERS, DemandModel
from transforms.events import train as events_train
from transforms.events.component import event_facts
from transforms.events.learned import CHOOSERS as EVENT_CHOOSERS, EventModel
from transforms.extract import doc_rows
from transforms.facts import set_facts
from transforms.ingest import parse_published
from transforms.money import train as amounts_train
from transforms.money.component import amount_facts
from transforms.money.learned import CHOOSERS as AMOUNT_CHOOSERS, AmountModel
from transforms.parse import forget

SECTIONS = ("amounts", "demands", "events")
_VERSION = "cv-choosers"  # (the rows' extractor_version: not a shipped model's)


@dataclass
class FoldModels:
    """One fold's fitted extractors (None: not fitted, its facts are not made)."""

    amounts: AmountModel | None = None
    demands: DemandModel | None = None
    events: EventModel | None = None


def fit_fold(docs: list, records: list[dict], sections: tuple[str, ...]) -> FoldModels:
    """The extractors `sections` need, fitted on parsed articles and their gold records."""
    out = FoldModels()
    if "amounts" in sections:
        m, _ = amounts_train.fit_models(docs, records)
        out.amounts = AmountModel(*(m[c] for c in AMOUNT_CHOOSERS), _VERSION,
                                  Resolver(m[COREF]) if COREF in m else None)
    if "demands" in sections or "events" in sections:
        m, _ = demands_train.fit_models(docs, records)
        out.demands = DemandModel(*(m[c] for c in DEMAND_CHOOSERS), _VERSION)
    if "events" in sections:
        m, _ = events_train.fit_models(docs, records)
        out.events = EventModel(*(m[c] for c in EVENT_CHOOSERS), _VERSION)
    return out


def held_rows(doc, record: dict, doc_id: str, models: FoldModels) -> dict[str, list[dict]]:
    """The published rows of one held article: its facts made with the fold's extractors, in
    pipeline order, turned into rows as extraction does (`transforms.extract.doc_rows`)."""
    for name, facts, model in (("amounts", amount_facts, models.amounts), ("demands", demand_facts, models.demands),
                               ("events", event_facts, models.events)):
        if model is not None:
            set_facts(doc, name, facts(doc, model))
    published = parse_published(record.get("published"))  # (as ingestion reads it)
    rows = doc_rows(doc, doc_id, published, _VERSION)
    rows["documents"] = [{"doc_id": doc_id, "external_id": record["id"], "text": doc.text, "published_at": published}]
    return rows


def cross_validate_choosers(records: list[dict], k: int, seed: int = 0,
                            sections: tuple[str, ...] = SECTIONS) -> CrossValidation:
    """K folds by article (`evaluation.folds.split_folds`, the official run's split): per fold,
    the choosers of `sections` fitted on the other folds, the held articles' rows scored; only
    `sections` are reported."""
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        raise ValueError(f"no learned choosers for {', '.join(unknown)} (choose from {', '.join(SECTIONS)})")
    folds = split_folds(records, k, seed)
    docs = list(amounts_train.parse(records))
    cv = CrossValidation(k=k, seed=seed)
    for i, held in enumerate(folds):
        held_set = set(held)
        training = [j for j in range(len(records)) if j not in held_set]
        models = fit_fold([docs[j] for j in training], [records[j] for j in training], sections)
        tables: dict[str, list[dict]] = {}
        for j in training + held:
            forget(docs[j])  # (what the fit cached on the Docs was read with its models)
        for j in held:
            for table, rows in held_rows(docs[j], records[j], f"cv{j}", models).items():
                tables.setdefault(table, []).extend(rows)
            forget(docs[j])
        held_records = [records[j] for j in held]
        cv.folds.append(FoldResult(i, [r["id"] for r in held_records], {}, _only(score(held_records, tables), sections)))
    return cv


def _only(scores: Scores, sections: tuple[str, ...]) -> Scores:
    """The scores of `sections` alone, with their errors."""
    return Scores(sections={s: m for s, m in scores.sections.items() if s in sections},
                  errors=[e for e in scores.errors if _section_of(e) in sections],
                  missing_documents=scores.missing_documents)


def _section_of(error: str) -> str | None:
    """The section a scorer's error line is about ("record id: section: what", or "record id:
    section 'its text': what" for a matched fact's attribute)."""
    parts = error.split(": ", 2)
    return parts[1].split(" ", 1)[0] if len(parts) == 3 else None
