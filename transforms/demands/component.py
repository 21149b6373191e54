"""Demands: who asked whom for what, and what came of it (table `demands`).

`demand_rows(doc, doc_id, sentence_index)` reads demands off the dependency parse: a demand verb
("sought", "called on ... to", "pushed for", "insisted that ...") or noun ("the IMF's demand for
devaluation", "another demand included ...", "its demands, which are believed to be ..."), or a
reported obligation ("X said the regulator should act"), with its actor, addressee, demanded
thing and beneficiary. Coordinated demanded things, and coordinated actors ("Iran and Iraq", "the
two companies" after them), become one row each. Actors and addressees are entity ids where the
text allows: linked names, role descriptions ("the president", "the company"), groups known by a
named member, pronouns after either; else the words of the text. An addressee not stated is
taken from the clause where it is clear (the giver of a sought approval, the creditors of a debt,
the author of the measure a demand is against). The outcome is then settled across sentences: a
reply ("refused most of these requests", "agreed to the conditions") that refers to a demand by
anaphora or by naming the demanded thing gives its status, the sentence as evidence, and the
reply's hedges ("reportedly", "most of") in `status_hedge`; the one who asked later getting a
thing of the same kind meets it.

Both label schemes are read: Universal Dependencies (nsubj:pass, obj, obl/nmod + case,
nmod:poss) and ClearNLP (nsubjpass, dobj, prep/pobj, poss, agent, neg). Cue words, frames and
category words live in `lexicons/demands.yaml`.

Policy: a demand whose verb is negated or only possible ("did not demand", "could demand") is
not one; without a dependency parse nothing is extracted, since word windows cannot tell who
asks whom.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

import yaml

from transforms.ids import stable_id

LEXICON_PATH = Path(__file__).with_name("lexicons") / "demands.yaml"

_SUBJECT = ("nsubj",)
_PASSIVE_SUBJECT = ("nsubj:pass", "nsubjpass")
_ASIDE_OPENERS = ("—", "–", "--", "(")
_OBJECT = ("obj", "dobj")
_IOBJ = ("iobj", "dative")
_POSSESSOR = ("nmod:poss", "poss")
_NEGATION = ("neg",)
_COMPLEMENT = ("ccomp",)
_XCOMP = ("xcomp",)
_PARTICLE = ("compound:prt", "prt")
_RELATIVE = ("acl:relcl", "relcl")
# Prepositional attachments: UD hangs the noun under the head (case marker below it),
# ClearNLP the preposition (object below it).
_UD_PREP_DEPS = ("obl", "nmod", "obl:agent", "obl:npmod", "advcl", "acl", "xcomp", "ccomp")
_EDGE = ("punct", "cc", "case", "mark", "prep")


@dataclass(frozen=True)
class _Lexicon:
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


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    d = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))

    def fs(key):
        return frozenset(str(w).lower() for w in d[key])

    def polar(key):
        return {str(w).lower(): pol for pol, words in d[key].items() for w in words}

    # Every other field is a word list, read the same way.
    special = {
        "verbs": d["verbs"], "answers": polar("answers"), "answer_nouns": polar("answer_nouns"),
        "open_phrases": tuple(" ".join(str(p).lower().split()) for p in d["open_phrases"]),
        "category_pairs": {k: [frozenset(str(w).lower() for w in group) for group in v]
                           for k, v in d["category_pairs"].items()},
        "category_words": {k: frozenset(str(w).lower() for w in v) for k, v in d["category_words"].items()},
    }
    return _Lexicon(**special, **{f.name: fs(f.name) for f in fields(_Lexicon) if f.name not in special})


# --- parse helpers ---------------------------------------------------------------------------

def _lemma(tok) -> str:
    return (tok.lemma_ or tok.text).lower()


def _verb_lemma(tok, known) -> str | None:
    """The lemma, or a regular de-inflection of the word when the lemmatizer slipped
    ("insisted" -> "insiste")."""
    lemma = _lemma(tok)
    if lemma in known:
        return lemma
    word = tok.lower_
    for suffix, repl in (("ed", ""), ("d", ""), ("ing", ""), ("ing", "e"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and word[: -len(suffix)] + repl in known:
            return word[: -len(suffix)] + repl
    return None


def _phrasal(tok) -> str:
    """lemma, or lemma_particle for a phrasal verb ("turn_down", "step_down")."""
    prt = next((c for c in tok.children if c.dep_ in _PARTICLE), None)
    return f"{_lemma(tok)}_{prt.lower_}" if prt is not None else _lemma(tok)


def _child(tok, deps, exclude=()):
    return next((c for c in tok.children if c.dep_ in deps and c.i not in exclude), None)


def _children(tok, deps):
    return [c for c in tok.children if c.dep_ in deps]


def _prep_phrases(tok) -> list[tuple[str, object]]:
    """(preposition, head of its object) for each prepositional phrase attached to `tok`.

    A noun with a case marker is a prepositional phrase whatever label the parser gave it, and
    one hung on an infinitive under `tok` but standing before its "to" belongs to `tok` ("seeks
    $400m in loans from the banks to rebuild ...": the infinitive cannot reach back past "to")."""
    out = []
    for c in tok.children:
        if c.dep_ in ("prep", "agent"):
            for p in c.children:
                if p.dep_ in ("pobj", "pcomp"):
                    out.append(("by" if c.dep_ == "agent" else c.lower_, p))
            continue
        ud = c.dep_.split(":")[0] in _UD_PREP_DEPS or c.dep_ in _UD_PREP_DEPS
        case = [k for k in c.children if k.i < c.i and (k.dep_ == "case" or ud and k.dep_ == "mark")]
        if case and (ud or c.pos_ in ("NOUN", "PROPN", "PRON", "NUM")):
            out.append((case[0].lower_, c))
        if c.i > tok.i and _is_verb(c):
            to = next((k for k in c.children if k.lower_ == "to" and k.dep_ in ("mark", "aux")), None)
            if to is not None:
                out += [(k.lower_, h) for h in c.children if h.i < to.i and h.pos_ in ("NOUN", "PROPN")
                        for k in h.children if k.dep_ == "case" and k.i < h.i][:1]
    return out


def _is_verb(tok) -> bool:
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")


def _negated(tok) -> bool:
    for c in tok.children:
        if c.dep_ in _NEGATION or (c.dep_ == "advmod" and c.lower_ in ("not", "n't", "never")):
            return True
        if c.dep_ == "det" and c.lower_ == "no":
            return True
    return False


def _hypothetical(tok, lex: _Lexicon) -> bool:
    for c in tok.children:
        if c.dep_ in ("aux", "aux:pass") and c.lower_ in lex.hypothetical_modals:
            return True
        if c.dep_ == "mark" and c.lower_ in lex.hypothetical_marks:
            return True
    return False


def _not_asserted(verb, lex: _Lexicon) -> bool:
    """Negated, merely possible, or governed by a verb that keeps it from happening."""
    tok, depth = verb, 0
    while depth < 3:
        if _negated(tok) or _hypothetical(tok, lex):
            return True
        if tok.dep_ not in _XCOMP or tok.head == tok:
            return False
        tok = tok.head
        depth += 1
        if _lemma(tok) in lex.non_assertive_governors:
            return True
    return False


def _passive_without_auxiliary(verb):
    """A passive subject with no "was"/"been" is a past tense the tagger misread ("Acme's
    lawyers pressed for a new trial"): the active subject."""
    subj = _child(verb, _PASSIVE_SUBJECT)
    if subj is not None and verb.dep_ in ("ROOT", "ccomp", "parataxis") and \
            _child(verb, ("aux:pass", "auxpass", "aux", "cop")) is None:
        return subj
    return None


def _subject_of(verb, depth: int = 0):
    """The clause's subject, spelled out or inherited: an infinitive or a second conjunct shares
    the subject above it ("continued to call for", "called a strike to press for"), an
    object-control verb lends its object, a passive one its subject ("were forced to seek"), a
    relative pronoun stands for its noun."""
    subj = _child(verb, _SUBJECT) or _passive_without_auxiliary(verb)
    if subj is not None:
        if _is_relative(verb) and subj.lower_ in ("which", "that", "who"):
            return _antecedent(verb, subj)
        return subj
    if verb.tag_ in ("VBD", "VBZ", "VBP") and verb.i > verb.sent.start:
        before = verb.doc[verb.i - 1]
        if before.pos_ == "PROPN" and before.head.i == verb.i:
            return before  # "Actionaid criticised": a name the parser hung on its verb otherwise
    if depth > 4 or verb.head == verb:
        return None
    head = verb.head
    if verb.dep_ == "conj" and head.tag_ == "VBG" and head.dep_ in ("acl", "advcl") and \
            verb.tag_ in ("VBD", "VBZ", "VBP", "VBN") and _child(verb, ("aux", "aux:pass")) is None:
        # "criticised his preoccupation with finding a vaccine and called on ...": a finite
        # verb is never the conjunct of a gerund; it shares the clause above the gerund
        above = next((t for t in head.ancestors if t.tag_ in ("VBD", "VBZ", "VBP")), None)
        if above is not None:
            return _subject_of(above, depth + 1)
    to = any(k.dep_ in ("mark", "aux") and k.lower_ == "to" for k in verb.children)
    if verb.dep_ in ("acl", "advcl") and to and not _is_verb(head):
        # "a chance for Acme to drop": the for-phrase before the infinitive is its subject
        # (the parser may hang the infinitive on the noun as an adverbial clause).
        for_phrase = next((h for p, h in _prep_phrases(head) if p == "for" and h.i < verb.i), None)
        if for_phrase is not None:
            return for_phrase
    if verb.dep_ == "acl" and not _is_verb(head):
        if to and not _could_act(head) and head.dep_ in _OBJECT and _is_verb(head.head):
            # "called a strike to press for": whoever called it.
            return _subject_of(head.head, depth + 1)
        return head
    if verb.dep_ == "acl" or _is_relative(verb):
        return head if not _is_verb(head) else None
    if not (_is_verb(head) or _child(head, (*_SUBJECT, *_PASSIVE_SUBJECT)) is not None):
        return None  # a clause head the tagger took for a noun still has its subject
    if verb.dep_ in _XCOMP:
        obj = _child(head, _OBJECT)
        if obj is not None and _could_act(obj):
            return obj  # "urged the bank to ...", not "called a strike to press for ..."
        if _child(head, _PASSIVE_SUBJECT) is not None:
            return _child(head, _PASSIVE_SUBJECT)
    if verb.dep_ in ("xcomp", "advcl", "conj"):
        return _subject_of(head, depth + 1)
    return None


def _window_start(tok, sentences_back: int) -> int:
    """Index of the first token of the sentence `sentences_back` before `tok`'s own."""
    first = tok.sent.start
    for _ in range(sentences_back):
        if first > 0:
            first = tok.doc[first - 1].sent.start
    return first


def _could_act(tok) -> bool:
    """A person, a named body or a group of people, as far as the token alone tells."""
    return tok.pos_ in ("PROPN", "PRON") or bool(tok.ent_type_) or \
        _lemma(tok) in lexicon().human_nouns or tok.lower_ in lexicon().human_nouns


def _is_relative(tok) -> bool:
    return tok.dep_ in _RELATIVE or tok.dep_.endswith(":relcl")


def _antecedent(clause, pronoun):
    """The noun a relative pronoun stands for: the clause's head, or, when the parser hung the
    clause on a verb ("was won by Acme, which offered ... and asked"), the noun just before the pronoun."""
    if not _is_verb(clause.head):
        return clause.head
    for t in reversed(clause.doc[clause.sent.start:pronoun.i]):
        if t.is_punct:
            continue
        return t if _nominal(t) else None
    return None


def _agent_of(verb):
    for prep, head in _prep_phrases(verb):
        if prep == "by":
            return head
    return None


def _infinitive(tok):
    """An infinitive complement of `tok` ("to repay ...")."""
    for c in tok.children:
        if c.dep_ in (*_XCOMP, "advcl", "ccomp", "acl") and _is_verb(c) and any(
                k.dep_ in ("mark", "aux") and k.lower_ == "to" for k in c.children):
            return c
    return None


def _subjunctive_clause(verb):
    """A that-clause stating what must happen: bare verb or should/must ("insisted that the
    union agree", "demanded that he resign"), not a reported fact ("insisted he had done no wrong")."""
    for c in verb.children:
        if c.dep_ not in _COMPLEMENT or not _is_verb(c):
            continue
        if any(k.dep_ == "mark" and k.lower_ in ("whether", "if") for k in c.children):
            continue
        if any(k.tag_ in ("WDT", "WP", "WRB") for k in c.children):
            continue
        if any(k.dep_ in ("aux", "aux:pass") and k.lower_ in ("should", "must", "shall") for k in c.children):
            return c
        has_to = any(k.lower_ == "to" and k.dep_ in ("mark", "aux") for k in c.children)
        bare = c.tag_ == "VB" or (c.tag_ == "VBP" and any(
            k.dep_ in _SUBJECT and k.tag_ in ("NN", "NNP") for k in c.children))
        if bare and not has_to and not any(k.dep_ in ("aux", "aux:pass") for k in c.children):
            return c
    return None


# --- who ---------------------------------------------------------------------------------

class _Actors:
    """Entity ids for tokens: the linker's clusters (names, surnames, resolved pronouns), else
    the NER span as written."""

    def __init__(self, doc):
        from transforms.entities import entity_id
        from transforms.linking import link_document, roles_before

        self.doc = doc
        self.by_char: dict[int, str] = {}
        self.types: dict[str, str] = {}
        try:
            clusters = link_document(doc)
        except Exception:  # the linker is a refinement; demands stand without it
            clusters = []
        self.country_mentions: dict[str, int] = {}
        self.titled: list[tuple[int, str, frozenset]] = []  # (char offset, entity id, title words)
        for c in clusters:
            eid = entity_id(c.type, c.name)
            self.types[eid] = c.type
            if c.type == "GPE":
                self.country_mentions[eid] = len(c.mentions)
            for m in c.mentions:
                for ch in range(m.start, m.end):
                    self.by_char.setdefault(ch, eid)
                span = None if m.is_pronoun else doc.char_span(m.start, m.end)
                title = roles_before(span)[0] if span is not None else None
                if title:
                    self.titled.append((m.start, eid, frozenset(title.lower().split())))
        self.titled.sort()
        self._entity_id = entity_id

    def titled_before(self, tok) -> str | None:
        """"the spokesman", "the president": whoever was last introduced with that title
        ("Party spokesman Jane Doe", "President Smith")."""
        for start, eid, words in reversed(self.titled):
            if start < tok.idx and tok.lower_ in words:
                return eid
        return None

    def main_country(self) -> str | None:
        """The country named most often in the document, when one clearly leads."""
        counts = sorted(((n, eid) for eid, n in self.country_mentions.items()), reverse=True)
        if counts and (len(counts) == 1 or counts[0][0] > counts[1][0]):
            return counts[0][1]
        return None

    def entity(self, tok) -> str | None:
        eid = self.by_char.get(tok.idx)
        if eid is not None:
            return eid
        if tok.ent_type_ in ("PERSON", "ORG", "GPE", "LOC", "NORP"):
            for ent in self.doc.ents:
                if ent.start <= tok.i < ent.end:
                    return self._entity_id(ent.label_, ent.text)
        return None


def _is_human(tok, lex: _Lexicon, actors: _Actors) -> bool:
    if tok.lower_ in lex.human_pronouns:
        return True
    if actors.entity(tok) is not None and tok.ent_type_ != "NORP" or tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    return _lemma(tok) in lex.human_nouns or tok.lower_ in lex.human_nouns


def _role_description(tok) -> bool:
    """"the chancellor", "the Green spokeswoman": a singular
    definite role noun, standing for the person the article introduced with it."""
    if tok.tag_ != "NN":
        return False
    # An infinitive the parser hung on the noun ("urged the company to sell") is what it is
    # urged to do, not words that pick out another company.
    mods = [c for c in tok.children if c.dep_ != "punct" and not (
        c.dep_ == "acl" and c.i > tok.i and any(k.lower_ == "to" and k.dep_ in ("mark", "aux") for k in c.children))]
    return tok.left_edge.lower_ == "the" and all(c.dep_ in ("det", "amod", "compound") for c in mods)


def _named_member(tok, lex: _Lexicon, actors: _Actors, depth: int = 0) -> tuple | None:
    """"a group including members of the Smith family", "a consortium led by Acme": an unnamed
    group is known by the member the article names."""
    members = [h for p, h in _prep_phrases(tok) if p in lex.member_preps]
    for c in tok.children:
        if c.dep_ == "acl" and _lemma(c) in lex.member_verbs:
            members += [k for k in c.children if k.dep_ in _OBJECT] + [h for p, h in _prep_phrases(c) if p == "by"]
    for h in members:
        eid = actors.entity(h) or next((actors.entity(c) for c in h.children
                                        if c.dep_ in ("compound", "flat") and actors.entity(c)), None)
        if eid is not None:
            return eid, None
        if any(c.dep_ == "compound" and c.tag_.startswith("NNP") for c in h.children):
            return None, _np_text(h)  # "the Smith family": named, though not by the NER
        if depth < 2 and _lemma(h) in lex.collective_nouns | {"member"}:
            found = _named_member(h, lex, actors, depth + 1)
            if found is not None:
                return found
    return None


def _latest_subject(tok, actors: _Actors, type_: str, reach: int = 3) -> str | None:
    """The last named subject of that type before `tok`, in its sentence or the `reach` before:
    "the company" is the one the story has just been about."""
    for t in reversed(tok.doc[_window_start(tok, reach):tok.i]):
        if t.dep_ in (*_SUBJECT, *_PASSIVE_SUBJECT):
            eid = actors.entity(t)
            if eid is not None and actors.types.get(eid) == type_:
                return eid
    return None


def _plural_subject_before(tok):
    """"The airlines won tax breaks, but the ministry wants them to ...": the plural
    subject of an earlier clause of the same sentence (not of the pronoun's own clause)."""
    own = {c.i for c in tok.head.children if c.dep_ in _SUBJECT}
    for t in reversed(tok.doc[tok.sent.start:tok.i]):
        if t.dep_ in (*_SUBJECT, *_PASSIVE_SUBJECT) and t.i not in own and t.pos_ != "PRON":
            return t if t.tag_ in ("NNS", "NNPS") or any(True for _ in t.conjuncts) else None
    return None


def _described_subject_before(tok, actors: _Actors) -> str | None:
    """The person behind the last main-clause subject before `tok`, in its sentence or the one
    before, when that subject is a role description ("the spokesman said the cuts were deep")."""
    for t in reversed(tok.doc[_window_start(tok, 1):tok.i]):
        if t.dep_ in _SUBJECT and t.head.dep_ == "ROOT":
            return actors.titled_before(t) if _role_description(t) else None
    return None


def _np_text(head) -> str:
    """A short name for a non-entity actor: the head with its adjectives and compounds
    ("labour unions", "U.S. trading partners")."""
    left = head.i
    for c in sorted(head.children, key=lambda t: -t.i):
        if c.i == left - 1 and c.dep_ in ("amod", "compound", "nummod", "flat"):
            left = c.left_edge.i if c.left_edge.i >= c.i - 3 else c.i
    tokens = head.doc[left:head.i + 1]
    while len(tokens) > 1 and tokens[0].is_punct:
        tokens = tokens[1:]
    return tokens.text


def _who(tok, lex: _Lexicon, actors: _Actors) -> tuple[str | None, str | None]:
    """(entity id, None) or (None, words) for the actor or addressee headed by `tok`."""
    if tok is None:
        return None, None
    eid = actors.entity(tok)
    if eid is not None:
        return eid, None
    for c in tok.children:
        # "Maduro's lawyers", "the Teamsters union": a representative or a named body; "U.S.
        # trading partners" are the other side of a relation, not the U.S.
        if c.dep_ in ("appos", "flat", "compound", *_POSSESSOR, "nmod:desc") and \
                (c.dep_ in ("appos", "flat") or _lemma(tok) in lex.proxy_nouns or
                 c.dep_ == "compound" and _lemma(tok) in lex.human_nouns - lex.relation_nouns):
            eid = actors.entity(c)
            if eid is not None:
                return eid, None
    if _lemma(tok) in lex.proxy_nouns:
        for c in tok.children:
            if c.dep_ == "amod" and c.ent_type_ in ("NORP", "GPE"):
                eid = actors.entity(c)
                if eid is not None:
                    return eid, None
    if tok.lower_ in ("he", "she"):
        # The linker names a pronoun after a named person; after "the spokesman said ..." the
        # person is the one that role noun stands for.
        eid = _described_subject_before(tok, actors)
        if eid is not None:
            return eid, None
    if tok.lower_ in ("they", "them"):
        antecedent = _plural_subject_before(tok)
        if antecedent is not None:
            return _who(antecedent, lex, actors)
    if tok.pos_ == "PRON" or tok.tag_ in ("PRP", "PRP$", "WP", "WDT"):
        return None, None
    if _role_description(tok):
        eid = actors.titled_before(tok)
        if eid is not None:
            return eid, None
    if _lemma(tok) in lex.company_nouns and _role_description(tok):
        eid = _latest_subject(tok, actors, "ORG")
        if eid is not None:
            return eid, None
    if _lemma(tok) in lex.collective_nouns:
        member = _named_member(tok, lex, actors)
        if member is not None:
            return member
    if _lemma(tok) in lex.government_nouns and not any(
            c.dep_ not in ("det", "punct") for c in tok.children):
        # A bare "the government" is that of the country the article is about.
        eid = actors.main_country()
        if eid is not None:
            return eid, None
    return None, _np_text(tok)


def _all_actors(tok, lex: _Lexicon, actors: _Actors) -> list[tuple]:
    """Everyone who makes the demand: each named conjunct of a coordinated subject ("Iran and
    Iraq demanded"), or, for a plural description ("the two companies", "the automakers"),
    the names coordinated as a subject just before it. Each makes a demand of its own."""
    if tok is None:
        return [(None, None)]
    named = _named_conjuncts(tok, actors)
    if named:
        return [(eid, None) for eid in named]
    if _plural_description(tok, actors):
        # "the two companies" counts its referents: it may reach further back for a pair.
        count = next((_NUMBER_WORDS.get(c.lower_) for c in tok.children if c.dep_ == "nummod"), None)
        group = _preceding_named_group(tok, actors, reach=5 if count else 2)
        if group and (count is None or count == len(group)):
            return [(eid, None) for eid in group]
    return [_who(tok, lex, actors)]


_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4}


