"""Money expressions in plain text: find them, normalise value and currency, qualify them.

Pure: no spaCy. Currency codes, symbols and names come from babel's ISO 4217 data, and which
currency a dollar or a word several currencies share ("pesos") stands for from the country the
story is about (`transforms.money.currency`); the newswire forms, scales, qualifiers and the gaps
that join two figures from the `money` lexicon (`transforms/lexicons/money.yaml`).

Policy: a figure is either right or absent. An expression whose number or currency cannot be
resolved, or that reads as a rate, a weight or a price level, is skipped rather than guessed.
"""

from __future__ import annotations

import calendar
import math
import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from transforms.lexicons import load
from transforms.money.currency import (LOCAL_DOLLAR, NOT_MONEY_CODES, SHARED, Countries, SharedWord, Story,
                                       countries, currency_names, dollar_territories, fold, sentence_around,
                                       sentence_bounds,
                                       shared_currency, shared_words, symbol_key, with_singulars)
from transforms.schemas import CURRENCY_CODES

# 7-1/2 | 1,234,567.89 | 1.234.567,89 | 1234.5 | 3,5
_NUMBER = r"\d+-\d+/\d+|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?|\d{1,3}\.\d{3},\d+|\d+(?:[.,]\d+)?"


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
    unit: str | None = None


# A year, or a decade ("1990s"): "in 1986 to 900 mln dlrs" is no range.
YEAR = re.compile(r"(?:1[89]|20)\d\d(?:s|'s)?")
# What joins whole units to their cents ("7 dollars 25 cents", "12 dollars and 60 cents").
_COMPOUND_GAP = re.compile(r"\s+(?:and\s+)?", re.IGNORECASE)
# A range's words around its ends when the pattern could not join them.
_BETWEEN = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
# What joins the two ends of a range when each has its currency ("5 mln dlrs to 7 mln dlrs").
_RANGE_GAP = re.compile(r"\s+to\s+|\s?[-–—]\s?", re.IGNORECASE)
# An amount alone in brackets ("200 euros (£140)").
_OPEN = re.compile(r"\s*\(\s*")
_CLOSE = re.compile(r"\s*\)")
# A month's name before a number makes it a day ("drops on May 15 to 2.1 trillion dlrs").
_MONTH_BEFORE = re.compile(r"\b(?:%s)\.?\s+$" % "|".join(
    sorted({n for n in (*calendar.month_name, *calendar.month_abbr) if n})))
# "1.6 billion the year earlier", "36 billion a month before": the figure of an earlier time.
_EARLIER = r"(?:the|a|one)\s+(?:year|month|quarter|week|day|decade)\s+(?:earlier|before|ago|previously)"
# "the 12 euro zone countries", "the franc zone": a currency's word naming a region.
_ZONE = re.compile(r"[\s-]+(?:zone|area|bloc)\b", re.IGNORECASE)
# A dollar symbol that names its country ("C$", "A$", "NZ$").
_MARKED_DOLLAR = re.compile(r"(?<![A-Za-z])[A-Z]{1,3}\$")
# "71 mln due on May 1", "another 1.5 billion offered in Japan": a figure's participle, then
# a preposition or the clause's end ("2 million registered voters" counts voters).
_PARTICIPLE = r"(?:due|[a-z]+ed)(?=\s+(?:in|on|at|by|to|for|from|over|under|with)\b|\s*[.,;:)]|\s*$)"
# A dollar written with its country: "C$", "US$", "U.S. dlrs", "Hong Kong dollars".
_NAMED_DOLLAR = re.compile(r"(?<![A-Za-z])[A-Z][A-Za-z.]{0,3}\$|(?:\b[A-Z][\w.]*\s+){1,2}(?:dlrs?|dollars?)\b")
# A number of whole thousands written with a separator ("100,000").
_THOUSANDS = re.compile(r"\d{1,3}(?:,000)+")
# A figure framed as a threshold ("above the $50 mark") or a rough level ("in the $700,000 range").
_FRAME_BEFORE = re.compile(r"\b(?:(above|below|over|under)|in)\s+the\s+$", re.IGNORECASE)
_FRAME_AFTER = re.compile(r"\s+(?:(mark|level|barrier|threshold)|(range))\b", re.IGNORECASE)
# A "#" before a number, perhaps a pound sign (`_pound_signs`).
_HASH = re.compile(r"(?<![\w#&/])#\s?(?=\d)")
# The currency an exchange-rate phrase (the lexicon's `exchange_rate.before`) prices.
_RATE_BASE = re.compile(r"(?:(?:one|a|1)\s+)?(?:U\.?S\.?\s+)?([a-z]+?)s?\b", re.IGNORECASE)
# A name before the currency an exchange-rate phrase prices: "the Canadian dollar".
_NAMED_BEFORE = re.compile(r"(?<!\S)(?!(?:The|A|An|One)\s)[A-Z]\S*\s+$")
# "cents a pound": a price by weight, not an exchange rate.
_PER_POUND = re.compile(r"\s+(?:a|per)\s+(?:pound|lb)\b", re.IGNORECASE)
# What opens a conversion in brackets ("($96bn", "($96bn; £86bn"), right before an amount.
_OPEN_BEFORE = re.compile(r"[(;]\s*\Z")


# "20 or 30 mln dlrs", "one or two dollars": alternatives sharing the currency and scale written
# once after the second are a range; "$5 or $6", "5 mln dlrs or 6 mln" are two figures.
_ALTERNATIVES = r"(?(syma)(?!)|(?(isoa)(?!)|(?(sa)(?!)|\s+or\s+)))"


