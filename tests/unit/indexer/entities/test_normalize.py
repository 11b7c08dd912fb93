"""Normalization rules, each with the real forms that motivated it."""

import pytest

from indexer.entities.normalize import clean_mention, fix_case, fold, strip_patronymic, strip_titles


@pytest.mark.parametrize(
    ("mention", "value"),
    [
        ("Ayatollah Khamenei's", "Ayatollah Khamenei"),
        ("Ayatollah Khamenei\u2019s", "Ayatollah Khamenei"),
        ("the Republic of Azerbaijan", "Republic of Azerbaijan"),
        ("the OSCE Minsk Group", "OSCE Minsk Group"),
        ("\u201cHamas\u201d", "Hamas"),
        ("'Karabakh'", "Karabakh"),
        ("Khalaf   Khalafov\n", "Khalaf Khalafov"),
        ("Jones'", "Jones"),
        ("Reuters.", "Reuters"),
        ("Iran International Exhibitions Company (IIEC", "Iran International Exhibitions Company"),
        # What NER runs into a name: a former-, a score, a clock time, a participle.
        ("ex-Real Madrid", "Real Madrid"),
        ("Morocco 1-0", "Morocco"),
        ("Edmonton 3:54", "Edmonton"),
        ("Donald Trump-ordered", "Donald Trump"),
        ("U.S.-led", "U.S"),  # as "U.S." is cleaned (both fold to "us")
    ],
)
def test_mentions_are_cleaned_to_values(mention, value):
    assert clean_mention(mention) == value


@pytest.mark.parametrize("mention", ["1988", "A", "'s", "  ", "--", "@khamenei_ir", "#Iran"])
def test_mentions_without_a_name_are_dropped(mention):
    assert clean_mention(mention) is None


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("U.S.", "US"),
        ("the U.S.", "us"),
        ("Khāmenei's", "khamenei"),
        ("Nagorno-Karabakh", "Nagorno Karabakh"),
        ("Abbas Ali Kadkhoda\u2019ei", "Abbas Ali Kadkhodaei"),
        ("Jílín", "Jilin"),
    ],
)
def test_folding_gives_spelling_variants_one_match_key(one, other):
    assert fold(one) == fold(other)


@pytest.mark.parametrize(
    ("name", "core", "titles"),
    [
        ("Ayatollah Seyyed Ali Khamenei", "Ali Khamenei", ("Ayatollah", "Seyyed")),
        (
            "Leader of the Islamic Revolution Ayatollah Seyed Ali Khamenei",
            "Ali Khamenei",
            ("Leader", "of", "the", "Islamic", "Revolution", "Ayatollah", "Seyed"),
        ),
        ("Imam Khamenei", "Khamenei", ("Imam",)),
        ("President Bush", "Bush", ("President",)),
        ("Mr Berlusconi", "Berlusconi", ("Mr",)),
        ("Dr. Smith", "Smith", ("Dr.",)),
        (
            "Deputy Foreign Minister Khalaf Khalafov",
            "Khalaf Khalafov",
            ("Deputy", "Foreign", "Minister"),
        ),
        ("Datuk Rustam Yahaya", "Rustam Yahaya", ("Datuk",)),
        ("VP Jahangiri", "Jahangiri", ("VP",)),
        ("Crown Prince Mohammed bin Salman", "Mohammed bin Salman", ("Crown", "Prince")),
    ],
)
def test_titles_and_honorifics_stay_out_of_the_name(name, core, titles):
    assert strip_titles(name) == (core, titles)


@pytest.mark.parametrize("name", ["John Major", "Pope Francis", "Queen Elizabeth", "Sally Field"])
def test_words_that_are_part_of_a_name_stay(name):
    assert strip_titles(name)[0] == name


def test_a_bare_role_is_no_name():
    assert strip_titles("Foreign Minister")[0] == ""


def test_a_turkic_patronymic_is_not_part_of_the_name():
    assert strip_patronymic("Khalaf Khalafov Aly Oglu") == "Khalaf Khalafov"
    assert strip_patronymic("Ali Oglu") == "Ali Oglu"


def test_a_dateline_in_capitals_gets_its_usual_case():
    assert fix_case("TEHRAN") == "Tehran"
    assert fix_case("Tehran") == "Tehran"
