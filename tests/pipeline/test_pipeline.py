"""The whole cycle with a real `dvc repro` on temporary copies of the project.

These are the slowest tests (each cold build executes every notebook): one module
build is shared by the read-only checks; tests that change the project work on a
copy of that build (with its DVC cache), so they pay only for what they rerun.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from support import (
    ALWAYS_CHANGED,
    REPO,
    VENV_BIN,
    clean_checkout,
    copy_project,
    digests,
    nothing_to_do,
    pipeline_env,
    run,
    stages_run,
)

from helpers.config import Paths, load_project
from helpers.runtime.code_deps import pipeline
from helpers.runtime.notebooks import CYCLE_KEYS_READ
from helpers.stages.analyse import fingerprint_files

pytestmark = pytest.mark.pipeline

PROGRAMMES = ["overvecht", "soesterkwartier", "vollenhove", "betere_buurten"]
DVC = str(VENV_BIN / "dvc")


def ran_stages(output: str) -> set[str]:
    """The stages a `dvc repro` ran, beside the revision check that runs every time."""
    return stages_run(output) - ALWAYS_CHANGED


def processed_and_figures(root: Path) -> dict[str, str]:
    """Digests of what must be reproducible to the byte: processed tables and figures."""
    found = digests(root / "data" / "processed" / "indicators")
    found.update({f"metrics/{k}": v for k, v in digests(root / "metrics").items()})
    found.update({f"plots/{k}": v for k, v in digests(root / "plots").items()})
    found.update(
        {f"figures/{name}": digest for name, digest in digests(root / "data", "*.png").items()}
    )
    return found


@pytest.fixture
def built(cold_build) -> tuple[Path, str]:
    """A fresh copy of the project after one cold `dvc repro` (and that run's output),
    shared with the other pipeline tests (tests/pipeline/conftest.py): read it, never
    change it (`built_copy` is a private copy)."""
    return cold_build


def test_cold_run_builds_every_report(built):
    root, output = built
    expected = {"fetch", "demo", "validate", "indicators", "analyse", "joint", "profiles", "report"}
    assert expected <= ran_stages(output)
    for key in PROGRAMMES:
        assert f"analyse {key}: executing (no previous output)" in output
    site = root / "reports" / "_site"
    index = (site / "index.html").read_text(encoding="utf-8")
    for key in PROGRAMMES:
        table = root / "data" / "processed" / "indicators" / f"{key}.csv"
        assert table.stat().st_size > 1000
        assert f"{key}" in index
    html_pages = list(site.rglob("*.html"))
    assert len(html_pages) >= len(PROGRAMMES) + 2
    assert all("SYNTHETISCH" in p.read_text(encoding="utf-8").upper() for p in html_pages)
    metrics = {k: json.loads((root / "metrics" / f"{k}.json").read_text()) for k in PROGRAMMES}
    health = metrics["overvecht"]["ervaren_gezondheid"]
    assert 0 < health["value"] < 100 and health["year"] == 2024
    money = metrics["overvecht"]["moeite_rondkomen"]
    assert money["target_status"] == "undecided", "21,9% (18,7 – 25,0) against the line"
    series = (root / "plots" / "overvecht" / "ervaren_gezondheid.csv").read_text()
    assert series.startswith("year,programma,gemeente,nederland\n")
    assert (root / "dvc.lock").is_file()


def test_fingerprint_covers_every_input_dvc_declares_for_the_analyse_stage(built):
    """The stage's deps in dvc.yaml and the per-programme fingerprints must not drift apart."""
    root, _ = built
    stage = yaml.safe_load((root / "dvc.yaml").read_text(encoding="utf-8"))["stages"]["analyse"]
    paths = Paths.from_root(root)
    project = load_project(paths)
    covered = {
        str(p.relative_to(root))
        for key in project.cycle.programmes
        for p in fingerprint_files(project, paths, key)
    }
    for dep in stage["deps"]:
        dep = dep.replace("${local_data}", project.cycle.local_data)
        assert (root / dep).exists(), dep
        assert any(name == dep or name.startswith(dep + "/") for name in covered), dep
    files = {file: keys for entry in stage["params"] for file, keys in entry.items()}
    assert set(CYCLE_KEYS_READ) == set(files.pop("params/cycle.yaml")) - {"programmes"}
    for file, keys in files.items():  # the other params files: whole
        assert keys is None and file in covered, file


def test_second_repro_reruns_nothing(built_copy):
    result = run([DVC, "repro"], built_copy)
    assert ran_stages(result.stdout) == set()
    assert "didn't change, skipping" in result.stdout


def test_dvc_repro_force_re_executes_every_programme_notebook(built_copy):
    """`dvc repro --force` means what DVC users expect: the notebooks run again (the
    fingerprints say nothing changed, so only DVC's flag can have started the stage),
    and, the outputs being reproducible, they come out byte for byte the same."""
    before = digests(built_copy / "data" / "processed" / "programmes")
    result = run([DVC, "repro", "--force", "--single-item", "analyse"], built_copy)
    assert ran_stages(result.stdout) == {"analyse"}
    assert "DVC ran the stage although no programme's inputs changed" in result.stdout
    for key in PROGRAMMES:
        assert f"analyse {key}: executing (forced by dvc repro)" in result.stdout
    assert digests(built_copy / "data" / "processed" / "programmes") == before


ONE_PROGRAMME_ENTRY = """  - date: 2026-12-02
    programme: soesterkwartier
    change: target_changed
    indicator: eenzaamheid
    from_year: 2024
    reason: Streefwaarde besproken met het programma (test).
"""


def test_a_logbook_entry_for_one_programme_reruns_only_its_notebooks(built_copy):
    """The logbook is one file, but a programme's notebooks read only its own entries
    and those for all: an entry for soesterkwartier re-executes soesterkwartier only."""
    logbook = built_copy / "params" / "logbook.yaml"
    logbook.write_text(logbook.read_text(encoding="utf-8") + ONE_PROGRAMME_ENTRY, encoding="utf-8")
    result = run([DVC, "repro"], built_copy)
    assert "analyse" in ran_stages(result.stdout)
    assert "analyse soesterkwartier: executing (changed: params/logbook.yaml)" in result.stdout
    for other in set(PROGRAMMES) - {"soesterkwartier"}:
        assert f"analyse {other}: up to date, not executed" in result.stdout


def test_changing_one_programme_reruns_only_that_programme(built_copy):
    programmes = built_copy / "data" / "processed" / "programmes"
    before = {key: digests(programmes / key) for key in PROGRAMMES}
    params = built_copy / "params" / "programmes" / "soesterkwartier.yaml"
    params.write_text(
        params.read_text(encoding="utf-8").replace("value: 45", "value: 40"), encoding="utf-8"
    )
    result = run([DVC, "repro"], built_copy)
    # what docs/cycle.md says: not fetch, harmonise, demo, validate (they declare only
    # the keys they read); the joint report draws the targets, so it reruns too, and the
    # statement audit reads the rebuilt reports
    assert ran_stages(result.stdout) == {"indicators", "analyse", "joint", "report", "audit"}
    executing = [
        line for line in result.stdout.splitlines() if "analyse soesterkwartier: executing" in line
    ]
    assert len(executing) == 1 and "params/programmes/soesterkwartier.yaml" in executing[0]
    assert digests(programmes / "soesterkwartier") != before["soesterkwartier"]
    for other in ("overvecht", "vollenhove", "betere_buurten"):
        assert f"analyse {other}: up to date, not executed" in result.stdout
        assert digests(programmes / other) == before[other]


def lock_outs(root: Path) -> dict[str, str]:
    """Every stage output's hash in a project's dvc.lock, by stage and path."""
    lock = yaml.safe_load((root / "dvc.lock").read_text(encoding="utf-8"))["stages"]
    return {
        f"{stage}:{out['path']}": out["md5"]
        for stage, entry in lock.items()
        for out in entry.get("outs", [])
    }


def git(root: Path, *args: str) -> str:
    return run(["git", *args], root).stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


REDEFINED = """  - date: 2026-12-01
    programme: all
    change: indicator_redefined
    indicator: vrijwilligerswerk
    from_year: 2024
    reason: Vraag aangepast in de gezondheidsmonitor (test).
"""


def test_cycles_compare_with_dvc_metrics_params_and_plots_diff(built_copy, tmp_path):
    """A tagged cycle, then a target change and a redefinition with its logbook entry:
    `dvc repro` reruns what reads them, `dvc params diff <tag>` shows all three,
    `dvc metrics diff <tag>` names what moved and `dvc plots diff <tag>` draws both."""
    git(built_copy, "add", "-A")
    git(built_copy, "commit", "-qm", "cycle 2024", "--allow-empty")
    git(built_copy, "tag", "monitor-2024")
    params = built_copy / "params"
    edit(params / "programmes" / "soesterkwartier.yaml", "value: 45", "value: 55")
    edit(
        params / "indicators.yaml",
        "label: Doet vrijwilligerswerk (18+)\n",
        "label: Doet vrijwilligerswerk, ook mantelzorg (18+)\n",
    )
    logbook = params / "logbook.yaml"
    logbook.write_text(logbook.read_text(encoding="utf-8") + REDEFINED, encoding="utf-8")

    result = run([DVC, "repro"], built_copy)
    ran = ran_stages(result.stdout)
    # the catalogue and the logbook are read by validate, indicators, the notebooks and
    # the joint report, the catalogue also by the wijkprofielen (its labels); the CBS and
    # demo data do not depend on them
    # and the statement audit, which reads the catalogue and the logbook too
    assert ran == {"validate", "indicators", "analyse", "joint", "profiles", "report", "audit"}
    for key in PROGRAMMES:  # one definition for all: every programme's report
        assert f"analyse {key}: executing (changed: " in result.stdout

    shown = run([DVC, "params", "diff", "monitor-2024"], built_copy).stdout
    rows = {line.split()[0]: line for line in shown.splitlines()[1:] if line.strip()}
    assert set(rows) == {
        "params/programmes/soesterkwartier.yaml",
        "params/indicators.yaml",
        "params/logbook.yaml",
    }, shown
    assert "targets" in rows["params/programmes/soesterkwartier.yaml"]
    assert "'value': 45" in rows["params/programmes/soesterkwartier.yaml"]
    assert "'value': 55" in rows["params/programmes/soesterkwartier.yaml"]
    assert "Doet vrijwilligerswerk, ook mantelzorg (18+)" in rows["params/indicators.yaml"]
    assert "Vraag aangepast in de gezondheidsmonitor (test)." in rows["params/logbook.yaml"]
    every = json.loads(
        run([DVC, "params", "diff", "monitor-2024", "--all", "--json"], built_copy).stdout
    )
    years = every["params/cycle.yaml"]["cycle.years"]
    assert years["new"] == years["old"] == str(list(range(2019, 2025)))  # once, not twice

    diff = json.loads(run([DVC, "metrics", "diff", "monitor-2024", "--json"], built_copy).stdout)
    status = diff["metrics/soesterkwartier.json"]["eenzaamheid.target_status"]
    assert status["new"] == "on_track" and status["old"] in {"not_on_track", "undecided"}
    for file, moved in diff.items():  # else only the redefined indicator moved
        others = [k for k in moved if not k.startswith("vrijwilligerswerk.")]
        assert others == (["eenzaamheid.target_status"] if "soesterkwartier" in file else [])
    out = tmp_path / "plots"
    run([DVC, "plots", "diff", "monitor-2024", "-o", str(out)], built_copy)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "plots/soesterkwartier/eenzaamheid.csv" in page and "monitor-2024" in page
    charts = re.findall(r"vegaEmbed\('#([^']+)'", page)
    series = list((built_copy / "plots").rglob("*.csv"))
    assert len(charts) == len(set(charts)) == len(series), "every chart once"
    assert not re.search(r'"field":\s*"step"', page), "against the years, never `step`"


def test_two_clean_runs_on_two_blas_kernels_are_byte_identical(built, tmp_path):
    """Same tables, figures and reports, so the same `dvc.lock`, on any machine.

    The shared cold build computes like the plainest x86-64 CPU (conftest); the
    committed `dvc.lock` was made by `dvc repro` on the maintainer's optimised kernels
    (docs/developer.md), so in a clean checkout, as in CI, the two runs are that build
    and the committed lock. A changed work tree has no committed lock that describes
    it: a second cold build on this machine's own kernels stands in for it."""
    root, _ = built
    figures = [k for k in processed_and_figures(root) if k.endswith(".png")]
    assert len(figures) >= 8
    outs = lock_outs(root)
    assert {"report:reports/_site", "indicators:data/processed/summaries"} <= set(outs)
    if clean_checkout():
        assert lock_outs(REPO) == outs, "regenerate with `make run` and commit dvc.lock"
        return
    second = copy_project(tmp_path / "second")
    run([DVC, "repro"], second)
    assert processed_and_figures(second) == processed_and_figures(root)
    assert lock_outs(second) == outs


def test_the_committed_dvc_lock_is_what_a_fresh_clone_builds(built):
    """After `make run` in a fresh clone, `git status` shows no modified dvc.lock."""
    if not clean_checkout():
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs on a clean clone; this work tree has uncommitted changes")
        pytest.skip("uncommitted changes: the committed dvc.lock cannot describe them")
    root, _ = built
    committed = (REPO / "dvc.lock").read_text(encoding="utf-8")
    assert lock_outs(root) == lock_outs(REPO), "regenerate with `make run` and commit dvc.lock"
    assert (root / "dvc.lock").read_text(encoding="utf-8") == committed
    revisions_lock = Path(
        "pipeline", "revisions", "dvc.lock"
    )  # the revisions stage's own lock file
    assert (root / revisions_lock).read_text(encoding="utf-8") == (REPO / revisions_lock).read_text(
        encoding="utf-8"
    ), "regenerate with `make run` and commit pipeline/revisions/dvc.lock"


def start_repro(root: Path) -> subprocess.Popen:
    """`dvc repro` in its own process group (to signal it whole), output as text lines.

    With Ctrl-C's default action, as in a researcher's terminal: a test run started in
    the background of a non-interactive shell (`pytest ... &`) inherits SIGINT ignored,
    every process below would too, and the Ctrl-C test would see the run finish."""
    return subprocess.Popen(
        [DVC, "repro"],
        cwd=root,
        env=pipeline_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def test_run_killed_mid_stage_completes_on_restart(built, built_copy):
    """`kill -9` of `dvc repro` while the notebooks run; the next `dvc repro` completes
    with the same bytes. The copy's notebook outputs and DVC's run cache are removed
    first, so the stage must really run (a cold build's first run did the same)."""
    root, _ = built
    shutil.rmtree(built_copy / "data" / "processed" / "programmes")
    shutil.rmtree(built_copy / ".dvc" / "cache" / "runs", ignore_errors=True)
    process = start_repro(built_copy)
    seen = ""
    deadline = time.monotonic() + 600
    assert process.stdout is not None
    for line in process.stdout:
        seen += line
        if "analyse: 4 programme(s) on" in line or time.monotonic() > deadline:
            break
    time.sleep(2.0)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert "Running stage 'analyse'" in seen
    status = run([DVC, "status", "analyse"], built_copy).stdout
    assert "analyse:" in status, "killed before the stage was done"

    result = run([DVC, "repro"], built_copy)
    assert "analyse" in ran_stages(result.stdout)
    assert processed_and_figures(built_copy) == processed_and_figures(root)
    assert digests(built_copy / "data" / "processed" / "programmes") == digests(
        root / "data" / "processed" / "programmes"
    )
    assert nothing_to_do(run([DVC, "status"], built_copy).stdout)


def _outputs_digest(root: Path) -> dict[str, str]:
    found = digests(root / "data" / "processed" / "indicators")
    found.update(digests(root / "reports" / "_site"))
    return found


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "params/indicators.yaml",
            "level: outcome",
            "level: uitkomst",
            ["params/indicators.yaml", "level", "input", "outcome"],
        ),
        (
            "params/programmes/overvecht.yaml",
            "codes: [WK034403]",
            "codes: [WK03440]",
            ["params/programmes/overvecht.yaml", "areas[0].codes[0]", "WK03440"],
        ),
        (
            "params/programmes/vollenhove.yaml",
            "name: Vollenhove Vooruit\n",
            "",
            # the first stage (revisions) loads every params file and stops, naming it
            ["params/programmes/vollenhove.yaml", "key name: Field required"],
        ),
    ],
    ids=["unknown-level", "malformed-area-code", "missing-key"],
)
def test_broken_params_stop_the_run_and_keep_outputs(built_copy, file, old, new, expected):
    before = _outputs_digest(built_copy)
    path = built_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run([DVC, "repro"], built_copy, check=False)
    assert result.returncode != 0
    message = result.stdout + result.stderr
    for fragment in expected:
        assert fragment in message
    assert _outputs_digest(built_copy) == before


