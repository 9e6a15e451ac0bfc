"""A map of the programme area within its gemeente, where boundary data are available.

Boundaries are the files researchers already have: CBS's *Wijk- en buurtkaart*
(a GeoPackage per year with layers `gemeenten`, `wijken`, `buurten`, or the older
shapefiles), PDOK downloads (`cbsgebiedsindelingen`, WFS as GeoJSON) or any
GeoPackage, GeoJSON or shapefile with a CBS code per wijk or buurt. They are read
with geopandas through pyogrio (whose wheels bundle GDAL, so no system GIS is
needed) and drawn in RD New (EPSG:28992), reprojected from WGS 84 where needed, so
that the axes are metres and the scale bar is exact. The file is named in
`params/report.yaml: boundaries` (the demo has none, so its reports have no map).

The map stays byte-identical between runs: areas are drawn sorted by code, the
scale bar and north arrow are plain matplotlib artists, and `plots.save_figure`
writes no dates. The GIS packages are imported where used: every report notebook
imports this module, and a cycle without boundaries (the demo) need not pay for them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from helpers.report.plots import OKABE_ITO, SYNTHETIC_MARK

if TYPE_CHECKING:
    import geopandas as gpd
    import shapely
    from pyproj import CRS

RD_NEW = "EPSG:28992"

# Column names for the area's own code and name, most specific first (a buurten layer
# also carries its wijk and gemeente codes). Compared case-insensitively.
#   buurtcode/buurtnaam, wijkcode/wijknaam: CBS Wijk- en buurtkaart GeoPackage (2022 on)
#                                            and the PDOK wijkenbuurten services
#   BU_CODE/BU_NAAM, WK_CODE/WK_NAAM:        CBS Wijk- en buurtkaart shapefiles
#   BUC/BUN, WKC/WKN:                        older derived files (wijk_2016 in ../shared)
#   statcode/statnaam:                       PDOK/CBS gebiedsindelingen
CODE_NAME_COLUMNS: tuple[tuple[str, str], ...] = (
    ("buurtcode", "buurtnaam"),
    ("bu_code", "bu_naam"),
    ("buc", "bun"),
    ("wijkcode", "wijknaam"),
    ("wk_code", "wk_naam"),
    ("wkc", "wkn"),
    ("statcode", "statnaam"),
    ("code", "naam"),
)
GEMEENTE_COLUMNS = ("gemeentecode", "gm_code", "gmc")
# Words in a layer's name that say which level it holds (CBS: `wijken`, `buurten`;
# PDOK WFS: `cbs_wijken_2023`, `wijkenbuurten2018:cbs_buurten_2018`).
LAYER_WORDS = {"WK": "wijk", "BU": "buurt"}

GREY, GREY_EDGE = "#e8e8e8", "#888888"
HIGHLIGHT = OKABE_ITO["blue"]


def _column(found: list[str], wanted: str) -> str | None:
    """The file's spelling of `wanted`, compared case-insensitively."""
    return next((c for c in found if c.lower() == wanted.lower()), None)


def _level_prefixes(codes: Sequence[str]) -> set[str]:
    return {c[:2].upper() for c in codes if c[:2].upper() in LAYER_WORDS}


def _layers(path: Path) -> list[str]:
    import pyogrio
    from pyogrio.errors import DataSourceError

    try:
        return [str(name) for name, _ in pyogrio.list_layers(path)]
    except (DataSourceError, OSError) as error:
        raise ValueError(
            f"{path}: not a readable boundary file (GeoPackage, GeoJSON or shapefile): {error}"
        ) from error


def _choose_layer(path: Path, codes: Sequence[str], layer: str | None) -> str | None:
    """The layer named in the settings, or the one holding the programme's level (wijk
    or buurt) in a file with several; None for a file with one."""
    layers = _layers(path)
    if layer is not None:
        if layer not in layers:
            raise ValueError(
                f"{path}: has no layer {layer!r} (layer in params/report.yaml); "
                f"its layers are {', '.join(layers)}"
            )
        return layer
    if len(layers) <= 1:
        return None
    levels = _level_prefixes(codes)
    matches = [
        name
        for name in layers
        if len(levels) == 1 and LAYER_WORDS[next(iter(levels))] in name.lower()
    ]
    if len(matches) == 1:
        return matches[0]
    raise ValueError(
        f"{path} has the layers {', '.join(layers)}: set `layer` under `boundaries` in "
        f"params/report.yaml to the one holding {', '.join(codes) or 'the programme area'}"
    )


def _crs_of(crs: str, path: Path) -> CRS:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        return CRS.from_user_input(crs)
    except CRSError as error:
        raise ValueError(f"{path}: crs {crs!r} in params/report.yaml: {error}") from error


