"""A generation job: a list of work units run by an executor into a run
folder (layout.py), resumable, with global dedup, and a manifest.

    job = JobConfig(GenerateConfig(count=100_000, seed=1), StyleMix())
    manifest = run_job("set.mm", job, "out/", LocalExecutor(workers=2))

A rerun of the same command skips what is complete (markers with good
checksums) and redoes the rest, so a run killed at any point and resumed
ends with exactly the dataset of an uninterrupted run.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import shutil
import time
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

from .. import __version__
from ..emit.records import StyleMix
from ..explore.run import METRICS, GenerateConfig
from .layout import Layout, read_json, write_json
from .tasks import FORMAT, KERNEL_VERSION, Unit, Worker

#: the rule global dedup follows, as written in every manifest
DEDUP_RULE = ("a theorem (canonical statement hash) made by several units is kept in the "
              "unit with the smallest number and dropped from the others")


class JobError(ValueError):
    pass


@dataclass
class JobConfig:
    generate: GenerateConfig = field(default_factory=GenerateConfig)
    styles: StyleMix = field(default_factory=StyleMix)
    unit_size: int = 1000        # forward: theorems per unit
    units: int = 0               # extract: slices of the database's proofs (0: one)
    partitions: int = 0          # dedup hash partitions (0: one per 64 units)

    def as_dict(self) -> dict:
        return {"generate": self.generate.as_dict(), "styles": self.styles.as_dict(),
                "unit_size": self.unit_size, "units": self.units,
                "partitions": self.partitions}

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.as_dict(), sort_keys=True).encode()).hexdigest()

    def plan(self, proof_count: int) -> list[Unit]:
        g = self.generate
        if g.generator == "extract":
            n = max(1, self.units)
            total = g.proofs or max(0, proof_count - g.first_proof)
            size = math.ceil(total / n) if total else 0
            per = math.ceil(g.count / n)
            return [Unit(u, per, u * size, size) for u in range(n)]
        if self.unit_size < 1:
            raise JobError("unit size must be at least 1")
        n = max(1, math.ceil(g.count / self.unit_size))
        return [Unit(u, min(self.unit_size, g.count - u * self.unit_size)) for u in range(n)]

    def partition_count(self, units: int) -> int:
        # each partition holds about 64 units' worth of hashes, up to 1024
        # partitions (a dedup task reads one small slice of every unit)
        return self.partitions or min(1024, max(1, math.ceil(units / 64)))


def run_job(db_path: str, job: JobConfig, out: str, executor,
            progress: Optional[Callable[[dict], None]] = None,
            keep_staging: bool = False, state: Optional[tuple] = None) -> dict:
    """Run (or resume) the job into `out` and write its manifest.  `state`
    is a worker state the caller already loaded (`Worker.state()`), which a
    local executor reuses instead of loading the database again."""
    if state is not None:
        db = state[0]
    else:
        from ..kernel import load
        db = load(db_path)
        if any(d.severity == "error" for d in db.read_diagnostics):
            raise JobError(f"{db_path}: the database cannot be read")
    sha = hashlib.sha256()
    for _, data in db.sources:
        sha.update(data)
    db_sha = sha.hexdigest()
    lay = Layout(out)
    _claim(lay, job, db_path, db_sha)
    _remove_stale_temporaries(lay)
    units = job.plan(db.proof_count)
    parts = job.partition_count(len(units))
    units = [replace(u, partitions=parts) for u in units]
    del db
    check = Worker(db_path, job, out)      # reads markers only: never loads the database
    stats = {"units": len(units), "generated": 0, "finalized": 0, "theorems": 0,
             "tokens": 0, "started": time.perf_counter(), "phase": "generate"}

    final = {u.unit: check.unit_final(u.unit) for u in units}
    generated = {u.unit: check.unit_generated(u.unit, need_staging=final[u.unit] is None)
                 for u in units}
    stats["resumed"] = sum(1 for u in units if generated[u.unit] or final[u.unit])
    todo = [("generate", u) for u in units if generated[u.unit] is None]
    for u in units:
        if generated[u.unit] is not None:
            _count(stats, generated[u.unit])
    executor.start(db_path, job, out, state)
    try:
        def on_generated(task, marker):
            generated[task[1].unit] = marker
            _count(stats, marker)
            if progress:
                progress(stats)

        executor.run(todo, on_generated)
        stats["phase"] = "dedup"
        part_todo = [("dedup", (p, parts, len(units))) for p in range(parts)
                     if check.part_done(p, parts, len(units)) is None]
        executor.run(part_todo, lambda task, m: None)
        stats["phase"] = "finalize"

        def on_final(task, marker):
            final[task[1][0]] = marker
            stats["finalized"] += 1
            if progress:
                progress(stats)

        executor.run([("finalize", (u.unit, parts)) for u in units if final[u.unit] is None],
                     on_final)
    finally:
        executor.close()
    manifest = _manifest(lay, job, db_path, db_sha, units, parts, generated, final,
                         executor.describe())
    if not keep_staging:
        shutil.rmtree(lay.path("staging"), ignore_errors=True)
    return manifest


def _count(stats: dict, marker: dict) -> None:
    stats["generated"] += 1
    stats["theorems"] += marker["theorems"]
    stats["tokens"] += marker["tokens"]


def _claim(lay: Layout, job: JobConfig, db_path: str, db_sha: str) -> None:
    """Write job.json, or check that the folder holds this same job."""
    want = {"format": FORMAT, "job": job.as_dict(), "fingerprint": job.fingerprint(),
            "database_sha256": db_sha}
    have = read_json(lay.path("job.json"))
    if have is None:
        if os.path.isdir(lay.out) and os.listdir(lay.out):
            raise JobError(f"{lay.out} is not empty and holds no proofgen job; choose "
                           "another --out")
        write_json(lay.path("job.json"), {**want, "database": os.path.basename(db_path)})
        return
    if have.get("fingerprint") != want["fingerprint"] or \
            have.get("database_sha256") != db_sha:
        what = "database" if have.get("database_sha256") != db_sha else "options"
        raise JobError(f"{lay.out} holds a run of another job (different {what}); rerun "
                       "the same command to resume it, or choose another --out "
                       "(or --force to replace it)")


def _remove_stale_temporaries(lay: Layout) -> None:
    """Half-written files of a run that was killed (never vouched for)."""
    for sub in ("staging", "theorems", "hashes", "units", "dedup", "shards", "done"):
        folder = lay.path(sub)
        if os.path.isdir(folder):
            for name in os.listdir(folder):
                if name.endswith(".tmp"):
                    os.unlink(os.path.join(folder, name))
    if os.path.isdir(lay.out):
        for name in os.listdir(lay.out):
            if name.endswith(".tmp"):
                os.unlink(lay.path(name))


def clear_run(out: str) -> None:
    """Remove a run's files (only proofgen's own) so a new job can start."""
    lay = Layout(out)
    for sub in ("staging", "theorems", "hashes", "units", "dedup", "shards", "done"):
        shutil.rmtree(lay.path(sub), ignore_errors=True)
    for name in ("manifest.json", "job.json"):
        try:
            os.unlink(lay.path(name))
        except FileNotFoundError:
            pass


def _manifest(lay: Layout, job: JobConfig, db_path: str, db_sha: str, units: list[Unit],
              parts: int, generated: dict, final: dict, executor: dict) -> dict:
    from ..emit.tokens import TokenCounter
    tokens_by_style: dict[str, int] = {}
    records_by_style: dict[str, int] = {}
    hist: dict[str, dict[str, int]] = {m: {} for m in METRICS}
    cpu = {"generate": 0.0, "emit": 0.0}
    for u in units:
        f, g = final[u.unit], generated[u.unit]
        for s, n in f["tokens_by_style"].items():
            tokens_by_style[s] = tokens_by_style.get(s, 0) + n
        for s, n in f["records_by_style"].items():
            records_by_style[s] = records_by_style.get(s, 0) + n
        for metric, h in f["histograms"].items():
            for k, v in h.items():
                hist[metric][k] = hist[metric].get(k, 0) + v
        for k in cpu:
            cpu[k] += g["cpu_seconds"][k]
    manifest = {
        "format": FORMAT,
        "database": os.path.basename(db_path),
        "database_sha256": db_sha,
        "config": job.as_dict(),
        "versions": {"proofgen": __version__, "kernel": KERNEL_VERSION,
                     "python": platform.python_version()},
        "tokenizer": TokenCounter.describe_static(),
        "units": len(units),
        "theorems": sum(final[u.unit]["theorems"] for u in units),
        "records": sum(final[u.unit]["records"] for u in units),
        "tokens": sum(tokens_by_style.values()),
        "records_by_style": dict(sorted(records_by_style.items())),
        "tokens_by_style": dict(sorted(tokens_by_style.items())),
        "bytes": sum(final[u.unit]["shard"]["bytes"] for u in units),
        "dedup": {"rule": DEDUP_RULE, "partitions": parts,
                  "generated_theorems": sum(generated[u.unit]["theorems"] for u in units),
                  "dropped_theorems": sum(final[u.unit]["dropped_theorems"] for u in units)},
        "shards": [final[u.unit]["shard"] for u in units],
        "theorem_files": [generated[u.unit]["theorem_file"] for u in units],
        "histograms": {m: dict(sorted(h.items(), key=lambda kv: int(kv[0])))
                       for m, h in hist.items()},
        "cpu_seconds": {k: round(v, 3) for k, v in cpu.items()},
        "rejected_by_kernel": sum(generated[u.unit]["stats"].get("rejected", 0)
                                  for u in units),
        "executor": executor,
    }
    write_json(lay.path("manifest.json"), manifest)
    return manifest
