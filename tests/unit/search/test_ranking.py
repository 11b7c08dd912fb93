"""The relevance query: which alternatives each word gets, and the request body, asserted whole."""

from __future__ import annotations

import json
from typing import Any

import pytest

from search.lookup import Entity, Lookup, Spelling, WordStats
from search.ranking import (
    WordPlan,
    is_topic,
    minimum_should_match,
    owes_to_close_spelling,
    plan_word,
    plan_words,
    relevance,
)
from search.syntax import parse_query

FIELDS = ["title^2", "body", "person_mentions", "organization_mentions", "location_mentions"]
PHONETIC = [
    "person_mentions.phonetic",
    "organization_mentions.phonetic",
    "location_mentions.phonetic",
]
FLAGS = "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE"
ARTICLES = 40_000


def lookup(prefix_docs: int = 0, **words: WordStats) -> Lookup:
    return Lookup(articles=ARTICLES, words=words, prefix_docs=prefix_docs)


def word(text: str, **options: Any) -> dict[str, Any]:
    return {"multi_match": {"query": text, "fields": FIELDS, "type": "most_fields", **options}}


def topic_word(text: str, **options: Any) -> dict[str, Any]:
    """A word of a topic: scored in its best field, the others adding a fifth."""
    return {
        "multi_match": {
            "query": text,
            "fields": FIELDS,
            "type": "best_fields",
            "tie_breaker": 0.2,
            **options,
        }
    }


def test_a_word_the_index_knows_well_is_matched_as_typed() -> None:
    stats = lookup(iran=WordStats(docs=30_000))
    assert plan_word("Iran", stats) == WordPlan(word="Iran", docs=30_000)


def test_a_word_the_index_does_not_know_takes_its_close_common_spelling() -> None:
    stats = lookup(inflaton=WordStats(variants=(Spelling("inflation", 358, 0.89),)))
    plan = plan_word("inflaton", stats)
    # Below the typed word's weight by its edge (1.2), which nothing matches here.
    assert plan.variants == (("inflation", 0.8333),)
    assert plan.exact == 1.0
    # A typo the index has never seen may also be a name written by sound.
    assert plan.phonetic == 0.0
    assert plan.close_spellings


def test_a_rare_spelling_scores_at_the_rarity_of_the_common_one_with_a_small_edge() -> None:
    stats = lookup(rohani=WordStats(docs=4, variants=(Spelling("rouhani", 2800, 0.83),)))
    plan = plan_word("Rohani", stats)
    [(spelling, weight)] = plan.variants
    # Rarity alone would give "Rohani" three times the weight of "Rouhani"; blended, an article
    # that spells it "Rohani" gets only the exact spelling's 1.2 edge over an equal one.
    idf_rare, idf_common = 9.2, 2.66
    assert plan.exact == pytest.approx(idf_common / idf_rare, rel=0.02)
    assert spelling == "rouhani"
    assert weight == pytest.approx(1 / 1.2, rel=0.01)


@pytest.mark.parametrize(
    ("docs", "variant"),
    [
        # Not much more common.
        (25, Spelling("nasrallahh", 90, 0.9)),
        # A word the index knows is not another word two edits away (Pope, hope).
        (300, Spelling("hope", 3000, 0.75)),
        # Used by too few articles to be the common spelling of anything.
        (0, Spelling("rohanii", 1, 0.9)),
        # Too far from a word the index does not know.
        (0, Spelling("natanz", 168, 0.67)),
    ],
)
def test_spellings_must_be_much_more_common_and_close(docs: int, variant: Spelling) -> None:
    stats = lookup(w=WordStats(docs=docs, variants=(variant,)))
    assert plan_word("w", stats).variants == ()


def test_a_rare_word_without_a_spelling_is_also_matched_by_sound_in_the_mentions() -> None:
    plan = plan_word("Hizballah", lookup(hizballah=WordStats(docs=2)))
    assert (plan.variants, plan.phonetic) == ((), 0.5)
    # Common words and short ones are not.
    assert plan_word("rebels", lookup(rebels=WordStats(docs=900))).phonetic == 0.0
    assert plan_word("Ali", lookup(ali=WordStats(docs=0))).phonetic == 0.0


