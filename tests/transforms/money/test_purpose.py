import pytest

from tests.transforms.money.helpers import rule_facts_of


# Invented newswire sentences, parsed by the shipped pipeline; the cue words' reading of the
# purpose (`purpose_of`), a feature of the learned chooser.

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
    # "pay" the noun is a wage (even tagged a verb); "paid" the verb only says money moved
    ("Her pay rose to $85,000 last year.", "$85,000", "salary"),
    ("Halvorsen Industries paid $40 million for the Ostrel shipyard.", "$40 million", "other"),
    ("The council paid a $2 million fine last year.", "$2 million", "fine"),
])
def test_purpose_on_newswire_sentences(nlp, text, amount, purpose):
    assert [r[1] for r in rule_facts_of(nlp, text) if r[0] == amount] == [purpose]

