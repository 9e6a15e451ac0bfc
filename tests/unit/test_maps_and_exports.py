"""The programme map from real CBS boundaries (GeoPackage, GeoJSON, shapefile), and the
analysts' CSV/Excel tables."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
from matplotlib.colors import to_rgba
from matplotlib.text import Text
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from helpers import report
from helpers.config import ParamsError, Paths
from helpers.indicators.status import LABELS
from helpers.report import exports, maps, plots
from helpers.report.wording import LEVEL_LABELS as LEVEL_WORDS
from helpers.report.wording import ROLE_LABELS

WIJKEN_2016 = "elan-dcc_wijkprofielen/wijk_2016_4gemeenten.geojson"
WIJKEN_2023_DBF = "elan-dcc_wijkprofielen/wijk_2023_v0.dbf"
OVERVECHT = ["WK034403"]
BLUE = to_rgba(plots.OKABE_ITO["blue"])


@pytest.fixture(scope="module")
def wijken_2016(shared_cbs) -> gpd.GeoDataFrame:
    """The real 2016 wijk boundaries of the four gemeenten (RD New, WKC/WKN/GMC/GMN)."""
    return gpd.read_file(shared_cbs / WIJKEN_2016, engine="pyogrio")


@pytest.fixture
def gpkg_rd(wijken_2016, tmp_path) -> Path:
    """The real wijken as CBS publishes its Wijk- en buurtkaart: a GeoPackage in RD New
    with a gemeenten and a wijken layer and the column names of the 2022+ kaart."""
    wijken = wijken_2016.rename(
        columns={
            "WKC": "wijkcode",
            "WKN": "wijknaam",
            "GMC": "gemeentecode",
            "GMN": "gemeentenaam",
        }
    )
    gemeenten = wijken.dissolve(by="gemeentecode", as_index=False)
    path = tmp_path / "wijkenbuurten_2016.gpkg"
    gemeenten[["gemeentecode", "gemeentenaam", "geometry"]].to_file(
        path, layer="gemeenten", driver="GPKG"
    )
    wijken.to_file(path, layer="wijken", driver="GPKG")
    assert [name for name, _ in pyogrio.list_layers(path)] == ["gemeenten", "wijken"]
    assert pyogrio.read_info(path, layer="wijken")["crs"] == "EPSG:28992"
    return path


@pytest.fixture
def geojson_wgs84(wijken_2016, tmp_path) -> Path:
    """The same wijken as a PDOK gebiedsindelingen download: WGS 84, statcode/statnaam and
    no gemeente column (the gemeente comes from the code)."""
    frame = wijken_2016.rename(columns={"WKC": "statcode", "WKN": "statnaam"})
    path = tmp_path / "wijk_2016_wgs84.geojson"
    frame.drop(columns=["GMC", "GMN"]).to_crs("EPSG:4326").to_file(path, driver="GeoJSON")
    assert pyogrio.read_info(path)["crs"] == "EPSG:4326"
    return path


def _collection(fig, gid: str):
    found = [c for c in fig.axes[0].collections if c.get_gid() == gid]
    assert len(found) == 1, f"one collection {gid}"
    return found[0]


def _render_twice(areas, codes, gemeente, title, folder: Path) -> list:
    """Two renders of one map: the figures' artists and the set of PNG digests."""
    digests, figures = set(), []
    for name in ("a.png", "b.png"):
        fig = maps.programme_map(areas, codes, gemeente, title)
        assert fig is not None
        figures.append(fig)
        png = plots.save_figure(fig, folder / name)
        assert b"tIME" not in png.read_bytes() and b"Software" not in png.read_bytes()
        digests.add(hashlib.sha256(png.read_bytes()).hexdigest())
    assert len(digests) == 1, "the map PNG is byte-identical between runs"
    return figures


