"""Counting and telling: the qualitative notes beside the numbers, per goal."""

from __future__ import annotations

import pandas as pd

from helpers.report.escaping import plain_text

NOTE_KINDS = {
    "citaat": ("citaat", "citaten"),
    "observatie": ("observatie", "observaties"),
    "werksessie": ("werksessie", "werksessies"),
}


def curated_notes(notes: pd.DataFrame, goal_id: str) -> pd.DataFrame:
    """The notes of one goal, each text once: a note told in several years (or sessions)
    keeps its first source and date, with every year it came up in `years`."""
    rows = notes[notes["goal"].eq(goal_id)] if not notes.empty else notes
    if rows.empty:
        return rows.assign(years="")
    rows = rows.sort_values(["year", "date"], kind="stable")
    years = rows.groupby(["type", "text"], sort=False)["year"].agg(
        lambda y: ", ".join(dict.fromkeys(str(v) for v in y))
    )
    first = rows.drop_duplicates(["type", "text"]).reset_index(drop=True)
    first["years"] = [
        years[(kind, text)] for kind, text in zip(first["type"], first["text"], strict=True)
    ]
    return first


def notes_synthesis(curated: pd.DataFrame, told: pd.DataFrame) -> str:
    """One counted sentence over a goal's notes (`told`: all of them, `curated`: each
    once): how many, of which kind, over which years, how many came up more than once.
    No claim about what they mean."""
    kinds = curated["type"].astype(str).value_counts()
    rank = {kind: k for k, kind in enumerate(NOTE_KINDS)}
    order = sorted(kinds.index, key=lambda kind: (rank.get(kind, len(rank)), kind))
    parts = [
        f"{kinds[kind]} {NOTE_KINDS.get(kind, (kind, kind))[int(kinds[kind] != 1)]}"
        for kind in order
    ]
    span = f"{told['year'].min()}–{told['year'].max()}"
    text = f"{len(curated)} verschillende verhalen uit {span} ({', '.join(parts)})"
    repeated = int(curated["years"].str.contains(",").sum())
    if len(told) > len(curated):
        verb = "kwam" if repeated == 1 else "kwamen"
        text += f"; {repeated} daarvan {verb} vaker terug ({len(told)} keer verteld)"
    return plain_text(text) + "."


def notes_markdown(notes: pd.DataFrame, goal_id: str, goal_label: str) -> str:
    """The stories told about one goal, each once, with a counted synthesis first, as
    markdown quotes and observations (text escaped)."""
    rows = curated_notes(notes, goal_id)
    if rows.empty:
        return f"*Geen verhalen vastgelegd bij ‘{plain_text(goal_label)}’.*"
    lines = [f"*{notes_synthesis(rows, notes[notes['goal'].eq(goal_id)])}*", ""]
    for _, note in rows.iterrows():
        where = f"{plain_text(note['source'])}, {plain_text(note['date'])}"
        text = plain_text(note["text"])
        if note["type"] == "citaat":
            lines.append(f"> “{text}”  \n> — *{where}*")
        else:
            kind = plain_text(str(note["type"]).capitalize())
            lines.append(f"- **{kind} ({plain_text(note['years'])})**: {text} (*{where}*)")
        lines.append("")
    return "\n".join(lines)
