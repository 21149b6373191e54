"""A second opinion on the entities the tuned NER was unsure of.

The tuned NER (`transforms.entities.ner`) is one draw of a seeded training: tuned with another
seed, it finds the same words for nearly every entity, and the few it does not find are more
often wrong than right. Running other tunings over every word would cost a quarter of the
pipeline's time, so only the doubtful entities are read again:

- `MarginNER` decodes the NER exactly as spaCy's greedy decoder does, and keeps each word's
  margin: the chosen action's score minus the best other valid action's;
- `Confirm`, after the parser, reads each entity whose smallest margin is under `MARGIN` again,
  in its sentence (from `REACH` words before the sentence's first doubtful entity to `REACH`
  after its last), with each verifier (the same NER tuned with other seeds), and drops it unless
  every verifier finds the same words (any label).

Both run inside `newsfacts_on_words`, on the words (`install`). 5-fold cross-validation on
train.jsonl: benchmarks/README.md, "Twenty-first round".
"""

from __future__ import annotations

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc
from spacy.util import minibatch

# Entities the NER chose by a smaller margin are checked (5-fold entity F1 with two verifiers:
# 0.5 -> 0.9497, 1 -> 0.9507, 1.5 -> 0.9499, 2 -> 0.9495; none checked: 0.9483).
MARGIN = 1.0
# Words read on either side of a sentence's doubtful entities: the NER's encoder sees 4 words
# either side of a word, so 8 gives the words before an entity their whole view too. The
# verifiers then read 18,090 words of the training articles' doubtful sentences instead of
# 34,290, and drop the same entities (every mention of the 479 articles the same at 4, 6 and 8).
REACH = 8
_MARGINS = "newsfacts_ner_margins"  # a words doc's margins, from MarginNER to Confirm


class _Moves:
    """The NER's actions as tables: which are valid outside an entity or inside one of each
    label, at a word that may or may not open an entity (spaCy's BILUO rules: no B or I where
    the next word starts a sentence or there is none; an empty label only for preset words)."""

    def __init__(self, ner):
        names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
        kinds = [n.split("-", 1)[0] for n in names]
        label_of = [n.split("-", 1)[1] if "-" in n else "" for n in names]
        labels = sorted({label for label in label_of if label})
        n_states = 1 + len(labels)  # 0: outside; 1 + i: inside an entity of labels[i]
        self.valid = numpy.zeros((2, n_states, len(names)), dtype=bool)  # [at an end, state, action]
        for a, (kind, label) in enumerate(zip(kinds, label_of)):
            if kind == "O":
                self.valid[:, 0, a] = True
            elif label and kind in ("B", "U"):
                self.valid[0, 0, a] = True
                self.valid[1, 0, a] = kind == "U"
            elif label and kind in ("I", "L"):
                self.valid[0, 1 + labels.index(label), a] = True
                self.valid[1, 1 + labels.index(label), a] = kind == "L"
        self.next = numpy.array([1 + labels.index(label) if kind in ("B", "I") else 0
                                 for kind, label in zip(kinds, label_of)])


def decode(ner, docs: list[Doc], moves: _Moves | None = None) -> tuple[list, list[numpy.ndarray]]:
    """spaCy's greedy decoding of `docs` (its states, for `ner.set_annotations`), and each doc's
    margins, one per word (each action reads one word). moves: `_Moves(ner)`, built once."""
    states = ner.moves.init_batch(docs)
    margins = [numpy.full(len(doc), numpy.inf, dtype="float32") for doc in docs]
    todo = [i for i, s in enumerate(states) if not s.is_final()]
    if not todo:
        return states, margins
    moves = moves or _Moves(ner)
    ends = [_ends(doc) for doc in docs]
    inside = numpy.zeros(len(docs), dtype=int)
    model = ner.model.predict(docs)
    step = 0
    while todo:
        scores = model.predict([states[i] for i in todo])
        rows = numpy.array(todo)
        at_end = numpy.array([ends[i][step] for i in todo], dtype=int)
        masked = numpy.where(moves.valid[at_end, inside[rows]], scores, -numpy.inf)
        best = masked.argmax(axis=1)
        top = numpy.partition(masked, -2, axis=1)[:, -2:]  # (the runner-up, then the best)
        for i, m in zip(todo, top[:, 1] - top[:, 0]):
            margins[i][step] = m
        inside[rows] = moves.next[best]
        ner.transition_states([states[i] for i in todo], numpy.ascontiguousarray(scores, dtype="float32"))
        todo = [i for i in todo if not states[i].is_final()]
        step += 1
    model.clear_memory()
    return states, margins


