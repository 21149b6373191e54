"""Who: the actor and the addressee of a demand as entity ids where the text allows, else words.

Entity ids are the linker's (`newsfacts_linker` runs first): a token's cluster id as the linker
set it on the Doc (`cluster_id`), else, for a named entity the linker left out (a headline's),
`entity_id` of the span as written. On top of the linker: role descriptions ("the president",
"the company"), groups known by a named member, pronouns after a role description or a plural
subject, coordinated names and the plural descriptions that count them ("the two companies").
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from transforms.demands.lexicon import Lexicon
from transforms.parse import ACTIVE_SUBJECT, entity_of, DIRECT_OBJECT, PASSIVE_SUBJECT, POSSESSOR, \
    lemma, prep_phrases, sentence_start, sentence_window_start
from transforms.entities.linking import cluster_id, clusters, entity_id, roles_before
from transforms.entities.names import fold, gazetteer

# Named entity labels an actor may be known by when the linker made no cluster of the span.
_ACTOR_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP")
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4}


class Actors:
    """Entity ids for tokens: the linker's clusters (names, surnames, resolved pronouns), else
    the NER span as written; and what the clusters tell beyond that (types, titles, the main
    country, the country a nationality word acts for)."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.types: dict[str, str] = {}
        self.country_mentions: dict[str, int] = {}
        self.titled: list[tuple[int, str, frozenset]] = []  # (char offset, entity id, title words)
        self._ids: dict[int, str | None] = {}
        self._who: dict[tuple[int, int], tuple] = {}  # (lexicon id, token index) -> `who`
        # (char offset, entity id, lower-case words) of every named mention, for descriptions
        self.named_words: list[tuple[int, str, frozenset]] = []
        self.countries: dict[str, str] = {}  # folded standard name of a country named -> entity id
        gaz = gazetteer()
        for c in clusters(doc):
            eid = entity_id(c.type, c.name)
            self.types[eid] = c.type
            if c.type == "GPE":
                self.country_mentions[eid] = len(c.mentions)
                country = gaz.country_name(c.name)
                if country:
                    self.countries.setdefault(fold(country), eid)
            for m in c.mentions:
                span = None if m.is_pronoun else doc.char_span(m.start, m.end)
                title = roles_before(span)[0] if span is not None else None
                if title:
                    self.titled.append((m.start, eid, frozenset(title.lower().split())))
                if not m.is_pronoun:
                    self.named_words.append((m.start, eid, frozenset(m.text.lower().split())))
        self.titled.sort()
        self.named_words.sort()

    def titled_before(self, tok: Token) -> str | None:
        """"the spokesman", "the president": whoever was last introduced with that title
        ("Party spokesman Jane Doe", "President Smith")."""
        for start, eid, words in reversed(self.titled):
            if start < tok.idx and tok.lower_ in words:
                return eid
        return None

    def named_with_head(self, tok: Token) -> str | None:
        """"the court", "the department": the entity last named before `tok` with that word in
        its name ("the Delaware Chancery Court")."""
        word = tok.lower_
        for start, eid, words in reversed(self.named_words):
            if start < tok.idx and word in words:
                return eid
        return None

    def main_country(self) -> str | None:
        """The country named most often in the document, when one clearly leads."""
        counts = sorted(((n, eid) for eid, n in self.country_mentions.items()), reverse=True)
        if counts and (len(counts) == 1 or counts[0][0] > counts[1][0]):
            return counts[0][1]
        return None

    def entity(self, tok: Token) -> str | None:
        # (memoised: the rules ask about the same tokens many times, and `cluster_id` scans
        # the document's mentions)
        if tok.i not in self._ids:
            self._ids[tok.i] = cluster_id(tok) or self._as_written(tok)
        return self._ids[tok.i]

    def party(self, tok: Token) -> str | None:
        """`entity`, or the country a nationality word acting as a party stands for."""
        eid = self.entity(tok)
        return self._nation(tok, eid) or eid

    def _nation(self, tok: Token, eid: str | None) -> str | None:
        """The country a nationality word stands for, when the story names that country: "the
        Russian government", "Argentine officials", "the Japanese" act for Russia, Argentina,
        Japan (GOLD.md names a country's government by the country)."""
        if eid is None or not self.countries or self.types.get(eid) == "GPE" or not tok.is_title:
            return None
        span = entity_of(tok)
        if span is None or len(span) != 1:  # ("Chinese Petroleum Corp" is no nationality)
            return None
        known = gazetteer().countries_of(tok.text)
        if known:  # ("American": the United States or the Northern Mariana Islands, as named)
            named = {self.countries[k] for k in map(fold, known) if k in self.countries}
            return named.pop() if len(named) == 1 else None
        # A nationality the gazetteer lacks ("Argentine", "Saudi"): the one country of the
        # story whose name has a word with its first four letters.
        key = fold(tok.text)
        if len(key) < 4 or key in self.countries:
            return None
        close = {e for name, e in self.countries.items() if any(w[:4] == key[:4] for w in name.split())}
        return close.pop() if len(close) == 1 else None

    def _as_written(self, tok: Token) -> str | None:
        ent = entity_of(tok) if tok.ent_type_ in _ACTOR_LABELS else None
        return entity_id(ent.label_, ent.text) if ent is not None else None


