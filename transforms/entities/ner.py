"""The NER tuned on annotated news: the bundled model's NER trained further on gold articles.

    newsfacts train --gold ../shared/eval/train.jsonl --component ner   # models/newsfacts_ner/

The bundled model's NER learned CoNLL-2003 and WikiNEuRal; on this project's news it misses
companies and cuts names where the annotation guidelines (GOLD.md) do not. Here it goes on
learning from every alias occurrence of the gold articles' entities, labelled as CoNLL labels
(PERSON -> PER, ORG -> ORG, GPE and LOC -> LOC, NORP -> MISC). The gold is exhaustive for
PERSON/ORG/GPE/LOC only, so what it does not decide is left unknown, not "no entity": optional
items (descriptions, laws, products), one text given two labels, and a span the bundled NER
calls MISC where the gold has nothing. CoNLL-2003 sentences are rehearsed beside them (as many
ten-sentence documents per epoch as there are articles) so that the NER keeps its newswire.

Only the NER's weights change (its own encoder included): the folder holds `ner/`, which the
pipeline loads over the bundled NER (`apply`). Training is seeded: the same weights every time.
The same tuning with `VERIFIERS` other seeds goes to `verify-1/`, ...: the pipeline reads again
with them the entities the NER was unsure of (`transforms.entities.confirm`).
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import sys
import time
from pathlib import Path

from evaluation.trainable import register_trainer
from transforms.pipeline import META_NER, MODELS, NER

COMPONENT = NER
FOLDER = "newsfacts_ner"
SHIPPED = MODELS / FOLDER
# CoNLL-2003 training sentences, rehearsed while tuning (models/README.md: provenance, licence).
ENV_CONLL = "NEWSFACTS_CONLL_TRAIN"
CONLL_TRAIN = MODELS.parent.parent / "shared" / "corpora" / "conll2003" / "train.txt"
CONLL_LABEL = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "NORP": "MISC"}
# Chosen on fold 0 of train.jsonl (benchmarks/README.md, "Seventh round").
EPOCHS = 4
LEARN_RATE = 0.0005
DROPOUT = 0.2
BATCH = 8
REHEARSAL = 1.0  # CoNLL documents per gold article, each epoch
# Tunings with the next seeds that must confirm a doubtful entity (5-fold entity F1 0.9483 with
# none, 0.9499 and 0.9502 with either one, 0.9507 with both: benchmarks/README.md)
VERIFIERS = 2
VERIFIER = "verify-{}"


def alias_spans(record: dict) -> list[tuple[int, int, str | None]]:
    """(start, end, CoNLL label) of every occurrence of a gold alias in the text, as a whole
    word; the label is None for an optional entity's alias (unknown rather than no entity)."""
    text, found = record["text"], []
    for entity in record["gold"].get("entities", []):
        label = CONLL_LABEL.get(entity["type"])
        if entity.get("optional") and entity["type"] != "NORP":
            label = None
        for alias in {a for a in entity.get("aliases", []) if a.strip()}:
            pattern = r"(?<!\w)" + re.escape(alias) + r"(?!\w)"
            found += [(m.start(), m.end(), label) for m in re.finditer(pattern, text)]
    return found


def token_spans(doc, index: list[int], spans: list[tuple[int, int, str | None]]) -> list[tuple[int, int, str | None]]:
    """The character spans as spans of the words (`index`: each word's token in `doc`), longest
    first, none overlapping; one extent given two labels becomes unknown (None)."""
    word = {t: w for w, t in enumerate(index)}
    taken: dict[int, int] = {}
    out: list[tuple[int, int, str | None]] = []
    for start, end, label in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        span = doc.char_span(start, end, alignment_mode="expand")
        words = [word[t] for t in range(span.start, span.end) if t in word] if span is not None else []
        if not words:
            continue
        a, b = words[0], words[-1] + 1
        clashes = {taken[w] for w in range(a, b) if w in taken}
        for k in clashes:  # the same words under another label: nobody knows which
            if out[k][:2] == (a, b) and out[k][2] != label:
                out[k] = (a, b, None)
        if not clashes:
            taken.update({w: len(out) for w in range(a, b)})
            out.append((a, b, label))
    return out


