"""A stage's last outputs, replayed without loading the params when no input changed.

The `revisions` stage runs at every `dvc repro` (always changed). Without CBS to ask
(`source` is not `cbs`) its output is a function of the params and the code alone, yet
each run paid for loading and checking every params file (pydantic, the personal-data
screen): most of what a no-op `dvc repro` costs beyond `dvc status`. After a full run
the stage records its outputs and console lines here, under a digest of everything the
full run read (`params/`, the pipeline files, the package's code); the next run with
the same digest, at the same project root, writes the same bytes and prints the same
lines, importing nothing heavy. Any change, a missing or unreadable memo, another root,
or a symbolic link in the local data folder: the full run, which checks the params and
refuses links as every stage does (validation/links.py: before DVC records the folder).

The memo is a cache in `.dvc/tmp` (never git, never DVC): deleting it costs one full run.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from helpers.runtime.console import log
from helpers.runtime.io import files_under, remove_temporaries, write_text_atomic
from helpers.validation.links import links_under

if TYPE_CHECKING:  # imported by the light path: helpers.config would load pydantic
    from helpers.config import Paths

MEMO_DIR = Path(".dvc", "tmp", "wijkmonitor-memo")
FORMAT = 1
# The stages `wijkmonitor` may replay (cli.py); each remembers only runs that ask nobody.
REPLAYABLE = ("revisions",)


def memo_inputs(paths: Paths) -> list[Path]:
    """What a replayable stage's run reads: every params file, the pipeline files (the
    stage's own entry and the code-deps warning read them) and the package's code."""
    import helpers

    return [paths.params, *paths.pipeline_files, Path(helpers.__file__).parent]


def memo_file(root: Path, stage: str) -> Path:
    """Where the memo of `stage` lives in the project at `root`."""
    return root / MEMO_DIR / f"{stage}.json"


def _files(inputs: list[Path]) -> list[Path]:
    """Each input that is a file, and every file a fingerprint covers under each input
    that is a folder (the analyse stage's `files_under`)."""
    files: list[Path] = []
    for path in inputs:
        files.extend(files_under(path) if path.is_dir() else [path])
    return sorted(files)


def inputs_digest(inputs: list[Path]) -> str:
    """md5 over the names and bytes of every file of `inputs` (files and folders; a
    missing one counts as missing)."""
    digest = hashlib.md5(usedforsecurity=False)
    for path in _files(inputs):
        digest.update(str(path).encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0missing")
        digest.update(b"\0")
    return digest.hexdigest()


def remember(
    root: Path,
    stage: str,
    inputs: list[Path],
    digest: str,
    outputs: list[Path],
    lines: list[str],
    link_free: list[Path],
) -> None:
    """Record `stage`'s outputs (files under `root`) and console `lines`, with what the run
    read (`inputs`, absolute) and their `inputs_digest`, taken before the run read them,
    and the folders a replay must find without symbolic links (`link_free`)."""
    memo = {
        "format": FORMAT,
        "root": str(root.resolve()),
        "inputs": [str(path) for path in inputs],
        "digest": digest,
        "link_free": [str(path) for path in link_free],
        "outputs": {
            str(path.relative_to(root)): path.read_text(encoding="utf-8") for path in outputs
        },
        "lines": lines,
    }
    write_text_atomic(memo_file(root, stage), json.dumps(memo, sort_keys=True) + "\n")


def replay(root: Path, stage: str) -> bool:
    """Write `stage`'s remembered outputs and print its lines, if nothing it reads changed
    since; False (nothing done) when the full run is needed."""
    try:
        memo = json.loads(memo_file(root, stage).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if (
        not isinstance(memo, dict)
        or memo.get("format") != FORMAT
        or memo.get("root") != str(root.resolve())
        or not isinstance(memo.get("inputs"), list)
        or not isinstance(memo.get("outputs"), dict)
        or not isinstance(memo.get("link_free"), list)
        or memo.get("digest") != inputs_digest([Path(name) for name in memo["inputs"]])
        or any(links_under(Path(folder)) for folder in memo["link_free"])
    ):
        return False
    for name, text in memo["outputs"].items():
        path = root / name
        remove_temporaries(path)
        try:
            unchanged = path.read_text(encoding="utf-8") == text
        except OSError:
            unchanged = False
        if not unchanged:
            write_text_atomic(path, text)
    for line in memo.get("lines") or []:
        log(str(line))
    return True
