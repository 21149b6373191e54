"""The events trigger lexicon: which lemmas may signal which PLOVER types and modes.

`lexicon.json` beside this module is derived by `training/event_lexicon.py` from the CAMEO verb
dictionary and the CAMEO->PLOVER table (its docstring says how, and its limits); its nouns are a
hand list in that script. Each section maps a lower-case lemma to ``{"TYPE|mode": count}``
(mode "" when PLOVER gives none):

* ``verbs``: verb lemmas ("accuse", "meet");
* ``phrases``: a verb with its particle, preposition or object word ("call_off", "call_for",
  "hold_talks");
* ``nouns``: nominal triggers ("talks", "visit", "air_strike").

The counts are evidence, not probabilities: `readings` turns them into shares for features,
and the trained model decides in context.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PATH = Path(__file__).resolve().parent / "lexicon.json"
FORMAT = "newsfacts-event-lexicon/1"
POS = ("verb", "noun", "phrase")


@dataclass(frozen=True)
class EventLexicon:
    """The three sections of `lexicon.json`: lemma -> {"TYPE|mode": count}."""

    verbs: dict[str, dict[str, int]]
    phrases: dict[str, dict[str, int]]
    nouns: dict[str, dict[str, int]]
    _shares: dict = field(default_factory=dict, compare=False, repr=False)  # readings, once each

    def counts(self, lemma: str, pos: str) -> dict[str, int]:
        """The counts of a lemma as `pos` ("verb", "noun" or "phrase"), {} when unknown.

        A verb lemma with ``_`` ("call_off") is looked up among the phrases, then as its verb
        ("call"); a noun also under its other number ("talk" -> "talks", "clashes" -> "clash")
        and with spaces as ``_`` ("air strike" -> "air_strike").
        RAISES ValueError for a `pos` outside POS.
        """
        pos = pos.lower()
        if pos not in POS:
            raise ValueError(f"pos must be one of {POS}, not {pos!r}")
        key = "_".join(lemma.strip().lower().split())
        if not key:
            return {}
        if pos == "phrase":
            return self.phrases.get(key, {})
        if pos == "verb":
            if "_" in key:
                return self.phrases.get(key) or self.verbs.get(key.split("_", 1)[0], {})
            return self.verbs.get(key, {})
        for form in _numbers(key):
            if form in self.nouns:
                return self.nouns[form]
        return {}

    def readings(self, lemma: str, pos: str) -> dict[str, float]:
        """Relative frequencies (summing to 1) of the "TYPE|mode" readings of a verb, noun or
        phrase lemma, in sorted order; {} when the lexicon does not know it. Computed once per
        lemma and part of speech: the same dict is returned each time, to read, not to change."""
        found = self._shares.get((lemma, pos))
        if found is None:
            counts = self.counts(lemma, pos)
            total = sum(counts.values())
            found = self._shares[lemma, pos] = {r: n / total for r, n in sorted(counts.items())} if total else {}
        return found

    def types(self, lemma: str, pos: str) -> set[str]:
        """The PLOVER types a lemma may signal ({"ACCUSE"} for "accuse"), empty when unknown."""
        return {r.split("|", 1)[0] for r in self.counts(lemma, pos)}

    def knows(self, lemma: str, pos: str) -> bool:
        """True when the lemma has at least one reading as `pos`."""
        return bool(self.counts(lemma, pos))


def _numbers(noun: str) -> list[str]:
    """The noun, then its regular plural or singular forms ("talk" -> "talks")."""
    out = [noun]
    if noun.endswith("ies"):
        out.append(noun[:-3] + "y")
    if noun.endswith("es"):
        out.append(noun[:-2])
    if noun.endswith("s"):
        out.append(noun[:-1])
    else:
        out += [noun + "s", noun + "es"]
        if noun.endswith("y"):
            out.append(noun[:-1] + "ies")
    return out


@lru_cache(maxsize=4)
def load_lexicon(path: Path | str | None = None) -> EventLexicon:
    """The lexicon at `path` (default: the shipped `lexicon.json`), read once per path.

    RAISES ValueError when the file is not a newsfacts event lexicon (wrong "format").
    """
    data = json.loads(Path(path or PATH).read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"{path or PATH}: format {data.get('format')!r}, expected {FORMAT!r}")
    return EventLexicon(verbs=data.get("verbs", {}), phrases=data.get("phrases", {}),
                        nouns=data.get("nouns", {}))
