"""Finding what is new to each alert: its compiled query over the articles ingested since its
watermark, many alerts per `_msearch`, paged with `search_after` (pure: requests and matches).

An article is new to an alert when it was stamped (`ingested_at`, when the indexer built its
document for writing) at or after the alert's watermark minus the overlap, and never before
the alert was created. The overlap covers what was stamped before the last run took its
watermark but became searchable only after that run searched: the indexer's write delay plus
the refresh interval. What the overlap finds again was recorded already and is dropped by its
match id.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from articles.alerts import SNAPSHOT_FIELDS
from indexer.alerts.state import Match, SavedAlert, iso, parse_time


def since(alert: SavedAlert, overlap: timedelta) -> datetime:
    """The earliest stamp an article may carry to be new to `alert` in this run."""
    return max(alert.created_at, alert.watermark - overlap)


def search_body(
    alert: SavedAlert, start: datetime, end: datetime, after: list[Any] | None, page: int
) -> dict[str, Any]:
    """One page of an alert's new articles, oldest stamp first (a stable order for paging).

    Stamped from `start` up to `end` (this run's watermark, excluded): what is stamped later is
    the next run's, so a run never records what lies past its own watermark, and only what lies
    in the overlap can have been recorded before.
    """
    stamped = {"range": {"ingested_at": {"gte": iso(start), "lt": iso(end)}}}
    body: dict[str, Any] = {
        "query": {
            # The compiled query was written by the search side's own query builder.
            "bool": {"filter": [alert.query, stamped]}
        },
        "size": page,
        "sort": [{"ingested_at": "asc"}, {"id": "asc"}],
        "_source": list(SNAPSHOT_FIELDS),
        "track_total_hits": False,
    }
    if after is not None:
        body["search_after"] = after
    return body


def msearch_lines(
    articles_alias: str,
    searches: list[tuple[SavedAlert, datetime, list[Any] | None]],
    end: datetime,
    page: int,
) -> list[dict[str, Any]]:
    """The `_msearch` request for several alerts' pages: a header and a body each."""
    lines: list[dict[str, Any]] = []
    for alert, start, after in searches:
        lines.append({"index": articles_alias})
        lines.append(search_body(alert, start, end, after, page))
    return lines


def maybe_recorded(alert: SavedAlert, match: Match) -> bool:
    """Whether an earlier run can have recorded this match: only one stamped before the
    alert's watermark (in the overlap) can."""
    stamp = parse_time(match.article.get("ingested_at"))
    return stamp is None or stamp < alert.watermark


def snapshot(source: Mapping[str, Any]) -> dict[str, Any]:
    """What a match keeps of the article (its feed entry and webhook payload)."""
    return {key: source[key] for key in SNAPSHOT_FIELDS if source.get(key) is not None}


def matches_of(alert: SavedAlert, response: Mapping[str, Any], found_at: str) -> list[Match]:
    """The matches in one alert's answer."""
    return [
        Match(
            alert_id=alert.id,
            article_id=str(hit["_id"]),
            found_at=found_at,
            article=snapshot(hit.get("_source") or {}),
        )
        for hit in response["hits"]["hits"]
    ]
