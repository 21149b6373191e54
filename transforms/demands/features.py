"""What the learned choosers of `newsfacts_demands` see (`transforms.ranker` string features).

A candidate demand (a finder's reading or a `candidates` reading) is described by its cue word,
the kind of reading, how the cue is framed (negated, only possible, governed by "refuse to"),
its demanded head, and what the hand-written rules made of it (actor, addressee, category):
the model learns how far to trust each.

Candidates for actor and addressee are read as the amounts' parties are
(`transforms.money.features.Party`): nobody; every noun, proper noun and pronoun of the
demand's sentence and the one before it outside the demanded words and the dateline, turned
into the row's value by the demands' own `who` (the linker's entity, a resolved pronoun or
description, else the words); the rules' actor and addressee; and the document's most named
actors. A word that says when rather than who ("by Friday") is marked so, as among the amounts'
parties (`transforms.money.cues.is_time`).
"""

from __future__ import annotations

from dataclasses import dataclass

from transforms.demands.actors import Actors, is_role_description, who
from transforms.demands.candidates import asker
from transforms.demands.clauses import could_act, not_asserted
from transforms.demands.demanded import Demand
from transforms.demands.lexicon import Lexicon
from transforms.entities.linking import cluster_id
from transforms.money.cues import is_time, rules
from transforms.money.features import MAX_PATH, whole_phrase
from transforms.parse import DIRECT_OBJECT, INDIRECT_OBJECT, dateline_end, dependency_path, is_verb_by_tag, \
    lemma, parts_of_speech, sentence_index_at, sentence_of, sentence_start, tokens
from transforms.parties import PARTY_POS, Party, ranked_actors

# Inside a name or compound: the phrase's head stands for these words.
_INSIDE_PHRASE = ("compound", "flat", "flat:name", "fixed")
DOCUMENT_ACTORS = 6
# The feature of a description's candidate that is the entity last named with its word ("the
# court": the Delaware Chancery Court): an addressee's candidate, never an asker's (5-fold CV
# on train.jsonl: as a candidate of both, demands 163 -> 162 right, addressee 70 -> 72).
NAMED_WITH_HEAD = "form=named_with_head"
PASSIVE = ("nsubj:pass", "nsubjpass", "aux:pass", "auxpass")


@dataclass
class Reading:
    """A candidate demand with what the rules made of it."""

    demand: Demand
    rule_category: str

    @property
    def source(self) -> str:
        return self.demand.source


def demand_features(r: Reading, lex: Lexicon) -> list[str]:
    """Whether the candidate is a demand: its cue, framing, demanded head and the rules'
    readings. (Word vectors of the head, the cue, its governor and the asker were tried: no gain
    in cross-validation.)"""
    d = r.demand
    cue, head = d.cue, d.head
    src = d.source.split(":")[0]
    cue_lemma = lemma(cue)
    feats = [f"src={src}", f"src={d.source}|actor={_kind_of(d.actor)}", f"cue={cue_lemma}", f"cue={cue_lemma}|src={d.source}",
             f"cue_tag={cue.tag_}|src={src}", f"head_pos={head.pos_}|src={d.source}",
             f"gov={lemma(cue.head)}|src={src}", f"cat={r.rule_category}",
             f"actor={_kind_of(d.actor)}|src={src}", f"cue={cue_lemma}|actor={_kind_of(d.actor)}",
             f"cue_pos={cue.pos_}|actor={_kind_of(d.actor)}|src={src}"]
    if is_verb_by_tag(cue) and not_asserted(cue, lex):
        feats += ["not_asserted", f"not_asserted|src={src}"]
    if any(c.dep_ in DIRECT_OBJECT and c.i != head.i and not could_act(c) for c in cue.children):
        feats.append(f"thing_object|src={d.source}")  # "demanded X for Y": Y is what X is for
    if any(c.lower_ in lex.first_person and c.dep_.startswith("nsubj") for c in cue.children):
        feats.append("first_person")
    if any(c.dep_ in PASSIVE for c in cue.children):
        feats += [f"passive|src={src}", f"passive|cue={cue_lemma}"]
    # (the parser has the one asked as an object or, before an infinitive, an indirect object:
    # "asked Oslo to free ...")
    asked = next((c for c in cue.children if c.dep_ in (*DIRECT_OBJECT, *INDIRECT_OBJECT) and c.i != head.i
                  and could_act(c)), None)
    if asked is not None:
        feats += [f"party_object|src={d.source}", f"party_object|cue={cue_lemma}"]
    feats.append(f"head={lemma(head)}|{'other' if asked is not None else 'self'}")
    if src != "condition" and d.source != "rule:condition":
        feats += _frame(cue, cue_lemma, src)
    if src == "condition":
        main = cue.head.head
        feats += [f"main={lemma(main)}", *(f"main_aux={c.lower_}" for c in main.children if c.dep_ == "aux")]
        if cue.i > 0 and cue.doc[cue.i - 1].lower_ == "only":
            feats.append("only_if")
    if is_verb_by_tag(head) and any(c.dep_.startswith("aux") and c.lower_ in lex.obligation_modals
                                    for c in head.children):
        feats.append(f"modal|src={src}")
    mood = _mood(head)
    if mood:
        feats += [f"mood={mood}|src={src}", f"mood={mood}|cue={cue_lemma}"]
    return feats


