"""What came of a demand, settled across sentences: a reply ("refused most of these requests",
"agreed to the conditions") that refers to a demand by anaphora or by naming the demanded thing
gives its status, the sentence as evidence and the reply's hedges ("reportedly", "most of"); the
one who asked later getting a thing of the same kind meets it; else the demand is pending,
or unknown when reported as long settled."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from transforms.demands.actors import Actors, all_actors, who
from transforms.demands.category import category
from transforms.demands.clauses import is_hypothetical, not_asserted, noun_use, subject
from transforms.demands.demanded import Demand
from transforms.demands.lexicon import Lexicon
from transforms.parse import DIRECT_OBJECT, OPEN_COMPLEMENT, PASSIVE_SUBJECT, POSSESSOR, \
    by_phrase, child, is_negated, lemma, lemmas, phrasal_lemma, prep_phrases, to_infinitive, verbs_by_tag


@dataclass
class Answer:
    polarity: str
    sent_index: int
    responder: object
    target: object | None
    quantifier: str | None
    hedges: list
    sentence: str
    cue: object


def answers(sents: list[Span], lex: Lexicon) -> list[Answer]:
    """Every reply in the document: a verb or noun of accepting or rejecting and what it
    answers."""
    out = []
    doc = sents[0].doc if sents else None
    lems, verbs = (lemmas(doc), verbs_by_tag(doc)) if doc is not None else ([], [])
    for si, sent in enumerate(sents):
        for i in range(sent.start, sent.end):
            if not (verbs[i] or lems[i] in lex.answer_nouns):
                continue  # (most words: no reply)
            tok = doc[i]
            if verbs[i]:
                found = _verb_answer(tok, lex)
            elif tok.tag_.startswith("NN") and lemma(tok) in lex.answer_nouns:
                found = _noun_answer(tok, lex)
            else:
                continue
            if found is None or found[2] is None and not _plain_reply(tok):
                continue
            polarity, responder, target = found
            target, quantifier = _quantified(target, lex) if target is not None else (None, None)
            hedges = [c.text for c in tok.children if c.dep_ == "advmod" and c.lower_ in lex.hedge_adverbs]
            if quantifier:
                hedges.append(quantifier)
            out.append(Answer(polarity, si, responder, target, quantifier, hedges, sent.text.strip(), tok))
    return out


def _verb_answer(tok: Token, lex: Lexicon) -> tuple | None:
    """(polarity, responder, target) of "rejected X", "refused to meet the demands", "agreed to
    X", "X was turned down by Y"; None for no reply (not an answer verb, only possible)."""
    pol = lex.answers.get(phrasal_lemma(tok)) or lex.answers.get(lemma(tok))
    if pol is None:
        return None
    if is_negated(tok) or any(c.dep_ in ("aux",) and c.lower_ in ("won't", "cannot", "can't") for c in tok.children):
        if pol == "reject":
            return None  # "did not reject" says nothing settled
        if any(f"not {c.lower_}" in lex.open_phrases for c in tok.children if c.dep_ == "advmod"):
            return None  # "has not yet granted": still open
        pol = "reject"
    if is_hypothetical(tok, lex):
        return None
    responder = subject(tok)
    target = child(tok, DIRECT_OBJECT)
    # "rejects IMF demand for ...": of several objects, the demand is what is answered.
    named = next((c for c in tok.children if c.dep_ in (*DIRECT_OBJECT, "ccomp", "xcomp") and
                  lemma(c) in lex.nouns and noun_use(c)), None)
    target = named or target
    # "refused to meet the demands": the refusal governs an acceptance.
    inf = child(tok, OPEN_COMPLEMENT)
    if target is None and inf is not None:
        inner = lex.answers.get(phrasal_lemma(inf)) or lex.answers.get(lemma(inf))
        target = child(inf, DIRECT_OBJECT)
        # (the infinitive is itself what is answered, unless it is the acceptance a
        # refusal governs)
        if target is None and not (inner == "accept" and pol == "reject"):
            target = inf
    if target is None:
        target = next((h for prep, h in prep_phrases(tok) if prep in lex.answer_preps and h.i > tok.i), None)
    if target is None:
        passive = child(tok, PASSIVE_SUBJECT)
        if passive is not None:
            target, responder = passive, by_phrase(tok)
    return pol, responder, target


