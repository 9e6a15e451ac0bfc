"""In één oogopslag: a row per indicator, with its statistics in words, and the methods."""

from __future__ import annotations

import math
import re

import pandas as pd

from helpers.config import (
    Indicator,
)
from helpers.indicators import status as status_model
from helpers.indicators.disclosure import REASONS
from helpers.indicators.engine import read_summary
from helpers.indicators.precision import INDEX_DECIMALS
from helpers.indicators.stats import MIN_COUNT_TREND_POINTS, REGISTER_SOURCES, TREND_METHOD
from helpers.report.dutch import (
    BREAK_LABEL,
    MISSING,
    break_words,
    format_change,
    format_index_change,
    format_value,
    is_missing,
)
from helpers.report.programme import ProgrammeContext
from helpers.report.series import (
    _break_text,
    _cell,
    _indicator_row,
    _latest,
    break_year,
    indicator_series,
    target_for,
)
from helpers.report.wording import LEVEL_LABELS


def indicator_summary(ctx: ProgrammeContext) -> pd.DataFrame:
    """The statistics of the programme area, one row per indicator (`stats.SUMMARY_COLUMNS`).

    THE one place the report takes its statistics from: the indicators stage's
    `data/processed/summaries/<key>_summary.csv`, computed there once, tested there.
    """
    path = ctx.paths.summary_table(ctx.key)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `dvc repro indicators` first")
    summary = read_summary(path)
    return summary[summary["area_role"].eq("programma")].reset_index(drop=True)


def statistics_sentence(ctx: ProgrammeContext, indicator_id: str) -> str:
    """What the statistics add to `change_sentence`, in plain words: the change since the
    previous measurement, the trend and the gemeente comparison. Tests, p-values, indices
    and intervals of the trend are in the appendix (`statistics_appendix`)."""
    summary = indicator_summary(ctx).set_index("indicator_id")
    if indicator_id not in summary.index:
        return ""
    row = summary.loc[indicator_id]
    unit = row["unit"]
    parts: list[str] = []
    if not pd.isna(row["change_since_previous"]):
        parts.append(
            f"Sinds de vorige meting ({int(row['previous_year'])}): "
            f"{_format_change(float(row['change_since_previous']), unit)}."
        )
    if not pd.isna(row["trend_slope"]):
        parts.append(trend_words(row))
    if not pd.isna(row["did_vs_gemeente"]) and unit == "procent":
        parts.append(gemeente_comparison_sentence(row, ctx.gemeente_name))
    note = _one_break_wording(ctx, indicator_id, _body_notes(str(row["note"] or "")))
    if note:
        parts.append(f"{note[0].upper()}{note[1:]}.".replace("..", "."))
    return " ".join(parts)


def gemeente_comparison_sentence(row: pd.Series, gemeente: str) -> str:
    """The change against the gemeente with its own period: `did_vs_gemeente` runs from
    the base year to the latest year, so the sentence names both years and the area's
    own change over them, never only the change since the previous measurement."""
    unit = row["unit"]
    since, latest = int(row["base_year"]), int(row["latest_year"])
    return (
        f"Van {since} tot {latest}: {_format_change(float(row['change_since_base']), unit)} in "
        f"het programmagebied, {_format_change(float(row['did_vs_gemeente']), unit)} ten "
        f"opzichte van de verandering in {gemeente} in dezelfde jaren (een beschrijving, geen "
        "bewijs dat het programma het verschil maakte)."
    )


def trend_words(row: pd.Series) -> str:
    """The yearly trend of a count in plain words: the slope, and whether the years lie
    close enough to a straight line to call it a direction (the interval itself is in the
    appendix); without an interval (fewer than five years of a complete count) it says so."""
    unit = row["unit"]
    slope = _format_change(float(row["trend_slope"]), unit)
    text = f"Trend sinds {int(row['trend_from_year'])}: gemiddeld {slope} per jaar"
    lower, upper = row["trend_lower"], row["trend_upper"]
    if pd.isna(lower) or pd.isna(upper):
        return text + " (te weinig jaren om te zeggen of dit een vaste richting is)."
    if float(lower) > 0 or float(upper) < 0:
        rising = float(lower) > 0
        return text + f"; een duidelijke {'stijgende' if rising else 'dalende'} lijn."
    return text + "; de jaren wijken te veel af van een rechte lijn om van een richting te spreken."


