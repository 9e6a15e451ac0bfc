"""Which CBS column is which concept, per year: the reviewed mapping applied to DataProperties.

CBS keys are `<Name>_<position>`: positions shift every year and names change with
definitions. A column is matched to a concept of params/cbs_columns.yaml on its base
name AND its Title (and Unit where the mapping gives one), never on the position. Every
numeric column of a table ends up somewhere: mapped to a concept, or kept under its own
name and reported (`unmapped`, `title_changed`, `ambiguous`); a concept missing from a
year's table is reported as `absent`, and a concept published under a name with a new
definition version is reported as a `break`. Nothing is dropped without a line in the
report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from helpers.config import Concept

NUMERIC_TYPES = {"Long", "Double", "Integer", "Decimal", "Float", "Short", "Byte"}
_SUFFIX = re.compile(r"_\d+$")
# Text markers CBS uses for "not available" / "secret" in untyped values.
TEXT_MARKERS = {"", ".", "x", "-", "?"}
REPORT_COLUMNS = [
    "table_id",
    "year",
    "key",
    "published_name",
    "title",
    "status",
    "column",
    "definition_version",
    "note",
]


def base_name(key: str) -> str:
    """`AantalInwoners_5` -> `AantalInwoners`: the part of a key that is stable across years."""
    return _SUFFIX.sub("", key)


def _clean(text: object) -> str:
    return " ".join(str(text or "").split())


@dataclass(frozen=True)
class ColumnMatch:
    """One numeric column of one year's table and what it is called in the long table."""

    key: str
    published_name: str
    title: str
    column: str
    kind: str
    unit: str
    definition_version: int
    status: str
    note: str = ""


@dataclass(frozen=True)
class MatchResult:
    table_id: str
    year: int
    columns: list[ColumnMatch]
    absent: list[Concept]

    def report(self) -> pd.DataFrame:
        """One line per column and per absent concept (REPORT_COLUMNS)."""
        fields = REPORT_COLUMNS[2:]
        rows = [(self.table_id, self.year, *(getattr(m, f) for f in fields)) for m in self.columns]
        rows += [
            (self.table_id, self.year, "", "", "", "absent", c.id, 0, "not in this year's table")
            for c in self.absent
        ]
        return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def numeric_topics(properties: Iterable[dict]) -> list[dict]:
    return [
        p for p in properties if p.get("Type") == "Topic" and p.get("Datatype") in NUMERIC_TYPES
    ]


def match_columns(
    properties: list[dict], concepts: list[Concept] | None, year: int, table_id: str
) -> MatchResult:
    """Match one year's DataProperties to the concepts (see the module docstring)."""
    topics = numeric_topics(properties)
    bases = [base_name(p["Key"]) for p in topics]
    unique = {b for b in bases if bases.count(b) == 1}
    if concepts is None:
        columns = [
            ColumnMatch(
                key=p["Key"],
                published_name=b,
                title=_clean(p.get("Title")),
                column=b if b in unique else p["Key"],
                kind="",
                unit=_clean(p.get("Unit")),
                definition_version=1,
                status="no_mapping",
            )
            for p, b in zip(topics, bases, strict=True)
        ]
        return MatchResult(table_id, year, columns, [])
    claims = {n.name: (c, n) for c in concepts for n in c.names}
    reserved = {c.id for c in concepts} | set(claims)
    columns, found = [], set()
    for topic, base in zip(topics, bases, strict=True):
        title, unit = _clean(topic.get("Title")), _clean(topic.get("Unit"))
        claim = claims.get(base)
        own = base if base in unique and base not in reserved else topic["Key"]
        common = dict(key=topic["Key"], published_name=base, title=title, unit=unit)
        if claim is None:
            columns.append(
                ColumnMatch(**common, column=own, kind="", definition_version=1, status="unmapped")
            )
            continue
        concept, name = claim
        candidates = [
            p
            for p, b in zip(topics, bases, strict=True)
            if b == base
            and (name.title is None or _clean(p.get("Title")) == _clean(name.title))
            and (name.unit is None or _clean(p.get("Unit")) == _clean(name.unit))
        ]
        if topic not in candidates and name.title is not None and title != _clean(name.title):
            note = f"mapping expects Title {name.title!r}, table has {title!r}: review the mapping"
            status = "title_changed"
        elif topic not in candidates:
            note = f"same name as {concept.id!r}, but Unit {unit!r}, not {name.unit!r}"
            status = "unmapped"
        elif len(candidates) > 1:
            note = f"{len(candidates)} columns match {base!r}: give `unit` in the mapping"
            status = "ambiguous"
        else:
            found.add(concept.id)
            columns.append(
                ColumnMatch(
                    **{**common, "unit": concept.unit},
                    column=concept.id,
                    kind=concept.kind,
                    definition_version=name.version,
                    status="mapped",
                    note=name.note,
                )
            )
            continue
        columns.append(
            ColumnMatch(
                **common,
                column=topic["Key"],
                kind="",
                definition_version=1,
                status=status,
                note=note,
            )
        )
    absent = [c for c in concepts if c.id not in found]
    return MatchResult(table_id, year, columns, absent)


def series_breaks(report: pd.DataFrame) -> pd.DataFrame:
    """Where a mapped concept's definition version changes between consecutive years.

    One row per break: column (concept), year, from/to published name and version.
    """
    mapped = report[report["status"].eq("mapped")].sort_values(["column", "year"])
    rows = []
    for concept, group in mapped.groupby("column", sort=True):
        previous = None
        for row in group.itertuples():
            if previous is not None and row.definition_version != previous.definition_version:
                rows.append(
                    (
                        concept,
                        int(row.year),
                        previous.published_name,
                        row.published_name,
                        int(previous.definition_version),
                        int(row.definition_version),
                        row.note,
                    )
                )
            previous = row
    return pd.DataFrame(
        rows,
        columns=["column", "year", "from_name", "to_name", "from_version", "to_version", "note"],
    )


def numeric_values(values: pd.Series, geo_missing: float) -> pd.Series:
    """CBS values as floats: padded strings stripped; '.', 'x' and geo codes <= -99990 missing.

    A suppressed value stays missing: nothing is reconstructed.
    """
    text = values.astype("string").str.strip()
    text = text.mask(text.isin(TEXT_MARKERS))
    numbers = pd.to_numeric(text, errors="coerce").astype(float)
    return numbers.mask(numbers.le(geo_missing))