def _plain_reply(tok: Token) -> bool:
    """A reply told as a plain past fact in a main clause ("The company refused."): only such
    a reply may answer without saying what it answers."""
    return tok.tag_ == "VBD" and tok.dep_ in ("ROOT", "conj") and not any(
        c.dep_ == "mark" for c in tok.children)


def _noun_answer(tok: Token, lex: Lexicon) -> tuple:
    """(polarity, responder, target) of "the board's rejection of the demand", "its refusal to
    pay"."""
    target = next((h for prep, h in prep_phrases(tok) if prep == "of" and h.i > tok.i), None)
    if target is None:
        target = to_infinitive(tok)
    return lex.answer_nouns[lemma(tok)], child(tok, POSSESSOR), target


def _quantified(target: Token, lex: Lexicon) -> tuple[Token, str | None]:
    """(what is answered, the quantifier the reply puts on it): "most of these requests" ->
    (requests, "most of"), "some demands" -> (demands, "some")."""
    quantifier = None
    if lemma(target) in lex.quantifiers or target.lower_ in lex.quantifiers:
        inner = next((h for p, h in prep_phrases(target) if p == "of"), None)
        quantifier = f"{target.text} of"
        if inner is not None:
            target = inner
    for c in target.children:
        if c.dep_ in ("det", "det:predet", "amod", "nummod", "advmod") and \
                c.lower_ in lex.quantifiers and c.lower_ not in ("the",):
            mods = [m.text for m in c.subtree]
            quantifier = " ".join(mods) if quantifier is None else quantifier
    return target, quantifier


def _refers_to(ans: Answer, demands: list[Demand], lex: Lexicon, actors: Actors) -> list[Demand]:
    """The demands a reply answers: the one in its own phrase, the recent ones of one actor
    that an anaphor ("these requests", "its demands") points to, or those whose head word it
    names."""
    target = ans.target
    if target is None or target.tag_ == "PRP" and _plain_reply(ans.cue):
        return _just_asked(ans, demands, actors, lex)
    before = [d for d in demands if d.sent_index <= ans.sent_index and
              (d.sent_index < ans.sent_index or d.end <= ans.cue.i or d.cue in target.subtree)]
    # The reply's object is a demand found in the same phrase ("rejects IMF demand for ...").
    direct = [d for d in before if d.cue.i in {t.i for t in target.subtree} or d.cue == target]
    if direct:
        return direct
    if lemma(target) in lex.anaphoric_nouns:
        if any(t.lower_ in lex.earlier_modifiers for t in target.subtree if t.i < target.i):
            return []  # "rejected previous proposals": not the ones reported here
        dets = [c for c in target.children if c.dep_ in ("det", *POSSESSOR)]
        if dets and any(c.lower_ in lex.anaphoric_determiners for c in dets) or target.tag_ == "NNS":
            return _anaphor_demands(ans, before, dets, lex, actors)
    # By naming the demanded thing: its head word appears in what is answered.
    words = {lemma(t) for t in target.subtree if t.pos_ in ("NOUN", "VERB", "PROPN")}
    return [d for d in before if lemma(d.head) in words and d.head.pos_ in ("NOUN", "VERB")
            and ans.sent_index - d.sent_index <= 8]


def _just_asked(ans: Answer, demands: list[Demand], actors: Actors, lex: Lexicon) -> list[Demand]:
    """"The union demanded a raise. The company refused." / "... rejected it": a reply with
    nothing or a pronoun as its object answers the demands of the sentence just before it (or
    earlier in its own), unless it is the asker who replies."""
    responder = who(ans.responder, lex, actors) if ans.responder is not None else (None, None)
    recent = [d for d in demands if ans.sent_index - 1 <= d.sent_index <= ans.sent_index and d.end <= ans.cue.i]
    last = max((d.sent_index for d in recent), default=None)
    return [d for d in recent if d.sent_index == last and (responder == (None, None) or d.actor != responder)]


