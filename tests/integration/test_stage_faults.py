"""Issue 16, round two, the fast half: interrupted writes, raw CBS snapshots, disk errors,
output fingerprints and the survey/registration warnings, without `dvc repro`.

The same faults through the real `dvc repro` are in tests/pipeline/test_pipeline.py.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from support import REPO, digests

from helpers import cli
from helpers.cli import disk_error, disk_error_message, main, stage_outputs
from helpers.config import Paths, load_project
from helpers.indicators.harmonise import harmonise
from helpers.runtime import io
from helpers.runtime.fanout import JobsFailed, Outcome
from helpers.runtime.notebooks import FINGERPRINT
from helpers.sources import demo
from helpers.sources.cbs_check import SnapshotError, check_snapshot
from helpers.stages.analyse import output_fingerprint, outputs_changed

PROJECT = load_project(Paths.from_root(REPO))
KWB_2024 = "data/raw/cbs/85984NED/TypedDataSet.json"


# ----------------------------------------------------------------- interrupted writes


def test_every_stage_output_persists_so_dvc_never_deletes_it_before_the_run():
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    for name, stage in stages.items():
        for kind in ("outs", "metrics", "plots"):
            for out in stage.get(kind) or []:
                assert isinstance(out, dict), f"{name}: {out} has no persist: true"
                ((path, settings),) = out.items()
                assert settings.get("persist") is True, f"{name}: {path}"


def test_stage_outputs_are_read_from_dvc_yaml():
    paths = Paths.from_root(REPO)
    assert stage_outputs(paths, "report") == [REPO / "reports" / "_site"]
    assert set(stage_outputs(paths, "indicators")) == {
        paths.indicators_dir,
        paths.summaries_dir,
        paths.metrics_dir,
        paths.plots_root,
    }
    assert stage_outputs(paths, "no-such-stage") == []


def test_remove_temporaries_clears_an_interrupted_run_and_keeps_the_rest(tmp_path):
    site = tmp_path / "reports" / "_site"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text("previous", encoding="utf-8")
    (site / ".keep").write_text("", encoding="utf-8")
    (site / "sub" / ".page.html.k2j3.tmp").write_text("half", encoding="utf-8")
    (tmp_path / "reports" / "._site.a1b2.tmp" / "deep").mkdir(parents=True)
    (tmp_path / "reports" / "._site.old").mkdir()
    (tmp_path / "reports" / "._site_other.x.tmp").mkdir()  # another output's, not ours
    removed = io.remove_temporaries(site)
    names = sorted(p.name for p in removed)
    assert names == ["._site.a1b2.tmp", "._site.old", ".page.html.k2j3.tmp"]
    assert (site / "index.html").read_text(encoding="utf-8") == "previous"
    assert (site / ".keep").exists()
    assert (tmp_path / "reports" / "._site_other.x.tmp").exists()


def test_a_kill_between_the_two_renames_puts_the_previous_output_back(tmp_path):
    target = tmp_path / "cbs"
    old = tmp_path / ".cbs.old"
    old.mkdir()
    (old / "cbs_long.csv").write_text("previous", encoding="utf-8")
    (tmp_path / ".cbs.x9.tmp").mkdir()
    io.remove_temporaries(target)
    assert (target / "cbs_long.csv").read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cbs"]


def test_atomic_dirs_swap_all_folders_or_none(tmp_path):
    targets = [tmp_path / "a", tmp_path / "b"]
    for target in targets:
        target.mkdir()
        (target / "x.csv").write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), io.atomic_dirs(targets) as tmps:
        (tmps[0] / "x.csv").write_text("new", encoding="utf-8")
        raise KeyboardInterrupt
    assert [(t / "x.csv").read_text(encoding="utf-8") for t in targets] == ["old", "old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]
    with io.atomic_dirs(targets) as tmps:
        for tmp in tmps:
            (tmp / "y.csv").write_text("new", encoding="utf-8")
    assert [sorted(p.name for p in t.iterdir()) for t in targets] == [["y.csv"], ["y.csv"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_a_failed_swap_keeps_the_previous_folder(tmp_path, monkeypatch):
    target = tmp_path / "_site"
    target.mkdir()
    (target / "index.html").write_text("previous", encoding="utf-8")
    real = os.replace

    def refuse(src, dst):
        if Path(dst) == target and Path(src).name.endswith(".tmp"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(src), None, str(dst))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError), io.atomic_dir(target) as tmp:
        (tmp / "index.html").write_text("new", encoding="utf-8")
    assert (target / "index.html").read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


# ----------------------------------------------------------------- raw CBS snapshots


@pytest.fixture
def project_root(tmp_path) -> Paths:
    """Params, dvc.yaml and demo CBS snapshots: enough for `wijkmonitor harmonise`."""
    paths = Paths.from_root(tmp_path)
    shutil.copytree(REPO / "params", paths.params)
    shutil.copytree(REPO / "notebooks" / "deep_dives", paths.deep_dives)
    shutil.copy2(REPO / "dvc.yaml", tmp_path / "dvc.yaml")
    demo.write_demo_cbs(PROJECT, paths.raw_cbs)
    return paths


def _edit_records(path: Path, change) -> None:
    records = json.loads(path.read_text(encoding="utf-8"))
    change(records)
    path.write_text(json.dumps(records, indent=1), encoding="utf-8")


def _region_record(records: list[dict], code: str) -> dict:
    return next(r for r in records if r["WijkenEnBuurten"].strip() == code)


def test_duplicated_region_and_text_in_a_numeric_column_stop_harmonise(project_root, capsys):
    paths = project_root
    assert main(["--root", str(paths.root), "harmonise"]) == 0
    before = digests(paths.processed / "cbs")
    data = paths.root / KWB_2024

    def damage(records: list[dict]) -> None:
        records.append(dict(_region_record(records, "WK034403")))
        _region_record(records, "WK030703")["AantalInwoners_5"] = "17.040"

    _edit_records(data, damage)
    raw = digests(paths.raw)
    capsys.readouterr()
    assert main(["--root", str(paths.root), "harmonise"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "InvalidIndexError" not in err
    lines = err.splitlines()
    duplicate = next(line for line in lines if "the same row" in line)
    assert f"{KWB_2024}: record " in duplicate and "(WK034403)" in duplicate
    assert "rule: each region appears once" in duplicate
    text = next(line for line in lines if '"17.040"' in line)
    assert f"{KWB_2024}: record " in text and "(WK030703), column AantalInwoners_5" in text
    assert "Datatype Long" in text and "rule: numbers in numeric columns" in text
    assert digests(paths.raw) == raw, "raw files unchanged"
    assert digests(paths.processed / "cbs") == before, "previous output intact"


def test_markers_and_numbers_pass_and_broken_json_names_its_line(tmp_path):
    folder = tmp_path / "raw" / "50090NED"
    folder.mkdir(parents=True)
    dims = [
        {"Key": "Marges", "Type": "Dimension"},
        {"Key": "WijkenEnBuurten", "Type": "GeoDimension"},
        {"Key": "Perioden", "Type": "TimeDimension"},
        {"Key": "Eenzaam_1", "Type": "Topic", "Datatype": "Double"},
    ]
    rows = [
        {"Marges": "MW00000", "WijkenEnBuurten": "WK034403", "Perioden": p, "Eenzaam_1": v}
        for p, v in (("2016JJ00", 51.2), ("2020JJ00", "  .  "), ("2012JJ00", None))
    ]
    (folder / "TableInfos.json").write_text('[{"Identifier": "50090NED"}]', encoding="utf-8")
    (folder / "DataProperties.json").write_text(json.dumps(dims), encoding="utf-8")
    (folder / "TypedDataSet.json").write_text(json.dumps(rows), encoding="utf-8")
    assert check_snapshot(folder, tmp_path) == []
    rows.append(dict(rows[0]))  # same region, period and margin
    (folder / "TypedDataSet.json").write_text(json.dumps(rows), encoding="utf-8")
    (problem,) = check_snapshot(folder, tmp_path)
    assert problem.startswith("raw/50090NED/TypedDataSet.json: record 4 (WK034403)")
    assert "same row as record 1 (WijkenEnBuurten WK034403, Perioden 2016JJ00)" in problem
    (folder / "TypedDataSet.json").write_text('[\n{"Marges": "MW00000",\n', encoding="utf-8")
    (problem,) = check_snapshot(folder, tmp_path)
    assert problem.startswith("raw/50090NED/TypedDataSet.json, line 3")
    assert "rule: cbsodata JSON" in problem


def test_harmonise_raises_snapshot_error_before_reading(project_root):
    data = project_root.root / KWB_2024
    _edit_records(data, lambda records: records.append(dict(records[-1])))
    with pytest.raises(SnapshotError, match="nothing was harmonised"):
        harmonise(PROJECT, project_root, log=lambda _: None)
    assert not (project_root.processed / "cbs").exists()


# ----------------------------------------------------------------- disk and permissions


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_disk_full_or_read_only_is_one_line_naming_stage_and_path(
    project_root, capsys, monkeypatch, code
):
    paths = project_root
    assert main(["--root", str(paths.root), "harmonise"]) == 0
    before = digests(paths.processed / "cbs")
    real = os.replace

    def refuse(src, dst):
        if Path(dst) == paths.processed / "cbs" and Path(src).name.endswith(".tmp"):
            raise OSError(code, os.strerror(code), str(src), None, str(dst))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", refuse)
    capsys.readouterr()
    assert main(["--root", str(paths.root), "harmonise"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        f"wijkmonitor harmonise: cannot write data/processed/cbs: {cli.DISK_ERRORS[code]}"
    )
    assert digests(paths.processed / "cbs") == before
    assert sorted(p.name for p in paths.processed.iterdir()) == ["cbs"]


def test_disk_error_found_behind_a_failed_analyse_job(tmp_path):
    full = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.png"))
    wrapped = RuntimeError("cell failed")
    wrapped.__cause__ = full
    failed = JobsFailed([Outcome("analyse overvecht", error=wrapped)])
    assert disk_error(failed) is full
    paths = Paths(tmp_path)
    assert disk_error_message("analyse", full, paths) == (
        "wijkmonitor analyse: cannot write x.png: No space left on device"
    )
    assert disk_error(JobsFailed([Outcome("analyse x", error=ValueError("no"))])) is None
    inside = OSError(errno.ENOSPC, "full", str(tmp_path / "reports/._site.k2j3x.tmp/a.html"))
    assert disk_error_message("report", inside, paths) == (
        "wijkmonitor report: cannot write reports/_site/a.html: No space left on device"
    )


def test_disk_error_from_a_notebook_cell_is_read_from_the_kernel_text(tmp_path):
    from papermill.exceptions import PapermillExecutionError

    cell = PapermillExecutionError(
        cell_index=7,
        exec_count=7,
        source="fig.savefig(path)",
        ename="OSError",
        evalue=f"[Errno 28] No space left on device: '{tmp_path}/figuren/trend.png'",
        traceback=[],
    )
    found = disk_error(JobsFailed([Outcome("analyse overvecht", error=cell)]))
    assert found is not None and found.errno == errno.ENOSPC
    assert disk_error_message("analyse", found, Paths(tmp_path)) == (
        "wijkmonitor analyse: cannot write figuren/trend.png: No space left on device"
    )


# ----------------------------------------------------------------- output fingerprints


def test_an_edited_or_missing_output_makes_the_programme_stale(tmp_path):
    paths = Paths(tmp_path)
    out = paths.programme_out("overvecht")
    (out / "figuren").mkdir(parents=True)
    (out / "jaarrapportage.ipynb").write_text('{"text": "52,9%"}', encoding="utf-8")
    (out / "figuren" / "trend.png").write_bytes(b"png")
    (out / ".ipynb_checkpoints").mkdir()
    stored = {"params/cycle.yaml (read keys)": "abc", **output_fingerprint(out)}
    (out / FINGERPRINT).write_text(json.dumps(stored), encoding="utf-8")
    assert set(output_fingerprint(out)) == {
        "output jaarrapportage.ipynb",
        "output figuren/trend.png",
    }
    assert outputs_changed(paths, "overvecht", stored) is None
    (out / ".ipynb_checkpoints" / "x.ipynb").write_text("{}", encoding="utf-8")
    assert outputs_changed(paths, "overvecht", stored) is None, "Jupyter's checkpoints"
    (out / "jaarrapportage.ipynb").write_text('{"text": "12,3%"}', encoding="utf-8")
    (out / "figuren" / "trend.png").unlink()
    assert outputs_changed(paths, "overvecht", stored) == (
        "changed: output figuren/trend.png missing, output jaarrapportage.ipynb edited"
    )
    older = {"params/cycle.yaml (read keys)": "abc"}  # written before outputs were recorded
    assert outputs_changed(paths, "overvecht", older) is None


# ----------------------------------------------------------------- waves and columns


@pytest.fixture
def local_root(tmp_path) -> Path:
    from validate_fixtures import write_sources

    write_sources(PROJECT, tmp_path)
    return tmp_path


def _validate(root: Path, capsys) -> tuple[int, str, list[dict]]:
    from helpers.stages.validate import main_validate

    paths = Paths(root)
    code = main_validate(
        PROJECT,
        paths,
        root / "data/raw/local",
        html_path=paths.validation_report_dir / "index.html",
        json_path=paths.validation_dir / "summary.json",
    )
    captured = capsys.readouterr()
    findings = json.loads((paths.validation_dir / "findings.json").read_text(encoding="utf-8"))
    return code, captured.out + captured.err, findings


def _drop_rows(path: Path, keep) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    rows = [dict(zip(header, line.rstrip("\n").split(","), strict=True)) for line in lines[1:]]
    kept = [line for line, row in zip(lines[1:], rows, strict=True) if keep(row)]
    path.write_text(lines[0] + "".join(kept), encoding="utf-8")


def test_complete_sources_give_none_of_the_new_warnings(local_root, capsys):
    code, _, findings = _validate(local_root, capsys)
    assert code == 0
    assert not [f for f in findings if "wave" in f["rule"] or "renamed column" in f["rule"]]


@pytest.mark.parametrize("year", [PROJECT.cycle.cycle.base_year, PROJECT.cycle.cycle.year])
def test_a_missing_base_or_latest_survey_wave_is_a_warning_naming_it(local_root, capsys, year):
    survey = local_root / "data/raw/local/survey/gezondheidsmonitor.csv"
    _drop_rows(survey, lambda row: row["jaar"] != str(year))
    code, output, findings = _validate(local_root, capsys)
    assert code == 0, "a warning, not a stop"
    (finding,) = [f for f in findings if "wave" in f["rule"]]
    assert finding["severity"] == "warning" and f"wave {year}" in finding["rule"]
    assert finding["examples"] == [f"missing: {year}"]
    assert finding["file"] == "data/raw/local/survey/gezondheidsmonitor.csv"
    assert f"wave {year}" in output


def test_a_renamed_local_indicator_column_is_a_warning_naming_it(local_root, capsys):
    path = local_root / "data/raw/local/registrations/overvecht.csv"
    text = path.read_text(encoding="utf-8")
    assert "schuldhulptrajecten" in text.splitlines()[0]
    path.write_text(text.replace("schuldhulptrajecten", "schuldhulp", 1), encoding="utf-8")
    code, output, findings = _validate(local_root, capsys)
    assert code == 0
    (finding,) = [f for f in findings if "renamed column" in f["rule"]]
    assert finding["file"] == "data/raw/local/registrations/overvecht.csv"
    assert finding["severity"] == "warning"
    assert finding["examples"] == ["missing column(s): schuldhulptrajecten"]
    assert "schuldhulptrajecten" in output
