"""The learned span decision of `newsfacts_entity_types` (`transforms.entities.train` fits it).

Every span the NER found (MISC ones too) and every run of capitalised words it left untagged
inside a sentence (`types._capitalised_runs`), once boundaries are repaired, is kept as a
PERSON, ORG, GPE or LOC, or dropped. The rules' type (`EntityTypes.type_of`) is one feature
among others, so the model learns when to trust it: span shape, first/last words, the words
around it, the dependency relation of its root, gazetteer and cue hits, and whether the text
labels the same string otherwise elsewhere, whether it is a common word capitalised or names a
currency, and the word vector of its last word. A model folder holds `span.json` (a
`transforms.ranker` model over the five choices, "drop" the reference with no features); the
shipped one is `models/newsfacts_entities/`. Without a folder the rules decide alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from spacy.tokens import Span

from transforms.entities.names import gazetteer, suffix_form
from transforms.parse import texts, word_cached
from transforms.ranker import Feature, Ranker, label_candidates, load_folder

SHIPPED = Path(__file__).resolve().parents[2] / "models" / "newsfacts_entities"
CHOOSERS = ("span",)
# The choices; index 0 ("drop") has no features, so its score is always 0.
LABELS = (None, "PERSON", "ORG", "GPE", "LOC")
# The model decides spans the NER calls a person, organisation, place or "other" (MISC) that
# the rules type as one of LABELS or not at all; the rules keep the rest (NORP, EVENT, LAW,
# dates, OntoNotes' FAC or PRODUCT).
DECIDED_TARGETS = frozenset({"PERSON", "ORG", "GPE", "@place", "@misc"})


def decided(target: str | None, rule: str | None) -> bool:
    """Whether the model decides a span the label map sends to `target` and the rules type `rule`."""
    return target in DECIDED_TARGETS and rule in LABELS
_QUOTES = {'"', "“", "”", "'", "‘", "’", "``", "''"}


@dataclass(frozen=True)
class Cues:
    """The general-language word sets the features look up (from the entities lexicon)."""

    corporate_suffixes: frozenset[str]
    organisation_openers: frozenset[str]
    honorifics: frozenset[str]
    person_titles: frozenset[str]
    feature_heads: frozenset[str]
    # a currency's name or ISO code ("Ecu", "rand", "USD"), from the amounts' currency tables
    currencies: frozenset[str] = frozenset()


def span_features(ent: Span, rule: str | None, others: Sequence[str], cues: Cues) -> list[Feature]:
    """What the decision reads of one span. others: the NER labels of the same text elsewhere."""
    doc, text = ent.doc, ent.text
    before = doc[ent.start - 1] if ent.start > 0 else None
    after = doc[ent.end] if ent.end < len(doc) else None
    root = ent.root
    gaz = gazetteer()
    ner = ent.label_
    feats = [f"ner={ner}", f"rule={rule}", f"ner_rule={ner}_{rule}",
             f"len={min(len(ent), 4)}", f"first={ent[0].lower_}", f"last={ent[-1].lower_}",
             f"next={after.lower_ if after is not None else '</s>'}",
             f"dep={root.dep_}", f"head={root.head.lemma_.lower()}", f"dep_head={root.dep_}_{root.head.lemma_.lower()}",
             f"place={gaz.place_type(text) if gaz.knows(text) else 'unknown'}"]
    # (no "previous word" for a document's first span: the training articles open with a
    # headline, and a learned "start of text" weight dropped names that open a body text)
    if before is not None:
        feats.append(f"prev={before.lower_}")
    # (the last word's ending and the words' shapes generalise to names never seen in
    # training: 5-fold entity F1 0.9248 -> 0.9262; a 4-letter ending and the first word's
    # ending as well: 0.9256; without the head-word features: 0.9254)
    feats += [f"suffix={ent[-1].lower_[-3:]}", f"shape={_shape(ent)}"]
    if text.isupper():
        feats.append("caps")
    if any(c.isdigit() for c in text):
        feats.append("digit")
    if not all(t.is_title or not t.is_alpha for t in ent):
        feats.append("not_title")
    if before is not None and after is not None and before.text in _QUOTES and after.text in _QUOTES:
        feats.append("quoted")
    if ent[0].is_sent_start or (before is not None and "\n" in before.whitespace_):
        feats.append("opens_sentence")
    feats += _cue_features(ent, before, cues)
    feats += [f"other={label}" for label in sorted(set(others) - {ner})]
    # (a function word capitalised inside the span marks a title of a work, "Shall We Dance",
    # not a name, "Bank of Leith": 5-fold entity F1 0.9422 -> 0.9426)
    if any(t.is_title and t.is_stop for t in ent[1:]):
        feats.append("capital_function_word")
    # (a capitalised common word, "Spring", "Bouncers", and the last word's vector, which places
    # names never seen in training among similar words: 5-fold entity F1 0.9279 -> 0.9285;
    # the previous word's vector as well: 0.9283)
    feats += _common_word(ent, "opens_sentence" in feats)
    # (a sentence's first word the tagger reads as no proper noun, "Stranded on a reef ...",
    # "Talks being held": 5-fold entity F1 0.9468 -> 0.9473; for one-word spans only, 0.9470)
    if "opens_sentence" in feats and ent[0].tag_ not in ("NNP", "NNPS"):
        feats.append("opener_not_proper")
    feats += _vector("vec_last", ent[-1])
    return feats


def _cue_features(ent: Span, before, cues: Cues) -> list[str]:
    """The lexicons' words the span is or follows: a nationality, a country, a corporate
    suffix, an organisation's opening word, a feature's head ("Sea"), a currency, an honorific
    or a person's title before it."""
    gaz, text = gazetteer(), ent.text
    hits = [("demonym", gaz.is_demonym(text)), ("country", gaz.country_name(text)),
            ("corporate_suffix", suffix_form(ent[-1].text) in cues.corporate_suffixes),
            ("organisation_opener", ent[0].lower_ in cues.organisation_openers),
            ("feature_head", ent[-1].lower_ in cues.feature_heads),
            # (money, not a party: "prices in Ecus", "$99 (USD)": entity harness, the span
            # decision refitted per fold, F1 0.9496 -> 0.9500)
            ("currency", text.lower() in cues.currencies or text in cues.currencies),
            ("after_honorific", before is not None and before.lower_ in cues.honorifics),
            ("after_title", before is not None and before.lower_ in cues.person_titles)]
    return [name for name, hit in hits if hit]


