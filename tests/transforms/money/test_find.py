import math
from datetime import date

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
    ("costs exceeded $9m, not more than €2m, not less than £4m", [
        ("$9m", 9e6, "USD", "over"), ("€2m", 2e6, "EUR", "up_to"), ("£4m", 4e6, "GBP", "at_least")]),
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
    ("the euro's slide on Monday to 1.05 dollars", []),
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
    # symbols after the number
    ("a 15 € ticket, tips of 40 $ and 25€", [("15 €", 15, "EUR", "exact"), ("40 $", 40, "USD", "exact"),
                                            ("25€", 25, "EUR", "exact")]),
    ("paid 5 $10 bills", [("$10", 10, "USD", "exact")]),
    # lower-case and spaced prefixes, renminbi and yuan
    ("c $ 45 million, hk $ 2.1 billion, us$5m and Nz $3m", [
        ("c $ 45 million", 45e6, "CAD", "exact"), ("hk $ 2.1 billion", 2.1e9, "HKD", "exact"),
        ("us$5m", 5e6, "USD", "exact"), ("Nz $3m", 3e6, "NZD", "exact")]),
    ("rmb 300 million, Rmb40m, 20 million RMB, 50元 and 8 kuai", [
        ("rmb 300 million", 3e8, "CNY", "exact"), ("Rmb40m", 4e7, "CNY", "exact"),
        ("20 million RMB", 2e7, "CNY", "exact"), ("50元", 50, "CNY", "exact"), ("8 kuai", 8, "CNY", "exact")]),
    # letters that are also words stay plain dollars when apart from the "$"
    ("A $5 fee, they told us $6 and it's $7", [("$5", 5, "USD", "exact"), ("$6", 6, "USD", "exact"),
                                               ("$7", 7, "USD", "exact")]),
    ("The Australian government told us $6m would come. Acme paid US $8m.", [("$6m", 6e6, "AUD", "exact"),
                                                                           ("US $8m", 8e6, "USD", "exact")]),
    ("half a million usd", [("half a million usd", 5e5, "USD", "exact")]),
    # a code before the scale
    ("40 USD million and 2.5 EUR bn", [("40 USD million", 4e7, "USD", "exact"), ("2.5 EUR bn", 2.5e9, "EUR", "exact")]),
    # compound amounts: the cents belong to the whole units before them
    ("7 dollars 25 cents", [("7 dollars 25 cents", 7.25, "USD", "exact")]),
    ("twelve dollars and sixty cents", [("twelve dollars and sixty cents", 12.6, "USD", "exact")]),
    ("4 euros 20 cents and 3 pounds 50p", [("4 euros 20 cents", 4.2, "EUR", "exact"), ("3 pounds 50p", 3.5, "GBP", "exact")]),
    ("7 dollars, 25 cents", [("7 dollars", 7, "USD", "exact"), ("25 cents", 0.25, "USD", "exact")]),
    ("3 euros 50 pence", [("3 euros", 3, "EUR", "exact"), ("50 pence", 0.5, "GBP", "exact")]),
    ("2 million dollars 25 cents", [("2 million dollars", 2e6, "USD", "exact"), ("25 cents", 0.25, "USD", "exact")]),
    # old newswire currencies
    ("5 billion Ecus, two billion punts, 200 mln taka, 165 mln SDR and 9 billion kronor", [
        ("5 billion Ecus", 5e9, "XEU", "exact"), ("two billion punts", 2e9, "IEP", "exact"),
        ("200 mln taka", 2e8, "BDT", "exact"), ("165 mln SDR", 1.65e8, "XDR", "exact"),
        ("9 billion kronor", 9e9, "SEK", "exact")]),
    # a scaled figure without currency after an amount of its sentence, or the one before, is
    # in that amount's currency; one followed by what it counts is not money
    ("Sales rose to 7.1 billion dlrs from 4.3 billion in 2019.", [
        ("7.1 billion dlrs", 7.1e9, "USD", "exact"), ("4.3 billion", 4.3e9, "USD", "exact")]),
    ("Acme expects losses of 290 mln marks this year, 560 mln in 2021 and about 700 mln in 2022.", [
        ("290 mln marks", 2.9e8, "DEM", "exact"), ("560 mln", 5.6e8, "DEM", "exact"),
        ("700 mln", 7e8, "DEM", "approx")]),
    ("Exports reached $5bn last year. They were 4.5 billion a year earlier.", [
        ("$5bn", 5e9, "USD", "exact"), ("4.5 billion", 4.5e9, "USD", "exact")]),
    ("The plan costs 4 billion euros ($4.4bn), against 3 billion last year.", [
        ("4 billion euros", 4e9, "EUR", "exact"), ("$4.4bn", 4.4e9, "USD", "exact"), ("3 billion", 3e9, "EUR", "exact")]),
    ("It paid $5 million for 3 million shares and 2 million options.", [("$5 million", 5e6, "USD", "exact")]),
    ("Exports reached $5bn. Imports were 4.5 billion tonnes.", [("$5bn", 5e9, "USD", "exact")]),
    ("About 40 million people live there.", []),
    # a hyphen between the number and its scale
    ("a two-billion dlr buyout and a 950-mln dlrs order", [("two-billion dlr", 2e9, "USD", "exact"),
                                                         ("950-mln dlrs", 9.5e8, "USD", "exact")]),
    # how much a price moved, then where it ended: two figures, no range
    ("Oil rose $1.20 to $61.50 on Monday.", [("$1.20", 1.2, "USD", "exact"), ("$61.50", 61.5, "USD", "exact")]),
    ("Tickets cost $20 to $30.", [("$20 to $30", 25, "USD", "range")]),
    # a day of a month is no range's lower end
    ("The ceiling drops on May 15 to 2.1 trillion dlrs.", [("2.1 trillion dlrs", 2.1e12, "USD", "exact")]),
    # cents by weight are a price, not an exchange rate; a sub-unit may name its currency
    ("Copper rose two cents a pound to 71 cents.", [("two cents a pound", 0.02, "USD", "exact"),
                                                    ("71 cents", 0.71, "USD", "exact")]),
    ("Acme earned 12 Canadian cents a share and paid 22 euro cents.", [
        ("12 Canadian cents a share", 0.12, "CAD", "exact"), ("22 euro cents", 0.22, "EUR", "exact")]),
    # percentages, exchange rates, share counts and points
    ("prices rose 15 % and wages 3 percent", []),
    ("sterling fell to 2.5 pounds to the dollar", []),
    ("1 € = 1.10 $", []),
    ("it sold 3 million shares", []),
    ("the index was up 40 points", []),
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
    ("10-15 € per night", "10-15 € per night", 10, 15, 12.5),
    ("10-20 USD million", "10-20 USD million", 10e6, 20e6, 15e6),
    # each end with its currency after it
    ("between 200 euros and 500 euros", "200 euros and 500 euros", 200, 500, 350),
    # the upper end's whole thousands are the lower end's too
    ("$50-100,000", "$50-100,000", 5e4, 1e5, 7.5e4),
])
def test_ranges_distribute_scale_and_currency(text, span, low, high, value):
    [a] = find_amounts(text)
    assert (a.text, a.qualifier, a.value_min, a.value_max, a.value) == (span, "range", low, high, value)


