"""Typing, span repair and merging rules, each on the forms that motivated it."""

import pytest

from indexer.entities.canonical import (
    Mention,
    Resolved,
    classify,
    initials,
    is_generic,
    resolve,
    split_leading_place,
)
from indexer.entities.forms_table import FormsTable, KnownEntity

EMPTY = FormsTable()
CURATED = FormsTable(
    (
        KnownEntity("l:karabakh", "location", "Nagorno-Karabakh", ("Karabakh",)),
        KnownEntity("l:us", "location", "United States", ("U.S.", "America")),
        KnownEntity("p:khamenei", "person", "Ali Khamenei", ("Khamenei", "Imam Khamenei")),
        KnownEntity("p:araghchi", "person", "Abbas Araghchi", ("Araqchi", "Abbas Araqchi")),
        KnownEntity("o:tasnim", "organization", "Tasnim News Agency", ("Tasnim",)),
        KnownEntity("p:raisi", "person", "Ebrahim Raisi", ("Raisi",), layer="learned"),
    ),
    ignore=frozenset({"ISP"}),
)


def people(*mentions: str, table: FormsTable = EMPTY) -> list[Resolved]:
    """The people resolved from person mentions, in order."""
    return resolve([Mention(m, "person") for m in mentions], table)


@pytest.mark.parametrize(
    ("text", "label", "kind"),
    [
        ("Azerbaijan", "PERSON", "location"),  # the seed: a country tagged as a person
        ("Karabakh", "PERSON", "location"),  # curated region
        ("Tasnim", "PERSON", "organization"),  # curated news agency
        ("Iran", "ORG", "location"),  # a country standing for its government
        ("Tehran Municipality", "GPE", "organization"),  # an organisation's last word
        ("Hamedan Province", "ORG", "location"),
        ("Tehran Permanent International Fairground", "ORG", "location"),
        ("Raisi", "GPE", "person"),  # the surname of a full name the corpus gives (learned)
        ("Lincoln", "PERSON", "person"),  # a small town does not overrule a person tag
    ],
)
def test_mentions_get_the_type_the_evidence_gives(text, label, kind):
    assert classify(text, label, CURATED) == kind


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Azerbaijanis", "ORG"),  # a demonym tagged as a name
        ("Hague Convention", "LOC"),  # a treaty
        ("NSDF Futsal Championship", "ORG"),  # an event
        ("navy", "ORG"),  # no capital letter: no name
        ("@POTUS", "ORG"),  # a handle
        ("Leader", "ORG"),  # a bare title
        ("ISP", "ORG"),  # curated as never an entity
        ("Tuesday", "DATE"),
    ],
)
def test_things_that_are_not_entities_get_no_type(text, label):
    assert classify(text, label, CURATED) is None


def test_a_place_run_into_the_name_after_it_is_cut_off():
    assert split_leading_place("Baku Seyyed Abbas Mousavi", "PERSON") == [
        ("Baku", "GPE"),
        ("Seyyed Abbas Mousavi", "PERSON"),
    ]
    assert split_leading_place("Iran\u2019s Red Crescent", "ORG") == [
        ("Iran", "GPE"),
        ("Red Crescent", "ORG"),
    ]
    assert split_leading_place("Percy Montgomery", "PERSON") == [("Percy Montgomery", "PERSON")]


def test_a_surname_that_follows_the_full_name_maps_to_it():
    (khalafov,) = people("Khalaf Khalafov Aly Oglu", "Khalaf Khalafov", "Khalafov")
    assert khalafov.name == "Khalaf Khalafov"
    assert khalafov.forms == ("Khalaf Khalafov Aly Oglu", "Khalaf Khalafov", "Khalafov")


def test_titled_forms_of_one_person_become_one_value():
    (khamenei,) = people(
        "Ayatollah Khamenei", "Ayatollah Seyyed Khamenei", "Ayatollah Seyyed Ali Khamenei"
    )
    assert khamenei.name == "Ali Khamenei"


def test_trailing_parts_initials_and_middle_names_map_to_the_full_name():
    assert [p.name for p in people("Hassan Kazemi Qomi", "Kazemi Qomi")] == ["Hassan Kazemi Qomi"]
    assert [p.name for p in people("Jonny Wilkinson", "J Wilkinson")] == ["Jonny Wilkinson"]
    assert [p.name for p in people("George W. Bush", "George Bush")] == ["George W. Bush"]
    assert [p.name for p in people("Ahmed Mohamed", "Ahmed")] == ["Ahmed Mohamed"]


def test_a_first_name_shared_by_two_people_stays_apart():
    names = [p.name for p in people("Abbas Mousavi", "Abbas Araghchi", "Abbas")]
    assert names == ["Abbas Mousavi", "Abbas Araghchi", "Abbas"]