def _plural_description(tok, actors: _Actors) -> bool:
    """"the automakers", "both companies", "the two banks": a bare plural common noun that
    refers back rather than naming anyone."""
    if tok.tag_ != "NNS" or any(actors.entity(t) for t in tok.subtree):
        return False
    mods = [c for c in tok.children if c.dep_ not in ("punct",)]
    if any(c.dep_ not in ("det", "det:predet", "amod", "compound", "nummod") for c in mods):
        return False
    return any(c.lower_ in ("the", "both", "these", "those", "two") for c in mods)


def _preceding_named_group(tok, actors: _Actors, reach: int = 2) -> list[str]:
    """Entity ids of the latest subject made of two or more coordinated names, in this sentence
    before `tok` or in the `reach` sentences before it."""
    for t in reversed(tok.doc[_window_start(tok, reach):tok.i]):
        if t.dep_ not in (*_SUBJECT, *_PASSIVE_SUBJECT):
            continue
        named = _named_conjuncts(t, actors)
        if named:
            return named
    return []


def _named_conjuncts(tok, actors: _Actors) -> list[str]:
    """Entity ids of "X and Y" when every conjunct is named, else none."""
    named = [actors.entity(c) for c in (tok, *tok.conjuncts)]
    return list(dict.fromkeys(named)) if len(named) > 1 and all(named) else []


