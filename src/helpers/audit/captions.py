"""The line charts' descriptions read back: each area's movement, values and years.

A chart's description (its alt text, and the 'Figuur: …' caption under it) says per
area 'stijgend van 70,2% in 2020 naar 70,9% in 2024', with the gaps and breaks between
stretches. A reader who cannot see the chart reads only this, so the audit checks every
value at its printed precision, every year, and the direction word against the
reference's own series (`CaptionAuditor`). The parsing here is written from the built
pages' wording, not imported from the report code.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from helpers.audit.pages import Page, parse_number
from helpers.audit.reference import half_up
from helpers.config import Indicator

if TYPE_CHECKING:
    from helpers.audit.compare import Auditor

YEAR_RE = r"(?:19|20)\d\d"
INDEX_LABEL = "index (eerste jaar van de reeks = 100)"
UNIT_LABELS = {
    "procent": "procent",
    "aantal": "aantal",
    "euro": "euro",
    "duizend_euro": "× € 1.000",
    "per_1000": "per 1.000",
    "per_km2": "per km²",
}
"""The unit each catalogue unit is described in (the axis label of the chart)."""
DIRECTIONS = ("stijgend", "dalend", "wisselend")
HEAD = re.compile(r"(?:Figuur: )?Lijngrafiek(?:en)? van (?P<rest>.+)")


@dataclass(frozen=True)
class Part:
    """One phrase of an area's description: a stretch, a break or a gap.

    `kind` is 'single' ('v in Y'), 'level' ('gelijk op v van Y1 tot en met Y2'), 'move'
    ('[word ]van v1 in Y1 naar v2 in Y2[ (hoogste v in Y, laagste v in Y)]'), 'break' or
    'gap'; `values` are (printed value, year) pairs, `extremes` ('hoogste'|'laagste',
    printed value, year)."""

    kind: str
    years: tuple[int, ...]
    values: tuple[tuple[str, int], ...] = ()
    word: str = ""
    extremes: tuple[tuple[str, str, int], ...] = ()
    text: str = ""


@dataclass
class AreaText:
    """One area's sentence: its name, the programme named before it (joint report) and
    its phrases (None where a phrase is not in a known form)."""

    name: str
    programme: str
    parts: list[Part | None] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass
class Caption:
    """A line chart's description: what it is of, in which unit, and per area."""

    title: str
    unit_label: str
    text: str
    areas: list[AreaText] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)


def parse_part(text: str) -> Part | None:
    """One phrase of an area's description, or None when it is in no known form."""
    found = re.fullmatch(rf"breuk in de reeks vanaf ({YEAR_RE})", text)
    if found:
        return Part("break", (int(found.group(1)),), text=text)
    found = re.fullmatch(rf"(niet gepubliceerd|geen cijfer) in ({YEAR_RE})", text)
    if found:
        return Part("gap", (int(found.group(2)),), word=found.group(1), text=text)
    found = re.fullmatch(rf"gelijk op (.+?) van ({YEAR_RE}) tot en met ({YEAR_RE})", text)
    if found:
        first, last = int(found.group(2)), int(found.group(3))
        return Part(
            "level",
            (first, last),
            ((found.group(1), first), (found.group(1), last)),
            "gelijk",
            (),
            text,
        )
    found = re.fullmatch(
        rf"(?:(?P<word>{'|'.join(DIRECTIONS)}) )?van (?P<v1>.+?) in (?P<y1>{YEAR_RE}) naar "
        rf"(?P<v2>.+?) in (?P<y2>{YEAR_RE})(?: \((?P<extremes>.+)\))?",
        text,
    )
    if found:
        extremes = []
        for piece in (found.group("extremes") or "").split(", "):
            extreme = re.fullmatch(rf"(hoogste|laagste) (.+) in ({YEAR_RE})", piece)
            if piece and extreme is None:
                return None
            if extreme:
                extremes.append((extreme.group(1), extreme.group(2), int(extreme.group(3))))
        y1, y2 = int(found.group("y1")), int(found.group("y2"))
        return Part(
            "move",
            (y1, y2),
            ((found.group("v1"), y1), (found.group("v2"), y2)),
            found.group("word") or "",
            tuple(extremes),
            text,
        )
    found = re.fullmatch(rf"(.+?) in ({YEAR_RE})", text)
    if found and parse_number(found.group(1)) is not None:
        year = int(found.group(2))
        return Part("single", (year,), ((found.group(1), year),), text=text)
    return None


