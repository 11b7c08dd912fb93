"""Name normalization: cleaning a mention, folding it to a match key, taking titles off."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Straight, curly, low and angle quotation marks that NER spans drag along.
QUOTES = "\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a\u2039\u203a"
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
# "Khamenei's" -> "Khamenei"; "Jones'" -> "Jones" (only the apostrophe goes).
_POSSESSIVE = re.compile("['\u2019]s$|(?<=s)['\u2019]$")
_LONE_S = re.compile(r"(?<=\w)\s+s$")
# What NER runs into a name that is no part of it: a former-, a score or clock time after it
# ("ex-Real Madrid", "Morocco 1-0", "Edmonton 3:54"), a hyphenated participle ("Donald
# Trump-ordered", "U.S.-led").
_LEADING_EX = re.compile(r"^(?:ex|former)\s*-\s*(?=[A-Z])")
_TRAILING_FIGURES = re.compile(r"\s+\d{1,2}[:\-\u2013]\d{1,2}$")
_TRAILING_PARTICIPLE = re.compile(r"(?<=[\w.])\s*-\s*(?:[a-z]+ed|run|born|made|style|owned|built)$")
_TRAILING_CONNECTOR = re.compile(r"(?:\s+(?:and|of|the|for|&))+$")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What folding treats as a word break: hyphens, dashes, slashes and underscores.
_BREAKS = re.compile(r"[\s\-\u2010-\u2015/_]+")
# What folding drops: periods ("U.S." = "US"), apostrophes ("Kadkhoda'ei"), other punctuation.
_DROPPED = re.compile(r"[^\w\s]")

# Honorifics and titles that come before a name. They are kept out of the canonical name
# ("Ayatollah Seyyed Ali Khamenei" -> "Ali Khamenei") but stay searchable as surface forms.
# Lower case, without periods. Words that are also common given names or surnames (Major,
# Bishop, King, Shah) are left out: taking them off would damage more names than it fixes; so
# are those that are part of a name as people use it (Pope Francis, Queen Elizabeth, Lady Gaga).
TITLES = frozenset(
    """
    ayatollah ayatullah grand hojatoleslam hojjatoleslam hojatolislam hujjat al-islam seyyed
    seyed sayyid sayyed sayed syed sheikh shaikh sheik mullah mawlana maulana imam mr mrs ms
    mss miss messrs dr prof professor sir mme mlle monsieur president vice prime minister
    ministers premier chancellor deputy acting secretary general undersecretary spokesman
    spokeswoman spokesperson ambassador envoy governor mayor senator sen rep congressman
    congresswoman speaker chairman chairwoman chairperson chair ceo chief director head
    leader commander lieutenant lt colonel col captain capt admiral adm brigadier brig gen
    sergeant sgt corporal marshal prince princess crown emir sultan sheikha datuk dato datin
    tan sri tun cardinal archbishop rev reverend rabbi judge attorney prosecutor coach
    foreign interior defense defence finance economy oil energy health culture education
    former late then vp pm fm mp martyr holy prophet
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# Titles that alone announce a person name after them ("Seyyed Abbas Araghchi"), even where the
# statistical NER missed or mislabelled the name. Only unambiguous honorifics: "Imam" also opens
# place names (Imam Square), "President" opens organisations (President's Office).
HONORIFICS = frozenset(
    """
    ayatollah ayatullah hojatoleslam hojjatoleslam hojatolislam seyyed seyed sayyid sayyed
    sayed syed mr mrs ms dr datuk
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# Azerbaijani and Turkic patronymics: "Khalaf Khalafov Aly Oglu" is Khalaf Khalafov, son of Aly.
PATRONYMIC_MARKERS = frozenset({"oglu", "ogly", "oğlu", "kyzy", "qizi", "gizi", "q\u0131z\u0131"})
# Given-name particles that belong to a name and are never a whole name on their own.
NAME_PARTICLES = frozenset({"al", "el", "bin", "ibn", "bint", "abu", "van", "von", "de", "da"})


def clean_mention(text: str) -> str | None:
    """The mention as a value: no leading article, possessive, quotes or extra spaces."""
    value = " ".join(_CONTROL.sub(" ", text).split()).strip(QUOTES + " .,;:!?()[]{}|=")
    value = _LEADING_ARTICLE.sub("", value)
    value = _LEADING_EX.sub("", value)
    value = _TRAILING_PARTICIPLE.sub("", _TRAILING_FIGURES.sub("", value))
    value = _POSSESSIVE.sub("", value).strip(QUOTES + " .,;:-|=")
    # Headlines that lost their apostrophes keep a lone "s": "West s humiliation".
    value = _LONE_S.sub("", value)
    # A list NER ran on into: "Susa and" (Apadana), "Ministry of".
    value = _TRAILING_CONNECTOR.sub("", value)
    # An unbalanced bracket left by a span cut short: "Company (IIEC" is the company.
    if value.count("(") > value.count(")"):
        value = value[: value.rindex("(")].rstrip()
    # One that opened before the span: "Guards Corps (IRGC) Ground Force" gives "IRGC) Ground
    # Force", the IRGC's Ground Force.
    if ")" in value and "(" not in value:
        value = " ".join(value.replace(")", " ").split())
    # Social media handles and hashtags name accounts, not entities ("@khamenei_ir").
    if len(value) < 2 or not _HAS_LETTER.search(value) or "@" in value or "#" in value:
        return None
    return value


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """The match key of a name: no case, diacritics, punctuation, article or possessive.

    "the U.S.", "US" and "U.S." share one key; so do "Khāmenei's" and "khamenei",
    "Nagorno-Karabakh" and "Nagorno Karabakh".
    """
    value = _POSSESSIVE.sub("", text.strip().strip(QUOTES))
    value = unicodedata.normalize("NFKD", value)
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = _LEADING_ARTICLE.sub("", value.casefold())
    value = _DROPPED.sub("", _BREAKS.sub(" ", value))
    return " ".join(value.split())


def title_key(token: str) -> str:
    """A word as looked up in TITLES: lower case, without its trailing period."""
    return token.casefold().rstrip(".")


def strip_titles(name: str) -> tuple[str, tuple[str, ...]]:
    """A person name without the titles before it, and those titles.

    Everything up to the last title word goes ("Leader of the Islamic Revolution Ayatollah Seyed
    Ali Khamenei" -> "Ali Khamenei"), as long as a name is left: "John Major" keeps "Major",
    and a bare "Foreign Minister" is left alone (the caller drops it: it names no one).
    """
    words = name.split()
    cut = 0
    for index, word in enumerate(words[:-1]):
        if title_key(word) in TITLES or title_key(word.replace("-", " ")) in TITLES:
            cut = index + 1
    # "Ministers" etc. at the very end mean the whole span is a role, not a name.
    if words and title_key(words[-1]) in TITLES and all(title_key(w) in TITLES for w in words):
        return "", tuple(words)
    rest = words[cut:]
    # Connectors left at the front by a title phrase: "of State Mike Pompeo" is rare, but "of"
    # and "the" are never the start of a name.
    while rest[:-1] and rest[0].casefold() in {"of", "the", "for", "and"}:
        rest = rest[1:]
    return " ".join(rest), tuple(words[:cut])


def strip_patronymic(name: str) -> str:
    """A name without a Turkic patronymic: "Khalaf Khalafov Aly Oglu" -> "Khalaf Khalafov"."""
    words = name.split()
    if len(words) >= 4 and fold(words[-1]) in {fold(m) for m in PATRONYMIC_MARKERS}:
        return " ".join(words[:-2])
    return name


def fix_case(name: str) -> str:
    """A place name written all in capitals (datelines: "TEHRAN") in title case.

    Only for names known to be places: an all-caps organisation name is usually an acronym.
    """
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) < 3 or not all(ch.isupper() for ch in letters):
        return name
    return name.title()
