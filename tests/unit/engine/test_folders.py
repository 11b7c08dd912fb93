"""The engine's folders and the files root writes there, against other local users (real files)."""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path

import pytest

from engine import folders, service_user
from engine.config import NodeConfig, default_root
from engine.distribution import fetch
from engine.errors import EngineError

# Giving a folder to another user takes root, which is how CI and this project's machines run.
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="only root can give files to another user")


def nobody() -> pwd.struct_passwd:
    """Another local user: the one every Debian system has."""
    return pwd.getpwnam("nobody")


def test_missing_folders_are_created_ours_alone_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        made = folders.ensure_own_dir(tmp_path / "a" / "b")
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", made):
        st = folder.stat()
        assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (os.geteuid(), 0o755)


@as_root
def test_a_folder_another_user_created_first_is_refused(open_tmp: Path) -> None:
    taken = open_tmp / "cache"
    taken.mkdir()
    os.chown(taken, nobody().pw_uid, nobody().pw_gid)
    with pytest.raises(EngineError, match=r"belongs to nobody .*someone else may have created it"):
        folders.ensure_own_dir(taken)


@as_root
def test_root_refuses_the_moved_cache_folder_when_another_user_created_it_first(
    open_tmp: Path,
) -> None:
    private = open_tmp / "home"
    repo_cache = private / "repo" / ".cache" / "engine"
    repo_cache.mkdir(parents=True)
    private.chmod(0o700)
    moved = default_root(repo_cache, euid=0)
    assert moved.parent == Path("/var/tmp")
    moved.mkdir()  # the predictable name, taken by another user before root's first run
    try:
        os.chown(moved, nobody().pw_uid, nobody().pw_gid)
        with pytest.raises(EngineError, match="belongs to nobody"):
            fetch(NodeConfig(root=moved).distribution)
        assert list(moved.iterdir()) == []  # nothing was written into it
    finally:
        moved.rmdir()


def test_a_folder_others_can_write_to_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "cache"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(EngineError, match=r"can be written by other users \(mode 777\)"):
        folders.ensure_own_dir(shared)


def test_a_symlinked_folder_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "cache").symlink_to(real)
    with pytest.raises(EngineError, match="symbolic link"):
        folders.ensure_own_dir(tmp_path / "cache")


def test_a_folder_under_one_others_can_write_without_the_sticky_bit_is_refused(
    tmp_path: Path,
) -> None:
    # Without the sticky bit (that /tmp has), anyone could rename our folder and put theirs there.
    open_to_all = tmp_path / "drop"
    open_to_all.mkdir()
    open_to_all.chmod(0o777)
    with pytest.raises(EngineError, match="could be changed by another user"):
        folders.ensure_own_dir(open_to_all / "cache")
    assert not (open_to_all / "cache").exists()


def test_the_folders_above_are_checked_where_a_link_really_leads(tmp_path: Path) -> None:
    open_to_all = tmp_path / "drop"
    (open_to_all / "real").mkdir(parents=True)
    open_to_all.chmod(0o777)
    (tmp_path / "link").symlink_to(open_to_all / "real")
    with pytest.raises(EngineError, match=r"drop .*could be changed by another user"):
        folders.ensure_own_dir(tmp_path / "link" / "cache")


def test_a_new_file_replaces_a_symlink_and_leaves_its_target_alone(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    link = tmp_path / "console.log"
    link.symlink_to(victim)
    folders.write_new_text(link, "node output\n")
    assert victim.read_text() == "precious\n"
    assert not link.is_symlink()
    assert link.read_text() == "node output\n"


def test_a_new_file_replaces_a_hard_link_and_leaves_the_other_name_alone(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    os.link(victim, tmp_path / "node.pid")
    folders.write_new_text(tmp_path / "node.pid", "42\n")
    assert victim.read_text() == "precious\n"


def test_reading_never_follows_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_text("123\n")
    (tmp_path / "node.pid").symlink_to(target)
    assert folders.read_text_nofollow(tmp_path / "node.pid") is None
    assert folders.read_text_nofollow(target) == "123\n"


def test_a_symlinked_lock_file_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    lock = tmp_path / "start.lock"
    lock.symlink_to(victim)
    with folders.locked(lock):
        assert not lock.is_symlink()
    assert victim.read_text() == "precious\n"


@as_root
def test_hand_over_gives_files_to_the_node_user_but_never_through_links(tmp_path: Path) -> None:
    node_user = nobody()
    victim = tmp_path / "victim"
    victim.write_text("root's\n")
    tree = tmp_path / "data"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "segment").write_text("x")
    (tree / "link-to-victim").symlink_to(victim)
    (tree / "dir-link").symlink_to(tmp_path, target_is_directory=True)
    os.link(victim, tree / "hard-link-to-victim")
    service_user.hand_over(tree, node_user.pw_uid, node_user.pw_gid)
    for path in (tree, tree / "sub", tree / "sub" / "segment"):
        assert path.stat().st_uid == node_user.pw_uid
    assert victim.stat().st_uid == 0
    assert tmp_path.stat().st_uid == 0
