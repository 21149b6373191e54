"""Text normalisation, applied once at ingest: every offset refers to its output."""

from __future__ import annotations

import re
import unicodedata

# Unicode spaces other than newline (NBSP, thin space, ideographic space, tabs...).
_INLINE_SPACE = re.compile(r"[^\S\n]+")
# Zero-width and BOM characters carry no text and break offsets between tools.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """Canonical form of a document body.

    text (str): decoded text, any line endings.
    RETURNS (str): NFC text with \\n line endings, one space between words, no trailing spaces,
        at most one blank line between paragraphs, stripped. Empty when nothing is left.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = _INLINE_SPACE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()