def _body_notes(note: str) -> str:
    """The summary's notes without those the body says in its own words (trend intervals,
    the comparison after a break)."""
    skipped = ("trend over ", "verandering en toets vanaf ", "verandering vanaf ")
    return "; ".join(part for part in note.split("; ") if part and not part.startswith(skipped))


def statistics_appendix(ctx: ProgrammeContext) -> pd.DataFrame:
    """The appendix table behind the body's plain words: per indicator the comparison,
    the test and its p-value, the index, the trend with its 95% interval and the change
    against the gemeente."""
    summary = indicator_summary(ctx).set_index("indicator_id")
    rows: list[dict[str, str]] = []
    for indicator_id in ctx.programme.indicator_ids():
        if indicator_id not in summary.index:
            continue
        indicator = ctx.project.indicator(ctx.key, indicator_id)
        row = summary.loc[indicator_id]
        unit = indicator.unit
        if pd.isna(row["latest_year"]):
            continue
        latest = int(row["latest_year"])
        if is_true(row["break_since_base"]) and pd.notna(row["comparison_from_year"]):
            compared = f"{int(row['comparison_from_year'])}–{latest} (eerste jaar na de breuk)"
        elif pd.notna(row["change_since_base"]):
            compared = f"{int(row['base_year'])}–{latest}"
        else:
            compared = MISSING
        trend = MISSING
        if pd.notna(row["trend_slope"]):
            trend = f"{_format_change(float(row['trend_slope']), unit)} per jaar sinds " + str(
                int(row["trend_from_year"])
            )
            if pd.notna(row["trend_lower"]) and pd.notna(row["trend_upper"]):
                trend += (
                    f" (95%-interval {_format_change(float(row['trend_lower']), unit)} tot "
                    f"{_format_change(float(row['trend_upper']), unit)})"
                )
            else:
                trend += " (geen interval: volledige telling over minder dan vijf jaren)"
        index = MISSING
        if pd.notna(row["index_latest"]):
            index = f"{float(row['index_latest']):.{INDEX_DECIMALS}f}".replace(".", ",")
        did = MISSING
        if pd.notna(row["did_vs_gemeente"]):
            did_value = float(row["did_vs_gemeente"])
            did_text = (
                format_change(did_value, unit)
                if unit == "procent"
                else format_index_change(did_value)
            )
            did = f"{did_text} ({row['did_note']})"
        rows.append(
            {
                "indicator": indicator.label,
                "vergelijking": compared,
                "toets": row["test_name"] or MISSING,
                "p-waarde": p_value_text(float(row["p_value"])) or MISSING,
                f"index ({ctx.base_year} = 100)": index,
                "lineaire trend": trend,
                f"verschil met {ctx.gemeente_name}": did,
            }
        )
    return pd.DataFrame(rows)


_BREAK_NOTES = re.compile(r"breuk in de reeks (?:na \d{4}|tussen (\d{4}) en (\d{4}))")


_BASE_BREAK_NOTE = re.compile(r"^breuk in de reeks na \d{4}: geen verandering sinds het basisjaar$")


def _one_break_wording(ctx: ProgrammeContext, indicator_id: str, note: str) -> str:
    """The statistics' notes say 'breuk in de reeks na 2020' or 'tussen 2022 en 2024';
    the reader gets the one wording 'breuk in de reeks vanaf <first year of the new series>'.

    The note on a break since the base year is left out: `change_sentence`, shown just
    before, already says it in those words.
    """

    def unify(match: re.Match) -> str:
        after, until = (int(match[1]), int(match[2])) if match[1] else (ctx.base_year, ctx.year)
        year = break_year(ctx.table, indicator_id, after, until)
        return break_words(year) if year is not None else BREAK_LABEL

    kept = [part for part in note.split("; ") if part and not _BASE_BREAK_NOTE.match(part)]
    return _BREAK_NOTES.sub(unify, "; ".join(kept))


