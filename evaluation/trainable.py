"""Trainable components: the hook cross-validation trains through, and how a run finds the models.

A component that learns from gold annotations registers a trainer:

    register_trainer("demands", train_demands)

where `train_demands(records, out_dir, seed) -> Path` trains on gold records (GOLD.md format,
`gold` included) and writes a model folder under `out_dir`, returning it. The module doing so
is listed in `TRAINER_MODULES`, so that `load_trainers()` imports it (and it registers) before
cross-validation runs.

For each fold, cross-validation trains every registered component on the other folds and runs the
flow with the environment variable `NEWSFACTS_COMPONENT_MODELS` set to JSON `{component name:
model folder}` (`component_models()` reads it back); pipeline loading uses the folder given for a
component instead of the shipped model. Unset or `{}`: the shipped models.
"""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path
from typing import Callable

COMPONENT_MODELS_ENV = "NEWSFACTS_COMPONENT_MODELS"
# Modules whose import registers a trainer.
TRAINER_MODULES: tuple[str, ...] = ("transforms.money.train", "transforms.demands.train",
                                     "transforms.events.train", "transforms.entities.train",
                                     "transforms.entities.ner")

Trainer = Callable[[list[dict], Path, int], Path]
_TRAINERS: dict[str, Trainer] = {}


def register_trainer(component: str, train_fn: Trainer) -> Trainer:
    """Register `train_fn(records, out_dir, seed) -> model folder` for `component`; returns it
    (usable as a decorator factory's target). Registering a name again replaces the trainer."""
    if not component or not callable(train_fn):
        raise ValueError("register_trainer needs a component name and a callable")
    _TRAINERS[component] = train_fn
    return train_fn


def unregister_trainer(component: str) -> None:
    _TRAINERS.pop(component, None)


# Trained before the others: the extractors' trainers parse their articles with the shipped
# span decision, so it must be the new one for a single `newsfacts train` to give the models it
# would give run twice.
UPSTREAM = ("newsfacts_entity_types",)


def trainers() -> dict[str, Trainer]:
    """The registered trainers (a copy): `UPSTREAM` first, the rest in name order."""
    return dict(sorted(_TRAINERS.items(), key=lambda item: (item[0] not in UPSTREAM, item[0])))


def load_trainers() -> dict[str, Trainer]:
    """Import `TRAINER_MODULES` (they register themselves), then return the registry."""
    for module in TRAINER_MODULES:
        importlib.import_module(module)
    return trainers()


def component_models(environ: dict | None = None) -> dict[str, Path]:
    """`{component: model folder}` from `NEWSFACTS_COMPONENT_MODELS`; {} when unset or empty."""
    raw = (os.environ if environ is None else environ).get(COMPONENT_MODELS_ENV, "").strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as e:
        raise ValueError(f"{COMPONENT_MODELS_ENV} is not JSON: {e}") from e
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError(f"{COMPONENT_MODELS_ENV} must be a JSON object of component name -> folder")
    return {k: Path(v) for k, v in value.items()}