def is_human(tok: Token, lex: Lexicon, actors: Actors) -> bool:
    if tok.lower_ in lex.human_pronouns:
        return True
    if actors.entity(tok) is not None and tok.ent_type_ != "NORP" or tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    return lemma(tok) in lex.human_nouns or tok.lower_ in lex.human_nouns


def is_role_description(tok: Token) -> bool:
    """"the chancellor", "the Green spokeswoman": a singular
    definite role noun, standing for the person the article introduced with it."""
    if tok.tag_ != "NN":
        return False
    # An infinitive the parser hung on the noun ("urged the company to sell") is what it is
    # urged to do, not words that pick out another company.
    mods = [c for c in tok.children if c.dep_ != "punct" and not (
        c.dep_ == "acl" and c.i > tok.i and any(k.lower_ == "to" and k.dep_ in ("mark", "aux") for k in c.children))]
    return tok.left_edge.lower_ == "the" and all(c.dep_ in ("det", "amod", "compound") for c in mods)


def _named_member(tok: Token, lex: Lexicon, actors: Actors, depth: int = 0) -> tuple | None:
    """"a group including members of the Smith family", "a consortium led by Acme": an unnamed
    group is known by the member the article names."""
    members = [h for p, h in prep_phrases(tok) if p in lex.member_preps]
    for c in tok.children:
        if c.dep_ == "acl" and lemma(c) in lex.member_verbs:
            members += [k for k in c.children if k.dep_ in DIRECT_OBJECT] + [h for p, h in prep_phrases(c) if p == "by"]
    for h in members:
        eid = actors.entity(h) or next((actors.entity(c) for c in h.children
                                        if c.dep_ in ("compound", "flat") and actors.entity(c)), None)
        if eid is not None:
            return eid, None
        if any(c.dep_ == "compound" and c.tag_.startswith("NNP") for c in h.children):
            return None, np_text(h)  # "the Smith family": named, though not by the NER
        if depth < 2 and lemma(h) in lex.collective_nouns | {"member"}:
            found = _named_member(h, lex, actors, depth + 1)
            if found is not None:
                return found
    return None


def _latest_subject(tok: Token, actors: Actors, type_: str, reach: int = 3) -> str | None:
    """The last named subject of that type before `tok`, in its sentence or the `reach` before:
    "the company" is the one the story has just been about."""
    for t in reversed(tok.doc[sentence_window_start(tok, reach):tok.i]):
        if t.dep_ in (*ACTIVE_SUBJECT, *PASSIVE_SUBJECT):
            eid = actors.entity(t)
            if eid is not None and actors.types.get(eid) == type_:
                return eid
    return None


def _plural_subject_before(tok: Token) -> Token | None:
    """"The airlines won tax breaks, but the ministry wants them to ...": the plural
    subject of an earlier clause of the same sentence (not of the pronoun's own clause)."""
    own = {c.i for c in tok.head.children if c.dep_ in ACTIVE_SUBJECT}
    for t in reversed(tok.doc[sentence_start(tok):tok.i]):
        if t.dep_ in (*ACTIVE_SUBJECT, *PASSIVE_SUBJECT) and t.i not in own and t.pos_ != "PRON":
            return t if t.tag_ in ("NNS", "NNPS") or any(True for _ in t.conjuncts) else None
    return None


def _described_subject_before(tok: Token, actors: Actors) -> str | None:
    """The person behind the last main-clause subject before `tok`, in its sentence or the one
    before, when that subject is a role description ("the spokesman said the cuts were deep")."""
    for t in reversed(tok.doc[sentence_window_start(tok, 1):tok.i]):
        if t.dep_ in ACTIVE_SUBJECT and t.head.dep_ == "ROOT":
            return actors.titled_before(t) if is_role_description(t) else None
    return None


def np_text(head: Token) -> str:
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


