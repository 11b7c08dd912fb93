"""Deciding what to write: the in-run duplicate check and the provenance of a write, no engine."""

from articles import Article
from indexer.formats.records import Origin, ParsedArticle
from indexer.load.changes import ChangeTracker, Planned, Skipped
from indexer.load.fingerprint import content_hash, duplicate_keys


def parsed(article: Article, line: int) -> ParsedArticle:
    return ParsedArticle(article, Origin("/in/feed.jsonl", line))


def test_repeats_within_a_run_are_stored_once_first_record_wins():
    tracker = ChangeTracker(None, "articles")
    first = Article(id="a", title="Baku summit", body="1", url="https://x.org/1", source="W")
    same_url = Article(id="b", title="Other title", body="2", url="https://x.org/1/", source="W")
    same_title = Article(id="c", title="Baku  summit", body="3", url="https://x.org/3", source="W")
    same_id = Article(id="a", title="Anything", body="4", source="w ")
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


def test_a_repeat_from_another_source_within_a_run_is_a_conflict_naming_both():
    tracker = ChangeTracker(None, "articles")
    first = Article(id="a", title="Baku summit", body="1", url="https://x.org/1", source="Wire")
    same_id = Article(id="a", title="Anything", body="2", source="Blog")
    same_url = Article(id="b", title="Other", body="3", url="https://x.org/1")
    _, by_id, by_url = tracker.triage(
        [parsed(a, n) for n, a in enumerate([first, same_id, same_url], 1)]
    )
    assert isinstance(by_id, Skipped) and isinstance(by_url, Skipped)
    assert (by_id.outcome, by_url.outcome) == ("conflict", "conflict")
    assert by_id.reason == (
        "same id as article a from /in/feed.jsonl:1 (source 'Wire'), "
        "but this record's source is 'Blog': not replaced"
    )
    assert by_url.reason == (
        "same URL as article a from /in/feed.jsonl:1 (source 'Wire'), "
        "but this record's source is None: not replaced"
    )


def test_planned_articles_carry_their_fingerprints_and_input():
    tracker = ChangeTracker(None, "articles")
    article = Article(id="a", title="T", body="B")
    (decision,) = tracker.triage([parsed(article, 3)])
    assert isinstance(decision, Planned)
    assert decision.outcome == "added"
    assert decision.where == "/in/feed.jsonl:3"
    assert decision.input == "/in/feed.jsonl"
    assert decision.provenance.doc_id == "a"
    assert decision.provenance.content_hash == content_hash(article)
    assert decision.provenance.duplicate_keys == duplicate_keys(article)
    assert decision.provenance.origin == "/in/feed.jsonl"
    assert decision.provenance.ingested_at == tracker.ingested_at
