"""Outputs written through `helpers.runtime.io` take the umask's modes, not tempfile's 0600/0700.

A web server or a colleague running as another user must be able to read the
published site and the tables (issue 13); under a stricter umask they must not.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.runtime.io import atomic_dir, current_umask, swap_dir, write_text_atomic


@pytest.fixture(params=[0o022, 0o027], ids=["umask022", "umask027"])
def umask(request) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_current_umask_is_read_without_changing_it(umask):
    assert current_umask() == umask
    assert current_umask() == umask


def test_atomic_file_follows_the_umask(umask, tmp_path):
    target = tmp_path / "tables" / "overvecht.csv"
    write_text_atomic(target, "a,b\n")
    assert mode(target) == 0o666 & ~umask  # 0644 / 0640
    write_text_atomic(target, "a,b\n1,2\n")  # replacing keeps it readable as well
    assert mode(target) == 0o666 & ~umask


def test_atomic_dir_follows_the_umask(umask, tmp_path):
    target = tmp_path / "_site"
    for _ in range(2):  # first build, then a replacement
        with atomic_dir(target) as tmp:
            (tmp / "index.html").write_text("<p>x</p>", encoding="utf-8")
            (tmp / "figures").mkdir()
        assert mode(target) == 0o777 & ~umask  # 0755 / 0750
        assert mode(target / "figures") == 0o777 & ~umask
        assert mode(target / "index.html") == 0o666 & ~umask


def test_swap_dir_of_a_mkdtemp_folder_follows_the_umask(umask, tmp_path):
    """What `sources.cbs.fetch_table` does for each table under data/raw/cbs."""
    tmp = Path(tempfile.mkdtemp(prefix=".85984NED.", suffix=".tmp", dir=tmp_path))
    assert mode(tmp) == 0o700
    swap_dir(tmp, tmp_path / "85984NED")
    assert mode(tmp_path / "85984NED") == 0o777 & ~umask
