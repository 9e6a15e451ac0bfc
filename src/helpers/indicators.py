"""From validated raw sources to one tidy indicator table per programme.

Every indicator is computed the same way for the programme area, its gemeente and
Nederland, from the catalogue's definition. A programme area made of several
buurten is aggregated from its members: counts summed, rates recomputed from summed
numerators and denominators, survey percentages weighted by respondents. A member
without a published value makes the aggregate unpublished: nothing is imputed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.config import Indicator, Project
from helpers.disclosure import apply_suppression
from helpers.io import write_text_atomic
from helpers.sources.cbs import KWB_LONG_COLUMNS
from helpers.stats import wilson_interval

COLUMNS = [
    "programme",
    "area_role",
    "area_code",
    "area_name",
    "year",
    "indicator_id",
    "level",
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
ROLE_ORDER = {"programma": 0, "gemeente": 1, "nederland": 2}


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
    return pd.DataFrame(
        rows, columns=["area_role", "area_code", "area_name", "year", "member_code"]
    )


def _sum_all_or_nan(frame: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    """Sum per group, but nan when any member lacks a value (no partial totals)."""
    grouped = frame.groupby(keys, sort=False)[column]
    total = grouped.sum(min_count=1)
    missing = grouped.apply(lambda s: s.isna().any())
    return total.mask(missing)


def _cbs_aggregates(kwb: pd.DataFrame, members: pd.DataFrame, columns: set[str]) -> pd.DataFrame:
    """Aggregate the needed KWB columns over each compared area's members."""
    grid = members.merge(pd.DataFrame({"column": sorted(columns)}), how="cross")
    values = kwb.loc[kwb["column"].isin(columns), KWB_LONG_COLUMNS].rename(
        columns={"area_code": "member_code"}
    )
    merged = grid.merge(
        values,
        on=["year", "member_code", "column"],
        how="left",
    )
    keys = ["area_role", "area_code", "area_name", "year", "column"]
    grouped = merged.groupby(keys, sort=False)
    result = pd.DataFrame(
        {
            "value": _sum_all_or_nan(merged, keys, "value"),
            "members": grouped["member_code"].nunique(),
            "table_id": grouped["table_id"].first(),
            "table_modified": grouped["table_modified"].first(),
            "boundary_flag": grouped["boundary_flag"].max(),
            "synthetic": grouped["synthetic"].max(),
        }
    )
    return result.reset_index()


def _cbs_rows(project: Project, key: str, kwb: pd.DataFrame) -> pd.DataFrame:
    indicators = [i for i in project.indicators_for(key) if i.source == "cbs_kwb"]
    if not indicators:
        return pd.DataFrame()
    columns = {c for i in indicators for c in (i.column, i.numerator, i.denominator) if c}
    members = membership(project, key, project.cycle.cycle.years)
    agg = _cbs_aggregates(kwb, members, columns)
    area_keys = ["area_role", "area_code", "area_name", "year"]
    meta = agg.groupby(area_keys, sort=False).agg(
        members=("members", "max"),
        table_id=("table_id", "first"),
        table_modified=("table_modified", "first"),
        boundary_flag=("boundary_flag", "max"),
        synthetic=("synthetic", "max"),
    )
    wide = agg.set_index([*area_keys, "column"])["value"].unstack("column").reindex(meta.index)
    frames = [_cbs_indicator(indicator, wide, meta) for indicator in indicators]
    return pd.concat(frames, ignore_index=True)


