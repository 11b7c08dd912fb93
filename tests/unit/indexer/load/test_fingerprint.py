"""An article's fingerprints: deterministic ids, content hashes and duplicate keys."""

from datetime import date

from articles import Article
from indexer.load.fingerprint import content_hash, document_id, duplicate_keys, normalise_url


def test_a_record_id_is_kept():
    assert document_id(Article(id="wikinews-a48d5be6ee83", title="T", body="B")) == (
        "wikinews-a48d5be6ee83"
    )


def test_without_an_id_the_url_decides_identity():
    a = Article(title="One title", body="B", url="https://example.org/x")
    b = Article(title="Another title", body="C", url="https://example.org/x")
    assert document_id(a) == document_id(b)
    assert len(document_id(a)) == 20


def test_without_id_or_url_source_and_title_decide_identity():
    a = Article(title="Karabakh  talks", body="B", source="Iran Press")
    b = Article(title="karabakh talks", body="other body", source="iran press")
    c = Article(title="Karabakh talks", body="B", source="Another Agency")
    assert document_id(a) == document_id(b)
    assert document_id(a) != document_id(c)


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
