"""Keeping a run-in heading or a table note on the page of what it introduces.

A paragraph of bold text alone (*Tellen en vertellen*, *Bronnen van de kerncijfers*, a
table's bold caption line), the line above a table of synthetic figures and a heading a
notebook output holds alone introduce the block after them. `break-after: avoid` alone
did not hold them in Chromium: it left *Tellen en vertellen*, and a goal's heading, as
the last line of a printed page. So in HTML the label and the
block it introduces are wrapped in one `wm-keep` block that print does not break
(`KEEP_CSS`), when that block is short enough to move to the next page whole; a longer
one keeps only `break-after: avoid`. In Typst the label is a sticky block
(`TYPST_KEEP`), as Typst's own headings are.
"""

from __future__ import annotations

import re
from typing import Any

# A label and what it introduces move to the next page whole only when short: a
# third of an A4 page at most, so no page is left half empty by the move.
KEEP_MAX_CHARS = 900
KEEP_MAX_ROWS = 8
KEEP_MIN_CHARS = 360
KEEP_CLASS = "wm-keep"
KEEP_CSS = f"@media print{{.{KEEP_CLASS}{{break-inside:avoid}}}}"

_LABEL = re.compile(
    r'<p class="(?:wm-run-in|wm-table-note)">.*?</p>'
    r"|(?P<heading><h(?P<level>[2-4])\b.*?</h(?P=level)>)",
    flags=re.DOTALL,
)
_OPEN_TAG = re.compile(r"\s*<(?P<name>p|ul|ol|blockquote|div|table)\b[^>]*>")
_OUTPUT_OPEN = re.compile(
    r'<div class="jp-OutputArea-child[^"]*">\s*<div class="jp-RenderedHTMLCommon[^"]*"[^>]*>\s*$'
)
_OUTPUT_CLOSE = re.compile(r"\s*</div>\s*</div>")
_TAGS = re.compile(r"<[^>]+>")
_ROW = re.compile(r"<tr\b")


def element_end(body: str, start: int, name: str) -> int:
    """The index just after the element `name` that opens at `start` closes (nested
    elements of the same name counted); -1 when it does not close."""
    tags = re.compile(rf"<(/?){name}\b[^>]*>")
    depth = 0
    for tag in tags.finditer(body, start):
        depth += -1 if tag[1] else 1
        if depth == 0:
            return tag.end()
    return -1


def _label_unit(body: str, match: re.Match) -> tuple[int, int]:
    """(start, end) of a label: its paragraph, or the notebook output holding only it."""
    before = _OUTPUT_OPEN.search(body, max(0, match.start() - 300), match.start())
    after = _OUTPUT_CLOSE.match(body, match.end())
    if before and before.end() == match.start() and after:
        return before.start(), after.end()
    return match.start(), match.end()


def _short_enough(element: str) -> bool:
    text = " ".join(_TAGS.sub(" ", element).split())
    return len(text) <= KEEP_MAX_CHARS and len(_ROW.findall(element)) <= KEEP_MAX_ROWS


def _kept_end(body: str, end: int) -> int:
    """Where the blocks kept with a label ending at `end` end: the next block, and the
    ones after it until they hold KEEP_MIN_CHARS of text (three printed lines, more
    than the print check's stranded window), all short enough; -1 when the next block
    is too long."""
    close, text, first = -1, 0, end
    while text < KEEP_MIN_CHARS:
        following = _OPEN_TAG.match(body, end)
        if not following:
            break
        block_end = element_end(body, following.start("name") - 1, following["name"])
        block = body[following.start() : block_end]
        if block_end < 0 or not _short_enough(body[first:block_end]):
            break
        close = end = block_end
        text += len(" ".join(_TAGS.sub(" ", block).split()))
    return close


def kept_with_what_follows(body: str) -> str:
    """The page with each run-in heading or table note (`wm-run-in`, `wm-table-note`,
    marked by `render.table_notes`), and each heading a notebook output holds alone
    (a goal's heading in *Ontwikkeling per doel*), and the short block after it wrapped
    in one `wm-keep` block."""
    spans: list[tuple[int, int]] = []
    for match in _LABEL.finditer(body):
        start, end = _label_unit(body, match)
        if spans and start < spans[-1][1]:
            continue
        if match["heading"] and (start, end) == match.span():
            continue  # a heading in a markdown cell: `h2+p` in the print CSS holds it
        close = _kept_end(body, end)
        if close < 0:
            continue
        spans.append((start, close))
    for start, end in reversed(spans):
        body = f'{body[:start]}<div class="{KEEP_CLASS}">{body[start:end]}</div>{body[end:]}'
    return body


# Markdown for Quarto: a paragraph of bold text alone, fenced in a div of the classes
# `wm-run-in` and `block` with `sticky="true"`: Quarto's Typst filter makes a `.block`
# div a `#block(sticky: true, …)` (quarto-post/typst.lua); pandoc's Typst writer alone
# (the proxy) makes it a plain `#block`, which TYPST_KEEP makes sticky. (A `par` show
# rule cannot tell bold text: by then `strong` is laid out.) In Word the div's paragraph
# gets RUN_IN_STYLE (render.WORD_RUN_IN_FILTER), which the Word reference keeps with the
# next paragraph, as Word keeps a heading. (Not as an attribute of this div: Quarto's
# Typst filter writes every attribute of a `.block` div as an argument of `#block`.)
RUN_IN_STYLE = "Tussenkop"
RUN_IN_FENCE = '::: {.wm-run-in .block sticky="true"}'
_MARKDOWN_RUN_IN = re.compile(r"(?m)(?:\A|(?<=\n\n))(\*\*[^*\n]+\*\*)[ \t]*(?=\n\n|\n?\Z)")


def run_ins_fenced(markdown: str) -> str:
    """Markdown with each paragraph of bold text alone fenced in RUN_IN_FENCE."""
    return _MARKDOWN_RUN_IN.sub(lambda m: f"{RUN_IN_FENCE}\n{m[1]}\n:::", markdown)


def with_run_ins_fenced(notebook: Any) -> Any:
    """The notebook (changed in place) with `run_ins_fenced` applied to its markdown
    cells and `text/markdown` outputs: Quarto's Typst and the proxy keep each run-in
    with what follows."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = run_ins_fenced(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                text = data["text/markdown"]
                data["text/markdown"] = run_ins_fenced(
                    "".join(text) if isinstance(text, list) else text
                )
    return notebook


# Typst: a block whose only content is bold text (the fenced run-in) sticks to the
# block after it, as Typst's own headings do.
TYPST_KEEP = (
    "#let wm-blank(x) = x == [ ] or x.func() == parbreak "
    'or (x.has("text") and x.text.trim() == "")\n'
    "#let wm-run-in(c) = if type(c) != content { false } else if c.func() == strong { true } "
    'else if c.has("children") '
    "{ let kept = c.children.filter(x => not wm-blank(x)); "
    "kept.len() == 1 and wm-run-in(kept.first()) } else { false }\n"
)
