"""Readers of the parse around an amount: the entity a word belongs to, the words naming a
role, the verbs above the amount, the noun it prices, whose a figure or a part is, what it is
for, whom it goes to, what a change is measured on. Each returns a token (or None); `roles`
decides which of them fills the subject or payer."""

from __future__ import annotations

from transforms.money.cues import Rules, is_part, is_time, rules
from transforms.money.purpose import amount_root, money_kind
from transforms.parse import (
    OBJECT, PASSIVE_AUXILIARY, PASSIVE_SUBJECT, POSSESSOR, RELATIVE_CLAUSE, SUBJECT, child, clause_of,
    entity_of, governed_without_verb, is_verb, prep_heads, subject_of,
)

# Parts of a noun's subtree that say more about it than its name: cut from *_text.
_NOT_IN_TEXT = ("relcl", "acl:relcl", "acl", "appos", "advcl", "parataxis", "punct", "cc", "conj",
                "dep", "list", "csubj", "cop", "aux", "mark", "obl", *SUBJECT)
_EDGE_WORDS = ("case", "punct", "cc", "mark", "prep")


def clause_subject(verb):
    """`transforms.parse.subject_of` with what money's readers count as an actor (a name that
    can stand for a phrase, or a description like "the company") and the lexicon's
    object-control verbs and prepositions ("asked Bolt to repay")."""
    r = rules()
    return subject_of(verb, acts=lambda t: named(t, r) is not None or t.lemma_.lower() in r.anaphor_nouns,
                      control_verbs=r.object_control_verbs, control_preps=r.control_preps)


def named(token, r: Rules):
    """The entity token belongs to when that entity can stand for a phrase: a demonym
    ("Colombian officials") describes its noun rather than naming it."""
    ent = entity_of(token)
    return ent if ent is not None and ent.label_ not in r.modifier_types else None


def entity_in(tokens, exclude: range, r: Rules | None = None) -> object | None:
    """The first entity among tokens that can stand for a phrase, outside the amount."""
    r = r or rules()
    for t in tokens:
        if t.i not in exclude:
            ent = named(t, r)
            if ent is not None:
                return ent
    return None


def stands_for(head, root, exclude: range, r: Rules):
    """The token a phrase after a cue noun stands for: the entity in it ("a reward for
    information leading to Ortega's arrest" is Ortega's), or the people it names by their
    role ("officials facing US indictments" are the officials, not the US). None when the
    phrase holds the amount ("the bidding for the Air Force $40bn contract" is about the
    contract) or names no one."""
    if governed_without_verb(head, root):
        return None
    if head.lemma_.lower() in r.person_roles:
        ent = entity_in(phrase(head, exclude), exclude, r)
        return ent.root if ent is not None else head
    ent = entity_in(head.subtree, exclude, r)
    return ent.root if ent is not None else None


def verbs_above(chain, exclude) -> list:
    """The verb governing the amount, then those that govern it in turn while it is only a
    participle or second conjunct without a subject of its own ("the reward for information
    leading to ... to $3 million" is raised by the subject of "raised")."""
    verbs = []
    for t in chain:
        if not is_verb(t) or t.i in exclude:
            continue
        verbs.append(t)
        if t.dep_ not in ("acl", "conj") or child(t, SUBJECT) is not None:
            break
    return verbs


def phrase(head, exclude, cut_deps: tuple[str, ...] = _NOT_IN_TEXT) -> list:
    """The words naming head: its subtree without the dependents `cut_deps` (by default
    clauses, appositions, conjuncts, obliques) and the amount, the run of them around head,
    without prepositions or punctuation at its edges."""
    cut = set(exclude)
    for t in head.subtree:
        if t is not head and t.dep_ in cut_deps and t.head.i not in cut:
            cut.update(x.i for x in t.subtree)
    for c in head.children:
        # a modifier holding the amount ("contracts worth $2bn") prices the thing, not names it
        if any(x.i in exclude for x in c.subtree):
            cut.update(x.i for x in c.subtree)
    keep = {t.i for t in head.subtree if t.i not in cut}
    start = end = head.i
    while start - 1 in keep:
        start -= 1
    while end + 1 in keep:
        end += 1
    tokens = list(head.doc[start:end + 1])
    while tokens and tokens[0].dep_ in _EDGE_WORDS and tokens[0] is not head:
        tokens.pop(0)
    while tokens and (tokens[-1].dep_ in _EDGE_WORDS or tokens[-1].is_punct) and tokens[-1] is not head:
        tokens.pop()
    return tokens


