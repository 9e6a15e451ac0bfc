"""Dutch words and number formats for everything a reader sees: one place, so the body
text, tables, chart axes and alt text all say `1.189`, `47,5%`, `€ 800.000`,
"27 maart 2024" and "breuk in de reeks vanaf 2022" the same way.

Depends on nothing else in the project but `precision` (a value is shown with the
decimals it is stored with), so both `plots` and `report_data` use it.
"""

from __future__ import annotations

import datetime as dt
import math

from helpers.indicators.precision import INDEX_DECIMALS, round_half_up, unit_decimals

MISSING = "–"
MINUS = "\u2212"  # the minus sign of Dutch typesetting (−), not the hyphen (-)

# The one wording of a break in a series, everywhere a reader meets it (tables, callouts,
# alt text, legends): the year is the first year of the new series.
BREAK_LABEL = "breuk in de reeks"
BREAK_WORDING = BREAK_LABEL + " vanaf {year}"

UNIT_AXIS_LABELS = {
    "procent": "procent",
    "aantal": "aantal",
    "euro": "euro",
    "duizend_euro": "× € 1.000",
    "per_km2": "per km²",
    "per_1000": "per 1.000",
    "index": "index (eerste jaar van de reeks = 100)",
}

# Logbook change types (params/logbook.yaml `change`) as a reader reads them.
CHANGE_LABELS = {
    "indicator_added": "indicator toegevoegd",
    "indicator_dropped": "indicator vervallen",
    "indicator_redefined": "indicator geherdefinieerd",
    "area_changed": "gebied gewijzigd",
    "target_changed": "streefwaarde gewijzigd",
    "programme_added": "programma toegevoegd",
    "programme_ended": "programma beëindigd",
    "cbs_revision": "CBS-tabel herzien",  # from the revision log, not params/logbook.yaml
}

# Kinds of source (catalogue `source`), short, for tables that name where a value came from.
SOURCE_KINDS = {
    "cbs_kwb": "CBS Kerncijfers wijken en buurten",
    "cbs_health": "RIVM/GGD/CBS Gezondheid per wijk en buurt (modelschatting)",
    "survey": "enquête (GGD Gezondheidsmonitor)",
    "registration": "registratie van het programma",
    "politie": "Politie, geregistreerde misdrijven (© Politie; via CBS open data voor derden)",
}

# The pillars of the joint monitor (params `theme`), in the order reports show them.
THEME_LABELS = {
    "bevolking": "Bevolking",
    "gezondheid": "Gezondheid",
    "veiligheid": "Veiligheid",
    "participatie_en_armoede": "Participatie en armoede",
    "onderwijs": "Onderwijs",
    "wonen_leefomgeving_groen": "Wonen, leefomgeving en groen",
}

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def break_words(year: int) -> str:
    """'breuk in de reeks vanaf 2022': `year` is the first year of the new series."""
    return BREAK_WORDING.format(year=int(year))


def format_number(value: float, decimals: int = 0) -> str:
    """Decimal comma, thousands point and the minus sign: 1189 -> '1.189', 47.5 -> '47,5',
    -6.1 -> '−6,1'; negative `decimals` round to tens, hundreds (61937, -2 -> '61.900')."""
    if decimals < 0:
        value, decimals = float(round_half_up(value, decimals)), 0
    if round(value, decimals) == 0:
        value = 0.0  # no "-0,0"
    text = f"{abs(value):,.{decimals}f}"
    text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return MINUS + text if value < 0 else text


def _signed(rounded: float, text: str) -> str:
    return ("+" if rounded > 0 else MINUS if rounded < 0 else "") + text


def format_change(change: float | None, unit: str) -> str:
    """A change or trend in its unit, rounded by the unit's rule, with its sign:
    '+1,4 procentpunt', '−€ 6.100', '+23'; no sign when it rounds to zero."""
    if change is None or is_missing(change):
        return MISSING
    rounded = float(round_half_up(float(change), unit_decimals(unit)))
    if unit == "procent":
        return _signed(rounded, format_number(abs(rounded), unit_decimals(unit)) + " procentpunt")
    return _signed(rounded, format_value(abs(rounded), unit))


def format_index_change(change: float | None) -> str:
    """A change in index points (base year = 100): '+20,7', '−3,0'."""
    if change is None or is_missing(change):
        return MISSING
    rounded = float(round_half_up(float(change), INDEX_DECIMALS))
    return _signed(rounded, format_number(abs(rounded), INDEX_DECIMALS))


def is_missing(value: object) -> bool:
    """None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(value: float | None, unit: str) -> str:
    """A value as the reader sees it: decimal comma, thousands point, % or € where short.

    `unit` is an indicator's `unit` in params/indicators.yaml; it sets the decimals
    (`helpers.indicators.precision.DECIMALS_BY_UNIT`) and the sign:

    | unit | decimals | shown as |
    |---|---|---|
    | `procent` | 1 | `47,5%` |
    | `aantal` | 0 | `1.189` |
    | `euro` | 0 | `€ 800.000` |
    | `duizend_euro` | 1 | `€ 312.000`, `€ 30.800` (CBS publishes WOZ and income in thousands) |
    | `per_km2` | 0 | `3.457` |
    | `per_1000` | 1 | `12,3` |

    A missing value (None or NaN) is the dash `MISSING`; an unknown unit raises
    ValueError naming the known ones.

    >>> format_value(47.46, "procent")
    '47,5%'
    >>> format_value(1189, "aantal")
    '1.189'
    >>> format_value(800000, "euro")
    '€ 800.000'
    >>> format_value(312, "duizend_euro")
    '€ 312.000'
    >>> format_value(30.8, "duizend_euro")
    '€ 30.800'
    >>> format_value(12.34, "per_1000")
    '12,3'
    >>> format_value(None, "procent")
    '–'
    """
    if value is None or is_missing(value):
        return MISSING
    text = format_number(float(value), unit_decimals(unit))
    if unit == "procent":
        return text + "%"
    if unit == "euro":
        return "€ " + text
    if unit == "duizend_euro":  # CBS publishes WOZ values in thousands: 312 -> € 312.000
        return "€ " + format_number(float(value) * 1000)
    return text


def format_date(value: dt.date | dt.datetime | str | None) -> str:
    """'27 maart 2024' for a date, datetime or ISO timestamp ('' stays '').

    >>> format_date("2024-03-27T02:00:00")
    '27 maart 2024'
    """
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        text = value
        try:
            value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            return text
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
