"""Typed models of everything in params/, validated when loaded.

A researcher edits YAML by hand once a year; a typo must stop the run at once with
the file, the key and what was expected, not surface later as a wrong figure. Values
that end up in file names or papermill parameters (keys, codes) are checked by
pattern, so no params file can write outside the project or inject code.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from helpers.config.paths import Paths
from helpers.runtime.yaml_io import YamlError, read_yaml_file

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
GemeenteCode = Annotated[str, StringConstraints(pattern=r"^GM\d{4}$")]
AreaCode = Annotated[str, StringConstraints(pattern=r"^(WK\d{6}|BU\d{8})$")]
TableId = Annotated[str, StringConstraints(pattern=r"^\d{5}NED$")]
ColumnName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,79}$")]
Year = Annotated[int, Field(ge=1990, le=2100)]

M = TypeVar("M", bound=BaseModel)

Level = Literal["input", "activity", "output", "outcome", "impact", "context"]
Direction = Literal["higher_is_better", "lower_is_better", "neutral"]
Source = Literal["cbs_kwb", "cbs_health", "survey", "registration", "politie"]
Unit = Literal["aantal", "procent", "euro", "duizend_euro", "per_km2", "per_1000"]
AreaLevel = Literal["buurt", "wijk", "gemeente", "programma"]
# The pillars of the Regio Deal joint monitor (RIVM), plus `bevolking` for the context
# demographics; Dutch labels in helpers.report.dutch.THEME_LABELS.
Theme = Literal[
    "bevolking",
    "gezondheid",
    "veiligheid",
    "participatie_en_armoede",
    "onderwijs",
    "wonen_leefomgeving_groen",
]

LEVEL_LABELS: dict[str, str] = {
    "input": "Input",
    "activity": "Activiteit",
    "output": "Output",
    "outcome": "Outcome / effect",
    "impact": "Impact",
    "context": "Context",
}


# What a value of a unit can be: a target outside it is a typing or unit error (150%).
UNIT_RANGES: dict[str, tuple[float, float | None]] = {
    "procent": (0.0, 100.0),
    "aantal": (0.0, None),
    "euro": (0.0, None),
}


class ParamsError(ValueError):
    """A params file is missing, unreadable or breaks a rule; the message says where."""


class ParamsWarning(UserWarning):
    """A params value that loads but will mislead a reader (a target already met, dated
    in the past, ...); the message names the file and the key, like ParamsError."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- cycle


class CycleYears(Strict):
    year: Year = Field(description="latest data year reported on in this cycle")
    years: list[Year] = Field(min_length=1)
    base_year: Year = Field(description="nulmeting: the year changes are measured from")

    @model_validator(mode="after")
    def _years_consistent(self) -> CycleYears:
        if sorted(set(self.years)) != self.years:
            raise ValueError("years must be increasing without duplicates")
        if self.year not in self.years:
            raise ValueError(f"year {self.year} is not among years {self.years}")
        if self.base_year not in self.years:
            raise ValueError(f"base_year {self.base_year} is not among years {self.years}")
        return self


class DemoSettings(Strict):
    seed: int = Field(ge=0)
    # Nederland's inhabitants for a cycle year the demo has no CBS figure of (written by
    # `wijkmonitor cycle open`), so that a new year on the demo data needs no code edit.
    nederland_inhabitants: dict[int, int] = Field(default_factory=dict)


HostName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9.\-]+(:\d+)?$")]


class HealthEdition(Strict):
    """One edition of RIVM/GGD/CBS *Gezondheid per wijk en buurt*: where CBS serves it,
    which waves it holds and in which area classification (all waves in one)."""

    catalog: Literal["opendata", "rivm"] = Field(
        description="opendata: cbs.catalog_url; rivm: the RIVM catalog, cbs.rivm_catalog_url"
    )
    waves: list[Year] = Field(min_length=1)
    area_classification: Year
    note: str = ""