def test_map_of_overvecht_from_a_cbs_geopackage_in_rd_new(gpkg_rd, tmp_path):
    areas = maps.read_boundaries(gpkg_rd, codes=OVERVECHT)
    assert areas.crs == "EPSG:28992" and list(areas.columns) == [
        "code",
        "name",
        "gemeente",
        "geometry",
    ]
    assert len(areas) == 67, "the wijken layer, chosen by the programme's WK code"
    utrecht = areas[areas["gemeente"].eq("GM0344")]
    assert len(utrecht) == 10
    fig = _render_twice(areas, OVERVECHT, "GM0344", "Overvecht in Utrecht", tmp_path)[0]
    own = _collection(fig, "programmagebied")
    assert len(own.get_paths()) == len(OVERVECHT), "one highlighted polygon per programme area"
    assert all(tuple(face) == BLUE for face in own.get_facecolor())
    others = _collection(fig, "overige")
    assert len(others.get_paths()) == len(utrecht) - len(OVERVECHT)
    assert all(tuple(face) != BLUE for face in others.get_facecolor())
    outline = _collection(fig, "gemeentegrens")
    line = np.concatenate([path.vertices for path in outline.get_paths()])
    west, south, east, north = utrecht.total_bounds
    assert (line.min(axis=0), line.max(axis=0)) == (
        pytest.approx([west, south]),
        pytest.approx([east, north]),
    ), "the outline is the gemeente's: the union of its wijken"
    ax = fig.axes[0]
    bars = [a for a in ax.artists if isinstance(a, AnchoredSizeBar)]
    assert len(bars) == 1
    bar = bars[0].size_bar.get_children()[0]
    assert bar.get_width() == 2000, "a round number of metres: the axes are RD New"
    assert "2 km" in [t.get_text() for t in bars[0].findobj(Text)]
    assert [t.get_text() for t in ax.texts if t.get_gid() == "noordpijl"] == ["N"]
    alt = maps.map_alt_text(areas, OVERVECHT, "Utrecht")
    assert "Wijk 03 Overvecht" in alt and "Utrecht" in alt


def test_a_buurt_programme_takes_the_buurten_layer_of_the_geopackage(gpkg_rd, tmp_path):
    """No real buurt boundaries are at hand: the buurten layer here is the real wijken
    under constructed buurt codes (BU + wijk code + 00), enough to test the choice."""
    wijken = gpd.read_file(gpkg_rd, layer="wijken", engine="pyogrio")
    buurten = wijken.assign(buurtcode="BU" + wijken["wijkcode"].str[2:] + "00")
    buurten.to_file(gpkg_rd, layer="buurten", driver="GPKG")
    areas = maps.read_boundaries(gpkg_rd, codes=["BU03550200"])
    assert areas["code"].str.startswith("BU").all(), "buurtcode before wijkcode"
    assert set(areas["gemeente"]) == {"GM0307", "GM0344", "GM0355", "GM0356"}
    fig = maps.programme_map(areas, ["BU03550200"], "GM0355", "Zeist-Noord")
    assert fig is not None and len(_collection(fig, "programmagebied").get_paths()) == 1
    assert "overige buurten van de gemeente" in [
        t.get_text() for t in fig.axes[0].get_legend().get_texts()
    ]
    plt.close(fig)
    with pytest.raises(ValueError, match="has the layers gemeenten, wijken, buurten: set"):
        maps.read_boundaries(gpkg_rd, codes=["WK035502", "BU03550200"])


def test_the_same_map_from_a_pdok_geojson_in_wgs84(geojson_wgs84, gpkg_rd, tmp_path):
    rd = maps.read_boundaries(gpkg_rd, codes=OVERVECHT)
    wgs = maps.read_boundaries(geojson_wgs84, codes=OVERVECHT)
    assert wgs.crs == "EPSG:28992", "reprojected to RD New for drawing"
    assert list(wgs["code"]) == list(rd["code"]) and list(wgs["name"]) == list(rd["name"])
    assert list(wgs["gemeente"]) == list(rd["gemeente"]), "gemeente from the code"
    assert wgs.total_bounds == pytest.approx(rd.total_bounds, abs=1.0), "within a metre"
    fig = _render_twice(wgs, OVERVECHT, "GM0344", "Overvecht in Utrecht", tmp_path)[0]
    assert len(_collection(fig, "programmagebied").get_paths()) == len(OVERVECHT)
    assert len(_collection(fig, "overige").get_paths()) == 9
    reference = maps.programme_map(rd, OVERVECHT, "GM0344", "Overvecht in Utrecht")
    assert fig.axes[0].get_xlim() == pytest.approx(reference.axes[0].get_xlim(), abs=1.0)