def test_the_last_word_being_typed_also_matches_the_words_it_begins() -> None:
    plan = plan_word("Khamen", lookup(prefix_docs=1843, khamen=WordStats()), prefix="khamen")
    assert (plan.prefix, plan.prefix_weight, plan.variants, plan.phonetic) == (
        "khamen",
        0.8333,
        (),
        0.0,
    )
    # The exact word keeps its weight and edge: it must outrank mere prefix matches.
    assert plan.exact == 1.0


def test_a_last_word_too_short_for_a_prefix_is_not_required_and_read_as_headlines_go_on() -> None:
    stats = Lookup(
        articles=ARTICLES,
        words={"world": WordStats(docs=8000), "cup": WordStats(docs=580), "qu": WordStats(docs=3)},
        completions=("qualifiers", "qualification", "quarter", "quiz"),
    )
    query = relevance(parse_query("World Cup qu"), stats).query["bool"]
    words = query["must"][0]["bool"]
    # "qu" does not count among the words required...
    assert words["minimum_should_match"] == 2
    qu = words["should"][2]["dis_max"]["queries"]
    # ... it is matched as itself or as the words headlines continue "World Cup" with.
    assert qu == [
        word("qu"),
        *(word(w, boost=0.8333) for w in ("qualifiers", "qualification", "quarter")),
    ]
    bonus, proximity = query["should"]
    assert len(bonus["constant_score"]["filter"]["bool"]["filter"]) == 3
    assert proximity["multi_match"]["query"] == "World Cup qualifiers"
    assert proximity["multi_match"]["type"] == "phrase"


def test_a_short_last_word_the_index_knows_well_is_a_word_to_match() -> None:
    stats = Lookup(
        articles=ARTICLES,
        words={"sanctions": WordStats(docs=5_000), "eu": WordStats(docs=900)},
        completions=("europe",),
    )
    # "EU" is in 2 % of the articles: typed last, it is the word EU, finished.
    plan = plan_word("EU", stats, short=True)
    assert plan == WordPlan(word="EU", docs=900)
    words = relevance(parse_query("sanctions EU"), stats).query["bool"]["must"][0]
    assert words["bool"]["minimum_should_match"] == 2


def test_words_joined_by_hyphens_are_one_word_next_to_each_other() -> None:
    stats = Lookup(
        articles=ARTICLES,
        words={
            "kim": WordStats(docs=174),
            "jong": WordStats(docs=79),
            "un": WordStats(docs=3_831),
        },
        completions=("un's",),
    )
    query = relevance(parse_query("Kim Jong-un"), stats).query["bool"]
    words = query["must"][0]["bool"]
    # Two words, both required: Kim, and Jong-un: Jong and un side by side, as typed (a name
    # that only sounds like Jong, rare as it is, is no reading of Jong-un).
    assert plan_word("Jong", stats).phonetic > 0
    assert words["minimum_should_match"] == 2
    kim, jong_un = words["should"]
    assert kim == word("Kim")
    assert jong_un == {
        "bool": {
            "must": [word("Jong"), word("un")],
            "filter": [{"multi_match": {"query": "Jong un", "fields": FIELDS, "type": "phrase"}}],
        }
    }
    assert query["should"][0]["multi_match"]["query"] == "Kim Jong un"


def test_known_words_joined_by_hyphens_are_required_side_by_side() -> None:
    stats = lookup(covid=WordStats(docs=1_500), **{"19": WordStats(docs=2_000)})
    stats = Lookup(articles=ARTICLES, words=dict(stats.words) | {"vaccine": WordStats(docs=300)})
    query = relevance(parse_query("COVID-19 vaccine"), stats).query["bool"]
    covid, vaccine = query["must"][0]["bool"]["should"]
    assert covid == {
        "bool": {
            "must": [word("COVID"), word("19")],
            "filter": [{"multi_match": {"query": "COVID 19", "fields": FIELDS, "type": "phrase"}}],
        }
    }
    assert vaccine == word("vaccine")


