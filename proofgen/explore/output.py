"""Writing a run: JSON lines of verified theorems, and a summary.

    OUT/theorems.jsonl   one record per emitted theorem
    OUT/lemmas.jsonl     generated facts the theorems cite that were not emitted
    OUT/summary.json     config, database hash, versions, counts, histograms

Files are written to a temporary name and renamed, so a reader never sees
half a file.  (Compressed shards and renderings are the emit stage's.)
"""
from __future__ import annotations

import json
import os
from typing import Iterable

from .. import __version__
from .context import Context
from .run import METRICS, GenerateConfig, Result, metric
from .theorem import Theorem, new_theorem


def record(ctx: Context, thm: Theorem, config: GenerateConfig, extra) -> dict:
    nt = new_theorem(ctx, thm, extra)
    return {
        "label": thm.label,
        "statement": nt.conclusion,
        "hypotheses": [{"label": h, "statement": e} for h, e in nt.hypotheses],
        "disjoint": [list(g) for g in nt.disjoint],
        "proof": nt.proof,
        "generator": thm.generator,
        "seed": config.seed,
        "unit": config.unit,
        "depth": thm.depth,
        "steps": thm.logical_steps,
        "length": metric(thm, "length"),
        "uses": thm.uses(),
        "restates": thm.restates,
        "hash": f"{thm.hash:016x}",
        **({"source": thm.meta["source"]} if "source" in thm.meta else {}),
    }


def _write_lines(path: str, lines: Iterable[str]) -> int:
    tmp = path + ".tmp"
    n = 0
    with open(tmp, "w") as f:
        for line in lines:
            f.write(line + "\n")
            n += 1
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return n


def write_run(out: str, ctx: Context, db_path: str, config: GenerateConfig, result: Result,
              extra) -> dict:
    os.makedirs(out, exist_ok=True)
    emitted = {t.label for t in result.theorems}
    # the generated lemmas the emitted theorems stand on, transitively
    needed: dict[str, Theorem] = {}
    todo = [u for t in result.theorems for u in t.uses()]
    while todo:
        lab = todo.pop()
        if lab in needed or lab in emitted or lab not in result.lemmas:
            continue
        needed[lab] = result.lemmas[lab]
        todo.extend(result.lemmas[lab].uses())
    order = {lab: i for i, lab in enumerate(result.lemmas)}
    lemma_list = sorted(needed.values(), key=lambda t: order[t.label])
    _write_lines(os.path.join(out, "lemmas.jsonl"),
                 (json.dumps(record(ctx, t, config, extra)) for t in lemma_list))
    _write_lines(os.path.join(out, "theorems.jsonl"),
                 (json.dumps(record(ctx, t, config, extra)) for t in result.theorems))
    summary = {
        "database": os.path.abspath(db_path),
        "database_sha256": ctx.sha256,
        "database_files": list(ctx.files),
        "proofgen_version": __version__,
        "config": config.as_dict(),
        "theorems": len(result.theorems),
        "lemmas": len(lemma_list),
        "histograms": {m: {str(k): v for k, v in sorted(result.histograms[m].items())}
                       for m in METRICS},
        "stats": {k: v for k, v in result.stats.items() if k != "rejections"},
        "rejections": result.stats.get("rejections", [])[:20],
    }
    tmp = os.path.join(out, "summary.json.tmp")
    with open(tmp, "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    os.replace(tmp, os.path.join(out, "summary.json"))
    return summary


def read_records(path: str) -> list[dict]:
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]