def test_corrupted_demo_value_stops_at_validate(built_copy):
    before = _outputs_digest(built_copy)
    local = built_copy / "data" / "raw" / "local"
    shutil.copytree(built_copy / "data" / "raw" / "demo", local)
    survey = local / "survey" / "gezondheidsmonitor.csv"
    lines = survey.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    fields = lines[1].split(",")
    fields[header.index("percentage")] = "140.0"
    lines[1] = ",".join(fields)
    survey.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw_before = digests(local)
    cycle = built_copy / "params" / "cycle.yaml"
    cycle.write_text(
        cycle.read_text(encoding="utf-8").replace(
            "local_data: data/raw/demo", "local_data: data/raw/local"
        ),
        encoding="utf-8",
    )
    result = run([DVC, "repro"], built_copy, check=False)
    message = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Running stage 'validate'" in message
    assert "Running stage 'indicators'" not in message
    assert "gezondheidsmonitor.csv" in message
    assert "percentage" in message
    assert digests(local) == raw_before
    assert _outputs_digest(built_copy) == before
    assert (built_copy / "reports" / "validation" / "index.html").is_file()


def test_analyse_runs_on_a_dask_cluster_named_in_params(built, built_copy):
    """Same stage, same code path, with the scheduler address in params/cycle.yaml."""
    distributed = pytest.importorskip("distributed")
    root, _ = built
    keys = ["soesterkwartier", "vollenhove"]
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        cycle = built_copy / "params" / "cycle.yaml"
        text = cycle.read_text(encoding="utf-8")
        assert "  scheduler:\n" in text
        cycle.write_text(
            text.replace("  scheduler:\n", f"  scheduler: {cluster.scheduler_address}\n"),
            encoding="utf-8",
        )
        result = run([str(VENV_BIN / "wijkmonitor"), "analyse", "--force", *keys], built_copy)
    assert f"on Dask scheduler {cluster.scheduler_address}" in result.stdout
    for key in keys:
        figures = f"data/processed/programmes/{key}"
        assert digests(built_copy / figures, "*.png") == digests(root / figures, "*.png")
        assert len(digests(built_copy / figures, "*.png")) >= 2


