"""The indexer: news articles in, searchable documents with entity facets out.

A load runs four steps, wired together in `indexer.pipeline` (start reading there):

    read     formats/    inputs (files, folders, URLs) -> records: an article, or a failure
    plan     load/       what the engine holds decides what to write, with its provenance
    extract  entities/   NER plus our entity rules -> canonical names per type, and their forms
    build    documents   article + entities + provenance -> the one bulk action
    write    load/       bulk requests with retries, then prune; one report counts every outcome

Around them: `index/` owns the index lifecycle (versioned indices behind an alias, reindex and
rollback, the names index for suggestions) and `cli/` the thin `python -m indexer` commands.
"""
