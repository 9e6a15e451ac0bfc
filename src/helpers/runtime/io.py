"""Atomic file and folder writes, and the files a fingerprint covers.

Everything is written next to its target first and moved into place with
`os.replace`, which is atomic on one file system; a previous good output stays
untouched until the new one is complete. YAML reading is in runtime/yaml_io.py: this
module imports no third-party package, as the `revisions` replay (runtime/stage_memo.py)
runs at every `dvc repro` and pays for each import.

`tempfile` creates its files 0600 and folders 0700 whatever the umask, and a rename
keeps that mode; so before the move each gets the mode a plain `open`/`mkdir` would
have given it (0644/0755 under umask 022), or a web server running as another user
could not read the published site.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


def current_umask() -> int:
    """The process umask, read without changing it where Linux shows it (thread-safe)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore at once
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode `open()` gives a new file under the current umask (0644 under 022)."""
    return 0o666 & ~current_umask()


def dir_mode() -> int:
    """The mode `mkdir` gives a new folder under the current umask (0755 under 022)."""
    return 0o777 & ~current_umask()


def named(error: OSError, path: Path) -> OSError:
    """`error` with `path` as its file when it names none (a write() on a full disk
    raises ENOSPC without a file name: the message would say "unknown path")."""
    if error.filename is not None or error.errno is None:
        return error
    return type(error)(error.errno, error.strerror, str(path))


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary sibling file (with the umask's mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            os.fchmod(handle.fileno(), file_mode())
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise named(error, path) from error
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# Folders no stage reads, left out of every fingerprint as .dvcignore leaves them out of
# DVC's deps: Python's bytecode caches and JupyterLab's autosaves of an opened notebook.
IGNORED_DIRS = frozenset({".ipynb_checkpoints", "__pycache__"})


def files_under(folder: Path, patterns: Iterable[str] = ("*",)) -> list[Path]:
    """The files under `folder` matching one of `patterns`, in a stable order, without
    those in IGNORED_DIRS: what a fingerprint of the folder covers."""
    if not folder.is_dir():
        return []
    found = {p for pattern in patterns for p in folder.rglob(pattern) if p.is_file()}
    return sorted(p for p in found if not IGNORED_DIRS & set(p.relative_to(folder).parts))


@contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Yield an empty temporary folder that replaces `target` when the block succeeds.

    On an exception the temporary folder is removed and `target` is left as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        swap_dir(tmp, target)
    except OSError as error:
        shutil.rmtree(tmp, ignore_errors=True)
        raise named(error, target) from error
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def swap_dir(tmp: Path, target: Path) -> None:
    """Replace `target` by the complete folder `tmp`; the old one goes only once it is gone.

    `tmp` (from `tempfile.mkdtemp`, mode 0700) first gets the umask's folder mode. When
    the second rename fails (a read-only or full file system), the old one is put back.
    """
    tmp.chmod(dir_mode())
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(tmp, target)
    except BaseException:
        if old.exists() and not target.exists():
            os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


# ----------------------------------------------------------------- interrupted writes

TEMPORARY = re.compile(r"^\..+\.(tmp|old)$")


def remove_temporaries(target: Path) -> list[Path]:
    """Clear what an interrupted atomic write of `target` left behind; the paths removed.

    A killed stage (Ctrl-C, `kill -9`) can leave `.<name>.<random>.tmp` next to its
    output (atomic_dir, write_text_atomic) and `.<name>.old` (swap_dir). A `.old`
    whose target is missing was caught between swap_dir's two renames: it is the
    previous good output and is put back, not removed. Inside a folder output the
    same is done for every entry, since files in it are written atomically too.
    """
    removed: list[Path] = []
    parent = target.parent
    if not parent.is_dir():
        return removed
    old = parent / f".{target.name}.old"
    if old.exists() and not target.exists():
        os.replace(old, target)
    siblings = parent.glob(f".{glob.escape(target.name)}.*")
    candidates = [p for p in siblings if TEMPORARY.match(p.name)]
    if target.is_dir():
        candidates += [p for p in target.rglob(".*") if TEMPORARY.match(p.name)]
    for path in sorted(set(candidates)):
        if not path.exists() and not path.is_symlink():
            continue  # inside a folder removed just before
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        removed.append(path)
    return removed


@contextmanager
def atomic_dirs(targets: list[Path]) -> Iterator[list[Path]]:
    """atomic_dir for several folders one stage writes together, swapped in only when all
    are complete: a stage stopped halfway leaves every previous folder as it was."""
    tmps: list[Path] = []
    try:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            prefix = f".{target.name}."
            tmps.append(Path(tempfile.mkdtemp(prefix=prefix, suffix=".tmp", dir=target.parent)))
        yield tmps
        for tmp, target in zip(tmps, targets, strict=True):
            swap_dir(tmp, target)
    except BaseException:
        for tmp in tmps:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
