"""The programme map from real CBS boundaries, and the analysts' CSV/Excel tables."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest
from matplotlib.colors import to_rgba

from helpers import exports, maps, plots, report_data
from helpers.config import ParamsError
from helpers.paths import Paths

WIJKEN_2016 = "elan-dcc_wijkprofielen/wijk_2016_4gemeenten.geojson"


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
    csv_path, xlsx_path, *_ = exports.write_tables(project, "overvecht", table, tmp_path)
    frame = pd.read_csv(csv_path, keep_default_na=False)
    own = frame[frame["gebied_rol"].eq("programmagebied")].iloc[0]
    assert own["waarde"] == "" and own["respondenten"] == "" and own["ondergrens_95"] == ""
    assert own["onderdrukt_reden"] == "te weinig respondenten"
    assert frame[frame["gebied_rol"].eq("gemeente")].iloc[0]["waarde"] == "44.8"
    book = openpyxl.load_workbook(xlsx_path)
    assert book.sheetnames == ["indicatoren", "samenvatting", "netwerk", "kolommen", "toelichting"]
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


def _demo_table() -> pd.DataFrame:
    """Overvecht: a count (whole numbers, aantal), a budget (euro) and a survey share."""
    rows = []
    for year, (people, budget, share) in {
        2020: (31369.0, 800000.0, 17.4),
        2021: (31577.0, 812500.0, 17.5),
        2022: (31601.0, 790000.0, 17.5),
        2023: (31793.0, 845000.0, 17.4),
        2024: (32539.0, 861900.0, 17.6),
    }.items():
        for indicator_id, unit, value, source in (
            ("inwoners", "aantal", people, "cbs_kwb"),
            ("budget", "euro", budget, "registration"),
            ("ervaren_gezondheid", "procent", share, "survey"),
        ):
            rows.append(
                {
                    "programme": "overvecht",
                    "area_role": "programma",
                    "area_code": "overvecht",
                    "area_name": "Samen voor Overvecht",
                    "year": year,
                    "indicator_id": indicator_id,
                    "level": "outcome",
                    "unit": unit,
                    "value": value,
                    "numerator": np.nan,
                    "denominator": np.nan,
                    "lower": value - 1.2 if unit == "procent" else np.nan,
                    "upper": value + 1.2 if unit == "procent" else np.nan,
                    "n": 812.0 if unit == "procent" else np.nan,
                    "suppressed": False,
                    "suppression_reason": "",
                    "source": source,
                    "source_modified": "",
                    "definition_version": 1,
                    "series_break": False,
                    "synthetic": True,
                }
            )
    return pd.DataFrame(rows)


def test_tables_write_integers_as_integers_and_a_dutch_excel_csv(project, tmp_path):
    written = exports.write_tables(project, "overvecht", _demo_table(), tmp_path)
    names = sorted(p.name for p in written)
    assert names == sorted(
        [
            "overvecht_indicatoren.csv",
            "overvecht_indicatoren_excel-nl.csv",
            "overvecht_indicatoren.xlsx",
            "overvecht_samenvatting.csv",
            "overvecht_samenvatting_excel-nl.csv",
            "overvecht_netwerk.csv",
            "overvecht_netwerk_excel-nl.csv",
        ]
    )
    plain = (tmp_path / "overvecht_indicatoren.csv").read_bytes()
    assert not plain.startswith(b"\xef\xbb\xbf") and b"\r\n" not in plain
    assert b",31369," in plain and b"31369.0" not in plain and b"2024.0" not in plain
    assert b",812," in plain and b",17.4," in plain
    excel = (tmp_path / "overvecht_indicatoren_excel-nl.csv").read_bytes()
    assert excel.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM: Excel reads the file as UTF-8"
    lines = excel.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("programma;gebied_rol;gebiedscode;gebiedsnaam;jaar;")
    assert ";17,4;" in excel.decode("utf-8-sig") and ";31369;" in excel.decode("utf-8-sig")
    back = pd.read_csv(
        tmp_path / "overvecht_indicatoren_excel-nl.csv", sep=";", decimal=",",
        encoding="utf-8-sig",
    )
    again = pd.read_csv(tmp_path / "overvecht_indicatoren.csv")
    assert back.equals(again), "the two CSVs hold the same table"
    summary = pd.read_csv(tmp_path / "overvecht_samenvatting.csv", dtype=str, keep_default_na=False)
    budget = summary[summary["indicator_id"].eq("budget")].iloc[0]
    assert budget["trend_per_jaar"] == "15630" and budget["laatste_waarde"] == "861900"
    assert budget["trend_ondergrens_95"] != "", "five years of a count: an interval"
    network = pd.read_csv(tmp_path / "overvecht_netwerk.csv")
    assert list(network.columns) == exports.NETWORK_COLUMNS
    assert set(project.programmes["overvecht"].indicator_ids()) <= set(network["indicator_id"])


def test_the_workbook_has_formats_per_unit_frozen_header_filter_and_column_notes(
    project, tmp_path
):
    _, xlsx_path, *_ = exports.write_tables(project, "overvecht", _demo_table(), tmp_path)
    book = openpyxl.load_workbook(xlsx_path)
    sheet = book["indicatoren"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:T{sheet.max_row}"
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2)]
    by_unit = {r["eenheid"].value: r for r in rows if r["jaar"].value == 2024}
    assert by_unit["aantal"]["waarde"].value == 32539
    assert isinstance(by_unit["aantal"]["waarde"].value, int), "a count is an integer"
    assert by_unit["aantal"]["waarde"].number_format == "#,##0"
    assert by_unit["euro"]["waarde"].number_format == '"€" #,##0'
    assert by_unit["procent"]["waarde"].number_format == "#,##0.0"
    assert by_unit["procent"]["waarde"].value == 17.6
    assert by_unit["procent"]["respondenten"].value == 812
    assert by_unit["procent"]["jaar"].number_format == "0"
    for name in ("samenvatting", "netwerk"):
        assert book[name].freeze_panes == "A2" and book[name].auto_filter.ref
    notes = book["kolommen"]
    explained = {(r[0].value, r[1].value) for r in notes.iter_rows(min_row=2)}
    for name in ("indicatoren", "samenvatting", "netwerk"):
        for cell in book[name][1]:
            assert (name, cell.value) in explained, f"{name}.{cell.value} is explained"
    summary = book["samenvatting"]
    header = [c.value for c in summary[1]]
    status = [r[header.index("streefwaarde_status")].value for r in summary.iter_rows(min_row=2)]
    assert set(status) <= {None, "op koers", "niet op koers", "te vroeg om te zeggen", "onbekend"}


def test_the_tables_are_byte_identical_between_runs(project, tmp_path):
    digests = []
    for name in ("a", "b"):
        written = exports.write_tables(project, "overvecht", _demo_table(), tmp_path / name)
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in written})
    assert digests[0] == digests[1]