# --- what ----------------------------------------------------------------------------------

@dataclass
class _Demand:
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
    open_framing: bool = True


def _trim(doc, start: int, end: int) -> tuple[int, int]:
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


def _before_attribution(doc, start: int, end: int) -> int:
    """Where a closing attribution (", an aide said") that the parser hung inside the phrase
    begins: it says who reported the demand, not what was demanded."""
    lex = lexicon()
    for t in doc[start + 1:end]:
        if t.text != ",":
            continue
        if any(doc[t.i + 1:end].text.lower().startswith(p + " ") for p in lex.attribution_phrases):
            return t.i  # ", according to sources"
        rest = {x.i for x in doc[t.i + 1:end] if not (x.is_punct or x.is_space)}
        clause = next((v for v in doc[t.i + 1:end] if _lemma(v) in lex.attribution_verbs and _is_verb(v)), None)
        if clause is not None and _child(clause, _SUBJECT) is not None and \
                rest == {x.i for x in clause.subtree if not (x.is_punct or x.is_space)}:
            return t.i
    return end


def _extent(tok, stop: int | None = None, skip=()) -> tuple[int, int]:
    """Token range of the phrase headed by `tok`: its subtree, without its relative-less
    leading connectives, cut at `stop`."""
    toks = [t.i for t in tok.subtree if t.i not in skip]
    start, end = min(toks), max(toks) + 1
    if stop is not None:
        end = min(end, stop)
    return _trim(tok.doc, start, end)


