"""The residents' factsheet in B1 Dutch: what it shows and the sentences it says.

Residents read two printed A4 pages, so every figure is a full short sentence that
names the place (the area's name from params `place`, never the programme's name),
gives its own year, and says the change since the earlier measurement in words;
then what the programme did (its registrations, in numbers) and whom to contact
(params `contact`). Indicator labels of the catalogue are analysts' words
("Ervaren gezondheid", "(18+)"): the B1 wording per indicator is kept here, and an
indicator without one is left off the factsheet rather than shown in jargon.
Only published (unsuppressed) values are used.
"""

from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from helpers.config import (
    Contact,
    Indicator,
)
from helpers.indicators.precision import round_half_up
from helpers.report.dutch import (
    format_number,
    format_value,
)
from helpers.report.escaping import html_text, plain_text, shown_text
from helpers.report.glance import indicator_summary, is_true
from helpers.report.programme import ProgrammeContext
from helpers.report.series import published
from helpers.report.wording import source_provenance
from helpers.runtime.notebooks import FACTSHEET_FIGURES

if TYPE_CHECKING:
    from helpers.report.maps import FactsheetMap

# The Quarto project copies each programme's factsheet figures to this folder, so the
# Markdown form of a figure (used by Typst and Word) finds its PNG (helpers.report.render).
FIGURE_FOLDER = FACTSHEET_FIGURES
ESTIMATE_SOURCES = ("cbs_health",)


@dataclass(frozen=True)
class Share:
    """A percentage in B1 words: 'Hoeveel volwassenen voelen zich gezond?' as heading and
    'In 2024 voelen 71 van de 100 volwassenen in Overvecht zich gezond.' as sentence."""

    who: str
    verb: str
    rest: str

    @property
    def title(self) -> str:
        return f"Hoeveel {self.who} {self.verb} {self.rest}?"


@dataclass(frozen=True)
class Count:
    """A registration in B1 words; `{n}` the number, `{year}` its year."""

    plural: str
    singular: str


_ADULTS = "volwassenen"
SHARES: dict[str, Share] = {
    "ervaren_gezondheid": Share(_ADULTS, "voelen", "zich gezond"),
    "gezondheid_rivm": Share(_ADULTS, "voelen", "zich gezond"),
    "eenzaamheid": Share(_ADULTS, "voelen", "zich eenzaam"),
    "eenzaam_rivm": Share(_ADULTS, "voelen", "zich eenzaam"),
    "moeite_rondkomen": Share(_ADULTS, "komen", "moeilijk rond van hun geld"),
    "moeite_rondkomen_rivm": Share(_ADULTS, "komen", "moeilijk rond van hun geld"),
    "vrijwilligerswerk": Share(_ADULTS, "doen", "vrijwilligerswerk"),
    "vrijwilligerswerk_rivm": Share(_ADULTS, "doen", "vrijwilligerswerk"),
    "overgewicht_rivm": Share(_ADULTS, "zijn", "te zwaar"),
    "aandeel_65plus": Share("inwoners", "zijn", "65 jaar of ouder"),
    "aandeel_0_15": Share("inwoners", "zijn", "jonger dan 15 jaar"),
    "eenpersoonshuishoudens": Share("huishoudens", "bestaan", "uit één persoon"),
}
COUNTS: dict[str, Count] = {
    "activiteiten": Count(
        "In {year} waren er {n} activiteiten in de buurt.",
        "In {year} was er {n} activiteit in de buurt.",
    ),
    "deelnemers": Count(
        "In {year} deden mensen {n} keer mee aan die activiteiten.",
        "In {year} deed iemand {n} keer mee aan die activiteiten.",
    ),
    "schuldhulptrajecten": Count(
        "In {year} begon voor {n} huishoudens hulp bij schulden.",
        "In {year} begon voor {n} huishouden hulp bij schulden.",
    ),
    "vrijwilligers": Count(
        "In {year} hielpen {n} vrijwilligers mee.",
        "In {year} hielp {n} vrijwilliger mee.",
    ),
    "budget": Count(
        "In {year} gaf het programma {n} uit.",
        "In {year} gaf het programma {n} uit.",
    ),
}


# ------------------------------------------------------------------- sentences


def per_hundred(value: float) -> int:
    """A percentage as whole people out of 100 (halves rounded up)."""
    return int(round_half_up(float(value), 0))


