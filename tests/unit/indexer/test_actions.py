"""Bulk actions and deterministic ids."""

from datetime import date

from articles import Article
from indexer.actions import document_id, to_action
from indexer.entities import Entities


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


def test_action_is_a_full_index_operation_on_the_alias():
    article = Article(
        id="x1",
        title="Title",
        body="Body",
        published=date(2020, 10, 27),
        source="Iran Press",
        section="Asia",
        url=None,
        language="en",
        categories=("Politics",),
    )
    entities = Entities(
        person=("Khalaf Khalafov",),
        location=("Azerbaijan", "Iran"),
        mentions={"person": ("Khalafov", "Khalaf Khalafov"), "location": ("Azerbaijan", "Iran")},
        forms={"person": {"Khalaf Khalafov": ("Khalafov",)}},
    )
    assert to_action(article, entities, index="articles") == {
        "_op_type": "index",
        "_index": "articles",
        "_id": "x1",
        "_source": {
            "id": "x1",
            "title": "Title",
            "body": "Body",
            "published": "2020-10-27",
            "source": "Iran Press",
            "section": "Asia",
            "url": None,
            "language": "en",
            "categories": ["Politics"],
            "person": ["Khalaf Khalafov"],
            "organization": [],
            "location": ["Azerbaijan", "Iran"],
            "person_mentions": ["Khalafov", "Khalaf Khalafov"],
            "organization_mentions": [],
            "location_mentions": ["Azerbaijan", "Iran"],
            "entity_forms": ["person\x1fKhalaf Khalafov\x1fKhalafov"],
            # Only the title: names are suggested from the names index (indexer/names.py).
            "suggest": [{"input": ["Title"], "weight": 18562, "contexts": {"kind": ["title"]}}],
        },
    }


def test_unknown_publication_date_stays_null():
    action = to_action(Article(title="T", body="B"), Entities(), index="articles")
    assert action["_source"]["published"] is None
