"""`sources.demo.write_demo`: the one entry both stages use writes each part where the
pipeline reads it, the same bytes as the writers behind it."""

from __future__ import annotations

import pytest
from support import REPO, digests

from helpers.config import Paths, load_project
from helpers.sources import demo

PROJECT = load_project(Paths.from_root(REPO))


def test_each_part_goes_where_the_stages_read_it(tmp_path):
    paths = Paths(tmp_path / "project")
    cbs = demo.write_demo(PROJECT, paths, "cbs")
    local = demo.write_demo(PROJECT, paths, "local")
    assert cbs and all(p.is_relative_to(paths.raw_cbs) for p in cbs)
    assert local and all(p.is_relative_to(paths.raw_demo) for p in local)
    demo.write_demo_cbs(PROJECT, tmp_path / "cbs")
    demo.write_demo_local(PROJECT, tmp_path / "demo")
    assert digests(paths.raw_cbs) == digests(tmp_path / "cbs")
    assert digests(paths.raw_demo) == digests(tmp_path / "demo")


def test_an_unknown_part_is_refused(tmp_path):
    with pytest.raises(ValueError, match="demo part 'crime': 'cbs' or 'local'"):
        demo.write_demo(PROJECT, Paths(tmp_path), "crime")  # type: ignore[arg-type]
