"""Context cues: the words around a mention that show its type (sentences from the corpora)."""

import pytest
import spacy

from indexer.entities.cues import context_cue

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