def phrase_head(noun):
    """The head of the noun phrase a modifying noun sits in: "a $3bn defence contract" and
    "a $2bn rescue package deal" are about the contract and the deal."""
    while noun.dep_ in ("compound", "amod") and noun.head.pos_ == "NOUN" and noun.head.i > noun.i:
        noun = noun.head
    return noun


def priced_noun(span, nouns, r: Rules):
    """The noun a figure states the value of, in front of it ("a $4bn plan", "the $30bn frigate
    contract") or through "worth" ("contracts worth $2bn"), when it is not money itself."""
    root = amount_root(span)
    noun = nouns[0] if nouns and root.head.i == nouns[0].i else None
    worth = next((t for t in (root.head, *root.children)
                  if t.lower_ in r.worth_words and t.i not in range(span.start, span.end)), None)
    if worth is not None and worth.head.i != root.i and worth.head.i < worth.i:
        noun = worth.head  # UD: "contracts worth $2bn" hangs "worth" on the noun, "$" on "worth"
    elif worth is not None and worth.i > root.i:
        # "$2bn worth of contracts": what "of" introduces after "worth"
        noun = next((c for c in worth.children if c.dep_ in ("nmod", "pobj") and c.pos_ == "NOUN"
                     and child(c, ("case",)) is not None), noun)
        if noun is not None and noun.i > worth.i:
            return noun
    if noun is None:
        # "$40 billion tanker contract" with the noun hung on the amount
        noun = next((c for c in root.children if c.i >= span.end and c.pos_ == "NOUN"
                     and c.dep_ in ("compound", "nmod", "appos") and not is_time(c, r) and all(
                         t.dep_ not in _EDGE_WORDS and c in t.ancestors for t in span.doc[span.end:c.i])),
                    None)
    if noun is None and root.dep_ in OBJECT:
        # "fund a £5.5bn ($10bn) plan" read as two objects of "fund"
        noun = next((c for c in root.head.children if c.i >= span.end and c.dep_ == root.dep_), None)
    noun = phrase_head(noun) if noun is not None else None
    if noun is None or noun.pos_ != "NOUN" or possessor_concerned(noun, r) or (
            money_kind(noun, r) is None and noun.lemma_.lower() in r.money_nouns):
        return None
    if noun.dep_ in OBJECT and noun.head.lemma_.lower() in r.party_verbs:
        return None  # "Acme lost a $3bn contract": the money concerns the loser
    between = span.doc[span.end:noun.i] if noun.i >= span.end else span.doc[noun.i + 1:span.start]
    said_again = {t.i for t in root.subtree}  # "£5.5bn ($10bn)": the amount in other terms
    if noun.i >= span.end and all(t.pos_ in ("NOUN", "PROPN", "ADJ", "PUNCT") or t.i in said_again
                                  for t in between):
        return noun
    if noun.i < span.start and any(t.lower_ in r.worth_words for t in between):
        return noun
    return None


def possessor_concerned(token, r: Rules) -> bool:
    # "Kenya's loan" is Kenya's money; "the navy's frigate contract" is what the navy buys,
    # and "Scotland's share of the cost" is a share, not Scotland.
    kind = money_kind(token, r)
    return kind is not None and kind not in r.buyer_purposes


def figure_owner(head, verb, exclude, r: Rules):
    """Whose a figure is, when the role came out as the figure's own name ("profit rose"):
    its possessor, what "of", "from" or "at" introduces, a segment or company named in front
    of the clause ("In the plastics division, profit rose"), else the article's company."""
    poss = child(head, POSSESSOR, exclude)
    if poss is not None:
        return poss
    for c in head.children:
        if c.dep_ == "compound" and c.i not in exclude and named(c, r) is not None:
            return c
    # "in the latest quarter" says when, not whose
    owners = [h for h in prep_heads(head, r.owner_preps, exclude) if not is_time(h, r)]
    if owners:
        return owners[0]
    if verb is not None:
        if verb.dep_ in RELATIVE_CLAUSE and verb.head.pos_ in ("NOUN", "PROPN"):
            return verb.head  # "its industrial products segment, where profit soared"
        fronted = [h for h in prep_heads(verb, r.owner_preps, exclude)
                   if h.i < verb.i and not is_time(h, r)]
        if fronted:
            return fronted[0]
    return segment_named(head, verb, exclude, r)