def test_a_shapefile_with_the_columns_of_the_cbs_wijk_en_buurtkaart(
    shared_cbs, wijken_2016, tmp_path
):
    real = pyogrio.read_info(shared_cbs / WIJKEN_2023_DBF)["fields"].tolist()
    assert {"WK_CODE", "WK_NAAM", "GM_CODE", "GM_NAAM"} <= set(real), real
    with pytest.raises(ValueError, match=r"wijk_2023_v0\.dbf: holds no geometries"):
        maps.read_boundaries(shared_cbs / WIJKEN_2023_DBF)
    frame = wijken_2016.rename(
        columns={"WKC": "WK_CODE", "WKN": "WK_NAAM", "GMC": "GM_CODE", "GMN": "GM_NAAM"}
    )
    path = tmp_path / "wijk_2016.shp"
    frame.to_file(path, driver="ESRI Shapefile")
    areas = maps.read_boundaries(path, codes=["WK030703"])
    soesterkwartier = areas[areas["code"].eq("WK030703")]
    assert list(soesterkwartier["name"]) == ["Wijk 03 Soesterkwartier"]
    fig = maps.programme_map(areas, ["WK030703"], "GM0307", "Soesterkwartier in Amersfoort")
    assert fig is not None
    assert len(_collection(fig, "programmagebied").get_paths()) == 1
    amersfoort = int(areas["gemeente"].eq("GM0307").sum())
    assert amersfoort == 31 and len(_collection(fig, "overige").get_paths()) == amersfoort - 1
    plt.close(fig)


def test_layer_and_columns_of_other_files_come_from_the_settings(wijken_2016, tmp_path):
    frame = wijken_2016.rename(columns={"WKC": "CODE_WIJK", "WKN": "NAAM_WIJK", "GMC": "GM"})
    path = tmp_path / "grenzen.gpkg"
    frame.to_file(path, layer="laag_a", driver="GPKG")
    frame.to_file(path, layer="laag_b", driver="GPKG")
    with pytest.raises(ValueError, match=r"grenzen\.gpkg has the layers laag_a, laag_b: set `la"):
        maps.read_boundaries(path, codes=OVERVECHT)
    with pytest.raises(ValueError, match=r"grenzen\.gpkg \(layer laag_b\): no code column"):
        maps.read_boundaries(path, codes=OVERVECHT, layer="laag_b")
    with pytest.raises(ValueError, match=r"grenzen\.gpkg: has no layer 'buurten' \(layer in"):
        maps.read_boundaries(path, codes=OVERVECHT, layer="buurten")
    paths = Paths(tmp_path)
    paths.params.mkdir()
    (paths.params / "report.yaml").write_text(
        f"boundaries:\n  file: {path}\n  layer: laag_b\n  code_column: code_wijk\n"
        "  name_column: NAAM_WIJK\n  gemeente_column: GM\n"
    )
    source = report.boundary_source(paths)
    assert source is not None and source.path == path
    areas = maps.read_boundaries(source.path, codes=OVERVECHT, **source.options)
    assert areas.loc[areas["code"].eq("WK034403"), "name"].tolist() == ["Wijk 03 Overvecht"]
    fig = maps.programme_map(areas, OVERVECHT, "GM0344", "Overvecht")
    assert fig is not None and len(_collection(fig, "overige").get_paths()) == 9
    plt.close(fig)


def test_no_map_when_the_area_is_not_in_the_boundaries(shared_cbs):
    areas = maps.read_boundaries(shared_cbs / WIJKEN_2016, codes=["BU03550205"])
    assert maps.programme_map(areas, ["BU03550205"], "GM0355", "Vollenhove") is None
    assert "Geen grens gevonden voor BU03550205" in maps.map_alt_text(
        areas, ["BU03550205"], "Zeist"
    )


def test_missing_or_unreadable_boundary_files_get_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"ontbreekt\.gpkg: boundary file not found"):
        maps.read_boundaries(tmp_path / "ontbreekt.gpkg")
    broken = tmp_path / "kapot.geojson"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"kapot\.geojson: not a readable boundary file"):
        maps.read_boundaries(broken)
    garbage = tmp_path / "kapot.gpkg"
    garbage.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ValueError, match=r"kapot\.gpkg: not a readable boundary file"):
        maps.read_boundaries(garbage)
    points = tmp_path / "punten.geojson"
    feature = {
        "type": "Feature",
        "properties": {"WKC": "WK034403"},
        "geometry": {"type": "Point", "coordinates": [5.1, 52.1]},
    }
    points.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(ValueError, match=r"punten\.geojson: holds Point, expected"):
        maps.read_boundaries(points)


