"""Shared by the demands tests: the shipped pipeline's demand rows for a text, as the flows
publish them (`table_rows`), and the same with the linker's names for the entity ids."""

from __future__ import annotations

from transforms.entities.linking import clusters, entity_id
from transforms.facts import table_rows
from transforms.nlp import load_pipeline


def full_rows(text):
    """(doc, its `demands` rows) for a text run through the whole pipeline."""
    doc = load_pipeline()(text)
    return doc, table_rows(doc, "doc_1")["demands"]


def names_of(doc) -> dict[str, str]:
    """entity id -> canonical name, from the linker's clusters."""
    return {entity_id(c.type, c.name): c.name for c in clusters(doc)}


def model_rows(text):
    """(actor name, addressee name, text) per demand, names from the linker's clusters."""
    doc, rows = full_rows(text)
    names = names_of(doc)
    for r in rows:
        assert doc.text[r["start"]:r["end"]] == r["text"]
    return [(names.get(r["actor_entity_id"], r["actor_text"]),
             names.get(r["addressee_entity_id"], r["addressee_text"]), r["text"]) for r in rows]


def model_statuses(text):
    return [r["status"] for r in full_rows(text)[1]]
