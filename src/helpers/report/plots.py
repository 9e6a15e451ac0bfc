"""The monitor's figures: one seaborn house style, deterministic files, alt text from data.

Figures are saved without a timestamp or software version in their metadata, so
two runs on the same data give byte-identical PNG files. Synthetic data carry a
watermark on the figure itself, so a figure copied out of a report still says so.
Colours come from the Okabe-Ito palette (safe for colour-blind readers) and every
area also has its own marker and line style, so no figure relies on colour alone.
"""

from __future__ import annotations

import base64
import html
import itertools
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import Formatter, MaxNLocator
from matplotlib.transforms import Bbox

from helpers.report.dutch import (
    BREAK_LABEL,
    UNIT_AXIS_LABELS,
    break_words,
    format_change,
    format_number,
    format_value,
)

if TYPE_CHECKING:
    from helpers.report.programme_design import NetworkGoal, NetworkIndicator

ROLE_LABELS = {"programma": "Programmagebied", "gemeente": "Gemeente", "nederland": "Nederland"}
# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common
# colour-vision deficiency.
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish_green": "#009E73",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "reddish_purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
ROLE_COLOURS = {
    "programma": OKABE_ITO["blue"],
    "gemeente": OKABE_ITO["vermillion"],
    "nederland": OKABE_ITO["bluish_green"],
}
ROLE_MARKERS = {"programma": "o", "gemeente": "s", "nederland": "^"}
ROLE_LINES = {"programma": "-", "gemeente": "--", "nederland": ":"}
# The programme's line is drawn on top of its comparisons, never hidden under them.
ROLE_ZORDER = {"programma": 4.0, "gemeente": 3.0, "nederland": 2.5}
# A break is a vertical dash-dot line: no area line is dash-dot, so it cannot be taken
# for Nederland (dotted) or the gemeente (dashed).
BREAK_STYLE = "-."
BREAK_COLOUR = "#333333"
TARGET_COLOUR = OKABE_ITO["reddish_purple"]
DPI = 110
SYNTHETIC_MARK = "SYNTHETISCHE GEGEVENS"


def house_style() -> None:
    """Apply the house style; call once per notebook before plotting."""
    sns.set_theme(context="notebook", style="whitegrid", font="DejaVu Sans")
    plt.rcParams.update(
        {
            "figure.figsize": (7.0, 3.6),
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "svg.hashsalt": "wijkmonitor",
        }
    )


def _watermark(fig: Figure, fontsize: float = 26, rotation: float = 20) -> None:
    fig.text(
        0.5,
        0.5,
        SYNTHETIC_MARK,
        fontsize=fontsize,
        color="#c00000",
        alpha=0.12,
        ha="center",
        va="center",
        rotation=rotation,
        zorder=0,
    )


class DutchFormatter(Formatter):
    """Axis tick labels in Dutch: decimal comma, thousands point, `€` on money axes.

    All ticks of an axis get the same number of decimals, the fewest that show them
    exactly (`47,5` beside `50,0`; `800.000`), so no axis reads `47.5` or `800000`.
    """

    def __init__(self, unit: str) -> None:
        self.unit = unit

    @staticmethod
    def _decimals(values: Sequence[float]) -> int:
        for decimals in range(4):
            if all(abs(round(v, decimals) - v) <= 1e-9 * max(1.0, abs(v)) for v in values):
                return decimals
        return 3

    def _text(self, value: float, decimals: int) -> str:
        text = format_number(value, decimals)
        return f"€ {text}" if self.unit == "euro" else text

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self._text(x, self._decimals([x]))

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        decimals = self._decimals(list(values))
        return [self._text(v, decimals) for v in values]


FROM_ZERO_UNITS = ("aantal", "procent", "euro", "duizend_euro", "per_km2", "per_1000")
"""The site's one y-axis policy: every value axis of a catalogue unit starts at zero, in
every document (an annual report's chart and the joint report's panel of the same
indicator differ only in how high they reach). Only an index (first year = 100, the
joint report's counts) may start higher, and then the axis says so (`mark_axis_start`)."""
AXIS_NOT_FROM_ZERO = "as begint niet bij 0"


