"""Anaphora, learned: which named actor a pronoun ("it", "their") or a definite description
("the company", "the board", "the country's") stands for.

An anaphor's candidates are the linker's actors named before it, in its sentence or the
`REACH` before, and the document's `MAIN_ACTORS` most named ones wherever they were named
before it. Each candidate is described by general features (its type against the anaphor's
kind, how many sentences back and how recently it was named, whether it was a subject, whether
it is the subject of a verb the anaphor's clause hangs on, how often the article names it, whether
its name has the description's noun: "the bank" ~ "Corvan Bank") and scored by a
`transforms.ranker` model.

The model learns from the gold of the amounts, demands and events (`choices`): where a gold item
gives a party that is a named entity, an anaphor of the item's sentence whose candidates hold
exactly one of the item's named parties stands for that one. A model is trained wherever a
chooser that uses it is (`fit_resolver`), on the same articles, and ships in that chooser's
model folder as `coref.json` (today the amounts': `transforms.money.context.role_value` asks it
about the pronouns its rules leave unresolved); the extractors read it through `using` (a
context variable), so that each cross-validation fold resolves with a model trained on the
other folds only. The chooser's own training examples are read with resolvers that never saw
their article (`crossed`), as at run time.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Token

from transforms.entities.linking import cluster_id, clusters
from transforms.entities.names import fold
from transforms.lexicons import load
from transforms.parse import POSSESSOR, SUBJECT, cached, determiner, lemma, sentence_index, sentences
from transforms.ranker import Choice, Ranker, fit

REACH = 3  # sentences before the anaphor's own whose actors are candidates
MAIN_ACTORS = 3  # the document's most named actors, candidates wherever named before
LEAD_TOKENS = 40  # about the first paragraph
ACTOR_TYPES = ("ORG", "GPE", "PERSON", "NORP", "LOC")
COREF = "coref"  # the model's name in a chooser's model folder (`coref.json`)
# L2 penalty and the least probability of an antecedent, chosen by 5-fold cross-validation on
# train.jsonl (antecedent accuracy on the gold-labelled anaphors: L2 0.3 / 1 / 3 -> 0.695 /
# 0.713 / 0.723; amounts subject with a threshold of 0 / 0.5: 733 / 738 of 1341).
L2 = 3.0
MIN_P = 0.5
# The gold items that name parties, the key that places them, and their party columns.
GOLD_ROLES = {"amounts": ("text", ("subject", "payer")), "demands": ("text", ("actor", "addressee")),
              "events": ("trigger", ("source", "target"))}


@dataclass(frozen=True)
class Words:
    pronouns: dict  # word -> kind ("it", "they")
    nouns: frozenset  # head nouns of a description
    determiners: frozenset


@lru_cache(maxsize=1)
def words() -> Words:
    d, dem, money = load("coref"), load("demands"), load("money")
    nouns = {str(w).lower() for w in d["nouns"]}
    for key in ("company_nouns", "government_nouns", "collective_nouns"):
        nouns.update(str(w).lower() for w in dem[key])
    nouns.update(str(w).lower() for w in money["roles"]["anaphor_nouns"])
    return Words({str(k).lower(): str(v) for k, v in d["pronouns"].items()}, frozenset(nouns),
                 frozenset(str(w).lower() for w in d["determiners"]))


def anaphor_kind(tok: Token) -> str | None:
    """"it" or "they" for a pronoun, "noun" for a definite description naming no one itself
    ("the company", not "the French government" or "the Acme board"); None for any other word
    or one the linker already took for a mention."""
    w = words()
    if tok.lower_ in w.pronouns:
        return None if cluster_id(tok) else w.pronouns[tok.lower_]
    if tok.pos_ != "NOUN" or lemma(tok) not in w.nouns or cluster_id(tok):
        return None
    if any(c.dep_ in ("compound", "amod", "flat", *POSSESSOR, "appos", "nmod") and (c.ent_type_ or c.pos_ == "PROPN")
           for c in tok.children):
        return None
    det = determiner(tok)
    return "noun" if det is not None and det.lower_ in w.determiners else None


@dataclass(frozen=True)
class Candidate:
    entity_id: str
    type: str
    features: list


def candidates(tok: Token, kind: str) -> list[Candidate]:
    """The actors `tok` may stand for (module docstring), most recently named first."""
    doc = tok.doc
    here = sentence_index(tok)
    found = []
    for c, eid, ranked, named in _actors(doc):
        before = [(s, t) for s, t in named if t.i < tok.i]
        if not before:
            continue
        last_start, last = before[-1]
        back = here - sentence_index(last)
        if back > REACH and ranked >= MAIN_ACTORS:
            continue
        found.append((last.i, c, eid, ranked, before, back))
    found.sort(key=lambda f: -f[0])
    out, of_type = [], {}
    for rank, (_, c, eid, ranked, before, back) in enumerate(found):
        type_rank = of_type[c.type] = of_type.get(c.type, -1) + 1
        out.append(Candidate(eid, c.type, _features(tok, kind, c, ranked, before, back, rank, type_rank)))
    return out


def _actors(doc: Doc) -> list:
    """(cluster, id, rank by mentions, [(start, head token)] of its named mentions) per actor."""
    def build(d):
        out = []
        ranked = sorted(clusters(d), key=lambda c: -len(c.mentions))
        for rank, c in enumerate(ranked):
            if c.type not in ACTOR_TYPES:
                continue
            named = []
            for m in c.mentions:
                span = None if m.is_pronoun else d.char_span(m.start, m.end, alignment_mode="expand")
                if span is not None:
                    named.append((m.start, span.root))
            eid = cluster_id(named[0][1]) if named else None
            if eid:
                out.append((c, eid, rank, sorted(named, key=lambda n: n[0])))
        return out
    return cached(doc, "coref_actors", build)


def _slot(t: Token) -> str:
    if t.dep_ in SUBJECT:
        return "subj"
    if t.dep_ in POSSESSOR:
        return "poss_subj" if t.head.dep_ in SUBJECT else "poss"
    if t.dep_ in ("obj", "dobj", "iobj"):
        return "obj"
    if t.dep_ in ("obl", "nmod", "pobj"):
        return "prep"
    return "other"


def _features(tok: Token, kind: str, c, ranked: int, before: list, back: int, rank: int, type_rank: int) -> list[str]:
    word = tok.lower_ if kind != "noun" else lemma(tok)
    last = before[-1][1]
    t, k = c.type, kind
    slot, own = _slot(last), _slot(tok)
    feats = [f"type={t}|kind={k}", f"type={t}|word={word}", f"back={min(back, 4)}|kind={k}",
             f"rank={min(rank, 4)}|kind={k}", f"typerank={min(type_rank, 3)}|type={t}|kind={k}",
             f"slot={slot}|kind={k}", f"slot={slot}|own={own}|kind={k}",
             f"mentions={min(len(c.mentions), 6)}|kind={k}", f"main={min(ranked, 4)}|type={t}|kind={k}"]
    if back == 0:
        feats.append(f"same_sentence|slot={slot}|kind={k}")
    if slot == own:
        feats.append(f"parallel|kind={k}")
    if before[0][1].i < LEAD_TOKENS:
        feats.append(f"lead|type={t}|kind={k}")
    ancestors = {a.i for a in tok.ancestors}
    if last.dep_ in SUBJECT and last.head.i in ancestors:
        feats.append(f"governs|kind={k}")  # "Corvan said it would ...": the speaker's clause
    if last.head.i == tok.head.i and last.i != tok.i:
        feats.append(f"same_head|slot={slot}|kind={k}")
    if any(True for _ in last.conjuncts):
        feats.append(f"coordinated|kind={k}")
    if kind == "noun":
        name_words = set(fold(c.name).split())
        if lemma(tok) in name_words or tok.lower_ in name_words:
            feats.append("name_has_noun")  # "the bank" ~ "Corvan Bank"
    return feats


@dataclass(frozen=True)
class Resolver:
    """A trained model and its decision threshold: the antecedent's least probability."""

    model: Ranker
    min_p: float = MIN_P

    def antecedent(self, tok: Token) -> tuple[str, float] | None:
        """(entity id, probability) of the actor the anaphor `tok` stands for; None for a word
        that is no anaphor, one with no candidate, or a best guess under `min_p`."""
        kind = anaphor_kind(tok)
        if kind is None:
            return None
        found = cached(tok.doc, f"coref:{id(self.model)}", lambda d: {})
        if tok.i not in found:
            cands = candidates(tok, kind)
            if not cands:
                found[tok.i] = None
            else:
                p = self.model.probabilities([c.features for c in cands])
                best = max(range(len(cands)), key=p.__getitem__)
                found[tok.i] = (cands[best].entity_id, float(p[best]))
        best = found[tok.i]
        return best if best is not None and best[1] >= self.min_p else None