def methods_note(ctx: ProgrammeContext) -> str:
    """The target rule stated once under the at-a-glance table, and where the tests are."""
    summary = indicator_summary(ctx)
    rules = sorted({r for r in summary["target_rule"] if r})
    lines = [f"Streefwaarden: {rule}." for rule in rules]
    if any(t for t in summary["test_name"]):
        lines.append(
            "Welke toets bij welke indicator is gebruikt, met de p-waarden, staat in de "
            "bijlage Statistische toelichting."
        )
    return "\n\n".join(f"*{line}*" for line in lines)


def statistics_methods(ctx: ProgrammeContext) -> str:
    """The methods behind the appendix table, named once: tests, threshold, trend."""
    summary = indicator_summary(ctx)
    tests = sorted({t for t in summary["test_name"] if t})
    lines = []
    if tests:
        lines.append(
            f"Toets (5%-niveau): {'; '.join(tests)}. Een p-waarde onder 0,05 heet in de tekst "
            "*waarschijnlijk een echte stijging* of *daling*, anders *het verschil kan toeval "
            "zijn*."
        )
    if summary["trend_slope"].notna().any():
        lines.append(
            f"Trend: {TREND_METHOD}; bij een volledige telling over minder dan "
            f"{MIN_COUNT_TREND_POINTS} jaren zonder interval."
        )
    return "\n\n".join(f"*{line}*" for line in lines)


TARGET_WORDS = {key: status_model.label(key) for key in status_model.STATUSES}


"""The symbols belong to the target status only; the uncertainty of a change is said in
words (`significance_words`), so ✔ never means both "op koers" and "significant"."""


CERTAIN_UP = "waarschijnlijk een echte stijging"


CERTAIN_DOWN = "waarschijnlijk een echte daling"


CHANCE = "het verschil kan toeval zijn"


COMPLETE_COUNT = "volledige telling, geen steekproef"


def change_words(change: float, direction: str, unit: str) -> str:
    """Direction of a change as symbol and words, with whether that is good news."""
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return f"{MISSING} geen vergelijking"
    if change == 0:
        return "= gelijk gebleven"
    up = change > 0
    text = ("▲ hoger " if up else "▼ lager ") + f"({_format_change(change, unit)})"
    if direction == "neutral":
        return text
    good = up == (direction == "higher_is_better")
    return text + (", gunstig" if good else ", ongunstig")


def is_true(flag: str | float | None) -> bool:
    """A yes/no column as read from a CSV: True, 'True'/'true' or 1 (missing is no)."""
    if isinstance(flag, str):
        return flag.strip().lower() in ("true", "1", "ja")
    return bool(flag) if flag is not None and not pd.isna(flag) else False


def significance_words(
    p_value: float, significant: str | float | None, change: float = math.nan, source: str = ""
) -> str:
    """The uncertainty of a change in plain Dutch, for the body of the report.

    'waarschijnlijk een echte daling' / 'het verschil kan toeval zijn' for a survey
    change with a test; 'volledige telling, geen steekproef' for a change in a register
    (no sampling error to speak of); 'n.v.t.' otherwise. Test names and p-values are in
    the appendix (`statistics_appendix`).
    """
    if p_value is None or (isinstance(p_value, float) and math.isnan(p_value)):
        if source in REGISTER_SOURCES and not is_missing(change):
            return COMPLETE_COUNT
        return "n.v.t."
    if not is_true(significant):
        return CHANCE
    if is_missing(change) or change == 0:
        return "waarschijnlijk een echt verschil"
    return CERTAIN_UP if change > 0 else CERTAIN_DOWN


def p_value_text(p_value: float) -> str:
    """'p = 0,012' / 'p < 0,001' for the appendix ('' without a test)."""
    if p_value is None or (isinstance(p_value, float) and math.isnan(p_value)):
        return ""
    return "p < 0,001" if p_value < 0.001 else f"p = {p_value:.3f}".replace(".", ",")


