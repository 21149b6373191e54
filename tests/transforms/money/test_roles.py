import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.extract import sentence_locator
from transforms.money import amount_rows, find_amounts, parse_number, parse_spelled, lexicon
from transforms.schemas import AMOUNTS, PURPOSES, QUALIFIERS


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


def test_amount_rows_on_the_seed_sentence(nlp):
    text = ("Next Steps Uncertain\nWashington has also raised the reward for information leading to "
            "Maduro's arrest to US$50 million, alongside US$25 million rewards for several officials.")
    doc = nlp(text)
    rows = amount_rows(doc, "doc_x", sentence_locator(doc))
    assert [(r["text"], r["value"], r["purpose"], r["sentence_index"]) for r in rows] == [
        ("US$50 million", 50e6, "reward", 1), ("US$25 million", 25e6, "reward", 1)]
    assert all(text[r["start"]:r["end"]] == r["text"] for r in rows)
    assert rows[0]["amount_id"] != rows[1]["amount_id"]


money_like = st.text(alphabet=st.sampled_from(list("0123456789.,$€£¥ mbnkMUSDEURdlrsollareuo-–()")), max_size=40)
words = st.sampled_from(["between", "and", "to", "from", "about", "over", "up to", "a", "share", "per",
                         "hour", "fifty", "two", "half a", "a quarter of a", "million", "billion", "mln",
                         "dlrs", "cents", "pounds", "of", "euros", "US$", "A$", "$", "£", "(", ")", ", or",
                         "the dollar", "government", "Australian", "1,000", "3,5", "1.234.567", "-", "%"])
phrases = st.lists(st.one_of(words, money_like), max_size=12).map(" ".join)


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


@settings(max_examples=50, deadline=None)
@given(phrases)
def test_amount_rows_never_break(nlp, text):
    doc = nlp(text)
    for row in amount_rows(doc, "doc_x", sentence_locator(doc)):
        assert text[row["start"]:row["end"]] == row["text"]
        assert set(row) == set(AMOUNTS.column_names) - {"extractor_version"}  # stamped by the flow
        assert row["purpose"] in PURPOSES and row["qualifier"] in QUALIFIERS


def parsed(words, spaces, heads, deps, pos, lemmas, ents):
    """A hand-parsed Doc, so the parse-based rules are tested without a trained model."""
    from spacy.lang.en import English
    from spacy.tokens import Doc, Span

    doc = Doc(English().vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, lemmas=lemmas)
    doc.ents = [Span(doc, s, e, label=label) for s, e, label in ents]
    return doc


def test_roles_and_purpose_from_the_parse():
    from transforms.entities import entity_id

    doc = parsed(["The", "Fund", "will", "lend", "Kenya", "$", "2bn", "."],
                 [True, True, True, True, True, False, False, False],
                 [1, 3, 3, 3, 3, 3, 5, 3],
                 ["det", "nsubj", "aux", "ROOT", "dative", "dobj", "nummod", "punct"],
                 ["DET", "PROPN", "AUX", "VERB", "PROPN", "SYM", "NUM", "PUNCT"],
                 ["the", "Fund", "will", "lend", "Kenya", "$", "2bn", "."],
                 [(1, 2, "ORG"), (4, 5, "GPE")])
    [row] = amount_rows(doc, "d", sentence_locator(doc))
    assert (row["text"], row["purpose"]) == ("$2bn", "loan")
    assert row["payer_entity_id"] == entity_id("ORG", "Fund")
    assert row["subject_entity_id"] == entity_id("GPE", "Kenya")
    assert row["payer_text"] is None and row["subject_text"] is None


def test_the_passive_subject_of_a_penalty_pays_it():
    from transforms.entities import entity_id

    doc = parsed(["Halvorsen", "was", "fined", "$", "40,000", "."],
                 [True, True, True, False, False, False],
                 [2, 2, 2, 2, 3, 2],
                 ["nsubjpass", "auxpass", "ROOT", "dobj", "nummod", "punct"],
                 ["PROPN", "AUX", "VERB", "SYM", "NUM", "PUNCT"],
                 ["Halvorsen", "be", "fine", "$", "40,000", "."],
                 [(0, 1, "ORG")])
    [row] = amount_rows(doc, "d", sentence_locator(doc))
    assert (row["value"], row["purpose"]) == (40000, "fine")
    assert row["payer_entity_id"] == row["subject_entity_id"] == entity_id("ORG", "Halvorsen")


