"""A generation job: a list of work units run by an executor into a run
folder (layout.py), resumable, with global dedup, and a manifest.

    job = JobConfig(GenerateConfig(count=100_000, seed=1), StyleMix())
    manifest = run_job("set.mm", job, "out/", LocalExecutor(workers=2))

A rerun of the same command skips what is complete (markers with good
checksums) and redoes the rest, so a run killed at any point and resumed
ends with exactly the dataset of an uninterrupted run.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import math
import os
import platform
import shutil
import socket
import time
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

import numpy as np

from .. import __version__
from ..emit.records import StyleMix
from ..explore.run import METRICS, GenerateConfig
from .card import card_text, database_license
from .layout import Layout, read_json, write_json, write_text
from .tasks import FORMAT, KERNEL_VERSION, Unit, Worker

#: the rule global dedup follows, as written in every manifest
DEDUP_RULE = ("a theorem (canonical statement hash) made by several units is kept in the "
              "unit with the smallest number and dropped from the others")


class JobError(ValueError):
    pass


#: a run's bounds (see JobConfig.check): units it tracks, theorems per unit
MAX_UNITS = 1_000_000
MAX_UNIT_SIZE = 200_000


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

    def check(self) -> None:
        """JobError when the job cannot run in bounded memory: a unit holds
        its theorems while it is made, and the driver one marker per unit."""
        g = self.generate
        if g.generator in ("forward", "deep"):
            if self.unit_size > MAX_UNIT_SIZE:
                raise JobError(f"--unit-size {self.unit_size:,}: a unit holds its theorems in "
                               f"memory while it is made; at most {MAX_UNIT_SIZE:,}")
            units = math.ceil(g.count / max(1, self.unit_size))
            if g.count > MAX_UNITS * MAX_UNIT_SIZE:
                raise JobError(f"--count {g.count:,} is more than one run makes (at most "
                               f"{MAX_UNITS * MAX_UNIT_SIZE:,}: {MAX_UNITS:,} units of "
                               f"{MAX_UNIT_SIZE:,}); split the job into runs with other seeds")
            if units > MAX_UNITS:
                raise JobError(f"--count {g.count:,} in units of {self.unit_size:,} makes "
                               f"{units:,} units, more than a run keeps track of "
                               f"({MAX_UNITS:,}); raise --unit-size to at least "
                               f"{math.ceil(g.count / MAX_UNITS):,}")
        elif self.units > MAX_UNITS:
            raise JobError(f"--units {self.units:,}: at most {MAX_UNITS:,}")

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
    job.check()
    sha = hashlib.sha256()
    for _, data in db.sources:
        sha.update(data)
    db_sha = sha.hexdigest()
    license_id, license_line = database_license(db.sources[0][1] if db.sources else b"")
    lay = Layout(out)
    proof_count = db.proof_count
    del db
    # the executor starts before the folder is claimed: a cluster that cannot
    # be reached leaves --out as it was
    executor.start(db_path, job, out, state)
    lock = None
    try:
        lock = _lock(lay)
        _claim(lay, job, db_path, db_sha)
        _remove_stale_temporaries(lay)
        units = _load_plan(lay, job)
        if units:
            parts = units[0].partitions
        else:
            units = job.plan(proof_count)
            parts = job.partition_count(len(units))
            units = [replace(u, partitions=parts) for u in units]
        check = Worker(db_path, job, out)      # reads markers only: never loads the database
        stats = {"units": len(units), "generated": 0, "finalized": 0, "theorems": 0,
                 "tokens": 0, "started": time.perf_counter(), "phase": "generate",
                 "resumed": 0}
        generated: dict[int, dict] = {}
        final: dict[int, Optional[dict]] = {}

        def on_generated(task, marker):
            generated[task[1].unit] = marker
            _count(stats, marker)
            if progress:
                progress(stats)

        while True:
            # one round: generate the units not yet generated, dedup them all
            fresh = [u for u in units if u.unit not in generated]
            for u in fresh:
                final[u.unit] = check.unit_final(u.unit)
                m = check.unit_generated(u.unit, need_staging=final[u.unit] is None)
                if m is not None:
                    generated[u.unit] = m
                    stats["resumed"] += 1
                    _count(stats, m)
            stats["units"], stats["phase"] = len(units), "generate"
            executor.run([("generate", u) for u in fresh if u.unit not in generated],
                         on_generated)
            stats["phase"] = "dedup"
            executor.run([("dedup", (p, parts, len(units))) for p in range(parts)
                          if check.part_done(p, parts, len(units)) is None],
                         lambda task, m: None)
            kept = _kept(lay, units, generated, parts)
            more = _top_up(job, units, kept, fresh)
            if not more:
                break
            units = units + [replace(u, partitions=parts) for u in more]
            write_json(lay.path("plan.json"), _plan_json(job, units))
        quota = _quotas(job, units, kept)
        stats["phase"] = "finalize"

        def on_final(task, marker):
            final[task[1][0]] = marker
            stats["finalized"] += 1
            if progress:
                progress(stats)

        for u in units:
            f = final.get(u.unit)
            if f is not None and f.get("quota") != quota[u.unit]:
                final[u.unit] = None
        executor.run([("finalize", (u.unit, parts, quota[u.unit])) for u in units
                      if final[u.unit] is None and quota[u.unit] > 0], on_final)
    except BaseException:
        if lock is not None:
            lock.close()
        raise
    finally:
        executor.close()
    # a worker lost mid-write (a node gone, a process killed) leaves its
    # half-written file under its temporary name: the task was done again
    # elsewhere, so the file is junk; the folder holds only the dataset
    _remove_stale_temporaries(lay)
    manifest = _manifest(lay, job, db_path, db_sha, units, parts, generated, kept, final,
                         quota, executor.describe())
    write_text(lay.path("README.md"), card_text(manifest, license_id, license_line))
    if not keep_staging:
        shutil.rmtree(lay.path("staging"), ignore_errors=True)
    lock.close()
    return manifest


def _kept(lay: Layout, units: list[Unit], generated: dict, parts: int) -> list[int]:
    """Theorems of each unit that global dedup keeps."""
    n = units[-1].unit + 1
    dropped = np.zeros(n, dtype=np.int64)
    for p in range(parts):
        d = np.load(lay.part(p), mmap_mode="r")
        dropped += np.bincount(np.asarray(d["unit"]), minlength=n)[:n]
    return [generated[u.unit]["theorems"] - int(dropped[u.unit]) for u in units]


def _top_up(job: JobConfig, units: list[Unit], kept: list[int], fresh: list[Unit]) -> list[Unit]:
    """`forward` is asked for a number of distinct theorems: when units made
    the same theorems and dedup left fewer, more units make up the rest.
    Their number and size follow from the dedup result, which is a pure
    function of the job, so the plan (and the dataset) stay reproducible."""
    g = job.generate
    short = g.count - sum(kept)
    if g.generator not in ("forward", "deep") or short <= 0 or \
            sum(u.count for u in units) > 4 * g.count + 10 * job.unit_size:
        return []                      # nothing missing (or dedup drops nearly all)
    fresh_ids = {u.unit for u in fresh}
    if not any(k > 0 for u, k in zip(units, kept) if u.unit in fresh_ids):
        return []                      # the last round found nothing new: exhausted
    extra = short + short // 4 + 8     # a margin for the new units' own duplicates
    first = units[-1].unit + 1
    n = math.ceil(extra / job.unit_size)
    return [Unit(first + i, min(job.unit_size, extra - i * job.unit_size)) for i in range(n)]


def _quotas(job: JobConfig, units: list[Unit], kept: list[int]) -> dict[int, int]:
    """How many kept theorems each unit's shard holds: all of them, except
    that `forward` stops at the count asked for (in unit order)."""
    left = job.generate.count if job.generate.generator in ("forward", "deep") else sum(kept)
    quota = {}
    for u, k in zip(units, kept):
        quota[u.unit] = min(k, left)
        left -= quota[u.unit]
    return quota


def _plan_json(job: JobConfig, units: list[Unit]) -> dict:
    return {"format": FORMAT, "fingerprint": job.fingerprint(),
            "units": [[u.unit, u.count, u.first_proof, u.proofs, u.partitions]
                      for u in units]}


def _load_plan(lay: Layout, job: JobConfig) -> Optional[list[Unit]]:
    """The plan a resumed run had grown to (top-up units included)."""
    data = read_json(lay.path("plan.json"))
    if not data or data.get("fingerprint") != job.fingerprint():
        return None
    try:
        return [Unit(*map(int, row)) for row in data["units"]]
    except (KeyError, TypeError, ValueError):
        return None


def _count(stats: dict, marker: dict) -> None:
    stats["generated"] += 1
    stats["theorems"] += marker["theorems"]
    stats["tokens"] += marker["tokens"]


def _lock(lay: Layout):
    """Hold the run's lock (`run.lock`, flock) for as long as the returned
    file is open: one driver per run folder, whatever the executor.  A
    second driver is refused at once, with the holder's host and pid."""
    os.makedirs(lay.out, exist_ok=True)
    f = open(lay.path(LOCK_FILE), "a+")
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.seek(0)
        holder = f.read().strip() or "another process"
        f.close()
        raise JobError(f"{lay.out} is being written by another proofgen run ({holder}); "
                       "wait for it to end, or choose another --out") from None
    f.seek(0)
    f.truncate()
    f.write(f"pid {os.getpid()} on {socket.gethostname()}, since "
            f"{time.strftime('%Y-%m-%d %H:%M:%S')}\n")
    f.flush()
    return f


