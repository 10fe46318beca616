"""A generation job and its output folder.

    DIR/manifest.json                  what the run holds: records, tokens per
                                       style, bytes and sha256 per shard,
                                       config, database hash, versions
    DIR/shards/unit-000000.jsonl.zst   the dataset: rendered records
    DIR/theorems/unit-000000.jsonl.zst the factory's output as data (every
                                       emitted theorem and the generated lemmas
                                       it cites), read by `export-mm`
    DIR/units/unit-000000.json         the unit's completion marker

A unit's files are written under temporary names and renamed; its marker is
written last, so a unit with a marker is complete, and its checksums say
whether its files are still intact.
"""
from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from .. import __version__
from ..emit.notation import Notation
from ..emit.records import RecordMaker, StyleMix
from ..emit.shards import ShardWriter, file_sha256
from ..emit.tokens import TokenCounter
from ..explore.context import Context
from ..explore.output import doc_of, generated_assertions, needed_lemmas
from ..explore.run import METRICS, GenerateConfig, generate
from ..kernel import Database

FORMAT = "proofgen-run/1"


@dataclass
class JobConfig:
    generate: GenerateConfig = field(default_factory=GenerateConfig)
    styles: StyleMix = field(default_factory=StyleMix)

    def as_dict(self) -> dict:
        return {"generate": self.generate.as_dict(), "styles": self.styles.as_dict()}


def unit_name(unit: int) -> str:
    return f"unit-{unit:06d}"


def _write_json(path: str, data: dict) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def run_meta(ctx: Context, db_path: str, config: GenerateConfig, tokenizer: str) -> dict:
    """The metadata fields every record of a unit shares."""
    return {
        "database": os.path.basename(db_path),
        "database_sha256": ctx.sha256,
        "generator": config.generator,
        "params": {k: v for k, v in config.as_dict().items() if k not in ("seed", "unit")},
        "seed": config.seed,
        "unit": config.unit,
        "proofgen_version": __version__,
        "kernel_version": f"proofgen-kernel {__version__}",
        "tokenizer": tokenizer,
    }


def run_unit(db: Database, ctx: Context, notation: Notation, db_path: str, job: JobConfig,
             out: str, unit: int, counter: Optional[TokenCounter] = None,
             progress: Optional[Callable[[int, int], None]] = None) -> dict:
    """Generate, verify, render and write one unit; returns its marker."""
    config = GenerateConfig(**{**job.generate.__dict__, "unit": unit})
    t0 = time.process_time()
    result = generate(db, config, ctx, progress=progress)
    t1 = time.process_time()
    counter = counter or TokenCounter()
    extra = generated_assertions(ctx, result.lemmas)
    memo: dict = {}
    maker = RecordMaker(notation, job.styles, run_meta(ctx, db_path, config, counter.name),
                        config.seed, unit, counter)
    name = unit_name(unit)
    shard = ShardWriter(os.path.join(out, "shards", name + ".jsonl.zst"))
    facts = ShardWriter(os.path.join(out, "theorems", name + ".jsonl.zst"))
    try:
        for t in result.theorems:
            doc = doc_of(ctx, t, extra, result.lemmas, memo)
            facts.write_line(maker.fact_line(doc, "theorem"))
            for line in maker.lines(doc):
                shard.write_line(line)
        for t in needed_lemmas(result):
            facts.write_line(maker.fact_line(doc_of(ctx, t, extra, result.lemmas, memo),
                                             "lemma"))
    except BaseException:
        shard.abort()
        facts.abort()
        raise
    shard_info = shard.close()
    facts_info = facts.close()
    t2 = time.process_time()
    hist = {m: {str(k): v for k, v in sorted(result.histograms[m].items())} for m in METRICS}
    marker = {
        "format": FORMAT,
        "unit": unit,
        "seed": config.seed,
        "theorems": len(result.theorems),
        "records": shard_info["records"],
        "records_by_style": {s: n for s, n in maker.records_by_style.items() if n},
        "tokens": sum(maker.tokens.values()),
        "tokens_by_style": {s: n for s, n in maker.tokens.items() if n},
        "shard": _file_entry(out, shard_info),
        "theorem_file": _file_entry(out, facts_info),
        "histograms": hist,
        "stats": {k: v for k, v in result.stats.items() if k != "rejections"},
        "rejections": result.stats.get("rejections", [])[:20],
        "cpu_seconds": {"generate": round(t1 - t0, 3), "emit": round(t2 - t1, 3)},
        # the part of emitting spent rendering, counting tokens, compressing
        "emit_seconds": {"render": round(maker.seconds["render"], 3),
                         "tokens": round(maker.seconds["tokens"], 3),
                         "compress": round(shard.compress_seconds + facts.compress_seconds, 3)},
    }
    os.makedirs(os.path.join(out, "units"), exist_ok=True)
    _write_json(os.path.join(out, "units", name + ".json"), marker)
    return marker


