"""The monitor's figures: one seaborn house style, deterministic files, alt text from data.

Figures are saved without a timestamp or software version in their metadata, so
two runs on the same data give byte-identical PNG files. Synthetic data carry a
watermark on the figure itself, so a figure copied out of a report still says so.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

ROLE_LABELS = {"programma": "Programmagebied", "gemeente": "Gemeente", "nederland": "Nederland"}
ROLE_COLOURS = {"programma": "#01689b", "gemeente": "#e17000", "nederland": "#8fcae7"}
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
        ax.plot(group["year"], group["value"], marker="o", color=colour, label=label)
        if {"lower", "upper"} <= set(group.columns) and group["lower"].notna().any():
            ax.fill_between(
                group["year"], group["lower"], group["upper"], color=colour, alpha=0.15, lw=0
            )
    breaks = series.loc[series.get("series_break", pd.Series(False)).astype(bool), "year"]
    for year in sorted(set(breaks)):
        ax.axvline(year - 0.5, color="#555555", linestyle=":", lw=1)
    if target is not None:
        ax.plot([target[0]], [target[1]], marker="D", color="#39870c", ls="", label="Streefwaarde")
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


def programme_comparison(
    latest: pd.DataFrame, title: str, unit: str, *, synthetic: bool = False
) -> Figure:
    """Horizontal bars: the latest published value of one indicator per programme."""
    fig, ax = plt.subplots(figsize=(7.0, 0.5 + 0.55 * max(len(latest), 1)))
    sns.barplot(data=latest, y="programme_name", x="value", color="#01689b", ax=ax)
    for patch, (_, row) in zip(ax.patches, latest.iterrows(), strict=False):
        ax.annotate(
            f"{row['value']:.1f} ({int(row['year'])})",
            (patch.get_width(), patch.get_y() + patch.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    ax.set_title(title)
    ax.set_xlabel(unit)
    ax.set_ylabel("")
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
        shown = "{:.1f}" if unit == "procent" else "{:,.0f}"
        parts.append(
            f"{first['area_name']}: {shown.format(first['value'])} in {int(first['year'])}, "
            f"{shown.format(last['value'])} in {int(last['year'])}."
        )
    return " ".join(parts)


def save_figure(fig: Figure, path: Path) -> Path:
    """Save as PNG without time or version metadata (byte-identical reruns) and close it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    return path
