import pytest

from transforms.entities.names import fold, gazetteer


@pytest.mark.parametrize("name, type_", [
    ("France", "GPE"), ("the U.S.", "GPE"), ("United States of America", "GPE"), ("Texas", "GPE"),
    ("Quebec", "GPE"), ("Caracas", "GPE"), ("Europe", "LOC"), ("Middle East", "LOC"),
    ("Sahara", "LOC"),
    # a range that shares its name with a town of 15,000+ people ("Andes", Colombia): the
    # regions list decides
    ("Andes", "LOC"), ("Caribbean", "LOC"),
    # places no gazetteer knows: regions when a compass point names them, else towns
    ("Western Tamaria", "LOC"), ("Little Brennock", "GPE"),
])
def test_gazetteer_splits_gpe_from_loc(name, type_):
    assert gazetteer().place_type(name) == type_


@pytest.mark.parametrize("written, name", [
    ("Nev.", "Nevada"), ("N.M.", "New Mexico"), ("Tenn.", "Tennessee"), ("ohio", "Ohio"),
    ("CALIF.", "California"), ("IND.", "Indiana"), ("B.C.", "British Columbia"),
    ("nova scotia", "Nova Scotia"), ("Ind", None), ("miss", None), ("IND", None)])
def test_us_states_and_provinces_written_in_full_or_abbreviated(written, name):
    assert gazetteer().state_name(written) == name


def test_demonyms_name_their_countries_and_nothing_else_is_one():
    g = gazetteer()
    assert g.countries_of("Russians") == {"Russia"} and g.is_demonym("Russian")
    assert "China" in g.countries_of("Chinese")
    # (countryinfo gives some countries an empty demonym: no letter or empty word may match it)
    assert not g.is_demonym("S") and not g.is_demonym("") and not g.is_demonym("Protestant")


def test_fold():
    assert fold("the U.S.") == "us" and fold("Nicolás  MADURO") == "nicolas maduro"
