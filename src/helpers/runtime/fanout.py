"""Run independent jobs on every local core, or on a Dask cluster, through one code path.

DVC runs stages one at a time, so a stage that executes many notebooks must spread
them itself. Both back ends are driven as a `concurrent.futures.Executor`: a local
process pool, or a Dask `distributed` client's executor when a scheduler address is
given. A failing job never stops the others; every failure is reported by the job's
name after all jobs have ended, so completed outputs are kept.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

WORKERS_ENV = "WIJKMONITOR_WORKERS"
SCHEDULER_ENV = "WIJKMONITOR_SCHEDULER"


@dataclass(frozen=True)
class Job:
    """One unit of work: `func(*args)`, named for progress output and error messages."""

    name: str
    func: Callable[..., Any]
    args: tuple


@dataclass(frozen=True)
class Outcome:
    name: str
    result: Any = None
    error: BaseException | None = None


class JobsFailed(RuntimeError):
    """Some jobs failed; the others completed and their outputs are kept."""

    def __init__(self, failures: list[Outcome]) -> None:
        self.failures = failures
        lines = [f"{len(failures)} job(s) failed:"]
        lines += [f"  {o.name}: {type(o.error).__name__}: {o.error}" for o in failures]
        super().__init__("\n".join(lines))


def worker_count(configured: int, jobs: int) -> int:
    """Workers to start: the environment override, else params (0 = every core), at most `jobs`."""
    override = os.environ.get(WORKERS_ENV, "").strip()
    wanted = int(override) if override else configured
    if wanted <= 0:
        wanted = os.cpu_count() or 1
    return max(1, min(wanted, jobs))


def scheduler_address(configured: str | None) -> str | None:
    """The Dask scheduler to use: the environment override, else params; None runs locally."""
    address = os.environ.get(SCHEDULER_ENV, "").strip() or (configured or "").strip()
    return address or None


@contextmanager
def executor(workers: int, scheduler: str | None) -> Iterator[Executor]:
    """A process pool on this machine, or the executor of a Dask client on `scheduler`.

    The local pool forks, so what the parent imported (papermill, pandas) is not
    imported again per worker.
    """
    if scheduler:
        from distributed import Client

        with Client(scheduler, set_as_default=False) as client:
            yield client.get_executor(pure=False)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield pool


def run_jobs(
    jobs: Sequence[Job],
    workers: int,
    scheduler: str | None = None,
    log: Callable[[str], None] = print,
) -> list[Outcome]:
    """Run every job, in the order they complete; raise `JobsFailed` after all have ended.

    One worker and no scheduler runs in this process: no pool to pay for.
    """
    outcomes: list[Outcome] = []
    if workers == 1 and not scheduler:
        for job in jobs:
            outcomes.append(_run_here(job))
            _report(outcomes[-1], len(outcomes), len(jobs), log)
    else:
        with executor(workers, scheduler) as pool:
            futures = {pool.submit(job.func, *job.args): job.name for job in jobs}
            for future in as_completed(futures):
                error = future.exception()
                result = None if error else future.result()
                outcomes.append(Outcome(futures[future], result, error))
                _report(outcomes[-1], len(outcomes), len(jobs), log)
    failures = [o for o in outcomes if o.error is not None]
    if failures:
        raise JobsFailed(failures)
    return outcomes


def _run_here(job: Job) -> Outcome:
    try:
        return Outcome(job.name, job.func(*job.args))
    except Exception as error:
        return Outcome(job.name, error=error)


def _report(outcome: Outcome, done: int, total: int, log: Callable[[str], None]) -> None:
    status = "failed" if outcome.error is not None else "done"
    log(f"[{done}/{total}] {outcome.name}: {status}")
