"""SearchParams: parsing URL parameters, rejecting bad values, toggling and writing them back."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from search.cursor import Cursor
from search.params import InvalidParam, SearchParams


def parse(*pairs: tuple[str, str], **limits: int) -> SearchParams:
    return SearchParams.from_args(MultiDict(list(pairs)), **limits)


def test_empty_args_give_the_defaults() -> None:
    assert parse() == SearchParams(q="", filters={}, sort="relevance", page=1, size=10)


def test_every_known_parameter_is_read() -> None:
    params = parse(
        ("q", "Karabakh ceasefire"),
        ("person", "Ali Khamenei"),
        ("location", "Armenia"),
        ("location", "Iran"),
        ("organization", "OSCE Minsk Group"),
        ("source", "Wikinews"),
        ("from", "2020-01-01"),
        ("to", "2020-12-31"),
        ("sort", "newest"),
        ("page", "3"),
        ("size", "20"),
    )
    assert params == SearchParams(
        q="Karabakh ceasefire",
        filters={
            "person": ("Ali Khamenei",),
            "organization": ("OSCE Minsk Group",),
            "location": ("Armenia", "Iran"),
            "source": ("Wikinews",),
        },
        date_from=date(2020, 1, 1),
        date_to=date(2020, 12, 31),
        sort="newest",
        page=3,
        size=20,
    )


def test_unknown_keys_are_ignored() -> None:
    assert parse(("category", "x"), ("_source", "body"), ("q", "iran")) == SearchParams(q="iran")


def test_empty_values_count_as_absent_as_a_bare_html_form_sends_them() -> None:
    params = parse(("q", ""), ("from", ""), ("to", ""), ("sort", ""), ("page", ""), ("size", ""))
    assert params == SearchParams()


def test_control_characters_are_stripped_and_line_breaks_become_spaces() -> None:
    params = parse(("q", "\x00Kara\x07bakh\tpeace\r\n"), ("person", "Ali\x00 Khamenei\x1b"))
    assert params.q == "Karabakh peace"
    assert params.filters == {"person": ("Ali Khamenei",)}


def test_unicode_text_is_kept_as_written() -> None:
    params = parse(("q", "Khāmenei قره‌باغ 🕊"), ("location", "Bak\u0131"))
    assert params.q == "Khāmenei قره‌باغ 🕊"
    assert params.filters == {"location": ("Bak\u0131",)}


def test_repeated_facet_values_are_deduplicated_in_order() -> None:
    params = parse(("location", "Iran"), ("location", "Armenia"), ("location", "Iran"))
    assert params.filters == {"location": ("Iran", "Armenia")}


def test_blank_facet_values_are_dropped() -> None:
    assert parse(("person", "  "), ("person", "\x00")).filters == {}


def test_only_the_first_q_is_used() -> None:
    assert parse(("q", "first"), ("q", "second")).q == "first"


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ((("page", "abc"),), "page must be a positive integer"),
        ((("page", "0"),), "page must be 1 or more"),
        ((("page", "-1"),), "page must be a positive integer"),
        ((("page", "1.5"),), "page must be a positive integer"),
        ((("page", "٣"),), "page must be a positive integer"),
        ((("page", "99999999999999999999"),), "page must be a positive integer"),
        ((("size", "0"),), "size must be between 1 and 100"),
        ((("size", "101"),), "size must be between 1 and 100"),
        ((("size", "ten"),), "size must be a positive integer"),
        ((("sort", "score"),), "sort must be one of: relevance, newest, oldest"),
        ((("from", "2020-13-01"),), "from must be a date written YYYY-MM-DD"),
        ((("from", "20200101"),), "from must be a date written YYYY-MM-DD"),
        ((("to", "yesterday"),), "to must be a date written YYYY-MM-DD"),
        ((("to", "0000-01-01"),), "to must be a date written YYYY-MM-DD"),
        ((("from", "2021-01-02"), ("to", "2021-01-01")), "from must not be after to"),
        ((("q", "x" * 1001),), "q must be at most 1000 characters"),
        ((("person", "x" * 301),), "each person value must be at most 300 characters"),
        (tuple(("source", f"s{i}") for i in range(21)), "source may be given at most 20 times"),
    ],
)
def test_a_known_parameter_with_a_bad_value_is_refused(
    pairs: tuple[tuple[str, str], ...], message: str
) -> None:
    with pytest.raises(InvalidParam) as raised:
        parse(*pairs)
    assert raised.value.message == message
    assert raised.value.code == "bad_request"


def test_limits_at_the_edge_are_accepted() -> None:
    params = parse(
        ("q", "x" * 1000),
        ("person", "y" * 300),
        *(("source", f"s{i}") for i in range(20)),
        ("size", "100"),
    )
    assert len(params.q) == 1000
    assert len(params.filters["source"]) == 20
    assert params.size == 100


def test_paging_beyond_the_result_window_is_refused_with_a_clear_message() -> None:
    assert parse(("page", "100"), ("size", "100")).page == 100
    with pytest.raises(InvalidParam, match="only the first 10000 results can be paged through"):
        parse(("page", "101"), ("size", "100"))


def test_page_size_limits_come_from_the_caller() -> None:
    assert parse(default_size=25, max_size=50).size == 25
    with pytest.raises(InvalidParam, match="between 1 and 50"):
        parse(("size", "51"), default_size=25, max_size=50)


def test_the_error_message_never_repeats_the_value() -> None:
    with pytest.raises(InvalidParam) as raised:
        parse(("page", "<script>alert(1)</script>"))
    assert "script" not in raised.value.message


def test_toggling_adds_a_value_and_goes_back_to_the_first_page() -> None:
    params = parse(("q", "iran"), ("location", "Iran"), ("page", "4"))
    toggled = params.toggled("location", "Armenia")
    assert toggled.filters == {"location": ("Iran", "Armenia")}
    assert toggled.page == 1
    assert toggled.q == "iran"


def test_toggling_a_selected_value_removes_it_and_drops_an_emptied_facet() -> None:
    params = parse(("location", "Iran"), ("person", "Ali Khamenei"))
    assert params.toggled("location", "Iran").filters == {"person": ("Ali Khamenei",)}


def test_toggling_an_unknown_facet_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        SearchParams().toggled("colour", "red")


def test_to_args_leaves_out_defaults() -> None:
    assert SearchParams().to_args() == {}
    assert parse(("q", "iran"), ("size", "10")).to_args() == {"q": ["iran"]}


def test_to_args_keeps_a_size_that_differs_from_the_default() -> None:
    assert parse(("size", "10"), default_size=20).to_args() == {"size": ["10"]}


def test_to_args_parses_back_into_equal_params() -> None:
    params = parse(
        ("q", "Karabakh"),
        ("location", "Armenia"),
        ("location", "Iran"),
        ("person", "Ali Khamenei"),
        ("from", "2020-01-01"),
        ("to", "2020-12-31"),
        ("sort", "oldest"),
        ("page", "2"),
        ("size", "5"),
    )
    assert params.to_args() == {
        "q": ["Karabakh"],
        "person": ["Ali Khamenei"],
        "location": ["Armenia", "Iran"],
        "from": ["2020-01-01"],
        "to": ["2020-12-31"],
        "sort": ["oldest"],
        "page": ["2"],
        "size": ["5"],
    }
    assert SearchParams.from_args(MultiDict(params.to_args())) == params


def test_with_page_changes_only_the_page() -> None:
    params = parse(("q", "iran"), ("sort", "newest"))
    assert params.with_page(3) == SearchParams(q="iran", sort="newest", page=3)


def test_expand_names_facets_to_list_at_more_length() -> None:
    params = parse(("expand", "location"), ("expand", "location"), ("expand", "person"))
    assert params.expand == ("location", "person")
    assert params.to_args() == {"expand": ["location", "person"]}
    assert params.with_expanded("location", False).expand == ("person",)
    with pytest.raises(InvalidParam, match="expand must name a facet"):
        parse(("expand", "colour"))


def test_a_cursor_is_read_and_written_back() -> None:
    token = Cursor("relevance", (2.5, "x")).encode()
    params = parse(("q", "iran"), ("cursor", token), ("size", "100"))
    assert params.cursor == Cursor("relevance", (2.5, "x"))
    assert params.to_args() == {"q": ["iran"], "size": ["100"], "cursor": [token]}


def test_a_cursor_may_not_be_combined_with_a_page_or_be_forged() -> None:
    token = Cursor("relevance", (2.5, "x")).encode()
    with pytest.raises(InvalidParam, match="page and cursor"):
        parse(("cursor", token), ("page", "2"))
    with pytest.raises(InvalidParam, match="cursor is not one this service gave out"):
        parse(("cursor", "forged"))


def test_changing_the_search_drops_the_cursor_and_goes_back_to_page_one() -> None:
    params = SearchParams(q="iran", page=3, cursor=None)
    cursored = SearchParams(q="iran", cursor=Cursor("relevance", (1.0, "x")))
    assert params.with_query("iraq") == SearchParams(q="iraq")
    assert params.with_sort("newest") == SearchParams(q="iran", sort="newest")
    assert cursored.toggled("location", "Iran").cursor is None
    assert params.with_dates(date(2020, 1, 1), None).page == 1


def test_relevance_without_words_means_newest() -> None:
    assert SearchParams().effective_sort == "newest"
    assert SearchParams(q="-", sort="relevance").effective_sort == "newest"
    assert SearchParams(q="iran").effective_sort == "relevance"
    assert SearchParams(sort="oldest").effective_sort == "oldest"


def test_narrowed_counts_typed_prefixes_too() -> None:
    assert not SearchParams(q="iran").narrowed
    assert SearchParams(q="loc:Baku").narrowed
    assert SearchParams(filters={"source": ("Wikinews",)}).narrowed
