"""The spaCy pipeline: which one is loaded, and the components newsfacts adds to it."""

from __future__ import annotations

import importlib
import json
import os
from functools import lru_cache

import numpy
import spacy
import srsly
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.attrs import DEP, HEAD, IS_SPACE, LEMMA, MORPH, ORTH, POS, SENT_START, SPACY, TAG
from spacy.symbols import SPACE
from spacy.tokens import Doc, Span
from spacy.util import raise_error
from thinc.api import NumpyOps, set_current_ops

# Importing the extractors registers their factories with spaCy.
import transforms.demands.component  # noqa: F401  (newsfacts_demands)
import transforms.entities.linking  # noqa: F401  (newsfacts_linker)
import transforms.entities.types  # noqa: F401  (newsfacts_entity_types)
import transforms.events.component  # noqa: F401  (newsfacts_events)
import transforms.money.component  # noqa: F401  (newsfacts_amounts)
from transforms import facts
from transforms.parse import SUBJECT, forget
from transforms.pipeline import (  # noqa: F401  (named here too: `from transforms.nlp import ...`)
    BUNDLED_MODEL, ENTITY_TYPES, ENV_COMPONENT_MODELS, ENV_MATMUL, ENV_MODEL, EXTRACTORS, META_NER, NER,
    RELEASE, PipelineSpec, resolve_model_name,
)

# Longer documents reach the model in pieces of at most this many words (`_segments`): twice
# the longest of the 20,887 articles of the bulk news corpus, so an article is never cut.
SEGMENT_WORDS = 10_000
# Where the loaded pipeline records its extractors (part of the extractor version).
META_EXTRACTORS = "newsfacts_extractors"


class ModelError(RuntimeError):
    """The configured spaCy pipeline cannot be loaded."""