def share_sentence(
    wording: Share, place: str, year: int, value: float, gemeente: tuple[str, float] | None
) -> str:
    """'In 2024 voelen 71 van de 100 volwassenen in Overvecht zich gezond. In heel
    Utrecht zijn dat er 73 van de 100.' The gemeente's value is of the same year."""
    text = (
        f"In {year} {wording.verb} {per_hundred(value)} van de 100 {wording.who} in {place} "
        f"{wording.rest}."
    )
    if gemeente is not None:
        text += f" In heel {gemeente[0]} zijn dat er {per_hundred(gemeente[1])} van de 100."
    return text


def change_sentence(
    before_year: int,
    before: float,
    year: int,
    now: float,
    p_value: float,
    significant: str | float | None,
) -> str:
    """The change since the earlier measurement in words, with whether it may be chance.

    Compared in whole people out of 100, as the reader sees them; a survey's test
    (p_value) says whether the difference may be chance, a count or estimate without a
    test says nothing about it.
    """
    then, today = per_hundred(before), per_hundred(now)
    if then == today:
        return f"In {before_year} waren het er ook {then} van de 100."
    more = "meer" if today > then else "minder"
    text = f"In {before_year} waren het er {then} van de 100, dus in {year} zijn het er {more}."
    if p_value is None or (isinstance(p_value, float) and math.isnan(p_value)):
        return text
    if is_true(significant):
        return text + " Dat is waarschijnlijk een echte verandering."
    return text + " Dat verschil kan toeval zijn."


def count_sentence(wording: Count, year: int, value: float, unit: str) -> str:
    """'In 2024 waren er 133 activiteiten in de buurt.' (euro amounts as '€ 428.200')."""
    number = format_value(value, unit) if unit in ("euro", "duizend_euro") else None
    if number is None:
        number = format_number(float(value))
    template = wording.singular if number == "1" else wording.plural
    return template.format(n=number, year=year)


def contact_sentence(contact: Contact | None, gemeente: str) -> str:
    """Whom to ask: the programme's organisation from params, else the gemeente."""
    if contact is None:
        return f"Heeft u vragen of ideeën? Neem dan contact op met de gemeente {gemeente}."
    ways = []
    if contact.email:
        ways.append(f"mail naar {contact.email}")
    if contact.phone:
        ways.append(f"bel {contact.phone}")
    if contact.website:
        ways.append(f"kijk op {contact.website}")
    listed = ways[0] if len(ways) == 1 else ", ".join(ways[:-1]) + " of " + ways[-1]
    return f"Heeft u vragen of ideeën? Neem dan contact op met {contact.organisation}: {listed}."


def read_more_sentence(programme_name: str, report_href: str) -> str:
    """Where to read more: the annual report, named and linked."""
    return (
        f"Wilt u meer weten? Lees dan de [jaarrapportage van {plain_text(programme_name)}]"
        f"({report_href}). "
        "Daar staan alle cijfers en hoe we ze meten."
    )


# ------------------------------------------------------------------- from a context


def place_name(ctx: ProgrammeContext) -> str:
    """The area as residents name it (params `place`); 'de wijk' without one."""
    return ctx.programme.place or "de wijk"


def _value(table: pd.DataFrame, indicator_id: str, role: str, year: int) -> float | None:
    rows = table[
        table["indicator_id"].eq(indicator_id)
        & table["area_role"].eq(role)
        & table["year"].eq(year)
        & table["value"].notna()
    ]
    return float(rows["value"].iloc[0]) if not rows.empty else None


def _latest_year(table: pd.DataFrame, indicator_id: str) -> int | None:
    rows = table[
        table["indicator_id"].eq(indicator_id)
        & table["area_role"].eq("programma")
        & table["value"].notna()
    ]
    return int(rows["year"].max()) if not rows.empty else None


def _candidates(ctx: ProgrammeContext) -> list[Indicator]:
    """Percentages with a B1 wording: the programme's outcomes and impacts, the RIVM/GGD
    health estimates (CBS), then context."""
    network = [ctx.project.indicator(ctx.key, i) for i in ctx.programme.indicator_ids()]
    every = ctx.project.indicators_for(ctx.key)
    chosen = [i for i in network if i.level in ("outcome", "impact")]
    chosen += [i for i in every if i.source == "cbs_health" and i not in chosen]
    chosen += [i for i in every if i.level == "context"]
    return [i for i in chosen if i.unit == "procent" and i.id in SHARES]


