"""A real webhook receiver on loopback for the tests: it checks signatures and counts deliveries."""

from __future__ import annotations

import json
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from articles.alerts import (
    DELIVERY_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify_signature,
)


@dataclass
class Received:
    """Everything the receiver was sent, and what it answered."""

    secrets: dict[str, str] = field(default_factory=dict)
    # Paths whose first N requests per delivery id are answered 500.
    failures: dict[str, int] = field(default_factory=dict)
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    # Delivery id -> body, for requests answered 2xx.
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    tries: Counter[str] = field(default_factory=Counter)

    def accepted(self) -> Counter[str]:
        """How many times each delivery id was answered 2xx."""
        with self.lock:
            return Counter(d for _, d, status in self.requests if status == 200)

    def pairs(self) -> dict[str, set[str]]:
        """(alert id -> article ids) of the accepted deliveries, repeats merged."""
        found: dict[str, set[str]] = defaultdict(set)
        with self.lock:
            for body in self.bodies.values():
                found[body["alert"]["id"]].add(body["article"]["id"])
        return found

    def answered(self) -> int:
        """Requests answered 2xx so far."""
        with self.lock:
            return sum(1 for _, _, status in self.requests if status == 200)


@contextmanager
def receiver() -> Iterator[tuple[str, Received]]:
    """A threaded HTTP server on 127.0.0.1 recording webhook deliveries; its base URL."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            delivery = self.headers.get(DELIVERY_ID_HEADER) or ""
            payload = json.loads(body)
            secret = received.secrets.get(payload["alert"]["id"], "")
            signed = verify_signature(
                secret,
                self.headers.get(TIMESTAMP_HEADER) or "",
                body,
                self.headers.get(SIGNATURE_HEADER) or "",
            )
            with received.lock:
                received.tries[delivery] += 1
                failing = received.tries[delivery] <= received.failures.get(self.path, 0)
                status = 500 if failing or not signed else 200
                if not signed:
                    received.bad_signatures += 1
                received.requests.append((self.path, delivery, status))
                if status == 200:
                    received.bodies[delivery] = payload
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", received
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
