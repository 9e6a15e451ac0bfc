"""`make lab`: starts as root (--allow-root only then) and passes LAB_ARGS (issue 19)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
from support import REPO, pipeline_env

# `-o` keeps make from rebuilding .venv/ when its stamp looks older than the lock file
MAKE = ["make", "--no-print-directory", "-o", ".venv/.installed", "-C", str(REPO)]


def lab_command(env: dict[str, str]) -> str:
    result = subprocess.run(
        [*MAKE, "-n", "lab", "LAB_ARGS=--no-browser --port 8899"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_lab_allows_root_only_for_root_and_passes_lab_args(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    for uid in ("0", "1000"):
        (fake / "id").write_text(f"#!/bin/sh\necho {uid}\n", encoding="utf-8")
        (fake / "id").chmod(0o755)
        env = {**pipeline_env(), "PATH": f"{fake}:{os.environ['PATH']}"}
        command = lab_command(env)
        assert command.endswith("--no-browser --port 8899"), command
        assert command.startswith(f"{REPO}/.venv/bin/jupyter lab --notebook-dir={REPO}")
        assert ("--allow-root" in command) == (uid == "0"), command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(os.geteuid() != 0, reason="the root case needs root")
def test_lab_starts_as_root_with_lab_args(tmp_path):
    port = free_port()
    env = {**pipeline_env(), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    process = subprocess.Popen(
        [*MAKE, "lab", f"LAB_ARGS=--no-browser --port {port} --ServerApp.ip=127.0.0.1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2) as answer:
                    status = json.loads(answer.read())
                    break
            except OSError:
                time.sleep(0.5)
        assert process.poll() is None, process.communicate()[0][-3000:]
        assert status is not None and "version" in status
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
