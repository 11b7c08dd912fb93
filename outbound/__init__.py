"""Outbound HTTP on behalf of users: which addresses may be reached, and fetching under limits.

Users name URLs (feeds and pages to index; later, perhaps, webhooks to call), so every request
this package makes is treated as hostile until checked: only http(s), every hop of a redirect
checked again, every address a name resolves to checked, the connection made to the address
that was checked (no second lookup for DNS rebinding to answer differently), one deadline for
the whole fetch and a cap on the bytes read. It depends on the standard library alone, so the
indexer and the search service can both use it.
"""

from outbound.fetch import Fetched, fetch
from outbound.policy import AddressPolicy, FetchError, FetchRefusedError, is_http_url

__all__ = ["AddressPolicy", "FetchError", "FetchRefusedError", "Fetched", "fetch", "is_http_url"]
