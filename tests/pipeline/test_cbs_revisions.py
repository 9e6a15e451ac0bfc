"""CBS revisions through the real cbsodata client on loopback: noticed, fetched, logged;
offline the cycle says it could not check and goes on with the snapshot. The last test
runs it as a researcher does: a bare `dvc repro` notices the revision by itself.

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
from cbs_server import ReplayServer, closed_port, kwb_2024_tables, recorded_params
from cbs_server import one_year_project as shipped_one_year
from support import REPO, REVISIONS, VENV_BIN, copy_project, digests, run, stages_run

from helpers import report
from helpers.cli import main
from helpers.config import Paths, Project, load_project
from helpers.sources.cbs import CbsUnavailable, fetch_kwb
from helpers.sources.cbs_revisions import (
    REVISIONS_FILE,
    check_revisions,
    check_stage,
    read_published,
    read_revisions,
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
    out, published = tmp_path / "cbs", tmp_path / "cbs_published.json"
    with ReplayServer(first) as server:
        project = one_year_project(server.address)
        check_stage(project, out, published, log=lambda _: None)
        fetch_kwb(project, out, log=lambda _: None, backoff=0)
    assert read_published(published) == {TABLE: "2024-08-16T02:00:00"}
    assert snapshot_of(out / TABLE).modified == "2024-08-16T02:00:00"
    assert not (out / REVISIONS_FILE).exists(), "a first fetch is no revision"
    messages: list[str] = []
    with ReplayServer(revised) as server:
        project = one_year_project(server.address)
        (check,) = check_stage(project, out, published, log=messages.append)
        assert check.outdated and check.published == REVISED
        assert read_published(published) == {TABLE: REVISED}, "the fetch stage's dep changed"
        fetch_kwb(project, out, log=messages.append, backoff=0)
        recorded = published.read_bytes()
        (again,) = check_stage(project, out, published, log=lambda _: None)
    assert messages[0] == (
        f"CBS {TABLE} (KWB 2024): CBS published a newer revision: snapshot "
        f"2024-08-16T02:00:00 -> {REVISED}: the fetch stage fetches it"
    )
    assert any(f"new revision {REVISED} replaces 2024-08-16T02:00:00" in m for m in messages)
    assert snapshot_of(out / TABLE).modified == REVISED
    log = read_revisions(out / REVISIONS_FILE)
    assert log[["table_id", "label", "previous_modified", "modified"]].values.tolist() == [
        [TABLE, "KWB 2024", "2024-08-16T02:00:00", REVISED]
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", log["fetched_on"].iloc[0])
    assert not again.outdated, "the refreshed snapshot is the current revision"
    assert "is the current revision (2025-03-27T02:00:00)" in again.message()
    assert published.read_bytes() == recorded, "an unchanged revision changes no byte"


def test_offline_the_check_says_so_and_keeps_the_snapshot(releases, tmp_path):
    out, published = tmp_path / "cbs", tmp_path / "cbs_published.json"
    with ReplayServer(releases[1]) as server:
        fetch_kwb(one_year_project(server.address), out, log=lambda _: None, backoff=0)
    before = digests(out)
    messages: list[str] = []
    address = closed_port()
    (check,) = check_stage(one_year_project(address), out, published, log=messages.append)
    assert check.published is None and not check.outdated
    assert messages == [
        f"CBS {TABLE} (KWB 2024): could not check for a newer revision on {address} "
        f"({check.problem}); going on with the snapshot of {REVISED}"
    ]
    assert "ConnectionError" in check.problem
    assert digests(out) == before
    assert read_published(published) == {TABLE: REVISED}, "offline: the snapshot's revision"
    published.write_text(f'{{"source": "cbs", "tables": {{"{TABLE}": "last seen"}}}}')
    check_stage(one_year_project(address), out, published, log=lambda _: None)
    assert read_published(published) == {TABLE: "last seen"}, "offline keeps the last check"


def test_a_frozen_cycle_asks_nothing(releases, tmp_path):
    out, published = tmp_path / "cbs", tmp_path / "cbs_published.json"
    with ReplayServer(releases[0]) as server:
        project = one_year_project(server.address)
        fetch_kwb(project, out, log=lambda _: None, backoff=0)
        cbs = project.cycle.cbs.model_copy(update={"check_revisions": False})
        frozen = project.model_copy(update={"cycle": project.cycle.model_copy(update={"cbs": cbs})})
        server.tables = releases[1]
        asked = len(server.requests)
        messages: list[str] = []
        (check,) = check_stage(frozen, out, published, log=messages.append)
        assert len(server.requests) == asked, "a frozen cycle does not ask CBS"
    assert not check.outdated
    assert messages == [
        f"CBS {TABLE} (KWB 2024): not checked for revisions (cbs.check_revisions is false in "
        "params/cycle.yaml); going on with the snapshot of 2024-08-16T02:00:00"
    ]
    assert read_published(published) == {TABLE: "2024-08-16T02:00:00"}


def test_a_kept_demo_table_is_named_synthetic(project, releases, tmp_path):
    out, published = tmp_path / "cbs", tmp_path / "cbs_published.json"
    write_demo_cbs(project, out)
    assert snapshot_of(out / TABLE).synthetic
    narrowed = one_year_project(closed_port())
    (check,) = check_stage(narrowed, out, published, log=lambda _: None)
    assert check.message().endswith(
        "going on with the snapshot of 2025-03-27T02:00:00, a SYNTHETIC demo table left by "
        "an earlier run with `source: demo` (not CBS data)"
    )
    assert read_published(published) == {TABLE: ""}, "a demo table is no CBS revision"
    with ReplayServer({}) as server, pytest.raises(CbsUnavailable) as caught:  # 404
        fetch_kwb(one_year_project(server.address), out, log=lambda _: None, backoff=0)
    assert "is kept - it is a SYNTHETIC demo table left by an earlier run" in str(caught.value)
    with ReplayServer(releases[1]) as server:
        project_cbs = one_year_project(server.address)
        (check,) = check_revisions(project_cbs, out)
        assert check.outdated, "a demo table is never the current CBS revision"
        fetch_kwb(project_cbs, out, log=lambda _: None, backoff=0)
    assert not snapshot_of(out / TABLE).synthetic
    assert not (out / REVISIONS_FILE).exists(), "replacing demo data is no CBS revision"


WITHOUT_HEALTH = ("health_table: 50090NED", "health_table:")


def test_the_revisions_command_and_the_report(releases, tmp_path, capsys):
    """`wijkmonitor revisions` and `fetch` on a params copy, online then offline; harmonise
    keeps the log for the report, whose sources table and revision log show both dates."""
    shutil.copytree(REPO / "params", tmp_path / "params")
    shutil.copytree(REPO / "notebooks" / "deep_dives", tmp_path / "notebooks" / "deep_dives")
    cycle = tmp_path / "params" / "cycle.yaml"
    shipped = cycle.read_text(encoding="utf-8")
    first, revised = releases
    with ReplayServer(first) as server:
        recorded_params(tmp_path, server.address, WITHOUT_HEALTH)
        assert main(["--root", str(tmp_path), "fetch"]) == 0
    with ReplayServer(revised) as server:
        cycle.write_text(shipped, encoding="utf-8")
        recorded_params(tmp_path, server.address, WITHOUT_HEALTH)
        capsys.readouterr()
        assert main(["--root", str(tmp_path), "revisions"]) == 0
        out = capsys.readouterr().out
        assert "revisions: 1 table(s) checked, 1 to fetch again, 0 not checked" in out
        assert main(["--root", str(tmp_path), "fetch"]) == 0
    cycle.write_text(shipped, encoding="utf-8")
    recorded_params(tmp_path, closed_port(), WITHOUT_HEALTH)
    assert main(["--root", str(tmp_path), "revisions"]) == 0, "offline is no failure"
    out = capsys.readouterr().out
    assert "could not check for a newer revision" in out and f"snapshot of {REVISED}" in out
    assert main(["--root", str(tmp_path), "harmonise"]) == 0
    kept = tmp_path / "data" / "processed" / "cbs" / REVISIONS_FILE
    assert read_revisions(kept)["previous_modified"].tolist() == ["2024-08-16T02:00:00"]
    log = report.revision_table(report.revision_log(Paths.from_root(tmp_path)))
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
    sources = report.sources_table(table, read_revisions(kept))
    assert sources["eerdere versie"].tolist() == ["16 augustus 2024"]
    assert sources.iloc[0, 1] == "27 maart 2025"
    project = load_project(Paths.from_root(tmp_path))
    logbook = report.logbook_table(project, "overvecht", revisions=read_revisions(kept))
    (revision,) = logbook[logbook["wijziging"] == "CBS-tabel herzien"].to_dict("records")
    assert revision["vanaf jaar"] == 2024 and revision["breuk in de reeks"] == "nee"
    assert revision["reden"] == (
        f"Het CBS publiceerde een nieuwe versie van CBS Kerncijfers wijken en buurten ({TABLE})"
        " (KWB 2024): 27 maart 2025 in plaats van 16 augustus 2024. De nieuwe versie is gebruikt."
    )


@pytest.mark.pipeline
def test_a_bare_dvc_repro_notices_a_revision(releases, tmp_path):
    """`.venv/bin/dvc repro` as a researcher runs it, without make: a revision CBS published
    is fetched and logged; no revision or no network reruns nothing after the check."""
    dvc = [str(VENV_BIN / "dvc"), "repro", "harmonise"]
    root = copy_project(tmp_path / "project")
    first, revised = releases
    with ReplayServer(first) as server:
        recorded_params(root, server.address, WITHOUT_HEALTH)
        run(["git", "commit", "-qam", "source: cbs on loopback"], root)
        run(dvc, root, timeout=1200)
        assert (
            snapshot_of(root / "data" / "raw" / "cbs" / TABLE).modified
            == first[TABLE]["TableInfos"][0]["Modified"]
        )
        server.tables = revised  # CBS publishes its revision
        result = run(dvc, root, timeout=1200)
        assert stages_run(result.stdout) == {REVISIONS, "fetch", "harmonise"}
        assert "CBS published a newer revision: snapshot 2024-08-16T02:00:00 -> " in result.stdout
        result = run(dvc, root, timeout=1200)
        assert stages_run(result.stdout) == {REVISIONS}, "no new revision: nothing else reruns"
    result = run(dvc, root, timeout=1200)  # the server is gone: offline
    assert stages_run(result.stdout) == {REVISIONS}
    assert "could not check for a newer revision" in result.stdout
    log = read_revisions(root / "data" / "processed" / "cbs" / REVISIONS_FILE)
    assert log[["previous_modified", "modified"]].values.tolist() == [
        ["2024-08-16T02:00:00", REVISED]
    ]


@pytest.mark.pipeline
def test_freezing_fetches_nothing_and_keeps_a_newer_revision_out(releases, tmp_path):
    """Freezing (the switches `wijkmonitor cycle close` flips) while CBS serves a newer
    revision: only the `revisions` stage reruns, CBS is not asked, the snapshot stays the
    first release, `dvc status` says up to date, and even a forced fetch downloads nothing.
    Opened again, the next `dvc repro` takes the revision in."""
    from helpers.runtime.cycle import set_check_revisions, set_revisions_watch

    dvc = [str(VENV_BIN / "dvc"), "repro", "harmonise"]
    root = copy_project(tmp_path / "project")
    first, revised = releases
    snapshot = root / "data" / "raw" / "cbs" / TABLE
    with ReplayServer(first) as server:
        recorded_params(root, server.address, WITHOUT_HEALTH)
        run(["git", "commit", "-qam", "source: cbs on loopback"], root)
        run(dvc, root, timeout=1200)
        before = digests(snapshot)
        server.tables = revised  # CBS publishes its revision ...
        set_check_revisions(root / "params" / "cycle.yaml", on=False)  # ... as we freeze
        set_revisions_watch(Paths(root).revisions_dvc_yaml, on=False)
        asked = len(server.requests)
        result = run(dvc, root, timeout=1200)
        assert stages_run(result.stdout) == {REVISIONS}, "the switch fetches nothing"
        assert "not checked for revisions (cbs.check_revisions is false" in result.stdout
        status = run([str(VENV_BIN / "dvc"), "status", "harmonise"], root).stdout
        assert status.strip() == "Data and pipelines are up to date."
        forced = run([*dvc[:2], "--force", "--single-item", "fetch"], root, timeout=1200)
        assert "frozen cycle (cbs.check_revisions is false): keeping the snapshot" in forced.stdout
        assert len(server.requests) == asked, "a frozen cycle asks CBS nothing"
        assert digests(snapshot) == before
        assert snapshot_of(snapshot).modified == "2024-08-16T02:00:00"
        set_check_revisions(root / "params" / "cycle.yaml", on=True)
        set_revisions_watch(Paths(root).revisions_dvc_yaml, on=True)
        result = run(dvc, root, timeout=1200)
        assert stages_run(result.stdout) == {REVISIONS, "fetch", "harmonise"}
    assert snapshot_of(snapshot).modified == REVISED, "opened again, the revision comes in"
