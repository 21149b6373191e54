"""`transforms.events.dates`: date phrases placed against a publication date, with real dateparser.

Every example is invented. WED is a Wednesday, so weekday arithmetic is easy to check by hand.
"""

import dataclasses
import datetime
from datetime import date

import pytest

from transforms.events.dates import BASES, PRECISIONS, Resolved, resolve_date

WED = date(2024, 5, 15)  # a Wednesday


def day(y: int, m: int, d: int, basis: str = "published") -> Resolved:
    return Resolved(date(y, m, d), "day", basis)


def month(y: int, m: int, basis: str = "published") -> Resolved:
    return Resolved(date(y, m, 1), "month", basis)


def year(y: int, basis: str = "published") -> Resolved:
    return Resolved(date(y, 1, 1), "year", basis)


UNRESOLVED = Resolved(None, None, "unresolved")


def test_constants_and_frozen_result():
    assert PRECISIONS == ("day", "month", "year")
    assert BASES == ("explicit", "published", "unresolved")
    with pytest.raises(dataclasses.FrozenInstanceError):
        resolve_date("today", WED).date = None  # type: ignore[misc]


# --- weekdays ---------------------------------------------------------------------------------

@pytest.mark.parametrize("tense", ["past", None])
def test_bare_weekday_in_past_or_unknown_clause_is_latest_on_or_before_anchor(tense):
    assert resolve_date("Friday", WED, tense) == day(2024, 5, 10)
    assert resolve_date("on Monday", WED, tense) == day(2024, 5, 13)
    assert resolve_date("Wednesday", WED, tense) == day(2024, 5, 15)  # the anchor's own weekday


def test_bare_weekday_in_future_clause_is_strictly_after_anchor():
    # dateparser's own PREFER_DATES_FROM would give the current day or last week's; we do not.
    assert resolve_date("Friday", WED, "future") == day(2024, 5, 17)
    assert resolve_date("Monday", WED, "future") == day(2024, 5, 20)
    assert resolve_date("Wednesday", WED, "future") == day(2024, 5, 22)


@pytest.mark.parametrize("tense", ["past", "future", None])
def test_last_and_next_weekday_ignore_tense(tense):
    assert resolve_date("last Wednesday", WED, tense) == day(2024, 5, 8)
    assert resolve_date("last Friday", WED, tense) == day(2024, 5, 10)
    assert resolve_date("this past Friday", WED, tense) == day(2024, 5, 10)
    assert resolve_date("next Wednesday", WED, tense) == day(2024, 5, 22)
    assert resolve_date("this coming Monday", WED, tense) == day(2024, 5, 20)
    assert resolve_date("Friday of last week", WED, tense) == day(2024, 5, 10)


def test_weekday_with_part_of_day_or_time_keeps_the_day():
    assert resolve_date("early Tuesday", WED, "past") == day(2024, 5, 14)
    assert resolve_date("Wednesday night", WED, "past") == day(2024, 5, 15)
    assert resolve_date("late Sunday evening", WED, "past") == day(2024, 5, 12)
    assert resolve_date("Friday at 5 p.m. EST", WED, "past") == day(2024, 5, 10)
    assert resolve_date("shortly before dawn Monday", WED, "past") == day(2024, 5, 13)
    assert resolve_date("Thursday's", WED, "future") == day(2024, 5, 16)


# --- today, yesterday, tomorrow -----------------------------------------------------------------

@pytest.mark.parametrize("text, offset", [
    ("today", 0), ("tonight", 0), ("this morning", 0), ("earlier today", 0),
    ("yesterday", -1), ("yesterday afternoon", -1), ("last night", -1),
    ("tomorrow", 1), ("the day before yesterday", -2), ("the day after tomorrow", 2),
])
def test_day_words(text, offset):
    expected = day(2024, 5, 15 + offset)
    assert resolve_date(text, WED, "past") == expected
    assert resolve_date(text, WED, "future") == expected


# --- day and month ------------------------------------------------------------------------------

def test_day_and_month_without_year_take_the_anchor_year():
    assert resolve_date("March 3", WED, "past") == day(2024, 3, 3)
    assert resolve_date("on Nov. 21", date(2024, 12, 2), "past") == day(2024, 11, 21)
    assert resolve_date("21 November", date(2024, 12, 2)) == day(2024, 11, 21)
    assert resolve_date("the 3rd of March", WED) == day(2024, 3, 3)
    assert resolve_date("Sunday, March 3", WED) == day(2024, 3, 3)
    # a month ahead is within the ~6 months a past clause tolerates
    assert resolve_date("on June 15", WED, "past") == day(2024, 6, 15)


def test_year_rollover_back_in_past_clause():
    anchor = date(2024, 1, 3)
    assert resolve_date("December 30", anchor, "past") == day(2023, 12, 30)
    assert resolve_date("Dec. 30", anchor, None) == day(2023, 12, 30)  # unknown: the nearest
    assert resolve_date("December 30", anchor, "future") == day(2024, 12, 30)


