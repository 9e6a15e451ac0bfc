"""The programme map from real CBS boundaries, and the analysts' CSV/Excel tables."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from support import REPO

from helpers import exports, maps, plots, report_data
from helpers.config import ParamsError, load_project
from helpers.paths import Paths

WIJKEN_2016 = "elan-dcc_wijkprofielen/wijk_2016_4gemeenten.geojson"


@pytest.fixture(scope="module")
def project():
    return load_project(Paths.from_root(REPO))


def test_map_of_overvecht_from_the_real_2016_wijk_boundaries(shared_cbs, tmp_path):
    areas = maps.read_boundaries(shared_cbs / WIJKEN_2016)
    utrecht = [a for a in areas if a.gemeente == "GM0344"]
    assert len(utrecht) == 10 and {a.gemeente for a in areas} == {
        "GM0307",
        "GM0344",
        "GM0355",
        "GM0356",
    }
    digests = set()
    for name in ("a.png", "b.png"):
        fig = maps.programme_map(areas, ["WK034403"], "GM0344", "Overvecht in Utrecht")
        assert fig is not None
        overvecht = next(a for a in utrecht if a.code == "WK034403")
        blue = to_rgba(plots.OKABE_ITO["blue"])
        faces = [p.get_facecolor() for p in fig.axes[0].patches]
        assert len(faces) == sum(len(a.polygons) for a in utrecht)
        assert sum(face == blue for face in faces) == len(overvecht.polygons)
        digests.add(
            hashlib.sha256(plots.save_figure(fig, tmp_path / name).read_bytes()).hexdigest()
        )
    assert len(digests) == 1, "the map is byte-identical between runs"
    alt = maps.map_alt_text(areas, ["WK034403"], "Utrecht")
    assert "Wijk 03 Overvecht" in alt and "Utrecht" in alt


def test_no_map_when_the_area_is_not_in_the_boundaries(shared_cbs):
    areas = maps.read_boundaries(shared_cbs / WIJKEN_2016)
    assert maps.programme_map(areas, ["BU03550205"], "GM0355", "Vollenhove") is None
    assert "Geen grens gevonden voor BU03550205" in maps.map_alt_text(
        areas, ["BU03550205"], "Zeist"
    )


def test_bad_boundary_files_get_a_clear_error(tmp_path):
    broken = tmp_path / "kapot.geojson"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"kapot\.geojson: not a readable GeoJSON"):
        maps.read_boundaries(broken)
    points = tmp_path / "punten.geojson"
    feature = {"type": "Feature", "properties": {"WKC": "WK034403"}, "geometry": {"type": "Point"}}
    points.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(ValueError, match=r"punten\.geojson: feature 0 is a Point"):
        maps.read_boundaries(points)
    nameless = tmp_path / "zonder_code.geojson"
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 1]]]},
    }
    nameless.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(ValueError, match="feature 0 has none of the properties WKC"):
        maps.read_boundaries(nameless)


def test_tables_keep_suppressed_cells_empty_with_their_reason(project, tmp_path):
    table = pd.DataFrame(
        {
            "programme": "overvecht",
            "area_role": ["programma", "gemeente"],
            "area_code": ["overvecht", "GM0344"],
            "area_name": ["Samen voor Overvecht", "Utrecht"],
            "year": [2024, 2024],
            "indicator_id": "eenzaamheid",
            "level": "outcome",
            "unit": "procent",
            "value": [np.nan, 44.8],
            "numerator": np.nan,
            "denominator": np.nan,
            "lower": [np.nan, 43.9],
            "upper": [np.nan, 45.7],
            "n": [np.nan, 5200.0],
            "suppressed": [True, False],
            "suppression_reason": ["small_n", ""],
            "source": "survey",
            "source_modified": "",
            "definition_version": 1,
            "series_break": False,
            "synthetic": True,
        }
    )
    csv_path, xlsx_path = exports.write_tables(project, "overvecht", table, tmp_path)
    frame = pd.read_csv(csv_path, keep_default_na=False)
    own = frame[frame["gebied_rol"].eq("programmagebied")].iloc[0]
    assert own["waarde"] == "" and own["respondenten"] == "" and own["ondergrens_95"] == ""
    assert own["onderdrukt_reden"] == "te weinig respondenten"
    assert frame[frame["gebied_rol"].eq("gemeente")].iloc[0]["waarde"] == "44.8"
    book = openpyxl.load_workbook(xlsx_path)
    assert book.sheetnames == ["indicatoren", "toelichting"]
    sheet = book["indicatoren"]
    header = [c.value for c in sheet[1]]
    row = {h: c.value for h, c in zip(header, sheet[2], strict=True)}
    assert row["waarde"] is None and row["onderdrukt_reden"] == "te weinig respondenten"
    notes = " ".join(str(c.value) for c in book["toelichting"]["A"])
    assert "SYNTHETISCHE GEGEVENS" in notes and "Bron: CBS" in notes


def test_report_settings_name_the_boundary_file_or_fail_clearly(tmp_path, shared_cbs):
    paths = Paths(tmp_path)
    paths.params.mkdir()
    assert report_data.boundaries_file(paths) is None, "no params/report.yaml: no map"
    settings = paths.params / "report.yaml"
    settings.write_text("boundaries: data/raw/grenzen/wijken.geojson\n")
    with pytest.raises(FileNotFoundError, match=r"report\.yaml: key boundaries: .*wijken\.geojson"):
        report_data.boundaries_file(paths)
    settings.write_text(f"boundaries: {shared_cbs / WIJKEN_2016}\n")
    assert report_data.boundaries_file(paths) == shared_cbs / WIJKEN_2016
    settings.write_text("grenzen: x.geojson\n")
    with pytest.raises(ParamsError, match="grenzen"):
        report_data.boundaries_file(paths)
