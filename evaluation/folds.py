"""Cross-validation: a seeded split of gold records by article, and the driver over its folds.

Pure apart from what the caller's `run_fold` and the registered trainers do: `evaluation/run.py`
gives a `run_fold` that publishes the held fold with the real flow and scores it.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import random
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from evaluation.scoring import Scores
from evaluation.trainable import load_trainers


def article_key(record: dict) -> str:
    """Records of one article share this key (two annotations of one article stay in one fold)."""
    text = record.get("text")
    if text:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()
    return f"id:{record.get('id')}"


def split_folds(records: list[dict], k: int, seed: int = 0) -> list[list[int]]:
    """Indices of `records` in `k` folds, by article, seeded and deterministic.

    Articles (by `article_key`) are sorted, shuffled with `random.Random(seed)` and dealt round
    robin, so fold sizes differ by at most one article and the split depends only on the set of
    articles and the seed, not on the file's order. Each fold lists its indices in file order.
    """
    if k < 2:
        raise ValueError(f"--folds needs at least 2 folds, got {k}")
    groups: dict[str, list[int]] = {}
    for i, rec in enumerate(records):
        groups.setdefault(article_key(rec), []).append(i)
    if len(groups) < k:
        raise ValueError(f"{k} folds need at least {k} articles, the gold file has {len(groups)}")
    keys = sorted(groups)
    random.Random(seed).shuffle(keys)
    folds: list[list[int]] = [[] for _ in range(k)]
    for n, key in enumerate(keys):
        folds[n % k].extend(groups[key])
    return [sorted(f) for f in folds]


@dataclass
class FoldResult:
    fold: int
    record_ids: list[str]
    models: dict[str, str]
    scores: Scores


@dataclass
class CrossValidation:
    k: int
    seed: int
    folds: list[FoldResult] = field(default_factory=list)

    def summary(self) -> dict[str, dict[str, dict]]:
        """Per section and metric: mean and sample standard deviation of the folds' values (folds
        where the metric counted nothing are left out, `n` says how many counted), and the counts
        pooled over folds."""
        out: dict[str, dict[str, dict]] = {}
        for f in self.folds:
            for section, metrics in f.scores.sections.items():
                for m in metrics:
                    out.setdefault(section, {}).setdefault(m.name, {"values": [], "correct": 0, "total": 0})
                    entry = out[section][m.name]
                    entry["correct"] += m.correct
                    entry["total"] += m.total
                    if m.value is not None:
                        entry["values"].append(m.value)
        for metrics in out.values():
            for entry in metrics.values():
                values = entry.pop("values")
                entry["n"] = len(values)
                entry["mean"] = sum(values) / len(values) if values else None
                entry["sd"] = (math.sqrt(sum((v - entry["mean"]) ** 2 for v in values) / (len(values) - 1))
                               if len(values) > 1 else None)
        return out

    def as_dict(self, errors: bool = False) -> dict:
        return {
            "k": self.k, "seed": self.seed,
            "folds": [{"fold": f.fold, "records": f.record_ids, "models": f.models,
                       **({k: v for k, v in f.scores.as_dict().items() if errors or k != "errors"})}
                      for f in self.folds],
            "summary": self.summary(),
        }


def format_summary(cv: CrossValidation) -> str:
    lines = [f"{cv.k}-fold cross-validation (seed {cv.seed}): mean ± sd over folds",
             f"{'section':<10} {'metric':<20} {'mean':>7} {'sd':>7}  pooled counts", "-" * 60]
    for section, metrics in cv.summary().items():
        for name, e in metrics.items():
            mean = "n/a" if e["mean"] is None else f"{e['mean']:.3f}"
            sd = "n/a" if e["sd"] is None else f"{e['sd']:.3f}"
            lines.append(f"{section:<10} {name:<20} {mean:>7} {sd:>7}  {e['correct']}/{e['total']}")
    return "\n".join(lines)


RunFold = Callable[[int, list[dict], dict[str, Path]], Scores]


def cross_validate(records: list[dict], k: int, seed: int, run_fold: RunFold,
                   work_dir: Path | None = None, train: bool = True,
                   trainers: dict | None = None, fresh_process: bool | None = None) -> CrossValidation:
    """For each fold: train every registered component on the other folds, then score the fold.

    run_fold (callable): `(fold number, held records, {component: model folder}) -> Scores`.
    work_dir (Path | None): where trained models go (fold-<i>/models/<component>); by default a
        temporary folder removed afterwards.
    train (bool): False scores each fold with the shipped models (no trainer is called).
    trainers (dict | None): {component: trainer} to use instead of the registered ones.
    fresh_process (bool | None): train each fold in a new process (module-level trainers only;
        a calling script guards its top level with `if __name__ == "__main__"`, as spawned
        processes need); by default the registered trainers do, so that a fold's models are the
        ones `newsfacts train` makes from the same articles. A trainer's error is raised here.
    """
    folds = split_folds(records, k, seed)
    registry = (load_trainers() if trainers is None else trainers) if train else {}
    fresh = (trainers is None) if fresh_process is None else fresh_process
    cv = CrossValidation(k=k, seed=seed)
    with tempfile.TemporaryDirectory(prefix="newsfacts-cv-") as tmp:
        root = Path(work_dir) if work_dir else Path(tmp)
        for i, held_idx in enumerate(folds):
            held_set = set(held_idx)
            held = [records[j] for j in held_idx]
            training = [r for j, r in enumerate(records) if j not in held_set]
            fold_dir = root / f"fold-{i}" / "models"
            models = (_train_in_new_process if fresh and registry else _train)(registry, training, fold_dir, seed)
            scores = run_fold(i, held, models)
            cv.folds.append(FoldResult(i, [r["id"] for r in held], {c: str(p) for c, p in models.items()},
                                       scores))
    return cv


def _train(registry: dict, training: list[dict], fold_dir: Path, seed: int) -> dict[str, Path]:
    models: dict[str, Path] = {}
    for component, train_fn in registry.items():
        out_dir = fold_dir / component
        out_dir.mkdir(parents=True, exist_ok=True)
        models[component] = Path(train_fn(training, out_dir, seed))
    return models


def _train_in_new_process(registry: dict, training: list[dict], fold_dir: Path, seed: int) -> dict[str, Path]:
    """`_train` in a new ("spawn") process. Trained after an earlier fold's flow in the same
    process, the NER's weights were not those of the same training in a new process, and not
    the same from one run to the next (2 of 4 runs of a one-epoch tuning on 30 articles
    differed), so every fold after the first scored another model than `newsfacts train` makes."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_train, registry, training, fold_dir, seed).result()