def test_without_a_parse_roles_stay_empty_and_restatements_share_the_purpose(nlp):
    from transforms.nlp import load_pipeline

    blank = load_pipeline("blank:en")
    doc = blank("Kenya agreed to borrow $2bn (£1.6bn) from the Fund. Nurses earn $31 an hour.")
    rows = amount_rows(doc, "d", sentence_locator(doc))
    assert [(r["text"], r["purpose"], r["unit"]) for r in rows] == [
        ("$2bn", "loan", None), ("£1.6bn", "loan", None), ("$31 an hour", "salary", "hour")]
    assert all(r[k] is None for r in rows for k in ("subject_entity_id", "subject_text",
                                                    "payer_entity_id", "payer_text"))


def _ud(sentence):
    """Rows of "word head-index UD-label UPOS [lemma]" -> parsed() arguments."""
    rows = [row.split() for row in sentence.strip().splitlines()]
    words = [r[0] for r in rows]
    spaces = [not (i + 1 < len(rows) and words[i + 1] in (".", ",", "'s") or w == "$")
              for i, w in enumerate(words)]
    lemmas = [r[4] if len(r) > 4 else r[0].lower() for r in rows]
    return (words, spaces, [int(r[1]) for r in rows], [r[2] for r in rows], [r[3] for r in rows],
            lemmas)


