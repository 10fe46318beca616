#!/usr/bin/env python3
"""End-to-end output of a generation run in tokens per core-second, and the
share of it spent turning theorems into text, with the goals of the proof
text issue printed next to the figures.

* `forward` on set.mm with the propositional library (assertions before
  ax-gen), every theorem verified, rendered in the chosen styles (default:
  the run's default mix), tokens counted (cl100k_base), records compressed
  into a zstd shard: the same code path as `proofgen generate`.
* end-to-end = generation CPU + emitting CPU (one pinned core); one-time
  setup (reading and parsing the database, loading the tokenizer) is
  reported apart.  Goal: >= 500,000 tokens per core-second.
* emitting share = rendering + token counting + compression (and the rest
  of writing: building records, JSON) over end-to-end.  Goal: <= 30%.
* yardstick: metamath.exe verifying set.mm in the same run.

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

from proofgen.emit.notation import Notation  # noqa: E402
from proofgen.emit.records import StyleMix  # noqa: E402
from proofgen.emit.tokens import TokenCounter  # noqa: E402
from proofgen.explore.context import Context  # noqa: E402
from proofgen.explore.forward import ForwardConfig  # noqa: E402
from proofgen.explore.run import GenerateConfig  # noqa: E402
from proofgen.kernel import load  # noqa: E402
from proofgen.run.job import JobConfig, run_unit  # noqa: E402


def main() -> int:
    from proofgen.cli import DEFAULT_STYLES
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="/usr/share/metamath/databases/set.mm")
    ap.add_argument("--count", type=int, default=20_000)
    ap.add_argument("--library", default="upto:ax-gen")
    ap.add_argument("--styles", default=DEFAULT_STYLES)
    ap.add_argument("--renderings", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    except (AttributeError, OSError):
        pass
    fields = []
    if shutil.which("metamath"):
        folder, name = os.path.split(os.path.abspath(args.db))
        t = time.perf_counter()
        subprocess.run(["metamath", f'read "{name}"', "verify proof *", "exit"], cwd=folder,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        mm = time.perf_counter() - t
        print(f"yardstick: metamath.exe verifies {name} in {mm:.2f} s")
        fields.append(f"metamath_verify_s={mm:.2f}")

    t0 = time.process_time()
    db = load(args.db)
    ctx = Context.of(db)
    notation = Notation.of(ctx.syn, db.sources)
    counter = TokenCounter()
    setup = time.process_time() - t0
    print(f"setup (read, parse, index {os.path.basename(args.db)}; notation; tokenizer): "
          f"{setup:.2f} CPU s")
    job = JobConfig(GenerateConfig(generator="forward", count=args.count, seed=args.seed,
                                   forward=ForwardConfig(library=args.library)),
                    StyleMix.parse(args.styles, args.renderings))
    with tempfile.TemporaryDirectory() as out:
        m = run_unit(db, ctx, notation, args.db, job, out, 0, counter)
    gen, emit = m["cpu_seconds"]["generate"], m["cpu_seconds"]["emit"]
    total = gen + emit
    split = m["emit_seconds"]
    rest = emit - sum(split.values())
    rate = m["tokens"] / total
    share = emit / total
    print(f"forward, {args.library}, styles {args.styles} x{args.renderings}: "
          f"{m['theorems']:,} theorems, {m['records']:,} records, {m['tokens']:,} tokens "
          f"({m['tokens'] / max(1, m['records']):.0f} per record), "
          f"{m['shard']['bytes']:,} bytes compressed "
          f"({m['shard']['uncompressed_bytes'] / max(1, m['shard']['bytes']):.1f}x)")
    print(f"  CPU: generate {gen:.2f} s, emit {emit:.2f} s (render {split['render']:.2f}, "
          f"tokens {split['tokens']:.2f}, compress {split['compress']:.2f}, "
          f"records/JSON/theorem file {rest:.2f})")
    print(f"  tokens per style: " + ", ".join(f"{s} {n:,}" for s, n in
                                             m["tokens_by_style"].items()))
    print(f"  end-to-end: {rate:,.0f} tokens per core-second (goal >= 500,000: "
          f"{'met' if rate >= 500_000 else 'MISSED'}); {m['theorems'] / total:,.0f} "
          f"theorems per core-second")
    print(f"  emitting share: {100 * share:.1f}% of end-to-end (goal <= 30%: "
          f"{'met' if share <= 0.30 else 'MISSED'})")
    fields += [f"tokens_per_core_s={rate:.0f}", f"emit_share={share:.3f}",
               f"theorems={m['theorems']}", f"tokens={m['tokens']}", f"setup_s={setup:.2f}"]
    print("RESULT " + " ".join(fields))
    return 0


if __name__ == "__main__":
    sys.exit(main())
