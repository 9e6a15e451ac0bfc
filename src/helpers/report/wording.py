"""Words every report part shares: labels, notices, captions, plain text from params and data."""

from __future__ import annotations

import platform
from importlib import metadata

import pandas as pd

from helpers.report.dutch import (
    SOURCE_KINDS,
)
from helpers.report.print_layout import print_only, screen_only

SIGNIFICANCE = 0.05


LEVEL_LABELS = {
    "input": "input",
    "activity": "activiteit",
    "output": "prestatie",
    "outcome": "effect",
    "impact": "maatschappelijk effect",
    "context": "context",
}


ROLE_LABELS = {"programma": "programmagebied", "gemeente": "gemeente", "nederland": "Nederland"}


def synthetic_callout(synthetic: bool) -> str:
    """The banner for reports built on demo data only ('' for real data).

    Pages that may mix real and synthetic sources use `provenance_callout`.
    """
    if not synthetic:
        return ""
    return (
        "::: {.callout-warning}\n"
        "## Synthetische gegevens\n\n"
        "**Alle cijfers op deze pagina zijn synthetisch**: gegenereerd door de demo van "
        "wijkmonitor in het formaat van de echte bronnen. Ze zeggen niets over de wijk en "
        "mogen niet worden geciteerd.\n"
        ":::\n"
    )


def source_provenance(table: pd.DataFrame) -> pd.DataFrame:
    """Every source of a table's rows, real or synthetic: columns kind, table_id, synthetic,
    label (the source in words, with its CBS table id). From the rows' own `source` and
    `synthetic`, so a page can say which of its figures are real."""
    if table.empty:
        return pd.DataFrame(columns=["kind", "table_id", "synthetic", "label"])
    split = table["source"].astype(str).str.split(":", n=1, expand=True)
    frame = pd.DataFrame(
        {
            "kind": split[0],
            "table_id": split[1].fillna("") if 1 in split else "",
            "synthetic": table["synthetic"].astype(bool).to_numpy(),
        }
    ).drop_duplicates()
    frame = frame.sort_values(["synthetic", "kind", "table_id"]).reset_index(drop=True)
    frame["label"] = [
        SOURCE_KINDS.get(kind, kind) + (f" ({table_id})" if table_id else "")
        for kind, table_id in zip(frame["kind"], frame["table_id"], strict=True)
    ]
    return frame


def provenance_callout(table: pd.DataFrame) -> str:
    """The page banner naming which sources are synthetic and which are real.

    Only demo data: the synthetic banner. Real CBS/RIVM figures beside synthetic local
    sources (a real cycle before the programme's own data arrive): both lists, so that
    a real figure is never called synthetic. Only real data: the sources, as real.
    """
    sources = source_provenance(table)
    fake = list(dict.fromkeys(sources.loc[sources["synthetic"], "label"]))
    real = list(dict.fromkeys(sources.loc[~sources["synthetic"], "label"]))
    if fake and not real:
        return synthetic_callout(True)
    real_text = "; ".join(real)
    if not fake:
        return (
            "::: {.callout-note}\n## Bronnen op deze pagina\n\n"
            f"**Alle cijfers op deze pagina zijn echt**, gepubliceerd door de bron: {real_text}.\n"
            ":::\n"
        )
    return (
        "::: {.callout-warning}\n## Echte en synthetische gegevens\n\n"
        f"**Echt** (gepubliceerd door de bron): {real_text}.\n\n"
        f"**Synthetisch** (gegenereerd door de demo van wijkmonitor; zeggen niets over de "
        f"wijk en mogen niet worden geciteerd): {'; '.join(fake)}.\n\n"
        "Bij elke tabel en figuur staat welke van de twee ze toont.\n"
        ":::\n"
    )


def provenance_note(synthetic: bool) -> str:
    """The line above a table or figure: synthetic, or real published figures."""
    if synthetic:
        return synthetic_note(True)
    return "*Echte cijfers, zoals gepubliceerd door de bron (zie de bronregels).*"


def table_caption(title: str, synthetic: bool) -> str:
    """A bold caption line above a table, naming synthetic data where that applies."""
    mark = " — SYNTHETISCHE GEGEVENS" if synthetic else ""
    return f"**{title}{mark}**"


def session_info() -> str:
    """Versions behind this run, for the closing cell of every report."""
    packages = ["pandas", "numpy", "statsmodels", "seaborn", "matplotlib", "papermill"]
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in packages)
    own = metadata.version("wijkmonitor")
    return f"Python {platform.python_version()}; {versions}; wijkmonitor {own}"


SOURCE_LABELS = SOURCE_KINDS


DIRECTION_LABELS = {
    "higher_is_better": "hoger is beter",
    "lower_is_better": "lager is beter",
    "neutral": "geen (context)",
}


CBS_ATTRIBUTION = (
    "Bron: CBS. Gegevens van het Centraal Bureau voor de Statistiek (StatLine), "
    "gebruikt onder licentie "
    "[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/deed.nl)."
)


CAVEAT_TITLE = "Let op bij deze reeks"


def caveat_callout(caveats: list[str]) -> str:
    """The caveats of a series ('' when there are none): on screen a Quarto 'caution'
    callout listing them; in print one line (`caveat_line`). Quarto's Typst callout is an
    unbreakable box with a title band and insets, some 60 pt a series: over the goals of
    a large programme that took an annual report past 16 A4 pages (issue 26)."""
    if not caveats:
        return ""
    items = "\n".join(f"- {c}" for c in caveats)
    callout = f"::: {{.callout-caution}}\n## {CAVEAT_TITLE}\n\n{items}\n:::\n"
    return screen_only(callout) + print_only(caveat_line(caveats))


def caveat_line(caveats: list[str]) -> str:
    """The caveats as the one paragraph print shows: the callout's title as an italic
    lead-in, then each caveat (each a sentence of its own)."""
    return f"*{CAVEAT_TITLE}:* " + " ".join(c.strip() for c in caveats)


def synthetic_note(synthetic: bool) -> str:
    """A line above a table built on demo data ('' for real data)."""
    return (
        "**SYNTHETISCHE GEGEVENS** — de tabel hieronder beschrijft geen echte wijk."
        if synthetic
        else ""
    )
