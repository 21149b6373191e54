"""Which spaCy pipeline a run uses, named without importing spaCy (`transforms.nlp` loads it;
the command line's checks and the nothing-new path only need the names)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_MODEL = "NEWSFACTS_SPACY_MODEL"
# "numpy" (default) or "blis": which library thinc multiplies matrices with.
ENV_MATMUL = "NEWSFACTS_MATMUL"
# JSON {component name: model folder}: trained models for trainable extractors, passed to their
# factories as `model_dir` (cross-validation points them at each fold's models).
ENV_COMPONENT_MODELS = "NEWSFACTS_COMPONENT_MODELS"
MODELS = Path(__file__).resolve().parent.parent / "models"
# The project's own trained pipeline, shipped in the repository.
BUNDLED_MODEL = MODELS / "newsfacts_en"
# The extractors run after the model, in this order: the linker first, since the others read
# its clusters from the spans.
EXTRACTORS = ("newsfacts_linker", "newsfacts_amounts", "newsfacts_demands", "newsfacts_events")
# The component that types the model's entity spans (and, with a trained model, keeps or drops
# them); added before the extractors whenever the model has an NER.
ENTITY_TYPES = "newsfacts_entity_types"
# The model's NER: its weights tuned on annotated news ship apart (`transforms.entities.ner`).
NER = "ner"
# The last component: what leaves the pipeline (`transforms.nlp.release`).
RELEASE = "newsfacts_release"
META_NER = "newsfacts_ner"  # nlp.meta key: the tuned NER weights' name, when loaded


@dataclass(frozen=True)
class PipelineSpec:
    """Which pipeline a run uses: the spaCy model (see `resolve_model_name`), the extractor
    components added after it, by factory name and in order, and the modules to import first
    so that a user's own factories are registered (`extractors` and `extractor_modules` in
    `newsfacts.toml`)."""

    model: str | None = None
    extractors: tuple[str, ...] = EXTRACTORS
    modules: tuple[str, ...] = ()
    # The bundled model's NER with the tuned weights (`models/newsfacts_ner`, or a fold's); the
    # trainers read the untuned NER's parse: tuned on their own articles, it would show them
    # almost none of the NER's mistakes that the span decision and the choosers learn to mend.
    tuned_ner: bool = True


def resolve_model_name(name: str | None = None) -> str:
    """The pipeline to load: the argument, else $NEWSFACTS_SPACY_MODEL, else the bundled model
    when present, else "blank:en" (tokenizer and rule-based sentences only)."""
    if name:
        return name
    if os.environ.get(ENV_MODEL):
        return os.environ[ENV_MODEL]
    if (BUNDLED_MODEL / "meta.json").exists():
        return str(BUNDLED_MODEL)
    return "blank:en"
