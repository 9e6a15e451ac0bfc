"""Profiles of a provincie or a GGD-regio: the settings, CBS's "Gebieden in Nederland"
through the real cbsodata client (the recorded 2022 edition on loopback), and the demo."""

from __future__ import annotations

import pandas as pd
import pytest
from cbs_server import ReplayServer, gebieden_85067_tables, kwb_2024_tables, one_year_project
from support import REPO, copy_project, run

from helpers.config import ParamsError, Paths
from helpers.config.profiles import ProfileSettings, profile_settings
from helpers.profiles.profile import profile_areas
from helpers.sources.cbs import area_level, fetch_kwb, gemeente_of, read_kwb_long
from helpers.sources.cbs_gebieden import (
    fetch_gebieden,
    fetch_gemeenten,
    load_gebieden,
    read_gebieden,
    wanted_gemeenten,
)

# Provincie Utrecht (PV26) in Gebieden in Nederland 2022: its 26 gemeenten.
UTRECHT_2022 = 26


def write_settings(root, text: str) -> Paths:
    (root / "params").mkdir(exist_ok=True)
    (root / "params" / "profiles.yaml").write_text(text, encoding="utf-8")
    return Paths(root)


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        ("areas: provincie", r"(?s)profiles\.yaml.*key profiles\.provincies"),
        ("areas: provincie\n  provincies: [Utrecht]", r"profiles\.provincies"),
        ("areas: land\n  ggd_regios: [GG2514]", r"(?s)profiles\.ggd_regios.*only read with"),
        ("areas: provincie\n  gebieden_table: 85067", r"profiles\.gebieden_table"),
    ],
)
def test_provincie_settings_are_checked_naming_file_and_key(tmp_path, settings, error):
    paths = write_settings(tmp_path, f"profiles:\n  {settings}\n")
    with pytest.raises(ParamsError, match=error):
        profile_settings(paths)


def test_a_ggd_region_is_read_from_the_settings(tmp_path):
    paths = write_settings(tmp_path, "profiles:\n  areas: ggd_regio\n  ggd_regios: [GG2514]\n")
    settings = profile_settings(paths)
    assert settings is not None and settings.grouping_codes() == ["GG2514"]


def fetched_gebieden(shared_cbs, target, tables=None):
    """The 2022 edition fetched by the real client from the loopback server."""
    with ReplayServer(tables or gebieden_85067_tables(shared_cbs), page_size=100) as server:
        project = one_year_project(server.address)
        folder = fetch_gebieden(project, "85067NED", target, log=lambda _: None)
    assert any("85067NED/TypedDataSet" in r and "skip=100" in r for r in server.requests)
    return project, folder


def test_a_provincie_is_resolved_through_the_recorded_gebieden_table(shared_cbs, tmp_path):
    project, folder = fetched_gebieden(shared_cbs, tmp_path / "cbs")
    gebieden = read_gebieden(folder)
    assert len(gebieden) == 2 * 345
    utrecht = ProfileSettings(areas="provincie", provincies=["PV26"])
    gemeenten = wanted_gemeenten(utrecht, project, gebieden)
    assert gemeenten is not None and len(gemeenten) == UTRECHT_2022
    assert {"GM0307", "GM0344", "GM0355", "GM0356"} <= set(gemeenten)
    assert "GM0363" not in gemeenten  # Amsterdam
    names = gebieden[gebieden["code"].eq("PV26")]["name"].unique().tolist()
    assert names == ["Utrecht"]
    ggd = ProfileSettings(areas="ggd_regio", ggd_regios=["GG2514"])
    in_ggd = wanted_gemeenten(ggd, project, gebieden)
    assert in_ggd is not None and "GM0344" in in_ggd and set(in_ggd) <= set(gemeenten)
    two = ProfileSettings(areas="provincie", provincies=["PV26", "PV27"])
    both = wanted_gemeenten(two, project, gebieden)
    assert both is not None and "GM0363" in both and set(gemeenten) < set(both)
    unknown = ProfileSettings(areas="provincie", provincies=["PV99"])
    with pytest.raises(ValueError, match=r"profiles\.yaml: key profiles\.provincies: .*PV99"):
        wanted_gemeenten(unknown, project, gebieden)


