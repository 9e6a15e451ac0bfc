"""Issue 29: a full disk names the path it could not write, never "(unknown path)".

/dev/full is a real device that fails every write with ENOSPC, without a file name
in the error, as a full disk does.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from helpers.cli import disk_error_message
from helpers.config import Paths
from helpers.runtime.io import atomic_dir

pytestmark = pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")


def test_a_write_on_a_full_disk_inside_an_output_folder_names_the_folder(tmp_path):
    target = tmp_path / "data" / "processed" / "indicators"
    with (
        pytest.raises(OSError) as caught,
        atomic_dir(target),
        open("/dev/full", "w", encoding="utf-8") as full,
    ):
        full.write("x" * 10_000)
    assert caught.value.errno == errno.ENOSPC
    message = disk_error_message("indicators", caught.value, Paths(tmp_path))
    assert message == (
        "wijkmonitor indicators: cannot write data/processed/indicators: No space left on device"
    )
    assert not target.exists(), "nothing half-written is left"
