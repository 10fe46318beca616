"""Per-record size and redundancy of two set.mm runs (issue 22).

    python3 benchmarks/bench_records.py [--repo CHECKOUT] [--out DIR] [-- EXTRA GENERATE ARGS]

Runs, with the proofgen of CHECKOUT (default: this one):

  (a) extract: set.mm's real and complex numbers, the proofs from `axcnex`
      (right after `df-c`), `--proofs 3000` by default (`--extract-proofs`),
      every theorem they give (`--count 10000000`);
  (b) forward: `--library all --count 2000 --seed 1` (`--forward-count`);

both with every style (`--styles all`), and prints per style: records,
tokens per record p50 / p99 / max (the records' own `metadata.tokens`,
cl100k_base), the share of `mm` bytes that repeat a `${ $}` block another
record already carries, the zstd ratio of the style's texts (one stream,
level 19, at which set.mm itself compresses 3.4x) and the
records over the budget (`--budget`, default 8192 tokens).

Reads the shards with `zstandard` only, so it measures any checkout's runs,
older formats included.  EXTRA args go to both `generate` commands (e.g.
`--max-record-tokens 0 --inline-lemmas`).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time

import zstandard

SET_MM = "/usr/share/metamath/databases/set.mm"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(repo: str, out: str, args: list[str]) -> float:
    cmd = [sys.executable, "-m", "proofgen", "generate", "--out", out, "--force", *args]
    env = {**os.environ, "PYTHONPATH": repo}
    t = time.time()
    subprocess.run(cmd, cwd=repo, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.time() - t


def records(out: str):
    m = json.load(open(os.path.join(out, "manifest.json")))
    dctx = zstandard.ZstdDecompressor()
    for e in m["shards"]:
        with open(os.path.join(out, e["path"]), "rb") as f:
            text = io.TextIOWrapper(dctx.stream_reader(f, read_across_frames=True), "utf-8")
            for line in text:
                yield json.loads(line)


def blocks(text: str) -> list[str]:
    """The `${ ... $}` blocks of an mm record (a comment before one is kept
    with it)."""
    out, cur = [], []
    for line in text.splitlines(keepends=True):
        cur.append(line)
        if line.rstrip() == "$}":
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def pct(xs: list[int], q: float) -> int:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else 0


def measure(out: str, budget: int) -> dict:
    by_style: dict[str, list] = {}
    texts: dict[str, list] = {}
    seen_blocks: set = set()
    mm_bytes = repeated = 0
    for r in records(out):
        s = r["metadata"]["style"]
        by_style.setdefault(s, []).append(r["metadata"]["tokens"])
        texts.setdefault(s, []).append(r["text"])
        if s == "mm":
            for b in blocks(r["text"]):
                n = len(b.encode())
                mm_bytes += n
                if b in seen_blocks:
                    repeated += n
                else:
                    seen_blocks.add(b)
    # level 19: set.mm itself compresses 3.4x so (2.8x at the default 3)
    cctx = zstandard.ZstdCompressor(level=19)
    rows = {}
    for s in sorted(by_style):
        raw = "".join(texts[s]).encode()
        rows[s] = {"records": len(by_style[s]), "p50": pct(by_style[s], 0.5),
                   "p99": pct(by_style[s], 0.99), "max": max(by_style[s]),
                   "zstd": round(len(raw) / max(1, len(cctx.compress(raw))), 1),
                   "over": sum(t > budget for t in by_style[s]) if budget else 0}
    m = json.load(open(os.path.join(out, "manifest.json")))
    return {"styles": rows, "mm_repeat": repeated / mm_bytes if mm_bytes else 0.0,
            "theorems": m["theorems"], "records": m["records"], "tokens": m["tokens"],
            "budget": m.get("budget")}


def show(name: str, cmd: list[str], seconds: float, got: dict, budget: int) -> None:
    print(f"\n== {name}: proofgen generate {' '.join(cmd)}  ({seconds:.0f} s)")
    print(f"   {got['theorems']:,} theorems, {got['records']:,} records, {got['tokens']:,} tokens")
    print(f"   {'style':6} {'records':>8} {'p50':>7} {'p99':>8} {'max':>8} {'zstd':>7} "
          f"{'>' + str(budget):>7}")
    for s, r in got["styles"].items():
        print(f"   {s:6} {r['records']:>8,} {r['p50']:>7,} {r['p99']:>8,} {r['max']:>8,} "
              f"{r['zstd']:>6}x {r['over']:>7,}")
    print(f"   mm bytes repeating a block another record carries: {got['mm_repeat']:.1%}")
    if got["budget"] is not None:
        print(f"   manifest budget: {json.dumps(got['budget'])}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", default=HERE, help="the proofgen checkout to run")
    ap.add_argument("--db", default=SET_MM)
    ap.add_argument("--out", default="/tmp/bench-records")
    ap.add_argument("--from-label", default="axcnex")
    ap.add_argument("--extract-proofs", type=int, default=3000)
    ap.add_argument("--forward-count", type=int, default=2000)
    ap.add_argument("--budget", type=int, default=8192)
    ap.add_argument("--only", choices=("extract", "forward"), default=None)
    ap.add_argument("extra", nargs="*", help="more generate args (after --)")
    a = ap.parse_args()
    jobs = {
        "extract": ["--db", a.db, "--generator", "extract", "--from", a.from_label,
                    "--proofs", str(a.extract_proofs), "--count", "10000000",
                    "--styles", "all"],
        "forward": ["--db", a.db, "--library", "all", "--count", str(a.forward_count),
                    "--seed", "1", "--styles", "all"],
    }
    print(f"checkout {a.repo}")
    for name, cmd in jobs.items():
        if a.only and name != a.only:
            continue
        cmd = cmd + a.extra
        out = os.path.join(a.out, name)
        seconds = run(a.repo, out, cmd)
        show(name, cmd, seconds, measure(out, a.budget), a.budget)


if __name__ == "__main__":
    main()
