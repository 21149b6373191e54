"""Demands without a demand word: what a speaker says another party should or must do
("Duarte said the central bank should cut rates"), and a condition set on another party
("Iran will only resume talks if the US lifts sanctions")."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.demands.actors import Actors, is_human, who
from transforms.demands.clauses import not_asserted, subject
from transforms.demands.demanded import Demand, trim
from transforms.demands.lexicon import Lexicon
from transforms.parse import ACTIVE_SUBJECT, PASSIVE_SUBJECT, child, is_negated, \
    is_verb_by_tag, lemma


def from_reported_obligation(verb: Token, lex: Lexicon, actors: Actors, sent_index: int) -> list[Demand]:
    """"Duarte said the central bank should cut rates": what a speaker says another party should or
    must do is asked of that party. The speaker's own side ("we must") only states an intent."""
    if not any(c.dep_ == "aux" and c.lower_ in lex.obligation_modals for c in verb.children):
        return []
    if is_negated(verb) or any(c.dep_ == "aux" and c.lower_ == "have" for c in verb.children):
        return []  # "should not", "should have": advice refused or a past regret
    if lemma(verb) in lex.outcome_verbs or any(c.dep_ == "cop" for c in verb.children):
        return []  # "should report a profit", "should be higher": a forecast, not a demand
    subj = child(verb, ACTIVE_SUBJECT)
    if subj is None or subj.lower_ in lex.first_person or not is_human(subj, lex, actors):
        return []
    speech = _speech_above(verb, lex)
    if speech is None or not_asserted(speech, lex):
        return []
    actor, addressee = who(subject(speech), lex, actors), who(subj, lex, actors)
    if actor == (None, None) or actor == addressee:
        return []
    # ", adding that ...": a further attribution hung on the clause is not part of it.
    aside = {t.i for c in verb.children if lemma(c) in lex.attribution_verbs for t in c.subtree}
    words = [t.i for t in verb.subtree if t.i not in aside]
    end = next((i for i in range(subj.i, max(words) + 1) if i in aside), max(words) + 1)
    start, end = trim(verb.doc, subj.left_edge.i, end)
    return [Demand(start, end, verb, verb, sent_index, actor=actor, addressee=addressee,
                   source="rule:obligation")]


def _speech_above(verb: Token, lex: Lexicon) -> Token | None:
    """The verb of saying that reports the clause, up to four complement or conjunct links
    above it."""
    tok = verb
    for _ in range(4):
        if tok.dep_ not in ("ccomp", "conj", "parataxis") or tok.head == tok:
            break
        tok = tok.head
        if lemma(tok) in lex.attribution_verbs and is_verb_by_tag(tok):
            return tok
    return None


def from_condition(verb: Token, lex: Lexicon, actors: Actors, sent_index: int) -> list[Demand]:
    """"Trust can only be restored if Brown opens up his books, say the Lib Dems", "Iran will
    only resume talks if the US lifts sanctions": a condition set on another party ("only ...
    if") is asked of it, by whoever says so, else by the one who would act on it."""
    mark = next((c for c in verb.children if c.dep_ == "mark" and c.lower_ == "if"), None)
    main = verb.head
    if mark is None or main is verb or verb.dep_ not in ("advcl", "ccomp") or not any(
            c.dep_ == "advmod" and c.lower_ == "only" and c.i < mark.i for c in (*main.children, *verb.children)):
        return []
    subj = child(verb, ACTIVE_SUBJECT)
    if subj is None or subj.lower_ in lex.first_person or not is_human(subj, lex, actors) or is_negated(verb):
        return []
    things = child(main, ACTIVE_SUBJECT + PASSIVE_SUBJECT)
    if subj.lower_ == "they" and things is not None and things.tag_ == "NNS" \
            and not is_human(things, lex, actors):
        return []  # "records should only be destroyed if they served no purpose": no one is asked
    # the verb of saying in the sentence, wherever the parser hung it
    speech = next((t for t in verb.sent if lemma(t) in lex.attribution_verbs and is_verb_by_tag(t)
                   and t not in (verb, main)), None)
    if speech is not None:
        # "..., say the Lib Dems": a speaker after the verb may come out as its complement
        actor_tok = subject(speech) or next(
            (c for c in speech.children if c.i > speech.i and c.pos_ in ("NOUN", "PROPN")), None)
    else:
        actor_tok = subject(main)
        actor_tok = actor_tok if actor_tok is not None and is_human(actor_tok, lex, actors) else None
    actor, addressee = who(actor_tok, lex, actors), who(subj, lex, actors)
    if actor == (None, None) or actor == addressee:
        return []
    # (a verb of saying above the condition says all of it; one hung inside it is cut out)
    said = {t.i for t in speech.subtree} if speech is not None and verb in speech.ancestors else set()
    start, end = trim(verb.doc, verb.i, max(t.i for t in verb.subtree if t.i not in said) + 1)
    return [Demand(start, end, verb, verb, sent_index, actor=actor, addressee=addressee,
                   source="rule:condition")]