@dataclass(frozen=True)
class Lexicon:
    """The money forms of the lexicon, compiled: currency tables and the patterns that find
    and qualify figures."""

    symbols: dict[str, str]
    words: dict[str, str]
    shared: dict[str, SharedWord]
    minor: dict[str, str]
    scales: dict[str, float]
    number_words: dict[str, float]
    fractions: dict[str, float]
    qualifiers: dict[str, str]
    unit_suffixes: dict[str, str]
    pattern: re.Pattern
    restatement: re.Pattern
    change: re.Pattern
    change_before: re.Pattern
    versus: re.Pattern
    rate_after: re.Pattern
    rate_before: re.Pattern
    figure_end: re.Pattern
    weight_words: frozenset[str]
    weight_after: re.Pattern
    weight_context: re.Pattern
    price_level_before: re.Pattern
    bare: re.Pattern
    scale_word: re.Pattern
    bare_after: re.Pattern
    qualifier_before: re.Pattern
    dollar_codes: SharedWord
    countries: Countries
    us_names: re.Pattern
    government: re.Pattern
    dateline: re.Pattern
    multiple: re.Pattern
    table_line: re.Pattern


def _alternation(forms) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


def _words_pattern(forms) -> str:
    """Alternation of phrases whose inner spaces match any run of whitespace."""
    return "|".join(r"\s+".join(re.escape(w) for w in f.split())
                    for f in sorted(forms, key=len, reverse=True))


