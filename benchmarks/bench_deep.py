"""The `deep` generator against `forward`, on the figures of issue 14.

    python3 benchmarks/bench_deep.py [--db set.mm] [--count 3000] [--library all,default]
                                     [--seed 1] [--generators deep,forward]
                                     [--keep-instances] [--set KEY=VALUE,...]

Prints one row per (library, generator); no asserts.  Definitions:

- depth: `Theorem.depth` (deep: the longest chain of rule applications
  from a premise; forward: 1 + the deepest lemma cited);
- flattened length: logical steps with every generated lemma a proof cites
  expanded into its own proof, recursively (a lemma cited twice counts twice);
- non-propositional, unused / isolated hypotheses, "no var w/ concl."
  (theorems with a hypothesis sharing no variable with the conclusion),
  flattened length: as `proofgen.explore.quality` defines them, the
  figures a run's manifest and `proofgen report` give;
- top-10: share of the citations of database assertions (every step of every
  emitted theorem) going to the 10 most cited;
- instance %: emitted theorems that are a substitution instance of a
  database assertion whose hypotheses (and `$d`) they include, found here
  by `proofgen.explore.novelty.instance_of` on the output (deep drops them
  unless `--keep-instances`);
- novel/core-s: emitted theorems that neither restate nor are an instance
  of a database assertion, per CPU second of `generate` (derivation, dedup,
  instance test and its index, kernel check), one process;
  "+ctx" also charges the worker's set-up (`Context.of`: grammar, trees of
  every statement, indexes) to the same run, as a work unit of `--count`
  theorems pays it once per process;
- warm novel/core-s: the same, for a second run of `--count` theorems (seed
  + 1000) in the same process, as a worker's later units are: the rule
  index and the instance index are made once per process and kept (their
  cost is the difference to the cold figure);
- histograms: log2 buckets (bucket k holds 2^k..2^(k+1)-1) of depth and of
  flattened length, `bucket:count`.

`--set KEY=VALUE,...` overrides `DeepConfig` defaults (experiments).
"""
from __future__ import annotations

import argparse
import gc
import math
import statistics
import time
from collections import Counter

from proofgen.explore import novelty
from proofgen.explore.context import Context
from proofgen.explore.quality import flattened, hypothesis_faults, non_propositional
from proofgen.explore.forward import ForwardConfig
from proofgen.explore.novelty import instance_of
from proofgen.explore.run import GenerateConfig, generate
from proofgen.kernel import load


def histogram(values) -> str:
    c = Counter(max(0, int(math.log2(max(1, v)))) for v in values)
    return " ".join(f"{2 ** k}:{c[k]}" for k in sorted(c))


def figures(ctx, result, cpu: float, ctx_cpu: float) -> dict:
    thms = result.theorems
    lemmas = dict(result.lemmas)
    memo: dict = {}
    depth = sorted(t.depth for t in thms)
    flat = sorted(flattened(t, lemmas, memo) for t in thms)
    faults = [[k > 0 for k in hypothesis_faults(t)] for t in thms]
    cites = Counter(s.label for t in thms for s in t.steps if s.label in ctx.assertions)
    total = sum(cites.values()) or 1
    n = len(thms) or 1
    inst = [instance_of(ctx, t.hypotheses, t.conclusion, t.disjoint, t.typecode) for t in thms]
    novel = sum(1 for t, i in zip(thms, inst) if not t.restates and i is None)
    return {
        "theorems": len(thms),
        "depth med": statistics.median(depth) if depth else 0,
        "depth p90": depth[int(0.9 * (len(depth) - 1))] if depth else 0,
        "depth max": depth[-1] if depth else 0,
        "flat med": statistics.median(flat) if flat else 0,
        "non-prop %": 100 * sum(non_propositional(ctx, t.hypotheses, t.conclusion)
                                for t in thms) / n,
        "unused %": 100 * sum(f[0] for f in faults) / n,
        "isolated %": 100 * sum(f[1] for f in faults) / n,
        "no var w/ concl %": 100 * sum(f[2] for f in faults) / n,
        "top-10 %": 100 * sum(c for _, c in cites.most_common(10)) / total,
        "restates %": 100 * sum(1 for t in thms if t.restates) / n,
        "instance %": 100 * sum(1 for i in inst if i is not None) / n,
        "novel/core-s": novel / max(cpu, 1e-9),
        "+ctx": novel / max(cpu + ctx_cpu, 1e-9),
        "cpu s": cpu,
        "rejected": result.stats.get("rejected", 0),
        "dropped instances": result.stats.get("instances", 0),
        "depth hist": histogram(depth),
        "flat hist": histogram(flat),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="/usr/share/metamath/databases/set.mm")
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--library", default="all,default")
    ap.add_argument("--generators", default="deep,forward")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep-instances", action="store_true")
    ap.add_argument("--set", default="", help="DeepConfig overrides: KEY=VALUE,...")
    args = ap.parse_args()
    if args.set:
        import proofgen.explore.deep as deep
        over = {}
        for item in args.set.split(","):
            k, v = item.split("=")
            over[k] = type(getattr(deep.DeepConfig(), k))(v) if not isinstance(
                getattr(deep.DeepConfig(), k), bool) else v.lower() in ("1", "true", "yes")
        base = deep.DeepConfig
        deep.DeepConfig = lambda **kw: base(**{**kw, **over})
    t = time.perf_counter()
    db = load(args.db)
    c0 = time.process_time()
    ctx = Context.of(db)
    ctx_cpu = time.process_time() - c0
    gc.collect()
    gc.freeze()     # as a worker does after loading (run.collector.settle_loaded)
    print(f"{args.db}: loaded in {time.perf_counter() - t:.1f} s (Context.of {ctx_cpu:.1f} "
          f"core-s); {args.count} theorems per run, seed {args.seed}"
          + (f", DeepConfig {args.set}" if args.set else ""))
    rows = []
    for lib in args.library.split(","):
        for gen in args.generators.split(","):
            cfg = GenerateConfig(generator=gen, count=args.count, seed=args.seed,
                                 forward=ForwardConfig(library=lib),
                                 keep_instances=args.keep_instances)
            mark = db.mark()     # each run on the bare database, as a work unit is
            novelty._INDEXES.clear()     # the instance index is built inside the run
            c0, w0 = time.process_time(), time.perf_counter()
            try:
                result = generate(db, cfg, ctx=ctx)
            finally:
                db.rollback(mark)
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            f = figures(ctx, result, cpu, ctx_cpu)
            f["wall s"] = wall
            # a worker's next unit: the per-process indexes are kept
            warm_cfg = GenerateConfig(generator=gen, count=args.count, seed=args.seed + 1000,
                                      forward=ForwardConfig(library=lib),
                                      keep_instances=args.keep_instances)
            mark = db.mark()
            c0 = time.process_time()
            try:
                warm = generate(db, warm_cfg, ctx=ctx)
            finally:
                db.rollback(mark)
            warm_cpu = time.process_time() - c0
            f["warm novel/core-s"] = figures(ctx, warm, warm_cpu, ctx_cpu)["novel/core-s"]
            rows.append((lib, gen, f))
            print(f"  {lib:8} {gen:8} " + "  ".join(
                f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in f.items()),
                flush=True)
    keys = list(rows[0][2])
    print()
    print("| library | generator | " + " | ".join(keys) + " |")
    print("|---|---|" + "---|" * len(keys))
    for lib, gen, f in rows:
        print(f"| {lib} | {gen} | " + " | ".join(
            f"{f[k]:.1f}" if isinstance(f[k], float) else str(f[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
