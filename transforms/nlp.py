"""The spaCy pipeline: which one is loaded, and the components newsfacts adds to it."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from thinc.api import NumpyOps, set_current_ops

import transforms.entities  # noqa: F401  (registers the newsfacts_entity_types factory)

ENV_MODEL = "NEWSFACTS_SPACY_MODEL"
# "numpy" (default) or "blis": which library thinc multiplies matrices with.
ENV_MATMUL = "NEWSFACTS_MATMUL"
# The project's own trained pipeline, shipped in the repository.
BUNDLED_MODEL = Path(__file__).resolve().parent.parent / "models" / "newsfacts_en"


class ModelError(RuntimeError):
    """The configured spaCy pipeline cannot be loaded."""


@Language.component("newsfacts_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: headlines and paragraphs end without a period.

    Runs before the parser or sentencizer, which keep these boundaries and add their own.
    """
    starts_line = True
    for token in doc:
        if token.is_space:
            # Blank lines belong to the sentence before them, never start their own.
            token.is_sent_start = token.i == 0
        else:
            token.is_sent_start = True if starts_line else None
        starts_line = "\n" in token.text_with_ws
    return doc


class NerOnWords:
    """Runs a pipeline's NER on the document's words alone, without its whitespace tokens.

    Statistical NER is trained on text with no whitespace tokens (CoNLL-2003 has none), and a
    dateline's blank line ("February 3, 2009\n\nGeneral Motors (GM) and ...") made the
    recogniser miss the name right after it. The NER component itself is unchanged (and still
    reachable as `nlp.get_pipe("ner")`); only what it reads is.
    """

    def __init__(self, ner):
        self.ner = ner

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs, batch_size: int = 64):
        for batch in spacy.util.minibatch(docs, batch_size):
            compact = [_words_only(doc) for doc in batch]
            tagged = self.ner.pipe([words for words, _ in compact], batch_size=batch_size)
            for doc, (_, index), words in zip(batch, compact, tagged):
                doc.set_ents([Span(doc, index[e.start], index[e.end - 1] + 1, label=e.label)
                              for e in words.ents], default="outside")
                yield doc


def _words_only(doc: Doc) -> tuple[Doc, list[int]]:
    """The doc without whitespace tokens, and each remaining token's index in `doc`."""
    index = [t.i for t in doc if not t.is_space]
    spaces = [bool(doc[i].whitespace_) or (i + 1 < len(doc) and doc[i + 1].is_space) for i in index]
    return Doc(doc.vocab, words=[doc[i].text for i in index], spaces=spaces), index


@Language.factory("newsfacts_ner_on_words", default_config={"source": "ner"})
def make_ner_on_words(nlp: Language, name: str, source: str) -> NerOnWords:
    return NerOnWords(nlp.get_pipe(source))


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


def load_pipeline(name: str | None = None) -> Language:
    """Load a spaCy pipeline once per process and add newsfacts' components to it.

    name (str | None): a package name, a path, or "blank:<lang>"; see `resolve_model_name`.
    RETURNS (Language): the pipeline, with `newsfacts_line_breaks` first, its NER run on the
        words alone (`newsfacts_ner`; the original `ner` stays, disabled) and
        `newsfacts_entity_types` after it.
    """
    return _load(resolve_model_name(name))


@lru_cache(maxsize=4)
def _load(resolved: str) -> Language:
    # thinc multiplies matrices with blis by default; numpy's bundled OpenBLAS ran the whole
    # pipeline 1.6x faster on our machines (benchmarks/model_speed.py). Layers keep the ops
    # current when they are built, so this must precede spacy.load.
    matmul = os.environ.get(ENV_MATMUL, "numpy").strip().lower()
    if matmul not in ("numpy", "blis"):
        raise ModelError(f"{ENV_MATMUL} must be numpy or blis, not {matmul!r}")
    set_current_ops(NumpyOps(use_blis=matmul == "blis"))
    try:
        if resolved.startswith("blank:"):
            nlp = spacy.blank(resolved.split(":", 1)[1])
        else:
            nlp = spacy.load(resolved)
    except (OSError, ImportError, ValueError) as e:
        raise ModelError(
            f"cannot load the spaCy pipeline {resolved!r} (set by --spacy-model or {ENV_MODEL}): "
            f"{str(e).splitlines()[0]}"
        ) from e
    nlp.add_pipe("newsfacts_line_breaks", first=True)
    if nlp.has_pipe("ner"):
        nlp.add_pipe("newsfacts_ner_on_words", name="newsfacts_ner", after="ner")
        nlp.disable_pipe("ner")
        if not nlp.has_pipe("newsfacts_entity_types"):
            nlp.add_pipe("newsfacts_entity_types", after="newsfacts_ner")
    if not (nlp.has_pipe("parser") or nlp.has_pipe("senter") or nlp.has_pipe("sentencizer")):
        nlp.add_pipe("sentencizer")
    return nlp


def model_version(nlp: Language) -> str:
    """`name-version` of the pipeline, recorded with every run."""
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'pipeline')}-{nlp.meta.get('version', '0')}"
