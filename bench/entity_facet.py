"""One facet's values for a query, as the search API returns them, with the top value's share.

    .venv/bin/python bench/entity_facet.py --index bench-entities --q Khamenei --facet person

Answers "does the person facet for 'Khamenei' show one dominant value, not several?": it runs
the search through the app (the same request `GET /api/search?q=...` makes), prints the facet
values with their counts, the values that look like forms of the same name (sharing a word with
the query), and writes the figures to artifacts/entity_facet.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from search import create_app  # noqa: E402
from search.config import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", required=True, help="Alias to search.")
    parser.add_argument("--q", default="Khamenei")
    parser.add_argument("--facet", default="person")
    parser.add_argument("--out", type=Path, default=REPO / "artifacts" / "entity_facet.json")
    args = parser.parse_args()

    settings = Settings(
        es_url=os.environ.get("ES_URL", "http://127.0.0.1:9200"), index_alias=args.index
    )
    client = create_app(settings).test_client()
    body = client.get("/api/search", query_string={"q": args.q}).get_json()
    values = [(v["value"], v["count"]) for v in body["facets"][args.facet]]
    word = args.q.casefold()
    forms = [(value, count) for value, count in values if word in value.casefold().split()]
    print(f"{body['total']} articles match q={args.q!r} in {args.index}")
    print(f"{args.facet} facet:")
    for value, count in values:
        print(f"  {count:>6}  {value}{'   <- names ' + args.q if (value, count) in forms else ''}")
    share = forms[0][1] / body["total"] if forms and body["total"] else 0.0
    print(f"values naming {args.q!r}: {len(forms)}; the top one is on {share:.1%} of the articles")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "index": args.index,
        "q": args.q,
        "total": body["total"],
        "facet": values,
        "values_naming_query": forms,
        "top_share": round(share, 4),
    }
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
