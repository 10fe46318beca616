"""Vacuous hypotheses in forward derivation, with and without the filter, in one run.

    python3 benchmarks/bench_hygiene.py [--db set.mm] [--count 3000]

For each library (the default, and `all`), forward-derives `--count`
theorems twice on set.mm: as shipped (theorems with a hypothesis detached
from the conclusion are not made) and with that filter switched off (what
forward made before it), and prints per run: theorems per core-second,
depth mean / max, and the rates of unused hypotheses (cited by no step),
isolated ones (sharing no variable with the conclusion nor with another
hypothesis), detached ones (not linked to the conclusion through shared
variables), hypotheses sharing no variable with the conclusion, and
theorems with `$d`.  Figures, not assertions.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from proofgen.explore import forward as forward_module  # noqa: E402
from proofgen.explore.context import Context  # noqa: E402
from proofgen.explore.forward import ForwardConfig, default_library  # noqa: E402
from proofgen.explore.run import GenerateConfig, generate  # noqa: E402
from proofgen.explore.theorem import detached_hypotheses  # noqa: E402
from proofgen.kernel import GENERATION_LIMITS, load  # noqa: E402

SET_MM = "/usr/share/metamath/databases/set.mm"


def variables(term) -> set:
    return {n for n in term if n < 0}


def figures(theorems) -> dict:
    n = len(theorems) or 1
    hyps = sum(len(t.hypotheses) for t in theorems) or 1
    unused = isolated = detached = no_shared = 0
    for t in theorems:
        cited = {p for s in t.steps for p in s.premises if p < 0}
        unused += sum(1 for i in range(len(t.hypotheses)) if -1 - i not in cited)
        concl = variables(t.conclusion)
        for i, h in enumerate(t.hypotheses):
            mine = variables(h)
            others = set().union(*(variables(x) for j, x in enumerate(t.hypotheses) if j != i))
            if mine.isdisjoint(concl):
                no_shared += 1
                if mine.isdisjoint(others):
                    isolated += 1
        detached += len(detached_hypotheses(t.hypotheses, t.conclusion))
    depths = [t.depth for t in theorems] or [0]
    return {
        "theorems": len(theorems),
        "depth": f"{sum(depths) / len(depths):.2f} / {max(depths)}",
        "unused": f"{100 * unused / hyps:.1f}%",
        "isolated": f"{100 * isolated / hyps:.1f}%",
        "detached": f"{100 * detached / hyps:.1f}%",
        "no var with concl": f"{100 * no_shared / hyps:.1f}%",
        "theorems with such": f"{100 * sum(1 for t in theorems if any(variables(h).isdisjoint(variables(t.conclusion)) for h in t.hypotheses)) / n:.1f}%",
        "with $d": f"{100 * sum(1 for t in theorems if t.disjoint) / n:.1f}%",
    }


def run(db, ctx, library: str, count: int, filtered: bool) -> dict:
    original = forward_module.detached_hypotheses
    if not filtered:
        forward_module.detached_hypotheses = lambda hyps, concl: []
    try:
        config = GenerateConfig(count=count, seed=1, forward=ForwardConfig(library=library))
        t0 = time.process_time()
        result = generate(db, config, ctx)
        seconds = time.process_time() - t0
    finally:
        forward_module.detached_hypotheses = original
    out = figures(result.theorems)
    out["theorems/core-s"] = f"{len(result.theorems) / max(seconds, 1e-9):,.0f}"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=SET_MM)
    ap.add_argument("--count", type=int, default=3000)
    args = ap.parse_args()
    db = load(args.db, limits=GENERATION_LIMITS)
    ctx = Context.of(db)
    rows = []
    for library in (default_library(ctx)[0], "all"):
        for filtered in (False, True):
            fig = run(db, ctx, library, args.count, filtered)
            rows.append((f"{library}, {'filter on (shipped)' if filtered else 'filter off'}",
                         fig))
    keys = list(rows[0][1])
    print(f"{os.path.basename(args.db)}, forward, {args.count} theorems per run")
    print("| run | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for name, fig in rows:
        print(f"| {name} | " + " | ".join(str(fig[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