def _conjuncts(head, lex: _Lexicon, actors: _Actors, extra_roots=()) -> list:
    """Coordinated demanded things: the nominal conjuncts of `head`, and nominal conjuncts the
    parser hung elsewhere after a comma: under a beneficiary phrase ("amnesty for himself and
    his family, removal of sanctions") or under the verb ("sought X, and an end to ...").
    Those are things, not people."""
    out = [head]
    if not _nominal(head):
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
            if _nominal(c) and not _is_human(c, lex, actors):
                comma_before = any(x.text in (",", ";") for x in doc[max(c.left_edge.i - 2, 0):c.i])
                if t == head or t in out or comma_before:
                    out.append(c)
    return sorted(out, key=lambda t: t.i)


def _nominal(tok) -> bool:
    return tok.pos_ in ("NOUN", "PROPN", "NUM", "SYM") or tok.tag_.startswith("NN")


def _split(heads, end_limit: int, doc) -> list[tuple[int, int, object]]:
    """Token ranges of each conjunct: from its left edge to where the next one starts."""
    out = []
    edges = []
    for h in heads:
        left = min(t.i for t in h.subtree if t.dep_ != "conj" or t == h)
        left = min([left] + [c.left_edge.i for c in h.children if c.i < h.i and c.dep_ != "conj"])
        edges.append(left)
    for k, h in enumerate(heads):
        stop = edges[k + 1] if k + 1 < len(heads) else end_limit
        start, end = _trim(doc, edges[k], stop)
        if end > start:
            out.append((start, end, h))
    return out


def _beneficiary(verb, head, lex, actors, doc) -> tuple[str | None, list]:
    """"for himself and his family" on the verb or the demanded noun, and the phrase's root
    (the parser may hang further demanded things under it)."""
    for owner in (head, verb):
        if owner is None:
            continue
        for prep, h in _prep_phrases(owner):
            if prep != "for" or h.i < (verb.i if verb is not None else owner.i) or not _is_human(h, lex, actors):
                continue
            # The people only: the coordination stops at its first thing.
            end = max(t.i for t in h.subtree) + 1
            stack = [h]
            while stack:
                t = stack.pop()
                for c in t.children:
                    if c.dep_ == "conj":
                        if _is_human(c, lex, actors):
                            stack.append(c)
                        else:
                            end = min(end, c.left_edge.i)
            s, e = _trim(doc, h.left_edge.i, end)
            return (doc[s:e].text if e > s else None), [h]
    return None, []


# --- detection -----------------------------------------------------------------------------

def _addressee_from_preps(verb, preps, lex, actors, things=()):
    """"sought aid from X": on the verb; else, when people, on the demanded thing ("seek federal
    aid from the government") or misattached to a nominal beside it ("seeking ... loans this
    year from foreign governments")."""
    for prep, h in _prep_phrases(verb):
        if prep in preps and h.i > verb.i:
            return h
    owners = [*things, *(c for c in verb.children if c.i > verb.i and _nominal(c)
                         and c.dep_.split(":")[0] in ("obl", "obj", "dobj", "npadvmod", "nmod"))]
    for owner in owners:
        for prep, h in _prep_phrases(owner):
            if prep in preps and h.i > verb.i and _is_human(h, lex, actors):
                return h
    return None


def _from_verb(verb, lex: _Lexicon, actors: _Actors, sent_index: int) -> list[_Demand]:
    frame = lex.verbs.get(_verb_lemma(verb, lex.verbs) or "")
    if frame is None or not _is_verb(verb) or _not_asserted(verb, lex):
        return []
    if verb.tag_ == "VBG" and not any(c.dep_ in ("aux", *_SUBJECT) for c in verb.children) and (
            verb.dep_ in ("pcomp", "obl", "nmod", "pobj") or _child(verb, ("case", "mark")) is not None):
        return []  # "spending on seeking an inoculation": an activity, not a request
    doc = verb.doc
    passive = _child(verb, _PASSIVE_SUBJECT) if _passive_without_auxiliary(verb) is None else None
    actor_tok = _agent_of(verb) if passive is not None else _subject_of(verb)
    if actor_tok is not None and _lemma(actor_tok) in lex.non_agent_nouns:
        return []
    obj = _child(verb, _OBJECT)
    iobj = _child(verb, _IOBJ)
    if iobj is not None and (obj is None or _infinitive(verb) is not None):
        obj = iobj  # "asked the bank to repay": the parser's indirect object is the one asked
    if obj is None and frame.get("object"):
        obj = _quantity_object(verb, lex) or _child(verb, ("appos",))  # headline: "seeks 450 mln dlrs"
    if actor_tok is None and passive is None:
        # Headline style without articles ("Peru seeks ..."): the subject may come out as a
        # modifier of the verb.
        actor_tok = next((c for c in verb.children if c.i < verb.i and c.dep_ in ("compound", "nmod")
                          and actors.entity(c) is not None), None)
    addressee = None
    things: list = []  # (head token, end reaching past its subtree or None, beneficiary override)
    preps = [(p, h) for p, h in _prep_phrases(verb)]
    if obj is not None and frame.get("object_addressee") and _is_human(obj, lex, actors):
        preps += _prep_phrases(obj)  # "asked the government for aid", "for" hung on the one asked

    for p, h in preps:
        if p in frame.get("preps", ()) and h.i > verb.i and _close(verb, h, obj, frame, lex, actors):
            inf = _infinitive(h) or _infinitive(verb)
            benef = h.text if inf is not None and _is_human(h, lex, actors) else None
            if benef is not None:
                s, e = _trim(doc, h.left_edge.i, h.i + 1)
                benef = doc[s:e].text
            things.append((h, None, benef))
    obj_preps = frame.get("object_addressee_preps")
    if obj_preps:
        for p, h in preps:
            if p in obj_preps and h.i > verb.i:
                inf = _infinitive(verb) or _infinitive(h)
                if inf is not None:
                    addressee = h
                    things.append((inf, None, None))
    if frame.get("object_addressee") and obj is not None and not things:
        inf = _infinitive(verb) or _infinitive(obj)
        if inf is not None and (_is_human(obj, lex, actors) or frame.get("object_complement")):
            if _is_human(obj, lex, actors):
                addressee = obj
            things.append((inf, None, None))
        elif frame.get("object_complement"):
            comp = next((c for c in verb.children if c.dep_ in (*_XCOMP, "ccomp") and c.tag_ == "VBN"), None) \
                or next((c for c in obj.children if c.dep_ in ("acl", "amod") and c.tag_ == "VBN"), None)
            if comp is not None:
                things.append((comp, None, None))
    if frame.get("object") and obj is not None and not things and obj.pos_ != "PRON":
        if not (_lemma(verb) in lex.object_control_only):
            things.append((obj, _consent_reach(verb, obj, lex), None))
    if passive is not None and frame.get("object") and not things and passive.pos_ != "PRON":
        things.append((passive, None, None))
    if frame.get("clause") and not things:
        clause = _subjunctive_clause(verb)
        if clause is not None:
            addressee = _child(clause, _SUBJECT)
            things.append((clause, None, None))
    if frame.get("infinitive") and not things:
        inf = _infinitive(verb)
        if inf is not None and (frame["infinitive"] == "any" or _lemma(inf) in lex.consent_verbs):
            things.append((inf, None, None))
    if not things:
        return []
    if addressee is None:
        addressee = _addressee_from_preps(verb, frame.get("addressee_preps", ()), lex, actors,
                                          [t[0] for t in things if _nominal(t[0])])
    if addressee is None and _lemma(things[0][0]) in lex.consent_nouns:
        addressee = _consent_giver(things[0][0], actors)
    if addressee is None and obj is not None and frame.get("object_addressee") and \
            things[0][0] is not obj and _is_human(obj, lex, actors):
        addressee = obj
    addr = _who(addressee, lex, actors)

    out = []
    for head, limit, benef_override in things:
        benef, benef_roots = _beneficiary(verb, head, lex, actors, doc)
        heads = _conjuncts(head, lex, actors, [*benef_roots, verb])
        end_limit = max(max(t.i for t in head.subtree) + 1, limit or 0, _reduced_relative_reach(head))
        end_limit = min(_amount_form_end(head, end_limit), _aside_start(head, lex))
        for h in heads[1:]:
            end_limit = max(end_limit, max(t.i for t in h.subtree) + 1)
        for start, end, h in _split(heads, end_limit, doc):
            for actor in _all_actors(actor_tok, lex, actors):
                d = _Demand(start, end, h, verb, sent_index, actor=actor, addressee=addr,
                            beneficiary=benef_override or (benef if h is heads[0] else None))
                d.category_scope = _scope_after(verb, end)
                d.open_framing = _open_tense(verb, lex)
                out.append(d)
    return out