def _claim(lay: Layout, job: JobConfig, db_path: str, db_sha: str) -> None:
    """Write job.json, or check that the folder holds this same job (same
    options, database and English templates)."""
    from ..emit.english import templates_fingerprint
    want = {"format": FORMAT, "job": job.as_dict(), "fingerprint": job.fingerprint(),
            "database_sha256": db_sha, "templates_sha256": templates_fingerprint()}
    have = read_json(lay.path("job.json"))
    if have is None:
        if os.path.isfile(lay.path("job.json")):
            raise JobError(f"{lay.path('job.json')} is damaged, so the run in {lay.out} "
                           "cannot be resumed; --force replaces it")
        if os.path.isdir(lay.out) and set(os.listdir(lay.out)) - {LOCK_FILE}:
            raise JobError(f"{lay.out} is not empty and holds no proofgen job; choose "
                           "another --out")
        write_json(lay.path("job.json"), {**want, "database": os.path.basename(db_path)})
        return
    if have.get("format") != FORMAT:
        raise JobError(f"{lay.out} holds a run written by another proofgen format "
                       f"({have.get('format')}, this one writes {FORMAT}); choose another "
                       "--out (or --force to replace it)")
    if have.get("fingerprint") != want["fingerprint"] or \
            have.get("database_sha256") != db_sha:
        what = "database" if have.get("database_sha256") != db_sha else "options"
        raise JobError(f"{lay.out} holds a run of another job (different {what}); rerun "
                       "the same command to resume it, or choose another --out "
                       "(or --force to replace it)")
    if have.get("templates_sha256") != want["templates_sha256"]:
        raise JobError(f"{lay.out} holds a run rendered with other English templates "
                       "(PROOFGEN_TEMPLATES or the shipped templates changed); resuming would "
                       "mix two wordings: set them back, or --force to start over")


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