def test_a_name_particle_joined_by_a_hyphen_is_no_part_of_a_word() -> None:
    stats = lookup(moqtada=WordStats(docs=40), sadr=WordStats(docs=300))
    query = relevance(parse_query("Moqtada al-Sadr"), stats).query["bool"]
    assert query["must"][0]["bool"]["should"][1] == word("Sadr")


def test_a_finished_last_word_is_no_prefix() -> None:
    # Most of the words "iran" begins are "iran".
    stats = lookup(prefix_docs=31_000, iran=WordStats(docs=30_000))
    assert plan_word("Iran", stats, prefix="iran").prefix is None
    # "sea" begins seals and seasons more often, but the index knows the word well.
    stats = lookup(prefix_docs=10_000, sea=WordStats(docs=3_000))
    assert plan_word("Sea", stats, prefix="sea").prefix is None


def test_without_statistics_words_are_matched_as_typed() -> None:
    assert plan_word("Rohani", Lookup(), prefix="rohani") == WordPlan(word="Rohani")


def test_stop_words_and_name_particles_are_no_words_of_their_own_unless_alone() -> None:
    parsed = parse_query("the death of Moqtada al-Sadr")
    assert [plan.word for plan in plan_words(parsed, lookup())] == ["death", "Moqtada", "Sadr"]
    assert [plan.word for plan in plan_words(parse_query("The Who"), lookup())] == ["Who"]
    assert [plan.word for plan in plan_words(parse_query("the"), lookup())] == ["the"]


@pytest.mark.parametrize(("groups", "required"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (8, 5)])
def test_most_of_the_words_must_match(groups: int, required: int) -> None:
    assert minimum_should_match(groups) == required


def test_one_known_word_is_one_plain_query() -> None:
    found = relevance(parse_query("Hamas"), lookup(hamas=WordStats(docs=380)))
    assert found.query == word("Hamas")
    assert not found.close_spellings
    assert found.highlight is None


def test_words_rank_by_how_many_match_then_how_close_they_are() -> None:
    stats = lookup(
        prefix_docs=400,
        earthquake=WordStats(docs=460),
        rescue=WordStats(docs=600),
        death=WordStats(docs=2000),
        toll=WordStats(docs=377),
    )
    found = relevance(parse_query("earthquake rescue death toll"), stats)
    # Four words naming no entity are a topic: each scores in its best field (see below).
    words = [topic_word(w) for w in ("earthquake", "rescue", "death", "toll")]
    assert found.query == {
        "bool": {
            # Three of the four words must match...
            "must": [{"bool": {"should": words, "minimum_should_match": 3}}],
            "should": [
                # ... articles with all four come first...
                {"constant_score": {"filter": {"bool": {"filter": words}}, "boost": 10.0}},
                # ... and the words close together in the title count.
                {
                    "multi_match": {
                        "query": "earthquake rescue death toll",
                        "fields": ["title^2"],
                        "type": "phrase",
                        "slop": 3,
                        "boost": 1.0,
                    }
                },
            ],
        }
    }


@pytest.mark.parametrize(
    ("groups", "entities", "topic"),
    [
        (4, (), True),
        (6, (), True),
        (3, (), False),
        # A name of four words is no topic.
        (4, (Entity("organization", "Islamic Revolution Guards Corps", 150, sample=200),), False),
        # An entity few of the mentions are of is not what the words name.
        (4, (Entity("organization", "Islamic Revolution Guards Corps", 2, sample=200),), True),
    ],
)
def test_four_words_or_more_naming_no_entity_are_a_topic(
    groups: int, entities: tuple[Entity, ...], topic: bool
) -> None:
    assert is_topic(groups, entities) is topic