class CbsSettings(Strict):
    catalog_url: HostName
    use_https: bool = True
    kwb_tables: dict[Year, TableId] = Field(min_length=1)
    retries: int = Field(default=3, ge=0, le=10)
    backoff_seconds: float = Field(
        default=2.0, ge=0, le=300, description="wait before retry n: backoff * 2**(n-1)"
    )
    timeout_seconds: float = Field(default=120.0, gt=0, le=3600)
    check_revisions: bool = Field(
        default=True,
        description="ask CBS at every `dvc repro` whether a fetched table was revised; "
        "false freezes the cycle on its snapshots",
    )
    health_table: TableId | None = Field(
        default=None, description="RIVM/GGD health per wijk en buurt (50090NED); none: skip"
    )
    rivm_catalog_url: HostName = Field(
        default="dataderden.cbs.nl", description="CBS's catalog of third-party tables (RIVM)"
    )
    health_editions: dict[TableId, HealthEdition] = Field(default_factory=dict)
    crime_table: TableId | None = Field(
        default=None,
        description="registered crime per wijk en buurt (Politie, 47018NED); none: skip",
    )
    crime_catalog_url: HostName = Field(
        default="dataderden.cbs.nl", description="the catalog the police table is in"
    )
    crime_gemeente_table: TableId | None = Field(
        default=None,
        description="registered crime per gemeente (Politie, 47013NED), in the same "
        "catalog: the gemeente's figure with crime not assignable to a buurt; none: skip",
    )

    @model_validator(mode="after")
    def _known_health_edition(self) -> CbsSettings:
        if (
            self.health_table
            and self.health_editions
            and (self.health_table not in self.health_editions)
        ):
            raise ValueError(
                f"health_table {self.health_table} is not among health_editions "
                f"{sorted(self.health_editions)}"
            )
        return self

    def health_catalog_url(self, table_id: str) -> str:
        """The catalog host that serves a health edition (the RIVM catalog for 50120NED on)."""
        edition = self.health_editions.get(table_id)
        return self.rivm_catalog_url if edition and edition.catalog == "rivm" else self.catalog_url


class Comparison(Strict):
    nederland: Literal["NL00"] = "NL00"
    gemeenten: dict[GemeenteCode, str] = Field(min_length=1)


class Suppression(Strict):
    min_count: int = Field(default=5, ge=1)
    min_denominator: int = Field(default=50, ge=1)
    min_survey_n: int = Field(default=30, ge=1)


class Fanout(Strict):
    """How the analyse stage spreads notebooks; it never changes what they produce."""

    workers: int = Field(default=0, ge=0, le=256, description="0 = every core")
    scheduler: str | None = Field(
        default=None,
        pattern=r"^(tcp|tls|inproc|ucx)://[A-Za-z0-9.\-\[\]:]+$",
        description="Dask distributed scheduler address; empty runs locally",
    )


class Plausibility(Strict):
    """How far a value may move between consecutive years before validation objects.

    A factor compares the larger of two consecutive values with the smaller: 3 means a
    tripling or a drop to a third. Real neighbourhood series rarely move that much in a
    year; a unit or typing error (a thousands separator, a fraction for a percentage)
    moves them by a hundred or a thousand. Pairs whose smaller value is below
    `jump_min_value` are not compared: a project starting with 2 volunteers is no error.
    """

    jump_warn: float = Field(default=3.0, gt=1, description="warn beyond this factor")
    jump_stop: float = Field(default=20.0, gt=1, description="stop the run beyond this factor")
    jump_min_value: float = Field(
        default=10.0, gt=0, description="smaller value of a pair below this: not compared"
    )

    @model_validator(mode="after")
    def _stop_above_warn(self) -> Plausibility:
        if self.jump_stop < self.jump_warn:
            raise ValueError(
                f"jump_stop ({self.jump_stop:g}) must not be below jump_warn ({self.jump_warn:g})"
            )
        return self


