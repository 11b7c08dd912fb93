"""The bulk action: an article, its entities and its provenance, built into one document."""

from dataclasses import replace
from datetime import date

from articles import Article
from indexer.documents import Provenance, article_fields, stored_article, to_action
from indexer.entities.found import Entities
from indexer.load.fingerprint import provenance_of

PROVENANCE = Provenance(
    doc_id="x1",
    content_hash="c0ffee",
    duplicate_keys=("url:1", "title:2"),
    origin="/in/wire.jsonl",
    ingested_at="2026-01-01T00:00:00+00:00",
)


ARTICLE = Article(
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


def test_action_is_a_full_index_operation_on_the_alias():
    article = ARTICLE
    entities = Entities(
        person=("Khalaf Khalafov",),
        location=("Azerbaijan", "Iran"),
        mentions={"person": ("Khalafov", "Khalaf Khalafov"), "location": ("Azerbaijan", "Iran")},
        forms={"person": {"Khalaf Khalafov": ("Khalafov",)}},
    )
    assert to_action(article, entities, PROVENANCE, index="articles") == {
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
            # Only the title: names are suggested from the names index (indexer/index/names.py).
            "suggest": [{"input": ["Title"], "weight": 18562, "contexts": {"kind": ["title"]}}],
            "content_hash": "c0ffee",
            "origin": "/in/wire.jsonl",
            "ingested_at": "2026-01-01T00:00:00+00:00",
            "duplicate_keys": ["url:1", "title:2"],
        },
    }


def test_unknown_publication_date_stays_null():
    article = Article(title="T", body="B")
    action = to_action(article, Entities(), provenance_of(article), index="articles")
    assert action["_source"]["published"] is None


def test_the_document_id_is_the_provenance_s_even_when_the_article_has_its_own():
    # A changed copy of a stored article is written over the stored twin, whatever its own id.
    article = Article(id="own-id", title="T", body="B")
    action = to_action(article, Entities(), PROVENANCE, index="articles")
    assert (action["_id"], action["_source"]["id"]) == ("x1", "x1")


def test_the_change_tracking_fields_close_the_document_as_loads_print_it():
    article = Article(title="T", body="B")
    source = to_action(article, Entities(), provenance_of(article), index="a")["_source"]
    assert next(iter(source)) == "id"
    assert list(source)[-4:] == ["content_hash", "origin", "ingested_at", "duplicate_keys"]


def test_a_stored_document_reads_back_as_the_article_it_was_built_from():
    article = replace(ARTICLE, url="https://example.org/a")
    assert stored_article("x1", article_fields(article)) == article
    assert stored_article("x2", {"published": ""}) == Article(id="x2", title="", body="")


def test_an_entity_bomb_is_cut_to_the_limits_with_forms_and_mentions_that_go_with_it():
    from articles.limits import MAX_ENTITIES_PER_TYPE, MAX_ENTITY_CHARS, MAX_FORMS_PER_ENTITY

    names = tuple(f"Person {n}" for n in range(100_000))
    forms = {name: (name.split()[1], f"Mr {name}") for name in names}
    forms[names[0]] = tuple(f"form {n}" for n in range(MAX_FORMS_PER_ENTITY + 5))
    long_name = "N" * (MAX_ENTITY_CHARS + 1)
    entities = Entities(
        person=(long_name, *names),
        location=("Iran",),
        mentions={"person": (long_name, *(w for n in names for w in (n, *forms[n]))),
                  "location": ("Iran",)},
        forms={"person": forms},
    )  # fmt: skip
    source = to_action(ARTICLE, entities, PROVENANCE, index="articles")["_source"]
    assert source["person"] == list(names[:MAX_ENTITIES_PER_TYPE])
    assert source["location"] == ["Iran"]
    kept_forms = [f for f in source["entity_forms"] if f.startswith("person")]
    assert len(kept_forms) == MAX_FORMS_PER_ENTITY + 2 * (MAX_ENTITIES_PER_TYPE - 1)
    assert "Person 99999" not in source["person_mentions"]
    assert long_name not in source["person_mentions"]
    assert "Person 0" in source["person_mentions"] and "Mr Person 1" in source["person_mentions"]
