"""The unit tier's guard fails a test that starts a process or opens a connection."""

from __future__ import annotations

import os
import socket
import subprocess
from concurrent.futures import ProcessPoolExecutor

import pytest
from conftest import TierViolation


def test_a_subprocess_is_refused():
    with pytest.raises(TierViolation, match="subprocess"):
        subprocess.run(["true"], check=False)


def test_a_fork_and_a_process_pool_are_refused():
    with pytest.raises(TierViolation, match="fork"):
        os.fork()
    with pytest.raises(TierViolation), ProcessPoolExecutor(1) as pool:
        pool.submit(os.getpid).result()


def test_a_kernel_start_is_refused():
    from jupyter_client.manager import start_new_kernel

    with pytest.raises(TierViolation):
        start_new_kernel(kernel_name="python3")


def test_a_network_connection_is_refused():
    with pytest.raises(TierViolation, match="network"):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(TierViolation, match="network"), socket.socket() as sock:
        sock.connect(("127.0.0.1", 9))