@Language.component("newsfacts_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: headlines and paragraphs end without a period.

    Runs before the parser or sentencizer, which keep these boundaries and add their own.
    """
    # (set as one array: `token.is_sent_start = ...` checks the whole document's parse each time)
    starts = numpy.zeros(len(doc), dtype="int32")  # 1 starts, -1 does not, 0 unknown
    starts_line = True
    for token in doc:
        if token.is_space:
            # Blank lines belong to the sentence before them, never start their own.
            starts[token.i] = 1 if token.i == 0 else -1
        elif starts_line:
            starts[token.i] = 1
        starts_line = "\n" in token.text_with_ws
    if len(doc):
        doc.from_array([SENT_START], starts.astype("uint64"))
    return doc


@Language.component(RELEASE)
def release(doc: Doc, facts_only: bool = False) -> Doc:
    """The pipeline's last step: drop what the extractors cached on the document
    (`transforms.parse.cached`) before it is returned or sent between processes; with
    `facts_only` (`nlp.pipe(component_cfg=...)`, as `transforms.extract` asks of its worker
    processes) return the facts alone (`transforms.facts.facts_only`)."""
    forget(doc)
    return facts.facts_only(doc) if facts_only else doc


class OnWords:
    """Runs a pipeline's own components on the document's words alone, without its whitespace
    tokens, and copies what they predict back onto the document.

    Statistical models are trained on text without whitespace tokens (CoNLL-2003 and UD-EWT have
    none). In news they are everywhere (every paragraph break), and the models mishandle them: a
    dateline's blank line ("February 3, 2009\n\nGeneral Motors (GM) and ...") hid the name after
    it from the recogniser, and the parser made a paragraph's closing "\n\n" the root of its
    sentence. Here each whitespace token hangs on the word before it (on the first word when it
    opens the document), as `dep`, tagged `_SP`/`SPACE`; sentence starts set before (line
    breaks) are kept. The components themselves are unchanged and stay reachable, disabled,
    under their own names (`nlp.get_pipe("ner")`).
    """

    def __init__(self, components: list):
        self.components = components
        self.error_handler = raise_error

    # spaCy hands a component with `pipe` whole batches and catches nothing there: a document
    # the model fails on goes to the error handler here (`Language.set_error_handler` sets it).
    def set_error_handler(self, handler) -> None:
        self.error_handler = handler

    def get_error_handler(self):
        return self.error_handler

    def __call__(self, doc: Doc) -> Doc:
        [doc] = self._annotate([doc], 1)
        return doc

    def pipe(self, docs, batch_size: int = 64):
        for batch in spacy.util.minibatch(docs, batch_size):
            try:
                yield from self._annotate(batch, batch_size)
            except Exception:
                # one document failed: the batch again, one by one, the failing ones handled
                for doc in batch:
                    try:
                        yield from self._annotate([doc], 1)
                    except Exception as e:
                        self.error_handler("newsfacts_on_words", self, [doc], e)

    def _annotate(self, batch: list[Doc], batch_size: int) -> list[Doc]:
        compact = [_words_only(doc) for doc in batch]
        pieces = [_segments(w) for w, _ in compact]
        words = [p for ps in pieces for p in ps]
        for proc in self.components:
            words = list(proc.pipe(words, batch_size=batch_size)) if hasattr(proc, "pipe") \
                else [proc(w) for w in words]
        for w in words:
            verbs_read_as_adjectives(w)
        done = iter(words)
        for doc, (_, index), ps in zip(batch, compact, pieces):
            parts = [next(done) for _ in ps]
            if index:
                _copy_back(parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False),
                           doc, index)
        return batch


# A finite verb's tags: the tagger's word that it is a verb with a tense.
_FINITE = ("VBD", "VBZ", "VBP")
# What a sentence's root verb governs, not its object noun: moved from the noun to the verb.
_CLAUSE_DEPS = {"punct", "advcl", "advmod", "parataxis", "ccomp", "xcomp", "obl", "obl:tmod", "obl:npmod",
                "obl:unmarked", "aux", "mark", "cc", "discourse", "dep", "vocative", "expl"}


def verbs_read_as_adjectives(words: Doc) -> Doc:
    """The parse with a sentence's main verb restored where the parser hung it on its object as
    an adjective and made the object the root ("Norway imposed sanctions on Chile": "imposed"
    amod of the root "sanctions"; "Mr Lyle repeated calls for ..."). The tagger read a verb with
    a tense, and the parser gave it a subject: the verb becomes the root, the noun its object,
    and what the root governs as a clause (its punctuation, adverbial phrases, the words before
    the verb) moves to the verb. It fires in about one bulk article in 25 (12 of 300; 4 of the
    479 of train.jsonl, too few for cross-validation to tell); a relative clause's verb ("which
    believed ..."), a verb with no subject ("Leaked documents") and every other reading are
    left alone."""
    if not words.has_annotation("DEP"):
        return words
    strings = words.vocab.strings
    tags, deps = words.to_array([TAG, DEP]).T  # (one array, not a Token per word: it runs on every word)
    amod = numpy.flatnonzero((deps == strings.add("amod")) & numpy.isin(tags, [strings.add(t) for t in _FINITE]))
    fixes = [t for t in map(words.__getitem__, amod.tolist()) if t.head.dep_ == "ROOT" and t.head.i > t.i
             and any(c.dep_ in SUBJECT and c.tag_ not in ("WDT", "WP", "DT") for c in t.children)]
    if not fixes:
        return words
    parse = words.to_array([HEAD, DEP])
    heads, labels = parse[:, 0].view("int64"), parse[:, 1]  # (HEAD: offsets to the head)
    for verb in {v.head.i: v for v in reversed(fixes)}.values():  # (one root a sentence: the first verb)
        noun = verb.head
        heads[verb.i], labels[verb.i] = 0, strings.add("ROOT")
        heads[noun.i], labels[noun.i] = verb.i - noun.i, strings.add("obj")
        for c in noun.children:
            if c.i != verb.i and (c.i < verb.i or c.dep_ in _CLAUSE_DEPS):
                heads[c.i] = verb.i - c.i
    words.from_array([HEAD, DEP], parse)
    return words


def _segments(words: Doc) -> list[Doc]:
    """A long document's words in pieces of at most `SEGMENT_WORDS`, cut where a line starts
    (else anywhere), for the model to read one by one.

    The models' cost and memory grow faster than a document's length (a book-length text took
    minutes, and spaCy refuses texts over `max_length`, 1,000,000 characters, for that reason);
    cut into paragraph-sized pieces every text costs what an article does. The pieces are
    joined again before the extractors, which read the whole document."""
    if len(words) <= SEGMENT_WORDS:
        return [words]
    cuts, last_line = [0], 0
    for i in range(1, len(words)):
        if i - cuts[-1] >= SEGMENT_WORDS:
            cuts.append(last_line if last_line > cuts[-1] else i)
        if words[i].is_sent_start:
            last_line = i
    cuts.append(len(words))
    return [words[a:b].as_doc() for a, b in zip(cuts, cuts[1:]) if b > a]


def _words_only(doc: Doc) -> tuple[Doc, list[int]]:
    """The doc without whitespace tokens (sentence starts set so far kept), and each remaining
    token's index in `doc`."""
    # (read from one array: a Token per word and attribute cost more than the rest of this)
    is_space, spacy_, sent_start, orth = doc.to_array([IS_SPACE, SPACY, SENT_START, ORTH]).reshape(len(doc), 4).T.tolist()
    index = [i for i, s in enumerate(is_space) if not s]
    spaces = [bool(spacy_[i]) or (i + 1 < len(doc) and bool(is_space[i + 1])) for i in index]
    starts = [_STARTS[sent_start[i]] for i in index]
    strings = doc.vocab.strings
    words = Doc(doc.vocab, words=[strings[orth[i]] for i in index], spaces=spaces,
                sent_starts=starts if any(s is not None for s in starts) else None)
    return words, index


# `Token.is_sent_start` of SENT_START's values in `Doc.to_array` (1, 0 or -1 as uint64)
_STARTS = {1: True, 0: None, 2**64 - 1: False}


_TOKEN_ATTRS = (("TAG", TAG), ("POS", POS), ("MORPH", MORPH), ("LEMMA", LEMMA))


def _copy_back(words: Doc, doc: Doc, index: list[int]) -> None:
    """Tags, lemmas, parse (or sentence starts), entities and categories of `words` onto `doc`."""
    attrs = [attr for name, attr in _TOKEN_ATTRS if words.has_annotation(name)]
    if words.has_annotation("DEP"):
        attrs += [HEAD, DEP]
    elif words.has_annotation("SENT_START"):
        attrs += [SENT_START]
    if attrs:
        values = numpy.zeros((len(doc), len(attrs)), dtype="uint64")
        values[index] = words.to_array(attrs).reshape(len(index), len(attrs))  # 1-D for one attr
        is_word = numpy.zeros(len(doc), dtype=bool)
        is_word[index] = True
        spaces = numpy.flatnonzero(~is_word).tolist()  # (`index` holds every other token)
        for col, attr in enumerate(attrs):
            if attr == HEAD:
                values[:, col] = _head_offsets(words, index, len(doc))
            elif spaces:
                values[spaces, col] = _space_values(attr, doc, spaces)
        doc.from_array(attrs, values)
    doc.set_ents([Span(doc, index[e.start], index[e.end - 1] + 1, label=e.label) for e in words.ents],
                 default="outside")
    doc.cats = dict(words.cats)
    forget(doc)


def _head_offsets(words: Doc, index: list[int], n: int) -> numpy.ndarray:
    """Each token's head as spaCy's HEAD offset: a word's from the words' parse, a whitespace
    token's the word before it (the first word when none is)."""
    is_word = numpy.zeros(n, dtype=bool)
    is_word[index] = True
    before = numpy.maximum.accumulate(numpy.where(is_word, numpy.arange(n), -1))
    heads = numpy.where(before >= 0, before, index[0])
    own = words.to_array(HEAD).view("int64") + numpy.arange(len(words))  # (HEAD: offsets)
    heads[index] = numpy.asarray(index)[own]
    return (heads - numpy.arange(n)).astype("int64").astype("uint64")


def _space_values(attr: int, doc: Doc, spaces) -> numpy.ndarray:
    if attr == LEMMA:
        return doc.to_array(ORTH)[spaces]
    if attr == SENT_START:  # as set before (line breaks): 1 starts, -1 does not, 0 unknown
        return numpy.sign(doc.to_array(SENT_START)[spaces].view("int64")).astype("uint64")
    fixed = {TAG: doc.vocab.strings.add("_SP"), POS: SPACE, MORPH: 0, DEP: doc.vocab.strings.add("dep")}
    return numpy.full(len(spaces), fixed[attr], dtype="uint64")


class TagMap:
    """An attribute ruler whose every rule sets a part of speech from one token's tag (the
    bundled model's: 49 PTB tags to UPOS), applied as a table lookup.

    spaCy's `AttributeRuler` runs a `Matcher` and sets each match's token one by one: 1.3 ms a
    bulk article, 5 % of the model's time; the lookup gives the same parts of speech in a
    fraction of that (`benchmarks/README.md`, "Twelfth round")."""

    def __init__(self, pos_of_tag: dict[int, int]):
        order = sorted(pos_of_tag)
        self.tags = numpy.array(order, dtype="uint64")
        self.pos = numpy.array([pos_of_tag[t] for t in order], dtype="uint64")

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) and len(self.tags):
            tags, pos = doc.to_array([TAG, POS]).reshape(len(doc), 2).T
            at = numpy.minimum(numpy.searchsorted(self.tags, tags), len(self.tags) - 1)
            doc.from_array([POS], numpy.where(self.tags[at] == tags, self.pos[at], pos))
        return doc

    def pipe(self, docs, batch_size: int = 64):
        return map(self, docs)


