import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.money import amount_rows, find_amounts, parse_number
from transforms.extract import sentence_locator


@pytest.mark.parametrize("text, expected", [
    ("raised the reward to US$50 million", [("US$50 million", 50e6, "USD", "exact")]),
    ("alongside US$25 million rewards", [("US$25 million", 25e6, "USD", "exact")]),
    ("a $1.5bn loan", [("$1.5bn", 1.5e9, "USD", "exact")]),
    ("over $1bn in aid", [("$1bn", 1e9, "USD", "over")]),
    ("about 40m euros", [("40m euros", 40e6, "EUR", "approx")]),
    ("sought 450 mln dlrs in credit", [("450 mln dlrs", 450e6, "USD", "exact")]),
    ("EUR 5m and 7m USD", [("EUR 5m", 5e6, "EUR", "exact"), ("7m USD", 7e6, "USD", "exact")]),
    ("£1,234.50 and €3,5 million", [("£1,234.50", 1234.5, "GBP", "exact"), ("€3,5 million", 3.5e6, "EUR", "exact")]),
    ("C$19 and CA$20 and A$2 billion", [("C$19", 19, "CAD", "exact"), ("CA$20", 20, "CAD", "exact"), ("A$2 billion", 2e9, "AUD", "exact")]),
    ("up to 5 Canadian dollars", [("5 Canadian dollars", 5, "CAD", "up_to")]),
    ("at least £3bn", [("£3bn", 3e9, "GBP", "at_least")]),
    ("a 20% rise in 2023 to 5,000 people", []),
    ("TOP 10 tips and ALL 5 of them", []),
])
def test_find_amounts(text, expected):
    found = [(a.text, a.value, a.currency, a.qualifier) for a in find_amounts(text)]
    assert found == expected


def test_bounds_follow_the_qualifier():
    [over] = find_amounts("more than $2 million")
    assert (over.value_min, over.value_max) == (2e6, None)
    [cap] = find_amounts("as much as $2 million")
    assert (cap.value_min, cap.value_max) == (None, 2e6)


@pytest.mark.parametrize("raw, value", [("1,234,567", 1234567), ("1.234.567", 1234567),
                                        ("1.5", 1.5), ("3,5", 3.5), ("1,234.5", 1234.5), ("12", 12)])
def test_parse_number(raw, value):
    assert parse_number(raw) == value


def test_amount_rows_on_the_seed_sentence(nlp):
    text = ("Next Steps Uncertain\nWashington has also raised the reward for information leading to "
            "Maduro's arrest to US$50 million, alongside US$25 million rewards for several officials.")
    doc = nlp(text)
    rows = amount_rows(doc, "doc_x", sentence_locator(doc))
    assert [(r["text"], r["value"], r["purpose"], r["sentence_index"]) for r in rows] == [
        ("US$50 million", 50e6, "reward", 1), ("US$25 million", 25e6, "reward", 1)]
    assert all(text[r["start"]:r["end"]] == r["text"] for r in rows)
    assert rows[0]["amount_id"] != rows[1]["amount_id"]


money_like = st.text(alphabet=st.sampled_from(list("0123456789.,$€£¥ mbnkMUSDEURdlrsollareuo-–")), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), money_like, st.lists(money_like, max_size=5).map(" and ".join)))
def test_find_amounts_never_breaks(text):
    for a in find_amounts(text):
        assert text[a.start:a.end] == a.text
        assert math.isfinite(a.value) and a.value > 0
