"""What the learned choosers of `newsfacts_amounts` see: the candidates for an amount's purpose,
subject and payer, each described by features (`transforms.ranker`).

Candidates for subject and payer are "nobody", then the words that can name a party near the
amount: every noun, proper noun, pronoun and phrase-heading determiner ("those responsible") of
its sentence and the one before it, outside any amount, each turned into the row's value the
way the rules do (`role_value`: an entity's cluster id, a resolved pronoun, or the words of a
short phrase) and also offered as its whole noun phrase; then the document's other actors (the
holder of "sales rose" may be named only in the first paragraph). Several words may give the
same value (two mentions of one company); the chooser adds up their probabilities.

Features are the parse between the amount and the word (the dependency path, the word where
the two meet and its vector), the word's relation to its head and its preposition, what kind
of party it is (and, for a phrase, its vector), how far it is, the purpose, and which of the
hand-written rules (`roles_of`) chose it: the model learns how far to trust each. "Nobody" is
described by the purpose, the verb and the kinds of verb above the amount (`verb_kind`). Purpose
candidates are the labels, each crossed with the amount's context words, cue words, their mean
vector and the cue-word rule's reading (`purpose_of`).
"""

from __future__ import annotations

from dataclasses import dataclass

from transforms.coref import active
from transforms.entities.linking import cluster_id, clusters
from transforms.money.context import role_value
from transforms.money.cues import cue, is_figure, is_time, rules
from transforms.money.phrases import phrase
from transforms.money.purpose import nearest_cue
from transforms.parse import POSSESSOR, cached, dependency_path, is_verb
from transforms.parties import PARTY_POS, Party

# A determiner in one of these places heads its phrase ("those responsible for the attack").
_NOMINAL = ("nsubj", "nsubj:pass", "obj", "iobj", "obl", "nmod", "conj", "appos")
# Inside a noun phrase: the phrase's head stands for these words.
_INSIDE_PHRASE = ("compound", "flat", "flat:name", "fixed", "goeswith")
MAX_PATH = 6  # dependency steps; longer paths are all "long"
MAX_WHOLE = 12  # words of a whole noun phrase
VERBS_ABOVE = 6  # the amount's ancestors whose verbs tell "nobody" whether a payer is named
LEAD_TOKENS = 40  # about the first paragraph, where a story names its main actors
# The document's most mentioned actors offered to every amount: all of them in an article (the
# most in train.jsonl is N), a bound in a book-length text, where each amount scoring every
# actor made extraction quadratic.
DOCUMENT_ACTORS = 40
# Dependents that say more than a party's name (clauses, appositions, its own verb's words).
_CLAUSES = ("relcl", "acl:relcl", "acl", "advcl", "parataxis", "appos", "ccomp", "csubj", "dep", "list",
            "punct", "cop", "aux", "mark", "nsubj", "nsubjpass", "nsubj:pass")


@dataclass
class AmountView:
    """One amount as the features read it: its tokens, the rules' readings, the context."""

    span: object
    root: object
    money: frozenset  # token indices of every amount of the document
    unit: str | None
    rule_purpose: str
    rule_roles: dict  # `roles_of`'s columns
    sent: object  # the amount's sentence
    window_start: int  # first token of the sentence before it (candidates start there)
    filed_from: int  # where the dateline's place ends (character offset; 0 without one)
    purpose: str | None = None  # the chosen purpose, which the roles are read with

    @property
    def read_as(self) -> str:
        return self.purpose or self.rule_purpose

    @property
    def exclude(self) -> range:
        return range(self.span.start, self.span.end)

    @property
    def verb(self):
        """The first verb above the amount, or None."""
        return next((t for t in self.root.ancestors if is_verb(t)), None)


