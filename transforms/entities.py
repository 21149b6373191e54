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

    def __call__(self, doc: Doc) -> Doc:
        typed = []
        for ent in doc.ents:
            label = self.type_of(ent)
            if label:
                typed.append(Span(doc, ent.start, ent.end, label=label))
        doc.set_ents(typed, default="outside")
        return doc

    def type_of(self, ent: Span) -> str | None:
        target = self.label_map.get(ent.label_)
        if target == "@place":
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


def entity_id(type_: str, name: str) -> str:
    return stable_id("ent", type_, fold(name))


def entity_rows(doc: Doc, doc_id: str, sentence_index) -> tuple[list[dict], list[dict]]:
    """(mentions, entities) of one document: a mention per entity span, one entity row per
    distinct (type, folded name) with this document's counts."""
    mentions, entities = [], {}
    for ent in doc.ents:
        eid = entity_id(ent.label_, ent.text)
        mentions.append({
            "mention_id": stable_id("men", doc_id, ent.start_char, ent.end_char),
            "doc_id": doc_id, "entity_id": eid, "start": ent.start_char, "end": ent.end_char,
            "text": ent.text, "sentence_index": sentence_index(ent.start_char), "is_pronoun": False,
        })
        row = entities.setdefault(eid, {
            "entity_id": eid, "name": ent.text, "type": ent.label_, "aliases": [], "roles": [],
            "doc_count": 1, "mention_count": 0,
        })
        row["mention_count"] += 1
        if ent.text not in row["aliases"]:
            row["aliases"].append(ent.text)
    return mentions, list(entities.values())


def _name_preference(alias: str) -> tuple:
    # Accented and capitalised forms are the proper ones ("Nicolás" over "Nicolas", "NICOLAS").
    return (sum(not c.isascii() for c in alias), not alias.isupper(), len(alias), alias)


def merge_entities(rows: Iterable[dict]) -> list[dict]:
    """One row per entity_id: counts summed, aliases and roles unioned, the best name kept.

    Rows come from disjoint sets of documents (a run only extracts new documents), so summing
    doc_count is exact. The result does not depend on the order of `rows`.
    """
    merged: dict[str, dict] = {}
    for row in rows:
        cur = merged.get(row["entity_id"])
        if cur is None:
            merged[row["entity_id"]] = {**row, "aliases": list(row["aliases"] or []),
                                        "roles": list(row["roles"] or [])}
            continue
        cur["doc_count"] += row["doc_count"]
        cur["mention_count"] += row["mention_count"]
        cur["aliases"] = sorted(set(cur["aliases"]) | set(row["aliases"] or []))
        cur["roles"] = sorted(set(cur["roles"]) | set(row["roles"] or []))
    for row in merged.values():
        row["aliases"] = sorted(set(row["aliases"]))
        row["name"] = max(row["aliases"] + [row["name"]], key=_name_preference)
    return sorted(merged.values(), key=lambda r: r["entity_id"])
