#!/usr/bin/env python3
"""Time per theorem of the `en` and `mixed` renderings, next to `steps` as a
yardstick and to the generation time of the same theorems.

Each style renders every theorem once, with a fresh `Notation` (the
templates compiled, every per-database cache empty), as a run's first unit
would; best of --repeat passes, CPU time of one core.  Prints a RESULT line.

    python3 benchmarks/bench_english.py [--db FILE] [--generator forward|extract]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from proofgen.emit import english  # noqa: E402
from proofgen.emit.notation import Notation  # noqa: E402
from proofgen.emit.render import render  # noqa: E402
from proofgen.explore.context import Context  # noqa: E402
from proofgen.explore.forward import ForwardConfig  # noqa: E402
from proofgen.run.documents import doc_of, generated_assertions  # noqa: E402
from proofgen.explore.run import GenerateConfig, generate  # noqa: E402
from proofgen.kernel import load  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="/usr/share/metamath/databases/set.mm")
    ap.add_argument("--generator", default="forward")
    ap.add_argument("--library", default="upto:ax-gen")
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    except (AttributeError, OSError):
        pass
    db = load(args.db)
    ctx = Context.of(db)
    config = GenerateConfig(generator=args.generator, count=args.count, seed=1,
                            forward=ForwardConfig(library=args.library), proofs=args.count)
    t = time.process_time()
    result = generate(db, config, ctx)
    gen = (time.process_time() - t) / max(1, len(result.theorems))
    extra = generated_assertions(ctx, result.lemmas)
    memo: dict = {}
    docs = [doc_of(ctx, th, extra, result.lemmas, memo) for th in result.theorems]
    print(f"{len(docs)} theorems ({args.generator}): {statistics.mean(len(d.steps) for d in docs):.2f}"
          f" steps, {statistics.mean(len(d.hypotheses) for d in docs):.2f} hypotheses on average;"
          f" generated in {gen * 1e6:.0f} us each")
    fields = [f"generate_us={gen * 1e6:.0f}"]
    for style in ("en", "mixed", "steps"):
        best = float("inf")
        for _ in range(args.repeat):
            n = Notation.of(ctx.syn, db.sources)
            english.templates(n)               # once per database, not per theorem
            t = time.process_time()
            for i, d in enumerate(docs):
                render(style, d, n, random.Random(i))
            best = min(best, time.process_time() - t)
        us = best / len(docs) * 1e6
        print(f"{style:6} {us:7.1f} us per theorem ({us / (gen * 1e6):.0%} of generation)")
        fields.append(f"{style}_us={us:.1f}")
    print("RESULT", " ".join(fields))
    return 0


if __name__ == "__main__":
    sys.exit(main())
