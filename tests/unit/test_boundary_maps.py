"""Maps from the real CBS boundaries in ../shared, as params/report.yaml configures them:
every programme area found, areas in hectares against the KWB, the source line, legend
and alt text inside the files, the notes for a missing file or code, and TopoJSON."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from PIL import Image

from helpers.config import Paths
from helpers.config.report import BoundarySource, boundary_sources
from helpers.report import maps

BUURTEN_2019 = "emielsanders_PowerBI/buurt_2019_gegeneraliseerd_4gemeenten.geojson"
TOPOJSON_2019 = "emielsanders_PowerBI/buurten.json"
WIJKEN_2016 = "elan-dcc_wijkprofielen/wijk_2016_4gemeenten.geojson"
KWB_2024 = "niquedegraaff_kwb2024_85984NED/stripped_filtered_data_2024.json"
KWB_2023_BUURTEN = (
    "bernasco_misdaad_concentratie_kwb/85618NED_2023/Population85618_2023_4gemeenten.csv"
)


@pytest.fixture(scope="module")
def sources(shared_cbs, repo_root) -> list[BoundarySource]:
    """The project's own boundary settings (params/report.yaml), pointing at ../shared."""
    found = boundary_sources(Paths.from_root(repo_root))
    assert found and all(s.path.is_file() for s in found), [s.path for s in found]
    return found


@pytest.fixture(scope="module")
def kwb_2024(shared_cbs) -> dict:
    return json.loads((shared_cbs / KWB_2024).read_text(encoding="utf-8"))


def _hectares(frame: gpd.GeoDataFrame) -> pd.Series:
    return frame.set_index("code").geometry.area / 10_000


def test_every_programme_area_is_found_in_the_real_boundaries(project, sources):
    for key, programme in project.programmes.items():
        codes = programme.area_codes(project.cycle.cycle.year)
        located = maps.locate(sources, codes, project.cycle.cycle.year)
        assert located.areas is not None, (key, located.notes)
        assert set(located.codes) <= set(located.areas["code"]), key
        fig = maps.programme_map(located.areas, located.codes, programme.gemeente, key)
        assert fig is not None, key
        maps.plt.close(fig)
        assert "2019" in located.caption and located.source.path.name not in located.caption
        if key == "betere_buurten":
            # Nieuwegein's 2022+ buurten are not in the 2019 kaart: their wijken are drawn.
            assert located.codes == ["WK035604", "WK035610"]
            notes = " ".join(located.notes)
            assert "(2019, buurt) heeft geen grens voor BU03560401" in notes
            assert "Getekend: de wijken WK035604, WK035610" in notes
        else:
            assert located.codes == codes, key


def test_areas_in_hectares_match_the_kwb_within_one_percent(shared_cbs, kwb_2024):
    """The kaart includes water, so gemeenten and wijken are compared with the KWB's total
    area (OppervlakteTotaal); Vollenhove has no water and is compared with its land area."""
    buurten = maps.read_boundaries(shared_cbs / BUURTEN_2019)
    gemeenten = buurten.dissolve(by="gemeente", as_index=False).rename(columns={"gemeente": "x"})
    gemeenten["code"] = gemeenten["x"]
    for code, hectares in _hectares(gemeenten).items():
        published = kwb_2024[code]["OppervlakteTotaal_122"]
        assert hectares == pytest.approx(published, rel=0.01), code
    overvecht = _hectares(maps.read_boundaries(shared_cbs / WIJKEN_2016))["WK034403"]
    assert overvecht == pytest.approx(kwb_2024["WK034403"]["OppervlakteTotaal_122"], rel=0.01)
    land = pd.read_csv(shared_cbs / KWB_2023_BUURTEN).set_index("nhood_id")["area"]
    vollenhove = _hectares(buurten)["BU03550205"]
    assert vollenhove == pytest.approx(land["BU03550205"], rel=0.01)
    # The check can fail: Soesterkwartier grew after 2019 (two buurten added by 2024).
    soesterkwartier = _hectares(maps.read_boundaries(shared_cbs / BUURTEN_2019, from_buurten=True))
    assert soesterkwartier["WK030703"] != pytest.approx(
        kwb_2024["WK030703"]["OppervlakteTotaal_122"], rel=0.01
    )


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_the_map_file_has_its_legend_source_line_and_alt_text(sources, tmp_path, suffix):
    located = maps.locate(sources, ["BU03550205"], 2024)
    fig = maps.programme_map(
        located.areas,
        located.codes,
        "GM0355",
        "Vollenhove in Zeist",
        caption=located.figure_caption,
    )
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert texts == ["programmagebied", "overige buurten van de gemeente", "gemeentegrens"]
    alt = maps.map_alt_text(located.areas, located.codes, "Zeist")
    assert alt.startswith("Kaart van Zeist met het programmagebied (BU03550205)")
    output = maps.map_output(fig, tmp_path / f"kaart{suffix}", alt)
    assert output.alt == alt
    if suffix == ".png":
        assert Image.open(output.path).info["Description"] == alt
    else:
        svg = output.path.read_text(encoding="utf-8")
        assert f"<dc:description>{alt}</dc:description>" in svg
        assert "Grenzen: CBS wijk- en buurtkaart (vereenvoudigd), 2019" in svg
        assert "Bron: CBS/Kadaster, CC BY 4.0." in svg
        assert all(text in svg for text in texts)