def _mood(head) -> str | None:
    """The mood of a demanded clause with its own subject: "subjunctive" where its first verb is
    the bare form ("insisted that the loan be repaid", "asked that he resign": a demand),
    "modal", or "indicative" ("said that the loan was repaid"); None for no such clause."""
    if not any(c.dep_.startswith("nsubj") for c in head.children):
        return None
    # (the parser takes the "be" of "be rebuilt" for a copula as often as for an auxiliary)
    first = next((c for c in head.children if c.dep_ in ("aux", "aux:pass", "cop") and c.i < head.i), head)
    tag = first.tag_
    return "subjunctive" if tag == "VB" else "modal" if tag == "MD" else "indicative" if tag in _FINITE else None


_FINITE = ("VBD", "VBZ", "VBP")


# The cue's own modifiers whose words matter: auxiliaries ("would seek": an intent), adjectives
# and determiners of a noun ("growing demand", "its request").
_WORD_DEPS = ("aux", "aux:pass", "amod", "det", "advmod", "neg")


def _frame(cue, cue_lemma: str, src: str) -> list[str]:
    """The dependents of a word that asks (not of a clause set as a condition, whose verb is
    what is wanted): which relations it has, and the words of its auxiliaries, adjectives,
    determiners and adverbs (5-fold CV on train.jsonl: demand F1 0.367 -> 0.377)."""
    feats = []
    for c in cue.children:
        if c.dep_ == "punct":
            continue
        feats += [f"kid={c.dep_}|src={src}", f"kid={c.dep_}|cue={cue_lemma}"]
        if c.dep_ in _WORD_DEPS:
            feats += [f"kidword={c.dep_}:{c.lower_}", f"kidword={c.dep_}:{c.lower_}|src={src}"]
    return feats


def _kind_of(value: tuple) -> str:
    return "entity" if value[0] else "words" if value[1] else "none"


def parties(r: Reading, lex: Lexicon, actors: Actors) -> list[Party]:
    """Nobody, the words near the demand that name a party, the rules' actor and addressee,
    then the document's most named actors (module docstring)."""
    d = r.demand
    found = [Party(None, None, None, ["nobody", f"nobody|src={d.source}", f"nobody|cue={lemma(d.cue)}"])]
    # (the dateline's place is where the story was filed, not who asks: 5-fold CV on
    # train.jsonl, demand F1 0.355 -> 0.367)
    dateline = dateline_end(d.cue.doc)
    for t, entity_id, text, whole in nearby_words(d.cue, range(d.start, d.end), lex, actors):
        if t.i < dateline:
            continue
        if entity_id or text:
            found.append(Party(t, entity_id, text, _token_features(r, t, entity_id, lex)))
        if whole:
            found.append(Party(t, None, whole, [*_token_features(r, t, None, lex), "form=whole"]))
        # ("the court": also the entity last named with that word, an addressee's candidate)
        named = actors.named_with_head(t) if not entity_id and is_role_description(t) else None
        if named:
            found.append(Party(t, named, None, [*_token_features(r, t, None, lex), NAMED_WITH_HEAD]))
    for role, value in (("actor", d.actor), ("addressee", d.addressee)):
        if value != (None, None):
            found.append(Party(d.cue, *value, [f"rule_{role}", f"rule_{role}|src={d.source}"]))
    near = {p.entity_id for p in askers(found) if p.entity_id}
    return found + [p for p in _document_actors(r) if p.entity_id not in near]


