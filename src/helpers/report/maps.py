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
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from helpers.config.report import BoundarySource
from helpers.report.plots import DPI, OKABE_ITO, SYNTHETIC_MARK, FigureOutput
from helpers.sources.boundaries import LAYER_WORDS, RD_NEW, level_prefixes, read_boundaries

if TYPE_CHECKING:
    import geopandas as gpd
    import shapely

__all__ = ["RD_NEW", "read_boundaries"]  # read here by the notebooks and tests too

GREY, GREY_EDGE = "#e8e8e8", "#888888"
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
) -> Figure | None:
    """The programme's areas highlighted among the gemeente's others (None if none found).

    Collections carry a gid (`overige`, `programmagebied`, `gemeentegrens`) so tests
    and readers of the SVG can find them; `caption` (the boundaries' source and year)
    is printed under the map (gid `bron`).
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
    level = "buurten" if level_prefixes(codes) == {"BU"} else "wijken"
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
    _caption(fig, caption)
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
    fig.tight_layout(rect=(0, 0.05 if caption else 0, 1, 1))
    return fig


def _caption(fig: Figure, caption: str) -> None:
    if caption:
        fig.text(0.01, 0.005, caption, fontsize=7, ha="left", va="bottom", gid="bron")


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
            path, dpi=DPI, metadata={"Software": None, "Description": alt}, bbox_inches="tight"
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
        """The source line under a map: which boundaries, of which year."""
        if self.source is None:
            return ""
        year = f" {self.source.year}" if self.source.year else ""
        made = ", wijken samengevoegd uit buurten" if self.source.from_buurten else ""
        return (
            f"Grenzen: {self.source.source}{year} ({self.source.path.name}{made}); "
            "Bron: CBS/Kadaster, CC BY 4.0."
        )

    @property
    def figure_caption(self) -> str:
        """The source line inside the map image: two short lines, without the file name."""
        if self.source is None:
            return ""
        year = f" {self.source.year}" if self.source.year else ""
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
        notes.append(f"Grenzenbestand {source.label} ontbreekt ({source.path}).")
        return None
    try:
        return read_boundaries(
            source.path, codes=codes, from_buurten=source.from_buurten, **source.options
        )
    except ValueError as error:
        notes.append(f"Grenzenbestand {source.label} is niet te lezen: {error}")
        return None


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
                    f"De grenzen zijn van {source.year} ({source.path.name}), niet van {year}: "
                    f"een grenswijziging {when} {source.year} staat niet op de kaart."
                )
            return Located(areas, codes, source, notes)
        notes.append(f"{source.label} heeft geen grens voor {', '.join(missing)}.")
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
