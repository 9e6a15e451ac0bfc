"""The harmonise stage on the demo tables (real format, synthetic values)."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from support import REPO, digests

from helpers.cli import main
from helpers.config import Paths, load_project
from helpers.indicators.areas import AreaCheckError
from helpers.indicators.harmonise import harmonise
from helpers.sources import demo
from helpers.sources.cbs import HARMONISED_COLUMNS, KWB_LONG_COLUMNS, read_kwb_long

PROJECT = load_project(Paths.from_root(REPO))


@pytest.fixture
def paths(tmp_path) -> Paths:
    paths = Paths.from_root(tmp_path)
    demo.write_demo_cbs(PROJECT, paths.raw_cbs)
    return paths


def read(paths: Paths, name: str) -> pd.DataFrame:
    return pd.read_csv(paths.processed / "cbs" / name, keep_default_na=False)


def test_demo_harmonised_table_and_reports(paths):
    messages: list[str] = []
    harmonise(PROJECT, paths, log=messages.append)
    long = read(paths, "cbs_long.csv")
    assert list(long.columns) == HARMONISED_COLUMNS
    assert set(long["year"]) == set(PROJECT.cycle.cycle.years)
    assert set(long["area_level"]) == {"land", "gemeente", "wijk", "buurt"}
    vollenhove = long[long["area_code"].eq("BU03550205") & long["column"].eq("AantalInwoners")]
    assert set(vollenhove["gemeente"]) == {"GM0355"} and set(vollenhove["kind"]) == {"count"}
    # the WOZ value was renamed in 2024: one concept, a reported break, no gap
    woz = long[long["column"].eq("GemiddeldeWOZWaardeVanWoningen") & long["area_code"].eq("NL00")]
    assert woz.set_index("year")["published_name"].to_dict() == {
        **{y: "GemiddeldeWoningwaarde" for y in PROJECT.cycle.cycle.years if y < 2024},
        2024: "GemiddeldeWOZWaardeVanWoningen",
    }
    assert woz.set_index("year")["definition_version"][2024] == 2
    breaks = read(paths, "breaks.csv")
    # and CBS regrouped the education levels in 2024 (the low level's series breaks)
    assert breaks[["column", "year"]].values.tolist() == [
        ["GemiddeldeWOZWaardeVanWoningen", 2024],
        ["OpleidingsniveauLaag", 2024],
    ]
    assert any(
        m.startswith("series break GemiddeldeWOZWaardeVanWoningen in 2024") for m in messages
    )
    # what the engine reads is the same table
    kwb = read_kwb_long(paths.raw_cbs, PROJECT)
    assert set(KWB_LONG_COLUMNS) <= set(kwb.columns)
    assert len(kwb) == len(long)


def test_cbs_markers_are_missing_never_zero(paths):
    folder = paths.raw_cbs / PROJECT.cycle.kwb_table(2024)
    data = json.loads((folder / "TypedDataSet.json").read_text(encoding="utf-8"))
    key = next(k for k in data[0] if k.startswith("Woningvoorraad_"))
    for row, marker in zip(data[1:4], [".", "       x", -99997], strict=True):
        row[key] = marker
    (folder / "TypedDataSet.json").write_text(json.dumps(data), encoding="utf-8")
    kwb = read_kwb_long(paths.raw_cbs, PROJECT)
    stock = kwb[kwb["year"].eq(2024) & kwb["column"].eq("Woningvoorraad")].set_index("area_code")
    for row in data[1:4]:
        assert pd.isna(stock.loc[row["WijkenEnBuurten"].strip(), "value"])
    assert stock["value"].notna().sum() == len(data) - 3


def test_missing_area_stops_the_stage_and_keeps_outputs(paths, capsys):
    harmonise(PROJECT, paths, log=lambda _: None)
    before = digests(paths.processed)
    folder = paths.raw_cbs / PROJECT.cycle.kwb_table(2021)
    regions = json.loads((folder / "WijkenEnBuurten.json").read_text(encoding="utf-8"))
    for region in regions:  # CBS renumbers Vollenhove in 2021, same boundary (flag 2)
        if region["Key"].strip() == "BU03550205":
            region["Key"] = "BU03550209  "
    (folder / "WijkenEnBuurten.json").write_text(json.dumps(regions), encoding="utf-8")
    data = json.loads((folder / "TypedDataSet.json").read_text(encoding="utf-8"))
    for row in data:
        if row["WijkenEnBuurten"].strip() == "BU03550205":
            row["WijkenEnBuurten"] = "BU03550209  "
            flag = next(k for k in row if k.startswith("Indelingswijziging"))
            row[flag] = "2         "
    (folder / "TypedDataSet.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(AreaCheckError) as caught:
        harmonise(PROJECT, paths, log=lambda _: None)
    message = str(caught.value)
    assert "area BU03550205 of programme vollenhove is not in the 2021 region list" in message
    assert "renumbered" in message and "BU03550209" in message
    assert "flag 2: new code, same boundary" in message
    assert "vollenhove.yaml under `areas:`" in message
    assert digests(paths.processed) == before
    shutil.copytree(REPO / "params", paths.params)
    shutil.copytree(REPO / "notebooks" / "deep_dives", paths.deep_dives)
    assert main(["--root", str(paths.root), "harmonise"]) == 1
    assert "area BU03550205" in capsys.readouterr().err
