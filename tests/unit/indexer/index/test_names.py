"""Syncing the names index: the difference between two sorted lists of names and counts."""

from indexer.index.names import name_changes


def test_new_names_are_written_and_gone_names_deleted():
    wanted = [("Baku", 1), ("Yerevan", 2)]
    stored = [("Ankara", 4), ("Yerevan", 2)]
    assert list(name_changes(wanted, stored)) == [("Ankara", None), ("Baku", 1)]


def test_a_recounted_name_is_written_again_and_an_unchanged_one_skipped():
    assert list(name_changes([("Iran", 3), ("Iraq", 1)], [("Iran", 2), ("Iraq", 1)])) == [
        ("Iran", 3)
    ]


def test_either_side_may_be_empty():
    assert list(name_changes([("Iran", 1)], [])) == [("Iran", 1)]
    assert list(name_changes([], [("Iran", 1)])) == [("Iran", None)]
    assert list(name_changes([], [])) == []


def test_the_streams_are_read_lazily():
    def endless():
        n = 0
        while True:
            yield f"name {n:09d}", 1
            n += 1

    changes = name_changes(endless(), iter([("name 000000001", 2)]))
    assert next(changes) == ("name 000000000", 1)
    assert next(changes) == ("name 000000001", 1)
