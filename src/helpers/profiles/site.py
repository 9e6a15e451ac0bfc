"""The profiles in the report site: one page per area and an index to find a wijk.

The profiles stage renders every profile to a light page already (thousands of pages
through Quarto would take longer than the profiles themselves); the report stage puts
them under `profielen/` in the same site, Quarto's or nbconvert's, with the draft
watermark when the reports are a draft, and writes the index: every area with its
code and gemeente, filtered as you type by name or code (the full list without
JavaScript).
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

from helpers.config import Paths
from helpers.profiles.profile import read_area_table

SITE_DIR = "profielen"
STYLESHEET = "profiel.css"

PAGE_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;line-height:1.5;color:#1a1a1a;
max-width:52rem;margin:1.5rem auto;padding:0 1rem}
nav{font-size:.95rem;margin-bottom:1rem}
a{color:#0b5394;text-decoration:underline}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.95rem}
th,td{border-bottom:1px solid #ccc;padding:.25rem .6rem;text-align:left;vertical-align:top}
td:nth-child(n+2){text-align:right;white-space:nowrap}
#wijken td{text-align:left}
caption{text-align:left;font-size:.85rem;color:#444;caption-side:top}
img{max-width:100%;height:auto}
.wm-search{font-size:1rem;padding:.3rem .5rem;width:100%;max-width:24rem}
.wm-note{background:#fff4e5;border-left:4px solid #b45f06;padding:.4rem .8rem}
@page{size:A4;margin:1.5cm}
@media print{nav,.wm-search{display:none}}
"""

SEARCH_SCRIPT = """
<script>
const box = document.getElementById('zoek');
const rows = Array.from(document.querySelectorAll('#wijken tbody tr'));
const count = document.getElementById('aantal');
box.addEventListener('input', () => {
  const q = box.value.trim().toLowerCase();
  let shown = 0;
  for (const row of rows) {
    const hit = !q || row.dataset.zoek.includes(q);
    row.hidden = !hit;
    if (hit) shown++;
  }
  count.textContent = shown + ' van ' + rows.length;
});
</script>
"""


def profile_entries(paths: Paths) -> tuple[str, list[dict[str, str]]]:
    """(level, areas) from the profiles stage's index; ('wijk', []) without profiles."""
    path = paths.profiles_index()
    if not path.is_file():
        return "wijk", []
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["niveau"], data["gebieden"]


def profile_count(paths: Paths) -> int:
    """How many profiles the last run of the profiles stage made (0 without any)."""
    return len(profile_entries(paths)[1])


def _synthetic(paths: Paths, areas: list[dict[str, str]]) -> bool:
    if not areas:
        return False
    first = paths.profile_table(areas[0]["code"])
    return first.is_file() and bool(read_area_table(first)["synthetic"].astype(bool).any())


def index_page(level: str, areas: list[dict[str, str]], synthetic: bool, draft_css: str) -> str:
    """The page to find an area: search by name or code, every area listed and linked."""
    plural = "wijken" if level == "wijk" else "buurten"
    rows = "\n".join(
        f'<tr data-zoek="{html.escape((a["naam"] + " " + a["code"]).lower())}">'
        f'<td><a href="{html.escape(a["code"])}.html">{html.escape(a["naam"])}</a></td>'
        f"<td>{html.escape(a['code'])}</td><td>{html.escape(a['gemeente'])}</td></tr>"
        for a in areas
    )
    note = (
        '<p class="wm-note">Deze profielen bevatten synthetische demogegevens: ze '
        "beschrijven geen echte wijk.</p>"
        if synthetic
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Wijkprofielen</title>\n"
        f'<link rel="stylesheet" href="{STYLESHEET}">\n'
        f"<style>{draft_css}</style>\n</head>\n<body>\n"
        '<nav aria-label="Navigatie"><a href="../index.html">Wijkmonitor</a></nav>\n'
        f"<main>\n<h1>Wijkprofielen</h1>\n{note}\n"
        f"<p>Een profiel van elke {level}: de kerncijfers van het CBS en, waar ze er zijn, "
        "de gezondheidscijfers van RIVM en GGD'en, naast de gemeente en Nederland, elk met "
        "het jaar van de meting. De profielen vergelijken, maar rangschikken geen "
        f"{plural}.</p>\n"
        f'<p><label for="zoek">Zoek een {level} op naam of CBS-code</label><br>'
        f'<input id="zoek" class="wm-search" type="search" autocomplete="off"> '
        f'<span id="aantal" aria-live="polite">{len(areas)} van {len(areas)}</span></p>\n'
        f'<table id="wijken">\n<caption>Alle {plural} met een profiel</caption>\n'
        '<thead><tr><th scope="col">Naam</th><th scope="col">CBS-code</th>'
        '<th scope="col">Gemeente</th></tr></thead>\n'
        f"<tbody>\n{rows}\n</tbody>\n</table>\n</main>\n{SEARCH_SCRIPT}</body>\n</html>\n"
    )


def write_profiles_site(paths: Paths, site: Path, draft_css: str = "") -> int:
    """Copy the profile pages into `site/profielen/` and write its index; the count."""
    level, areas = profile_entries(paths)
    if not areas:
        return 0
    target = site / SITE_DIR
    target.mkdir(parents=True, exist_ok=True)
    (target / STYLESHEET).write_text(PAGE_CSS.lstrip(), encoding="utf-8")
    for area in areas:
        page = paths.profile_page(area["code"])
        out = target / f"{area['code']}.html"
        if draft_css:
            text = page.read_text(encoding="utf-8")
            out.write_text(text.replace("</head>", f"<style>{draft_css}</style>\n</head>", 1))
        else:
            shutil.copyfile(page, out)
    synthetic = _synthetic(paths, areas)
    (target / "index.html").write_text(
        index_page(level, areas, synthetic, draft_css), encoding="utf-8"
    )
    return len(areas)
