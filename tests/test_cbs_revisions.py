"""CBS revisions through the real cbsodata client on loopback: noticed, fetched, logged;
offline the cycle says it could not check and goes on with the snapshot.

The loopback server first serves KWB 2024 as its first release (the recorded TableInfos of
August 2024 in the bernasco folder: `Modified` 2024-08-16, `ReasonDelivery` Nieuw) and then
as the recorded revision of March 2025 (`Modified` 2025-03-27). Only TableInfos differs
between the two: the data rows and DataProperties are the revision's in both.
"""

from __future__ import annotations

import copy
import csv
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from cbs_server import ReplayServer, kwb_2024_tables, recorded_cycle, set_area_codes
from support import REPO, digests
from test_cbs_faults import closed_port
from test_sources_cbs import one_year_project as shipped_one_year

from helpers import report_data
from helpers.cli import main
from helpers.config import Project
from helpers.paths import Paths
from helpers.sources.cbs import CbsUnavailable, fetch_kwb
from helpers.sources.cbs_revisions import (
    REVISIONS_FILE,
    check_revisions,
    read_revisions,
    refresh_revised,
    snapshot_of,
)
from helpers.sources.demo import write_demo_cbs

TABLE = "85984NED"
FIRST_RELEASE = "bernasco_misdaad_concentratie_kwb/85984NED_2024/TableInfos.csv"
REVISED = "2025-03-27T02:00:00"


def one_year_project(address: str) -> Project:
    """KWB 2024 only (no health table), from the server at `address`."""
    project = shipped_one_year(address)
    cbs = project.cycle.cbs.model_copy(update={"health_table": None})
    return project.model_copy(update={"cycle": project.cycle.model_copy(update={"cbs": cbs})})


@pytest.fixture(scope="module")
def releases(shared_cbs: Path) -> tuple[dict, dict]:
    """KWB 2024 as first released (TableInfos of August 2024) and as revised (March 2025)."""
    revised = kwb_2024_tables(shared_cbs)
    with (shared_cbs / FIRST_RELEASE).open(encoding="utf-8", newline="") as handle:
        first_info = next(csv.DictReader(handle))
    first = copy.deepcopy(revised)
    info = first[TABLE]["TableInfos"][0]
    info.update(Modified=first_info["Modified"], ReasonDelivery=first_info["ReasonDelivery"])
    assert info["Modified"] == "2024-08-16T02:00:00"
    assert revised[TABLE]["TableInfos"][0]["Modified"] == REVISED
    return first, revised


