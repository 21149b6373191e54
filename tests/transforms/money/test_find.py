import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.money.find import find_amounts, lexicon, parse_number, parse_spelled

from tests.transforms.money.helpers import money_like, phrases


@pytest.mark.parametrize("text, expected", [
    ("raised the reward to US$20 million", [("US$20 million", 20e6, "USD", "exact")]),
    ("alongside US$15 million rewards", [("US$15 million", 15e6, "USD", "exact")]),
    ("a $1.5bn loan", [("$1.5bn", 1.5e9, "USD", "exact")]),
    ("over $1bn in aid", [("$1bn", 1e9, "USD", "over")]),
    ("about 40m euros", [("40m euros", 40e6, "EUR", "approx")]),
    ("sought 320 mln dlrs in credit", [("320 mln dlrs", 320e6, "USD", "exact")]),
    ("EUR 5m and 7m USD", [("EUR 5m", 5e6, "EUR", "exact"), ("7m USD", 7e6, "USD", "exact")]),
    ("£1,234.50 and €3,5 million", [("£1,234.50", 1234.5, "GBP", "exact"), ("€3,5 million", 3.5e6, "EUR", "exact")]),
    ("C$19 and CA$20 and A$2 billion", [("C$19", 19, "CAD", "exact"), ("CA$20", 20, "CAD", "exact"), ("A$2 billion", 2e9, "AUD", "exact")]),
    ("up to 5 Canadian dollars", [("5 Canadian dollars", 5, "CAD", "up_to")]),
    ("at least £3bn", [("£3bn", 3e9, "GBP", "at_least")]),
    # symbols and prefixes
    ("U.S.$2 billion, AU$3m, NZ$4m, HK$5m, S$6m, R$7m", [
        ("U.S.$2 billion", 2e9, "USD", "exact"), ("AU$3m", 3e6, "AUD", "exact"), ("NZ$4m", 4e6, "NZD", "exact"),
        ("HK$5m", 5e6, "HKD", "exact"), ("S$6m", 6e6, "SGD", "exact"), ("R$7m", 7e6, "BRL", "exact")]),
    ("¥300, ₹5 crore, ₩1,000, ₽100, ₺50 and Bs.200", [
        ("¥300", 300, "JPY", "exact"), ("₹5 crore", 5e7, "INR", "exact"), ("₩1,000", 1000, "KRW", "exact"),
        ("₽100", 100, "RUB", "exact"), ("₺50", 50, "TRY", "exact"), ("Bs.200", 200, "VES", "exact")]),
    ("€3,5 Mio", [("€3,5 Mio", 3.5e6, "EUR", "exact")]),
    ("1.234.567,89 euros", [("1.234.567,89 euros", 1234567.89, "EUR", "exact")]),
    # currency words and old newswire forms
    ("10 pounds sterling, 1,000 yen, 5 yuan, 3 Swiss francs, 100 bolívars, 2 lakh rupees", [
        ("10 pounds sterling", 10, "GBP", "exact"), ("1,000 yen", 1000, "JPY", "exact"),
        ("5 yuan", 5, "CNY", "exact"), ("3 Swiss francs", 3, "CHF", "exact"),
        ("100 bolívars", 100, "VES", "exact"), ("2 lakh rupees", 2e5, "INR", "exact")]),
    ("1.5 billion dlrs, 20 stg, 50 mln marks, DM 50m, 12.5 billion sucres", [
        ("1.5 billion dlrs", 1.5e9, "USD", "exact"), ("20 stg", 20, "GBP", "exact"),
        ("50 mln marks", 5e7, "DEM", "exact"), ("DM 50m", 5e7, "DEM", "exact"),
        ("12.5 billion sucres", 12.5e9, "ECS", "exact")]),
    ("$50k and $2tn", [("$50k", 5e4, "USD", "exact"), ("$2tn", 2e12, "USD", "exact")]),
    # spelled-out numbers
    ("fifty million dollars", [("fifty million dollars", 5e7, "USD", "exact")]),
    ("a quarter of a billion pounds", [("a quarter of a billion pounds", 2.5e8, "GBP", "exact")]),
    ("two-and-a-half billion euros", [("two-and-a-half billion euros", 2.5e9, "EUR", "exact")]),
    ("one hundred and twenty dollars", [("one hundred and twenty dollars", 120, "USD", "exact")]),
    ("three billion dlrs in new loans", [("three billion dlrs", 3e9, "USD", "exact")]),
    # sub-units and per-share prices written in decimals
    ("shares fell 62.5 cents to $41.375", [("62.5 cents", 0.625, "USD", "exact"), ("$41.375", 41.375, "USD", "exact")]),
    ("a 50p coin", [("50p", 0.5, "GBP", "exact")]),
    # qualifiers
    ("under £3m, nearly €4m, roughly $7m, as much as $8m, estimated at $3.2 billion", [
        ("£3m", 3e6, "GBP", "under"), ("€4m", 4e6, "EUR", "approx"), ("$7m", 7e6, "USD", "approx"),
        ("$8m", 8e6, "USD", "up_to"), ("$3.2 billion", 3.2e9, "USD", "approx")]),
    # a restatement is qualified like the figure it restates
    ("over $40 billion (£31bn)", [("$40 billion", 4e10, "USD", "over"), ("£31bn", 3.1e10, "GBP", "over")]),
    ("as much as $12 a share, or $610 million", [("$12 a share", 12, "USD", "up_to"), ("$610 million", 6.1e8, "USD", "up_to")]),
    # a change is two figures, not a range
    ("sales rose from $5m to $7m", [("$5m", 5e6, "USD", "exact"), ("$7m", 7e6, "USD", "exact")]),
    ("gave $5 to 10 people", [("$5", 5, "USD", "exact")]),
    # not money
    ("a 20% rise in 2023 to 5,000 people", []),
    ("TOP 10 tips and ALL 5 of them", []),
    ("the rate was 2.5 pounds to the dollar", []),
    ("the dollar fell to 140 yen in Tokyo", []),
    # results tables: "cts" are cents, and the earlier figure may lack the currency
    ("Shr 1.41 dlrs vs 80 cts", [("1.41 dlrs", 1.41, "USD", "exact"), ("80 cts", 0.8, "USD", "exact")]),
    ("Net 138.20 mln dlrs vs 87.80 mln", [("138.20 mln dlrs", 1.382e8, "USD", "exact"),
                                          ("87.80 mln", 8.78e7, "USD", "exact")]),
    ("Shr 12 cts vs 10", [("12 cts", 0.12, "USD", "exact"), ("10", 0.1, "USD", "exact")]),
    ("Net 12 mln dlrs vs 10", [("12 mln dlrs", 1.2e7, "USD", "exact")]),
    ("Avg shrs 12.5 mln vs 11.2 mln", []),
    # a currency word ending one figure is no exchange rate for the next ("dlrs ... of", "dlrs from")
    ("income of 26 mln dlrs and sales of 473.5 mln dlrs", [("26 mln dlrs", 2.6e7, "USD", "exact"),
                                                           ("473.5 mln dlrs", 4.735e8, "USD", "exact")]),
    ("earnings rose to 70.2 mln dlrs from 64.0 mln dlrs", [("70.2 mln dlrs", 7.02e7, "USD", "exact"),
                                                           ("64.0 mln dlrs", 6.4e7, "USD", "exact")]),
    ("reserves rose 1.23 billion U.S. dlrs in March to 7.77 billion dlrs",
     [("1.23 billion U.S. dlrs", 1.23e9, "USD", "exact"), ("7.77 billion dlrs", 7.77e9, "USD", "exact")]),
    # a year before "to" is no range's lower end
    ("it cut long term debt in 1986 to 900 mln dlrs", [("900 mln dlrs", 9e8, "USD", "exact")]),
    # newswire fractions
    ("Qtly div 7-1/2 cts vs six cts prior", [("7-1/2 cts", 0.075, "USD", "exact"), ("six cts", 0.06, "USD", "exact")]),
    ("One dollar bought 102.55 yen.", []),
    ("with one euro worth $1.3218, and one pound buying $1.9094", []),
    ("the deal was worth $5bn", [("$5bn", 5e9, "USD", "exact")]),
    # a restatement after a semicolon in brackets is qualified like the figure it restates
    ("about 14bn euros ($19bn; £10bn)", [("14bn euros", 1.4e10, "EUR", "approx"),
                                        ("$19bn", 1.9e10, "USD", "approx"), ("£10bn", 1e10, "GBP", "approx")]),
    ("he weighs 175 pounds", []),
    ("police found 20 pounds of cocaine", []),
    ("call 555-1234 or see the 3-2 win in 1999", []),
    ("1-2bn more people", []),
])
def test_find_amounts(text, expected):
    found = [(a.text, a.value, a.currency, a.qualifier) for a in find_amounts(text)]
    assert found == expected


