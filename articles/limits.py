"""The limits every stored article keeps, declared once beside the schema (README, "Limits").

The indexer enforces them at the door (`indexer/formats/limits.py`); the search side may rely on
them for new data but still treats stored values as possibly absurd (older loads, other writers).
A value that is merely large is cut down and the record kept; one that cannot be right fails it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

# Published dates outside [EARLIEST_PUBLISHED, today + FUTURE_PUBLISHED_DAYS] are cleared (the
# article is kept, undated): a CMS placeholder such as 0001-01-01 or 9999-12-31 says nothing
# about the article, and years outside 1..9999 break date arithmetic wherever they are shown.
# A few days ahead allows for time zones and embargoed stories dated for their release.
EARLIEST_PUBLISHED = date(1800, 1, 1)
FUTURE_PUBLISHED_DAYS = 3

# The engine refuses a document `_id` longer than 512 bytes (and with it the whole bulk request).
MAX_ID_BYTES = 512
# Longer than this a title is not a headline but a body or a mapping mistake: the record fails.
MAX_TITLE_CHARS = 1_000
# Longer bodies are cut at a paragraph (else sentence, else word) boundary and end with
# BODY_TRUNCATED. The longest article in the shared corpora is under 50,000 characters.
MAX_BODY_CHARS = 500_000
BODY_TRUNCATED = "\n\n[…]"
# The url keyword is not indexed past 2,048 characters (schema); a longer one fails the record.
MAX_URL_CHARS = 2_048
# source, section, language and each category are short labels; a longer one fails the record.
MAX_LABEL_CHARS = 200
# Categories past this many are dropped (the corpora's most is 172).
MAX_CATEGORIES = 500

# What the entity step may store per article: canonical names per type, the surface forms kept
# per name, and the length of a name or form. NER reads at most the opening of a long body, but
# a list of names (an "entity bomb") must not become a keyword array of tens of thousands.
MAX_ENTITIES_PER_TYPE = 250
MAX_FORMS_PER_ENTITY = 20
MAX_ENTITY_CHARS = 200

# URL inputs: a total deadline per URL (connect, redirects and every byte of the body), the
# largest body read, and how many redirects are followed.
FETCH_DEADLINE_SECONDS = 30.0
FETCH_MAX_BYTES = 50 * 1024 * 1024
FETCH_MAX_REDIRECTS = 5


def published_range(today: date | None = None) -> tuple[date, date]:
    """The earliest and latest published date an article may carry (today in UTC by default)."""
    today = today or datetime.now(UTC).date()
    return EARLIEST_PUBLISHED, today + timedelta(days=FUTURE_PUBLISHED_DAYS)