def test_a_topic_scores_each_word_and_its_spellings_in_their_best_field() -> None:
    stats = lookup(
        wrestling=WordStats(docs=300),
        world=WordStats(docs=9_000),
        championship=WordStats(docs=700),
        # Rare, with a spelling the index uses far more often.
        medall=WordStats(docs=2, variants=(Spelling("medal", 1_500, 0.83),)),
    )
    found = relevance(parse_query("wrestling world championship medall"), stats)
    groups = found.query["bool"]["must"][0]["bool"]["should"]
    assert groups[:3] == [topic_word("wrestling"), topic_word("world"), topic_word("championship")]
    # The typed spelling and the common one alike.
    assert [q["multi_match"]["type"] for q in groups[3]["dis_max"]["queries"]] == [
        "best_fields",
        "best_fields",
    ]
    assert {q["multi_match"]["tie_breaker"] for q in groups[3]["dis_max"]["queries"]} == {0.2}


def test_a_name_of_four_words_sums_each_word_over_its_fields() -> None:
    words = {w: WordStats(docs=n) for w, n in (("islamic", 9_000), ("revolution", 8_000))}
    stats = Lookup(
        articles=ARTICLES,
        words={**words, "guards": WordStats(docs=2_500), "corps": WordStats(docs=1_900)},
        entities=(Entity("organization", "Islamic Revolution Guards Corps", 150, sample=200),),
    )
    found = relevance(parse_query("Islamic Revolution Guards Corps"), stats)
    outer = found.query["bool"]["must"][0]["bool"]["should"]
    groups = outer[0]["bool"]["should"]
    assert groups == [word(w) for w in ("Islamic", "Revolution", "Guards", "Corps")]


def test_common_words_that_many_articles_hold_together_are_all_required() -> None:
    stats = lookup(
        prefix_docs=6_800,
        iran=WordStats(docs=23_000),
        nuclear=WordStats(docs=6_400),
        deal=WordStats(docs=6_700),
    )
    # 500 articles expected with the three words, were they independent (they are not: more).
    found = relevance(parse_query("iran nuclear deal"), stats)
    query = found.query["bool"]
    assert query["must"] == [
        {
            "bool": {
                "should": [word("iran"), word("nuclear"), word("deal")],
                "minimum_should_match": 3,
            }
        }
    ]
    # No bonus for all words: every article has them.
    assert [next(iter(clause)) for clause in query["should"]] == ["multi_match"]


def test_a_hit_owes_its_place_to_a_close_spelling_when_it_lacks_the_word_itself() -> None:
    assert owes_to_close_spelling(["close-1", "exact-0"])
    assert not owes_to_close_spelling(["close-0", "exact-0"])
    assert not owes_to_close_spelling(["exact-0"])
    assert not owes_to_close_spelling([])


def test_a_misspelled_name_is_matched_through_its_common_spelling_named_for_the_api() -> None:
    stats = lookup(
        prefix_docs=216,
        huthi=WordStats(docs=1, variants=(Spelling("houthi", 151, 0.83),)),
        rebels=WordStats(docs=216),
    )
    found = relevance(parse_query("Huthi rebels"), stats)
    huthi = {
        "dis_max": {
            "queries": [
                word("Huthi", boost=0.5471, _name="exact-0"),
                word("houthi", boost=0.8333, _name="close-0"),
            ]
        }
    }
    assert found.query == {
        "bool": {
            "must": [{"bool": {"should": [huthi, word("rebels")], "minimum_should_match": 2}}],
            # The phrase as most articles write it.
            "should": [
                {
                    "multi_match": {
                        "query": "houthi rebels",
                        "fields": ["title^2"],
                        "type": "phrase",
                        "slop": 3,
                        "boost": 1.0,
                    }
                }
            ],
        }
    }
    assert found.close_spellings
    # The excerpts mark the words as typed and as spelled by most articles.
    assert found.highlight is not None
    assert found.highlight == {
        "bool": {
            "should": [
                {
                    "simple_query_string": {
                        "query": "Huthi rebels houthi",
                        "fields": ["title", "body"],
                        "default_operator": "or",
                        "lenient": True,
                        "flags": FLAGS,
                    }
                }
            ]
        }
    }


