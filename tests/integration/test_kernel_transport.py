"""The notebooks' kernels talk over IPC sockets: no TCP port to race for (the zmq
"Address already in use" traceback of parallel starts) and no per-kernel warning about
unencrypted TCP on the console. Real papermill, nbclient, jupyter_client and ipykernel."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import papermill
import pytest

from helpers.runtime.notebooks import execute_notebook

TCP_WARNING = "Kernel is running over TCP without encryption"


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    template = tmp_path / "t.ipynb"
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell("import os\nanswer = 6 * 7\nanswer")]
    nbformat.write(book, template)
    return template


def _sockets() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("wijkmonitor-kernel-*")}


@pytest.fixture
def private_tmp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The kernel's socket files in a temporary folder of this test's own: the suite's
    other worker (`make test` runs two) starts and stops kernels of its own meanwhile."""
    folder = Path(tempfile.mkdtemp(prefix="wk-"))  # short: a socket path has 107 bytes
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_notebook_runs_over_ipc_with_a_quiet_console(notebook, tmp_path, capfd, private_tmp):
    before = _sockets()
    executed = execute_notebook(notebook, tmp_path / "out.ipynb", {})
    assert executed.cells[0].outputs[0]["data"]["text/plain"] == "42"
    console = "".join(capfd.readouterr())
    assert TCP_WARNING not in console
    assert "Address already in use" not in console
    assert _sockets() == before, "the kernel's socket files are removed at its shutdown"


def test_the_default_tcp_kernel_would_warn(notebook, tmp_path, capfd):
    """The check above can fail: papermill's own (TCP) kernel prints the warning."""
    papermill.execute_notebook(
        str(notebook), str(tmp_path / "tcp.ipynb"), kernel_name="python3", progress_bar=False
    )
    assert TCP_WARNING in "".join(capfd.readouterr())
