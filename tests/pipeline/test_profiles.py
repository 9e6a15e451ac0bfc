"""Wijkprofielen: the area set, the figures of a profile, and the whole stage on the demo
region (the four gemeenten): through the real `dvc repro`, with warm kernels that give
the same bytes as fresh ones, and on a local Dask cluster."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from support import REPO, VENV_BIN, copy_built, digests, kwb_long, run

from helpers.config import ParamsError, Paths, load_project
from helpers.config.profiles import ProfileSettings, profile_settings
from helpers.profiles.profile import (
    PROFILE_COLUMNS,
    figure_rows,
    profile_areas,
    profile_indicators,
    profile_values,
)
from helpers.report.dutch import format_value
from helpers.runtime.notebooks import NotebookRun, run_notebook

DVC = str(VENV_BIN / "dvc")
FOUR_GEMEENTEN = "profiles:\n  level: wijk\n  areas: gemeenten\n  gemeenten: []\n"


@pytest.fixture(scope="module")
def project():
    return load_project(Paths.from_root(REPO))


def region_rows(year: int = 2024) -> pd.DataFrame:
    """A harmonised KWB frame with a region list: two gemeenten, three wijken, Nederland."""
    names = {
        "NL00": ("land", "Nederland", ""),
        "GM0355": ("gemeente", "Zeist", "GM0355"),
        "GM0356": ("gemeente", "Nieuwegein", "GM0356"),
        "WK035501": ("wijk", "Zeist-West", "GM0355"),
        "WK035502": ("wijk", "Zeist-Noord", "GM0355"),
        "WK035601": ("wijk", "Jutphaas", "GM0356"),
        "BU03550101": ("buurt", "Buurt A", "GM0355"),
    }
    cells = {code: {"AantalInwoners": 1000.0} for code in names}
    rows = kwb_long(cells, year)
    rows["area_level"] = rows["area_code"].map(lambda c: names[c][0])
    rows["area_name"] = rows["area_code"].map(lambda c: names[c][1])
    rows["gemeente"] = rows["area_code"].map(lambda c: names[c][2])
    return rows


def test_settings_errors_name_the_file_and_key(tmp_path):
    (tmp_path / "params").mkdir()
    path = tmp_path / "params" / "profiles.yaml"
    path.write_text("profiles:\n  level: stadsdeel\n", encoding="utf-8")
    with pytest.raises(ParamsError, match=r"(?s)profiles\.yaml.*key profiles\.level"):
        profile_settings(Paths(tmp_path))
    path.write_text("profiles:\n  gemeenten: [Zeist]\n", encoding="utf-8")
    with pytest.raises(ParamsError, match=r"profiles\.gemeenten"):
        profile_settings(Paths(tmp_path))
    path.unlink()
    assert profile_settings(Paths(tmp_path)) is None


def test_the_area_set_comes_from_the_cycle_years_region_list(project):
    rows = region_rows()
    zeist = profile_areas(ProfileSettings(gemeenten=["GM0355"]), project, rows)
    assert list(zeist["area_code"]) == ["WK035501", "WK035502"]
    assert set(zeist["gemeente_name"]) == {"Zeist"}
    land = profile_areas(ProfileSettings(areas="land"), project, rows)
    assert list(land["area_code"]) == ["WK035501", "WK035502", "WK035601"]
    buurten = profile_areas(ProfileSettings(level="buurt", areas="land"), project, rows)
    assert list(buurten["area_code"]) == ["BU03550101"]
    with pytest.raises(ValueError, match=r"no wijk of GM0307 in the CBS region list of 2024"):
        profile_areas(ProfileSettings(gemeenten=["GM0307"]), project, rows)
    older = region_rows(2023)
    with pytest.raises(ValueError, match=r"region list of 2024"):
        profile_areas(ProfileSettings(areas="land"), project, older)


def profile_record(role, code, name, indicator, year, value, unit, reason=""):
    return {
        "role": role,
        "area_code": code,
        "area_name": name,
        "indicator_id": indicator,
        "year": year,
        "value": value,
        "suppression_reason": reason,
        "unit": unit,
        "source": "cbs_kwb:85984NED",
        "source_modified": "2025-03-27T02:00:00",
        "estimate": "",
        "synthetic": False,
    }


def test_each_figure_is_shown_with_its_own_year_and_compared_in_that_year(project):
    nan = math.nan
    records = [
        # the area's 2024 value is withheld: its latest figure is 2023's
        profile_record("gebied", "WK035502", "Noord", "aandeel_65plus", 2023, 20.0, "procent"),
        profile_record(
            "gebied",
            "WK035502",
            "Noord",
            "aandeel_65plus",
            2024,
            nan,
            "procent",
            "small_denominator",
        ),
        profile_record("gemeente", "GM0355", "Zeist", "aandeel_65plus", 2023, 25.0, "procent"),
        profile_record("gemeente", "GM0355", "Zeist", "aandeel_65plus", 2024, 26.0, "procent"),
        profile_record("nederland", "NL00", "Nederland", "aandeel_65plus", 2023, 20.2, "procent"),
        profile_record("gebied", "WK035502", "Noord", "inwoners", 2024, 10018.0, "aantal"),
        profile_record("gemeente", "GM0355", "Zeist", "inwoners", 2024, 62346.0, "aantal"),
    ]
    table = pd.DataFrame(records)[PROFILE_COLUMNS]
    rows = {r.label: r for r in figure_rows(table, profile_indicators(project.catalogue))}
    share = next(r for r in rows.values() if r.area["indicator_id"] == "aandeel_65plus")
    assert share.year == 2023
    assert share.gemeente is not None and share.gemeente["value"] == 25.0
    assert share.index == 80.0  # 20 / 25, in the same year
    assert share.kind == "groepen"
    count = next(r for r in rows.values() if r.area["indicator_id"] == "inwoners")
    assert count.index is None  # a wijk's count against its gemeente's means nothing
    assert count.nederland is None


def test_small_numbers_are_withheld_in_profiles_as_everywhere(project):
    cells = {
        "NL00": {"AantalInwoners": 17_900_000.0, "k_65JaarOfOuder": 3_600_000.0},
        "GM0355": {"AantalInwoners": 65_000.0, "k_65JaarOfOuder": 14_000.0},
        "WK035501": {"AantalInwoners": 30.0, "k_65JaarOfOuder": 3.0},
        "WK035502": {"AantalInwoners": 10_000.0, "k_65JaarOfOuder": 1_700.0},
    }
    kwb = kwb_long(cells)
    areas = pd.DataFrame(
        {
            "area_code": ["WK035501", "WK035502"],
            "area_name": ["Klein", "Zeist-Noord"],
            "gemeente": ["GM0355", "GM0355"],
            "gemeente_name": ["Zeist", "Zeist"],
        }
    )
    values = profile_values(project, areas, kwb, pd.DataFrame())
    share = values[values["indicator_id"].eq("aandeel_65plus") & values["year"].eq(2024)]
    small_area = share[share["area_code"].eq("WK035501")].iloc[0]
    assert math.isnan(small_area["value"]) and small_area["suppression_reason"] != ""
    big = share[share["area_code"].eq("WK035502")].iloc[0]
    assert big["value"] == 17.0


# ---------------------------------------------------------------- the whole stage


@pytest.fixture(scope="module")
def region(cold_build, tmp_path_factory):
    """A copy of the built project given profiles for every wijk of the four demo
    gemeenten, then rebuilt by the real `dvc repro` on two workers."""
    work = copy_built(cold_build[0], tmp_path_factory.mktemp("profiles") / "project")
    (work / "params" / "profiles.yaml").write_text(FOUR_GEMEENTEN, encoding="utf-8")
    run(["git", "commit", "-qam", "profiles of the four gemeenten"], work)
    result = run([DVC, "repro"], work, timeout=3600, env={"WIJKMONITOR_WORKERS": "2"})
    return work, result.stdout + result.stderr


def wijken_of_the_region(work: Path) -> dict[str, str]:
    long = pd.read_csv(work / "data/processed/cbs/cbs_long.csv", dtype=str)
    rows = long[long["year"].eq("2024") & long["area_level"].eq("wijk")]
    return dict(zip(rows["area_code"], rows["area_name"], strict=False))


def page_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"data:image/(png|svg\+xml);base64,[A-Za-z0-9+/=]+", "", text)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


@pytest.mark.pipeline
def test_every_wijk_of_the_region_gets_a_profile_page_in_the_site(region):
    work, log = region
    wijken = wijken_of_the_region(work)
    assert len(wijken) >= 60
    assert f"profiles: {len(wijken)} area(s) at wijk level" in log
    site = work / "reports" / "_site" / "profielen"
    index = (site / "index.html").read_text(encoding="utf-8")
    for code, name in wijken.items():
        assert f'href="{code}.html"' in index, code
        assert (site / f"{code}.html").is_file(), code
        assert name in index
    assert 'id="zoek"' in index and "synthetische" in index
    long = pd.read_csv(work / "data/processed/cbs/cbs_long.csv", dtype={"area_code": str})
    inhabitants = long[long["column"].eq("AantalInwoners") & long["year"].eq(2024)]
    value = inhabitants.set_index("area_code")["value"]
    page = (site / "WK035502.html").read_text(encoding="utf-8")
    assert 'src="data:image/svg+xml;base64,' in page  # the chart, text kept as text
    text = page_text(site / "WK035502.html")
    assert f"Wijkprofiel {wijken['WK035502']}" in text
    row = re.search(r"Aantal inwoners 2024 (\S+) (\S+) (\S+)", text)
    assert row is not None, text[:2000]
    assert row.groups() == tuple(
        format_value(value[code], "aantal") for code in ("WK035502", "GM0355", "NL00")
    )
    assert "CBS, tabel 85984NED" in text and "synthetisch" in text
    status = run([DVC, "status"], work)
    assert "profiles" not in status.stdout


@pytest.mark.pipeline
def test_a_warm_kernel_gives_the_same_bytes_as_a_fresh_kernel(region):
    work, _ = region
    paths = Paths.from_root(work)
    final = paths.processed / "profiles"
    fresh = paths.processed / ".fresh-kernels"
    template = paths.notebooks / "profile.ipynb"
    for code in ("WK030701", "WK034405", "WK035502"):
        folder = fresh / code
        folder.mkdir(parents=True)
        shutil.copyfile(final / code / "gegevens.csv", folder / "gegevens.csv")
        run_notebook(
            NotebookRun(template, folder / "profiel.ipynb", {"area": code, "out_dir": "."}),
            paths,
            f"test/{code}",
            fresh,
            final,
        )
        for name in ("profiel.ipynb", "figures/index.svg"):
            assert (folder / name).read_bytes() == (final / code / name).read_bytes(), (
                code,
                name,
            )
    shutil.rmtree(fresh)


@pytest.mark.pipeline
def test_the_same_profiles_on_a_local_dask_cluster(region):
    distributed = pytest.importorskip("distributed")
    work, _ = region
    folder = work / "data" / "processed" / "profiles"
    before = digests(folder)
    with distributed.LocalCluster(
        n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = run(
            ["sh", "bin/wijkmonitor", "profiles"],
            work,
            env={"WIJKMONITOR_SCHEDULER": cluster.scheduler_address},
            timeout=1800,
        )
    assert "profiles done" in result.stdout + result.stderr
    assert digests(folder) == before


def test_the_fetch_brings_the_profiles_regions_too(project):
    from helpers.sources.cbs import region_filter
    from helpers.sources.cbs_gebieden import fetch_gemeenten

    compared = project.cycle.gemeenten
    assert fetch_gemeenten(None, project) is None
    assert fetch_gemeenten(ProfileSettings(gemeenten=[compared[0]]), project) is None
    wider = fetch_gemeenten(ProfileSettings(gemeenten=["GM0599"]), project)
    assert wider == [*compared, "GM0599"]
    assert "substringof('0599',WijkenEnBuurten)" in (region_filter(project, wider) or "")
    country = fetch_gemeenten(ProfileSettings(areas="land"), project)
    assert country == [] and region_filter(project, country) is None
    assert "substringof('0344',WijkenEnBuurten)" in (region_filter(project) or "")


@pytest.mark.pipeline
def test_the_profile_pages_load_cleanly_and_pass_axe(region):
    from browser import Chromium, axe_source_or_skip, chromium_or_skip, severe

    binary = chromium_or_skip()
    source = axe_source_or_skip()
    work, _ = region
    site = work / "reports" / "_site" / "profielen"
    with Chromium(binary) as browser:
        for page in (site / "index.html", site / "WK035502.html"):
            report = browser.open(page.as_uri())
            assert report.errors == [], (page.name, report.errors)
            assert report.lang == "nl" and report.headings[0] == 1, page.name
            assert all(image["loaded"] and image["alt"] for image in report.images), page.name
            assert severe(browser.axe(source)) == [], page.name
        browser.open((site / "index.html").as_uri())
        shown = browser.evaluate(
            "(() => { const box = document.getElementById('zoek'); box.value = 'WK035502';"
            " box.dispatchEvent(new Event('input'));"
            " return Array.from(document.querySelectorAll('#wijken tbody tr'))"
            ".filter(r => !r.hidden).map(r => r.cells[1].textContent); })()"
        )
        assert shown == ["WK035502"]
