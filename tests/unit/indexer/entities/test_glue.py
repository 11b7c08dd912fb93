"""Glued spans cut into their names, each on the span that motivated it (dev and corpora)."""

import pytest

from indexer.entities.forms_table import FormsTable, KnownEntity
from indexer.entities.glue import split_glued

TABLE = FormsTable(
    (
        KnownEntity("l:karabakh", "location", "Nagorno-Karabakh", ("Karabakh",)),
        KnownEntity("l:us", "location", "United States", ("U.S.", "US", "U S")),
        KnownEntity("o:unesco", "organization", "UNESCO"),
        KnownEntity("o:getty", "organization", "Getty Images"),
    ),
    ignore=frozenset({"Stringer", "Saudi"}),
    given_names=frozenset({"Abdollah", "Alain", "Musab", "Mahmoud"}),
)


@pytest.mark.parametrize(
    ("text", "label", "pieces"),
    [
        # Headlines that lost their hyphens and commas (Tehran Times titles).
        ("Armenia Azerbaijan", "PERSON", [("Armenia", "GPE"), ("Azerbaijan", "GPE")]),
        ("Tehran Sofia", "ORG", [("Tehran", "GPE"), ("Sofia", "GPE")]),
        ("Iran Germany", "GPE", [("Iran", "GPE"), ("Germany", "GPE")]),
        ("Karabakh Tehran", "ORG", [("Karabakh", "GPE"), ("Tehran", "GPE")]),
        # One place, or a name that merely starts with one, stays whole.
        ("New York", "GPE", [("New York", "GPE")]),
        ("Tehran Stock Exchange", "ORG", [("Tehran Stock Exchange", "ORG")]),
        ("Iran Air", "ORG", [("Iran Air", "ORG")]),
    ],
)
def test_places_run_together_are_cut_apart(text, label, pieces):
    assert split_glued(text, label, TABLE) == pieces


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Jason Merritt/Getty Images", [("Jason Merritt", "PERSON"), ("Getty Images", "PERSON")]),
        ("Getty Images/Greg Doherty", [("Getty Images", "PERSON"), ("Greg Doherty", "PERSON")]),
    ],
)
def test_photo_credits_are_cut_at_the_slash(text, pieces):
    assert split_glued(text, "PERSON", TABLE) == pieces


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("UNESCO World Heritage", [("UNESCO", "ORG")]),
        ("US Government", [("US", "GPE")]),
        ("U S sanctions", [("U S", "GPE")]),
        # A head word keeps the span whole; so does an acronym nobody knows.
        ("IRGC Ground Force", [("IRGC Ground Force", "ORG")]),
        ("RIA Novosti", [("RIA Novosti", "ORG")]),
        ("MRCC Jeddah", [("MRCC Jeddah", "ORG")]),
    ],
)
def test_a_known_acronym_loses_the_words_that_only_describe_it(text, pieces):
    assert split_glued(text, "ORG", TABLE) == pieces


def test_a_title_after_a_known_acronym_opens_a_person():
    assert split_glued("UNESCO Director General Audrey Azoulay", "ORG", TABLE) == [
        ("UNESCO", "ORG"),
        ("Director General Audrey Azoulay", "PERSON"),
    ]


@pytest.mark.parametrize(
    ("text", "label", "pieces"),
    [
        ("Lavrov Russian", "PERSON", [("Lavrov", "PERSON")]),
        (
            "Alain Rolland South Africa",
            "ORG",
            [("Alain Rolland", "PERSON"), ("South Africa", "GPE")],
        ),
        ("Zarif Iran", "PERSON", [("Zarif", "PERSON"), ("Iran", "GPE")]),
        # A place after a connector belongs to the name.
        ("Central Bank of Iran", "ORG", [("Central Bank of Iran", "ORG")]),
    ],
)
def test_a_place_or_demonym_after_a_persons_name_is_cut_off(text, label, pieces):
    assert split_glued(text, label, TABLE) == pieces


@pytest.mark.parametrize(
    ("text", "label", "pieces"),
    [
        ("Bulgaria Abdollah Norouzi", "ORG", [("Bulgaria", "GPE"), ("Abdollah Norouzi", "PERSON")]),
        (
            "Iraqi Ministry of Electricity Musab Al-Mpdares",
            "ORG",
            [("Iraqi Ministry of Electricity", "ORG"), ("Musab Al-Mpdares", "PERSON")],
        ),
        # A given name inside a place's or a mosque's name opens no person.
        ("Imam Ali Mosque", "FAC", [("Imam Ali Mosque", "FAC")]),
        # No given name known, but a head or field word ends a body and two names follow.
        (
            "Council on American-Islamic Relations Alia Salem",
            "ORG",
            [("Council on American-Islamic Relations", "ORG"), ("Alia Salem", "PERSON")],
        ),
        # An adjective ends no body: these are one name each.
        ("Office of Foreign Assets Control", "ORG", [("Office of Foreign Assets Control", "ORG")]),
        ("National Hockey League", "ORG", [("National Hockey League", "ORG")]),
    ],
)
def test_a_given_name_after_a_place_or_organisation_opens_a_person(text, label, pieces):
    assert split_glued(text, label, TABLE) == pieces


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        (
            "Pars Special Economic Energy Zone\u2019s Customs Department",
            [("Pars Special Economic Energy Zone", "ORG"), ("Customs Department", "ORG")],
        ),
        ("parliament\u2019s Energy Committee", [("Energy Committee", "ORG")]),
        ("People's Assembly", [("People's Assembly", "ORG")]),
    ],
)
def test_a_span_through_a_possessive_is_cut_there(text, pieces):
    assert split_glued(text, "ORG", TABLE) == pieces


