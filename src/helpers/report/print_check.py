"""The print check: is a printed report (a PDF) legible, from its word boxes alone?

Commissioners print the annual report and councils get it as PDF, from two renderers
(Chromium's print of the site, Quarto's Typst PDF) that fail in different places. This
reads every character's box, font and size with pdfplumber and reports, per page:

- `overlap`: two characters of different words (or of one word run into the next)
  printed over each other: a cell's text running into its neighbour;
- `off-page`: a character outside the page, or outside the text block (the leftmost
  line start mirrored on the right), as an 8-digit number running past the table's edge;
- `small-text`: text below `MIN_TEXT_PT` (tables, notes), or body text below
  `MIN_BODY_PT`;
- `small-chart`: a chart (raster image) printed below its drawn size, so its smallest
  text (`CHART_FONT_PT` at `CHART_DPI`) prints below 8 pt;
- `stranded`: one of the last lines of a page is a heading or a bold-led note, with
  what it introduces on the next page (a table's bold header followed by
  a row of its table is not, nor a callout's title in a box that closes on the page);
- `half-empty`: a page other than the last whose content ends above its middle;
- `pages`: more pages than the document may have (`page_limit`);
- `page-size`: a page that is not A4 (either way up): a Word file without a page size
  prints on the word processor's default, Letter in an American Word or LibreOffice.

The large CONCEPT watermark (a diagonal overlay in Chromium, a spaced line at the top of
the page in Typst) and a bare page number are left out before comparing boxes.
`python -m helpers.report.print_check FILE.pdf ...` prints the problems of each file
and exits 1 when there is any.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

MIN_TEXT_PT = 8.0
MIN_BODY_PT = 9.0
# Charts are PNGs drawn at helpers.report.plots.DPI; their smallest text (the network's
# labels) is 8 pt, so printed at under 97 % of their drawn size it drops below 8 pt.
CHART_DPI = 110
CHART_FONT_PT = 8.0
MIN_CHART_SCALE = 0.97
WATERMARK = "CONCEPT"
WATERMARK_MIN_PT = 16.0  # the Typst line is 20 pt; no heading spells CONCEPT alone
HUGE_PT = 40.0  # Chromium's diagonal watermark (9rem): no text of a report is this large
REPORT_MAX_PAGES = 16
FACTSHEET_PAGES = 2
EDGE_TOLERANCE_PT = 2.5  # Typst hangs punctuation and hyphens about 1.8 pt into the margin
HALF = 0.5
A4_PT = (595.28, 841.89)
PAGE_SIZE_TOLERANCE_PT = 2.0


@dataclass(frozen=True)
class Problem:
    """One defect: the 1-based page, the rule it breaks and what was found."""

    page: int
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"p{self.page} {self.rule}: {self.detail}"


@dataclass(frozen=True)
class PageLimit:
    """How many pages a document may have: at most `maximum`, at least `minimum`."""

    minimum: int = 1
    maximum: int = REPORT_MAX_PAGES

    def describe(self) -> str:
        if self.minimum == self.maximum:
            return f"exactly {self.maximum}"
        return f"at most {self.maximum}"


def page_limit(name: str) -> PageLimit:
    """The page limit of a document, from its file name: a residents' factsheet
    (`…-factsheet.pdf`) is exactly two A4 pages, every other report at most 16."""
    if Path(name).stem.endswith("-factsheet"):
        return PageLimit(FACTSHEET_PAGES, FACTSHEET_PAGES)
    return PageLimit()


def _is_bold(fontname: str) -> bool:
    lowered = fontname.lower()
    return any(word in lowered for word in ("bold", "black", "heavy", "semibold"))


def _text_chars(page) -> list[dict]:
    """The page's printed characters (spaces included: they split words) without the
    watermark and a page number."""
    chars = [c for c in page.chars if c.get("upright", True) and c["size"] < HUGE_PT]
    lines = _lines(chars)
    dropped: set[int] = set()
    for line in lines:
        text = "".join(c["text"] for c in line if c["text"].strip())
        if text == WATERMARK and min(c["size"] for c in line) >= WATERMARK_MIN_PT:
            dropped |= {id(c) for c in line}
    kept = [c for c in chars if id(c) not in dropped]
    lines = _lines(kept)
    if lines:
        last = "".join(c["text"] for c in lines[-1]).strip()
        if last.isdigit() and lines[-1][0]["top"] > page.height * 0.85:
            dropped = {id(c) for c in lines[-1]}
            kept = [c for c in kept if id(c) not in dropped]
    return kept


def _lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into printed lines (same baseline within 1 pt), top to bottom,
    each line left to right."""
    rows: dict[int, list[dict]] = defaultdict(list)
    for char in chars:
        rows[round(char["bottom"])].append(char)
    merged: list[list[dict]] = []
    for key in sorted(rows):
        if merged and key - round(merged[-1][0]["bottom"]) <= 1:
            merged[-1] += rows[key]
        else:
            merged.append(list(rows[key]))
    return [sorted(line, key=lambda c: c["x0"]) for line in merged]


