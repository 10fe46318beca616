#!/usr/bin/env python3
"""The quality checker over a generator run's `en` and `mixed` texts: every
theorem of an extract (or forward) run on set.mm rendered both ways and
checked by `proofgen.emit.quality` (surface defects on every text; the
mention checks, which grow with the text, on proofs of at most
--mention-steps steps).  Prints counts per defect kind and examples.

    python3 benchmarks/bench_english_run.py [--db FILE] [--generator extract]
        [--from ax-ext] [--count 20000] [--seed 1]
"""
from __future__ import annotations

import argparse
import collections
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from proofgen.emit import quality  # noqa: E402
from proofgen.emit.notation import Notation  # noqa: E402
from proofgen.emit.render import render  # noqa: E402
from proofgen.explore.context import Context  # noqa: E402
from proofgen.explore.forward import ForwardConfig  # noqa: E402
from proofgen.explore.run import GenerateConfig, generate, resolve_range  # noqa: E402
from proofgen.kernel import load  # noqa: E402
from proofgen.run.documents import doc_of, generated_assertions  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="/usr/share/metamath/databases/set.mm")
    ap.add_argument("--generator", default="extract")
    ap.add_argument("--library", default="all")
    ap.add_argument("--from", dest="start", default="ax-ext")
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mention-steps", type=int, default=40)
    args = ap.parse_args()
    t0 = time.process_time()
    db = load(args.db)
    ctx = Context.of(db)
    config = GenerateConfig(generator=args.generator, count=args.count, seed=args.seed,
                            forward=ForwardConfig(library=args.library))
    if args.generator == "extract":
        config = resolve_range(GenerateConfig(**{**config.__dict__,
                                                 "from_label": args.start}), db.statements())
    result = generate(db, config, ctx)
    extra = generated_assertions(ctx, result.lemmas)
    memo: dict = {}
    n = Notation.of(ctx.syn, db.sources)
    kinds = {s: collections.Counter() for s in ("en", "mixed")}
    with_defect = {s: 0 for s in kinds}
    examples: dict = {}
    checked = 0
    for i, th in enumerate(result.theorems):
        doc = doc_of(ctx, th, extra, result.lemmas, memo)
        for style in kinds:
            text = render(style, doc, n, random.Random(f"{args.seed}:{i}:{style}"))
            found = quality.defects(text, doc, n, style,
                                    mentions=len(doc.steps) <= args.mention_steps)
            for d in found:
                kinds[style][d.kind] += 1
                examples.setdefault(d.kind, (doc.label, style, d.detail))
            with_defect[style] += bool(found)
            checked += 1
    print(f"{os.path.basename(args.db)}: {len(result.theorems):,} {args.generator} theorems"
          f"{' from ' + args.start if args.generator == 'extract' else ''}, {checked:,} texts "
          f"checked ({time.process_time() - t0:.0f} CPU s)")
    for style, c in kinds.items():
        shown = ", ".join(f"{k} {v}" for k, v in sorted(c.items())) or "none"
        print(f"  {style:6} texts with a defect: {with_defect[style]:,}; {shown}")
    for kind, (label, style, detail) in sorted(examples.items()):
        print(f"  e.g. {kind}: {label} ({style}): {detail[:200]}")
    print("RESULT", f"theorems={len(result.theorems)}",
          f"en_defects={with_defect['en']}", f"mixed_defects={with_defect['mixed']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
