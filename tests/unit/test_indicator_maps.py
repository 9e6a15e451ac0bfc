"""Maps of an indicator over every wijk of a gemeente: classes fixed across years, a
colour-blind-safe palette, suppressed wijken without colour, legend, source and alt
text in the file (real 2016 wijk boundaries of Utrecht from ../shared)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import shapely
from PIL import Image

from helpers.indicators.engine import wijk_values
from helpers.report import maps
from helpers.sources.boundaries import read_boundaries

WIJKEN_2016 = "elan-dcc_wijkprofielen/wijk_2016_4gemeenten.geojson"


@pytest.fixture(scope="module")
def utrecht(shared_cbs):
    wijken = read_boundaries(shared_cbs / WIJKEN_2016)
    return wijken[wijken["gemeente"].eq("GM0344")].reset_index(drop=True)


def test_classes_are_fixed_over_all_years_and_cover_every_value():
    by_year = {2022: [4.0, 7.5, 9.1, 12.0], 2023: [3.2, 8.0, 10.4, 15.9]}
    bounds = maps.fixed_classes([v for values in by_year.values() for v in values])
    assert bounds[0] <= 3.2 and bounds[-1] >= 15.9 and bounds == sorted(bounds)
    for values in by_year.values():
        assert all(maps.class_of(v, bounds) is not None for v in values)
    # One scale: the same value has the same class whichever year's map shows it.
    assert maps.class_of(8.0, bounds) == maps.class_of(8.0, list(bounds))
    assert maps.class_of(math.nan, bounds) is None
    assert maps.class_of(bounds[-1] + 1, bounds) is None, "outside the fixed scale: no colour"
    assert maps.fixed_classes([math.nan]) == []
    assert maps.class_labels([0, 5, 10], "%") == ["0 – 5 %", "5 – 10 %"]
    assert maps.class_labels([0.5, 2.25], "") == ["0,5 – 2,25"]


def test_the_palette_is_viridis_light_to_dark():
    from matplotlib import colormaps
    from matplotlib.colors import to_rgb

    colours = maps.class_colours(5)
    assert len(set(colours)) == 5
    lightness = [sum(to_rgb(c)) for c in colours]
    assert lightness == sorted(lightness, reverse=True), "ordered light to dark"
    cmap = colormaps["viridis_r"]
    assert to_rgb(colours[0]) == pytest.approx(to_rgb(cmap(0.08)), abs=1 / 255)


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_an_indicator_map_has_classes_no_value_outline_source_and_alt(utrecht, tmp_path, suffix):
    codes = list(utrecht["code"])
    values = {code: 5.0 + 2.0 * i for i, code in enumerate(codes)}
    values["WK034406"] = math.nan  # suppressed: no colour
    bounds = maps.fixed_classes([v for v in values.values() if not math.isnan(v)])
    outline = shapely.union_all(utrecht.loc[utrecht["code"].eq("WK034403")].geometry.values)
    caption = "Cijfers: CBS, Kerncijfers wijken en buurten\nGrenzen: CBS Wijk- en buurtkaart 2016"
    fig = maps.indicator_map(
        utrecht, values, outline, bounds, "Laag inkomen, 2024", unit="%", caption=caption
    )
    ax = fig.axes[0]
    gids = [c.get_gid() for c in ax.collections]
    assert "geen_waarde" in gids and "programmagebied" in gids
    no_value = next(c for c in ax.collections if c.get_gid() == "geen_waarde")
    assert len(no_value.get_paths()) == 1
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[: len(bounds) - 1] == maps.class_labels(bounds, "%")
    assert "geen waarde (onderdrukt of niet gepubliceerd)" in legend
    assert legend[-1] == "programmagebied"
    alt = maps.indicator_map_alt(
        "Aandeel huishoudens met een laag inkomen",
        2024,
        "Utrecht",
        values,
        codes,
        ["WK034403"],
        bounds,
        "%",
    )
    assert alt.startswith("Kaart van Utrecht: aandeel huishoudens met een laag inkomen per wijk")
    assert "het programmagebied is omlijnd en valt in de klasse" in alt
    assert alt.endswith("1 van de 10 wijken zonder waarde.")
    output = maps.map_output(fig, tmp_path / f"kaart{suffix}", alt)
    if suffix == ".png":
        assert Image.open(output.path).info["Description"] == alt
    else:
        svg = output.path.read_text(encoding="utf-8")
        assert f"<dc:description>{alt}</dc:description>" in svg
        assert "Cijfers: CBS, Kerncijfers wijken en buurten" in svg
        assert "Grenzen: CBS Wijk- en buurtkaart 2016" in svg
        assert "Klassen (gelijk in alle jaren)" in svg
        assert all(label in svg for label in maps.class_labels(bounds, "%"))
        assert "<image" not in svg, "vector only: no tiles from a map server"


def test_wijk_values_suppress_a_small_wijk_like_the_reports(project):
    rows = []
    for year in project.cycle.cycle.years:
        for code, people, old in (("WK035501", 4000, 800), ("WK035502", 30, 6)):
            for column, value in (("AantalInwoners", people), ("k_65JaarOfOuder", old)):
                rows.append(
                    {
                        "area_code": code,
                        "area_name": code,
                        "area_level": "wijk",
                        "gemeente": "GM0355",
                        "year": year,
                        "column": column,
                        "value": float(value),
                        "table_id": project.cycle.kwb_table(year),
                        "table_modified": "2025-01-01T00:00:00",
                        "boundary_flag": 1,
                        "synthetic": False,
                    }
                )
    kwb = pd.DataFrame(rows)
    values = wijk_values(project, kwb, ["aandeel_65plus"], "GM0355")
    latest = values[values["year"].eq(project.cycle.cycle.year)].set_index("area_code")
    assert latest.loc["WK035501", "value"] == pytest.approx(20.0)
    assert latest.loc["WK035502", "suppressed"] and np.isnan(latest.loc["WK035502", "value"])
    assert wijk_values(project, kwb, ["aandeel_65plus"], "GM0344").empty
    with pytest.raises(KeyError, match="not in the catalogue: geen_indicator"):
        wijk_values(project, kwb, ["geen_indicator"], "GM0355")
