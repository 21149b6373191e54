"""Fold split by article and the cross-validation driver with a trainer registered in the hook."""

import json
import os

import pytest

from evaluation.folds import cross_validate, split_folds
from evaluation.scoring import Metric, Scores
from evaluation.trainable import (COMPONENT_MODELS_ENV, component_models, load_trainers, register_trainer, trainers,
                                  unregister_trainer)


def records(n):
    return [{"id": f"art-{i}", "text": f"Invented article number {i} about Halvorsen Industries.",
             "gold": {}} for i in range(n)]


def test_split_is_deterministic_by_article_and_covers_every_record_once():
    recs = records(23)
    # a second annotation of article 5: it must land in the same fold as the first
    recs.append({**recs[5], "id": "art-5-second-annotator"})
    folds = split_folds(recs, 5, seed=7)
    assert folds == split_folds(recs, 5, seed=7)
    # the file order does not change which articles go together
    by_id = lambda recs_, fs: [sorted(recs_[i]["id"] for i in f) for f in fs]
    assert sorted(map(tuple, by_id(recs, folds))) == sorted(
        map(tuple, by_id(recs[::-1], split_folds(recs[::-1], 5, seed=7))))
    flat = sorted(i for f in folds for i in f)
    assert flat == list(range(len(recs)))
    assert {len(f) for f in folds} <= {4, 5, 6}
    fold_of = {i: n for n, f in enumerate(folds) for i in f}
    assert fold_of[5] == fold_of[len(recs) - 1]
    assert folds != split_folds(recs, 5, seed=8)


def test_split_needs_two_folds_and_enough_articles():
    with pytest.raises(ValueError):
        split_folds(records(3), 1)
    with pytest.raises(ValueError):
        split_folds(records(3), 4)


def test_cross_validation_trains_on_the_other_folds(tmp_path):
    recs = records(9)
    calls = []

    def train_demo(training, out_dir, seed):
        calls.append(({r["id"] for r in training}, seed))
        (out_dir / "model.txt").write_text(str(len(training)))
        return out_dir

    def run_fold(i, held, models):
        assert set(models) == {"demo"} and (models["demo"] / "model.txt").exists()
        seen.append((i, {r["id"] for r in held}))
        return Scores(sections={"amounts": [Metric("recall", i, 4)]})

    seen = []
    cv = cross_validate(recs, 3, seed=1, run_fold=run_fold, work_dir=tmp_path, trainers={"demo": train_demo})
    every = {r["id"] for r in recs}
    assert len(calls) == 3 and all(seed == 1 for _, seed in calls)
    for (training, _), (_, held) in zip(calls, seen):
        assert training == every - held  # trained on exactly the other folds
    summary = cv.summary()["amounts"]["recall"]
    assert summary["mean"] == pytest.approx(0.25) and summary["sd"] == pytest.approx(0.25)
    assert (summary["correct"], summary["total"], summary["n"]) == (3, 12, 3)
    assert json.loads(json.dumps(cv.as_dict()))["folds"][0]["models"]["demo"].endswith("demo")


def test_without_trainers_folds_are_plain_scoring():
    seen = []
    cv = cross_validate(records(4), 2, seed=0, trainers={},
                        run_fold=lambda i, held, models: seen.append(models) or Scores(sections={}))
    assert seen == [{}, {}] and len(cv.folds) == 2


def test_component_models_env_contract():
    assert component_models({}) == {}
    env = {COMPONENT_MODELS_ENV: json.dumps({"demands": "/models/fold-0/demands"})}
    assert {k: str(v) for k, v in component_models(env).items()} == {"demands": "/models/fold-0/demands"}
    with pytest.raises(ValueError):
        component_models({COMPONENT_MODELS_ENV: "[1, 2]"})


def test_the_registry_holds_what_registers_and_the_shipped_trainers():
    register_trainer("demo", lambda records, out_dir, seed: out_dir)
    try:
        assert "demo" in trainers()
    finally:
        unregister_trainer("demo")
    assert "demo" not in trainers()
    assert {"newsfacts_amounts", "newsfacts_demands"} <= set(load_trainers())


def test_the_span_decision_trains_before_the_extractors_that_parse_with_it():
    # (the extractors' trainers read the entities the shipped span decision types)
    order = list(load_trainers())
    assert order[0] == "newsfacts_entity_types"
    assert order[1:] == sorted(order[1:])


def train_pid(training, out_dir, seed):
    """A trainer that records which process trained it (module level: a new process imports it)."""
    (out_dir / "pid.txt").write_text(f"{os.getpid()} {len(training)} {seed}")
    return out_dir


def test_each_fold_can_train_in_a_new_process(tmp_path):
    models = []
    cv = cross_validate(records(6), 3, seed=2, work_dir=tmp_path, trainers={"pid": train_pid}, fresh_process=True,
                        run_fold=lambda i, held, m: models.append(m["pid"]) or Scores(sections={}))
    written = [(folder / "pid.txt").read_text().split() for folder in models]
    pids = {int(pid) for pid, _, _ in written}
    assert len(pids) == 3 and os.getpid() not in pids  # a new process for every fold
    assert all((n, seed) == ("4", "2") for _, n, seed in written) and len(cv.folds) == 3
