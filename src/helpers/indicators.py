"""From validated raw sources to one tidy indicator table per programme.

Every indicator is computed the same way for the programme area, its gemeente and
Nederland, from the catalogue's definition. A programme area made of several
buurten is aggregated from its members: counts summed, rates recomputed from summed
numerators and denominators, survey percentages weighted by respondents. A member
without a published value makes the aggregate unpublished: nothing is imputed.

`indicator_values` does the CBS and survey part for any membership frame, the
whole country included, with vectorised group-by aggregations (no loop per area).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.config import Indicator, Project
from helpers.disclosure import apply_suppression
from helpers.io import write_text_atomic
from helpers.stats import indicator_summary, wilson_intervals

COLUMNS = [
    "programme",
    "area_role",
    "area_code",
    "area_name",
    "area_level",
    "year",
    "indicator_id",
    "level",
    "group",
    "unit",
    "value",
    "numerator",
    "denominator",
    "lower",
    "upper",
    "n",
    "suppressed",
    "suppression_reason",
    "source",
    "source_modified",
    "definition_version",
    "series_break",
    "synthetic",
]
MEMBER_COLUMNS = ["area_role", "area_code", "area_name", "year", "member_code"]
AREA_KEYS = ["area_role", "area_code", "area_name", "year"]
ROLE_ORDER = {"programma": 0, "gemeente": 1, "nederland": 2}
CBS_LEVELS = {"NL": "land", "GM": "gemeente", "WK": "wijk", "BU": "buurt"}
TABLE_META = ["table_id", "table_modified", "synthetic"]
_SURVEY_NAMES = {"jaar": "year", "gebiedcode": "member_code", "indicator": "column"}


def membership(project: Project, key: str, years: Iterable[int]) -> pd.DataFrame:
    """Which CBS areas make up each compared area in each year.

    One row per (area_role, area_code, area_name, year, member_code).
    """
    programme = project.programmes[key]
    gemeente_name = project.cycle.comparison.gemeenten[programme.gemeente]
    rows: list[tuple[str, str, str, int, str]] = []
    for year in years:
        for code in programme.area_codes(year):
            rows.append(("programma", key, programme.name, year, code))
        rows.append(("gemeente", programme.gemeente, gemeente_name, year, programme.gemeente))
        rows.append(("nederland", "NL00", "Nederland", year, "NL00"))
    return pd.DataFrame(rows, columns=MEMBER_COLUMNS)


def _areas(members: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Number each compared area; return (members with `_area`, one row per area).

    The area frame has the member count and the CBS level of the members
    (`land`/`gemeente`/`wijk`/`buurt`, `gemengd` when they differ).
    """
    members = members[MEMBER_COLUMNS].drop_duplicates(ignore_index=True)
    members["_area"] = members.groupby(AREA_KEYS, sort=False).ngroup()
    level = members["member_code"].str[:2].map(CBS_LEVELS).fillna("onbekend")
    grouped = pd.DataFrame({"_area": members["_area"], "level": level}).groupby("_area")["level"]
    first = members.drop_duplicates("_area").set_index("_area")[AREA_KEYS]
    areas = first.assign(
        members=members.groupby("_area").size(),
        area_level=grouped.min().where(grouped.nunique().eq(1), "gemengd"),
    )
    return members, areas.sort_index()