def test_missing_columns_and_crs_get_a_clear_error(wijken_2016, tmp_path):
    nameless = tmp_path / "zonder_code.gpkg"
    wijken_2016[["geometry"]].assign(oppervlakte=1.0).to_file(nameless, driver="GPKG")
    with pytest.raises(
        ValueError,
        match=r"zonder_code\.gpkg: no code column: none of buurtcode, .*wijkcode, .*statcode"
        r".* among its columns \(oppervlakte\); set `code_column`",
    ):
        maps.read_boundaries(nameless)
    with pytest.raises(
        ValueError,
        match=r"zonder_code\.gpkg: has no column 'BUURTCODE' \(code_column in params/report",
    ):
        maps.read_boundaries(nameless, code_column="BUURTCODE")
    # RD New coordinates in a GeoJSON without a crs member (which GDAL reads as WGS 84)
    unmarked = tmp_path / "rd_zonder_crs.geojson"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        wijken_2016.set_crs(None, allow_override=True).to_file(unmarked, driver="GeoJSON")
    with pytest.raises(ValueError, match=r"rd_zonder_crs\.geojson: the file says WGS 84"):
        maps.read_boundaries(unmarked)
    fixed = maps.read_boundaries(unmarked, crs="EPSG:28992")
    assert fixed.total_bounds == pytest.approx(wijken_2016.total_bounds)
    shapefile = tmp_path / "zonder_prj.shp"
    wijken_2016.to_file(shapefile, driver="ESRI Shapefile")
    shapefile.with_suffix(".prj").unlink()
    with pytest.raises(ValueError, match=r"zonder_prj\.shp: declares no coordinate reference"):
        maps.read_boundaries(shapefile)


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
    assert report.boundaries_file(paths) is None, "no params/report.yaml: no map"
    settings = paths.params / "report.yaml"
    settings.write_text("boundaries: data/raw/grenzen/wijken.geojson\n")
    with pytest.raises(FileNotFoundError, match=r"report\.yaml: key boundaries: .*wijken\.geojson"):
        report.boundaries_file(paths)
    settings.write_text(f"boundaries: {shared_cbs / WIJKEN_2016}\n")
    assert report.boundaries_file(paths) == shared_cbs / WIJKEN_2016
    assert report.boundary_source(paths).options == {}
    settings.write_text("boundaries:\n  file: data/raw/grenzen/wijkenbuurten_2024.gpkg\n")
    with pytest.raises(FileNotFoundError, match=r"key boundaries\.file: .*wijkenbuurten_2024"):
        report.boundary_source(paths)
    settings.write_text(f"boundaries:\n  file: {shared_cbs / WIJKEN_2016}\n  kolom: WKC\n")
    with pytest.raises(ParamsError, match="kolom"):
        report.boundary_source(paths)
    settings.write_text("grenzen: x.geojson\n")
    with pytest.raises(ParamsError, match="grenzen"):
        report.boundaries_file(paths)
    shapefile = tmp_path / "data" / "wijk_2023_v1.shp"
    shapefile.parent.mkdir()
    for suffix in (".shp", ".shx", ".dbf", ".prj"):
        shapefile.with_suffix(suffix).write_bytes(b"")
    settings.write_text("boundaries: data/wijk_2023_v1.shp\n")
    assert [p.suffix for p in report.boundary_files(paths)] == [".shp", ".shx", ".dbf", ".prj"]


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
        tmp_path / "overvecht_indicatoren_excel-nl.csv",
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
    )
    again = pd.read_csv(tmp_path / "overvecht_indicatoren.csv")
    assert back.equals(again), "the two CSVs hold the same table"
    summary = pd.read_csv(tmp_path / "overvecht_samenvatting.csv", dtype=str, keep_default_na=False)
    budget = summary[summary["indicator_id"].eq("budget")].iloc[0]
    # euros are stored to the hundred: the trend as the value
    assert budget["trend_per_jaar"] == "15600" and budget["laatste_waarde"] == "861900"
    assert budget["trend_ondergrens_95"] != "", "five years of a count: an interval"
    network = pd.read_csv(tmp_path / "overvecht_netwerk.csv")
    assert list(network.columns) == exports.NETWORK_COLUMNS
    assert set(project.programmes["overvecht"].indicator_ids()) <= set(network["indicator_id"])


@pytest.mark.parametrize(
    ("stored", "printed"),
    [(0.0, "< 0,001"), (0.0004, "< 0,001"), (0.001, "0,001"), (0.012, "0,012"), (0.5, "0,500")],
)
def test_a_p_value_reads_as_the_reports_print_it(stored, printed):
    assert exports.printed_p(stored) == printed
    assert exports.printed_p(float("nan")) == exports.printed_p(None) == ""


