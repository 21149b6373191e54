"""Monetary figures in text: find them, normalise value and currency, qualify them.

`find_amounts(text)` is pure and needs no NLP; `amount_rows(doc, doc_id)` adds what needs the
spaCy parse (sentence, purpose). Currency codes and symbols come from babel's ISO 4217 data plus
the newswire forms in `lexicons/money.yaml`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from babel.numbers import get_currency_name, get_currency_symbol

from transforms.ids import stable_id
from transforms.schemas import CURRENCY_CODES

LEXICON_PATH = Path(__file__).with_name("lexicons") / "money.yaml"

# 1,234,567.89 | 1.234.567,89 | 1234.5 | 3,5
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"


@dataclass(frozen=True)
class Amount:
    """A money expression found in text (offsets into that text)."""

    start: int
    end: int
    text: str
    value: float
    currency: str
    qualifier: str = "exact"
    value_min: float | None = None
    value_max: float | None = None


@dataclass(frozen=True)
class _Lexicon:
    symbols: dict[str, str]
    words: dict[str, str]
    codes: frozenset[str]
    ambiguous_codes: frozenset[str]
    scales: dict[str, float]
    qualifiers: dict[str, str]
    purposes: dict[str, str]
    pattern: re.Pattern


def _alternation(forms) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    symbols: dict[str, str] = {}
    words: dict[str, str] = {}
    for code in CURRENCY_CODES:
        symbol = get_currency_symbol(code, "en")
        # Only real symbols ("CA$", "€"): babel falls back to the code itself.
        if symbol != code and not symbol.isalpha():
            symbols.setdefault(symbol, code)
        for count in (1, 2):
            name = get_currency_name(code, count=count, locale="en")
            if name and name != code:
                words.setdefault(name.lower(), code)
    symbols.update(data["symbols"])
    words.update({k.lower(): v for k, v in data["words"].items()})
    for table in (symbols, words):
        unknown = {v for v in table.values() if v not in CURRENCY_CODES}
        if unknown:
            raise ValueError(f"{LEXICON_PATH}: not ISO 4217 codes: {sorted(unknown)}")
    scales = {k.lower(): float(v) for k, v in data["scales"].items()}
    qualifiers = {phrase: q for q, phrases in data["qualifiers"].items() for phrase in phrases}
    purposes = {}
    for purpose, cues in data["purposes"].items():
        for cue in cues:
            for form in (cue, cue + "s", cue + "es", cue + "ed", cue + "d", cue + "ing"):
                purposes.setdefault(form, purpose)
    codes = frozenset(CURRENCY_CODES)
    ambiguous = frozenset(data["ambiguous_codes"])
    letter_scales = {s for s in scales if len(s) == 1}
    word_scale = _alternation(set(scales) - letter_scales)
    scale = rf"(?:\s?(?:{word_scale})|(?:{_alternation(letter_scales)}))(?![\w$€£¥])"
    iso = _alternation(codes)
    safe_iso = _alternation(codes - ambiguous)
    num = rf"(?:{_NUMBER})"
    pattern = re.compile(
        rf"""
        (?P<qual>\b(?:{_alternation(qualifiers)})\s+)?
        (?:
            (?<![A-Za-z])(?P<sym>{_alternation(symbols)})\s?(?P<n1>{num})(?P<s1>{scale})?
          | \b(?P<iso1>{iso})\s?(?P<n2>{num})(?P<s2>{scale})?
          | (?<![\w.,])(?P<n3>{num})(?P<s3>{scale})?\s?
            (?:(?P<iso2>{safe_iso})\b|(?P<word>{_alternation(words)})\b)
        )
        """,
        re.VERBOSE | re.IGNORECASE,
    )
    return _Lexicon(symbols, words, codes, ambiguous, scales, qualifiers, purposes, pattern)


def parse_number(raw: str) -> float:
    """'1,234.5' -> 1234.5, '1.234.567' -> 1234567, '3,5' -> 3.5 (decimal comma)."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        return float(raw.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", raw):
        return float(raw.replace(".", "").replace(",", "."))
    return float(raw.replace(",", "."))


def find_amounts(text: str) -> list[Amount]:
    """Every money expression in `text`, in order, with its value in currency units.

    text (str): any text.
    RETURNS (list[Amount]): spans satisfy text[start:end] == amount.text; values are finite
        and positive. Expressions whose currency or number cannot be resolved are skipped.
    """
    lex = lexicon()
    found = []
    for m in lex.pattern.finditer(text):
        number = m.group("n1") or m.group("n2") or m.group("n3")
        scale = (m.group("s1") or m.group("s2") or m.group("s3") or "").strip().lower()
        if m.group("sym"):
            currency = lex.symbols.get(m.group("sym")) or lex.symbols.get(m.group("sym").upper())
        elif m.group("iso1"):
            code = m.group("iso1")
            # Lower-case or ambiguous codes ("all 5", "TOP 10") are words, not currencies.
            currency = code if code.isupper() and code not in lex.ambiguous_codes else None
        elif m.group("iso2"):
            currency = m.group("iso2") if m.group("iso2").isupper() else None
        else:
            currency = lex.words.get(m.group("word").lower())
        if currency is None:
            continue
        value = parse_number(number) * lex.scales.get(scale, 1.0)
        if not (math.isfinite(value) and value > 0):
            continue
        start = m.start("qual") + len(m.group("qual")) if m.group("qual") else m.start()
        qualifier = "exact"
        if m.group("qual"):
            phrase = " ".join(m.group("qual").lower().split())
            qualifier = lex.qualifiers.get(phrase, "exact")
        value_min = value if qualifier in ("over", "at_least") else None
        value_max = value if qualifier in ("under", "up_to") else None
        found.append(Amount(start, m.end(), text[start:m.end()], value, currency, qualifier,
                            value_min, value_max))
    return found


def purpose_of(sentence_tokens, amount_start: int) -> str:
    """The purpose whose cue word is nearest to the amount in its sentence, else "other"."""
    cues = lexicon().purposes
    best, best_distance = "other", math.inf
    for token in sentence_tokens:
        purpose = cues.get(token.lemma_.lower()) or cues.get(token.lower_)
        if purpose:
            distance = abs(token.idx - amount_start)
            if distance < best_distance:
                best, best_distance = purpose, distance
    return best


def amount_rows(doc, doc_id: str, sentence_index) -> list[dict]:
    """amounts rows for one parsed document.

    doc (Doc): the spaCy doc of `documents.text`.
    doc_id (str): its id.
    sentence_index (Callable[[int], int]): char offset -> sentence number.
    """
    rows = []
    for a in find_amounts(doc.text):
        span = doc.char_span(a.start, a.end, alignment_mode="expand")
        sent = span.sent if span is not None else doc[:]
        rows.append({
            "amount_id": stable_id("amt", doc_id, a.start, a.end),
            "doc_id": doc_id,
            "start": a.start,
            "end": a.end,
            "text": a.text,
            "value": a.value,
            "value_min": a.value_min,
            "value_max": a.value_max,
            "currency": a.currency,
            "qualifier": a.qualifier,
            "purpose": purpose_of(sent, a.start),
            "subject_entity_id": None,
            "subject_text": None,
            "payer_entity_id": None,
            "payer_text": None,
            "sentence_index": sentence_index(a.start),
            "unit": None,
        })
    return rows
