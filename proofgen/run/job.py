"""A generation job: a list of work units run by an executor into a run
folder (`folder.RunFolder`), resumable, with global dedup, and a manifest.

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
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Callable, Optional

import numpy as np

from .. import __version__
from ..emit.records import StyleMix
from ..explore import generators
from ..explore.quality import Tally
from ..explore.run import GenerateConfig, resolve_range
from ..kernel import engines
from ..syntax.metrics import METRICS
from . import mix
from .card import card_text, database_license
from .folder import FORMAT, JobError, RunFolder
from .tasks import KERNEL_VERSION, Dedup, Finalize, Unit, Worker, run_id, run_params


def license_of(db_path: str) -> str:
    """The licence id of the database's header (`card.database_license`)."""
    with open(db_path, "rb") as f:
        return database_license(f.read(20_000))[0]

#: the rule global dedup follows, as written in every manifest
DEDUP_RULE = ("a theorem (canonical statement hash) made by several units is kept in the "
              "unit with the smallest number and dropped from the others")


__all__ = ["DEDUP_RULE", "JobConfig", "JobError", "JobStats", "MAX_UNITS", "MAX_UNIT_SIZE",
           "clear_run", "run_job"]


#: a run's bounds (see JobConfig.check): units it tracks, theorems per unit
MAX_UNITS = 1_000_000
MAX_UNIT_SIZE = 200_000


@dataclass
class JobConfig:
    generate: GenerateConfig = field(default_factory=GenerateConfig)
    styles: StyleMix = field(default_factory=StyleMix)
    unit_size: int = 1000        # a counted generator (forward, deep): theorems per unit
    units: int = 0               # one cut by proofs (extract): slices of them (0: one)
    partitions: int = 0          # dedup hash partitions (0: one per 64 units)
    license: str = ""            # the records' licence ("": read from the database)

    def as_dict(self) -> dict:
        return {"generate": self.generate.as_dict(), "styles": self.styles.as_dict(),
                "unit_size": self.unit_size, "units": self.units,
                "partitions": self.partitions, "license": self.license}

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.as_dict(), sort_keys=True).encode()).hexdigest()

    def check(self) -> None:
        """JobError when the job cannot run in bounded memory: a unit holds
        its theorems while it is made, and the driver one marker per unit."""
        g = self.generate
        if g.mix:                       # the config's mix, as --mix would check it
            try:
                mix.parse(",".join(f"{n}={w}" for n, w in g.mix))
            except ValueError as exc:
                raise JobError(str(exc)) from None
        if any(generators.get(n).counted for n in ([n for n, _ in g.mix] or [g.generator])):
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
        """The job's units, as its generator cuts it."""
        gen = generators.get(self.generate.generator)
        try:
            if self.generate.mix:
                return [_unit(s, 1, name) for s, name in mix.plan(self, proof_count)]
            specs = gen.plan(self.generate, self.unit_size, self.units, proof_count)
        except ValueError as exc:
            raise JobError(str(exc)) from None
        return [_unit(s) for s in specs]

    def partition_count(self, units: int) -> int:
        # each partition holds about 64 units' worth of hashes, up to 1024
        # partitions (a dedup task reads one small slice of every unit)
        return self.partitions or min(1024, max(1, math.ceil(units / 64)))


def _unit(spec, partitions: int = 1, generator: str = "") -> Unit:
    return Unit(spec.unit, spec.count, spec.first_proof, spec.proofs, partitions, generator)


@dataclass(eq=True)
class JobStats(Mapping):
    """What the driver has done so far, as `progress` callbacks see it
    (attributes, or read like a dict: `stats["theorems"]`, `dict(stats)`)."""

    units: int = 0
    generated: int = 0           # units generated (resumed ones included)
    finalized: int = 0
    theorems: int = 0
    tokens: int = 0
    started: float = field(default_factory=time.perf_counter)
    phase: str = "generate"      # generate | dedup | finalize
    resumed: int = 0             # units found generated by an earlier run

    def __getitem__(self, key: str):
        if key not in self._FIELDS:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self):
        return iter(self._FIELDS)

    def __len__(self) -> int:
        return len(self._FIELDS)

    def count(self, marker: dict) -> None:
        """A unit's generate marker, counted."""
        self.generated += 1
        self.theorems += marker["theorems"]
        self.tokens += marker["tokens"]


