"""Learning forms from articles: per-article evidence, order-independent, idempotent."""

from indexer.entities.forms_table import VOTE_PREFIX, FormsTable, KnownEntity, read_entries
from indexer.entities.found import Entities
from indexer.entities.learn import (
    article_evidence,
    derive_entries,
    derive_given_names,
    evidence_path,
    known_hashes,
    rules_version,
    update_learned,
)


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


def typed(kind: str, *names: str, cues: dict[str, str] | None = None) -> Entities:
    """An article that gave these names one type (and these cues around them)."""
    return Entities(forms={kind: {name: (name,) for name in names}}, cues=cues or {})


def votes(entries: list) -> dict[str, str]:
    return {e.name: e.type for e in entries if e.id.startswith(VOTE_PREFIX)}


def test_cues_decide_a_type_ner_gets_wrong_in_most_articles():
    # "Yazd" is a person in most articles (NER), but "in Yazd" and "Yazd province" say place.
    found = evidence(
        *(typed("person", "Yazd") for _ in range(5)),
        typed("person", "Yazd", cues={"Yazd": "location"}),
        typed("location", "Yazd", cues={"Yazd": "location"}),
    )
    assert votes(derive_entries(found, FormsTable())) == {"Yazd": "location"}


def test_without_cues_a_large_majority_of_types_decides():
    found = evidence(*(typed("person", "Trump") for _ in range(12)), typed("organization", "Trump"))
    assert votes(derive_entries(found, FormsTable())) == {"Trump": "person"}
    split = evidence(
        *(typed("person", "Campbell") for _ in range(3)), typed("organization", "Campbell")
    )
    assert votes(derive_entries(split, FormsTable())) == {}


def test_a_form_typed_alike_everywhere_gets_no_vote():
    found = evidence(*(typed("location", "Tehran") for _ in range(9)))
    assert votes(derive_entries(found, FormsTable())) == {}


def test_given_names_open_several_different_full_names():
    found = evidence(
        article("Abbas Araghchi", "Abbas Mousavi", "Abbas Akhoundi"),
        article("President Hassan Rouhani", "Hassan Rouhani"),
        article("Tehran Khalafov", "Tehran Mousavi", "Tehran Abbasi"),  # a place: no name
    )
    assert derive_given_names(found) == ["Abbas"]


def test_an_unchanged_article_is_known_and_nothing_is_rewritten(tmp_path, monkeypatch):
    learned = tmp_path / "learned.jsonl"
    monkeypatch.setattr("indexer.entities.learn.rules_version", lambda: "v1")
    record = article_evidence(article("Hassan Rouhani"), "hash-1")
    update_learned(learned, {"a1": record}, FormsTable())
    assert known_hashes(learned) == {"a1": "hash-1"}
    before = learned.stat().st_mtime_ns
    report = update_learned(learned, {"a1": record}, FormsTable())
    assert (report.new_articles, learned.stat().st_mtime_ns) == (0, before)


def test_evidence_of_other_rules_is_gathered_again(tmp_path, monkeypatch):
    learned = tmp_path / "learned.jsonl"
    monkeypatch.setattr("indexer.entities.learn.rules_version", lambda: "v1")
    update_learned(learned, {"a1": article_evidence(article("Hassan Rouhani"), "h")}, FormsTable())
    monkeypatch.setattr("indexer.entities.learn.rules_version", lambda: "v2")
    assert known_hashes(learned) == {}
    report = update_learned(
        learned, {"a2": article_evidence(article("Ali Larijani"))}, FormsTable()
    )
    assert report.articles == 1


def test_the_rules_version_follows_the_rules_and_the_curated_data(tmp_path):
    (tmp_path / "a.entities").write_text("{}\n")
    one = rules_version(tmp_path)
    (tmp_path / "a.entities").write_text('{"x": 1}\n')
    assert rules_version(tmp_path) != one


def test_a_few_odd_cues_do_not_outvote_the_many_articles_that_type_a_name():
    found = evidence(
        *(typed("person", "Saddam") for _ in range(40)),
        typed("person", "Saddam", cues={"Saddam": "location"}),
        typed("person", "Saddam", cues={"Saddam": "location"}),
    )
    assert votes(derive_entries(found, FormsTable())) == {}


def test_a_word_that_opens_more_bodies_than_people_is_no_given_name():
    found = evidence(
        article("Red Adair", "Red Grange", "Red Auerbach"),
        typed("organization", "Red Crescent", "Red Cross", "Red Bull"),
        typed("location", "Red Sea"),
    )
    assert derive_given_names(found) == []


def test_spellings_of_one_full_name_that_fold_alike_count_together():
    found = evidence(
        article("Es\u2019haq Jahangiri"),
        article("Es\u2019haq Jahangiri"),
        article("Es\u2019haq Jahangiri"),
        article("Eshaq Jahangiri"),
        article("Eshaq Jahangiri"),
    )
    (entry,) = [e for e in derive_entries(found, FormsTable()) if e.type == "person"]
    assert (entry.name, entry.forms) == ("Es\u2019haq Jahangiri", ("Jahangiri",))


def test_an_acronym_most_articles_use_alone_names_its_entity():
    cnn = {"Cable News Network": ("Cable News Network", "CNN")}
    found = evidence(
        article(organizations=cnn),
        article(organizations=cnn),
        *(typed("organization", "CNN") for _ in range(5)),
    )
    entries = [e for e in derive_entries(found, FormsTable()) if e.id.startswith("learned:")]
    assert [(e.name, e.forms) for e in entries] == [("CNN", ("Cable News Network",))]