def test_year_rollover_forward_in_future_clause():
    anchor = date(2024, 12, 20)
    assert resolve_date("Jan. 5", anchor, "future") == day(2025, 1, 5)
    assert resolve_date("Jan. 5", anchor, None) == day(2025, 1, 5)
    assert resolve_date("Jan. 5", anchor, "past") == day(2024, 1, 5)


def test_leap_day():
    assert resolve_date("Feb. 29", date(2024, 3, 10), "past") == day(2024, 2, 29)
    assert resolve_date("Feb. 29", date(2025, 3, 1), "past") is None  # 2025 has none
    assert resolve_date("February 29, 2024", None) == day(2024, 2, 29, "explicit")
    assert resolve_date("February 29, 2023", WED) is None
    assert resolve_date("yesterday", date(2024, 3, 1)) == day(2024, 2, 29)


@pytest.mark.parametrize("text, expected", [
    ("March 3, 1998", day(1998, 3, 3, "explicit")),
    ("Sept. 11, 2001", day(2001, 9, 11, "explicit")),
    ("Tuesday, Oct. 7, 2003", day(2003, 10, 7, "explicit")),
    ("4 July 1976", day(1976, 7, 4, "explicit")),
    ("March the 3rd, 2001", day(2001, 3, 3, "explicit")),  # through dateparser
    ("2001-09-11", day(2001, 9, 11, "explicit")),
    ("25/12/2019", day(2019, 12, 25, "explicit")),  # day > 12: the order is not in doubt
])
def test_explicit_dates(text, expected):
    assert resolve_date(text, WED, "future") == expected


def test_day_of_month_alone():
    assert resolve_date("the 15th", WED, "past") == day(2024, 5, 15)
    assert resolve_date("on the 20th", WED, "past") == day(2024, 4, 20)
    assert resolve_date("the 20th", WED, "future") == day(2024, 5, 20)
    assert resolve_date("the 15th", WED, "future") == day(2024, 6, 15)
    assert resolve_date("the 31st", WED, "past") == day(2024, 3, 31)  # April has no 31st


# --- months, years, weeks -----------------------------------------------------------------------

def test_months():
    assert resolve_date("in March", WED, "past") == month(2024, 3)
    assert resolve_date("in early March", WED, "past") == month(2024, 3)
    assert resolve_date("mid-March", WED, "past") == month(2024, 3)
    assert resolve_date("last month", WED) == month(2024, 4)
    assert resolve_date("next month", date(2024, 12, 5)) == month(2025, 1)
    assert resolve_date("March 1998", WED) == month(1998, 3, "explicit")
    assert resolve_date("last December", date(2024, 1, 3)) == month(2023, 12)
    assert resolve_date("next March", WED) == month(2025, 3)
    assert resolve_date("in November", date(2024, 2, 10), "past") == month(2023, 11)
    assert resolve_date("in November", date(2024, 2, 10), "future") == month(2024, 11)


def test_years():
    assert resolve_date("in 2019", WED) == year(2019, "explicit")
    assert resolve_date("1987", WED) == year(1987, "explicit")
    assert resolve_date("last year", WED) == year(2023)
    assert resolve_date("late last year", WED) == year(2023)
    assert resolve_date("this year", WED) == year(2024)
    assert resolve_date("early next year", WED, "future") == year(2025)


def test_weeks_resolve_to_the_finest_precision_containing_them():
    assert resolve_date("last week", WED) == month(2024, 5)
    assert resolve_date("earlier this week", WED, "past") == month(2024, 5)
    # Wednesday May 1: its week began in April
    may_1 = date(2024, 5, 1)
    assert resolve_date("earlier this week", may_1, "past") == month(2024, 4)
    assert resolve_date("this week", may_1) == year(2024)
    assert resolve_date("this week", may_1, "future") == month(2024, 5)
    # the week of New Year's Day 2025 spans two years: nothing fixes it
    assert resolve_date("this week", date(2025, 1, 1)) is None


def test_weekend():
    assert resolve_date("over the weekend", WED, "past") == month(2024, 5)
    assert resolve_date("this weekend", date(2024, 6, 26), "future") == month(2024, 6)
    # Monday Sept. 2, 2024: the weekend before it is Aug. 31 and Sept. 1
    assert resolve_date("the weekend", date(2024, 9, 2), "past") == year(2024)


# --- counted offsets ----------------------------------------------------------------------------

def test_ago():
    assert resolve_date("three days ago", WED) == day(2024, 5, 12)
    assert resolve_date("two weeks ago", WED) == day(2024, 5, 1)
    assert resolve_date("about three months ago", WED) == month(2024, 2)
    assert resolve_date("two years ago", WED) == year(2022)
    assert resolve_date("several days ago", WED) is None
    assert resolve_date("a decade ago", WED) is None


