"""Entity mentions marked in the text as links to their search."""

from __future__ import annotations

from search.mentions import Segment, mark_mentions, mention_links


def test_mentions_link_to_their_canonical_value() -> None:
    links = mention_links(
        {"person": ("Ali Khamenei",), "location": ("Iran",)},
        {"person": ("Ayatollah Khamenei", "Khamenei"), "location": ("Iran",)},
    )
    assert links["Khamenei"] == ("person", "Ali Khamenei", {"person": ["Ali Khamenei"]})
    assert links["Ayatollah Khamenei"] == ("person", "Ali Khamenei", {"person": ["Ali Khamenei"]})
    assert links["Iran"] == ("location", "Iran", {"location": ["Iran"]})


def test_an_ambiguous_mention_searches_through_aliases_instead() -> None:
    links = mention_links(
        {"person": ("Ali Khamenei", "Mojtaba Khamenei")}, {"person": ("Khamenei",)}
    )
    assert links["Khamenei"] == ("person", "Khamenei", {"q": ['person:"Khamenei"']})


def test_text_is_cut_into_plain_segments_and_mentions_longest_first() -> None:
    links = mention_links({"person": ("Ali Khamenei",), "location": ("Iran",)}, {})
    segments = mark_mentions("Iran's leader Ali Khamenei said <b>Iranian</b> things.", links)
    assert segments == [
        Segment("Iran", "location", "Iran", {"location": ["Iran"]}),
        Segment("'s leader "),
        Segment("Ali Khamenei", "person", "Ali Khamenei", {"person": ["Ali Khamenei"]}),
        # Only whole words: "Iranian" is not "Iran". Markup stays text for the template to escape.
        Segment(" said <b>Iranian</b> things."),
    ]


def test_without_entities_the_text_is_one_segment() -> None:
    assert mark_mentions("Plain.", {}) == [Segment("Plain.")]