def _file_entry(out: str, info: dict) -> dict:
    return {"path": os.path.relpath(info["path"], out), "records": info["records"],
            "bytes": info["bytes"], "uncompressed_bytes": info["uncompressed_bytes"],
            "sha256": info["sha256"]}


def unit_is_complete(out: str, unit: int) -> Optional[dict]:
    """The unit's marker when the unit is complete and its files intact."""
    path = os.path.join(out, "units", unit_name(unit) + ".json")
    try:
        with open(path) as f:
            marker = json.load(f)
    except (OSError, ValueError):
        return None
    for key in ("shard", "theorem_file"):
        entry = marker.get(key) or {}
        p = os.path.join(out, entry.get("path", ""))
        if not os.path.isfile(p) or file_sha256(p) != entry.get("sha256"):
            return None
    return marker


def write_manifest(out: str, ctx: Context, db_path: str, job: JobConfig, markers: list[dict],
                   tokenizer: dict) -> dict:
    markers = sorted(markers, key=lambda m: m["unit"])
    tokens_by_style: dict[str, int] = {}
    records_by_style: dict[str, int] = {}
    hist: dict[str, dict[str, int]] = {m: {} for m in METRICS}
    for m in markers:
        for s, n in m["tokens_by_style"].items():
            tokens_by_style[s] = tokens_by_style.get(s, 0) + n
        for s, n in m["records_by_style"].items():
            records_by_style[s] = records_by_style.get(s, 0) + n
        for metric, h in m["histograms"].items():
            for k, v in h.items():
                hist[metric][k] = hist[metric].get(k, 0) + v
    manifest = {
        "format": FORMAT,
        "database": os.path.basename(db_path),
        "database_path": os.path.abspath(db_path),
        "database_sha256": ctx.sha256,
        "database_files": list(ctx.files),
        "config": job.as_dict(),
        "versions": {"proofgen": __version__, "kernel": f"proofgen-kernel {__version__}",
                     "python": platform.python_version()},
        "tokenizer": tokenizer,
        "units": len(markers),
        "theorems": sum(m["theorems"] for m in markers),
        "records": sum(m["records"] for m in markers),
        "tokens": sum(tokens_by_style.values()),
        "records_by_style": records_by_style,
        "tokens_by_style": tokens_by_style,
        "bytes": sum(m["shard"]["bytes"] for m in markers),
        "shards": [m["shard"] for m in markers],
        "theorem_files": [m["theorem_file"] for m in markers],
        "histograms": {metric: dict(sorted(h.items(), key=lambda kv: int(kv[0])))
                       for metric, h in hist.items()},
        "cpu_seconds": {k: round(sum(m["cpu_seconds"][k] for m in markers), 3)
                        for k in ("generate", "emit")},
    }
    _write_json(os.path.join(out, "manifest.json"), manifest)
    return manifest


def run_job(db: Database, ctx: Context, db_path: str, job: JobConfig, out: str,
            units: list[int], progress=None) -> dict:
    """Run the units not yet complete in `out`, then write the manifest."""
    notation = Notation.of(ctx.syn, db.sources)
    counter = TokenCounter()
    markers = []
    for u in units:
        marker = unit_is_complete(out, u)
        if marker is None:
            marker = run_unit(db, ctx, notation, db_path, job, out, u, counter, progress)
        markers.append(marker)
    return write_manifest(out, ctx, db_path, job, markers, counter.describe())
