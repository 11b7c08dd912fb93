"""The sample articles the integration tests load (tests/data/search_articles.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "data"
ARTICLES: list[dict[str, Any]] = [
    json.loads(line)
    for line in (DATA / "search_articles.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
SEED_ID = "0a4f7763723d062e"
XSS_ID = "xss-portal"
