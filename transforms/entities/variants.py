"""Name variants: whether two written names can name the same actor.

People: the surname decides, and every given name or initial written in both agrees ("John
Smith" ~ "John K. Smith" ~ "J. Smith" ~ "Smith"; never "John Smith" ~ "Mary Smith").
Organisations: the same words once corporate suffixes are left out ("Acme" ~ "Acme Holdings
plc" is a short form, decided by the linker; "Acme Corp." ~ "Acme Inc" here). Spelling that
varies by a letter or two ("Kowalski" / "Kowalsky") is matched with rapidfuzz's normalised
Indel similarity at `FUZZY_THRESHOLD` (chosen by cross-validation on the training articles).
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Indel

from transforms.entities.names import fold
from transforms.lexicons import load

# Similarity (0-100) two spellings of one name reach; below it they are different names. 5-fold
# CV on the training articles: 80-90 score alike (alias clustering 0.950 against 0.948 without
# fuzzy matching); 85 lets one letter in eight differ ("Kowalski" / "Kowalsky").
FUZZY_THRESHOLD = 85.0
# Names shorter than this (folded, without spaces) are too short to tell a typo from a name.
FUZZY_MIN_LENGTH = 6

_SPLIT = re.compile(r"[\s\-]+")
# Generational suffixes, folded (no period): no surname ("Hal Mefford Jr.": Mefford).
GENERATIONAL = frozenset({"jr", "sr"})


@lru_cache(maxsize=1)
def _suffixes() -> frozenset[str]:
    return frozenset(fold(w) for w in load("entities")["corporate_suffixes"])


@lru_cache(maxsize=65536)
def name_words(name: str) -> tuple[str, ...]:
    """Folded words of a name, hyphens and commas as spaces ("Jean-Claude" -> jean, claude)."""
    return tuple(w for w in _SPLIT.split(fold(name.replace(",", " "))) if w)


def core_words(name: str) -> tuple[str, ...]:
    """An organisation's words without its trailing corporate suffixes ("Acme Corp." -> acme)."""
    words = name_words(name)
    while len(words) > 1 and words[-1] in _suffixes():
        words = words[:-1]
    return words


def _given_agree(a: str, b: str) -> bool:
    """Two given names agree: equal, an initial of the other, or one a short form that begins
    the other ("Tim" of "Timothy")."""
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 3 and long_.startswith(short)


def person_compatible(a: str, b: str) -> bool:
    """Same surname, and the given names both write agree in order ("John Smith" ~ "John K.
    Smith", "J. Smith" ~ "John Smith"; not "John Smith" ~ "Mary Smith")."""
    wa, wb = _without_generation(name_words(a)), _without_generation(name_words(b))
    if not wa or not wb or wa[-1] != wb[-1]:
        return False
    ga, gb = wa[:-1], wb[:-1]
    if not ga or not gb:
        return True
    # the first given names must agree; middle names or initials may be left out
    if not _given_agree(ga[0], gb[0]):
        return False
    short, long_ = sorted((ga[1:], gb[1:]), key=len)
    rest = iter(long_)
    return all(any(_given_agree(s, x) for x in rest) for s in short)


def _without_generation(words: tuple[str, ...]) -> tuple[str, ...]:
    """A person's words without a generational suffix ("Hal Mefford Jr." -> hal mefford)."""
    return words[:-1] if len(words) > 1 and words[-1] in GENERATIONAL else words


def same_organisation(a: str, b: str) -> bool:
    """The same name but for corporate suffixes ("Acme Corp." ~ "Acme Inc", "Acme" ~ "Acme plc")."""
    return core_words(a) == core_words(b)


def spelling_variant(a: str, b: str, threshold: float = FUZZY_THRESHOLD) -> bool:
    """Two spellings of one name: as many words, long enough, and similar at `threshold`
    ("Kowalski" / "Kowalsky", "Buchanan-Smith" / "Buchanan Snith")."""
    wa, wb = name_words(a), name_words(b)
    ja, jb = "".join(wa), "".join(wb)
    if wa == wb or len(wa) != len(wb) or min(len(ja), len(jb)) < FUZZY_MIN_LENGTH:
        return False
    # (the first letters of a name are rarely mistyped; "Bastia" is not "Bastian")
    if any(x[0] != y[0] for x, y in zip(wa, wb)):
        return False
    return Indel.normalized_similarity(ja, jb) * 100 >= threshold
