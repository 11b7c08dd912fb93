"""How gunicorn serves the app (`gunicorn -c gunicorn.conf.py 'search:create_app()'`).

Chosen by `make bench-throughput` (bench/throughput.py; figures in README "Benchmarks"): on 2
cores shared with the engine, 2 threaded workers of 4 threads served the most searches per second
next to the engine at 8 and at 32 clients, with the least CPU per request. A request spends most
of its time waiting for the engine, which a thread does without holding the GIL, so threads
overlap those waits; sync workers cannot keep connections alive (each request is a new TCP
connection) and each holds its own lookup cache (search/lookup.py), which 4 threads share.
More threads per worker only added GIL contention; more processes, context switches.
"""

from __future__ import annotations

import os

worker_class = "gthread"
# WEB_CONCURRENCY (gunicorn's own variable) and GUNICORN_THREADS size it for other machines: the
# engine's throughput sets how many requests are worth having in flight.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
