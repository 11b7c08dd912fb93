"""The alias table: curated data in seeds/ first, learned entries where curation is silent."""

import json

import pytest

from indexer.alias_table import (
    AliasEntry,
    AliasTable,
    AliasTableError,
    curated_table,
    load_alias_table,
    write_entries,
)


def test_the_curated_data_in_seeds_loads_without_conflicts():
    table = curated_table()
    assert table.lookup("person", "Imam Khamenei").name == "Ali Khamenei"
    assert table.lookup("location", "U.S.").name == "United States"
    assert table.curated("Karabakh").type == "location"
    assert table.ignored("COVID-19")


def test_lookups_ignore_case_diacritics_and_punctuation():
    table = AliasTable((AliasEntry("p:k", "person", "Ali Khamenei", ("Khamenei",)),))
    assert table.lookup("person", "KHĀMENEI").name == "Ali Khamenei"
    assert table.lookup("location", "Khamenei") is None


def test_curation_wins_over_learning_for_the_same_form():
    table = AliasTable(
        (
            AliasEntry("learned:x", "person", "Mojtaba Khamenei", ("Khamenei",), "learned"),
            AliasEntry("p:k", "person", "Ali Khamenei", ("Khamenei",)),
        )
    )
    assert table.lookup("person", "Khamenei").name == "Ali Khamenei"


def test_one_form_curated_for_two_entities_is_refused():
    with pytest.raises(AliasTableError, match="Bush"):
        AliasTable(
            (
                AliasEntry("p:gwb", "person", "George W. Bush", ("Bush",)),
                AliasEntry("p:ghwb", "person", "George H. W. Bush", ("Bush",)),
            )
        )


def test_a_bad_line_is_reported_with_file_and_line(tmp_path):
    (tmp_path / "people.entities").write_text('{"id": "x", "type": "planet", "name": "Mars"}\n')
    with pytest.raises(AliasTableError, match=r"people.entities:1: unknown type 'planet'"):
        load_alias_table(curated_dir=tmp_path, learned=tmp_path / "none.jsonl")


def test_the_learned_file_extends_the_curated_data(tmp_path):
    (tmp_path / "places.entities").write_text(
        json.dumps(
            {"id": "l:k", "type": "location", "name": "Nagorno-Karabakh", "aliases": ["Karabakh"]}
        )
        + "\n"
        + json.dumps({"id": "i", "type": "ignore", "name": "ISP", "aliases": ["DNS"]})
        + "\n"
    )
    learned = tmp_path / "learned.jsonl"
    write_entries(learned, [AliasEntry("learned:p", "person", "Hassan Rouhani", ("Rouhani",))])
    table = load_alias_table(curated_dir=tmp_path, learned=learned)
    assert table.lookup("location", "Karabakh").name == "Nagorno-Karabakh"
    assert table.learned("Rouhani").name == "Hassan Rouhani"
    assert table.ignored("DNS")
    assert (
        load_alias_table(curated_dir=tmp_path, learned=learned, use_learned=False).learned(
            "Rouhani"
        )
        is None
    )


def test_the_learned_file_comes_from_the_environment_when_not_given(tmp_path, monkeypatch):
    learned = tmp_path / "env.jsonl"
    write_entries(learned, [AliasEntry("learned:p", "person", "Hassan Rouhani", ("Rouhani",))])
    monkeypatch.setenv("ENTITY_ALIASES", str(learned))
    assert load_alias_table(curated_dir=None).lookup("person", "Rouhani") is not None