class Cycle(Strict):
    cycle: CycleYears
    source: Literal["demo", "cbs"]
    local_data: str = Field(pattern=r"^data/raw/[a-z0-9_\-/]+$")
    demo: DemoSettings
    cbs: CbsSettings
    comparison: Comparison
    suppression: Suppression
    programmes: list[Key] = Field(min_length=1)
    fanout: Fanout = Fanout()
    privacy: Literal["stop", "redact"] = Field(
        default="stop",
        description="personal data in notes or free text: stop the run (default), or "
        "go on with every finding replaced by a visible mark [verwijderd: …]",
    )
    privacy_allowed: list[str] = Field(
        default_factory=list,
        description="place and organisation names that are not persons, though a list of "
        "Dutch names holds them (De Klop, Al Amal): not taken for personal data",
    )
    plausibility: Plausibility = Plausibility()

    @field_validator("programmes")
    @classmethod
    def _programmes_once(cls, programmes: list[str]) -> list[str]:
        twice = sorted({key for key in programmes if programmes.count(key) > 1})
        if twice:
            raise ValueError(f"programme(s) {twice} listed more than once")
        return programmes

    @model_validator(mode="after")
    def _tables_for_years(self) -> Cycle:
        missing = [y for y in self.cycle.years if y not in self.cbs.kwb_tables]
        if missing:
            raise ValueError(f"cbs.kwb_tables has no table id for year(s) {missing}")
        if ".." in self.local_data:
            raise ValueError("local_data must stay inside data/raw/")
        return self

    def kwb_table(self, year: int) -> str:
        return self.cbs.kwb_tables[year]

    @property
    def gemeenten(self) -> list[str]:
        return list(self.comparison.gemeenten)


# ----------------------------------------------------------------------- catalogue


class DefinitionChange(Strict):
    from_year: Year
    note: str = Field(min_length=1)


class Indicator(Strict):
    """One definition per indicator: where its value comes from and how to read it."""

    id: Key
    label: str = Field(min_length=1)
    level: Level
    unit: Unit
    source: Source
    column: ColumnName | None = None
    numerator: ColumnName | None = None
    denominator: ColumnName | None = None
    scale: float = Field(default=100.0, gt=0)
    area_level: AreaLevel = "programma"
    direction: Direction
    group: Key | None = Field(
        default=None,
        description="breakdown by population group (e.g. leeftijd): the indicators of one "
        "group split the same denominator into parts that add up to it; shown as context",
    )
    description: str = ""
    theme: Theme | None = Field(
        default=None,
        description="the pillar of the joint monitor it belongs to (reports group by it)",
    )
    changes: list[DefinitionChange] = Field(default_factory=list)
    population: str | None = Field(
        default=None,
        description="cbs_health: the age group (Leeftijd Title); default '18 jaar of ouder'",
    )

    @model_validator(mode="after")
    def _one_formula(self) -> Indicator:
        has_column = self.column is not None
        has_ratio = self.numerator is not None or self.denominator is not None
        if has_column == has_ratio:
            raise ValueError("give either `column` or both `numerator` and `denominator`")
        if has_ratio and (self.numerator is None or self.denominator is None):
            raise ValueError("a ratio needs both `numerator` and `denominator`")
        return self

    @property
    def is_ratio(self) -> bool:
        return self.numerator is not None

    @model_validator(mode="after")
    def _health_is_a_column(self) -> Indicator:
        if self.source == "cbs_health" and (self.column is None or self.unit != "procent"):
            raise ValueError("a cbs_health indicator is a `column` in procent (an estimate)")
        if self.population is not None and self.source != "cbs_health":
            raise ValueError("`population` (age group) applies to cbs_health indicators only")
        return self

    @model_validator(mode="after")
    def _crime_is_per_1000(self) -> Indicator:
        crime = ("GeregistreerdeMisdrijven", "AantalInwoners", "per_1000", 1000.0)
        own = (self.numerator, self.denominator, self.unit, self.scale)
        if self.source == "politie" and own != crime:
            raise ValueError(
                "a politie indicator is registered crime per 1,000 inhabitants: numerator "
                "GeregistreerdeMisdrijven, denominator AantalInwoners, unit per_1000, "
                "scale 1000"
            )
        return self

    def definition_version(self, year: int) -> int:
        """1 for the original definition, +1 for every change in force by `year`."""
        return 1 + sum(1 for change in self.changes if change.from_year <= year)

    @model_validator(mode="after")
    def _group_is_a_share(self) -> Indicator:
        if self.group is not None and not (self.is_ratio and self.unit == "procent"):
            raise ValueError("a `group` indicator must be a share (procent with numerator)")
        return self


class Catalogue(Strict):
    indicators: list[Indicator] = Field(min_length=1)

    @field_validator("indicators")
    @classmethod
    def _unique_ids(cls, indicators: list[Indicator]) -> list[Indicator]:
        seen: set[str] = set()
        for indicator in indicators:
            if indicator.id in seen:
                raise ValueError(f"indicator id {indicator.id!r} is defined twice")
            seen.add(indicator.id)
        return indicators

    def get(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)