JobStats._FIELDS = tuple(f.name for f in fields(JobStats))


@dataclass
class _Run:
    """Where a run stands: its units and what each phase made of them."""

    units: list[Unit]
    partitions: int
    generated: dict = field(default_factory=dict)   # unit -> generate marker
    final: dict = field(default_factory=dict)       # unit -> finalize marker (None: to do)
    kept: list = field(default_factory=list)        # per unit: theorems global dedup keeps
    quota: dict = field(default_factory=dict)       # unit -> theorems its shard ships


def run_job(db_path: str, job: JobConfig, out: str, executor,
            progress: Optional[Callable[[JobStats], None]] = None,
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
    try:
        # --from/--to: the proof range they name, fixed before the job's
        # fingerprint is taken (the same on a resume)
        job = replace(job, generate=resolve_range(job.generate, db.statements()))
    except ValueError as exc:
        raise JobError(f"{os.path.basename(db_path)}: {exc}") from None
    sha = hashlib.sha256()
    for _, data in db.sources:
        sha.update(data)
    db_sha = sha.hexdigest()
    license_id, license_line = database_license(db.sources[0][1] if db.sources else b"",
                                                job.license)
    gen = generators.get(job.generate.generator)
    lay = RunFolder(out)
    proof_count = db.proof_count
    del db
    # the executor starts before the folder is claimed: a cluster that cannot
    # be reached leaves --out as it was
    executor.start(db_path, job, out, state)
    lock = None
    try:
        lock = lay.lock()
        _claim(lay, job, db_path, db_sha)
        lay.remove_temporaries()
        units = _resumed_plan(lay, job)
        if units:
            parts = units[0].partitions
        else:
            units = job.plan(proof_count)
            parts = job.partition_count(len(units))
            units = [replace(u, partitions=parts) for u in units]
        check = Worker(db_path, job, out)      # reads markers only: never loads the database
        stats = JobStats(units=len(units))
        run = _Run(units, parts)
        generated, final = run.generated, run.final

        def on_generated(task, marker):
            generated[task[1].unit] = marker
            stats.count(marker)
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
                    stats.resumed += 1
                    stats.count(m)
            stats.units, stats.phase = len(units), "generate"
            if progress:
                progress(stats)         # where the run stands (a resumed one: what was done)
            executor.run([("generate", u) for u in fresh if u.unit not in generated],
                         on_generated)
            stats.phase = "dedup"
            executor.run([("dedup", Dedup(p, parts, len(units))) for p in range(parts)
                          if check.part_done(p, parts, len(units)) is None],
                         lambda task, m: None)
            run.kept = _kept(lay, run)
            if job.generate.mix:
                more = [_unit(s, parts, name) for s, name in
                        mix.top_up(job, units, run.kept, {u.unit for u in fresh})]
            else:
                more = [_unit(s, parts) for s in
                        gen.top_up(job.generate, job.unit_size, units, run.kept,
                                   {u.unit for u in fresh})]
            if not more:
                break
            units = run.units = units + more
            lay.write_plan(job.fingerprint(), [[u.unit, u.count, u.first_proof, u.proofs,
                                                u.partitions] + ([u.generator] if u.generator
                                                                 else [])
                                               for u in units])
        quota = run.quota = _quotas(gen, job, run)
        stats.phase = "finalize"
        if progress:
            progress(stats)

        def on_final(task, marker):
            final[task[1][0]] = marker
            stats.finalized += 1
            if progress:
                progress(stats)

        for u in units:
            f = final.get(u.unit)
            if f is not None and f.get("quota") != quota[u.unit]:
                final[u.unit] = None
        executor.run([("finalize", Finalize(u.unit, parts, quota[u.unit])) for u in units
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
    lay.remove_temporaries()
    manifest = _manifest(job, db_path, db_sha, run, executor.describe())
    lay.write_manifest(manifest)
    lay.write_card(card_text(manifest, license_id, license_line))
    if not keep_staging:
        lay.remove_staging()
    lock.close()
    return manifest


def _kept(lay: RunFolder, run: _Run) -> list[int]:
    """Theorems of each unit that global dedup keeps."""
    units, generated = run.units, run.generated
    n = units[-1].unit + 1
    dropped = np.zeros(n, dtype=np.int64)
    for p in range(run.partitions):
        d = np.load(lay.part(p), mmap_mode="r")
        dropped += np.bincount(np.asarray(d["unit"]), minlength=n)[:n]
    return [generated[u.unit]["theorems"] - int(dropped[u.unit]) for u in units]


def _resumed_plan(lay: RunFolder, job: JobConfig) -> Optional[list[Unit]]:
    """The plan a resumed run had grown to (top-up units included)."""
    rows = lay.read_plan(job.fingerprint())
    try:
        return [Unit(*row) for row in rows] if rows else None
    except TypeError:
        return None


def _quotas(gen, job: JobConfig, run: _Run) -> dict[int, int]:
    """How many kept theorems each unit's shard holds: all of them, except
    that a counted generator stops at the count asked for (in unit order);
    in a mixed run each generator stops at its share (`mix.quotas`)."""
    if job.generate.mix:
        return mix.quotas(job, run.units, run.kept)
    left = job.generate.count if gen.counted else sum(run.kept)
    quota = {}
    for u, k in zip(run.units, run.kept):
        quota[u.unit] = min(k, left)
        left -= quota[u.unit]
    return quota


def _claim(lay: RunFolder, job: JobConfig, db_path: str, db_sha: str) -> None:
    """Write job.json, or check that the folder holds this same job (same
    options, database and English templates)."""
    from ..emit.english import templates_fingerprint
    lay.claim({"format": FORMAT, "job": job.as_dict(), "fingerprint": job.fingerprint(),
               "database_sha256": db_sha, "templates_sha256": templates_fingerprint()},
              os.path.basename(db_path))


#: what a run folder holds (folder.py); `--force` removes these and nothing else
RUN_FOLDERS = RunFolder.FOLDERS
RUN_FILES = RunFolder.FILES
LOCK_FILE = RunFolder.LOCK


def clear_run(out: str) -> None:
    """Remove a run's files (only proofgen's own) so a new job can start.
    JobError, removing nothing, when `out` holds anything else."""
    RunFolder(out).clear()


def _engines() -> dict:
    """`engines.describe()` with every module that registers a pair
    imported first: the entry lists the same pairs whatever the driver
    process ran before (a manifest is a function of the job)."""
    from ..explore import deep, extract, theorem  # noqa: F401
    from ..syntax import parser, terms  # noqa: F401
    return engines.describe()


def _counts(stats) -> dict:
    """The whole-number counters of the units' generator statistics, summed."""
    out: dict[str, int] = {}
    for st in stats:
        for k, v in st.items():
            if isinstance(v, int) and not isinstance(v, bool):
                out[k] = out.get(k, 0) + v
    return out


def _by_style(markers, key: str) -> dict:
    out: dict[str, int] = {}
    for m in markers:
        for s, n in m.get(key, {}).items():
            out[s] = out.get(s, 0) + n
    return dict(sorted(out.items()))


def _budget(job: JobConfig, generated: list, final: list) -> dict:
    """The record budget's counts: shipped records of generated lemmas and
    mm/hier records citing lemmas instead of proving them (of the shards),
    and renderings left out over the budget (as rendered, before dedup)."""
    lemmas = _by_style(final, "lemma_records_by_style")
    cut = _by_style(final, "cut_to_cited_by_style")
    over = _by_style(generated, "over_budget_by_style")
    missing = _by_style(final, "missing_lemma_by_style")
    return {"max_record_tokens": job.styles.max_tokens,
            "inline_lemmas": job.styles.inline_lemmas,
            "lemma_records": sum(lemmas.values()), "lemma_records_by_style": lemmas,
            "cut_to_cited": sum(cut.values()), "cut_to_cited_by_style": cut,
            "over_budget": sum(over.values()), "over_budget_by_style": over,
            # theorem records left out because a lemma they cite has no record
            "missing_lemma": sum(missing.values()), "missing_lemma_by_style": missing}


def _manifest(job: JobConfig, db_path: str, db_sha: str, run: _Run, executor: dict) -> dict:
    from ..emit.english import template_files, templates_fingerprint
    from ..emit.tokens import TokenCounter
    units, parts, generated, kept = run.units, run.partitions, run.generated, run.kept
    final, quota = run.final, run.quota
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
        # what every record of the run shares, once (records carry `run_id`)
        "run_id": run_id(job, db_sha),
        "params": run_params(job.generate),
        "license": database_license(b"", job.license)[0] if job.license else
        license_of(db_path),
        "versions": {"proofgen": __version__, "kernel": KERNEL_VERSION,
                     "python": platform.python_version()},
        # which path of every reference/fast pair ran (PROOFGEN_ENGINE, build)
        "engines": _engines(),
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
        # --max-record-tokens: what the budget cut and what it left out
        "budget": _budget(job, [generated[u.unit] for u in units],
                          [final[u.unit] for u in shipped]),
        # what the shipped theorems are worth as text (explore/quality.py)
        "quality": Tally.merge(final[u.unit]["quality"] for u in shipped).summary(),
        # the generator's counters summed over units: candidates and what it
        # dropped, per reason (duplicates, tautologies, instances, ...)
        "generator_counts": _counts(generated[u.unit]["stats"] for u in units),
        "cpu_seconds": {k: round(v, 3) for k, v in cpu.items()},
        "rejected_by_kernel": sum(generated[u.unit]["stats"].get("rejected", 0)
                                  for u in units),
        "rejections": [r for u in units for r in generated[u.unit].get("rejections", [])][:10],
        "executor": executor,
        "templates": {"sha256": templates_fingerprint(),
                      "files": [os.path.basename(p) for p in template_files()]},
    }
    if job.generate.held_out:
        manifest["decontamination"] = _decontamination(job, manifest["generator_counts"])
    if job.generate.mix:
        manifest.update(_mix_entries(job, run))
    return manifest


def _decontamination(job: JobConfig, counts: dict) -> dict:
    """What the held-out theorems (--exclude-split) kept out of the run:
    the list by its digest, and the candidates dropped per reason."""
    from ..explore.split import REASONS, digest
    g = job.generate
    return {"held_out": len(g.held_out), "sha256": digest(g.held_out), "strict": g.strict,
            "rule": "held-out theorems are never cited nor mined; no emitted theorem or "
                    "lemma states one (up to renaming and hypothesis order) or has one as a "
                    "substitution instance (explore/split.py)"
                    + ("; with strict, assertions whose proofs cite one are held out too"
                       if g.strict else ""),
            "dropped": {k: counts.get(k, 0) for k in REASONS},
            "reasons": dict(REASONS)}


def _mix_entries(job: JobConfig, run: _Run) -> dict:
    """A mixed run's `mix` (weights, shares, theorems shipped per generator)
    and `by_generator` (each one's histograms and quality, as the run's)."""
    share = mix.shares(job.generate.count, job.generate.mix)
    by: dict = {}
    for name, _ in job.generate.mix:
        mine = [u for u in run.units if u.generator == name and run.quota[u.unit] > 0]
        hist: dict[str, dict[str, int]] = {m: {} for m in METRICS}
        for u in mine:
            for metric, h in run.final[u.unit]["histograms"].items():
                for k, v in h.items():
                    hist[metric][k] = hist[metric].get(k, 0) + v
        by[name] = {
            "units": sum(1 for u in run.units if u.generator == name),
            "theorems": sum(run.final[u.unit]["theorems"] for u in mine),
            "records": sum(run.final[u.unit]["records"] for u in mine),
            "histograms": {m: dict(sorted(h.items(), key=lambda kv: int(kv[0])))
                           for m, h in hist.items()},
            "quality": Tally.merge(run.final[u.unit]["quality"] for u in mine).summary(),
            "generator_counts": _counts(run.generated[u.unit]["stats"] for u in run.units
                                        if u.generator == name),
        }
    return {"mix": {"rule": "count split by the weights, largest remainder (run/mix.py)",
                    "weights": {n: w for n, w in job.generate.mix},
                    "shares": share,
                    "theorems": {n: by[n]["theorems"] for n in by}},
            "by_generator": by}