def test_the_fetch_brings_every_wijk_of_the_provincie(shared_cbs, tmp_path):
    """As `wijkmonitor fetch` does: the gebieden table first, then the KWB of the
    provincie's gemeenten (one loopback catalog serving both recorded tables)."""
    tables = {**gebieden_85067_tables(shared_cbs), **kwb_2024_tables(shared_cbs)}
    raw = Paths(tmp_path).raw_cbs
    project, _ = fetched_gebieden(shared_cbs, raw, tables)
    paths = write_settings(tmp_path, "profiles:\n  areas: provincie\n  provincies: [PV26]\n")
    settings = profile_settings(paths)
    assert settings is not None
    gebieden = load_gebieden(Paths(tmp_path), settings)
    gemeenten = fetch_gemeenten(settings, project, gebieden)
    assert gemeenten is not None and len(gemeenten) >= UTRECHT_2022
    with ReplayServer(tables) as server:
        fetch_kwb(
            project.model_copy(
                update={
                    "cycle": project.cycle.model_copy(
                        update={
                            "cbs": project.cycle.cbs.model_copy(
                                update={"catalog_url": server.address}
                            )
                        }
                    )
                }
            ),
            raw,
            log=lambda _: None,
            backoff=0,
            gemeenten=gemeenten,
        )
    kwb = read_kwb_long(raw, project)
    kwb = kwb.assign(
        area_level=kwb["area_code"].map(area_level),
        gemeente=kwb["area_code"].map(gemeente_of),
        area_name=kwb["area_code"],
    )
    areas = profile_areas(settings, project, kwb, gebieden)
    assert set(areas["gemeente"]) <= set(wanted_gemeenten(settings, project, gebieden) or [])
    assert "WK034403" in set(areas["area_code"])  # Overvecht, Utrecht
    assert len(set(areas["gemeente"])) > 4
    assert not areas["area_code"].str.startswith("WK0363").any()  # no Amsterdam


def test_the_demo_resolves_a_provincie_too(tmp_path):
    """`source: demo`: the fetch writes a (marked synthetic) gebieden table, and the
    province of the four demo gemeenten gives all their wijken."""
    work = copy_project(tmp_path / "project")
    settings = "profiles:\n  level: wijk\n  areas: provincie\n  provincies: [PV26]\n"
    (work / "params" / "profiles.yaml").write_text(settings, encoding="utf-8")
    for stage in ("fetch", "harmonise"):
        run(["sh", "bin/wijkmonitor", stage], work)
    paths = Paths.from_root(work)
    infos = pd.read_json(paths.raw_cbs / "85067NED" / "TableInfos.json")
    assert bool(infos["Synthetic"].iloc[0]) and "SYNTHETISCH" in infos["Title"].iloc[0]
    from helpers.config import load_project
    from helpers.indicators.harmonise import read_harmonised_kwb

    project = load_project(paths)
    loaded = profile_settings(paths)
    assert loaded is not None
    kwb = read_harmonised_kwb(paths)
    areas = profile_areas(loaded, project, kwb, load_gebieden(paths, loaded))
    wijken = kwb[kwb["area_level"].eq("wijk") & kwb["year"].eq(project.cycle.cycle.year)]
    four = wijken[wijken["gemeente"].isin(["GM0307", "GM0344", "GM0355", "GM0356"])]
    assert set(areas["area_code"]) == set(four["area_code"])
    assert len(areas) >= 60


def test_the_shipped_settings_still_load():
    assert profile_settings(Paths.from_root(REPO)) is not None
