"""Developer language on a reader's page: what a commissioner or resident should not meet.

Issue 24: the reports named `cbs.health_table`, `dvc repro`, variable names and the
boundary file. `developer_words` lists every such word a built page shows (its text,
alt texts, titles and aria labels), apart from the few places written for someone else
than the reader (`EXCEPTIONS`).
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

PATTERNS = {
    "bestandsnaam": r"\b[\w.-]+\.(?:py|ipynb|geojson|gpkg|shp|csv|json|ya?ml|parquet|lock|toml)\b",
    "codenaam of sleutel": r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b",
    "md5-hash": r"\b[0-9a-f]{32}\b",
    "dvc": r"\bdvc\b",
    "opdracht": r"\b(?:python -m|pip install|make [a-z-]+|pytest|git (?:status|commit|diff|clone)|"
    r"bin/wijkmonitor)\b",
    "pad": r"(?<![\w/.-])(?:data|params|src|notebooks|reports|tests)/",
}
"""Each kind of developer word, as a regular expression (case-insensitive)."""

ANALYSTS_SECTION = "Reproduceerbaarheid"
ANALYSTS_MARK = "Voor analisten"
CONCEPT_TITLE = "CONCEPT: niet voor publicatie"
EXCEPTIONS = {
    ANALYSTS_SECTION: "the annual report's screen-only appendix that says it is for analysts "
    "('Voor analisten'): the commit, the parameter files and the data's DVC hashes are what "
    "an analyst needs to rebuild the report, and it is left out of the printed report",
    CONCEPT_TITLE: "the banner of a draft (watermarked CONCEPT, not for publication) names "
    "the uncommitted files that make it a draft, for the producer who must commit them; "
    "the residents' factsheet says it in plain words (tests/integration/test_render.py)",
}
"""The only places where developer words may stand, and why."""


def analysts_cells(soup: BeautifulSoup) -> list[Tag]:
    """The screen-only cells under the analysts' heading, when it says it is for them."""
    heading = next(
        (
            h
            for h in soup.find_all(["h2", "h3"])
            if h.get_text(strip=True).rstrip("¶") == ANALYSTS_SECTION
        ),
        None,
    )
    if heading is None:
        return []
    cells = []
    for cell in soup.find_all(class_="celltag_screen-only"):
        above = (
            cell.find_previous(["h2", "h3"])
            if cell.find(["h2", "h3"]) is None
            else cell.find(["h2", "h3"])
        )
        if above is heading:
            cells.append(cell)
    said = " ".join(c.get_text(" ", strip=True) for c in cells)
    return cells if ANALYSTS_MARK in said else []


def concept_banners(soup: BeautifulSoup) -> list[Tag]:
    return [
        t.parent
        for t in soup.find_all(class_="callout-title")
        if t.get_text(strip=True) == CONCEPT_TITLE and isinstance(t.parent, Tag)
    ]


def reader_texts(html: str) -> list[str]:
    """What a reader of the page sees or hears, the excepted places left out."""
    soup = BeautifulSoup(html, "html.parser")
    for node in soup(["script", "style"]):
        node.decompose()
    for node in [*analysts_cells(soup), *concept_banners(soup)]:
        node.decompose()
    texts = [soup.get_text(" ")]
    for node in soup.find_all(True):
        texts += [str(node.get(a, "")) for a in ("alt", "title", "aria-label") if node.get(a)]
    return [" ".join(t.split()) for t in texts]


def developer_words(html: str) -> list[tuple[str, str]]:
    """(kind, word) for every developer word a reader of the page meets."""
    found = []
    for text in reader_texts(html):
        for kind, pattern in PATTERNS.items():
            found += [(kind, m.group(0)) for m in re.finditer(pattern, text, re.IGNORECASE)]
    return found
