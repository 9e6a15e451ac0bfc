"""`plots.tight_layout` and `plots.tight_box` measure a chart once where matplotlib's
`tight_layout(rect=...)` and `savefig(bbox_inches="tight")` measure it twice or more:
they must give the same subplot parameters and the same PNG bytes."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from helpers.report import plots

BOTTOM = 0.17


def panels(rows: int = 1) -> Figure:
    """Small multiples as the joint report draws them: titled panels, rotated years,
    a legend under them, a title over them, a watermark."""
    plots.house_style()
    fig, axes = plt.subplots(rows, 4, figsize=(6.6, 2.8 * rows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.plot([2019, 2021, 2024], [10.0 * k, 12.5, 1_000.0 * k], marker="o", label="gebied")
        ax.set_title(f"Programma {k}\n(gemeente {'Utrecht' * (k + 1)})", fontsize=8)
        ax.set_xticks([2019, 2020, 2021, 2022, 2023, 2024])
        ax.tick_params(axis="x", labelrotation=90, labelsize=8)
    axes[0][0].set_ylabel("procent")
    fig.legend(*axes[0][0].get_legend_handles_labels(), loc="lower center", frameon=False)
    fig.suptitle("Ervaren gezondheid", fontweight="bold", fontsize=11)
    fig.text(0.5, 0.5, plots.SYNTHETIC_MARK, fontsize=26, rotation=20, alpha=0.12)
    return fig


def params(fig: Figure) -> tuple[float, ...]:
    p = fig.subplotpars
    return (p.left, p.right, p.bottom, p.top, p.wspace, p.hspace)


def png(fig: Figure, box: Bbox | str) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=plots.DPI, metadata={"Software": None}, bbox_inches=box)
    plt.close(fig)
    return buffer.getvalue()


@pytest.mark.parametrize("rows", [1, 2])
def test_one_measuring_gives_matplotlibs_subplot_parameters(rows: int) -> None:
    theirs, ours = panels(rows), panels(rows)
    theirs.tight_layout(rect=(0, BOTTOM, 1, 1))
    plots.tight_layout(ours, bottom=BOTTOM)
    assert params(ours) == pytest.approx(params(theirs), rel=1e-12, abs=1e-12)
    plt.close(theirs)
    plt.close(ours)


def test_the_shortcut_alone_would_be_wrong_for_two_rows() -> None:
    """Why `tight_layout` hands several rows to matplotlib: the shortcut (one pass, then
    the rect's bottom added) keeps the first pass's space between the rows."""
    theirs, shortcut = panels(2), panels(2)
    theirs.tight_layout(rect=(0, BOTTOM, 1, 1))
    shortcut.tight_layout()
    shortcut.subplots_adjust(bottom=shortcut.subplotpars.bottom + BOTTOM)
    assert shortcut.subplotpars.hspace != pytest.approx(theirs.subplotpars.hspace, rel=1e-6)
    plt.close(theirs)
    plt.close(shortcut)


def test_a_chart_laid_out_and_cropped_once_is_the_same_png() -> None:
    theirs, ours = panels(), panels()
    theirs.tight_layout(rect=(0, BOTTOM, 1, 1))
    plots.tight_layout(ours, bottom=BOTTOM)
    assert png(ours, plots.tight_box(ours)) == png(theirs, "tight")
