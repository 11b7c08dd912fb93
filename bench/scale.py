"""Benchmark: one node holding 44k, 250k and a million articles, the service next to the engine.

    ES_URL=http://127.0.0.1:9400 .venv/bin/python bench/scale.py --sizes 44128,250000,1000000 \
        [--from-alias bench-articles] [--source-url URL] [--rounds 3] [--keep] [--rebuild] \
        [--grow] [--no-merge] [--skip-measured] [--build-only]

For each size, an index `scale-<size>` is built (unless it exists: --rebuild builds it again)
from the stored articles of --from-alias (both shared corpora, entities extracted once): the
articles themselves, then varied copies of them (bench/scale_copies.py: new ids, dates further
back, paragraphs shuffled, half the titles recombined, some rare names made new), bulk-loaded
with refreshes off, merged to one segment as a settled index would be (--no-merge: left as
the merge policy made them, as a live index is). All but the last 100
articles are loaded first and the names index (suggestions) is synced from nothing; then the
last 100 are added as a small load would add them and the sync is timed again (incremental).

Then the app is served with gunicorn on the index, and each of these, single client, is timed
next to the engine requests it makes (built by the same pure functions), back to back so both
see the same noise: /api/search without and with facet selections, /api/suggest,
/api/facets/<name>?q=, the entity page's API, and deep paging with next_cursor. Also the
node's heap used (and what global ordinals and fielddata hold), its process RSS, the index size
per article, the names' count per kind and the sync times, and the first search after a
refresh (what a reader pays while articles are loaded). Figures go to
artifacts/bench/scale-<size>.json; the index is deleted afterwards unless --keep. With --grow
each size tops up the index of the size before it (the same first articles) instead of loading
them all again.
The service samples the facets of large result sets as configured (FACET_SAMPLE, default
20,000; 0 counts exactly, search/sampling.py), and the engine side sends what it sends: the
search with sampled aggregations and, when the service recounts, the recount; the figures say
how many searches were counted which way.
At a million articles some pages take seconds on a busy machine: give the service time with
ES_TIMEOUT=30 (it is handed to gunicorn), or a 503 stops the run.
This is a script, not a timed test: on a shared 2-core machine compare ratios and medians.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from elasticsearch import Elasticsearch, helpers

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from articles import ENTITY_TYPES, concrete_index_name, index_body, names_alias  # noqa: E402
from bench.index_copy import copied_source  # noqa: E402
from bench.scale_copies import name_counts, varied_copy  # noqa: E402
from bench.search_latency import (  # noqa: E402
    PREFIXES,
    SEARCHES,
    Timer,
    _Args,
    percentiles,
    serve,
)
from indexer.index.names import sync_names  # noqa: E402
from search.entity import build_entity  # noqa: E402
from search.facet_values import build_facet_search  # noqa: E402
from search.lookup import Lookup, build_lookup, read_lookup  # noqa: E402
from search.params import FacetQuery, SearchParams  # noqa: E402
from search.query import build_recount, build_search  # noqa: E402
from search.results import total_hits  # noqa: E402
from search.sampling import DEFAULT_SAMPLE, facet_chance, recount  # noqa: E402
from search.suggest import build_suggest, suggest_indices  # noqa: E402

# Added after the names sync, as a small load adds articles, to time an incremental sync.
TAIL = 100
# Values of one facet searched by what is typed, under a search (the facet's "find" box).
FACET_SEARCHES: list[tuple[str, dict[str, Any]]] = [
    ("person", {"q": "al"}),
    ("person", {"q": "don", "query": "trade"}),
    ("organization", {"q": "uni"}),
    ("organization", {"q": "min", "query": "iran", "location": ["Iran"]}),
    ("location", {"q": "teh"}),
    ("location", {"q": "s", "query": "election"}),
]
# Searches timed as the first after a refresh: facets over many articles.
AFTER_REFRESH_SEARCHES: list[dict[str, Any]] = [
    {"q": "iran"},
    {"q": "", "location": ["Iran"]},
    {"q": "president"},
]
# Searches paged through with next_cursor, and how many pages each.
CURSOR_SEARCHES: list[dict[str, Any]] = [
    {"q": "iran", "sort": "newest"},
    {"q": ""},
    {"q": "president"},
]
CURSOR_PAGES = 8
# Entities whose page is timed: the most mentioned of each kind, and one of middling reach.
ENTITY_RANKS = (0, 1, 300)


def read_sources(client: Elasticsearch, alias: str) -> list[dict[str, Any]]:
    """Every stored article behind `alias`, as the current code writes it, in id order."""
    sources = [
        copied_source(hit["_source"])
        for hit in helpers.scan(client, index=alias, size=1000, preserve_order=False)
    ]
    return sorted(sources, key=lambda source: str(source["id"]))


def articles(sources: Sequence[dict[str, Any]], start: int, stop: int) -> Iterator[dict[str, Any]]:
    """Articles `start` to `stop` of the sequence: the sources, then copy 1 of each, and so on."""
    rare = name_counts(sources)
    titles = [str(source.get("title") or "") for source in sources]
    for i in range(start, stop):
        k, j = divmod(i, len(sources))
        yield varied_copy(sources[j], k, rare=rare, titles=titles)


def stamped(docs: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """`docs` stamped as written now, as the indexer stamps every article it writes."""
    for doc in docs:
        yield doc | {"ingested_at": datetime.now(UTC).isoformat(timespec="milliseconds")}


def load(client: Elasticsearch, index: str, docs: Iterator[dict[str, Any]]) -> tuple[int, int]:
    """Bulk-load `docs` into `index` from a few threads; (stored, failed)."""
    ok = failed = 0
    actions = ({"_index": index, "_id": doc["id"], "_source": doc} for doc in docs)
    for success, _ in helpers.parallel_bulk(
        client, actions, thread_count=3, chunk_size=500, raise_on_error=False
    ):
        ok += success
        failed += not success
    return ok, failed


def build(
    client: Elasticsearch,
    sources: Sequence[dict[str, Any]],
    size: int,
    alias: str,
    grow: str | None = None,
    *,
    merge: bool = True,
) -> dict[str, Any]:
    """Build `alias` with `size` articles and sync its names; what it took.

    With `grow` (a smaller size's alias) the index behind it is taken over and topped up, since
    the first articles of every size are the same: the old alias and its names index go.
    """
    for old in (alias, names_alias(alias), *((names_alias(grow),) if grow else ())):
        found = client.options(ignore_status=404).indices.get_alias(name=old)
        if found.meta.status != 404:
            client.indices.delete(index=list(found.body))
    if grow:
        index = next(iter(client.indices.get_alias(name=grow).body))
        client.indices.update_aliases(actions=[{"remove": {"index": index, "alias": grow}}])
        client.indices.refresh(index=index)
        start = int(client.count(index=index)["count"])
        client.indices.put_settings(
            index=index, settings={"refresh_interval": "-1", "translog": {"durability": "async"}}
        )
    else:
        index = concrete_index_name(alias)
        body = index_body()
        body["settings"] |= {"refresh_interval": "-1", "translog": {"durability": "async"}}
        client.indices.create(index=index, **body)
        start = 0
    started = time.perf_counter()
    stored, failed = load(client, index, articles(sources, start, size - TAIL))
    loaded_s = time.perf_counter() - started
    client.indices.put_settings(
        index=index,
        settings={"refresh_interval": None, "translog": {"durability": "request"}},
    )
    client.indices.refresh(index=index)
    started = time.perf_counter()
    if merge:
        client.options(request_timeout=7200).indices.forcemerge(index=index, max_num_segments=1)
    merged_s = time.perf_counter() - started
    client.indices.put_alias(index=index, name=alias)
    full = sync_names(client, alias)
    tail_stored, tail_failed = load(client, index, stamped(articles(sources, size - TAIL, size)))
    client.indices.refresh(index=index)
    incremental = sync_names(client, alias)
    print(f"built {alias}: {start} kept, {stored + tail_stored} stored, "
          f"{failed + tail_failed} failed, load {loaded_s:.0f} s, merge {merged_s:.0f} s, "
          f"names {full.written} in {full.seconds:.1f} s, "
          f"then {incremental.changed} in {incremental.seconds:.1f} s",
          flush=True)  # fmt: skip
    return {
        "kept": start,
        "stored": stored + tail_stored,
        "failed": failed + tail_failed,
        "load_s": round(loaded_s, 1),
        "docs_per_s": round(stored / max(loaded_s, 0.001)),
        "forcemerge_s": round(merged_s, 1),
        "names_sync_full": {"names": full.written, "s": round(full.seconds, 2)},
        "names_sync_after_100": {"names": incremental.changed, "s": round(incremental.seconds, 2)},
    }


def node_figures(client: Elasticsearch, alias: str) -> dict[str, Any]:
    """Heap, what the heap holds for aggregations, RSS, index size and facet cardinality."""
    stats = client.nodes.stats(metric="jvm,indices", index_metric="fielddata,segments")
    node = next(iter(stats["nodes"].values()))
    info = next(iter(client.nodes.info(metric="process")["nodes"].values()))
    rss_kb = 0
    pid = info["process"]["id"]
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
    except OSError:
        pass
    fielddata = node["indices"]["fielddata"]
    index_stats = client.indices.stats(index=alias, metric="store,docs,segments")["_all"][
        "primaries"
    ]
    docs = int(index_stats["docs"]["count"])
    names = client.search(
        index=names_alias(alias),
        size=0,
        aggs={"kinds": {"terms": {"field": "kind", "size": 10}}},
    )["aggregations"]["kinds"]["buckets"]
    mib = 1024 * 1024
    return {
        "heap_used_mib": round(node["jvm"]["mem"]["heap_used_in_bytes"] / mib),
        "heap_max_mib": round(node["jvm"]["mem"]["heap_max_in_bytes"] / mib),
        "old_gen_used_mib": round(node["jvm"]["mem"]["pools"]["old"]["used_in_bytes"] / mib),
        "fielddata_mib": round(fielddata["memory_size_in_bytes"] / mib, 1),
        "global_ordinals": fielddata.get("global_ordinals", {}),
        "rss_mib": round(rss_kb / 1024),
        "docs": docs,
        "store_mib": round(index_stats["store"]["size_in_bytes"] / mib),
        "bytes_per_article": round(index_stats["store"]["size_in_bytes"] / max(docs, 1)),
        "segments": int(index_stats["segments"]["count"]),
        "names": {bucket["key"]: bucket["doc_count"] for bucket in names},
    }


# The service under measurement reads the same variable (search/config.py).
FACET_SAMPLE = int(os.environ.get("FACET_SAMPLE") or DEFAULT_SAMPLE)


def engine_search(
    timer: Timer, params: SearchParams, lookup: Lookup, articles: int
) -> tuple[float, Any, str]:
    """What /api/search sends after its lookup (search/pages.py's run_search): the search, its
    facets sampled as the service samples them, and their recount when it makes one; (ms of
    both, the search's answer, how the facets were counted: exact, sampled or recounted)."""
    chance = facet_chance(params, lookup, lookup.articles or articles, FACET_SAMPLE)
    body = build_search(params, timer.alias, lookup, facet_chance=chance).to_dict()
    ms, answer = timer.es(body)
    if (again := recount(total_hits(answer), chance, FACET_SAMPLE)) is None:
        return ms, answer, "exact" if chance is None else "sampled"
    more, _ = timer.es(build_recount(params, timer.alias, body["query"], again).to_dict())
    return ms + more, answer, "recounted"


def engine_lookup(timer: Timer, params: SearchParams) -> tuple[float, Lookup]:
    """The lookup /api/search sends before its search (search/lookup.py)."""
    if (searches := build_lookup(params.parsed, timer.alias)) is None:
        return 0.0, Lookup()
    ms, answer = timer.msearch(searches)
    return ms, read_lookup(params.parsed, answer["responses"])


class Run:
    """Samples of one size: each kind of request, through the service and to the engine."""

    def __init__(self, timer: Timer, articles: int) -> None:
        self.timer = timer
        # The index's articles, which the service counts for searches without words.
        self.articles = articles
        self.samples: dict[str, list[float]] = {}
        # How the facets of the searches measured were counted (exact, sampled, recounted).
        self.facet_counts: dict[str, int] = {}
        self.turn = 0

    def add(self, name: str, value: float) -> None:
        self.samples.setdefault(name, []).append(value)

    def pair(self, kind: str, path: str, engine: Any, record: bool, *, lookup: bool = False) -> Any:
        """Time the service's `path` and the `engine` requests back to back, alternating which
        goes first; `engine()` returns (ms of the request, ms of the lookup before it)."""
        self.turn += 1
        first = self.turn % 2 == 0
        if first:
            service_ms, answer = self.timer.get(path)
        engine_ms, lookup_ms = engine()
        if not first:
            service_ms, answer = self.timer.get(path)
        if record:
            self.add(f"{kind}_service", service_ms)
            self.add(f"{kind}_engine", engine_ms)
            if lookup:
                self.add(f"{kind}_engine_with_lookup", engine_ms + lookup_ms)
        return answer

    def search(self, kind: str, query: dict[str, Any], record: bool) -> Any:
        params = SearchParams.from_args(_Args(query))

        def engine() -> tuple[float, float]:
            lookup_ms, lookup = engine_lookup(self.timer, params)
            ms, _, counted = engine_search(self.timer, params, lookup, self.articles)
            if record:
                self.facet_counts[counted] = self.facet_counts.get(counted, 0) + 1
            return ms, lookup_ms

        path = "/api/search?" + urlencode(query, doseq=True)
        return self.pair(kind, path, engine, record, lookup=True)

    def suggest(self, prefix: str, record: bool) -> None:
        target = f"{suggest_indices(self.timer.alias)}/_search?ignore_unavailable=true"

        def engine() -> tuple[float, float]:
            ms, _ = self.timer.es(build_suggest(prefix), target)
            return ms, 0.0

        self.pair("suggest", "/api/suggest?" + urlencode({"q": prefix}), engine, record)

    def facet(self, name: str, query: dict[str, Any], record: bool) -> None:
        facet_query = FacetQuery.from_args(name, _Args(query))

        def engine() -> tuple[float, float]:
            lookup_ms, lookup = engine_lookup(self.timer, facet_query.search)
            body = build_facet_search(facet_query, self.timer.alias, lookup).to_dict()
            ms, _ = self.timer.es(body)
            return ms, lookup_ms

        path = f"/api/facets/{name}?" + urlencode(query, doseq=True)
        self.pair("facet_values", path, engine, record, lookup=True)

    def entity(self, kind: str, name: str, record: bool) -> None:
        def engine() -> tuple[float, float]:
            ms, _ = self.timer.es(build_entity(kind, name))
            return ms, 0.0

        self.pair("entity", f"/api/entities/{kind}/{quote(name, safe='')}", engine, record)

    def pages(self, query: dict[str, Any], record: bool) -> None:
        """Follow next_cursor from the first page, each page next to the same engine request."""
        answer = self.search("search_first_page", query, record=False)
        for _ in range(CURSOR_PAGES):
            cursor = answer.get("next_cursor")
            if not cursor:
                return
            answer = self.search("cursor_page", {**query, "cursor": cursor}, record)


def entity_names(client: Elasticsearch, alias: str) -> list[tuple[str, str]]:
    """Entities at the ENTITY_RANKS of each kind, by articles."""
    found: list[tuple[str, str]] = []
    for kind in ENTITY_TYPES:
        hits = client.search(
            index=names_alias(alias),
            query={"term": {"kind": kind}},
            sort=[{"articles": "desc"}, {"name": "asc"}],
            size=max(ENTITY_RANKS) + 1,
            source_includes=["name"],
        )["hits"]["hits"]
        found += [
            (kind, hits[rank]["_source"]["name"]) for rank in ENTITY_RANKS if rank < len(hits)
        ]
    return found


def measure(run: Run, rounds: int, entities: Sequence[tuple[str, str]]) -> None:
    """Every kind of request, `rounds` times after a round that only warms caches."""
    plain = [q for q in SEARCHES if not any(k in q for k in ("person", "organization",
                                                             "location", "source"))]  # fmt: skip
    faceted = [q for q in SEARCHES if q not in plain]
    for round_number in range(rounds + 1):
        record = round_number > 0
        for prefix in PREFIXES:
            run.suggest(prefix, record)
        for query in plain:
            run.search("search", query, record)
        for query in faceted:
            run.search("search_facets", query, record)
        for name, query in FACET_SEARCHES:
            run.facet(name, query, record)
        for kind, name in entities:
            run.entity(kind, name, record)
        for query in CURSOR_SEARCHES:
            run.pages(query, record)


def measure_after_refresh(run: Run, client: Elasticsearch, rounds: int) -> None:
    """The first search after a small load's refresh, next to the refresh itself.

    One article is written again and the index refreshed, as a load does every second; the
    search that follows is the first on the new reader, so it pays for whatever the engine
    builds per reader (global ordinals of the facet fields) unless the refresh already did.
    """
    alias = run.timer.alias
    hit = client.search(index=alias, size=1, sort=[{"id": "asc"}])["hits"]["hits"][0]
    for _ in range(rounds):
        for query in AFTER_REFRESH_SEARCHES:
            client.index(index=alias, id=hit["_id"], document=next(stamped(iter([hit["_source"]]))))
            started = time.perf_counter()
            client.indices.refresh(index=alias)
            run.add("refresh", (time.perf_counter() - started) * 1000)
            params = SearchParams.from_args(_Args(query))
            _, lookup = engine_lookup(run.timer, params)
            ms, _, _ = engine_search(run.timer, params, lookup, run.articles)
            run.add("search_after_refresh_engine", ms)


def report(samples: dict[str, list[float]]) -> dict[str, Any]:
    """Percentiles per sample, and service/engine ratios per kind of request."""
    figures = {name: percentiles(values) for name, values in sorted(samples.items())}
    ratios = {}
    for name in figures:
        if name.endswith("_service"):
            kind = name.removesuffix("_service")
            engine = figures[f"{kind}_engine"]
            ratios[kind] = {p: round(figures[name][p] / engine[p], 2) for p in ("p50", "p95")}
            if with_lookup := figures.get(f"{kind}_engine_with_lookup"):
                ratios[f"{kind}_with_lookup"] = {
                    p: round(figures[name][p] / with_lookup[p], 2) for p in ("p50", "p95")
                }
    return {"ms": figures, "service_over_engine": ratios}


def drop(client: Elasticsearch, alias: str) -> None:
    """Delete the indices of `alias` and of its names."""
    for name in (alias, names_alias(alias)):
        client.indices.delete(index=list(client.indices.get_alias(name=name).body))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="44128,250000,1000000")
    parser.add_argument("--from-alias", default="bench-articles")
    parser.add_argument("--source-url", help="the engine holding --from-alias (default: ES_URL)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="build existing indices again")
    parser.add_argument("--keep", action="store_true", help="keep the indices afterwards")
    parser.add_argument(
        "--grow", action="store_true", help="top up the previous size's index (it is not kept)"
    )
    parser.add_argument(
        "--no-merge",
        action="store_true",
        help="leave the segments as the merge policy made them (a live index), no force merge",
    )
    parser.add_argument("--build-only", action="store_true", help="build, measure nothing")
    parser.add_argument(
        "--skip-measured", action="store_true", help="do not measure sizes with figures in --out"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--out", type=Path, default=REPO / "artifacts" / "bench")
    args = parser.parse_args()

    es_url = os.environ.get("ES_URL", "http://127.0.0.1:9200")
    client = Elasticsearch(es_url, request_timeout=300)
    source = Elasticsearch(args.source_url, request_timeout=300) if args.source_url else client
    sources: list[dict[str, Any]] = []
    args.out.mkdir(parents=True, exist_ok=True)
    previous: str | None = None
    for size in sorted(int(s) for s in args.sizes.split(",")):
        alias = f"scale-{size}"
        built: dict[str, Any] = {}
        if args.rebuild or not client.indices.exists_alias(name=alias):
            sources = sources or read_sources(source, args.from_alias)
            grow = previous if args.grow else None
            built = build(client, sources, size, alias, grow, merge=not args.no_merge)
        previous = alias
        figures = args.out / f"scale-{size}.json"
        if args.build_only or (args.skip_measured and figures.exists()):
            continue
        process, service = serve(alias, es_url, args.workers)
        try:
            timer = Timer(service, es_url, alias)
            run = Run(timer, int(client.count(index=alias)["count"]))
            measure(run, args.rounds, entity_names(client, alias))
            measure_after_refresh(run, client, args.rounds * 3)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        result = {
            "size": size,
            "alias": alias,
            "rounds": args.rounds,
            "load_average": os.getloadavg(),
            "build": built,
            "node": node_figures(client, alias),
            "facet_sample": FACET_SAMPLE,
            "facets_counted": run.facet_counts,
            **report(run.samples),
        }
        figures.write_text(json.dumps(result, indent=2) + "\n")
        shown = ("size", "load_average", "node", "facet_sample", "facets_counted")
        print(json.dumps({k: result[k] for k in shown}))
        for name, figure in result["ms"].items():
            print(f"  {name:34}{figure['p50']:9.1f}{figure['p95']:9.1f}  n={figure['n']}")
        for kind, ratio in result["service_over_engine"].items():
            print(f"  {kind} service/engine: p50 {ratio['p50']}x p95 {ratio['p95']}x")
        if not args.keep and not args.grow:
            drop(client, alias)
    if previous and args.grow and not args.keep:
        drop(client, previous)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