def references(nlp, records: list[dict]) -> list:
    """The gold articles as the NER learns them: their words (no whitespace tokens, as the
    pipeline reads them) with entities, unknown where the gold does not decide (the bundled
    NER's MISC spans read in batches)."""
    from transforms.nlp import _words_only

    docs = [nlp.make_doc(r["text"]) for r in records]
    compact = [_words_only(doc) for doc in docs]
    predicted = nlp.get_pipe(NER).pipe((words.copy() for words, _ in compact), batch_size=32)
    return [_reference(doc, words, index, pred, record)
            for doc, (words, index), pred, record in zip(docs, compact, predicted, records)]


def _reference(doc, words, index: list[int], predicted, record: dict):
    from spacy.tokens import Doc, Span

    spans = token_spans(doc, index, alias_spans(record))
    ref = Doc(doc.vocab, words=[w.text for w in words], spaces=[bool(w.whitespace_) for w in words])
    covered = {w for a, b, _ in spans for w in range(a, b)}
    misc = [(e.start, e.end) for e in predicted.ents
            if e.label_ == "MISC" and not covered & set(range(e.start, e.end))]
    ref.set_ents([Span(ref, a, b, label=label) for a, b, label in spans if label],
                 missing=[Span(ref, a, b) for a, b, label in spans if not label] + [Span(ref, a, b) for a, b in misc],
                 default="outside")
    return ref


def rehearsal_docs(vocab, path: Path) -> list:
    """CoNLL-2003 training sentences, ten to a document; [] (with a warning) when the file is
    not there, so that a machine without the corpora can still tune."""
    from spacy.training.converters import conll_ner_to_docs

    if not path.is_file():
        print(f"newsfacts: {path} not found: tuning the NER without CoNLL rehearsal "
              f"(set {ENV_CONLL})", file=sys.stderr)
        return []
    docs = conll_ner_to_docs(path.read_text(encoding="utf-8"), n_sents=10, no_print=True)
    return [vocab_doc(vocab, d) for d in docs]


def vocab_doc(vocab, doc):
    """`doc` (words and entities) in `vocab`."""
    from spacy.tokens import Doc

    return Doc(vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc],
               ents=[t.ent_iob_ + ("-" + t.ent_type_ if t.ent_type_ else "") or "O" for t in doc])


def tune(nlp, gold: list, rehearse: list, seed: int) -> object:
    """Train `nlp`'s NER on the gold documents, with as many rehearsal documents drawn each epoch
    as there are gold ones; returns the optimiser (its averages are the weights to keep)."""
    from spacy.tokens import Doc
    from spacy.training import Example
    from spacy.util import minibatch
    from thinc.api import fix_random_seed

    fix_random_seed(seed)
    rng = random.Random(seed)

    def example(ref):
        return Example(Doc(nlp.vocab, words=[t.text for t in ref], spaces=[bool(t.whitespace_) for t in ref]), ref)

    gold_examples, rehearsal = [example(d) for d in gold], [example(d) for d in rehearse]
    optimizer = nlp.resume_training()
    optimizer.learn_rate = LEARN_RATE
    others = [p for p in nlp.pipe_names if p != NER]
    for _ in range(EPOCHS):
        batch = gold_examples + rng.sample(rehearsal, min(len(rehearsal), round(REHEARSAL * len(gold))))
        rng.shuffle(batch)
        for examples in minibatch(batch, size=BATCH):
            nlp.update(examples, sgd=optimizer, drop=DROPOUT, exclude=others)
    return optimizer


