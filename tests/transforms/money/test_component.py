import pytest
from hypothesis import given, settings

from transforms.facts import get_facts, table_rows
from transforms.money.component import amount_facts
from transforms.money.learned import AmountModel
from transforms.schemas import AMOUNTS, PURPOSES, QUALIFIERS

from tests.transforms.money.helpers import facts_of, phrases

# What `table_rows` adds to a fact.
ADDED = {"doc_id", "amount_id", "sentence_index", "extractor_version"}


def test_amount_rows_on_the_seed_sentence(nlp):
    text = ("Next Steps Uncertain\nWashington has also raised the reward for information leading to "
            "Maduro's arrest to US$50 million, alongside US$25 million rewards for several officials.")
    doc = nlp(text)
    rows = table_rows(doc, "doc_x")["amounts"]
    assert [(r["text"], r["value"], r["purpose"], r["sentence_index"]) for r in rows] == [
        ("US$50 million", 50e6, "reward", 1), ("US$25 million", 25e6, "reward", 1)]
    assert all(text[r["start"]:r["end"]] == r["text"] for r in rows)
    assert rows[0]["amount_id"] != rows[1]["amount_id"]


def test_the_component_sets_what_amount_facts_finds(nlp):
    doc = nlp("The Fund will lend Kenya $2bn. Nurses earn $31 an hour.")
    assert get_facts(doc, "amounts") == amount_facts(doc, AmountModel.load())


@settings(max_examples=50, deadline=None)
@given(phrases)
def test_amount_rows_never_break(nlp, text):
    doc = nlp(text)
    for fact in get_facts(doc, "amounts"):
        assert text[fact["start"]:fact["end"]] == fact["text"]
        assert set(fact) == set(AMOUNTS.column_names) - ADDED
        assert fact["purpose"] in PURPOSES and fact["qualifier"] in QUALIFIERS
    for row in table_rows(doc, "doc_x").get("amounts", []):
        assert set(row) == set(AMOUNTS.column_names)


def test_without_a_parse_roles_stay_empty_and_restatements_share_the_purpose(nlp):
    from transforms.nlp import load_pipeline

    blank = load_pipeline("blank:en")
    doc = blank("Kenya agreed to borrow $2bn (£1.6bn) from the Fund. Nurses earn $31 an hour.")
    rows = table_rows(doc, "d")["amounts"]
    assert [(r["text"], r["purpose"], r["unit"]) for r in rows] == [
        ("$2bn", "loan", None), ("£1.6bn", "loan", None), ("$31 an hour", "salary", "hour")]
    assert all(r[k] is None for r in rows for k in ("subject_entity_id", "subject_text",
                                                    "payer_entity_id", "payer_text"))


# Invented newswire sentences, parsed by the shipped pipeline.

@pytest.mark.parametrize("text, earlier", [
    ("Halvorsen Industries lifted its annual dividend to $0.85 a share from $0.70.", "$0.70"),
    ("Brantley Foods reported net income of $640 million, up 4% from $615 million.", "$615 million"),
])
def test_an_earlier_value_of_a_figure_shares_its_facts(nlp, text, earlier):
    rows = facts_of(nlp, text)
    [now] = [r for r in rows if r[0] != earlier]
    [before] = [r for r in rows if r[0] == earlier]
    assert before[1:] == now[1:]


def test_the_publication_date_a_caller_sets_decides_a_shared_currency_word():
    from spacy.lang.en import English

    from transforms.money.component import amount_views

    nlp = English()
    nlp.add_pipe("sentencizer")
    for published, currency in (("1987-03-03", "MXP"), ("2005-03-03", "MXN"), ("not a date", "MXN"), (None, "MXN")):
        doc = nlp("MEXICO CITY, March 3 - The bank lent 40 billion pesos.")
        doc.user_data["published"] = published
        assert [a.currency for a, _, _ in amount_views(doc)] == [currency]