def test_a_conversion_in_a_range_is_its_own_amount():
    found = find_amounts("Tickets cost between 200 euros (£140) and 500 euros.")
    assert [(a.text, a.value, a.currency, a.qualifier, a.value_min, a.value_max) for a in found] == [
        ("200 euros (£140) and 500 euros", 350, "EUR", "range", 200, 500),
        ("£140", 140, "GBP", "exact", None, None)]
    found = find_amounts("between €200 ($220) and €500 ($550)")
    assert [(a.text, a.currency, a.qualifier) for a in found] == [
        ("€200 ($220) and €500", "EUR", "range"), ("$220", "USD", "exact"), ("$550", "USD", "exact")]


def test_a_bracket_makes_no_range_of_ends_that_descend():
    found = find_amounts("between 500 euros (£350) and 200 euros")
    assert [(a.text, a.qualifier) for a in found] == [("500 euros", "exact"), ("£350", "exact"),
                                                      ("200 euros", "exact")]


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
    # a dateline's city is the most populous of its name: London, England, not Ontario
    ("LONDON, March 3 - The government will spend 5 mln dlrs on roads.", "USD"),
    # a story filed from another dollar country counts in its dollar, unless the sentence names the US
    ("TORONTO, March 3 - Acme Ltd earned 79 mln dlrs in the quarter.", "CAD"),
    ("TORONTO, March 3 - Acme sold its American unit for 79 mln dlrs.", "USD"),
    # a company written with its country or base counts in that country's dollar (GOLD.md's
    # convention for newswire "dlrs"); a country the money only goes to does not
    ("Canada's Northgate Minerals said it would spend 40 mln dlrs on a new mill.", "CAD"),
    ("Toronto-based Halden Resources posted a loss of 12 mln dlrs.", "CAD"),
    ("Halden Resources, based in Perth, raised 25 mln dlrs.", "AUD"),
    ("Halden Resources sold 5 mln dlrs of turbines to Canada.", "USD"),
])
def test_a_bare_dollar_is_the_dollar_of_the_government_that_spends_it(text, currency):
    [a] = find_amounts(text)
    assert a.currency == currency


