"""Reading the built pages: every figure, period and status a reader sees, as text.

Parses the HTML in reports/_site with BeautifulSoup (no project code): the tables by
their header row, the sentences by their fixed Dutch wording, and the Dutch number
format (decimal comma, thousands point, minus sign U+2212, % and €).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag

NUMBER = re.compile(r"[+−-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?|[+−-]?\d+(?:,\d+)?")
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
MISSING = "–"

STATUS_WORDS = {
    "niet met zekerheid te zeggen": "uncertain",
    "nog niet te zeggen": "undecided",
    "niet op koers": "not_on_track",
    "op koers": "on_track",
    "niet gehaald": "not_met",
    "gehaald": "met",
    "geen streefwaarde": "no_target",
    "onbekend": "unknown",
    "te vroeg om te zeggen": "too_early",
}
"""The words of docs/status.md (and the retired 'te vroeg om te zeggen', which is in no
row of the decision table: a page that still says it disagrees)."""


@dataclass(frozen=True)
class Printed:
    """A number as printed: its value in the printed unit and its decimals."""

    value: float
    decimals: int
    text: str


def parse_number(text: str) -> Printed | None:
    """The first Dutch number in `text` ('−1,4', '€ 492.600', '17,4%'), or None."""
    match = NUMBER.search(text)
    if match is None:
        return None
    raw = match.group(0).replace("−", "-").replace("+", "")
    decimals = len(raw.split(",")[1]) if "," in raw else 0
    return Printed(float(raw.replace(".", "").replace(",", ".")), decimals, match.group(0))


def status_word(text: str) -> str | None:
    """The status key a text states (the longest status phrase in it), or None."""
    lowered = text.lower()
    for words in sorted(STATUS_WORDS, key=len, reverse=True):
        if words in lowered:
            return STATUS_WORDS[words]
    return None


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    cells: list[list[Tag]]
    node: Tag | None = None

    def section(self) -> str:
        """The title of the section (h2) the table stands in, '' before any."""
        return heading_text(self.node.find_previous("h2")) if self.node is not None else ""

    def caption_before(self, start: str) -> str:
        """The nearest paragraph before the table that starts with `start` ('' if none),
        within the table's section: a figure's caption names what the table is of."""
        if self.node is None:
            return ""
        section = self.node.find_previous("h2")
        for node in self.node.find_all_previous(["p", "h2"]):
            if node is section or node.name == "h2":
                return ""
            text = " ".join(node.get_text(" ", strip=True).split())
            if text.startswith(start):
                return text
        return ""


def heading_text(node: Tag | None) -> str:
    """A heading's words without nbconvert's anchor mark '¶'."""
    if node is None:
        return ""
    return " ".join(node.get_text(" ", strip=True).replace("¶", "").split())


@dataclass
class Page:
    """One built document: its name, kind, programme (if any), tables and paragraphs."""

    name: str
    kind: str
    programme: str | None
    soup: BeautifulSoup

    @property
    def tables(self) -> list[Table]:
        found = []
        for table in self.soup.find_all("table"):
            head = table.find("thead") or table
            header = [th.get_text(" ", strip=True) for th in head.find_all("th")]
            body = table.find("tbody") or table
            rows, cells = [], []
            for tr in body.find_all("tr"):
                row = tr.find_all(["td", "th"])
                if not row or (all(c.name == "th" for c in row) and tr.parent is head):
                    continue
                rows.append([" ".join(c.get_text(" ", strip=True).split()) for c in row])
                cells.append(list(row))
            found.append(Table(header, rows, cells, table))
        return found

    def paragraphs(self) -> list[str]:
        """Every paragraph and list item outside tables, in document order."""
        texts = []
        for node in self.soup.find_all(["p", "li"]):
            if node.find_parent("table") is not None or node.find(["p", "li"]):
                continue
            texts.append(" ".join(node.get_text(" ", strip=True).split()))
        return texts

    def headed_paragraphs(self) -> list[tuple[str, str]]:
        """Every paragraph outside tables with the heading (h2-h4) it stands under."""
        found = []
        for node in self.soup.find_all("p"):
            if node.find_parent("table") is not None or node.find("p"):
                continue
            heading = heading_text(node.find_previous(["h2", "h3", "h4"]))
            found.append((heading, " ".join(node.get_text(" ", strip=True).split())))
        return found


def read_site(site: Path, programmes: list[str]) -> list[Page]:
    """Every annual report, factsheet, the joint report and the landing page."""
    pages = []
    for path in sorted(site.glob("*.html")):
        stem = path.stem
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for node in soup(["script", "style", "nav"]):
            node.decompose()
        if stem == "index":
            pages.append(Page(path.name, "landing", None, soup))
        elif stem == "gezamenlijk":
            pages.append(Page(path.name, "joint", None, soup))
        elif stem.endswith("-factsheet") and stem.removesuffix("-factsheet") in programmes:
            pages.append(Page(path.name, "factsheet", stem.removesuffix("-factsheet"), soup))
        elif stem in programmes:
            pages.append(Page(path.name, "annual", stem, soup))
    return pages