def _join_on_member_year(
    left_year: np.ndarray, left_member: np.ndarray, right_year: np.ndarray, right_member: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Row positions of every (left, right) pair with equal year and member: an inner join.

    Both sides may repeat a key (a buurt in several compared areas; one row per KWB
    column), so each left row is paired with the run of equal keys on the sorted right.
    """
    members = int(max(left_member.max(initial=0), right_member.max(initial=0))) + 1
    left_key = left_year * members + left_member
    right_key = right_year * members + right_member
    order = np.argsort(right_key, kind="stable")
    sorted_key = right_key[order]
    start = np.searchsorted(sorted_key, left_key, side="left")
    count = np.searchsorted(sorted_key, left_key, side="right") - start
    left = np.repeat(np.arange(len(left_key)), count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return left, order[np.repeat(start, count) + offset]


def _cbs_values(
    indicators: Sequence[Indicator],
    members: pd.DataFrame,
    areas: pd.DataFrame,
    kwb: pd.DataFrame,
) -> pd.DataFrame:
    """Every CBS indicator for every area: sums over members, all-or-nothing.

    Codes are joined as integers and summed with `np.bincount`: at country size the
    string joins and group-bys of pandas cost more than the arithmetic.
    """
    columns = sorted({c for i in indicators for c in (i.column, i.numerator, i.denominator) if c})
    values = kwb.loc[kwb["column"].isin(columns)]
    codes = pd.Index(members["member_code"].unique())
    member = codes.get_indexer(values["area_code"])
    values = values.loc[member >= 0]
    table = pd.factorize(values["table_id"])[0]
    tables = values[TABLE_META].astype(str).groupby(table).first()
    left, right = _join_on_member_year(
        members["year"].to_numpy(dtype=np.int64),
        codes.get_indexer(members["member_code"]),
        values["year"].to_numpy(dtype=np.int64),
        member[member >= 0],
    )
    merged = pd.DataFrame(
        {
            "_area": members["_area"].to_numpy()[left],
            "column": pd.Index(columns).get_indexer(values["column"])[right],
            "value": values["value"].to_numpy(dtype=float)[right],
            "flag": pd.to_numeric(values["boundary_flag"], errors="coerce").to_numpy(float)[right],
            "table": table[right],
        }
    )
    cell = merged["_area"].to_numpy() * len(columns) + merged["column"].to_numpy()
    shape = (len(areas), len(columns))
    size = shape[0] * shape[1]
    value = merged["value"].to_numpy()
    known = ~np.isnan(value)
    total = np.bincount(cell, weights=np.where(known, value, 0.0), minlength=size)
    present = np.bincount(cell, weights=known, minlength=size).reshape(shape)
    rows = np.bincount(cell, minlength=size).reshape(shape)
    complete = present == areas["members"].to_numpy()[:, None]
    total = pd.DataFrame(
        np.where(complete, total.reshape(shape), np.nan), index=areas.index, columns=columns
    )
    secret = pd.DataFrame(rows > present, index=areas.index, columns=columns)
    per_area = merged.groupby("_area").agg(flag=("flag", "max"), table=("table", "first"))
    per_area = per_area.reindex(areas.index)
    meta = tables.reindex(per_area["table"].to_numpy()).set_index(areas.index)
    base = areas.assign(
        source="cbs_kwb:" + meta["table_id"].fillna("?").astype(str),
        source_modified=meta["table_modified"].fillna("").astype(str),
        synthetic=meta["synthetic"].eq("True"),
        cbs_boundary_changed=per_area["flag"].fillna(1).ge(3),
        lower=np.nan,
        upper=np.nan,
        n=np.nan,
    )
    return pd.concat(
        [_cbs_indicator(indicator, base, total, secret) for indicator in indicators],
        ignore_index=True,
    )


def _cbs_indicator(
    indicator: Indicator, base: pd.DataFrame, total: pd.DataFrame, secret: pd.DataFrame
) -> pd.DataFrame:
    out = base.copy()
    reason = np.full(len(out), "", dtype=object)
    needed = [c for c in (indicator.column, indicator.numerator, indicator.denominator) if c]
    if indicator.is_ratio:
        numerator = total[indicator.numerator].to_numpy()
        denominator = total[indicator.denominator].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(denominator > 0, numerator / denominator * indicator.scale, np.nan)
        out["numerator"] = numerator
        out["denominator"] = denominator
    else:
        value = total[indicator.column].to_numpy().astype(float)
        out["numerator"] = np.nan
        out["denominator"] = np.nan
        if indicator.unit != "aantal":
            several = out["members"].gt(1).to_numpy()
            value = np.where(several, np.nan, value)
            reason[several] = "not_aggregable"
    out["value"] = value
    withheld = secret[needed].any(axis=1).to_numpy() & np.isnan(value) & (reason == "")
    reason[withheld] = "cbs_not_published"
    out["suppression_reason"] = reason
    return _with_definition(out, indicator)


def _survey_values(
    indicators: Sequence[Indicator],
    members: pd.DataFrame,
    areas: pd.DataFrame,
    survey: pd.DataFrame,
    synthetic: bool,
) -> pd.DataFrame:
    """Every survey indicator in every wave: one member keeps its published estimate and
    interval; several are weighted by respondents with a Wilson interval."""
    data = survey.rename(columns=_SURVEY_NAMES)
    names = sorted({i.column for i in indicators if i.column})
    data = data.loc[data["column"].isin(names)]
    waves = set(survey["jaar"].astype(int))
    areas = areas[areas["year"].isin(waves)]
    members = members[members["_area"].isin(areas.index)]
    merged = members[["_area", "year", "member_code"]].merge(
        data, on=["year", "member_code"], how="inner"
    )
    merged["complete"] = merged["percentage"].notna() & merged["n"].notna()
    merged["count"] = merged["percentage"] / 100 * merged["n"]
    merged["column"] = pd.Categorical(merged["column"], categories=names)
    stats = merged.groupby(["_area", "column"], observed=False).agg(
        rows=("complete", "size"),
        complete=("complete", "sum"),
        n=("n", "sum"),
        count=("count", "sum"),
        percentage=("percentage", "first"),
        lower=("ondergrens", "first"),
        upper=("bovengrens", "first"),
    )
    base = areas.assign(
        numerator=np.nan,
        denominator=np.nan,
        source="survey",
        source_modified="",
        synthetic=synthetic,
        cbs_boundary_changed=False,
    )
    frames = []
    for indicator in indicators:
        own = stats.xs(indicator.column, level="column").reindex(areas.index)
        frames.append(_survey_indicator(indicator, base, own))
    return pd.concat(frames, ignore_index=True)


def _survey_indicator(indicator: Indicator, base: pd.DataFrame, own: pd.DataFrame) -> pd.DataFrame:
    out = base.copy()
    members = out["members"].to_numpy()
    complete = own["complete"].fillna(0).to_numpy() == members
    single = complete & (members == 1)
    several = complete & (members > 1)
    n = own["n"].to_numpy(dtype=float)
    count = own["count"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = np.round(count / n * 100, 1)
    low, high = wilson_intervals(np.where(several, count, np.nan), np.where(several, n, np.nan))
    out["value"] = np.where(single, own["percentage"], np.where(several, pooled, np.nan))
    out["lower"] = np.where(single, own["lower"], low)
    out["upper"] = np.where(single, own["upper"], high)
    out["n"] = np.where(complete, n, np.nan)
    not_published = ~complete & own["rows"].fillna(0).to_numpy().astype(bool)
    out["suppression_reason"] = np.where(not_published, "source_not_published", "")
    return _with_definition(out, indicator)


def indicator_values(
    indicators: Sequence[Indicator],
    members: pd.DataFrame,
    kwb: pd.DataFrame,
    survey: pd.DataFrame | None = None,
    *,
    survey_synthetic: bool = False,
) -> pd.DataFrame:
    """CBS and survey indicator values for every area in any membership frame.

    `members` has columns area_role, area_code, area_name, year, member_code (one row
    per CBS area that belongs to a compared area in a year); `kwb` is the long KWB
    frame of `sources.cbs.read_kwb_long`; `survey` the health-monitor export of
    `sources.local.read_survey`. Returns one row per area, year and indicator with
    value, numerator, denominator, lower, upper, n, the source's own suppression in
    `suppression_reason`, area_level, source, definition_version and
    `cbs_boundary_changed`; small-number suppression is applied later
    (`disclosure.apply_suppression`). Vectorised: the whole country in seconds.
    """
    members, areas = _areas(members)
    parts = []
    cbs = [i for i in indicators if i.source == "cbs_kwb"]
    if cbs and not areas.empty:
        parts.append(_cbs_values(cbs, members, areas, kwb))
    own_survey = [i for i in indicators if i.source == "survey"]
    if own_survey and survey is not None and not survey.empty and not areas.empty:
        parts.append(_survey_values(own_survey, members, areas, survey, survey_synthetic))
    if not parts:
        return pd.DataFrame(columns=[*COLUMNS, "cbs_boundary_changed"])
    return pd.concat(parts, ignore_index=True).drop(columns=["members"])


def _registration_rows(
    project: Project,
    key: str,
    indicators: Sequence[Indicator],
    registrations: pd.DataFrame,
    synthetic: bool,
) -> pd.DataFrame:
    """Input/activity/output from the programme's own registrations, summed over projects."""
    programme = project.programmes[key]
    years = project.cycle.cycle.years
    frames = []
    for indicator in indicators:
        column = indicator.column or ""
        if column in registrations.columns:
            per_year = registrations.groupby("jaar")[column].sum(min_count=1)
        else:
            per_year = pd.Series(dtype=float)
        out = pd.DataFrame(
            {
                "area_role": "programma",
                "area_code": key,
                "area_name": programme.name,
                "area_level": "programma",
                "year": years,
                "value": per_year.reindex(years).to_numpy(dtype=float),
            }
        )
        for name in ("numerator", "denominator", "lower", "upper", "n"):
            out[name] = np.nan
        out["suppression_reason"] = ""
        out["source"] = "registration"
        out["source_modified"] = ""
        out["synthetic"] = synthetic
        out["cbs_boundary_changed"] = False
        frames.append(_with_definition(out, indicator))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _with_definition(out: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    out["indicator_id"] = indicator.id
    out["level"] = indicator.level
    out["group"] = indicator.group or ""
    out["unit"] = indicator.unit
    changes = np.sort([change.from_year for change in indicator.changes])
    years = out["year"].to_numpy(dtype=int)
    out["definition_version"] = 1 + np.searchsorted(changes, years, side="right")
    return out


def effective_indicators(project: Project, key: str) -> list[Indicator]:
    """The programme's indicators with the logbook's redefinitions added to their changes."""
    result = []
    for indicator in project.indicators_for(key):
        extra = project.logbook.redefinitions(key, indicator.id)
        if extra:
            indicator = indicator.model_copy(update={"changes": [*indicator.changes, *extra]})
        result.append(indicator)
    return result


def _series_breaks(table: pd.DataFrame, project: Project, key: str) -> pd.Series:
    """True where a series must not be joined to the year before it.

    A break comes from the logbook (entries with `breaks_series`), from a change of
    definition (catalogue or logbook), or from CBS flagging a boundary change of a
    member area (flag 3).
    """
    breaks = table["cbs_boundary_changed"].astype(bool) & table["area_role"].eq("programma")
    ordered = table.sort_values(["indicator_id", "area_role", "year"])
    version_jump = ordered.groupby(["indicator_id", "area_role"])["definition_version"].diff().gt(0)
    breaks = breaks | version_jump.reindex(table.index, fill_value=False)
    for entry in project.logbook.for_programme(key):
        if not entry.breaks_series:
            continue
        hit = table["year"].eq(entry.from_year)
        if entry.indicator:
            hit &= table["indicator_id"].eq(entry.indicator)
        if entry.change == "area_changed":
            hit &= table["area_role"].eq("programma")
        breaks = breaks | hit
    return breaks


def group_partitions(table: pd.DataFrame) -> pd.Series:
    """Label the cells of one area, year and population group: they add up to a total.

    Used for secondary suppression (the total minus the other groups would reveal a
    withheld group). NaN for cells outside any group. Labels are integers: at
    country size, joining strings per row costs more than the suppression itself.
    """
    keys = ["area_role", "area_code", "year", "group"]
    label = pd.Series(
        table[keys].groupby(keys, sort=False, dropna=False).ngroup().to_numpy(dtype=float),
        index=table.index,
    )
    return label.where(table["group"].fillna("").ne(""))


def programme_table(
    project: Project,
    key: str,
    kwb: pd.DataFrame,
    survey: pd.DataFrame,
    registrations: pd.DataFrame,
    *,
    local_synthetic: bool,
) -> pd.DataFrame:
    """The tidy indicator table of one programme, suppressed and sorted."""
    indicators = effective_indicators(project, key)
    members = membership(project, key, project.cycle.cycle.years)
    values = indicator_values(
        indicators, members, kwb, survey, survey_synthetic=local_synthetic
    )
    registered = [i for i in indicators if i.source == "registration"]
    parts = [values, _registration_rows(project, key, registered, registrations, local_synthetic)]
    table = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    table["programme"] = key
    table["series_break"] = _series_breaks(table, project, key)
    table = apply_suppression(table, project.cycle.suppression, group_partitions(table))
    order = {ind.id: i for i, ind in enumerate(indicators)}
    table = table.assign(
        _ind=table["indicator_id"].map(order), _role=table["area_role"].map(ROLE_ORDER)
    ).sort_values(["_ind", "_role", "year"], kind="stable")
    table["year"] = table["year"].astype(int)
    table["definition_version"] = table["definition_version"].astype(int)
    table["synthetic"] = table["synthetic"].astype(bool)
    table["series_break"] = table["series_break"].astype(bool)
    return table[COLUMNS].reset_index(drop=True)


def programme_summary(project: Project, key: str, table: pd.DataFrame) -> pd.DataFrame:
    """The statistics per indicator and area role of one programme (`stats.SUMMARY_COLUMNS`)."""
    return indicator_summary(
        table,
        effective_indicators(project, key),
        project.programmes[key].targets,
        project.cycle.cycle.base_year,
    )


def table_to_csv(table: pd.DataFrame) -> str:
    """Deterministic CSV text: same table, same bytes."""
    return table.to_csv(index=False, float_format="%.10g", lineterminator="\n")


def read_indicator_table(path: Path) -> pd.DataFrame:
    """Read a processed indicator table back with its types."""
    text_columns = ["suppression_reason", "source_modified", "group", "area_level"]
    table = pd.read_csv(path, keep_default_na=True, dtype={c: str for c in text_columns})
    for column in text_columns:
        if column in table.columns:
            table[column] = table[column].fillna("")
    return table


def read_summary(path: Path) -> pd.DataFrame:
    """Read a processed summary back with its types (empty text stays '')."""
    text_columns = ["group", "test_name", "target_status", "target_rule", "did_note", "note"]
    summary = pd.read_csv(path, dtype={c: str for c in text_columns})
    for column in text_columns:
        summary[column] = summary[column].fillna("")
    return summary


KEY_LEVELS = ("outcome", "impact")


def key_metrics(
    tables: dict[str, pd.DataFrame],
    project: Project,
    summaries: dict[str, pd.DataFrame] | None = None,
) -> dict[str, dict]:
    """The key indicators per programme, for `dvc metrics show/diff`.

    Per programme: the latest published value in the programme area of every
    outcome/impact indicator and of every indicator with a target (flat, by id), and
    under `change_since_base` their change since the base year (empty across a break).
    """
    metrics: dict[str, dict] = {}
    for key, table in tables.items():
        summary = (summaries or {}).get(key)
        if summary is None:
            summary = programme_summary(project, key, table)
        targeted = {t.indicator for t in project.programmes[key].targets}
        own = summary[summary["area_role"].eq("programma")]
        own = own[own["level"].isin(KEY_LEVELS) | own["indicator_id"].isin(targeted)]
        values: dict = {}
        changes: dict = {}
        for row in own.itertuples():
            values[row.indicator_id] = _metric(row.latest_value)
            changes[row.indicator_id] = _metric(row.change_since_base)
        metrics[key] = {**values, "change_since_base": changes}
    return metrics


def _metric(value: float) -> float | None:
    return None if pd.isna(value) else round(float(value), 2)


def write_tables(
    tables: dict[str, pd.DataFrame],
    out_dir: Path,
    summary_dir: Path,
    metrics_file: Path,
    project: Project,
) -> list[Path]:
    """Write every programme's table, its summary and the metrics file, each atomically.

    Summaries go to their own folder: they carry the programme's targets, and a changed
    target must not look like changed indicator tables to the stages that read only those.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    summary_dir.mkdir(parents=True, exist_ok=True)
    written = []
    summaries = {}
    for key, table in tables.items():
        path = out_dir / f"{key}.csv"
        write_text_atomic(path, table_to_csv(table))
        summaries[key] = programme_summary(project, key, table)
        summary_path = summary_dir / f"{key}_summary.csv"
        write_text_atomic(summary_path, table_to_csv(summaries[key]))
        written += [path, summary_path]
    metrics = key_metrics(tables, project, summaries)
    write_text_atomic(metrics_file, json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    return written
