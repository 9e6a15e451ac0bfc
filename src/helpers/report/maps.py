"""A map of the programme area within its gemeente, where boundary data are available.

Boundaries are the files researchers already have: CBS's *Wijk- en buurtkaart*
(a GeoPackage per year with layers `gemeenten`, `wijken`, `buurten`, or the older
shapefiles), PDOK downloads (`cbsgebiedsindelingen`, WFS as GeoJSON) or any
GeoPackage, GeoJSON or shapefile with a CBS code per wijk or buurt. They are read
with geopandas through pyogrio (whose wheels bundle GDAL, so no system GIS is
needed) and drawn in RD New (EPSG:28992), reprojected from WGS 84 where needed, so
that the axes are metres and the scale bar is exact (reading: `sources.boundaries`).
The files, per year and level, are named in `params/report.yaml: boundaries`;
`locate` picks the one to draw with and writes the notes for what is missing, so a
report builds without boundaries too.

The map stays byte-identical between runs: areas are drawn sorted by code, the
scale bar and north arrow are plain matplotlib artists, and `plots.save_figure`
writes no dates. The GIS packages are imported where used: every report notebook
imports this module, and a cycle without boundaries need not pay for them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from helpers.config.report import BoundarySource, boundary_sources
from helpers.report.plots import (
    DPI,
    OKABE_ITO,
    SYNTHETIC_MARK,
    FigureOutput,
    tight_box,
    tight_layout,
)
from helpers.sources.boundaries import LAYER_WORDS, RD_NEW, level_prefixes, read_boundaries

if TYPE_CHECKING:
    import geopandas as gpd
    import shapely

    from helpers.report.programme import ProgrammeContext

__all__ = ["RD_NEW", "read_boundaries"]  # read here by the notebooks and tests too

GREY, GREY_EDGE = "#e8e8e8", "#888888"
SIDE_LEGEND_BELOW = 4.0  # inches: a map this small gets its legend and source beside it
HIGHLIGHT = OKABE_ITO["blue"]


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
    caption: str = "",
    label: str = "programmagebied",
    size: float = 5.0,
) -> Figure | None:
    """The programme's areas highlighted among the gemeente's others (None if none found).

    Collections carry a gid (`overige`, `programmagebied`, `gemeentegrens`) so tests
    and readers of the SVG can find them; `caption` (the boundaries' source and year)
    is printed under the map (gid `bron`). `size` is the map's width and height in
    inches (5 in: printed at its drawn size it fits under half a page of text, so no
    page is left half empty before it); a small map (the factsheet's, which must stay
    within two A4 pages) has its legend and source line beside it rather than under it.
    """
    import geopandas as gpd
    import shapely

    own = areas[areas["code"].isin(codes)]
    if own.empty:
        return None
    in_gemeente = areas[areas["gemeente"].eq(gemeente) | areas["code"].isin(codes)]
    around = in_gemeente[~in_gemeente["code"].isin(codes)]
    outline = gpd.GeoSeries([shapely.union_all(in_gemeente.geometry.values)], crs=areas.crs)

    beside = size < SIDE_LEGEND_BELOW
    fig, ax = plt.subplots(figsize=(size * 2 if beside else size, size))
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
    level = "buurten" if level_prefixes(codes) == {"BU"} else "wijken"
    ax.legend(
        handles=[
            Patch(fc=HIGHLIGHT, ec="#000000", label=label),
            Patch(
                fc=GREY,
                ec=GREY_EDGE,
                label=f"overige {level}" if beside else f"overige {level} van de gemeente",
            ),
            Line2D([], [], color="#000000", linewidth=1.4, label="gemeentegrens"),
        ],
        loc="upper left" if beside else "upper center",
        bbox_to_anchor=(1.02, 1.0) if beside else (0.5, 0.0),
        ncol=1 if beside else 3,
        frameon=False,
        fontsize=8 if beside else 9,
    )
    if beside:
        return _finished_beside(fig, ax, caption, synthetic)
    return _finished(fig, caption, synthetic, mark_height=0.5)


def _caption(fig: Figure, caption: str) -> float:
    """The source lines at the foot of the figure, wrapped to the map's width; returns
    the fraction of the figure's height they take (kept free of the legend)."""
    if not caption:
        return 0.0
    import textwrap

    width = int(fig.get_figwidth() * 16)
    lines = [part for line in caption.split("\n") for part in textwrap.wrap(line, width)]
    fig.text(0.01, 0.005, "\n".join(lines), fontsize=7, ha="left", va="bottom", gid="bron")
    return (len(lines) * 7 * 1.3 / 72 + 0.12) / fig.get_figheight()


def map_output(fig: Figure, path: Path, alt: str) -> FigureOutput:
    """Save a map with its alt text inside the file as well (PNG `Description`, SVG
    `dc:description`), so the image keeps saying what it shows wherever it is copied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".svg":
        with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "wijkmonitor"}):
            fig.savefig(
                path,
                metadata={"Date": None, "Creator": None, "Description": alt},
                bbox_inches="tight",
            )
    else:
        fig.savefig(
            path,
            dpi=DPI,
            metadata={"Software": None, "Description": alt},
            bbox_inches=tight_box(fig),
        )
    plt.close(fig)
    return FigureOutput(path, alt)


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


@dataclass(frozen=True)
class Located:
    """Boundaries found for a map: the areas read (None: none usable), the codes to
    highlight, the file they came from and the notes a reader must see under the map."""

    areas: gpd.GeoDataFrame | None
    codes: list[str]
    source: BoundarySource | None
    notes: list[str] = field(default_factory=list)

    @property
    def caption(self) -> str:
        """The source line under a map: which boundaries, of which year, in a reader's
        words (the file they were read from is for the analysts, not named here)."""
        if self.source is None:
            return ""
        year = f", {self.source.year}" if self.source.year else ""
        made = "; wijken samengevoegd uit buurten" if self.source.from_buurten else ""
        return f"Grenzen: {self.source.source}{year}{made}. Bron: CBS/Kadaster, CC BY 4.0."

    @property
    def figure_caption(self) -> str:
        """The source line inside the map image: two short lines, without the file name."""
        if self.source is None:
            return ""
        year = f", {self.source.year}" if self.source.year else ""
        made = " (wijken samengevoegd uit buurten)" if self.source.from_buurten else ""
        return f"Grenzen: {self.source.source}{year}{made}\nBron: CBS/Kadaster, CC BY 4.0."


def _level_of(codes: Sequence[str]) -> str | None:
    levels = level_prefixes(codes)
    return LAYER_WORDS[next(iter(levels))] if len(levels) == 1 else None


def _by_year(sources: Sequence[BoundarySource], year: int) -> list[BoundarySource]:
    """The newest file up to `year` first, then later ones, then those without a year."""

    def order(source: BoundarySource) -> tuple[int, int]:
        if source.year is None:
            return (2, 0)
        return (0, -source.year) if source.year <= year else (1, source.year)

    return sorted(sources, key=order)


def _read(
    source: BoundarySource, codes: Sequence[str], notes: list[str]
) -> gpd.GeoDataFrame | None:
    """The file's areas, or None with a note saying why it could not be used."""
    if not source.path.is_file():
        notes.append(f"Grenzenbestand {source.label} ontbreekt ({source.written or source.path}).")
        return None
    try:
        return _cached_read(
            source.path,
            source.path.stat().st_mtime_ns,
            tuple(sorted(set(level_prefixes(codes)))),
            source.from_buurten,
            tuple(sorted(source.options.items())),
        ).copy()
    except ValueError as error:
        notes.append(f"Grenzenbestand {source.label} is niet te lezen: {error}")
        return None


@lru_cache(maxsize=8)
def _cached_read(
    path: Path,
    mtime: int,
    levels: tuple[str, ...],
    from_buurten: bool,
    options: tuple[tuple[str, str], ...],
) -> gpd.GeoDataFrame:
    """One read per file, level and version in a kernel: the profiles draw a map of
    every wijk from one file (the levels choose the layer of a GeoPackage)."""
    codes = [f"{level}00000000" for level in levels]
    return read_boundaries(path, codes=codes, from_buurten=from_buurten, **dict(options))


def locate(
    sources: Sequence[BoundarySource], codes: Sequence[str], year: int, level: str | None = None
) -> Located:
    """The boundaries to draw `codes` with, for a report on `year`, and what is missing.

    Files of the codes' level (wijk or buurt) are tried newest-first up to `year`, then
    later ones. A file that is absent, unreadable or lacks some codes gives a note
    naming the file, its year and the codes without geometry, and the next file is
    tried. Buurten found in no file are drawn as the wijken that hold them (a buurt
    code holds its wijk's), saying so. Nothing raises: a report without a map still
    builds, with the notes in its place.
    """
    codes = list(codes)
    level = level or _level_of(codes)
    notes: list[str] = []
    fitting = [s for s in sources if s.level in (None, level)]
    if not fitting:
        notes.append(f"Geen grenzenbestand van {level or 'dit'} niveau in params/report.yaml.")
    partial: tuple[gpd.GeoDataFrame, BoundarySource] | None = None
    for source in _by_year(fitting, year):
        areas = _read(source, codes, notes)
        if areas is None:
            continue
        missing = [c for c in codes if c not in set(areas["code"])]
        if not missing:
            if source.year is not None and source.year != year:
                when = "na" if source.year < year else "tot"
                notes.append(
                    f"De grenzen zijn van {source.year}, niet van {year}: "
                    f"een grenswijziging {when} {source.year} staat niet op de kaart."
                )
            return Located(areas, codes, source, notes)
        said = ", ".join(str(p) for p in (source.year, source.level) if p is not None)
        where = f"De kaart {source.source}" + (f" ({said})" if said else "")
        notes.append(f"{where} heeft geen grens voor {', '.join(missing)}.")
        if partial is None and len(missing) < len(codes):
            partial = (areas, source)
    if level == "buurt":
        wijken = list(dict.fromkeys("WK" + c[2:8] for c in codes))
        found = locate(sources, wijken, year, level="wijk")
        if found.areas is not None:
            notes.append(
                f"Getekend: de wijken {', '.join(wijken)} waarin de buurten van het "
                "programma liggen."
            )
            return Located(found.areas, wijken, found.source, notes + found.notes)
    if partial is not None:
        return Located(partial[0], codes, partial[1], notes)
    return Located(None, codes, None, notes)


def map_notes_markdown(located: Located, *, synthetic: bool = False) -> str:
    """The source line and the notes under a map (or in its place), in Dutch."""
    lines = [f"*{located.caption}*"] if located.caption else []
    if located.areas is None:
        lines.insert(0, "*Geen kaart: geen grenzen gevonden voor dit gebied.*")
    if synthetic and located.areas is not None:
        lines.append(
            "*De grenzen zijn echt (openbare CBS-kaart); de cijfers in deze demo zijn synthetisch.*"
        )
    lines += [f"*{note}*" for note in located.notes]
    return "\n\n".join(lines)


# ------------------------------------------------------------ indicator maps

NO_VALUE, NO_VALUE_EDGE = "#ffffff", "#999999"
CLASS_COUNT = 5


def fixed_classes(values: Sequence[float], count: int = CLASS_COUNT) -> list[float]:
    """Class bounds for one indicator from its values in every year of the cycle.

    Computed once over all years (not per map), so a colour means the same value in
    every year's map; rounded to two significant digits of the range so the legend
    reads as plain numbers. Equal-count classes (quantiles), as the Leefbaarometer
    and the CBS StatLine maps do; fewer where values repeat.
    """
    import numpy as np

    found = np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    if found.size == 0:
        return []
    low, high = float(found.min()), float(found.max())
    if low == high:
        return [low, high]
    step = 10 ** (math.floor(math.log10(high - low)) - 1)
    inner = np.quantile(found, [i / count for i in range(1, count)])
    bounds = [math.floor(low / step) * step]
    bounds += [round(float(q) / step) * step for q in inner]
    bounds += [math.ceil(high / step) * step]
    cleaned = [round(b, 10) for b in bounds]
    return sorted(set(cleaned))


def class_colours(count: int) -> list[str]:
    """`count` colours of viridis: ordered light to dark for readers with any of the
    common colour-vision deficiencies, and in greyscale print."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["viridis_r"]
    return [to_hex(cmap(0.08 + 0.84 * i / max(count - 1, 1))) for i in range(count)]


def _number(value: float) -> str:
    return f"{value:,.10g}".replace(",", " ").replace(".", ",")


def class_labels(bounds: Sequence[float], unit: str = "") -> list[str]:
    suffix = f" {unit}" if unit else ""
    return [f"{_number(a)} – {_number(b)}{suffix}" for a, b in pairwise(bounds)]


def class_of(value: float, bounds: Sequence[float]) -> int | None:
    """The class index of a value (None: no value or outside the fixed scale)."""
    if value is None or math.isnan(value) or not bounds:
        return None
    for i, (low, high) in enumerate(pairwise(bounds)):
        if low <= value <= high if i == 0 else low < value <= high:
            return i
    return None


def indicator_map(
    wijken: gpd.GeoDataFrame,
    values: dict[str, float],
    outline: shapely.Geometry,
    bounds: Sequence[float],
    title: str,
    *,
    unit: str = "",
    synthetic: bool = False,
    caption: str = "",
) -> Figure:
    """The wijken of a gemeente coloured by an indicator in fixed classes, the programme
    area outlined on top (`outline`, in RD New).

    A wijk without a published value (suppressed for small numbers, or not published
    by CBS) is white with a grey edge and its own legend entry: never a colour. A
    value outside the fixed scale (a later year beyond every year the classes were
    made from) is drawn as no value too, and the alt text says so.
    """
    import geopandas as gpd

    colours = class_colours(max(len(bounds) - 1, 1))
    klass = [class_of(values.get(code, math.nan), bounds) for code in wijken["code"]]
    fig, ax = plt.subplots(figsize=(5.0, 5.4))  # two fit a page beside their notes
    for i, colour in enumerate(colours):
        part = wijken[[k == i for k in klass]]
        if not part.empty:
            part.plot(ax=ax, facecolor=colour, edgecolor="#ffffff", linewidth=0.6, gid=f"klasse{i}")
    empty = wijken[[k is None for k in klass]]
    if not empty.empty:
        empty.plot(
            ax=ax, facecolor=NO_VALUE, edgecolor=NO_VALUE_EDGE, linewidth=0.6, gid="geen_waarde"
        )
    gpd.GeoSeries([outline], crs=wijken.crs).boundary.plot(
        ax=ax, color="#000000", linewidth=3.2, gid="programmagebied"
    )
    gpd.GeoSeries([outline], crs=wijken.crs).boundary.plot(
        ax=ax, color=OKABE_ITO["orange"], linewidth=1.4
    )
    west, south, east, north = wijken.total_bounds
    margin = 0.04 * max(east - west, north - south)
    ax.set_xlim(west - margin, east + margin)
    ax.set_ylim(south - margin, north + margin)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=11, fontweight="bold")
    handles: list[Artist] = [
        Patch(fc=c, ec="#ffffff", label=label)
        for c, label in zip(colours, class_labels(bounds, unit), strict=False)
    ]
    handles += [
        Patch(fc=NO_VALUE, ec=NO_VALUE_EDGE, label="geen waarde (onderdrukt of niet gepubliceerd)"),
        Line2D([], [], color="#000000", linewidth=3.2, label="programmagebied"),
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=2,
        frameon=False,
        fontsize=8,
        title="Klassen (gelijk in alle jaren)",
        title_fontsize=8,
    )
    return _finished(fig, caption, synthetic, mark_height=0.55)


def indicator_map_alt(
    label: str,
    year: int,
    gemeente_name: str,
    values: dict[str, float],
    codes: Sequence[str],
    area_codes: Sequence[str],
    bounds: Sequence[float],
    unit: str = "",
) -> str:
    """What an indicator map shows, in words: the scale, where the programme area falls
    and how many wijken have no value."""
    labels = class_labels(bounds, unit)
    shown = [values.get(c, math.nan) for c in codes]
    without = sum(1 for v in shown if class_of(v, bounds) is None)
    text = (
        f"Kaart van {gemeente_name}: {label.lower()} per wijk in {year}, in {len(labels)} "
        f"klassen van {labels[0].split(' – ')[0]} tot {labels[-1].split(' – ')[1]}"
        if labels
        else f"Kaart van {gemeente_name}: {label.lower()} per wijk in {year}, zonder waarden"
    )
    text += "; het programmagebied is omlijnd"
    own = [class_of(values.get(c, math.nan), bounds) for c in area_codes]
    if own and all(k is not None for k in own) and len(set(own)) == 1:
        text += f" en valt in de klasse {labels[own[0]]}"  # type: ignore[index]
    text += "."
    if without:
        text += f" {without} van de {len(codes)} wijken zonder waarde."
    return text


def programme_indicator_maps(
    ctx: ProgrammeContext, folder: Path
) -> list[tuple[FigureOutput | None, str]]:
    """For each indicator of `maps.indicators` (params/report.yaml): the map of all wijken
    of the programme's gemeente in the report's year, the programme area outlined,
    and the Markdown under it (alt text, source lines, notes); (None, notes) where a
    map cannot be drawn. Classes are fixed per indicator over the cycle's years.
    """
    from helpers.config.report import report_settings
    from helpers.indicators.engine import wijk_values
    from helpers.indicators.harmonise import read_harmonised_kwb

    settings = report_settings(ctx.paths).maps
    if not settings.indicators:
        return []
    known = {i.id: i for i in ctx.project.catalogue.indicators}
    unknown = [i for i in [*settings.indicators, *settings.classes] if i not in known]
    if unknown:
        raise KeyError(
            f"{ctx.paths.report_settings_file}: maps: not in the catalogue "
            f"(params/indicators.yaml): {', '.join(unknown)}"
        )
    gemeente = ctx.programme.gemeente
    values = wijk_values(ctx.project, read_harmonised_kwb(ctx.paths), settings.indicators, gemeente)
    latest = values[values["year"].eq(ctx.year)]
    sources = boundary_sources(ctx.paths)
    wijken = locate(sources, sorted(latest["area_code"].unique()), ctx.year, level="wijk")
    area = locate(sources, ctx.programme.area_codes(ctx.year), ctx.year)
    results: list[tuple[FigureOutput | None, str]] = []
    for indicator_id in settings.indicators:
        indicator = known[indicator_id]
        own = values[values["indicator_id"].eq(indicator_id)]
        shown = own[own["year"].eq(ctx.year)]
        by_code = dict(zip(shown["area_code"], shown["value"].astype(float), strict=True))
        bounds = settings.classes.get(indicator_id) or fixed_classes(
            own["value"].astype(float).tolist()
        )
        unit = UNIT_SHORT.get(indicator.unit, "")
        title = f"{indicator.label}, {ctx.year}"
        if wijken.areas is None or area.areas is None or not bounds:
            reason = "geen waarden" if not bounds else "geen grenzen"
            notes = [f"*Geen kaart van {indicator.label.lower()}: {reason}.*"]
            results.append((None, "\n\n".join(notes + [f"*{n}*" for n in wijken.notes])))
            continue
        in_gemeente = wijken.areas[
            wijken.areas["code"].isin(by_code) | wijken.areas["gemeente"].eq(gemeente)
        ]
        outline = shapely_union(area.areas[area.areas["code"].isin(area.codes)])
        fig = indicator_map(
            in_gemeente,
            by_code,
            outline,
            bounds,
            title,
            unit=unit,
            synthetic=ctx.synthetic_for([indicator_id]),
            caption=_map_caption(wijken),
        )
        alt = indicator_map_alt(
            indicator.label,
            ctx.year,
            ctx.gemeente_name,
            by_code,
            list(in_gemeente["code"]),
            area.codes if area.codes[0].startswith("WK") else [],
            bounds,
            unit,
        )
        output = map_output(fig, folder / f"kaart_{indicator_id}.png", alt)
        source = (
            f"*Figuur: {alt}*\n\n*Cijfers: CBS, Kerncijfers wijken en buurten {ctx.year} "
            "(kleine aantallen onderdrukt). "
            f"{wijken.caption}*"
        )
        results.append((output, "\n\n".join([source, *(f"*{n}*" for n in wijken.notes)])))
    return results


UNIT_SHORT = {
    "procent": "%",
    "per_1000": "per 1.000",
    "per_km2": "per km²",
    "duizend_euro": "× € 1.000",
}


def _map_caption(located: Located) -> str:
    return f"Cijfers: CBS, Kerncijfers wijken en buurten\n{located.figure_caption}"


def shapely_union(areas: gpd.GeoDataFrame) -> shapely.Geometry:
    import shapely

    return shapely.union_all(areas.geometry.values)


def profile_map(
    code: str,
    gemeente: str,
    gemeente_name: str,
    name: str,
    root: str | Path | None,
    year: int,
    folder: Path,
    *,
    synthetic: bool = False,
) -> tuple[FigureOutput | None, str]:
    """A wijkprofiel's map: every area of the gemeente, the profiled one outlined, with
    the notes under it (the same boundary rules as the reports)."""
    from helpers.config import Paths

    located = locate(boundary_sources(Paths.from_root(root)), [code], year)
    output = None
    if located.areas is not None:
        fig = programme_map(
            located.areas,
            located.codes,
            gemeente,
            f"{name} in {gemeente_name}",
            synthetic=synthetic,
            caption=located.figure_caption,
            label="dit gebied",
        )
        if fig is not None:
            alt = map_alt_text(located.areas, located.codes, gemeente_name).replace(
                "het programmagebied", "het gebied van dit profiel"
            )
            output = map_output(fig, folder / "kaart.svg", alt)
    return output, map_notes_markdown(located, synthetic=synthetic)


# The residents' factsheet prints on exactly two A4 pages: its locator map is small.
FACTSHEET_MAP_SIZE = 1.5


@dataclass(frozen=True)
class FactsheetMap:
    """The factsheet's locator map (None: not drawn), the notes of the boundaries
    (printed in full where no map is drawn), the level drawn (`buurten` or `wijken`),
    the boundaries' year and whether wijken stand in for buurten without boundaries:
    what the factsheet says in B1 words under the map."""

    output: FigureOutput | None
    notes: str
    level: str
    year: int | None = None
    as_wijken: bool = False


def factsheet_map(ctx: ProgrammeContext, path: Path) -> FactsheetMap:
    """The factsheet's locator map: the programme area among the wijken or buurten of
    its gemeente, print-sized, written to `path` (PNG), with what to say under it (a
    fallback to other years or to wijken, or why there is no map: the factsheet builds
    without boundaries too). The boundaries' source is inside the image."""
    codes = ctx.programme.area_codes(ctx.year)
    located = locate(boundary_sources(ctx.paths), codes, ctx.year)
    output = None
    if located.areas is not None:
        fig = programme_map(
            located.areas,
            located.codes,
            ctx.programme.gemeente,
            "",  # the factsheet's heading names the area
            caption=located.figure_caption,
            size=FACTSHEET_MAP_SIZE,
        )
        if fig is not None:
            alt = map_alt_text(located.areas, located.codes, ctx.gemeente_name)
            output = map_output(fig, path, alt)
    missing = [] if output is not None else ["Geen kaart: geen grenzen gevonden voor dit gebied."]
    level = "buurten" if level_prefixes(located.codes) == {"BU"} else "wijken"
    return FactsheetMap(
        output,
        " ".join([*missing, *located.notes]),
        level,
        located.source.year if located.source is not None else None,
        list(located.codes) != list(codes),
    )


def _finished_beside(fig: Figure, ax: plt.Axes, caption: str, synthetic: bool) -> Figure:
    """A small map in the left half, the legend and the source line in the right."""
    ax.set_position((0.01, 0.02, 0.48, 0.96))
    if caption:
        import textwrap

        width = int(fig.get_figwidth() * 10)
        lines = [part for line in caption.split("\n") for part in textwrap.wrap(line, width)]
        fig.text(0.51, 0.03, "\n".join(lines), fontsize=7, ha="left", va="bottom", gid="bron")
    if synthetic:
        _synthetic_mark(fig, 0.25, 0.5, size=14)
    return fig


def _finished(fig: Figure, caption: str, synthetic: bool, mark_height: float) -> Figure:
    """The map with its caption below it and, for synthetic data, the diagonal mark."""
    reserved = _caption(fig, caption)
    if synthetic:
        _synthetic_mark(fig, 0.5, mark_height, size=22)
    tight_layout(fig, bottom=reserved)
    return fig


def _synthetic_mark(fig: Figure, x: float, y: float, size: float) -> None:
    """The faint diagonal "synthetisch" mark centred at (`x`, `y`) in figure fractions:
    a map of demo figures must not pass for a real one, even cut out of the report."""
    fig.text(
        x,
        y,
        SYNTHETIC_MARK,
        fontsize=size,
        color="#c00000",
        alpha=0.15,
        ha="center",
        va="center",
        rotation=20,
    )
