"""The index lifecycle: versioned indices behind an alias, rebuilt and swapped without downtime.

`lifecycle` creates, checks, swaps and deletes indices; `reindex` rebuilds every stored article
into a new index and swaps (and `rollback` swaps back); `names` keeps the suggestions' names
index in step with the articles' facets; `snapshots` backs them up and restores them.
"""