def test_a_titled_first_name_is_a_name_of_its_own():
    names = [p.name for p in people("Ayatollah Ali Khamenei", "Imam Ali")]
    assert names == ["Ali Khamenei", "Ali"]


def test_a_surname_shared_by_two_people_goes_to_the_one_mentioned_most():
    (ahmed, father) = people(
        "Ahmed Mohamed", "Mohamed", "Mohamed El-Hassan Mohamed", "Ahmed Mohamed"
    )
    assert (ahmed.name, father.name) == ("Ahmed Mohamed", "Mohamed El-Hassan Mohamed")
    assert "Mohamed" in ahmed.forms or "Mohamed" in father.forms


def test_a_curated_surname_never_merges_into_another_person():
    names = [p.name for p in people("Mojtaba Khamenei", "Imam Khamenei", table=CURATED)]
    assert names == ["Mojtaba Khamenei", "Ali Khamenei"]


def test_a_heading_word_run_into_a_curated_name_is_left_out():
    names = [
        p.name for p in people("Ayatollah Khamenei Economy", "Ali Khamenei July", table=CURATED)
    ]
    assert names == ["Ali Khamenei"]
    assert [p.name for p in people("Hadi Khamenei", table=CURATED)] == ["Hadi Khamenei"]


def test_curated_spellings_give_one_value():
    assert [p.name for p in people("Abbas Araqchi", table=CURATED)] == ["Abbas Araghchi"]


def test_learned_surnames_name_people_across_articles():
    assert [p.name for p in people("President Raisi", table=CURATED)] == ["Ebrahim Raisi"]


def test_a_place_tagged_mention_of_a_persons_surname_becomes_that_person():
    found = resolve([Mention("Abbas Araghchi", "person"), Mention("Araghchi", "location")], EMPTY)
    assert found == [Resolved("person", "Abbas Araghchi", ("Abbas Araghchi", "Araghchi"))]


def test_a_known_place_keeps_its_type_next_to_a_namesake():
    found = resolve(
        [Mention("George Washington", "person"), Mention("Washington", "location")], EMPTY
    )
    assert [(r.kind, r.name) for r in found] == [
        ("person", "George Washington"),
        ("location", "Washington"),
    ]


def test_tentative_names_survive_only_when_the_article_confirms_them():
    confirmed = [Mention("Homayun Asadian", "person"), Mention("Asadian", "person", tentative=True)]
    assert [r.name for r in resolve(confirmed, EMPTY)] == ["Homayun Asadian"]
    assert resolve([Mention("Humiliating Muslim", "person", tentative=True)], EMPTY) == []


def test_countries_and_curated_places_get_their_common_names():
    found = resolve(
        [Mention(m, "location") for m in ("Republic of Azerbaijan", "U.S.", "America", "Karabakh")],
        CURATED,
    )
    assert [(r.name, r.forms) for r in found] == [
        ("Azerbaijan", ("Republic of Azerbaijan",)),
        ("United States", ("U.S.", "America")),
        ("Nagorno-Karabakh", ("Karabakh",)),
    ]


def test_spelling_variants_of_a_place_are_one_value_named_by_the_first():
    found = resolve([Mention("Jilin", "location"), Mention("Jílín", "location")], EMPTY)
    assert found == [Resolved("location", "Jilin", ("Jilin", "Jílín"))]


def test_organisation_acronyms_and_short_forms_join_the_full_name():
    found = resolve(
        [
            Mention("Islamic Revolution Guards Corps", "organization"),
            Mention("IRGC", "organization"),
            Mention("Royal Dutch Shell", "organization"),
            Mention("Shell", "organization"),
            Mention("Iranian Foreign Ministry", "organization"),
            Mention("Foreign Ministry", "organization"),
        ],
        EMPTY,
    )
    assert [r.name for r in found] == [
        "Islamic Revolution Guards Corps",
        "Royal Dutch Shell",
        "Iranian Foreign Ministry",
    ]


def test_an_acronym_stands_for_the_name_it_followed_in_brackets():
    found = resolve(
        [
            Mention("Petroleum Engineering and Development Company", "organization"),
            Mention(
                "PEDEC", "organization", acronym_of="Petroleum Engineering and Development Company"
            ),
        ],
        EMPTY,
    )
    assert [r.name for r in found] == ["Petroleum Engineering and Development Company"]


def test_initials_skip_small_words():
    assert initials("Atomic Energy Organization of Iran") == "AEOI"
    assert initials("Iran Chamber of Commerce, Industries, Mines and Agriculture") == "ICCIMA"


def test_one_name_is_filed_under_one_type_per_article():
    found = resolve(
        [Mention("Jordan", "location"), Mention("Jordan", "location"), Mention("Jordan", "person")],
        EMPTY,
    )
    assert [(r.kind, r.name) for r in found] == [("location", "Jordan")]