def _any(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The money forms, compiled once per process from babel's ISO 4217 data and the lexicon."""
    data = load("money")
    symbols, words = currency_names(data)
    minor = with_singulars({k.lower(): (LOCAL_DOLLAR if v == "$" else v) for k, v in data["minor_units"].items()})
    scales = {k.lower(): float(v) for k, v in data["scales"].items()}
    number_words = {k: float(v) for k, v in data["number_words"].items()}
    fractions = {k: float(v) for k, v in data["fraction_words"].items()}
    qualifiers = {" ".join(p.split()): q for q, phrases in data["qualifiers"].items() for p in phrases}
    unit_suffixes = {" ".join(k.split()): v for k, v in data["unit_suffixes"].items()}
    parts = _Parts(data, symbols, words, minor, scales, number_words, fractions, qualifiers, unit_suffixes)
    local = data["local_dollar"]
    dollar_codes = dollar_territories(local["us_names"])
    shared = shared_words(data)
    places = {t for w in (*shared.values(), dollar_codes) for t in w.tenures}
    return Lexicon(
        symbols=_symbol_table({**symbols, **data["suffix_symbols"]}), words=words, shared=shared, minor=minor,
        scales=scales, number_words=number_words, fractions=fractions, qualifiers=qualifiers,
        unit_suffixes=unit_suffixes,
        pattern=_amount_pattern(parts),
        restatement=re.compile("|".join(f"(?:{p})" for p in data["restatement_gaps"]), re.IGNORECASE),
        change=_any(data["change_gaps"]),
        change_before=re.compile(rf"\b(?:{_alternation(data['change_words'])})\s+$", re.IGNORECASE),
        versus=_versus(parts),
        rate_after=_any(data["exchange_rate"]["after"]),
        rate_before=_any(data["exchange_rate"]["before"]),
        figure_end=_figure_end(parts),
        weight_words=frozenset(w.lower() for w in data["weight"]["words"]),
        weight_after=_any(data["weight"]["after"]),
        weight_context=_any(data["weight"]["context"]),
        price_level_before=_any(data["price_level_before"]),
        bare=_bare(parts),
        scale_word=_scale_word(parts),
        qualifier_before=re.compile(rf"\b({_words_pattern(qualifiers)})\s+$", re.IGNORECASE),
        bare_after=re.compile(rf"\s*(?:[.,;:)]|$|\s*(?:{_words_pattern(data['carried_after'])}|{_EARLIER}"
                              rf"|{_PARTICIPLE})\b)", re.IGNORECASE),
        dollar_codes=dollar_codes,
        countries=countries(places, data["country_aliases"], local["us_names"]),
        us_names=re.compile(rf"(?<![\w.])(?-i:{_alternation(local['us_names'])})(?![\w])"),
        government=re.compile(rf"\b(?:{_words_pattern(local['government_cues'])})\b", re.IGNORECASE),
        dateline=re.compile(local["dateline"]),
        table_line=_table_line(parts),
        multiple=re.compile(rf"\bmulti-?(?=(?:{_alternation(s for s in scales if len(s) > 1)})\b)", re.IGNORECASE),
    )


def _symbol_table(symbols: dict[str, str]) -> dict[str, str]:
    """symbol_key(symbol) -> code, so that "hk $" finds "HK$"."""
    table: dict[str, str] = {}
    for symbol, code in symbols.items():
        if table.setdefault(symbol_key(symbol), code) != code:
            raise ValueError(f"lexicon money (symbols): {symbol!r} is two currencies")
    return table


@dataclass(frozen=True)
class _Parts:
    """What the patterns are built from: the lexicon's data and the tables made of it."""

    data: dict
    symbols: dict[str, str]
    words: dict[str, str]
    minor: dict[str, str]
    scales: dict[str, float]
    number_words: dict[str, float]
    fractions: dict[str, float]
    qualifiers: dict[str, str]
    unit_suffixes: dict[str, str]


def _codes(p: _Parts) -> tuple[set[str], set[str]]:
    """(ISO codes of money, those also common words or abbreviations and never read alone)."""
    return {c for c in CURRENCY_CODES if c not in NOT_MONEY_CODES}, set(p.data["ambiguous_codes"])


def _digits(joined: tuple[str, ...] = ()) -> str:
    """A number written in digits, not part of a longer number, date or fraction; right after
    one of the `joined` symbols that end in a letter ("Rmb300m") too."""
    after = "".join(f"(?<={re.escape(s)})|" for s in joined)
    return rf"(?=\d)(?:{after}(?<![\w/]))(?<!\d[.,])(?:{_NUMBER})(?![.,/]?\d)"


# A number after a figure and "from" ("to 10 marks from 8.10"), with the groups of `_versus`
# (no scale: scaled ones are `_carried`'s).
_FROM_FIGURE = re.compile(rf"\s+from\s+(?P<n>{_digits()})(?P<s>)(?![\w$€£¥%])(?!\s*(?:pct|percent|per\s*cent)\b)",
                          re.IGNORECASE)


def _scale(p: _Parts) -> str:
    """A scale word ("million") or letter ("m", "bn") after a number."""
    letter_scales = {s for s in p.scales if len(s) == 1}
    word_scales = set(p.scales) - letter_scales
    return rf"(?:[\s-]?(?:{_alternation(word_scales)})|(?:{_alternation(letter_scales)}))(?![\w$€£¥])"


def _amount_pattern(p: _Parts) -> re.Pattern:
    """A figure or a range of two: qualifier, currency before or after, number, scale, unit."""
    codes, ambiguous = _codes(p)
    scale_big = _alternation(set(p.scales) - {s for s in p.scales if len(s) == 1})
    counting = [w for w in p.number_words if w not in ("hundred", "dozen")]
    unit_word = _alternation(counting)
    spelled_group = rf"(?:{unit_word})(?:[\s-]+(?:{unit_word}))?"
    spelled = (rf"\b{spelled_group}(?:\s+hundred(?:\s+(?:and\s+)?{spelled_group})?)?"
               rf"(?:[\s-]+and[\s-]+a[\s-]+half)?\b")
    fraction = rf"\b(?:{_words_pattern(p.fractions)})(?=\s+(?:{scale_big})\b)"
    joined = tuple(s for s in p.symbols if s[-1].isalpha())
    number = rf"(?:{_digits(joined)}|{fraction}|{spelled})"
    scale = _scale(p)
    minor_long = {k for k in p.minor if len(k) > 1}
    minor_short = set(p.minor) - minor_long

    # (a currency word before a conversion in brackets: "549,000 marks (dlrs 305,000)")
    word_first = rf"|(?<=\()(?P<wpre>{_words_pattern(p.words)})\s"

    def end(t: str) -> str:
        prefix = (rf"(?:(?<![A-Za-z])(?P<sym{t}>{_prefix_symbols(p)})\s?"
                  rf"|\b(?-i:(?P<iso{t}>{_alternation(codes - ambiguous)}))\s?{word_first if t == 'a' else ''})")
        return rf"(?P<e{t}>(?:{prefix})?(?P<n{t}>{number})(?P<s{t}>{scale})?)"

    connectors = "|".join(f"(?:{c})" for c in p.data["range_connectors"])
    # "40 USD million": a code may come before the scale
    code_scale = _alternation(s for s in p.scales if len(s) > 1)
    # "15 €", "50元": not the symbol of a figure that follows ("5 $10 bills")
    post_symbols = [s for s in p.symbols if not re.search(r"[^\W\d_]", s)] + list(p.data["suffix_symbols"])
    # (a sub-unit naming its currency before the currency's word: "22 euro cents"; joined to
    # the figure before a noun: "50-cent shares")
    post = (rf"(?:[\s-]?(?:(?-i:(?P<code>{_alternation(codes - ambiguous)}))\b(?P<cscale>\s+(?:{code_scale})\b)?"
            rf"|(?P<minor>{_words_pattern(minor_long)})\b|(?P<word>{_words_pattern(p.words)})\b"
            rf"|(?P<psym>{_alternation(post_symbols)})(?![A-Za-z\d])(?!\s+\d))"
            rf"|(?P<minorp>{_alternation(minor_short)})\b)")
    unit = (rf"(?:(?:\s+|-)(?:{_alternation(p.data['per_words'])})(?:\s+|-)(?P<unit>{_words_pattern(p.data['units'])})\b"
            rf"(?!\s+(?:after|before|earlier|later|ago)\b)"
            rf"|\s+(?P<usuf>{_words_pattern(p.unit_suffixes)})\b)")
    return re.compile(
        rf"(?P<qual>\b(?:{_words_pattern(p.qualifiers)})\s+)?"
        rf"(?P<between>\bbetween\s+)?"
        rf"{end('a')}"
        rf"(?:(?P<conn>{connectors}|(?(between)\s+and\s+|(?!))|{_ALTERNATIVES})(?![.,]\d){end('b')})?"
        rf"(?P<post>{post})?"
        rf"(?P<unitph>{unit})?",
        re.IGNORECASE,
    )


def _prefix_symbols(p: _Parts) -> str:
    """Symbols before a number, as written or in upper, lower or title case. Letters before "$"
    also apart from it ("hk $", "c $"), but the lexicon's `prefix_words` only joined to it ("us$",
    "A$": "a $5 fee" and "told us $5" stay plain dollars). Written out rather than matched
    ignoring case: a literal alternation is much faster, and this one is tried at every word."""
    words = {fold(w) for w in p.data["prefix_words"]}
    forms = set()
    for symbol in p.symbols:
        letters = symbol[:-1].strip() if symbol.endswith("$") else ""
        if letters.isalpha():
            gaps = ("",) if fold(letters) in words else ("", " ")
            forms.update(c + gap + "$" for c in _cases(letters) for gap in gaps)
            forms.add(symbol)
        elif len(re.findall(r"[^\W\d_]", symbol)) > 1:
            forms.update(_cases(symbol))
        else:
            forms.add(symbol)
    return rf"(?-i:{_alternation(forms)})"


def _cases(s: str) -> set[str]:
    return {s, s.upper(), s.lower(), s.title()}


def _figure_end(p: _Parts) -> re.Pattern:
    """A number, then perhaps its scale, currency or unit words ("1.23 billion U.S.", "94 cents
    a"), right before a currency word: that word ends a figure, it names no exchange rate."""
    figure_word = (rf"(?:{_words_pattern([*p.scales, *p.words, *p.minor, *p.data['per_words']])}"
                   rf"|(?:[A-Za-z]\.)+|(?-i:[A-Z][a-z]+))")
    return re.compile(rf"(?:\d|\b(?:{_words_pattern(p.number_words)}))\s*(?:{figure_word}\s*){{0,3}}$",
                      re.IGNORECASE)


def _bare(p: _Parts) -> re.Pattern:
    """A number with a scale word and no currency ("4.3 billion", "at around 30 mln"), or two
    sharing it ("17 to 20 mln"), which `_carried` gives the currency of the amount before it."""
    words = _alternation(s for s in p.scales if len(s) > 1)
    spelled = _alternation(w for w in p.number_words if w not in ("hundred", "dozen"))
    return re.compile(rf"(?:(?P<lo>{_digits()})(?:\s+to\s+|\s?[-–]\s?))?"
                      rf"(?P<n>{_digits()}|\b(?:{spelled})\b)\s?(?P<s>{words})\b(?![$€£¥%\w])", re.IGNORECASE)


def _scale_word(p: _Parts) -> re.Pattern:
    """A scale word, where `_bare` may end: found first, as it is much rarer than a number."""
    return re.compile(rf"(?<![^\W\d_])(?:{_alternation(s for s in p.scales if len(s) > 1)})\b", re.IGNORECASE)


def _table_line(p: _Parts) -> re.Pattern:
    """A results table's line of money ("Oper net profit 89,000 vs loss 323,000", "Revs 34.6 mln
    vs 22.8 mln"): a label with a word of revenue (the lexicon's purpose cues), not of shares
    ("Avg shrs"), then two figures, perhaps scaled."""
    words = _alternation(w for w in p.data["purposes"]["revenue"] if not w.startswith("sh"))
    scale = _alternation(s for s in p.scales if len(s) > 1)

    def figure(t: str) -> str:
        return rf"(?P<{t}>(?P<n{t}>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?(?P<s{t}>{scale}))?)"

    label = rf"(?!.*\b(?:shrs?|shares)\b)(?-i:(?=[A-Z]))[A-Za-z. ]{{0,30}}?\b(?:{words})\b[A-Za-z. ]{{0,20}}?"
    versus = r"[ \t]+vs\.?[ \t]+(?:(?:profit|loss)[ \t]+)?"
    return re.compile(rf"^[ \t]*{label}[ \t]+{figure('a')}{versus}{figure('b')}[ \t]*$", re.MULTILINE | re.IGNORECASE)


def _versus(p: _Parts) -> re.Pattern:
    """"Net 138.20 mln dlrs vs 87.80 mln": results tables give the earlier figure without
    currency."""
    return re.compile(rf"(?:{p.data['versus_gap']})(?P<n>{_digits()})(?P<s>{_scale(p)})?(?![\w$€£¥%])"
                      rf"(?!\s*(?:pct|percent|per\s*cent)\b)", re.IGNORECASE)


def parse_number(raw: str) -> float:
    """'1,234.5' -> 1234.5, '1.234.567' -> 1234567, '3,5' -> 3.5, '41.375' -> 41.375,
    '7-1/2' -> 7.5.

    A single dot is a decimal point, as in English news ("$41.375" a share); dots separate
    thousands only in groups ("1.234.567") or before a decimal comma ("1.234,5"); newswire
    writes fractions as "12-1/2 cts".
    """
    mixed = re.fullmatch(r"(\d+)-(\d+)/(\d+)", raw)
    if mixed:
        whole, num, den = (int(g) for g in mixed.groups())
        return whole + num / den if den else math.nan
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        return float(raw.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?|\d{1,3}\.\d{3},\d+", raw):
        return float(raw.replace(".", "").replace(",", "."))
    return float(raw.replace(",", "."))


def parse_spelled(raw: str, lex: Lexicon) -> float | None:
    """'fifty' -> 50, 'one hundred and twenty' -> 120, 'two-and-a-half' -> 2.5, 'half a' -> 0.5."""
    phrase = " ".join(raw.lower().replace("-", " ").split())
    if phrase in lex.fractions:
        return lex.fractions[phrase]
    half = phrase.endswith(" and a half")
    if half:
        phrase = phrase[: -len(" and a half")]
    total = 0.0
    for word in phrase.split():
        if word == "and":
            continue
        if word == "hundred":
            total = (total or 1) * 100
        elif word in lex.number_words:
            total += lex.number_words[word]
        else:
            return None
    return total + (0.5 if half else 0) if total else None


def _number(raw: str, lex: Lexicon) -> float | None:
    if raw[0].isdigit():
        return parse_number(raw)
    return parse_spelled(raw, lex)


def local_dollar(text: str, start: int, end: int, lex: Lexicon | None = None, when: date | None = None) -> str:
    """The ISO code of a bare "$" or "dollars" at text[start:end]: USD when its sentence names
    the United States; else the dollar of the country whose public bodies its sentence puts in
    charge (by name, or through the dateline), or of a story filed from another dollar country
    ("TORONTO, March 3 - ... 79 mln dlrs" is Canadian); else USD. A country's dollar is the one
    it used `when` (the story's date; its latest without one)."""
    lex = lex or lexicon()
    s, e = sentence_bounds(text, start, end)
    sentence = text[s:e]
    if lex.us_names.search(text, max(0, s - 6), e):  # (the cut may be the stop of "U.S.")
        return "USD"
    # "closed at C$35, up 12.5 cents": the dollar its sentence names (but a conversion in
    # brackets, "A$458m ($357m)", is in another)
    marked = {lex.symbols.get(symbol_key(d)) for d in _MARKED_DOLLAR.findall(text, s, start)} - {None}
    if len(marked) == 1 and not _OPEN_BEFORE.search(text, max(0, start - 4), start):
        return marked.pop()
    filed_from = lex.countries.dateline(text, lex.dateline)
    us, other = _written_dollars(text)
    if us < start < other:
        filed_from = None  # the story reports in US dollars: "a profit of 3.9 mln U.S. dlrs"
    if not lex.government.search(sentence):
        # a company its sentence names by its country ("Canada's Northgate Minerals") counts in
        # that country's dollar; else a story filed from another dollar country in its dollar
        return _owner_dollar(sentence, lex, when) or _dollar_of(filed_from, lex, when)
    named = {_dollar_of(t, lex, when) for _, territories in lex.countries.mentions(sentence)
             for t in territories if t in lex.dollar_codes.tenures}
    if len(named) == 1:
        return named.pop()
    if not named:
        return _dollar_of(filed_from, lex, when)
    return "USD"


# A country written as the owner of a name ("Canada's Northgate", "Australia’s Coralbay"), or a
# city as a company's base ("Toronto-based").
_OWNER_OF_NAME = re.compile(r"[A-Za-z.]+(?: [A-Z][A-Za-z.]*)*?(?:['’]s\s+[A-Z]|-based\b)")


def _owner_dollar(sentence: str, lex: Lexicon, when: date | None) -> str | None:
    """The dollar of the one dollar country the sentence writes as a name's owner or a
    company's base, if one: GOLD.md counts bare "dlrs" of a Canadian or Australian company in
    its country's dollar.
    (Any mention of the country instead, "sold turbines to Canada", moved 7 of the 1,415
    currencies of the training articles' amounts the wrong way; this form moves none.)"""
    owners = {_dollar_of(t, lex, when) for at, territories in lex.countries.mentions(sentence)
              for t in territories if t in lex.dollar_codes.tenures
              and (_OWNER_OF_NAME.match(sentence, at) or sentence.endswith("based in ", 0, at))}
    return owners.pop() if len(owners) == 1 else None


@lru_cache(maxsize=4)
def _written_dollars(text: str) -> tuple[int, int]:
    """(where the text first writes US dollars as such, where it first writes another country's
    dollar), len(text) for none: read once per text, not once per amount."""
    lex = lexicon()
    us = other = len(text)
    for m in _NAMED_DOLLAR.finditer(text):
        words = m.group().lower().split()
        code = (lex.symbols.get(symbol_key(m.group())) or lex.words.get(" ".join(words[-3:]))
                or lex.words.get(" ".join(words[-2:])))
        if code == "USD":
            us = min(us, m.start())
        elif code not in (None, LOCAL_DOLLAR):
            other = min(other, m.start())
    return us, other


def _dollar_of(territory: str | None, lex: Lexicon, when: date | None) -> str:
    """The dollar `territory` used `when`; USD for a territory without one of its own."""
    return lex.dollar_codes.code(territory, when) if territory in lex.dollar_codes.tenures else "USD"


def _currency(m: re.Match, lex: Lexicon, story: Story) -> tuple[str | None, bool]:
    """(ISO code, whether the number counts hundredths), from the prefix or what follows."""
    code, minor, word = None, False, None
    for t in ("a", "b"):
        if m.group(f"sym{t}"):
            code = lex.symbols.get(symbol_key(m.group(f"sym{t}")))
            break
        if m.group(f"iso{t}"):
            code = m.group(f"iso{t}")
            break
    else:
        if m.group("code"):
            code = m.group("code")
        elif m.group("word") or m.group("wpre"):
            word = " ".join((m.group("word") or m.group("wpre")).lower().split())
            code = lex.words.get(word)
        elif m.group("psym"):
            code = lex.symbols.get(symbol_key(m.group("psym")))
        elif m.group("minor") or m.group("minorp"):
            code, minor = lex.minor.get(" ".join((m.group("minor") or m.group("minorp")).lower().split())), True
    if code == LOCAL_DOLLAR:
        code = local_dollar(story.text, m.start(), m.end(), lex, story.when)
    elif code == SHARED:
        code = shared_currency(lex.shared[word], story, m.start(), m.end())
    return code, minor


def _not_money(m: re.Match, lex: Lexicon, text: str, start: int) -> bool:
    """Exchange rates, weights and price levels ("in 1990 dollars") read like amounts."""
    after = text[m.end("post") if m.group("post") else m.end(): m.end() + 60]
    before = text[max(0, start - 80): start]
    before = before[max(before.rfind(". "), before.rfind("\n")) + 1:]
    if m.group("word") and _ZONE.match(after):
        return True
    if lex.rate_after.match(after) and not (_minor(m) and _PER_POUND.match(after)):
        return True  # (but "69 cents a pound" is a commodity's price by weight)
    rate = lex.rate_before.search(before)
    if rate and not _priced_in_itself(before[:rate.start()], rate.group(), m):
        # "income of 26 mln dlrs and sales of 473 mln dlrs": "dlrs ... of" ends a figure, no rate
        # (read past the sentence cut, which "U.S. dlrs" fools)
        at = start - len(before) + rate.start()
        if not lex.figure_end.search(text[max(0, at - 40):at]):
            return True
    word = (m.group("word") or "").lower()
    if word in lex.weight_words and not (m.group("syma") or m.group("isoa")):
        if lex.weight_after.match(after) or lex.weight_context.search(sentence_around(text, start, m.end())):
            return True
    raw = m.group("na")
    if (m.group("word") and not m.group("sa") and re.fullmatch(r"(?:18|19|20)\d\d", raw)
            and lex.price_level_before.search(before)):
        return True
    return False


def _priced_in_itself(before: str, rate: str, m: re.Match) -> bool:
    """Whether the currency an exchange-rate phrase names is the figure's own: "the dollar's
    fall helped lift prices above $50" quotes no rate, as no currency is priced in itself. Only
    for plain names: "the Canadian dollar rose to 1.05 U.S. dlrs" or "to $0.95" is a rate."""
    base = _RATE_BASE.match(rate)
    if base is None or _NAMED_BEFORE.search(before):
        return False
    word = " ".join((m.group("word") or "").lower().split())
    if base.group(1).lower() in ("dollar", "dlr", "greenback"):
        return (m.group("syma") or m.group("symb") or m.group("psym")) == "$" or word in ("dollars", "dollar",
                                                                                           "dlrs", "dlr")
    return word.rstrip("s") == base.group(1).lower()


def _minor(m: re.Match) -> bool:
    return bool(m.group("minor") or m.group("minorp"))


def _scaled(raw: str, scale: str | None, lex: Lexicon) -> float | None:
    value = _number(raw, lex)
    if value is None:
        return None
    return value * lex.scales.get(" ".join((scale or "").split()).lstrip("-").lower(), 1.0)


def _ends(m: re.Match, lex: Lexicon) -> list[tuple[float, int, int]] | None:
    """(value, start, end) of each end of the expression; the scale of the upper end carries
    over to a bare lower one ("$10-20 million") when that keeps the range ascending."""
    sa, sb = m.group("sa"), m.group("sb")
    if m.group("cscale") and not (sa or sb):
        # "40 USD million", "10-20 EUR billion": the scale after the code is the last end's
        sa, sb = (None, m.group("cscale")) if m.group("conn") else (m.group("cscale"), None)
    if not m.group("conn"):
        value = _scaled(m.group("na"), sa, lex)
        return None if value is None else [(value, m.start("na"), m.end())]
    raw_a, raw_b = _number(m.group("na"), lex), _number(m.group("nb"), lex)
    if raw_a is None or raw_b is None:
        return None
    if not sa and sb and raw_a <= raw_b:
        sa = sb
    low, high = _scaled(m.group("na"), sa, lex), _scaled(m.group("nb"), sb, lex)
    if not (sa or sb) and _THOUSANDS.fullmatch(m.group("nb")) and low < 1000 and low * 1000 <= high:
        low *= 1000  # "$50-100,000": the upper end's thousands are the lower one's too
    return [(low, m.start("na"), m.end("ea")), (high, m.start("nb"), m.end())]


def find_amounts(text: str, *, published: date | None = None) -> list[Amount]:
    """Every money expression in `text`, in order of its start, with its value in currency units.

    text (str): any text.
    published (date | None): when the text was written, if known; it decides which of a
        country's currencies a shared word ("francs", "pesos") means. Without it, the latest
        year the text writes stands in (see `transforms.money.currency`).
    RETURNS (list[Amount]): spans satisfy text[start:end] == amount.text; values are finite
        and positive. Expressions whose currency or number cannot be resolved, and rates,
        weights and price levels, are skipped. A range whose ends carry a conversion in
        brackets spans it, and the conversion follows as its own amount.
    """
    lex = lexicon()
    written, text = text, _pound_signs(text, lex)
    text, multiples = _multiples(text, lex)
    story = Story(text, published, lex.countries, lex.dateline)
    found: list[Amount] = []
    for m in lex.pattern.finditer(text):
        found.extend(_amounts_of(m, lex, story))
    found = _between_ranges(_compounds(found, text, lex), text, lex)
    found = _carried(_with_compared(found, text, lex), text, lex)
    found = _inherit_qualifiers([_framed(a, text, lex) for a in _table_figures(found, text, lex)], text, lex)
    if written is text:
        return found
    return [_as_written(a, written, multiples) for a in found]


def _pound_signs(text: str, lex: Lexicon) -> str:
    """text with each "#" that stands for "£" written as "£" (same offsets): 7-bit newswire
    (ISO 646's British variant) sends the pound sign as "#" ("# 11.2 million"). Only before a
    number with a scale word: "#1" or "#3" is a rank."""
    if "#" not in text:
        return text
    for at in [m.start() for m in _HASH.finditer(text) if lex.bare.match(text, m.end())]:
        text = f"{text[:at]}£{text[at + 1:]}"
    return text


def _multiples(text: str, lex: Lexicon) -> tuple[str, dict[int, int]]:
    """text with each "multi" of "multi-million dollar" written as a "1" (same offsets), and
    {where that 1 is: where "multi" starts}: the amount is at least one of its scale."""
    if "ulti" not in text:  # (a quick test of "multi" and "Multi" before the pattern)
        return text, {}
    ones = {}
    for m in lex.multiple.finditer(text):
        ones[m.end() - 1] = m.start()
        text = f"{text[:m.start()]}{' ' * (len(m.group()) - 1)}1{text[m.end():]}"
    return text, ones


def _as_written(a: Amount, written: str, multiples: dict[int, int]) -> Amount:
    """An amount found in the respelled text, with the text as written."""
    if a.start in multiples and a.qualifier == "exact":
        start = multiples[a.start]
        return replace(a, start=start, text=written[start:a.end], qualifier="over", value_min=a.value)
    return replace(a, text=written[a.start:a.end])


def _compounds(found: list[Amount], text: str, lex: Lexicon) -> list[Amount]:
    """"7 dollars 25 cents", "twelve dollars and sixty cents": one amount, the cents added."""
    out: list[Amount] = []
    for a in found:
        prev = out[-1] if out else None
        if prev is not None and _cents_of(prev, a, text, lex):
            value = prev.value + a.value
            out[-1] = Amount(prev.start, a.end, text[prev.start:a.end], value, prev.currency, prev.qualifier,
                             *_qualified(value, prev.qualifier), a.unit)
        else:
            out.append(a)
    return out


def _cents_of(whole: Amount, part: Amount, text: str, lex: Lexicon) -> bool:
    """Whether `part` is the hundredths of `whole`, written right after it: a whole number of
    a currency word, then fewer than a hundred of its cents or pence."""
    words = re.findall(r"[^\W\d_]+", whole.text.lower())
    unit = re.findall(r"[^\W\d_]+", part.text.lower())
    if not (words and unit and _COMPOUND_GAP.fullmatch(text, whole.end, part.start)):
        return False
    minor_of = lex.minor.get(unit[-1])
    return (words[-1] in lex.words and not set(words) & set(lex.scales) and whole.value.is_integer()
            and whole.qualifier != "range" and whole.unit is None and part.qualifier == "exact"
            and minor_of in (LOCAL_DOLLAR, whole.currency) and 0 < round(part.value * 100) < 100
            and math.isclose(part.value * 100, round(part.value * 100)))


def _between_ranges(found: list[Amount], text: str, lex: Lexicon) -> list[Amount]:
    """"between 200 euros (£140) and 500 euros", "281 mln dlrs to 1.2 billion dlrs": one range
    of two ends in one currency, which the pattern cannot see when the lower end carries its
    currency after it or a conversion in brackets; the conversion stays its own amount, after
    the range."""
    out: list[Amount] = []
    i = 0
    while i < len(found):
        low = found[i]
        conversion = _bracketed(low, found[i + 1] if i + 1 < len(found) else None, text)
        j = i + 1 + (conversion is not None)
        gap_start = _CLOSE.match(text, conversion.end).end() if conversion else low.end
        high = found[j] if j < len(found) else None
        if (high is not None and low.currency == high.currency and high.qualifier == "exact"
                and low.unit in (None, high.unit) and low.value < high.value
                and (_BETWEEN.search(text, max(0, low.start - 20), low.start) and low.qualifier == "exact"
                     and _AND.fullmatch(text, gap_start, high.start)
                     or _range_to(low, high, text, lex))):
            out.append(Amount(low.start, high.end, text[low.start:high.end], (low.value + high.value) / 2,
                              low.currency, "range", low.value, high.value, high.unit))
            out.extend([conversion] if conversion else [])
            i = j + 1
        else:
            out.append(low)
            i += 1
    return out


def _range_to(low: Amount, high: Amount, text: str, lex: Lexicon) -> bool:
    """Whether "to" or a dash joins two figures into a range: not after a change word ("rose
    5 dlrs to 40 dlrs", "from 20 dlrs to 25 dlrs"); the lower one may be qualified ("in the
    range of")."""
    return (low.qualifier in ("exact", "approx") and bool(_RANGE_GAP.fullmatch(text, low.end, high.start))
            and not lex.change_before.search(text[max(0, low.start - 40):low.start]))


def _bracketed(a: Amount, after: Amount | None, text: str) -> Amount | None:
    """The amount after `a` if it stands alone in brackets right after it ("200 euros (£140)")."""
    if after is not None and _OPEN.fullmatch(text, a.end, after.start) and _CLOSE.match(text, after.end):
        return after
    return None


def _with_compared(found: list[Amount], text: str, lex: Lexicon) -> list[Amount]:
    """found, plus the figures a results table compares them with, written without currency
    ("Net 138.20 mln dlrs vs 87.80 mln", "Shr 12 cts vs 10 cts" with "10" alone): in the
    first figure's currency and, without a scale of their own, its unit ("cts")."""
    out: list[Amount] = []
    starts = {a.start for a in found}
    for a in found:
        out.append(a)
        m = lex.versus.match(text, a.end) or _earlier_value(a, text, lex)
        if m is None or m.start("n") in starts:
            continue
        words = re.findall(r"[^\W\d]+", a.text.lower())
        scale = (m.group("s") or "").strip().lower()
        if not scale and any(w in lex.scales for w in words):
            continue  # "12 mln dlrs vs 10": ten of what is not written
        value = parse_number(m.group("n")) * lex.scales.get(scale, 1.0)
        if not scale and words and words[-1] in lex.minor:
            value /= 100
        if math.isfinite(value) and value > 0:
            out.append(Amount(m.start("n"), m.end(), text[m.start("n"):m.end()], value, a.currency))
    return out


def _earlier_value(a: Amount, text: str, lex: Lexicon) -> re.Match | None:
    """"rose to 10 marks from 8.10.": the earlier value of a figure that changed, written
    without currency right after it, and no year ("from 1986")."""
    m = _FROM_FIGURE.match(text, a.end)
    if m is None or YEAR.fullmatch(m.group("n")) or not lex.bare_after.match(text, m.end()):
        return None
    return m


def _carried(found: list[Amount], text: str, lex: Lexicon) -> list[Amount]:
    """found, plus the scaled figures written without currency after an amount of the same
    sentence ("rose to 7.1 billion dlrs from 4.3 billion in 1985", "losses of 287 mln marks this
    year, 556 mln in 1988"): news names the currency once. A figure followed by what it counts
    ("3 million shares", "5 billion people") is not money."""
    # (a conversion in brackets is not the currency the story counts in)
    sources = [a for a in found if not a.unit and not _OPEN_BEFORE.search(text, max(0, a.start - 4), a.start)]
    if not sources:
        return found
    out = list(found)
    ends = [a.end for a in found]
    source_ends = [a.end for a in sources]
    for w in lex.scale_word.finditer(text, sources[0].end):
        m = next((m for m in lex.bare.finditer(text, max(sources[0].end, w.start() - 24), w.end() + 1)
                  if m.end("s") == w.end()), None)
        if m is None:
            continue
        k = bisect_right(ends, m.start())
        if k < len(found) and found[k].start < m.end():
            continue  # inside an amount
        source = sources[bisect_right(source_ends, m.start()) - 1]
        if not _same_or_next_sentence(text, source.end, m.start()) or not lex.bare_after.match(text, m.end()):
            continue
        value = _scaled(m.group("n"), m.group("s"), lex)
        if value is None or not (math.isfinite(value) and value > 0):
            continue
        carried = _carried_amount(m, value, source.currency, text, lex)
        out.append(carried)
        # (a figure so read names the currency for the next sentence too: "at 34 mln guilders.
        # Earlier, they put it at 30 mln. The union says 20 mln.")
        at = bisect_right(source_ends, carried.end)
        sources.insert(at, carried)
        source_ends.insert(at, carried.end)
    return sorted(out, key=lambda a: a.start)


def _carried_amount(m: re.Match, value: float, currency: str, text: str, lex: Lexicon) -> Amount:
    """The amount of a `_bare` match given `currency`: a range ("17 to 20 mln"), or one figure
    qualified by the words before it ("at around 30 mln")."""
    low = _scaled(m.group("lo"), m.group("s"), lex) if m.group("lo") else None
    if low is not None and 0 < low < value:
        return Amount(m.start(), m.end(), m.group(), (low + value) / 2, currency, "range", low, value)
    start = m.start("n")
    qual = lex.qualifier_before.search(text, max(0, start - 30), start)
    qualifier = lex.qualifiers.get(" ".join(qual.group(1).lower().split()), "exact") if qual else "exact"
    return Amount(start, m.end(), text[start:m.end()], value, currency, qualifier, *_qualified(value, qualifier))


def _table_figures(found: list[Amount], text: str, lex: Lexicon) -> list[Amount]:
    """found, plus the figures of a results table's money lines written without currency
    ("Net profit 89,000 vs loss 323,000", "Revs 9,603,000 vs 6,116,000"), in the currency of
    the amount before the line ("Shr loss one ct vs loss 11 cts")."""
    if not found or "vs" not in text:
        return found
    out = list(found)
    ends = [a.end for a in found]
    for line in lex.table_line.finditer(text):
        k = bisect_right(ends, line.start())
        if k == 0:
            continue  # no currency written before the table
        currency = found[k - 1].currency
        for g in ("a", "b"):
            start, end = line.span(g)
            value = _scaled(line.group(f"n{g}"), line.group(f"s{g}"), lex)
            if not any(a.start < end and start < a.end for a in found) and value and math.isfinite(value):
                out.append(Amount(start, end, text[start:end], value, currency))
    return sorted(out, key=lambda a: a.start)


def _same_or_next_sentence(text: str, end: int, start: int) -> bool:
    # (the text's own full stops, as `component._just_before` counts them)
    return len(re.findall(r"[.!?][\"”’]?\s", text[end:start])) <= 1


def _qualified(value: float, qualifier: str) -> tuple[float | None, float | None]:
    if qualifier in ("over", "at_least"):
        return value, None
    if qualifier in ("under", "up_to"):
        return None, value
    return None, None


def _amounts_of(m: re.Match, lex: Lexicon, story: Story) -> list[Amount]:
    """The amounts one pattern match stands for: none, one, or two when a "to" joins two
    separate figures ("rose from $5m to $7m") rather than the ends of a range."""
    text = story.text
    if not any(m.group(g) for g in ("syma", "isoa", "wpre", "symb", "isob", "post")):
        return []
    numbers = [m.group("na")] + ([m.group("nb")] if m.group("conn") else [])
    if any(not n[0].isdigit() for n in numbers) and not (m.group("post") or m.group("sa") or m.group("sb")):
        return []  # "$ one" is no figure; spelled numbers need a scale or a currency word
    start = m.start("ea")
    year_to = (m.group("conn") or "").strip().lower() == "to" and (
        YEAR.fullmatch(m.group("na")) or _MONTH_BEFORE.search(text, max(0, start - 12), start))
    if year_to and m.group("sb") and not (m.group("sa") or m.group("syma") or m.group("isoa")):
        # "cut its debt in 1986 to 900 mln dlrs": a year, then the figure, not a range
        return _amounts_of(lex.pattern.match(text, m.start("eb")), lex, story)
    if _not_money(m, lex, text, start):
        return []
    code, minor = _currency(m, lex, story)
    if code is None:
        return []
    ends = _ends(m, lex)
    if not ends or any(not (math.isfinite(v) and v > 0) for v, _, _ in ends):
        return []
    if minor:
        ends = [(v / 100, s, e) for v, s, e in ends]
    unit = None
    if m.group("unit"):
        unit = " ".join(m.group("unit").lower().split())
    elif m.group("usuf"):
        unit = lex.unit_suffixes.get(" ".join(m.group("usuf").lower().split()))
    qualifier = "exact"
    if m.group("qual"):
        qualifier = lex.qualifiers.get(" ".join(m.group("qual").lower().split()), "exact")

    if len(ends) == 2:
        conn = m.group("conn").strip().lower()
        bare_right = not (m.group("symb") or m.group("isob") or m.group("sb") or m.group("post"))
        change = (conn == "to" and not m.group("between") and not m.group("qual")
                  and lex.change_before.search(text[max(0, start - 40):start]))
        sym_a = m.group("syma") and lex.symbols.get(symbol_key(m.group("syma")))
        sym_b = m.group("symb") and lex.symbols.get(symbol_key(m.group("symb")))
        if bare_right and (conn == "to" or ends[0][0] >= ends[1][0]):
            # "$5 to 10 people", "£50bn - 14% more": the upper number is no money of its own.
            value = ends[0][0]
            end = m.end("na") + len(m.group("sa") or "")
            return [Amount(start, end, text[start:end], value, code, qualifier,
                           *_qualified(value, qualifier))]
        # (a bare "$" after "US$", "C$" is that dollar: "US$15 million to $20 million")
        two_currencies = sym_a and sym_b and sym_a != sym_b and not (sym_b == LOCAL_DOLLAR and "$" in m.group("syma"))
        if change or two_currencies:
            (va, _, ea), (vb, _, eb) = ends
            sb = m.start("eb")
            return [Amount(start, ea, text[start:ea], va, code),
                    Amount(sb, eb, text[sb:eb], vb, code, unit=unit)]
        (low, _, _), (high, _, end) = ends
        if low >= high:
            return []
        return [Amount(start, end, text[start:end], (low + high) / 2, code, "range", low, high, unit)]
    value, _, end = ends[0]
    return [Amount(start, end, text[start:end], value, code, qualifier, *_qualified(value, qualifier), unit)]


def _framed(a: Amount, text: str, lex: Lexicon) -> Amount:
    """An exact amount qualified by the words around it: "above the $50 mark" (over), "in the
    $700,000 range" (approx)."""
    if a.qualifier != "exact":
        return a
    before = _FRAME_BEFORE.search(text, max(0, a.start - 30), a.start)
    after = _FRAME_AFTER.match(text, a.end)
    if not (before and after):
        return a
    if before.group(1) and after.group(1):
        qualifier = lex.qualifiers.get(before.group(1).lower(), "exact")
    elif not before.group(1) and after.group(2):
        qualifier = "approx"
    else:
        return a
    low, high = _qualified(a.value, qualifier)
    return replace(a, qualifier=qualifier, value_min=low, value_max=high)


def _inherit_qualifiers(found: list[Amount], text: str, lex: Lexicon) -> list[Amount]:
    """A restatement ("over $50bn (£27bn)", "as much as $10 a share, or $540 million") is
    qualified like the figure it restates."""
    out: list[Amount] = []
    for a in found:
        prev = out[-1] if out else None
        if (prev and a.qualifier == "exact" and prev.qualifier not in ("exact", "range")
                and lex.restatement.fullmatch(text[prev.end:a.start])):
            a = Amount(a.start, a.end, a.text, a.value, a.currency, prev.qualifier,
                       *_qualified(a.value, prev.qualifier), a.unit)
        out.append(a)
    return out


def same_figure(gap: str, lex: Lexicon | None = None) -> bool:
    """Whether the text between two amounts makes the second the first said again ("$10bn
    (£5.19bn)", "$7m, or $1.05 a share") or its earlier value ("rose to $8.6bn from $7.9bn",
    "$640m, up 4% from $615m"): then it is the same money, for the same thing and payer."""
    lex = lex or lexicon()
    return bool(lex.restatement.fullmatch(gap) or lex.change.fullmatch(gap))