@pytest.mark.parametrize("text, published, currency", [
    # the country the sentence names
    ("The Chilean central bank lent 500 million pesos.", None, "CLP"),
    ("Swiss drugmaker Acme earned 2 billion francs.", None, "CHF"),
    ("A Norwegian court ordered him to pay 100,000 kroner.", None, "NOK"),
    ("Danish brewer Acme earned 3 billion kroner.", None, "DKK"),
    ("Egypt's government will spend 3 billion pounds on roads.", None, "EGP"),
    ("Kenya's treasury set aside 5 billion shillings.", None, "KES"),
    ("Cameroon budgeted 20 billion CFA francs.", None, "XAF"),
    # the city a company is based in
    ("Zurich-based Kessler Bank said profit rose to 45 mln francs.", None, "CHF"),
    ("Kessler Bank, based in Geneva, earned 45 mln francs.", None, "CHF"),
    # the dateline
    ("MANILA, May 2 - The central bank sold 3 billion pesos of bills.", None, "PHP"),
    ("ABIDJAN, March 4 - Growers expect 535 billion CFA francs.", None, "XOF"),
    # the country the story names, and the one it names most often
    ("Argentina's economy shrank again. Farmers lost 40 billion pesos.", date(2020, 5, 1), "ARS"),
    ("Colombia cut rates. The Colombian peso fell. Mexico did not. Exporters earned 5 million pesos.", None, "COP"),
    ("Pakistan raised fuel prices. A litre now costs 90 rupees.", None, "PKR"),
    # which of the country's currencies: by the date, else the latest year written, else the latest
    ("MEXICO CITY, March 3 - The bank lent 40 billion pesos.", date(1987, 3, 3), "MXP"),
    ("MEXICO CITY, March 3 - The bank lent 40 billion pesos.", date(2005, 3, 3), "MXN"),
    ("MEXICO CITY, March 3 - The bank lent 40 billion pesos in 1988.", None, "MXP"),
    ("MEXICO CITY, March 3 - The bank lent 40 billion pesos.", None, "MXN"),
    ("The plan costs 1.3 billion bolivars.", date(1987, 1, 1), "VEB"),
    ("The plan costs 1.3 billion bolivars.", None, "VES"),
    # francs are francs after the euro came; the date prefers the franc still in use
    ("Belgian brewer Acme earned 3 billion francs.", date(1995, 1, 1), "BEF"),
    ("Belgian brewer Acme earned 3 billion francs.", date(2010, 1, 1), "BEF"),
    ("Belgian brewer Acme bought its Swiss rival for 3 billion francs.", date(2010, 1, 1), "CHF"),
    ("Belgian brewer Acme bought its Swiss rival for 3 billion francs.", date(1995, 1, 1), None),
    # no country named: the dominant reading, else nothing
    ("The fine was 20,000 pounds.", None, "GBP"),
    ("A ticket costs 90 rupees.", None, "INR"),
    ("He paid 5 million pesos.", None, None),
    ("It cost 3 billion francs.", None, None),
    ("They owed 100 shillings.", None, None),
])
def test_a_shared_currency_word_is_the_currency_of_the_country_of_the_story(text, published, currency):
    found = find_amounts(text, published=published)
    assert [a.currency for a in found] == ([currency] if currency else [])