def _anaphor_demands(ans: Answer, before: list[Demand], dets: list, lex: Lexicon, actors: Actors) -> list[Demand]:
    """"these requests", "its demands": the demands of the last six sentences made by the
    possessor named, else by whoever made the latest of them."""
    recent = [d for d in before if ans.sent_index - d.sent_index <= 6]
    if not recent:
        return []
    poss = next((c for c in dets if c.dep_ in POSSESSOR), None)
    owner = who(poss, lex, actors) if poss is not None else (None, None)
    if owner != (None, None) and any(d.actor == owner for d in recent):
        return [d for d in recent if d.actor == owner]
    last = recent[-1].actor
    return [d for d in recent if d.actor == last]


def settle(demands: list[Demand], replies: list[Answer], sents: list[Span], lex: Lexicon, actors: Actors) -> None:
    """Each demand's status, evidence and hedge from the first reply that refers to it (the
    replier becoming its addressee when it had none); else pending or unknown."""
    for ans in replies:
        for d in _refers_to(ans, demands, lex, actors):
            if d.status is not None:
                continue
            partial = ans.quantifier and ans.quantifier.split()[0].lower() in lex.partial_quantifiers
            if partial:
                d.status = "partially_accepted"
            else:
                d.status = "accepted" if ans.polarity == "accept" else "rejected"
            d.evidence, d.answer = ans.sentence, ans.cue
            d.hedge = "; ".join(ans.hedges) or None
            responder = who(ans.responder, lex, actors) if ans.responder is not None else (None, None)
            if responder != d.actor and responder != (None, None):
                d.answered_by = responder
                # (a reply that names what it answers names whom it was asked of; a bare
                # "refused." is read by the status only: cross-validation, one demand fewer)
                if d.addressee == (None, None) and ans.target is not None:
                    d.addressee = responder
    texts: dict[int, str] = {}  # (the sentences lower-cased, read only where a demand is left)
    for d in demands:
        if d.status is not None:
            continue
        near = range(d.sent_index, min(d.sent_index + 2, len(sents)))
        for k in near:
            if k not in texts:
                texts[k] = sents[k].text.lower()
        window = " ".join(texts[k] for k in near)
        if any(p in window for p in lex.open_phrases):
            d.status = "pending"
            d.evidence = sents[d.sent_index].text.strip()
        else:
            d.status = "pending" if d.open_framing else "unknown"


def obtained(demands: list[Demand], categories: dict, sents: list[Span], lex: Lexicon, actors: Actors,
             reach: int = 8) -> None:
    """"the airlines asked for state aid ... the two airlines have received state loans": when
    the one who asked later gets a thing of the same kind, the demand was met."""
    for d in demands:
        if d.actor == (None, None):
            continue
        for sent in sents[d.sent_index:d.sent_index + reach + 1]:
            # (not a getting verb the asking word governs: "seeking to win X and secure Y")
            got = next((t for t in _obtain_verbs(sent, lex) if t.i > d.end and not not_asserted(t, lex)
                        and d.cue not in t.ancestors
                        and d.actor in all_actors(subject(t), lex, actors)
                        and _same_kind(child(t, DIRECT_OBJECT), d, categories, lex)), None)
            if got is not None:
                if d.status in (None, "pending", "unknown") and d.evidence is None:
                    d.status, d.evidence, d.answer = "accepted", sent.text.strip(), got
                break


def _obtain_verbs(sent: Span, lex: Lexicon):
    """The sentence's verbs of getting (`lex.obtain_verbs`), in order."""
    doc = sent.doc
    lems, verbs = lemmas(doc), verbs_by_tag(doc)
    return (doc[i] for i in range(sent.start, sent.end) if verbs[i] and lems[i] in lex.obtain_verbs)


def _same_kind(obj: Token | None, d: Demand, categories: dict, lex: Lexicon) -> bool:
    if obj is None:
        return False
    if lemma(obj) == lemma(d.head):
        return True
    start, end = min(t.i for t in obj.subtree), max(t.i for t in obj.subtree) + 1
    kind = category(Demand(start, end, obj, obj, 0), obj.doc, lex)
    return kind != "other" and kind == categories[id(d)]
