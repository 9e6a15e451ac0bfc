"""Screening of free text for personal data, before anything is published.

Notes (text and source) and free-text columns of local registrations reach the
annual report and the residents' factsheet. A name after a title, an address, a
phone number, an e-mail address or a BSN must never get there. `find` says what
kind of personal data a text holds and where, so validation can report it by
file, line and kind without ever repeating the value; `redact` replaces each
finding by a visible mark for projects that choose `privacy: redact`.

The patterns aim at the usual Dutch forms and avoid what monitoring text is full
of: years, amounts, counts, dates and postcode areas named on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Kind -> (words in messages, Dutch word in the visible redaction mark).
KINDS: dict[str, tuple[str, str]] = {
    "email": ("e-mail address", "e-mailadres"),
    "phone": ("phone number", "telefoonnummer"),
    "bsn": ("BSN-like number (passes the eleven-test)", "BSN"),
    "address": ("address (street and house number, postcode)", "adres"),
    "name": ("name after a title, a role or in a source", "naam"),
}

_SEP = r"[\s\-./()]{0,3}"
_TLD = r"[a-z]{2,6}"
_AT = r"(?:\s*@\s*|\s*[\[({]\s*(?:at|@|apenstaartje)\s*[\])}]\s*|\s+(?:at|apenstaartje)\s+)"
_DOT = r"(?:\s*\.\s*|\s*[\[({]\s*(?:dot|punt|\.)\s*[\])}]\s*|\s+(?:dot|punt)\s+)"
_LOCAL = r"[A-Za-z0-9][\w.+\-]*"
_DOMAIN = r"[A-Za-z0-9][\w\-]*"
_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_SURNAME = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
_INFIX = r"(?:(?:van|de|der|den|ter|ten|te|het|in\s+'t|op\s+de|van\s+de|van\s+der|van\s+den)\s+)?"
_INITIALS = rf"(?:[{_UPPER}]\.\s*){{0,4}}"
_HOUSE = r"(?!(?:19|20)\d\d\b)\d{1,5}"  # a house number, not a year
_STREET = (
    r"(?:straat|laan|weg|plein|gracht|kade|singel|dreef|hof|pad|steeg|dijk|"
    r"markt|baan|erf|veld|wal|plantsoen|boulevard|allee|hoven|akker|zoom)"
)

PATTERNS: dict[str, re.Pattern[str]] = {
    "email": re.compile(
        rf"(?<![\w.]){_LOCAL}{_AT}{_DOMAIN}(?:{_DOT}{_DOMAIN})*{_DOT}{_TLD}\b",
        re.IGNORECASE,
    ),
    # 06 - 12 34 56 78, 0612345678, +31 (0)30 123 4567, (030) 123 45 67, 030-1234567:
    # a leading 0 (or +31 / 0031) and nine more digits, whatever the separators.
    "phone": re.compile(
        rf"(?<![\w+])(?:(?:\+|00)31[\s\-.]*(?:\(0\)[\s\-.]*)?|\(?0{_SEP})[1-9](?:{_SEP}\d){{8}}(?!\d)"
    ),
    # Nine digits in a row, or 1234.56.789 as written on a passport; an amount written
    # with thousands separators (123.456.789) is not a BSN candidate.
    "bsn": re.compile(r"(?<![\d.,€])(?:\d{9}|\d{4}\.\d{2}\.\d{3})(?![\d,]|\.\d)"),
    # A street with a house number, followed by a postcode (a postcode area alone
    # says nothing about a person); or a street name ending in a street word with a number.
    "address": re.compile(
        rf"\b[{_UPPER}][\w'\-]*(?:\s+[\w'\-]+){{0,3}}\s+{_HOUSE}\s?[a-zA-Z]?(?:[\-\s]\d{{1,4}})?"
        rf",?\s+[1-9]\d{{3}}\s?[A-Z]{{2}}\b"
        rf"|\b[{_UPPER}][{_LOWER}\-]*{_STREET}\s+{_HOUSE}(?:\s?[a-zA-Z]\b|\b)",
    ),
    # dhr. Jansen, mevr. De Vries, meneer Bakker, mevrouw van der Berg, de heer A. Smit.
    "name": re.compile(
        rf"(?:\b(?:[Dd]hr|[Mm]evr|[Mm]w)\.?\s+|\b(?:[Hh]r|[Mm]r|[Dd]r|[Ii]r|[Dd]rs|[Pp]rof)\.\s*"
        rf"|\b(?:[Mm]eneer|[Mm]ijnheer|[Mm]evrouw|[Jj]uffrouw|[Dd]e\s+heer|[Dd]e\s+[Hh]eer)\s+)"
        rf"{_INITIALS}{_INFIX}(?:[Vv]an\s+|[Dd]e\s+)?{_SURNAME}"
        # bewoner Fatima El Amrani, deelnemer Piet de Vries: a role, then a full name.
        rf"|\b(?:[Bb]uurtbewoner|[Bb]ewoner|[Bb]ewoonster|[Dd]eelnemer|[Dd]eelneemster|"
        rf"[Vv]rijwilliger|[Mm]antelzorger)\s+[{_UPPER}][{_LOWER}]+\s+{_INFIX}"
        rf"(?:(?:El|Al|Van|De|Ter|Ten)\s+)?{_SURNAME}"
    ),
}

# A note's `source` says where a note came from (a meeting, an organisation, a role):
# a person named there is personal data even without a title. J. Jansen, A.B. de Vries,
# Piet de Vries, Jan Jansen, bewoner (a full name before a role). A name list would be
# needed to tell "Jan Jansen" from "Overvecht Noord" on their own; these forms need none.
_ROLE = r"(?:buurt)?bewon(?:er|ster)|deelne(?:mer|emster)|vrijwilliger|mantelzorger|ouder"
_ORGANISATION_WORD = (
    rf"[{_UPPER}][{_LOWER}]*(?:centrum|huis|team|bureau|school|kerk|raad|platform|overleg|"
    r"sessie|ochtend|avond|middag|groep|club|werk|gemeente|stichting|vereniging)\b"
)
_NAME_INFIX = r"(?:van|de|der|den|ter|ten|te|el|al|van\s+der|van\s+den|van\s+de)"
SOURCE_NAME = re.compile(
    rf"(?<![\w.])(?:[{_UPPER}]\.\s*){{1,4}}{_INFIX}(?:[Vv]an\s+|[Dd]e\s+)?{_SURNAME}"
    rf"|\b(?!{_ORGANISATION_WORD}|(?:Gemeente|Stichting|Vereniging|Huis|Wijk|Buurt)\b)"
    rf"[{_UPPER}][{_LOWER}]+\s+(?:{_NAME_INFIX}\s+{_SURNAME}"
    rf"|{_SURNAME}(?=\s*,\s*(?:{_ROLE})\b))"
)


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its kind and where it sits in the text (never the text)."""

    kind: str
    start: int
    end: int

    @property
    def label(self) -> str:
        return KINDS[self.kind][0]

    @property
    def mark(self) -> str:
        return f"[verwijderd: {KINDS[self.kind][1]}]"