def context_features(x: AmountView) -> list[str]:
    """What the amount's surroundings say about its purpose (crossed with each label later)."""
    r = rules()
    feats = [f"rule={x.rule_purpose}"]
    if x.unit:
        feats.append(f"unit={x.unit}")
    near = nearest_cue(x.span)
    if near is not None:
        feats += [f"cue={cue(near, r)[1]}", f"cue_purpose={cue(near, r)[0]}"]
    for n, t in enumerate(list(x.root.ancestors)[:4]):
        feats.append(f"up{n}={t.lemma_.lower()}")
        feats.append(f"up={t.lemma_.lower()}")
    if x.verb is not None:
        feats.append(f"verb={x.verb.lemma_.lower()}")
    for c in x.root.children:
        if c.i not in x.exclude and c.pos_ in ("NOUN", "VERB", "ADP"):
            feats.append(f"child={c.dep_}:{c.lemma_.lower()}")
    sent = x.sent
    # The words near the amount say most; the rest of its sentence still says what the story
    # is about ("Copper shipments ... climbed to $3.1bn"), kept apart as weaker evidence.
    near = range(max(sent.start, x.span.start - 6), min(sent.end, x.span.end + 6))
    for t in sent:
        if t.i not in x.exclude and t.pos_ in ("NOUN", "VERB", "ADJ", "PROPN") and not t.ent_type_:
            feats.append(f"w={t.lemma_.lower()}" if t.i in near else f"s={t.lemma_.lower()}")
    return feats


def purpose_features(x: AmountView) -> list:
    """What the purpose chooser reads of an amount, each crossed with every purpose label
    (`transforms.ranker.label_candidates`): its context features and its context's word vector."""
    vec = context_vector(x)
    return [*context_features(x), *([("v", vec)] if vec is not None else [])]


def context_vector(x: AmountView):
    """The unit-length mean word vector of the words the amount hangs on and its own nouns
    ("takings of $7m", "a $4bn bail-out"): a purpose word unseen in training still lands near
    the words it means."""
    words = [t for t in (*list(x.root.ancestors)[:3], *x.root.children)
             if t.i not in x.exclude and t.pos_ in ("NOUN", "VERB", "ADJ") and t.has_vector]
    if not words:
        return None
    return _unit(sum(t.vector for t in words))


def parties(x: AmountView) -> list[Party]:
    """Nobody, every word near the amount that names a party (module docstring), each also as
    its whole noun phrase when that says more, then the document's other actors."""
    doc = x.span.doc
    found = [Party(None, None, None, _nobody_features(x))]
    for t in doc[x.window_start:x.sent.end]:
        if not _names_party(t) or t.i in x.money or t.i in x.exclude:
            continue
        if t.dep_ in _INSIDE_PHRASE and t.head.pos_ in ("NOUN", "PROPN") and cluster_id(t) == cluster_id(t.head):
            continue  # a word of a name or compound: its phrase's head stands for it
        entity_id, text, whole = _words_of(t, x)
        if entity_id is not None or text:
            found.append(Party(t, entity_id, text, party_features(x, t, entity_id)))
        if whole and whole != text:
            found.append(Party(t, None, whole, [*party_features(x, t, None), "form=whole"]))
    near = {p.entity_id for p in found if p.entity_id}
    found += [p for p in document_actors(x) if p.entity_id not in near]
    return found


def _words_of(t, x: AmountView) -> tuple[str | None, str | None, str | None]:
    """(entity id, words, whole phrase) of a candidate word: `role_value` and, for a word that
    is no entity, `whole_phrase`. `role_value` reads the amount's tokens only inside the word's
    subtree, so for a word whose subtree holds none of them it answers alike for every amount
    of the sentences around it: it is asked once per document (and per anaphora resolver, which
    it consults)."""
    if _reaches(t, x.exclude):
        entity_id, text = role_value(t, x.exclude, rules())
    else:
        resolver, memos = active(), cached(t.doc, "money_role_values", lambda d: [])
        known = next((memo for r, memo in memos if r is resolver), None)
        if known is None:
            known = {}
            memos.append((resolver, known))
        if t.i not in known:
            known[t.i] = role_value(t, x.exclude, rules())
        entity_id, text = known[t.i]
    return entity_id, text, None if entity_id else whole_phrase(t, x.exclude)


def _reaches(t, tokens: range) -> bool:
    """Whether `t`'s subtree may hold any of `tokens` (it lies within its left and right edges)."""
    return tokens.start <= t.right_edge.i and t.left_edge.i < tokens.stop


def _names_party(t) -> bool:
    return t.pos_ in PARTY_POS or (t.pos_ == "DET" and t.dep_ in _NOMINAL)