def read_boundaries(
    path: Path,
    *,
    codes: Sequence[str] = (),
    layer: str | None = None,
    code_column: str | None = None,
    name_column: str | None = None,
    gemeente_column: str | None = None,
    crs: str | None = None,
) -> gpd.GeoDataFrame:
    """The areas of a boundary file as `code, name, gemeente, geometry` in RD New, by code.

    `codes` (the programme's) choose the layer of a file with several (the CBS
    GeoPackage has gemeenten, wijken and buurten); `layer` and the `*_column`
    names override the choice and the recognised CBS/PDOK column names; `crs` is
    the file's CRS where it declares none (or a wrong one). Every failure names the
    file, and the column where one is missing.
    """
    import geopandas as gpd
    from pyogrio.errors import DataLayerError, DataSourceError

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: boundary file not found")
    layer = _choose_layer(path, codes, layer)
    where = f"{path}" + (f" (layer {layer})" if layer else "")
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except (DataSourceError, DataLayerError, OSError) as error:
        raise ValueError(
            f"{where}: not a readable boundary file (GeoPackage, GeoJSON or shapefile): {error}"
        ) from error
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        raise ValueError(f"{where}: holds no geometries (a .dbf without its .shp?)")
    kinds = set(frame.geom_type.dropna()) - {"Polygon", "MultiPolygon"}
    if kinds:
        raise ValueError(f"{where}: holds {', '.join(sorted(kinds))}, expected (Multi)Polygons")

    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]  # null-geometry rows
    columns = [str(c) for c in frame.columns if c != frame.geometry.name]
    code_col, name_col = _code_and_name(columns, where, code_column, name_column)
    if gemeente_column:
        gem_col: str | None = _named(columns, gemeente_column, "gemeente_column", where)
    else:
        gem_col = next((c for g in GEMEENTE_COLUMNS if (c := _column(columns, g))), None)
    code = frame[code_col].astype("string").str.strip()
    empty = code.fillna("").eq("")
    if empty.any():
        raise ValueError(f"{where}: column {code_col} is empty in {int(empty.sum())} rows")
    name = frame[name_col].astype("string").str.strip().fillna(code) if name_col else code
    # CBS codes hold their gemeente: WK + gggg + ww, BU + gggg + ww + bb.
    gemeente = frame[gem_col].astype("string").str.strip() if gem_col else "GM" + code.str[2:6]

    if crs:
        frame = frame.set_crs(_crs_of(crs, path), allow_override=True)
    if frame.crs is None:
        raise ValueError(
            f"{where}: declares no coordinate reference system (a shapefile without its "
            ".prj?): set `crs` under `boundaries` in params/report.yaml, e.g. EPSG:28992"
        )
    if frame.crs.is_geographic:
        west, south, east, north = frame.total_bounds
        if min(west, south) < -180 or max(east, north) > 180:
            raise ValueError(
                f"{where}: the file says {frame.crs.name} (degrees) but its coordinates "
                f"reach {max(east, north):.0f}, which looks like metres (RD New): set "
                "`crs: EPSG:28992` under `boundaries` in params/report.yaml"
            )
    areas = gpd.GeoDataFrame(
        {"code": code, "name": name, "gemeente": gemeente},
        geometry=frame.geometry.to_crs(RD_NEW).values,
        crs=RD_NEW,
    )
    return areas.sort_values("code", kind="stable").reset_index(drop=True)


def _named(columns: list[str], wanted: str, setting: str, where: str) -> str:
    found = _column(columns, wanted)
    if found is None:
        raise ValueError(
            f"{where}: has no column {wanted!r} ({setting} in params/report.yaml); "
            f"its columns are {', '.join(columns)}"
        )
    return found


def _code_and_name(
    columns: list[str], where: str, code_column: str | None, name_column: str | None
) -> tuple[str, str | None]:
    """The area's code column and its name column (None: the code is the name)."""
    if code_column:
        code = _named(columns, code_column, "code_column", where)
        name = _named(columns, name_column, "name_column", where) if name_column else None
        return code, name
    for code_key, name_key in CODE_NAME_COLUMNS:
        found = _column(columns, code_key)
        if found:
            name = (
                _named(columns, name_column, "name_column", where)
                if name_column
                else _column(columns, name_key)
            )
            return found, name
    known = ", ".join(c for c, _ in CODE_NAME_COLUMNS)
    raise ValueError(
        f"{where}: no code column: none of {known} among its columns "
        f"({', '.join(columns) or 'none'}); set `code_column` under `boundaries` in "
        "params/report.yaml"
    )


def _nice_length(width: float) -> float:
    """A round scale-bar length of about a fifth of the map's width (1, 2 or 5 × 10ⁿ m)."""
    target = max(width / 5, 1.0)
    power = 10 ** math.floor(math.log10(target))
    return max(s * power for s in (1, 2, 5) if s * power <= target)


def _length_label(metres: float) -> str:
    if metres >= 1000:
        km = metres / 1000
        return f"{km:g} km".replace(".", ",")
    return f"{metres:g} m"


