"""Which CBS column is which concept, per year: the reviewed mapping applied to DataProperties.

CBS keys are `<Name>_<position>`: positions shift every year and names change with
definitions. A column is matched to a concept of params/cbs_columns.yaml on its base
name AND its Title (and the Unit and the Title of the column's own TopicGroup where the
mapping gives them, for names CBS uses twice), never on the position. Every
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

from helpers.config import Concept, PublishedName

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
    "group",
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
    group: str = ""


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
        blank = ("",) * 4  # key, published_name, title, group
        rows += [
            (self.table_id, self.year, *blank, "absent", c.id, 0, "not in this year's table")
            for c in self.absent
        ]
        return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def numeric_topics(properties: Iterable[dict]) -> list[dict]:
    return [
        p for p in properties if p.get("Type") == "Topic" and p.get("Datatype") in NUMERIC_TYPES
    ]


def _id(value: object) -> str | None:
    """An ID or ParentID as text: JSON gives 23, a CSV export "23" or "23.0"."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text or None


def parent_titles(properties: Iterable[dict]) -> dict[str, str]:
    """Topic key -> the Title of its ParentID entry (its TopicGroup), '' without one.

    Only the direct parent: `Nederland_17` is in "Herkomstland", not in "Bevolking".
    """
    properties = list(properties)
    titles = {_id(p.get("ID")): _clean(p.get("Title")) for p in properties}
    titles.pop(None, None)
    return {
        str(p.get("Key")): titles.get(_id(p.get("ParentID")), "")
        for p in properties
        if p.get("Type") == "Topic"
    }


def _misfits(title: str, unit: str, group: str, name: PublishedName) -> list[str]:
    """Which of Title, Unit and group of a column differ from what `name` asks for."""
    wanted = (("Title", name.title, title), ("Unit", name.unit, unit), ("group", name.group, group))
    return [
        f"{field} {have!r}, not {_clean(want)!r}"
        for field, want, have in wanted
        if want is not None and have != _clean(want)
    ]


def _unclaimed_status(
    title: str, unit: str, group: str, claimed: list[tuple[Concept, PublishedName]]
) -> tuple[str, str]:
    """Status and note of a column whose base name is claimed, but by no fitting name.

    A changed Title alone is `title_changed` (review the mapping); a column the claim
    tells apart by Unit or group is another column of the same name (`unmapped`).
    """
    nearest = min(claimed, key=lambda claim: len(_misfits(title, unit, group, claim[1])))
    concept, name = nearest
    reasons = _misfits(title, unit, group, name)
    if len(reasons) == 1 and reasons[0].startswith("Title "):
        note = f"mapping expects Title {name.title!r}, table has {title!r}: review the mapping"
        return "title_changed", note
    return "unmapped", f"same name as {concept.id!r}, but " + ", ".join(reasons)


def match_columns(
    properties: list[dict], concepts: list[Concept] | None, year: int, table_id: str
) -> MatchResult:
    """Match one year's DataProperties to the concepts (see the module docstring).

    A column matches a published name on base name, Title and, where the name gives
    them, Unit and group (the Title of the column's own TopicGroup). It is mapped only
    when exactly one column of the table fits that name; several fitting columns are
    `ambiguous` and none of them is used.
    """
    topics = numeric_topics(properties)
    bases = [base_name(p["Key"]) for p in topics]
    unique = {b for b in bases if bases.count(b) == 1}
    groups = parent_titles(properties)
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
                group=groups.get(p["Key"], ""),
            )
            for p, b in zip(topics, bases, strict=True)
        ]
        return MatchResult(table_id, year, columns, [])
    claims: dict[str, list[tuple[Concept, PublishedName]]] = {}
    for concept in concepts:
        for name in concept.names:
            claims.setdefault(name.name, []).append((concept, name))
    reserved = {c.id for c in concepts} | set(claims)
    described = [
        (p, b, _clean(p.get("Title")), _clean(p.get("Unit")), groups.get(p["Key"], ""))
        for p, b in zip(topics, bases, strict=True)
    ]
    columns, found = [], set()
    for topic, base, title, unit, group in described:
        own = base if base in unique and base not in reserved else topic["Key"]
        common = dict(key=topic["Key"], published_name=base, title=title, unit=unit, group=group)
        claimed = claims.get(base, [])
        fitting = [(c, n) for c, n in claimed if not _misfits(title, unit, group, n)]
        if not claimed:
            status, note = "unmapped", ""
        elif not fitting:
            status, note = _unclaimed_status(title, unit, group, claimed)
        else:
            concept, name = fitting[0]
            twins = [d for d in described if d[1] == base and not _misfits(*d[2:], name)]
            if len(fitting) > 1 or len(twins) > 1:
                status = "ambiguous"
                note = f"{len(twins)} columns match {base!r}: give `unit` or `group` in the mapping"
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
                column=own if status == "unmapped" else topic["Key"],
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
        for row in group.to_dict(orient="records"):
            if previous is not None and row["definition_version"] != previous["definition_version"]:
                rows.append(
                    (
                        concept,
                        int(row["year"]),
                        previous["published_name"],
                        row["published_name"],
                        int(previous["definition_version"]),
                        int(row["definition_version"]),
                        row["note"],
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
