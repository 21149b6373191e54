"""Subject and payer of an amount: whom the money concerns and who pays or offers it.

`roles_of` reads the dependency parse around the amount with an ordered tuple of rules,
`ROLE_RULES`: each reads one shape of news language and fills the subject or the payer when
it finds them (most only while the subject is still open, so the first rule that decides
wins); `SUBJECT_REFINEMENTS` then trade the subject found for the one it stands for (a part
for its owner, a figure for its company). Each rule takes the `Reading` of one amount and sets
its `subject`/`payer` tokens; `role_value` (in `context`) turns those into the row's columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from transforms.money.context import role_value, salient
from transforms.money.cues import Rules, is_figure, is_time, refers_back, rules
from transforms.money.phrases import (
    amount_possessor, borrower, changed_measure, clause_subject, figure_owner, first_object,
    phrase_head, possessor_concerned, priced_noun, recipient_below, stands_for, valued_object,
    verbs_above, what_for, whole_of,
)
from transforms.money.purpose import amount_root, money_kind, nearest_cue
from transforms.parse import (
    AGENT, OBJECT, PASSIVE_SUBJECT, POSSESSOR, SUBJECT, child, determiner, has_parse, is_verb, prep_heads,
)

ROLE_COLUMNS = ("subject_entity_id", "subject_text", "payer_entity_id", "payer_text")


@dataclass
class Reading:
    """What the rules read about one amount, and the subject and payer found so far."""

    span: object
    r: Rules
    exclude: range  # the amount's own tokens: never its subject or payer
    money: frozenset  # tokens of every amount of the document
    root: object  # the token the amount hangs on (`amount_root`)
    chain: list  # root and its ancestors
    verb: object  # the verb governing the amount, or None
    valued: object  # what an estimate values at the amount, or None
    money_verb: object  # the verb above that pays, claims or owes (else `verb`); None for an estimate
    nouns: list  # nouns on the chain below the money verb
    cue: object  # the nearest purpose cue word
    modified: object  # the noun the amount modifies ("a $4bn plan"), or None
    subject: object = None
    payer: object = None

    @classmethod
    def of(cls, span, money: frozenset = frozenset()) -> "Reading":
        r = rules()
        exclude = range(span.start, span.end)
        root = amount_root(span)
        chain = [root, *root.ancestors]
        verbs = verbs_above(chain, exclude)
        verb = verbs[0] if verbs else None
        valued = valued_object(root, exclude, r)
        money_verb = None if valued is not None else next(
            (v for v in verbs if v.lemma_.lower() in r.money_verbs), verb)
        # The cue noun ("reward", "fine") may sit beside the amount rather than above it
        # ("raised the reward for ... to $3 million").
        top = money_verb if money_verb is not None else verb
        below = chain[:chain.index(top)] if top is not None else chain
        nouns = [t for t in below if t.i not in exclude and t.pos_ in ("NOUN", "PROPN")]
        return cls(span, r, exclude, money, root, chain, verb, valued, money_verb, nouns,
                   nearest_cue(span), _modified(root, span))

    @property
    def money_lemma(self) -> str | None:
        return self.money_verb.lemma_.lower() if self.money_verb is not None else None


def _modified(root, span):
    """The noun the amount modifies, whichever way the parser drew the arc."""
    if root.dep_ in ("compound", "nummod", "amod") and root.head.i > root.i:
        return root.head
    return next((c for c in root.children if c.i == span.end and c.dep_ in ("appos", "compound")
                 and c.pos_ == "NOUN"), None)


# --- the rules, in the order they apply -------------------------------------------------------

def estimate(x: Reading) -> None:
    """"Analysts put the value of the offer at $3bn": an estimate concerns what it values (or
    the whole it is part of), and no one pays it."""
    if x.valued is not None:
        x.subject = whole_of(x.valued, x.exclude, x.r)


def payer_from(x: Reading) -> None:
    """"received $2m from the Dutch government": a verb of receiving is paid by what "from"
    introduces, on the verb, on the amount or on a phrase of either ("received $1.5m in bridge
    financing from the German government", "seeking $450m in loans this year from foreign
    governments" with "from" hung on "year")."""
    if x.money_lemma not in x.r.payer_preps:
        return
    forms = [c for t in (x.money_verb, *x.span) for c in t.children
             if c.dep_.split(":")[0] in ("nmod", "obl") and c.i not in x.exclude]
    heads = [h for t in (x.money_verb, *x.span, *forms)
             for h in prep_heads(t, x.r.payer_preps[x.money_lemma], x.exclude)
             if h.pos_ in ("NOUN", "PROPN") and not is_time(h, x.r)]
    x.payer = heads[0] if heads else None


def paying_subject(x: Reading) -> None:
    """"the Fund will lend Kenya $2bn": a verb of paying or offering is paid by its subject, or
    in the passive by its agent ("$2bn was lent by the Fund"); a passive without one names no
    payer."""
    if x.money_lemma is None or x.money_lemma in x.r.payer_preps or x.money_lemma not in x.r.payer_verbs:
        return
    agent = child(x.money_verb, AGENT)
    passive = child(x.money_verb, PASSIVE_SUBJECT)
    if agent is not None:
        x.payer = next((c for c in agent.children if c.dep_ == "pobj"), agent)
    elif passive is None or passive.i in x.exclude:
        x.payer = clause_subject(x.money_verb)


def penalised(x: Reading) -> None:
    """"Acme was fined $40,000": the passive subject of a penalty both pays it and is what it
    concerns."""
    passive = child(x.money_verb, PASSIVE_SUBJECT) if x.money_verb is not None else None
    if passive is not None and passive.i not in x.exclude and x.money_lemma in x.r.passive_payer_verbs:
        x.payer = x.subject = passive


def claimant(x: Reading) -> None:
    """"Acme sued Bolt for $5m": a claim is paid by its object, and concerns its subject."""
    if x.money_lemma in x.r.claim_verbs:
        x.payer = child(x.money_verb, OBJECT, x.exclude)
        x.subject = clause_subject(x.money_verb)


def loan_borrower(x: Reading) -> None:
    """"a $900m loan that Bolt had secured on its assets": a loan a relative clause describes
    concerns its borrower."""
    root = x.root
    if x.subject is None and root.head.i > root.i and root.head.i not in x.exclude:
        x.subject = borrower(phrase_head(root.head), x.exclude, x.r)


def possessive_on_amount(x: Reading) -> None:
    """"the firm's $12.5bn in yearly sales": whose money it is, when the amount modifies no
    noun (in "its $2bn legal fight" the possessive is the fight's)."""
    if x.subject is None and x.modified is None:
        x.subject = amount_possessor(x.root, x.span, x.exclude)


def cue_nouns(x: Reading) -> None:
    """The nouns below the money verb, then the nearest cue word beside the amount, in turn,
    until one gives a subject: what its preposition introduces ("a reward for information
    leading to Ortega's arrest"), its possessor ("Kenya's $1bn loan"; a buyer's possessive
    pays: "Acme completed its $3bn acquisition"), the lender a loan comes from ("a credit line
    from the World Bank"), a figure's owner ("expect Acme earnings of $2.10 a share")."""
    extra = [x.cue] if x.cue is not None and x.cue not in x.chain else []
    for token in x.nouns + extra:
        if x.subject is not None:
            break
        _read_cue_noun(x, token)


def _read_cue_noun(x: Reading, token) -> None:
    r, exclude, root = x.r, x.exclude, x.root
    for head in prep_heads(token, r.subject_preps, exclude):
        x.subject = stands_for(head, root, exclude, r)
        if x.subject is not None:
            break
    poss = child(token, POSSESSOR, exclude)
    if poss is None and (root.head.i == token.i > root.i or token.head.i == root.i < token.i):
        # "its $700m acquisition": "its" on "$", which heads the noun or the noun hangs on
        poss = amount_possessor(root, x.span, exclude)
    kind = money_kind(token, r)
    if x.payer is None and poss is not None and kind in r.buyer_purposes:
        x.payer = poss  # "Acme completed its $3bn acquisition of Bolt": Acme buys
    if x.payer is None and kind in r.lender_preps:
        # "Kenya's $1bn credit line from the World Bank": the World Bank lends
        x.payer = next((h for h in prep_heads(token, r.lender_preps[kind], exclude)
                        if h.pos_ in ("NOUN", "PROPN")), None)
    if x.subject is None and poss is not None and possessor_concerned(token, r):
        x.subject = poss
        if x.payer is None and kind in r.owner_pays_purposes:
            x.payer = poss  # "Argentina's $95bn foreign debt": Argentina owes it
    if x.subject is None and token in x.nouns and is_figure(token, r):
        # "expect Acme earnings in the region of $2.10 a share": Acme's, not the brokers'
        owner = figure_owner(token, None, exclude, r)
        if owner is not None and not any(t.i in exclude for t in owner.subtree):
            x.subject = owner


def fine_receiver(x: Reading) -> None:
    """"Doyle received a fine of $150,000": who receives what an owner pays (a fine, a debt)
    pays it."""
    if x.payer is None and x.money_lemma in x.r.payer_preps and any(
            money_kind(t, x.r) in x.r.owner_pays_purposes for t in x.nouns):
        x.payer = clause_subject(x.money_verb)


def counted_noun(x: Reading) -> None:
    """"US$25 million rewards for several officials": the noun the figure counts says for
    whom, by its preposition (but money is not what money concerns: "the bulk of the money -
    about 40m euros -")."""
    if x.subject is None and x.nouns and x.nouns[0].head.i not in x.exclude:
        heads = [h for h in prep_heads(phrase_head(x.nouns[0]), x.r.subject_preps, x.exclude)
                 if h.lemma_.lower() not in x.r.money_nouns]
        x.subject = heads[0] if heads else None


def said_to_be_for(x: Reading) -> None:
    """"£300m for the flood defences", "the £200m being spent on research": what the amount,
    or a participle on it or on its money noun, is said to be for."""
    if x.subject is None:
        modified = x.modified
        money_noun = modified if modified is not None and money_kind(modified, x.r) is not None else None
        x.subject = what_for(x.span, money_noun, x.exclude, x.r)


def verb_object_or_beneficiary(x: Reading) -> None:
    """"fined Acme $5m", "bought Bolt for $2bn": a verb like fine, buy or sue concerns its
    object; a paying verb, or one whose subject is the amount, concerns whom or what it gives
    to or spends on ("spend £2bn on new hospitals", "lend $3bn to the government", "made
    available to farmers", "offered in the form of cheap loans to farmers")."""
    if x.subject is not None or x.money_verb is None:
        return
    r, verb, lemma = x.r, x.money_verb, x.money_lemma
    obj = child(verb, OBJECT, x.money or x.exclude)
    if obj is None and lemma in r.double_object_verbs:
        obj = first_object(verb, x.span)
    amount_is_subject = any(c.dep_ in SUBJECT and c.i in x.exclude for c in verb.children)
    if lemma in r.object_verbs and obj is not None:
        x.subject = obj
    elif (lemma in r.payer_verbs or amount_is_subject) and lemma not in r.debt_verbs:
        # The preposition may hang on the predicate adjective ("made available to farmers"),
        # on the amount ("lend $3bn to the government") or on a word of it ("spending £60m a
        # year on research": "on" on "year"); a demonym after it names no one.
        heads = [h for v in (verb, *x.span, *(c for c in verb.children
                                             if c.dep_ == "xcomp" and c.pos_ == "ADJ"))
                 for h in prep_heads(v, r.beneficiary_preps, x.exclude)
                 if h.ent_type_ not in r.modifier_types]
        x.subject = heads[0] if heads else recipient_below(verb, x.exclude, r)


def priced_thing(x: Reading) -> None:
    """"a $4bn plan to fight malaria", "contracts worth $2bn": what the figure prices is what
    it concerns; a buyer's possessive pays for it ("the navy's $30bn frigate contract")."""
    if x.subject is not None:
        return
    priced = priced_noun(x.span, x.nouns, x.r)
    if priced is not None:
        x.subject = priced
        x.payer = x.payer if x.payer is not None else child(priced, POSSESSOR, x.exclude)


def copular_under_verb(x: Reading) -> None:
    """"The deficit is about $40bn, the minister said": a copular clause under the verb has its
    own subject on the predicate, and the money is the deficit's, not the minister's."""
    if x.subject is None and x.verb is not None:
        x.subject = next((c for t in x.chain[:x.chain.index(x.verb)] if child(t, ("cop",)) is not None
                          for c in t.children if c.dep_ in SUBJECT and c.i not in x.exclude), None)


def changed_thing(x: Reading) -> None:
    """"swelled Taiwan's reserves to $53bn": a change to or by an amount concerns what changes
    (its owner, else whom it goes to), not who changes it."""
    if x.subject is None and x.verb is not None:
        x.subject = changed_measure(x.root, x.verb, x.exclude, x.r)


def verb_subject(x: Reading) -> None:
    """"Acme reported profit of $130 million": else the subject of the governing verb."""
    if x.subject is None and x.verb is not None:
        x.subject = clause_subject(x.verb)
        if x.subject is not None and x.subject.i in x.exclude:
            x.subject = None


def copular_without_verb(x: Reading) -> None:
    """"Sales were $2.6bn", "That sum is roughly $15m": a copular clause has no verb above the
    amount and hangs the subject on the amount or the predicate word."""
    if x.subject is None and x.verb is None:
        x.subject = next((c for t in x.chain for c in t.children
                          if c.dep_ in SUBJECT and c.i not in x.exclude), None)


def figure_counted(x: Reading) -> None:
    """"Acme reported net income of $26m" with "reported" read as an adjective: a figure the
    money counts, however lost its clause is (its owner is settled by the refinements)."""
    if x.subject is None:
        x.subject = next((t for t in x.nouns if is_figure(t, x.r)), None)


def results_table_line(x: Reading) -> None:
    """"Shr 1.41 dlrs vs 80 cts": a results table's line, with no verb, names its figure before
    the amount."""
    span = x.span
    if x.subject is None and not any(is_verb(t) for t in span.sent):
        x.subject = next((t for t in span.sent[:span.start - span.sent.start] if is_figure(t, x.r)), None)


ROLE_RULES = (
    estimate, payer_from, paying_subject, penalised, claimant, loan_borrower, possessive_on_amount,
    cue_nouns, fine_receiver, counted_noun, said_to_be_for, verb_object_or_beneficiary,
    priced_thing, copular_under_verb, changed_thing, verb_subject, copular_without_verb,
    figure_counted, results_table_line,
)


# --- refinements of the subject found, in order -----------------------------------------------

def adequate_for(x: Reading) -> None:
    """"A $1bn settlement would be more than adequate for Acme": the amount in the subject of
    a copular clause concerns whom its predicate says the money is for."""
    subject, exclude = x.subject, x.exclude
    if subject is not None and subject.dep_ in SUBJECT and child(subject.head, ("cop",)) is not None \
            and any(t.i in exclude for t in subject.subtree):
        whom = [h for t in (subject.head, *(c for c in subject.head.children if c.pos_ == "ADJ"))
                for h in prep_heads(t, x.r.amount_preps, exclude) if not is_time(h, x.r)]
        x.subject = whom[0] if whom else subject


def awarded_to(x: Reading) -> None:
    """"contracts awarded to Acme", "aid pledged to flood victims": the one it goes to."""
    subject = x.subject
    if subject is not None and subject.pos_ == "NOUN":
        x.subject = next((h for c in subject.children
                          if c.dep_ == "acl" and c.tag_ == "VBN" and c.lemma_.lower() not in x.r.debt_verbs
                          for h in prep_heads(c, x.r.recipient_preps, x.exclude)), subject)


def part_of_whole(x: Reading) -> None:
    """"a 20% stake in Acme", "Acme shares": a part concerns what it is part of."""
    x.subject = whole_of(x.subject, x.exclude, x.r)


def owner_of_figure_or_debt(x: Reading) -> None:
    """"profit rose": a figure concerns its owner, and a company's own results, naming none
    ("Sales increased 10%"), the article's company; "the debt" is the article's main
    borrower's, who pays it."""
    subject, r = x.subject, x.r
    if subject is not None and is_figure(subject, r):
        subject = figure_owner(subject, x.verb, x.exclude, r) or subject
        if is_figure(subject, r):
            ent = salient(x.span.doc, r.figure_owner_labels, r)
            subject = ent.root if ent is not None else subject
        x.subject = subject
    elif subject is not None and subject.lemma_.lower() in r.debt_nouns and (
            getattr(determiner(subject), "lower_", None) in r.anaphor_determiners):
        owner = figure_owner(subject, x.verb, x.exclude, r)
        ent = salient(x.span.doc, r.debt_owner_labels, r) if owner is None else None
        x.subject = owner or (ent.root if ent is not None else subject)
        x.payer = x.payer if x.payer is not None else x.subject  # a debtor pays its debt


def not_a_date_or_money(x: Reading) -> None:
    """"on April 17" says when; another amount is the same money: neither is a subject."""
    if x.subject is not None and (is_time(x.subject, x.r) or x.subject.i in x.money):
        x.subject = None


SUBJECT_REFINEMENTS = (adequate_for, awarded_to, part_of_whole, owner_of_figure_or_debt, not_a_date_or_money)


def roles_of(span, earlier: dict | None = None,
             money: frozenset[int] = frozenset()) -> dict[str, str | None]:
    """subject and payer of the amount at `span`, read from the dependency parse by
    `ROLE_RULES` then `SUBJECT_REFINEMENTS`. Without a parse both are None: a nearest-word
    guess would be silently wrong too often.

    earlier (dict | None): the roles of the amount named just before, which "this amount" or
        "the sum" refer back to.
    money (frozenset[int]): indices of the tokens of every amount of the document: money is
        never what money concerns or who pays it ("pay 481m yuan ($58m)" read as two objects).
    RETURNS (dict): `ROLE_COLUMNS`, an entity's id being its linker cluster's; and for each
        role a rule filled, `subject_rule`/`payer_rule`: the name of the rule that decided it.
    """
    out = dict.fromkeys(ROLE_COLUMNS)
    if not has_parse(span.doc):
        return out
    x = Reading.of(span, money)
    decided = {}
    for rule in (*ROLE_RULES, *SUBJECT_REFINEMENTS):
        before = (x.subject, x.payer)
        rule(x)
        # which rule decided each role: the learned choosers weigh each rule by its record
        for role, was, now in (("subject", before[0], x.subject), ("payer", before[1], x.payer)):
            if now is not was:
                decided[f"{role}_rule"] = rule.__name__
    if x.subject is not None and earlier is not None and refers_back(x.subject, x.r):
        # "That sum is roughly $15m": the money named before, said in other terms
        return {**{k: earlier[k] for k in out}, "subject_rule": "refers_back"}
    out.update(decided)
    if x.subject is not None:
        out["subject_entity_id"], out["subject_text"] = role_value(x.subject, x.exclude, x.r)
    if x.payer is not None:
        out["payer_entity_id"], out["payer_text"] = role_value(x.payer, x.exclude, x.r)
    return out
