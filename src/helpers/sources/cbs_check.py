"""Raw CBS snapshots checked before anything reads them: no raw input reaches a traceback.

The `harmonise` stage runs before `validate` (it feeds the indicators), so what would
break its pandas code must be caught here, with the file, the record (and its region
code), the column and the rule named: a snapshot that is not cbsodata JSON, a region
(or region, period and age group) given twice, and text in a column that CBS's
DataProperties declare numeric. The last would otherwise be read as a number after a
fashion: "17.040" (a thousands separator) becomes 17.04.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from helpers.sources.cbs_columns import NUMERIC_TYPES, TEXT_MARKERS

# DataProperties types whose keys identify a row of TypedDataSet together.
DIMENSION_TYPES = {"Dimension", "GeoDimension", "GeoDetail", "TimeDimension"}
ENTITY_SETS = ("TableInfos", "DataProperties", "TypedDataSet")
MAX_SHOWN = 5  # problems listed per file; the rest counted


class SnapshotError(ValueError):
    """A raw CBS snapshot that cannot be read as CBS delivers it; names file, row and rule."""


def _shown(path: Path, root: Path | None) -> str:
    return str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)


def _load(folder: Path, name: str, root: Path | None) -> tuple[list | None, list[str]]:
    """One entity set as a list of objects, or the problem with it."""
    path = folder / f"{name}.json"
    where = _shown(path, root)
    if not path.is_file():
        return None, [f"{where}: missing; run `dvc repro fetch` (rule: complete snapshot)"]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, [f"{where}: not UTF-8 text (rule: cbsodata JSON)"]
    except json.JSONDecodeError as error:
        return None, [
            f"{where}, line {error.lineno}, column {error.colno}: not valid JSON: {error.msg} "
            "(rule: cbsodata JSON)"
        ]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        return None, [f"{where}: not a list of records (rule: cbsodata JSON)"]
    return data, []


def _region(record: dict) -> str:
    return str(record.get("WijkenEnBuurten", "")).strip() or "no region code"


def check_snapshot(folder: Path, root: Path | None = None) -> list[str]:
    """Every problem of one snapshot folder (`data/raw/cbs/<TableId>/`) that would break reading."""
    loaded = {name: _load(folder, name, root) for name in ENTITY_SETS}
    problems = [p for _, found in loaded.values() for p in found]
    if problems:
        return problems
    info, properties, rows = (loaded[name][0] or [] for name in ENTITY_SETS)
    if not info:
        problems.append(f"{_shown(folder / 'TableInfos.json', root)}: empty (rule: cbsodata JSON)")
    if any("Key" not in p for p in properties):
        problems.append(
            f"{_shown(folder / 'DataProperties.json', root)}: a property without Key "
            "(rule: cbsodata JSON)"
        )
        return problems
    data = _shown(folder / "TypedDataSet.json", root)
    dimensions = [p["Key"] for p in properties if p.get("Type") in DIMENSION_TYPES]
    dimensions = dimensions or ["WijkenEnBuurten"]
    numeric = {
        p["Key"]: p["Datatype"]
        for p in properties
        if p.get("Type") == "Topic" and p.get("Datatype") in NUMERIC_TYPES
    }
    seen: dict[tuple, int] = {}
    found: list[str] = []
    for number, record in enumerate(rows, start=1):
        where = f"{data}: record {number} ({_region(record)})"
        absent = [d for d in dimensions if d not in record or record[d] is None]
        if absent:
            found.append(f"{where}: no {', '.join(absent)} (rule: every row has its keys)")
            continue
        key = tuple(str(record[d]).strip() for d in dimensions)
        if key in seen:
            pairs = zip(dimensions[1:], key[1:], strict=True)
            other = f" ({', '.join(f'{d} {v}' for d, v in pairs)})"
            found.append(
                f"{where}: the same row as record {seen[key]}"
                f"{other if len(dimensions) > 1 else ''} (rule: each region appears once)"
            )
        else:
            seen[key] = number
        for column, datatype in numeric.items():
            value = record.get(column)
            if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
                if isinstance(value, float) and math.isinf(value):
                    found.append(f"{where}, column {column}: infinite (rule: numbers)")
                continue
            if isinstance(value, str) and value.strip() in TEXT_MARKERS:
                continue  # CBS's mark for a secret or missing value: read as missing
            shown = json.dumps(value, ensure_ascii=False)[:40]
            found.append(
                f"{where}, column {column}: the text {shown} in a numeric column (DataProperties "
                f"Datatype {datatype}; rule: numbers in numeric columns); a typed CBS snapshot "
                "holds numbers — fetch the table again or correct the file"
            )
    found += region_list_problems(folder, root)
    problems += found[:MAX_SHOWN]
    if len(found) > MAX_SHOWN:
        problems.append(f"{data}: and {len(found) - MAX_SHOWN} more problem(s) of these kinds")
    return problems


def region_list_problems(folder: Path, root: Path | None = None) -> list[str]:
    """A region key given twice in the region list (`WijkenEnBuurten.json`).

    The list names each area; a second record of a key under another title would
    silently rename the area in every report (the last title wins).
    """
    records, problems = _load(folder, "WijkenEnBuurten", root)
    if records is None:  # a broken list is named; a table without one has none to check
        return problems if (folder / "WijkenEnBuurten.json").is_file() else []
    where = _shown(folder / "WijkenEnBuurten.json", root)
    seen: dict[str, tuple[int, str]] = {}
    for number, record in enumerate(records, start=1):
        key, title = str(record.get("Key", "")).strip(), str(record.get("Title", "")).strip()
        if key in seen:
            first, named = seen[key]
            other = f"under another title ({title!r}, record {first}: {named!r})"
            problems.append(
                f"{where}: record {number} ({key}): the region of record {first} again, "
                f"{other if title != named else 'with the same title'} "
                "(rule: each region appears once in the region list)"
            )
        else:
            seen[key] = (number, title)
    return problems


def require_valid_snapshots(folders: list[Path], root: Path | None = None) -> None:
    """Raise SnapshotError listing every problem of the given snapshot folders."""
    problems = [p for folder in folders if folder.is_dir() for p in check_snapshot(folder, root)]
    if problems:
        raise SnapshotError(
            f"{len(problems)} problem(s) in the raw CBS snapshots; nothing was harmonised:\n"
            + "\n".join(f"  {p}" for p in problems)
        )
