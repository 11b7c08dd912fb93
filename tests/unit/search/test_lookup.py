"""The lookup before a search: its `_msearch` body, asserted whole, and reading its answers."""

from __future__ import annotations

import re
from typing import Any

import pytest

from search.lookup import (
    Entity,
    Lookup,
    LookupCache,
    Spelling,
    WordStats,
    build_lookup,
    fold,
    forms_regex,
    lookup_key,
    read_lookup,
)
from search.syntax import parse_query

MENTIONS = ["person_mentions", "organization_mentions", "location_mentions"]
# Words as written, in the body, a title or a name.
SPELL = ["body.spell", "title.spell", *MENTIONS]


def term_suggester(word: str) -> dict[str, Any]:
    return {
        "text": word,
        "term": {
            "field": "body.spell",
            "suggest_mode": "popular",
            "size": 4,
            "max_edits": 2,
            "prefix_length": 0,
            "min_word_length": 4,
            "max_term_freq": 0.05,
        },
    }


def completion(prefix: str) -> dict[str, Any]:
    return {
        "prefix": prefix,
        "completion": {
            "field": "suggest",
            "size": 8,
            "contexts": {"kind": ["title"]},
            "skip_duplicates": True,
        },
    }


def test_the_lookup_asks_counts_spellings_a_correction_and_entity_forms_in_one_msearch() -> None:
    searches = build_lookup(parse_query('Rohani "peace talks" speech'), "articles")
    assert searches == [
        {"index": "articles"},
        {
            "size": 0,
            "_source": False,
            "track_total_hits": True,
            "aggs": {
                "counts": {
                    "filters": {
                        "filters": {
                            "w0": {"multi_match": {"query": "rohani", "fields": SPELL}},
                            "w1": {"multi_match": {"query": "speech", "fields": SPELL}},
                            # The last word may be unfinished: how many words it begins.
                            "prefix": {
                                "bool": {
                                    "should": [{"prefix": {field: "speech"}} for field in SPELL]
                                }
                            },
                        }
                    }
                }
            },
            "suggest": {
                "w0": term_suggester("rohani"),
                "w1": term_suggester("speech"),
                "did_you_mean": {
                    "text": "rohani speech",
                    "phrase": {
                        "field": "title.pairs",
                        "gram_size": 2,
                        "size": 1,
                        "max_errors": 2,
                        "direct_generator": [
                            {
                                "field": "body.spell",
                                "suggest_mode": "popular",
                                "min_word_length": 3,
                                "max_edits": 2,
                                "max_term_freq": 0.05,
                            }
                        ],
                    },
                },
                # The words the last word begins, from headlines: after the word before it,
                # and alone.
                "completions_after": completion("rohani speech"),
                "completions": completion("speech"),
            },
        },
        {"index": "articles"},
        {
            "size": 0,
            "track_total_hits": True,
            "terminate_after": 200,
            "query": {
                "multi_match": {
                    "query": "rohani speech",
                    "type": "phrase_prefix",
                    "fields": MENTIONS,
                }
            },
            "aggs": {
                "forms": {
                    "terms": {
                        "field": "entity_forms",
                        "include": forms_regex(["rohani", "speech"], open_last=True),
                        "execution_hint": "map",
                        "size": 10,
                    }
                }
            },
        },
    ]


def test_short_words_get_no_spellings_and_a_short_or_closed_last_word_is_no_prefix() -> None:
    [_, statistics, _, forms] = build_lookup(parse_query("UN ok"), "a") or []
    assert set(statistics["aggs"]["counts"]["filters"]["filters"]) == {"w0", "w1"}
    # "ok" is too short a start to look up alone, not after "UN".
    assert set(statistics["suggest"]) == {"did_you_mean", "completions_after"}
    assert statistics["suggest"]["completions_after"] == completion("un ok")
    assert forms["query"]["multi_match"]["type"] == "phrase"
    [_, statistics, *_] = build_lookup(parse_query("Rohani speech -Trump"), "a") or []
    assert "prefix" not in statistics["aggs"]["counts"]["filters"]["filters"]


def test_nothing_is_looked_up_without_plain_words() -> None:
    assert build_lookup(parse_query('person:"Ali Khamenei"'), "a") is None
    assert build_lookup(parse_query(""), "a") is None


def test_queries_with_operators_get_statistics_but_no_entity_forms_or_prefix() -> None:
    searches = build_lookup(parse_query("Iran OR Iraq"), "a") or []
    assert len(searches) == 2
    assert "prefix" not in searches[1]["aggs"]["counts"]["filters"]["filters"]


def python_regex(lucene: str) -> re.Pattern[str]:
    # The subset used (classes, groups, ?, *, +, |) means the same in both dialects.
    return re.compile(lucene)


@pytest.mark.parametrize(
    ("value", "matches"),
    [
        ("person\x1fAli Khamenei\x1fAyatollah Khamenei", True),
        ("person\x1fAli Khamenei\x1fKhamenei", True),
        ("person\x1fAli Khamenei\x1fKHAMENEI's", True),
        ("person\x1fKhamenei\x1fAli Khameneii", False),
        ("person\x1fKhamenei Family\x1fthe family", False),
        ("event\x1fKhamenei\x1fKhamenei", False),
    ],
)
def test_forms_match_the_words_whole_in_the_form_in_any_case(value: str, matches: bool) -> None:
    assert bool(python_regex(forms_regex(["khamenei"])).fullmatch(value)) is matches


