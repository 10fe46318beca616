#!/usr/bin/env python3
"""Benchmark proofgen's Metamath Zero checker (the pure-Python reference
engine, proofgen/mm0) on peano.mm0 + peano.mmb and peano-2021.mm0 +
peano-2021.mmu, and mm0-c on the same .mmb when it is on PATH.

Figures: best and median of N in-process check times (reading the .mm0
included), the whole command (`python -m proofgen verify`, a child process,
with its peak RSS from os.wait4), and mm0-c's whole command if present.

    python benchmarks/bench_mm0.py            # best of 5
    python benchmarks/bench_mm0.py --runs 3 --json /tmp/mm0.json
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data", "mm0", "examples")
sys.path.insert(0, ROOT)

from proofgen.mm0 import verify  # noqa: E402

PAIRS = [("peano.mm0", "peano.mmb", "mmb"), ("peano-2021.mm0", "peano-2021.mmu", "mmu")]


def in_process(mm0, proof, kind, runs):
    a = open(os.path.join(DATA, mm0), "rb").read()
    b = open(os.path.join(DATA, proof), "rb").read()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        res = verify(a, b, kind)
        times.append(time.perf_counter() - t)
        if not res.ok:
            raise SystemExit(f"{proof} does not verify: {res.diagnostics}")
    return times


def child(cmd, runs):
    times, rss = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        times.append(time.perf_counter() - t)
        rss = max(rss, usage.ru_maxrss)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(cmd)} failed")
    return times, rss


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    rows = []
    for mm0, proof, kind in PAIRS:
        t = in_process(mm0, proof, kind, args.runs)
        rows.append({"what": f"proofgen in-process {proof}", "best": min(t),
                     "median": statistics.median(t)})
        cmd = [sys.executable, "-m", "proofgen", "verify", os.path.join(DATA, mm0), "--proof",
               os.path.join(DATA, proof)]
        t, rss = child(cmd, args.runs)
        rows.append({"what": f"proofgen command {proof}", "best": min(t),
                     "median": statistics.median(t), "rss_kib": rss})
    mm0c = shutil.which("mm0-c")
    if mm0c:
        t, rss = child([mm0c, os.path.join(DATA, "peano.mmb"), os.path.join(DATA, "peano.mm0")],
                       args.runs)
        rows.append({"what": "mm0-c command peano.mmb", "best": min(t),
                     "median": statistics.median(t), "rss_kib": rss})
    for r in rows:
        extra = f"  peak RSS {r['rss_kib'] / 1024:.0f} MiB" if "rss_kib" in r else ""
        print(f"{r['what']:<40} best {r['best'] * 1000:8.1f} ms  median "
              f"{r['median'] * 1000:8.1f} ms{extra}")
    if not mm0c:
        print("mm0-c: not on PATH, not timed")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