def comparison_since(ctx: ProgrammeContext, indicator_id: str, row: pd.Series) -> str:
    """'sinds 2022, het eerste jaar na de breuk' ('' without such a comparison); 'het eerste
    gepubliceerde jaar na de breuk' where the break year itself was withheld or missing."""
    if "comparison_from_year" not in row or pd.isna(row["comparison_from_year"]):
        return ""
    since = int(row["comparison_from_year"])
    latest = int(row["latest_year"]) if pd.notna(row["latest_year"]) else ctx.year
    first = break_year(ctx.table, indicator_id, ctx.base_year, latest)
    what = "het eerste jaar" if first is None or first == since else "het eerste gepubliceerde jaar"
    return f"sinds {since}, {what} na de breuk"


def at_a_glance(ctx: ProgrammeContext) -> pd.DataFrame:
    """The first page: per goal its indicators' latest value, change, significance, target.

    Symbols come with words (▲ hoger, ✔ op koers, …), never colour alone.
    """
    summary = indicator_summary(ctx).set_index("indicator_id")
    rows = []
    for goal in ctx.programme.goals:
        ids = list(dict.fromkeys(goal.indicators + [i for e in goal.efforts for i in e.indicators]))
        for indicator_id in ids:
            indicator = ctx.project.indicator(ctx.key, indicator_id)
            row = _indicator_row(summary, indicator_id)
            rows.append(_glance_row(ctx, goal.label, indicator, row))
    return pd.DataFrame(rows)


def _glance_row(
    ctx: ProgrammeContext, goal: str, indicator: Indicator, row: pd.Series | None
) -> dict:
    year = None if row is None or pd.isna(row["latest_year"]) else int(row["latest_year"])
    if row is None:
        change, p_value, significant, status, broken = math.nan, math.nan, None, "unknown", False
        note, movement = "", ""
    else:
        change, p_value = float(row["change_since_base"]), float(row["p_value"])
        significant, status = row["significant"], row["target_status"]
        movement = str(row.get("target_movement", "") or "")
        broken = is_true(row["break_since_base"])
        note = str(row.get("target_note", "") or "")
    if row is None or year is None:  # year is None where row is
        latest = _shown(ctx, indicator, "programma", _last_year(ctx.table, indicator.id))
    else:
        latest = f"{format_value(float(row['latest_value']), indicator.unit)} ({year})"
    if broken and row is not None:  # broken only with a row
        shown_change = (
            f"{_break_text(ctx, indicator.id, year)}: geen vergelijking met {ctx.base_year}"
        )
        compared = comparison_since(ctx, indicator.id, row)
        change = float(row["change_since_comparison"]) if compared else math.nan
        if compared:
            words = change_words(change, indicator.direction, indicator.unit)
            shown_change += f"; {compared}: {words}"
    else:
        shown_change = change_words(change, indicator.direction, indicator.unit)
    target = target_for(ctx, indicator.id)
    return {
        "doel": goal,
        "indicator": indicator.label,
        "laatste waarde": latest,
        f"verandering sinds {ctx.base_year}": shown_change,
        "echt verschil of toeval?": significance_words(
            p_value, significant, change, indicator.source
        ),
        "streefwaarde": (
            f"{format_value(target[1], indicator.unit)} in {target[0]}: "
            f"{_target_words(status, movement)}" + (f" ({note})" if note else "")
            if target
            else f"{MISSING} geen streefwaarde"
        ),
    }


def _target_words(status: object, movement: str = "") -> str:
    """The status model's words, as the first screen and the exports say them."""
    return status_model.words(str(status), movement)


def _last_year(table: pd.DataFrame, indicator_id: str) -> int | None:
    rows = table[table["indicator_id"].eq(indicator_id) & table["area_role"].eq("programma")]
    return int(rows["year"].max()) if not rows.empty else None


