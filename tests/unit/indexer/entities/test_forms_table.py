"""The forms table: curated data in seeds/ first, learned entries where curation is silent."""

import json
from pathlib import Path

import pytest

from indexer.entities.forms_table import (
    VOTE_PREFIX,
    FormsTable,
    FormsTableError,
    KnownEntity,
    curated_table,
    default_learned,
    learned_path,
    load_forms_table,
    write_entries,
)


def test_the_curated_data_in_seeds_loads_without_conflicts():
    table = curated_table()
    assert table.lookup("person", "Imam Khamenei").name == "Ali Khamenei"
    assert table.lookup("location", "U.S.").name == "United States"
    assert table.curated("Karabakh").type == "location"
    assert table.ignored("COVID-19")


def test_lookups_ignore_case_diacritics_and_punctuation():
    table = FormsTable((KnownEntity("p:k", "person", "Ali Khamenei", ("Khamenei",)),))
    assert table.lookup("person", "KHĀMENEI").name == "Ali Khamenei"
    assert table.lookup("location", "Khamenei") is None


def test_curation_wins_over_learning_for_the_same_form():
    table = FormsTable(
        (
            KnownEntity("learned:x", "person", "Mojtaba Khamenei", ("Khamenei",), "learned"),
            KnownEntity("p:k", "person", "Ali Khamenei", ("Khamenei",)),
        )
    )
    assert table.lookup("person", "Khamenei").name == "Ali Khamenei"


def test_one_form_curated_for_two_entities_is_refused():
    with pytest.raises(FormsTableError, match="Bush"):
        FormsTable(
            (
                KnownEntity("p:gwb", "person", "George W. Bush", ("Bush",)),
                KnownEntity("p:ghwb", "person", "George H. W. Bush", ("Bush",)),
            )
        )


def test_a_bad_line_is_reported_with_file_and_line(tmp_path):
    (tmp_path / "people.entities").write_text('{"id": "x", "type": "planet", "name": "Mars"}\n')
    with pytest.raises(FormsTableError, match=r"people.entities:1: unknown type 'planet'"):
        load_forms_table(curated_dir=tmp_path, learned=tmp_path / "none.jsonl")


def test_the_learned_file_extends_the_curated_data(tmp_path):
    (tmp_path / "places.entities").write_text(
        json.dumps(
            {"id": "l:k", "type": "location", "name": "Nagorno-Karabakh", "forms": ["Karabakh"]}
        )
        + "\n"
        + json.dumps({"id": "i", "type": "ignore", "name": "ISP", "forms": ["DNS"]})
        + "\n"
    )
    learned = tmp_path / "learned.jsonl"
    write_entries(learned, [KnownEntity("learned:p", "person", "Hassan Rouhani", ("Rouhani",))])
    table = load_forms_table(curated_dir=tmp_path, learned=learned)
    assert table.lookup("location", "Karabakh").name == "Nagorno-Karabakh"
    assert table.learned("Rouhani").name == "Hassan Rouhani"
    assert table.ignored("DNS")
    assert (
        load_forms_table(curated_dir=tmp_path, learned=learned, use_learned=False).learned(
            "Rouhani"
        )
        is None
    )


def test_the_learned_file_comes_from_the_environment_when_not_given(tmp_path, monkeypatch):
    learned = tmp_path / "env.jsonl"
    write_entries(learned, [KnownEntity("learned:p", "person", "Hassan Rouhani", ("Rouhani",))])
    monkeypatch.setenv("ENTITY_FORMS_TABLE", str(learned))
    assert load_forms_table(curated_dir=None).lookup("person", "Rouhani") is not None


def test_the_variable_s_old_name_is_still_read_when_the_new_one_is_unset(tmp_path, monkeypatch):
    learned = tmp_path / "env.jsonl"
    write_entries(learned, [KnownEntity("learned:p", "person", "Hassan Rouhani", ("Rouhani",))])
    monkeypatch.delenv("ENTITY_FORMS_TABLE", raising=False)
    monkeypatch.setenv("ENTITY_ALIASES", str(learned))
    assert load_forms_table(curated_dir=None).lookup("person", "Rouhani") is not None
    monkeypatch.setenv("ENTITY_FORMS_TABLE", str(tmp_path / "none.jsonl"))
    assert load_forms_table(curated_dir=None).lookup("person", "Rouhani") is None


def test_a_learned_file_written_before_the_rename_still_reads(tmp_path):
    learned = tmp_path / "learned.jsonl"
    record = {"id": "learned:p", "type": "person", "name": "Hassan Rouhani", "aliases": ["Rouhani"]}
    learned.write_text(json.dumps(record) + "\n")
    table = load_forms_table(curated_dir=None, learned=learned)
    assert table.lookup("person", "Rouhani").name == "Hassan Rouhani"


def test_votes_and_given_names_are_read_back_from_the_learned_file(tmp_path):
    learned = tmp_path / "learned.jsonl"
    write_entries(
        learned,
        [
            KnownEntity("learned:p", "person", "Ebrahim Raisi", ("Raisi",), "learned"),
            KnownEntity(f"{VOTE_PREFIX}rosatom", "organization", "Rosatom", (), "learned"),
        ],
        given_names=["Abbas", "Mohammad"],
    )
    table = load_forms_table(curated_dir=tmp_path, learned=learned)
    assert table.learned_type("Rosatom") == "organization"
    assert table.learned_type("Raisi") == "person"
    assert table.lookup("organization", "Rosatom") is None
    assert table.is_given_name("abbas") and not table.is_given_name("Raisi")
    assert [e.name for e in table.entries if not e.id.startswith(VOTE_PREFIX)] == ["Ebrahim Raisi"]


def test_the_learned_layer_lives_in_the_checkout_or_else_in_the_users_cache(tmp_path, monkeypatch):
    checkout, installed = tmp_path / "checkout", tmp_path / "site-packages"
    (checkout / "indexer").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("[project]\n")
    (installed / "indexer").mkdir(parents=True)
    learned = ("entities", "learned.jsonl")
    assert default_learned(checkout, {}) == checkout.joinpath(".cache", *learned)
    cache = tmp_path / "xdg"
    assert default_learned(installed, {"XDG_CACHE_HOME": str(cache)}) == cache.joinpath(
        "news-search", *learned
    )
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    # Unset, or relative (which the XDG spec says to ignore): ~/.cache.
    for environ in ({}, {"XDG_CACHE_HOME": "relative/cache"}):
        assert default_learned(installed, environ) == tmp_path.joinpath(
            "home", ".cache", "news-search", *learned
        )


def test_this_checkout_keeps_its_learned_layer_in_its_own_cache(monkeypatch):
    for name in ("ENTITY_FORMS_TABLE", "ENTITY_ALIASES"):
        monkeypatch.delenv(name, raising=False)
    repo = Path(__file__).resolve().parents[4]
    assert learned_path() == repo / ".cache" / "entities" / "learned.jsonl"
