"""The comparison: every statement on the built pages against the reference.

A statement agrees when its figure, rounded from the reference at the printed
precision, is the printed figure; when its period is the period the reference finds
for it; and when its status is the decision table's (docs/status.md). A statement in
an audited table or sentence whose indicator, area or figure the audit cannot place is
`unattributed`, and fails the audit as a disagreement does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from helpers.audit.captions import CaptionAuditor
from helpers.audit.crime import TABLE_HEADER as CRIME_TABLE
from helpers.audit.crime import CrimeAuditor
from helpers.audit.pages import (
    MISSING,
    NUMBER,
    YEAR,
    Page,
    Printed,
    Table,
    heading_text,
    parse_number,
    status_word,
)
from helpers.audit.reference import ROLES, Reference, expected_value, half_up
from helpers.config import Indicator, Target

AGREE, DISAGREE, UNATTRIBUTED = "agree", "disagree", "unattributed"
SIGNED = r"[+−-]?\d[\d.]*(?:,\d+)?"


@dataclass(frozen=True)
class Check:
    """One statement checked: where it is, what the page says, what the reference says."""

    document: str
    where: str
    printed: str
    expected: str
    outcome: str


@dataclass
class Result:
    checks: list[Check] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        documents: dict[str, dict[str, int]] = {}
        for check in self.checks:
            row = documents.setdefault(
                check.document, {"checked": 0, "disagree": 0, "unattributed": 0}
            )
            row["checked"] += 1
            if check.outcome != AGREE:
                row[check.outcome] += 1
        return documents

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.outcome != AGREE]

    def as_json(self) -> dict:
        counts = self.counts()
        return {
            "passed": not self.failures,
            "checked": sum(c["checked"] for c in counts.values()),
            "disagree": sum(c["disagree"] for c in counts.values()),
            "unattributed": sum(c["unattributed"] for c in counts.values()),
            "documents": counts,
            "findings": [asdict(c) for c in self.failures],
        }


def shown(value: float, unit: str, decimals: int, printed: float = math.nan) -> float:
    """The reference value in the printed unit at the printed decimals. Programme budgets
    (`euro`) are booked and printed to the hundred euro: a whole amount ending in 00 is
    read at that precision."""
    if unit == "duizend_euro":
        value = value * 1000
    if unit == "euro" and decimals == 0 and math.isfinite(printed) and printed % 100 == 0:
        decimals = -2
    return half_up(value, decimals)


ANNUAL_TABLES = {
    "De wijk in cijfers",
    "bijlage per indicator",
    "Tabel 1",
    "Stand van zaken per doel",
    "vijf niveaus",
    "statistische bijlage",
}
"""The tables every annual report has; the efforts, the comparison with the gemeente
and the population groups are read where the data give them."""


BREAK_COLUMN = "breuk in de reeks"


def grid_years(header: list[str]) -> list[int]:
    """The years of an `indicator | gebied | year … [| breuk in de reeks]` table, else []."""
    if header[:2] != ["indicator", "gebied"]:
        return []
    years = header[2:-1] if header[-1:] == [BREAK_COLUMN] else header[2:]
    return [int(y) for y in years] if years and all(YEAR.fullmatch(y) for y in years) else []


LATEST_CELL = r"(?P<value>.+) \((?P<year>(?:19|20)\d\d)\)"
"""'29 (2024)': a value and the year it is of."""
OVERVIEW_CELL = r"(?P<value>.+?) \(gemeente (?P<gemeente>.+?)\) (?P<year>(?:19|20)\d\d)"
"""'70,9% (gemeente 72,6%) 2024': the joint overview's cell, the gemeente beside it."""


def words(value: float) -> str:
    return "–" if not math.isfinite(value) else f"{value:.12g}"


