"""Context cues: the words around a mention that show its type (sentences from the corpora)."""

import pytest
import spacy
from spacy.tokens import Span

from indexer.entities.cues import after_club_noun, context_cue

NLP = spacy.blank("en")


def cue(text: str, name: str, label: str = "PERSON"):
    """The cue for the first occurrence of `name` (whole tokens) in `text`, tagged `label`."""
    doc = NLP(text)
    size = len(NLP(name))
    start = next(i for i in range(len(doc)) if doc[i : i + size].text == name)
    return context_cue(doc, start, start + size, label)


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("The exhibition opened in Yazd on Monday.", "Yazd", "location"),
        ("A British soldier was killed near Sangin .", "Sangin", "location"),
        ("Iran stores enriched uranium at Fordow .", "Fordow", "location"),
        ("The Fordow facility was built deep underground.", "Fordow", "location"),
        ("Mr Fournier said he would go.", "Fournier", "person"),
        ("President Trump said so.", "Trump", "person"),
        ("Rosatom chief Alexei Likhachev visited.", "Rosatom", "organization"),
        ("Tasnim reported on Sunday.", "Tasnim", "organization"),
        ("Zarif told Kar-va-Kargar newspaper in an interview.", "Kar-va-Kargar", "organization"),
        ("Morocco head coach Herve Renard is a candidate.", "Herve Renard", "person"),
        ("the assassination of political icon Pim Fortuyn", "Pim Fortuyn", "person"),
        ("held in the small town of Alpena in Michigan", "Alpena", "location"),
        ("in the provinces of Ilam, Isfahan, Semnan, Sistan and Fars", "Semnan", "location"),
        ("rimming the Valles Marineris canyon .", "Valles Marineris", "location"),
    ],
)
def test_words_around_a_mention_give_its_type(text, name, kind):
    assert cue(text, name) == kind


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("He served in Trump 's administration.", "Trump"),  # the possessive's head
        ("He lived in New York for years.", "New York"),  # no bare one-word name
        ("Zarif told reporters.", "Zarif"),
        ("the Ministry of Health said", "Health"),  # "of" is no cue
        ("In Isfahan, Zarif said so.", "Zarif"),  # no list goes on after the name
    ],
)
def test_no_cue_where_the_words_around_say_nothing_sure(text, name):
    assert cue(text, name) is None


@pytest.mark.parametrize(
    ("text", "name", "label"),
    [
        ("The bill passed in Senate today.", "Senate", "PERSON"),  # a body's head word
        ("It was first written in Wikipedia .", "Wikipedia", "ORG"),
        ("Iran stays in OPEC .", "OPEC", "ORG"),
    ],
)
def test_a_preposition_of_place_says_nothing_of_a_body_or_a_work(text, name, label):
    assert cue(text, name, label) is None


def test_a_known_place_listed_with_a_place_is_a_place_even_where_ner_said_organisation():
    doc = NLP("sites abroad such as those in Armenia and Zanzibar , he said")
    doc.ents = [Span(doc, 6, 7, label="GPE"), Span(doc, 8, 9, label="ORG")]
    assert context_cue(doc, 8, 9, "ORG") == "location"
    other = NLP("talks between Armenia and Rosatom began")
    other.ents = [Span(other, 2, 3, label="GPE"), Span(other, 4, 5, label="ORG")]
    assert context_cue(other, 4, 5, "ORG") is None  # no known place: a body listed with one


def test_a_role_cues_a_person_only_before_a_full_name_and_a_club_noun_a_club():
    assert cue("The coach Renard said.", "Renard", "ORG") is None
    doc = NLP("English side Tottenham have been drawn against Sevilla")
    assert after_club_noun(doc, 2, 3)
    assert not after_club_noun(doc, 7, 8)
