"""The unit tier: no subprocess, no kernel, no network, so `make test-fast` stays fast.

Every unit test runs with process creation and socket connections refused: a test
that starts one fails naming what it did, and belongs in tests/integration/.
"""

from __future__ import annotations

import multiprocessing.process
import os
import socket
import subprocess
from collections.abc import Callable

import pytest


class TierViolation(AssertionError):
    """A unit test started a process or opened a connection."""


def _refuse(what: str) -> Callable[..., None]:
    def refuse(*args: object, **kwargs: object) -> None:
        raise TierViolation(f"a unit test must not {what}: move it to tests/integration/")

    return refuse


@pytest.fixture(autouse=True)
def no_processes_or_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subprocess.Popen, "__init__", _refuse("start a subprocess"))
    monkeypatch.setattr(os, "fork", _refuse("fork a process"))
    monkeypatch.setattr(os, "posix_spawn", _refuse("spawn a process"))
    monkeypatch.setattr(os, "system", _refuse("run a shell command"))
    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", _refuse("start a process"))
    monkeypatch.setattr(socket.socket, "connect", _refuse("open a network connection"))
    monkeypatch.setattr(socket, "create_connection", _refuse("open a network connection"))
