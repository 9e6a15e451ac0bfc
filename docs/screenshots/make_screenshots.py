"""Screenshots for the docs: each programme's first screen (the goal statuses) and the
joint report's count charts, from a built demo site (`.venv/bin/dvc repro`).

    .venv/bin/python docs/screenshots/make_screenshots.py

Uses Debian's chromium through Playwright, as tests/browser.py does (no download).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "reports" / "_site"
OUT = Path(__file__).resolve().parent
PROGRAMMES = ("overvecht", "soesterkwartier", "vollenhove", "betere_buurten")
COUNT_CHARTS = {"inwoners": "aantal inwoners", "huishoudens": "aantal huishoudens"}
"""File name -> the start of the chart's alt text after 'Lijngrafieken van '."""


def main() -> int:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for key in PROGRAMMES:
            page.goto((SITE / f"{key}.html").as_uri())
            page.screenshot(path=OUT / f"first_screen_{key}.png")
            print(f"wrote {OUT / f'first_screen_{key}.png'}", file=sys.stderr)
        page.goto((SITE / "gezamenlijk.html").as_uri())
        for name, alt in COUNT_CHARTS.items():
            image = page.locator(f"img[alt^='Lijngrafieken van {alt}']").first
            image.scroll_into_view_if_needed()
            image.screenshot(path=OUT / f"joint_{name}.png")
            print(f"wrote {OUT / f'joint_{name}.png'}", file=sys.stderr)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
