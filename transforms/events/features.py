"""What the learned choosers of `newsfacts_events` see (`transforms.ranker` features).

A candidate trigger is described by its word (lemma, part of speech, the lexicon's readings and
how often each), whether its lemma was a candidate earlier in the document, how it is framed (its complement verb: "agreed to buy"; a that-clause: "agreed
that"; its object and prepositions: "called for", "called on"; negation, modals, a condition,
a reporting verb above it). (Its word vector was tried: candidate precision +0.01 on the first
fold, four times the training time.) The type chooser picks among "none" and the PLOVER types, each crossed with
these features; the mode chooser among the modes of the chosen type.

Source and target candidates are read as a demand's parties are (`transforms.demands.actors.who`:
the linker's entity, a resolved pronoun or description, else the words): nobody; every noun,
proper noun and pronoun of the trigger's sentence and the one before, also as its whole noun
phrase; then the document's most named actors. Their features are the dependency path from the
trigger, the path crossed with the type, where the word is, its preposition and what it is, its
role (subject, agent, object, possessor, the speaker of the reported clause the trigger is in),
whether it can act (an entity, a person or a body: "the report accused" names no accuser) and
whether it is in the dateline. A word that says when rather than who (`money.cues.is_time`:
"Friday", "last month") is no candidate: the chooser had it as a feature and still made "on
Friday" the target of "approved the merger" (5-fold CV on train.jsonl, fold seeds 0-2: events
right 417 / 397 / 401 -> 416 / 401 / 402).
"""

from __future__ import annotations

from transforms.demands.actors import Actors, is_human
from transforms.demands.features import nearby_words
from transforms.demands.lexicon import Lexicon
from transforms.events.candidates import Trigger
from transforms.events.lexicon import POS, EventLexicon
from transforms.money.cues import is_time, rules
from transforms.money.features import MAX_PATH
from transforms.events.when import clause_head
from transforms.parse import (AGENT, AUXILIARY, NEGATION, OBJECT, POSSESSOR, SUBJECT, VERB_PARTICLE,
                              clause_subject, dateline_end, dependency_path, lemma, sentence_start)
from transforms.parties import Party

_COMPLEMENT = ("xcomp", "ccomp")
# Verbs that report what someone said: the event below them is the reported actor's.
_REPORTING = {"say", "tell", "announce", "report", "state", "add", "claim", "note", "confirm", "quote"}
# Verbs of saying or believing whose subject voices the clause below them (the speaker of a
# reported event: "the minister said the talks had failed", "he argued").
_SPEECH = _REPORTING | {"argue", "explain", "write", "insist", "reply", "declare", "stress", "acknowledge",
                        "admit", "believe", "think", "warn", "predict", "suggest"}
NONE = "none"
DOCUMENT_ACTORS = 6


def trigger_features(t: Trigger, lex: EventLexicon) -> list:
    """The candidate's word, framing and the lexicon's readings (module docstring)."""
    tok, word, pos = t.token, t.lemma, t.pos
    dep = tok.dep_  # (each `dep_`, `lower_` read makes a string: read once, this runs per candidate)
    nth = f"nth={min(t.nth, 2)}"
    feats: list = [f"lemma={word}", f"lemma={word}|{pos}", f"pos={pos}", f"tag={tok.tag_}",
                   f"dep={dep}", f"dep={dep}|{pos}", f"head={lemma(tok.head)}|dep={dep}", nth, f"{nth}|{pos}"]
    readings = lex.readings(word, pos) if pos in POS else {}
    feats += [(f"lex={r.split('|')[0]}", share) for r, share in readings.items()] or ["lex=unknown"]
    for c in tok.children:
        feats += _child_features(c, c.dep_, word, pos)
    if dep in _COMPLEMENT or dep in ("obj", "nsubj"):
        feats.append(f"gov={lemma(tok.head)}|dep={dep}")
    above = list(tok.ancestors)
    if any(lemma(a) in _REPORTING for a in above):
        feats.append("reported")
    # ("if" is a mark, and marks come before their verb)
    if any(c.dep_ == "mark" and c.lower_ == "if" for a in (tok, *above) for c in a.lefts):
        feats.append("conditional")
    return feats


def _child_features(c, dep: str, word: str, pos: str) -> list:
    """What a child of the trigger says of its framing (`trigger_features`)."""
    if dep in _COMPLEMENT:
        mark = next((m.lower_ for m in c.children if m.dep_ == "mark"), "-")
        below = lemma(c)
        return [f"comp={dep}|{mark}", f"comp={word}|{dep}|{mark}", f"comp_lemma={below}", f"comp={word}|{below}"]
    if dep in OBJECT:
        return [f"obj={lemma(c)}", f"obj_ent={c.ent_type_ or '-'}"]
    lower = c.lower_
    if dep in VERB_PARTICLE:
        return [f"prt={word}_{lower}"]
    if dep in NEGATION or lower in ("not", "n't", "never"):
        return ["negated"]
    if dep in AUXILIARY and c.tag_ == "MD":
        return [f"modal={lower}", f"modal={lower}|{pos}"]
    if dep == "mark":
        return [f"mark={lower}"]
    if dep in ("obl", "nmod"):
        case = next((m.lower_ for m in c.children if m.dep_ == "case"), "-")
        return [f"prep={case}", f"prep={word}|{case}"]
    if dep == "compound":
        return [f"compound={lemma(c)}|{word}"]
    if dep in SUBJECT:
        return [f"subj={'ent' if c.ent_type_ else c.pos_}"]
    return []


