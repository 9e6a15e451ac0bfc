"""The kernel-start retry of `helpers.stages.analyse.execute_notebook`, through real papermill.

Two kernels started at the same moment can race for one free TCP port; the loser dies
before it answers kernel_info. To reproduce that on demand, a kernelspec named `python3`
placed first on JUPYTER_PATH runs a launcher that exits at once for its first starts and
then becomes a real ipykernel. Nothing in papermill, nbclient or jupyter_client is mocked.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from papermill.exceptions import PapermillExecutionError

from helpers.runtime.notebooks import KERNEL_START_ATTEMPTS, KERNEL_START_FAILED, execute_notebook

# Counts its starts in a file; dies (before any kernel_info reply) for the first `deaths`
# of them, then execs the real kernel in the same process, so jupyter_client's handle
# on the process stays valid.
LAUNCHER = """\
import os
import sys
from pathlib import Path

counter, deaths, connection_file = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
starts = (int(counter.read_text()) if counter.exists() else 0) + 1
counter.write_text(str(starts))
if starts <= deaths:
    sys.exit(1)
os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file])
"""

RETRYING = "kernel did not start, retrying"


@pytest.fixture
def flaky_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[int], Path]:
    """Install a `python3` kernel that dies on its first `deaths` starts; its start counter."""

    def install(deaths: int) -> Path:
        launcher = tmp_path / "launcher.py"
        launcher.write_text(LAUNCHER, encoding="utf-8")
        counter = tmp_path / "starts"
        spec_dir = tmp_path / "jupyter" / "kernels" / "python3"
        spec_dir.mkdir(parents=True)
        argv = [sys.executable, str(launcher), str(counter), str(deaths), "{connection_file}"]
        spec = {"argv": argv, "display_name": "flaky python3", "language": "python"}
        (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
        # JUPYTER_PATH comes before the environment's own python3 spec; check it won,
        # or every test below would pass on the real kernel without testing the retry.
        found = KernelSpecManager()
        assert Path(found.find_kernel_specs()["python3"]) == spec_dir
        assert found.get_kernel_spec("python3").argv[1] == str(launcher)
        return counter

    return install


def tiny_notebook(folder: Path, last_cell: str) -> Path:
    """A parameters cell and one cell: enough for papermill, seconds to run."""
    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        }
    )
    parameters = nbformat.v4.new_code_cell("x = 1")
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, nbformat.v4.new_code_cell(last_cell)]
    path = folder / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


def starts(counter: Path) -> int:
    return int(counter.read_text(encoding="utf-8"))


def test_a_kernel_that_dies_once_is_started_again(
    tmp_path: Path, flaky_kernel: Callable[[int], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    counter = flaky_kernel(1)
    template = tiny_notebook(tmp_path, "print(x * 2)")
    output = tmp_path / "out" / "tiny.ipynb"

    execute_notebook(template, output, {"x": 21}, tmp_path)

    assert starts(counter) == 2
    printed = capsys.readouterr().out
    assert printed.count(RETRYING) == 1
    assert f"[wijkmonitor] tiny.ipynb: {RETRYING}" in printed
    last = nbformat.read(output, as_version=4).cells[-1]
    assert [o.get("text") for o in last.outputs] == ["42\n"]


def test_a_kernel_that_never_starts_fails_after_the_last_attempt(
    tmp_path: Path, flaky_kernel: Callable[[int], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    counter = flaky_kernel(99)
    template = tiny_notebook(tmp_path, "print(x * 2)")
    output = tmp_path / "out" / "tiny.ipynb"

    with pytest.raises(RuntimeError, match=re.escape(KERNEL_START_FAILED)):
        execute_notebook(template, output, {"x": 21}, tmp_path)

    assert starts(counter) == KERNEL_START_ATTEMPTS == 3
    assert capsys.readouterr().out.count(RETRYING) == KERNEL_START_ATTEMPTS - 1
    # papermill writes the parameterised notebook before it starts the kernel, so a
    # partial output is left behind; what the retry relies on is that no cell ran. The
    # analyse stage writes into `atomic_dir`, which keeps such a notebook out of the
    # programme's folder.
    left = nbformat.read(output, as_version=4)
    assert [c.execution_count for c in left.cells] == [None, None, None]
    assert all(not c.outputs for c in left.cells)


def test_a_failing_cell_is_not_retried(
    tmp_path: Path, flaky_kernel: Callable[[int], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    counter = flaky_kernel(0)
    template = tiny_notebook(tmp_path, "raise ValueError(f'bad x: {x}')")
    output = tmp_path / "out" / "tiny.ipynb"

    with pytest.raises(PapermillExecutionError, match="bad x: 21"):
        execute_notebook(template, output, {"x": 21}, tmp_path)

    assert starts(counter) == 1
    assert RETRYING not in capsys.readouterr().out
