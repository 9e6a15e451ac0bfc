"""A map of the programme area and its surroundings, where boundary data are available.

Boundaries come from a GeoJSON file of CBS wijken or buurten named in
`params/report.yaml: boundaries` (the demo has none, so its reports have no map).
The file is read with the standard library and drawn with matplotlib: a map of a
few dozen polygons needs no GIS stack, and the figure stays byte-identical between
runs. Coordinates are drawn as given (RD New, EPSG:28992, for CBS files), with equal
axes so the shapes are not distorted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon

from helpers.plots import OKABE_ITO, SYNTHETIC_MARK

CODE_KEYS = ("WKC", "BUC", "statcode", "WK_CODE", "BU_CODE", "code")
NAME_KEYS = ("WKN", "BUN", "statnaam", "WK_NAAM", "BU_NAAM", "naam")
GEMEENTE_KEYS = ("GMC", "GM_CODE", "gemeentecode")


@dataclass(frozen=True)
class Area:
    """One boundary: CBS code, name, gemeente code and its polygons (lists of rings)."""

    code: str
    name: str
    gemeente: str
    polygons: list[list[list[tuple[float, float]]]]


def _first(properties: dict, keys: tuple[str, ...], path: Path, index: int) -> str:
    for key in keys:
        if properties.get(key):
            return str(properties[key])
    raise ValueError(
        f"{path}: feature {index} has none of the properties {', '.join(keys)} "
        "(a CBS wijk/buurt code is needed to find the programme area)"
    )


def read_boundaries(path: Path) -> list[Area]:
    """The areas of a GeoJSON FeatureCollection of (Multi)Polygons, with a clear error."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not a readable GeoJSON file ({error})") from error
    if data.get("type") != "FeatureCollection":
        raise ValueError(f"{path}: expected a GeoJSON FeatureCollection")
    areas = []
    for i, feature in enumerate(data.get("features", [])):
        geometry = feature.get("geometry") or {}
        kind, coordinates = geometry.get("type"), geometry.get("coordinates", [])
        if kind == "Polygon":
            polygons = [coordinates]
        elif kind == "MultiPolygon":
            polygons = coordinates
        else:
            raise ValueError(f"{path}: feature {i} is a {kind}, expected Polygon or MultiPolygon")
        properties = feature.get("properties") or {}
        code = _first(properties, CODE_KEYS, path, i)
        gemeente = next((str(properties[k]) for k in GEMEENTE_KEYS if properties.get(k)), "")
        name = next((str(properties[k]) for k in NAME_KEYS if properties.get(k)), code)
        rings = [
            [[(float(x), float(y)) for x, y, *_ in ring] for ring in poly] for poly in polygons
        ]
        areas.append(Area(code, name, gemeente or f"GM{code[2:6]}", rings))
    return areas


def programme_map(
    areas: list[Area], codes: list[str], gemeente: str, title: str, *, synthetic: bool = False
) -> Figure | None:
    """The programme area highlighted among the other areas of its gemeente (None if absent)."""
    own = [a for a in areas if a.code in codes]
    if not own:
        return None
    around = [a for a in areas if a.gemeente == gemeente and a.code not in codes]
    fig, ax = plt.subplots(figsize=(6.0, 6.0))
    for area, face, edge in [
        *((a, "#e8e8e8", "#888888") for a in around),
        *((a, OKABE_ITO["blue"], "#000000") for a in own),
    ]:
        for polygon in area.polygons:
            ax.add_patch(Polygon(polygon[0], closed=True, fc=face, ec=edge, lw=0.6))
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=11, fontweight="bold")
    ax.legend(
        handles=[
            Patch(fc=OKABE_ITO["blue"], ec="#000000", label="programmagebied"),
            Patch(fc="#e8e8e8", ec="#888888", label="overige wijken van de gemeente"),
        ],
        loc="lower center",
        bbox_to_anchor=(0.5, -0.08),
        ncol=2,
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


def map_alt_text(areas: list[Area], codes: list[str], gemeente_name: str) -> str:
    """Which areas the map highlights, and among how many, in words."""
    own = [a.name for a in areas if a.code in codes]
    missing = sorted(set(codes) - {a.code for a in areas})
    text = (
        f"Kaart van {gemeente_name} met het programmagebied ({', '.join(own)}) gemarkeerd "
        f"tussen de overige wijken of buurten van de gemeente."
    )
    if missing:
        text += f" Geen grens gevonden voor {', '.join(missing)}."
    return text
