"""Entities and mentions from the NER model's spans.

`newsfacts_entity_types` is a spaCy component that retypes the model's entities into the
contract's types, whatever label scheme the model uses (CoNLL or OntoNotes). `entity_rows`
turns a parsed document into mentions and per-document entity rows; `merge_entities` folds
those into one row per entity across documents and runs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span

from transforms.gazetteer import fold, gazetteer
from transforms.ids import stable_id

LEXICON_PATH = Path(__file__).with_name("lexicons") / "entities.yaml"


@lru_cache(maxsize=1)
def _rules() -> dict:
    return yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))


@Language.factory("newsfacts_entity_types", requires=["doc.ents"], assigns=["doc.ents"],
                  default_config={"label_map": None})
def make_entity_types(nlp: Language, name: str, label_map: dict[str, str] | None):
    return EntityTypes(label_map or _rules()["label_map"])


class EntityTypes:
    """Retype `doc.ents` into contract types; spans no rule can type are dropped."""

    def __init__(self, label_map: dict[str, str]):
        self.label_map = label_map
        rules = _rules()
        self.event_heads = frozenset(rules["event_heads"])
        self.law_heads = frozenset(rules["law_heads"])
        self.feature_heads = frozenset(rules["feature_heads"])
        self.corporate_suffixes = frozenset(rules["corporate_suffixes"])
        self.connectors = frozenset(rules["name_connectors"])
        self.legal_forms = frozenset(rules["legal_forms"])
        self.person_titles = frozenset(rules["person_titles"])
        self.honorifics = frozenset(rules["honorifics"])
        self.institution_heads = frozenset(rules["institution_heads"])
        self.organisation_openers = self.institution_heads | frozenset(rules["organisation_openers"])
        # Capitalised words before a name that are no part of it ("President", "Mr").
        self.not_given_names = frozenset(rules["title_heads"]) | frozenset(rules["title_modifiers"]) \
            | self.honorifics

    def __call__(self, doc: Doc) -> Doc:
        expansions = _acronym_expansions(doc, self.connectors) + _suffixed_companies(doc, self.legal_forms) \
            + _named_after_title(doc, self.person_titles, self.not_given_names | self.institution_heads)
        if expansions:
            # (the rules may find one name twice, or two names that cross: the longest wins)
            expansions = _disjoint(expansions)
            inside = {i for span in expansions for i in range(span.start, span.end)}
            doc.set_ents(sorted([e for e in doc.ents if not inside.intersection(range(e.start, e.end))]
                                + expansions), default="outside")
        places = _towns_and_states(doc)
        taken = {i for span in places for i in range(span.start, span.end)}
        typed = list(places)
        repaired = _repaired(doc, self.corporate_suffixes, self.connectors, self.not_given_names,
                             self.institution_heads)
        # A surname written after "Mr" or "Ms" once is a person's wherever it ends a name.
        surnames = {ent[-1].text for ent in repaired if self._after_honorific(ent)}
        for ent in repaired:
            label = self.type_of(ent, surnames)
            if label and _plausible(ent) and not taken.intersection(range(ent.start, ent.end)):
                typed.append(Span(doc, ent.start, ent.end, label=label))
        doc.set_ents(sorted(typed), default="outside")
        return doc

    def type_of(self, ent: Span, surnames: Iterable[str] = ()) -> str | None:
        target = self.label_map.get(ent.label_)
        if target and len(ent) > 1 and ent[-1].lower_.rstrip(".") in self.corporate_suffixes:
            return "ORG"  # "Kestrel Co.", whatever the model called it
        if target and (self._after_honorific(ent) or ent[-1].text in surnames):
            return "PERSON"  # "Mr Pellow", "Ms Vaszary": whatever the model made of the surname
        if target == "@place":
            if len(ent) > 1 and ent[0].lower_ in self.organisation_openers:
                return "ORG"  # "Cartel de los Soles", "Bank of England"
            if ent[-1].lower_ in self.feature_heads:
                return "LOC"
            return gazetteer().place_type(ent.text)
        if target == "@misc":
            head = ent[-1].lower_
            if gazetteer().is_demonym(ent.text):
                return "NORP"
            if head in self.event_heads:
                return "EVENT"
            if head in self.law_heads:
                return "LAW"
            return None
        return target

    def _after_honorific(self, ent: Span) -> bool:
        first = ent[0] if len(ent) > 1 else (ent.doc[ent.start - 1] if ent.start > 0 else None)
        return first is not None and first.is_title and first.lower_ in self.honorifics


_GENERATIONAL = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_MONEY_MARKS = set("$€£¥₹₩₽₺")


def _repaired(doc: Doc, suffixes: frozenset[str] = frozenset(),
              connectors: frozenset[str] = frozenset(),
              not_given_names: frozenset[str] = frozenset(),
              institution_heads: frozenset[str] = frozenset()) -> list[Span]:
    """The model's spans with boundary slips of news text mended: a hyphenated name split in
    two ("Jean" "-" "Luc Ferrand"), a name cut at a connector ("Banda de" "los"
    "Cuervos"), an institution split from the place it serves ("Commission" "for" "Asia"), the
    first word of a two-word name left out ("Crown" "Whitney"), a generational suffix left out
    ("Jr.") and a corporate suffix left out ("Kestrel" "Co.", "Pemberton" "and Co")."""
    spans: list[Span] = []
    for ent in doc.ents:
        prev = spans[-1] if spans else None
        if (prev is not None and prev.label_ == ent.label_ and ent.start - prev.end == 1
                and doc[prev.end].text == "-" and not doc[prev.end - 1].whitespace_
                and not doc[prev.end].whitespace_):
            spans[-1] = Span(doc, prev.start, ent.end, label=ent.label_)
            continue
        if prev is not None and (_cut_at_connector(prev, ent, connectors)
                                 or _institution_of_place(prev, ent, institution_heads)):
            # Connectors belong to organisation names far more often than to people's.
            label = "ORG" if "ORG" in (prev.label_, ent.label_) else prev.label_
            spans[-1] = Span(doc, prev.start, ent.end, label=label)
            continue
        start, end = ent.start, ent.end
        if len(ent) == 1 and _first_word_left_out(doc, start, not_given_names, prev):
            start -= 1
        if end < len(doc) and doc[end].lower_ in _GENERATIONAL and ent.label_ in ("PER", "PERSON"):
            end += 1
        end = _past_corporate_suffix(doc, end, suffixes)
        spans.append(Span(doc, start, end, label=ent.label_))
    taken: set[int] = set()
    out = []
    for span in spans:  # a suffix taken into one span may begin the next: keep the first
        if not taken.intersection(range(span.start, span.end)):
            out.append(span)
            taken.update(range(span.start, span.end))
    return out


def _acronym_expansions(doc: Doc, connectors: frozenset[str]) -> list[Span]:
    """Names the model missed though an acronym in brackets spells them out ("General Motors
    (GM) said ... GM would cut"): typed as the model typed that acronym elsewhere in the text;
    an acronym the model never recognised ("Gross Domestic Product (GDP)") adds nothing."""
    typed = {e.text: e.label_ for e in doc.ents if e.text.isupper() and len(e) == 1}
    out = []
    for t in doc[1:-2]:
        acronym, close = doc[t.i + 1], doc[t.i + 2]
        if t.text != "(" or close.text != ")" or acronym.text not in typed:
            continue
        letters, start = list(acronym.text.replace(".", "")), t.i
        while letters and start > 0:
            word = doc[start - 1]
            if word.lower_ in connectors and word.is_lower and start - 1 > 0:
                start -= 1  # "Agency for Ports": connectors carry no letter
            elif word.is_alpha and word.text[0].isupper() and word.text[0] == letters[-1]:
                letters.pop()
                start -= 1
            else:
                break
        # the model's own spans may cover part of the name ("Agency for Ports" of "(APC)")
        if not letters and start < t.i and doc[start].ent_iob_ != "I" and t.ent_iob_ != "I":
            out.append(Span(doc, start, t.i, label=typed[acronym.text]))
    return out


def _named_after_title(doc: Doc, titles: frozenset[str], not_names: frozenset[str]) -> list[Span]:
    """Capitalised words right after a person's title that the model left untagged ("U.S.
    President Bush", "Senator Ann Lee"): a person's name. Titles that also begin company or
    office names ("General", "Chief", "Justice") are not in `titles`."""
    out = []
    for t in doc[:-1]:
        if not (t.is_title and t.lower_ in titles) or t.ent_type_:
            continue
        end = t.i + 1
        while end < len(doc) and end - t.i <= 3 and not doc[end].ent_type_ and doc[end].is_title \
                and doc[end].is_alpha and not doc[end].is_stop and doc[end].lower_ not in not_names:
            end += 1
        words = doc[t.i + 1:end]
        # ("President Bush": a town called Bush exists, so only countries and demonyms are out)
        if words and not (end < len(doc) and doc[end].ent_iob_ == "I") and not any(
                gazetteer().country_name(w.text) or gazetteer().is_demonym(w.text) for w in words):
            out.append(Span(doc, t.i + 1, end, label="PERSON"))
    return out


def _disjoint(spans: list[Span]) -> list[Span]:
    """The longest of spans that overlap, the others as they are."""
    out: list[Span] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start)):
        if not taken.intersection(range(span.start, span.end)):
            out.append(span)
            taken.update(range(span.start, span.end))
    return sorted(out)


def _suffixed_companies(doc: Doc, legal_forms: frozenset[str]) -> list[Span]:
    """Capitalised words ending in a legal form ("Ostrava Holdings Corp.", "Kestrel Co.") name
    a company even where the model saw nothing there."""
    def legal_form(t) -> bool:
        return t.text[:1].isupper() and t.lower_.rstrip(".") in legal_forms

    out = []
    for t in doc[1:]:
        if not legal_form(t) or t.ent_type_ or (t.i + 1 < len(doc) and legal_form(doc[t.i + 1])):
            continue  # ("Mortgage Co Inc": the name ends at its last legal form)
        start = t.i
        while start > 0 and doc[start - 1].text[:1].isupper() and doc[start - 1].is_alpha \
                and not doc[start - 1].is_stop:
            start -= 1
            if doc[start].is_sent_start:
                break  # the sentence's first word, when it is no function word, and no further
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1  # a span the model began further left ("the Bank" of "Bank of Kestrel Ltd")
        if start < t.i:
            out.append(Span(doc, start, t.i + 1, label="ORG"))
    return out


def _towns_and_states(doc: Doc) -> list[Span]:
    """GPE spans for "Town, State" as news writes it ("the Dayton, Ohio, plant", "CEDAR FALLS,
    Iowa, May 2", "Tupelo, Miss."): the state, full or abbreviated, and the capitalised words
    before the comma, whatever the model made of them."""
    spans: list[Span] = []
    for i in range(2, len(doc)):
        if doc[i - 1].text != "," or (spans and i < spans[-1].end):
            continue
        state_end = _state_at(doc, i)
        if state_end is None:
            continue
        start = i - 1
        # (in a list of states, "New Mexico, Arizona, Wyoming", a state is no town of the next)
        floor = spans[-1].end if spans else 0
        while start > floor and doc[start - 1].is_alpha \
                and (doc[start - 1].is_title or doc[start - 1].is_upper) and "\n" not in doc[start - 1].whitespace_:
            start -= 1
        while start < i - 1 and doc[start].is_stop:
            start += 1  # "The Dayton, Ohio, plant", "In Houston, Texas"
        if start < i - 1:  # a town is needed: in "Her daughter, Georgia, said" no state is named
            spans.append(Span(doc, start, i - 1, label="GPE"))
            spans.append(Span(doc, i, state_end, label="GPE"))
    return spans


def _state_at(doc: Doc, i: int) -> int | None:
    """Where a US state written from token i ends, if one is."""
    gaz = gazetteer()
    end = next((j for j in range(min(i + 3, len(doc)), i, -1)
                if all(t.is_title or t.is_upper for t in doc[i:j]) and gaz.state_name(doc[i:j].text)), None)
    after = doc[end] if end is not None and end < len(doc) else None
    if after is not None and (after.lower_ in ("'s", "’s") or (after.is_alpha and after.is_title)):
        return None  # "Texas's senator", "Sen. Ann Lee, Texas Republican": the state qualifies a person
    return end


def _cut_at_connector(prev: Span, ent: Span, connectors: frozenset[str]) -> bool:
    """A name never ends in "de" or "of": the model stopped inside it, and the next span
    (after nothing but connectors) is the rest of it."""
    doc = prev.doc
    between = doc[prev.end:ent.start]
    return (prev[-1].lower_ in connectors and prev[-1].is_lower
            and all(t.lower_ in connectors and t.is_lower for t in between))


def _institution_of_place(prev: Span, ent: Span, institution_heads: frozenset[str]) -> bool:
    """"Commission" + "for" + "Asia", "Central Bank" + "of" + "Chile": one organisation, named
    after the place it serves (a company "of" a country, "Toyota of Japan", is not joined)."""
    between = prev.doc[prev.end:ent.start]
    return (prev.label_ == "ORG" and ent.label_ in ("LOC", "GPE") and len(between) == 1
            and between[0].lower_ in ("of", "for") and prev[-1].lower_ in institution_heads
            and prev[-1].is_title)


def _first_word_left_out(doc: Doc, start: int, not_given_names: frozenset[str],
                         prev: Span | None) -> bool:
    """A one-word name right after a capitalised word no entity took, inside a sentence
    ("wrong to hire Crown Nakashima", "bought by Crown Whitney"): that word begins the name,
    unless it is a title or honorific ("President", "Mr") or names a place or nationality."""
    if start < 2 or (prev is not None and prev.end >= start - 1):
        return False
    word, before = doc[start - 1], doc[start - 2]
    if not (word.is_alpha and word.is_title and not word.is_stop) or word.lower_ in not_given_names:
        return False
    if "\n" in before.whitespace_ or before.text in (".", "!", "?", ":", '"', "“", "”", "'", "‘", "’"):
        return False  # the word opens a sentence or a quote: capitalised anyway
    if not (before.is_lower or before.is_punct or before.like_num):
        return False  # a run of capitalised words (a headline) says nothing
    gaz = gazetteer()
    return not (gaz.knows(word.text) or gaz.is_demonym(word.text))


def _past_corporate_suffix(doc: Doc, end: int, suffixes: frozenset[str]) -> int:
    """Where a name ends once the capitalised corporate suffixes right after it are taken in
    ("Kestrel Co.", "Harlow Electric Industrial Co Ltd", "Pemberton and Co")."""
    while end < len(doc):
        at = end + 1 if doc[end].lower_ in ("and", "&") else end
        tok = doc[at] if at < len(doc) else None
        if tok is None or not tok.text[:1].isupper() or tok.lower_.rstrip(".") not in suffixes:
            break
        end = at + 1
    return end


def _plausible(span: Span) -> bool:
    """Not a name: a lone function word the model capitalised into one ("Moreover", "Much"), or
    a money figure ("AU$12.5")."""
    if len(span) == 1 and span[0].is_stop and not span[0].is_upper:
        return False
    return not any(c in _MONEY_MARKS for c in span.text)


def entity_id(type_: str, name: str) -> str:
    return stable_id("ent", type_, fold(name))


def entity_rows(doc: Doc, doc_id: str, sentence_index) -> dict[str, list[dict]]:
    """mentions, per-document entities and alias rows of one parsed document.

    Entity ids here are document-local (`entity_id(type, canonical name)`); `resolve_entities`
    maps them to the ids of the entities table. `links` maps the id of every entity span as
    written (`entity_id(span.label_, span.text)`) to its cluster's id, so that other extractors
    that point at a span can be remapped the same way.
    """
    from transforms.linking import link_document

    mentions, entities, aliases, links = [], [], [], {}
    for cluster in link_document(doc):
        eid = entity_id(cluster.type, cluster.name)
        for m in cluster.mentions:
            mentions.append({
                "mention_id": stable_id("men", doc_id, m.start, m.end), "doc_id": doc_id,
                "entity_id": eid, "start": m.start, "end": m.end, "text": m.text,
                "sentence_index": sentence_index(m.start), "is_pronoun": m.is_pronoun,
            })
            if not m.is_pronoun:
                aliases.append({"entity_id": eid, "alias": m.text, "rule": m.rule, "doc_id": doc_id})
        entities.append({
            "entity_id": eid, "name": cluster.name, "type": cluster.type, "aliases": cluster.aliases,
            "roles": list(cluster.roles), "doc_count": 1, "mention_count": len(cluster.mentions),
            "wikidata_id": None, "country": None,
        })
    for ent in doc.ents:
        owner = next((m for m in mentions if m["start"] <= ent.start_char < m["end"]), None)
        if owner is not None:
            links[entity_id(ent.label_, ent.text)] = owner["entity_id"]
    aliases = list({(a["entity_id"], a["alias"]): a for a in aliases}.values())
    return {"mentions": mentions, "entities": entities, "entity_aliases": aliases, "links": links}


def _name_preference(name: str) -> tuple:
    # The fullest proper form: more words, accents kept ("Nicolás" over "Nicolas"), not shouted.
    return (len(name.split()), sum(not c.isascii() for c in name), not name.isupper(), len(name), name)


def _surname_key(name: str) -> str:
    return fold(name.split()[-1]) if name.split() else ""


def resolve_entities(published: list[dict], local: list[dict], known: list[dict] = ()) -> tuple[list[dict], dict[str, str], list[dict]]:
    """Fold this run's per-document entity rows into the published entities.

    published (list[dict]): the entities table as published (ids are kept forever).
    local (list[dict]): per-document rows from `entity_rows`, document-local ids.
    known (list[dict]): user gazetteer entries (`parse_entities_yaml`), which seed entities.
    RETURNS (tuple): the new entities table, {local id: entity id}, and alias rows explaining
        each cross-document merge (rule `same_name`, `alias`, `gazetteer`, `surname_and_role`).

    Matching is by type and folded name or alias; a one-word person name only joins a fuller
    name when exactly one such person exists and they share a role, so two people who share a
    surname are never merged on the surname alone. Counts are summed: a run only extracts
    documents that were never extracted before.
    """
    table: dict[str, dict] = {}
    index: dict[tuple[str, str], str] = {}

    def register(row: dict) -> None:
        table[row["entity_id"]] = row
        for alias in _matching_forms(row):
            index.setdefault((row["type"], fold(alias)), row["entity_id"])

    for entry in known:
        eid = entity_id(entry["type"], entry["name"])
        register({"entity_id": eid, "name": entry["name"], "type": entry["type"],
                  "aliases": sorted(set(entry.get("aliases") or [])), "roles": [], "doc_count": 0,
                  "mention_count": 0, "wikidata_id": entry.get("wikidata_id"),
                  "country": entry.get("country")})
    gazetteer_ids = set(table)
    for row in sorted(published, key=lambda r: r["entity_id"]):
        if row["entity_id"] in table:  # a gazetteer entity: keep its counts, the file wins names
            cur = table[row["entity_id"]]
            cur.update(doc_count=row["doc_count"], mention_count=row["mention_count"],
                       aliases=sorted(set(cur["aliases"]) | set(row["aliases"] or [])),
                       roles=list(row["roles"] or []))
        else:
            register({**row, "aliases": list(row["aliases"] or []), "roles": list(row["roles"] or [])})

    mapping: dict[str, str] = {}
    merges: list[dict] = []
    for row in sorted(local, key=lambda r: (r["entity_id"], r["name"])):
        target, rule = _match(row, table, index, gazetteer_ids)
        if target is None:
            target = row["entity_id"]
            if target not in table:
                register({**row, "aliases": list(row["aliases"]), "roles": list(row["roles"]),
                          "doc_count": 0, "mention_count": 0})
                rule = None
        cur = table[target]
        cur["doc_count"] += row["doc_count"]
        cur["mention_count"] += row["mention_count"]
        cur["aliases"] = sorted(set(cur["aliases"]) | set(row["aliases"]))
        cur["roles"] = sorted(set(cur["roles"]) | set(row["roles"]))
        if target not in gazetteer_ids:
            cur["name"] = max([cur["name"], row["name"]], key=_name_preference)
        for alias in _matching_forms(row):
            index.setdefault((cur["type"], fold(alias)), target)
        mapping[row["entity_id"]] = target
        if rule and target != row["entity_id"]:
            merges.append({"entity_id": target, "alias": row["name"], "rule": rule})
    rows = sorted((r for r in table.values() if r["doc_count"] or r["entity_id"] not in gazetteer_ids),
                  key=lambda r: r["entity_id"])
    return rows, mapping, merges


def _matching_forms(row: dict) -> list[str]:
    """Names under which other documents' entities may join this one. A place's aliases are
    left out: they include capitals standing for their country ("Caracas" for Venezuela),
    which are places of their own elsewhere, and countries already carry one standard name."""
    if row["type"] == "GPE":
        return [row["name"]]
    return [row["name"], *row["aliases"]]


def _match(row: dict, table: dict, index: dict, gazetteer_ids: set) -> tuple[str | None, str | None]:
    key = (row["type"], fold(row["name"]))
    if row["entity_id"] in table:
        return row["entity_id"], "same_name"
    if key in index:
        target = index[key]
        if row["type"] == "PERSON" and len(row["name"].split()) == 1 and len(table[target]["name"].split()) > 1:
            pass  # a bare surname: decided below, with roles
        else:
            return target, "gazetteer" if target in gazetteer_ids else "alias"
    if row["type"] == "PERSON" and len(row["name"].split()) == 1:
        surname = fold(row["name"])
        candidates = [r for r in table.values() if r["type"] == "PERSON"
                      and len(r["name"].split()) > 1 and _surname_key(r["name"]) == surname]
        roles = {fold(x) for x in row["roles"]}
        if len(candidates) == 1 and roles & {fold(x) for x in candidates[0]["roles"]}:
            return candidates[0]["entity_id"], "surname_and_role"
    return None, None


def parse_entities_yaml(text: str, source: str = "entities.yaml") -> list[dict]:
    """Validate a user gazetteer: a list of {name, type, aliases?, wikidata_id?, country?}.

    Raises ValueError naming the entry and the problem.
    """
    import re

    try:
        data = yaml.safe_load(text) or []
    except yaml.YAMLError as e:
        raise ValueError(f"{source}: not valid YAML: {str(e).splitlines()[0]}") from e
    if isinstance(data, dict) and "entities" in data:
        data = data["entities"]
    if not isinstance(data, list):
        raise ValueError(f"{source}: expected a list of entities")
    from transforms.schemas import ENTITY_TYPES

    entries = []
    for i, entry in enumerate(data, start=1):
        where = f"{source}: entry {i}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: expected a mapping with name and type")
        unknown = set(entry) - {"name", "type", "aliases", "wikidata_id", "country"}
        if unknown:
            raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
        name, type_ = entry.get("name"), entry.get("type")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{where}: 'name' is required")
        if type_ not in ENTITY_TYPES:
            raise ValueError(f"{where} ({name}): 'type' must be one of {', '.join(ENTITY_TYPES)}")
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise ValueError(f"{where} ({name}): 'aliases' must be a list of names")
        qid = entry.get("wikidata_id")
        if qid is not None and not (isinstance(qid, str) and re.fullmatch(r"Q[1-9]\d*", qid)):
            raise ValueError(f"{where} ({name}): 'wikidata_id' must look like Q42")
        entries.append({"name": name.strip(), "type": type_, "aliases": [a.strip() for a in aliases],
                        "wikidata_id": qid, "country": entry.get("country")})
    return entries


def remap_entity_ids(rows: list[dict], mapping: dict[str, str]) -> list[dict]:
    """Rows with every `entity_id` / `*_entity_id` value replaced through `mapping`."""
    if not rows or not mapping:
        return rows
    columns = [c for c in rows[0] if c == "entity_id" or c.endswith("_entity_id")]
    return [{**r, **{c: mapping.get(r[c], r[c]) for c in columns if r[c] is not None}} for r in rows]


def finalize_entities(tables: dict[str, list[dict]], published: list[dict], known: list[dict],
                      run_id: str) -> dict[str, list[dict]]:
    """A run's extracted rows with entity ids resolved against the published entities.

    tables: this run's rows per table, with document-local entity ids and per-document
        `entities` rows.
    RETURNS: the same tables with global ids, `entities` as the whole new entities table and
        `entity_aliases` including the cross-document merges, stamped with `run_id`.
    """
    entities, mapping, merges = resolve_entities(published, tables.get("entities", []), known)
    out = {name: remap_entity_ids(rows, mapping) for name, rows in tables.items() if name != "entities"}
    out["entities"] = entities
    aliases = out.get("entity_aliases", []) + [{**m, "doc_id": None} for m in merges]
    unique = {(a["entity_id"], a["alias"], a["rule"], a["doc_id"]): a for a in aliases}
    out["entity_aliases"] = [{**a, "run_id": run_id} for _, a in sorted(unique.items(), key=lambda kv: tuple(str(x) for x in kv[0]))]
    return out
