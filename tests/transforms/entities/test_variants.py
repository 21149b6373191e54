"""Name-variant compatibility (transforms/entities/variants.py)."""

import pytest

from transforms.entities.variants import person_compatible, same_organisation, spelling_variant


@pytest.mark.parametrize("a, b, same", [
    ("John Smith", "John K. Smith", True),
    ("John K. Smith", "Smith", True),
    ("J. Smith", "John Smith", True),
    ("Tim Cook", "Timothy D. Cook", True),
    ("Jean-Luc Ferrand", "Jean Luc Ferrand", True),
    ("John Smith", "Mary Smith", False),
    ("John K. Smith", "John L. Smith", False),
    ("John Smith", "John Smithers", False),
    ("Harold Mefford Jr.", "Mefford", True),  # a generational suffix is no surname
    ("Harold Mefford Jr.", "Harold Mefford Sr.", True),  # (the names agree; the linker keeps roles apart)
])
def test_people_agree_on_surname_and_every_given_name_both_write(a, b, same):
    assert person_compatible(a, b) is same
    assert person_compatible(b, a) is same


@pytest.mark.parametrize("a, b, same", [
    ("Acme Corp.", "Acme Inc", True),
    ("Acme", "Acme Holdings plc", True),
    ("Smith's", "Smith's Co", True),
    ("Acme", "Acme Leisure", False),  # a short form: the linker decides it, in its text
])
def test_organisations_agree_but_for_a_corporate_suffix(a, b, same):
    assert same_organisation(a, b) is same


@pytest.mark.parametrize("a, b, same", [
    ("Kowalski", "Kowalsky", True),
    ("Buchanan-Smith", "Buchanan Snith", True),
    ("Harwell Industries", "Harwel Industries", True),
    ("Smith", "Smyth", False),           # too short to tell a typo from another name
    ("Kowalski", "Nowalski", False),     # first letters are rarely mistyped
    ("Kowalski", "Kowalski", False),     # the same spelling is no variant
    ("Anne Kowalski", "Kowalsky", False),
])
def test_spelling_variants_are_close_long_names(a, b, same):
    assert spelling_variant(a, b) is same