# ---------------------------------------------------------------------- programmes


class AreaPeriod(Strict):
    from_year: Year
    codes: list[AreaCode] = Field(min_length=1)


class Effort(Strict):
    id: Key
    label: str = Field(min_length=1)
    project: Key = Field(description="project key in the local registrations")
    indicators: list[Key] = Field(default_factory=list)


class Goal(Strict):
    id: Key
    label: str = Field(min_length=1)
    indicators: list[Key] = Field(default_factory=list)
    efforts: list[Effort] = Field(default_factory=list)


class Target(Strict):
    """A programme's target: `value` for `indicator` in its area by `year`."""

    indicator: Key
    year: Year
    value: float


EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
PHONE = re.compile(r"^\+?[0-9][0-9 \-()]{8,18}[0-9]$")
WEBSITE = re.compile(r"^https?://[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+(/\S*)?$")


class Contact(Strict):
    """Whom residents can contact about the programme: an organisation, never a person.

    Published on the factsheet as given; it comes from params (not from notes), so the
    privacy screening of notes and free text does not apply to it.
    """

    organisation: str = Field(min_length=1, max_length=120)
    email: str | None = None
    phone: str | None = None
    website: str | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL.match(value):
            raise ValueError("expected an e-mail address like info@organisatie.nl")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not PHONE.match(value):
            raise ValueError("expected a phone number of 10 to 20 digits, spaces or dashes")
        return value

    @field_validator("website")
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        if value is not None and not WEBSITE.match(value):
            raise ValueError("expected a web address starting with https:// or http://")
        return value

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not (self.email or self.phone or self.website):
            raise ValueError("give at least one of `email`, `phone` or `website`")
        return self


class Programme(Strict):
    key: Key
    name: str = Field(min_length=1)
    gemeente: GemeenteCode
    description: str = ""
    place: str | None = Field(
        default=None,
        min_length=1,
        max_length=60,
        description="the area's name as residents say it (factsheet: 'In Overvecht ...')",
    )
    contact: Contact | None = None
    areas: list[AreaPeriod] = Field(min_length=1)
    goals: list[Goal] = Field(min_length=1)
    local_indicators: list[Indicator] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    deep_dives: list[Key] = Field(default_factory=list)

    @field_validator("areas")
    @classmethod
    def _areas_ordered(cls, areas: list[AreaPeriod]) -> list[AreaPeriod]:
        years = [period.from_year for period in areas]
        if years != sorted(set(years)):
            raise ValueError("area periods must have increasing, distinct from_year")
        return areas

    @model_validator(mode="after")
    def _areas_in_gemeente(self) -> Programme:
        number = self.gemeente[2:]
        for period in self.areas:
            for code in period.codes:
                if code[2:6] != number:
                    raise ValueError(
                        f"area {code} (from {period.from_year}) lies outside gemeente "
                        f"{self.gemeente}"
                    )
        return self

    def area_codes(self, year: int) -> list[str]:
        """The CBS codes that make up the programme area in `year` (empty before the first)."""
        current: list[str] = []
        for period in self.areas:
            if period.from_year <= year:
                current = list(period.codes)
        return current

    def indicator_ids(self) -> list[str]:
        """Every indicator the network names, in order of first mention, without repeats."""
        ids: list[str] = []
        for goal in self.goals:
            for indicator in goal.indicators:
                ids.append(indicator)
            for effort in goal.efforts:
                ids.extend(effort.indicators)
        return list(dict.fromkeys(ids))


# ------------------------------------------------------------------------- logbook


ChangeType = Literal[
    "indicator_added",
    "indicator_dropped",
    "indicator_redefined",
    "area_changed",
    "target_changed",
    "programme_added",
    "programme_ended",
]
# Which change types are about one indicator, and which about one programme.
INDICATOR_CHANGES = (
    "indicator_added",
    "indicator_dropped",
    "indicator_redefined",
    "target_changed",
)
PROGRAMME_CHANGES = ("area_changed", "target_changed", "programme_added", "programme_ended")


