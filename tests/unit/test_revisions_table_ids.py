"""The revisions stage records the cycle's table ids for the demo source too: they are
how the fetch stage learns that a table id changed (dvc.yaml does not declare
cbs.kwb_tables, whose integer keys break `dvc params diff`)."""

from __future__ import annotations

import json
import shutil

from support import REPO

from helpers.cli import main


def test_a_changed_table_id_changes_what_fetch_depends_on(tmp_path, capsys):
    shutil.copytree(REPO / "params", tmp_path / "params")
    shutil.copytree(REPO / "notebooks" / "deep_dives", tmp_path / "notebooks" / "deep_dives")
    published = tmp_path / "data" / "raw" / "cbs_published.json"
    assert main(["--root", str(tmp_path), "revisions"]) == 0
    first = json.loads(published.read_text(encoding="utf-8"))
    assert first["source"] == "demo"
    assert {"84583NED", "85984NED"} <= set(first["tables"]), "KWB 2019 and 2024"
    cycle = tmp_path / "params" / "cycle.yaml"
    text = cycle.read_text(encoding="utf-8")
    cycle.write_text(text.replace("2024: 85984NED", "2024: 85985NED"), encoding="utf-8")
    assert main(["--root", str(tmp_path), "revisions"]) == 0
    second = json.loads(published.read_text(encoding="utf-8"))
    assert "85985NED" in second["tables"] and "85984NED" not in second["tables"]
