"""Demands named by a noun: "the IMF's demand for devaluation", "a request that ...", "wage
demands", "another demand included ...", "its demands, which are believed to be ...". The
demanded thing is the noun's complement, what a listing verb or relative clause says it is, or
its compound; the actor its possessor, by-phrase or naming modifier. A complement followed by an
infinitive asks that act: of the party it names ("a demand for Belgium to reopen the canal"), or
of the thing it names ("a call for quotas to be lifted", the whole of it)."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.demands.actors import Actors, is_human, who
from transforms.demands.clauses import is_listing_verb_negated, noun_use, subject
from transforms.demands.demanded import Demand, allowed, beneficiary, conjuncts, open_tense, split, trim
from transforms.demands.lexicon import Lexicon
from transforms.parse import ACTIVE_SUBJECT, DIRECT_OBJECT, OPEN_COMPLEMENT, PASSIVE_SUBJECT, \
    POSSESSOR, child, infinitive_after, is_negated, is_nominal, is_relative_clause, is_verb_by_tag, lemma, \
    prep_phrases


def from_noun(noun: Token, lex: Lexicon, actors: Actors, sent_index: int) -> list[Demand]:
    """The demands a demand noun names: one per coordinated part of its content."""
    if lemma(noun) not in lex.nouns or not noun_use(noun) or is_negated(noun):
        return []
    content, addressee, actor_tok, act = _noun_phrases(noun, lex, actors)
    listing = None
    if content is None:
        content, listing = _stated_content(noun, lex)
    compound = _naming_modifiers(noun)
    if actor_tok is None:
        poss = _possessor(noun, lex, actors)
        actor_tok = poss if poss is not None else next((c for c in compound if actors.entity(c) is not None), None)
    if content is None:
        if lemma(noun) in lex.nouns_need_complement:
            return []
        if not [c for c in compound if actors.entity(c) is None]:
            return []  # "his demands", "these requests": a reference, not a new demand
        content = noun
    if is_listing_verb_negated(noun, lex):
        return []
    actor = who(actor_tok, lex, actors) if actor_tok is not None else (None, None)
    addr = who(addressee, lex, actors)
    verb = listing if listing is not None else (noun.head if is_verb_by_tag(noun.head) else None)
    # (the parser may hang the infinitive on the noun, beside the thing: the span takes both.
    # 5-fold quick loop with the party's case, `_noun_phrases`: demands 165 -> 167 right of
    # 288 -> 287)
    reach = max(t.i for t in act.subtree) + 1 if act is not None else None
    out = []
    for start, end, h in _content_spans(noun, content, compound, lex, actors, reach):
        if end <= start:
            continue
        d = Demand(start, end, h, noun, sent_index, actor=actor, addressee=addr,
                   source="rule:listed" if listing is not None else "rule:noun")
        benef, _ = beneficiary(None, h, lex, actors, noun.doc)
        d.beneficiary = benef or allowed(h, lex, actors)
        d.open_framing = open_tense(verb, lex) if verb is not None else True
        out.append(d)
    return out


def _noun_phrases(noun, lex, actors) -> tuple[Token | None, Token | None, Token | None, Token | None]:
    """(content, addressee, actor, the act asked of the content) from the noun's prepositional
    phrases: "demand for X", "call on Y", "request by Z", "the demands of the strikers", "a call
    for X to do Y" (the act is then the content when X is a party, asked of X)."""
    content = addressee = actor_tok = None
    for prep, h in prep_phrases(noun):
        if prep in lex.noun_content_preps and content is None and h.i > noun.i and \
                not (prep == "of" and is_human(h, lex, actors)):
            content = h
        elif prep in lex.noun_addressee_preps and addressee is None and h.i > noun.i and is_nominal(h):
            addressee = h
        elif prep in lex.noun_actor_preps and actor_tok is None:
            actor_tok = h
        elif prep == "of" and is_human(h, lex, actors) and actor_tok is None:
            actor_tok = h
    act = infinitive_after(content, noun) if content is not None and addressee is None else None
    if act is not None and is_human(content, lex, actors):
        # "a demand for Belgium to reopen the canal": the party after "for" is asked, the
        # infinitive is what is asked (the parser hangs it on the noun or on the party)
        return act, content, actor_tok, None
    return content, addressee, actor_tok, act