class LogEntry(Strict):
    """One change to the monitoring design (docs/logbook.md lists the types and fields)."""

    date: dt.date
    programme: Key | Literal["all"] = "all"
    change: ChangeType
    indicator: Key | None = None
    from_year: Year
    reason: str = Field(min_length=1)
    breaks_series: bool = False

    @property
    def breaks_a_series(self) -> bool:
        """A redefinition always breaks its indicator's series (the engine raises the
        definition version); any other change only with `breaks_series: true`."""
        return self.breaks_series or self.change == "indicator_redefined"

    @model_validator(mode="after")
    def _fields_of_the_change(self) -> LogEntry:
        if self.change in INDICATOR_CHANGES and self.indicator is None:
            raise ValueError(f"a {self.change} entry names its `indicator`")
        if self.change not in INDICATOR_CHANGES and self.indicator is not None:
            raise ValueError(f"a {self.change} entry has no `indicator`")
        if self.change in PROGRAMME_CHANGES and self.programme == "all":
            raise ValueError(f"a {self.change} entry names its `programme` (not 'all')")
        return self


class Logbook(Strict):
    entries: list[LogEntry] = Field(default_factory=list)

    def for_programme(self, key: str) -> list[LogEntry]:
        return [e for e in self.entries if e.programme in (key, "all")]

    def added_from(self, indicator_id: str) -> int | None:
        """The year from which the joint set follows the indicator (logbook), if recorded.

        Before that year the monitor does not follow it, so a source column it needs
        is not expected there (herkomstland exists from KWB 2024 on).
        """
        added = [e for e in self.entries if e.change == "indicator_added" and e.programme == "all"]
        years = [e.from_year for e in added if e.indicator == indicator_id]
        return min(years, default=None)

    def redefinitions(self, key: str, indicator_id: str) -> list[DefinitionChange]:
        """The logbook's redefinitions of one indicator for one programme, as definition changes.

        A redefinition recorded in the logbook counts like one in the catalogue: it raises
        the definition version from its year on.
        """
        return [
            DefinitionChange(from_year=e.from_year, note=e.reason)
            for e in self.for_programme(key)
            if e.change == "indicator_redefined" and e.indicator == indicator_id
        ]


# ------------------------------------------------------------- CBS column mapping

ConceptKind = Literal["count", "average", "percentage", "rate", "code"]


class PublishedName(Strict):
    """One name under which CBS published a concept: base name and DataProperties Title.

    `unit` and `group` tell apart columns CBS publishes twice under one base name and
    Title: `group` is the Title of the topic's own TopicGroup (its ParentID entry, one
    level up, never further), e.g. `Nederland` under "Herkomstland" and under
    "Geboren in Nederland" in KWB 2024.
    """

    name: ColumnName
    title: str | None = Field(default=None, min_length=1, description="None: match on name")
    unit: str | None = Field(default=None, description="also match the Unit (duplicate names)")
    group: str | None = Field(
        default=None, min_length=1, description="also match the parent TopicGroup's Title"
    )
    version: int = Field(default=1, ge=1, description="definition version; a change is a break")
    note: str = ""

    def distinct_from(self, other: PublishedName) -> bool:
        """True when no column can match both: a Title, Unit or group both give differs."""
        pairs = ((self.title, other.title), (self.unit, other.unit), (self.group, other.group))
        return any(
            a is not None and b is not None and " ".join(a.split()) != " ".join(b.split())
            for a, b in pairs
        )


class Concept(Strict):
    """One KWB or health concept and every name it had, with how it may be aggregated.

    `kind` tells the indicator engine what to do with a programme area of several
    CBS areas: counts are summed; a percentage or rate only from the `numerator`
    and `denominator` concepts when given; averages are never aggregated.
    """

    id: ColumnName
    kind: ConceptKind
    unit: str = Field(min_length=1)
    names: list[PublishedName] = Field(min_length=1)
    numerator: ColumnName | None = None
    denominator: ColumnName | None = None
    scale: float = Field(default=100.0, gt=0)

    @model_validator(mode="after")
    def _ratio_parts(self) -> Concept:
        if (self.numerator is None) != (self.denominator is None):
            raise ValueError("give both `numerator` and `denominator`, or neither")
        if self.numerator is not None and self.kind not in ("percentage", "rate"):
            raise ValueError("only a percentage or rate has a numerator and denominator")
        return self

    @property
    def aggregable(self) -> bool:
        return self.kind == "count" or self.numerator is not None