def _from_reported_obligation(verb, lex: _Lexicon, actors: _Actors, sent_index: int) -> list[_Demand]:
    """"Duarte said the central bank should cut rates": what a speaker says another party should or
    must do is asked of that party. The speaker's own side ("we must") only states an intent."""
    if not any(c.dep_ == "aux" and c.lower_ in lex.obligation_modals for c in verb.children):
        return []
    if _negated(verb) or any(c.dep_ == "aux" and c.lower_ == "have" for c in verb.children):
        return []  # "should not", "should have": advice refused or a past regret
    if _lemma(verb) in lex.outcome_verbs or any(c.dep_ == "cop" for c in verb.children):
        return []  # "should report a profit", "should be higher": a forecast, not a demand
    subj = _child(verb, _SUBJECT)
    if subj is None or subj.lower_ in lex.first_person or not _is_human(subj, lex, actors):
        return []
    speech, tok = None, verb
    for _ in range(4):
        if tok.dep_ not in ("ccomp", "conj", "parataxis") or tok.head == tok:
            break
        tok = tok.head
        if _lemma(tok) in lex.attribution_verbs and _is_verb(tok):
            speech = tok
            break
    if speech is None or _not_asserted(speech, lex):
        return []
    actor_tok = _subject_of(speech)
    actor, addressee = _who(actor_tok, lex, actors), _who(subj, lex, actors)
    if actor == (None, None) or actor == addressee:
        return []
    # ", adding that ...": a further attribution hung on the clause is not part of it.
    aside = {t.i for c in verb.children if _lemma(c) in lex.attribution_verbs for t in c.subtree}
    words = [t.i for t in verb.subtree if t.i not in aside]
    end = next((i for i in range(subj.i, max(words) + 1) if i in aside), max(words) + 1)
    start, end = _trim(verb.doc, subj.left_edge.i, end)
    return [_Demand(start, end, verb, verb, sent_index, actor=actor, addressee=addressee)]


def _from_condition(verb, lex: _Lexicon, actors: _Actors, sent_index: int) -> list[_Demand]:
    """"Trust can only be restored if Brown opens up his books, say the Lib Dems", "Iran will
    only resume talks if the US lifts sanctions": a condition set on another party ("only ...
    if") is asked of it, by whoever says so, else by the one who would act on it."""
    mark = next((c for c in verb.children if c.dep_ == "mark" and c.lower_ == "if"), None)
    main = verb.head
    if mark is None or main is verb or verb.dep_ not in ("advcl", "ccomp") or not any(
            c.dep_ == "advmod" and c.lower_ == "only" and c.i < mark.i for c in (*main.children, *verb.children)):
        return []
    subj = _child(verb, _SUBJECT)
    if subj is None or subj.lower_ in lex.first_person or not _is_human(subj, lex, actors) or _negated(verb):
        return []
    things = _child(main, _SUBJECT + _PASSIVE_SUBJECT)
    if subj.lower_ == "they" and things is not None and things.tag_ == "NNS" \
            and not _is_human(things, lex, actors):
        return []  # "records should only be destroyed if they served no purpose": no one is asked
    # the verb of saying in the sentence, wherever the parser hung it
    speech = next((t for t in verb.sent if _lemma(t) in lex.attribution_verbs and _is_verb(t)
                   and t not in (verb, main)), None)
    if speech is not None:
        # "..., say the Lib Dems": a speaker after the verb may come out as its complement
        actor_tok = _subject_of(speech) or next(
            (c for c in speech.children if c.i > speech.i and c.pos_ in ("NOUN", "PROPN")), None)
    else:
        actor_tok = _subject_of(main)
        actor_tok = actor_tok if actor_tok is not None and _is_human(actor_tok, lex, actors) else None
    actor, addressee = _who(actor_tok, lex, actors), _who(subj, lex, actors)
    if actor == (None, None) or actor == addressee:
        return []
    # (a verb of saying above the condition says all of it; one hung inside it is cut out)
    said = {t.i for t in speech.subtree} if speech is not None and verb in speech.ancestors else set()
    start, end = _trim(verb.doc, verb.i, max(t.i for t in verb.subtree if t.i not in said) + 1)
    return [_Demand(start, end, verb, verb, sent_index, actor=actor, addressee=addressee)]


def _aside_start(head, lex: _Lexicon) -> int:
    """Where a concession or reason hung on the demanded verb begins (", though it would keep
    paying interest"): the writer's aside, not part of what is asked."""
    asides = [c.left_edge.i for c in head.children if c.i > head.i and c.dep_ in ("advcl", "parataxis")
              and any(k.dep_ == "mark" and k.lower_ in lex.aside_marks for k in c.children)]
    # a phrase set off by dashes or brackets ("officials—many accused of corruption—") is one too
    asides += [c.left_edge.i for c in head.children if c.i > head.i and c.left_edge.text in _ASIDE_OPENERS]
    return min(asides, default=len(head.doc))


def _reduced_relative_reach(head) -> int:
    """"refinance the debt owed to X", parsed as if "the debt" were the subject of a clause
    "owed to X": the verb's missing object runs to the end of that participle phrase."""
    doc = head.doc
    if not _is_verb(head) or _child(head, _OBJECT) is not None or head.i + 1 >= len(doc):
        return 0
    nxt = doc[head.i + 1]
    noun = nxt if nxt.dep_ in _SUBJECT else next((a for a in nxt.ancestors if a.dep_ in _SUBJECT), None)
    if noun is None or noun.left_edge.i != head.i + 1:
        return 0
    part = noun.head
    # (a past participle the tagger may have read as a past tense: "the arrears owed")
    if part.tag_ not in ("VBN", "VBD") or part.i < noun.i or any(c.dep_ in ("aux", "aux:pass") for c in part.children):
        return 0
    # Its own clauses ("..., though it would continue to service the debt") stay out.
    clauses = [c.left_edge.i for c in part.children if c.dep_ in ("advcl", "conj", "parataxis") and c.i > part.i]
    return min([max(t.i for t in part.subtree) + 1, *clauses])


def _consent_reach(verb, obj, lex: _Lexicon) -> int | None:
    """"sought Commission approval to close a yard": what the consent is for belongs to the demand, even
    when the parser hangs the infinitive on the verb."""
    if _lemma(obj) not in lex.consent_nouns:
        return None
    inf = _infinitive(obj) or _infinitive(verb)
    return max(t.i for t in inf.subtree) + 1 if inf is not None and inf.i > obj.i else None


def _consent_giver(noun, actors: _Actors):
    """"Commission approval", "the board's consent": whose consent is sought is whom it is asked of."""
    return _child(noun, _POSSESSOR) or next(
        (c for c in noun.children if c.dep_ == "compound" and actors.entity(c) is not None), None)


def _amount_form_end(head, end: int) -> int:
    """Where a demanded sum ends when "in" after it says what form the money takes ("seeks
    300 mln dlrs in new loans"): parsers often hang that phrase on the verb instead."""
    if not any(t.like_num for t in head.subtree):
        return end
    phrase = next((c for c in head.head.children if c.left_edge.i == end and c.left_edge.lower_ == "in"
                   and c.dep_.split(":")[0] in ("obl", "nmod")), None)
    return max(t.i for t in phrase.subtree) + 1 if phrase is not None else end


