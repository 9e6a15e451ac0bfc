"""The whole cycle on real CBS and RIVM data: one cold `dvc repro` with `source: cbs`.

The real `cbsodata` client fetches the recordings in ../shared/data/cbs from a
loopback server (tests/cbs_server.py) during the fetch stage; every later stage runs
as a researcher runs it. The cycle is cut to what the recordings can serve: KWB 2024
(gemeenten and wijken with 8 measures, buurten with their inhabitants; no Nederland
row) and the health monitor 50090NED (waves 2012, 2016, 2020). The local sources
stay the synthetic demo ones, so the pages mix real and synthetic sources and must
say which is which.

The rendered pages in reports/_site must show the published CBS values of the
programme areas and their gemeenten in the context section, and the 50090NED
estimates of the latest wave (2020, shown with its own year in a 2024 cycle),
labelled as real.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from cbs_server import (
    ReplayServer,
    health_50090_tables,
    health_csv_rows,
    kwb_2024_tables,
    recorded_cycle,
    set_area_codes,
)
from support import VENV_BIN, copy_project, run

from helpers.report.dutch import format_value

pytestmark = [pytest.mark.realdata, pytest.mark.pipeline]

DVC = str(VENV_BIN / "dvc")
GEMEENTEN = ("GM0307", "GM0344", "GM0355", "GM0356")
KWB_2024 = "niquedegraaff_kwb2024_85984NED/stripped_filtered_data_2024.json"
# programme -> (its area in the recordings, its gemeente); Betere Buurten as two wijken
# of Nieuwegein (its buurten are split after the 2020 classification of 50090NED)
AREAS = {
    "overvecht": ("WK034403", "GM0344"),
    "soesterkwartier": ("WK030703", "GM0307"),
    "vollenhove": ("BU03550205", "GM0355"),
    "betere_buurten": ("WK035604 WK035610", "GM0356"),
}
HEALTH_COLUMN = "ErvarenGezondheidGoedZeerGoed_4"


def real_params(root: Path, address: str) -> None:
    """The shipped params, cut to 2024 and pointed at the loopback server."""
    cycle = root / "params" / "cycle.yaml"
    text = cycle.read_text(encoding="utf-8")
    cycle.write_text(
        recorded_cycle(text, ("catalog_url: opendata.cbs.nl", f"catalog_url: {address}")),
        encoding="utf-8",
    )
    codes = ", ".join(AREAS["betere_buurten"][0].split())
    set_area_codes(root / "params" / "programmes", {"betere_buurten": codes})


@pytest.fixture(scope="module")
def real_cycle(shared_cbs, tmp_path_factory) -> Path:
    """A copy of the project after one cold `dvc repro` on the real recordings."""
    root = copy_project(tmp_path_factory.mktemp("real") / "project")
    kwb = kwb_2024_tables(shared_cbs, GEMEENTEN, nederland=True)
    tables = {**kwb, **health_50090_tables(shared_cbs)}
    with ReplayServer(tables) as server:
        real_params(root, server.address)
        run(["git", "commit", "-qam", "real data"], root)
        run([DVC, "repro"], root, timeout=1800)
    return root


def page(root: Path, slug: str) -> str:
    """The text of a rendered page, tags stripped, whitespace collapsed; without its table
    of contents, so that a heading is found where its section is."""
    html = (root / "reports" / "_site" / f"{slug}.html").read_text(encoding="utf-8")
    html = re.sub(r'<nav class="wm-toc".*?</nav>', " ", html, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", html)
    return " ".join(text.replace("&nbsp;", " ").split())


def published_kwb(shared_cbs: Path) -> dict[str, dict[str, float]]:
    return json.loads((shared_cbs / KWB_2024).read_text(encoding="utf-8"))


def health_2020(shared_cbs: Path) -> dict[str, float]:
    """The published 18+ estimate of experienced health in 2020, by area code."""
    return {
        row["WijkenEnBuurten"].strip(): float(row[HEALTH_COLUMN])
        for row in health_csv_rows(shared_cbs)
        if row["Perioden"] == "2020JJ00"
        and row["Leeftijd"] == "20300"
        and row[HEALTH_COLUMN].strip() not in ("", ".")
    }


def test_context_section_shows_the_published_kwb_values_as_real(real_cycle, shared_cbs):
    published = published_kwb(shared_cbs)
    for key, (area, gemeente) in AREAS.items():
        text = page(real_cycle, key)
        assert "De wijk in cijfers" in text, key
        assert "Alle cijfers op deze pagina zijn synthetisch" not in text, key
        # the sources notice (inside the one CONCEPT banner while the page is a draft)
        banner = text[text.index("Echt (gepubliceerd door de bron):") :]
        real, fake = banner[: banner.index("Bij elke tabel")].split("Synthetisch (")
        assert "Echt (gepubliceerd door de bron):" in real, key
        assert "CBS Kerncijfers wijken en buurten (85984NED)" in real, key
        assert "RIVM/GGD/CBS Gezondheid per wijk en buurt (modelschatting) (50090NED)" in real
        assert "enquête" in fake and "85984NED" not in fake and "50090NED" not in fake, key
        assert "Echte cijfers, zoals gepubliceerd door de bron" in text, key
        # the source line: table, year and CBS's revision date in Dutch
        assert "85984NED" in text and "27 maart 2025" in text, key
        context = text[text.index("De wijk in cijfers") : text.index("Gezondheid volgens")]
        gemeente_inhabitants = format_value(published[gemeente]["AantalInwoners_5"], "aantal")
        assert f"Aantal inwoners {ctx_name(real_cycle, key)} " in context
        assert gemeente_inhabitants in context, (key, gemeente_inhabitants)
        if " " not in area and area.startswith("WK"):
            inhabitants = format_value(published[area]["AantalInwoners_5"], "aantal")
            dwellings = format_value(published[area]["Woningvoorraad_35"], "aantal")
            density = format_value(published[area]["Bevolkingsdichtheid_34"], "per_km2")
            assert inhabitants in context and dwellings in context and density in context, key
    overvecht = page(real_cycle, "overvecht")
    assert "35.255" in overvecht and "374.238" in overvecht  # Overvecht and Utrecht, 2024
    assert "4.325" in page(real_cycle, "vollenhove")  # buurt Vollenhove, 2024


def ctx_name(root: Path, key: str) -> str:
    """The programme's name as the params give it (the row label of its area)."""
    data = yaml.safe_load((root / "params" / "programmes" / f"{key}.yaml").read_text())
    return str(data["name"])


