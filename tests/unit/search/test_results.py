"""SearchPage.from_response on responses captured from a real Elasticsearch (tests/data/)."""

from __future__ import annotations

from typing import Any

from search.cursor import Cursor
from search.lookup import Lookup, Spelling, WordStats
from search.params import SORTS, SearchParams
from search.results import FacetValue, PageLink, SearchPage, capped_markup
from tests.unit.search.stubs import canned


def page_of(name: str) -> SearchPage:
    params, response = canned(name)
    return SearchPage.from_response(response, params)


def values(page: SearchPage, facet: str) -> dict[str, tuple[int, bool]]:
    return {v.value: (v.count, v.selected) for v in page.facets[facet]}


def test_totals_and_paging_come_from_the_response_and_params() -> None:
    page = page_of("search_karabakh_armenia_yerevan.json")
    assert (page.total, page.page, page.size) == (5, 1, 10)
    assert isinstance(page.took_ms, int)
    assert [hit.id for hit in page.hits] == [
        "peacekeepers-lachin",
        "0a4f7763723d062e",
        "araghchi-regional-tour",
        "caucasus-ceasefire-moscow",
        "diaspora-rally-la",
    ]


def test_a_hit_carries_plain_title_marked_highlights_date_and_entities() -> None:
    page = page_of("search_karabakh_armenia_yerevan.json")
    seed = next(hit for hit in page.hits if hit.id == "0a4f7763723d062e")
    assert (
        seed.title
        == "Republic of Azerbaijan appreciates Ayatollah Khamenei stance on Karabakh conflict"
    )
    assert seed.highlights["title"] == [
        "Republic of Azerbaijan appreciates Ayatollah Khamenei stance on "
        "<mark>Karabakh</mark> conflict"
    ]
    assert len(seed.highlights["body"]) == 3
    assert all("<mark>Karabakh</mark>" in fragment for fragment in seed.highlights["body"])
    # The html encoder escaped the apostrophes of the stored text.
    assert "Azerbaijan&#x27;s" in seed.highlights["body"][0]
    assert seed.published == "2020-11-05"
    assert seed.source == "Iran Press"
    assert seed.entities == {
        "person": ["Ali Khamenei", "Khalaf Khalafov", "Abbas Mousavi", "Abbas Araghchi"],
        "organization": ["Foreign Ministry of Azerbaijan", "OSCE Minsk Group"],
        "location": ["Azerbaijan", "Iran", "Armenia", "Nagorno-Karabakh", "Baku"],
    }


def test_an_undated_hit_has_a_null_date() -> None:
    page = page_of("search_karabakh_armenia_yerevan.json")
    rally = next(hit for hit in page.hits if hit.id == "diaspora-rally-la")
    assert rally.published is None
    assert rally.entities["person"] == []


def test_facet_values_keep_the_bucket_order_and_mark_selected_ones() -> None:
    page = page_of("search_karabakh_armenia_yerevan.json")
    locations = values(page, "location")
    assert list(locations)[:3] == ["Armenia", "Azerbaijan", "Nagorno-Karabakh"]
    assert locations["Armenia"] == (5, True)
    assert locations["Azerbaijan"] == (5, False)
    assert locations["Iran"] == (2, False)


def test_a_selected_value_outside_the_top_buckets_keeps_its_true_count() -> None:
    page = page_of("search_karabakh_armenia_yerevan.json")
    locations = values(page, "location")
    assert len(locations) == 11
    assert list(locations)[-1] == "Yerevan"
    assert locations["Yerevan"] == (1, True)


def test_selected_facet_value_is_kept_when_count_is_zero() -> None:
    page = page_of("search_karabakh_nobody.json")
    assert page.total == 0
    assert page.hits == ()
    assert values(page, "person")["Nobody"] == (0, True)


def test_a_selected_value_is_added_even_when_the_response_has_no_aggregations() -> None:
    params = SearchParams(filters={"source": ("Wikinews",)})
    page = SearchPage.from_response(
        {"took": 1, "hits": {"total": {"value": 0}, "hits": []}}, params
    )
    assert page.facets["source"] == (
        FacetValue(value="Wikinews", count=0, selected=True, toggle_args={}),
    )
    assert page.facets["person"] == ()


def test_each_facet_value_links_to_the_search_with_that_value_toggled() -> None:
    page = page_of("search_karabakh_armenia_yerevan.json")
    by_value = {v.value: v for v in page.facets["location"]}
    assert by_value["Iran"].toggle_args == {
        "q": ["Karabakh"],
        "location": ["Armenia", "Yerevan", "Iran"],
        "sort": ["newest"],
    }
    assert by_value["Armenia"].toggle_args == {
        "q": ["Karabakh"],
        "location": ["Yerevan"],
        "sort": ["newest"],
    }


