#!/usr/bin/env python3
"""Throughput with one and two workers on both executors, and Ray's
overhead per unit, with the goal of the scale-out issue printed next to the
figures.

* The same job (forward on set.mm's propositional library by default) is
  cut into units; each configuration runs the same units into a scratch
  folder after its workers are warm (the database loaded: a warm-up unit per
  worker first), and the wall time of the measured units gives theorems
  and tokens per second.  Goal: two workers >= 1.8x one, on both executors.
* Ray's overhead per unit: Ray with one actor against the local executor
  with one worker, (wall_ray - wall_local) / units.
* Per core: tokens per CPU-second of the units (from their markers), the
  figure the capacity plan in cluster/README.md starts from.
* yardstick: metamath.exe verifying the database in the same run.

Prints a RESULT line.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from proofgen.emit.records import StyleMix  # noqa: E402
from proofgen.explore.forward import ForwardConfig  # noqa: E402
from proofgen.explore.run import GenerateConfig  # noqa: E402
from proofgen.run import JobConfig, LocalExecutor, RayExecutor  # noqa: E402
from proofgen.run.tasks import Unit, load_state  # noqa: E402


def measure(executor, db_path, job, units, unit_size, state, warm) -> dict:
    out = tempfile.mkdtemp(prefix="proofgen-bench-")
    try:
        executor.start(db_path, job, out, state)
        if warm:   # every worker loads the database before the clock starts
            executor.run([("generate", Unit(10_000 + i, 50)) for i in range(warm)],
                         lambda t, m: None)
        markers = []
        t = time.perf_counter()
        executor.run([("generate", Unit(u, unit_size)) for u in range(units)],
                     lambda task, m: markers.append(m))
        wall = time.perf_counter() - t
        executor.close()
    finally:
        shutil.rmtree(out, ignore_errors=True)
    cpu = sum(m["cpu_seconds"]["generate"] + m["cpu_seconds"]["emit"] for m in markers)
    return {"wall": wall, "theorems": sum(m["theorems"] for m in markers),
            "tokens": sum(m["tokens"] for m in markers), "cpu": cpu}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="/usr/share/metamath/databases/set.mm")
    ap.add_argument("--library", default="upto:ax-gen")
    ap.add_argument("--units", type=int, default=16)
    ap.add_argument("--unit-size", type=int, default=1000)
    ap.add_argument("--styles", default=None)
    ap.add_argument("--executors", default="local,ray")
    args = ap.parse_args()
    from proofgen.cli import DEFAULT_STYLES
    fields = []
    if shutil.which("metamath"):
        folder, name = os.path.split(os.path.abspath(args.db))
        t = time.perf_counter()
        subprocess.run(["metamath", f'read "{name}"', "verify proof *", "exit"], cwd=folder,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        mm = time.perf_counter() - t
        print(f"yardstick: metamath.exe verifies {name} in {mm:.2f} s")
        fields.append(f"metamath_verify_s={mm:.2f}")
    job = JobConfig(GenerateConfig(count=args.units * args.unit_size, seed=1,
                                   forward=ForwardConfig(library=args.library)),
                    StyleMix.parse(args.styles or DEFAULT_STYLES))
    t = time.perf_counter()
    state = load_state(args.db)
    print(f"driver: database loaded in {time.perf_counter() - t:.1f} s "
          f"({os.cpu_count()} CPUs here)")
    results = {}
    for name in args.executors.split(","):
        for workers in (1, 2):
            if name == "local":
                ex = LocalExecutor(workers)
                r = measure(ex, args.db, job, args.units, args.unit_size, state, 0)
            else:
                import ray
                ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
                try:
                    ex = RayExecutor(workers=workers)
                    r = measure(ex, args.db, job, args.units, args.unit_size, None, workers)
                finally:
                    ray.shutdown()
            results[(name, workers)] = r
            print(f"{name:5s} x{workers}: {args.units} units of {args.unit_size} in "
                  f"{r['wall']:.2f} s wall: {r['theorems'] / r['wall']:,.0f} theorems/s, "
                  f"{r['tokens'] / r['wall']:,.0f} tokens/s "
                  f"({r['tokens'] / r['cpu']:,.0f} tokens per CPU-second in the units)")
    for name in args.executors.split(","):
        one, two = results[(name, 1)], results[(name, 2)]
        speedup = (two["theorems"] / two["wall"]) / (one["theorems"] / one["wall"])
        print(f"{name}: two workers give {speedup:.2f}x one (goal >= 1.8x: "
              f"{'met' if speedup >= 1.8 else 'MISSED'})")
        fields.append(f"{name}_speedup={speedup:.2f}")
    if ("ray", 1) in results and ("local", 1) in results:
        over = (results[("ray", 1)]["wall"] - results[("local", 1)]["wall"]) / args.units
        print(f"ray overhead per unit (1 actor vs 1 local worker): {1000 * over:.0f} ms "
              f"({100 * over * args.units / results[('local', 1)]['wall']:.1f}% of a unit)")
        fields.append(f"ray_overhead_ms={1000 * over:.0f}")
    one = results.get(("local", 1))
    if one:
        per_core = one["tokens"] / one["cpu"]
        fields.append(f"tokens_per_core_s={per_core:.0f}")
    print("RESULT " + " ".join(fields))
    return 0


if __name__ == "__main__":
    sys.exit(main())