def _ends(doc: Doc) -> numpy.ndarray:
    """Per word: whether an entity must end there (the last word, or the next starts a sentence)."""
    starts = doc.to_array([SENT_START]).reshape(-1) == 1
    return numpy.append(starts[1:], True)


class MarginNER:
    """The model's NER, decoded by `decode`: the same entities, and the margins kept."""

    def __init__(self, ner):
        self.ner = ner
        self.moves = _Moves(ner)

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs, batch_size: int = 64):
        for batch in minibatch(docs, batch_size):
            states, margins = decode(self.ner, batch, self.moves)
            self.ner.set_annotations(batch, states)
            for doc, m in zip(batch, margins):
                doc.user_data[_MARGINS] = m
            yield from batch


class Confirm:
    """Drops each doubtful entity that a verifier does not find in its sentence."""

    def __init__(self, verifiers: list, margin: float = MARGIN):
        self.verifiers = verifiers
        self.margin = margin

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs, batch_size: int = 64):
        for batch in minibatch(docs, batch_size):
            self.confirm(batch, batch_size)
            yield from batch

    def confirm(self, docs: list[Doc], batch_size: int) -> None:
        asks = [(doc, sent, ents) for doc in docs for sent, ents in self.doubtful(doc)]
        if not asks:
            return
        read = [_around(sent, ents) for _, sent, ents in asks]
        words = [([t.text for t in span], [bool(t.whitespace_) for t in span]) for span in read]
        # Per sentence, its doubtful entities every verifier so far has found (as spans in what is read).
        kept = [{(e.start - span.start, e.end - span.start) for e in ents} for (_, _, ents), span in zip(asks, read)]
        for verifier in self.verifiers:
            # (a sentence whose doubtful entities are all dropped is not read again; fresh docs
            # for each verifier: a verifier keeps entities already set)
            todo = [i for i, spans in enumerate(kept) if spans]
            fresh = (Doc(docs[0].vocab, words=words[i][0], spaces=words[i][1]) for i in todo)
            for i, d in zip(todo, verifier.pipe(fresh, batch_size=batch_size)):
                kept[i] &= {(e.start, e.end) for e in d.ents}
        dropped: dict[int, set] = {}
        for (doc, _, ents), span, seen in zip(asks, read, kept):
            dropped.setdefault(id(doc), set()).update(
                (e.start, e.end) for e in ents if (e.start - span.start, e.end - span.start) not in seen)
        for doc in docs:
            if dropped.get(id(doc)):
                doc.set_ents([e for e in doc.ents if (e.start, e.end) not in dropped[id(doc)]], default="outside")

    def doubtful(self, doc: Doc) -> list[tuple]:
        """(sentence, its entities chosen by a margin under `margin`) of one words doc."""
        margins = doc.user_data.pop(_MARGINS, None)
        if margins is None:
            return []
        by_sentence: dict[tuple[int, int], tuple] = {}
        for ent in doc.ents:
            if margins[ent.start:ent.end].min() < self.margin:
                sent = ent.sent
                by_sentence.setdefault((sent.start, sent.end), (sent, []))[1].append(ent)
        return list(by_sentence.values())


def _around(sent, ents: list):
    """The words of `sent` from `REACH` before the first of `ents` to `REACH` after the last."""
    doc = sent.doc
    return doc[max(sent.start, ents[0].start - REACH):min(sent.end, ents[-1].end + REACH)]


def install(nlp, verifiers: list) -> None:
    """Decode the NER inside `newsfacts_on_words` with its margins and check its doubtful
    entities with `verifiers` after the model's last component (the parser's sentences)."""
    if not verifiers or not nlp.has_pipe("newsfacts_on_words"):
        return
    on_words = nlp.get_pipe("newsfacts_on_words")
    ner = nlp.get_pipe("ner")
    on_words.components = [MarginNER(p) if p is ner else p for p in on_words.components if not isinstance(p, Confirm)]
    on_words.components.append(Confirm(verifiers))