@pytest.mark.parametrize("text, span, low, high, value", [
    ("$10-20 million", "$10-20 million", 10e6, 20e6, 15e6),
    ("between $5m and $7m", "$5m and $7m", 5e6, 7e6, 6e6),
    ("US$300 to 350 million", "US$300 to 350 million", 300e6, 350e6, 325e6),
    ("1-2bn euros", "1-2bn euros", 1e9, 2e9, 1.5e9),
    ("between 310 and 330 mln dlrs", "310 and 330 mln dlrs", 310e6, 330e6, 320e6),
    ("between 2 billion and 6 billion dlrs", "2 billion and 6 billion dlrs", 2e9, 6e9, 4e9),
    # the upper end's scale does not make the lower end 500,000 million
    ("$500,000 to 1 million", "$500,000 to 1 million", 5e5, 1e6, 7.5e5),
    ("about $85 to $95 a share", "$85 to $95 a share", 85, 95, 90),
])
def test_ranges_distribute_scale_and_currency(text, span, low, high, value):
    [a] = find_amounts(text)
    assert (a.text, a.qualifier, a.value_min, a.value_max, a.value) == (span, "range", low, high, value)


@pytest.mark.parametrize("text, unit", [
    ("CA$19 per hour", "hour"), ("$3 a share", "share"), ("£5bn a year", "year"),
    ("a $31-a-share offer", "share"), ("$140 apiece", "each"), ("$5m", None),
])
def test_per_unit_amounts_keep_the_amount_and_record_the_unit(text, unit):
    [a] = find_amounts(text)
    assert a.unit == unit
    assert text.startswith(a.text) or a.text in text