def _vector(name: str, t) -> list[tuple]:
    """The word's unit-length vector as one (name, vector) feature; none for a word without one."""
    norm = float(t.vector_norm) if t.has_vector else 0.0
    return [(name, t.vector / norm)] if norm else []


def _common_word(ent: Span, opens_sentence: bool = False) -> list[str]:
    """A one-word span that is an ordinary word capitalised ("Spring", "Bouncers"): its lower
    case is a word of the vectors' vocabulary, or the text writes it in lower case elsewhere;
    each also as a feature of its own when the word opens the sentence, the likelier reason for
    its capital ("Diplomats said": 5-fold entity F1 0.9457 -> 0.9460)."""
    if len(ent) != 1 or not ent[0].is_title:
        return []
    low = ent[0].lower_
    out = []
    if ent.vocab.has_vector(low):
        out.append("common_word")
    if low in word_cached(ent.doc, "lower_words", _lower_words):
        out.append("lower_elsewhere")
    return out + [f"opener_{c}" for c in out] if opens_sentence else out


def _lower_words(doc) -> frozenset[str]:
    return frozenset(w for w in texts(doc) if w.islower())  # (`Token.is_lower` is `str.islower`)


def _shape(ent: Span) -> str:
    """The shapes of the span's first four words, runs collapsed ("Xx Xx.", "XX", "Xx - Xx")."""
    out = []
    for t in ent[:4]:
        shape = "".join("X" if c.isupper() else "x" if c.islower() else "d" if c.isdigit() else c for c in t.text)
        out.append("".join(c for i, c in enumerate(shape) if i == 0 or c != shape[i - 1]))
    return " ".join(out)


def candidates(features: list[Feature]) -> list[list[Feature]]:
    """The five choices of one span: drop (no features), then each type crossed with them."""
    return [[], *label_candidates(features, LABELS[1:])]


@dataclass(frozen=True)
class SpanModel:
    span: Ranker
    digest: str  # what the component's version records of these weights

    @classmethod
    def load(cls, folder: Path | str | None = None) -> "SpanModel | None":
        """The model in `folder`, else the shipped one; None when no folder is given and none
        is shipped (the rules decide alone)."""
        if folder is None and not (SHIPPED / "span.json").is_file():
            return None
        models, digest = load_folder(Path(folder) if folder else SHIPPED, CHOOSERS, "entities")
        return cls(*models, digest)

    def decide(self, features: list[str]) -> str | None:
        """The span's type, or None to drop it. (Favouring keeping or dropping by a margin of
        +-0.3 or 1 log-odds scored no better in 5-fold cross-validation.)"""
        # (`self.span.best(candidates(features))` in one pass: dropping scores 0 and wins ties)
        scores = self.span.label_scores(features, LABELS[1:])
        return LABELS[1 + int(scores.argmax())] if scores.max() > 0 else LABELS[0]
