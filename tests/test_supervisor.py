"""A local run survives its worker processes dying: the lost tasks run again
on fresh processes and the dataset is the one an undisturbed run makes."""
import multiprocessing
import os
import signal
import threading
import time

import pytest

from test_run import HILBERT, dataset, job
from proofgen.run import LocalExecutor, run_job
from proofgen.run.executors import ExecutorError


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("sup") / "ref")
    run_job(HILBERT, job(count=1600, unit_size=100), out, LocalExecutor(1))
    return out


def _killer(out, kills, stop):
    """SIGKILL a worker process each time another unit is done, `kills` times."""
    seen = 0
    while kills and not stop.is_set():
        done = len(os.listdir(os.path.join(out, "units"))) if os.path.isdir(
            os.path.join(out, "units")) else 0
        children = [p for p in multiprocessing.active_children() if p.is_alive()]
        if done > seen and children:
            seen = done
            os.kill(children[0].pid, signal.SIGKILL)
            kills -= 1
        time.sleep(0.01)


@pytest.mark.parametrize("trial", range(3))
def test_killed_workers_are_replaced_and_the_run_is_identical(reference, tmp_path, trial):
    out = str(tmp_path / "run")
    stop = threading.Event()
    killer = threading.Thread(target=_killer, args=(out, 2, stop), daemon=True)
    killer.start()
    ex = LocalExecutor(2)
    try:
        m = run_job(HILBERT, job(count=1600, unit_size=100), out, ex)
    finally:
        stop.set()
        killer.join()
    assert m["executor"]["lost_workers"] >= 1 and m["executor"]["resent_tasks"] >= 1
    assert dataset(out) == dataset(reference)


def _die(task):                 # module level: tasks are pickled by name
    os.kill(os.getpid(), signal.SIGKILL)


def _hang(task):
    time.sleep(600)


def test_a_worker_that_keeps_dying_ends_the_run_with_a_message(tmp_path, monkeypatch):
    import proofgen.run.executors as executors

    monkeypatch.setattr(executors, "_run_task", _die)
    with pytest.raises(ExecutorError, match="died 4 times .*the run can be resumed"):
        run_job(HILBERT, job(count=200, unit_size=100), str(tmp_path / "run"),
                LocalExecutor(2))


def test_a_task_over_its_time_limit_ends_the_run_with_a_message(tmp_path, monkeypatch):
    import proofgen.run.executors as executors

    monkeypatch.setattr(executors, "_run_task", _hang)
    start = time.monotonic()
    with pytest.raises(ExecutorError, match=r"within 2 s \(--task-timeout\); still running: "
                                            r"generate of unit 0"):
        run_job(HILBERT, job(count=200, unit_size=100), str(tmp_path / "run"),
                LocalExecutor(2, task_timeout=2))
    assert time.monotonic() - start < 60


def _ray_actor_pids():
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                cmd = open(f"/proc/{name}/cmdline", "rb").read()
            except OSError:
                continue
            if b"_RayWorker" in cmd:
                pids.append(int(name))
    return pids


@pytest.mark.slow
def test_a_paused_ray_actor_ends_the_run_with_a_message_not_a_hang(tmp_path):
    ray = pytest.importorskip("ray")
    from proofgen.run import RayExecutor
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    paused = []

    def progress(stats):
        if stats["generated"] >= 1 and not paused:
            paused.extend(_ray_actor_pids())
            for pid in paused:
                os.kill(pid, signal.SIGSTOP)

    try:
        start = time.monotonic()
        with pytest.raises(ExecutorError, match=r"no task finished within 5 s "
                                                r"\(--task-timeout\); waiting on generate"):
            run_job(HILBERT, job(count=3000, unit_size=100), str(tmp_path / "run"),
                    RayExecutor(workers=1, task_timeout=5), progress=progress)
        assert paused and time.monotonic() - start < 300
    finally:
        for pid in paused:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        ray.shutdown()