#: what a run folder holds (layout.py); `--force` removes these and nothing else
RUN_FOLDERS = ("staging", "theorems", "hashes", "units", "dedup", "shards", "done", "report")
RUN_FILES = ("manifest.json", "plan.json", "job.json", "README.md", "run.lock")
LOCK_FILE = "run.lock"


def clear_run(out: str) -> None:
    """Remove a run's files (only proofgen's own) so a new job can start.
    JobError, removing nothing, when `out` holds anything else."""
    lay = Layout(out)
    if not os.path.isdir(out) or not os.listdir(out):
        return
    strangers = sorted(set(os.listdir(out)) - set(RUN_FOLDERS) - set(RUN_FILES))
    if strangers:
        # checked before anything is removed: a folder that holds anything
        # proofgen did not write is someone's, whatever its job.json says
        raise JobError(f"--force replaces a proofgen run, but {out} is not empty: it holds "
                       f"files proofgen did not write ({', '.join(strangers[:3])}"
                       f"{', ...' if len(strangers) > 3 else ''}); nothing was removed: move "
                       "them or choose another --out")
    if set(os.listdir(out)) - {LOCK_FILE} and not os.path.isfile(lay.path("job.json")):
        raise JobError(f"--force replaces a proofgen run, but {out} holds no proofgen job "
                       "(job.json is missing); nothing was removed: choose another --out")
    lock = _lock(lay)           # never under a driver that is writing the run
    try:
        for sub in RUN_FOLDERS:
            shutil.rmtree(lay.path(sub), ignore_errors=True)
        for name in RUN_FILES:
            if name != LOCK_FILE:
                try:
                    os.unlink(lay.path(name))
                except FileNotFoundError:
                    pass
    finally:
        lock.close()