def _quantity_object(verb, lex: _Lexicon):
    """"seeking between 20 and 30 mln dlrs", "sought about $2bn": a quantity the parser took for
    an oblique, its marker hung on the verb or on the number inside."""
    for c in verb.children:
        if c.i > verb.i and c.dep_.split(":")[0] in ("obl", "nmod", "npadvmod") and \
                c.left_edge.lower_ in lex.quantity_markers and any(t.like_num for t in c.subtree):
            return c
    return next((h for p, h in _prep_phrases(verb) if p in lex.quantity_markers and h.i > verb.i), None)


def _close(verb, phrase, obj, frame, lex, actors) -> bool:
    """"call for", "press for" hold together: only adverbs, particles and (for verbs that take
    the one asked as object, "asked Trump for") a human object may come between."""
    allowed = set()
    if obj is not None and frame.get("object_addressee") and _is_human(obj, lex, actors):
        allowed = {t.i for t in obj.subtree}
    first = min(t.i for t in phrase.subtree if t.dep_ in ("case", "mark") or t == phrase)
    for t in verb.doc[verb.i + 1:first]:
        if t.i in allowed or t.dep_ in ("advmod", *_PARTICLE) and t.pos_ == "ADV" or t.is_punct:
            continue
        return False
    return True


def _scope_after(verb, end: int) -> list:
    """Words of the clause after the demanded text: "pushed for officials ... to receive
    sanctions relief" says what the officials are to get."""
    return [t for t in verb.subtree if t.i >= end and t.sent == verb.sent]


def _open_tense(verb, lex: _Lexicon) -> bool:
    """Whether the demand is reported as standing (present, perfect, progressive, future or
    plain past news) rather than as background long settled (past perfect, "previously")."""
    aux = [c.lower_ for c in verb.children if c.dep_ in ("aux", "aux:pass")]
    if "had" in aux:
        return False
    if any(c.lower_ in lex.past_markers for c in verb.children if c.dep_ == "advmod"):
        return False
    return True


def _from_noun(noun, lex: _Lexicon, actors: _Actors, sent_index: int) -> list[_Demand]:
    lemma = _lemma(noun)
    if lemma not in lex.nouns or not _noun_use(noun):
        return []
    if _negated(noun):
        return []
    doc = noun.doc
    content = None
    addressee = actor_tok = None
    for prep, h in _prep_phrases(noun):
        if prep in lex.noun_content_preps and content is None and h.i > noun.i and \
                not (prep == "of" and _is_human(h, lex, actors)):
            content = h
        elif prep in lex.noun_addressee_preps and addressee is None and h.i > noun.i and _nominal(h):
            addressee = h
        elif prep in lex.noun_actor_preps and actor_tok is None:
            actor_tok = h
        elif prep == "of" and _is_human(h, lex, actors) and actor_tok is None:
            actor_tok = h
    if content is None:
        clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp") and _is_verb(c)
                       and not _is_relative(c)), None)
        if clause is not None and any(k.lower_ in ("that", "to") for k in clause.children):
            content = clause
    listing = None
    if content is None:
        content, listing = _relative_listing(noun, lex)
    if content is None and noun.dep_ in _SUBJECT and _lemma(noun.head) in lex.listing_verbs:
        listing = noun.head
        content = _child(listing, (*_OBJECT, *_XCOMP, "attr", "ccomp"))
    elif content is None and noun.dep_ in _SUBJECT and any(c.dep_ == "cop" for c in noun.head.children):
        listing = noun.head
        content = noun.head
    # "its wage demands": the parser may hang the possessor on the compound.
    poss = _child(noun, _POSSESSOR) or next((_child(c, _POSSESSOR) for c in noun.children if c.dep_ == "compound"
                                             and _child(c, _POSSESSOR) is not None), None)
    if poss is not None and poss.lower_ in ("its", "their") and _who(poss, lex, actors) == (None, None) \
            and noun.dep_ in _OBJECT:
        # "for Acme to drop its demands": the possessor is the subject of its clause.
        poss = _subject_of(noun.head) or poss
    # A misread noun keeps its modifier as a "subject" ("IMF demand" read as "IMF demands").
    compound = [c for c in noun.children if c.i < noun.i and (
        c.dep_ == "compound" or c.dep_ in _SUBJECT and not noun.tag_.startswith("NN"))]
    before = doc[noun.i - 1] if noun.i > 0 else None
    if before is not None and before.head == noun.head and noun.dep_ != "ROOT" and (
            before.dep_ == noun.dep_ or before.dep_ in ("obj", "dobj") and noun.dep_ == "xcomp"):
        # "rejects IMF demand" read as two objects, or as an object and a bare infinitive: the
        # first names the second
        compound.append(before)
    named_compound = next((c for c in compound if actors.entity(c) is not None), None)
    if actor_tok is None:
        actor_tok = poss if poss is not None else named_compound
    if content is None:
        if lemma in lex.nouns_need_complement:
            return []
        thing_compound = [c for c in compound if actors.entity(c) is None]
        if not thing_compound:
            return []  # "his demands", "these requests": a reference, not a new demand
        content = noun
    if _governed_by_negation(noun, lex):
        return []
    if content is noun:
        start = min(c.left_edge.i for c in compound) if compound else noun.i
        start = min([start] + [c.left_edge.i for c in noun.children if c.dep_ == "amod" and c.i < noun.i])
        end = max(t.i for t in noun.subtree) + 1
        spans = [(*_trim(doc, start, end), noun)]
    else:
        heads = _conjuncts(content, lex, actors)
        end_limit = max(max(t.i for t in h.subtree) + 1 for h in heads)
        spans = _split(heads, end_limit, doc)
    actor = _who(actor_tok, lex, actors) if actor_tok is not None else (None, None)
    addr = _who(addressee, lex, actors)
    verb = listing if listing is not None else (noun.head if _is_verb(noun.head) else None)
    out = []
    for start, end, h in spans:
        if end <= start:
            continue
        d = _Demand(start, end, h, noun, sent_index, actor=actor, addressee=addr)
        benef, _ = _beneficiary(None, h, lex, actors, doc)
        d.beneficiary = benef or _allowed(h, lex, actors)
        d.open_framing = _open_tense(verb, lex) if verb is not None else True
        out.append(d)
    return out


def _relative_listing(noun, lex: _Lexicon):
    """"its demands, which are thought to be for a grace period", "a request, which
    was for ...": a relative clause saying what the demand is. (content, clause verb).
    A clause whose pronoun follows the noun directly counts wherever the parser hung it."""
    def pronoun(clause):
        subj = _child(clause, (*_SUBJECT, *_PASSIVE_SUBJECT))
        return subj if subj is not None and subj.lower_ in ("which", "that") else None

    def right_after(p):
        before = next((t for t in reversed(noun.doc[noun.i + 1:p.i]) if not t.is_punct), None)
        return before is None and p.i - noun.i <= 2

    clauses = [c for c in noun.sent if _is_relative(c) and pronoun(c) is not None
               and (c.head.i == noun.i or right_after(pronoun(c)))]
    for c in clauses:
        if any(k.dep_ == "cop" for k in c.children):
            return c, c
        if _lemma(c) in lex.listing_verbs | lex.hearsay_verbs:
            # "believed to be $3bn": parsers hang the predicate as an object or, after "to
            # be", as an oblique
            inner = _child(c, (*_OBJECT, *_XCOMP, "attr")) or next(
                (k for k in c.children if k.dep_.split(":")[0] == "obl" and k.i > c.i
                 and any(t.dep_ == "cop" for t in k.subtree)), None)
            if inner is not None:
                return inner, c
    return None, None


