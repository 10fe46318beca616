#!/usr/bin/env python3
"""How much of a database's proofs the English templates put in words, and
what the quality checker finds in the `en` and `mixed` texts: the figures
of `proofgen templates coverage` (proofgen/run/coverage.py, which defines
them), with set.mm's set theory as the default range and a RESULT line for
scripts.

    python3 benchmarks/bench_english_coverage.py [--db FILE] [--from LABEL] [--to LABEL]
        [--sample N] [--top K]

Defaults: set.mm from `ax-ext` (where its set theory starts) to `mathbox`
(where its mathboxes start; `-` for the end).
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from proofgen.kernel import load  # noqa: E402
from proofgen.run.coverage import coverage, text  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="/usr/share/metamath/databases/set.mm")
    ap.add_argument("--from", dest="start", default="ax-ext")
    ap.add_argument("--to", dest="stop", default="mathbox")
    ap.add_argument("--sample", type=int, default=3000, help="documents checked (0: all)")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--mention-steps", type=int, default=40,
                    help="check mentions in documents of at most this many steps")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    db = load(args.db)
    labels = {s.label for s in db.statements()}
    start = args.start if args.start in labels else ""
    stop = args.stop if args.stop in labels and args.stop != "-" else ""
    cov = coverage(db, os.path.basename(args.db), start, stop, args.sample, args.seed,
                   args.mention_steps)
    print("\n".join(text(cov, args.top)))
    pct = lambda a, b: f"{100 * a / b:.1f}%" if b else "-"  # noqa: E731
    st = cov.steps
    print("RESULT", f"statements_words={pct(cov.statements_in_words, cov.statements)}",
          f"small_statements_words={pct(cov.small_in_words, cov.small_statements)}",
          f"nodes_words={pct(cov.nodes_in_words, cov.nodes)}",
          f"steps_templated={pct(st['template'] + st['family'], cov.steps_total)}",
          f"en_defect_records={cov.records_with_defects['en']}",
          f"mixed_defect_records={cov.records_with_defects['mixed']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
