"""Readings of the parse that need the demands lexicon: who can act, whether a demand word is
asserted, and whether a demand word the tagger read as a verb is the noun."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.demands.lexicon import Lexicon, lexicon
from transforms.parse import ACTIVE_SUBJECT, DIRECT_OBJECT, OPEN_COMPLEMENT, child, clause_subject, \
    is_negated, is_verb_by_tag, lemma


def could_act(tok: Token) -> bool:
    """A person, a named body or a group of people, as far as the token alone tells."""
    return tok.pos_ in ("PROPN", "PRON") or bool(tok.ent_type_) or \
        lemma(tok) in lexicon().human_nouns or tok.lower_ in lexicon().human_nouns


def subject(verb: Token) -> Token | None:
    """The clause's subject as demands read it (`clause_subject`), `could_act` deciding which
    objects can take over an infinitive's subject."""
    return clause_subject(verb, could_act)


def is_hypothetical(tok: Token, lex: Lexicon) -> bool:
    """Only possible ("could demand") or conditional ("if they demand")."""
    for c in tok.children:
        if c.dep_ in ("aux", "aux:pass") and c.lower_ in lex.hypothetical_modals:
            return True
        if c.dep_ == "mark" and c.lower_ in lex.hypothetical_marks:
            return True
    return False


def not_asserted(verb: Token, lex: Lexicon) -> bool:
    """Negated, merely possible, or governed by a verb that keeps it from happening."""
    tok, depth = verb, 0
    while depth < 3:
        if is_negated(tok) or is_hypothetical(tok, lex):
            return True
        if tok.dep_ not in OPEN_COMPLEMENT or tok.head == tok:
            return False
        tok = tok.head
        depth += 1
        if lemma(tok) in lex.non_assertive_governors:
            return True
    return False


def noun_use(tok: Token) -> bool:
    """A noun, or a demand word the tagger read as a verb where only a noun fits: in a noun's
    slot ("rejects IMF demand") or as a plural-form verb after a singular noun with no
    auxiliary, which English does not allow ("an IMF demand for ...")."""
    if tok.tag_.startswith("NN"):
        return True
    if tok.tag_ != "VBG" and tok.dep_.split(":")[0] in ("obj", "dobj", "nsubj", "obl", "nmod", "pobj", "appos"):
        return True  # a gerund keeps its verb reading ("by demanding a recount")
    if tok.tag_ == "VB" and tok.dep_ == "xcomp" and tok.i > 0 and tok.doc[tok.i - 1].head.i == tok.head.i \
            and tok.doc[tok.i - 1].dep_ in DIRECT_OBJECT and lemma(tok.head) not in lexicon().bare_infinitive_verbs \
            and not any(c.dep_ in ("mark", "aux") for c in tok.children):
        return True  # "rejects IMF demand for ...": a bare infinitive after the object is a noun
    subj = child(tok, ACTIVE_SUBJECT)
    return tok.tag_ == "VBP" and subj is not None and subj.i == tok.i - 1 and \
        subj.tag_ in ("NN", "NNP") and not any(c.dep_ in ("aux", "aux:pass") for c in tok.children)


def is_listing_verb_negated(noun: Token, lex: Lexicon) -> bool:
    """"did not include demands for ...", "may include": the listing that carries a demand noun
    is negated or only possible."""
    head = noun.head
    return head != noun and is_verb_by_tag(head) and lemma(head) in lex.listing_verbs and (
        is_negated(head) or is_hypothetical(head, lex))
