"""Reading CBS boundary files: wijken or buurten as `code, name, gemeente, geometry` in
RD New, from any of CBS's formats (GeoPackage, GeoJSON, TopoJSON, shapefile).

A source, not a report concern: the maps draw what this reads, and the area check
compares two years' geometries with it, without importing matplotlib. geopandas,
pyogrio and pyproj are imported where used (a cycle without boundaries need not pay).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geopandas as gpd
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


def _column(found: list[str], wanted: str) -> str | None:
    """The file's spelling of `wanted`, compared case-insensitively."""
    return next((c for c in found if c.lower() == wanted.lower()), None)


def level_prefixes(codes: Sequence[str]) -> set[str]:
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
    levels = level_prefixes(codes)
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
    from_buurten: bool = False,
) -> gpd.GeoDataFrame:
    """The areas of a boundary file as `code, name, gemeente, geometry` in RD New, by code.

    `codes` (the programme's) choose the layer of a file with several (the CBS
    GeoPackage has gemeenten, wijken and buurten); `layer` and the `*_column`
    names override the choice and the recognised CBS/PDOK column names; `crs` is
    the file's CRS where it declares none (or a wrong one); `from_buurten` merges a
    buurten file into its wijken. A TopoJSON file (CBS/PDOK publish it in lon/lat)
    that declares no CRS is read as WGS 84 when its coordinates are degrees. Invalid
    polygons (quantised TopoJSON self-intersects) are repaired with `make_valid`, so
    areas and overlaps can be computed. Every failure names the file, and the column
    where one is missing.
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
    if frame.crs is None and _degrees(frame) and _is_topojson(path):
        frame = frame.set_crs("EPSG:4326")
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
    geometry = frame.geometry.to_crs(RD_NEW)
    geometry = geometry.where(geometry.is_valid, geometry.make_valid())
    areas = gpd.GeoDataFrame(
        {"code": code, "name": name, "gemeente": gemeente}, geometry=geometry.values, crs=RD_NEW
    )
    if from_buurten:
        areas = _wijken_from_buurten(areas, where)
    return areas.sort_values("code", kind="stable").reset_index(drop=True)


def _degrees(frame: gpd.GeoDataFrame) -> bool:
    west, south, east, north = frame.total_bounds
    return min(west, east) >= -180 and max(west, east) <= 180 and -90 <= south <= north <= 90


def _is_topojson(path: Path) -> bool:
    import pyogrio

    return str(pyogrio.read_info(path).get("driver", "")) == "TopoJSON"


def _wijken_from_buurten(buurten: gpd.GeoDataFrame, where: str) -> gpd.GeoDataFrame:
    """Wijken as the union of their buurten (BU gggg ww bb lies in WK gggg ww)."""
    not_buurt = buurten.loc[~buurten["code"].str.startswith("BU"), "code"]
    if not not_buurt.empty:
        raise ValueError(
            f"{where}: from_buurten needs buurt codes (BU...), found {not_buurt.iloc[0]}"
        )
    wijken = buurten.assign(code="WK" + buurten["code"].str[2:8])
    merged = wijken.dissolve(by="code", aggfunc={"gemeente": "first"}, as_index=False)
    merged["name"] = merged["code"]
    return merged[["code", "name", "gemeente", "geometry"]]


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