class CbsColumns(Strict):
    """params/cbs_columns.yaml: the reviewed mapping of CBS columns to our concepts."""

    kwb: list[Concept] = Field(min_length=1)
    health: list[Concept] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> CbsColumns:
        for part in (self.kwb, self.health):
            ids: set[str] = set()
            names: dict[str, list[tuple[str, PublishedName]]] = {}
            for concept in part:
                if concept.id in ids:
                    raise ValueError(f"concept {concept.id!r} is defined twice")
                ids.add(concept.id)
                for published in concept.names:
                    claims = names.setdefault(published.name, [])
                    for other, earlier in claims:
                        if other != concept.id and not published.distinct_from(earlier):
                            raise ValueError(
                                f"name {published.name!r} is mapped to both {other!r} and "
                                f"{concept.id!r}: give each a different `title`, `unit` or "
                                "`group`"
                            )
                    claims.append((concept.id, published))
            for concept in part:
                for part_id in (concept.numerator, concept.denominator):
                    if part_id is not None and part_id not in ids:
                        raise ValueError(f"{concept.id}: unknown concept {part_id!r}")
        return self

    def concepts(self, table: Literal["kwb", "health"]) -> list[Concept]:
        return list(self.kwb if table == "kwb" else self.health)


# --------------------------------------------------------------------- the project


class Project(Strict):
    """All params together, checked against each other."""

    cycle: Cycle
    catalogue: Catalogue
    programmes: dict[str, Programme]
    logbook: Logbook
    cbs_columns: CbsColumns | None = None

    def indicators_for(self, key: str) -> list[Indicator]:
        """Joint indicators followed by the programme's local ones."""
        return [*self.catalogue.indicators, *self.programmes[key].local_indicators]

    def indicator(self, key: str, indicator_id: str) -> Indicator:
        for indicator in self.indicators_for(key):
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)


def _location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int) and parts:
            parts[-1] += f"[{item}]"
        else:
            parts.append(str(item))
    return ".".join(parts) or "(top level)"


def _describe(error: ValidationError, path: Path) -> str:
    lines = [f"{path}: invalid parameters"]
    for issue in error.errors():
        message = issue["msg"].removeprefix("Value error, ")
        got = issue.get("input")
        shown = "" if isinstance(got, dict | list) or got is None else f" (got {got!r})"
        lines.append(f"  key {_location(issue['loc'])}: {message}{shown}")
    return "\n".join(lines)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file strictly, naming file, line and key on a syntax error, a key
    given twice or an impossible date (helpers.runtime.yaml_io.read_yaml_file)."""
    if not path.is_file():
        raise ParamsError(f"{path}: file not found")
    try:
        return read_yaml_file(path)
    except YamlError as error:
        raise ParamsError(str(error)) from None


def load_model(model: type[M], path: Path) -> M:
    """Load `path` into `model`, or raise ParamsError naming file, key and expectation."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise ParamsError(f"{path}: expected a mapping of keys at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ParamsError(_describe(error, path)) from None


def load_cycle(paths: Paths) -> Cycle:
    return load_model(Cycle, paths.cycle_file)


def load_catalogue(paths: Paths) -> Catalogue:
    return load_model(Catalogue, paths.catalogue_file)


def load_logbook(paths: Paths) -> Logbook:
    return load_model(Logbook, paths.logbook_file)


def load_programme(paths: Paths, key: str) -> Programme:
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", key):
        raise ParamsError(f"{paths.cycle_file}: programme key {key!r} is not a lowercase slug")
    path = paths.programme_file(key)
    programme = load_model(Programme, path)
    if programme.key != key:
        raise ParamsError(f"{path}: key {programme.key!r} must equal the file name {key!r}")
    return programme


def load_project(paths: Paths) -> Project:
    """Load and cross-check every params file."""
    cycle = load_cycle(paths)
    catalogue = load_catalogue(paths)
    programmes = {key: load_programme(paths, key) for key in cycle.programmes}
    logbook = load_logbook(paths)
    _cross_check(paths, cycle, catalogue, programmes, logbook)
    return Project(
        cycle=cycle,
        catalogue=catalogue,
        programmes=programmes,
        logbook=logbook,
        cbs_columns=load_cbs_columns(paths),
    )


def load_cbs_columns(paths: Paths) -> CbsColumns | None:
    """The CBS column mapping, or None in a project without params/cbs_columns.yaml."""
    path = paths.cbs_columns_file
    return load_model(CbsColumns, path) if path.is_file() else None