def test_a_boundary_file_without_a_programme_code_gives_a_note(shared_cbs, tmp_path):
    wijken = gpd.read_file(shared_cbs / WIJKEN_2016)
    without = tmp_path / "wijk_2016_zonder_overvecht.geojson"
    wijken[wijken["WKC"].ne("WK034403")].to_file(without, driver="GeoJSON")
    source = BoundarySource(without, {}, year=2016, level="wijk")
    located = maps.locate([source], ["WK034403"], 2024)
    assert located.areas is None
    text = maps.map_notes_markdown(located)
    assert "Geen kaart" in text
    assert "De kaart CBS Wijk- en buurtkaart (2016, wijk) heeft geen grens voor WK034403" in text
    assert "zonder_overvecht.geojson" not in text  # a reader's note names no file
    # Partly there: the map shows what it has and says what it lacks.
    partial = maps.locate([source], ["WK034403", "WK034404"], 2024)
    assert partial.areas is not None and partial.codes == ["WK034403", "WK034404"]
    assert "heeft geen grens voor WK034403." in " ".join(partial.notes)
    assert "Geen grens gevonden voor WK034403" in maps.map_alt_text(
        partial.areas, partial.codes, "Utrecht"
    )
    # A missing file is named, and the next file of the level is used.
    gone = BoundarySource(tmp_path / "wijk_2024.gpkg", {}, year=2024, level="wijk")
    real = BoundarySource(shared_cbs / WIJKEN_2016, {}, year=2016, level="wijk")
    found = maps.locate([gone, real], ["WK034403"], 2024)
    assert found.source == real
    assert found.notes[0] == (
        f"Grenzenbestand wijk_2024.gpkg (2024, wijk) ontbreekt ({tmp_path / 'wijk_2024.gpkg'})."
    )
    assert "De grenzen zijn van 2016" in found.notes[1]
    # As params/report.yaml names it: the report does not depend on where the project lies.
    named = BoundarySource(
        tmp_path / "wijk_2024.gpkg",
        {},
        year=2024,
        level="wijk",
        written="../grenzen/wijk_2024.gpkg",
    )
    assert maps.locate([named, real], ["WK034403"], 2024).notes[0] == (
        "Grenzenbestand wijk_2024.gpkg (2024, wijk) ontbreekt (../grenzen/wijk_2024.gpkg)."
    )


def test_an_unreadable_file_is_a_note_too(tmp_path):
    broken = tmp_path / "kapot.geojson"
    broken.write_text("{not json", encoding="utf-8")
    located = maps.locate([BoundarySource(broken, {}, year=2023, level="buurt")], ["BU1"], 2024)
    assert located.areas is None
    assert located.notes[0].startswith("Grenzenbestand kapot.geojson (2023, buurt) is niet te")


def test_the_cbs_topojson_is_read_in_rd_new(shared_cbs, tmp_path):
    """CBS's generalised TopoJSON (lon/lat, no CRS declared), cut to Zeist's 35 buurten."""
    topology = json.loads((shared_cbs / TOPOJSON_2019).read_text(encoding="utf-8"))
    layer = topology["objects"]["buurten"]
    layer["geometries"] = [
        g for g in layer["geometries"] if g["properties"]["statcode"].startswith("BU0355")
    ]
    path = tmp_path / "buurten_zeist.json"
    path.write_text(json.dumps(topology), encoding="utf-8")
    areas = maps.read_boundaries(path, codes=["BU03550205"])
    assert str(areas.crs) == maps.RD_NEW and len(areas) == 35
    extract = _hectares(maps.read_boundaries(shared_cbs / BUURTEN_2019))
    assert _hectares(areas)["BU03550205"] == pytest.approx(extract["BU03550205"], rel=1e-6)
    wijken = maps.read_boundaries(path, from_buurten=True)
    assert list(wijken["code"]) == [f"WK03550{i}" for i in range(1, 6)]


def test_from_buurten_refuses_a_wijken_file(shared_cbs):
    with pytest.raises(ValueError, match=r"wijk_2016_4gemeenten\.geojson: from_buurten needs"):
        maps.read_boundaries(shared_cbs / WIJKEN_2016, from_buurten=True)


def test_a_wijkprofiel_map_outlines_the_profiled_wijk(shared_cbs, repo_root, tmp_path):
    output, notes = maps.profile_map(
        "WK035502", "GM0355", "Zeist", "Zeist-Noord", repo_root, 2024, tmp_path, synthetic=True
    )
    assert output is not None and output.path.suffix == ".svg"
    svg = output.path.read_text(encoding="utf-8")
    assert "dit gebied" in svg and "overige wijken van de gemeente" in svg
    assert output.alt.startswith("Kaart van Zeist met het gebied van dit profiel (WK035502)")
    assert "De grenzen zijn echt (openbare CBS-kaart)" in notes
    missing, notes = maps.profile_map(
        "WK035599", "GM0355", "Zeist", "Nergens", repo_root, 2024, tmp_path
    )
    assert missing is None and "heeft geen grens voor WK035599" in notes
