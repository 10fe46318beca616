"""Executors: where tasks run.  Both keep one warm `Worker` per process (the
database is loaded once per worker, not per task), send tasks, and hand
each result back to the driver as it arrives.  Workers write their files
themselves; only small markers travel back.

* `LocalExecutor(workers)`: the default.  One worker runs in the driver's
  process; more are forked processes (`--workers N`).
* `RayExecutor(address, workers)`: one actor per CPU of a Ray cluster
  (`ray.init()` with no address starts a local one), a bounded window of
  tasks in flight (`ray.wait`), and tasks of a lost actor (its node died)
  sent again to the actors still alive.
"""
from __future__ import annotations

import multiprocessing
import os
import socket
import signal
from typing import Callable, Iterable, Optional

from .tasks import Worker

Done = Callable[[tuple, dict], None]


class ExecutorError(RuntimeError):
    pass


# -- local ---------------------------------------------------------------

_WORKER: Optional[Worker] = None
_PRELOADED: Optional[tuple] = None     # the driver's loaded state, inherited by fork


def _init_worker(db_path, job, out) -> None:
    global _WORKER
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # the driver handles ^C
    _WORKER = Worker(db_path, job, out, _PRELOADED)


def _run_task(task):
    return task, _WORKER.run(task)


def _die_with_parent() -> None:
    """Linux: end this worker when the driver dies (even by SIGKILL), so no
    orphan keeps writing into the run folder."""
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)     # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class LocalExecutor:
    """Tasks on `workers` forked processes (or in this process for one).
    A worker that dies (killed, out of memory) is noticed: the pool is
    replaced and the tasks it had not finished are run again (a task is a
    pure function of the job, so the files come out the same), up to
    `retries` times each; a task running longer than `task_timeout` seconds
    (0: no limit) ends the run with a message naming it."""

    name = "local"

    def __init__(self, workers: int = 1, retries: int = 3, task_timeout: float = 0):
        if workers < 1:
            raise ValueError("--workers must be at least 1")
        self.workers = workers
        self.retries = retries
        self.task_timeout = task_timeout
        self._pool = None
        self._inline: Optional[Worker] = None
        self._init_args: tuple = ()
        self.lost_workers = 0
        self.resent_tasks = 0

    def start(self, db_path: str, job, out: str, state: Optional[tuple] = None) -> None:
        global _PRELOADED
        if self.workers == 1:
            self._inline = Worker(db_path, job, out, state)
        else:
            # forked workers start warm, also those that replace lost ones
            _PRELOADED = state
            self._init_args = (db_path, job, out)

    def _new_pool(self):
        from concurrent.futures import ProcessPoolExecutor
        return ProcessPoolExecutor(self.workers, multiprocessing.get_context("fork"),
                                   initializer=_init_worker, initargs=self._init_args)

    def run(self, tasks: Iterable[tuple], done: Done) -> None:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool
        tasks = list(tasks)
        if self._inline is not None:
            for t in tasks:
                done(t, self._inline.run(t))
            return
        left = dict(enumerate(tasks))
        tries = {k: 0 for k in left}
        while left:
            if self._pool is None:
                self._pool = self._new_pool()
            running = {}
            for k, t in left.items():
                tries[k] += 1
                running[self._pool.submit(_run_task, t)] = k
            try:
                while running:
                    finished, _ = wait(running, timeout=self.task_timeout or None,
                                       return_when=FIRST_COMPLETED)
                    if not finished:
                        slow = [left[k] for k in running.values()]
                        self._kill_pool()
                        raise ExecutorError(
                            f"no task finished within {self.task_timeout:g} s (--task-timeout); "
                            f"still running: {', '.join(_describe(t) for t in slow[:3])}; "
                            "the run can be resumed")
                    for fut in finished:
                        k = running.pop(fut)
                        task, result = fut.result()
                        del left[k]
                        done(task, result)
            except BrokenProcessPool:
                # a worker died; the pool cannot go on: a fresh one redoes
                # what was not finished
                self.lost_workers += 1
                self._kill_pool()
                over = [left[k] for k in left if tries[k] > self.retries]
                if over:
                    raise ExecutorError(
                        f"a worker process died {tries[next(iter(left))]} times running "
                        f"{_describe(over[0])} (killed, or out of memory?); the run can be "
                        "resumed") from None
                self.resent_tasks += len(left)

    def _kill_pool(self) -> None:
        if self._pool is None:
            return
        for p in list(getattr(self._pool, "_processes", {}).values()):
            if p.is_alive():
                p.kill()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None

    def close(self) -> None:
        global _PRELOADED
        self._kill_pool()
        _PRELOADED = None

    def describe(self) -> dict:
        return {"executor": "local", "workers": self.workers,
                "lost_workers": self.lost_workers, "resent_tasks": self.resent_tasks}


def _describe(task: tuple) -> str:
    kind, arg = task
    unit = getattr(arg, "unit", arg[0] if isinstance(arg, tuple) else arg)
    return f"{kind} of {'part' if kind == 'dedup' else 'unit'} {unit}"