_ACTIVE: ContextVar[Resolver | None] = ContextVar("newsfacts_coref", default=None)


def resolve(tok: Token) -> str | None:
    """The entity id the active resolver gives the anaphor `tok`, else None (no resolver is
    active, `tok` is no anaphor, or no candidate is likely enough)."""
    r = _ACTIVE.get()
    found = r.antecedent(tok) if r is not None else None
    return found[0] if found else None


def active() -> Resolver | None:
    """The resolver `using` made active, None outside it."""
    return _ACTIVE.get()


@contextmanager
def using(resolver: Resolver | None):
    """Resolve anaphora with `resolver` inside the block."""
    if resolver is not None and not isinstance(resolver, Resolver):  # (else it fails far away, or not at all)
        raise TypeError(f"not a Resolver: {type(resolver).__name__}")
    token = _ACTIVE.set(resolver)
    try:
        yield resolver
    finally:
        _ACTIVE.reset(token)


# --- training -------------------------------------------------------------------------------

def choices(doc: Doc, record: dict) -> list[Choice]:
    """The training choices of one parsed, linked article (module docstring)."""
    out = []
    for tok, eid in labelled(doc, record):
        cands = candidates(tok, anaphor_kind(tok))
        out.append(Choice([c.features for c in cands], frozenset(k for k, c in enumerate(cands) if c.entity_id == eid)))
    return out