def test_bounds_follow_the_qualifier():
    [over] = find_amounts("more than $2 million")
    assert (over.value_min, over.value_max) == (2e6, None)
    [cap] = find_amounts("as much as $2 million")
    assert (cap.value_min, cap.value_max) == (None, 2e6)


# Issue 15, round 2: newswire money forms (invented sentences).
@pytest.mark.parametrize("text, expected", [
    # alternatives sharing the currency and scale written once are a range
    ("Dealers put the sales at perhaps 40 or 50 mln dlrs.", [("40 or 50 mln dlrs", 45e6, "USD", "range")]),
    ("Prices may swing by one or two dollars.", [("one or two dollars", 1.5, "USD", "range")]),
    ("It offered $5 or $6.", [("$5", 5, "USD", "exact"), ("$6", 6, "USD", "exact")]),
    # a bare "$" at a range's upper end is the dollar of its lower end
    ("The placement raised US$40 million to $45 million.", [("US$40 million to $45 million", 42.5e6, "USD", "range")]),
    # two ends each with its currency; after a change word they are two figures
    ("Analysts value the unit at 300 mln dlrs to 1.1 billion dlrs.",
     [("300 mln dlrs to 1.1 billion dlrs", 7e8, "USD", "range")]),
    ("The stock rose 2 dlrs to 40 dlrs.", [("2 dlrs", 2, "USD", "exact"), ("40 dlrs", 40, "USD", "exact")]),
    # a number after a dash that is a percentage is no upper end
    ("The bill reached £30bn - 12% more than planned.", [("£30bn", 3e10, "GBP", "exact")]),
    # "#" for "£" in 7-bit copy, only before a scaled number
    ("The charity held # 4.5 million in the bank.", [("# 4.5 million", 4.5e6, "GBP", "exact")]),
    ("It is the #1 seller and #2 in Europe.", []),
    # singular currency words before a noun
    ("a 20 mln guilder grant and 80 mln Canadian dlr notes", [
        ("20 mln guilder", 2e7, "NLG", "exact"), ("80 mln Canadian dlr", 8e7, "CAD", "exact")]),
    ("Shr loss one ct vs profit two cts", [("one ct", 0.01, "USD", "exact"), ("two cts", 0.02, "USD", "exact")]),
    # a currency joined to its figure by a hyphen
    ("It sold 5 mln 25-cent shares in a 60-dlr-a-share offer.", [
        ("25-cent", 0.25, "USD", "exact"), ("60-dlr-a-share", 60, "USD", "exact")]),
    # "multi-million dollar": at least one of the scale
    ("a multimillion-dollar campaign and a multi-billion euro plan", [
        ("multimillion-dollar", 1e6, "USD", "over"), ("multi-billion euro", 1e9, "EUR", "over")]),
    ("a multi-million contract", []),
    # a currency's word naming a region
    ("The 19 euro zone countries grew.", []),
    # a currency word before a conversion in brackets
    ("He was fined 90,000 marks (dlrs 50,000).", [("90,000 marks", 9e4, "DEM", "exact"),
                                                   ("dlrs 50,000", 5e4, "USD", "exact")]),
    # no currency is priced in itself: the dollar's name before a dollar figure is no rate
    ("A weaker dollar pushed gold above $400 an ounce.", [("$400 an ounce", 400, "USD", "over")]),
    ("The Canadian dollar rose to $0.95.", []),
    # a figure framed as a threshold or a rough level
    ("Oil closed above the $50 mark.", [("$50", 50, "USD", "over")]),
    ("It will sell in the 700,000 dlr range.", [("700,000 dlr", 7e5, "USD", "approx")]),
    # earlier values written without currency
    ("Earnings per share rose to 12 marks from 9.50.", [("12 marks", 12, "DEM", "exact"),
                                                        ("9.50", 9.5, "DEM", "exact")]),
    ("Reserves hit 4.2 billion dlrs, against 3.9 billion a month earlier.", [
        ("4.2 billion dlrs", 4.2e9, "USD", "exact"), ("3.9 billion", 3.9e9, "USD", "exact")]),
    ("It repaid 300 mln dlrs and owes 80 mln due in May.", [("300 mln dlrs", 3e8, "USD", "exact"),
                                                            ("80 mln", 8e7, "USD", "exact")]),
    ("It paid 5 mln dlrs while 2 million registered voters watched.", [("5 mln dlrs", 5e6, "USD", "exact")]),
    # a figure read from the amount before names the currency for the next sentence; ranges too
    ("Losses were 40 mln guilders last year. Unions put them at 30 mln. Others say 17 to 20 mln.", [
        ("40 mln guilders", 4e7, "NLG", "exact"), ("30 mln", 3e7, "NLG", "exact"),
        ("17 to 20 mln", 18.5e6, "NLG", "range")]),
])
def test_newswire_forms(text, expected):
    found = [(a.text, a.value, a.currency, a.qualifier) for a in find_amounts(text)]
    assert found == expected