def whole_of(subject, exclude, r: Rules):
    """What a part belongs to: "a 20% stake in Acme", "the interest of its partner, Acme",
    "Acme's stock", "Acme shares" concern Acme, unless the part is named itself; parts nest
    ("the value of its stake in Acme"), so the chain is followed a few steps, as far as an owner
    is named."""
    for _ in range(3):
        if subject is None or not is_part(subject, r):
            break
        if any(c.dep_ == "appos" and entity_in(c.subtree, exclude, r) is not None for c in subject.children):
            break  # a part with a name of its own ("Acme's arm, Bolt Oil") is that company
        owners = [child(subject, POSSESSOR, exclude) or possessive_before(subject, r),
                  *prep_heads(subject, r.part_preps, exclude),
                  *(c for c in reversed(list(subject.lefts)) if c.dep_ == "compound" and c.i not in exclude
                    and named(c, r) is not None),  # "Acme shares": the nearest name
                  # "purchasing 63 million shares, or 86%, of Acme": "of" hung on the verb
                  *(h for h in (prep_heads(subject.head, r.part_preps, exclude) if subject.dep_ in OBJECT else ())
                    if h.i > subject.i)]
        owner = next((o for o in owners if o is not None), None)
        if owner is None:
            break
        subject = owner
    return subject


def possessive_before(token, r: Rules):
    """The name in "Acme's" right before a word, when the parser hung it elsewhere ("Acme's
    stock rose $2.50" read with "stock" apart from "Acme")."""
    if token.i < 2 or token.doc[token.i - 1].tag_ != "POS":
        return None
    owner = token.doc[token.i - 2]
    return owner if named(owner, r) is not None else None


def segment_named(figure, verb, exclude, r: Rules):
    """The part of a company a figure is reported for: "profit fell to $6m in the shipping
    segment", or "In the retail division, sales rose" opening the sentence, which parsers often
    hang nowhere near the figure's clause."""
    if verb is not None:
        # Parsers hang the phrase on the verb or on a figure beside it ("to $6m from $5m in
        # the shipping segment"), so any word of the clause may carry it.
        parts = [h for t in verb.subtree if t.i not in exclude and getattr(clause_of(t), "i", None) == verb.i
                 for h in prep_heads(t, r.owner_preps, exclude) if is_part(h, r)]
        if parts:
            return parts[0]
    first = figure.sent[0]
    if first.lower_ in r.owner_preps and first.head.i < figure.i and is_part(first.head, r) \
            and first.head.pos_ == "NOUN" and first.head.i not in exclude:
        return first.head
    return None


def valued_object(root, exclude, r: Rules):
    """What an estimate puts at the amount: the object of "estimate", "put" or "value" when
    the amount hangs on that verb by "at" ("estimate the value of the offer at $40 a share")."""
    if root.dep_ == "pobj":  # ClearNLP: verb -prep-> "at" -pobj-> amount
        marker, verb = root.head, root.head.head
    else:  # UD: the amount is an obl of the verb with "at" as its case marker
        marker = next((c for c in root.children if c.dep_ == "case"), None)
        verb = root.head if root.dep_.split(":")[0] == "obl" else None
    if verb is None or marker is None or marker.lower_ != "at" or verb.lemma_.lower() not in r.valuation_verbs:
        return None
    return child(verb, OBJECT, exclude)


