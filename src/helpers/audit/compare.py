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

from helpers.audit.pages import (
    MISSING,
    NUMBER,
    YEAR,
    Page,
    Printed,
    Table,
    parse_number,
    status_word,
)
from helpers.audit.reference import Reference, half_up
from helpers.config import Indicator

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
}


def grid_years(header: list[str]) -> list[int]:
    """The years of an `indicator | gebied | year … [| breuk in de reeks]` table, else []."""
    if header[:2] != ["indicator", "gebied"]:
        return []
    years = header[2:-1] if header[-1:] == ["breuk in de reeks"] else header[2:]
    return [int(y) for y in years] if years and all(YEAR.fullmatch(y) for y in years) else []


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
        self.expect(page, seen, ANNUAL_TABLES)
        self.sentences(page, key)

    def joint(self, page: Page) -> None:
        keys = list(self.project.cycle.programmes)
        seen = set()
        for table in page.tables:
            if grid_years(table.header):
                self.grid(page, table, keys)
                seen.add("De wijk in cijfers")
        self.expect(page, seen, {"De wijk in cijfers"})

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
        targets = [t for t in self.project.programmes[key].targets if t.indicator == indicator.id]
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
        target = targets[0]
        self.record(
            page,
            f"{where}: jaar",
            match.group(2),
            str(target.year),
            int(match.group(2)) == target.year,
        )
        self.number(page, f"{where}: waarde", printed, target.value, indicator.unit)
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
        """'In 2024 waren er 86 activiteiten' style counts: not yet attributed (see docs)."""
        del page, key


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
