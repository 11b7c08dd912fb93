"""Helpers the tests share (fixtures live in conftest.py)."""

from indexer.index.lifecycle import delete_all

# Every index of an alias and of its names index, deleted after a test (by name: the engine
# refuses wildcard deletes).
delete_indices = delete_all

__all__ = ["delete_indices"]
