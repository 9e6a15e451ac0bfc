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
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

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


def _watermark(fig: Figure) -> None:
    fig.text(
        0.5,
        0.5,
        SYNTHETIC_MARK,
        fontsize=26,
        color="#c00000",
        alpha=0.12,
        ha="center",
        va="center",
        rotation=20,
        zorder=0,
    )


def indicator_trend(
    series: pd.DataFrame,
    title: str,
    unit: str,
    *,
    target: tuple[int, float] | None = None,
    synthetic: bool = False,
) -> Figure:
    """Line chart of one indicator over the years, programme area against its comparisons.

    `series` holds published rows only (columns area_role, area_name, year, value and
    optionally lower/upper and series_break). Intervals are drawn where known, a
    dotted line marks a break in the series, and a diamond marks the target.
    """
    fig, ax = plt.subplots()
    for role, group in series.groupby("area_role", sort=False):
        group = group.sort_values("year")
        colour = ROLE_COLOURS.get(str(role), "#444444")
        name = group["area_name"].iloc[0]
        label = name if role == "nederland" else f"{ROLE_LABELS.get(str(role), role)}: {name}"
        ax.plot(
            group["year"],
            group["value"],
            marker=ROLE_MARKERS.get(str(role), "o"),
            linestyle=ROLE_LINES.get(str(role), "-"),
            color=colour,
            label=label,
        )
        if {"lower", "upper"} <= set(group.columns) and group["lower"].notna().any():
            ax.fill_between(
                group["year"], group["lower"], group["upper"], color=colour, alpha=0.15, lw=0
            )
    breaks = series.loc[series.get("series_break", pd.Series(False)).astype(bool), "year"]
    for year in sorted(set(breaks)):
        ax.axvline(year - 0.5, color="#555555", linestyle=":", lw=1)
    if target is not None:
        ax.plot(
            [target[0]], [target[1]], marker="D", color=TARGET_COLOUR, ls="", label="Streefwaarde"
        )
    ax.set_title(title)
    ax.set_xlabel("")
    ax.set_ylabel(unit)
    years = sorted({int(y) for y in series["year"]} | ({target[0]} if target else set()))
    ax.set_xticks(years)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False, fontsize=9)
    if synthetic:
        _watermark(fig)
    fig.tight_layout()
    return fig


def own_trends(series: pd.DataFrame, title: str, unit: str, *, synthetic: bool = False) -> Figure:
    """Small multiples: one panel per programme, its own area against its own gemeente.

    `series` holds published rows of several programmes (columns programme_name,
    area_role, area_name, year, value). Every panel has its own y-axis: the point is
    each programme's own course, not a ranking between programmes. A dotted line
    marks a break in a programme's series.
    """
    names = list(dict.fromkeys(series["programme_name"]))
    fig, axes = plt.subplots(
        1, max(len(names), 1), figsize=(2.6 * max(len(names), 1), 3.0), squeeze=False
    )
    for ax, name in zip(axes[0], names, strict=False):
        own = series[series["programme_name"].eq(name)]
        for role in ("programma", "gemeente"):
            group = own[own["area_role"].eq(role)].sort_values("year")
            if group.empty:
                continue
            ax.plot(
                group["year"],
                group["value"],
                marker=ROLE_MARKERS[role],
                linestyle=ROLE_LINES[role],
                color=ROLE_COLOURS[role],
                label=ROLE_LABELS[role],
            )
        breaks = own.loc[own.get("series_break", pd.Series(False)).astype(bool), "year"]
        for year in sorted(set(breaks)):
            ax.axvline(year - 0.5, color="#555555", linestyle=":", lw=1)
        gemeente = own.loc[own["area_role"].eq("gemeente"), "area_name"]
        subtitle = f"{name}\n(gemeente {gemeente.iloc[0]})" if not gemeente.empty else name
        ax.set_title(subtitle, fontsize=9)
        ax.tick_params(labelsize=8)
        ax.set_xlabel("")
    axes[0][0].set_ylabel(unit)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False, fontsize=9)
    fig.suptitle(title, fontweight="bold", fontsize=11)
    if synthetic:
        _watermark(fig)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def own_trends_alt_text(series: pd.DataFrame, title: str, unit: str) -> str:
    """Per programme its first and last value, and those of its own gemeente."""
    parts = [f"Lijngrafieken van {title.lower()} ({unit}), één per programma."]
    for name, own in series.groupby("programme_name", sort=False):
        sentences = []
        for role in ("programma", "gemeente"):
            group = own[own["area_role"].eq(role)].sort_values("year")
            if group.empty:
                continue
            first, last = group.iloc[0], group.iloc[-1]
            sentences.append(
                f"{first['area_name']} {_number(first['value'], unit)} in {int(first['year'])}"
                f" en {_number(last['value'], unit)} in {int(last['year'])}"
            )
        breaks = own.loc[own.get("series_break", pd.Series(False)).astype(bool), "year"]
        if not breaks.empty:
            sentences.append(f"breuk in de reeks vanaf {int(breaks.min())}")
        parts.append(f"{name}: " + "; ".join(sentences) + ".")
    return " ".join(parts)


