"""The console lines every stage prints: one prefix, flushed, so DVC shows them in order."""

from __future__ import annotations


def log(message: str) -> None:
    print(f"[wijkmonitor] {message}", flush=True)