def figure_items(ctx: ProgrammeContext, limit: int = 4) -> list[dict]:
    """Up to `limit` figures: id, title, year, bars (place, gemeente, Nederland: values of
    the area's latest published year) and the sentences that say them in B1."""
    shown = published(ctx.table)
    summary = indicator_summary(ctx).set_index("indicator_id")
    place = place_name(ctx)
    items: list[dict] = []
    # On real CBS data beside synthetic local data, the real figures (context, health)
    # come first: residents see what the factsheet really knows.
    real = set(shown.loc[~shown["synthetic"].astype(bool), "indicator_id"])
    for indicator in sorted(_candidates(ctx), key=lambda i: i.id not in real):
        year = _latest_year(shown, indicator.id)
        wording = SHARES[indicator.id]
        if year is None or any(item["title"] == wording.title for item in items):
            continue  # no value, or the same question answered already (survey and RIVM)
        bars = [(place, _value(shown, indicator.id, "programma", year))]
        bars += [(ctx.gemeente_name, _value(shown, indicator.id, "gemeente", year))]
        bars += [("Nederland", _value(shown, indicator.id, "nederland", year))]
        values = [(name, v) for name, v in bars if v is not None]
        gemeente = next((b for b in values if b[0] == ctx.gemeente_name), None)
        sentences = [share_sentence(wording, place, year, values[0][1], gemeente)]
        change = _change(ctx, summary, indicator.id, year, values[0][1])
        if change:
            sentences.append(change)
        if indicator.source in ESTIMATE_SOURCES:
            sentences.append("Deze cijfers zijn een schatting.")
        items.append(
            {
                "id": indicator.id,
                "title": wording.title,
                "year": year,
                "who": wording.who,
                "bars": values,
                "sentence": " ".join(sentences),
            }
        )
        if len(items) == limit:
            break
    return items


def _change(
    ctx: ProgrammeContext, summary: pd.DataFrame, indicator_id: str, year: int, now: float
) -> str:
    """The change sentence from the indicator summary ('' without an earlier value)."""
    if indicator_id not in summary.index:
        return ""
    row = summary.loc[indicator_id]
    if pd.isna(row["latest_year"]) or int(row["latest_year"]) != year:
        return ""
    if is_true(row["break_since_base"]):
        since, change = row["comparison_from_year"], row["change_since_comparison"]
    else:
        since, change = row["base_year"], row["change_since_base"]
    if pd.isna(since) or pd.isna(change) or int(since) == year:
        return ""
    before = now - float(change)
    return change_sentence(int(since), before, year, now, row["p_value"], row["significant"])


def did_sentences(ctx: ProgrammeContext) -> list[str]:
    """What the programme did, in numbers: its registrations with a B1 wording, each with
    the year of its own latest published value."""
    shown = published(ctx.table)
    sentences = []
    for indicator_id in ctx.programme.indicator_ids():
        indicator = ctx.project.indicator(ctx.key, indicator_id)
        if indicator.source != "registration" or indicator_id not in COUNTS:
            continue
        year = _latest_year(shown, indicator_id)
        value = None if year is None else _value(shown, indicator_id, "programma", year)
        if year is not None and value is not None:
            sentences.append(count_sentence(COUNTS[indicator_id], year, value, indicator.unit))
    return sentences


def intro_sentence(ctx: ProgrammeContext) -> str:
    """Who does what where, without a year: each figure says its own."""
    return (
        f"In {plain_text(place_name(ctx))} werken bewoners, de gemeente "
        f"{plain_text(ctx.gemeente_name)} en organisaties samen aan een betere wijk, in het "
        f"programma {plain_text(ctx.programme.name)}. "
        "Elk jaar kijken we hoe het gaat. Hieronder staan een paar cijfers."
    )


def map_sentence(ctx: ProgrammeContext, drawn: FactsheetMap) -> str:
    """What the locator map leaves out, in B1 words, after the intro: an older year of
    the boundaries, wijken drawn for buurten. Empty when it shows the report's year
    (the legend says what is blue): a fallback is never silent, and no line is spent
    where there is none."""
    sentences = []
    if drawn.as_wijken:
        sentences.append("Op de kaart staan de wijken waar de buurten van het programma in liggen.")
    if drawn.year is not None and drawn.year != ctx.year:
        sentences.append(f"De grenzen op de kaart zijn van {drawn.year}.")
    return " ".join(sentences)


