"""Resolve a news date phrase ("last Friday", "on Nov. 21", "in 2019") to a calendar date.

Pure text, no spaCy. The events extractor hands us the date phrase attached to an event's clause
(usually a spaCy DATE entity) with the clause's tense; we place it against the article's
publication date (the anchor), as the GOLD guideline asks: "on Friday" is the Friday of the
publication week that the clause's tense points to.

Common forms are read by our own small grammar, both for speed and because `dateparser` gets them
wrong for news: it picks weekdays by its own PREFER_DATES_FROM rule (a "Wednesday" in an article
of a Wednesday becomes the week before), reads numbers and durations as dates ("two" is
February, "two years" is two years ago), falls back to the system clock and to other languages
("hier" is French for yesterday), and reads a bare "'98" as 1898. `dateparser` (English only, a
fixed base date, never the clock) is kept for the long tail of explicit forms ("2001-09-11",
"March the 3rd, 2001"), and only for strings with a digit that no guard below rejects.

Rules (the open choices are marked "choice"):
- Weekday: past or unknown tense -> the latest such day on or before the anchor (the anchor's own
  weekday is the anchor); future -> the next one strictly after it (choice: a same-day future
  event says "today"). "last Friday" -> strictly before, "next Friday" -> strictly after,
  whatever the tense; "this past" = "last", "this coming" = "next". "Friday of last week" -> that
  week's Friday (weeks start on Monday).
- today / tonight / this morning / earlier today -> anchor; yesterday / last night -> anchor - 1;
  tomorrow -> + 1; the day before yesterday -> - 2; the day after tomorrow -> + 2.
- Day and month without a year: the anchor's year, unless that lands more than 183 days after the
  anchor in a past clause (-> the year before) or more than 183 days before it in a future
  clause (-> the year after); with unknown tense, both (choice: the nearest such date).
  A month without a year follows the same rule counted in months (more than 6). Feb. 29 in a
  year without one -> None. "last March" -> latest March before the anchor's month, "next
  March" -> the first after it.
- "the 15th": that day of the anchor's month or the nearest month before it (past/unknown) or
  after it (future), on or before / strictly after the anchor, as for weekdays.
- Months are precision "month" (date = the 1st), years precision "year" (date = Jan. 1).
- Weeks and weekends (choice): their span, resolved to the finest precision that contains it
  all: "last week" is precision "month" when its Monday and Sunday share a month, "year" when
  they share a year, else None. "this week" spans Monday..anchor in a past clause, anchor..Sunday
  in a future one, the whole week otherwise; "earlier this week" Monday..the day before the
  anchor. "(over) the weekend" / "this weekend": the latest Saturday-Sunday on or before the
  anchor (past/unknown), the next one (future).
- "N days/weeks ago" -> day; "N months ago" -> month; "N years ago" -> year. "in N days" reads
  as a date only in a future clause; elsewhere it is a duration ("the first time in two
  years") -> None.
- "early" / "late" / "mid-" / "the end of" / "around" only blur the point inside the period
  named: "early Tuesday" is Tuesday, "late last year" last year. Times of day ("5 p.m.",
  "Wednesday night") are dropped; a time alone is None.
- None (not a placeable date): durations ("two years", "for three months", "the past week"),
  vague words ("recently", "soon", "in recent weeks", "in the past", "a decade ago", "several
  days ago"), repetitions ("every Monday", "weekly"), decades ("the 1990s"), seasons and
  holidays, bounds ("since Monday", "until March", "by Friday", "before 2019": they do not fix
  the event's own date), a bare number ("15", "two"), a lowercase "may"/"march"/"august" (the
  modal, the verb, the adjective), two-digit years ("'98"), numeric dates without a 4-digit year
  or whose day and month could be swapped ("9/11", "03/04/2019"; ISO "2019-04-03" is fine),
  narrative-relative phrases ("the next day", "two days later").
- No anchor: dates that carry their own year resolve (basis "explicit"); relative ones give
  `Resolved(None, None, "unresolved")`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

PRECISIONS = ("day", "month", "year")
BASES = ("explicit", "published", "unresolved")


@dataclass(frozen=True)
class Resolved:
    date: datetime.date | None
    precision: str | None  # "day", "month", "year" (None when date is None)
    basis: str  # "explicit", "published", "unresolved"


_UNRESOLVED = Resolved(None, None, "unresolved")

_WEEKDAYS = {name: i for i, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
           "august": 8, "september": 9, "october": 10, "november": 11, "december": 12}
_MONTH_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
                        "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_MONTH_WORDS = {**_MONTHS, **_MONTH_ABBREVIATIONS}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                 "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
                 "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
                 "fifty": 50, "hundred": 100, "a hundred": 100}
_DAY_OFFSETS = {"today": 0, "yesterday": -1, "tomorrow": 1,
                "the day before yesterday": -2, "the day after tomorrow": 2}

# Years we read from a bare 4-digit number: wide enough for history, narrow enough to leave
# counts like 5000 alone.
_YEAR_RANGE = range(1000, 2200)
# "More than ~6 months" away from the anchor, for a day and month without a year.
_HALF_YEAR_DAYS = 183
_HALF_YEAR_MONTHS = 6

_WD = "|".join(_WEEKDAYS)
_MON = "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))
_MON_FULL = "|".join(_MONTHS)
_NUM = r"\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_UNIT = r"(day|week|month|year)s?"
_ORD = r"(?:st|nd|rd|th)?"

# Rewrites before parsing: part-of-day phrases that name a day, and synonyms.
_REWRITES = [(re.compile(p), r) for p, r in (
    (r"\bthis (?:morning|afternoon|evening)\b", "today"),
    (r"\b(?:earlier|later) today\b", "today"),
    (r"\btonight\b", "today"),
    (r"\blast night\b", "yesterday"),
    (r"\bthis past\b", "last"),
    (r"\bthis coming\b", "next"),
    (r"\bmid-", "mid "),
)]
# Times of day (with what ties them to the day) and parts of the day: never part of the date.
_TIME = re.compile(
    r"\b(?:(?:shortly|just|soon|sometime|some time|right) )?(?:(?:at|around|about|before|after|by|until) )?"
    r"(?:\d{1,2}(?::\d{2})? ?(?:a\.?m\b\.?|p\.?m\b\.?|o'clock\b)|\d{1,2}:\d{2}\b|noon\b|midnight\b|midday\b"
    r"|dawn\b|dusk\b|daybreak\b|sunrise\b|sunset\b|(?<=at )\d{1,2}\b(?![/.:-]))"
    r"(?: (?:gmt|utc|[ecmp][sd]t|bst|cet|cest|local time)\b)?")
_PART_OF_DAY = re.compile(r"\b(?:in the |during the )?(?:morning|afternoon|evening|night|overnight)\b")
# Words that only blur the point within the period they precede.
_BLUR = re.compile(r"\b(?:(?:at |in |towards? )?the (?:end|beginning|start|middle) of|early|late|mid"
                   r"|around|about|approximately|circa|sometime|some time)\b ?")
# "for" too: "set for Friday" names the day; "for two years" is then caught as a count.
_LEADING_PREPOSITION = re.compile(r"^(?:on|in|at|during|over|of|for)\b ?")
_BOUND = re.compile(r"^(?:since|until|till|til|through|thru|before|after|by|from|between|prior to|ahead of"
                    r"|as of|within|every|each)\b")
_LOWERCASE_MONTH_TRAP = re.compile(r"\b(?:may|march|august)\b")  # case-sensitive, on the raw text

# Guards for the dateparser fallback, which reads durations, decades and 2-digit years as dates.
_FALLBACK_REJECT = re.compile(
    r"\b(?:(?:year|month|week|day|hour|minute|second|decade|century|fortnight|night|weekend|quarter)s?"
    r"|centuries|ago|later|earlier|past|next|last|this|that|recent|recently|every|each"
    r"|today|tonight|yesterday|tomorrow|now)\b"
    r"|\d0'?s\b|'\d\d\b|^\d+$")
_NUMERIC_DATE = re.compile(r"(\d{1,4})[/.-](\d{1,2})(?:[/.-](\d{1,4}))?")

_Rule = Callable[[re.Match[str], datetime.date | None, str | None, str], Resolved | None]


def resolve_date(text: str, anchor: datetime.date | None, tense: str | None = None) -> Resolved | None:
    """None when `text` is not a date expression we can place (durations, vague words).

    `anchor` is the publication date (None when the document has none); `tense` is the tense of
    the clause the phrase belongs to: "past", "future" or None (anything else counts as None).
    """
    if isinstance(anchor, datetime.datetime):  # a datetime is a date too: keep only the day
        anchor = anchor.date()
    if tense not in ("past", "future"):
        tense = None
    if not text or _LOWERCASE_MONTH_TRAP.search(text):
        return None
    normalized = _normalize(text)
    if normalized is None:
        return None
    phrase, lead = normalized
    for pattern, rule in _RULES:
        match = pattern.fullmatch(phrase)
        if match:
            return rule(match, anchor, tense, lead)
    return _fallback(phrase, anchor, tense)


def _normalize(text: str) -> tuple[str, str] | None:
    """Lowercase phrase without times, blur words and a leading preposition, and that preposition.

    None when nothing is left (a time alone) or the phrase is a bound ("since Monday").
    """
    s = text.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-").lower()
    s = re.sub(r"\s+", " ", s).strip(" .,;:()\"")
    s = re.sub(r"'s\b", "", s)  # "Friday's"
    for pattern, replacement in _REWRITES:
        s = pattern.sub(replacement, s)
    s = _PART_OF_DAY.sub(" ", _TIME.sub(" ", s))
    s = re.sub(r"(?<=[a-z])\.", " ", s)  # abbreviation periods; keeps "09.11.2001"
    s = re.sub(r"[\s,]+", " ", s).strip(" -")
    if _BOUND.match(s):
        return None
    s = _BLUR.sub("", s).strip()
    lead = ""
    while m := _LEADING_PREPOSITION.match(s):
        lead, s = m.group().strip(), s[m.end():]
    s = _BLUR.sub("", s).strip()  # "in early March"
    return (s, lead) if s else None  # nothing left: a time alone ("5 p.m.", "noon")


# --- helpers ----------------------------------------------------------------------------------

def _day(d: datetime.date, basis: str = "published") -> Resolved:
    return Resolved(d, "day", basis)


def _month(year: int, month: int, basis: str = "published") -> Resolved:
    return Resolved(datetime.date(year, month, 1), "month", basis)


def _year(year: int, basis: str = "published") -> Resolved:
    return Resolved(datetime.date(year, 1, 1), "year", basis)


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _month_number(word: str) -> int:
    return _MONTH_WORDS[word]


def _cover(start: datetime.date, end: datetime.date) -> Resolved | None:
    """The finest date that contains the whole span: the day, its month or its year."""
    if start == end:
        return _day(start)
    if (start.year, start.month) == (end.year, end.month):
        return _month(start.year, start.month)
    if start.year == end.year:
        return _year(start.year)
    return None


def _weekday_on_or_before(anchor: datetime.date, weekday: int) -> datetime.date:
    return anchor - datetime.timedelta(days=(anchor.weekday() - weekday) % 7)


def _weekday_after(anchor: datetime.date, weekday: int) -> datetime.date:
    return anchor + datetime.timedelta(days=(weekday - anchor.weekday() - 1) % 7 + 1)


def _weekday_before(anchor: datetime.date, weekday: int) -> datetime.date:
    return anchor - datetime.timedelta(days=(anchor.weekday() - weekday - 1) % 7 + 1)


def _monday(anchor: datetime.date, weeks: int = 0) -> datetime.date:
    return anchor - datetime.timedelta(days=anchor.weekday() - 7 * weeks)


def _year_for(month: int, day: int | None, anchor: datetime.date, tense: str | None) -> int:
    """The year of a day-and-month (or a month, day None) said without one, near the anchor."""
    if day is None:
        delta, limit = month - anchor.month, _HALF_YEAR_MONTHS
    else:  # compared inside leap year 2000, so that Feb. 29 has a place
        delta = (datetime.date(2000, month, day) - datetime.date(2000, anchor.month, anchor.day)).days
        limit = _HALF_YEAR_DAYS
    if tense != "future" and delta > limit:
        return anchor.year - 1
    if tense != "past" and delta < -limit:
        return anchor.year + 1
    return anchor.year


def _month_day(month: int, day: int, year: int | None, anchor: datetime.date | None,
               tense: str | None) -> Resolved | None:
    if not 1 <= day <= 31:
        return None
    try:
        datetime.date(2000, month, day)  # a day the month can have at all
    except ValueError:
        return None
    if year is not None:
        if year not in _YEAR_RANGE:
            return None
        try:
            return _day(datetime.date(year, month, day), "explicit")
        except ValueError:  # Feb. 29 of a common year
            return None
    if anchor is None:
        return _UNRESOLVED
    try:
        return _day(datetime.date(_year_for(month, day, anchor, tense), month, day))
    except ValueError:
        return None


def _month_only(month: int, anchor: datetime.date | None, tense: str | None,
                which: str | None = None) -> Resolved:
    if anchor is None:
        return _UNRESOLVED
    if which == "last":
        return _month(anchor.year if month < anchor.month else anchor.year - 1, month)
    if which == "next":
        return _month(anchor.year if month > anchor.month else anchor.year + 1, month)
    if which == "this":
        return _month(anchor.year, month)
    return _month(_year_for(month, None, anchor, tense), month)


def _day_of_month(day: int, anchor: datetime.date | None, tense: str | None) -> Resolved | None:
    """"the 15th": on or before the anchor (past/unknown), strictly after it (future)."""
    if not 1 <= day <= 31:
        return None
    if anchor is None:
        return _UNRESOLVED
    step = 1 if tense == "future" else -1
    if tense == "future":
        offset = 0 if day > anchor.day else 1
    else:
        offset = 0 if day <= anchor.day else -1
    for _ in range(3):  # "the 31st" skips the months without one
        year, month = _add_months(anchor.year, anchor.month, offset)
        try:
            return _day(datetime.date(year, month, day))
        except ValueError:
            offset += step
    return None


# --- rules: each reads one fullmatch of the normalized phrase ---------------------------------

def _rule_day_word(m: re.Match[str], anchor: datetime.date | None, tense: str | None, lead: str) -> Resolved:
    if anchor is None:
        return _UNRESOLVED
    return _day(anchor + datetime.timedelta(days=_DAY_OFFSETS[m.group(1)]))


def _rule_weekday(m: re.Match[str], anchor: datetime.date | None, tense: str | None, lead: str) -> Resolved:
    which, weekday = m.group(1), _WEEKDAYS[m.group(2)]
    if anchor is None:
        return _UNRESOLVED
    if which == "last":
        return _day(_weekday_before(anchor, weekday))
    if which == "next" or tense == "future":
        return _day(_weekday_after(anchor, weekday))
    return _day(_weekday_on_or_before(anchor, weekday))


def _rule_weekday_of_week(m: re.Match[str], anchor: datetime.date | None, tense: str | None,
                          lead: str) -> Resolved:
    """"Friday of last week": the weekday inside the week named."""
    if anchor is None:
        return _UNRESOLVED
    weeks = {"last": -1, "this": 0, "next": 1}[m.group(2)]
    return _day(_monday(anchor, weeks) + datetime.timedelta(days=_WEEKDAYS[m.group(1)]))


def _rule_ago(m: re.Match[str], anchor: datetime.date | None, tense: str | None, lead: str) -> Resolved:
    count, unit = _number(m.group(1)), m.group(2)
    if anchor is None:
        return _UNRESOLVED
    return _shift(anchor, -count, unit)


def _rule_count(m: re.Match[str], anchor: datetime.date | None, tense: str | None, lead: str) -> Resolved | None:
    """"in three days" is a date in a future clause; anywhere else, and without "in", a duration."""
    if lead != "in" or tense != "future":
        return None
    if anchor is None:
        return _UNRESOLVED
    return _shift(anchor, _number(m.group(1)), m.group(2))


def _shift(anchor: datetime.date, count: int, unit: str) -> Resolved:
    if unit in ("day", "week"):
        return _day(anchor + datetime.timedelta(days=count * (7 if unit == "week" else 1)))
    if unit == "month":
        return _month(*_add_months(anchor.year, anchor.month, count))
    return _year(anchor.year + count)


def _rule_week(m: re.Match[str], anchor: datetime.date | None, tense: str | None, lead: str) -> Resolved | None:
    side, which = m.group(1), m.group(2)
    if anchor is None:
        return _UNRESOLVED
    weeks = {"last": -1, "this": 0, "next": 1}[which]
    monday = _monday(anchor, weeks)
    sunday = monday + datetime.timedelta(days=6)
    if which == "this":
        one_day = datetime.timedelta(days=1)
        if side == "earlier":  # before the anchor, if the week has a day before it
            return _cover(monday, max(monday, anchor - one_day))
        if side == "later":
            return _cover(min(sunday, anchor + one_day), sunday)
        if tense == "past":
            return _cover(monday, anchor)
        if tense == "future":
            return _cover(anchor, sunday)
    return _cover(monday, sunday)


def _rule_weekend(m: re.Match[str], anchor: datetime.date | None, tense: str | None, lead: str) -> Resolved | None:
    which = m.group(1)
    if anchor is None:
        return _UNRESOLVED
    if which == "last":
        saturday = _monday(anchor) - datetime.timedelta(days=2)
    elif which == "next":
        saturday = _monday(anchor, 1) + datetime.timedelta(days=5)
    elif tense == "future":
        saturday = anchor + datetime.timedelta(days=(5 - anchor.weekday()) % 7)
    else:
        saturday = _weekday_on_or_before(anchor, 5)
    return _cover(saturday, saturday + datetime.timedelta(days=1))


def _rule_this_month(m: re.Match[str], anchor: datetime.date | None, tense: str | None, lead: str) -> Resolved:
    if anchor is None:
        return _UNRESOLVED
    return _month(*_add_months(anchor.year, anchor.month, {"last": -1, "this": 0, "next": 1}[m.group(1)]))


def _rule_this_year(m: re.Match[str], anchor: datetime.date | None, tense: str | None, lead: str) -> Resolved:
    if anchor is None:
        return _UNRESOLVED
    return _year(anchor.year + {"last": -1, "this": 0, "next": 1}[m.group(1)])


def _rule_month_day(m: re.Match[str], anchor: datetime.date | None, tense: str | None,
                    lead: str) -> Resolved | None:
    year = int(m.group(3)) if m.group(3) else None
    return _month_day(_month_number(m.group(1)), int(m.group(2)), year, anchor, tense)


def _rule_day_month(m: re.Match[str], anchor: datetime.date | None, tense: str | None,
                    lead: str) -> Resolved | None:
    year = int(m.group(3)) if m.group(3) else None
    return _month_day(_month_number(m.group(2)), int(m.group(1)), year, anchor, tense)


def _rule_month_year(m: re.Match[str], anchor: datetime.date | None, tense: str | None,
                     lead: str) -> Resolved | None:
    year = int(m.group(2))
    return _month(year, _month_number(m.group(1)), "explicit") if year in _YEAR_RANGE else None


def _rule_month(m: re.Match[str], anchor: datetime.date | None, tense: str | None, lead: str) -> Resolved:
    return _month_only(_MONTHS[m.group(2)], anchor, tense, m.group(1))


def _rule_year(m: re.Match[str], anchor: datetime.date | None, tense: str | None, lead: str) -> Resolved | None:
    year = int(m.group(1))
    return _year(year, "explicit") if year in _YEAR_RANGE else None


def _rule_ordinal_day(m: re.Match[str], anchor: datetime.date | None, tense: str | None,
                      lead: str) -> Resolved | None:
    return _day_of_month(int(m.group(1)), anchor, tense)


_LEADING_WEEKDAY = rf"(?:(?:{_WD}) )?(?:the )?"
_RULES: list[tuple[re.Pattern[str], _Rule]] = [(re.compile(p), r) for p, r in (
    (r"(today|yesterday|tomorrow|the day before yesterday|the day after tomorrow)", _rule_day_word),
    (rf"(?:(last|next|this) )?({_WD})", _rule_weekday),
    (rf"({_WD}) (?:of )?(last|this|next) week", _rule_weekday_of_week),
    (rf"({_NUM}) {_UNIT} ago", _rule_ago),
    (rf"({_NUM}) {_UNIT}", _rule_count),
    (r"(?:(earlier|later) )?(this|last|next) week", _rule_week),
    (r"(?:(this|last|next) |the )?weekend", _rule_weekend),
    (r"(?:earlier |later )?(this|last|next) month", _rule_this_month),
    (r"(?:earlier |later )?(this|last|next) year", _rule_this_year),
    (rf"{_LEADING_WEEKDAY}({_MON}) (?:the )?(\d{{1,2}}){_ORD}(?: (\d{{4}}))?", _rule_month_day),
    (rf"{_LEADING_WEEKDAY}(\d{{1,2}}){_ORD} (?:of )?({_MON})(?: (\d{{4}}))?", _rule_day_month),
    (rf"({_MON}) (?:of )?(\d{{4}})", _rule_month_year),
    (rf"(?:(last|next|this) )?({_MON_FULL})", _rule_month),
    (r"(\d{4})", _rule_year),
    (r"(?:the )?(\d{1,2})(?:st|nd|rd|th)", _rule_ordinal_day),
)]


# --- dateparser fallback: explicit forms our grammar does not know -----------------------------

# A fixed base in a leap year: dateparser never reads the system clock, and a partial "Feb. 29"
# still parses. Only the parts the text fixes are kept, so the base never leaks into a result.
_FALLBACK_BASE = datetime.datetime(2000, 1, 1)


@lru_cache(maxsize=1)
def _date_parser() -> Any:
    from dateparser import DateDataParser  # imported late: it takes a while and most calls skip it

    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": _FALLBACK_BASE, "PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first",
        "RETURN_TIME_AS_PERIOD": True})


def _fallback(phrase: str, anchor: datetime.date | None, tense: str | None) -> Resolved | None:
    # A weekday beside an explicit date adds nothing, and alone dateparser would place it itself.
    phrase = re.sub(rf"\b(?:{_WD})\b ?", "", phrase).strip()
    if not re.search(r"\d", phrase) or _FALLBACK_REJECT.search(phrase) or _ambiguous_numeric(phrase):
        return None
    parsed = _parse_explicit(phrase)
    if parsed is None:
        return None
    found, parts = parsed
    if "year" in parts:
        if "day" in parts:
            return _day(found, "explicit")
        if "month" in parts:
            return _month(found.year, found.month, "explicit")
        return _year(found.year, "explicit")
    if {"month", "day"} <= parts:
        return _month_day(found.month, found.day, None, anchor, tense)
    if "month" in parts:
        return _month_only(found.month, anchor, tense)
    if "day" in parts:
        return _day_of_month(found.day, anchor, tense)
    return None


@lru_cache(maxsize=4096)
def _parse_explicit(phrase: str) -> tuple[datetime.date, frozenset[str]] | None:
    """dateparser's date and the parts the text fixes; cached, as it is the slow path."""
    data = _date_parser().get_date_data(phrase)
    if data.date_obj is None:
        return None
    return data.date_obj.date(), frozenset(data.parts)