def _emptiest_corner(
    outline: shapely.Geometry, bounds: tuple[float, float, float, float], top: bool
) -> str:
    """'left' or 'right': the lower (or upper) corner the gemeente covers least."""
    import shapely

    west, south, east, north = bounds
    width, height = east - west, north - south
    y0, y1 = (north - 0.16 * height, north) if top else (south, south + 0.12 * height)
    left = shapely.box(west, y0, west + 0.3 * width, y1)
    right = shapely.box(east - 0.3 * width, y0, east, y1)
    covered_left, covered_right = (outline.intersection(box).area for box in (left, right))
    return "left" if covered_left <= covered_right else "right"


def _scale_bar(ax: plt.Axes, width: float, side: str) -> AnchoredSizeBar:
    """A bar of a round number of metres (the axes are RD New metres, equal aspect)."""
    length = _nice_length(width)
    bar = AnchoredSizeBar(
        ax.transData,
        length,
        _length_label(length),
        loc=f"lower {side}",
        pad=0.4,
        sep=4,
        frameon=True,
        size_vertical=width / 150,
        color="#000000",
        fontproperties=FontProperties(size=9),
    )
    bar.patch.set(facecolor="#ffffff", edgecolor="none", alpha=0.8)  # readable over areas
    bar.set_gid("schaalbalk")
    ax.add_artist(bar)
    return bar


def _north_arrow(ax: plt.Axes, side: str) -> None:
    """An arrow up with an N: RD New's grid north is within 2° of true north in NL."""
    x = 0.05 if side == "left" else 0.95
    ax.annotate(
        "N",
        xy=(x, 0.97),
        xytext=(x, 0.85),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="top",
        fontsize=11,
        fontweight="bold",
        arrowprops={"facecolor": "#000000", "edgecolor": "#000000", "width": 3, "headwidth": 9},
        gid="noordpijl",
    )


def programme_map(
    areas: gpd.GeoDataFrame,
    codes: Sequence[str],
    gemeente: str,
    title: str,
    *,
    synthetic: bool = False,
) -> Figure | None:
    """The programme's areas highlighted among the gemeente's others (None if none found).

    Collections carry a gid (`overige`, `programmagebied`, `gemeentegrens`) so tests
    and readers of the SVG can find them.
    """
    import geopandas as gpd
    import shapely

    own = areas[areas["code"].isin(codes)]
    if own.empty:
        return None
    in_gemeente = areas[areas["gemeente"].eq(gemeente) | areas["code"].isin(codes)]
    around = in_gemeente[~in_gemeente["code"].isin(codes)]
    outline = gpd.GeoSeries([shapely.union_all(in_gemeente.geometry.values)], crs=areas.crs)

    fig, ax = plt.subplots(figsize=(6.0, 6.0))
    if not around.empty:
        around.plot(ax=ax, facecolor=GREY, edgecolor=GREY_EDGE, linewidth=0.6, gid="overige")
    own.plot(ax=ax, facecolor=HIGHLIGHT, edgecolor="#000000", linewidth=0.8, gid="programmagebied")
    outline.boundary.plot(ax=ax, color="#000000", linewidth=1.4, gid="gemeentegrens")
    west, south, east, north = in_gemeente.total_bounds
    margin = 0.04 * max(east - west, north - south)
    bounds = (west - margin, south - margin, east + margin, north + margin)
    ax.set_xlim(bounds[0], bounds[2])
    ax.set_ylim(bounds[1], bounds[3])
    ax.set_aspect("equal")
    ax.axis("off")
    gemeente_shape = outline.iloc[0]
    _scale_bar(ax, bounds[2] - bounds[0], _emptiest_corner(gemeente_shape, bounds, top=False))
    _north_arrow(ax, _emptiest_corner(gemeente_shape, bounds, top=True))
    ax.set_title(title, fontsize=11, fontweight="bold")
    level = "buurten" if _level_prefixes(codes) == {"BU"} else "wijken"
    ax.legend(
        handles=[
            Patch(fc=HIGHLIGHT, ec="#000000", label="programmagebied"),
            Patch(fc=GREY, ec=GREY_EDGE, label=f"overige {level} van de gemeente"),
            Line2D([], [], color="#000000", linewidth=1.4, label="gemeentegrens"),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=3,
        frameon=False,
        fontsize=9,
    )
    if synthetic:
        fig.text(
            0.5,
            0.5,
            SYNTHETIC_MARK,
            fontsize=22,
            color="#c00000",
            alpha=0.15,
            ha="center",
            va="center",
            rotation=20,
        )
    fig.tight_layout()
    return fig


def map_alt_text(areas: gpd.GeoDataFrame, codes: Sequence[str], gemeente_name: str) -> str:
    """Which areas the map highlights, and among how many, in words."""
    own = areas.loc[areas["code"].isin(codes), "name"].tolist()
    missing = sorted(set(codes) - set(areas["code"]))
    text = (
        f"Kaart van {gemeente_name} met het programmagebied ({', '.join(own)}) gemarkeerd "
        f"tussen de overige wijken of buurten van de gemeente."
    )
    if missing:
        text += f" Geen grens gevonden voor {', '.join(missing)}."
    return text