def test_a_newer_revision_is_noticed_fetched_and_logged(releases, tmp_path):
    first, revised = releases
    out = tmp_path / "cbs"
    with ReplayServer(first) as server:
        fetch_kwb(one_year_project(server.address), out, log=lambda _: None, backoff=0)
    assert snapshot_of(out / TABLE).modified == "2024-08-16T02:00:00"
    assert not (out / REVISIONS_FILE).exists(), "a first fetch is no revision"
    messages: list[str] = []
    with ReplayServer(revised) as server:
        project = one_year_project(server.address)
        (check,) = check_revisions(project, out)
        assert check.outdated and check.published == REVISED
        refresh_revised(project, out, log=messages.append)
        again = check_revisions(project, out)
    assert messages[0] == (
        f"CBS {TABLE} (KWB 2024): CBS published a newer revision: snapshot "
        f"2024-08-16T02:00:00 -> {REVISED}: fetching it"
    )
    assert any(f"new revision {REVISED} replaces 2024-08-16T02:00:00" in m for m in messages)
    assert snapshot_of(out / TABLE).modified == REVISED
    log = read_revisions(out / REVISIONS_FILE)
    assert log[["table_id", "label", "previous_modified", "modified"]].values.tolist() == [
        [TABLE, "KWB 2024", "2024-08-16T02:00:00", REVISED]
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", log["fetched_on"].iloc[0])
    assert not again[0].outdated, "the refreshed snapshot is the current revision"
    assert "is the current revision (2025-03-27T02:00:00)" in again[0].message()


def test_offline_the_check_says_so_and_keeps_the_snapshot(releases, tmp_path):
    out = tmp_path / "cbs"
    with ReplayServer(releases[1]) as server:
        fetch_kwb(one_year_project(server.address), out, log=lambda _: None, backoff=0)
    before = digests(out)
    messages: list[str] = []
    address = closed_port()
    (check,) = refresh_revised(one_year_project(address), out, log=messages.append)
    assert check.published is None and not check.outdated
    assert messages == [
        f"CBS {TABLE} (KWB 2024): could not check for a newer revision on {address} "
        f"({check.problem}); going on with the snapshot of {REVISED}"
    ]
    assert "ConnectionError" in check.problem
    assert digests(out) == before


def test_a_kept_demo_table_is_named_synthetic(project, releases, tmp_path):
    out = tmp_path / "cbs"
    write_demo_cbs(project, out)
    assert snapshot_of(out / TABLE).synthetic
    narrowed = one_year_project(closed_port())
    (check,) = check_revisions(narrowed, out)
    assert check.message().endswith(
        "going on with the snapshot of 2025-03-27T02:00:00, a SYNTHETIC demo table left by "
        "an earlier run with `source: demo` (not CBS data)"
    )
    with ReplayServer({}) as server, pytest.raises(CbsUnavailable) as caught:  # 404
        fetch_kwb(one_year_project(server.address), out, log=lambda _: None, backoff=0)
    assert "is kept - it is a SYNTHETIC demo table left by an earlier run" in str(caught.value)
    with ReplayServer(releases[1]) as server:
        project_cbs = one_year_project(server.address)
        (check,) = check_revisions(project_cbs, out)
        assert check.outdated, "a demo table is never the current CBS revision"
        refresh_revised(project_cbs, out, log=lambda _: None)
    assert not snapshot_of(out / TABLE).synthetic
    assert not (out / REVISIONS_FILE).exists(), "replacing demo data is no CBS revision"


def test_the_revisions_command_and_the_report(releases, tmp_path, capsys):
    """`wijkmonitor revisions` on a params copy, online then offline; harmonise keeps the
    log for the report, whose sources table and revision log show both dates."""
    shutil.copytree(REPO / "params", tmp_path / "params")
    shutil.copytree(REPO / "notebooks" / "deep_dives", tmp_path / "notebooks" / "deep_dives")
    cycle = tmp_path / "params" / "cycle.yaml"
    text = recorded_cycle(
        cycle.read_text(encoding="utf-8"), ("health_table: 50090NED", "health_table:")
    )
    set_area_codes(
        tmp_path / "params" / "programmes",
        {"vollenhove": "WK035502", "betere_buurten": "WK035604, WK035610"},
    )
    first, revised = releases
    with ReplayServer(first) as server:
        cycle.write_text(text.replace("opendata.cbs.nl", server.address), encoding="utf-8")
        assert main(["--root", str(tmp_path), "fetch"]) == 0
    with ReplayServer(revised) as server:
        cycle.write_text(text.replace("opendata.cbs.nl", server.address), encoding="utf-8")
        capsys.readouterr()
        assert main(["--root", str(tmp_path), "revisions"]) == 0
    out = capsys.readouterr().out
    assert "revisions: 1 table(s) checked, 1 fetched again, 0 could not be checked" in out
    cycle.write_text(text.replace("opendata.cbs.nl", closed_port()), encoding="utf-8")
    assert main(["--root", str(tmp_path), "revisions"]) == 0, "offline is no failure"
    out = capsys.readouterr().out
    assert "could not check for a newer revision" in out and f"snapshot of {REVISED}" in out
    assert main(["--root", str(tmp_path), "harmonise"]) == 0
    kept = tmp_path / "data" / "processed" / "cbs" / REVISIONS_FILE
    assert read_revisions(kept)["previous_modified"].tolist() == ["2024-08-16T02:00:00"]
    log = report_data.revision_table(report_data.revision_log(Paths.from_root(tmp_path)))
    assert log.to_dict("records")[0] | {"opgehaald op": ""} == {
        "tabel": f"CBS Kerncijfers wijken en buurten ({TABLE})",
        "jaar of editie": "KWB 2024",
        "vorige versie": "16 augustus 2024",
        "nieuwe versie": "27 maart 2025",
        "opgehaald op": "",
    }
    table = pd.DataFrame(
        {"source": [f"cbs_kwb:{TABLE}"], "source_modified": [REVISED], "synthetic": [False]}
    )
    sources = report_data.sources_table(table, read_revisions(kept))
    assert sources["eerdere versie"].tolist() == ["16 augustus 2024"]
    assert sources.iloc[0, 1] == "27 maart 2025"