@pytest.mark.parametrize("text, currency", [
    ("The company paid $5m for the plant.", "USD"),
    ("The Australian government will spend $61.5 million on the plant.", "AUD"),
    ("Canada's finance minister announced 20 mln dlrs in relief.", "CAD"),
    # a US mention keeps the US dollar, whatever the other country
    ("The Canadian government and the U.S. agreed on $5m.", "USD"),
    # a country without public bodies in the sentence is no reason to change the dollar
    ("Australian miner BHP earned $5m.", "USD"),
    ("SYDNEY, March 3 - The state government will spend $10 million on roads.", "AUD"),
    ("HONG KONG, April 8 - Exports to the U.S. rose to 5 billion dlrs.", "USD"),
])
def test_a_bare_dollar_is_the_dollar_of_the_government_that_spends_it(text, currency):
    [a] = find_amounts(text)
    assert a.currency == currency


def test_bounds_follow_the_qualifier():
    [over] = find_amounts("more than $2 million")
    assert (over.value_min, over.value_max) == (2e6, None)
    [cap] = find_amounts("as much as $2 million")
    assert (cap.value_min, cap.value_max) == (None, 2e6)


@pytest.mark.parametrize("raw, value", [("12-1/2", 12.5), ("1,234,567", 1234567), ("1.234.567", 1234567),
                                        ("1.5", 1.5), ("3,5", 3.5), ("1,234.5", 1234.5), ("12", 12),
                                        ("41.375", 41.375), ("1.234,5", 1234.5)])
def test_parse_number(raw, value):
    assert parse_number(raw) == value


@pytest.mark.parametrize("raw, value", [("fifty", 50), ("twenty-five", 25), ("one hundred and twenty", 120),
                                        ("two and a half", 2.5), ("half a", 0.5), ("a quarter of a", 0.25),
                                        ("nonsense", None)])
def test_parse_spelled(raw, value):
    assert parse_spelled(raw, lexicon()) == value


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), money_like, phrases, st.lists(money_like, max_size=5).map(" and ".join)))
def test_find_amounts_never_breaks(text):
    for a in find_amounts(text):
        assert text[a.start:a.end] == a.text
        assert math.isfinite(a.value) and a.value > 0
        for bound in (a.value_min, a.value_max):
            assert bound is None or (math.isfinite(bound) and bound > 0)
        if a.qualifier == "range":
            assert a.value_min < a.value < a.value_max