def test_post_nominal_letters_leave_a_persons_name():
    assert split_glued("David Wakefield OBE", "PERSON", TABLE) == [("David Wakefield", "PERSON")]


def test_a_word_a_headline_ran_into_a_known_surname_is_cut_off():
    table = FormsTable(
        (
            KnownEntity("p:zarif", "person", "Mohammad Javad Zarif", ("Zarif",), layer="learned"),
            KnownEntity("p:abbas", "person", "Mahmoud Abbas", ("Abbas",), layer="learned"),
        ),
        given_names=frozenset({"Abbas"}),
    )
    assert split_glued("Zarif Sanctions", "PERSON", table) == [("Zarif", "PERSON")]
    # A given name that is also a surname opens a name of its own.
    assert split_glued("Abbas Araghchi", "PERSON", table) == [("Abbas Araghchi", "PERSON")]
    # A surname first, as Chinese names are written, keeps its given name.
    shen = FormsTable((KnownEntity("p:s", "person", "Rico Shen", ("Shen",), layer="learned"),))
    assert split_glued("Shen Mingming", "PERSON", shen) == [("Shen Mingming", "PERSON")]


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        (
            "Reuters, the International Atomic Energy Agency",
            [("Reuters", "ORG"), ("International Atomic Energy Agency", "ORG")],
        ),
        (
            "Euro CTO Club, European Bifurcation Club",
            [("Euro CTO Club", "ORG"), ("European Bifurcation Club", "ORG")],
        ),
        # One name with a list of fields inside stays whole.
        (
            "Cultural Heritage, Handicrafts and Tourism Organization",
            [("Cultural Heritage, Handicrafts and Tourism Organization", "ORG")],
        ),
    ],
)
def test_names_listed_in_one_span_are_cut_apart(text, pieces):
    table = FormsTable((KnownEntity("o:reuters", "organization", "Reuters"),))
    assert split_glued(text, "ORG", table) == pieces


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Wireless provider Sprint", [("Sprint", "ORG")]),
        ("UAE state news agency", [("UAE", "ORG")]),
        (
            "Ministry of Roads and Urban Development",
            [("Ministry of Roads and Urban Development", "ORG")],
        ),
    ],
)
def test_a_common_noun_inside_an_organisations_span_ends_the_name(text, pieces):
    assert split_glued(text, "ORG", TABLE) == pieces


def test_a_title_and_a_name_tagged_as_an_organisation_are_a_person():
    assert split_glued("Major General Soleimani", "ORG", TABLE) == [
        ("Major General Soleimani", "PERSON")
    ]
    assert split_glued("General Motors Company", "ORG", TABLE) == [
        ("General Motors Company", "ORG")
    ]


@pytest.mark.parametrize(
    ("text", "label", "pieces"),
    [
        ("U.S.-Pakistan", "GPE", [("U.S.", "GPE"), ("Pakistan", "GPE")]),
        ("Iran-Iraq", "ORG", [("Iran", "GPE"), ("Iraq", "GPE")]),
        ("Guinea-Bissau", "GPE", [("Guinea-Bissau", "GPE")]),  # one country
        ("Aran-Bidgol", "ORG", [("Aran-Bidgol", "ORG")]),  # no known places
    ],
)
def test_places_joined_by_a_hyphen_are_cut_apart(text, label, pieces):
    assert split_glued(text, label, TABLE) == pieces


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Qalibaf Mohammad Baqer Qalibaf", [("Mohammad Baqer Qalibaf", "PERSON")]),
        ("Nasrallah Israel Saudi", [("Nasrallah", "PERSON"), ("Israel", "GPE")]),
        ("Telegram an Instagram", [("Instagram", "PERSON")]),
        ("Mohammed bin Salman", [("Mohammed bin Salman", "PERSON")]),
    ],
)
def test_headline_glue_around_a_persons_name(text, pieces):
    assert split_glued(text, "PERSON", TABLE) == pieces


def test_two_known_surnames_and_a_leaders_administration_are_people():
    table = FormsTable(
        (
            KnownEntity("p:zarif", "person", "Mohammad Javad Zarif", ("Zarif",), layer="learned"),
            KnownEntity("p:kerry", "person", "John Kerry", ("Kerry",), layer="learned"),
            KnownEntity("p:trump", "person", "Donald Trump", ("Trump",), layer="learned"),
        )
    )
    assert split_glued("Zarif Kerry", "PERSON", table) == [("Zarif", "PERSON"), ("Kerry", "PERSON")]
    assert split_glued("Trump Administration", "ORG", table) == [("Trump", "PERSON")]
    assert split_glued("Iranian Government", "ORG", table) == [("Iranian Government", "ORG")]


@pytest.mark.parametrize(
    ("text", "label", "pieces"),
    [
        ("Sevilla of Spain", "ORG", [("Sevilla", "ORG"), ("Spain", "GPE")]),
        ("Marion Bartoli of France", "PERSON", [("Marion Bartoli", "PERSON"), ("France", "GPE")]),
        # A head, field or state word before "of" makes one name.
        ("Bank of Spain", "ORG", [("Bank of Spain", "ORG")]),
        ("Kingdom of Spain", "GPE", [("Kingdom of Spain", "GPE")]),
        ("King of Spain", "PERSON", [("King of Spain", "PERSON")]),
    ],
)
def test_a_name_of_its_country_is_the_name_and_the_country(text, label, pieces):
    assert split_glued(text, label, TABLE) == pieces


def test_a_joint_nationality_before_a_name_is_left_out():
    assert split_glued("Anglo-Dutch Royal Dutch Shell PLC", "ORG", TABLE) == [
        ("Royal Dutch Shell PLC", "ORG")
    ]