def _noun_use(tok) -> bool:
    """A noun, or a demand word the tagger read as a verb where only a noun fits: in a noun's
    slot ("rejects IMF demand") or as a plural-form verb after a singular noun with no
    auxiliary, which English does not allow ("an IMF demand for ...")."""
    if tok.tag_.startswith("NN"):
        return True
    if tok.tag_ != "VBG" and tok.dep_.split(":")[0] in ("obj", "dobj", "nsubj", "obl", "nmod", "pobj", "appos"):
        return True  # a gerund keeps its verb reading ("by demanding a recount")
    if tok.tag_ == "VB" and tok.dep_ == "xcomp" and tok.i > 0 and tok.doc[tok.i - 1].head.i == tok.head.i \
            and tok.doc[tok.i - 1].dep_ in ("obj", "dobj") and _lemma(tok.head) not in lexicon().bare_infinitive_verbs \
            and not any(c.dep_ in ("mark", "aux") for c in tok.children):
        return True  # "rejects IMF demand for ...": a bare infinitive after the object is a noun
    subj = _child(tok, _SUBJECT)
    return tok.tag_ == "VBP" and subj is not None and subj.i == tok.i - 1 and \
        subj.tag_ in ("NN", "NNP") and not any(c.dep_ in ("aux", "aux:pass") for c in tok.children)


def _governed_by_negation(noun, lex) -> bool:
    head = noun.head
    return head != noun and _is_verb(head) and _lemma(head) in lex.listing_verbs and (
        _negated(head) or _hypothetical(head, lex))


def _allowed(head, lex, actors) -> str | None:
    """"allowing Vice President Delcy Rodríguez to oversee ...": who is to be allowed."""
    if _lemma(head) in ("allow", "let", "permit", "enable") and _is_verb(head):
        obj = _child(head, _OBJECT)
        if obj is not None:
            eid = actors.entity(obj)
            for ent in head.doc.ents:
                if ent.start <= obj.i < ent.end:
                    return ent.text
            return _np_text(obj) if eid is None else obj.text
    return None


# --- category ------------------------------------------------------------------------------

def _category(d: _Demand, doc, lex: _Lexicon) -> str:
    tokens = [t for t in doc[d.start:d.end]]
    lemmas = {_lemma(t) for t in tokens} | {t.lower_ for t in tokens}
    for cat, groups in lex.category_pairs.items():
        if all(lemmas & g for g in groups):
            return cat
    # Breadth-first from the head: the demanded thing's own noun or verb outranks words
    # deeper in its modifiers.
    inside = set(range(d.start, d.end))
    order, frontier, seen = [], [d.head], {d.head.i}
    while frontier:
        order.append(frontier)
        nxt = []
        for t in frontier:
            for c in t.children:
                if c.i in inside and c.i not in seen:
                    seen.add(c.i)
                    nxt.append(c)
        frontier = sorted(nxt, key=lambda t: t.i)
    rest = [t for t in tokens if t.i not in seen]
    order.append(rest)
    for level in order:
        for cat, words in lex.category_words.items():
            if any(_phrasal(t) in words or _lemma(t) in words or t.lower_ in words for t in level):
                return cat
    scope = d.category_scope
    lemmas = {_lemma(t) for t in scope}
    for cat, groups in lex.category_pairs.items():
        if all(lemmas & g for g in groups):
            return cat
    for cat, words in lex.category_words.items():
        if any(_lemma(t) in words for t in scope):
            return cat
    return "other"


# --- outcome -------------------------------------------------------------------------------

@dataclass
class _Answer:
    polarity: str
    sent_index: int
    responder: object
    target: object | None
    quantifier: str | None
    hedges: list
    sentence: str
    cue: object


def _answers(doc, sents, lex: _Lexicon) -> list[_Answer]:
    out = []
    for si, sent in enumerate(sents):
        for tok in sent:
            pol = None
            if _is_verb(tok):
                pol = lex.answers.get(_phrasal(tok)) or lex.answers.get(_lemma(tok))
                if pol is None:
                    continue
                negated = _negated(tok) or any(
                    c.dep_ in ("aux",) and c.lower_ in ("won't", "cannot", "can't") for c in tok.children)
                if negated:
                    if pol == "reject":
                        continue
                    pol = "reject"
                if _hypothetical(tok, lex):
                    continue
                responder = _subject_of(tok)
                target = _child(tok, _OBJECT)
                # "rejects IMF demand for ...": of several objects, the demand is what is answered.
                named = next((c for c in tok.children if c.dep_ in (*_OBJECT, "ccomp", "xcomp") and
                              _lemma(c) in lex.nouns and _noun_use(c)), None)
                target = named or target
                # "refused to meet the demands": the refusal governs an acceptance.
                inf = _child(tok, _XCOMP)
                if target is None and inf is not None:
                    inner = lex.answers.get(_phrasal(inf)) or lex.answers.get(_lemma(inf))
                    target = _child(inf, _OBJECT)
                    if inner == "accept" and pol == "reject":
                        pol = "reject"
                    elif target is None:
                        target = inf
                if target is None:
                    for prep, h in _prep_phrases(tok):
                        if prep in lex.answer_preps and h.i > tok.i:
                            target = h
                            break
                if target is None:
                    passive = _child(tok, _PASSIVE_SUBJECT)
                    if passive is not None:
                        target, responder = passive, _agent_of(tok)
            elif tok.tag_.startswith("NN") and _lemma(tok) in lex.answer_nouns:
                pol = lex.answer_nouns[_lemma(tok)]
                responder = _child(tok, _POSSESSOR)
                target = None
                for prep, h in _prep_phrases(tok):
                    if prep == "of" and h.i > tok.i:
                        target = h
                        break
                if target is None:
                    target = _infinitive(tok)
            else:
                continue
            if target is None:
                continue
            quantifier = None
            if _lemma(target) in lex.quantifiers or target.lower_ in lex.quantifiers:
                inner = next((h for p, h in _prep_phrases(target) if p == "of"), None)
                quantifier = f"{target.text} of"
                if inner is not None:
                    target = inner
            for c in target.children:
                if c.dep_ in ("det", "det:predet", "amod", "nummod", "advmod") and \
                        c.lower_ in lex.quantifiers and c.lower_ not in ("the",):
                    mods = [m.text for m in c.subtree]
                    quantifier = " ".join(mods) if quantifier is None else quantifier
            hedges = [c.text for c in tok.children if c.dep_ == "advmod" and c.lower_ in lex.hedge_adverbs]
            if quantifier:
                hedges.append(quantifier)
            out.append(_Answer(pol, si, responder, target, quantifier, hedges,
                               sent.text.strip(), tok))
    return out


def _refers_to(ans: _Answer, demands: list[_Demand], lex: _Lexicon, actors: _Actors) -> list[_Demand]:
    target = ans.target
    before = [d for d in demands if d.sent_index <= ans.sent_index and
              (d.sent_index < ans.sent_index or d.end <= ans.cue.i or d.cue in target.subtree)]
    # The reply's object is a demand found in the same phrase ("rejects IMF demand for ...").
    direct = [d for d in before if d.cue.i in {t.i for t in target.subtree} or d.cue == target]
    if direct:
        return direct
    if _lemma(target) in lex.anaphoric_nouns:
        if any(t.lower_ in lex.earlier_modifiers for t in target.subtree if t.i < target.i):
            return []  # "rejected previous proposals": not the ones reported here
        dets = [c for c in target.children if c.dep_ in ("det", *_POSSESSOR)]
        if dets and any(c.lower_ in lex.anaphoric_determiners for c in dets) or target.tag_ == "NNS":
            recent = [d for d in before if ans.sent_index - d.sent_index <= 6]
            if not recent:
                return []
            poss = next((c for c in dets if c.dep_ in _POSSESSOR), None)
            owner = _who(poss, lex, actors) if poss is not None else (None, None)
            if owner != (None, None) and any(d.actor == owner for d in recent):
                return [d for d in recent if d.actor == owner]
            last = recent[-1].actor
            return [d for d in recent if d.actor == last]
    # By naming the demanded thing: its head word appears in what is answered.
    words = {_lemma(t) for t in target.subtree if t.pos_ in ("NOUN", "VERB", "PROPN")}
    return [d for d in before if _lemma(d.head) in words and d.head.pos_ in ("NOUN", "VERB")
            and ans.sent_index - d.sent_index <= 8]