def test_health_section_shows_the_latest_50090_wave_with_its_own_year(real_cycle, shared_cbs):
    health = health_2020(shared_cbs)
    kwb = published_kwb(shared_cbs)
    for key, (area, gemeente) in AREAS.items():
        text = page(real_cycle, key)
        section = text[text.index("Gezondheid volgens de RIVM-schattingen") :]
        row = section[section.index("Ervaren gezondheid goed of zeer goed (18+, RIVM-schatting)") :]
        row = row[:400]
        assert "2020" in row, key
        assert format_value(health[gemeente], "procent") in row, key
        assert format_value(health["NL01"], "procent") in row, key
        if " " in area:  # several wijken: an inhabitants-weighted estimate, labelled
            codes = area.split()
            weights = [kwb[c]["AantalInwoners_5"] for c in codes]
            mean = sum(w * health[c] for w, c in zip(weights, codes, strict=True)) / sum(weights)
            assert format_value(round(mean + 1e-9, 1), "procent") in row, key
            assert "gewogen gemiddelde" in row and "CBS Kerncijfers 2024" in row, key
            assert "interval" in row  # "geen ... interval": none is claimed
        else:
            assert format_value(health[area], "procent") in row, key
            assert "gepubliceerde schatting" in row, key
        assert "50090NED" in section and "echt" in section, key
    assert "69,9%" in page(real_cycle, "overvecht")  # Overvecht 2020, 18+


def test_joint_report_and_tables_name_real_and_synthetic_sources(real_cycle, shared_cbs):
    slugs = [p.stem for p in (real_cycle / "reports" / "_site").glob("*.html")]
    joint = next(s for s in slugs if s not in AREAS and "factsheet" not in s and s != "index")
    text = page(real_cycle, joint)
    assert "Alle cijfers op deze pagina zijn synthetisch" not in text
    assert "RIVM/GGD/CBS Gezondheid per wijk en buurt (modelschatting) (50090NED)" in text
    assert "35.255" in text and "69,9%" in text
    # one overview table per provenance: the real RIVM columns not under a synthetic caption
    assert "Gezondheid volgens de RIVM-schattingen — SYNTHETISCHE" not in text
    assert "Gezondheid volgens de RIVM-schattingen Echte cijfers" in text
    assert "Betere Buurten: de RIVM-cijfers van het programmagebied zijn een gewogen" in text
    table = pd.read_csv(real_cycle / "data" / "processed" / "indicators" / "overvecht.csv")
    real = table[table["source"].str.startswith(("cbs_kwb", "cbs_health"))]
    assert not real.empty and not real["synthetic"].any()
    sheet = pd.read_excel(
        real_cycle / "reports" / "_site" / "tabellen" / "overvecht_indicatoren.xlsx",
        sheet_name="toelichting",
    )
    notes = " ".join(sheet["toelichting"])
    assert "Echte cijfers (gepubliceerd door de bron): " in notes
    assert "CBS Kerncijfers wijken en buurten (85984NED)" in notes
    assert "RIVM/GGD/CBS Gezondheid per wijk en buurt (modelschatting) (50090NED)" in notes
    assert "SYNTHETISCHE GEGEVENS (demo" in notes


def test_the_statement_audit_passes_on_real_data(real_cycle):
    """The audit stage (docs/validation.md) on the real recordings: the KWB figures of
    2024, the empty Nederland row and the synthetic local sources, all agreeing."""
    data = json.loads((real_cycle / "reports" / "audit.json").read_text(encoding="utf-8"))
    for key in AREAS:
        assert data["documents"][f"{key}.html"]["checked"] >= 50, key
    findings = [
        f"{f['document']}: {f['where']}: {f['printed']!r} vs {f['expected']!r}"
        for f in data["findings"][:40]
    ]
    assert data["passed"], "\n".join(findings)
