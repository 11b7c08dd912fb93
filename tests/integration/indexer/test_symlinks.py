"""Folder inputs never follow symbolic links out of the folder (issue 10, item 5)."""

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import cli
from indexer.formats.inputs import Input, ParseFailure, read_input
from tests.support import load_cli

pytestmark = pytest.mark.es

REPO = Path(__file__).resolve().parents[3]
STORY = REPO / "tests" / "data" / "ingest" / "dateline.txt"


def test_links_out_of_an_inbox_are_reported_and_links_inside_it_are_read_once(
    es, es_url, alias, tmp_path
):
    inbox = tmp_path / "inbox"
    (inbox / "desk").mkdir(parents=True)
    shutil.copy(STORY, inbox / "desk" / "metro.txt")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret title\n\nNot for the index.\n", encoding="utf-8")
    (inbox / "passwd.txt").symlink_to("/etc/passwd")
    (inbox / "elsewhere").symlink_to(outside)
    (inbox / "again.txt").symlink_to(inbox / "desk" / "metro.txt")
    (inbox / "desk" / "loop").symlink_to(inbox)
    (inbox / "dangling.txt").symlink_to(tmp_path / "gone.txt")

    result = load_cli(es_url, alias, inbox)
    assert result.exit_code == 1
    assert (
        f"FAILED {inbox / 'passwd.txt'}: symbolic link to /etc/passwd, outside the folder: "
        "not followed"
    ) in result.output
    assert (
        f"FAILED {inbox / 'elsewhere'}: symbolic link to {outside}, outside the folder: "
        "not followed"
    ) in result.output
    assert f"FAILED {inbox / 'dangling.txt'}: symbolic link to" in result.output
    assert "indexed 1, failed 3" in result.output
    assert "duplicates 0" in result.output  # again.txt was not read a second time
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=10)["hits"]["hits"]
    assert [h["_source"]["origin"] for h in hits] == [str(inbox / "desk" / "metro.txt")]
    assert "root:" not in str(hits)


def test_a_file_of_a_walked_folder_swapped_for_a_link_is_not_read_through_it(tmp_path):
    swapped = tmp_path / "story.txt"
    swapped.symlink_to("/etc/passwd")
    (failure,) = read_input(Input(str(swapped), in_folder=True))
    assert failure == ParseFailure(failure.origin, "became a symbolic link: not followed")


def test_a_folder_named_on_the_command_line_may_itself_be_a_link(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    shutil.copy(STORY, real / "metro.txt")
    os.symlink(real, tmp_path / "link")
    result = CliRunner().invoke(cli.main, ["load", "--dry-run", str(tmp_path / "link")])
    assert result.exit_code == 0, result.output
    assert "built 1, failed 0" in result.output