# ------------------------------------------------------ issue 16: faults through dvc repro

TEMPORARY_NAME = re.compile(r"^\..+\.(tmp|old)$")


def leftovers(root: Path) -> list[str]:
    """Temporary folders and files of an interrupted write anywhere in the project."""
    found = []
    for path in root.rglob(".*"):
        relative = path.relative_to(root)
        if relative.parts[0] in {".git", ".dvc", ".venv"}:
            continue
        if TEMPORARY_NAME.match(path.name):
            found.append(str(relative))
    return sorted(found)


def every_output(root: Path) -> dict[str, str]:
    """Digests of every stage output (the dvc.yaml files' outs, metrics and plots)."""
    stages = pipeline(root)["stages"]
    found: dict[str, str] = {}
    for stage in stages.values():
        for kind in ("outs", "metrics", "plots"):
            for out in stage.get(kind) or []:
                name = next(iter(out)) if isinstance(out, dict) else out
                path = root / name
                if path.is_file():
                    found[name] = digests(path.parent, path.name)[path.name]
                else:
                    found.update({f"{name}/{k}": v for k, v in digests(path).items()})
    return found


def interrupt_during_report(root: Path, sig: signal.Signals) -> str:
    """Start `dvc repro` in its own process group; once the report stage is writing its
    new site, send `sig` to the whole group. The output seen so far."""
    process = start_repro(root)
    seen = ""
    assert process.stdout is not None
    deadline = time.monotonic() + 600
    for line in process.stdout:
        seen += line
        if "Running stage 'report'" in line or time.monotonic() > deadline:
            break
    assert "Running stage 'report'" in seen, seen[-3000:]
    # The new site's temporary folder exists: the stage is about to render every page
    # into it, and the swap (its last step) is seconds away. Signalled at once: waiting
    # for its first page left so short a window on a fast (or a loaded) machine that the
    # signal could land after the swap, and the run then rightly succeeded.
    while time.monotonic() < deadline and not list((root / "reports").glob("._site.*.tmp")):
        time.sleep(0.02)
    os.killpg(process.pid, sig)
    try:
        rest, _ = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        rest, _ = process.communicate()
    output = seen + (rest or "")
    assert process.returncode != 0, f"{sig.name} did not stop the run:\n{output[-4000:]}"
    return output


