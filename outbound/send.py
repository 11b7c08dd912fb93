"""POST a body to a URL under the same rules as fetching: checked addresses, one deadline.

For webhooks: the target is a URL someone saved, so it is as hostile as any fetched one. A
redirect is not followed (a POST sent on elsewhere is not what the owner asked for) and counts
as a failure, as does any status outside 2xx; at most a little of the answer is read.
"""

from __future__ import annotations

import time

from outbound.fetch import _Exchange, _remaining
from outbound.policy import AddressPolicy, FetchError, parse_target

# Bytes of an answer read before the connection is closed: the status is what counts.
_ANSWER_BYTES = 64 * 1024


def post(
    url: str,
    body: bytes,
    *,
    policy: AddressPolicy,
    deadline: float,
    headers: dict[str, str],
) -> int:
    """POST `body` to `url` within `deadline` seconds; the 2xx status of the answer.

    Raises FetchRefusedError for a URL or address the policy refuses and FetchError for
    anything else: no answer in time, a redirect, or a status outside 2xx.
    """
    stop_at = time.monotonic() + deadline
    target = parse_target(url)
    addresses = policy.addresses(target, timeout=_remaining(stop_at, deadline))
    with _Exchange(
        target, addresses, url, stop_at, deadline, headers, method="POST", body=body
    ) as answer:
        answer.read(_ANSWER_BYTES)
        if not 200 <= answer.status < 300:
            raise FetchError(f"HTTP {answer.status} {answer.reason}")
        return answer.status