def figure_alt(item: dict) -> str:
    """The chart in words for a screen reader: each bar's value and the year."""
    bars = ", ".join(f"{name} {format_value(value, 'procent')}" for name, value in item["bars"])
    return f"Staafjes op een schaal van 0 tot 100, cijfers van {item['year']}: {bars}."


def chart_title(item: dict) -> str:
    """The chart's own title: whom the numbers count, and their year."""
    return f"Van elke 100 {item['who']} ({item['year']})"


# ------------------------------------------------------------------- display


@dataclass
class FactsheetFigure:
    """One figure block: heading, chart and its sentences, kept together when printed.

    HTML (nbconvert, Quarto's site) gets a <section> that must not break across pages,
    with the chart at its printed size (its PNG's pixels at `dpi`: text drawn at 9 pt
    prints at 9 pt). Typst and Word take the Markdown: a Quarto `.block` div, which
    Quarto's Typst filter writes as `#block(breakable: false)`, with the PNG by path.
    """

    title: str
    png: Path
    link: str
    alt: str
    sentence: str
    dpi: float

    def width_in(self) -> float:
        from PIL import Image

        with Image.open(self.png) as image:
            return round(image.width / self.dpi, 2)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        data = base64.b64encode(self.png.read_bytes()).decode("ascii")
        width = self.width_in()
        alt = html.escape(self.alt, quote=True)
        md_alt = self.alt.replace('"', "'")
        section = (
            '<section class="wm-figure">'
            f"<h3>{html.escape(self.title)}</h3>"
            f'<img src="data:image/png;base64,{data}" alt="{alt}" '
            f'style="width:{width}in;max-width:100%;height:auto">'
            f"<p>{html.escape(self.sentence)}</p></section>"
        )
        markdown = (
            '::: {.block breakable="false"}\n'
            f"### {plain_text(self.title)}\n\n"
            f'![]({self.link}){{width="{width}in" fig-alt="{md_alt}"}}\n\n'
            f"{plain_text(self.sentence)}\n:::\n"
        )
        return {"text/html": section, "text/markdown": markdown, "text/plain": self.sentence}


@dataclass
class FactsheetIntro:
    """The intro beside the locator map, kept together when printed: a factsheet has
    two A4 pages, and a map under the intro would push a figure onto a third.

    HTML gets a flex <section> (text left, the map at its printed size right); Typst
    and Word take the Markdown: the intro, the map by path, the sentence. Without a
    map (`png` None) the intro is followed by the boundary notes in italics.
    """

    intro: str
    sentence: str
    png: Path | None = None
    link: str = ""
    alt: str = ""
    dpi: float = 100.0

    @property
    def text(self) -> str:
        """The intro, then what the map leaves out (one paragraph: no line spent)."""
        return f"{self.intro} {self.sentence}".strip()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        if self.png is None:
            markdown = f"{self.intro}\n\n*{self.sentence}*\n"
            section = (
                f"<p>{html_text(shown_text(self.intro))}</p>"
                f"<p><em>{html_text(shown_text(self.sentence))}</em></p>"
            )
            return {"text/html": section, "text/markdown": markdown, "text/plain": markdown}
        data = base64.b64encode(self.png.read_bytes()).decode("ascii")
        from PIL import Image

        with Image.open(self.png) as image:
            width = round(image.width / self.dpi, 2)
        section = (
            '<section class="wm-figure wm-intro-map" style="display:flex;gap:0.2in;'
            'align-items:flex-start;break-inside:avoid">'
            f'<div style="flex:1 1 0;min-width:0"><p>{html_text(shown_text(self.text))}</p></div>'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt, quote=True)}" '
            f'style="width:{width}in;flex:none;height:auto"></section>'
        )
        md_alt = self.alt.replace('"', "'")
        markdown = (
            '::: {.block breakable="false"}\n'
            f"{self.text}\n\n"
            f'![]({self.link}){{width="{width}in" fig-alt="{md_alt}"}}\n:::\n'
        )
        return {"text/html": section, "text/markdown": markdown, "text/plain": self.intro}


