"""Issue 16: note text is plain text in every renderer, never markup.

Markup in a note must be shown as written: through the real report functions, and
through the real nbconvert HTML the fallback renderer publishes.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers import report
from helpers.config import Paths
from helpers.report.render import Document, notebook_html

HEADING = "# Gehackt"
IMAGE = "<img src=x onerror=alert(2)>"
LINK = "[klik](javascript:alert(3))"
ATTACKS = [HEADING, IMAGE, LINK]


def notes(text: str, source: str = "bewoner", kind: str = "citaat") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "year": 2024,
                "goal": "gezond",
                "type": kind,
                "text": text,
                "source": source,
                "date": "2024-05-14",
            }
        ]
    )


def context(project, frame: pd.DataFrame, tmp_path) -> report.ProgrammeContext:
    programme = project.programmes["overvecht"]
    return report.ProgrammeContext(Paths(tmp_path), project, programme, pd.DataFrame(), frame)


def unescape_markdown(text: str) -> str:
    """What a reader sees of escaped markdown text (backslash escapes and the 3 entities)."""
    text = re.sub(r"\\(.)", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@pytest.mark.parametrize("attack", ATTACKS, ids=["heading", "image", "link"])
def test_plain_text_keeps_every_character_and_no_markup(attack):
    escaped = report.plain_text(attack)
    assert unescape_markdown(escaped) == attack
    assert "<" not in escaped and ">" not in escaped
    assert not re.search(r"(?<!\\)[#\[\]()]", escaped), escaped


def test_line_breaks_cannot_start_a_new_block():
    escaped = report.plain_text(f"goed\n{HEADING}\n\n1. lijst\n:::")
    assert "\n" not in escaped
    assert unescape_markdown(escaped) == f"goed {HEADING} 1. lijst :::"


@pytest.mark.parametrize("kind", ["citaat", "observatie"])
@pytest.mark.parametrize("attack", ATTACKS, ids=["heading", "image", "link"])
def test_notes_markdown_escapes_text_and_source(attack, kind):
    text = report.notes_markdown(notes(attack, source=attack, kind=kind), "gezond", "Gezond")
    escaped = report.plain_text(attack)
    assert text.count(escaped) == 2, text
    assert attack not in text.replace(escaped, ""), "never unescaped"


@pytest.mark.parametrize("attack", ATTACKS, ids=["heading", "image", "link"])
def test_factsheet_story_escapes_text_and_source(project, attack, tmp_path):
    story = report.factsheet_story(context(project, notes(attack, source=attack), tmp_path))
    escaped = report.plain_text(attack)
    assert story.count(escaped) == 2 and attack not in story.replace(escaped, "")


def page_of(*markdowns: str) -> str:
    """The fallback renderer's real nbconvert HTML body of cells showing `markdowns`."""
    cell = nbformat.v4.new_code_cell("display(Markdown(text))")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": m}) for m in markdowns
    ]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    page = notebook_html(Document("overvecht", "Titel", "Sub", False, notebook))
    return page.split("<body", 1)[1]


def visible_text(body: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_logbook_reason_is_shown_as_written_escaped_once(project):
    """The table holds the reason as written; the one escape is the table's (a reason
    escaped in the table and again when the table is drawn showed `\\(` to readers)."""
    table = report.logbook_table(project, "overvecht")
    reasons = [r for r in table["reden"] if "(" in str(r) or "-" in str(r)]
    assert reasons, "the demo logbook has reasons with brackets or hyphens"
    attack = f"{IMAGE} {LINK} (zie bijlage)"
    table = pd.concat([table, table.head(1).assign(reden=attack)], ignore_index=True)
    body = page_of(report.markdown_table(table))
    shown = visible_text(body)
    assert attack in shown
    for reason in reasons:
        assert " ".join(str(reason).split()) in shown
    assert "\\" not in shown, "no escape is left for a reader to see"
    assert "<img" not in body and not re.search(r"href=[\"']?javascript", body)


def test_a_table_escaped_twice_shows_its_backslashes():
    """The check above can fail: the same cell escaped before the table is drawn."""
    frame = pd.DataFrame({"reden": [report.plain_text("Woningen (CBS-tabel)")]})
    assert "\\" in visible_text(page_of(report.markdown_table(frame)))


def test_no_table_reaches_markdown_but_through_the_escaping_layer():
    """Every pipe table the reports show is drawn by `markdown_table`: a bare
    `DataFrame.to_markdown` anywhere in the code or the notebooks would publish its
    labels as markup (a programme name as a live <img>)."""
    root = Path(__file__).resolve().parents[2]
    places = [*(root / "src" / "helpers").rglob("*.py"), *(root / "notebooks").rglob("*.ipynb")]
    bare = [
        str(path.relative_to(root))
        for path in places
        if path.name != "escaping.py" and ".to_markdown(" in path.read_text(encoding="utf-8")
    ]
    assert not bare, bare


def test_nbconvert_html_shows_markup_literally(project, tmp_path):
    """The fallback renderer's real nbconvert HTML of a report cell holding the notes."""
    attack = f"{HEADING} {IMAGE} {LINK}"
    markdown = report.notes_markdown(notes(attack, source=LINK), "gezond", "Gezond")
    story = report.factsheet_story(context(project, notes(f"x\n{HEADING}"), tmp_path))
    cell = nbformat.v4.new_code_cell("display(Markdown(text))")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": markdown}),
        nbformat.v4.new_output("display_data", data={"text/markdown": story}),
    ]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    page = notebook_html(Document("overvecht", "Titel", "Sub", False, notebook))
    body = page.split("<body", 1)[1]
    assert "onerror" not in re.sub(r"&lt;img src=x onerror=alert\(2\)&gt;", "", body)
    assert "<img" not in body
    assert "javascript:" not in re.sub(r"\[klik\]\(javascript:alert\(3\)\)", "", body)
    assert not re.search(r"href=[\"']?javascript", body, re.IGNORECASE)
    assert not re.search(r"<h\d[^>]*>[^<]*Gehackt", body)
    assert "# Gehackt" in body, "the heading mark is shown as text"
    assert "&lt;img src=x onerror=alert(2)&gt;" in body
    assert "[klik](javascript:alert(3))" in body


def test_factsheet_intro_html_shows_the_text_as_written():
    """The intro's own HTML (beside the map) takes text escaped for Markdown: shown
    once as a reader wrote it, no backslash, no live link or image."""
    from helpers.report.factsheet import FactsheetIntro

    place = f"{LINK} {IMAGE} (wijk)"
    intro = FactsheetIntro(report.plain_text(f"In {place} werken"), report.plain_text("(kaart)"))
    body = intro._repr_mimebundle_()["text/html"]
    assert visible_text(body).split() == f"In {place} werken (kaart)".split()
    assert "<img" not in body and "<a " not in body
