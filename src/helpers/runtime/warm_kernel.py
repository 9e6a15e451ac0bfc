"""A papermill engine that keeps one warm kernel per worker process.

Most of a small notebook's cost is starting a kernel and importing pandas, seaborn and
the helpers (about 2 s of the 4.4 s a programme's notebook costs). For a profile of
every wijk of a region that start-up would dominate, and a programme's annual report,
factsheet and deep dives paid it three times over, so this engine (used by the profiles
and the analyse stage) starts the kernel once per worker and, before each notebook,
resets what a notebook can leave behind: the user namespace, the execution counter, the
working directory, matplotlib's figures and settings, pandas' options, and the warning
filters and once-only registries. Modules stay imported: that is the saving. The helpers
keep no state between calls and change nothing global on import but matplotlib's backend
(which a reset keeps), so a kept `helpers` module behaves as a fresh one.

Every output is still an executed, parametrised notebook; the tests check, on a
sample, that it is byte-identical to the same notebook run in a fresh kernel.
Register by importing this module; run with `engine_name=ENGINE`.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing.util
import os
from typing import Any

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

ENGINE = "wijkmonitor-warm"

# Runs silently (no history, no execution count) before each notebook. The warning
# filters kept are the ones the kernel had before its first notebook, in a module of
# their own, which the namespace reset does not reach. IPython's reset (as `%reset
# -f`) ends with a full garbage collection, half a second on a warm heap that frees
# nothing the automatic collector would not: it is skipped.
RESET = """
def _wijkmonitor_reset(cwd):
    import os, sys, types, warnings
    stash = sys.modules.setdefault("_wijkmonitor_warm", types.ModuleType("_wijkmonitor_warm"))
    if not hasattr(stash, "filters"):
        stash.filters = list(warnings.filters)
    shell = get_ipython()
    import gc
    collect, gc.collect = gc.collect, lambda *args, **kwargs: 0
    try:
        shell.reset(new_session=False)
    finally:
        gc.collect = collect
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if "matplotlib.pyplot" in sys.modules:
            import matplotlib, matplotlib.pyplot as plt
            plt.close("all")
            matplotlib.rcdefaults()
        if "pandas" in sys.modules:
            import pandas
            pandas.reset_option("all")
    warnings.filters[:] = stash.filters
    for module in list(sys.modules.values()):
        registry = getattr(module, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()
    warnings._filters_mutated()
    os.chdir(cwd)
    shell.execution_count = 1
"""


class KernelResetFailed(RuntimeError):
    """The warm kernel could not be reset; the notebook was not run."""


class _WarmKernel:
    """The kernel manager and client kept alive in this process."""

    def __init__(self) -> None:
        self.km: Any = None
        self.kc: Any = None
        self.pid = os.getpid()

    def kept(self) -> tuple[Any, Any]:
        """(manager, client) of this process's live kernel, or (None, None)."""
        # a forked worker inherits the parent's objects but not its kernel
        if self.pid != os.getpid():
            self.km, self.kc, self.pid = None, None, os.getpid()
        if self.km is not None and not _alive(self.km):
            self.forget()
        return self.km, self.kc

    def keep(self, km: Any, kc: Any) -> None:
        if self.km is None:
            atexit.register(self.shutdown)
            multiprocessing.util.Finalize(None, self.shutdown, exitpriority=10)
        self.km, self.kc = km, kc

    def forget(self) -> None:
        if self.kc is not None:
            with contextlib.suppress(Exception):
                self.kc.stop_channels()
        self.km, self.kc = None, None

    def shutdown(self) -> None:
        if self.km is None or self.pid != os.getpid():
            return
        from jupyter_core.utils import run_sync

        km = self.km
        self.forget()
        with contextlib.suppress(Exception):  # already gone at interpreter exit
            run_sync(km.shutdown_kernel)(now=True)


_WARM = _WarmKernel()


def _alive(km: Any) -> bool:
    from jupyter_core.utils import run_sync

    try:
        return bool(run_sync(km.is_alive)())
    except Exception:
        return False


class _ResettingClient(PapermillNotebookClient):
    """papermill's client, resetting the kernel's state before the first cell."""

    def papermill_execute_cells(self) -> None:
        code = f"{RESET}\n_wijkmonitor_reset({os.getcwd()!r})\n"
        msg_id = self.kc.execute(code, silent=True, store_history=False)
        reply = self.wait_for_reply(msg_id)
        content = (reply or {}).get("content", {})
        if content.get("status") != "ok":
            raise KernelResetFailed(
                f"could not reset the warm kernel: {content.get('ename')}: {content.get('evalue')}"
            )
        super().papermill_execute_cells()


class WarmEngine(NBClientEngine):
    """NBClientEngine with one kernel per process, kept between notebooks."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: int = 60,
        execution_timeout: int | None = None,
        **kwargs: Any,
    ) -> Any:
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        km, kc = _WARM.kept()
        client = _ResettingClient(nb_man, km=km, **final_kwargs)
        client.kc = kc
        try:
            result = client.execute(cleanup_kc=False)
        except BaseException:
            # a kernel in an unknown state is not kept for the next notebook
            if client.kc is not None and client.kc is not kc:
                client.kc.stop_channels()
            _WARM.shutdown() if km is not None else _shutdown(client.km)
            raise
        _WARM.keep(client.km, client.kc)
        return result


def _shutdown(km: Any) -> None:
    if km is None:
        return
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):
        run_sync(km.shutdown_kernel)(now=True)


papermill_engines.register(ENGINE, WarmEngine)


def shutdown_warm_kernel() -> None:
    """Stop this process's warm kernel (also done at exit)."""
    _WARM.shutdown()
