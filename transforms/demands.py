"""Demands: who asked whom for what, and what came of it (table `demands`)."""

from __future__ import annotations


def demand_rows(doc, doc_id: str, sentence_index) -> list[dict]:
    """demands rows for one parsed document (see the `demands` table in transforms/schemas.py)."""
    return []
