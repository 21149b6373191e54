"""The demands lexicon (`transforms/lexicons/demands.yaml`) as one frozen record, read once."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache

from transforms.lexicons import load


@dataclass(frozen=True)
class Lexicon:
    verbs: dict
    object_control_only: frozenset
    nouns: frozenset
    nouns_need_complement: frozenset
    noun_content_preps: frozenset
    noun_addressee_preps: frozenset
    noun_actor_preps: frozenset
    listing_verbs: frozenset
    hypothetical_modals: frozenset
    hypothetical_marks: frozenset
    non_assertive_governors: frozenset
    consent_verbs: frozenset
    human_nouns: frozenset
    relation_nouns: frozenset
    bare_infinitive_verbs: frozenset
    human_pronouns: frozenset
    proxy_nouns: frozenset
    non_agent_nouns: frozenset
    quantity_markers: frozenset
    attribution_verbs: frozenset
    attribution_phrases: frozenset
    earlier_modifiers: frozenset
    collective_nouns: frozenset
    company_nouns: frozenset
    hearsay_verbs: frozenset
    obligation_modals: frozenset
    first_person: frozenset
    outcome_verbs: frozenset
    consent_nouns: frozenset
    debt_markers: frozenset
    aside_marks: frozenset
    authoring_verbs: frozenset
    corporate_actions: frozenset
    obtain_verbs: frozenset
    member_preps: frozenset
    member_verbs: frozenset
    government_nouns: frozenset
    candidate_verbs: frozenset
    candidate_nouns: frozenset
    condition_marks: frozenset
    answers: dict  # lemma -> polarity
    answer_nouns: dict
    answer_preps: frozenset
    anaphoric_nouns: frozenset
    anaphoric_determiners: frozenset
    partial_quantifiers: frozenset
    quantifiers: frozenset
    hedge_adverbs: frozenset
    open_phrases: tuple
    past_markers: frozenset
    category_pairs: dict
    category_words: dict
    condition_phrases: tuple
    condition_starts: frozenset  # first words of `condition_phrases`


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    # `load` caches and shares its dict: everything here is copied into new containers.
    d = load("demands")

    def fs(key):
        return frozenset(str(w).lower() for w in d[key])

    def polar(key):
        return {str(w).lower(): pol for pol, words in d[key].items() for w in words}

    # Every other field is a word list, read the same way.
    special = {
        "verbs": d["verbs"], "answers": polar("answers"), "answer_nouns": polar("answer_nouns"),
        "open_phrases": tuple(" ".join(str(p).lower().split()) for p in d["open_phrases"]),
        "condition_phrases": tuple(tuple(str(p).lower().split()) for p in d["condition_phrases"]),
        "condition_starts": frozenset(str(p).lower().split()[0] for p in d["condition_phrases"]),
        "category_pairs": {k: [frozenset(str(w).lower() for w in group) for group in v]
                           for k, v in d["category_pairs"].items()},
        "category_words": {k: frozenset(str(w).lower() for w in v) for k, v in d["category_words"].items()},
    }
    return Lexicon(**special, **{f.name: fs(f.name) for f in fields(Lexicon) if f.name not in special})