def apply_axis_policy(ax: Axes, unit: str) -> None:
    """Every catalogue unit from zero; an axis that still does not start at zero (an
    index) marked."""
    low, high = ax.get_ylim()
    if unit in FROM_ZERO_UNITS and low > 0:
        ax.set_ylim(0, high)
    mark_axis_start(ax)


def mark_axis_start(ax: Axes) -> None:
    """A zigzag at the foot of the value axis and a small note where the axis does not
    start at zero, so a line over 67-76% is not read as a line over 0-100%."""
    low, _ = ax.get_ylim()
    if low <= 0:
        return
    ax.plot(
        [0, 0.012, -0.012, 0],
        [0.0, 0.012, 0.024, 0.036],
        transform=ax.transAxes,
        color="0.3",
        lw=0.8,
        clip_on=False,
        gid="axis-break",
    )
    ax.text(
        0.0,
        -0.02,
        AXIS_NOT_FROM_ZERO,
        transform=ax.transAxes,
        fontsize=8,
        color="0.3",
        ha="left",
        va="top",
        gid="axis-note",
    )


def dutch_axis(ax: Axes, unit: str) -> None:
    """Dutch tick labels on the value axis; whole-number ticks for counts of people or things."""
    ax.yaxis.set_major_formatter(DutchFormatter(unit))
    if unit == "aantal":
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(UNIT_AXIS_LABELS.get(unit, unit))


def _year_ticks(ax: Axes, years: Iterable[int]) -> None:
    """A tick for every year, printed as a year (never `2.024`)."""
    ticks = sorted({int(y) for y in years})
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(y) for y in ticks])
    low, high = ax.get_xlim()
    if ticks and high - low > ticks[-1] - ticks[0] + 2:
        # a single measured year (a health wave) leaves matplotlib a view a century wide
        ax.set_xlim(ticks[0] - 0.5, ticks[-1] + 0.5)


@dataclass(frozen=True)
class AreaSeries:
    """One area's line cut into the pieces that may be joined, with what lies between.

    `segments` are runs of published years with no break or gap inside; `events` lists,
    in year order, what separates them: ("gap", year, withheld?) or ("break", year);
    `breaks` the years that start a new series after a published value (a flag on the
    first published year breaks nothing).
    """

    role: str
    name: str
    segments: list[pd.DataFrame]
    events: list[tuple]
    breaks: list[int]


def _published_mask(rows: pd.DataFrame) -> pd.Series:
    mask = rows["value"].notna()
    if "suppressed" in rows.columns:
        mask &= ~rows["suppressed"].fillna(False).astype(bool)
    return mask


def _is_break(rows: pd.DataFrame) -> pd.Series:
    if "series_break" not in rows.columns:
        return pd.Series(False, index=rows.index)
    return rows["series_break"].fillna(False).astype(bool)


def area_series(rows: pd.DataFrame, measured: Sequence[int]) -> AreaSeries:
    """Cut one area's rows (one role) at every break and every gap.

    `measured` are the years the indicator is measured in (any area): such a year
    without a published value for this area, after its first published value, is a
    gap (withheld or missing), so the line is not drawn straight through it. Years in
    which the indicator is not measured at all (between survey waves) are no gap.
    """
    rows = rows.sort_values("year")
    # the years as one array, read once: the joint report cuts 700 areas
    years = rows["year"].astype(int).to_numpy()
    withheld_years = (
        {int(y) for y in years[rows["suppressed"].fillna(False).astype(bool).to_numpy()]}
        if "suppressed" in rows.columns
        else set()
    )
    shown = _published_mask(rows).to_numpy()
    published = sorted(int(y) for y in years[shown])
    flagged = {int(y) for y in years[_is_break(rows).to_numpy()]}
    name = str(rows["area_name"].iloc[0])
    role = str(rows["area_role"].iloc[0])
    if not published:
        return AreaSeries(role, name, [], [], [])
    last_row = int(years.max())
    segments: list[list[int]] = [[]]
    events: list[tuple] = []
    for year in sorted({int(y) for y in measured} | set(published)):
        if year < published[0] or year > last_row:
            continue
        if year in flagged and year > published[0]:
            events.append(("break", year))
            segments.append([])
        if year in published:
            segments[-1].append(year)
        else:
            events.append(("gap", year, year in withheld_years))
            segments.append([])
    kept = rows.loc[shown]
    pieces = [kept[np.isin(years[shown], s)] for s in segments if s]
    breaks = [int(e[1]) for e in events if e[0] == "break"]
    return AreaSeries(role, name, pieces, events, breaks)