# -- Ray -----------------------------------------------------------------

def _check_reachable(address: Optional[str], seconds: float = 5.0) -> None:
    """A `host:port` cluster address that nothing answers at fails here, in
    seconds: `ray.init` would keep retrying for minutes.  (`auto` and
    `ray://` addresses fail on their own, quickly.)"""
    if not address or address == "auto" or "://" in address:
        return
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ExecutorError(f"--address {address}: expected auto, HOST:PORT or "
                            "ray://HOST:PORT")
    try:
        with socket.create_connection((host, int(port)), timeout=seconds):
            pass
    except OSError as exc:
        raise ExecutorError(f"cannot reach the Ray cluster at {address}: "
                            f"{exc.strerror or exc} (is `ray start --head` running there?)") \
            from None


class RayExecutor:
    name = "ray"

    def __init__(self, address: Optional[str] = None, workers: int = 0, retries: int = 3,
                 window: int = 2, task_timeout: float = 0):
        try:
            import ray  # noqa: F401 - only checked here
        except ImportError:
            raise ExecutorError("the ray executor needs Ray: pip install 'proofgen[ray]'") \
                from None
        self.address = address
        self.workers = workers
        self.retries = retries
        self.window = window            # tasks in flight per actor
        self.task_timeout = task_timeout  # seconds without any task finishing (0: none)
        self._actors: list = []
        self._started_ray = False
        self.lost_workers = 0
        self.resent_tasks = 0
        self._count = 0
        self._lost: set[int] = set()

    def start(self, db_path: str, job, out: str, state: Optional[tuple] = None) -> None:
        import ray       # actors load the database themselves: `state` stays here
        if not ray.is_initialized():
            kwargs = {"address": self.address} if self.address else {}
            _check_reachable(self.address)
            try:
                ray.init(log_to_driver=False, **kwargs)
            except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
                where = f"the Ray cluster at {self.address}" if self.address else "Ray"
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise ExecutorError(
                    f"cannot start or reach {where}: {first} (start a cluster with "
                    "`ray start --head`, or leave out --address to start a local one)") from None
            self._started_ray = True
        n = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        actor = ray.remote(num_cpus=1, max_restarts=0)(_RayWorker)
        self._actors = [actor.remote(db_path, job, os.path.abspath(out)) for _ in range(n)]
        self._count = n

    def run(self, tasks: Iterable[tuple], done: Done) -> None:
        import ray
        from ray.exceptions import RayActorError, RayTaskError
        todo = list(reversed(list(tasks)))
        failures: dict = {}
        inflight: dict = {}                       # object ref -> (task, actor)
        load = {id(a): 0 for a in self._actors if id(a) not in self._lost}
        while todo or inflight:
            alive = [a for a in self._actors if id(a) in load]
            if not alive:
                raise ExecutorError("every Ray worker was lost; the run can be resumed "
                                    "by running the same command again")
            # fill the window level by level: every actor gets work first
            for level in range(self.window):
                for a in alive:
                    if todo and load[id(a)] <= level:
                        task = todo.pop()
                        inflight[a.run.remote(task)] = (task, a)
                        load[id(a)] += 1
            ready, _ = ray.wait(list(inflight), num_returns=1,
                                timeout=self.task_timeout or None)
            if not ready:
                # actors that neither answer nor die (a paused process, a
                # hung node): end with a message rather than wait forever
                stalled = sorted({_describe(t) for t, _ in inflight.values()})
                raise ExecutorError(
                    f"no task finished within {self.task_timeout:g} s (--task-timeout); "
                    f"waiting on {', '.join(stalled[:3])}; the run can be resumed")
            for ref in ready:
                task, a = inflight.pop(ref)
                if id(a) in load:
                    load[id(a)] -= 1
                try:
                    result = ray.get(ref)
                except RayActorError:
                    if id(a) not in self._lost:   # its node is gone: never use it again
                        self._lost.add(id(a))
                        self.lost_workers += 1
                    load.pop(id(a), None)
                    self.resent_tasks += 1
                    todo.append(task)
                    continue
                except RayTaskError as exc:
                    failures[task] = failures.get(task, 0) + 1
                    if failures[task] > self.retries:
                        raise ExecutorError(f"task {task} failed {failures[task]} times: "
                                            f"{exc.cause if hasattr(exc, 'cause') else exc}")
                    todo.append(task)
                    continue
                done(task, result)

    def close(self) -> None:
        import ray
        for a in self._actors:
            try:
                ray.kill(a)
            except Exception:  # noqa: BLE001 - already gone
                pass
        self._actors = []
        if self._started_ray:
            ray.shutdown()

    def describe(self) -> dict:
        return {"executor": "ray", "workers": self._count or self.workers,
                "address": self.address or "local", "lost_workers": self.lost_workers,
                "resent_tasks": self.resent_tasks}


class _RayWorker:
    """The actor: a warm `Worker` in a Ray worker process."""

    def __init__(self, db_path, job, out):
        self.worker = Worker(db_path, job, out)

    def run(self, task):
        return self.worker.run(task)
