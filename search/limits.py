"""How much of a stored article the search side serves and works on, whatever the index holds.

The indexer caps fields on the way in too, but an index may hold older or foreign documents:
the service defends itself. A 40 MB body or a 1 MB title is never sent, marked up or analysed
whole, and a date outside the calendar (year 1, 9999) never breaks a page.
"""

from __future__ import annotations

# Characters of a title shown in result lists, suggestions and on the article page.
MAX_TITLE_CHARS = 1_000
# Characters of a body served by the article page and `/api/articles/<id>`; the entity mention
# marks and the "related articles" likeness work on this much too. Long reads stay whole.
MAX_BODY_CHARS = 100_000
# Characters of a field the highlighter analyses per hit (`max_analyzed_offset`); matches past
# it are not marked, and the engine never refuses a search because one body is huge.
MAX_HIGHLIGHT_CHARS = 100_000


def capped(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when it was longer."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
