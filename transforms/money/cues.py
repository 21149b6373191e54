"""The cue words of the purpose and role readers (the `money` lexicon's `purposes` and `roles`),
and the word classes they define: a figure's name, a part of a company, a word for a time."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from functools import lru_cache

from transforms.lexicons import load
from transforms.money.find import YEAR
from transforms.parse import OBJECT, POSSESSOR, SUBJECT


@dataclass(frozen=True)
class Rules:
    """Cue words for purpose and roles (lexicons/money.yaml: purposes, roles)."""

    cue_forms: dict[str, str]
    cue_inflections: dict[str, str]
    noun_only: frozenset[str]  # cue words that count only as nouns
    weak: frozenset[str]
    weak_penalty: int
    unit_purposes: dict[str, str]
    unit_fallback_purposes: dict[str, str]
    unit_deal_purposes: dict[str, str]
    after_penalty: int
    payer_verbs: frozenset[str]
    object_verbs: frozenset[str]
    passive_payer_verbs: frozenset[str]
    payer_preps: dict[str, frozenset[str]]
    claim_verbs: frozenset[str]
    debt_verbs: frozenset[str]
    money_verbs: frozenset[str]
    subject_preps: frozenset[str]
    beneficiary_preps: frozenset[str]
    amount_preps: frozenset[str]
    buyer_purposes: frozenset[str]
    money_nouns: frozenset[str]
    worth_words: frozenset[str]
    party_verbs: frozenset[str]
    part_nouns: frozenset[str]
    part_preps: frozenset[str]
    owner_pays_purposes: frozenset[str]
    lender_preps: dict[str, frozenset[str]]
    back_nouns: frozenset[str]
    time_nouns: frozenset[str]
    borrow_verbs: frozenset[str]
    recipient_preps: frozenset[str]
    debt_nouns: frozenset[str]
    debt_owner_labels: frozenset[str]
    owner_preps: frozenset[str]
    figure_nouns: frozenset[str]
    modifier_types: frozenset[str]
    anaphor_nouns: dict[str, tuple[str, ...]]
    anaphor_determiners: frozenset[str]
    anaphor_pronouns: dict[str, tuple[str, ...]]
    figure_owner_labels: frozenset[str]
    control_preps: frozenset[str]
    speech_verbs: frozenset[str]
    person_roles: frozenset[str]
    valuation_verbs: frozenset[str]
    change_verbs: frozenset[str]
    double_object_verbs: frozenset[str]
    affiliation_preps: frozenset[str]
    object_control_verbs: frozenset[str]
    max_text_tokens: int
    introduction_sentences: int


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The cue words, read once per process."""
    data = load("money")
    forms: dict[str, str] = {}
    inflections: dict[str, str] = {}
    for purpose, cues in data["purposes"].items():
        for cue in cues:
            forms.setdefault(cue, purpose)
            for form in (cue + "s", cue + "es", cue + "ed", cue + "d", cue + "ing"):
                inflections.setdefault(form, purpose)
    roles = data["roles"]
    words = {k: frozenset(roles[k]) for k in (
        "payer_verbs", "object_verbs", "passive_payer_verbs", "claim_verbs", "debt_verbs",
        "subject_preps", "beneficiary_preps", "amount_preps", "recipient_preps", "buyer_purposes",
        "owner_pays_purposes", "money_nouns", "back_nouns", "worth_words", "party_verbs",
        "part_nouns", "part_preps", "time_nouns", "borrow_verbs", "debt_nouns", "debt_owner_labels", "owner_preps", "figure_nouns", "modifier_types",
        "anaphor_determiners", "figure_owner_labels",
        "control_preps", "object_control_verbs", "speech_verbs", "affiliation_preps", "person_roles", "valuation_verbs",
        "change_verbs", "double_object_verbs")}
    payer_preps = {verb: frozenset(preps) for verb, preps in roles["payer_preps"].items()}
    lender_preps = {kind: frozenset(preps) for kind, preps in roles["lender_preps"].items()}
    money_verbs = (words["payer_verbs"] | words["object_verbs"] | words["passive_payer_verbs"]
                   | words["claim_verbs"] | words["debt_verbs"] | payer_preps.keys())
    return Rules(forms, inflections, frozenset(data["noun_only_cues"]), frozenset(data["weak_cues"]),
                  int(data["weak_cue_penalty"]),
                  dict(data["unit_purposes"]), dict(data["unit_fallback_purposes"]),
                  dict(data["unit_deal_purposes"]),
                  int(data["after_cue_penalty"]), payer_preps=payer_preps,
                  money_verbs=frozenset(money_verbs), lender_preps=lender_preps,
                  anaphor_nouns={k: tuple(v) for k, v in roles["anaphor_nouns"].items()},
                  anaphor_pronouns={k: tuple(v) for k, v in roles["anaphor_pronouns"].items()},
                  max_text_tokens=int(roles["max_text_tokens"]),
                  introduction_sentences=int(roles["introduction_sentences"]), **words)


def cue(token, r: Rules) -> tuple[str | None, str]:
    """(purpose, the cue word) of a token: its exact form, then its lemma, then an inflection;
    none for a verb whose word names its purpose only as a noun (`Rules.noun_only`)."""
    purpose, word = _cue_word(token, r)
    if word in r.noun_only and _as_verb(token):
        return None, ""
    return purpose, word


def _cue_word(token, r: Rules) -> tuple[str | None, str]:
    for key in (token.lower_, token.lemma_.lower()):
        if key in r.cue_forms:
            return r.cue_forms[key], key
    if token.lower_ in r.cue_inflections:
        return r.cue_inflections[token.lower_], token.lower_
    return None, ""


# Relations that make a word a noun whatever its tag (taggers read "Her pay rose" with "pay" a
# verb).
_NOMINAL_DEPS = (*SUBJECT, *OBJECT, *POSSESSOR, "obl", "nmod", "compound", "appos")


def _as_verb(token) -> bool:
    return token.pos_ in ("VERB", "AUX") and token.dep_ not in _NOMINAL_DEPS




@lru_cache(maxsize=1)
def _calendar_words() -> frozenset[str]:
    names = [*calendar.month_name, *calendar.month_abbr, *calendar.day_name, *calendar.day_abbr]
    return frozenset(n.lower() for n in names if n)


def is_time(token, r: Rules) -> bool:
    """Whether a noun says when rather than who or what ("in the latest quarter", "on April 17",
    "by Friday", "for 2004", "of the late 1990s"); a date's number counts by its month ("April
    17": "17" heads it in UD)."""
    if YEAR.fullmatch(token.text):
        return True
    words = [token, *(c for c in token.children if c.i < token.i)] if token.like_num else [token]
    return any(t.lemma_.lower() in r.time_nouns or t.lower_.rstrip(".") in _calendar_words() for t in words)


def is_figure(token, r: Rules) -> bool:
    """A word naming a company's reported figure ("profit", "sales")."""
    # "sales" is a figure though its lemma "sale" is a deal.
    return token.lower_ in r.figure_nouns or token.lemma_.lower() in r.figure_nouns


def is_part(token, r: Rules) -> bool:
    """A word naming a part of what someone owns ("stake", "shares")."""
    # "shares" is a part though its lemma "share" is also a portion ("its share of the cost").
    return token.lower_ in r.part_nouns or token.lemma_.lower() in r.part_nouns


def refers_back(token, r: Rules) -> bool:
    """Whether a noun refers back to money named before it ("this amount", "the sum")."""
    return token.lemma_.lower() in r.back_nouns and any(
        c.dep_ in ("det", *POSSESSOR) for c in token.children)
