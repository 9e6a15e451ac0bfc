"""Screening of free text for personal data, before anything is published.

Notes, registrations, survey labels and the free text of params (programme names,
goals, efforts, descriptions, the logbook) reach the reports, the exports and
`dvc.lock`. A person's name, an address, a phone number, an e-mail address, a BSN,
a bank account or a date of birth must never get there. `find` says what kind of
personal data a text holds and where, so validation can report it by file, line and
kind without ever repeating the value; `redact` replaces each finding, whole, by a
visible mark for projects that choose `privacy: redact`.

Two layers, whose findings are merged (an overlap becomes one finding covering
both, so a redaction never leaves part of a name behind):

- **deduce** (a maintained Dutch de-identification library, `library.py`), with
  its lists of Dutch first names, surnames and streets: it finds a bare
  "Voornaam Achternaam", a name after a title, a street and house number, phone
  numbers, e-mail addresses and BSNs;
- **our own patterns** below, for the forms it misses: a BSN written in groups,
  an IBAN, a postcode with a house number, "familie …", a date of birth, Belgian
  numbers, obfuscated e-mail addresses, names after a role.

Names the library finds that consist only of *allowed words* (place and programme
names: deduce knows "Klop" and "Amal" as surnames) are not personal data; the
allowed words are the programmes' names and places, the comparison gemeenten and
`privacy_allowed` in params/cycle.yaml (`allowed`).

The patterns aim at the usual Dutch forms and avoid what monitoring text is full
of: years, amounts, counts, dates and postcode areas named on their own.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

# Kind -> (words in messages, Dutch word in the visible redaction mark).
KINDS: dict[str, tuple[str, str]] = {
    "email": ("e-mail address", "e-mailadres"),
    "phone": ("phone number", "telefoonnummer"),
    "bsn": ("BSN-like number (passes the eleven-test)", "BSN"),
    "iban": ("bank account number (IBAN)", "rekeningnummer"),
    "birth_date": ("date of birth", "geboortedatum"),
    "address": ("address (street and house number, postcode and house number)", "adres"),
    "name": ("name of a person", "naam"),
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
    # a leading 0 (or +31 / 0031) and nine more digits, whatever the separators; the
    # Belgian plan (+32 / 0032 / 0): 0470 12 34 56 (mobile, nine more digits) and
    # 02 123 45 67, 09/234.56.78 (fixed lines, eight more digits).
    "phone": re.compile(
        rf"(?<![\w+])(?:(?:\+|00)3[12][\s\-.]*(?:\(0\)[\s\-.]*)?|\(?0{_SEP})[1-9]"
        rf"(?:{_SEP}\d){{7,8}}(?!\d)"
    ),
    # Nine digits in a row or in groups (123456782, 1234.56.782, 1234 56 782, 123-456-782);
    # an amount written with thousands separators (123.456.789) is not a BSN candidate.
    "bsn": re.compile(
        r"(?<![\d.,€])(?:\d{9}|\d{4}\.\d{2}\.\d{3}|\d{2,4}(?:[ \-]\d{2,4}){1,3})(?![\d,]|\.\d)"
    ),
    # NL91ABNA0417164300, NL91 ABNA 0417 1643 00, BE68 5390 0754 7034 (checked by mod 97).
    "iban": re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b", re.I),
    # geboren 12-03-1985, geb. 3 maart 1985, geboortedatum: 1985-03-12, ° 12/3/1985.
    "birth_date": re.compile(
        r"(?:\b(?:geboren|geb\.|geboortedatum|geb\.\s*datum|geboortedag)|°)\s*(?:op|:)?\s*"
        r"(?:\d{1,2}[\-/.\s]\d{1,2}[\-/.\s]\d{2,4}|\d{4}-\d{2}-\d{2}|"
        r"\d{1,2}\s+[a-z]{3,9}\.?\s+\d{4})",
        re.I,
    ),
    # A street with a house number, followed by a postcode (a postcode area alone
    # says nothing about a person); or a street name ending in a street word with a number.
    "address": re.compile(
        rf"\b[{_UPPER}][\w'\-]*(?:\s+[\w'\-]+){{0,3}}\s+{_HOUSE}\s?[a-zA-Z]?(?:[\-\s]\d{{1,4}})?"
        rf",?\s+[1-9]\d{{3}}\s?[A-Z]{{2}}\b"
        rf"|\b[{_UPPER}][{_LOWER}\-]*{_STREET}\s+{_HOUSE}(?:\s?[a-zA-Z]\b|\b)"
        # 3563 AB 12, 3563AB 12-3, 3563 AB, nr. 12: a postcode with a house number is
        # one address (a postcode area alone is not).
        rf"|\b[1-9]\d{{3}}\s?[A-Z]{{2}}\s*,?\s*(?:nr\.?\s*|huisnummer\s*)?{_HOUSE}"
        rf"(?:\s?[a-zA-Z]\b|[\-\s]\d{{1,4}}\b|\b)",
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
        # familie Yilmaz, de familie van der Berg, fam. El Amrani.
        rf"|\b(?:[Ff]amilie|[Ff]am\.)\s+{_INFIX}(?:(?:El|Al|Van|De|Ter|Ten)\s+)?{_SURNAME}"
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
    """Nine digits that pass the eleven-test, not written as an amount or after a year."""
    if _AMOUNT_BEFORE.search(text[: match.start()]) or _AMOUNT_AFTER.match(text[match.end() :]):
        return False
    if re.match(r"(?:19|20)\d\d\s", match.group()):
        return False  # "2023 15000 deelnemers": a year and a count
    return passes_eleven_test(re.sub(r"\D", "", match.group()))


def _valid_iban(text: str) -> bool:
    """The IBAN check (ISO 13616): the number with its first four characters moved to
    the end, letters as 10..35, leaves 1 modulo 97."""
    compact = re.sub(r"\s", "", text).upper()
    moved = compact[4:] + compact[:4]
    return 15 <= len(compact) <= 34 and int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _patterns(source: bool) -> list[tuple[str, re.Pattern[str]]]:
    listed = list(PATTERNS.items())
    return [*listed, ("name", SOURCE_NAME)] if source else listed


def _own(text: str, source: bool) -> list[Finding]:
    """Findings of our own patterns (the forms the library misses)."""
    found: list[Finding] = []
    for kind, pattern in _patterns(source):
        for match in pattern.finditer(text):
            if kind == "bsn" and not _bsn_candidate(text, match):
                continue
            if kind == "iban" and not _valid_iban(match.group()):
                continue
            if kind == "phone" and _DATE.match(match.group().lstrip("(")):
                continue  # 01-02-2024 10:30 is a date and a time
            if kind in ("name", "address") and _PLACE.search(match.group()):
                continue  # Dr. Schaepmanbuurt, Rijksweg 20: a place or a road, not a person
            found.append(Finding(kind, match.start(), match.end()))
    return found


_allowed: set[str] = set()
_WORD = re.compile(r"[\w'’\-]+")


def allow(words: Iterable[str], whole: bool = False) -> None:
    """Add place and programme names that a name list may hold (De Klop, Al Amal).

    `whole`: allowed only as written out in full (the region list's area names:
    "Tradepark 58 Noord" is a place, its words on their own may be a person's).
    """
    for phrase in words:
        if not whole:
            _allowed.update(w.casefold() for w in _WORD.findall(phrase))
        _allowed_phrases.add(phrase.strip())


def _allowed_only(text: str) -> bool:
    words = [w.casefold() for w in _WORD.findall(text)]
    return bool(words) and all(w in _allowed or w in _NAME_FILLERS for w in words)


_NAME_FILLERS = {"de", "van", "der", "den", "het", "in", "el", "al", "ter", "ten", "te"}
_TRAILING_NAME = re.compile(
    rf"(?:\s+(?:{_NAME_INFIX}\s+)*[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?)+"
)


# Set by a stage (params_text.set_up) for the notebook kernels it starts.
ALLOWED_ENV = "WIJKMONITOR_PRIVACY_ALLOWED"


@cache
def _from_environment() -> None:
    """In a process a stage started (a notebook's kernel): its allowed words and cache."""
    from helpers.validation import deidentify

    allow(json.loads(os.environ.get(ALLOWED_ENV) or "[]"))
    if deidentify.cache_file() is None:
        deidentify.use_cache()


def _library(text: str) -> list[Finding]:
    """The library's findings (deduce), less names made only of allowed words."""
    from helpers.validation import deidentify

    _from_environment()
    found = []
    for kind, start, end in deidentify.spans(text):
        value = text[start:end]
        if kind == "name" and _allowed_only(value):
            continue
        if kind in ("name", "address") and (_PLACE.search(value) or _in_allowed(text, start, end)):
            continue  # Dr. Schaepmanbuurt, Rijksweg 20, an area named in the region list
        if kind == "address" and not _STREET_NUMBER.search(value):
            continue  # a postcode area (3563 AB Utrecht) is not an address
        found.append(Finding(kind, start, end))
    return found


_STREET_NUMBER = re.compile(rf"[{_UPPER}{_LOWER}]{{3}}\.?\s*\d")
_allowed_phrases: set[str] = set()


def _in_allowed(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lies inside an allowed phrase written out in `text`."""
    for phrase in _allowed_phrases:
        at = text.find(phrase)
        while at >= 0:
            if at <= start and end <= at + len(phrase):
                return True
            at = text.find(phrase, at + 1)
    return False


def _merged(found: list[Finding], text: str) -> list[Finding]:
    """Overlapping or touching findings as one, covering them all (the longer one
    names its kind); a name runs on over the capitalised words that follow it
    (Fatima El Amrani): a redaction never leaves part of a finding behind."""
    spans: list[Finding] = []
    for finding in sorted(found, key=lambda f: (f.start, -f.end)):
        end = finding.end
        if finding.kind == "name":
            tail = _TRAILING_NAME.match(text, end)
            end = tail.end() if tail else end
        current = Finding(finding.kind, finding.start, end)
        if spans and current.start <= spans[-1].end:
            last = spans[-1]
            longer = max(last, current, key=lambda f: f.end - f.start)
            spans[-1] = Finding(longer.kind, last.start, max(last.end, current.end))
        else:
            spans.append(current)
    return spans


def find(text: object, source: bool = False, library: bool = True) -> list[Finding]:
    """Every personal-data finding in `text`, in order, without overlaps.

    `source`: the text is a note's source, where a name without a title is a person.
    `library`: also ask deduce (only texts with a letter in them: digits alone are
    our patterns' forms).
    """
    if not isinstance(text, str) or not text.strip():
        return []
    found = _own(text, source)
    if library and re.search(r"[A-Za-zÀ-ÿ]", text):
        found += _library(text)
    return _merged(found, text)


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