def _words(chars: list[dict]) -> dict[int, str]:
    """The word each printed character belongs to (its id -> the word's text), read in
    the order the PDF draws them, so two words printed over each other stay two words:
    a word ends at a space, a new line, a step back, or a gap wider than a fifth of the
    font size."""
    owner: dict[int, str] = {}
    word: list[dict] = []
    for char in chars:
        if word:
            previous = word[-1]
            gap = char["x0"] - previous["x1"]
            same_line = abs(char["bottom"] - previous["bottom"]) <= 1
            if not same_line or gap > 0.2 * char["size"] or gap < -0.3 * char["size"]:
                _own(owner, word)
                word = []
        if not char["text"].strip():
            _own(owner, word)
            word = []
            continue
        word.append(char)
    _own(owner, word)
    return owner


def _own(owner: dict[int, str], word: list[dict]) -> None:
    text = "".join(c["text"] for c in word)
    for char in word:
        owner[id(char)] = text


def _overlap(a: dict, b: dict) -> bool:
    wide = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    high = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    narrow = min(a["x1"] - a["x0"], b["x1"] - b["x0"])
    low = min(a["bottom"] - a["top"], b["bottom"] - b["top"])
    # Kerning pairs such as "Tr" overlap by up to about a third of the narrower glyph.
    if not (wide > max(0.5, 0.45 * narrow) and high > 0.4 * low):
        return False
    # Kerning tucks a quote mark or a stop under its neighbour (".”"): part of the glyph,
    # not text running into other text.
    marks = [c for c in (a, b) if not c["text"].isalnum()]
    return not any(wide < 0.7 * (c["x1"] - c["x0"]) for c in marks)