def whole_phrase(t, exclude: range) -> str | None:
    """The noun phrase `t` heads with its modifiers and conjuncts ("states in the north and
    east of the region"), without clauses, appositions or the amount; None over `MAX_WHOLE`
    words. (Every amount, demand and event asks it of the words around it, and the answer
    depends on `exclude` only inside `t`'s subtree: otherwise it is worked out once per
    document.)"""
    if _reaches(t, exclude):
        return _whole_phrase(t, exclude)
    known = cached(t.doc, "whole_phrases", lambda d: {})
    if t.i not in known:
        known[t.i] = _whole_phrase(t, exclude)
    return known[t.i]


def _whole_phrase(t, exclude: range) -> str | None:
    words = phrase(t, exclude, cut_deps=_CLAUSES)
    if not words or len(words) > MAX_WHOLE:
        return None
    return t.doc[words[0].i:words[-1].i + 1].text


def document_actors(x: AmountView) -> list[Party]:
    """Every actor the linker found in the document, by its first name: the holder of "sales
    rose" may be named only in the first paragraph."""
    p = x.read_as
    out = []
    for rank, c, first, start, eid in _first_mentions(x.span.doc, x.filed_from):
        feats = ["document", f"document|type={c.type}", f"document|rank={min(rank, 5)}",
                 f"document|type={c.type}|rank={min(rank, 5)}", f"document|purpose={p}|type={c.type}",
                 f"document|purpose={p}|rank={min(rank, 3)}",
                 f"document|mentions={min(len(c.mentions), 6)}",
                 f"document|before={start < x.span.start_char}"]
        if first.root.i < LEAD_TOKENS:
            feats.append(f"document|lead|type={c.type}")
        out.append(Party(first.root, eid, None, feats))
    return out


def _first_mentions(doc, filed_from: int) -> list:
    """(rank, cluster, first named mention after the dateline, its start, cluster id) of the
    document's `DOCUMENT_ACTORS` most mentioned actors, computed once per document."""
    def build(d):
        ranked = sorted(clusters(d), key=lambda c: -len(c.mentions))
        out = []
        for rank, c in enumerate(ranked):
            named = [m for m in c.mentions if not m.is_pronoun and m.start >= filed_from]
            first = d.char_span(named[0].start, named[0].end, alignment_mode="expand") if named else None
            eid = cluster_id(first) if first is not None else None
            if eid:
                out.append((rank, c, first, named[0].start, eid))
        return out[:DOCUMENT_ACTORS]
    return cached(doc, f"first_mentions:{filed_from}", build)


def _nobody_features(x: AmountView) -> list[str]:
    # which kinds of verb the amount hangs on: "paid", "was fined" name a payer; "rose" or
    # "said" alone rarely do
    kinds = sorted({verb_kind(v) for v in list(x.root.ancestors)[:VERBS_ABOVE] if is_verb(v)}) or ["none"]
    feats = ["nobody", f"nobody|purpose={x.read_as}",
             f"nobody|verb={x.verb.lemma_.lower() if x.verb is not None else '-'}",
             *(f"nobody|verbs={k}" for k in kinds), *(f"nobody|verbs={k}|purpose={x.read_as}" for k in kinds)]
    for role in ("subject", "payer"):
        if not (x.rule_roles.get(f"{role}_entity_id") or x.rule_roles.get(f"{role}_text")):
            feats.append(f"nobody|rule_{role}_none")
    return feats


def verb_kind(v) -> str:
    """A verb's class by the money lexicon's roles: it pays ("offered", "lent"), imposes
    ("fined"), receives ("got ... from"), says, or something else."""
    r = rules()
    lemma = v.lemma_.lower()
    return ("pay" if lemma in r.payer_verbs else "impose" if lemma in r.passive_payer_verbs
            else "receive" if lemma in r.payer_preps else "speech" if lemma in r.speech_verbs else "other")