def test_to_dict_gives_exactly_the_api_shape() -> None:
    page = page_of("search_karabakh_nobody.json")
    body = page.to_dict()
    # The documented keys come first and stay; later issues only added keys after them.
    assert list(body)[:6] == ["total", "took_ms", "page", "size", "hits", "facets"]
    assert set(body) == {
        "total",
        "took_ms",
        "page",
        "size",
        "hits",
        "facets",
        "total_relation",
        "sort",
        "last_page",
        "next_cursor",
        "fuzzy",
        "did_you_mean",
        "query_filters",
        "timeline",
        "facets_estimated",
    }
    assert body["facets_estimated"] is False
    assert set(body["facets"]) == {"person", "organization", "location", "source"}
    assert {"value": "Nobody", "count": 0, "selected": True} in body["facets"]["person"]
    hit_page = page_of("search_karabakh_armenia_yerevan.json").to_dict()
    assert set(hit_page["hits"][0]) == {
        "id",
        "title",
        "url",
        "source",
        "published",
        "highlights",
        "entities",
    }
    assert set(hit_page["hits"][0]["highlights"]) == {"title", "body"}
    assert set(hit_page["hits"][0]["entities"]) == {"person", "organization", "location"}


def fake_page(total: int, page: int, size: int = 10) -> SearchPage:
    response: dict[str, Any] = {"took": 3, "hits": {"total": {"value": total}, "hits": []}}
    return SearchPage.from_response(response, SearchParams(q="x", page=page, size=size))


def test_pagination_shows_first_last_and_nearby_pages_with_gaps() -> None:
    links = fake_page(total=1000, page=10).page_links()
    numbers = [link.number if link else None for link in links]
    assert numbers == [1, None, 7, 8, 9, 10, 11, 12, 13, None, 100]
    current = [link for link in links if link and link.current]
    assert current == [PageLink(10, {"q": ["x"], "page": ["10"]}, True)]


def test_pagination_links_stop_at_the_result_window() -> None:
    page = fake_page(total=50_000, page=1, size=100)
    assert page.last_page == 100
    assert fake_page(total=0, page=1).last_page == 1


def test_previous_and_next_links_are_absent_at_the_ends() -> None:
    first = fake_page(total=25, page=1)
    assert first.prev_args is None
    assert first.next_args == {"q": ["x"], "page": ["2"]}
    last = fake_page(total=25, page=3)
    assert last.prev_args == {"q": ["x"], "page": ["2"]}
    assert last.next_args is None


def hits_response(n: int, total: int) -> dict[str, Any]:
    return {
        "took": 2,
        "hits": {
            "total": {"value": total, "relation": "eq"},
            "hits": [
                {"_id": f"d{i}", "_source": {"title": "T"}, "sort": [1.0 - i / 10, f"d{i}"]}
                for i in range(n)
            ],
        },
    }


def test_a_full_page_with_more_hits_gives_a_cursor_after_its_last_hit() -> None:
    params = SearchParams(q="x", size=3)
    page = SearchPage.from_response(hits_response(3, total=7), params)
    assert page.next_cursor is not None
    assert Cursor.decode(page.next_cursor) == Cursor("relevance", (0.8, "d2"))
    assert page.to_dict()["next_cursor"] == page.next_cursor


def test_the_last_page_gives_no_cursor() -> None:
    assert (
        SearchPage.from_response(hits_response(2, 5), SearchParams(q="x", size=3)).next_cursor
        is None
    )
    last = SearchPage.from_response(hits_response(3, 6), SearchParams(q="x", size=3, page=2))
    assert last.next_cursor is None


def corrected(correction: str, **words: WordStats) -> Lookup:
    return Lookup(articles=40_000, words=words, correction=correction)


def test_did_you_mean_is_the_query_with_the_suggested_words() -> None:
    params = SearchParams(q='karabak "peace" -Moscow', filters={"location": ("Iran",)})
    lookup = corrected("karabakh")
    page = SearchPage.from_response(hits_response(0, 0), params, lookup=lookup)
    assert page.did_you_mean is not None
    assert page.did_you_mean.q == 'karabakh "peace" -Moscow'
    assert page.did_you_mean.args == {"q": ['karabakh "peace" -Moscow'], "location": ["Iran"]}
    assert page.to_dict()["did_you_mean"] == 'karabakh "peace" -Moscow'