def _measured_years(series: pd.DataFrame) -> list[int]:
    return sorted({int(y) for y in series["year"]})


def _break_position(year: int, measured: Sequence[int]) -> float:
    """Halfway between the last measured year before the break and its first year."""
    before = [y for y in measured if y < year]
    return (max(before) + year) / 2 if before else year - 0.5


def _draw_area(ax: Axes, area: AreaSeries, label: str, *, bands: bool = True) -> None:
    """Each segment its own line (and band); only the first carries the legend label."""
    role = area.role
    colour = ROLE_COLOURS.get(role, "#444444")
    for k, piece in enumerate(area.segments):
        ax.plot(
            piece["year"],
            piece["value"],
            marker=ROLE_MARKERS.get(role, "o"),
            linestyle=ROLE_LINES.get(role, "-"),
            color=colour,
            label=label if k == 0 else "_nolegend_",
            zorder=ROLE_ZORDER.get(role, 2),
            gid=role,
        )
        if not bands or not {"lower", "upper"} <= set(piece.columns):
            continue
        known = piece[piece["lower"].notna() & piece["upper"].notna()]
        if len(known) > 1:
            ax.fill_between(
                known["year"],
                known["lower"],
                known["upper"],
                color=colour,
                alpha=0.15,
                lw=0,
                zorder=1,
                gid=f"{role}-band",
            )
        elif len(known) == 1:
            ax.vlines(
                known["year"],
                known["lower"],
                known["upper"],
                color=colour,
                alpha=0.3,
                lw=3,
                zorder=1,
                gid=f"{role}-band",
            )


def _draw_breaks(ax: Axes, areas: Sequence[AreaSeries], measured: Sequence[int]) -> bool:
    """One dash-dot vertical line per break (no area line uses dash-dot); True if any."""
    years = sorted({y for area in areas for y in area.breaks})
    for k, year in enumerate(years):
        ax.axvline(
            _break_position(year, measured),
            color=BREAK_COLOUR,
            linestyle=BREAK_STYLE,
            lw=1.3,
            zorder=1.5,
            label=BREAK_LABEL if k == 0 else "_nolegend_",
            gid="series-break",
        )
    return bool(years)


def indicator_trend(
    series: pd.DataFrame,
    title: str,
    unit: str,
    *,
    target: tuple[int, float] | None = None,
    years: Iterable[int] | None = None,
    synthetic: bool = False,
) -> Figure:
    """Line chart of one indicator over the years, programme area against its comparisons.

    `series` holds rows of one indicator (columns area_role, area_name, year, value and
    optionally lower/upper, suppressed and series_break); rows without a published
    value (NaN, as `report.indicator_series(..., keep_gaps=True)` gives them) mark
    withheld or missing years. A line and its band end at a break or a gap and start
    again after it, so nothing is drawn that was not measured or may not be shown; a
    dash-dot vertical line marks a break, a diamond the target. `years` (the cycle's
    years) each get a tick, so a gap is visible as a year without a point.
    """
    fig, ax = plt.subplots()
    measured = _measured_years(series)
    areas = []
    for role, group in series.groupby("area_role", sort=False):
        area = area_series(group, measured)
        areas.append(area)
        label = (
            area.name if role == "nederland" else f"{ROLE_LABELS.get(str(role), role)}: {area.name}"
        )
        _draw_area(ax, area, label)
    _draw_breaks(ax, areas, measured)
    if target is not None:
        ax.plot(
            [target[0]],
            [target[1]],
            marker="D",
            color=TARGET_COLOUR,
            ls="",
            label="Streefwaarde",
            zorder=ROLE_ZORDER["programma"] + 1,
            gid="target",
        )
    ax.set_title(title)
    ax.set_xlabel("")
    dutch_axis(ax, unit)
    apply_axis_policy(ax, unit)
    _year_ticks(ax, set(measured) | set(years or ()) | ({target[0]} if target else set()))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False, fontsize=9)
    if synthetic:
        _watermark(fig)
    fig.tight_layout()
    return fig