def _cbs_indicator(indicator: Indicator, wide: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    out = meta.reset_index()
    reason = pd.Series("", index=out.index)
    if indicator.is_ratio:
        numerator = wide[indicator.numerator].to_numpy()
        denominator = wide[indicator.denominator].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(denominator > 0, numerator / denominator * indicator.scale, np.nan)
        out["numerator"] = numerator
        out["denominator"] = denominator
    else:
        value = wide[indicator.column].to_numpy().astype(float)
        out["numerator"] = np.nan
        out["denominator"] = np.nan
        if indicator.unit != "aantal":
            several = out["members"].gt(1).to_numpy()
            value = np.where(several, np.nan, value)
            reason = reason.mask(several, "not_aggregable")
    out["value"] = value
    missing = out["value"].isna() & reason.eq("")
    has_table = out["table_id"].notna()
    out["suppression_reason"] = reason.mask(missing & has_table, "cbs_not_published")
    out["lower"] = np.nan
    out["upper"] = np.nan
    out["n"] = np.nan
    out["source"] = "cbs_kwb:" + out["table_id"].fillna("?").astype(str)
    out["source_modified"] = out["table_modified"].fillna("")
    out["synthetic"] = out["synthetic"].fillna(False).astype(bool)
    out["cbs_boundary_changed"] = out["boundary_flag"].fillna(1).ge(3)
    return _with_definition(out, indicator)


def _survey_rows(project: Project, key: str, survey: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    indicators = [i for i in project.indicators_for(key) if i.source == "survey"]
    waves = sorted(set(survey["jaar"].astype(int)) & set(project.cycle.cycle.years))
    if not indicators or not waves:
        return pd.DataFrame()
    members = membership(project, key, waves)
    data = survey.rename(
        columns={"jaar": "year", "gebiedcode": "member_code", "indicator": "column"}
    )
    frames = []
    for indicator in indicators:
        rows = members.merge(
            data[data["column"] == indicator.column], on=["year", "member_code"], how="left"
        )
        frames.append(_survey_indicator(indicator, rows, synthetic))
    return pd.concat(frames, ignore_index=True)


def _survey_indicator(indicator: Indicator, rows: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    records = []
    for (role, code, name, year), group in rows.groupby(
        ["area_role", "area_code", "area_name", "year"], sort=False
    ):
        record = {"area_role": role, "area_code": code, "area_name": name, "year": year}
        record.update(_survey_estimate(group))
        records.append(record)
    out = pd.DataFrame.from_records(records)
    out["numerator"] = np.nan
    out["denominator"] = np.nan
    out["suppression_reason"] = ""
    out["source"] = "survey"
    out["source_modified"] = ""
    out["synthetic"] = synthetic
    out["cbs_boundary_changed"] = False
    return _with_definition(out, indicator)


def _survey_estimate(group: pd.DataFrame) -> dict[str, float]:
    """One member: the published estimate; several: respondent-weighted, Wilson interval."""
    if group["percentage"].isna().any() or group["n"].isna().any():
        return {"value": math.nan, "lower": math.nan, "upper": math.nan, "n": math.nan}
    if len(group) == 1:
        row = group.iloc[0]
        return {
            "value": float(row["percentage"]),
            "lower": float(row["ondergrens"]),
            "upper": float(row["bovengrens"]),
            "n": float(row["n"]),
        }
    n = float(group["n"].sum())
    count = float((group["percentage"] / 100 * group["n"]).sum())
    lower, upper = wilson_interval(count, n)
    return {"value": round(count / n * 100, 1), "lower": lower, "upper": upper, "n": n}


def _registration_rows(
    project: Project, key: str, registrations: pd.DataFrame, synthetic: bool
) -> pd.DataFrame:
    programme = project.programmes[key]
    indicators = [i for i in project.indicators_for(key) if i.source == "registration"]
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
                "year": years,
                "value": [float(per_year.get(year, np.nan)) for year in years],
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
    out["unit"] = indicator.unit
    out["definition_version"] = [indicator.definition_version(int(y)) for y in out["year"]]
    return out


def _series_breaks(table: pd.DataFrame, project: Project, key: str) -> pd.Series:
    """True where a series must not be joined to the year before it.

    A break comes from the logbook (entries with `breaks_series`), from a change of
    definition, or from CBS flagging a boundary change of a member area (flag 3).
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
    parts = [
        _cbs_rows(project, key, kwb),
        _survey_rows(project, key, survey, local_synthetic),
        _registration_rows(project, key, registrations, local_synthetic),
    ]
    table = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    table["programme"] = key
    table["series_break"] = _series_breaks(table, project, key)
    table = apply_suppression(table, project.cycle.suppression)
    order = {ind.id: i for i, ind in enumerate(project.indicators_for(key))}
    table = table.assign(
        _ind=table["indicator_id"].map(order), _role=table["area_role"].map(ROLE_ORDER)
    ).sort_values(["_ind", "_role", "year"], kind="stable")
    table["year"] = table["year"].astype(int)
    table["definition_version"] = table["definition_version"].astype(int)
    return table[COLUMNS].reset_index(drop=True)


def table_to_csv(table: pd.DataFrame) -> str:
    """Deterministic CSV text: same table, same bytes."""
    return table.to_csv(index=False, float_format="%.10g", lineterminator="\n")


def read_indicator_table(path: Path) -> pd.DataFrame:
    """Read a processed indicator table back with its types."""
    table = pd.read_csv(path, keep_default_na=True, dtype={"suppression_reason": str})
    table["suppression_reason"] = table["suppression_reason"].fillna("")
    table["source_modified"] = table["source_modified"].fillna("")
    return table


def key_metrics(tables: dict[str, pd.DataFrame], project: Project) -> dict[str, dict]:
    """Latest published value of each outcome/impact indicator per programme (DVC metrics)."""
    metrics: dict[str, dict] = {}
    for key, table in tables.items():
        headline = table["level"].isin(["outcome", "impact"])
        area = table[table["area_role"].eq("programma") & headline]
        values: dict[str, float | None] = {}
        for indicator_id, series in area.groupby("indicator_id", sort=False):
            published = series.dropna(subset=["value"])
            latest = published.loc[published["year"].idxmax()] if not published.empty else None
            values[indicator_id] = None if latest is None else round(float(latest["value"]), 2)
        metrics[key] = values
    return metrics


def write_tables(
    tables: dict[str, pd.DataFrame], out_dir: Path, metrics_file: Path, project: Project
) -> list[Path]:
    """Write every programme's table and the metrics file, each atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for key, table in tables.items():
        path = out_dir / f"{key}.csv"
        write_text_atomic(path, table_to_csv(table))
        written.append(path)
    metrics = key_metrics(tables, project)
    write_text_atomic(metrics_file, json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    return written
