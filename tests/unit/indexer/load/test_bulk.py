"""The bulk loader's request sizing, retries and per-record reasons, against a scripted client."""

from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import ApiError, ConnectionError

from indexer.load.bulk import BulkItem, bulk_load, serialize
from indexer.load.report import LoadReport
from indexer.load.retry import Backoff, EngineUnavailableError

# No real waiting in unit tests: the retry schedule is what is under test, not the clock. One
# request at a time, so the scripted answers come in the order they are written.
NO_WAIT = Backoff(retries=3, initial=0.0, maximum=0.0)


def action(n: int, body: str = "x") -> BulkItem[str]:
    doc = {"_op_type": "index", "_index": "a", "_id": f"d{n}", "_source": {"body": body}}
    return BulkItem(doc, f"in.jsonl:{n}")


def meta(status: int) -> ApiResponseMeta:
    node = NodeConfig("http", "127.0.0.1", 9200)
    return ApiResponseMeta(status, "1.1", HttpHeaders(), 0.0, node)


class ScriptedClient:
    """Answers each bulk call from a script: an exception to raise, or per-item statuses."""

    def __init__(self, *script: Any) -> None:
        self.script = list(script)
        self.requests: list[list[str]] = []

    def bulk(self, *, operations: list[bytes], filter_path: str) -> dict[str, Any]:
        ids = [line.decode() for line in operations[::2]]
        self.requests.append(ids)
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        items = []
        for n, _ in enumerate(ids):
            status = step[n] if isinstance(step, list) else step
            result: dict[str, Any] = {"_id": str(n), "status": status}
            if status >= 400:
                result["error"] = {"type": "mapper_parsing_exception", "reason": "bad"}
            items.append({"index": result})
        return {"items": items}


def test_requests_are_split_by_bytes_not_by_count():
    client = ScriptedClient(201, 201, 201)
    actions = [action(n, body="x" * 400) for n in range(6)]
    bulk_load(client, actions, chunk_bytes=1_000, backoff=NO_WAIT, concurrency=1)  # type: ignore[arg-type]
    assert [len(r) for r in client.requests] == [2, 2, 2]


def test_lost_connection_and_503_are_retried_and_nothing_is_lost():
    client = ScriptedClient(ConnectionError("gone"), ApiError("unavailable", meta(503), {}), 201)
    report = bulk_load(client, [action(1), action(2)], backoff=NO_WAIT, concurrency=1)  # type: ignore[arg-type]
    assert report.ok
    assert report.written == 2
    assert len(client.requests) == 3


def test_only_the_documents_refused_with_429_are_sent_again():
    client = ScriptedClient([201, 429, 201], [201])
    report = bulk_load(client, [action(1), action(2), action(3)], backoff=NO_WAIT, concurrency=1)  # type: ignore[arg-type]
    assert report.written == 3
    assert len(client.requests[1]) == 1
    assert '"d2"' in client.requests[1][0]


def test_per_document_errors_are_reported_with_their_origin_and_reason():
    client = ScriptedClient([201, 400])
    report = bulk_load(client, [action(1), action(2)], backoff=NO_WAIT, concurrency=1)  # type: ignore[arg-type]
    assert report.written == 1
    assert [str(f) for f in report.failures] == [
        "in.jsonl:2 (id d2): mapper_parsing_exception: bad"
    ]


def test_documents_refused_through_every_retry_fail_with_a_reason():
    client = ScriptedClient(*[[429]] * 4)
    report = bulk_load(client, [action(1)], backoff=NO_WAIT, concurrency=1)  # type: ignore[arg-type]
    assert report.failures[0].reason == "still refused by the engine after 3 retries"


def test_an_engine_that_stays_away_aborts_and_lists_the_unconfirmed_records():
    client = ScriptedClient(201, *[ConnectionError("refused")] * 4)
    report = LoadReport()
    actions = [action(1, "x" * 600), action(2, "x" * 600), action(3, "x" * 600)]
    with pytest.raises(EngineUnavailableError, match="a bulk request failed after 3 retries"):
        bulk_load(client, actions, report=report, chunk_bytes=1_000, backoff=NO_WAIT, concurrency=1)  # type: ignore[arg-type]
    assert report.written == 1
    assert [f.where for f in report.failures] == ["in.jsonl:2"]
    assert report.failures[0].reason.startswith("not confirmed, the engine went away")


def test_a_request_refused_whole_is_not_retried_and_its_one_record_fails_with_the_reason():
    client = ScriptedClient(ApiError("bad request", meta(400), {}))
    report = bulk_load(client, [action(1)], backoff=NO_WAIT, concurrency=1)  # type: ignore[arg-type]
    assert len(client.requests) == 1
    assert [str(f) for f in report.failures] == [
        "in.jsonl:1 (id d1): refused by the engine: HTTP 400 bad request"
    ]


def test_a_request_refused_whole_is_halved_until_the_culprit_fails_alone():
    too_large = ApiError("Request Entity Too Large", meta(413), {})
    client = ScriptedClient(too_large, 201, too_large, 201, too_large)
    report = bulk_load(client, [action(n) for n in range(1, 5)], backoff=NO_WAIT, concurrency=1)  # type: ignore[arg-type]
    assert [len(r) for r in client.requests] == [4, 2, 2, 1, 1]
    assert report.written == 3
    assert [str(f) for f in report.failures] == [
        "in.jsonl:4 (id d4): too large for one request to the engine "
        "(HTTP 413: over its http.max_content_length)"
    ]


def test_delete_actions_have_no_source_line():
    lines = serialize({"_op_type": "delete", "_index": "a", "_id": "x"})
    assert lines == [b'{"delete": {"_id": "x", "_index": "a"}}']


def test_backoff_doubles_up_to_its_cap():
    assert list(Backoff(retries=6, initial=1, maximum=10).delays()) == [1, 2, 4, 8, 10, 10]


def test_requests_in_flight_are_settled_when_the_input_side_loses_the_engine():
    client = ScriptedClient(201)

    def actions():
        yield action(1, "x" * 600)
        yield action(2, "x" * 600)  # a second request: the first is now in flight
        raise EngineUnavailableError("looking up stored articles failed after 3 retries")

    report = LoadReport()
    with pytest.raises(EngineUnavailableError, match="looking up stored articles"):
        bulk_load(client, actions(), report=report, chunk_bytes=1_000, backoff=NO_WAIT)  # type: ignore[arg-type]
    assert report.written == 1  # the first request's answer was still counted
