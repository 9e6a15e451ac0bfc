"""The README is the entrance, not the manual: short, with a page per reader in docs/,
and no link in the README or docs/ that leads nowhere."""

from __future__ import annotations

import re
from pathlib import Path

from support import REPO

LINK = re.compile(r"\]\(([\w./-]+)(?:#[^)]*)?\)")
READERS = ("researcher.md", "analyst.md", "reports.md", "developer.md")


def markdown_pages() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def test_readme_is_short_and_points_to_a_page_per_reader():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode("utf-8")) < 15_000
    assert "make run" in readme and "make test" in readme
    for page in READERS:
        assert f"docs/{page}" in readme, page


def test_every_relative_link_resolves():
    broken = []
    for page in markdown_pages():
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(REPO)} -> {target}")
    assert broken == []