def tag_map(proc):
    """`proc` as a `TagMap` when it is an attribute ruler that only maps single tags to parts of
    speech, else `proc` itself (other rulers' patterns need the Matcher)."""
    if not isinstance(proc, AttributeRuler):
        return proc
    table = {}
    for rule in proc.patterns:  # in order: a later rule for the same tag wins, as in the ruler
        attrs = {k.upper(): v for k, v in rule["attrs"].items()}
        if set(attrs) != {"POS"} or attrs["POS"] not in POS_IDS or rule.get("index", 0) not in (0, -1):
            return proc
        for pattern in rule["patterns"]:
            token = {k.upper(): v for k, v in pattern[0].items()} if len(pattern) == 1 else {}
            if set(token) != {"TAG"} or not isinstance(token["TAG"], str):
                return proc
            table[proc.vocab.strings.add(token["TAG"])] = POS_IDS[attrs["POS"]]
    return TagMap(table)


# The parts of speech whose lemmas WordNet's tables know, and the table of each (the tagger's
# VBZ is AUX to the attribute ruler, whose UD-EWT counts are mostly "is" and "has": "vetoes" too).
_WORDNET_POS = {"NOUN": "noun", "VERB": "verb", "AUX": "verb", "ADJ": "adj"}


class LemmaRepair:
    """Where the edit-tree lemmatizer's lemma is no English word, WordNet's when it has one: the
    tables of spaCy's rule lemmatizer (`lemma_rules` in models/newsfacts_en, added by
    `training/assemble.py`: WordNet's words, its irregular forms and suffix rules per part of
    speech), applied as that lemmatizer applies them.

    The edit-tree lemmatizer learnt UD-EWT's words. On a news verb it never saw it often cuts
    the wrong edit or none ("blamed" -> "blam", "suing" -> "su", "risen" -> "ris", "vetoed" ->
    "vetoed"), and every reader keyed on lemmas (the events' CAMEO lexicon, the demands' asking
    verbs, the amounts' cue words) misses the word: about 3 lemmas an article of the bulk
    corpus change. A lemma WordNet knows is kept, so the edit-tree lemmatizer's reading of the
    words it learnt stands (models/README.md: UD-EWT test lemma accuracy 0.9596 -> 0.9619)."""

    TABLES = ("lemma_index", "lemma_exc", "lemma_rules")

    def __init__(self, rules: Lemmatizer):
        missing = [name for name in self.TABLES if not rules.lookups.has_table(name)]
        if missing:
            raise ModelError(f"the pipeline's rule lemmatizer has no {', '.join(missing)} table: "
                             "add it with training/assemble.py --lemma-rules MODEL")
        tables = {name: rules.lookups.get_table(name) for name in self.TABLES}
        self.index, self.words, self.exceptions, self.rules = {}, {}, {}, {}
        for p, table in _WORDNET_POS.items():
            pos = POS_IDS[p]
            self.exceptions[pos] = tables["lemma_exc"].get(table, {})
            self.rules[pos] = tables["lemma_rules"].get(table, [])
            self.index[pos] = frozenset(tables["lemma_index"].get(table, ()))
            self.words[pos] = self.index[pos] | {w for ws in self.exceptions[pos].values() for w in ws}
        self._known: dict[tuple[int, int], bool] = {}  # (lemma, pos) -> a word (asked once each)
        self._better: dict[tuple[int, int, int], str | None] = {}  # (word, pos, tag) -> its WordNet lemma

    def __call__(self, doc: Doc) -> Doc:
        orths, lemmas, pos, tags = doc.to_array([ORTH, LEMMA, POS, TAG]).T  # (arrays, not a Token per word)
        strings = doc.vocab.strings
        for i in numpy.flatnonzero(numpy.isin(pos, list(self.words))).tolist():
            key = (int(lemmas[i]), int(pos[i]))
            known = self._known.get(key)
            if known is None:
                known = self._known[key] = strings[key[0]].lower() in self.words[key[1]]
            if known:
                continue
            word = (int(orths[i]), key[1], int(tags[i]))
            if word not in self._better:
                self._better[word] = self._wordnet_lemma(doc[i])
            if self._better[word] is not None:
                doc[i].lemma_ = self._better[word]
        return doc

    def _wordnet_lemma(self, token) -> str | None:
        """The first of the forms spaCy's rule lemmatizer gives (`Lemmatizer.rule_lemmatize`, on
        sets instead of its lists) that is a word; None for a modal ("might" is no form of "may"
        in UD) or a word in capitals ("AMS" is no plural of "am")."""
        if token.tag_ == "MD" or (token.is_upper and len(token) > 1):
            return None
        pos, word = token.pos, token.lower_
        forms, unknown = [], []
        for old, new in self.rules[pos]:
            if word.endswith(old) and len(word) > len(old):
                form = word[:len(word) - len(old)] + new
                if form in self.index[pos]:
                    forms.insert(0, form)  # (the later rule first)
                elif form.isalpha():
                    unknown.append(form)
                else:
                    forms.append(form)
        forms = list(dict.fromkeys(forms))
        for form in self.exceptions[pos].get(word, ()):
            if form not in forms:
                forms.insert(0, form)
        return next((f for f in forms or unknown or [word] if f in self.words[pos]), None)

    def pipe(self, docs, batch_size: int = 64):
        return map(self, docs)


