"""Learning aliases from articles: per-article evidence, order-independent, idempotent."""

from indexer.alias_table import AliasEntry, AliasTable, read_entries
from indexer.entities import Entities
from indexer.learn import article_evidence, derive_entries, evidence_path, update_learned


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
    entries = derive_entries(found, AliasTable())
    assert [(e.name, e.aliases) for e in entries if e.type == "person"] == [
        ("Hassan Rouhani", ("Rouhani",))
    ]


def test_an_ambiguous_surname_is_not_learned():
    found = evidence(
        *(article("Ali Larijani") for _ in range(3)),
        *(article("Sadegh Larijani") for _ in range(2)),
    )
    assert not [e for e in derive_entries(found, AliasTable()) if "Larijani" in e.aliases]


def test_an_acronym_maps_to_the_name_it_was_spelled_out_as():
    nioc = {"National Iranian Oil Company": ("National Iranian Oil Company", "NIOC")}
    entries = derive_entries(
        evidence(article(organizations=nioc), article(organizations=nioc)), AliasTable()
    )
    assert [(e.type, e.name, e.aliases) for e in entries] == [
        ("organization", "National Iranian Oil Company", ("NIOC",))
    ]


def test_spans_that_only_look_like_names_are_not_learned():
    found = evidence(*(article("s al-Masirah", "Hassan Rouhani") for _ in range(4)))
    assert [e.name for e in derive_entries(found, AliasTable())] == ["Hassan Rouhani"]


def test_curated_forms_are_not_learned_again():
    curated = AliasTable((AliasEntry("p:r", "person", "Hassan Rouhani", ("Rouhani",)),))
    found = evidence(*(article("Hassan Rouhani") for _ in range(4)))
    assert derive_entries(found, curated) == []


def test_learning_is_idempotent_and_independent_of_order(tmp_path):
    articles = {f"a{i}": article_evidence(article("Hassan Rouhani")) for i in range(5)}
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    update_learned(one, articles, AliasTable())
    report = update_learned(one, articles, AliasTable())
    update_learned(two, dict(reversed(list(articles.items()))), AliasTable())
    assert (report.articles, report.new_articles) == (5, 0)
    assert one.read_text() == two.read_text()
    assert evidence_path(one).is_file()
    assert [e.name for e in read_entries(one, layer="learned")] == ["Hassan Rouhani"]