def test_no_suggestion_means_no_did_you_mean() -> None:
    assert SearchPage.from_response(hits_response(0, 0), SearchParams(q="x")).did_you_mean is None
    page = SearchPage.from_response(
        hits_response(0, 0), SearchParams(q="x"), lookup=Lookup(articles=9)
    )
    assert page.did_you_mean is None


def test_a_known_word_is_never_corrected_into_another_or_a_rarer_one() -> None:
    params = SearchParams(q="Hamas funeral")
    # "human" and "federal" are more common, but not close enough to be typos of known words.
    lookup = corrected(
        "human federal",
        hamas=WordStats(docs=380, variants=(Spelling("human", 3000, 0.6),)),
        funeral=WordStats(docs=300, variants=(Spelling("federal", 900, 0.71),)),
    )
    assert SearchPage.from_response(hits_response(0, 0), params, lookup=lookup).did_you_mean is None


def test_a_rare_spelling_is_corrected_to_the_common_one_the_ranking_took() -> None:
    params = SearchParams(q="Rohani speech")
    lookup = corrected(
        "rouhani speech",
        rohani=WordStats(docs=4, variants=(Spelling("rouhani", 2800, 0.83),)),
        speech=WordStats(docs=900),
    )
    page = SearchPage.from_response(hits_response(0, 0), params, lookup=lookup)
    assert page.did_you_mean is not None
    assert page.did_you_mean.q == "rouhani speech"


def test_a_last_word_still_being_typed_is_not_corrected() -> None:
    params = SearchParams(q="Khamen")
    lookup = Lookup(
        articles=40_000, words={"khamen": WordStats()}, prefix_docs=1843, correction="khameh"
    )
    assert SearchPage.from_response(hits_response(0, 0), params, lookup=lookup).did_you_mean is None


def test_fuzzy_says_whether_a_hit_matched_through_a_close_spelling() -> None:
    response = hits_response(2, 2)
    assert not SearchPage.from_response(response, SearchParams(q="x")).fuzzy
    # Matched both the word and a close spelling: it owes nothing to the spelling.
    response["hits"]["hits"][0]["matched_queries"] = ["exact-0", "close-0"]
    assert not SearchPage.from_response(response, SearchParams(q="x")).fuzzy
    response["hits"]["hits"][1]["matched_queries"] = ["close-0"]
    assert SearchPage.from_response(response, SearchParams(q="x")).fuzzy


def test_relevance_is_offered_only_when_there_are_words() -> None:
    no_words = SearchPage.from_response(hits_response(0, 0), SearchParams())
    assert [(link.name, link.current) for link in no_words.sort_links(SORTS)] == [
        ("newest", True),
        ("oldest", False),
    ]
    words = SearchPage.from_response(hits_response(0, 0), SearchParams(q="x", page=2))
    assert [link.args for link in words.sort_links(SORTS)] == [
        {"q": ["x"]},
        {"q": ["x"], "sort": ["newest"]},
        {"q": ["x"], "sort": ["oldest"]},
    ]


def test_the_facet_finder_carries_the_search_with_its_words_as_query() -> None:
    params = SearchParams(q="x", filters={"person": ("A",)}, page=3, expand=("person",))
    page = SearchPage.from_response(hits_response(0, 0), params)
    assert page.facet_find_fields() == [("person", "A"), ("query", "x")]


def test_a_lower_bound_total_is_marked_as_such() -> None:
    response = {"took": 1, "hits": {"total": {"value": 10000, "relation": "gte"}, "hits": []}}
    assert SearchPage.from_response(response, SearchParams()).total_relation == "gte"


def test_cut_markup_stays_well_formed() -> None:
    assert capped_markup("short <mark>x</mark>", 100) == "short <mark>x</mark>"
    assert capped_markup("<mark>Karabakh</mark> and more words", 12) == "<mark>Karaba</mark>\u2026"
    assert capped_markup("a &amp; b " * 5, 5) == "a \u2026"
    assert capped_markup("abc <mark>d</mark>", 6) == "abc \u2026"


def test_a_huge_stored_title_is_capped_in_the_hit() -> None:
    response = {
        "hits": {"total": {"value": 1}, "hits": [{"_id": "x", "_source": {"title": "t" * 10**6}}]}
    }
    [hit] = SearchPage.from_response(response, SearchParams()).hits
    assert len(hit.title) == 1_000
    assert hit.title.endswith("\u2026")