def lemma_repair(proc):
    """`proc` as a `LemmaRepair` when it is a rule lemmatizer, else `proc` itself."""
    return LemmaRepair(proc) if isinstance(proc, Lemmatizer) and proc.mode == "rule" else proc


@Language.factory("newsfacts_on_words", default_config={"components": []})
def make_on_words(nlp: Language, name: str, components: list[str]) -> OnWords:
    return OnWords([lemma_repair(tag_map(nlp.get_pipe(c))) for c in components])


def load_pipeline(spec: PipelineSpec | str | None = None) -> Language:
    """Load a spaCy pipeline once per process and add newsfacts' components to it.

    spec (PipelineSpec | str | None): the pipeline, or just the model's name: a package name, a
        path, or "blank:<lang>" (see `resolve_model_name`).
    RETURNS (Language): the pipeline: `newsfacts_line_breaks`, the model's own components run
        on the words alone (`newsfacts_on_words`; the originals stay, disabled),
        `newsfacts_entity_types` when the model has an NER, then the extractors.
    """
    if not isinstance(spec, PipelineSpec):
        spec = PipelineSpec(spec)
    for module in spec.modules:
        try:
            importlib.import_module(module)
        except ImportError as e:
            raise ModelError(f"cannot import the extractor module {module!r}: {e}") from e
    return _load(resolve_model_name(spec.model), spec.extractors, os.environ.get(ENV_COMPONENT_MODELS, ""),
                 spec.tuned_ner)


