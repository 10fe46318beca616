"""The `statement` generator against `forward` (and `deep`): theorems per
core-second, and proof length against statement length ("small problems,
long solutions", issue 18).

    python3 benchmarks/bench_statement.py [--db set.mm] [--count 3000] [--seed 1]
                                          [--generators statement,forward,deep]
                                          [--library default]
                                          [--variant KEY=VALUE,...]

Prints one row per generator and histograms; no asserts.  Definitions:

- verified/core-s: theorems `generate` emits (every one checked by the
  kernel) per CPU second of `generate` in one process (sampling, truth
  table, proof, dedup, instance test and its index, kernel check; not
  rendering); "+ctx" also charges one `Context.of` (a worker's set-up);
- statement symbols: printed symbols of hypotheses and conclusion (`|-`
  not counted: `( ph -> ph )` is 5); nodes: the run's `length` metric
  (tree nodes: 3 there);
- proof steps: logical steps of the proof with every generated lemma it
  cites expanded into its own proof, recursively (`quality.flattened`; the
  statement generator cites no generated lemma, so its own steps);
- steps per symbol: proof steps / statement symbols, per theorem (median);
- histograms: log2 buckets (bucket k holds 2^k..2^(k+1)-1), `bucket:count`;
  the statement generator's variables and case splits by value.

`--variant min_splits=2,...` adds a row `statement*`: the statement
generator with those `StatementConfig` fields changed.

`forward` and `deep` run on `--library` (default: set.mm's propositional
calculus, as `proofgen generate` picks); the statement generator cites its
fixed lemmas.
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
from proofgen.explore.forward import ForwardConfig
from proofgen.explore.quality import flattened
from proofgen.explore.run import GenerateConfig, generate
from proofgen.kernel import load


def histogram(values) -> str:
    c = Counter(max(0, int(math.log2(max(1, v)))) for v in values)
    return " ".join(f"{2 ** k}:{c[k]}" for k in sorted(c))


def by_value(values) -> str:
    c = Counter(values)
    return " ".join(f"{k}:{c[k]}" for k in sorted(c))


def pct(values, q: float):
    s = sorted(values)
    return s[int(q * (len(s) - 1))] if s else 0


def figures(ctx, result, cpu: float, ctx_cpu: float) -> dict:
    thms = result.theorems
    lemmas = dict(result.lemmas)
    memo: dict = {}
    symbols = [sum(len(ctx.text("|-", h).split()) - 1 for h in t.hypotheses)
               + len(ctx.text("|-", t.conclusion).split()) - 1 for t in thms]
    nodes = [len(t.conclusion) + sum(map(len, t.hypotheses)) for t in thms]
    steps = [flattened(t, lemmas, memo) for t in thms]
    ratio = [s / max(1, y) for s, y in zip(steps, symbols)]
    n = len(thms)
    out = {
        "theorems": n,
        "verified/core-s": n / max(cpu, 1e-9),
        "+ctx": n / max(cpu + ctx_cpu, 1e-9),
        "cpu s": cpu,
        "rejected": result.stats.get("rejected", 0),
        "symbols med": statistics.median(symbols) if n else 0,
        "symbols p90": pct(symbols, 0.9),
        "nodes med": statistics.median(nodes) if n else 0,
        "steps med": statistics.median(steps) if n else 0,
        "steps p90": pct(steps, 0.9),
        "steps max": max(steps, default=0),
        "steps/symbol med": statistics.median(ratio) if n else 0.0,
        "hyps med": statistics.median(len(t.hypotheses) for t in thms) if n else 0,
    }
    hists = {
        "statement symbols": histogram(symbols),
        "proof steps": histogram(steps),
        "depth": histogram(t.depth for t in thms),
    }
    if thms and thms[0].generator == "statement":
        hists["variables"] = by_value(t.meta["variables"] for t in thms)
        hists["splits"] = by_value(t.meta["splits"] for t in thms)
        hists["proof kind"] = by_value(t.meta["proof"] for t in thms)
        # proof steps by statement size: the "long solutions" per size
        rows = {}
        for y, s in zip(symbols, steps):
            rows.setdefault(max(0, int(math.log2(max(1, y)))), []).append(s)
        hists["steps median by symbols bucket"] = " ".join(
            f"{2 ** k}:{statistics.median(v)}" for k, v in sorted(rows.items()))
    return out, hists


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="/usr/share/metamath/databases/set.mm")
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--generators", default="statement,forward,deep")
    ap.add_argument("--library", default="default")
    ap.add_argument("--variant", default="", help="StatementConfig overrides: KEY=VALUE,...")
    args = ap.parse_args()
    names = args.generators.split(",")
    if args.variant:
        from dataclasses import replace
        from proofgen.explore import generators
        from proofgen.explore.gen_statement import StatementGenerator
        from proofgen.explore.statement import StatementConfig
        base = StatementConfig()
        over = {}
        for item in args.variant.split(","):
            k, v = item.split("=")
            cur = getattr(base, k)
            over[k] = (v.lower() in ("1", "true", "yes") if isinstance(cur, bool)
                       else type(cur)(v))
        generators.register(StatementGenerator(replace(base, **over), name="statement*"))
        names.insert(names.index("statement") + 1 if "statement" in names else 0,
                     "statement*")
    t = time.perf_counter()
    db = load(args.db)
    c0 = time.process_time()
    ctx = Context.of(db)
    ctx_cpu = time.process_time() - c0
    gc.collect()
    gc.freeze()     # as a worker does after loading
    print(f"{args.db}: loaded in {time.perf_counter() - t:.1f} s (Context.of {ctx_cpu:.1f} "
          f"core-s); {args.count} theorems per run, seed {args.seed}, "
          f"library {args.library} for forward/deep")
    rows = []
    if args.variant:
        print(f"statement*: StatementConfig {args.variant}")
    for gen in names:
        cfg = GenerateConfig(generator=gen, count=args.count, seed=args.seed,
                             forward=ForwardConfig(library=args.library))
        mark = db.mark()
        novelty._INDEXES.clear()     # the instance index is built inside the run
        c0 = time.process_time()
        try:
            result = generate(db, cfg, ctx=ctx)
        finally:
            db.rollback(mark)
        cpu = time.process_time() - c0
        f, h = figures(ctx, result, cpu, ctx_cpu)
        rows.append((gen, f, h))
        print(f"  {gen:9} " + "  ".join(
            f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in f.items()),
            flush=True)
    keys = list(rows[0][1])
    print()
    print("| generator | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for gen, f, _ in rows:
        print(f"| {gen} | " + " | ".join(
            f"{f[k]:.2f}" if isinstance(f[k], float) else str(f[k]) for k in keys) + " |")
    print()
    for gen, _, h in rows:
        print(f"{gen}:")
        for k, v in h.items():
            print(f"  {k:32} {v}")


if __name__ == "__main__":
    main()
