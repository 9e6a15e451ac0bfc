"""`wijkmonitor diff <tag>`: one Dutch line per changed value of the design between a
tagged cycle and the work tree, on a real git repository holding the shipped params."""

from __future__ import annotations

import shutil
import subprocess

from support import REPO, pipeline_env

from helpers.cli import main

REDEFINED = """  - date: 2026-12-01
    programme: all
    change: indicator_redefined
    indicator: vrijwilligerswerk
    from_year: 2024
    reason: Vraag aangepast in de gezondheidsmonitor (test).
"""


def _git(root, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, env=pipeline_env(), capture_output=True)


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_each_changed_value_is_one_line(tmp_path, capsys):
    shutil.copytree(REPO / "params", tmp_path / "params")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "cycle 2024")
    _git(tmp_path, "tag", "monitor-2024")
    assert main(["--root", str(tmp_path), "diff", "monitor-2024"]) == 0
    assert capsys.readouterr().out.startswith("geen wijzigingen in doelen, streefwaarden")

    params = tmp_path / "params"
    _edit(params / "programmes" / "soesterkwartier.yaml", "value: 45", "value: 55")
    _edit(
        params / "indicators.yaml",
        "label: Doet vrijwilligerswerk (18+)\n",
        "label: Doet vrijwilligerswerk, ook mantelzorg (18+)\n",
    )
    _edit(
        params / "programmes" / "betere_buurten.yaml",
        "codes: [BU03560401, BU03560402, BU03560403]\n",
        "codes: [BU03560401, BU03560402]\n",
    )
    logbook = params / "logbook.yaml"
    logbook.write_text(logbook.read_text(encoding="utf-8") + REDEFINED, encoding="utf-8")
    _edit(params / "cycle.yaml", "  year: 2024 ", "  year: 2025 ")

    assert main(["--root", str(tmp_path), "diff", "monitor-2024"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "cyclus cycle.year: 2024 → 2025",
        "streefwaarde soesterkwartier eenzaamheid 2026, value: 45 → 55",
        "gebied betere_buurten vanaf 2019: eraf [BU03560403]",
        "indicator vrijwilligerswerk, label: Doet vrijwilligerswerk (18+) → "
        "Doet vrijwilligerswerk, ook mantelzorg (18+)",
        "logboek, nieuw: 2026-12-01 all indicator_redefined vrijwilligerswerk vanaf 2024: "
        "Vraag aangepast in de gezondheidsmonitor (test).",
    ]


def test_an_unknown_tag_is_named(tmp_path, capsys):
    shutil.copytree(REPO / "params", tmp_path / "params")
    _git(tmp_path, "init", "-q")
    assert main(["--root", str(tmp_path), "diff", "monitor-1999"]) == 1
    assert "no commit or tag 'monitor-1999'" in capsys.readouterr().err
