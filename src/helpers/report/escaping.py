"""The one escaping layer for text that comes from params or data.

Programme names, goal and effort labels, notes and registrations are written by
people outside the project. In a report they are plain text, whatever they hold:
`<script>` or `<img onerror=…>` must not run on a page, `[klik](javascript:…)` must
not become a link, and a cell of a CSV or workbook must not start a formula. Links
and markup are made by the project's own code only, around text escaped here.

- `plain_text` and `markdown_table`: for Markdown that Quarto (pandoc: HTML, Typst,
  Word) or the fallback site (Python-Markdown) renders; pandoc carries the escaped
  text into Typst and Word as characters, never as markup.
- `html_text`: for HTML the project writes itself.
- `cell`: for a CSV or xlsx cell (OWASP, CSV injection): a text starting with
  `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, so
  Excel and LibreOffice show it as text instead of evaluating it.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from helpers.report.table_widths import with_print_widths

# Characters that make structure in markdown (CommonMark, pandoc/Quarto): headings,
# emphasis, links, images, lists, tables, callout fences, math, citations, raw HTML.
_MARKUP = set("\\`*_{}[]()#+-!|~:$^@=")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain_text(text: object) -> str:
    """Free text (a label, a note, its source, a reason) as markdown showing exactly its
    characters.

    `# Gehackt` must not become a heading, `<img onerror=…>` not an element,
    `[klik](javascript:…)` not a link, in Quarto and in the nbconvert fallback alike.
    Each markup character is backslash-escaped, `&<>` become HTML entities, and line
    breaks become spaces (a new line could start a new block).

    >>> plain_text("[klik](javascript:x)")
    '\\\\[klik\\\\]\\\\(javascript\\\\:x\\\\)'
    """
    words = " ".join(str(text).split())
    escaped = "".join(_HTML.get(c) or (f"\\{c}" if c in _MARKUP else c) for c in words)
    return re.sub(r"^(\d+)\.", r"\1\\.", escaped)  # 1. at the start is no list item


def shown_text(markdown: str) -> str:
    """What a reader sees of `plain_text`'s output (its inverse): for HTML the project
    writes itself from a sentence already escaped for Markdown, which `html_text` then
    escapes once more. Escaped twice, a reader would see `\\(` for every `(`.

    >>> shown_text(plain_text("Samen <img> [klik](x)"))
    'Samen <img> [klik](x)'
    """
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown))


def markdown_table(frame: pd.DataFrame) -> str:
    """A pipe table of `frame` whose text cells and headers are plain text (`plain_text`),
    its separator giving pandoc column widths that fit the page (`with_print_widths`)."""
    shown = frame.rename(columns=plain_text).apply(
        lambda column: (
            column
            if pd.api.types.is_numeric_dtype(column)
            else column.map(lambda v: v if v is None or v is pd.NA else plain_text(v))
        )
    )
    return with_print_widths(shown.to_markdown(index=False))


def html_text(text: object) -> str:
    """`text` as plain text inside HTML (element content or a quoted attribute)."""
    return html.escape(str(text), quote=True)


def cell(value: object) -> object:
    """A CSV or xlsx cell that no spreadsheet reads as a formula; numbers pass as they are.

    >>> cell("=cmd|' /C calc'!A0")
    "'=cmd|' /C calc'!A0"
    >>> cell(-3.5)
    -3.5
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _one_line_end(value: object) -> object:
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def cells(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell passed through `cell` (numbers untouched), and a
    carriage return inside a text written as a line feed: a CSV writer with LF line
    ends leaves a bare CR unquoted, and a reader then splits the row there."""
    return frame.apply(
        lambda column: (
            column
            if pd.api.types.is_numeric_dtype(column)
            else column.map(lambda v: _one_line_end(cell(v)))
        )
    )
