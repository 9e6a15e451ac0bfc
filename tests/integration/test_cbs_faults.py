"""CBS outages through the real cbsodata client: retries, then a clear error, old snapshot intact.

Every fault is produced by the loopback server (or by no server at all) while the
client fetches the real recorded KWB 2024 table; before each fault a good snapshot
is fetched, and after it the snapshot must be byte-identical with no temporary
folder left behind. Backoff is 0 and the client timeout small, so the suite stays fast.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cbs_server import ReplayServer, closed_port, kwb_2024_tables, one_year_project
from support import digests

from helpers.config import Project
from helpers.sources.cbs import CbsUnavailable, fetch_kwb

TABLE = "85984NED"


def with_settings(project: Project, **update: object) -> Project:
    cbs = project.cycle.cbs.model_copy(update=update)
    return project.model_copy(update={"cycle": project.cycle.model_copy(update={"cbs": cbs})})


@pytest.fixture(scope="module")
def tables(shared_cbs: Path) -> dict:
    return kwb_2024_tables(shared_cbs)


@pytest.fixture
def snapshot(tables: dict, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A good snapshot of the real table, fetched first, and its digests."""
    out = tmp_path / "cbs"
    with ReplayServer(tables) as server:
        fetch_kwb(one_year_project(server.address), out, log=lambda _: None, backoff=0)
    before = digests(out)
    assert f"{TABLE}/TypedDataSet.json" in before
    return out, before


def failing_fetch(project: Project, out: Path) -> tuple[CbsUnavailable, list[str], float]:
    messages: list[str] = []
    started = time.perf_counter()
    with pytest.raises(CbsUnavailable) as caught:
        fetch_kwb(project, out, log=messages.append, backoff=0)
    return caught.value, messages, time.perf_counter() - started


def assert_clear_failure(error: CbsUnavailable, address: str, attempts: int) -> None:
    text = str(error)
    assert f"CBS table {TABLE} (KWB 2024)" in text
    assert f"http://{address}/ODataFeed/odata/{TABLE}/" in text
    assert f"after {attempts} attempt(s)" in text
    assert "previous snapshot" in text and "is kept" in text


def test_connection_refused(snapshot):
    out, before = snapshot
    address = closed_port()
    project = with_settings(one_year_project(address), retries=2)
    error, messages, _ = failing_fetch(project, out)
    assert_clear_failure(error, address, attempts=3)
    assert "ConnectionError" in str(error)
    assert sum("retrying" in m for m in messages) == 2
    assert digests(out) == before


@pytest.mark.parametrize(
    ("name", "fault", "error_name"),
    [
        ("http_500", lambda path: "500" if "TypedDataSet" in path else None, "HTTPError"),
        (
            "truncated_json",
            lambda path: "truncate" if "DataProperties" in path else None,
            "JSONDecodeError",
        ),
        (
            "paging_link_fails_halfway",
            lambda path: "500" if "skip=50" in path else None,
            "HTTPError",
        ),
        ("timeout", lambda path: "hang" if "TypedDataSet" in path else None, "ReadTimeout"),
    ],
)
def test_server_fault(tables, snapshot, name, fault, error_name):
    out, before = snapshot
    with ReplayServer(tables, page_size=25) as server:
        server.fault = fault
        project = with_settings(one_year_project(server.address), retries=1, timeout_seconds=0.5)
        error, messages, elapsed = failing_fetch(project, out)
        requests = list(server.requests)
    assert_clear_failure(error, server.address, attempts=2)
    assert error_name in str(error) or error_name in repr(error.__cause__)
    assert sum("retrying" in m for m in messages) == 1
    assert sum(r.startswith(f"/ODataFeed/odata/{TABLE}/?") for r in requests) == 2
    if name == "paging_link_fails_halfway":
        assert sum("skip=25" in r for r in requests) == 2, "the first pages were fetched"
    if name == "timeout":
        assert elapsed < 5, "the client timeout bounds the wait"
    assert digests(out) == before, "previous snapshot byte-identical, no temporary folder left"


def test_a_missing_table_is_not_retried(tables, tmp_path):
    with ReplayServer(tables) as server:
        project = with_settings(one_year_project(server.address), retries=3)
        project = project.model_copy(
            update={
                "cycle": project.cycle.model_copy(
                    update={
                        "cbs": project.cycle.cbs.model_copy(
                            update={"kwb_tables": {2024: "99999NED"}}
                        )
                    }
                )
            }
        )
        with pytest.raises(CbsUnavailable, match=r"99999NED.*after 1 attempt.*404") as caught:
            fetch_kwb(project, tmp_path / "cbs", log=lambda _: None, backoff=0)
    assert "does not exist (first fetch)" in str(caught.value)
    assert not any((tmp_path / "cbs").iterdir())
