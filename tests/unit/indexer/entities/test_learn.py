"""Learning forms from articles: per-article evidence, order-independent, idempotent."""

from indexer.entities.forms_table import FormsTable, KnownEntity, read_entries
from indexer.entities.found import Entities
from indexer.entities.learn import article_evidence, derive_entries, evidence_path, update_learned


def article(*people: str, organizations: dict[str, tuple[str, ...]] | None = None) -> Entities:
    """The entities of an article naming these people (and organisations with their forms)."""
    organizations = organizations or {}
    return Entities(
        person=people,
        organization=tuple(organizations),
        forms={"organization": organizations},
    )


def evidence(*articles: Entities) -> dict:
    return {f"a{i}": article_evidence(e) for i, e in enumerate(articles)}


def test_a_surname_maps_to_the_full_name_most_articles_give():
    found = evidence(
        article("Hassan Rouhani"),
        article("Hassan Rouhani"),
        article("Hassan Rouhani", "Mohammad Javad Zarif"),
        article("Hassan Rouhani"),
    )
    entries = derive_entries(found, FormsTable())
    assert [(e.name, e.forms) for e in entries if e.type == "person"] == [
        ("Hassan Rouhani", ("Rouhani",))
    ]


def test_an_ambiguous_surname_is_not_learned():
    found = evidence(
        *(article("Ali Larijani") for _ in range(3)),
        *(article("Sadegh Larijani") for _ in range(2)),
    )
    assert not [e for e in derive_entries(found, FormsTable()) if "Larijani" in e.forms]


def test_an_acronym_maps_to_the_name_it_was_spelled_out_as():
    nioc = {"National Iranian Oil Company": ("National Iranian Oil Company", "NIOC")}
    entries = derive_entries(
        evidence(article(organizations=nioc), article(organizations=nioc)), FormsTable()
    )
    assert [(e.type, e.name, e.forms) for e in entries] == [
        ("organization", "National Iranian Oil Company", ("NIOC",))
    ]


def test_spans_that_only_look_like_names_are_not_learned():
    found = evidence(*(article("s al-Masirah", "Hassan Rouhani") for _ in range(4)))
    assert [e.name for e in derive_entries(found, FormsTable())] == ["Hassan Rouhani"]


def test_curated_forms_are_not_learned_again():
    curated = FormsTable((KnownEntity("p:r", "person", "Hassan Rouhani", ("Rouhani",)),))
    found = evidence(*(article("Hassan Rouhani") for _ in range(4)))
    assert derive_entries(found, curated) == []


def test_learning_is_idempotent_and_independent_of_order(tmp_path):
    articles = {f"a{i}": article_evidence(article("Hassan Rouhani")) for i in range(5)}
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    update_learned(one, articles, FormsTable())
    report = update_learned(one, articles, FormsTable())
    update_learned(two, dict(reversed(list(articles.items()))), FormsTable())
    assert (report.articles, report.new_articles) == (5, 0)
    assert one.read_text() == two.read_text()
    assert evidence_path(one).is_file()
    assert [e.name for e in read_entries(one, layer="learned")] == ["Hassan Rouhani"]