def test_interrupted_report_keeps_the_previous_site_and_the_rerun_tidies(built_copy):
    """Ctrl-C and `kill -9` of the process group while the report stage renders: the
    previous reports/_site stays whole; the next `dvc repro` completes and leaves no
    temporary folder behind."""
    site = built_copy / "reports" / "_site"
    before = digests(site)
    assert "index.html" in before
    quarto = built_copy / "reports" / "_quarto.yml"
    quarto.write_text(quarto.read_text(encoding="utf-8") + "# cycle rerun\n", encoding="utf-8")

    interrupt_during_report(built_copy, signal.SIGINT)
    assert digests(site) == before, "Ctrl-C: previous site intact"

    interrupt_during_report(built_copy, signal.SIGKILL)
    assert digests(site) == before, "kill -9: previous site intact"
    assert list((built_copy / "reports").glob("._site.*.tmp")), "killed mid-write"

    result = run([DVC, "repro"], built_copy)
    assert "removed reports/._site." in result.stdout
    assert "(left by an interrupted run)" in result.stdout
    assert ran_stages(result.stdout) == {"report"}
    assert (site / "index.html").is_file()
    assert leftovers(built_copy) == []
    status = run([DVC, "status"], built_copy).stdout
    assert nothing_to_do(status), status


def test_a_params_error_keeps_every_previous_output(built_copy):
    """A broken programme file stops the first stage that reads it (harmonise); DVC used
    to delete data/processed/cbs before running it."""
    before = every_output(built_copy)
    assert any(name.startswith("data/processed/cbs/") for name in before)
    path = built_copy / "params" / "programmes" / "overvecht.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("codes: [WK034403]", "codes: [WK03440]"),
        encoding="utf-8",
    )
    result = run([DVC, "repro"], built_copy, check=False)
    message = result.stdout + result.stderr
    assert result.returncode != 0
    assert "params/programmes/overvecht.yaml" in message and "WK03440" in message
    assert every_output(built_copy) == before
    assert leftovers(built_copy) == []