def test_the_summary_csvs_never_leave_a_p_below_0001_as_a_bare_0(project):
    """Issue 24: p < 0,001 reads '< 0,001', not 0. Beside the numeric p (for software)
    both CSVs carry the printed p; a stored 0 (a tested row set to it here) reads
    '< 0,001', every other tested row its three decimals, an untested row nothing."""
    from helpers.indicators.engine import programme_summary

    summary = programme_summary(project, "overvecht", _demo_table())
    tested = summary["p_value"].notna()
    assert tested.sum() >= 1
    summary.loc[summary.index[tested][0], "p_value"] = 0.0
    frame = exports.summary_table(project, "overvecht", summary)
    for text, sep in ((exports.plain_csv(frame), ","), (exports.dutch_excel_csv(frame), ";")):
        read = pd.read_csv(
            io.StringIO(text.lstrip("\ufeff")), sep=sep, dtype=str, keep_default_na=False
        )
        columns = list(read.columns)
        assert columns.index("p_waarde_gedrukt") == columns.index("p_waarde") + 1
        numbers = read["p_waarde"].str.replace(",", ".")
        assert "0" in set(numbers), "the stored 0 is there, as a number"
        assert set(read.loc[numbers.eq("0"), "p_waarde_gedrukt"]) == {"< 0,001"}
        others = read[numbers.ne("0") & numbers.ne("")]
        assert others["p_waarde_gedrukt"].tolist() == [
            f"{float(v):.3f}".replace(".", ",") for v in others["p_waarde"].str.replace(",", ".")
        ]
        assert set(read.loc[numbers.eq(""), "p_waarde_gedrukt"]) <= {""}


def test_the_workbook_has_formats_per_unit_frozen_header_filter_and_column_notes(project, tmp_path):
    _, xlsx_path, *_ = exports.write_tables(project, "overvecht", _demo_table(), tmp_path)
    book = openpyxl.load_workbook(xlsx_path)
    sheet = book["indicatoren"]
    assert sheet.freeze_panes == "A2"
    last = openpyxl.utils.get_column_letter(len(exports.COLUMNS))
    assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2)]
    by_unit = {r["eenheid"].value: r for r in rows if r["jaar"].value == 2024}
    levels = {r["niveau"].value for r in rows}
    assert levels <= set(LEVEL_WORDS.values()), "the level in Dutch, as in the summary sheet"
    level_at = [c.value for c in book["samenvatting"][1]].index("niveau")
    summary_levels = {r[level_at].value for r in book["samenvatting"].iter_rows(min_row=2)}
    assert summary_levels <= set(LEVEL_WORDS.values()) | {None}
    assert by_unit["aantal"]["waarde"].value == 32539
    assert isinstance(by_unit["aantal"]["waarde"].value, int), "a count is an integer"
    assert by_unit["aantal"]["waarde"].number_format == "#,##0"
    assert by_unit["euro"]["waarde"].number_format == '"€" #,##0'
    assert by_unit["procent"]["waarde"].number_format == "#,##0.0"
    assert by_unit["procent"]["waarde"].value == 17.6
    assert by_unit["procent"]["respondenten"].value == 812
    assert by_unit["procent"]["jaar"].number_format == "0"
    p_column = [c.value for c in book["samenvatting"][1]].index("p_waarde") + 1
    p_cells = [
        row[p_column - 1]
        for row in book["samenvatting"].iter_rows(min_row=2)
        if row[p_column - 1].value is not None
    ]
    assert p_cells, "the summary has tested rows"
    assert {c.number_format for c in p_cells} == {'[<0.001]"< 0,001";0.000'}, "never a bare 0"
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
    assert set(status) <= {None, *LABELS.values()}
    roles = [r[header.index("gebied_rol")].value for r in summary.iter_rows(min_row=2)]
    own = [s for s, role in zip(status, roles, strict=True) if role == ROLE_LABELS["programma"]]
    assert own and None not in own, "every programme row says its status, geen streefwaarde too"
    assert LABELS["no_target"] in own


def test_the_tables_are_byte_identical_between_runs(project, tmp_path):
    digests = []
    for name in ("a", "b"):
        written = exports.write_tables(project, "overvecht", _demo_table(), tmp_path / name)
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in written})
    assert digests[0] == digests[1]
