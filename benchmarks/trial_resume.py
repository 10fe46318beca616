"""Kill-and-resume trials: a run SIGKILLed at a random moment, then resumed,
must end with exactly the files of an uninterrupted run.

    python3 benchmarks/trial_resume.py [--trials 40] [--workers 1,2]
                                       [--kill-workers 10]

Each trial starts `proofgen generate` (bundled database, 3,000 theorems in
units of 200, all styles), kills its whole process group after a random
delay, reruns the same command to the end and compares the shards, theorem
files and manifest (without timings) with a reference run.  With
`--kill-workers K`, K more trials kill one worker process of a running
two-worker run (not the driver), which must replace it and finish
identical without a rerun.  Prints the tally; exit status 1 on any
difference.
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

ARGS = ["generate", "--count", "3000", "--unit-size", "200", "--seed", "5"]
VOLATILE = ("cpu_seconds", "executor")


def command(out, workers):
    return [sys.executable, "-m", "proofgen", *ARGS, "--workers", str(workers), "--out", out]


def fingerprint(out) -> dict:
    files = {}
    for sub in ("shards", "theorems"):
        for path in sorted(glob.glob(os.path.join(out, sub, "*"))):
            files[os.path.relpath(path, out)] = hashlib.sha256(open(path, "rb").read()).hexdigest()
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    for k in VOLATILE:
        manifest.pop(k, None)
    return {"files": files, "manifest": manifest}


def children(pid) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=40)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--kill-workers", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = tempfile.mkdtemp(prefix="proofgen-trials-")
    ref = os.path.join(tmp, "reference")
    t0 = time.time()
    subprocess.run(command(ref, 1), check=True, capture_output=True)
    full = time.time() - t0
    want = fingerprint(ref)
    workers = [int(w) for w in args.workers.split(",")]
    same = killed = 0
    for k in range(args.trials):
        out = os.path.join(tmp, f"kill-{k}")
        w = workers[k % len(workers)]
        proc = subprocess.Popen(command(out, w), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.2, full * 0.9))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        done = subprocess.run(command(out, w), capture_output=True, text=True)
        ok = done.returncode == 0 and fingerprint(out) == want
        same += ok
        if not ok:
            print(f"trial {k}: DIFFERENT (status {done.returncode}) {done.stderr[-300:]}")
    worker_same = worker_lost = 0
    for k in range(args.kill_workers):
        out = os.path.join(tmp, f"worker-{k}")
        proc = subprocess.Popen(command(out, 2), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.5, full * 0.8))
        pool = children(proc.pid)
        if pool and proc.poll() is None:
            os.kill(rng.choice(pool), signal.SIGKILL)
            worker_lost += 1
        proc.wait()
        ok = proc.returncode == 0 and fingerprint(out) == want
        worker_same += ok
        if not ok:
            print(f"worker trial {k}: DIFFERENT (status {proc.returncode}) "
                  f"{proc.stderr.read()[-300:]}")
    print(f"kill-and-resume: {same} of {args.trials} identical to the uninterrupted run "
          f"({killed} killed mid-run, workers {args.workers})")
    print(f"worker killed mid-run: {worker_same} of {args.kill_workers} identical without a "
          f"rerun ({worker_lost} runs lost a worker)")
    return 0 if same == args.trials and worker_same == args.kill_workers else 1


if __name__ == "__main__":
    sys.exit(main())
