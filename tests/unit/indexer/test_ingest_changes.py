"""Fingerprints and the in-run duplicate check, without an engine."""

from datetime import date

from articles import Article
from indexer.changes import ChangeTracker, Planned, Skipped
from indexer.fingerprint import content_hash, duplicate_keys, normalise_url
from indexer.parse import Origin, ParsedArticle


def parsed(article: Article, line: int) -> ParsedArticle:
    return ParsedArticle(article, Origin("/in/feed.jsonl", line))


def test_content_hash_changes_with_any_field_and_only_then():
    base = Article(title="T", body="B", published=date(2020, 1, 1), source="S")
    assert content_hash(base) == content_hash(Article(**base.__dict__))
    for change in ({"body": "B2"}, {"published": None}, {"categories": ("x",)}, {"url": "u"}):
        assert content_hash(Article(**{**base.__dict__, **change})) != content_hash(base)


def test_urls_that_differ_only_in_tracking_case_or_fragment_share_a_key():
    plain = "https://Example.org/news/story/"
    assert normalise_url(plain) == "https://example.org/news/story"
    assert normalise_url("https://example.org/news/story?utm_source=x#top") == normalise_url(plain)
    assert normalise_url("https://example.org/news?id=2") != normalise_url(
        "https://example.org/news?id=3"
    )


def test_same_title_and_source_share_a_key_whatever_the_spacing_and_case():
    a = Article(title="Iran and  Armenia sign a deal", body="x", source="Wire")
    b = Article(title="iran and armenia sign a DEAL", body="y", source="wire")
    c = Article(title="Iran and Armenia sign a deal", body="y", source="Other Wire")
    assert duplicate_keys(a)[-1] == duplicate_keys(b)[-1]
    assert duplicate_keys(a)[-1] != duplicate_keys(c)[-1]


def test_repeats_within_a_run_are_stored_once_first_record_wins():
    tracker = ChangeTracker(None, "articles")
    first = Article(id="a", title="Baku summit", body="1", url="https://x.org/1", source="W")
    same_url = Article(id="b", title="Other title", body="2", url="https://x.org/1/", source="W")
    same_title = Article(id="c", title="Baku  summit", body="3", url="https://x.org/3", source="W")
    same_id = Article(id="a", title="Anything", body="4")
    other = Article(id="d", title="Yerevan talks", body="5", source="W")
    decisions = tracker.triage(
        [parsed(a, n) for n, a in enumerate([first, same_url, same_title, same_id, other], 1)]
    )
    assert [type(d).__name__ for d in decisions] == [
        "Planned",
        "Skipped",
        "Skipped",
        "Skipped",
        "Planned",
    ]
    assert all(d.doc_id == "a" for d in decisions[1:4] if isinstance(d, Skipped))
    assert {d.outcome for d in decisions if isinstance(d, Skipped)} == {"duplicate"}
    assert tracker.seen_ids == {"a", "d"}


def test_planned_articles_carry_their_fingerprints_and_input():
    tracker = ChangeTracker(None, "articles")
    article = Article(id="a", title="T", body="B")
    (decision,) = tracker.triage([parsed(article, 3)])
    assert isinstance(decision, Planned)
    assert decision.outcome == "added"
    assert decision.where == "/in/feed.jsonl:3"
    assert decision.input == "/in/feed.jsonl"
    assert decision.content_hash == content_hash(article)
    assert decision.duplicate_keys == duplicate_keys(article)