def parse_caption(text: str, area_names: list[str], programme_names: list[str]) -> Caption | None:
    """A line chart's description, or None when `text` is none. The unit is the last
    known unit label in brackets after the title; each sentence starts with an area's
    name (in the joint report after '<programme> — ' where the area is named otherwise).
    A sentence that starts with no known name is kept in `unread`."""
    head = HEAD.fullmatch(" ".join(text.split()))
    if head is None:
        return None
    rest = head.group("rest")
    labels = [INDEX_LABEL, *UNIT_LABELS.values()]
    found = None
    for label in sorted(labels, key=len, reverse=True):
        found = re.match(rf"(.+) \({re.escape(label)}\)(?:, één per programma)?\.(?: |$)", rest)
        if found:
            caption = Caption(found.group(1), label, text)
            rest = rest[found.end() :]
            break
    if found is None:
        return Caption("", "", text, unread=[rest])
    names = sorted(set(area_names), key=len, reverse=True)
    programme = ""
    for sentence in (s for s in re.split(r"\.(?: |$)", rest) if s):
        prefix = next((p for p in programme_names if sentence.startswith(f"{p} — ")), None)
        if prefix:
            programme, sentence = prefix, sentence[len(prefix) + 3 :]
        name = next((n for n in names if sentence.startswith(f"{n}: ")), None)
        if name is None:
            caption.unread.append(sentence)
            continue
        if name in programme_names:
            programme = name
        phrases = sentence[len(name) + 2 :].split("; ")
        caption.areas.append(AreaText(name, programme, [parse_part(p) for p in phrases], phrases))
    return caption


def direction_word(values: list[float], shown: list[str]) -> str:
    """The word a stretch of values is described with (from the values as computed,
    'gelijk' when every value prints the same): '' for two values, 'single' for one."""
    if len(values) == 1:
        return "single"
    if len(set(shown)) == 1:
        return "gelijk"
    if len(values) == 2:
        return ""
    steps = [b - a for a, b in pairwise(values)]
    if all(s >= 0 for s in steps):
        return "stijgend"
    if all(s <= 0 for s in steps):
        return "dalend"
    return "wisselend"


def expected_extremes(years: list[int], values: list[float]) -> list[tuple[str, int]]:
    """A changing stretch's interior peak and trough, where beyond both its ends."""
    if len(values) < 3:
        return []
    inner = range(1, len(values) - 1)
    high = max(inner, key=lambda i: values[i])
    low = min(inner, key=lambda i: values[i])
    found = []
    if values[high] > max(values[0], values[-1]):
        found.append(("hoogste", years[high]))
    if values[low] < min(values[0], values[-1]):
        found.append(("laagste", years[low]))
    return found


