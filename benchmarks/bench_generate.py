#!/usr/bin/env python3
"""Throughput of the theorem factory, per core-second, with the goals of the
factory issue printed next to the figures.

* forward: set.mm, library = assertions before ax-gen (propositional
  calculus); novel, verified, deduplicated theorems per CPU second of
  generation (reading and parsing the database excluded, reported apart).
  Goal: >= 1,000.
* extract: every logical step of the proofs of set.mm (or of the first
  --extract-proofs proofs); verified distinct theorems per CPU second.
  Goal: >= 20,000.
* depth: log-uniform depth targets; the deepest bucket's share of the
  output.  Goal: >= 5%.
* yardstick: metamath.exe verifying set.mm in the same run, so figures from
  different days can be compared through the ratio.

Prints a RESULT line.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from proofgen.explore.context import Context  # noqa: E402
from proofgen.explore.run import GenerateConfig, generate  # noqa: E402
from proofgen.kernel import GENERATION_LIMITS, load  # noqa: E402


def cpu() -> float:
    return time.process_time()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="/usr/share/metamath/databases/set.mm")
    ap.add_argument("--forward-count", type=int, default=20_000)
    ap.add_argument("--extract-proofs", type=int, default=3000,
                    help="proofs to extract from (0: all of them)")
    ap.add_argument("--depth-count", type=int, default=5_000)
    ap.add_argument("--only", choices=("forward", "depth", "extract"), action="append",
                    help="run only this part (repeatable; default: all, and the yardstick)")
    args = ap.parse_args()
    parts = set(args.only or ("yardstick", "forward", "depth", "extract"))
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    except (AttributeError, OSError):
        pass
    fields = []
    if "yardstick" in parts and shutil.which("metamath"):
        folder, name = os.path.split(os.path.abspath(args.db))
        t = time.perf_counter()
        subprocess.run(["metamath", f'read "{name}"', "verify proof *", "exit"], cwd=folder,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        mm = time.perf_counter() - t
        print(f"yardstick: metamath.exe verifies {name} in {mm:.2f} s")
        fields.append(f"metamath_verify_s={mm:.2f}")

    t = cpu()
    db = load(args.db, limits=GENERATION_LIMITS)
    ctx = Context.of(db)
    setup = cpu() - t
    print(f"setup: read, parse and index {os.path.basename(args.db)}: {setup:.1f} CPU s")
    fields.append(f"setup_cpu_s={setup:.1f}")

    if "forward" in parts:
        t = cpu()
        r = generate(db, GenerateConfig(generator="forward", count=args.forward_count, seed=1),
                     ctx)
        spent = cpu() - t
        rate = len(r.theorems) / spent
        print(f"forward: {len(r.theorems)} novel verified theorems in {spent:.2f} CPU s = "
              f"{rate:,.0f}/core-s (goal >= 1,000: {'met' if rate >= 1000 else 'MISSED'}); "
              f"{r.stats['attempts']} attempts, {r.stats['rejected']} rejected by the kernel")
        fields.append(f"forward_per_core_s={rate:.0f}")
        db = load(args.db, limits=GENERATION_LIMITS)
        ctx = Context.of(db)

    if "depth" in parts:
        t = cpu()
        r = generate(db, GenerateConfig(generator="forward", count=args.depth_count, seed=2,
                                        target="log-uniform"), ctx)
        spent = cpu() - t
        hist = r.histograms["depth"]
        deepest = max(hist)
        share = hist[deepest] / len(r.theorems)
        print(f"depth (log-uniform): buckets {dict(sorted(hist.items()))}; deepest bucket "
              f"{deepest} holds {share:.1%} (goal >= 5%: {'met' if share >= 0.05 else 'MISSED'}); "
              f"{len(r.theorems) / spent:,.0f}/core-s")
        fields.append(f"deepest_share={share:.3f}")
        db = load(args.db, limits=GENERATION_LIMITS)
        ctx = Context.of(db)

    if "extract" not in parts:
        print("RESULT " + " ".join(fields))
        return 0
    proofs = sum(1 for s in ctx.syn.statements if s.kind == "p")
    if args.extract_proofs:
        proofs = min(proofs, args.extract_proofs)
    t = cpu()
    r = generate(db, GenerateConfig(generator="extract", count=10 ** 9,
                                    proofs=args.extract_proofs), ctx)
    spent = cpu() - t
    rate = len(r.theorems) / spent
    print(f"extract: {proofs} proofs -> {r.stats['candidates']} steps, "
          f"{len(r.theorems)} distinct verified theorems in {spent:.2f} CPU s = "
          f"{rate:,.0f}/core-s (goal >= 20,000: {'met' if rate >= 20000 else 'MISSED'}); "
          f"{r.stats['rejected']} rejected by the kernel")
    fields.append(f"extract_per_core_s={rate:.0f}")
    fields.append(f"extract_rejected={r.stats['rejected']}")
    fields.append(f"extract_distinct={len(r.theorems)}")
    print("RESULT " + " ".join(fields))
    return 0


if __name__ == "__main__":
    sys.exit(main())