# Hand-parsed news sentences in Universal Dependencies (the bundled pipeline's scheme).
ROLE_CASES = [
    # a figure the money counts is the article's company's, even with its verb read as an adjective
    ("""Acme 1 nsubj PROPN
reported 3 amod VERB report
net 3 compound ADJ
income 3 ROOT NOUN
of 5 case ADP
$ 3 nmod SYM
26 7 compound NUM
million 5 nummod NUM
. 3 punct PUNCT""", [(0, 1, "ORG")], "$26 million", ("ORG", "Acme"), None),
    # a conversion read as the object of "pay" is the same money, not what it is paid for
    ("""Acme 2 nsubj PROPN
will 2 aux AUX
pay 2 ROOT VERB pay
400m 4 nummod NUM
yuan 2 iobj NOUN
( 6 punct PUNCT
$ 2 obj SYM
58m 6 nummod NUM
) 6 punct PUNCT
once 12 mark SCONJ
the 11 det DET
board 12 nsubj NOUN
approves 2 advcl VERB approve
. 2 punct PUNCT""", [(0, 1, "ORG")], "400m yuan", ("ORG", "Acme"), ("ORG", "Acme")),
    # a demonym describes the noun it modifies: the phrase is the subject, not "Venezuelan"
    ("""London 1 nsubj PROPN
offered 1 ROOT VERB offer
$ 5 compound SYM
5 4 compound NUM
million 2 nummod NUM
rewards 1 obj NOUN reward
for 10 case ADP
several 10 amod ADJ
senior 10 amod ADJ
Colombian 10 amod ADJ
officials 5 nmod NOUN official
. 1 punct PUNCT""", [(0, 1, "GPE"), (9, 10, "NORP")], "$5 million",
     ("text", "several senior Colombian officials"), ("GPE", "London")),
    # a participle in between does not hide the clause's verb and its subject, the payer
    ("""Bogota 1 nsubj PROPN
raised 1 ROOT VERB raise
the 3 det DET
reward 1 obj NOUN
for 5 case ADP
information 3 nmod NOUN
leading 5 acl VERB lead
to 10 case ADP
Ortega 10 nmod:poss PROPN
's 8 case PART
arrest 6 obl NOUN
to 12 case ADP
$ 6 obl SYM
3 14 compound NUM
million 12 nummod NUM
. 1 punct PUNCT""", [(0, 1, "GPE"), (8, 9, "PERSON")], "$3 million",
     ("PERSON", "Ortega"), ("GPE", "Bogota")),
    # a relative pronoun stands for the noun its clause modifies
    ("""The 1 det DET
shortfall 9 nsubj NOUN
, 4 punct PUNCT
which 4 nsubj PRON
reached 1 acl:relcl VERB reach
$ 4 obj SYM
40 7 compound NUM
billion 5 nummod NUM
, 4 punct PUNCT
fell 9 ROOT VERB fall
. 9 punct PUNCT""", [], "$40 billion", ("text", "The shortfall"), None),
    # an infinitive shares its subject with the verb above; a borrower's lender pays
    ("""Kenya 1 nsubj PROPN
agreed 1 ROOT VERB agree
to 3 mark PART
borrow 1 xcomp VERB
$ 3 obj SYM
2bn 4 nummod NUM
from 8 case ADP
the 8 det DET
Fund 3 obl PROPN
. 1 punct PUNCT""", [(0, 1, "GPE"), (8, 9, "ORG")], "$2bn", ("GPE", "Kenya"), ("ORG", "Fund")),
    # ... unless the verb above lends its object ("asked Bolt to repay")
    ("""Acme 1 nsubj PROPN
asked 1 ROOT VERB ask
Bolt 1 obj PROPN
to 4 mark PART
repay 1 xcomp VERB
a 8 det DET
$ 8 compound SYM
300m 6 nummod NUM
loan 4 obj NOUN
. 1 punct PUNCT""", [(0, 1, "ORG"), (2, 3, "ORG")], "$300m", ("ORG", "Bolt"), ("ORG", "Bolt")),
    # a claim: the claimant is the subject, the one sued pays; a demonym is no payer
    ("""Acme 1 nsubj PROPN
sued 1 ROOT VERB sue
the 4 det DET
Polish 4 amod ADJ
government 1 obj NOUN
for 6 case ADP
$ 1 obl SYM
2bn 6 nummod NUM
. 1 punct PUNCT""", [(0, 1, "ORG"), (3, 4, "NORP")], "$2bn",
     ("ORG", "Acme"), ("text", "the Polish government")),
    # money as a passive subject goes to what "to" introduces
    ("""A 3 det DET
further 3 amod ADJ
20m 3 nummod NUM
euros 6 nsubj:pass NOUN euro
will 6 aux AUX
be 6 aux:pass AUX
made 6 ROOT VERB make
available 6 xcomp ADJ
to 10 case ADP
dairy 10 compound NOUN
cooperatives 6 obl NOUN cooperative
. 6 punct PUNCT""", [], "20m euros", ("text", "dairy cooperatives"), None),
    # a figure's own name gives way to its owner: a segment named in front of the clause
    ("""In 3 case ADP
the 3 det DET
plastics 3 compound NOUN plastic
division 6 obl NOUN
, 3 punct PUNCT
profit 6 nsubj NOUN
rose 6 ROOT VERB rise
to 8 case ADP
$ 6 obl SYM
90 10 compound NUM
million 8 nummod NUM
. 6 punct PUNCT""", [], "$90 million", ("text", "the plastics division"), None),
    # ... or, with no owner in sight, the company the article is about
    ("""Acme 1 nsubj PROPN
said 1 ROOT VERB say
sales 3 nsubj NOUN
rose 1 ccomp VERB rise
to 5 case ADP
$ 3 obl SYM
4.2 7 compound NUM
billion 5 nummod NUM
. 1 punct PUNCT""", [(0, 1, "ORG")], "$4.2 billion", ("ORG", "Acme"), None),
    # "the company" is the article's company
    ("""Acme 1 nsubj PROPN
said 1 ROOT VERB say
the 3 det DET
company 4 nsubj NOUN
earned 1 ccomp VERB earn
$ 4 obj SYM
130 7 compound NUM
million 5 nummod NUM
. 1 punct PUNCT""", [(0, 1, "ORG")], "$130 million", ("ORG", "Acme"), None),
]