def test_in_n_units_is_a_date_only_in_a_future_clause():
    assert resolve_date("in three days", WED, "future") == day(2024, 5, 18)
    assert resolve_date("in two years", WED, "future") == year(2026)
    # "the first rise in two years": a duration
    assert resolve_date("in two years", WED, "past") is None
    assert resolve_date("in two years", WED, None) is None
    assert resolve_date("for two years", WED, "future") is None
    assert resolve_date("for Friday", WED, "future") == day(2024, 5, 17)  # "a vote set for Friday"


# --- what is not a date -------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "two years", "three months", "48 hours", "a week", "for two years", "the past week",
    "the past 2 years", "over the last three years", "within six months",
])
def test_durations_are_not_dates(text):
    # dateparser reads "two years" as two years ago and "three months" as a month
    assert resolve_date(text, WED, "past") is None


@pytest.mark.parametrize("text", [
    "recently", "soon", "in the past", "in recent weeks", "every Monday", "weekly", "the 1990s",
    "1990s", "the next day", "two days later", "since Monday", "until March", "by Friday",
    "before 2019", "morning", "the 15th of last month",
])
def test_vague_repeated_bounded_or_narrative_phrases_are_not_dates(text):
    assert resolve_date(text, WED, "past") is None


def test_modal_may_and_verb_march_are_not_months():
    assert resolve_date("may", WED) is None
    assert resolve_date("march", WED) is None
    assert resolve_date("May have", WED) is None
    assert resolve_date("May", WED, "past") == month(2024, 5)
    assert resolve_date("in May", date(2024, 2, 1), "future") == month(2024, 5)


def test_bare_numbers():
    # dateparser reads "two" as February and "15" as the 15th of the current month
    assert resolve_date("two", WED) is None
    assert resolve_date("15", WED) is None
    assert resolve_date("5000", WED) is None
    assert resolve_date("2012", WED) == year(2012, "explicit")


@pytest.mark.parametrize("text", ["hier", "gestern", "mardi", "lunes", "1 de marzo de 2019", "Mai 2019"])
def test_other_languages_are_not_read(text):
    assert resolve_date(text, WED, "past") is None


@pytest.mark.parametrize("text", ["5 p.m.", "at 10:30 a.m.", "noon", "around midnight", "tonight at 9"])
def test_a_time_alone_is_not_a_date(text):
    expected = day(2024, 5, 15) if text.startswith("tonight") else None
    assert resolve_date(text, WED, "past") == expected


def test_numeric_dates_the_text_does_not_fix():
    assert resolve_date("03/04/2019", WED) is None  # March 4 or April 3
    assert resolve_date("9/11", WED) is None  # no year
    assert resolve_date("'98", WED) is None  # dateparser says 1898
    assert resolve_date("March '98", WED) is None


# --- anchors ------------------------------------------------------------------------------------

def test_the_system_clock_is_never_used():
    anchor = date(1987, 6, 10)  # a Wednesday
    assert resolve_date("Friday", anchor, "past") == day(1987, 6, 5)
    assert resolve_date("yesterday", anchor) == day(1987, 6, 9)
    assert resolve_date("last month", anchor) == month(1987, 5)
    assert resolve_date("on Nov. 21", anchor, "past") == day(1987, 11, 21)  # 164 days ahead: kept
    assert resolve_date("on Dec. 21", anchor, "past") == day(1986, 12, 21)  # 194 days ahead: rolled back
    assert resolve_date("March the 3rd", anchor, "past") == day(1987, 3, 3)  # through dateparser


@pytest.mark.parametrize("text, expected", [
    ("March 3, 1998", day(1998, 3, 3, "explicit")),
    ("March 1998", month(1998, 3, "explicit")),
    ("in 2019", year(2019, "explicit")),
    ("2001-09-11", day(2001, 9, 11, "explicit")),
    ("Friday", UNRESOLVED),
    ("yesterday", UNRESOLVED),
    ("on Nov. 21", UNRESOLVED),
    ("March the 3rd", UNRESOLVED),
    ("last year", UNRESOLVED),
    ("three days ago", UNRESOLVED),
    ("the 15th", UNRESOLVED),
    ("last week", UNRESOLVED),
    ("recently", None),
    ("two years", None),
])
def test_without_anchor_only_explicit_dates_resolve(text, expected):
    assert resolve_date(text, None, "past") == expected


def test_datetime_anchor_and_unknown_tense_word():
    assert resolve_date("yesterday", datetime.datetime(2024, 5, 15, 23, 59)) == day(2024, 5, 14)
    assert resolve_date("Friday", WED, "present") == resolve_date("Friday", WED, None)


def test_results_are_consistent():
    phrases = ["Friday", "March 3", "in March", "in 2019", "last week", "recently", "this week",
               "the 31st", "2001-09-11", "Q3 2019", "two years ago", "", "   "]
    for anchor in (WED, date(2025, 1, 1), None):
        for tense in ("past", "future", None):
            for text in phrases:
                result = resolve_date(text, anchor, tense)
                if result is None:
                    continue
                assert result.basis in BASES
                assert (result.date is None) == (result.precision is None) == (result.basis == "unresolved")
                assert result.precision is None or result.precision in PRECISIONS
