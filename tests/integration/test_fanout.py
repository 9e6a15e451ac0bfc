"""Fan-out of jobs over local processes and over a real Dask cluster, one code path."""

from __future__ import annotations

import os
import time

import pytest

from helpers.runtime.fanout import Job, JobsFailed, run_jobs, scheduler_address, worker_count


def busy_pid(seconds: float) -> int:
    """Hold a core for `seconds`, then say which process did it."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass
    return os.getpid()


def fails_for(value: int) -> int:
    if value == 2:
        raise ValueError(f"bad value {value}")
    return value * 10


def test_worker_count_uses_every_core_by_default_and_never_more_than_jobs(monkeypatch):
    monkeypatch.delenv("WIJKMONITOR_WORKERS", raising=False)
    assert worker_count(0, 100) == (os.cpu_count() or 1)
    assert worker_count(0, 1) == 1
    assert worker_count(3, 2) == 2
    monkeypatch.setenv("WIJKMONITOR_WORKERS", "1")
    assert worker_count(0, 100) == 1


def test_scheduler_address_from_params_or_environment(monkeypatch):
    monkeypatch.delenv("WIJKMONITOR_SCHEDULER", raising=False)
    assert scheduler_address(None) is None
    assert scheduler_address("tcp://10.1.2.3:8786") == "tcp://10.1.2.3:8786"
    monkeypatch.setenv("WIJKMONITOR_SCHEDULER", "tcp://127.0.0.1:8786")
    assert scheduler_address(None) == "tcp://127.0.0.1:8786"


def test_local_pool_runs_jobs_in_separate_processes():
    jobs = [Job(f"job {i}", busy_pid, (0.3,)) for i in range(4)]
    outcomes = run_jobs(jobs, workers=2, log=lambda _: None)
    assert sorted(o.name for o in outcomes) == [f"job {i}" for i in range(4)]
    pids = {o.result for o in outcomes}
    assert len(pids) == 2
    assert os.getpid() not in pids


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_job_is_named_and_the_others_complete(workers):
    messages: list[str] = []
    jobs = [Job(f"value {v}", fails_for, (v,)) for v in (1, 2, 3)]
    with pytest.raises(JobsFailed, match=r"value 2: ValueError: bad value 2") as caught:
        run_jobs(jobs, workers=workers, log=messages.append)
    assert [o.name for o in caught.value.failures] == ["value 2"]
    assert sum("done" in m for m in messages) == 2
    assert sum("failed" in m for m in messages) == 1


def test_same_jobs_on_a_local_dask_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        jobs = [Job(f"value {v}", fails_for, (v,)) for v in (1, 3, 4)]
        outcomes = run_jobs(jobs, workers=2, scheduler=cluster.scheduler_address)
    assert sorted(o.result for o in outcomes) == [10, 30, 40]