def who(tok: Token | None, lex: Lexicon, actors: Actors) -> tuple[str | None, str | None]:
    """(entity id, None) or (None, words) for the actor or addressee headed by `tok`."""
    if tok is None:
        return None, None
    # (memoised: every candidate reading asks about the words of its sentence and the one before)
    key = (id(lex), tok.i)
    found = actors._who.get(key)
    if found is None:
        found = actors._who[key] = _who(tok, lex, actors)
    return found


def _who(tok: Token, lex: Lexicon, actors: Actors) -> tuple[str | None, str | None]:
    eid = actors.party(tok) or _named_beside(tok, lex, actors)
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
            return who(antecedent, lex, actors)
    if tok.pos_ == "PRON" or tok.tag_ in ("PRP", "PRP$", "WP", "WDT"):
        return None, None
    found = _described(tok, lex, actors)
    return found if found is not None else (None, np_text(tok))


def _named_beside(tok: Token, lex: Lexicon, actors: Actors) -> str | None:
    """A name on the actor's head word: its apposition, "Maduro's lawyers", "the Teamsters
    union", "the French government"."""
    for c in tok.children:
        # "Maduro's lawyers", "the Teamsters union": a representative or a named body; "U.S.
        # trading partners" are the other side of a relation, not the U.S.
        if c.dep_ in ("appos", "flat", "compound", *POSSESSOR, "nmod:desc") and \
                (c.dep_ in ("appos", "flat") or lemma(tok) in lex.proxy_nouns or
                 c.dep_ == "compound" and lemma(tok) in lex.human_nouns - lex.relation_nouns):
            eid = actors.party(c)
            if eid is not None:
                return eid
    if lemma(tok) in lex.proxy_nouns:
        for c in tok.children:
            if c.dep_ == "amod" and c.ent_type_ in ("NORP", "GPE"):
                eid = actors.party(c)
                if eid is not None:
                    return eid
        # "a spokesman for the union", "officials of the ministry": whom they speak for
        for p, h in prep_phrases(tok):
            eid = actors.entity(h) if p in ("for", "of") else None
            if eid is not None:
                return eid
    return None


def _described(tok: Token, lex: Lexicon, actors: Actors) -> tuple | None:
    """Whom a description stands for: the one introduced with that title, the company the
    story is about, a group's named member, or the government of the article's country."""
    if is_role_description(tok):
        eid = actors.titled_before(tok)
        if eid is not None:
            return eid, None
    if lemma(tok) in lex.company_nouns and is_role_description(tok):
        eid = _latest_subject(tok, actors, "ORG")
        if eid is not None:
            return eid, None
    if lemma(tok) in lex.collective_nouns:
        member = _named_member(tok, lex, actors)
        if member is not None:
            return member
    if lemma(tok) in lex.government_nouns and not any(
            c.dep_ not in ("det", "punct") for c in tok.children):
        # A bare "the government" is that of the country the article is about.
        eid = actors.main_country()
        if eid is not None:
            return eid, None
    return None


def all_actors(tok: Token | None, lex: Lexicon, actors: Actors) -> list[tuple]:
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
        count = next((NUMBER_WORDS.get(c.lower_) for c in tok.children if c.dep_ == "nummod"), None)
        group = _preceding_named_group(tok, actors, reach=5 if count else 2)
        if group and (count is None or count == len(group)):
            return [(eid, None) for eid in group]
    return [who(tok, lex, actors)]


def _plural_description(tok: Token, actors: Actors) -> bool:
    """"the automakers", "both companies", "the two banks": a bare plural common noun that
    refers back rather than naming anyone."""
    if tok.tag_ != "NNS" or any(actors.entity(t) for t in tok.subtree):
        return False
    mods = [c for c in tok.children if c.dep_ not in ("punct",)]
    if any(c.dep_ not in ("det", "det:predet", "amod", "compound", "nummod") for c in mods):
        return False
    return any(c.lower_ in ("the", "both", "these", "those", "two") for c in mods)


def _preceding_named_group(tok: Token, actors: Actors, reach: int = 2) -> list[str]:
    """Entity ids of the latest subject made of two or more coordinated names, in this sentence
    before `tok` or in the `reach` sentences before it."""
    for t in reversed(tok.doc[sentence_window_start(tok, reach):tok.i]):
        if t.dep_ not in (*ACTIVE_SUBJECT, *PASSIVE_SUBJECT):
            continue
        named = _named_conjuncts(t, actors)
        if named:
            return named
    return []


def _named_conjuncts(tok: Token, actors: Actors) -> list[str]:
    """Entity ids of "X and Y" when every conjunct is named, else none."""
    named = [actors.entity(c) for c in (tok, *tok.conjuncts)]
    return list(dict.fromkeys(named)) if len(named) > 1 and all(named) else []
