"""The crime figure on the recorded real data, as the joint indicator computes it:
47018NED (buurten, 2023) and 47013NED (gemeenten) fetched by the real cbsodata client
from the loopback server replaying the recordings in ../shared, the engine's
`crime_values` per programme area and gemeente, KWB 2023 inhabitants per buurt.

    .venv/bin/python docs/screenshots/crime_recorded.py

Writes docs/screenshot-crime-recorded.png. A gemeente's inhabitants are the sum of its
buurten (the recording has buurt populations only); its count is 47013NED's own.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from cbs_server import (  # noqa: E402
    ReplayServer,
    crime_47013_tables,
    crime_47018_tables,
    one_year_project,
)

from helpers.config import Paths, load_project  # noqa: E402
from helpers.indicators.engine import crime_long, crime_values, membership  # noqa: E402
from helpers.report.dutch import format_value  # noqa: E402
from helpers.sources.cbs_crime import (  # noqa: E402
    fetch_crime,
    fetch_crime_gemeenten,
    read_crime,
    read_crime_gemeenten,
)

SHARED = ROOT.parent / "shared" / "data" / "cbs"
POPULATION = "bernasco_misdaad_concentratie_kwb/85618NED_2023/Population85618_2023_4gemeenten.csv"
YEAR = 2023
OUT = ROOT / "docs" / "screenshot-crime-recorded.png"


def fetched(out: Path) -> pd.DataFrame:
    """Both police tables through the real client, as the indicators stage reads them."""
    tables = {**crime_47018_tables(SHARED), **crime_47013_tables(SHARED)}
    with ReplayServer(tables) as server:
        project = one_year_project("opendata.invalid")
        buurten = fetch_crime(project, out, lambda _: None, 0, server.address)
        gemeenten = fetch_crime_gemeenten(project, out, lambda _: None, 0, server.address)
    return pd.concat([read_crime(buurten), read_crime_gemeenten(gemeenten)], ignore_index=True)


def inhabitants() -> pd.DataFrame:
    rows = pd.read_csv(SHARED / POPULATION)
    frame = pd.DataFrame(
        {"year": YEAR, "area_code": rows["nhood_id"].str.strip(), "value": rows["population"]}
    )
    gemeenten = frame.assign(area_code="GM" + frame["area_code"].str[2:6])
    frame = pd.concat(
        [frame, gemeenten.groupby(["year", "area_code"], as_index=False)["value"].sum()]
    )
    return frame.assign(
        column="AantalInwoners",
        table_id="85618NED",
        table_modified="",
        synthetic=False,
        boundary_flag=0,
    )


def main() -> int:
    project = load_project(Paths.from_root(ROOT))
    crime_ind = next(i for i in project.catalogue.indicators if i.source == "politie")
    with tempfile.TemporaryDirectory() as tmp:
        crime = crime_long(fetched(Path(tmp)), synthetic=False)
    kwb = inhabitants()
    keys = list(project.cycle.programmes)
    fig, axes = plt.subplots(len(keys), 1, figsize=(7.2, 1.15 * len(keys) + 0.6))
    for ax, key in zip(axes, keys, strict=True):
        members = membership(project, key, [YEAR])
        rows = crime_values([crime_ind], members, crime, kwb)
        rows = rows[rows["value"].notna()]
        names = rows["area_name"].astype(str).tolist()
        values = rows["value"].astype(float).tolist()
        bars = ax.barh(names, values, color=["#0072B2", "#D55E00"][: len(values)])
        for bar, value, source in zip(bars, values, rows["source"].astype(str), strict=True):
            label = f"{format_value(value, 'per_1000')}  ({source.split(':')[1]})"
            ax.annotate(
                label,
                (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
            )
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_title(f"{crime_ind.label}, {YEAR}", fontsize=10, fontweight="bold", loc="left")
    fig.text(
        0.01,
        0.005,
        "Bron: Politie/CBS (47018NED buurten 2023; gemeenten 47013NED), via de cbsodata-client "
        "uit opnames in ../shared. © Politie.\nInwoners: CBS Kerncijfers wijken en buurten 2023 "
        "(gemeente: som van de buurten).",
        fontsize=7,
        va="bottom",
    )
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.savefig(OUT, dpi=100, metadata={"Software": None})
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