@lru_cache(maxsize=4)
def _load(resolved: str, extractors: tuple[str, ...] = EXTRACTORS, component_models: str = "",
          tuned_ner: bool = True) -> Language:
    # thinc multiplies matrices with blis by default; numpy's bundled OpenBLAS ran the whole
    # pipeline 1.6x faster on our machines (benchmarks/model_speed.py). Layers keep the ops
    # current when they are built, so this must precede spacy.load.
    matmul = os.environ.get(ENV_MATMUL, "numpy").strip().lower()
    if matmul not in ("numpy", "blis"):
        raise ModelError(f"{ENV_MATMUL} must be numpy or blis, not {matmul!r}")
    set_current_ops(NumpyOps(use_blis=matmul == "blis"))
    msgpack_hooks_read_once()
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
    models = list(nlp.pipe_names)
    # The models read long texts in pieces (`_segments`) and the extractors are linear in a
    # document's length: spaCy's guard against long texts (1,000,000 characters) is not needed.
    # Ingestion's size limit (--max-bytes) bounds a text.
    nlp.max_length = 10**9
    nlp.add_pipe("newsfacts_line_breaks", first=True)
    if models:
        nlp.add_pipe("newsfacts_on_words", config={"components": models})
        for name in models:
            nlp.disable_pipe(name)
    folders = _component_folders(component_models, extractors)
    if tuned_ner:
        _tune_ner(nlp, resolved, folders.get(NER))
    if "ner" in models and not nlp.has_pipe(ENTITY_TYPES):
        folder = folders.get(ENTITY_TYPES)
        nlp.add_pipe(ENTITY_TYPES, config={"model_dir": folder} if folder else {})
    if not {"parser", "senter", "sentencizer"} & set(models):
        nlp.add_pipe("sentencizer")
    _add_extractors(nlp, extractors, folders)
    nlp.add_pipe(RELEASE)
    return nlp