def intro_with_map(
    ctx: ProgrammeContext, drawn: FactsheetMap, folder: str, dpi: float
) -> FactsheetIntro:
    """The intro and the locator map as one block; `folder` is where the site keeps
    the factsheet's figures (for the Markdown link)."""
    if drawn.output is None:
        return FactsheetIntro(intro_sentence(ctx), drawn.notes)
    png = drawn.output.path
    return FactsheetIntro(
        intro_sentence(ctx),
        map_sentence(ctx, drawn),
        png,
        f"{folder}/{png.name}",
        drawn.output.alt,
        dpi,
    )


# Who made a source's figures, in B1 words for the residents' banner.
FACTSHEET_SOURCE_WORDS = {
    "cbs_kwb": "het CBS",
    "cbs_health": "het RIVM en de GGD",
    "survey": "de GGD-enquête",
    "registration": "het programma zelf",
    "politie": "de politie",
}


def _b1_sources(kinds: list[str]) -> str:
    """'het CBS', 'het CBS en de GGD-enquête', 'a, b en c'."""
    words = list(dict.fromkeys(FACTSHEET_SOURCE_WORDS.get(k, k) for k in kinds))
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} en {words[-1]}"


def _source_kinds(ctx: ProgrammeContext, items: list[dict]) -> tuple[list[str], list[str]]:
    """(made-up, real) source kinds of what the factsheet shows: its figures and the
    registrations `did_sentences` states (the whole table when it shows nothing)."""
    shown = published(ctx.table)
    did = [
        i
        for i in ctx.programme.indicator_ids()
        if i in COUNTS and _latest_year(shown, i) is not None
    ]
    ids = [item["id"] for item in items] + did
    rows = ctx.table[ctx.table["indicator_id"].isin(ids)] if ids else ctx.table
    sources = source_provenance(rows)
    return list(sources.loc[sources["synthetic"], "kind"]), list(
        sources.loc[~sources["synthetic"], "kind"]
    )


def factsheet_banner(ctx: ProgrammeContext, items: list[dict]) -> str:
    """The residents' one notice in B1 Dutch: all figures made up, some of them (naming
    whose figures are real and whose are made up, so a real CBS figure is never called
    made up), or none (''). Judged from the rows of the figures the factsheet shows."""
    fake, real = _source_kinds(ctx, items)
    if not fake:
        return ""
    if not real:
        return (
            "::: {.callout-warning}\n## Let op: dit zijn geen echte cijfers\n\n"
            "**Alle cijfers zijn verzonnen** (synthetische gegevens). We maakten ze om "
            "het rapport te testen. Ze zeggen niets over de wijk.\n:::\n"
        )
    return (
        "::: {.callout-warning}\n## Let op: een deel van de cijfers is niet echt\n\n"
        f"**Echt** zijn de cijfers van {_b1_sources(real)}. "
        f"**Verzonnen** zijn de cijfers van {_b1_sources(fake)} (synthetische gegevens). "
        "We maakten ze om het rapport te testen. Bij elke figuur staat of de cijfers echt "
        "zijn.\n:::\n"
    )


def sources_sentence(ctx: ProgrammeContext, items: list[dict]) -> str:
    """The closing line on where the figures come from, judged like `factsheet_banner`
    from the figures shown (and the programme's registrations), so the two never
    disagree about which figures are real."""
    fake, real = _source_kinds(ctx, items)
    if not fake and real:
        return f"De cijfers komen van {_b1_sources(real)}."
    if not real:
        return "Alle cijfers op deze pagina zijn verzonnen: ze zeggen niets over de wijk."
    return (
        f"Echt zijn de cijfers van {_b1_sources(real)}; verzonnen zijn die van {_b1_sources(fake)}."
    )


def factsheet_story(ctx: ProgrammeContext) -> str:
    """One quote from residents (the newest), or '' when there is none."""
    if ctx.notes.empty:
        return ""
    quotes = ctx.notes[ctx.notes["type"].eq("citaat")].sort_values(["year", "date"])
    if quotes.empty:
        return ""
    last = quotes.iloc[-1]
    text, source = plain_text(last["text"]), plain_text(last["source"])
    return f"> “{text}”  \n> — *{source}, {plain_text(last['year'])}*"
