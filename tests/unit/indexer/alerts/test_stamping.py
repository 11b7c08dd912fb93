"""Articles are stamped when their document is built for writing, not when the load started:
the alerts checker finds new articles by that stamp, looking back only a few minutes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import spacy

from indexer.load.changes import ChangeTracker
from indexer.load.report import LoadReport
from indexer.pipeline import LoadOptions, plan_documents

RUN_START = "2000-01-01T00:00:00+00:00"


def test_each_document_is_stamped_as_it_is_built(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    records = [{"title": f"Story {n}", "body": "Text.", "source": "W"} for n in range(3)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    before = datetime.now(UTC)
    tracker = ChangeTracker(None, "articles", ingested_at=RUN_START)
    items = list(
        plan_documents(
            [path], tracker, LoadOptions(index="articles"), LoadReport(), nlp=spacy.blank("en")
        )
    )
    stamps = [datetime.fromisoformat(item.action["_source"]["ingested_at"]) for item in items]
    assert len(stamps) == 3
    assert all(before <= stamp <= datetime.now(UTC) for stamp in stamps)
    assert stamps == sorted(stamps)
