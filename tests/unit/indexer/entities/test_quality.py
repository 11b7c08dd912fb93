"""Scoring against the gold set: precision, recall, fragmentation and type errors."""

from pathlib import Path

import pytest

from indexer.entities.quality import GoldArticle, GoldEntity, read_gold, score

GOLD = [
    GoldArticle(
        "a",
        (
            GoldEntity("person", "Ali Khamenei", ("Ayatollah Khamenei",)),
            GoldEntity("location", "Azerbaijan", ("Republic of Azerbaijan", "Azerbaijan")),
            GoldEntity("location", "Iran", ("Iran",)),
        ),
    ),
    GoldArticle("b", (GoldEntity("person", "Ali Khamenei", ("Imam Khamenei",)),)),
]


def test_perfect_output_scores_one_everywhere():
    report = score(
        GOLD,
        {
            "a": {"person": ["Ali Khamenei"], "location": ["Azerbaijan", "Iran"]},
            "b": {"person": ["Ali Khamenei"]},
        },
    )
    assert report.scores["person"].f1 == report.scores["location"].f1 == 1.0
    assert report.fragmentation == 1.0
    assert report.type_errors == []


def test_a_surname_names_the_person_but_a_second_value_fragments_them():
    report = score(GOLD, {"a": {"person": ["Khamenei"]}, "b": {"person": ["Ali Khamenei"]}})
    assert report.scores["person"].precision == 1.0
    assert report.fragmentation == 2.0
    assert report.fragmented() == {"person: Ali Khamenei": ["Ali Khamenei", "Khamenei"]}


def test_a_country_filed_as_a_person_is_a_type_error():
    report = score(
        GOLD, {"a": {"person": ["Ali Khamenei", "Azerbaijan"], "location": ["Iran"]}, "b": {}}
    )
    assert report.scores["person"].precision == pytest.approx(0.5)
    assert report.scores["location"].recall == pytest.approx(0.5)
    assert [(e.value, e.filed_as, e.is_a) for e in report.places_as_people] == [
        ("Azerbaijan", "person", "location")
    ]


def test_articles_the_pipeline_did_not_return_are_listed():
    assert score(GOLD, {"a": {}}).missing == ["b"]


GOLD_DIR = Path(__file__).resolve().parents[3] / "gold"


@pytest.mark.parametrize(("split", "size", "per_corpus"), [("dev", 41, 15), ("test", 60, 20)])
def test_each_gold_split_has_enough_articles_of_both_corpora(split, size, per_corpus):
    gold = read_gold(GOLD_DIR / f"entities-{split}.jsonl")
    ids = [a.id for a in gold]
    assert len(ids) == len(set(ids)) >= size
    assert sum(i.startswith("wikinews-") for i in ids) >= per_corpus
    assert sum(i.startswith("tehrantimes-") for i in ids) >= per_corpus
    for article in gold:
        assert all(
            e.type in ("person", "organization", "location") and e.mentions
            for e in article.entities
        )


def test_the_dev_split_holds_the_seed_and_shares_no_article_with_the_test_split():
    dev = {a.id for a in read_gold(GOLD_DIR / "entities-dev.jsonl")}
    test = {a.id for a in read_gold(GOLD_DIR / "entities-test.jsonl")}
    assert "dfacb64030334b005ea8" in dev
    assert not dev & test