def train_ner(records: list[dict], out_dir: Path, seed: int = 0) -> Path:
    """Tune the bundled model's NER on `records` and write it to `out_dir`/newsfacts_ner, with
    its verifiers (the same tuning seeded `seed` + 1, ...)."""
    import spacy
    from thinc.api import use_ops

    from transforms.pipeline import BUNDLED_MODEL
    from transforms.ranker import save_folder

    started = time.perf_counter()
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    # thinc's default matrix library whatever a pipeline loaded earlier in the process set
    # (`transforms.nlp` runs on numpy's): the same weights in a fold as from the command line
    with use_ops("numpy", use_blis=True):
        nlp = spacy.load(BUNDLED_MODEL)
        # an article without an `entities` list was not annotated for them: it teaches nothing
        gold = references(nlp, [r for r in records if "entities" in r.get("gold", {})])
        rehearse = rehearsal_docs(nlp.vocab, Path(os.environ.get(ENV_CONLL) or CONLL_TRAIN)) if gold else []
        bundled = nlp.get_pipe(NER).to_bytes(exclude=["vocab"])
        for i in range(1 + VERIFIERS):
            nlp.get_pipe(NER).from_bytes(bundled, exclude=["vocab"])
            # no annotated article: the bundled weights unchanged (a gold file of amounts only still trains)
            weights = tune(nlp, gold, rehearse, seed + i).averages if gold else {}
            with nlp.use_params(weights):  # (the vocabulary, vectors included, is the bundled model's)
                nlp.get_pipe(NER).to_disk(folder / (VERIFIER.format(i) if i else NER), exclude=["vocab"])
    return save_folder(folder, {}, {
        "component": COMPONENT, "base": f"{nlp.meta['name']}-{nlp.meta['version']}", "articles": len(gold),
        "rehearsal_documents": len(rehearse), "epochs": EPOCHS, "seed": seed,
        "verifier_seeds": [seed + i for i in range(1, 1 + VERIFIERS)],
        "seconds": round(time.perf_counter() - started, 1)})


def apply(nlp, folder: Path) -> None:
    """Load the tuned NER weights in `folder` over `nlp`'s NER, its verifiers beside it
    (`confirm.install`), and name them in `nlp.meta` (`extractor_version` records them: other
    weights, other rows)."""
    from transforms.entities import confirm

    folder = Path(folder)
    nlp.get_pipe(NER).from_disk(folder / NER, exclude=["vocab"])
    config = {k: v for k, v in nlp.config["components"][NER].items() if k != "factory"}
    verifiers = []
    for path in _verifier_folders(folder):
        verifier = nlp.create_pipe(NER, name=path.name, config=config)
        verifier.from_disk(path, exclude=["vocab"])
        verifiers.append(verifier)
    confirm.install(nlp, verifiers)
    nlp.meta[META_NER] = weights_name(folder)


def _verifier_folders(folder: Path) -> list[Path]:
    return [folder / VERIFIER.format(i) for i in range(1, 1 + VERIFIERS) if (folder / VERIFIER.format(i)).is_dir()]


def weights_name(folder: Path) -> str:
    """`ner-<digest>`: what `extractor_version` records of the tuned weights in `folder`, its
    verifiers' included (OSError when they are not there)."""
    digest = hashlib.sha256((folder / NER / "model").read_bytes())
    for path in _verifier_folders(folder):
        digest.update((path / "model").read_bytes())
    return "ner-" + digest.hexdigest()[:12]


def tuned_folder(resolved: str, folder: str | Path | None) -> Path | None:
    """The tuned weights a pipeline loads over its NER: `folder` (a fold's), else the shipped
    ones when the model is the bundled one (they were tuned from its NER, not another model's)."""
    from transforms.pipeline import BUNDLED_MODEL

    if folder:
        return Path(folder)
    bundled = not resolved.startswith("blank:") and Path(resolved).resolve() == BUNDLED_MODEL
    return SHIPPED if bundled and (SHIPPED / NER).is_dir() else None


register_trainer(COMPONENT, train_ner)