def _stated_content(noun, lex) -> tuple[Token | None, Token | None]:
    """(content, the verb stating it) when no preposition gives the content: a that- or
    to-clause on the noun, a relative clause, "demands include X", "another demand was X"."""
    clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp") and is_verb_by_tag(c)
                   and not is_relative_clause(c)), None)
    if clause is not None and any(k.lower_ in ("that", "to") for k in clause.children):
        return clause, None
    content, listing = _relative_listing(noun, lex)
    if content is not None:
        return content, listing
    if noun.dep_ in ACTIVE_SUBJECT and lemma(noun.head) in lex.listing_verbs:
        return child(noun.head, (*DIRECT_OBJECT, *OPEN_COMPLEMENT, "attr", "ccomp")), noun.head
    if noun.dep_ in ACTIVE_SUBJECT and any(c.dep_ == "cop" for c in noun.head.children) and \
            any(c.dep_ in ("det", *POSSESSOR) for c in noun.children):
        # "another demand was X", "their demand is X"; a bare "gasoline demand was 6.6 mln
        # bpd" is the market's
        return noun.head, noun.head
    return None, None


def _possessor(noun, lex, actors) -> Token | None:
    """"the IMF's demand", "its wage demands" (the parser may hang the possessor on the
    compound); "for Acme to drop its demands": the possessor is the subject of its clause."""
    poss = child(noun, POSSESSOR) or next((child(c, POSSESSOR) for c in noun.children if c.dep_ == "compound"
                                           and child(c, POSSESSOR) is not None), None)
    if poss is not None and poss.lower_ in ("its", "their") and who(poss, lex, actors) == (None, None) \
            and noun.dep_ in DIRECT_OBJECT:
        poss = subject(noun.head) or poss
    return poss


def _naming_modifiers(noun) -> list[Token]:
    """Words before the noun that name the demand or its maker: compounds ("wage demands",
    "IMF demand"), and a modifier a misread noun keeps as its "subject" or sibling."""
    # A misread noun keeps its modifier as a "subject" ("IMF demand" read as "IMF demands").
    compound = [c for c in noun.children if c.i < noun.i and (
        c.dep_ == "compound" or c.dep_ in ACTIVE_SUBJECT and not noun.tag_.startswith("NN"))]
    before = noun.doc[noun.i - 1] if noun.i > 0 else None
    if before is not None and before.head == noun.head and noun.dep_ != "ROOT" and (
            before.dep_ == noun.dep_ or before.dep_ in ("obj", "dobj") and noun.dep_ == "xcomp"):
        # "rejects IMF demand" read as two objects, or as an object and a bare infinitive: the
        # first names the second
        compound.append(before)
    return compound


def _content_spans(noun, content, compound, lex, actors, reach: int | None = None) -> list[tuple[int, int, Token]]:
    """Token ranges of the demanded thing: the noun with its modifiers when it is its own
    content ("wage demands"), else each coordinated part of the content; a single content
    reaches at least to `reach` (what must happen to it)."""
    doc = noun.doc
    if content is noun:
        start = min(c.left_edge.i for c in compound) if compound else noun.i
        start = min([start] + [c.left_edge.i for c in noun.children if c.dep_ == "amod" and c.i < noun.i])
        end = max(t.i for t in noun.subtree) + 1
        return [(*trim(doc, start, end), noun)]
    heads = conjuncts(content, lex, actors)
    end_limit = max(max(t.i for t in h.subtree) + 1 for h in heads)
    if reach is not None and len(heads) == 1:
        end_limit = max(end_limit, reach)
    return split(heads, end_limit, doc)


def _relative_listing(noun, lex: Lexicon):
    """"its demands, which are thought to be for a grace period", "a request, which
    was for ...": a relative clause saying what the demand is. (content, clause verb).
    A clause whose pronoun follows the noun directly counts wherever the parser hung it."""
    def pronoun(clause):
        subj = child(clause, (*ACTIVE_SUBJECT, *PASSIVE_SUBJECT))
        return subj if subj is not None and subj.lower_ in ("which", "that") else None

    def right_after(p):
        before = next((t for t in reversed(noun.doc[noun.i + 1:p.i]) if not t.is_punct), None)
        return before is None and p.i - noun.i <= 2

    clauses = [c for c in noun.sent if is_relative_clause(c) and pronoun(c) is not None
               and (c.head.i == noun.i or right_after(pronoun(c)))]
    for c in clauses:
        if any(k.dep_ == "cop" for k in c.children):
            return c, c
        if lemma(c) in lex.listing_verbs | lex.hearsay_verbs:
            # "believed to be $3bn": parsers hang the predicate as an object or, after "to
            # be", as an oblique
            inner = child(c, (*DIRECT_OBJECT, *OPEN_COMPLEMENT, "attr")) or next(
                (k for k in c.children if k.dep_.split(":")[0] == "obl" and k.i > c.i
                 and any(t.dep_ == "cop" for t in k.subtree)), None)
            if inner is not None:
                return inner, c
    return None, None