class CaptionAuditor:
    """Checks the line charts' descriptions on one page through the auditor's records."""

    def __init__(self, auditor: Auditor) -> None:
        self.a = auditor
        self.ref = auditor.ref

    def texts(self, page: Page) -> list[tuple[str, str]]:
        """Every description on the page: (where, text) of alt texts and captions."""
        found = []
        for img in page.soup.find_all("img"):
            alt = " ".join(str(img.get("alt", "")).split())
            if HEAD.fullmatch(alt):
                found.append(("alt", alt))
        for node in page.soup.find_all(["p", "figcaption"]):
            text = " ".join(node.get_text(" ", strip=True).split())
            if node.find("p") is None and HEAD.fullmatch(text) and text.startswith("Figuur: "):
                found.append(("bijschrift", text))
        return found

    def audit(self, page: Page, keys: list[str]) -> None:
        roles: dict[str, tuple[str, str]] = {}
        programmes = {}
        for key in keys:
            programmes[self.ref.area_name(key, "programma")] = key
            programmes[self.ref.project.programmes[key].name] = key
            for role in ("programma", "gemeente", "nederland"):
                roles.setdefault(self.ref.area_name(key, role), (key, role))
        texts = self.texts(page)
        if not texts:  # a changed wording must not empty this part of the audit
            self.a.unattributed(page, "grafieken", "geen beschrijving van een lijngrafiek gevonden")
        for kind, text in texts:
            caption = parse_caption(text, list(roles), list(programmes))
            if caption is None:
                continue
            self.caption(page, f"grafiek ({kind}): {caption.title or text[:60]}", caption, keys)

    def caption(self, page: Page, where: str, caption: Caption, keys: list[str]) -> None:
        for sentence in caption.unread:
            self.a.unattributed(page, f"{where}: zin", sentence)
        described: set[tuple[str, str]] = set()
        for area in caption.areas:
            key = self.area_key(area, keys)
            ind = self.indicator(key, caption.title) if key else None
            place = f"{where} | {area.name}"
            if key is None or ind is None:
                self.a.unattributed(page, place, "; ".join(area.texts))
                continue
            role = self.role(key, area.name)
            described.add((key, role))
            if caption.unit_label != INDEX_LABEL:
                label = UNIT_LABELS.get(ind.unit, ind.unit)
                ok = caption.unit_label == label
                self.a.record(page, f"{place}: eenheid", caption.unit_label, label, ok)
            self.area(page, place, area, key, role, ind, caption.unit_label == INDEX_LABEL)
        self.missing_areas(page, where, caption, keys, described)

    def area_key(self, area: AreaText, keys: list[str]) -> str | None:
        for key in keys:
            programme = self.ref.project.programmes[key]
            if area.programme in (programme.name, self.ref.area_name(key, "programma")):
                return key
        return keys[0] if len(keys) == 1 else None

    def role(self, key: str, name: str) -> str:
        for role in ("programma", "gemeente", "nederland"):
            if self.ref.area_name(key, role) == name:
                return role
        return "programma"

    def indicator(self, key: str, title: str) -> Indicator | None:
        return next(
            (i for i in self.ref.project.indicators_for(key) if i.label.lower() == title), None
        )

    def missing_areas(
        self,
        page: Page,
        where: str,
        caption: Caption,
        keys: list[str],
        described: set[tuple[str, str]],
    ) -> None:
        """An area with published values that the description leaves out hides a line."""
        for key in keys:
            ind = self.indicator(key, caption.title)
            if ind is None:
                continue
            for role in ("programma", "gemeente", "nederland"):
                if (key, role) in described or not self.published(key, role, ind):
                    continue
                name = self.ref.area_name(key, role)
                self.a.record(page, f"{where} | {name}", "–", "beschreven", False)

    def published(
        self, key: str, role: str, ind: Indicator, extra: frozenset[int] = frozenset()
    ) -> list[int]:
        """The years with a published figure, of the cycle's and the `extra` years."""
        years = sorted(set(self.ref.years) | set(extra))
        return [y for y in years if math.isfinite(self.ref.figure(key, role, ind, y).value)]

    def area(
        self,
        page: Page,
        where: str,
        area: AreaText,
        key: str,
        role: str,
        ind: Indicator,
        index: bool,
    ) -> None:
        """Each phrase against the reference, then whether the stretches cover every
        published year without spanning a break."""
        breaks = [b for b in self.ref.break_years(key, ind, role) if b in self.ref.years]
        printed_years = {y for p in area.parts if p for y in p.years}
        published = self.published(key, role, ind, frozenset(printed_years))
        covered: set[int] = set()
        for part, text in zip(area.parts, area.texts, strict=True):
            if part is None:
                self.a.unattributed(page, f"{where}: zinsdeel", text)
                continue
            if part.kind == "break":
                year = part.years[0]
                self.a.record(page, f"{where}: breuk", text, str(breaks), year in breaks)
                continue
            if part.kind == "gap":
                year = part.years[0]
                ok = year not in published
                self.a.record(page, f"{where}: geen cijfer {year}", text, "geen cijfer", ok)
                continue
            first, last = part.years[0], part.years[-1]
            years = [y for y in published if first <= y <= last]
            covered.update(years)
            spanned = [b for b in breaks if first < b <= last]
            if spanned:
                self.a.record(page, f"{where}: {first}–{last}", text, f"breuk {spanned}", False)
            self.stretch(page, where, part, key, role, ind, years, index)
        self.a.record(
            page,
            f"{where}: jaren",
            str(sorted(covered)),
            str(published),
            sorted(covered) == published,
        )

    def stretch(
        self,
        page: Page,
        where: str,
        part: Part,
        key: str,
        role: str,
        ind: Indicator,
        years: list[int],
        index: bool,
    ) -> None:
        """A stretch's values, its direction word and its peak or trough."""
        for text, year in part.values:
            self.point(page, f"{where} | {year}", text, key, role, ind, year, index)
        for word, text, year in part.extremes:
            self.point(page, f"{where} | {word} {year}", text, key, role, ind, year, index)
        values = [self.ref.stored(key, role, ind, y) for y in years]  # as published
        if not years or not all(math.isfinite(v) for v in values):
            return
        printed = parse_number(part.values[0][0])
        decimals = printed.decimals if printed else 0
        shown = [self.shown(key, role, ind, y, decimals, index) for y in years]
        expected = direction_word(values, [f"{v:.6f}" for v in shown])
        said = "single" if part.kind == "single" else part.word
        self.a.record(
            page,
            f"{where} | {years[0]}–{years[-1]}: richting",
            said or "van … naar",
            expected or "van … naar",
            said == expected,
        )
        if part.kind == "move":
            wanted = expected_extremes(years, values) if expected == "wisselend" else []
            stated = [(w, y) for w, _, y in part.extremes]
            self.a.record(
                page, f"{where}: hoogste/laagste", str(stated), str(wanted), stated == wanted
            )

    def shown(
        self, key: str, role: str, ind: Indicator, year: int, decimals: int, index: bool
    ) -> float:
        """The figure (or its index) at the printed decimals, in the printed unit."""
        if index:
            return half_up(self.index(key, role, ind, year), decimals)
        value = self.ref.figure(key, role, ind, year).value
        if ind.unit == "duizend_euro":
            value *= 1000
        return half_up(value, decimals)

    def index(self, key: str, role: str, ind: Indicator, year: int) -> float:
        """The value over the first published value of its series (after the last break
        up to `year`) times 100: what 'eerste jaar van de reeks = 100' says."""
        breaks = [b for b in self.ref.break_years(key, ind, role) if b <= year]
        start = breaks[-1] if breaks else min(self.ref.years)
        years = [y for y in self.published(key, role, ind) if start <= y <= year]
        if not years:
            return math.nan
        base = self.ref.figure(key, role, ind, years[0]).value
        return self.ref.figure(key, role, ind, year).value / base * 100 if base else math.nan

    def point(
        self,
        page: Page,
        where: str,
        text: str,
        key: str,
        role: str,
        ind: Indicator,
        year: int,
        index: bool,
    ) -> None:
        if not index:
            self.a.value(page, where, text, key, role, ind, year)
            return
        printed = parse_number(text)
        if printed is None:
            self.a.unattributed(page, where, text)
            return
        self.a.number(page, where, printed, self.index(key, role, ind, year), "index")
