"""Within-document entity linking: which mentions of a document name the same actor.

Rules, applied in order over the typed entities of one parsed document:
- `country`: a GPE written any known way takes the country's standard English name ("US" ->
  "United States"), from countryinfo's alternative spellings.
- `state`: a US state abbreviated as newswire does takes its name ("Nev." -> "Nevada").
- `title`: titles and roles before a person's name, an honorific before it and a post-nominal
  after it are recorded as roles.
- `surname` / `short_name`: a person or organisation mention joins the one longer name of the
  same type that starts or ends with it ("Maduro" -> "Nicolás Maduro", "Kestrel" -> "Kestrel
  Co."); when two names qualify it joins the one it equals but for a corporate suffix, else stays
  apart. A name written with its suffix ("Orion Corp.") is complete and shortens nothing (not
  "Orion Marine Inc."), nor does an organisation's name running more than two words past it
  (a unit: "Pell" is not "Pell Marine Engine Division"); a lone word called a place that no
  gazetteer knows may shorten a name too ("Vantor").
- `variants`: clusters of one type that are one name written two ways join: given names or
  initials that agree ("Tim Cook", "Timothy D. Cook"), a plural ("Lib Dem", "Lib Dems"), a
  misspelling ("Kowalski", "Kowalsky"; `transforms.entities.variants`). An acronym joins a
  longer name by its first word only when a corporate suffix makes that name the company ("BBC"
  is not "BBC Three").
- types are made consistent per name (the majority of its mentions, and of its short forms:
  surnames for people, first words for organisations); a "person" nothing marks as one (title,
  honorific, surname use) whom the text treats as a company ("mining group Zarkov", "30% of
  Brenner", "Volkswagen and Fiat") is an organisation, and a town the model called an
  organisation but lists with places is a place. Spans inside title-case headlines (lines of
  their own) are kept only when the body repeats them.
- `acronym`: an all-capitals mention joins the organisation whose initials or first word it
  spells ("ICC" -> "International Criminal Court", "NOVA" -> "NOVA Cable Systems Inc."), or
  the name it follows in brackets ("Agency for Ports and Canals (SJKV)"), whatever its letters
  (a place's only when they spell it: "OSLO, Norway (AP)" credits a news agency).
- `metonym`: a capital used as an actor (subject, possessor, agent, or after "on/against/with")
  joins its country ("Washington has raised the reward"), never in a dateline ("KAMPALA, May
  2 -", the city); seats of government ("the White
  House", "the Kremlin") are the institution, an ORG.
- a corporate suffix's period that ends a paragraph ("Acme Co.\\n\\n") ends the sentence, not
  the name: the mention and the name are "Acme Co".
- `pronoun`: he/she/his/her in subject or possessive position joins the only person mentioned
  in its sentence before it or, failing that, in the previous sentence.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from transforms.entities.boundaries import possessive_names
from transforms.entities.names import fold, gazetteer
from transforms.entities.types import past_corporate_suffix
from transforms.entities.variants import GENERATIONAL, name_words, person_compatible, spelling_variant
from transforms.facts import get_facts, set_facts
from transforms.ids import stable_id
from transforms.lexicons import load
from transforms.parse import cached, doc_text, forget_entities, lowers, sentences, texts, tokens

# The possessive's tokens ("Reid's", "Reid’s", "Jones'").
POSSESSIVES = ("'s", "’s", "'")
NAME_TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART")


@dataclass
class Mention:
    start: int
    end: int
    text: str
    rule: str
    is_pronoun: bool = False


@dataclass
class Cluster:
    """One actor of a document: its canonical name, type, mentions and roles."""

    type: str
    name: str
    mentions: list[Mention] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return fold(self.name)

    @property
    def aliases(self) -> list[str]:
        seen = []
        for m in self.mentions:
            if not m.is_pronoun and m.text not in seen:
                seen.append(m.text)
        return seen


@lru_cache(maxsize=1)
def _rules() -> dict:
    rules = dict(load("entities"))
    rules["seats"] = {fold(k) for k in rules["seats_of_government"]}
    rules["country_aliases"] = {fold(k): v for k, v in rules["country_aliases"].items()}
    rules["corporate_suffixes"] = frozenset(fold(w) for w in rules["corporate_suffixes"])
    for key in ("post_nominals", "peerage_titles", "title_heads", "title_modifiers", "honorifics",
                "pronouns", "actor_deps", "actor_preps",
                "name_connectors", "organisation_cues_after", "organisation_cues_before"):
        rules[key] = frozenset(rules[key])
    return rules


@lru_cache(maxsize=4096)
def initials(name: str) -> str:
    connectors = _rules()["name_connectors"]
    return "".join(w[0] for w in name.split() if w.lower() not in connectors and w[:1].isalpha()).upper()


def _strip_possessive(span: Span, label: str, names: frozenset[str] = frozenset()) -> Span:
    """The name without its possessive ("Reid's" -> "Reid"), except an organisation's name
    that is a possessive ("Sainsbury's are", "Standard & Poor's 500"): a noun, an adjective or a
    capitalised word after it ("Acme's chairman", "Acme's Trust Fund") makes it a possessive,
    unless the story writes the name elsewhere owning nothing (`names`: "at Crowley's, which
    ..." makes "Crowley's chairman" the chairman of Crowley's)."""
    if len(span) > 1 and span[-1].lower_ in POSSESSIVES:
        if span[:-1].text in names:
            return span
        doc = span.doc
        after = doc[span.end] if span.end < len(doc) else None
        if label == "ORG" and not (after is not None and (after.is_title or after.pos_ in ("NOUN", "ADJ"))):
            return span
        return span[:-1]
    return span


def roles_before(span: Span) -> tuple[str | None, int]:
    """The title written right before a name ("former US President") and where it starts."""
    rules = _rules()
    doc = span.doc
    i = span.start - 1
    while i >= 0:
        tok = doc[i]
        lower = tok.lower_.rstrip(".")
        in_entity = tok.ent_type_ in ("NORP", "GPE") or (tok.ent_iob_ == "I")
        if (lower in rules["title_heads"] or lower in rules["title_modifiers"] or in_entity) and "\n" not in tok.text_with_ws:
            i -= 1
            continue
        break
    first = i + 1
    words = [t for t in doc[first:span.start]]
    while words and words[0].lower_ in ("the", "of", "former", "acting"):
        words = words[1:]
    while words and words[-1].lower_ in ("the", "of"):
        words = words[:-1]
    if not any(t.lower_.rstrip(".") in rules["title_heads"] for t in words):
        return None, span.start
    return doc[words[0].i:words[-1].i + 1].text, first


def post_nominal_after(span: Span) -> str | None:
    """The post-nominal written right after a name ("Alan Reid MP", "Ann Lee QC"), a role."""
    doc = span.doc
    if span.end < len(doc) and doc[span.end].text.rstrip(".") in _rules()["post_nominals"]:
        return doc[span.end].text
    return None


def person_roles(span: Span) -> list[str]:
    """What is written around a person's name that is no part of it, kept as roles: the title
    before it ("Gov.", "former US President"), else an honorific ("Dr", "Mrs"), and a
    post-nominal after it ("QC")."""
    before = roles_before(span)[0]
    if before is None and span.start > 0 and span.doc[span.start - 1].lower_ in _rules()["honorifics"]:
        before = span.doc[span.start - 1].text
    return [r for r in (before, post_nominal_after(span)) if r]


def _is_actor(token: Token) -> bool:
    rules = _rules()
    if token.dep_ in rules["actor_deps"]:
        return True
    # "pressure on Caracas": a preposition attached above (CLEAR style: pobj under prep) or
    # below (Universal Dependencies: nmod/obl with a `case` child).
    if token.dep_ == "pobj":
        return token.head.dep_ == "prep" and token.head.lower_ in rules["actor_preps"]
    if token.dep_ in ("nmod", "obl"):
        return any(c.dep_ == "case" and c.lower_ in rules["actor_preps"] for c in token.children)
    return False


def _words(name: str, suffixes: frozenset[str]) -> tuple[str, ...]:
    """Folded words of a name without trailing corporate suffixes ("Orion Inc." -> orion) or a
    generational one ("Hal Mefford Jr." -> hal mefford: "Mefford" is his surname)."""
    words = tuple(fold(w) for w in name.replace(",", " ").split())
    while len(words) > 1 and (words[-1] in suffixes or words[-1] in GENERATIONAL):
        words = words[:-1]
    return words



def _part_of(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """`short` is the start or the end of a longer name ("Maduro" of "Nicolás Maduro",
    "Lopez Obrador" of "Andres Manuel Lopez Obrador", "Kestrel" of "Kestrel Co.")."""
    n = len(short)
    return 0 < n < len(long) and (long[:n] == short or long[-n:] == short)


# Words an organisation's name may go on for after its short form (5-fold cross-validation on
# train.jsonl, entity F1 / alias: any 0.9242/0.9506, 4 0.9241/0.9512, 3 0.9243/0.9517, 2
# 0.9248/0.9522, 1 0.9246/0.9494).
_MOST_WORDS_AFTER_SHORT_FORM = 2


def _division_of(short: tuple[str, ...], long: tuple[str, ...], label: str, long_type: str) -> bool:
    """An organisation's name that goes on for several words after another's is a unit of it
    ("Pell Marine Engine Division" of "Pell"), no other way of writing it."""
    return label == "ORG" and long_type == "ORG" and long[:len(short)] == short \
        and len(long) - len(short) > _MOST_WORDS_AFTER_SHORT_FORM


def _has_corporate_suffix(name: str, suffixes: frozenset[str]) -> bool:
    words = name.replace(",", " ").split()
    return len(words) > 1 and fold(words[-1]) in suffixes


def _short_form_type(short: tuple[str, ...], long: tuple[str, ...]) -> str | None:
    """What a short form says about the name it shortens: people are called by their surname
    ("Fischer" for "Paloma Fischer"), organisations by their first word ("Brennock" for
    "Brennock Aerospace")."""
    if short == long:
        return None
    return "PERSON" if long[-len(short):] == short else "ORG" if long[:len(short)] == short else None


def _reads_as_organisation(doc: Doc, cluster: Cluster, rules: dict) -> bool:
    """A "person" nothing marks as one (no title or role, no honorific, never called by a
    surname) whom the text treats as a company: "mining group Zarkov", "30% of Brenner",
    "Brenner's chairman", "Zarkov accounts", "Volkswagen and Fiat"."""
    if cluster.roles:
        return False
    spans = [doc.char_span(m.start, m.end) for m in cluster.mentions]
    spans = [s for s in spans if s is not None]
    words = cluster.name.split()
    if any(len(s) < len(words) and s.text.split() == words[-len(s):] for s in spans):
        return False  # "Paloma Fischer" ... "Fischer said"
    if any(s.start > 0 and doc[s.start - 1].lower_ in rules["honorifics"] for s in spans):
        return False
    return any(_organisation_context(s, rules) for s in spans)


def _unknown_place_of_business(doc: Doc, cluster: Cluster, rules: dict) -> bool:
    """A "place" no gazetteer knows that the text treats as a company ("Australian airline
    Quorra", "Quorra shares")."""
    if gazetteer().knows(cluster.name) or gazetteer().state_name(cluster.name):
        return False
    spans = (doc.char_span(m.start, m.end) for m in cluster.mentions)
    return any(s is not None and _organisation_context(s, rules) for s in spans)


def _organisation_context(span: Span, rules: dict) -> bool:
    doc = span.doc
    after = span.end + (1 if span.end < len(doc) and doc[span.end].lower_ in POSSESSIVES else 0)
    if after < len(doc) and doc[after].lower_ in rules["organisation_cues_after"]:
        return True
    before = span.start - 1
    while before >= 0 and doc[before].is_punct and doc[before].text not in (",", "."):
        before -= 1  # "carmakers -- Fiat"
    if before >= 0 and doc[before].lower_ in rules["organisation_cues_before"]:
        return True
    if before >= 1 and doc[before].lower_ == "of" and doc[before - 1].text in ("%", "percent", "pct"):
        return True  # "owns 30% of Brenner": only companies are owned by the percent
    return _listed_with(span, "ORG")


def _listed_with(span: Span, label: str) -> bool:
    """Coordinated with names all of one type ("Volkswagen and Fiat", "Brussels and Genoa")."""
    root = span.root
    if not root.doc.has_annotation("DEP"):
        return False
    conjuncts = [t for t in root.conjuncts if not (span.start <= t.i < span.end)]
    return bool(conjuncts) and all(t.ent_type_ == label for t in conjuncts)


def _listed_with_places(doc: Doc, cluster: Cluster) -> bool:
    """A town or state the model called an organisation, listed with places ("delegates will
    meet in Brussels and Genoa")."""
    gaz = gazetteer()
    if gaz.place_type(cluster.name) != "GPE" or gaz.country_name(cluster.name):
        return False
    spans = (doc.char_span(m.start, m.end) for m in cluster.mentions)
    return any(s is not None and _listed_with(s, "GPE") for s in spans)


def _bracketed_after(span: Span) -> int | None:
    """For "(SJKV)" or "<ORN>" written right after a name: the end (char offset) of that name."""
    doc = span.doc
    if span.start < 2 or span.end >= len(doc) or doc[span.start - 1].text not in ("(", "<") \
            or doc[span.end].text not in (")", ">"):
        return None
    before = doc[span.start - 2]
    return before.idx + len(before.text)


def _cluster_ending_at(clusters: list[Cluster], end: int | None) -> Cluster | None:
    if end is None:
        return None
    return next((c for c in clusters
                 if c.type in ("ORG", "GPE") and any(m.end == end for m in c.mentions)), None)


def _spells(acronym: str, name: str) -> bool:
    """"ICC" of "International Criminal Court" (initials), "NOVA" of "NOVA Cable Systems Inc."
    (its first word, when a corporate suffix makes the longer name the company itself: "BBC"
    is not "BBC Three", nor "OPEC" its "OPEC Pricing Committee")."""
    words = name.split()
    return len(words) > 1 and (initials(name) == acronym.replace(".", "") or (
        words[0] == acronym and _has_corporate_suffix(name, _rules()["corporate_suffixes"])))


def _headline_sentences(doc: Doc) -> list[Span]:
    """Sentences in title case (headlines, section titles): capitals there say nothing about
    names, so the NER's spans inside them are only trusted when the body repeats them."""
    out, all_words = [], tokens(doc)
    for sent in sentences(doc):
        words = [t for t in all_words[sent.start:sent.end] if t.is_alpha and len(t) > 3]
        if len(words) >= 2 and all(t.is_title or t.is_upper for t in words) and not sent.text.rstrip().endswith(".") \
                and not _opens_with_dateline(sent) and _whole_line(sent):
            out.append(sent)
    return out


def _whole_line(sent: Span) -> bool:
    """A headline is a line of its own: a "sentence" the parser cut out of a line (", March 12 -
    Energy Minister Ann Lee" after a dateline) is no headline."""
    doc = sent.doc
    starts = sent.start == 0 or "\n" in doc[sent.start - 1].text_with_ws
    last = sent[-1] if not sent[-1].is_space or len(sent) == 1 else sent[-2]
    ends = sent.end == len(doc) or "\n" in last.whitespace_ or "\n" in doc[last.i + 1].text
    return starts and ends


def _opens_with_dateline(sent: Span) -> bool:
    """"BUDAPEST, March 12 (Xinhua) --": a dateline, whose names are the story's own."""
    return len(sent) > 1 and sent[0].is_upper and sent[0].is_alpha and sent[1].text == ","


def _consistent_types(ents: list[Span]) -> dict[str, str]:
    """folded name -> the type most of its mentions got (the NER may call one company ORG in
    one sentence and PERSON in the next); ties keep the first mention's type."""
    votes: dict[str, dict[str, int]] = {}
    for ent in ents:
        if ent.label_ in ("PERSON", "ORG", "GPE", "LOC"):
            counts = votes.setdefault(fold(ent.text), {})
            counts[ent.label_] = counts.get(ent.label_, 0) + 1
    return {name: max(counts, key=lambda t: counts[t]) for name, counts in votes.items()}


class _Clusters(list):
    """A document's clusters as they are found, each reachable by type and folded name."""

    def __init__(self):
        super().__init__()
        self.by_key: dict[tuple[str, str], Cluster] = {}

    def add(self, type_: str, name: str, mention: Mention) -> Cluster:
        cluster = self.by_key.get((type_, fold(name)))
        if cluster is None:
            cluster = Cluster(type_, name)
            self.by_key[(type_, fold(name))] = cluster
            self.append(cluster)
        elif cluster.name.isupper() and not name.isupper():
            cluster.name = name  # a dateline shouts "CEDAR FALLS"; the body writes the name
        cluster.mentions.append(mention)
        return cluster


def _link(doc: Doc) -> list[Cluster]:
    """The document's clusters: places, seats and states first, then people and organisations
    longest name first, their types settled, then acronyms, repeats and pronouns."""
    clusters = _Clusters()
    named, acronyms = _place_entities(doc, _linkable_entities(doc), clusters)
    votes = _join_names(named, clusters)
    _settle_types(doc, clusters, votes)
    _join_variants(clusters)
    _join_acronyms(acronyms, clusters)
    _add_repeats(doc, clusters)
    if doc.has_annotation("DEP"):
        _resolve_pronouns(doc, clusters, _rules())
    _paragraph_periods_cut(doc, clusters)
    for c in clusters:
        c.mentions.sort(key=lambda m: m.start)
    clusters.sort(key=lambda c: c.mentions[0].start)
    return list(clusters)


def _paragraph_periods_cut(doc: Doc, clusters: list[Cluster]) -> None:
    """"Acme Co.\\n\\n": the period of a corporate suffix that ends a paragraph ends the
    sentence, not the name ("Acme Co"), as the annotators of the training articles write it (9
    of 10 such names there); at the end of the text, and mid-paragraph, it stays."""
    text = doc_text(doc)
    for c in clusters:
        for k, m in enumerate(c.mentions):
            if paragraph_period_cut(text, m.end, m.text):
                c.mentions[k] = Mention(m.start, m.end - 1, m.text[:-1], m.rule, m.is_pronoun)
        if c.name.endswith(".") and all(m.text != c.name for m in c.mentions):
            c.name = c.name[:-1]


def paragraph_period_cut(text: str, end: int, name: str) -> bool:
    """Whether the linker publishes `name` (ending at `end` of `text`) without its final period:
    a corporate suffix's period right before a line break (`_paragraph_periods_cut`)."""
    last = name.rsplit(None, 1)[-1]
    return last.endswith(".") and last[:-1].lower() in _rules()["corporate_suffixes"] \
        and text[end:end + 1] == "\n"


def _linkable_entities(doc: Doc) -> list[tuple[str, Span]]:
    """(type, span) of the names to link: spans inside title-case headlines only when the body
    repeats them; one type per name (`_consistent_types`); possessives and honorifics cut."""
    honorifics, peers = _rules()["honorifics"], _rules()["peerage_titles"]
    headlines = _headline_sentences(doc) if doc.has_annotation("SENT_START") else []
    in_headline = {i for sent in headlines for i in range(sent.start, sent.end)}
    body = {fold(e.text) for e in doc.ents if e.start not in in_headline}
    # ("Gerrit Braks" in a headline, "Braks" in the body: the body's short form vouches for it)
    body_words = {w for name in body for w in name.split()} - _rules()["name_connectors"]
    ents = [e for e in doc.ents if e.label_ in NAME_TYPES
            and (e.start not in in_headline or fold(e.text) in body
                 or (len(e) > 1 and body_words.intersection(fold(e.text).split())))]
    types = _consistent_types(ents)
    names = possessive_names(doc)
    out = []
    for ent in ents:
        span = _strip_possessive(ent, types.get(fold(ent.text), ent.label_), names)
        while len(span) > 2 and span[0].lower_ in honorifics \
                or len(span) == 2 and span[0].lower_ in honorifics and span[0].lower_ not in peers:
            span = span[1:]
        out.append((types.get(fold(ent.text), ent.label_), span))
    return out


def _is_dateline(span: Span) -> bool:
    """"KAMPALA, April 8 -": the place a story was filed from, never a government acting."""
    doc = span.doc
    return span.text.isupper() and len(span.text) > 3 and span.end < len(doc) and doc[span.end].text == ","


def _place_entities(doc: Doc, ents: list[tuple[str, Span]], clusters: _Clusters) -> tuple[list, list]:
    """Cluster what names itself (seats of government, states, countries, capitals used as
    actors, other places); return the people and organisations to join by name, and the
    acronyms to join once names are known."""
    gaz, rules = gazetteer(), _rules()
    named: list[tuple[str, Span, str | None]] = []
    acronyms: list[tuple[str, Span]] = []
    for label, span in ents:
        text = span.text
        mention = Mention(span.start_char, span.end_char, text, "name")
        if label == "PERSON":
            named.append((label, span, person_roles(span)))
            continue
        if fold(text) in rules["seats"]:
            clusters.add("ORG", text, mention)  # the White House, the Kremlin: the institution itself
            continue
        state = gaz.state_name(text) if label in ("GPE", "LOC") else None
        if state and fold(state) != fold(text):  # "Nev." is Nevada; "Washington" is decided below
            clusters.add("GPE", state, Mention(span.start_char, span.end_char, text, "state"))
            continue
        # (an organisation's "GM" is not the country code of Gambia)
        if label in ("ORG", "GPE", "LOC") and text.replace(".", "").isupper() and len(text) <= 6 \
                and (label == "ORG" or gaz.country_name(text) is None):
            acronyms.append((label, span))
            continue
        country = gaz.country_name(text) or rules["country_aliases"].get(fold(text))
        if label in ("GPE", "LOC") and country:
            clusters.add("GPE", country, Mention(span.start_char, span.end_char, text, "country"))
            continue
        capital_of = gaz.capital_of(text) if label == "GPE" else None
        if capital_of and _is_actor(span.root) and not _is_dateline(span):
            clusters.add("GPE", gaz.country_name(capital_of) or capital_of,
                         Mention(span.start_char, span.end_char, text, "metonym"))
            continue
        if label == "ORG" or (label in ("LOC", "GPE") and len(span) == 1 and not gaz.knows(text)):
            # A lone word the model called a place though no gazetteer knows it is as often
            # a company or a surname ("Analysts expect Vantor to win"): it may join a name below.
            named.append((label, span, []))
            continue
        clusters.add(label, text, mention)
    return named, acronyms


def _join_names(named: list, clusters: _Clusters) -> dict[int, dict[str, int]]:
    """People and organisations, longest names first, so that partial names find them wherever
    they appear. Both are matched together: the NER often calls a company a person in one
    sentence ("Orion" PERSON, "Orion Inc." ORG). RETURNS each cluster's type votes."""
    suffixes = _rules()["corporate_suffixes"]
    folded: dict[str, tuple[str, ...]] = {}  # (each name compared with every cluster: fold once)

    def words_of(name: str) -> tuple[str, ...]:
        if name not in folded:
            folded[name] = _words(name, suffixes)
        return folded[name]

    # A name's candidates share its first or its last word: found through this index rather
    # than by scanning every cluster, which made a long document's linking quadratic.
    by_end: dict[tuple[int, str], list[Cluster]] = {}
    order: dict[int, int] = {}

    def index(c: Cluster) -> None:
        words = words_of(c.name)
        if id(c) not in order and words:
            order[id(c)] = len(order)
            for end in (0, -1):
                by_end.setdefault((end, words[end]), []).append(c)

    def sharing_an_end(words: tuple[str, ...]) -> list[Cluster]:
        if not words:
            return list(clusters)
        found = {id(c): c for end in (0, -1) for c in by_end.get((end, words[end]), ())}
        return sorted(found.values(), key=lambda c: order[id(c)])

    for c in clusters:
        index(c)
    votes: dict[int, dict[str, int]] = {}
    for label, span, roles in sorted(named, key=lambda n: (-len(words_of(n[1].text)), n[1].start)):
        words = words_of(span.text)
        # A name written with its corporate suffix is complete: "Orion Corp." is not a short
        # form of "Orion Marine Inc.".
        complete = _has_corporate_suffix(span.text, suffixes)
        candidates = [c for c in sharing_an_end(words) if c.type in ("PERSON", "ORG")
                      and (words_of(c.name) == words
                           or (not complete and _part_of(words, words_of(c.name))
                               and not _division_of(words, words_of(c.name), label, c.type)))]
        cluster = _the_one(words, label, candidates, words_of)
        if cluster is not None:
            long = _words(cluster.name, suffixes)
            rule = "name" if long == words else "surname" if label == "PERSON" else "short_name"
            cluster.mentions.append(Mention(span.start_char, span.end_char, span.text, rule))
            shape = _short_form_type(words, long)
        else:
            cluster = clusters.add(label, span.text, Mention(span.start_char, span.end_char, span.text, "name"))
            index(cluster)
            shape = None
        counts = votes.setdefault(id(cluster), {})
        for vote in (label, shape):
            if vote in ("PERSON", "ORG"):
                counts[vote] = counts.get(vote, 0) + 1
        cluster.roles.extend(r for r in roles if r not in cluster.roles)
    return votes


def _the_one(words: tuple[str, ...], label: str, candidates: list[Cluster], words_of) -> Cluster | None:
    """Of the clusters a name may join, the one it joins: the only one; else the one of the
    same name; else the one its shape makes of its type ("Soros", a person, of "George Soros",
    not of "Soros Foundation"); several ways of writing one person are one ("Mr Grant" of
    "Hugh M. Grant" and "Hugh Grant": the longest, the variants join later). None: no
    candidate, or several."""
    if len(candidates) == 1:
        return candidates[0]
    same = [c for c in candidates if words_of(c.name) == words] or \
        [c for c in candidates if _short_form_type(words, words_of(c.name)) == label]
    pool = same or candidates
    if len(pool) > 1 and all(_variant_of(pool[0], c) for c in pool[1:]):
        return pool[0]
    return same[0] if len(same) == 1 else None


def _settle_types(doc: Doc, clusters: _Clusters, votes: dict[int, dict[str, int]]) -> None:
    """Each cluster takes its mentions' majority type, corrected by what the text says of it;
    only people keep roles."""
    rules = _rules()
    suffixes = rules["corporate_suffixes"]
    for cluster in clusters:
        counts = votes.get(id(cluster))
        if _has_corporate_suffix(cluster.name, suffixes) and cluster.type in ("PERSON", "ORG"):
            cluster.type = "ORG"  # "Seagram Co.", however often the model called "Seagram" a person
        elif counts and counts.get(cluster.type, 0) < max(counts.values()):
            cluster.type = max(counts, key=lambda t: counts[t])
        if cluster.type == "PERSON" and _reads_as_organisation(doc, cluster, rules):
            cluster.type = "ORG"
        elif cluster.type == "ORG" and _listed_with_places(doc, cluster):
            cluster.type = "GPE"
        elif cluster.type in ("GPE", "LOC") and _unknown_place_of_business(doc, cluster, rules):
            cluster.type = "ORG"
        if cluster.type != "PERSON":
            cluster.roles.clear()


def _variant_of(a: Cluster, b: Cluster) -> bool:
    """Two clusters of one type whose names are one name written two ways: a person's given
    names or initials written differently ("Tim Cook", "Timothy D. Cook"), a plural ("Lib Dem",
    "Lib Dems"), a misspelling ("Kowalski", "Kowalsky")."""
    if a.type != b.type or a.type not in ("PERSON", "ORG", "GPE", "LOC"):
        return False
    if a.type == "PERSON" and min(len(a.name.split()), len(b.name.split())) > 1 \
            and person_compatible(a.name, b.name):
        return True
    if _singular(a.name) == _singular(b.name):
        return True
    short, long_ = sorted((name_words(a.name), name_words(b.name)), key=len)
    # a short form misspelt: a person's surname ("Lietke" of "J. Hugh Liedtke"), else first words
    part = long_[-len(short):] if a.type == "PERSON" else long_[:len(short)]
    return bool(short) and spelling_variant(" ".join(short), " ".join(part))


@lru_cache(maxsize=65536)
def _singular(name: str) -> tuple[str, ...]:
    words = list(name_words(name))
    last = words[-1] if words else ""
    if last.endswith("ies") and len(last) > 4:
        words[-1] = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith("ss") and len(last) > 3:
        words[-1] = last[:-1]
    return tuple(words)


def _variant_group(c: Cluster) -> tuple[str, str]:
    words = name_words(c.name)
    return c.type, (words[-1] if c.type == "PERSON" else words[0])[:1] if words else ""


def _join_variants(clusters: _Clusters) -> None:
    """Clusters that are variants of exactly one other join it; the fuller name stays, and of
    two as full the spelling most of the text uses, then the one it uses first."""
    def weight(c: Cluster) -> tuple[int, int, int]:
        return len(name_words(c.name)), len(c.mentions), -min(m.start for m in c.mentions)

    # Variants share the first letter of a person's last name or of another name's first word:
    # compared within those groups only, so that a long text's linking stays near linear.
    groups: dict[tuple[str, str], list[Cluster]] = {}
    for c in clusters:
        groups.setdefault(_variant_group(c), []).append(c)
    for c in sorted(clusters, key=weight):
        group = groups[_variant_group(c)]
        others = [o for o in group if o is not c and _variant_of(c, o)]
        if len(others) != 1:
            continue
        keep = others[0]
        if weight(c) > weight(keep):
            keep.name = c.name
        keep.mentions.extend(c.mentions)
        keep.roles.extend(r for r in c.roles if r not in keep.roles)
        clusters.remove(c)
        group.remove(c)
        clusters.by_key[(c.type, fold(c.name))] = keep


def _join_acronyms(acronyms: list[tuple[str, Span]], clusters: _Clusters) -> None:
    """Acronyms introduced in brackets first: "Agency for Ports and Canals (SJKV)" says what
    SJKV is whatever its letters, and later SJKVs are the same; others join the one name they
    spell."""
    introduced: dict[str, Cluster] = {}
    # the names an acronym may spell, by their initials and their first word (a long text's
    # acronyms are not each compared with every name)
    spelt: dict[str, list[Cluster]] = {}
    for c in clusters:
        if c.type in ("ORG", "GPE"):
            for key in {initials(c.name), c.name.split()[0]}:
                spelt.setdefault(key, []).append(c)
    for label, span in sorted(acronyms, key=lambda a: (_bracketed_after(a[1]) is None, a[1].start)):
        named_before = _cluster_ending_at(clusters, _bracketed_after(span))
        if named_before is not None and named_before.type == "GPE" \
                and initials(named_before.name) != span.text.replace(".", ""):
            named_before = None  # "OSLO, Norway (AP)": a place's own abbreviation spells it
        if named_before or span.text in introduced:
            matches = [named_before or introduced[span.text]]
        else:
            found = spelt.get(span.text.replace(".", ""), []) + spelt.get(span.text, [])
            matches = [c for c in {id(c): c for c in found}.values() if _spells(span.text, c.name)]
        if len(matches) == 1:
            matches[0].mentions.append(Mention(span.start_char, span.end_char, span.text, "acronym"))
            introduced.setdefault(span.text, matches[0])
        else:
            clusters.add(label, span.text, Mention(span.start_char, span.end_char, span.text, "name"))


def _add_repeats(doc: Doc, clusters: list[Cluster]) -> None:
    """Label consistency within a document: a person's full name or surname, or an
    organisation's name or acronym, written again where the NER missed it ("Trump reportedly
    refused ...", "General Motors (GM)") is a mention too (rules `repeat`, `acronym`), with the
    corporate suffix written after it."""
    suffixes = _rules()["corporate_suffixes"]
    covered = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    forms: dict[tuple[str, ...], tuple[Cluster, str] | None] = {}

    def offer(form: tuple[str, ...], cluster: Cluster, rule: str) -> None:
        seen = forms.get(form, (cluster, rule))
        forms[form] = None if seen is None or seen[0] is not cluster else (cluster, rule)

    for c in clusters:
        words = tuple(c.name.split())
        if len(words) < 2:
            continue
        if c.type == "PERSON":
            offer(words, c, "repeat")
            offer(words[-1:], c, "repeat")
        elif c.type == "ORG":
            offer(words, c, "repeat")
            if len(initials(c.name)) >= 2:
                offer((initials(c.name),), c, "acronym")
    words = texts(doc)
    starts: dict[str, list[int]] = {}
    for i, word in enumerate(words):
        if word[:1].isupper():
            starts.setdefault(word, []).append(i)
    for form, found in forms.items():
        if found is None:
            continue  # two actors share it
        cluster, rule = found
        n = len(form)
        for i in starts.get(form[0], ()):
            if tuple(words[i:i + n]) != form or any(j in covered for j in range(i, i + n)):
                continue
            end = past_corporate_suffix(doc, i + n, suffixes)
            span = doc[i:end]
            cluster.mentions.append(Mention(span.start_char, span.end_char, span.text, rule))
            covered.update(range(i, end))
            if end > i + n and cluster.name == " ".join(form):
                # "Ormond Steel Co." the model missed: the fuller name, and a company's
                cluster.name, cluster.type = span.text, "ORG"
                cluster.roles.clear()


def _resolve_pronouns(doc: Doc, clusters: list[Cluster], rules: dict) -> None:
    people = [(m.start, c) for c in clusters if c.type == "PERSON" for m in c.mentions]
    sentences = list(doc.sents)
    words = lowers(doc)
    for s_index, sent in enumerate(sentences):
        for i in range(sent.start, sent.end):
            if words[i] not in rules["pronouns"]:
                continue  # (most words: read from the column, no token made)
            tok = doc[i]
            if tok.dep_ not in rules["actor_deps"]:
                continue
            before = {id(c): c for start, c in people if sent.start_char <= start < tok.idx}
            if not before and s_index > 0:
                prev = sentences[s_index - 1]
                before = {id(c): c for start, c in people if prev.start_char <= start < prev.end_char}
            if len(before) == 1:
                cluster = next(iter(before.values()))
                cluster.mentions.append(Mention(tok.idx, tok.idx + len(tok.text), tok.text, "pronoun", True))
                people.append((tok.idx, cluster))


# The span group holding every mention, each labelled with its type and its cluster id as kb_id.
MENTIONS = "newsfacts_mentions"


def entity_id(type_: str, name: str) -> str:
    """A document-local entity id: one per type and folded name (resolved across documents by
    `transforms.entities.resolve`)."""
    return stable_id("ent", type_, fold(name))


@Language.factory("newsfacts_linker", requires=["doc.ents"],
                  assigns=["doc._.facts", "doc.spans", "token.ent_kb_id"])
def make_linker(nlp: Language, name: str):
    return link


def link(doc: Doc) -> Doc:
    """Find the document's actors (`_link`), then set them: entities, mentions and alias facts,
    the mention span group, and each entity span's cluster id as its `kb_id`, which the other
    extractors read (`cluster_id`)."""
    found = _link(doc)
    entities, mentions, aliases = [], [], {}
    for cluster in found:
        eid = entity_id(cluster.type, cluster.name)
        entities.append({"entity_id": eid, "name": cluster.name, "type": cluster.type,
                         "aliases": cluster.aliases, "roles": list(cluster.roles), "doc_count": 1,
                         "mention_count": len(cluster.mentions)})
        for m in cluster.mentions:
            mentions.append({"entity_id": eid, "start": m.start, "end": m.end, "text": m.text,
                             "is_pronoun": m.is_pronoun, "rule": m.rule})
            if not m.is_pronoun:
                # (the last rule that found the form names it, as before the linker was a component)
                aliases[(eid, m.text)] = {"entity_id": eid, "alias": m.text, "rule": m.rule}
    set_facts(doc, "entities", entities)
    set_facts(doc, "mentions", mentions)
    set_facts(doc, "entity_aliases", aliases.values())
    _set_cluster_ids(doc, mentions)
    return doc


def _set_cluster_ids(doc: Doc, mentions: list[dict]) -> None:
    types = {e["entity_id"]: e["type"] for e in get_facts(doc, "entities")}
    spans = [(m, doc.char_span(m["start"], m["end"], alignment_mode="expand")) for m in mentions]
    doc.spans[MENTIONS] = [Span(doc, s.start, s.end, label=types[m["entity_id"]], kb_id=m["entity_id"])
                           for m, s in spans if s is not None]
    by_start = sorted((m["start"], m["end"], m["entity_id"]) for m in mentions)
    starts = [s for s, _, _ in by_start]
    ents = []
    for ent in doc.ents:
        # the mention that contains the entity's first character (mentions do not overlap)
        n = bisect_right(starts, ent.start_char) - 1
        eid = by_start[n][2] if n >= 0 and ent.start_char < by_start[n][1] else ""
        ents.append(Span(doc, ent.start, ent.end, label=ent.label, kb_id=eid))
    doc.set_ents(ents, default="unmodified")
    forget_entities(doc)


def cluster_id(span: Span | Token) -> str | None:
    """The id of the linker's cluster a span or token is a mention of (None when it is none)."""
    token = span if isinstance(span, Token) else span.doc[span.start]
    if token.ent_kb_id_:
        return token.ent_kb_id_
    return cached(token.doc, "mention_ids", _mention_ids).get(token.i)


def _mention_ids(doc: Doc) -> dict[int, str]:
    """token index -> cluster id, for the tokens of the linker's mentions (the first mention
    covering a token wins, as a scan of the span group in order would find it)."""
    ids: dict[int, str] = {}
    for s in doc.spans.get(MENTIONS, ()):
        for i in range(s.start, s.end):
            ids.setdefault(i, s.kb_id_)
    return ids


def clusters(doc: Doc) -> list[Cluster]:
    """The document's actors as the linker set them on the Doc, in order of first mention
    (built once per document: the extractors ask for them per fact)."""
    return cached(doc, "clusters", _clusters)


def _clusters(doc: Doc) -> list[Cluster]:
    by_id: dict[str, Cluster] = {}
    for e in get_facts(doc, "entities"):
        by_id[e["entity_id"]] = Cluster(e["type"], e["name"], roles=list(e["roles"]))
    for m in get_facts(doc, "mentions"):
        by_id[m["entity_id"]].mentions.append(
            Mention(m["start"], m["end"], m["text"], m["rule"], m["is_pronoun"]))
    return list(by_id.values())