def what_for(span, money_noun, exclude, r: Rules):
    """What the amount itself is said to be for ("£300m for the flood defences"), or what a
    participle on it, or on the money noun it counts, spends it on ("the £200m being spent on
    research", "£80m needed for the bypass", "the $700bn package earmarked for banks"); what is
    owed goes to a creditor, not for something. Parsers hang these on any word of the amount
    ("£80m": "m"), so all of them are asked."""
    for token in span:
        heads = prep_heads(token, r.amount_preps, exclude)
        if heads:
            return heads[0]
    for c in (c for token in (*span, *filter(None, [money_noun])) for c in token.children):
        # (not an infinitive: in "fell 75 cents to close at $31 on the Nasdaq" nothing is paid)
        if (c.dep_.split(":")[0] in ("acl", "relcl") and is_verb(c) and c.i not in exclude
                and not any(k.tag_ == "TO" for k in c.children)
                and c.lemma_.lower() not in r.debt_verbs):
            heads = prep_heads(c, r.beneficiary_preps, exclude)
            if heads:
                return heads[0]
    return None


def borrower(noun, exclude, r: Rules):
    """Who took on a loan that a relative clause describes ("a $900m loan that Bolt had
    secured on its assets"): the loan is the borrower's, whoever is asked to repay it."""
    if noun is None or money_kind(noun, r) not in r.lender_preps:
        return None
    for clause in noun.children:
        if clause.dep_ in RELATIVE_CLAUSE and clause.lemma_.lower() in r.borrow_verbs:
            subject = child(clause, SUBJECT, exclude)
            if subject is not None and subject.tag_ not in ("WDT", "WP") and subject.lower_ not in ("which", "that"):
                return subject
    return None


def recipient_below(verb, exclude, r: Rules):
    """Whom a verb's money goes to, named inside one of its phrases ("will be offered in the
    form of cheap loans to farmers", "provided as grants to schools"): the first "to" down
    the chain of nouns, a few steps at most."""
    level = [c for c in verb.children if c.dep_.split(":")[0] == "obl" and c.i not in exclude]
    for _ in range(3):
        for noun in level:
            heads = [h for h in prep_heads(noun, r.recipient_preps, exclude) if not is_time(h, r)]
            if heads:
                return heads[0]
        level = [c for noun in level for c in noun.children
                 if c.dep_.split(":")[0] == "nmod" and c.i not in exclude]
    return None


def amount_possessor(root, span, exclude):
    """The possessive the parser hung on the amount, when it stands right before it ("Kenya's
    $1bn"): in "hand its wine industry 70m euros" it is the industry's."""
    poss = child(root, POSSESSOR, exclude)
    if poss is None or any(t.pos_ in ("NOUN", "PROPN") for t in span.doc[poss.i + 1:span.start]):
        return None
    return poss


def first_object(verb, span):
    """The noun phrase between a verb of giving and the amount it gives ("hand its struggling
    wine industry 70m euros"), whatever the parser hung it on: the first of two objects."""
    if amount_root(span).head.i != verb.i or verb.i >= span.start:
        return None
    between = verb.doc[verb.i + 1:span.start]
    if not between or between[-1].pos_ not in ("NOUN", "PROPN", "PRON") or any(
            t.pos_ not in ("DET", "PRON", "ADJ", "NOUN", "PROPN", "NUM") and t.tag_ not in ("VBG", "VBN")
            for t in between):
        return None
    return between[-1]


def changed_measure(root, verb, exclude, r: Rules):
    """What a change "to", "by" or "above" an amount is measured on ("swelled Taiwan's reserves
    to $53bn", "will increase the payout to shareholders by $140m"): its owner, else whom it
    goes to, else the thing itself, not the one who changes it."""
    # ("pushed prices above $50 a barrel": the qualifier is inside the amount, hung on it)
    if root.head.i != verb.i or verb.lemma_.lower() not in r.change_verbs or not any(
            c.dep_ in ("case", "advmod") and c.lower_ in ("to", "by", "above", "below", "past")
            for c in root.children):
        return None
    # what is changed: the object, or the subject of a passive ("are to be boosted by $3.5m")
    obj = child(verb, OBJECT, exclude)
    if obj is None and (child(verb, PASSIVE_AUXILIARY) is not None or child(verb, PASSIVE_SUBJECT)):
        obj = clause_subject(verb)
    if obj is None or obj.i in exclude:
        return None
    recipients = [h for t in (obj, verb) for h in prep_heads(t, r.recipient_preps, exclude)
                  if h.pos_ in ("NOUN", "PROPN")]
    return child(obj, POSSESSOR, exclude) or next(iter(recipients), None) or obj