def askers(found: list[Party]) -> list[Party]:
    """The candidates that may ask: all but a description's named entity (`NAMED_WITH_HEAD`)."""
    return [p for p in found if NAMED_WITH_HEAD not in p.features]


def nearby_words(cue, inside: range, lex: Lexicon, actors: Actors):
    """(word, entity id, words, whole phrase) for each word of the cue's sentence and the one
    before that can name a party, outside `inside`: the value `who` reads (entity id or words,
    both None when it names no one) and, for words that are no entity, the whole noun phrase
    when it says more (else None). A word inside a name or compound is left to its head."""
    doc, sent = cue.doc, sentence_of(cue)
    start = sentence_start(doc[sent.start - 1]) if sent.start > 0 else sent.start
    pos, words = parts_of_speech(doc), tokens(doc)  # (asked for every cue: the cached columns)
    for i in range(start, sent.end):
        if pos[i] not in PARTY_POS or i in inside:
            continue
        t = words[i]
        if t.dep_ in _INSIDE_PHRASE and t.head.pos_ in ("NOUN", "PROPN") and cluster_id(t) == cluster_id(t.head):
            continue
        entity_id, text = who(t, lex, actors)
        # (a pronoun nobody resolved names no one: "They" is no actor_text)
        whole = None if entity_id or t.pos_ == "PRON" else whole_phrase(t, inside)
        yield t, entity_id, text, whole if whole != text else None


def _token_features(r: Reading, t, entity_id: str | None, lex: Lexicon) -> list[str]:
    d = r.demand
    ups, meet, downs = dependency_path(d.cue, t)
    path = "long" if meet is None or len(ups) + len(downs) > MAX_PATH else "^".join(ups) + ">" + ">".join(downs)
    cue = lemma(d.cue)
    kind = _party_kind(t, entity_id)
    src = d.source.split(":")[0]
    feats = [f"path={path}", f"path={path}|src={src}", f"cuepath={cue}|{path}", f"dep={t.dep_}",
             f"kind={kind}", f"kind={kind}|dep={t.dep_}", f"where={_where(d, t)}", f"where={_where(d, t)}|src={src}"]
    if t.dep_ in ("obl", "nmod", "pobj"):
        prep = next((c.lower_ for c in t.children if c.dep_ == "case"), t.head.lower_)
        feats += [f"prep={prep}", f"prep={prep}|{lemma(t.head)}", f"cueprep={cue}|{prep}"]
    if t.pos_ != "PROPN" and not entity_id:
        # and its word vector: a description unseen in training ("the growers") still acts
        # like its neighbours ("the farmers") (5-fold CV on train.jsonl: demand F1 0.385 -> 0.388)
        feats += [f"lemma={lemma(t)}", *_vector("wordvec", t)]
    if is_time(t, rules()):
        feats.append("time")
    if t.dep_.startswith("nsubj") and lemma(t.head) in lex.attribution_verbs and t.head.i != d.cue.i:
        # the one who tells of the demand (", the Tribune reported"): the asker telling of its
        # own, or a paper, hardly ever the one asked
        feats += ["speaker", f"speaker|kind={kind}"]
    said = _asker(d)
    if said is not None and said.i == t.i:
        feats += ["asker", f"asker|src={d.source}", f"asker|kind={kind}"]
    for role, value in (("actor", d.actor), ("addressee", d.addressee)):
        if value[0] == entity_id if entity_id else value[0] is None and t.text in (value[1] or "").split():
            feats += [f"rule_{role}", f"rule_{role}|src={d.source}"]
    return feats


