"""Registered crime where an annual report prints it outside the indicator tables.

The safety section has its own table ('gebied | jaar | misdrijven per 1.000 inwoners |
tabel') and a bar chart of the latest year, described as 'Staafdiagram: geregistreerde
misdrijven per 1.000 inwoners in <Y>: <area> <v>; <area> <v>.'. Each figure is checked
against the reference's own count from the police's raw snapshots (47018NED per wijk and
buurt, 47013NED per gemeente) over the KWB's inhabitants, and each row's table against
the snapshot its count was read from.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from helpers.audit.pages import YEAR, Page, Table, parse_number
from helpers.config import Indicator

if TYPE_CHECKING:
    from helpers.audit.compare import Auditor

CRIME = "misdrijven"
"""The catalogue's id of registered crime per 1,000 inhabitants."""
TABLE_HEADER = ["gebied", "jaar", "misdrijven per 1.000 inwoners", "tabel"]
BARS = re.compile(
    r"(?:Figuur: )?Staafdiagram: geregistreerde misdrijven per 1\.000 inwoners in "
    r"(?P<year>(?:19|20)\d\d): (?P<bars>.+?)\. Bron: Politie/CBS\."
)


class CrimeAuditor:
    """The crime table and bar chart of one annual report, through the auditor's records."""

    def __init__(self, auditor: Auditor) -> None:
        self.a = auditor
        self.ref = auditor.ref

    def indicator(self, key: str) -> Indicator | None:
        return next((i for i in self.ref.project.indicators_for(key) if i.id == CRIME), None)

    def wanted(self, key: str) -> bool:
        """Whether the report must show the crime table: the programme area has a figure."""
        ind = self.indicator(key)
        return ind is not None and bool(self.ref.published_years(key, "programma", ind))

    def places(self, key: str) -> dict[str, str]:
        return {self.ref.area_name(key, r): r for r in ("programma", "gemeente", "nederland")}

    def table(self, page: Page, table: Table, key: str) -> None:
        """Every row: the area's rate in that year and the police table it comes from."""
        ind, places = self.indicator(key), self.places(key)
        for row in table.rows:
            where = f"misdrijven: {' | '.join(row[:2])}"
            role = places.get(row[0])
            if ind is None or role is None or len(row) < 4 or not YEAR.fullmatch(row[1]):
                self.a.unattributed(page, where, " | ".join(row))
                continue
            year = int(row[1])
            self.a.value(page, where, row[2], key, role, ind, year)
            tables = self.ref.crime_tables(key, role, year)
            said = sorted(t.strip() for t in row[3].split(","))
            shown = math.isfinite(self.ref.figure(key, role, ind, year).value)
            ok = said == tables if shown else said in (tables, ["–"])
            self.a.record(page, f"{where}: tabel", row[3], ", ".join(tables), ok)

    def bars(self, page: Page, key: str) -> None:
        """The bar chart's description: every area's rate in the year it names, and that
        year the latest with a figure for the programme area."""
        ind, places = self.indicator(key), self.places(key)
        texts = [" ".join(str(i.get("alt", "")).split()) for i in page.soup.find_all("img")]
        texts += [" ".join(p.get_text(" ", strip=True).split()) for p in page.soup.find_all("p")]
        for text in texts:
            found = BARS.fullmatch(text)
            if found is None:
                continue
            year = int(found.group("year"))
            where = f"misdrijven (staafdiagram {year})"
            if ind is None:
                self.a.unattributed(page, where, text)
                continue
            latest = self.ref.latest_year(key, "programma", ind)
            self.a.record(page, f"{where}: jaar", str(year), str(latest), year == latest)
            for bar in found.group("bars").split("; "):
                name = next((n for n in places if bar.startswith(f"{n} ")), None)
                printed = parse_number(bar[len(name) :]) if name else None
                if name is None or printed is None:
                    self.a.unattributed(page, where, bar)
                    continue
                self.a.value(
                    page, f"{where}: {name}", bar[len(name) + 1 :], key, places[name], ind, year
                )