@pytest.mark.parametrize("sentence, ents, amount, subject, payer", ROLE_CASES)
def test_roles_on_news_sentence_shapes(sentence, ents, amount, subject, payer):
    from transforms.entities import entity_id

    doc = parsed(*_ud(sentence), ents)
    [row] = [r for r in amount_rows(doc, "d", sentence_locator(doc)) if r["text"] == amount]
    for prefix, expected in (("subject", subject), ("payer", payer)):
        got = (row[f"{prefix}_entity_id"], row[f"{prefix}_text"])
        if expected is None:
            assert got == (None, None), prefix
        elif expected[0] == "text":
            assert got == (None, expected[1]), prefix
        else:
            assert got == (entity_id(*expected), None), prefix



def _facts(nlp, text):
    """(text, purpose, subject, payer) of each amount the shipped pipeline finds in text; an
    entity role is written as the entity's text, a phrase role as the phrase."""
    from transforms.entities import entity_id

    doc = nlp(text)
    names = {entity_id(e.label_, e.text): e.text for e in doc.ents}
    return [(r["text"], r["purpose"],
             names.get(r["subject_entity_id"]) or r["subject_text"],
             names.get(r["payer_entity_id"]) or r["payer_text"])
            for r in amount_rows(doc, "d", sentence_locator(doc))]


# Invented newswire sentences, parsed by the shipped pipeline.

@pytest.mark.parametrize("text, earlier", [
    ("Halvorsen Industries lifted its annual dividend to $0.85 a share from $0.70.", "$0.70"),
    ("Brantley Foods reported net income of $640 million, up 4% from $615 million.", "$615 million"),
])
def test_an_earlier_value_of_a_figure_shares_its_facts(nlp, text, earlier):
    rows = _facts(nlp, text)
    [now] = [r for r in rows if r[0] != earlier]
    [before] = [r for r in rows if r[0] == earlier]
    assert before[1:] == now[1:]


@pytest.mark.parametrize("text, amount, purpose", [
    # a dividend is paid to shareholders: none of the contract's kinds
    ("Halvorsen Industries lifted its annual dividend to $0.85 a share.", "$0.85 a share", "other"),
    # money put aside is budgeted
    ("The treasury will set aside $2 billion for flood defences.", "$2 billion", "budget"),
    # a price per share paid in a takeover is the price, not the deal
    ("Kestrel Partners agreed to buy the retailer for $14.50 a share in cash.", "$14.50 a share", "price"),
    # a deal is of the kind the word in front of it names
    ("A $2 billion rescue package deal for dairy farmers was blocked by parliament.", "$2 billion", "aid"),
    ("Lawmakers blocked a $2 billion loan deal with the bank.", "$2 billion", "loan"),
])
def test_purpose_on_newswire_sentences(nlp, text, amount, purpose):
    assert [r[1] for r in _facts(nlp, text) if r[0] == amount] == [purpose]


@pytest.mark.parametrize("text, subject", [
    # "sales" (lemma "sale") names a figure as much as "revenue" does: the article's company's
    ("Orlen Steel Corp. makes pipes. Sales grew 7% to $2.6 billion in the year.", "Orlen Steel Corp."),
    # a copular clause has no verb above the amount; "in the second quarter" says when, not whose
    ("Orlen Steel Corp. makes pipes. Sales in the second quarter were $2.6 billion.", "Orlen Steel Corp."),
    # a company described by its home town is the article's company
    ("Orlen Steel Corp. makes pipes. The Pittsburgh, Pa., company reported net income of $40 million.",
     "Orlen Steel Corp."),
    # the possessor of the amount is whose money it is
    ("Orlen Steel Corp. makes pipes. The strike hits a tenth of the firm's 12.5 billion dlrs in "
     "yearly sales.", "Orlen Steel Corp."),
    # a plural description is not the article's one company
    ("Orlen Steel cut jobs. The three banks have received $5 billion in state loans.", "The three banks"),
])
def test_whose_figure_it_is(nlp, text, subject):
    [row] = _facts(nlp, text)
    assert row[2] == subject


def test_this_sum_is_the_money_named_before(nlp):
    rows = _facts(nlp, "The merger would save the council £12m a year, officials said. That sum is "
                       "roughly $15 million at market rates.")
    assert [r[2] for r in rows] == ["the council", "the council"]


