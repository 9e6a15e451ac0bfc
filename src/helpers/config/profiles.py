"""The model of params/profiles.yaml: which region's wijken (or buurten) get a profile."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator

from helpers.config import (
    GemeenteCode,
    Paths,
    Strict,
    TableId,
    load_model,
)

SETTINGS_FILE = Paths(Path()).profiles_file.name
ProvincieCode = Annotated[str, StringConstraints(pattern=r"^PV\d{2}$")]
GgdRegioCode = Annotated[str, StringConstraints(pattern=r"^GG\d{4}$")]


LEVEL_PREFIX = {"wijk": "WK", "buurt": "BU"}


# the key of params/profiles.yaml that lists the codes of each grouping
GROUPING_KEYS = {"provincie": "provincies", "ggd_regio": "ggd_regios"}


class ProfileSettings(Strict):
    """params/profiles.yaml: which areas get a profile."""

    level: Literal["wijk", "buurt"] = "wijk"
    areas: Literal["gemeenten", "land", "provincie", "ggd_regio"] = Field(
        default="gemeenten",
        description="gemeenten: every area of the listed gemeenten; land: of the country; "
        "provincie / ggd_regio: of the listed provincies / GGD-regio's",
    )
    gemeenten: list[GemeenteCode] = Field(
        default_factory=list,
        description="with areas: gemeenten; empty means the comparison gemeenten",
    )
    provincies: list[ProvincieCode] = Field(
        default_factory=list, validate_default=True, description="with areas: provincie"
    )
    ggd_regios: list[GgdRegioCode] = Field(
        default_factory=list, validate_default=True, description="with areas: ggd_regio"
    )
    gebieden_table: TableId = Field(
        default="85067NED",
        description="CBS 'Gebieden in Nederland' of the cycle year: gemeente -> provincie, "
        "GGD-regio (85067NED is the 2022 edition)",
    )

    @field_validator("provincies", "ggd_regios")
    @classmethod
    def _listed_for_its_kind(cls, codes: list[str], info: ValidationInfo) -> list[str]:
        """Codes where the area set reads them, and only there: a list that is silently
        ignored would profile other areas than the reader meant."""
        kind = next(k for k, key in GROUPING_KEYS.items() if key == info.field_name)
        areas = info.data.get("areas")
        if areas == kind and not codes:
            raise ValueError(f"areas: {kind} needs at least one code here")
        if areas != kind and codes:
            raise ValueError(f"only read with areas: {kind} (areas is {areas})")
        return codes

    def grouping_codes(self) -> list[str]:
        """The provincie or GGD-regio codes of the area set; empty for the other kinds."""
        key = GROUPING_KEYS.get(self.areas)
        return list(getattr(self, key)) if key else []


class ProfilesFile(Strict):
    profiles: ProfileSettings | None = None


def profile_settings(paths: Paths) -> ProfileSettings | None:
    """The area set, or None where params/profiles.yaml is absent or empty (no profiles)."""
    path = paths.profiles_file
    if not path.is_file():
        return None
    return load_model(ProfilesFile, path).profiles


def needs_gebieden(settings: ProfileSettings | None) -> str | None:
    """The gebieden table the area set is resolved through, or None (gemeenten, land)."""
    return settings.gebieden_table if settings and settings.areas in GROUPING_KEYS else None