def overlapping_words(chars: list[dict], owner: dict[int, str]) -> list[tuple[str, str]]:
    """Pairs of words whose characters are printed over each other (each pair once);
    `owner` names each character's word (`_words`)."""
    buckets: dict[int, list[dict]] = defaultdict(list)
    for char in chars:
        buckets[int(char["top"] // 4)].append(char)
    pairs: dict[tuple[str, str], None] = {}
    for key, bucket in buckets.items():
        near = [c for k in range(key - 3, key + 4) for c in buckets.get(k, [])]
        for a in bucket:
            for b in near:
                if id(a) >= id(b) or not _overlap(a, b):
                    continue
                pair = tuple(sorted((owner[id(a)], owner[id(b)])))
                pairs.setdefault((pair[0], pair[1]), None)
    return list(pairs)


def _printed(chars: list[dict]) -> list[dict]:
    return [c for c in chars if c["text"].strip()]


def _left_edge(pages_chars: list[list[dict]]) -> float | None:
    """The left edge of the text block: where the leftmost line starts (text runs past
    the right edge, as a number too wide for its cell, not past the left one)."""
    starts = [line[0]["x0"] for chars in pages_chars for line in _lines(_printed(chars)) if line]
    return min(starts) if starts else None


def _body_size(pages_chars: list[list[dict]], left: float | None) -> float | None:
    """The size of running text: the commonest size of long lines (50+ characters) that
    start at the text block's left edge (tables, captions and notes do not)."""
    sizes: Counter = Counter()
    for chars in pages_chars:
        for line in _lines(_printed(chars)):
            if len(line) >= 50 and left is not None and abs(line[0]["x0"] - left) <= 1:
                sizes[round(line[len(line) // 2]["size"], 1)] += 1
    return sizes.most_common(1)[0][0] if sizes else None


def _introduces(line: list[dict], body: float) -> bool:
    """A line that introduces what follows: a heading (all bold, or larger than the body
    text) or a note led by a bold word in capitals (SYNTHETISCHE GEGEVENS — …)."""
    larger = max(c["size"] for c in line) >= body + 1.0
    bold = [c for c in line if _is_bold(c["fontname"])]
    capitals = len(bold) >= 3 and "".join(c["text"] for c in bold).isupper()
    return larger or len(bold) == len(line) or (_is_bold(line[0]["fontname"]) and capitals)


STRANDED_LINES = 2  # a heading with at most this many lines of text after it, then the foot


def check_pdf(source: Path | str | bytes, limit: PageLimit | None = None) -> list[Problem]:
    """Every print defect of a PDF (see the module's rules), page by page."""
    import io

    import pdfplumber

    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    problems: list[Problem] = []
    with pdfplumber.open(handle) as pdf:
        pages = list(pdf.pages)
        per_page = [_text_chars(page) for page in pages]
        left = _left_edge(per_page)
        body = _body_size(per_page, left) or MIN_BODY_PT
        if body < MIN_BODY_PT - 0.05:
            problems.append(Problem(1, "small-text", f"body text {body:g} pt < {MIN_BODY_PT:g}"))
        foot = _block_foot(pages, per_page)
        for number, (page, chars) in enumerate(zip(pages, per_page, strict=True), start=1):
            layout = Layout(body, left, foot, number == len(pages))
            problems += _page_problems(number, page, chars, layout)
        problems += _page_size_problems(pages)
        if limit and not limit.minimum <= len(pages) <= limit.maximum:
            problems.append(
                Problem(len(pages), "pages", f"{len(pages)} pages, expected {limit.describe()}")
            )
    return problems


def _is_a4(page) -> bool:
    size = sorted((float(page.width), float(page.height)))
    return all(abs(a - b) <= PAGE_SIZE_TOLERANCE_PT for a, b in zip(size, A4_PT, strict=True))


def _page_size_problems(pages: list) -> list[Problem]:
    """One problem for the pages that are not A4, named at the first of them."""
    wrong = [number for number, page in enumerate(pages, start=1) if not _is_a4(page)]
    if not wrong:
        return []
    first = pages[wrong[0] - 1]
    size = f"{float(first.width):.0f} x {float(first.height):.0f} pt"
    return [Problem(wrong[0], "page-size", f"{len(wrong)} page(s) of {size}, not A4")]


@dataclass(frozen=True)
class Layout:
    """What one page is judged against: the body text size, the text block's left edge
    and foot (the lowest point anything is printed in the document), and whether it is
    the last page."""

    body: float
    left: float | None
    foot: float
    last: bool


def _boxes(page) -> list[dict]:
    """The page's filled rectangles narrower than the page: callout boxes and table
    shading (and in Chromium the text block's white background)."""
    width = float(page.width)
    return [r for r in page.rects if r.get("fill") and (r["x0"] > 1 or r["x1"] < width - 1)]


def _block_foot(pages: list, per_page: list[list[dict]]) -> float:
    """The lowest point any character or box is printed at, over the whole document:
    the foot of the text block, where a box cut by a page break ends."""
    bottoms = [c["bottom"] for chars in per_page for c in _printed(chars)]
    bottoms += [box["bottom"] for page in pages for box in _boxes(page)]
    return max(bottoms, default=0.0)


def _closed_box(line: list[dict], after: list[list[dict]], boxes: list[dict], foot: float) -> bool:
    """Whether a heading stands in a box (a callout's title) that holds every line after
    it on the page and closes above the text block's foot: the whole box is on the page,
    not its title alone (a box cut by the page break runs to the foot)."""
    top = min(c["top"] for c in line)
    lowest = max(c["bottom"] for rest in [line, *after] for c in rest)
    for box in boxes:
        holds = (
            box["x0"] - 1 <= line[0]["x0"]
            and line[-1]["x1"] <= box["x1"] + 1
            and box["top"] - 1 <= top
            and lowest < box["bottom"]
        )
        if holds and box["bottom"] < foot - 1:
            return True
    return False


def _page_problems(number: int, page, chars: list[dict], layout: Layout) -> list[Problem]:
    body, left, last = layout.body, layout.left, layout.last
    owner = _words(chars)
    chars = _printed(chars)
    found = [
        Problem(number, "overlap", f"{a!r} over {b!r}" if a != b else f"{a!r} runs together")
        for a, b in overlapping_words(chars, owner)
    ]
    width, height = float(page.width), float(page.height)
    right = width - left + EDGE_TOLERANCE_PT if left is not None else width
    outside = [
        c
        for c in chars
        if c["x0"] < min(left or 0.0, width) - EDGE_TOLERANCE_PT
        or c["x1"] > right
        or c["top"] < 0
        or c["bottom"] > height
    ]
    for word in dict.fromkeys(owner[id(c)] for c in outside):
        found.append(Problem(number, "off-page", f"{word!r} leaves the text block"))
    small = dict.fromkeys(
        (owner[id(c)], round(c["size"], 1)) for c in chars if c["size"] < MIN_TEXT_PT - 0.05
    )
    for word, size in list(small)[:5]:
        found.append(Problem(number, "small-text", f"{word!r} at {size:g} pt"))
    if len(small) > 5:
        found.append(Problem(number, "small-text", f"and {len(small) - 5} more words below 8 pt"))
    images = [i for i in page.images if i["width"] > 20 and i["height"] > 20]
    for image in images:
        pixels = image.get("srcsize", (0, 0))[0]
        if not pixels:
            continue
        scale = image["width"] / (pixels / CHART_DPI * 72)
        if scale < MIN_CHART_SCALE:
            found.append(
                Problem(
                    number,
                    "small-chart",
                    f"a {pixels}px image at {scale:.0%} of its size: its "
                    f"{CHART_FONT_PT:g} pt text prints at {CHART_FONT_PT * scale:.1f} pt",
                )
            )
    lines = _lines(chars)
    bottom = max([c["bottom"] for c in chars] + [i["bottom"] for i in images], default=0.0)
    foot = [line for line in lines[-1 - STRANDED_LINES :] if _introduces(line, body)]
    if foot and not last:
        line = foot[-1]
        below = [i for i in images if i["top"] >= line[-1]["bottom"] - 1]
        after = lines[lines.index(line) + 1 :]
        whole = _has_its_row(line, after, body) or _closed_box(
            line, after, _boxes(page), layout.foot
        )
        if not below and not whole:
            text = "".join(c["text"] + (" " if _gap(c, line) else "") for c in line)
            found.append(Problem(number, "stranded", f"{text.strip()[:70]!r} at the page foot"))
    if not last and bottom < height * HALF:
        found.append(Problem(number, "half-empty", f"content ends at {bottom / height:.0%}"))
    return found


CELL_GAP_EM = 0.6  # wider than a word space (about 0.3 em), narrower than two cell paddings


def _cells(line: list[dict]) -> list[list[dict]]:
    """A printed line split where the gap between two characters is wider than a word
    space: a table row's cells (one part for running text or a heading)."""
    cells: list[list[dict]] = []
    for char in line:
        if cells and char["x0"] - cells[-1][-1]["x1"] <= CELL_GAP_EM * char["size"]:
            cells[-1].append(char)
        else:
            cells.append([char])
    return cells


def _has_its_row(header: list[dict], after: list[list[dict]], body: float) -> bool:
    """Whether a bold line is a table's header with a row of its table below it on the
    page: the header has two cells or more, and a later line that introduces nothing
    has two cells or more, its first under the header's first (a one-row table at a
    page foot is complete, not a stranded heading)."""
    columns = _cells(header)
    if len(columns) < 2:
        return False
    first = (columns[0][0]["x0"], columns[0][-1]["x1"])
    for line in after:
        cells = _cells(line)
        if len(cells) < 2 or _introduces(line, body):
            continue
        start, end = cells[0][0]["x0"], cells[0][-1]["x1"]
        if start < first[1] and end > first[0]:
            return True
    return False


def _gap(char: dict, line: list[dict]) -> bool:
    at = line.index(char)
    return at + 1 < len(line) and line[at + 1]["x0"] - char["x1"] > 0.2 * char["size"]


def summary(problems: list[Problem]) -> str:
    """Counts per rule, e.g. `overlap 61, stranded 2`; `no problems` when there are none."""
    counts = Counter(p.rule for p in problems)
    return ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items())) or "no problems"


def main(argv: list[str] | None = None) -> int:
    """Check each PDF named on the command line (page limit from its name)."""
    files = argv if argv is not None else sys.argv[1:]
    if not files:
        print("usage: python -m helpers.report.print_check FILE.pdf ...", file=sys.stderr)
        return 2
    bad = 0
    for name in files:
        path = Path(name)
        if not path.is_file():
            print(f"{path}: no such file", file=sys.stderr)
            return 2
        problems = check_pdf(path, page_limit(path.name))
        bad += bool(problems)
        print(f"{path.name}: {summary(problems)}")
        for problem in problems:
            print(f"  {problem}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
