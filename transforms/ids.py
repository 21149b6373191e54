"""Stable identifiers: the same content gives the same id on every run and machine."""

from __future__ import annotations

import hashlib


def stable_id(prefix: str, *parts: object) -> str:
    """`prefix` + 16 hex digits of a BLAKE2b hash over the parts (joined unambiguously)."""
    h = hashlib.blake2b(digest_size=8)
    for part in parts:
        data = str(part).encode("utf-8")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return f"{prefix}_{h.hexdigest()}"


def doc_id(text: str) -> str:
    """Id of a document: derived from its normalised text only, so a repeat is stored once."""
    return stable_id("doc", text)