def _ambiguous_numeric(phrase: str) -> bool:
    """A numeric date whose text does not fix it: no 4-digit year, or day and month swappable."""
    m = _NUMERIC_DATE.fullmatch(phrase)
    if m is None:
        return False
    numbers = [g for g in m.groups() if g]
    if len(numbers) < 3 or not any(len(n) == 4 for n in numbers):
        return True
    if len(numbers[0]) == 4:  # ISO order, year first
        return False
    first, second = int(numbers[0]), int(numbers[1])
    return first <= 12 and second <= 12 and first != second


def resolve_event_dates(rows: list[dict], published) -> list[dict]:
    """Fill `event_date`, `date_precision` and `date_basis` of event rows from their
    `date_text` and `tense`, against the document's publication date (a date, a datetime or
    None); rows without a placeable date phrase keep all three null, and so does a past event
    the phrase would place after publication (the phrase then dates something else: "extended
    from July 1"; validation would otherwise quarantine the whole event). Changes the rows in
    place and returns them."""
    anchor = published.date() if isinstance(published, datetime.datetime) else published
    for row in rows:
        found = resolve_date(row["date_text"], anchor, row.get("tense")) if row.get("date_text") else None
        if found is not None and found.date and anchor and row.get("tense") == "past" and found.date > anchor:
            continue
        if found is not None:
            row["event_date"], row["date_precision"], row["date_basis"] = found.date, found.precision, found.basis
    return rows
