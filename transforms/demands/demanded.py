"""What: the `Demand` record, and the demanded thing's extent in the text: where its phrase
starts and ends (trimmed of connectives, closing attributions and the writer's asides), its
coordinated parts (one demand each) and for whom it is asked."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from transforms.demands.actors import Actors, is_human, np_text
from transforms.demands.lexicon import Lexicon, lexicon
from transforms.parse import ACTIVE_SUBJECT, DIRECT_OBJECT, child, entity_of, is_nominal, \
    is_verb_by_tag, lemma, prep_phrases

# Words of a speaker's name between a title the parser hung on the demanded phrase and the verb
# of saying after it (", union leader Tom Hale said").
_SPEAKER_NAME_WORDS = 4
# Openers of a phrase set off inside the demanded one ("officials—many accused of corruption—").
_ASIDE_OPENERS = ("—", "–", "--", "(")


@dataclass
class Demand:
    start: int  # token indices, end exclusive
    end: int
    head: object
    cue: object
    sent_index: int
    actor: tuple = (None, None)
    addressee: tuple = (None, None)
    beneficiary: str | None = None
    category_scope: list = field(default_factory=list)
    status: str | None = None
    evidence: str | None = None
    hedge: str | None = None
    answer: object | None = None  # the word of the reply that settled the status
    answered_by: tuple = (None, None)  # who replied (`who`), when the reply names someone else
    open_framing: bool = True
    source: str = "rule"  # "rule:" and the finder, or the kind of candidate reading (`candidates`)


def trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """The token range without leading connectives, trailing punctuation and a closing
    attribution; a closing bracket or quote stays only with its opener."""
    end = _before_attribution(doc, start, end)
    while start < end and (doc[start].is_punct or doc[start].is_space or doc[start].dep_ == "cop" or
                           doc[start].dep_ in ("cc", "mark", "case", "prep") and doc[start].lower_ in
                           ("and", "or", "but", "to", "that", "for", "of", "on", "upon")):
        start += 1
    while end > start and (doc[end - 1].is_punct and doc[end - 1].text not in (")", "\"", "”", "’")
                           or doc[end - 1].is_space or doc[end - 1].dep_ == "cc"):
        end -= 1
    # A closing bracket or quote belongs only when its opener is inside.
    while end > start and doc[end - 1].text in (")", "\"", "”", "’"):
        inner = doc[start:end - 1].text
        opener = {")": "(", "\"": "\"", "”": "“", "’": "‘"}[doc[end - 1].text]
        if opener in inner and inner.count(opener) > inner.count(doc[end - 1].text) - (opener == doc[end - 1].text and 0):
            break
        end -= 1
    return start, end


def _before_attribution(doc: Doc, start: int, end: int) -> int:
    """Where a closing attribution (", an aide said") that the parser hung inside the phrase
    begins: it says who reported the demand, not what was demanded."""
    lex = lexicon()
    for t in doc[start + 1:end]:
        if t.text != ",":
            continue
        if any(doc[t.i + 1:end].text.lower().startswith(p + " ") for p in lex.attribution_phrases):
            return t.i  # ", according to sources"
        rest = {x.i for x in doc[t.i + 1:end] if not (x.is_punct or x.is_space)}
        clause = next((v for v in doc[t.i + 1:end] if lemma(v) in lex.attribution_verbs and is_verb_by_tag(v)), None)
        if clause is not None and child(clause, ACTIVE_SUBJECT) is not None and \
                rest == {x.i for x in clause.subtree if not (x.is_punct or x.is_space)}:
            return t.i
        if _speaker_before_attribution(doc, t.i + 1, end, lex):
            return t.i
    return end


def _speaker_before_attribution(doc: Doc, start: int, end: int, lex: Lexicon) -> bool:
    """", union leader Tom Hale said": the phrase's last words are the start of a speaker whose
    verb of saying the parser left outside it."""
    words = doc[start:end]
    if not len(words) or not all(w.pos_ in ("NOUN", "PROPN", "ADJ", "DET") for w in words):
        return False
    after = doc[end:end + _SPEAKER_NAME_WORDS + 1]
    for k, w in enumerate(after):
        if lemma(w) in lex.attribution_verbs and is_verb_by_tag(w):
            return all(x.pos_ == "PROPN" or x.is_punct for x in after[:k])
        if w.pos_ != "PROPN":
            return False
    return False


def conjuncts(head: Token, lex: Lexicon, actors: Actors, extra_roots=()) -> list[Token]:
    """Coordinated demanded things: the nominal conjuncts of `head`, and nominal conjuncts the
    parser hung elsewhere after a comma: under a beneficiary phrase ("amnesty for himself and
    his family, removal of sanctions") or under the verb ("sought X, and an end to ...").
    Those are things, not people."""
    out = [head]
    if is_verb_by_tag(head):
        # "to cut the dividend, trim pay and sell the unit": each infinitive is asked for
        return out + [c for c in head.subtree if c.dep_ == "conj" and is_verb_by_tag(c) and c.head.i in
                      {head.i, *(t.i for t in out)} and not any(k.dep_ in ("nsubj", "nsubj:pass") for k in c.children)]
    if not is_nominal(head):
        return out
    doc = head.doc
    stack = [head, *extra_roots]
    seen = {head.i}
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ != "conj" or c.i in seen or c.i < head.i:
                continue
            seen.add(c.i)
            stack.append(c)
            if is_nominal(c) and not is_human(c, lex, actors):
                comma_before = any(x.text in (",", ";") for x in doc[max(c.left_edge.i - 2, 0):c.i])
                if t == head or t in out or comma_before:
                    out.append(c)
    return sorted(out, key=lambda t: t.i)


def split(heads: list[Token], end_limit: int, doc: Doc) -> list[tuple[int, int, Token]]:
    """Token ranges of each conjunct: from its left edge to where the next one starts."""
    out = []
    edges = []
    for h in heads:
        left = min(t.i for t in h.subtree if t.dep_ != "conj" or t == h)
        left = min([left] + [c.left_edge.i for c in h.children if c.i < h.i and c.dep_ != "conj"])
        edges.append(left)
    for k, h in enumerate(heads):
        stop = edges[k + 1] if k + 1 < len(heads) else end_limit
        start, end = trim(doc, edges[k], stop)
        if end > start:
            out.append((start, end, h))
    return out


def beneficiary(verb: Token | None, head: Token, lex: Lexicon, actors: Actors, doc: Doc) -> tuple[str | None, list]:
    """"for himself and his family" on the verb or the demanded noun, and the phrase's root
    (the parser may hang further demanded things under it)."""
    for owner in (head, verb):
        if owner is None:
            continue
        for prep, h in prep_phrases(owner):
            if prep != "for" or h.i < (verb.i if verb is not None else owner.i) or not is_human(h, lex, actors):
                continue
            # The people only: the coordination stops at its first thing.
            end = max(t.i for t in h.subtree) + 1
            stack = [h]
            while stack:
                t = stack.pop()
                for c in t.children:
                    if c.dep_ == "conj":
                        if is_human(c, lex, actors):
                            stack.append(c)
                        else:
                            end = min(end, c.left_edge.i)
            s, e = trim(doc, h.left_edge.i, end)
            return (doc[s:e].text if e > s else None), [h]
    return None, []


def allowed(head: Token, lex: Lexicon, actors: Actors) -> str | None:
    """"allowing Vice President Delcy Rodríguez to oversee ...": who is to be allowed."""
    if lemma(head) in ("allow", "let", "permit", "enable") and is_verb_by_tag(head):
        obj = child(head, DIRECT_OBJECT)
        if obj is not None:
            eid = actors.entity(obj)
            ent = entity_of(obj)
            if ent is not None:
                return ent.text
            return np_text(obj) if eid is None else obj.text
    return None


def aside_start(head: Token, lex: Lexicon) -> int:
    """Where a concession or reason hung on the demanded verb begins (", though it would keep
    paying interest"): the writer's aside, not part of what is asked."""
    asides = [c.left_edge.i for c in head.children if c.i > head.i and c.dep_ in ("advcl", "parataxis")
              and any(k.dep_ == "mark" and k.lower_ in lex.aside_marks for k in c.children)]
    # a phrase set off by dashes or brackets ("officials—many accused of corruption—") is one too
    asides += [c.left_edge.i for c in head.children if c.i > head.i and c.left_edge.text in _ASIDE_OPENERS]
    return min(asides, default=len(head.doc))


def reduced_relative_reach(head: Token) -> int:
    """"refinance the debt owed to X", parsed as if "the debt" were the subject of a clause
    "owed to X": the verb's missing object runs to the end of that participle phrase."""
    doc = head.doc
    if not is_verb_by_tag(head) or child(head, DIRECT_OBJECT) is not None or head.i + 1 >= len(doc):
        return 0
    nxt = doc[head.i + 1]
    noun = nxt if nxt.dep_ in ACTIVE_SUBJECT else next((a for a in nxt.ancestors if a.dep_ in ACTIVE_SUBJECT), None)
    if noun is None or noun.left_edge.i != head.i + 1:
        return 0
    part = noun.head
    # (a past participle the tagger may have read as a past tense: "the arrears owed")
    if part.tag_ not in ("VBN", "VBD") or part.i < noun.i or any(c.dep_ in ("aux", "aux:pass") for c in part.children):
        return 0
    # Its own clauses ("..., though it would continue to service the debt") stay out.
    clauses = [c.left_edge.i for c in part.children if c.dep_ in ("advcl", "conj", "parataxis") and c.i > part.i]
    return min([max(t.i for t in part.subtree) + 1, *clauses])


def amount_form_end(head: Token, end: int) -> int:
    """Where a demanded sum ends when "in" after it says what form the money takes ("seeks
    300 mln dlrs in new loans"): parsers often hang that phrase on the verb instead."""
    if not any(t.like_num for t in head.subtree):
        return end
    phrase = next((c for c in head.head.children if c.left_edge.i == end and c.left_edge.lower_ == "in"
                   and c.dep_.split(":")[0] in ("obl", "nmod")), None)
    return max(t.i for t in phrase.subtree) + 1 if phrase is not None else end


def scope_after(verb: Token, end: int) -> list[Token]:
    """Words of the clause after the demanded text: "pushed for officials ... to receive
    sanctions relief" says what the officials are to get."""
    return [t for t in verb.subtree if t.i >= end and t.sent == verb.sent]


def open_tense(verb: Token, lex: Lexicon) -> bool:
    """Whether the demand is reported as standing (present, perfect, progressive, future or
    plain past news) rather than as background long settled (past perfect, "previously")."""
    aux = [c.lower_ for c in verb.children if c.dep_ in ("aux", "aux:pass")]
    if "had" in aux:
        return False
    if any(c.lower_ in lex.past_markers for c in verb.children if c.dep_ == "advmod"):
        return False
    return True