def test_a_damaged_cbs_snapshot_stops_harmonise_naming_file_row_column_and_rule(built_copy):
    """A duplicated region row and the text "17.040" in a numeric column of a snapshot
    (as CBS delivered it: recorded with `dvc commit`): one message, no traceback."""
    before = every_output(built_copy)
    data = built_copy / "data" / "raw" / "cbs" / "85984NED" / "TypedDataSet.json"
    records = json.loads(data.read_text(encoding="utf-8"))
    records.append(dict(next(r for r in records if r["WijkenEnBuurten"].strip() == "WK034403")))
    next(r for r in records if r["WijkenEnBuurten"].strip() == "WK030703")["AantalInwoners_5"] = (
        "17.040"
    )
    data.write_text(json.dumps(records, indent=1), encoding="utf-8")
    run([DVC, "commit", "--force", "fetch"], built_copy)
    raw = digests(built_copy / "data" / "raw")
    result = run([DVC, "repro"], built_copy, check=False)
    message = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Running stage 'harmonise'" in message
    assert "Traceback" not in message and "InvalidIndexError" not in message
    file = "data/raw/cbs/85984NED/TypedDataSet.json"
    assert re.search(
        rf"{file}: record \d+ \(WK034403\): the same row as record \d+ "
        r"\(rule: each region appears once\)",
        message,
    )
    assert re.search(
        rf'{file}: record \d+ \(WK030703\), column AantalInwoners_5: the text "17.040" in a '
        r"numeric column \(DataProperties Datatype Long; rule: numbers in numeric columns\)",
        message,
    )
    assert digests(built_copy / "data" / "raw") == raw, "raw files unchanged"
    assert {k: v for k, v in every_output(built_copy).items() if not k.startswith("data/raw")} == {
        k: v for k, v in before.items() if not k.startswith("data/raw")
    }