def party_features(x: AmountView, t, entity_id: str | None) -> list[str]:
    """The features of word `t` as the subject or payer of the amount."""
    r = rules()
    ups, meet, downs = dependency_path(x.root, t)
    path = "long" if meet is None or len(ups) + len(downs) > MAX_PATH else (
        "^".join(ups) + ">" + ">".join(downs))
    meet_lemma = meet.lemma_.lower() if meet is not None else "-"
    kind = _kind(t, entity_id)
    p = x.read_as
    feats = [
        f"path={path}", f"meet={meet_lemma}|{downs[0] if downs else 'self'}",
        f"meetpath={meet_lemma}|{path}", f"dep={t.dep_}", f"head={t.head.lemma_.lower()}|{t.dep_}",
        f"kind={kind}", f"where={_where(x, t)}", f"purpose={p}|path={path}", f"purpose={p}|kind={kind}",
        f"purpose={p}|dep={t.dep_}", f"kind={kind}|dep={t.dep_}",
    ]
    if x.verb is not None and t.head.i == x.verb.i:
        feats += [f"verb_rel={t.dep_}", f"verb_rel={t.dep_}|purpose={p}", f"verb_rel={t.dep_}|{x.verb.lemma_.lower()}"]
    if t.dep_ in POSSESSOR and t.head.i in {a.i for a in (x.root, *x.root.ancestors)}:
        feats += ["owns_chain", f"owns_chain|purpose={p}"]
    noun = _money_noun(x)
    if noun is not None and t.head.i == noun.i:
        # "rewards for X", "a loan to X", "Acme's profit": the money's own noun names its party
        prep = next((c.lower_ for c in t.children if c.dep_ == "case"), "-")
        feats += [f"of_money_noun={t.dep_}|{prep}", f"of_money_noun={t.dep_}|{prep}|purpose={p}"]
    if t.idx < x.filed_from:
        feats.append("dateline")
    if t.head.dep_ in ("prep", "case") or t.dep_ in ("pobj", "obl", "nmod"):
        prep = next((c.lower_ for c in t.children if c.dep_ == "case"), t.head.lower_)
        feats += [f"prep={prep}", f"prep={prep}|{t.head.head.lemma_.lower()}", f"purpose={p}|prep={prep}"]
    if kind.startswith("text"):
        feats.append(f"lemma={t.lemma_.lower()}")
    if is_time(t, r):
        feats.append("time")
    if is_figure(t, r):
        feats.append("figure")
    for role in ("subject", "payer"):
        if _same_value(x.rule_roles, role, entity_id, t):
            feats += [f"rule_{role}", f"rule_{role}|purpose={p}",
                      f"rule_{role}={x.rule_roles.get(f'{role}_rule')}"]
    # The word where the two meet and the word itself by their vectors: a verb or noun unseen in
    # training still acts like its neighbours ("pocketed" like "received").
    if meet is not None and meet.has_vector and meet.i != t.i:
        feats += _vector(f"meetvec|{downs[0] if downs else 'self'}", meet)
    if not entity_id and t.has_vector:
        feats += _vector("wordvec", t)
    return feats


def _vector(name: str, t) -> list[tuple]:
    v = _unit(t.vector)
    return [(name, v)] if v is not None else []


def _unit(v):
    norm = float((v @ v) ** 0.5)
    return v / norm if norm else None


def _money_noun(x: AmountView):
    """The noun the amount is the figure of: itself when it heads a noun phrase outside its
    number ("rewards" in "US$25 million rewards"), else the first noun above it."""
    return next((t for t in (x.root, *x.root.ancestors) if t.pos_ == "NOUN" and t.i not in x.exclude), None)


def _kind(t, entity_id: str | None) -> str:
    if entity_id:
        # (the entity's type as the linker settled it, not this word's own label: one slip of
        # the recogniser must not make a person a company for the choosers)
        ent = cached(t.doc, "mention_types", _mention_types).get(entity_id, t.ent_type_)
        return f"entity:{ent or '?'}|{'pron' if t.pos_ == 'PRON' else 'name' if t.pos_ == 'PROPN' else 'noun'}"
    return f"text|{t.pos_}"


def _mention_types(doc) -> dict[str, str]:
    """{entity id: its type}, from the linker's mention spans (the first of each), once per document."""
    out: dict[str, str] = {}
    for span in doc.spans.get("newsfacts_mentions", ()):
        out.setdefault(span.kb_id_, span.label_)
    return out


def _where(x: AmountView, t) -> str:
    if t.i < x.sent.start:
        return "previous_sentence"
    gap = x.span.start - t.i if t.i < x.span.start else t.i - x.span.end + 1
    bucket = "1" if gap <= 1 else "2-3" if gap <= 3 else "4-8" if gap <= 8 else "9-15" if gap <= 15 else "far"
    return f"{'before' if t.i < x.span.start else 'after'}:{bucket}"


def _same_value(roles: dict, role: str, entity_id: str | None, t) -> bool:
    if entity_id:
        return roles.get(f"{role}_entity_id") == entity_id
    text = roles.get(f"{role}_text")
    return bool(text) and t.text in text.split()