def test_an_earlier_figure_compared_with_is_the_same_figure_s(nlp):
    rows = _facts(nlp, "Net profit was $186m (£98m; 143m euros) in the quarter, compared with $1.13bn "
                       "in the same period in 2003.")
    assert [r[2] for r in rows] == ["Net profit"] * 4


def test_a_results_table_line_is_the_article_s_company(nlp):
    rows = _facts(nlp, "Halvorsen Corp said fourth quarter results improved.\n\nShr 1.41 dlrs vs 80 cts\n\n"
                       "Net 138.20 mln dlrs vs 87.80 mln\n")
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (amount, "revenue", "Halvorsen Corp") for amount in ("1.41 dlrs", "80 cts", "138.20 mln dlrs", "87.80 mln")]


def test_a_year_says_when_not_whose(nlp):
    rows = _facts(nlp, "Halvorsen Corp. makes boots. Pre-tax profit for 2004 was £15.4m ($29.4m).")
    assert [r[2] for r in rows] == ["Halvorsen Corp.", "Halvorsen Corp."]


def test_the_dateline_place_is_no_actor(nlp):
    rows = _facts(nlp, "DENVER, May 2 - The strike will delay repayment of its 2 billion dlr debt, "
                       "Halvorsen Corp. said.")
    assert [r[2:] for r in rows] == [("Halvorsen Corp.", "Halvorsen Corp.")]


def test_which_on_a_verb_is_the_noun_right_before_it(nlp):
    rows = _facts(nlp, "The tender went to Ostrava, which offered $31 a share and kept the board.")
    assert [r[3] for r in rows] == ["Ostrava"]


@pytest.mark.parametrize("text, subject, payer", [
    # what the amount itself is for, or what a participle on it spends it on
    ("Finance Minister Ana Ruiz said she would set aside $500m for flood defences.",
     "flood defences", "Ana Ruiz"),
    ("Critics contrasted it with the £80m needed for the new bypass.", "the new bypass", None),
    # a long phrase keeps its head and loses its last modifiers; a possessor of what is not
    # money is part of the phrase, not the subject
    ("Critics contrasted it with the £80m needed for Scotland's share of the cost of the new "
     "northern bypass.", "Scotland's share", None),
    # what a figure prices is what the money concerns; a buyer's possessive pays
    ("The charity has urged wealthy donors to fund a $4bn plan to fight malaria.", "plan", "wealthy donors"),
    ("The army will review a dozen contracts worth $2bn.", "a dozen contracts", None),
    ("The auditors questioned the navy's $30 billion frigate contract.", "frigate contract", "the navy"),
    # ... unless the clause's subject is a party to it
    ("Halvorsen Industries Inc. lost a $3bn defence contract last year.", "Halvorsen Industries Inc.", None),
    # what a deal is for, whatever words stand in front of "deal"; a loan's lender pays
    ("A $2 billion rescue package deal for dairy farmers was blocked by parliament.", "dairy farmers", None),
    ("Lawmakers blocked a $2 billion loan deal with the bank.", "Lawmakers", "the bank"),
    ("Kenya's new $1bn credit line from the World Bank was approved in March.", "Kenya", "World Bank"),
    # a buyer's possessive on the deal, wherever the parser hangs it
    ("Ostrava Holdings Corp. finalised its $700 million acquisition of Halvorsen Corp. last week.",
     "Halvorsen Corp.", "Ostrava Holdings Corp."),
    # money's noun given to someone by a participle goes to them
    ("The ministry cancelled $2bn worth of contracts awarded to local builders.", "local builders", None),
    # a part of a company bought concerns the company
    ("Ostrava Holdings agreed to buy a 20% stake in Halvorsen Corp. for $2 billion.",
     "Halvorsen Corp.", "Ostrava Holdings"),
    ("Ostrava Holdings paid $300 million for the shipping unit of Halvorsen Corp.",
     "Halvorsen Corp.", "Ostrava Holdings"),
    # whose debt it is owes it
    ("Argentina's $95 billion foreign debt is owed mostly to private banks.", "Argentina", "Argentina"),
    ("Halvorsen Corp. has stopped servicing its $800 million debt.", "Halvorsen Corp.", "Halvorsen Corp."),
    ("Chile will restructure its loans, the finance minister said. The government would seek to "
     "refinance the 2 billion dlr portion of the debt held by foreign banks.", "Chile", "Chile"),
    # "the Dutch government" is the Netherlands', not the article's most named country ...
    ("The United States has pledged support. Halvorsen Corp. said the Dutch government would lend "
     "it $2 million.", "Halvorsen Corp.", "the Dutch government"),
    # ... and the country itself where the article names it
    ("Russia denies the claims. Halvorsen Corp. has sued the Russian government for $3bn over the "
     "seizure.", "Halvorsen Corp.", "Russia"),
    # money made available to someone goes to them
    ("Another $20m is to be made available to small farmers.", "small farmers", None),
    # the possessor of money is whose money it is
    ("Portugal's $2bn loan was approved on Monday.", "Portugal", None),
    # "from" after a verb of receiving names the payer, hung on the money's phrase or a time word
    ("Halvorsen had already received $1.5 million in bridge financing from the German government.",
     "Halvorsen", "the German government"),
    ("Peru is seeking between 437 and 450 mln dlrs in loans this year from multilateral "
     "organisations and foreign governments.", "Peru", "multilateral organisations"),
])
def test_subject_and_payer_on_newswire_sentences(nlp, text, subject, payer):
    [row] = _facts(nlp, text)
    assert row[2:] == (subject, payer)