def passes_eleven_test(digits: str) -> bool:
    """The BSN eleven-test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 (not 0)."""
    if len(digits) != 9 or not digits.isdigit() or int(digits) == 0:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


# A "name" that is a place (buurt, plein: CBS has Dr. Schaepmanbuurt) or a numbered road.
_PLACE = re.compile(
    rf"[{_LOWER}](?:buurt|wijk|kwartier|plein|straat|laan|gracht|singel|dreef|plantsoen|"
    r"boulevard|park)$|^(?:Rijksweg|Provinciale\s*weg|"
    r"Snelweg)\s+\d"
)
_DATE = re.compile(r"\d{1,2}[\-/.]\d{1,2}[\-/.]\d{2,4}\b")
_AMOUNT_BEFORE = re.compile(r"(?:€|EUR|eur)\s*$")
_AMOUNT_AFTER = re.compile(r"^\s*(?:euro|EUR|eur|€)")


def _bsn_candidate(text: str, match: re.Match[str]) -> bool:
    """Nine digits that pass the eleven-test and are not written as an amount."""
    if _AMOUNT_BEFORE.search(text[: match.start()]) or _AMOUNT_AFTER.match(text[match.end() :]):
        return False
    return passes_eleven_test(re.sub(r"\D", "", match.group()))


def _patterns(source: bool) -> list[tuple[str, re.Pattern[str]]]:
    listed = list(PATTERNS.items())
    return [*listed, ("name", SOURCE_NAME)] if source else listed


def find(text: object, source: bool = False) -> list[Finding]:
    """Every personal-data finding in `text`, in order, without overlaps.

    `source`: the text is a note's source, where a name without a title is a person.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    found: list[Finding] = []
    for kind, pattern in _patterns(source):
        for match in pattern.finditer(text):
            if kind == "bsn" and not _bsn_candidate(text, match):
                continue
            if kind == "phone" and _DATE.match(match.group().lstrip("(")):
                continue  # 01-02-2024 10:30 is a date and a time
            if kind in ("name", "address") and _PLACE.search(match.group()):
                continue  # Dr. Schaepmanbuurt, Rijksweg 20: a place or a road, not a person
            found.append(Finding(kind, match.start(), match.end()))
    # The first pattern in KINDS order wins an overlap (an e-mail address holds no phone).
    order = list(KINDS)
    found.sort(key=lambda f: (order.index(f.kind), f.start))
    kept: list[Finding] = []
    for finding in found:
        if all(finding.end <= k.start or finding.start >= k.end for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def kinds(text: object, source: bool = False) -> list[str]:
    """The kinds of personal data in `text` (each once, in KINDS order)."""
    present = {f.kind for f in find(text, source)}
    return [k for k in KINDS if k in present]


def redact(text: object, source: bool = False) -> object:
    """`text` with each finding replaced by a visible mark such as `[verwijderd: adres]`."""
    if not isinstance(text, str):
        return text
    for finding in reversed(find(text, source)):
        text = text[: finding.start] + finding.mark + text[finding.end :]
    return text


def mask(value: object) -> object:
    """A value safe to echo in a message: the value itself, or only its kinds when personal."""
    present = kinds(str(value)) if value is not None else []
    if not present:
        return value
    return "[" + ", ".join(KINDS[k][1] for k in present) + " — niet getoond]"