GLANCE_LEGEND = (
    "▲ hoger / ▼ lager / = gelijk dan in de nulmeting, met *gunstig* of *ongunstig* waar de "
    "indicator een gewenste richting heeft; na een breuk in de reeks de verandering sinds het "
    "eerste jaar na de breuk. *Echt verschil of toeval?* geldt voor cijfers uit een enquête, "
    "die op een steekproef berusten: *waarschijnlijk een echte stijging* (of *daling*) als het "
    "verschil groter is dan wat toeval bij een steekproef van deze omvang meestal geeft, *het "
    "verschil kan toeval zijn* als dat niet zo is. Ook een waarschijnlijk echt verschil kan "
    "toeval zijn, en zegt niet waardoor het komt. Tellingen (registraties, CBS) zijn volledig "
    "en hebben die onzekerheid niet. Streefwaarde, vóór het streefjaar: ✔ op koers / ✘ niet "
    "op koers / ≈ nog niet te zeggen (het verschil met de lijn van de nulmeting naar de "
    "streefwaarde valt binnen de onzekerheid van de meting); vanaf het streefjaar: ✔ gehaald "
    "/ ✘ niet gehaald / ≈ niet met zekerheid te zeggen (de streefwaarde ligt binnen de "
    "onzekerheid van de meting); tussen haakjes of de waarde sinds de nulmeting richting de "
    "streefwaarde ging of ervan af; ? onbekend met de reden. De symbolen staan alleen bij de "
    "streefwaarde. Toetsen, "
    "p-waarden en indexcijfers staan in de bijlage *Statistische toelichting*."
)


def key_figures(ctx: ProgrammeContext) -> pd.DataFrame:
    """Per indicator of the network: latest published value, comparisons, change, target.

    A suppressed cell shows its reason instead of a number.
    """
    summary = indicator_summary(ctx).set_index("indicator_id")
    rows = []
    for indicator_id in ctx.programme.indicator_ids():
        indicator = ctx.project.indicator(ctx.key, indicator_id)
        rows.append(_key_figure_row(ctx, indicator, _indicator_row(summary, indicator_id)))
    return pd.DataFrame(rows)


def _shown(ctx: ProgrammeContext, indicator: Indicator, role: str, year: int | None) -> str:
    if year is None:
        return MISSING
    cell = _cell(ctx.table, indicator.id, role, year)
    if cell is None:
        return MISSING
    if bool(cell["suppressed"]):
        return f"onderdrukt ({REASONS.get(cell['suppression_reason'], cell['suppression_reason'])})"
    return format_value(float(cell["value"]), indicator.unit)


def _key_figure_row(ctx: ProgrammeContext, indicator: Indicator, stats: pd.Series | None) -> dict:
    own = indicator_series(ctx.table, indicator.id)
    _, year = _latest(own[own["area_role"].eq("programma")])
    if year is None:
        rows = ctx.table[ctx.table["indicator_id"].eq(indicator.id)]
        year = int(rows["year"].max()) if not rows.empty else None
    target = next((t for t in ctx.programme.targets if t.indicator == indicator.id), None)
    return {
        "indicator": indicator.label,
        "niveau": LEVEL_LABELS[indicator.level],
        "jaar": year if year is not None else MISSING,
        ctx.programme.name: _shown(ctx, indicator, "programma", year),
        ctx.gemeente_name: _shown(ctx, indicator, "gemeente", year),
        "Nederland": _shown(ctx, indicator, "nederland", year),
        f"verschil t.o.v. {ctx.base_year}": _key_change(ctx, indicator, stats, year),
        "streefwaarde": (
            f"{format_value(target.value, indicator.unit)} in {target.year}" if target else MISSING
        ),
    }


def _key_change(
    ctx: ProgrammeContext, indicator: Indicator, stats: pd.Series | None, year: int | None
) -> str:
    """The change since the base year with the plain words on its uncertainty; after a
    break, the change since the first year after it, labelled as such."""
    if stats is None:
        return MISSING
    if is_true(stats["break_since_base"]):
        text = f"{MISSING} ({_break_text(ctx, indicator.id, year)})"
        compared = comparison_since(ctx, indicator.id, stats)
        if not compared:
            return text
        change = _format_change(float(stats["change_since_comparison"]), indicator.unit)
        words = _words_in_brackets(stats, indicator, "change_since_comparison")
        return f"{text}; {compared}: {change}{words}"
    return _format_change(float(stats["change_since_base"]), indicator.unit) + _words_in_brackets(
        stats, indicator, "change_since_base"
    )


def _words_in_brackets(stats: pd.Series, indicator: Indicator, column: str) -> str:
    words = significance_words(
        float(stats["p_value"]), stats["significant"], float(stats[column]), indicator.source
    )
    return f" ({words})" if words != "n.v.t." else ""


def _format_change(change: float, unit: str) -> str:
    return format_change(change, unit)
