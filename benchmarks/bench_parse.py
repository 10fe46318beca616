#!/usr/bin/env python3
"""How long parsing every statement of a database takes, on one core.

Goal (issue: syntax trees): all statements of set.mm parsed in at most 5 s.

Timed in one process, best of N, interleaved so background load hits each
alike:

* ``read``     -- the kernel reading the database and listing its statements
                  (what any use of trees pays first);
* ``parse``    -- `Syntax.of`: typecodes, grammar, and a tree for every
                  statement, with the Cython parser;
* ``metamath`` -- metamath.exe reading the same file (`read`, no proofs), as a
                  yardstick for the machine's speed in this run.

The reference (pure Python) parser is timed once with ``--reference`` and
reported as a ratio.  Prints a RESULT line with the figures and ratios.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from proofgen.kernel import load  # noqa: E402
from proofgen.syntax import Syntax  # noqa: E402


def metamath_read(path: str) -> float:
    folder, name = os.path.split(os.path.abspath(path))
    start = time.perf_counter()
    subprocess.run(["metamath", f'read "{name}"', "exit"], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="/usr/share/metamath/databases/set.mm")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--reference", action="store_true",
                    help="also time the pure-Python reference parser once")
    args = ap.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    except (AttributeError, OSError):
        pass
    have_mm = shutil.which("metamath") is not None
    reads, parses, mms = [], [], []
    syn = None
    for _ in range(args.repeat):
        if have_mm:
            mms.append(metamath_read(args.db))
        start = time.perf_counter()
        db = load(args.db)
        statements = list(db.statements())
        reads.append(time.perf_counter() - start)
        start = time.perf_counter()
        syn = Syntax.of(db, statements=statements)
        parses.append(time.perf_counter() - start)
    parsed = len(syn.trees)
    tokens = sum(len(s.expression) for s in syn.statements)
    print(f"{args.db}: {len(syn.statements)} statements, {tokens:,} symbols, "
          f"{parsed} parsed, {len(syn.diagnostics)} problems")
    print(f"  read + list statements  best {min(reads):.2f} s")
    print(f"  parse all (cython)      best {min(parses):.2f} s  "
          f"({tokens / min(parses) / 1e6:.2f} M symbols/s; goal <= 5 s: "
          f"{'met' if min(parses) <= 5 else 'MISSED'})")
    fields = [f"parse_s={min(parses):.3f}", f"read_s={min(reads):.3f}"]
    if have_mm:
        print(f"  metamath.exe read       best {min(mms):.2f} s  "
              f"(ratio parse / metamath read = {min(parses) / min(mms):.2f})")
        fields.append(f"metamath_read_s={min(mms):.3f}")
        fields.append(f"ratio_parse_to_metamath_read={min(parses) / min(mms):.3f}")
    if args.reference:
        start = time.perf_counter()
        Syntax.of(db, statements=statements, engine="python")
        ref = time.perf_counter() - start
        print(f"  parse all (python ref)  {ref:.2f} s  (cython is {ref / min(parses):.1f}x faster)")
        fields.append(f"reference_s={ref:.3f}")
    print("RESULT " + " ".join(fields))
    return 0


if __name__ == "__main__":
    sys.exit(main())
