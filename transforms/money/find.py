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
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from transforms.lexicons import load
from transforms.money.currency import (LOCAL_DOLLAR, NOT_MONEY_CODES, SHARED, Countries, SharedWord, Story,
                                       countries, currency_names, dollar_territories, fold, sentence_around,
                                       sentence_bounds,
                                       shared_currency, shared_words, symbol_key)
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
# An amount alone in brackets ("200 euros (£140)").
_OPEN = re.compile(r"\s*\(\s*")
_CLOSE = re.compile(r"\s*\)")
# A month's name before a number makes it a day ("drops on May 15 to 2.1 trillion dlrs").
_MONTH_BEFORE = re.compile(r"\b(?:%s)\.?\s+$" % "|".join(
    sorted({n for n in (*calendar.month_name, *calendar.month_abbr) if n})))
# "cents a pound": a price by weight, not an exchange rate.
_PER_POUND = re.compile(r"\s+(?:a|per)\s+(?:pound|lb)\b", re.IGNORECASE)
# What opens a conversion in brackets ("($96bn", "($96bn; £86bn"), right before an amount.
_OPEN_BEFORE = re.compile(r"[(;]\s*\Z")


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
    dollar_codes: dict[str, str]
    countries: Countries
    us_names: re.Pattern
    government: re.Pattern
    dateline: re.Pattern


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
    minor = {k.lower(): (LOCAL_DOLLAR if v == "$" else v) for k, v in data["minor_units"].items()}
    scales = {k.lower(): float(v) for k, v in data["scales"].items()}
    number_words = {k: float(v) for k, v in data["number_words"].items()}
    fractions = {k: float(v) for k, v in data["fraction_words"].items()}
    qualifiers = {" ".join(p.split()): q for q, phrases in data["qualifiers"].items() for p in phrases}
    unit_suffixes = {" ".join(k.split()): v for k, v in data["unit_suffixes"].items()}
    parts = _Parts(data, symbols, words, minor, scales, number_words, fractions, qualifiers, unit_suffixes)
    local = data["local_dollar"]
    dollar_codes = dollar_territories(local["us_names"])
    shared = shared_words(data)
    places = {t for w in shared.values() for t in w.tenures} | set(dollar_codes)
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
        bare_after=re.compile(rf"\s*(?:[.,;:)]|$|\s*(?:{_words_pattern(data['carried_after'])})\b)", re.IGNORECASE),
        dollar_codes=dollar_codes,
        countries=countries(places, data["country_aliases"], local["us_names"]),
        us_names=re.compile(rf"(?<![\w.])(?-i:{_alternation(local['us_names'])})(?![\w])"),
        government=re.compile(rf"\b(?:{_words_pattern(local['government_cues'])})\b", re.IGNORECASE),
        dateline=re.compile(local["dateline"]),
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

    def end(t: str) -> str:
        prefix = (rf"(?:(?<![A-Za-z])(?P<sym{t}>{_prefix_symbols(p)})\s?"
                  rf"|\b(?-i:(?P<iso{t}>{_alternation(codes - ambiguous)}))\s?)")
        return rf"(?P<e{t}>(?:{prefix})?(?P<n{t}>{number})(?P<s{t}>{scale})?)"

    connectors = "|".join(f"(?:{c})" for c in p.data["range_connectors"])
    # "40 USD million": a code may come before the scale
    code_scale = _alternation(s for s in p.scales if len(s) > 1)
    # "15 €", "50元": not the symbol of a figure that follows ("5 $10 bills")
    post_symbols = [s for s in p.symbols if not re.search(r"[^\W\d_]", s)] + list(p.data["suffix_symbols"])
    # (a sub-unit naming its currency before the currency's word: "22 euro cents")
    post = (rf"(?:\s?(?:(?-i:(?P<code>{_alternation(codes - ambiguous)}))\b(?P<cscale>\s+(?:{code_scale})\b)?"
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
        rf"(?:(?P<conn>{connectors}|(?(between)\s+and\s+|(?!)))(?![.,]\d){end('b')})?"
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
    """A number with a scale word and no currency ("4.3 billion", "at around 30 mln"), which
    `_carried` gives the currency of the amount before it."""
    words = _alternation(s for s in p.scales if len(s) > 1)
    spelled = _alternation(w for w in p.number_words if w not in ("hundred", "dozen"))
    return re.compile(rf"(?P<n>{_digits()}|\b(?:{spelled})\b)\s?(?P<s>{words})\b(?![$€£¥%\w])",
                      re.IGNORECASE)


def _scale_word(p: _Parts) -> re.Pattern:
    """A scale word, where `_bare` may end: found first, as it is much rarer than a number."""
    return re.compile(rf"(?<![^\W\d_])(?:{_alternation(s for s in p.scales if len(s) > 1)})\b", re.IGNORECASE)


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


def local_dollar(text: str, start: int, end: int, lex: Lexicon | None = None) -> str:
    """The ISO code of a bare "$" or "dollars" at text[start:end]: USD when its sentence names
    the United States; else the dollar of the country whose public bodies its sentence puts in
    charge (by name, or through the dateline), or of a story filed from another dollar country
    ("TORONTO, March 3 - ... 79 mln dlrs" is Canadian); else USD."""
    lex = lex or lexicon()
    s, e = sentence_bounds(text, start, end)
    sentence = text[s:e]
    if lex.us_names.search(text, max(0, s - 6), e):  # (the cut may be the stop of "U.S.")
        return "USD"
    if not lex.government.search(sentence):
        # a story filed from another dollar country counts in its dollar
        return lex.dollar_codes.get(lex.countries.dateline(text, lex.dateline), "USD")
    named = {lex.dollar_codes[t] for _, territories in lex.countries.mentions(sentence)
             for t in territories if t in lex.dollar_codes}
    if len(named) == 1:
        return named.pop()
    if not named:
        return lex.dollar_codes.get(lex.countries.dateline(text, lex.dateline), "USD")
    return "USD"


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
        elif m.group("word"):
            word = " ".join(m.group("word").lower().split())
            code = lex.words.get(word)
        elif m.group("psym"):
            code = lex.symbols.get(symbol_key(m.group("psym")))
        elif m.group("minor") or m.group("minorp"):
            code, minor = lex.minor.get(" ".join((m.group("minor") or m.group("minorp")).lower().split())), True
    if code == LOCAL_DOLLAR:
        code = local_dollar(story.text, m.start(), m.end(), lex)
    elif code == SHARED:
        code = shared_currency(lex.shared[word], story, m.start(), m.end())
    return code, minor


def _not_money(m: re.Match, lex: Lexicon, text: str, start: int) -> bool:
    """Exchange rates, weights and price levels ("in 1990 dollars") read like amounts."""
    after = text[m.end("post") if m.group("post") else m.end(): m.end() + 60]
    before = text[max(0, start - 80): start]
    before = before[max(before.rfind(". "), before.rfind("\n")) + 1:]
    if lex.rate_after.match(after) and not (_minor(m) and _PER_POUND.match(after)):
        return True  # (but "69 cents a pound" is a commodity's price by weight)
    rate = lex.rate_before.search(before)
    if rate:
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
    story = Story(text, published, lex.countries, lex.dateline)
    found: list[Amount] = []
    for m in lex.pattern.finditer(text):
        found.extend(_amounts_of(m, lex, story))
    found = _between_ranges(_compounds(found, text, lex), text)
    found = _carried(_with_compared(found, text, lex), text, lex)
    return _inherit_qualifiers(found, text, lex)


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


def _between_ranges(found: list[Amount], text: str) -> list[Amount]:
    """"between 200 euros (£140) and 500 euros": one range of two ends in one currency, which
    the pattern cannot see when the lower end carries its currency after it or a conversion in
    brackets; the conversion stays its own amount, after the range."""
    out: list[Amount] = []
    i = 0
    while i < len(found):
        low = found[i]
        conversion = _bracketed(low, found[i + 1] if i + 1 < len(found) else None, text)
        j = i + 1 + (conversion is not None)
        gap_start = _CLOSE.match(text, conversion.end).end() if conversion else low.end
        high = found[j] if j < len(found) else None
        if (high is not None and _BETWEEN.search(text, max(0, low.start - 20), low.start)
                and _AND.fullmatch(text, gap_start, high.start)
                and low.currency == high.currency and low.qualifier == high.qualifier == "exact"
                and low.unit in (None, high.unit) and low.value < high.value):
            out.append(Amount(low.start, high.end, text[low.start:high.end], (low.value + high.value) / 2,
                              low.currency, "range", low.value, high.value, high.unit))
            out.extend([conversion] if conversion else [])
            i = j + 1
        else:
            out.append(low)
            i += 1
    return out


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
        m = lex.versus.match(text, a.end)
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
        qual = lex.qualifier_before.search(text, max(0, m.start() - 30), m.start())
        qualifier = lex.qualifiers.get(" ".join(qual.group(1).lower().split()), "exact") if qual else "exact"
        out.append(Amount(m.start(), m.end(), m.group(), value, source.currency, qualifier,
                          *_qualified(value, qualifier)))
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
    if not any(m.group(g) for g in ("syma", "isoa", "symb", "isob", "post")):
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
        if conn == "to" and bare_right:
            # "$5 to 10 people": the upper number is no money of its own.
            value = ends[0][0]
            end = m.end("na") + len(m.group("sa") or "")
            return [Amount(start, end, text[start:end], value, code, qualifier,
                           *_qualified(value, qualifier))]
        if change or (sym_a and sym_b and sym_a != sym_b):
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
