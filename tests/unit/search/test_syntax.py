"""parse_query and corrected_query: what a visitor typed, read forgivingly."""

from __future__ import annotations

import pytest

from search.syntax import FieldFilter, ParsedQuery, corrected_query, parse_query


def test_plain_words_stay_text_and_become_fuzzy_words() -> None:
    assert parse_query("Karabakh ceasefire") == ParsedQuery(
        text="Karabakh ceasefire",
        words=("Karabakh", "ceasefire"),
        fuzzy_text="Karabakh~2 ceasefire~2",
        last_word="ceasefire",
    )


def test_phrases_and_exclusions_are_read_apart_from_the_words() -> None:
    parsed = parse_query('"peace talks" Karabakh -Moscow NOT "Minsk group" +Baku')
    assert parsed.words == ("Karabakh", "Baku")
    assert parsed.phrases == ("peace talks",)
    assert parsed.excluded == ("Moscow", '"Minsk group"')
    assert not parsed.has_operators


@pytest.mark.parametrize("typed", ["Iran OR Iraq", "Iran | Iraq", "(Iran Iraq)", "Kara* x", "x~2"])
def test_or_grouping_and_operators_of_simple_query_string_are_noticed(typed: str) -> None:
    assert parse_query(typed).has_operators


@pytest.mark.parametrize(
    ("typed", "last"),
    [
        ("World Cup qualif", "qualif"),
        ("Khamen", "Khamen"),
        ("Moqtada al-Sadr", "Sadr"),
        ("Khamen -Trump", None),
        ('"nuclear negoti"', None),
        ("nuclear negoti person:Zarif", "negoti"),
        ("", None),
    ],
)
def test_the_last_word_is_the_one_the_text_ends_with(typed: str, last: str | None) -> None:
    assert parse_query(typed).last_word == last


def test_short_words_are_never_fuzzy() -> None:
    assert parse_query("UN vote").fuzzy_text == "UN vote~1"
    assert parse_query("UN ok").fuzzy_text == ""


def test_phrases_and_exclusions_stay_exact() -> None:
    parsed = parse_query('"peace talks" Karabakh -Moscow')
    assert parsed.text == '"peace talks" Karabakh -Moscow'
    assert parsed.words == ("Karabakh",)
    assert parsed.fuzzy_text == '"peace talks" Karabakh~2 -Moscow'


def test_capitalised_operator_words_become_operators() -> None:
    assert parse_query("Iran OR Iraq").text == "Iran | Iraq"
    assert parse_query("Iran AND Iraq").text == "Iran + Iraq"
    assert parse_query("Karabakh NOT Moscow").text == "Karabakh -Moscow"
    assert parse_query("Iran OR Iraq").words == ("Iran", "Iraq")


def test_lower_case_or_and_a_leading_or_are_just_words() -> None:
    assert parse_query("iran or iraq").text == "iran or iraq"
    assert parse_query("OR Iran").text == "OR Iran"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ('person:"Ali Khamenei"', FieldFilter(facet="person", value="Ali Khamenei")),
        ("org:OSCE", FieldFilter(facet="organization", value="OSCE")),
        ("organization:OSCE", FieldFilter(facet="organization", value="OSCE")),
        ("loc:Baku", FieldFilter(facet="location", value="Baku")),
        ("location:Baku", FieldFilter(facet="location", value="Baku")),
        ("SOURCE:wikinews", FieldFilter(facet="source", value="wikinews")),
        ("-source:wikinews", FieldFilter(facet="source", value="wikinews", negated=True)),
        ('person:"Ali   Khamenei', FieldFilter(facet="person", value="Ali Khamenei")),
    ],
)
def test_field_prefixes_become_filters(typed: str, expected: FieldFilter) -> None:
    parsed = parse_query(f"ceasefire {typed}")
    assert parsed.filters == (expected,)
    assert parsed.text == "ceasefire"
    assert parsed.has_text


def test_a_query_of_prefixes_only_has_no_text() -> None:
    parsed = parse_query('person:"Ali Khamenei" loc:Baku')
    assert len(parsed.filters) == 2
    assert not parsed.has_text


@pytest.mark.parametrize("typed", ["title:Karabakh", "person:", "http://x.org/a"])
def test_unknown_or_empty_prefixes_are_kept_as_text(typed: str) -> None:
    parsed = parse_query(typed)
    assert parsed.filters == ()
    assert parsed.text == typed


def test_an_empty_quoted_value_is_no_filter() -> None:
    assert parse_query('person:""').filters == ()


@pytest.mark.parametrize("typed", ['"', "((Iran", "-", "|", "~", "\\", "a OR OR", "NOT NOT", ""])
def test_any_input_parses(typed: str) -> None:
    assert isinstance(parse_query(typed), ParsedQuery)


def test_words_with_operators_of_their_own_are_not_made_fuzzy() -> None:
    assert parse_query("Kara* Karabakh~1").fuzzy_text == ""


def test_a_correction_replaces_only_the_misspelled_words_and_keeps_the_syntax() -> None:
    q = 'Karabak "peace talks" ceasfire -Moscow'
    parsed = parse_query(q)
    assert parsed.words == ("Karabak", "ceasfire")
    assert corrected_query(q, parsed.words, "karabakh ceasefire") == (
        'karabakh "peace talks" ceasefire -Moscow'
    )


def test_a_correction_keeps_the_case_of_words_it_does_not_change() -> None:
    assert corrected_query("Iran ceasfire", ("Iran", "ceasfire"), "iran ceasefire") == (
        "Iran ceasefire"
    )


def test_no_correction_when_nothing_changes_or_the_words_do_not_line_up() -> None:
    assert corrected_query("Iran", ("Iran",), "iran") is None
    assert corrected_query("Iran talks", ("Iran", "talks"), "iran") is None
    assert corrected_query("", (), "") is None


def test_a_suggestion_that_only_changes_an_ending_is_no_correction() -> None:
    assert corrected_query("sanction", ("sanction",), "sanctions") is None
    assert corrected_query("olympic gams", ("olympic", "gams"), "olympic game") == "olympic game"


@pytest.mark.parametrize(
    ("typed", "hyphenated"),
    [
        ("Kim Jong-un", (("Jong", "un"),)),
        ("+COVID-19 vaccine", (("COVID", "19"),)),
        ("Moqtada al-Sadr x-y-z", (("al", "Sadr"), ("x", "y", "z"))),
        # Excluded or quoted, or not joined by hyphens alone: no word of the text.
        ('-Jong-un "Jong-un" U.S.-Iran e--mail', ()),
    ],
)
def test_words_joined_by_hyphens_are_noted(
    typed: str, hyphenated: tuple[tuple[str, ...], ...]
) -> None:
    assert parse_query(typed).hyphenated == hyphenated