def test_a_results_table_counts_in_the_currency_written_before_it():
    table = ("BOSTON, May 3 - Shr loss two cts vs loss 15 cts\n\nNet profit 81,000 vs loss 300,000\n\n"
             "Revs 9,100,000 vs 6,000,000\n\nAvg shrs 1,200,000 vs 1,100,000\n\nRevs 31.2 mln vs 20.5 mln\n")
    found = [(a.text, a.value, a.currency) for a in find_amounts(table)]
    assert found == [("two cts", 0.02, "USD"), ("15 cts", 0.15, "USD"), ("81,000", 81e3, "USD"),
                     ("300,000", 3e5, "USD"), ("9,100,000", 9.1e6, "USD"), ("6,000,000", 6e6, "USD"),
                     ("31.2 mln", 31.2e6, "USD"), ("20.5 mln", 20.5e6, "USD")]
    assert find_amounts("Net profit 81,000 vs loss 300,000") == []


@pytest.mark.parametrize("text, published, currencies", [
    # a country's dollar at the story's date: Zimbabwe's in 1986, the US one in 2015
    ("HARARE, May 4 - The state grain board pays growers 150 dlrs a tonne.", date(1986, 5, 4), ["ZWD"]),
    ("HARARE, May 4 - The state grain board pays growers 150 dlrs a tonne.", date(2015, 5, 4), ["USD"]),
    ("HARARE, May 4 - The grain board paid growers 150 dlrs a tonne in 1986.", None, ["ZWD"]),
    # the dollar a sentence names with its symbol, but not in a conversion in brackets
    ("Acme closed at C$12, up 15 cents.", None, ["CAD", "CAD"]),
    ("Profit was A$50m ($35m).", None, ["AUD", "USD"]),
    # a story from another dollar country that reports in US dollars
    ("TORONTO, March 3 - Acme Ltd earned 5.2 mln U.S. dlrs last year. It lost 1.1 mln dlrs this quarter.",
     None, ["USD", "USD"]),
    ("TORONTO, March 3 - Acme earned C$4 mln, or 3 mln U.S. dlrs. It lost 1.1 mln dlrs this quarter.",
     None, ["CAD", "USD", "CAD"]),
])
def test_a_bare_dollar_is_the_dollar_the_story_counts_in(text, published, currencies):
    assert [a.currency for a in find_amounts(text, published=published)] == currencies


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


# The forms added for currencies after the number, spaced prefixes, cents and brackets.
more_forms = st.lists(st.one_of(st.sampled_from(["€", "元", "$", "hk $", "us$", "c $", "rmb", "usd", "USD million",
                                                 "cents", "dollars", "francs", "pesos", "between", "and", "(", ")",
                                                 "Swiss", "Chilean", "1987", "%", "=", "7", "25", "200", "#", "multi-",
                                                 "or", "to", "-", "vs", "from", "dlrs", "mln", "(dlrs", "C$",
                                                 "\nNet profit", "ct", "zone"]),
                                money_like), max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), money_like, phrases, more_forms,
                 st.lists(money_like, max_size=5).map(" and ".join)))
def test_find_amounts_never_breaks(text):
    for a in find_amounts(text):
        assert text[a.start:a.end] == a.text
        assert math.isfinite(a.value) and a.value > 0
        for bound in (a.value_min, a.value_max):
            assert bound is None or (math.isfinite(bound) and bound > 0)
        if a.qualifier == "range":
            assert a.value_min < a.value < a.value_max