def test_a_half_typed_name_matches_as_a_prefix_and_its_entity_ranks_first() -> None:
    stats = Lookup(
        articles=ARTICLES,
        words={"khamen": WordStats()},
        prefix_docs=1843,
        completions=("khamenei",),
        entities=(
            Entity("person", "Ali Khamenei", 117, sample=200),
            Entity("person", "Aytollah Khamenei", 1, sample=200),
        ),
    )
    found = relevance(parse_query("Khamen"), stats)
    prefix = {
        "bool": {
            "should": [
                {
                    "prefix": {
                        field: {
                            "value": "khamen",
                            "rewrite": "top_terms_blended_freqs_30",
                            "boost": boost,
                        }
                    }
                }
                for field, boost in (
                    ("title.spell", 2.0),
                    ("body.spell", 1.0),
                    ("person_mentions", 1.0),
                    ("organization_mentions", 1.0),
                    ("location_mentions", 1.0),
                )
            ],
            "boost": 0.8333,
        }
    }
    assert found.query == {
        "bool": {
            "should": [
                {"dis_max": {"queries": [word("Khamen"), prefix]}},
                # Only the entity most of the mentions are of.
                {
                    "bool": {
                        "should": [
                            {
                                "constant_score": {
                                    "filter": {"term": {"person": "Ali Khamenei"}},
                                    "boost": 3.0,
                                }
                            }
                        ]
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }
    assert not found.close_spellings
    assert found.highlight is not None
    # The words it begins in headlines, and in titles the prefix itself, are marked.
    marks = found.highlight["bool"]["should"]
    assert marks == [
        {
            "simple_query_string": {
                "query": "Khamen khamenei",
                "fields": ["title", "body"],
                "default_operator": "or",
                "lenient": True,
                "flags": FLAGS,
            }
        },
        {"prefix": {"title": {"value": "khamen"}}},
    ]


def test_phrases_are_required_and_exclusions_excluded() -> None:
    stats = lookup(karabakh=WordStats(docs=500))
    found = relevance(parse_query('"peace talks" Karabakh -Moscow'), stats)
    assert found.query == {
        "bool": {
            "must": [
                word("Karabakh"),
                {
                    "multi_match": {
                        "query": "peace talks",
                        "fields": [
                            "title^2",
                            "body",
                            "person_mentions^0.5",
                            "organization_mentions^0.5",
                            "location_mentions^0.5",
                        ],
                        "type": "phrase",
                    }
                },
            ],
            "must_not": [
                {
                    "simple_query_string": {
                        "query": "Moscow",
                        "fields": FIELDS,
                        "default_operator": "and",
                        "lenient": True,
                        "flags": FLAGS,
                    }
                }
            ],
        }
    }


def test_a_rare_word_is_also_matched_by_sound_in_the_mentions() -> None:
    found = relevance(parse_query("Hizballah"), lookup(hizballah=WordStats(docs=2)))
    assert found.query == {
        "dis_max": {
            "queries": [
                word("Hizballah", _name="exact-0"),
                {
                    "multi_match": {
                        "query": "Hizballah",
                        "fields": PHONETIC,
                        "type": "most_fields",
                        "boost": 0.5,
                        "_name": "close-0",
                    }
                },
            ]
        }
    }


def test_sounding_like_a_word_does_not_count_as_having_every_word() -> None:
    stats = lookup(
        hizballah=WordStats(docs=2), rally=WordStats(docs=900), beirut=WordStats(docs=1200)
    )
    query = relevance(parse_query("Hizballah rally Beirut"), stats).query["bool"]
    [hizballah, *_] = query["must"][0]["bool"]["should"]
    assert len(hizballah["dis_max"]["queries"]) == 2  # as written, or by sound
    bonus = query["should"][0]["constant_score"]["filter"]["bool"]["filter"]
    assert bonus[0] == word("Hizballah", _name="exact-0")


def test_queries_with_operators_keep_every_word_required_and_forgive_unknown_words() -> None:
    known = relevance(parse_query("Iran OR Iraq"), lookup(iran=WordStats(9), iraq=WordStats(9)))
    exact = {
        "simple_query_string": {
            "query": "Iran | Iraq",
            "fields": FIELDS,
            "default_operator": "and",
            "lenient": True,
            "flags": FLAGS,
        }
    }
    assert known.query == exact
    unknown = relevance(parse_query("Iran OR Irqa"), lookup(iran=WordStats(9)))
    assert unknown.query == {
        "bool": {
            "should": [
                {
                    "simple_query_string": {
                        **exact["simple_query_string"],
                        "query": "Iran | Irqa",
                        "boost": 10.0,
                        "_name": "exact-0",
                    }
                },
                {
                    "simple_query_string": {
                        "query": "Iran~1 | Irqa~1",
                        "fields": ["title.spell^2", "body.spell"],
                        "default_operator": "and",
                        "lenient": True,
                        "flags": FLAGS + "|FUZZY",
                        "fuzzy_prefix_length": 1,
                        "fuzzy_max_expansions": 20,
                        "_name": "close-0",
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }
    assert unknown.close_spellings


def test_a_list_that_is_not_ranked_requires_every_word_with_its_alternatives() -> None:
    stats = Lookup(
        articles=ARTICLES,
        words={
            "iran": WordStats(docs=23_000),
            "rohani": WordStats(docs=4, variants=(Spelling("rouhani", 2800, 0.83),)),
            "khamen": WordStats(),
        },
        prefix_docs=1843,
        entities=(Entity("person", "Ali Khamenei", 117, sample=200),),
    )
    parsed = parse_query("Iran Rohani Khamen")
    ranked = relevance(parsed, stats).query
    listed = relevance(parsed, stats, every_word=True).query
    # Ranked: most of the words, or the entity they name.
    groups, entity = ranked["bool"]["must"][0]["bool"]["should"]
    words = groups["bool"]["should"]
    assert groups["bool"]["minimum_should_match"] == 2
    assert "constant_score" in json.dumps(entity)
    # Each of the three groups, as ranking builds it (Rohani's spelling, Khamen's prefix), is
    # required; no entity stands in for a word, and no bonus or proximity is scored.
    assert listed == {"bool": {"must": words}}
    rohani, khamen = json.dumps(words[1]), json.dumps(words[2])
    assert '"query": "rouhani"' in rohani and '"prefix"' in khamen


def test_a_list_that_is_not_ranked_requires_a_short_last_word_or_its_completions() -> None:
    stats = Lookup(
        articles=ARTICLES,
        # Few articles hold "eu" as a word: it may be the start of one.
        words={"sanctions": WordStats(docs=5_000), "eu": WordStats(docs=90)},
        completions=("europe",),
    )
    listed = relevance(parse_query("sanctions EU"), stats, every_word=True).query
    assert listed == {
        "bool": {
            "must": [
                word("sanctions"),
                {"dis_max": {"queries": [word("EU"), word("europe", boost=0.8333)]}},
            ]
        }
    }


def test_a_list_that_is_not_ranked_requires_a_word_known_only_by_sound() -> None:
    stats = lookup(hizballah=WordStats(docs=0), rebels=WordStats(docs=216))
    ranked = relevance(parse_query("Hizballah rebels"), stats).query
    # Ranked, the word nothing but its sound matches does not count among those required...
    assert ranked["bool"]["must"][0]["bool"]["minimum_should_match"] == 1
    listed = relevance(parse_query("Hizballah rebels"), stats, every_word=True).query
    # ... listed by date, it does: by its sound in the mentions, or as typed.
    hizballah, rebels = listed["bool"]["must"]
    assert [q["multi_match"]["fields"] for q in hizballah["dis_max"]["queries"]] == [
        FIELDS,
        PHONETIC,
    ]
    assert rebels == word("rebels")


def test_phrases_and_exclusions_are_the_same_in_a_list_that_is_not_ranked() -> None:
    stats = lookup(karabakh=WordStats(docs=500))
    parsed = parse_query('"peace talks" Karabakh -Moscow')
    assert relevance(parsed, stats, every_word=True).query == relevance(parsed, stats).query