def parties(t: Trigger, event_type: str, lex: Lexicon, actors: Actors, ranked: list[tuple]) -> list[Party]:
    """Nobody, the words near the trigger that name a party, then the document's most named
    actors (`ranked`: `transforms.parties.ranked_actors`, once per document; module docstring)."""
    roles = _roles(t)
    found = [Party(None, None, None, ["nobody", f"nobody|type={event_type}", f"nobody|lemma={t.lemma}"])]
    own = [w.i for w in t.words]
    dateline = dateline_end(t.token.doc)
    for w, entity_id, text, whole in nearby_words(t.token, range(own[0], own[-1] + 1), lex, actors):
        if is_time(w, rules()):
            continue  # ("approved the merger on Friday": a word that says when names no party)
        feats = _party_features(t, event_type, w, entity_id)
        acts = "y" if entity_id or is_human(w, lex, actors) else "n"
        feats += [f"actor={acts}", f"actor={acts}|{event_type}"]
        for role in roles.get(w.i, ()):
            feats += [f"role={role}", f"role={role}|{event_type}", f"role={role}|{t.pos}", f"role={role}|actor={acts}"]
        if w.i < dateline:
            feats.append("dateline")
        if entity_id or text:
            found.append(Party(w, entity_id, text, feats))
        if whole:
            found.append(Party(w, None, whole, [*feats, "form=whole"]))
    near = {p.entity_id for p in found if p.entity_id}
    for rank, first, eid, type_, _, _ in ranked:
        if eid not in near:
            found.append(Party(first.root, eid, None, ["document", f"document|type={type_}",
                                                      f"document|rank={rank}", f"document|{event_type}|rank={rank}"]))
    return found


def _roles(t: Trigger) -> dict[int, list[str]]:
    """{token index: its roles}: the subject of the trigger's clause, spelled out or inherited
    ("Acme agreed to buy": Acme of buy), the agent of a passive, a noun trigger's possessor
    ("Smith's visit"), the direct object of the trigger or its clause verb, and the speaker of
    the reported clause it is in ("the minister said ...", "according to the union")."""
    tok = t.token
    head = clause_head(tok)
    out: dict[int, list[str]] = {}
    speaker = _speaker(tok)
    if speaker is not None:
        out.setdefault(speaker.i, []).append("speaker")
    subj = clause_subject(head, lambda w: True)
    if subj is not None:
        out.setdefault(subj.i, []).append("subject")
    for c in (*tok.children, *(head.children if head.i != tok.i else ())):
        if c.dep_ in AGENT or c.dep_ in ("obl", "nmod") and any(m.lower_ == "by" for m in c.children):
            out.setdefault(c.i, []).append("agent")
        elif c.dep_ in POSSESSOR:
            out.setdefault(c.i, []).append("possessor")
        elif c.dep_ in OBJECT:
            out.setdefault(c.i, []).append("object" if c.head.i == tok.i else "clause_object")
    return out


def _speaker(tok):
    """Who voices the clause the trigger is in: the subject of the nearest verb of saying above
    it (or beside it: '"...," he said' may hang on the quote), or the noun of "according to"."""
    for a in (tok, *tok.ancestors):
        if a.i != tok.i and lemma(a) in _SPEECH:
            return next((c for c in a.children if c.dep_ in SUBJECT), None)
        for c in a.children:
            if c.dep_ == "parataxis" and c.i != tok.i and lemma(c) in _SPEECH:
                return next((s for s in c.children if s.dep_ in SUBJECT), None)
            if c.dep_ in ("obl", "nmod", "prep") and any(m.lower_ == "according" for m in c.children):
                return c
    return None


def _party_features(t: Trigger, event_type: str, w, entity_id: str | None) -> list[str]:
    tok = t.token
    ups, meet, downs = dependency_path(tok, w)
    path = "long" if meet is None or len(ups) + len(downs) > MAX_PATH else "^".join(ups) + ">" + ">".join(downs)
    kind = f"entity:{w.ent_type_ or '?'}|{w.pos_}" if entity_id else f"text|{w.pos_}"
    where = _where(tok, w)
    feats = [f"path={path}", f"path={path}|{event_type}", f"path={path}|{t.pos}", f"lpath={t.lemma}|{path}",
             f"dep={w.dep_}", f"kind={kind}", f"kind={kind}|{event_type}", f"where={where}",
             f"where={where}|{t.pos}"]
    if meet is not None and meet.i != tok.i:
        feats.append(f"meet={lemma(meet)}|{path}")
    if w.dep_ in ("obl", "nmod", "pobj"):
        prep = next((c.lower_ for c in w.children if c.dep_ == "case"), w.head.lower_)
        feats += [f"prep={prep}", f"prep={prep}|{event_type}", f"lprep={t.lemma}|{prep}"]
    if w.pos_ != "PROPN" and not entity_id:
        feats.append(f"word={lemma(w)}")
    return feats


def _where(trigger, w) -> str:
    if w.i < sentence_start(trigger):
        return "previous_sentence"
    gap = abs(trigger.i - w.i)
    bucket = "1" if gap <= 1 else "2-3" if gap <= 3 else "4-8" if gap <= 8 else "far"
    return f"{'before' if w.i < trigger.i else 'after'}:{bucket}"