def _manifest(lay: Layout, job: JobConfig, db_path: str, db_sha: str, units: list[Unit],
              parts: int, generated: dict, kept: list[int], final: dict, quota: dict,
              executor: dict) -> dict:
    from ..emit.english import template_files, templates_fingerprint
    from ..emit.tokens import TokenCounter
    tokens_by_style: dict[str, int] = {}
    records_by_style: dict[str, int] = {}
    hist: dict[str, dict[str, int]] = {m: {} for m in METRICS}
    cpu = {"generate": 0.0, "emit": 0.0}
    for u in units:
        g = generated[u.unit]
        for k in cpu:
            cpu[k] += g["cpu_seconds"][k]
    shipped = [u for u in units if quota[u.unit] > 0]      # units with a shard
    for u in shipped:
        f = final[u.unit]
        for s, n in f["tokens_by_style"].items():
            tokens_by_style[s] = tokens_by_style.get(s, 0) + n
        for s, n in f["records_by_style"].items():
            records_by_style[s] = records_by_style.get(s, 0) + n
        for metric, h in f["histograms"].items():
            for k, v in h.items():
                hist[metric][k] = hist[metric].get(k, 0) + v
    manifest = {
        "format": FORMAT,
        "database": os.path.basename(db_path),
        "database_sha256": db_sha,
        "config": job.as_dict(),
        "versions": {"proofgen": __version__, "kernel": KERNEL_VERSION,
                     "python": platform.python_version()},
        "tokenizer": TokenCounter.describe_static(),
        "units": len(units),
        "requested": job.generate.count,
        "theorems": sum(final[u.unit]["theorems"] for u in shipped),
        "records": sum(final[u.unit]["records"] for u in shipped),
        "tokens": sum(tokens_by_style.values()),
        "records_by_style": dict(sorted(records_by_style.items())),
        "tokens_by_style": dict(sorted(tokens_by_style.items())),
        "bytes": sum(final[u.unit]["shard"]["bytes"] for u in shipped),
        "dedup": {"rule": DEDUP_RULE, "partitions": parts,
                  "generated_theorems": sum(generated[u.unit]["theorems"] for u in units),
                  "dropped_theorems": sum(generated[u.unit]["theorems"] for u in units)
                  - sum(kept),
                  # distinct theorems made beyond the count asked for (the
                  # last units' tail), not shipped
                  "beyond_count": sum(kept) - sum(quota.values())},
        "shards": [final[u.unit]["shard"] for u in shipped],
        "theorem_files": [final[u.unit]["theorem_file"] for u in shipped],
        "histograms": {m: dict(sorted(h.items(), key=lambda kv: int(kv[0])))
                       for m, h in hist.items()},
        "cpu_seconds": {k: round(v, 3) for k, v in cpu.items()},
        "rejected_by_kernel": sum(generated[u.unit]["stats"].get("rejected", 0)
                                  for u in units),
        "rejections": [r for u in units for r in generated[u.unit].get("rejections", [])][:10],
        "executor": executor,
        "templates": {"sha256": templates_fingerprint(),
                      "files": [os.path.basename(p) for p in template_files()]},
    }
    write_json(lay.path("manifest.json"), manifest)
    return manifest
