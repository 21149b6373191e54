"""Within-document entity linking: which mentions of a document name the same actor.

Rules, applied in order over the typed entities of one parsed document:
- `country`: a GPE written any known way takes the country's standard English name ("US" ->
  "United States"), from countryinfo's alternative spellings.
- `title`: titles and roles before a person's name are recorded as roles, honorifics dropped.
- `surname`: a one-word person mention joins the one longer person name that ends or starts
  with it ("Maduro" -> "Nicolás Maduro"); when two names qualify it stays apart.
- `acronym`: an all-capitals ORG/GPE mention joins the organisation whose initials it spells
  ("ICC" -> "International Criminal Court").
- `metonym`: a capital or seat of government used as an actor (subject, possessor, agent, or
  after "on/against/with") joins its country ("Washington has raised the reward").
- `pronoun`: he/she/his/her in subject or possessive position joins the only person mentioned
  in its sentence before it or, failing that, in the previous sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from transforms.gazetteer import fold, gazetteer

NAME_TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART")
_CONNECTORS = {"of", "the", "and", "for", "de", "del", "la", "los", "las", "le", "du", "&"}


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
    from transforms.entities import _rules as entity_rules

    rules = dict(entity_rules())
    rules["seats"] = {fold(k): v for k, v in rules["seats_of_government"].items()}
    for key in ("title_heads", "title_modifiers", "honorifics", "pronouns", "actor_deps", "actor_preps"):
        rules[key] = frozenset(rules[key])
    return rules


def initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w.lower() not in _CONNECTORS and w[:1].isalpha()).upper()


def _strip_possessive(span: Span) -> Span:
    if len(span) > 1 and span[-1].lower_ in ("'s", "’s", "'"):
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


def link_document(doc: Doc) -> list[Cluster]:
    """Clusters of mentions, one per actor of the document, in order of first mention."""
    gaz = gazetteer()
    rules = _rules()
    clusters: list[Cluster] = []
    by_key: dict[tuple[str, str], Cluster] = {}

    def add(type_: str, name: str, mention: Mention) -> Cluster:
        cluster = by_key.get((type_, fold(name)))
        if cluster is None:
            cluster = Cluster(type_, name)
            by_key[(type_, fold(name))] = cluster
            clusters.append(cluster)
        cluster.mentions.append(mention)
        return cluster

    persons_pending: list[tuple[Span, str | None]] = []
    acronyms: list[Span] = []
    for ent in doc.ents:
        if ent.label_ not in NAME_TYPES:
            continue
        span = _strip_possessive(ent)
        while len(span) > 1 and span[0].lower_ in rules["honorifics"]:
            span = span[1:]
        text = span.text
        if ent.label_ == "PERSON":
            role, _ = roles_before(span)
            persons_pending.append((span, role))
            continue
        if ent.label_ in ("ORG", "GPE") and text.replace(".", "").isupper() and len(text) <= 6 \
                and gaz.country_name(text) is None:
            acronyms.append(span)
            continue
        seat_of = rules["seats"].get(fold(text))
        if ent.label_ == "GPE" and not seat_of:
            seat_of = gaz.capital_of(text)
        if seat_of and ent.label_ in ("GPE", "LOC", "ORG", "FAC") and _is_actor(span.root):
            add("GPE", gaz.country_name(seat_of) or seat_of,
                Mention(span.start_char, span.end_char, text, "metonym"))
            continue
        if ent.label_ == "GPE":
            country = gaz.country_name(text)
            if country:
                add("GPE", country, Mention(span.start_char, span.end_char, text, "country"))
                continue
        add(ent.label_, text, Mention(span.start_char, span.end_char, text, "name"))

    # Full names first, so that surnames find them wherever they appear.
    for span, role in sorted(persons_pending, key=lambda p: -len(p[0])):
        words = span.text.split()
        cluster = None
        if len(words) == 1:
            candidates = {id(c): c for c in clusters if c.type == "PERSON" and len(c.name.split()) > 1
                          and fold(words[0]) in (fold(c.name.split()[-1]), fold(c.name.split()[0]))}
            if len(candidates) == 1:
                cluster = next(iter(candidates.values()))
                cluster.mentions.append(Mention(span.start_char, span.end_char, span.text, "surname"))
        if cluster is None:
            cluster = add("PERSON", span.text, Mention(span.start_char, span.end_char, span.text, "name"))
        if role and role not in cluster.roles:
            cluster.roles.append(role)

    for span in acronyms:
        letters = span.text.replace(".", "")
        matches = [c for c in clusters if c.type in ("ORG", "GPE") and len(c.name.split()) > 1
                   and initials(c.name) == letters]
        if len(matches) == 1:
            matches[0].mentions.append(Mention(span.start_char, span.end_char, span.text, "acronym"))
        else:
            add(span.label_, span.text, Mention(span.start_char, span.end_char, span.text, "name"))

    _add_repeats(doc, clusters)
    if doc.has_annotation("DEP"):
        _resolve_pronouns(doc, clusters, rules)
    for c in clusters:
        c.mentions.sort(key=lambda m: m.start)
    clusters.sort(key=lambda c: c.mentions[0].start)
    return clusters


def _add_repeats(doc: Doc, clusters: list[Cluster]) -> None:
    """Label consistency within a document: a person's full name or surname, or an
    organisation's name or acronym, written again where the NER missed it ("Trump reportedly
    refused ...", "General Motors (GM)") is a mention too (rules `repeat`, `acronym`)."""
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
    for form, found in forms.items():
        if found is None:
            continue  # two actors share it
        cluster, rule = found
        n = len(form)
        for i in range(len(doc) - n + 1):
            if any(j in covered for j in range(i, i + n)):
                continue
            if tuple(t.text for t in doc[i:i + n]) == form and (doc[i].is_title or doc[i].is_upper):
                span = doc[i:i + n]
                cluster.mentions.append(Mention(span.start_char, span.end_char, span.text, rule))
                covered.update(range(i, i + n))


def _resolve_pronouns(doc: Doc, clusters: list[Cluster], rules: dict) -> None:
    people = [(m.start, c) for c in clusters if c.type == "PERSON" for m in c.mentions]
    sentences = list(doc.sents)
    for s_index, sent in enumerate(sentences):
        for tok in sent:
            if tok.lower_ not in rules["pronouns"] or tok.dep_ not in rules["actor_deps"]:
                continue
            before = {id(c): c for start, c in people if sent.start_char <= start < tok.idx}
            if not before and s_index > 0:
                prev = sentences[s_index - 1]
                before = {id(c): c for start, c in people if prev.start_char <= start < prev.end_char}
            if len(before) == 1:
                cluster = next(iter(before.values()))
                cluster.mentions.append(Mention(tok.idx, tok.idx + len(tok.text), tok.text, "pronoun", True))
                people.append((tok.idx, cluster))