def _vector(name: str, t) -> list[tuple]:
    """The word's unit-length vector as one (name, vector) feature; none for a word without one."""
    norm = float(t.vector_norm) if t.has_vector else 0.0
    return [(name, t.vector / norm)] if norm else []


def _party_kind(t, entity_id: str | None) -> str:
    if entity_id:
        return f"entity:{t.ent_type_ or '?'}|{'pron' if t.pos_ == 'PRON' else 'name' if t.pos_ == 'PROPN' else 'noun'}"
    return f"text|{t.pos_}"


def _where(d: Demand, t) -> str:
    if t.i < sentence_start(d.cue):
        return "previous_sentence"
    gap = abs(d.cue.i - t.i)
    bucket = "1" if gap <= 1 else "2-3" if gap <= 3 else "4-8" if gap <= 8 else "far"
    return f"{'before' if t.i < d.cue.i else 'after'}:{bucket}"


def _document_actors(r: Reading) -> list[Party]:
    """The document's most named actors, by their first name in the text. What the clause
    calls the asker ("the union", "the administration") tells which of them it may stand for."""
    d = r.demand
    # (a finder's verb or noun reading is described by its subject or possessor too: "the
    # union is seeking ..." (5-fold CV on train.jsonl: demand F1 0.393 -> 0.400; with
    # `_last_seen` 0.407))
    if d.source in ("rule:verb", "rule:noun"):
        said = asker(d.cue, d.source.split(":")[1])
    else:
        said = None if d.source.startswith("rule:") else _asker(d)
    described = lemma(said) if said is not None and said.pos_ == "NOUN" and not said.ent_type_ else None
    out = []
    for rank, first, eid, type_, type_rank, named in ranked_actors(d.cue.doc, DOCUMENT_ACTORS):
        feats = ["document", f"document|type={type_}", f"document|rank={rank}",
                 f"document|type={type_}|type_rank={type_rank}"]
        seen = _last_seen(d.cue, named)
        feats += [f"document|seen={seen}", f"document|seen={seen}|type={type_}"]
        if described:
            feats += [f"document|described|type={type_}|type_rank={type_rank}",
                      f"document|described={described}|type={type_}"]
            if any(described in m.text.lower() for m in named):
                feats.append("document|described_in_name")
            # the description's word vector by the actor's type: "the carmaker" leans to an ORG
            # even when no training article called one so (5-fold CV on train.jsonl: demand
            # F1 0.394 -> 0.398, precision 0.556 -> 0.564)
            feats += _vector(f"document|described_vec|type={type_}", said)
        out.append(Party(first.root, eid, None, feats))
    return out


def _last_seen(cue, named) -> str:
    """How many sentences back the actor was last named before the cue: the asker is mostly a
    party the story has just named (5-fold CV on train.jsonl: demand F1 0.393 -> 0.395 alone,
    0.400 -> 0.407 with the finders' readings described)."""
    before = [m.start for m in named if m.start < cue.idx]
    if not before:
        return "after_only"
    gap = sentence_index_at(cue.doc, cue.idx) - sentence_index_at(cue.doc, max(before))
    return "same" if gap == 0 else "1" if gap == 1 else "2-3" if gap <= 3 else "far"


def _asker(d: Demand):
    """The party the parse says makes a candidate reading; a finder's reading names its own
    (`rule_actor`), read by its frame."""
    return None if d.source.startswith("rule") else asker(d.cue, d.source)


def category_candidates(r: Reading, labels: tuple[str, ...]) -> list[list[str]]:
    """One feature list per category: the label's bias, the rules' category and the demanded
    words crossed with it."""
    d = r.demand
    doc = d.cue.doc
    ctx = [f"rule={r.rule_category}", f"head={lemma(d.head)}", f"cue={lemma(d.cue)}",
           *sorted({f"w={lemma(t)}" for t in doc[d.start:d.end] if t.pos_ in ("NOUN", "VERB", "ADJ")})]
    return [[label, *(f"{label}|{f}" for f in ctx)] for label in labels]