@pytest.mark.parametrize("text, subject", [
    # the owner of a figure named above the amount, even when the parser hangs "a share" apart
    ("Brokers expect 2025 Halvorsen earnings in the region of $2.10 a share.", "Halvorsen"),
    # whom money is spared or lost by
    ("The merger would save the council £12m a year, officials said.", "the council"),
    # a present participle on an actor has that actor as its subject
    ("Shipyards struggled last year, with the Halvorsen Marine Company posting a $900 million loss.",
     "Halvorsen Marine Company"),
    # what an estimate puts at the amount, through the value of it
    ("Analysts estimate the value of the Ostrava offer at about $40 to $45 a share.", "the Ostrava offer"),
    # a copular clause under a verb of saying: the money is its subject's, not the speaker's
    ("The budget deficit is about $40bn this year, the minister said.", "The budget deficit"),
    ("\"Halvorsen's cash flow is at a healthy rate of about 12 dlrs per share annually,\" Doyle said.",
     "Halvorsen's cash flow"),
    # a figure reported for a part of the company is the part's, wherever the parser hangs it
    ("In the pharmaceuticals segment, which includes vaccines, profit rose to $52 million.",
     "the pharmaceuticals segment"),
    # parts nest: the value of a holding is the holder's, a company's stock the company's
    ("Ostrava Corp. said the value of its Halvorsen shareholding had fallen to $2.1bn since 2019.",
     "Ostrava Corp."),
    ("Shares of Halvorsen Corp. rose $1.50 a share on the Nasdaq yesterday.", "Halvorsen Corp."),
    # a loan is the borrower's, whoever is asked to repay it
    ("Zenco Corp. has asked Halvorsen to repay a $900m loan that Ostrava Lines had secured on its "
     "assets.", "Ostrava Lines"),
    # a company described by its home town is still the article's company
    ("Halvorsen Corp. raised its dividend. The Wilmington, Del., company reported net of $547 million.",
     "Halvorsen Corp."),
    # "its" is the nearest subject before it, not the article's most named organisation
    ("The United Steelworkers union rejected the offer. The United Steelworkers said on Monday "
     "that Halvorsen Corp. was cutting its debt to $4.5 billion.", "Halvorsen Corp."),
    # the whole a part belongs to, even with its "of" hung on the verb
    ("Ostrava Corp. completed its takeover on Monday, purchasing 63 million shares, or 86%, of "
     "Halvorsen Corp. for $26.50 a share.", "Halvorsen Corp."),
    # a headline's priced noun hung on the amount
    ("Air Force $40 billion tanker contract, citing major flaws in the procurement process.",
     "tanker contract"),
    # a change "to" or "by" an amount concerns what is changed
    ("Halvorsen Corp. will raise the annual payout to pensioners by $40 million.", "pensioners"),
    ("Ostrava Corp. raised its quarterly dividend to $1.20 a share.", "Ostrava Corp."),
    # a passive's subject is what is changed, even hung on an auxiliary
    ("Plans to expand the port are to be boosted by an extra $3.5m in funding.", "Plans"),
    ("Cold weather in the north has pushed heating oil prices above $3 a gallon for the first time.",
     "heating oil prices"),
    ("Heavy spending by the government has pushed the budget deficit to a record $427bn.",
     "the budget deficit"),
    ("Spending on schools will be increased by $40m next year.", "Spending on schools"),
    # the first of two objects is whom the money goes to, however the parser hung it; the
    # possessive before it is that object's, not the amount's
    ("The government is to hand its struggling wine industry 70m euros in aid.", "wine industry"),
    ("The ministry will pay farmers $300 each.", "farmers"),
    # people named by their role are those people, not what their clause mentions
    ("Washington offered $5 million rewards for three senior army officers facing US charges.",
     "three senior army officers"),
    # a phrase holding the amount is not what the amount is for: the amount prices its noun
    ("Auditors criticised the bidding for the Royal Navy $30 billion frigate contract.", "frigate contract"),
    # a participle on the money noun the amount counts says whom it is for
    ("Lawmakers want the president to reserve part of the $700 billion rescue package earmarked "
     "for small banks.", "small banks"),
    # a stake hung on the amount as an apposition is what is bought; its owner what it concerns
    ("Ostrava Corp. agreed to buy for $1.2 billion the 40% equity interest of its partner, "
     "Halvorsen Corp., in a shipping venture.", "Halvorsen Corp."),
    # a verb the tagger read as a noun still has its object ("cost" tagged NN)
    ("Peru has appealed for aid. President Ana Ruiz says the earthquake cost the country one "
     "billion dlrs in losses and left 1,000 people dead.", "Peru"),
    # a gerund clause right before a verb with an auxiliary is that verb's subject
    ("She warned keeping the old reactors in service would cost another £2bn a year.",
     "keeping the old reactors in service"),
    # what money is spent on, with "on" hung on the per-unit word
    ("The private sector was spending £60m a year on developing new antibiotics.",
     "developing new antibiotics"),
    # whom given money goes to, named inside a phrase of the verb; the money that the amount
    # is a part of is not what it concerns
    ("The bulk of the money - about 30m euros - will be offered in the form of cheap loans to "
     "small farmers.", "small farmers"),
    ("About $30m of the aid will be provided as grants to small farmers.", "small farmers"),
    # a copular clause about the money says whom it is for
    ("\"I think a 1 billion dlr settlement would be more than adequate for Halvorsen,\" he said.",
     "Halvorsen"),
    ("The $2bn package is crucial for small farmers.", "small farmers"),
    # a shortfall is a figure of what it is in
    ("Economists say there is a $20bn \"black hole\" in the state budget.", "the state budget"),
])
def test_subject_from_the_clause_around_the_amount(nlp, text, subject):
    [row] = _facts(nlp, text)
    assert row[2] == subject


