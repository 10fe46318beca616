#!/usr/bin/env python3
"""End-to-end output of a generation run in tokens per core-second, and the
share of it spent turning theorems into text, with the goals of the proof
text issue printed next to the figures.

* `forward` on set.mm with the propositional library (assertions before
  ax-gen), every theorem verified, rendered in the chosen styles (default:
  the run's default mix), tokens counted (cl100k_base), records compressed
  into a zstd shard: the same code path as `proofgen generate`.
* end-to-end = generation CPU + emitting CPU (one pinned core) of the
  run's units (--unit-size, the run's default); one-time setup (reading
  and parsing the database, loading the tokenizer) is reported apart.
  Goal: >= 500,000 tokens per core-second.
* rendering + token counting + compression over end-to-end.  Goal: <= 30%.
  All of emitting (also building ProofDocs, record JSON, the theorem file)
  is printed next to it.
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

from proofgen.emit.records import StyleMix  # noqa: E402
from proofgen.explore.forward import ForwardConfig  # noqa: E402
from proofgen.explore.run import GenerateConfig  # noqa: E402
from proofgen.run.job import JobConfig  # noqa: E402
from proofgen.run.tasks import Unit, Worker, load_state  # noqa: E402


def main() -> int:
    from proofgen.cli import DEFAULT_STYLES
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="/usr/share/metamath/databases/set.mm")
    ap.add_argument("--count", type=int, default=20_000)
    ap.add_argument("--unit-size", type=int, default=1000,
                    help="theorems per unit, as in a run (default: the run's default)")
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
    db, ctx, notation, counter = load_state(args.db)     # what a worker holds
    setup = time.process_time() - t0
    print(f"setup (read, parse, index {os.path.basename(args.db)}; notation; tokenizer): "
          f"{setup:.2f} CPU s")
    job = JobConfig(GenerateConfig(generator="forward", count=args.count, seed=args.seed,
                                   forward=ForwardConfig(library=args.library)),
                    StyleMix.parse(args.styles, args.renderings))
    units = [Unit(u, min(args.unit_size, args.count - u * args.unit_size))
             for u in range((args.count + args.unit_size - 1) // args.unit_size)]
    with tempfile.TemporaryDirectory() as out:
        # claimed as a driver claims a run folder: workers write only into their job's
        from proofgen.emit.english import templates_fingerprint
        from proofgen.run.layout import write_json
        write_json(os.path.join(out, "job.json"), {"fingerprint": job.fingerprint(),
                                                   "templates_sha256": templates_fingerprint()})
        w = Worker(args.db, job, out, (db, ctx, notation, counter))
        m = _total([w.generate(u) for u in units])
    gen, emit = m["cpu_seconds"]["generate"], m["cpu_seconds"]["emit"]
    total = gen + emit
    split = m["emit_seconds"]
    rest = emit - sum(split.values())
    rate = m["tokens"] / total
    share = emit / total
    # the goal's measure: rendering, token counting and compression
    core_share = sum(split.values()) / total
    print(f"forward, {args.library}, styles {args.styles} x{args.renderings}, "
          f"{len(units)} units of {args.unit_size}: "
          f"{m['theorems']:,} theorems, {m['records']:,} records, {m['tokens']:,} tokens "
          f"({m['tokens'] / max(1, m['records']):.0f} per record), "
          f"{m['staging']['bytes']:,} bytes compressed "
          f"({m['staging']['uncompressed_bytes'] / max(1, m['staging']['bytes']):.1f}x)")
    print(f"  CPU: generate {gen:.2f} s, emit {emit:.2f} s (render {split['render']:.2f}, "
          f"tokens {split['tokens']:.2f}, compress {split['compress']:.2f}, "
          f"records/JSON/theorem file {rest:.2f})")
    print("  tokens per style: " + ", ".join(f"{s} {n:,}" for s, n in
                                             m["tokens_by_style"].items()))
    print(f"  end-to-end: {rate:,.0f} tokens per core-second (goal >= 500,000: "
          f"{'met' if rate >= 500_000 else 'MISSED'}); {m['theorems'] / total:,.0f} "
          f"theorems per core-second")
    print(f"  rendering + token counting + compression: {100 * core_share:.1f}% of "
          f"end-to-end (goal <= 30%: {'met' if core_share <= 0.30 else 'MISSED'}); "
          f"all of emitting (also ProofDocs, record JSON, theorem file): {100 * share:.1f}%")
    fields += [f"tokens_per_core_s={rate:.0f}", f"render_tokens_compress_share={core_share:.3f}",
               f"emit_share={share:.3f}",
               f"theorems={m['theorems']}", f"tokens={m['tokens']}", f"setup_s={setup:.2f}"]
    print("RESULT " + " ".join(fields))
    return 0


def _total(markers: list[dict]) -> dict:
    """The markers of several units added up (the fields printed here)."""
    out = {"theorems": 0, "records": 0, "tokens": 0, "tokens_by_style": {},
           "cpu_seconds": {"generate": 0.0, "emit": 0.0},
           "emit_seconds": {"render": 0.0, "tokens": 0.0, "compress": 0.0},
           "staging": {"bytes": 0, "uncompressed_bytes": 0}}
    for m in markers:
        for k in ("theorems", "records", "tokens"):
            out[k] += m[k]
        for group in ("tokens_by_style", "cpu_seconds", "emit_seconds"):
            for k, v in m[group].items():
                out[group][k] = out[group].get(k, 0) + v
        for k in ("bytes", "uncompressed_bytes"):
            out["staging"][k] += m["staging"][k]
    return out


if __name__ == "__main__":
    sys.exit(main())
