"""Optional settings of the reports (params/report.yaml): where the map's boundaries are."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from helpers.config import (
    Paths,
    Strict,
    load_model,
)

REPORT_SETTINGS = Paths(Path()).report_settings_file.name


class BoundarySettings(Strict):
    """Where the map's boundaries are, and how to read them where the defaults do not fit.

    The defaults read CBS's Wijk- en buurtkaart (GeoPackage or shapefile), PDOK
    downloads and GeoJSON as published; the other keys are for files that differ.
    """

    file: str
    year: int | None = None
    level: Literal["wijk", "buurt"] | None = None
    from_buurten: bool = False
    source: str = "CBS Wijk- en buurtkaart"
    layer: str | None = None
    code_column: str | None = None
    name_column: str | None = None
    gemeente_column: str | None = None
    crs: str | None = None


class MapSettings(Strict):
    """Which indicators get a map of all wijken of the gemeente, and their classes.

    `classes` fixes an indicator's class bounds (ascending) for every year and cycle;
    without them the bounds come from the values of all the cycle's years.
    """

    indicators: list[str] = Field(default_factory=list)
    classes: dict[str, list[float]] = Field(default_factory=dict)

    @field_validator("classes")
    @classmethod
    def _ascending(cls, classes: dict[str, list[float]]) -> dict[str, list[float]]:
        for key, bounds in classes.items():
            if len(bounds) < 2 or any(b <= a for a, b in pairwise(bounds)):
                raise ValueError(f"{key}: give at least two bounds in ascending order")
        return classes


class ReportSettings(Strict):
    """Optional settings of the reports (params/report.yaml; absent means defaults)."""

    boundaries: str | BoundarySettings | list[BoundarySettings] | None = None
    maps: MapSettings = Field(default_factory=MapSettings)


@dataclass(frozen=True)
class BoundarySource:
    """The boundary file (resolved) and the options `maps.read_boundaries` takes.

    `year` and `level` say which CBS classification the file holds (None: not said);
    `from_buurten` derives wijken by merging a buurten file's areas (a buurt code holds
    its wijk's: BU gggg ww bb -> WK gggg ww); `source` names it under every map.
    """

    path: Path
    options: dict[str, str]
    key: str = "boundaries"
    year: int | None = None
    level: str | None = None
    from_buurten: bool = False
    source: str = "CBS Wijk- en buurtkaart"
    # the file as params/report.yaml names it: what a note shows, so a report does not
    # depend on where the project lies (its absolute path differs per clone)
    written: str = ""

    @property
    def label(self) -> str:
        """The file, its year and level, as readers see it in a note."""
        said = ", ".join(str(p) for p in (self.year, self.level) if p is not None)
        return f"{self.path.name}" + (f" ({said})" if said else "")


def report_settings(paths: Paths) -> ReportSettings:
    """params/report.yaml when present, else the defaults (no map)."""
    path = paths.report_settings_file
    return load_model(ReportSettings, path) if path.is_file() else ReportSettings()


def boundary_sources(paths: Paths) -> list[BoundarySource]:
    """Every boundary file of params/report.yaml, resolved against the project root.

    A file that is absent is listed all the same: the maps say which one is missing
    and the report still builds (a cycle may run without ../shared or before the
    researcher has downloaded a year's kaart).
    """
    setting = report_settings(paths).boundaries
    if not setting:
        return []
    if isinstance(setting, str):
        entries = [("boundaries", BoundarySettings(file=setting))]
    elif isinstance(setting, BoundarySettings):
        entries = [("boundaries.file", setting)]
    else:
        entries = [(f"boundaries[{i}].file", s) for i, s in enumerate(setting)]
    found = []
    for key, settings in entries:
        path = (
            Path(settings.file) if Path(settings.file).is_absolute() else paths.root / settings.file
        )
        options = settings.model_dump(
            include={"layer", "code_column", "name_column", "gemeente_column", "crs"},
            exclude_none=True,
        )
        found.append(
            BoundarySource(
                path,
                options,
                key=key,
                year=settings.year,
                level=settings.level,
                from_buurten=settings.from_buurten,
                source=settings.source,
                written=settings.file,
            )
        )
    return found


def boundary_source(paths: Paths) -> BoundarySource | None:
    """The first boundary file for maps and how to read it (see `boundary_sources`).

    None without one; a clear error naming params/report.yaml when the file is absent.
    """
    sources = boundary_sources(paths)
    if not sources:
        return None
    first = sources[0]
    if not first.path.is_file():
        raise FileNotFoundError(
            f"{paths.report_settings_file}: key {first.key}: {first.path} does not exist"
        )
    return first


def boundaries_file(paths: Paths) -> Path | None:
    """The boundary file for maps, or None without one (see `boundary_source`)."""
    source = boundary_source(paths)
    return source.path if source else None


def boundary_files(paths: Paths) -> list[Path]:
    """The boundary files present and, for a shapefile, the files beside it that it is
    read with (each once, in the order of params/report.yaml)."""
    files: list[Path] = []
    for main in (s.path for s in boundary_sources(paths) if s.path.is_file()):
        beside = [main.with_suffix(x) for x in (".shx", ".dbf", ".prj", ".cpg")]
        extra = [p for p in beside if p.is_file()] if main.suffix.lower() == ".shp" else []
        files += [p for p in (main, *extra) if p not in files]
    return files
