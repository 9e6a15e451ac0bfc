"""deduce, the Dutch de-identification library, as one shared screener with a verdict cache.

deduce recognises persons from its lists of Dutch first names and surnames (a bare
"Pieter Bakker", "mevrouw Fatima El Amrani"), streets with house numbers, phone
numbers, e-mail addresses and BSNs. Its first start builds lookup structures from
those lists (about 90 s); `make env` does that once (`python -m
helpers.validation.deidentify`), and every later start loads them from deduce's
cache in the environment (some seconds). Of its tags only those that point at a
person are used: a place name ("Utrecht"), a date, an age, an institution or a URL
is not personal data in monitoring text.

Each stage screens the params again before it writes anything, so the verdicts are
cached by a hash of the text (never the text) in `.dvc/tmp/wijkmonitor-screened.json`
when the project has one: deduce is then loaded only for text it has not seen.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import os
import sys
import threading
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

# deduce's tag -> our kind. Tags deduce combines ("persoon", "patient") are persons.
TAGS = {
    "persoon": "name",
    "patient": "name",
    "voornaam": "name",
    "achternaam": "name",
    "initiaal": "name",
    "telefoonnummer": "phone",
    "emailadres": "email",
    "bsn": "bsn",
}
# A deduce location is an address only with a number in it (Kerkstraat 12); alone it is
# a place or a street, which monitoring text names all the time.
ADDRESS_TAGS = {"locatie", "straat", "huisnummer"}
# Bumped when the use of deduce's output changes: cached verdicts then no longer apply.
SCREEN_VERSION = "1"
# Set by a stage for the notebook kernels it starts, which then share its verdicts.
CACHE_ENV = "WIJKMONITOR_SCREENED"

_lock = threading.Lock()
_verdicts: dict[str, list[tuple[str, int, int]]] = {}
_cache_file: Path | None = None


@cache
def _deduce() -> Any:
    """The one deduce instance of this process (loaded on first use; quiet)."""
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))
    import deduce  # type: ignore[import-untyped]

    # deduce unpickles 77 MB of lookup structures, millions of objects: with the cyclic
    # collector on, it runs again and again over them for nothing (7.3 s CPU, 1.4 s
    # without). Frozen afterwards, later collections of the process skip them too.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        screener = deduce.Deduce()
    finally:
        if was_enabled:
            gc.enable()
    gc.freeze()
    return screener


@cache
def _screen_version() -> str:
    """The screen and deduce versions a verdict was made with (read once: 2 ms a call)."""
    return f"{SCREEN_VERSION}/{metadata.version('deduce')}"


def _key(text: str) -> str:
    return hashlib.sha256(f"{_screen_version()}\0{text}".encode()).hexdigest()


def cache_file() -> Path | None:
    """The verdict cache this process uses, if any."""
    return _cache_file


def use_cache(root: Path | None = None) -> None:
    """Keep verdicts in the project's `.dvc/tmp/` (if it has one), shared by its stages;
    without `root`, the file a stage named in the environment (a notebook's kernel)."""
    global _cache_file
    if root is None:
        named = os.environ.get(CACHE_ENV)
        if _cache_file is not None:
            return
        if not named:
            return
        _cache_file = Path(named)
    else:
        if not (root / ".dvc").is_dir():
            return
        folder = root / ".dvc" / "tmp"
        folder.mkdir(exist_ok=True)
        _cache_file = folder / "wijkmonitor-screened.json"
    with contextlib.suppress(OSError, ValueError):
        _verdicts.update(json.loads(_cache_file.read_text(encoding="utf-8")))


def save_cache() -> None:
    """Write the verdicts back (atomically: stages may run side by side)."""
    if _cache_file is None:
        return
    tmp = _cache_file.with_name(f"{_cache_file.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(_verdicts, sort_keys=True), encoding="utf-8")
        tmp.replace(_cache_file)
    except OSError:
        tmp.unlink(missing_ok=True)


def spans(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each person-related annotation deduce makes in `text`."""
    key = _key(text)
    with _lock:
        if key in _verdicts:
            return [tuple(v) for v in _verdicts[key]]  # type: ignore[misc]
        found: list[tuple[str, int, int]] = []
        for annotation in _deduce().deidentify(text).annotations:
            tag = str(annotation.tag)
            kind = TAGS.get(tag)
            if tag in ADDRESS_TAGS and any(c.isdigit() for c in annotation.text):
                kind = "address"
            if kind is None and any(TAGS.get(part) == "name" for part in tag.split("+")):
                kind = "name"  # an annotation deduce did not merge (prefix+naam)
            if kind is not None:
                found.append((kind, annotation.start_char, annotation.end_char))
        _verdicts[key] = found
        return found


def build() -> None:
    """Build deduce's lookup structures now (at set-up), so no stage waits for them."""
    _deduce()
    print("[make] deduce's lookup structures are built", file=sys.stderr)


if __name__ == "__main__":
    build()