class Auditor:
    """Walks the pages and checks each statement it recognises against the reference."""

    def __init__(self, reference: Reference) -> None:
        self.ref = reference
        self.project = reference.project
        self.result = Result()

    # ------------------------------------------------------------------ recording
    def record(self, page: Page, where: str, printed: str, expected: str, ok: bool) -> None:
        outcome = AGREE if ok else DISAGREE
        self.result.checks.append(Check(page.name, where, printed, expected, outcome))

    def unattributed(self, page: Page, where: str, printed: str) -> None:
        self.result.checks.append(Check(page.name, where, printed, "", UNATTRIBUTED))

    def value(
        self, page: Page, where: str, text: str, key: str, role: str, ind: Indicator, year: int
    ) -> None:
        """A printed figure (or the dash) against the reference figure of that year."""
        found = self.ref.figure(key, role, ind, year)
        text = text.strip()
        if found.withheld == "not_in_reference":  # a source the reference does not read
            self.unattributed(page, f"{where} ({ind.source})", text)
            return
        if text == MISSING:
            ok = not math.isfinite(found.value) or self.ref.partners_withheld(key, role, ind, year)
            self.record(page, where, text, words(found.value), ok)
            return
        printed = parse_number(text)
        if printed is None:
            self.unattributed(page, where, text)
            return
        expected = shown(found.value, ind.unit, printed.decimals, printed.value)
        ok = math.isfinite(expected) and math.isclose(expected, printed.value, abs_tol=1e-9)
        self.record(page, where, text, words(expected), ok)

    def number(self, page: Page, where: str, printed: Printed, expected: float, unit: str) -> None:
        value = shown(expected, unit, printed.decimals, printed.value)
        ok = math.isfinite(value) and math.isclose(value, printed.value, abs_tol=1e-9)
        self.record(page, where, printed.text, words(value), ok)

    def latest_with(self, key: str, role: str, ind: Indicator, year: int) -> int | None:
        """The latest published year among the cycle's years and a printed `year` (a
        health wave before the cycle, RIVM 2020 in a 2024 cycle, keeps its own year)."""
        years = sorted(set(self.ref.years) | {year})
        found = [y for y in years if math.isfinite(self.ref.figure(key, role, ind, y).value)]
        return found[-1] if found else None

    # ------------------------------------------------------------------ lookups
    def labels(self, key: str) -> dict[str, Indicator]:
        return {i.label: i for i in self.project.indicators_for(key)}

    def areas(self, keys: list[str]) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        for key in keys:
            for role in ("nederland", "gemeente", "programma"):
                found.setdefault(self.ref.area_name(key, role), (key, role))
        return found

    # ------------------------------------------------------------------ pages
    def audit(self, pages: list[Page]) -> Result:
        for page in pages:
            if page.kind == "annual" and page.programme:
                self.annual(page, page.programme)
            elif page.kind == "joint":
                self.joint(page)
            elif page.kind == "landing":
                self.landing(page)
            elif page.kind == "factsheet" and page.programme:
                self.factsheet(page, page.programme)
        return self.result

    def annual(self, page: Page, key: str) -> None:
        seen = set()
        crime = CrimeAuditor(self)
        for table in page.tables:
            head = table.header
            if grid_years(head):
                self.grid(page, table, [key])
                seen.add("De wijk in cijfers")
            elif head[:3] == ["indicator", "niveau", "jaar"] and "streefwaarde" in head:
                self.appendix(page, table, key)
                seen.add("bijlage per indicator")
            elif head[:3] == ["doel", "indicator", "laatste waarde"]:
                self.glance(page, table, key)
                seen.add("Tabel 1")
            elif head == ["doel", "stand", "waarom"]:
                self.goals(page, table, key)
                seen.add("Stand van zaken per doel")
            elif head[:5] == ["niveau", "wat", "inspanning", "laatste waarde", "nulmeting"]:
                self.latest_and_base(page, table, key, (1, 3), "inspanningen")
                seen.add("inspanningen")
            elif head[:4] == ["niveau", "indicator", "laatste waarde", "nulmeting"]:
                self.latest_and_base(page, table, key, (1, 2), "vijf niveaus")
                self.latest_only(page, table, key, 4, "vijf niveaus: context")
                seen.add("vijf niveaus")
            elif head[:3] == ["thema", "indicator", "jaar"] and head[-1].startswith("index ("):
                self.against_gemeente(page, table, key)
                seen.add("vergelijking met de gemeente")
            elif head[:2] == ["bevolkingsgroep", "jaar"]:
                self.groups(page, table, key)
                seen.add("bevolkingsgroepen")
            elif head[:2] == ["indicator", "vergelijking"] and "p-waarde" in head:
                self.statistics(page, table, key)
                seen.add("statistische bijlage")
            elif head[:5] == ["datum", "wijziging", "indicator", "vanaf jaar", BREAK_COLUMN]:
                self.logbook(page, table, key)
                seen.add("logboek")
            elif head == CRIME_TABLE:
                crime.table(page, table, key)
                seen.add("misdrijven")
            elif head[:2] == ["jaar", "programmagebied (95%-interval)"]:
                self.deep_dive_gaps(page, table, key)
                seen.add("verdieping")
            elif table.section().startswith("Verdieping"):  # a deep dive's table not read
                self.unattributed(page, f"tabel in '{table.section()}'", " | ".join(head))
        logged = bool(self.project.logbook.for_programme(key)) or any(
            i.changes for i in self.project.indicators_for(key)
        )
        wanted = (
            ANNUAL_TABLES | self.deep_dives_wanted(page, key) | ({"logboek"} if logged else set())
        )
        if crime.wanted(key):
            wanted.add("misdrijven")
        self.expect(page, seen, wanted)
        self.sentences(page, key)
        crime.bars(page, key)
        CaptionAuditor(self).audit(page, [key])

    def joint(self, page: Page) -> None:
        keys = list(self.project.cycle.programmes)
        seen = set()
        for table in page.tables:
            if grid_years(table.header):
                self.grid(page, table, keys)
                seen.add("De wijk in cijfers")
            elif table.header[:1] == ["programma"] and len(table.header) > 1:
                self.overview(page, table)
                seen.add("overzicht per programma")
        if self.joint_targets(page):
            seen.add("streefwaarden")
        wanted = {"De wijk in cijfers", "overzicht per programma"}
        if any(self.project.programmes[k].targets for k in keys):
            wanted.add("streefwaarden")
        self.expect(page, seen, wanted)
        CaptionAuditor(self).audit(page, keys)

    def joint_targets(self, page: Page) -> int:
        """'Streefwaarde: <programme> <value> in <year>: <status> (<movement>); …' under
        each indicator's chart (its heading the indicator): every programme's target on
        that indicator, its value and year from the params, its status and movement by
        the decision table. Returns the number of sentences read."""
        names = {self.project.programmes[k].name: k for k in self.project.cycle.programmes}
        read = 0
        for heading, text in page.headed_paragraphs():
            found = re.search(r"Streefwaarde: (.+?)\.(?:\s|$)", text)
            if found is None:
                continue
            read += 1
            listed = set()
            for part in found.group(1).split("; "):
                name = next((n for n in names if part.startswith(f"{n} ")), None)
                indicator = self.labels(names[name]).get(heading) if name else None
                where = f"{heading} | {name or part} (streefwaarde)"
                if name is None or indicator is None:
                    self.unattributed(page, where, part)
                    continue
                listed.add(names[name])
                self.joint_target(page, where, part[len(name) + 1 :], names[name], indicator)
            self.joint_targets_listed(page, heading, listed)
        return read

    def joint_target(self, page: Page, where: str, text: str, key: str, ind: Indicator) -> None:
        """One programme's '<value> in <year>: <status> (<movement>)'."""
        match = re.fullmatch(rf"(.+?) in ({YEAR_RE})(?:: (.+?))?(?: \((.+)\))?", text)
        printed = parse_number(match.group(1)) if match else None
        targets = self.targets_of(key, ind)
        if match is None or printed is None or not targets:
            self.unattributed(page, where, text)
            return
        self.target_year_and_value(page, where, match.group(2), printed, targets[0], ind)
        status = self.ref.status(key, ind)
        stated = status_word(match.group(3) or "")
        self.record(
            page, f"{where}: status", match.group(3) or "–", status.key, stated == status.key
        )
        movement = MOVEMENT_WORDS.get(match.group(4) or "", match.group(4) or "")
        self.record(
            page,
            f"{where}: beweging",
            match.group(4) or "–",
            status.movement or "–",
            movement == status.movement,
        )

    def joint_targets_listed(self, page: Page, label: str, listed: set[str]) -> None:
        """Every programme with a target on the indicator is in its sentence."""
        for key in self.project.cycle.programmes:
            indicator = self.labels(key).get(label)
            if indicator is None or key in listed:
                continue
            if self.targets_of(key, indicator):
                name = self.project.programmes[key].name
                self.record(page, f"{label} | {name} (streefwaarde)", "–", "streefwaarde", False)

    def expect(self, page: Page, seen: set[str], wanted: set[str]) -> None:
        """A table the audit reads that is no longer on the page (or no longer in a form
        it knows) fails: otherwise a changed header would silently shrink the audit."""
        for name in sorted(wanted - seen):
            self.unattributed(page, f"tabel '{name}'", "niet gevonden of onbekende kolommen")

    # ------------------------------------------------------------------ tables
    def grid(self, page: Page, table: Table, keys: list[str]) -> None:
        """`indicator | gebied | year ...`: every cell a figure of that area and year."""
        years = grid_years(table.header)
        areas = self.areas(keys)
        for row in table.rows:
            label, area, cells = row[0], row[1], row[2:]
            place = areas.get(area)
            indicator = self.labels(place[0]).get(label) if place else None
            for year, text in zip(years, cells, strict=False):
                where = f"{label} | {area} | {year}"
                if place is None or indicator is None:
                    self.unattributed(page, where, text)
                    continue
                self.value(page, where, text, place[0], place[1], indicator, year)
            if table.header[-1] == BREAK_COLUMN and place and indicator and len(cells) > len(years):
                self.break_cell(page, f"{label} | {area}: breuk", cells[-1], place, indicator)

    def break_cell(
        self, page: Page, where: str, text: str, place: tuple[str, str], ind: Indicator
    ) -> None:
        """'vanaf 2022, vanaf 2024' or '–': the years after the first of the cycle from
        which the area's series breaks (declared or detected, `Reference.break_years`)."""
        first = min(self.ref.years)
        breaks = self.ref.break_years(place[0], ind, place[1])
        years = [y for y in breaks if first < y <= max(self.ref.years)]
        expected = ", ".join(f"vanaf {y}" for y in years) or MISSING
        self.record(page, where, text, expected, text == expected)

    def logbook(self, page: Page, table: Table, key: str) -> None:
        """The logbook 'datum | wijziging | indicator | vanaf jaar | breuk in de reeks |
        reden': 'ja' exactly where the series of that indicator (every indicator for a
        row without one) breaks in that year in the reference."""
        labels = self.labels(key)
        for row in table.rows:
            where = f"logboek: {row[1]} {row[2]} {row[3]}"
            indicator = labels.get(row[2])
            if (indicator is None and row[2] != MISSING) or not YEAR.fullmatch(row[3]):
                self.unattributed(page, where, " | ".join(row))
                continue
            year = int(row[3])
            chosen = [indicator] if indicator else list(labels.values())
            breaks = any(
                year in self.ref.break_years(key, ind, role) for ind in chosen for role in ROLES
            )
            self.record(
                page,
                f"{where}: breuk",
                row[4],
                "ja" if breaks else "nee",
                row[4] == ("ja" if breaks else "nee"),
            )

    def appendix(self, page: Page, table: Table, key: str) -> None:
        """The appendix table: `indicator | niveau | jaar | <programme> | <gemeente> |
        Nederland | verschil t.o.v. <base> | streefwaarde`."""
        head = table.header
        labels = self.labels(key)
        roles = ("programma", "gemeente", "nederland")
        for row in table.rows:
            label = row[0]
            indicator = labels.get(label)
            if indicator is None or not YEAR.fullmatch(row[2]):
                self.unattributed(page, f"{label} (bijlage)", " | ".join(row))
                continue
            year = int(row[2])
            latest = self.ref.latest_year(key, "programma", indicator)
            self.record(page, f"{label}: jaar (bijlage)", row[2], str(latest), latest == year)
            for role, text in zip(roles, row[3:6], strict=True):
                self.value(
                    page, f"{label} | {role} | {year} (bijlage)", text, key, role, indicator, year
                )
            self.change_text(page, f"{label}: {head[6]} (bijlage)", row[6], key, indicator, year)
            self.target_text(page, f"{label}: streefwaarde (bijlage)", row[7], key, indicator)

    def glance(self, page: Page, table: Table, key: str) -> None:
        """Table 1: latest value (year), change since the base year, target and status."""
        labels = self.labels(key)
        for row in table.rows:
            label = row[1]
            indicator = labels.get(label)
            where = f"Tabel 1: {label}"
            match = re.fullmatch(r"(.+) \(((?:19|20)\d\d)\)", row[2])
            if indicator is None or match is None:
                self.unattributed(page, where, " | ".join(row))
                continue
            year = int(match.group(2))
            latest = self.ref.latest_year(key, "programma", indicator)
            self.record(page, f"{where}: jaar", match.group(0), str(latest), latest == year)
            self.value(
                page, f"{where}: laatste waarde", match.group(1), key, "programma", indicator, year
            )
            self.change_text(page, f"{where}: verandering", row[3], key, indicator, year)
            self.target_text(
                page, f"{where}: streefwaarde", row[5], key, indicator, with_status=True
            )

    def goals(self, page: Page, table: Table, key: str) -> None:
        """The first screen: each goal's status against the decision table."""
        goals = {g.label: g for g in self.project.programmes[key].goals}
        for row in table.rows:
            goal = goals.get(row[0])
            stated = status_word(row[1])
            if goal is None or stated is None:
                self.unattributed(page, f"stand: {row[0]}", row[1])
                continue
            ids = [*goal.indicators, *(i for e in goal.efforts for i in e.indicators)]
            expected = self.ref.goal_status(key, ids)
            self.record(page, f"stand: {row[0]}", row[1], expected, stated == expected)
            if len(row) > 2:
                self.goal_reason(page, f"waarom: {row[0]}", row[2], key, ids)

    def goal_reason(self, page: Page, where: str, text: str, key: str, ids: list[str]) -> None:
        """The first screen's reason: '<label>: v in L (b in B: <movement>)', the target
        '(t in T)', the line's value 'vraagt (e)' or 'vraagt in L e', and '(k van n
        streefwaarden op koers of gehaald)'. Every other number (years aside) in it is
        unattributed."""
        owned = [self.project.indicator(key, i) for i in ids]
        rest = text.removeprefix("Voor dit doel is geen streefwaarde afgesproken; ")
        ind = next((i for i in owned if rest.startswith(f"{i.label}: ")), None)
        if ind is None:
            if rest != "Voor dit doel is geen streefwaarde afgesproken.":
                self.unattributed(page, where, text)
            return
        rest = rest[len(ind.label) + 2 :]
        now = re.match(
            rf"(?P<value>€ \S+|[^ (]+) in (?P<year>{YEAR_RE})"
            rf"(?: \((?P<base>€ \S+|[^ (]+) in (?P<since>{YEAR_RE})(?:: (?P<moved>[^)]+))?\))?",
            rest,
        )
        if now:
            self.latest_cell(
                page,
                f"{where}: {ind.label}",
                now.group(0).split(" (")[0],
                key,
                ind,
                r"(?P<value>.+) in (?P<year>(?:19|20)\d\d)",
            )
            if now.group("base"):
                since = int(now.group("since"))
                self.record(
                    page,
                    f"{where}: nulmeting jaar",
                    now.group("since"),
                    str(self.ref.base_year),
                    since == self.ref.base_year,
                )
                self.value(
                    page, f"{where}: nulmeting", now.group("base"), key, "programma", ind, since
                )
            if now.group("moved"):
                status = self.ref.status(key, ind)
                moved = MOVEMENT_WORDS.get(now.group("moved"), now.group("moved"))
                self.record(
                    page,
                    f"{where}: beweging",
                    now.group("moved"),
                    status.movement or "–",
                    moved == status.movement,
                )
            rest = rest[now.end() :]
        rest = self.reason_target(page, where, rest, key, ind)
        line = re.search(rf"vraagt(?: in {YEAR_RE})? \(?(€ [\d.]+|[\d.,]+%?)\)?", rest)
        if line:
            case = self.ref.case(key, ind)
            expected = expected_value(case) if case is not None else math.nan
            self.number(page, f"{where}: de lijn vraagt", _num(line.group(1)), expected, ind.unit)
            rest = rest.replace(line.group(0), " ")
        count = re.search(r"\((\d+) van (\d+) streefwaarden op koers of gehaald\)", rest)
        if count:
            statuses = [self.ref.status(key, self.project.indicator(key, i)).key for i in ids]
            targeted = [s for s in statuses if s != "no_target"]
            good = sum(s in ("on_track", "met") for s in targeted)
            said = (int(count.group(1)), int(count.group(2)))
            self.record(
                page,
                f"{where}: aantal streefwaarden",
                count.group(0),
                f"{good} van {len(targeted)}",
                said == (good, len(targeted)),
            )
            rest = rest.replace(count.group(0), " ")
        for number in NUMBER.finditer(rest):
            if not YEAR.fullmatch(number.group(0)):
                self.unattributed(page, f"{where}: getal in de tekst", number.group(0))

    def reason_target(self, page: Page, where: str, text: str, key: str, ind: Indicator) -> str:
        """'(de streefwaarde) (t in T)' and 'nulmeting (B)' in a reason; the text left."""
        for found in re.finditer(rf"\((€ [\d.]+|[\d.,]+%?) in ({YEAR_RE})\)", text):
            targets = self.targets_of(key, ind)
            if not targets:
                self.unattributed(page, f"{where}: streefwaarde", found.group(0))
                continue
            self.record(
                page,
                f"{where}: streefwaarde jaar",
                found.group(2),
                str(targets[0].year),
                int(found.group(2)) == targets[0].year,
            )
            self.number(
                page, f"{where}: streefwaarde", _num(found.group(1)), targets[0].value, ind.unit
            )
        text = re.sub(rf"\((€ [\d.]+|[\d.,]+%?) in ({YEAR_RE})\)", " ", text)
        for found in re.finditer(rf"nulmeting \(({YEAR_RE})\)", text):
            self.record(
                page,
                f"{where}: nulmeting",
                found.group(1),
                str(self.ref.base_year),
                int(found.group(1)) == self.ref.base_year,
            )
        return text

    def deep_dives_wanted(self, page: Page, key: str) -> set[str]:
        """A programme with deep dives has their sections, and with them the survey table,
        unless a section says there is no year to show ('Geen jaar met …', 'Geen
        gegevens'). A missing section is unattributed."""
        dives = self.project.programmes[key].deep_dives
        sections = [h for h in page.soup.find_all("h2") if heading_text(h).startswith("Verdieping")]
        if len(sections) < len(dives):
            self.unattributed(page, "verdiepingen", f"{len(sections)} van {len(dives)} gevonden")
        empty = any(
            heading_text(p.find_previous("h2")).startswith("Verdieping")
            and p.get_text(" ", strip=True).startswith(("Geen jaar met", "Geen gegevens"))
            for p in page.soup.find_all("p")
        )
        return {"verdieping"} if sections and not empty else set()

    def deep_dive_gaps(self, page: Page, table: Table, key: str) -> None:
        """The deep dive's survey table 'jaar | programmagebied (95%-interval) | <gemeente>
        | Nederland | verschil met <gemeente>', of the indicator its chart's caption names
        ('Figuur: Staafdiagram <label>: verschil met …'): a row for each year both areas
        are published, the value with its interval, the gemeente, Nederland and the
        difference; and the caption's 'Y: ±d procentpunt' per year."""
        caption = table.caption_before("Figuur: Staafdiagram ")
        label = re.match(r"Figuur: Staafdiagram (.+?): verschil met ", caption)
        indicator = self.labels(key).get(label.group(1)) if label else None
        where = f"{label.group(1) if label else 'verdieping'} (verdieping)"
        if indicator is None:
            for row in table.rows:
                self.unattributed(page, where, " | ".join(row))
            return
        printed = [int(row[0]) for row in table.rows if YEAR.fullmatch(row[0])]
        both = [
            y
            for y in sorted(set(self.ref.years) | set(printed))
            if all(
                math.isfinite(self.ref.figure(key, role, indicator, y).value)
                for role in ("programma", "gemeente")
            )
        ]
        self.record(page, f"{where}: jaren", str(printed), str(both), printed == both)
        for row in table.rows:
            if not YEAR.fullmatch(row[0]) or len(row) < 5:
                self.unattributed(page, where, " | ".join(row))
                continue
            self.deep_dive_row(page, f"{where} | {row[0]}", row, key, indicator)
        for year, text in re.findall(rf"({YEAR_RE}): ({SIGNED}) procentpunt", caption):
            gap = self.gap(key, indicator, int(year))
            self.number(page, f"{where} | {year}: verschil (figuur)", _num(text), gap, "procent")

    def deep_dive_row(
        self, page: Page, where: str, row: list[str], key: str, ind: Indicator
    ) -> None:
        """'2024 | 52,9% (49,0% – 56,7%) | 44,8% | 49,7% | +8,1 procentpunt'."""
        year = int(row[0])
        found = re.fullmatch(r"(.+?)(?: \((.+?) – (.+?)\))?", row[1])
        value = found.group(1) if found else row[1]
        self.value(page, f"{where}: programmagebied", value, key, "programma", ind, year)
        figure = self.ref.figure(key, "programma", ind, year)
        if found and found.group(2):
            for text, bound, name in (
                (found.group(2), figure.lower, "ondergrens"),
                (found.group(3), figure.upper, "bovengrens"),
            ):
                printed = parse_number(text)
                if printed is None:
                    self.unattributed(page, f"{where}: {name}", text)
                    continue
                self.number(page, f"{where}: {name}", printed, bound, ind.unit)
        self.value(page, f"{where}: gemeente", row[2], key, "gemeente", ind, year)
        self.value(page, f"{where}: Nederland", row[3], key, "nederland", ind, year)
        self.optional(page, f"{where}: verschil", row[4], self.gap(key, ind, year), ind.unit)

    def gap(self, key: str, ind: Indicator, year: int) -> float:
        """The area minus its gemeente in one year, of the values as published."""
        return self.ref.stored(key, "programma", ind, year) - self.ref.stored(
            key, "gemeente", ind, year
        )

    def latest_and_base(
        self, page: Page, table: Table, key: str, columns: tuple[int, int], name: str
    ) -> None:
        """The label in column `columns[0]`, from `columns[1]` on '<value> (<year>)' in
        the latest published year and the base value ('27 in 2020', '27 (2020)', '–' or
        'breuk in de reeks' where there is none to show)."""
        labels = self.labels(key)
        at, value_at = columns
        for row in table.rows:
            label = row[at]
            if not label:
                continue
            indicator = labels.get(label)
            where = f"{label} ({name})"
            if indicator is None:
                self.unattributed(page, where, " | ".join(row))
                continue
            self.latest_cell(page, f"{where}: laatste waarde", row[value_at], key, indicator)
            base = row[value_at + 1]
            latest = self.ref.latest_year(key, "programma", indicator) or 0
            if base == MISSING or base == "breuk in de reeks":
                found = self.ref.figure(key, "programma", indicator, self.ref.base_year).value
                broken = self.ref.broken(key, indicator, self.ref.base_year, latest)
                ok = broken if base != MISSING else broken or not math.isfinite(found)
                expected = "breuk in de reeks" if broken else words(found)
                self.record(page, f"{where}: nulmeting", base, expected, ok)
                continue
            match = re.fullmatch(r"(.+?)(?: in | \()((?:19|20)\d\d)\)?", base)
            if match is None:
                self.unattributed(page, f"{where}: nulmeting", base)
                continue
            stated = int(match.group(2))
            self.record(
                page,
                f"{where}: nulmeting jaar",
                match.group(2),
                str(self.ref.base_year),
                stated == self.ref.base_year,
            )
            self.value(
                page, f"{where}: nulmeting", match.group(1), key, "programma", indicator, stated
            )

    def latest_only(self, page: Page, table: Table, key: str, at: int, name: str) -> None:
        """A '<label> | <value> (<year>)' pair of columns: the latest published value."""
        labels = self.labels(key)
        for row in table.rows:
            label = row[at] if len(row) > at + 1 else ""
            if not label:
                continue
            indicator = labels.get(label)
            if indicator is None:
                self.unattributed(page, f"{label} ({name})", " | ".join(row))
                continue
            self.latest_cell(page, f"{label} ({name})", row[at + 1], key, indicator)

    def latest_cell(
        self,
        page: Page,
        where: str,
        text: str,
        key: str,
        ind: Indicator,
        pattern: str = LATEST_CELL,
    ) -> None:
        """A cell of the latest published year and its value ('29 (2024)' by default),
        '–' when none is. `pattern` gives the value as group `value` and the year as group
        `year`; an optional group `gemeente` is the gemeente's value in that year."""
        latest = self.ref.latest_year(key, "programma", ind)
        if text == MISSING:
            self.record(page, where, text, str(latest), latest is None)
            return
        match = re.fullmatch(pattern, text)
        if match is None:
            self.unattributed(page, where, text)
            return
        year = int(match.group("year"))
        latest = self.latest_with(key, "programma", ind, year)
        self.record(page, f"{where}: jaar", match.group("year"), str(latest), year == latest)
        self.value(page, where, match.group("value"), key, "programma", ind, year)
        if "gemeente" in match.groupdict():
            self.value(
                page, f"{where}: gemeente", match.group("gemeente"), key, "gemeente", ind, year
            )

    def against_gemeente(self, page: Page, table: Table, key: str) -> None:
        """'thema | indicator | jaar | programmagebied | <gemeente> | index (<gemeente> =
        100)': the latest year both are published, both values, and the index."""
        labels = self.labels(key)
        for row in table.rows:
            indicator = labels.get(row[1])
            where = f"{row[1]} (t.o.v. de gemeente)"
            if indicator is None or not YEAR.fullmatch(row[2]):
                self.unattributed(page, where, " | ".join(row))
                continue
            year = int(row[2])
            both = [
                y
                for y in sorted(set(self.ref.years) | {year})
                if all(
                    math.isfinite(self.ref.figure(key, role, indicator, y).value)
                    for role in ("programma", "gemeente")
                )
            ]
            self.record(
                page, f"{where}: jaar", row[2], str(both[-1] if both else None), both[-1:] == [year]
            )
            self.value(page, f"{where}: programmagebied", row[3], key, "programma", indicator, year)
            self.value(page, f"{where}: gemeente", row[4], key, "gemeente", indicator, year)
            own = self.ref.stored(key, "programma", indicator, year)
            city = self.ref.stored(key, "gemeente", indicator, year)
            printed = parse_number(row[5])
            if printed is None:
                self.unattributed(page, f"{where}: index", row[5])
                continue
            self.number(page, f"{where}: index", printed, own / city * 100, "index")

    def groups(self, page: Page, table: Table, key: str) -> None:
        """'bevolkingsgroep | jaar | programmagebied | <gemeente> | Nederland' in the
        programme area's latest published year."""
        labels = self.labels(key)
        for row in table.rows:
            indicator = labels.get(row[0])
            where = f"{row[0]} (bevolkingsgroep)"
            if indicator is None or not YEAR.fullmatch(row[1]):
                self.unattributed(page, where, " | ".join(row))
                continue
            year = int(row[1])
            latest = self.latest_with(key, "programma", indicator, year)
            self.record(page, f"{where}: jaar", row[1], str(latest), latest == year)
            for role, text in zip(ROLES, row[2:5], strict=False):
                self.value(page, f"{where} | {role}", text, key, role, indicator, year)

    def statistics(self, page: Page, table: Table, key: str) -> None:
        """The statistical appendix: 'indicator | vergelijking | toets | p-waarde | index
        (<base> = 100) | lineaire trend | verschil met <gemeente>'."""
        labels = self.labels(key)
        for row in table.rows:
            indicator = labels.get(row[0])
            where = f"{row[0]} (statistiek)"
            period = re.match(r"((?:19|20)\d\d)–((?:19|20)\d\d)", row[1])
            if indicator is not None and row[1:] == [MISSING] * (len(row) - 1):
                latest = self.ref.latest_year(key, "programma", indicator)
                since = self.ref.comparison_year(key, indicator, latest) if latest else None
                none = latest is None or since is None or since >= latest
                self.record(page, f"{where}: geen vergelijking", MISSING, str(since), none)
                continue
            if indicator is None or period is None:
                self.unattributed(page, where, " | ".join(row))
                continue
            latest = self.ref.latest_year(key, "programma", indicator) or 0
            since = self.ref.comparison_year(key, indicator, latest)
            start, end = int(period.group(1)), int(period.group(2))
            self.record(
                page,
                f"{where}: vergelijking",
                row[1],
                f"{since}–{latest}",
                (start, end) == (since, latest),
            )
            self.p_value(page, f"{where}: p-waarde", row[3], key, indicator, since, latest)
            index = self.ref.change_index(key, indicator, latest)
            self.optional(page, f"{where}: index", row[4], index, "index")
            self.trend_cell(page, f"{where}: trend", row[5], key, indicator, latest)
            gap = self.ref.did(key, indicator, latest)
            unit = indicator.unit if indicator.unit == "procent" else "index"
            self.optional(page, f"{where}: verschil met de gemeente", row[6], gap, unit)

    def optional(self, page: Page, where: str, text: str, expected: float, unit: str) -> None:
        """A figure that is '–' exactly when the reference has none."""
        if text.startswith(MISSING):
            self.record(page, where, text, words(expected), not math.isfinite(expected))
            return
        printed = parse_number(text)
        if printed is None:
            self.unattributed(page, where, text)
            return
        self.number(page, where, printed, expected, unit)

    def p_value(
        self,
        page: Page,
        where: str,
        text: str,
        key: str,
        ind: Indicator,
        since: int | None,
        year: int,
    ) -> None:
        """'p = 0,781' or 'p < 0,001' (score test of the two waves), '–' without a test."""
        expected = self.ref.p_value(key, ind, since, year)
        if text == MISSING:
            self.record(page, where, text, words(expected), not math.isfinite(expected))
            return
        rounded = half_up(expected, 3)
        if text == "p < 0,001":
            self.record(page, where, text, words(rounded), rounded < 0.001)
            return
        printed = parse_number(text)
        if printed is None or not text.startswith("p = "):
            self.unattributed(page, where, text)
            return
        self.record(
            page, where, text, words(rounded), math.isclose(rounded, printed.value, abs_tol=1e-9)
        )

    def trend_cell(
        self, page: Page, where: str, text: str, key: str, ind: Indicator, year: int
    ) -> None:
        """'+5 per jaar sinds 2019 (95%-interval +4 tot +5)' for a count, '–' otherwise."""
        slope, first = self.ref.trend(key, ind, year)
        if ind.source != "registration":
            slope = math.nan
        if text == MISSING:
            self.record(page, where, text, words(slope), not math.isfinite(slope))
            return
        match = re.match(rf"({SIGNED}) per jaar sinds ((?:19|20)\d\d)", text.replace("€ ", ""))
        if match is None:
            self.unattributed(page, where, text)
            return
        self.record(
            page, f"{where} sinds", match.group(2), str(first), int(match.group(2)) == first
        )
        self.number(page, where, _num(match.group(1)), slope, ind.unit)

    def overview(self, page: Page, table: Table) -> None:
        """The joint overview: per programme and indicator '70,9% (gemeente 72,6%) 2024'."""
        names = {self.project.programmes[k].name: k for k in self.project.cycle.programmes}
        for row in table.rows:
            key = names.get(row[0])
            for label, text in zip(table.header[1:], row[1:], strict=False):
                where = f"{row[0]} | {label} (overzicht)"
                indicator = self.labels(key).get(label) if key else None
                if key is None or indicator is None:
                    self.unattributed(page, where, text)
                    continue
                self.latest_cell(page, where, text, key, indicator, OVERVIEW_CELL)

    # ------------------------------------------------------------------ cell texts
    def change_text(
        self, page: Page, where: str, text: str, key: str, indicator: Indicator, year: int
    ) -> None:
        """'▲ hoger (+0,7 procentpunt)', '= gelijk gebleven', or after a break 'sinds Y …'."""
        since = self.ref.base_year
        if text.strip() == MISSING:  # no comparison with the base year is printed
            self.no_comparison(page, where, text, key, indicator, year)
            return
        broken = re.search(r"breuk in de reeks vanaf ((?:19|20)\d\d)", text)
        if broken:
            since = int(broken.group(1))
            rest = text[broken.end() :]
            text = rest.split("na de breuk", 1)[1] if "na de breuk" in rest else ""
            if not text:
                self.record(
                    page, where, "–", "–", self.ref.broken(key, indicator, self.ref.base_year, year)
                )
                return
        elif self.ref.broken(key, indicator, since, year):
            self.record(page, where, text, "breuk in de reeks", False)
            return
        expected = self.ref.change(key, "programma", indicator, since, year)
        if "gelijk" in text:
            self.record(page, where, text, words(expected), expected == 0)
            return
        match = re.search(rf"({SIGNED})(?: procentpunt)?", text.replace("€ ", ""))
        printed = parse_number(match.group(1)) if match else None
        if printed is None:
            self.unattributed(page, where, text)
            return
        self.number(page, where, printed, expected, indicator.unit)

    def targets_of(self, key: str, indicator: Indicator) -> list[Target]:
        """The programme's targets for `indicator`, as the params give them."""
        return [t for t in self.project.programmes[key].targets if t.indicator == indicator.id]

    def target_year_and_value(
        self, page: Page, where: str, year: str, printed: Printed, target: Target, ind: Indicator
    ) -> None:
        """A printed target's year and value against the params' target."""
        self.record(page, f"{where}: jaar", year, str(target.year), int(year) == target.year)
        self.number(page, f"{where}: waarde", printed, target.value, ind.unit)

    def target_text(
        self,
        page: Page,
        where: str,
        text: str,
        key: str,
        indicator: Indicator,
        with_status: bool = False,
    ) -> None:
        """'74,0% in 2026: ≈ …' or '–': the target of the params, and its status."""
        targets = self.targets_of(key, indicator)
        status = self.ref.status(key, indicator)
        if text.strip() == MISSING or text.startswith("– geen streefwaarde"):
            self.record(
                page,
                where,
                text,
                "geen streefwaarde" if not targets else "streefwaarde",
                not targets,
            )
            return
        match = re.match(r"(.+?) in ((?:19|20)\d\d)", text)
        printed = parse_number(match.group(1)) if match else None
        if not targets or match is None or printed is None:
            self.unattributed(page, where, text)
            return
        self.target_year_and_value(page, where, match.group(2), printed, targets[0], indicator)
        if with_status:
            stated = status_word(text[match.end() :])
            self.record(
                page,
                f"{where}: status",
                text[match.end() :].strip(": "),
                status.key,
                stated == status.key,
            )

    # ------------------------------------------------------------------ sentences
    def sentences(self, page: Page, key: str) -> None:
        """'<label> : v … in L. Nulmeting B: b …' and 'Sinds de vorige meting (P): …'."""
        labels = self.labels(key)
        current: Indicator | None = None
        for text in page.paragraphs():
            head = re.match(r"(.+?) : (.+?) in ((?:19|20)\d\d)\. ", text)
            if head and head.group(1) in labels:
                current = labels[head.group(1)]
                self.indicator_paragraph(page, key, current, head, text[head.end() :])
                continue
            if not text.startswith(("Sinds de vorige meting", "Trend sinds", "Van ")):
                continue
            if current is None:
                self.unattributed(page, "verandering zonder indicator", text)
                continue
            self.change_paragraph(page, key, current, text.replace("€ ", ""))

    def change_paragraph(self, page: Page, key: str, ind: Indicator, text: str) -> None:
        """The sentences under an indicator's chart: 'Sinds de vorige meting (P): ±x.',
        'Van B tot L: ±x in het programmagebied, ±y ten opzichte van de verandering in G
        in dezelfde jaren', 'Trend sinds F: gemiddeld ±s per jaar', and the older 'Dat is
        ±y procentpunt ten opzichte van de verandering in G'. Every other number in the
        paragraph (years aside) is unattributed."""
        where = f"{ind.label}"
        year = self.ref.latest_year(key, "programma", ind) or 0
        unit = r"(?: procentpunt)?"
        rest = text
        since = re.search(rf"Sinds de vorige meting \(((?:19|20)\d\d)\): ({SIGNED}){unit}", text)
        if since:
            stated = int(since.group(1))
            previous = self.ref.previous_year(key, "programma", ind)
            self.record(
                page, f"{where}: vorige meting", since.group(1), str(previous), stated == previous
            )
            own = self.ref.change(key, "programma", ind, stated, year)
            self.number(
                page, f"{where}: sinds de vorige meting", _num(since.group(2)), own, ind.unit
            )
            rest = rest.replace(since.group(0), " ")
            gap = re.search(
                rf"Dat is ({SIGNED}){unit} ten opzichte van de verandering in (.+?) \(", text
            )
            if gap:
                other = self.ref.change(key, "gemeente", ind, stated, year)
                self.number(
                    page,
                    f"{where}: t.o.v. {gap.group(2)} sinds {stated}",
                    _num(gap.group(1)),
                    own - other,
                    ind.unit,
                )
                rest = rest.replace(gap.group(0), " ")
        period = re.search(
            rf"Van ((?:19|20)\d\d) tot ((?:19|20)\d\d): ({SIGNED}){unit} in het programmagebied, "
            rf"({SIGNED}){unit} ten opzichte van de verandering in (.+?) in dezelfde jaren",
            text,
        )
        if period:
            start, end = int(period.group(1)), int(period.group(2))
            self.record(
                page,
                f"{where}: periode",
                f"{start}–{end}",
                f"{self.ref.base_year}–{year}",
                (start, end) == (self.ref.base_year, year),
            )
            own = self.ref.change(key, "programma", ind, start, end)
            other = self.ref.change(key, "gemeente", ind, start, end)
            self.number(
                page, f"{where}: van {start} tot {end}", _num(period.group(3)), own, ind.unit
            )
            self.number(
                page,
                f"{where}: t.o.v. {period.group(5)} van {start} tot {end}",
                _num(period.group(4)),
                own - other,
                ind.unit,
            )
            rest = rest.replace(period.group(0), " ")
        trend = re.search(
            rf"Trend sinds ((?:19|20)\d\d): gemiddeld ({SIGNED}){unit} per jaar", text
        )
        if trend:
            first = int(trend.group(1))
            slope, from_year = self.ref.trend(key, ind, year)
            self.record(
                page, f"{where}: trend sinds", trend.group(1), str(from_year), first == from_year
            )
            self.number(page, f"{where}: trend", _num(trend.group(2)), slope, ind.unit)
            rest = rest.replace(trend.group(0), " ")
        for match in NUMBER.finditer(rest):
            if not YEAR.fullmatch(match.group(0)):
                self.unattributed(page, f"{where}: getal in de tekst", match.group(0))

    def indicator_paragraph(
        self, page: Page, key: str, indicator: Indicator, head: re.Match[str], rest: str
    ) -> None:
        """'<label> : v (…) in L. Nulmeting B: b (…).' or, after a break, 'Geen verandering
        sinds B: breuk in de reeks vanaf Y. In Y: v (…).'"""
        year = int(head.group(3))
        latest = self.ref.latest_year(key, "programma", indicator)
        where = f"{indicator.label} (tekst)"
        self.record(page, f"{where}: jaar", head.group(3), str(latest), latest == year)
        self.value(
            page,
            f"{where}: laatste waarde",
            head.group(2).split(" (")[0],
            key,
            "programma",
            indicator,
            year,
        )
        base = re.match(r"Nulmeting ((?:19|20)\d\d): (€ \S+|\S+)", rest)
        broken = re.match(
            r"Geen verandering sinds ((?:19|20)\d\d): breuk in de reeks vanaf ((?:19|20)\d\d)\."
            r"(?: In ((?:19|20)\d\d): (€ \S+|\S+))?",
            rest,
        )
        none = re.match(
            r"Verandering(?: ((?:19|20)\d\d)–((?:19|20)\d\d))?: – geen vergelijking", rest
        )
        if none:
            if none.group(1):
                period = (int(none.group(1)), int(none.group(2)))
                wanted = (self.ref.base_year, year)
                self.record(page, f"{where}: periode", none.group(0), str(wanted), period == wanted)
            self.no_comparison(page, f"{where}: verandering", none.group(0), key, indicator, year)
        elif base:
            stated = int(base.group(1))
            self.record(
                page,
                f"{where}: nulmeting",
                base.group(1),
                str(self.ref.base_year),
                stated == self.ref.base_year,
            )
            self.value(
                page,
                f"{where}: nulmeting",
                base.group(2).rstrip("."),
                key,
                "programma",
                indicator,
                stated,
            )
        elif broken and broken.group(3) is None:
            self.break_without_comparison(page, where, broken.group(2), key, indicator, year)
        elif broken:
            since, first = int(broken.group(2)), int(broken.group(3))
            expected = self.ref.break_years(key, indicator)
            self.record(
                page,
                f"{where}: breuk",
                broken.group(2),
                str(expected),
                since in expected and since == first,
            )
            self.value(
                page,
                f"{where}: {first}",
                broken.group(4).rstrip("."),
                key,
                "programma",
                indicator,
                first,
            )
        else:
            self.unattributed(page, where, rest[:80])

    def break_without_comparison(
        self, page: Page, where: str, stated: str, key: str, indicator: Indicator, year: int
    ) -> None:
        """'Geen verandering sinds B: breuk in de reeks vanaf Y.' and nothing more: right
        when Y is the last break after the base year up to the latest year, and no value
        was published after the break before the latest one (nothing to compare with)."""
        breaks = [b for b in self.ref.break_years(key, indicator) if self.ref.base_year < b <= year]
        last = breaks[-1] if breaks else None
        self.record(page, f"{where}: breuk", stated, str(last), last == int(stated))
        after = [
            y
            for y in self.ref.published_years(key, "programma", indicator)
            if last is not None and last <= y < year
        ]
        self.record(
            page,
            f"{where}: vergelijking na de breuk",
            "– geen vergelijking",
            "geen vergelijking" if not after else f"vergelijking sinds {after[0]}",
            not after,
        )

    def no_comparison(
        self, page: Page, where: str, text: str, key: str, indicator: Indicator, year: int
    ) -> None:
        """A page that prints no change: right only when there is nothing to compare with
        (no measurement after the base year, or no published base value)."""
        base = self.ref.base_year
        change = self.ref.change(key, "programma", indicator, base, year)
        expected = (
            "geen vergelijking" if year <= base or not math.isfinite(change) else words(change)
        )
        self.record(page, where, text, expected, expected == "geen vergelijking")

    # ------------------------------------------------------------------ landing, factsheet
    def landing(self, page: Page) -> None:
        """'Stand per doel: <status>: <goal>' for every programme."""
        text = " ".join(page.soup.get_text(" ").split())
        for key in self.project.cycle.programmes:
            programme = self.project.programmes[key]
            start = text.find(f"{programme.name} (")
            for goal in programme.goals:
                at = text.find(f": {goal.label}", start)
                if start < 0 or at < 0:
                    self.unattributed(page, f"{key}: {goal.label}", "niet gevonden")
                    continue
                before = text[start:at].split("Stand per doel:")[-1]
                for other in programme.goals:  # the previous goal's words end before it
                    before = before.split(other.label)[-1]
                stated = status_word(before)
                ids = [*goal.indicators, *(i for e in goal.efforts for i in e.indicators)]
                expected = self.ref.goal_status(key, ids)
                self.record(
                    page,
                    f"{programme.name}: {goal.label}",
                    before.strip(),
                    expected,
                    stated == expected,
                )

    def factsheet(self, page: Page, key: str) -> None:
        """The residents' sentences: '<N> van de 100 <who> in <place> …' with the gemeente
        and the earlier measurement, and 'In <Y> waren er <N> activiteiten …'. A
        paragraph that starts with a year and holds a number left unread is unattributed."""
        programme = self.project.programmes[key]
        place = re.escape(programme.place or "de wijk")
        gemeente = re.escape(self.ref.area_name(key, "gemeente"))
        share = re.compile(
            rf"In ({YEAR_RE}) (\w+) (\d+) van de 100 (\w+) in {place} (.+?)\."
            rf"(?: In heel {gemeente} zijn dat er (\d+) van de 100\.)?"
        )
        before = len(self.result.checks)
        for text in page.paragraphs():
            if not re.match(rf"In {YEAR_RE} ", text):
                continue
            rest = text
            found = share.match(text)
            if found:
                rest = self.factsheet_share(page, key, found, text[found.end() :])
            else:
                rest = self.factsheet_count(page, key, text)
            for number in NUMBER.finditer(rest):
                if not YEAR.fullmatch(number.group(0)):
                    self.unattributed(page, f"factsheet: {text[:60]}", number.group(0))
        if len(self.result.checks) == before:  # a changed wording must not empty the audit
            self.unattributed(page, "factsheet", "geen zinnen met cijfers gevonden")

    def factsheet_share(self, page: Page, key: str, found: re.Match[str], after: str) -> str:
        """One share and what follows it; returns the text left unread."""
        year, stated = int(found.group(1)), int(found.group(3))
        phrase = (found.group(2), found.group(4), found.group(5))
        owned = {i.id: i for i in self.project.indicators_for(key)}
        candidates = [owned[i] for i in FACTSHEET_SHARES.get(phrase, ()) if i in owned]
        where = f"factsheet: {' '.join(phrase)}"
        latest = [i for i in candidates if self.latest_with(key, "programma", i, year) == year]
        if not latest:
            self.unattributed(page, where, found.group(0))
            return after

        def hundred(ind: Indicator, role: str, y: int) -> float:
            return half_up(self.ref.stored(key, role, ind, y), 0)

        ind = next((i for i in latest if hundred(i, "programma", year) == stated), latest[0])
        self.record(page, f"{where}: jaar", str(year), str(year), True)
        expected = hundred(ind, "programma", year)
        self.record(page, where, str(stated), words(expected), expected == stated)
        if found.group(6):
            city = hundred(ind, "gemeente", year)
            self.record(
                page, f"{where}: gemeente", found.group(6), words(city), city == int(found.group(6))
            )
        before = re.match(
            rf" In ({YEAR_RE}) waren het er (ook )?(\d+) van de 100"
            r"(?:, dus in (\d{4}) zijn het er (meer|minder))?\.",
            after,
        )
        if before is None:
            since = self.ref.comparison_year(key, ind, year)
            none = since is None or since >= year  # a wave before the base year: nothing earlier
            self.record(page, f"{where}: eerdere meting", "–", str(since), none)
            return after
        since, then = int(before.group(1)), int(before.group(3))
        expected_since = self.ref.comparison_year(key, ind, year)
        self.record(
            page,
            f"{where}: eerdere meting",
            before.group(1),
            str(expected_since),
            since == expected_since,
        )
        earlier = hundred(ind, "programma", since)
        self.record(page, f"{where}: {since}", str(then), words(earlier), earlier == then)
        said = "ook" if before.group(2) else before.group(5)
        right = "ook" if expected == earlier else "meer" if expected > earlier else "minder"
        self.record(page, f"{where}: meer of minder", str(said), right, said == right)
        tail = after[before.end() :]
        p = self.ref.p_value(key, ind, since, year)
        verdict = (
            "echt"
            if "waarschijnlijk een echte verandering" in tail
            else "toeval"
            if "kan toeval zijn" in tail
            else ""
        )
        if verdict or math.isfinite(p):
            wanted = (
                ""
                if not math.isfinite(p) or right == "ook"
                else "echt"
                if half_up(p, 3) < 0.05
                else "toeval"
            )
            self.record(page, f"{where}: toeval", verdict or "–", wanted or "–", verdict == wanted)
        return tail

    def factsheet_count(self, page: Page, key: str, text: str) -> str:
        """'In 2024 waren er 86 activiteiten in de buurt.' and the like; returns the text
        left unread (all of it when no known sentence matches)."""
        owned = {i.id: i for i in self.project.indicators_for(key)}
        for indicator_id, pattern in FACTSHEET_COUNTS.items():
            found = re.fullmatch(pattern, text)
            if found is None or indicator_id not in owned:
                continue
            ind, year = owned[indicator_id], int(found.group(1))
            latest = self.ref.latest_year(key, "programma", ind)
            where = f"factsheet: {ind.label}"
            self.record(page, f"{where}: jaar", found.group(1), str(latest), latest == year)
            self.value(page, where, found.group(2), key, "programma", ind, year)
            return ""
        return text