def test_forms_match_several_words_across_spaces_and_hyphens_and_an_open_last_word() -> None:
    two = python_regex(forms_regex(["moqtada", "al", "sadr"]))
    assert two.fullmatch("person\x1fMoqtada al-Sadr\x1fCleric Moqtada al-Sadr")
    assert not two.fullmatch("person\x1fMoqtada Sadr\x1fMoqtada Sadr")
    typing = python_regex(forms_regex(["khamen"], open_last=True))
    assert typing.fullmatch("person\x1fAli Khamenei\x1fAyatollah Khamenei")
    assert not typing.fullmatch("person\x1fAli Khamenei\x1fAli")


def test_regex_characters_in_words_stay_literal() -> None:
    assert python_regex(forms_regex(["a.b"])).fullmatch("person\x1fx\x1fa.b")
    assert not python_regex(forms_regex(["a.b"])).fullmatch("person\x1fx\x1faxb")


def test_words_are_folded_as_the_index_folds_them() -> None:
    assert fold("Khāmenei") == "khamenei"
    assert fold("Straße") == "strasse"
    assert fold("ÆRØ") == "aero"


STATISTICS: dict[str, Any] = {
    "hits": {"total": {"value": 44_128, "relation": "eq"}, "hits": []},
    "aggregations": {
        "counts": {
            "buckets": {
                "w0": {"doc_count": 3},
                "w1": {"doc_count": 900},
                "prefix": {"doc_count": 950},
            }
        }
    },
    "suggest": {
        "w0": [
            {
                "text": "rohani",
                "options": [
                    {"text": "rouhani", "score": 0.83, "freq": 2663},
                    {"text": "rahmani", "score": 0.67, "freq": 328},
                ],
            }
        ],
        "w1": [{"text": "speech", "options": []}],
        "did_you_mean": [{"options": [{"text": "rouhani speech", "score": 0.01}]}],
        "completions_after": [{"options": [{"text": "Rohani speechwriter quits"}]}],
        "completions": [
            {
                "options": [
                    {"text": "Speeches at the Majlis"},
                    {"text": "Speech of the Leader \u2192 x"},
                    {"text": "Speech of the Leader on Sunday"},
                ]
            }
        ],
    },
}
FORMS: dict[str, Any] = {
    "hits": {"total": {"value": 4, "relation": "eq"}, "hits": []},
    "aggregations": {
        "forms": {
            "buckets": [
                {"key": "person\x1fShahrdad Rohani\x1fShahrdad Rohani", "doc_count": 1},
                {"key": "person\x1fShahrdad Rohani\x1fRohani", "doc_count": 1},
                {"key": "organization\x1fRohani Ensemble\x1fRohani Ensemble", "doc_count": 2},
            ]
        }
    },
}


def test_the_answers_become_counts_spellings_entities_and_a_correction() -> None:
    lookup = read_lookup(parse_query("Rohani speech"), [STATISTICS, FORMS])
    assert lookup == Lookup(
        articles=44_128,
        words={
            "rohani": WordStats(
                docs=3,
                variants=(Spelling("rouhani", 2663, 0.83), Spelling("rahmani", 328, 0.67)),
            ),
            "speech": WordStats(docs=900),
        },
        prefix_docs=950,
        # Each entity counted once, by its most frequent form; the most frequent first.
        entities=(
            Entity("organization", "Rohani Ensemble", 2, sample=4),
            Entity("person", "Shahrdad Rohani", 1, sample=4),
        ),
        correction="rouhani speech",
        # After the word before it first.
        completions=("speechwriter", "speeches", "speech"),
    )
    assert lookup.stats("ROHANI").docs == 3
    assert lookup.stats("unknown") == WordStats()


def test_failed_searches_read_as_knowing_nothing() -> None:
    failed = {"error": {"type": "index_not_found_exception"}, "status": 404}
    assert read_lookup(parse_query("Rohani"), [failed, failed]) == Lookup(
        words={"rohani": WordStats()}
    )
    assert read_lookup(parse_query("Rohani"), []).articles == 0


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_cache_keeps_lookups_a_while_and_the_most_recent_ones() -> None:
    clock = Clock()
    cache = LookupCache(size=2, ttl=60, clock=clock)
    one, two, three = (lookup_key(parse_query(q), "a") for q in ("Rohani", "iran", "oil"))
    cache.put(one, Lookup(articles=1))
    cache.put(two, Lookup(articles=2))
    assert cache.get(one) == Lookup(articles=1)
    cache.put(three, Lookup(articles=3))
    # "iran" was used least recently.
    assert cache.get(two) is None
    assert cache.get(one) == Lookup(articles=1)
    clock.now = 61
    assert cache.get(one) is None
    assert cache.get(three) is None


def test_a_lookup_depends_on_the_index_the_words_and_how_the_query_ends() -> None:
    def key(q: str, index: str = "a") -> Any:
        return lookup_key(parse_query(q), index)

    assert key("Rohani speech") == key("rohani  SPEECH") == key('Rohani speech person:"X"')
    assert key("Rohani speech") != key("Rohani speech", "b")
    assert key("Rohani speech") != key("Rohani speech -Trump")  # the last word is closed
    assert key("Iran Iraq") != key("Iran OR Iraq")