def msgpack_hooks_read_once() -> None:
    """srsly looks up its msgpack encoders and decoders on every pack and unpack (catalogue's
    `get_all`: every installed package's entry points, then the whole function registry that
    spaCy fills), 0.17 ms a call: `Doc.to_bytes` took 0.56 ms a bulk article instead of 0.23,
    `from_bytes` 0.53 instead of 0.21, and each article crosses between processes twice. The
    hooks (srsly's numpy ones; no installed package adds any) are read once here and answered
    from then on."""
    for registry in (srsly.msgpack.msgpack_encoders, srsly.msgpack.msgpack_decoders):
        if "get_all" not in vars(registry):
            registry.get_all = registry.get_all().copy


def _tune_ner(nlp: Language, resolved: str, folder: str | None) -> None:
    """The tuned NER weights over the model's NER (`transforms.entities.ner.tuned_folder`)."""
    from transforms.entities import ner

    tuned = ner.tuned_folder(resolved, folder)
    if tuned is None:
        return
    try:
        ner.apply(nlp, tuned)
    except (OSError, ValueError, KeyError) as e:
        raise ModelError(f"cannot load the tuned NER in {tuned}: {str(e).splitlines()[0]}") from e


def _component_folders(component_models: str, extractors: tuple[str, ...]) -> dict[str, str]:
    """$NEWSFACTS_COMPONENT_MODELS read: {trained component: its model folder}."""
    try:
        models = json.loads(component_models) if component_models else {}
    except json.JSONDecodeError as e:
        raise ModelError(f"{ENV_COMPONENT_MODELS} is not JSON: {e}") from e
    unknown = set(models) - set(extractors) - {ENTITY_TYPES, NER}
    if unknown:
        raise ModelError(f"{ENV_COMPONENT_MODELS} names components the pipeline lacks: {sorted(unknown)}")
    return models


def _add_extractors(nlp: Language, extractors: tuple[str, ...], models: dict[str, str]) -> None:
    nlp.meta[META_EXTRACTORS] = list(extractors)
    for name in extractors:
        try:
            nlp.add_pipe(name, config={"model_dir": models[name]} if name in models else {})
        except (ValueError, KeyError, OSError) as e:  # an unregistered factory, a bad config, no model
            raise ModelError(f"cannot add the extractor {name!r}: {str(e).splitlines()[0]}") from e


def model_version(nlp: Language) -> str:
    """`name-version` of the pipeline, recorded with every run, followed by the extractors when
    they are not newsfacts' own and by the digest of each trained extractor's weights (their
    rows differ)."""
    version = f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'pipeline')}-{nlp.meta.get('version', '0')}"
    extractors = tuple(nlp.meta.get(META_EXTRACTORS, EXTRACTORS))
    if extractors != EXTRACTORS:
        version = f"{version}+{','.join(extractors)}"
    # trained extractors name their weights (`version`): other weights, other rows
    trained = [getattr(nlp.get_pipe(n), "version", None) for n in (ENTITY_TYPES, *extractors) if nlp.has_pipe(n)]
    return "+".join([version, *(v for v in [nlp.meta.get(META_NER), *trained] if isinstance(v, str))])
