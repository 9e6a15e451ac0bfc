"""Symbolic links under the local data folder are refused before DVC can replace them.

DVC follows a link when it records a tracked folder (`dvc add`, and `dvc repro` when
it records a changed folder before the stages run) and puts a copy of the file in the
link's place: later edits to the linked file never reach the pipeline, without a
word. Every stage checks this first, and `revisions`, the first stage of `dvc repro`,
runs before DVC records the folder (docs/bad-input.md).
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path


class LinkError(ValueError):
    """A symbolic link in the local data folder; the message names each link and its target."""


def links_under(folder: Path) -> list[Path]:
    """`folder` itself if it is a link, else every link inside it (links are not followed)."""
    if folder.is_symlink():
        return [folder]
    if not folder.is_dir():
        return []
    found = []
    for top, dirs, files in os.walk(folder):
        found += [Path(top) / name for name in (*dirs, *files) if (Path(top) / name).is_symlink()]
    return sorted(found)


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def refuse_links(folder: Path, root: Path) -> None:
    """Raise LinkError naming every symbolic link under the local data folder."""
    found = links_under(folder)
    if not found:
        return
    lines = [
        f"{_shown(link, root)} is a symbolic link to {os.readlink(link)}; copy the file in "
        f"its place: cp --remove-destination {shlex.quote(os.path.realpath(link))} "
        f"{shlex.quote(_shown(link, root))}"
        for link in found
    ]
    raise LinkError(
        f"{len(found)} symbolic link(s) in the local data folder {_shown(folder, root)} "
        "(rule: local inputs are files, not links): DVC would record a copy and put it in "
        "the link's place, so later edits to the linked file would never reach the "
        "pipeline. Nothing was changed.\n  "
        + "\n  ".join(lines)
        + f"\n  then `dvc add {_shown(folder, root)}` and run again."
    )