def _number(value: float, unit: str) -> str:
    text = f"{value:.1f}" if unit == "procent" else f"{value:,.0f}".replace(",", " ")
    return text.replace(".", ",")


def network_diagram(
    network: list[tuple[str, list[tuple[str, list[str]]], list[str]]], title: str
) -> Figure:
    """The goals -> efforts -> indicators network as three columns of boxes with arrows.

    `network` lists per goal: its label, its efforts as (label, indicator labels) and
    the indicators that follow the goal itself. Drawn with matplotlib only, so the
    same PNG shows in Quarto, the nbconvert fallback, PDF and Word.
    """
    rows: list[tuple[str, str, str]] = []
    for goal, efforts, own in network:
        rows += [(goal, "", indicator) for indicator in own]
        for effort, indicators in efforts:
            rows += [(goal, effort, indicator) for indicator in indicators] or [(goal, effort, "")]
    height = max(2.5, 0.42 * len(rows) + 1.0)
    fig, ax = plt.subplots(figsize=(9.0, height))
    ax.set_xlim(0, 3)
    ax.set_ylim(len(rows), -1)
    ax.axis("off")
    for x, head in ((0.5, "Doel"), (1.5, "Inspanning"), (2.5, "Indicator")):
        ax.text(x, -0.6, head, ha="center", va="center", fontweight="bold", fontsize=10)
    styles = {
        0: (OKABE_ITO["blue"], "white"),
        1: (OKABE_ITO["orange"], "black"),
        2: ("#f0f0f0", "black"),
    }

    def box(column: int, top: int, bottom: int, label: str) -> tuple[float, float]:
        face, ink = styles[column]
        y = (top + bottom) / 2
        ax.text(
            column + 0.5,
            y,
            "\n".join(textwrap.wrap(label, 30)) or "–",
            ha="center",
            va="center",
            fontsize=8,
            color=ink,
            bbox={"boxstyle": "round,pad=0.35", "fc": face, "ec": "#333333", "lw": 0.6},
        )
        return column + 0.5, y

    def arrow(start: tuple[float, float], end: tuple[float, float]) -> None:
        ax.annotate(
            "",
            xy=(end[0] - 0.42, end[1]),
            xytext=(start[0] + 0.42, start[1]),
            arrowprops={"arrowstyle": "->", "color": "#555555", "lw": 0.8},
        )

    i = 0
    for goal, efforts, own in network:
        size = len(own) + sum(max(len(ind), 1) for _, ind in efforts)
        goal_at = box(0, i, i + size - 1, goal)
        for indicator in own:
            arrow(goal_at, box(2, i, i, indicator))
            i += 1
        for effort, indicators in efforts:
            span = max(len(indicators), 1)
            effort_at = box(1, i, i + span - 1, effort)
            arrow(goal_at, effort_at)
            for k, indicator in enumerate(indicators):
                arrow(effort_at, box(2, i + k, i + k, indicator))
            i += span
        ax.axhline(i - 0.5, color="#dddddd", lw=0.6)
    ax.set_title(title, fontsize=11, fontweight="bold")
    fig.tight_layout()
    return fig


