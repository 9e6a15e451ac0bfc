"""Personal data in free text as outcomes: told by place and kind, never by value."""

from __future__ import annotations

import pandas as pd

from helpers.validation import privacy
from helpers.validation.results import CRITICAL, MAX_EXAMPLES, WARNING, Outcome


def privacy_outcomes(
    cells: list[tuple[str, str, object]], mode: str, what: str, wat: str
) -> list[Outcome]:
    """One outcome per kind of personal data over (where, column, text) cells.

    Findings are told by place and kind only: the value never reaches the console,
    findings.json or the validation page. With `privacy: redact` a finding is a
    warning and the readers replace it by a visible mark; otherwise it stops the run.
    `what` and `wat` name the screened text in English and Dutch. A note's `source` is
    screened for names without a title too (privacy.SOURCE_NAME).
    """
    found: dict[str, list[tuple[str, str]]] = {kind: [] for kind in privacy.KINDS}
    for where, column, text in cells:
        for kind in privacy.kinds(text, source=column == "source"):
            found[kind].append((where, column))
    severity = WARNING if mode == "redact" else CRITICAL
    outcomes = []
    for kind, places in found.items():
        label, mark = privacy.KINDS[kind]
        action = f"redacted as [verwijderd: {mark}]" if mode == "redact" else "stops the run"
        actie = f"vervangen door [verwijderd: {mark}]" if mode == "redact" else "stopt de run"
        columns = list(dict.fromkeys(column for _, column in places))
        outcomes.append(
            Outcome(
                rule=f"no personal data in {what}: {label} ({action}; the value is not shown)",
                kind="privacy_screen",
                severity=severity,
                column=", ".join(columns),
                success=not places,
                unexpected=len(places),
                examples=[where for where, _ in places[:MAX_EXAMPLES]],
                regel=f"geen persoonsgegevens in {wat}: {mark} ({actie}; de waarde wordt niet "
                "getoond)",
            )
        )
    return outcomes


def table_privacy(
    frame: pd.DataFrame, columns: list[str], mode: str, what: str, wat: str
) -> list[Outcome]:
    """Privacy outcomes over the free-text `columns` of a table with a `where` column."""
    cells = [
        (str(frame.loc[i, "where"]), column, frame.loc[i, column])
        for column in columns
        if column in frame.columns
        for i in frame.index
    ]
    return privacy_outcomes(cells, mode, what, wat)