def test_a_priced_noun_after_a_conversion_in_brackets(nlp):
    # "£2bn" and "plan" read as two objects of "fund", the conversion between them
    rows = _facts(nlp, "Campaigners urged rich nations to fund a £2bn ($3bn) plan to clean up the river.")
    assert [r[2] for r in rows] == ["plan", "plan"]


def test_shares_are_the_company_s_even_hung_on_the_phrase_before(nlp):
    rows = _facts(nlp, "In composite trading Friday on the New York Stock Exchange, Halvorsen shares fell "
                       "87.5 cents to $52.125.")
    assert [r[2] for r in rows] == ["Halvorsen", "Halvorsen"]


@pytest.mark.parametrize("text, company", [
    # the parser reads "rose" as a noun and hangs "Halvorsen's" apart from "stock"
    ("Halvorsen's stock rose $2.50 a share to close at $117.375 in New York Stock Exchange "
     "composite trading yesterday.", "Halvorsen"),
    # "to close at" is no infinitive of paying: "on the Nasdaq" is not what the money is for
    ("Ostrava's shares fell 75 cents to close at $31.25 on the Nasdaq.", "Ostrava"),
])
def test_a_price_move_and_where_it_closed_are_the_stock_s(nlp, text, company):
    assert [r[2] for r in _facts(nlp, text)] == [company, company]