@pytest.mark.parametrize(
    "text",
    [
        "Group",
        "Management Board",
        "State",
        "Agency",
        "Mining and Trade",
        "Science and Technology",
        "British Defense",  # before "Secretary Ben Wallace"
    ],
)
def test_generic_words_alone_name_nothing(text):
    assert is_generic(text)
    assert classify(text, "ORG", EMPTY) is None


@pytest.mark.parametrize(
    "text", ["Foreign Ministry", "Health Ministry", "Parliament", "Senate", "Security Council"]
)
def test_a_body_named_by_its_field_or_a_countrys_one_parliament_is_a_name(text):
    assert not is_generic(text)
    assert classify(text, "ORG", EMPTY) == "organization"


@pytest.mark.parametrize(
    ("text", "label", "kind"),
    [
        ("Chogha Zanbil Temple", "ORG", "location"),
        ("Shirley Temple", "PERSON", "person"),  # a weak head: people's names end so too
        ("Sadr City Market", "ORG", "location"),
        ("Mount Damavand Fortress", "ORG", "location"),
        ("South Pars gas field", "ORG", "location"),
        ("Bolton Wanderers", "PERSON", "organization"),  # a club, whatever NER said
        ("West Bromwich Albion", "GPE", "organization"),
        ("Louvre Museum", "FAC", "organization"),
        ("IRGC Ground Force", "PERSON", "organization"),
        ("Manchester United", "PERSON", "organization"),
        ("Islamic Republic of Iran Railways", "GPE", "organization"),
        ("UN Charter", "ORG", None),  # a law
        ("Sixth National Development Plan Referendum", "ORG", None),
    ],
)
def test_head_words_tell_sites_clubs_and_bodies_apart(text, label, kind):
    assert classify(text, label, EMPTY) == kind


VOTED = FormsTable(
    (
        KnownEntity("vote:rosatom", "organization", "Rosatom", layer="learned"),
        KnownEntity("vote:yazd", "location", "Yazd", layer="learned"),
        KnownEntity("vote:tabriz", "person", "Tabriz", layer="learned"),
        KnownEntity("p:norouzi", "person", "Hassan Norouzi", ("Norouzi",), layer="learned"),
        KnownEntity("o:cbi", "organization", "Central Bank of Iran", ("CBI",), layer="learned"),
    )
)


def test_the_corpus_vote_types_a_name_ner_got_wrong_here():
    assert classify("Rosatom", "PERSON", VOTED) == "organization"
    assert classify("Yazd", "PERSON", VOTED) == "location"  # a known city: only as a place
    assert classify("Tabriz", "GPE", VOTED) == "location"  # a vote never unmakes a place
    assert VOTED.lookup("organization", "Rosatom") is None  # a vote names nothing


def test_a_learned_short_form_never_renames_the_fuller_name_of_the_article():
    found = resolve(
        [
            Mention("Abdollah Norouzi", "person"),
            Mention("Norouzi", "person"),
            Mention("Confederation of British Industry", "organization"),
            Mention("CBI", "organization", "Confederation of British Industry"),
            Mention("CBI", "organization"),
        ],
        VOTED,
    )
    assert [r.name for r in found] == ["Abdollah Norouzi", "Confederation of British Industry"]
    alone = resolve([Mention("Norouzi", "person"), Mention("CBI", "organization")], VOTED)
    assert [r.name for r in alone] == ["Hassan Norouzi", "Central Bank of Iran"]


def test_a_martyrs_title_stays_out_of_the_name():
    assert [p.name for p in people("Qassem Soleimani", "Martyr Soleimani")] == ["Qassem Soleimani"]


@pytest.mark.parametrize(
    ("text", "label", "kind"),
    [
        ("Ministry of Foreign Affairs", "PERSON", "organization"),  # the head before "of"
        ("University of Texas Arlington", "GPE", "organization"),
        ("26th International Exhibition of Food", "ORG", None),
        ("River Wear", "ORG", "location"),
        ("Hamadan Airbase", "ORG", "location"),
        ("Israeli National Security Adviser", "ORG", None),  # a role
        ("Investment and Foreign Trade", "ORG", None),
        ("Grand Theft Auto Saga", "ORG", None),
        ("Azadi Arena", "ORG", "location"),  # sites of sport and culture
        ("Vahdat Theatre", "ORG", "location"),
        ("Burj Khalifa", "ORG", "location"),  # a tower's head opens its name
        ("Australian Open Singles", "ORG", None),  # parts of a tournament
    ],
)
def test_more_heads_roles_and_fields(text, label, kind):
    assert classify(text, label, EMPTY) == kind


