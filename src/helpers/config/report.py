"""Optional settings of the reports (params/report.yaml): where the map's boundaries are."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
    layer: str | None = None
    code_column: str | None = None
    name_column: str | None = None
    gemeente_column: str | None = None
    crs: str | None = None


class ReportSettings(Strict):
    """Optional settings of the reports (params/report.yaml; absent means defaults)."""

    boundaries: str | BoundarySettings | None = None


@dataclass(frozen=True)
class BoundarySource:
    """The boundary file (resolved) and the options `maps.read_boundaries` takes."""

    path: Path
    options: dict[str, str]


def report_settings(paths: Paths) -> ReportSettings:
    """params/report.yaml when present, else the defaults (no map)."""
    path = paths.report_settings_file
    return load_model(ReportSettings, path) if path.is_file() else ReportSettings()


def boundary_source(paths: Paths) -> BoundarySource | None:
    """The boundary file for maps (relative to the project root) and how to read it.

    None without one; a clear error naming params/report.yaml when the file is absent.
    """
    setting = report_settings(paths).boundaries
    if not setting:
        return None
    settings = setting if isinstance(setting, BoundarySettings) else BoundarySettings(file=setting)
    key = "boundaries" if isinstance(setting, str) else "boundaries.file"
    name = settings.file
    path = Path(name) if Path(name).is_absolute() else paths.root / name
    if not path.is_file():
        raise FileNotFoundError(f"{paths.report_settings_file}: key {key}: {path} does not exist")
    options = settings.model_dump(exclude={"file"}, exclude_none=True)
    return BoundarySource(path, options)


def boundaries_file(paths: Paths) -> Path | None:
    """The boundary file for maps, or None without one (see `boundary_source`)."""
    source = boundary_source(paths)
    return source.path if source else None


def boundary_files(paths: Paths) -> list[Path]:
    """The boundary file and, for a shapefile, the files beside it that it is read with."""
    main = boundaries_file(paths)
    if main is None:
        return []
    if main.suffix.lower() != ".shp":
        return [main]
    beside = [main.with_suffix(s) for s in (".shx", ".dbf", ".prj", ".cpg")]
    return [main, *(p for p in beside if p.is_file())]