def test_a_date_is_never_whom_money_concerns(nlp):
    [row] = _facts(nlp, "The government will impose $300 million of tariffs on steel imports on April 17.")
    assert "April" not in (row[2] or "")


def test_a_segment_hung_on_the_earlier_figure_is_still_the_clause_s(nlp):
    rows = _facts(nlp, "Profit climbed to $98 million from $71 million in the petroleum segment, as "
                       "Halvorsen's refining unit benefited from higher oil prices.")
    assert [r[2] for r in rows] == ["the petroleum segment", "the petroleum segment"]


@pytest.mark.parametrize("text, subject, payer", [
    ("Ostrava Corp. cut its dividend. A spokesman for Halvorsen Corp., the Oslo shipping group, "
     "said the company will post additional profit of about $40 million a year.", "Halvorsen Corp.", None),
    ("Ostrava Corp. cut its dividend. An official at Halvorsen Corp. said it would lend $3bn to "
     "the government.", "the government", "Halvorsen Corp."),
    # a long apposition after the company loses the speaker in the parse; the role word stays
    ("Ostrava Corp. cut its dividend. A spokesman for Halvorsen Corp., the Oslo shipping and logistics "
     "concern controlled by the Brenner family, said the company will post additional profit of about "
     "$40 million a year.", "Halvorsen Corp.", None),
])
def test_the_company_a_speaker_speaks_for(nlp, text, subject, payer):
    [row] = _facts(nlp, text)
    assert row[2:] == (subject, payer)


@pytest.mark.parametrize("text, subject", [
    # a person described first and named in the next sentence
    ("A former finance director at Halvorsen Corp. has received a jail sentence and a fine of "
     "$150,000. John Doyle admitted his guilt in court.", "John Doyle"),
    # someone named before the description may be the one meant: the description stays
    ("Judge Mary Lane said a former director at Halvorsen Corp. must pay $150,000. John Doyle "
     "admitted his guilt.", "a former director at Halvorsen Corp."),
])
def test_a_person_described_before_being_named(nlp, text, subject):
    [row] = _facts(nlp, text)
    assert row[2] == subject


def test_who_receives_a_fine_pays_it(nlp):
    [row] = _facts(nlp, "A former finance director at Halvorsen Corp. has received a jail sentence and a "
                        "fine of $150,000. John Doyle admitted his guilt in court.")
    assert row[1:] == ("fine", "John Doyle", "John Doyle")


def test_a_figure_whose_verb_was_read_as_a_participle_is_still_the_company_s(nlp):
    # "Sales increased ..." parsed as a noun with a participle after it
    rows = _facts(nlp, "Ostrava Corp. reported its results on Tuesday.\n\nSales increased 10% to $2.6 billion "
                       "from $2.4 billion.\n\nThe board met.")
    assert [r[2] for r in rows] == ["Ostrava Corp.", "Ostrava Corp."]


def test_a_subject_hung_on_an_auxiliary_is_the_verb_s():
    # the parse a model gave "Efforts ... are to be boosted by $3.5m" inside an article
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from transforms.money import _subject_of

    words = ["Efforts", "are", "to", "be", "boosted", "by", "$", "3.5m", "."]
    doc = Doc(Vocab(), words=words, heads=[1, 4, 4, 4, 4, 6, 4, 6, 4],
              deps=["nsubj", "aux", "mark", "aux:pass", "ROOT", "case", "obl:agent", "nummod", "punct"],
              pos=["NOUN", "AUX", "PART", "AUX", "VERB", "ADP", "SYM", "NUM", "PUNCT"])
    assert _subject_of(doc[4]).text == "Efforts"
