"""Schemathesis hooks for the conformance run (loaded through SCHEMATHESIS_HOOKS).

JSON Schema describes each parameter alone. The rules across parameters (the OpenAPI
document's description states them) are kept in generated searches here, before each request
of every phase, so that a request valid by the document is one the service must accept:
page * size within the result window unless a cursor is given, no page with a cursor, from not
after to. Only values that are valid on their own are adjusted, so negative cases keep the
violation they were made for (schemathesis judges the case again after the hook).
"""

from __future__ import annotations

import re
from typing import Any

import schemathesis

from search.params import MAX_RESULT_WINDOW

_SEARCHES = {
    "/api/search",
    "/",
    "/api/facets/{name}",
    "/facets/{name}",
    "/feeds/search.atom",
    "/api/export",
}
# Saved searches: their search's dates are kept in order, and a webhook URL valid on its own
# (any string, as JSON Schema cannot say "a public http(s) address") becomes a public one.
_ALERT_BODIES = {"/api/alerts", "/alerts"}
PUBLIC_WEBHOOK = "https://example.org/hooks/conformance"
_INT = re.compile(r"[0-9]{1,9}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Keep a search's query string within the rules across parameters."""
    if context.operation.path in _SEARCHES and isinstance(case.query, dict):
        keep_within_rules(case.query)
    if context.operation.path in _ALERT_BODIES and isinstance(case.body, dict):
        keep_alert_within_rules(case.body)


def keep_alert_within_rules(body: dict[str, Any]) -> None:
    """Adjust a saved search's body in place: dates in order, a public webhook."""
    url = body.get("webhook_url")
    if isinstance(url, str) and len(url) <= 2048:
        body["webhook_url"] = PUBLIC_WEBHOOK
    search = body.get("search")
    # The page's form carries the dates as fields of its own.
    for dates in (search if isinstance(search, dict) else {}, body):
        start, end = dates.get("from"), dates.get("to")
        days = (start, end) if isinstance(start, str) and isinstance(end, str) else None
        if days and all(_DAY.fullmatch(d) for d in days) and days[0] > days[1]:
            dates["from"], dates["to"] = end, start


def keep_within_rules(query: dict[str, Any]) -> None:
    """Adjust `query` in place: dates in order, no page with a cursor, pages in the window."""
    start, end = query.get("from"), query.get("to")
    dates = (start, end) if isinstance(start, str) and isinstance(end, str) else None
    if dates and all(_DAY.fullmatch(d) for d in dates) and dates[0] > dates[1]:
        query["from"], query["to"] = end, start
    if query.get("cursor"):
        query.pop("page", None)
        return
    # An empty value is an absent one: the first page, the server's page size (10 here).
    page, size = str(query.get("page") or "1"), str(query.get("size") or "10")
    valid = _INT.fullmatch(page) and _INT.fullmatch(size) and int(size) > 0
    if valid and int(page) * int(size) > MAX_RESULT_WINDOW:
        query["page"] = max(1, MAX_RESULT_WINDOW // int(size))
