"""The command line, kept thin: each command parses its options, calls the library, prints.

`group` (the `python -m indexer` group and its connection options), `load`, `index`
(create-index, stats, reindex, rollback), `backup` (snapshot, snapshots, restore), `entities`
(the entity step alone), and what they share: `options` (option declarations) and `common`
(the connection, the NER pipeline, turning errors into one-line messages, printing a report).
"""

from indexer.cli.group import main

__all__ = ["main"]