def network_alt_text(
    network: list[tuple[str, list[tuple[str, list[str]]], list[str]]], programme: str
) -> str:
    """The network in words: per goal its own indicators and its efforts with theirs."""
    efforts = sum(len(e) for _, e, _ in network)
    parts = [
        f"Schema van het doelen-inspanningen-netwerk van {programme}: "
        f"{len(network)} doelen en {efforts} inspanningen."
    ]
    for goal, goal_efforts, own in network:
        text = f"Doel ‘{goal}’"
        if own:
            text += f", gevolgd met {', '.join(own)}"
        for effort, indicators in goal_efforts:
            text += f"; inspanning ‘{effort}’"
            if indicators:
                text += f" ({', '.join(indicators)})"
        parts.append(text + ".")
    return " ".join(parts)


def comparison_bars(
    values: list[tuple[str, float]], title: str, unit: str, *, synthetic: bool = False
) -> Figure:
    """A few horizontal bars (the wijk, its gemeente, Nederland) for the residents' factsheet."""
    fig, ax = plt.subplots(figsize=(5.0, 0.45 + 0.42 * max(len(values), 1)))
    names = [name for name, _ in values]
    colours = [list(ROLE_COLOURS.values())[k % 3] for k in range(len(values))]
    hatches = ["", "//", ".."]
    bars = ax.barh(names, [v for _, v in values], color=colours)
    for k, bar in enumerate(bars):
        bar.set_hatch(hatches[k % 3])
        bar.set_edgecolor("white")
        ax.annotate(
            _number(values[k][1], unit) + ("%" if unit == "procent" else ""),
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10, fontweight="bold", loc="left")
    ax.set_xlabel("")
    ax.set_xticks([])
    ax.grid(False)
    sns.despine(ax=ax, left=True, bottom=True)
    if synthetic:
        _watermark(fig)
    fig.tight_layout()
    return fig


def trend_alt_text(series: pd.DataFrame, title: str, unit: str) -> str:
    """A sentence per area with its first and last published value, for screen readers."""
    parts = [f"Lijngrafiek van {title.lower()} ({unit})."]
    for _, group in series.groupby("area_name", sort=False):
        group = group.sort_values("year")
        first, last = group.iloc[0], group.iloc[-1]
        parts.append(
            f"{first['area_name']}: {_number(first['value'], unit)} in {int(first['year'])}, "
            f"{_number(last['value'], unit)} in {int(last['year'])}."
        )
    return " ".join(parts)


def save_figure(fig: Figure, path: Path) -> Path:
    """Save as PNG without time or version metadata (byte-identical reruns) and close it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    return path


class FigureOutput:
    """A saved PNG shown with its alt text.

    The HTML rendering is an <img> with an `alt` attribute (read by screen readers in
    both the Quarto and the nbconvert site); formats without HTML (PDF, Word) take the
    PNG. The notebooks print the same text visibly below the figure as well.
    """

    def __init__(self, path: Path, alt: str) -> None:
        self.path = Path(path)
        self.alt = alt

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        data = base64.b64encode(self.path.read_bytes()).decode("ascii")
        img = (
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt, quote=True)}"'
            ' style="max-width:100%;height:auto">'
        )
        return {"image/png": data, "text/html": img, "text/plain": self.alt}


def figure_output(fig: Figure, path: Path, alt: str) -> FigureOutput:
    """Save `fig` deterministically and return it with its alt text, ready to display()."""
    return FigureOutput(save_figure(fig, path), alt)