def labelled(doc: Doc, record: dict) -> list[tuple[Token, str]]:
    """(anaphor, the entity id it stands for) wherever the gold says (module docstring)."""
    from evaluation.scoring import GoldEntities  # (training only: gold names as the scorer reads them)
    gold = record.get("gold") or {}
    entities = GoldEntities(gold.get("entities", []))
    forms = _forms(doc)
    sents = sentences(doc)
    wanted: dict[int, set[str]] = {}  # anaphor token -> entity ids the items of its sentence name
    for kind, (key, roles) in GOLD_ROLES.items():
        for g in gold.get(kind, []):
            where = _place(doc.text, g, key)
            if where is None:
                continue
            ids = set()
            for role in roles:
                gf = entities.entity_forms(g.get(role)) if g.get(role) else None
                if gf:
                    ids |= {eid for eid, f in forms.items() if f & gf}
            if not ids:
                continue
            for s in sents:
                if s.start_char < where[1] and where[0] < s.end_char:
                    for t in s:
                        if anaphor_kind(t) is not None:
                            wanted.setdefault(t.i, set()).update(ids)
    out = []
    for i, ids in sorted(wanted.items()):
        cands = candidates(doc[i], anaphor_kind(doc[i]))
        right = {c.entity_id for c in cands if c.entity_id in ids}
        if len(right) == 1:
            out.append((doc[i], right.pop()))
    return out


def _place(text: str, g: dict, key: str) -> tuple[int, int] | None:
    from evaluation.scoring import placed_span
    placed = placed_span(text, g, key)
    if placed:
        return placed
    phrase = g.get(key)
    if not phrase or text.count(phrase) != 1:
        return None  # (an item whose words recur cannot be placed)
    at = text.find(phrase)
    return at, at + len(phrase)


def _forms(doc: Doc) -> dict[str, set[str]]:
    """entity id -> folded name and named mentions, as the scorer matches gold names."""
    from evaluation.scoring import fold
    out: dict[str, set[str]] = {}
    for c, eid, _, named in _actors(doc):
        out[eid] = {fold(c.name), *(fold(m.text) for m in c.mentions if not m.is_pronoun)}
    return out


def fit_resolver(docs: list[Doc], records: list[dict], l2: float = L2) -> Resolver | None:
    """A resolver trained on the articles' gold (None when they give no anaphor to learn from)."""
    found = [c for doc, rec in zip(docs, records) for c in choices(doc, rec)]
    return Resolver(fit(found, l2=l2)) if found else None


def crossed(docs: list[Doc], records: list[dict], folds: int = 5, l2: float = L2) -> list[Resolver | None]:
    """Per article, a resolver trained on the other folds of `records` only: what a chooser
    learns to trust must be the resolver's guesses on articles it never saw, as at run time."""
    from evaluation.folds import split_folds  # (training only)
    out: list[Resolver | None] = [None] * len(docs)
    try:
        split = split_folds(records, folds, 0)
    except ValueError:
        return out  # (too few articles to hold any out: the examples are read without one)
    for held in split:
        rest = set(range(len(docs))) - set(held)
        resolver = fit_resolver([docs[i] for i in sorted(rest)], [records[i] for i in sorted(rest)], l2)
        for i in held:
            out[i] = resolver
    return out