YEAR_RE = r"(?:19|20)\d\d"
MOVEMENT_WORDS = {
    "richting de streefwaarde": "toward",
    "van de streefwaarde af": "away",
    "gelijk aan de nulmeting": "unchanged",
}
"""The movement's words of docs/status.md, "Direction of movement"."""
FACTSHEET_SHARES: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("voelen", "volwassenen", "zich gezond"): ("ervaren_gezondheid", "gezondheid_rivm"),
    ("voelen", "volwassenen", "zich eenzaam"): ("eenzaamheid", "eenzaam_rivm"),
    ("komen", "volwassenen", "moeilijk rond van hun geld"): (
        "moeite_rondkomen",
        "moeite_rondkomen_rivm",
    ),
    ("doen", "volwassenen", "vrijwilligerswerk"): ("vrijwilligerswerk", "vrijwilligerswerk_rivm"),
    ("zijn", "volwassenen", "te zwaar"): ("overgewicht_rivm",),
    ("zijn", "inwoners", "65 jaar of ouder"): ("aandeel_65plus",),
    ("zijn", "inwoners", "jonger dan 15 jaar"): ("aandeel_0_15",),
    ("bestaan", "huishoudens", "uit één persoon"): ("eenpersoonshuishoudens",),
}
"""The factsheet's B1 wording read back to the catalogue's indicators (written here from
the built pages, not imported: the survey question and the RIVM estimate say the same)."""
_N = r"(€ [\d.]+|[\d.]+)"
FACTSHEET_COUNTS = {
    "activiteiten": rf"In ({YEAR_RE}) (?:waren|was) er {_N} activiteit(?:en)? in de buurt\.",
    "deelnemers": rf"In ({YEAR_RE}) (?:deden mensen|deed iemand) {_N} keer mee aan die "
    r"activiteiten\.",
    "schuldhulptrajecten": rf"In ({YEAR_RE}) begon voor {_N} huishoudens? hulp bij schulden\.",
    "vrijwilligers": rf"In ({YEAR_RE}) (?:hielpen|hielp) {_N} vrijwilligers? mee\.",
    "budget": rf"In ({YEAR_RE}) gaf het programma {_N} uit\.",
}


def iter_lines(result: Result) -> Iterator[str]:
    for check in result.failures:
        yield (
            f"{check.document}: {check.where}: page says {check.printed!r}, "
            f"reference {check.expected!r} [{check.outcome}]"
        )


def _num(text: str) -> Printed:
    printed = parse_number(text)
    assert printed is not None, text  # the patterns above only match numbers
    return printed