SITECUSTOMIZE = """
import errno, os
_real = os.replace
def _full(src, dst, *args, **kwargs):
    if str(dst).endswith(os.environ["WIJKMONITOR_TEST_FULL"]) and str(src).endswith(".tmp"):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(src), None, str(dst))
    return _real(src, dst, *args, **kwargs)
os.replace = _full
"""


def test_disk_full_in_the_report_stage_is_one_line_and_keeps_the_site(built_copy, tmp_path):
    """`os.replace` of the finished site fails with ENOSPC (injected by a sitecustomize in
    the stage's process): one line naming stage and path, exit code 1, previous site intact."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    site = built_copy / "reports" / "_site"
    before = digests(site)
    quarto = built_copy / "reports" / "_quarto.yml"
    quarto.write_text(quarto.read_text(encoding="utf-8") + "# full disk\n", encoding="utf-8")
    env = {"PYTHONPATH": str(hook), "WIJKMONITOR_TEST_FULL": "reports/_site"}
    result = run([DVC, "repro"], built_copy, check=False, env=env)
    message = result.stdout + result.stderr
    assert result.returncode != 0
    assert "wijkmonitor report: cannot write reports/_site: No space left on device" in message
    assert "exited with 1" in message
    assert "Traceback" not in message
    assert digests(site) == before
    assert leftovers(built_copy) == []


def test_an_edited_notebook_or_a_deleted_figure_is_made_again(built, built_copy):
    """Outputs are part of each programme's fingerprint: a hand edit (52,9% -> 12,3%) or a
    deleted figure re-executes that programme only, and `dvc status` is clean after."""
    root, _ = built
    programmes = built_copy / "data" / "processed" / "programmes"
    notebook = programmes / "overvecht" / "jaarrapportage.ipynb"
    text = notebook.read_text(encoding="utf-8")
    shown = re.search(r"\d\d,\d%", text)
    assert shown is not None
    notebook.write_text(text.replace(shown.group(0), "12,3%"), encoding="utf-8")
    figure = sorted((programmes / "vollenhove").rglob("*.png"))[0]
    figure_name = figure.relative_to(programmes / "vollenhove").as_posix()
    figure.unlink()
    result = run([DVC, "repro"], built_copy)
    assert "analyse overvecht: executing (changed: output jaarrapportage.ipynb edited)" in (
        result.stdout
    )
    assert f"analyse vollenhove: executing (changed: output {figure_name} missing)" in (
        result.stdout
    )
    for other in ("soesterkwartier", "betere_buurten"):
        assert f"analyse {other}: up to date, not executed" in result.stdout
    assert figure.is_file()
    again = notebook.read_text(encoding="utf-8")  # (paths and lock hashes differ in a copy)
    assert again.count(shown.group(0)) == text.count(shown.group(0))
    assert again.count("12,3%") == text.count("12,3%")
    built_figures = root / "data" / "processed" / "programmes" / "vollenhove"
    assert digests(programmes / "vollenhove", "*.png") == digests(built_figures, "*.png")
    status = run([DVC, "status"], built_copy).stdout
    assert nothing_to_do(status), status


def test_missing_waves_and_a_renamed_local_column_are_warnings_naming_them(built_copy):
    """Local data as a user brings them (data/raw/local, `dvc add`): the latest survey
    wave removed and overvecht's own column renamed pass validate with named warnings."""
    local = built_copy / "data" / "raw" / "local"
    shutil.copytree(built_copy / "data" / "raw" / "demo", local)
    survey = local / "survey" / "gezondheidsmonitor.csv"
    lines = survey.read_text(encoding="utf-8").splitlines(keepends=True)
    survey.write_text(
        "".join([lines[0], *[line for line in lines[1:] if not line.startswith("2024,")]]),
        encoding="utf-8",
    )
    registrations = local / "registrations" / "overvecht.csv"
    registrations.write_text(
        registrations.read_text(encoding="utf-8").replace("schuldhulptrajecten", "schuldhulp"),
        encoding="utf-8",
    )
    run([DVC, "add", "data/raw/local"], built_copy)
    raw = digests(local)
    cycle = built_copy / "params" / "cycle.yaml"
    cycle.write_text(
        cycle.read_text(encoding="utf-8").replace(
            "local_data: data/raw/demo", "local_data: data/raw/local"
        ),
        encoding="utf-8",
    )
    result = run([DVC, "repro", "validate"], built_copy)
    message = result.stdout + result.stderr
    assert "Running stage 'validate'" in message
    assert "the latest wave 2024 is in the export" in message
    assert "schuldhulptrajecten" in message
    findings = json.loads(
        (built_copy / "data" / "processed" / "validation" / "findings.json").read_text()
    )
    wave = next(f for f in findings if "latest wave" in f["rule"])
    assert (wave["file"], wave["severity"], wave["examples"]) == (
        "data/raw/local/survey/gezondheidsmonitor.csv",
        "warning",
        ["missing: 2024"],
    )
    column = next(f for f in findings if "renamed column" in f["rule"])
    assert (column["file"], column["severity"], column["examples"]) == (
        "data/raw/local/registrations/overvecht.csv",
        "warning",
        ["missing column(s): schuldhulptrajecten"],
    )
    assert digests(local) == raw
