"""Column widths of the reports' pipe tables in print (Quarto's Typst PDF and Word).

pandoc gives a pipe table wider than 72 characters relative column widths from the
dashes of its separator line (Quarto keeps them: `tbl-colwidths` is `true` for every
non-HTML format). pandas writes as many dashes as a column's longest cell, so one long
cell ("reden", a definition) took more than half the page while a neighbour of short
cells got a few millimetres, and Typst (cells not hyphenated) printed its words over
the next column: "€ 492.600" into "(+€ 88.300)", "Nederland" into "verschil".

Here the dashes are rewritten from the cells' text: every column at least as wide as
its longest word plus the cell's padding, long text wrapped at about `MAX_COLUMN_CHARS`,
and what the page has left shared in proportion to what each column would still like.
A table pandoc lays out by its content (72 characters or narrower) is left as it is;
the text of every cell is untouched, so the HTML renderers show the same table.
"""

from __future__ import annotations

import html
import re
import statistics

PANDOC_COLUMNS = 72  # pandoc's --columns default: wider pipe tables get relative widths
# What a column of the 510 pt text block holds at the Typst table size (8.5 pt), in
# characters of its widest words (bold headers, digits); pandoc's cells pad 6 pt a side.
PAGE_CHARS = 120
PADDING_CHARS = 3
MAX_COLUMN_CHARS = 40
_PIPE = re.compile(r"(?<!\\)\|")
_ESCAPE = re.compile(r"\\(.)")


def _cells(line: str) -> list[str]:
    """The cells of one pipe-table line, as the reader sees their text (escaping's
    `plain_text` undone, as `shown_text` does: escaping imports this module)."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [
        " ".join(html.unescape(_ESCAPE.sub(r"\1", cell)).split()) for cell in _PIPE.split(inner)
    ]


def print_widths(rows: list[list[str]]) -> list[int]:
    """Whole percents of the text width per column (adding up to 100): each column its
    longest word plus padding, then the rest of the page in proportion to what each
    still wants (its typical cell, at most MAX_COLUMN_CHARS)."""
    count = max(len(row) for row in rows)
    floors, wanted = [], []
    for column in range(count):
        texts = [row[column] for row in rows if column < len(row)]
        longest = max((len(word) for text in texts for word in text.split()), default=1)
        typical = int(statistics.mean(len(text) for text in texts))
        floors.append(max(longest, 3) + PADDING_CHARS)
        wanted.append(max(longest, min(typical, MAX_COLUMN_CHARS), 3) + PADDING_CHARS)
    spare = PAGE_CHARS - sum(floors)
    extra = [w - f for w, f in zip(wanted, floors, strict=True)]
    if spare > 0 and sum(extra) > spare:
        chars = [f + e * spare / sum(extra) for f, e in zip(floors, extra, strict=True)]
    else:
        chars = [float(w) for w in wanted] if spare > 0 else [float(f) for f in floors]
    shares = [max(1, round(100 * c / sum(chars))) for c in chars]
    shares[shares.index(max(shares))] += 100 - sum(shares)
    return shares


def _separator(part: str, share: int) -> str:
    part = part.strip()
    left, right = part.startswith(":"), part.endswith(":")
    dashes = max(share - left - right, 1)
    return (":" if left else "") + "-" * dashes + (":" if right else "")


def with_print_widths(table: str) -> str:
    """A pipe table (header, separator, rows) whose separator dashes give pandoc the
    column widths of `print_widths`; a table of at most PANDOC_COLUMNS characters a
    line, which pandoc sizes by its content, unchanged."""
    lines = table.splitlines()
    if len(lines) < 2 or max(len(line) for line in lines) <= PANDOC_COLUMNS:
        return table
    header, separator, body = lines[0], lines[1], lines[2:]
    parts = _cells(separator)
    rows = [_cells(line) for line in [header, *body]]
    if any(len(row) != len(parts) for row in rows):
        return table
    shares = print_widths(rows)
    line = "|".join(_separator(p, s) for p, s in zip(parts, shares, strict=True))
    return "\n".join([header, f"|{line}|", *body])
