"""Issue 29: personal data in every form, found by deduce and our patterns, redacted whole.

Names are drawn by hypothesis from deduce's own lists of Dutch first names and
surnames; phone numbers from the Dutch and Belgian numbering plans with every usual
separator. deduce is loaded once for the module (its lookup structures are built at
`make env`).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import deduce
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.validation import privacy

LISTS = Path(deduce.__file__).parent / "data" / "lookup" / "src" / "names"
ALLOWED = ["Overvecht", "Utrecht", "De Klop", "Al Amal", "Vollenhove", "Zeist"]
SETTINGS = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@cache
def _names(kind: str) -> list[str]:
    """Single-word, capitalised names of one of deduce's lists (first names, surnames)."""
    items = (LISTS / kind / "items.txt").read_text(encoding="utf-8").split("\n")
    return [n for n in items if re.fullmatch(r"[A-Z][a-z]{2,}", n)]


@pytest.fixture(scope="module", autouse=True)
def allowed_places():
    privacy.allow(ALLOWED)


first_names = st.sampled_from(_names("lst_first_name"))
surnames = st.sampled_from(_names("lst_surname"))


def _separated(groups: list[str], separator: str) -> str:
    return separator.join(groups)


SEPARATORS = st.sampled_from([" ", "-", "", ".", " - "])
digits = st.integers(min_value=0, max_value=9).map(str)


@st.composite
def dutch_phone(draw) -> str:
    """06 12 34 56 78, 030-1234567, +31 6 12345678, 0031 (0)30 123 45 67."""
    separator = draw(SEPARATORS)
    mobile = draw(st.booleans())
    rest = "".join(draw(st.lists(digits, min_size=8, max_size=8)))
    head = "6" if mobile else draw(st.sampled_from(["10", "20", "30", "33", "70", "88"]))
    rest = rest if mobile else rest[: 9 - len(head)]
    prefix = draw(st.sampled_from(["0", "+31 ", "0031 ", "+31 (0)"]))
    groups = [head, rest[:2], rest[2:4], rest[4:6], rest[6:]] if mobile else [head, rest]
    return prefix + _separated([g for g in groups if g], separator)


@st.composite
def belgian_phone(draw) -> str:
    """0470 12 34 56 (mobile), 02 123 45 67, 09/234.56.78 (fixed), +32 470 12 34 56."""
    separator = draw(st.sampled_from([" ", ".", "/", "-"]))
    if draw(st.booleans()):
        head = draw(st.sampled_from(["470", "475", "486", "499"]))
        rest = "".join(draw(st.lists(digits, min_size=6, max_size=6)))
        groups = [head, rest[:2], rest[2:4], rest[4:]]
    else:
        head = draw(st.sampled_from(["2", "3", "9", "50", "64"]))
        rest = "".join(draw(st.lists(digits, min_size=8 - len(head), max_size=8 - len(head))))
        groups = [head, rest[:3], rest[3:5], rest[5:]]
    prefix = draw(st.sampled_from(["0", "+32 ", "0032 "]))
    return prefix + separator.join(groups)


@given(first=first_names, surname=surnames)
@SETTINGS
def test_a_bare_first_name_and_surname_is_found(first, surname):
    text = f"Volgens {first} {surname} is de speeltuin te klein."
    assert "name" in privacy.kinds(text), text


@given(first=first_names, surname=surnames, infix=st.sampled_from(["El", "van der", "de", ""]))
@SETTINGS
def test_redact_removes_the_whole_name_never_part_of_it(first, surname, infix):
    name = " ".join(part for part in (first, infix, surname) if part)
    text = f"Mevrouw {name} kwam naar de inloopochtend."
    redacted = str(privacy.redact(text))
    assert "[verwijderd: naam]" in redacted
    assert first not in redacted and surname not in redacted, redacted


def test_the_issue_s_partial_redaction_no_longer_happens():
    redacted = str(privacy.redact("mevrouw Fatima El Amrani vertelde over de buurt"))
    assert redacted == "[verwijderd: naam] vertelde over de buurt"


@given(number=st.one_of(dutch_phone(), belgian_phone()))
@SETTINGS
def test_phone_numbers_of_the_dutch_and_belgian_plans_are_found(number):
    text = f"bel {number} voor een afspraak"
    assert privacy.kinds(text) == ["phone"], text
    assert str(privacy.redact(text)) == "bel [verwijderd: telefoonnummer] voor een afspraak"


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("bsn", "BSN 1234 56 782 doorgegeven"),
        ("bsn", "nummer 123 456 782"),
        ("bsn", "bsn: 1234-56-782"),
        ("iban", "rekening NL91ABNA0417164300"),
        ("iban", "IBAN NL91 ABNA 0417 1643 00"),
        ("iban", "BE68 5390 0754 7034"),
        ("address", "woont op 3563 AB 12"),
        ("address", "3563AB, nr. 7a"),
        ("address", "Kerkstraat 12 boven"),
        ("name", "de familie Yilmaz doet mee"),
        ("name", "fam. El Amrani"),
        ("birth_date", "geboren op 12-03-1985"),
        ("birth_date", "geb. 3 maart 1985"),
        ("birth_date", "geboortedatum: 1985-03-12"),
        ("email", "mail fatima.elamrani@example.nl"),
    ],
)
def test_each_form_of_the_issue_is_found_and_redacted_whole(kind, text):
    found = privacy.find(text)
    assert [f.kind for f in found] == [kind], (text, found)
    redacted = str(privacy.redact(text))
    assert KINDS_MARK[kind] in redacted
    assert not re.search(r"\d{3}", redacted.replace(KINDS_MARK[kind], "")), redacted


KINDS_MARK = {kind: f"[verwijderd: {mark}]" for kind, (_, mark) in privacy.KINDS.items()}


@pytest.mark.parametrize(
    "text",
    [
        "Jongeren in Overvecht haken af bij het sporten",
        "bewonersavond in De Klop, 14 deelnemers",
        "samen met Stichting Al Amal",
        "werksessie 12 maart 2024 met 14 bewoners",
        "in 2023 15000 euro, 2024 18000 euro",
        "postcodegebied 3563 AB",
        "3563 AB Utrecht",
        "IBAN NL91ABNA0417164301",  # fails mod 97: no account number
        "tel. 14 030",
        "65-plussers in Utrecht en Zeist",
    ],
)
def test_monitoring_text_and_allowed_places_are_not_personal_data(text):
    assert privacy.find(text) == [], [text[f.start : f.end] for f in privacy.find(text)]