def test_a_given_name_opens_a_person_ner_called_an_organisation():
    table = FormsTable(given_names=frozenset({"Nemat", "Red"}))
    assert classify("Nemat Sadeqi", "ORG", table) == "person"
    assert classify("Nemat Sadeqi Foundation", "ORG", table) == "organization"
    assert classify("NIOC Nemat", "ORG", table) == "organization"


def test_the_head_of_a_name_with_of_is_before_it():
    assert classify("Fajr Intelligence Organization of Fars Province", "GPE", EMPTY) == (
        "organization"
    )
    assert classify("Strait of Hormuz", "ORG", EMPTY) == "location"


def test_a_place_name_without_a_capital_is_no_place():
    assert classify("metro", "GPE", EMPTY) is None


def test_an_organisation_without_its_head_or_with_a_plural_is_one_name():
    found = resolve(
        [
            Mention("IndyMac Bank", "organization"),
            Mention("IndyMac", "organization"),
            Mention("Iran International Exhibitions Company", "organization"),
            Mention("Iran International Exhibition Company", "organization"),
        ],
        EMPTY,
    )
    assert [r.name for r in found] == ["IndyMac Bank", "Iran International Exhibitions Company"]


def test_an_article_that_spells_a_name_out_keeps_it_spelled_out():
    table = FormsTable(
        (KnownEntity("o:nhl", "organization", "NHL", ("National Hockey League",), "learned"),)
    )
    spelled = resolve([Mention("National Hockey League", "organization")], table)
    alone = resolve([Mention("NHL", "organization")], table)
    assert [r.name for r in spelled + alone] == ["National Hockey League", "NHL"]


def test_a_demonym_and_a_head_name_a_body():
    assert not is_generic("British Embassy")
    # A capitalised "Government" names one, where the demonym and a lowercase one do not.
    assert not is_generic("Scottish Government")
    assert is_generic("Scottish government")


@pytest.mark.parametrize(
    ("text", "label", "kind"),
    [
        ("AFC Champions League", "ORG", None),  # a competition
        ("Volleyball Nations League", "ORG", None),
        ("Arab League", "ORG", "organization"),  # a body
        ("BigPond Media", "PERSON", "organization"),
        # What a deputy or a convention deals with; a body's name has a head.
        ("Asia-Pacific Affairs", "ORG", None),
        ("Consular Rights", "ORG", None),
        ("Bureau of Consular Affairs", "ORG", "organization"),
        ("Council on American-Islamic Relations", "ORG", "organization"),
        ("Iranian House of Cinema", "FAC", "organization"),  # a house of ... is a body
        ("Leinster House", "ORG", "organization"),  # (no head: NER's type)
    ],
)
def test_competitions_are_no_bodies_and_media_names_one(text, label, kind):
    assert classify(text, label, EMPTY) == kind


def test_a_full_name_the_article_goes_on_to_call_by_its_last_word_is_a_person():
    found = resolve(
        [
            Mention("Marion Bartoli", "organization"),
            Mention("Bartoli", "location"),
            Mention("Royal Dutch Shell", "organization"),
            Mention("Shell", "organization"),
            Mention("Bayern Munich", "location"),
            Mention("Munich", "location"),
        ],
        EMPTY,
    )
    assert [(r.kind, r.name) for r in found] == [
        ("person", "Marion Bartoli"),
        ("organization", "Royal Dutch Shell"),
        ("location", "Bayern Munich"),
        ("location", "Munich"),
    ]


def test_a_body_of_another_body_stays_apart_from_it():
    found = resolve(
        [
            Mention("General Assembly of the United Nations", "organization"),
            Mention("United Nations", "organization"),
            Mention("Royal Dutch Shell", "organization"),
            Mention("Shell", "organization"),
        ],
        EMPTY,
    )
    assert [r.name for r in found] == [
        "General Assembly of the United Nations",
        "United Nations",
        "Royal Dutch Shell",
    ]


def test_a_person_named_as_an_organisation_of_the_article_without_its_head_is_that_body():
    found = resolve(
        [
            Mention("Louvre Museum", "organization"),
            Mention("Louvre", "person"),
            Mention("Tehran Municipality", "organization"),
            Mention("Tehran", "person"),
        ],
        EMPTY,
    )
    assert [(r.kind, r.name) for r in found] == [
        ("organization", "Louvre Museum"),
        ("organization", "Tehran Municipality"),
        ("person", "Tehran"),  # a known place is never a body so
    ]


def test_curated_forms_keep_their_type_without_a_capital_and_others_need_one():
    table = FormsTable((KnownEntity("o:p5+1", "organization", "P5+1", ("5+1 group",)),))
    assert classify("5+1 group", "CARDINAL", table) == "organization"
    assert classify("woodland", "GPE", table) is None
    assert classify("U.S. Treasury", "ORG", table) == "organization"