# The joint report's small multiples are printed at their drawn size (8 pt text): all
# panels of an indicator together no wider than the narrowest printed text block (the
# Typst PDF's A4 with 1.5 cm side margins, 7.1 in; Chromium's print has 7.5 in).
PANEL_WIDTH_IN = 2.6
PRINT_WIDTH_IN = 6.6
SUBTITLE_CHARS = 18  # a panel title's line at 8 pt in a 1.65 in panel


def own_trends(
    series: pd.DataFrame,
    title: str,
    unit: str,
    *,
    years: Iterable[int] | None = None,
    synthetic: bool = False,
    limits: tuple[float, float] | None = None,
    targets: pd.DataFrame | None = None,
    bands: bool = False,
) -> Figure:
    """Small multiples: one panel per programme, its own area against its own gemeente
    (and Nederland when the series holds it).

    `series` holds rows of several programmes (columns programme_name, area_role,
    area_name, year, value; NaN values mark withheld or missing years). Without
    `limits` every panel has its own y-axis; with them (the joint report) all panels
    share that one scale and one time axis, so no panel looks steeper than another by
    its axes alone.
    Either way the point is each programme's own course, not a ranking between
    programmes. `targets` (programme_name, year, value) are drawn as a diamond in their
    programme's panel; `bands` draws the intervals. Lines end at breaks and gaps as in
    `indicator_trend`.
    """
    names = list(dict.fromkeys(series["programme_name"]))
    panels = max(len(names), 1)
    fig, axes = plt.subplots(
        1, panels, figsize=(min(PANEL_WIDTH_IN * panels, PRINT_WIDTH_IN), 2.8), squeeze=False
    )
    # a shared scale shares the years too: every panel the same time axis
    common = set(_measured_years(series)) | set(years or ())
    if targets is not None:
        common |= {int(y) for y in targets["year"]}
    for ax, name in zip(axes[0], names, strict=False):
        own = series[series["programme_name"].eq(name)]
        measured = _measured_years(own)
        areas = []
        for role in ("programma", "gemeente", "nederland"):
            group = own[own["area_role"].eq(role)]
            if group.empty:
                continue
            area = area_series(group, measured)
            areas.append(area)
            _draw_area(ax, area, ROLE_LABELS[role], bands=bands)
        _draw_breaks(ax, areas, measured)
        shown_years = set(measured) | set(years or ())
        if targets is not None:
            goal = targets[targets["programme_name"].eq(name)]
            _draw_targets(ax, goal)
            shown_years |= {int(y) for y in goal["year"]}
        gemeente = own.loc[own["area_role"].eq("gemeente"), "area_name"]
        # wrapped to the panel's width: four panels of 1.65 in printed their titles over
        # each other ("Samen voor Overvecht (gemeente Utrecht)" is 2.3 in at 9 pt)
        own_gemeente = [f"(gemeente {gemeente.iloc[0]})"] if not gemeente.empty else []
        subtitle = "\n".join(textwrap.fill(part, SUBTITLE_CHARS) for part in [name, *own_gemeente])
        ax.set_title(subtitle, fontsize=8)
        if limits is not None:
            ax.set_ylim(*limits)
            shown_years = common
        dutch_axis(ax, unit)
        apply_axis_policy(ax, unit)
        ax.set_ylabel("")
        _year_ticks(ax, shown_years)
        if limits is not None and common:
            ax.set_xlim(min(common) - 0.5, max(common) + 0.5)
        ax.tick_params(labelsize=8)
        ax.tick_params(axis="x", labelrotation=90)
        if limits is not None and ax is not axes[0][0]:
            ax.tick_params(labelleft=False)  # one shared scale: its values once, at the left
        ax.set_xlabel("")
    axes[0][0].set_ylabel(UNIT_AXIS_LABELS.get(unit, unit))
    handles, labels = [], []
    for ax in axes[0]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    # The note under each panel's axis ran into its rotated years: said once, in the legend.
    notes = [t for ax in axes[0] for t in ax.texts if t.get_gid() == "axis-note"]
    for note in notes:
        note.remove()
    if notes:
        handles.append(
            Line2D([], [], ls="", marker=r"$\wr$", color="0.3", markersize=8, gid="axis-note")
        )
        labels.append(AXIS_NOT_FROM_ZERO)
    # at most three entries a row: five in one row made the figure wider than the page
    columns = max(min(len(labels), 3), 1)
    rows = -(-len(labels) // columns)
    fig.legend(handles, labels, loc="lower center", ncol=columns, frameon=False, fontsize=9)
    fig.suptitle(title, fontweight="bold", fontsize=11)
    if synthetic:
        _watermark(fig)
    tight_layout(fig, bottom=0.02 + 0.075 * rows)
    return fig


TARGET_LABEL = "Streefwaarde"


def _draw_targets(ax: Axes, targets: pd.DataFrame) -> None:
    """A programme's targets at their year, drawn as in `indicator_trend` (one legend entry)."""
    for k, (_, target) in enumerate(targets.iterrows()):
        ax.plot(
            [int(target["year"])],
            [float(target["value"])],
            marker="D",
            color=TARGET_COLOUR,
            ls="",
            label=TARGET_LABEL if k == 0 else "_nolegend_",
            zorder=ROLE_ZORDER["programma"] + 1,
            gid="target",
        )


def _segment_words(piece: pd.DataFrame, unit: str) -> str:
    """The shape of one comparable stretch: its start, end, direction and any interior peak."""
    years = [int(y) for y in piece["year"]]
    values = [float(v) for v in piece["value"]]
    shown = [format_value(v, unit) for v in values]
    if len(values) == 1:
        return f"{shown[0]} in {years[0]}"
    start, end = f"{shown[0]} in {years[0]}", f"{shown[-1]} in {years[-1]}"
    if len(set(shown)) == 1:
        return f"gelijk op {shown[0]} van {years[0]} tot en met {years[-1]}"
    if len(values) == 2:
        return f"van {start} naar {end}"
    steps = [b - a for a, b in itertools.pairwise(values)]
    if all(s >= 0 for s in steps):
        return f"stijgend van {start} naar {end}"
    if all(s <= 0 for s in steps):
        return f"dalend van {start} naar {end}"
    text = f"wisselend van {start} naar {end}"
    inner = range(1, len(values) - 1)
    high = max(inner, key=lambda i: values[i])
    low = min(inner, key=lambda i: values[i])
    extremes = []
    if values[high] > max(values[0], values[-1]):
        extremes.append(f"hoogste {shown[high]} in {years[high]}")
    if values[low] < min(values[0], values[-1]):
        extremes.append(f"laagste {shown[low]} in {years[low]}")
    return text + (f" ({', '.join(extremes)})" if extremes else "")


def area_words(area: AreaSeries, unit: str) -> str:
    """One area's series in words: each segment's shape, with the gaps and breaks between.

    Values on either side of a break are never put in one phrase, so no sentence
    compares what is not comparable.
    """
    items = sorted(
        [(int(p["year"].iloc[0]), 1, ("segment", p)) for p in area.segments]
        + [(int(e[1]), 0, e) for e in area.events],
        key=lambda item: (item[0], item[1]),
    )
    parts = []
    for _, _, event in items:
        if event[0] == "segment":
            parts.append(_segment_words(event[1], unit))
        elif event[0] == "break":
            parts.append(break_words(event[1]))
        else:
            parts.append(("niet gepubliceerd" if event[2] else "geen cijfer") + f" in {event[1]}")
    return "; ".join(parts)


def trend_alt_text(series: pd.DataFrame, title: str, unit: str) -> str:
    """Per area the shape of each comparable stretch, naming gaps and breaks (screen readers)."""
    parts = [f"Lijngrafiek van {title.lower()} ({UNIT_AXIS_LABELS.get(unit, unit)})."]
    measured = _measured_years(series)
    for _, group in series.groupby("area_name", sort=False):
        area = area_series(group, measured)
        if area.segments:
            parts.append(f"{area.name}: {area_words(area, unit)}.")
    return " ".join(parts)


def own_trends_alt_text(series: pd.DataFrame, title: str, unit: str) -> str:
    """Per programme the shape of its own area's series and its own gemeente's."""
    parts = [
        f"Lijngrafieken van {title.lower()} ({UNIT_AXIS_LABELS.get(unit, unit)}), "
        "één per programma."
    ]
    for name, own in series.groupby("programme_name", sort=False):
        measured = _measured_years(own)
        sentences = []
        for role in ("programma", "gemeente", "nederland"):
            group = own[own["area_role"].eq(role)]
            if group.empty:
                continue
            area = area_series(group, measured)
            if area.segments:
                sentences.append(f"{area.name}: {area_words(area, unit)}.")
        # the programme area is often named after the programme: say the name once
        same = bool(sentences) and sentences[0].startswith(f"{name}:")
        parts.append(("" if same else f"{name} — ") + " ".join(sentences))
    return " ".join(parts)


NETWORK_LEGEND = (
    "Pijl: de inspanning draagt bij aan het doel. Stippellijn: gevolgd met die indicator "
    "(niveau tussen haakjes). Grijs vlak: gezamenlijke indicator; witte, gestreepte rand: "
    "maatwerk van het programma. Rode rand: inspanning zonder prestatie-indicator."
)


def network_diagram(network: list[NetworkGoal], title: str) -> Figure:
    """Efforts -> goals, with the indicators that follow each, as four columns of boxes.

    Arrows run from each effort to its goal and end on the boxes' edges; every indicator
    says its level and is drawn as joint (grey) or the programme's own (dashed); an
    effort without an output indicator has a red edge and says so. Drawn with
    matplotlib only, so the same PNG shows in Quarto, the nbconvert fallback, PDF and Word.
    """
    blocks = [
        max(len(g.indicators), sum(max(len(e.indicators), 1) for e in g.efforts), 1)
        for g in network
    ]
    rows = sum(blocks)
    fig, ax = plt.subplots(figsize=(11.0, max(3.0, 0.55 * rows + 1.6)))
    ax.set_xlim(0, 4)
    ax.set_ylim(rows + 0.2, -1)
    ax.axis("off")
    heads = ("Indicator (niveau)", "Inspanning", "Doel", "Indicator (niveau)")
    for x, head in enumerate(heads):
        ax.text(x + 0.5, -0.65, head, ha="center", va="center", fontweight="bold", fontsize=10)

    def box(column: int, y: float, label: str, face: str, ink: str = "black", edge=None):
        style = {"boxstyle": "round,pad=0.35", "fc": face, "ec": "#333333", "lw": 0.7}
        style.update(edge or {})
        return ax.text(
            column + 0.5,
            y,
            "\n".join(textwrap.wrap(label, 28, break_on_hyphens=False)),
            ha="center",
            va="center",
            fontsize=8,
            color=ink,
            bbox=style,
        )

    def indicator_box(column: int, y: float, node: NetworkIndicator):
        face, edge = ("#e6e6e6", {}) if node.joint else ("white", {"ls": "--"})
        return box(column, y, f"{node.label} ({node.level})", face, edge=edge)

    def link(start, end, arrow: bool) -> None:
        props = {
            "arrowstyle": "-|>" if arrow else "-",
            "color": "#333333" if arrow else "#777777",
            "lw": 1.1 if arrow else 0.8,
            "ls": "-" if arrow else ":",
            "patchA": start.get_bbox_patch(),
            "patchB": end.get_bbox_patch(),
            "shrinkA": 1,
            "shrinkB": 1,
            "mutation_scale": 12,
        }
        ax.annotate("", xy=end.get_position(), xytext=start.get_position(), arrowprops=props)

    top = 0
    for goal, size in zip(network, blocks, strict=True):
        goal_box = box(2, top + (size - 1) / 2, goal.label, OKABE_ITO["blue"], "white")
        for k, node in enumerate(goal.indicators):
            y = top + (size - len(goal.indicators)) / 2 + k
            link(goal_box, indicator_box(3, y, node), arrow=False)
        row = top + (size - sum(max(len(e.indicators), 1) for e in goal.efforts)) / 2
        for effort in goal.efforts:
            span = max(len(effort.indicators), 1)
            label = (
                effort.label if effort.has_output else f"{effort.label} (geen prestatie-indicator)"
            )
            edge = {} if effort.has_output else {"ec": OKABE_ITO["vermillion"], "lw": 2.2}
            effort_box = box(1, row + (span - 1) / 2, label, OKABE_ITO["orange"], edge=edge)
            link(effort_box, goal_box, arrow=True)
            for k, node in enumerate(effort.indicators):
                link(effort_box, indicator_box(0, row + k, node), arrow=False)
            row += span
        top += size
        ax.axhline(top - 0.5, color="#dddddd", lw=0.6)
    ax.set_title(title, fontsize=11, fontweight="bold")
    fig.text(0.01, 0.01, "\n".join(textwrap.wrap(NETWORK_LEGEND, 150)), fontsize=8, va="bottom")
    tight_layout(fig, bottom=0.06)
    return fig


def network_alt_text(network: list[NetworkGoal], programme: str) -> str:
    """The network in words: per goal the efforts that contribute to it, each with its
    indicators and their level, joint or own, and the efforts without an output indicator."""
    efforts = sum(len(g.efforts) for g in network)
    parts = [
        f"Schema van het doelen-inspanningen-netwerk van {programme}: "
        f"{len(network)} doelen en {efforts} inspanningen."
    ]

    def named(nodes: list[NetworkIndicator]) -> str:
        return ", ".join(
            f"{n.label} ({n.level}, {'gezamenlijk' if n.joint else 'maatwerk'})" for n in nodes
        )

    for goal in network:
        text = f"Doel ‘{goal.label}’"
        if goal.indicators:
            text += f", gevolgd met {named(goal.indicators)}"
        for effort in goal.efforts:
            text += f"; inspanning ‘{effort.label}’ draagt eraan bij"
            if effort.indicators:
                text += f" ({named(effort.indicators)})"
            if not effort.has_output:
                text += ", zonder prestatie-indicator"
        parts.append(text + ".")
    return " ".join(parts)


FACTSHEET_FONT_PT = 10  # chart text on the printed factsheet, shown at its own size


def comparison_bars(
    values: list[tuple[str, float]], title: str, unit: str, *, synthetic: bool = False
) -> Figure:
    """A few horizontal bars (the wijk, its gemeente, Nederland) for the residents' factsheet.

    Percentages share one 0–100 scale on every chart (ticks at 0, 50 and 100), so two
    charts side by side compare at a glance; every text is at least 9 pt at the figure's
    own size, which is the size it is printed at (helpers.report.factsheet).
    """
    size = FACTSHEET_FONT_PT
    fig, ax = plt.subplots(figsize=(5.6, 0.5 + 0.32 * max(len(values), 1)))
    names = [name for name, _ in values]
    colours = [list(ROLE_COLOURS.values())[k % 3] for k in range(len(values))]
    hatches = ["", "//", ".."]
    bars = ax.barh(names, [v for _, v in values], color=colours)
    for k, bar in enumerate(bars):
        bar.set_hatch(hatches[k % 3])
        bar.set_edgecolor("white")
        ax.annotate(
            format_value(values[k][1], unit),
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=size,
        )
    ax.invert_yaxis()
    ax.set_title(title, fontsize=size, fontweight="bold", loc="left")
    ax.set_xlabel("")
    ax.tick_params(axis="y", labelsize=size)
    if unit == "procent":
        ax.set_xlim(0, 100)
        ax.set_xticks([0, 50, 100], ["0", "50", "100"], fontsize=size)
        ax.tick_params(axis="x", length=0, pad=2)
    else:
        ax.set_xticks([])
    ax.grid(False)
    sns.despine(ax=ax, left=True, bottom=unit != "procent")
    if synthetic:  # flat, inside the chart: a rotated mark would make the picture taller
        _watermark(fig, fontsize=22, rotation=0)
    fig.tight_layout()
    return fig


def gap_chart(
    gaps: list[tuple[int, float]], title: str, unit: str, gemeente: str, *, synthetic: bool = False
) -> Figure:
    """The area's gap to its gemeente per year as bars around zero (the gemeente), each
    labelled with its value: what a deep dive adds to the report's trend chart."""
    fig, ax = plt.subplots(figsize=(7.0, 3.2))
    years = [str(year) for year, _ in gaps]
    values = [gap for _, gap in gaps]
    bars = ax.bar(years, values, color=OKABE_ITO["blue"], width=0.6)
    ax.axhline(0, color="#333333", lw=0.8)
    ax.margins(y=0.18)
    for bar, value in zip(bars, values, strict=True):
        sign = "+" if value > 0 else ""
        ax.annotate(
            sign + format_number(value, 1 if unit == "procent" else 0),
            (bar.get_x() + bar.get_width() / 2, value),
            xytext=(0, 4 if value >= 0 else -12),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )
    ax.set_ylabel(f"verschil met {gemeente}" + (" (procentpunt)" if unit == "procent" else ""))
    ax.set_title(title, fontsize=10, fontweight="bold", loc="left")
    sns.despine(ax=ax)
    if synthetic:
        _watermark(fig)
    fig.tight_layout()
    return fig


def gap_alt_text(gaps: list[tuple[int, float]], title: str, unit: str, gemeente: str) -> str:
    """The gap chart in words: every year with its gap."""
    listed = "; ".join(f"{year}: {format_change(gap, unit)}" for year, gap in gaps)
    return (
        f"Staafdiagram {title}: het verschil van het programmagebied met {gemeente} per jaar. "
        f"{listed}."
    )


def tight_layout(fig: Figure, bottom: float = 0.0) -> None:
    """`fig.tight_layout(rect=(0, bottom, 1, 1))`, measured once for one row of panels.

    Given a rect, matplotlib measures every panel twice, the second time only to apply
    the rect; for one row of panels that second pass adds `bottom` to the first pass's
    bottom margin and changes nothing else. The measuring is most of a chart's cost.
    Panels in several rows (none drawn so far) get matplotlib's own two passes.
    """
    specs = [ax.get_subplotspec() for ax in fig.axes]
    if not bottom or any(spec is None or spec.get_geometry()[0] > 1 for spec in specs):
        fig.tight_layout(rect=(0, bottom, 1, 1) if bottom else None)
        return
    fig.tight_layout()
    fig.subplots_adjust(bottom=fig.subplotpars.bottom + bottom)


def tight_box(fig: Figure) -> Bbox:
    """The box `savefig(bbox_inches="tight")` crops to, padded as it pads, measured at the
    saving dpi (which it sets on `fig`) without the extra draw savefig makes first: the
    charts are laid out already, so that draw moves nothing, and it cost a fifth of
    saving one."""
    fig.set_dpi(DPI)
    renderer = cast(FigureCanvasAgg, fig.canvas).get_renderer()  # Agg: set at import
    box = fig.get_tightbbox(renderer)
    pad = plt.rcParams["savefig.pad_inches"]
    return box.padded(pad, pad)


def save_figure(fig: Figure, path: Path, tight: bool = True) -> Path:
    """Save as PNG (or SVG, by the suffix) without time or version metadata (byte-identical
    reruns) and close it. `tight=False` keeps the figure's own margins: one draw less,
    for a figure that sets them itself.

    An SVG keeps its text as text (`svg.fonttype: none`): no glyphs to rasterise or
    outline, which makes it several times cheaper than a PNG where thousands of small
    charts are drawn (the wijkprofielen), and sharp at any zoom.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".svg":
        with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "wijkmonitor"}):
            fig.savefig(
                path,
                metadata={"Date": None, "Creator": None},
                bbox_inches="tight" if tight else None,
            )
    else:
        box = tight_box(fig) if tight else None
        fig.savefig(path, dpi=DPI, metadata={"Software": None}, bbox_inches=box)
    plt.close(fig)
    return path


MIME = {".png": "image/png", ".svg": "image/svg+xml"}


class FigureOutput:
    """A saved PNG (or SVG) shown with its alt text.

    The HTML rendering is an <img> with an `alt` attribute (read by screen readers in
    both the Quarto and the nbconvert site); formats without HTML (PDF, Word) take the
    image itself. The notebooks print the same text visibly below the figure as well.
    """

    def __init__(self, path: Path, alt: str) -> None:
        self.path = Path(path)
        self.alt = alt

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        raw = self.path.read_bytes()
        mime = MIME.get(self.path.suffix, "image/png")
        data = base64.b64encode(raw).decode("ascii")
        img = (
            f'<img src="data:{mime};base64,{data}" alt="{html.escape(self.alt, quote=True)}"'
            ' style="max-width:100%;height:auto">'
        )
        shown = raw.decode("utf-8") if mime == "image/svg+xml" else data
        return {mime: shown, "text/html": img, "text/plain": self.alt}


def figure_output(fig: Figure, path: Path, alt: str, tight: bool = True) -> FigureOutput:
    """Save `fig` deterministically and return it with its alt text, ready to display()."""
    return FigureOutput(save_figure(fig, path, tight), alt)