def _settle(demands: list[_Demand], answers: list[_Answer], sents, lex, actors) -> None:
    for ans in answers:
        for d in _refers_to(ans, demands, lex, actors):
            if d.status is not None:
                continue
            partial = ans.quantifier and ans.quantifier.split()[0].lower() in lex.partial_quantifiers
            if partial:
                d.status = "partially_accepted"
            else:
                d.status = "accepted" if ans.polarity == "accept" else "rejected"
            d.evidence = ans.sentence
            d.hedge = "; ".join(ans.hedges) or None
            if d.addressee == (None, None) and ans.responder is not None:
                who = _who(ans.responder, lex, actors)
                if who != d.actor and who != (None, None):
                    d.addressee = who
    texts = [s.text.lower() for s in sents]
    for d in demands:
        if d.status is not None:
            continue
        window = " ".join(texts[d.sent_index:d.sent_index + 2])
        if any(p in window for p in lex.open_phrases):
            d.status = "pending"
            d.evidence = sents[d.sent_index].text.strip()
        else:
            d.status = "pending" if d.open_framing else "unknown"


def _obtained(demands: list[_Demand], categories: dict, sents, lex: _Lexicon, actors: _Actors,
              reach: int = 8) -> None:
    """"the airlines asked for state aid ... the two airlines have received state loans": when
    the one who asked later gets a thing of the same kind, the demand was met."""
    for d in demands:
        if d.actor == (None, None):
            continue
        for sent in sents[d.sent_index:d.sent_index + reach + 1]:
            got = next((t for t in sent if _is_verb(t) and _lemma(t) in lex.obtain_verbs
                        and t.i > d.end and not _not_asserted(t, lex)
                        and d.actor in _all_actors(_subject_of(t), lex, actors)
                        and _same_kind(_child(t, _OBJECT), d, categories, lex)), None)
            if got is not None:
                if d.status in (None, "pending", "unknown") and d.evidence is None:
                    d.status, d.evidence = "accepted", sent.text.strip()
                break


def _same_kind(obj, d: _Demand, categories: dict, lex: _Lexicon) -> bool:
    if obj is None:
        return False
    if _lemma(obj) == _lemma(d.head):
        return True
    start, end = min(t.i for t in obj.subtree), max(t.i for t in obj.subtree) + 1
    kind = _category(_Demand(start, end, obj, obj, 0), obj.doc, lex)
    return kind != "other" and kind == categories[id(d)]


def _negotiation_partner(d: _Demand, lex: _Lexicon, actors: _Actors, category: str):
    """"another call with Trump", "talks with the rebels": the other side is whom it is asked of."""
    if category != "negotiation":
        return None
    for prep, h in _prep_phrases(d.head):
        if prep == "with":
            who = _who(h, lex, actors)
            if who != (None, None) and who != d.actor:
                return who
    return None


def _creditor(d: _Demand, lex: _Lexicon, actors: _Actors):
    """"defer payments due to its lenders", "reschedule the debt owed to the London Club": a
    debtor's demand is made of the ones it owes."""
    doc = d.head.doc
    for t in doc[d.start:d.end]:
        if t.lower_ not in lex.debt_markers:
            continue
        owed = t.head if t.dep_ == "case" else next((h for p, h in _prep_phrases(t) if p == "to"), None)
        if owed is not None and d.start <= owed.i < d.end and _is_human(owed, lex, actors):
            who = _who(owed, lex, actors)
            if who != d.actor:
                return who
    return None


def _author_of_target(d: _Demand, lex: _Lexicon, actors: _Actors, reach: int = 3):
    """"press for a repeal of the taxes" after "Parliament approved new fuel taxes": a demand
    against a measure the story introduced is made of whoever introduced it."""
    doc = d.head.doc
    first = _window_start(doc[d.start], reach)
    for t in doc[d.start:d.end]:
        if not _nominal(t) or not any(c.dep_ == "det" and c.lower_ in ("the", "this", "these")
                                      for c in t.children):
            continue
        for earlier in reversed(doc[first:d.start]):
            if _lemma(earlier) != _lemma(t) or earlier.dep_ not in _OBJECT or \
                    _lemma(earlier.head) not in lex.authoring_verbs:
                continue
            author = _who(_subject_of(earlier.head), lex, actors)
            if author not in ((None, None), d.actor):
                return author
    return None


def _company_acted_on(d: _Demand, lex: _Lexicon, actors: _Actors):
    """"an auction of Acme", "the sale of Acme": a company is asked to sell, split or open its
    books; the one it is asked of is the company itself."""
    if _lemma(d.head) not in lex.corporate_actions:
        return None
    for prep, h in _prep_phrases(d.head):
        eid = actors.entity(h) if prep == "of" else None
        if eid is not None and actors.types.get(eid) == "ORG" and (eid, None) != d.actor:
            return eid, None
    return None


def _carry_actor(demands: list[_Demand]) -> None:
    """"Another demand included ...": a demand noun without its own actor belongs to whoever
    made the demands just before it. A demand verb names its own subject; when that could not
    be resolved, the previous demand's actor is no better a guess than none."""
    last = None
    for d in demands:
        if d.actor == (None, None) and last is not None and d.sent_index - last.sent_index <= 2 \
                and not _is_verb(d.cue):
            d.actor = last.actor
            if d.addressee == (None, None):
                d.addressee = last.addressee
        if d.actor != (None, None):
            last = d


def demand_rows(doc, doc_id: str, sentence_index) -> list[dict]:
    """demands rows for one parsed document (see the `demands` table in transforms/schemas.py).

    doc (Doc): the parsed document; without a dependency parse no rows.
    doc_id (str): its id.
    sentence_index (Callable[[int], int]): char offset -> sentence number.
    RETURNS (list[dict]): one row per demanded thing with the `demands` columns plus
        `status_hedge`; entity ids are `entity_id` of an entity span or of the linked cluster.
    """
    if not doc.has_annotation("DEP"):
        return []
    lex = lexicon()
    actors = _Actors(doc)
    sents = list(doc.sents)
    found: list[_Demand] = []
    for si, sent in enumerate(sents):
        for tok in sent:
            lemma = _lemma(tok)
            if lemma in lex.nouns and _noun_use(tok):
                found.extend(_from_noun(tok, lex, actors, si))
            elif _is_verb(tok) and _verb_lemma(tok, lex.verbs):
                found.extend(_from_verb(tok, lex, actors, si))
            if _is_verb(tok):
                found.extend(_from_reported_obligation(tok, lex, actors, si))
                found.extend(_from_condition(tok, lex, actors, si))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    demands: list[_Demand] = []
    for d in found:
        # Coordinated actors share one demanded span; anything else overlapping is a second
        # reading of a demand already taken.
        if any(d.start < o.end and o.start < d.end and not (
                (d.start, d.end, d.cue) == (o.start, o.end, o.cue) and d.actor != o.actor) for o in demands):
            continue
        demands.append(d)
    demands.sort(key=lambda d: d.start)
    _carry_actor(demands)
    categories = {id(d): _category(d, doc, lex) for d in demands}
    for d in demands:
        partner = _negotiation_partner(d, lex, actors, categories[id(d)]) or _creditor(d, lex, actors) \
            or _author_of_target(d, lex, actors) or _company_acted_on(d, lex, actors)
        if partner is not None and d.addressee == (None, None):
            d.addressee = partner
    _settle(demands, _answers(doc, sents, lex), sents, lex, actors)
    _obtained(demands, categories, sents, lex, actors)

    rows = []
    spans_taken = set()
    for d in demands:
        if d.actor == (None, None):
            continue  # a demand nobody makes cannot be told apart from a description
        start_char = doc[d.start].idx
        end_char = doc[d.end - 1].idx + len(doc[d.end - 1].text)
        category = categories[id(d)]
        # The span identifies a demand; a second actor sharing it (a coordinated subject)
        # adds its own name.
        id_parts = (doc_id, start_char, end_char)
        if id_parts in spans_taken:
            id_parts += (d.actor[0] or d.actor[1],)
        spans_taken.add((doc_id, start_char, end_char))
        rows.append({
            "demand_id": stable_id("dem", *id_parts),
            "doc_id": doc_id,
            "actor_entity_id": d.actor[0],
            "actor_text": d.actor[1],
            "addressee_entity_id": d.addressee[0],
            "addressee_text": d.addressee[1],
            "text": doc.text[start_char:end_char],
            "category": category,
            "beneficiary_text": d.beneficiary,
            "status": d.status,
            "status_evidence": d.evidence,
            "start": start_char,
            "end": end_char,
            "sentence_index": sentence_index(start_char),
            "status_hedge": d.hedge,
        })
    return rows