def _cross_check(
    paths: Paths,
    cycle: Cycle,
    catalogue: Catalogue,
    programmes: dict[str, Programme],
    logbook: Logbook,
) -> None:
    joint = {indicator.id for indicator in catalogue.indicators}
    for key, programme in programmes.items():
        path = paths.programme_file(key)
        if programme.gemeente not in cycle.comparison.gemeenten:
            raise ParamsError(
                f"{path}: key gemeente: {programme.gemeente} is not among "
                f"comparison.gemeenten in {paths.cycle_file}"
            )
        local = {indicator.id for indicator in programme.local_indicators}
        clash = joint & local
        if clash:
            raise ParamsError(
                f"{path}: key local_indicators: {sorted(clash)} already in the joint catalogue"
            )
        known = joint | local
        for goal_index, goal in enumerate(programme.goals):
            named = [*goal.indicators, *(i for e in goal.efforts for i in e.indicators)]
            for indicator in named:
                if indicator not in known:
                    raise ParamsError(
                        f"{path}: key goals[{goal_index}] ({goal.id}): unknown indicator "
                        f"{indicator!r}; expected one of the catalogue or local_indicators"
                    )
        units = {i.id: i.unit for i in [*catalogue.indicators, *programme.local_indicators]}
        for target_index, target in enumerate(programme.targets):
            if target.indicator not in known:
                raise ParamsError(
                    f"{path}: key targets[{target_index}].indicator: unknown indicator "
                    f"{target.indicator!r}"
                )
            low, high = UNIT_RANGES.get(units.get(target.indicator, ""), (None, None))
            if (low is not None and target.value < low) or (
                high is not None and target.value > high
            ):
                raise ParamsError(
                    f"{path}: key targets[{target_index}].value: {target.value:g} lies outside "
                    f"the range of its unit {units[target.indicator]} ({low:g} to "
                    f"{'…' if high is None else f'{high:g}'}); a percentage is written 0-100"
                )
        for dive in programme.deep_dives:
            notebook = paths.deep_dives / f"{dive}.ipynb"
            if not notebook.is_file():
                raise ParamsError(f"{path}: key deep_dives: no notebook {notebook}")
        first = programme.areas[0].from_year
        if first > cycle.cycle.years[0]:
            raise ParamsError(
                f"{path}: key areas[0].from_year: {first} is after the first cycle year "
                f"{cycle.cycle.years[0]}; give the area for every year covered"
            )
    # The logbook keeps the history of every programme, also of one left out of this
    # cycle's list (a run for a subset, a queued experiment): only a typo is an error.
    for index, entry in enumerate(logbook.entries):
        exists = entry.programme == "all" or paths.programme_file(entry.programme).is_file()
        if not exists:
            raise ParamsError(
                f"{paths.logbook_file}: key entries[{index}].programme: unknown programme "
                f"{entry.programme!r} (no {paths.programme_file(entry.programme)})"
            )
        _check_logbook_indicator(paths, index, entry, joint, programmes)


def _check_logbook_indicator(
    paths: Paths, index: int, entry: LogEntry, joint: set[str], programmes: dict[str, Programme]
) -> None:
    """An entry that adds or redefines an indicator must name one that exists.

    A misspelt id would apply to nothing without a word (no break, no new definition
    version). A dropped indicator has usually left the catalogue, so it is not checked.
    """
    if entry.indicator is None or entry.change not in ("indicator_added", "indicator_redefined"):
        return
    if entry.programme == "all":
        local = {i.id for p in programmes.values() for i in p.local_indicators}
    elif entry.programme in programmes:
        local = {i.id for i in programmes[entry.programme].local_indicators}
    else:  # a programme outside this cycle: read its file for its local indicators
        other = load_model(Programme, paths.programme_file(entry.programme))
        local = {i.id for i in other.local_indicators}
    if entry.indicator not in joint | local:
        where = "the catalogue" + ("" if entry.programme == "all" else f" or {entry.programme}")
        raise ParamsError(
            f"{paths.logbook_file}: key entries[{index}].indicator: unknown indicator "
            f"{entry.indicator!r} in entry {index + 1} ({entry.date}, {entry.change}); "
            f"expected an indicator id of {where}"
        )
