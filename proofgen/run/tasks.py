"""The three kinds of task of a run, and the warm worker that runs them.

1. `generate` a unit: theorems (verified), their records before global
   dedup, the theorem file, the unit's hashes, a marker.
2. `dedup` a hash partition: every theorem hash h with h % partitions == p,
   across all units; the first occurrence in unit order wins (within a unit
   the factory already deduplicated); writes the (unit, hash) pairs to drop.
   Each partition holds about 1/partitions of all hashes, so dedup scales
   with the number of units instead of loading everything in one process.
3. `finalize` a unit: its records without the dropped theorems (and, for
   a counted generator such as `forward`, only as many as the count asked
   for needs), as the unit's final shard; the theorem file to match; a
   marker.

Every task is a pure function of the job and its argument: a shard is
byte-identical whichever executor, worker count or order made it.
"""
from __future__ import annotations

import itertools
import os
import time
from dataclasses import dataclass
from typing import NamedTuple, Optional

import numpy as np
import orjson

from .. import __version__
from ..emit.english import ENV_VAR, templates_fingerprint
from ..emit.notation import Notation
from ..emit.records import RECORD_METRIC, RecordMaker
from ..emit.render import INLINING_STYLES
from ..emit.shards import ShardWriter, read_lines
from ..emit.tokens import TokenCounter
from ..explore import collector, generators
from ..explore.quality import Tally, measures
from ..explore.run import GenerateConfig, generate
from ..syntax.metrics import METRICS, bucket
from .documents import doc_of, generated_assertions, needed_lemmas
from .folder import FORMAT, RunFolder
from .layout import write_bytes, write_json

KERNEL_VERSION = f"proofgen-kernel {__version__}"


@dataclass(frozen=True)
class Unit:
    """One work unit: what to generate, and nothing else (the unit's output
    depends on the job and these fields only)."""

    unit: int
    count: int
    first_proof: int = 0      # extract: the unit's slice of the database's proofs
    proofs: int = 0
    partitions: int = 1       # dedup partitions its hashes are written for
    generator: str = ""       # a mixed run (run/mix.py): the generator making it

    def config(self, base: GenerateConfig) -> GenerateConfig:
        """The generator's options for this unit (its generator says how a
        unit narrows them)."""
        if self.generator:
            from .mix import share_config
            base = share_config(base, self.generator)
        return generators.get(base.generator).unit_config(base, self)


class Dedup(NamedTuple):
    """A dedup task: hash partition `part` of `partitions`, over `units` units."""
    part: int
    partitions: int
    units: int


class Finalize(NamedTuple):
    """A finalize task: unit `unit`'s shard, `quota` theorems at most."""
    unit: int
    partitions: int
    quota: int


def run_params(config: GenerateConfig) -> dict:
    """The generator's options, as the manifest gives them once (`params`)."""
    return {k: v for k, v in config.as_dict().items() if k not in ("seed", "unit")}


def run_id(job, database_sha256: str) -> str:
    """The run's id: a hash of the job and the database (16 hex digits);
    every record carries it, the manifest says what it stands for.  The
    dedup partitions are left out: they change how the run is done, not
    its dataset."""
    import hashlib
    import json
    what = {k: v for k, v in job.as_dict().items() if k != "partitions"}
    text = json.dumps(what, sort_keys=True) + "\0" + database_sha256
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def run_meta(ctx, db_path: str, config: GenerateConfig, tokenizer: str, job=None,
             sources=()) -> dict:
    """The metadata fields every record of a unit shares (the generator's
    options are the manifest's `params`, once; records keep `run_id`)."""
    from .card import database_license
    given = getattr(job, "license", "") if job is not None else ""
    head = sources[0][1][:20_000] if sources else b""
    return {
        "database": os.path.basename(db_path),
        "database_sha256": ctx.sha256,
        "license": database_license(head, given)[0],
        "generator": config.generator,
        "run_id": run_id(job, ctx.sha256) if job is not None else "",
        "seed": config.seed,
        "unit": config.unit,
        "proofgen_version": __version__,
        "kernel_version": KERNEL_VERSION,
        "tokenizer": tokenizer,
    }


class RunIdentityError(RuntimeError):
    """A worker asked to write into a run that is not (or no longer) its own."""


class Worker:
    """A process's warm state: the database read, parsed and indexed once
    (kernel, syntax, context, notation, tokenizer) and reused by every task;
    the theorems a unit adds to the kernel are rolled back after it."""

    def __init__(self, db_path: str, job, out: str, state: Optional[tuple] = None):
        self.db_path = db_path
        self.job = job
        self.folder = RunFolder(out)
        self._state = state
        self.load_seconds = 0.0
        self._fingerprint = job.fingerprint()
        self._templates = templates_fingerprint()

    def check_identity(self) -> None:
        """Refuse to vouch for files in a folder that holds another job now
        (replaced with --force while this worker was busy), or when this
        process's templates differ from the run's (PROOFGEN_TEMPLATES set
        differently on this node): a run never mixes two jobs or wordings."""
        have = self.folder.job() or {}
        if have.get("fingerprint") != self._fingerprint:
            raise RunIdentityError(f"{self.folder.out} no longer holds this worker's job "
                                   "(it was replaced); nothing more is written")
        if have.get("templates_sha256") != self._templates:
            raise RunIdentityError(f"this worker's English templates ({ENV_VAR}) differ from "
                                   f"the run's in {self.folder.out}; set the same on every node")

    def state(self) -> tuple:
        if self._state is None:
            t = time.process_time()
            self._state = load_state(self.db_path)
            self.load_seconds = time.process_time() - t
        return self._state

    def run(self, task: tuple) -> dict:
        kind, arg = task
        if kind == "generate":
            return self.generate(arg)
        if kind == "dedup":
            return self.dedup(arg)
        if kind == "finalize":
            return self.finalize(arg)
        raise ValueError(f"unknown task {kind!r}")

    # -- 1 -------------------------------------------------------------------
    def generate(self, unit: Unit) -> dict:
        db, ctx, notation, counter = self.state()
        lay = self.folder
        config = unit.config(self.job.generate)
        mark = db.mark()
        t0 = time.process_time()
        try:
            result = generate(db, config, ctx)
        finally:
            db.rollback(mark)
        t1 = time.process_time()
        extra = generated_assertions(ctx, result.lemmas)
        memo: dict = {}
        flat_memo: dict = {}
        maker = RecordMaker(notation, self.job.styles,
                            run_meta(ctx, self.db_path, config, counter.name, self.job,
                                     db.sources),
                            config.seed, unit.unit, counter)
        staging = ShardWriter(lay.staging(unit.unit))
        facts = ShardWriter(lay.staged_theorems(unit.unit))
        hashes = []
        try:
            for t in result.theorems:
                doc = doc_of(ctx, t, extra, result.lemmas, memo)
                hashes.append(t.hash)
                facts.write_line(maker.fact_line(
                    doc, "theorem", measures(ctx, t, result.lemmas, flat_memo)))
                for line in maker.lines(doc):
                    staging.write_line(line)
            needed = needed_lemmas(result)
            for t in needed:
                facts.write_line(maker.fact_line(doc_of(ctx, t, extra, result.lemmas, memo),
                                                 "lemma",
                                                 measures(ctx, t, result.lemmas, flat_memo)))
            # records cite generated lemmas by statement; the lemmas' own
            # records prove them (in the styles `lemma_styles` says), and may
            # cite more: until every cited lemma has its records
            docs = {t.label: doc_of(ctx, t, extra, result.lemmas, memo)
                    for t in itertools.chain(result.theorems, needed)}
            todo = list(maker.cited_in)
            while todo:
                doc = docs.get(todo.pop())
                styles = maker.lemma_styles(doc) if doc is not None else []
                if styles:
                    for line in maker.add_renderings(doc, styles):
                        staging.write_line(line)
                    todo.extend(d.label for d in doc.cited_lemmas())
            self.check_identity()
        except BaseException:
            staging.abort()
            facts.abort()
            raise
        staging_info, facts_info = staging.close(), facts.close()
        hashes_sha = write_bytes(lay.hashes(unit.unit),
                                 _npy(partitioned(np.array(hashes, dtype=np.uint64),
                                                  unit.partitions)))
        t2 = time.process_time()
        marker = {
            "format": FORMAT,
            "unit": unit.unit,
            "task": {"count": unit.count, "first_proof": unit.first_proof,
                     "proofs": unit.proofs},
            "theorems": len(result.theorems),
            "records": staging_info["records"],
            "tokens": sum(maker.tokens.values()),
            "tokens_by_style": {s: n for s, n in maker.tokens.items() if n},
            # renderings over --max-record-tokens, not written (before global dedup)
            "over_budget_by_style": {s: n for s, n in maker.over_budget.items() if n},
            "staging": lay.entry(staging_info),
            "theorem_file": lay.entry(facts_info),
            "hashes": {"path": lay.rel(lay.hashes(unit.unit)), "sha256": hashes_sha},
            "stats": {k: v for k, v in result.stats.as_dict().items()
                      if k not in ("rejections", "seconds")},
            "rejections": result.stats.rejections[:20],
            "cpu_seconds": {"generate": round(t1 - t0, 3), "emit": round(t2 - t1, 3)},
            # the part of emitting spent rendering, counting tokens, compressing
            "emit_seconds": {"render": round(maker.seconds["render"], 3),
                             "tokens": round(maker.seconds["tokens"], 3),
                             "compress": round(staging.compress_seconds +
                                               facts.compress_seconds, 3)},
        }
        write_json(lay.unit_marker(unit.unit), marker)
        return marker

    # -- 2 -------------------------------------------------------------------
    def dedup(self, arg: Dedup) -> dict:
        part, partitions, units = arg
        lay = self.folder
        chunks_h, chunks_u = [], []
        for u in range(units):
            # only this partition's slice of each unit's file is read
            mine = np.array(partition_slice(np.load(lay.hashes(u), mmap_mode="r"), part,
                                            partitions))
            chunks_h.append(mine)
            chunks_u.append(np.full(len(mine), u, dtype=np.int64))
        hashes = np.concatenate(chunks_h) if chunks_h else np.zeros(0, np.uint64)
        owner = np.concatenate(chunks_u) if chunks_u else np.zeros(0, np.int64)
        order = np.lexsort((owner, hashes))          # by hash, then unit
        hashes, owner = hashes[order], owner[order]
        later = np.zeros(len(hashes), dtype=bool)
        later[1:] = hashes[1:] == hashes[:-1]       # not the first unit holding it
        drops = np.zeros(int(later.sum()), dtype=[("unit", "<i8"), ("hash", "<u8")])
        drops["unit"], drops["hash"] = owner[later], hashes[later]
        drops.sort(order=("unit", "hash"))
        sha = write_bytes(lay.part(part), _npy(drops))
        marker = {"format": FORMAT, "part": part, "partitions": partitions, "units": units,
                  "hashes": int(len(hashes)), "dropped": int(len(drops)),
                  "file": {"path": lay.rel(lay.part(part)), "sha256": sha}}
        self.check_identity()
        write_json(lay.part_marker(part), marker)
        return marker

    # -- 3 -------------------------------------------------------------------
    def finalize(self, arg: Finalize) -> dict:
        u, partitions, quota = arg
        lay = self.folder
        drop: set[str] = set()
        for p in range(partitions):
            d = np.load(lay.part(p), mmap_mode="r")
            lo, hi = np.searchsorted(d["unit"], [u, u + 1])
            drop.update(f"{int(h):016x}" for h in d["hash"][lo:hi])
        # first pass: what every record cites, which records lack a cited
        # lemma's record (left out over the budget), which theorems ship
        # (dedup, quota), and so which lemma records ship with them
        cites: dict[tuple, list[str]] = {}        # (label, style) -> cited_lemmas
        labels: dict[str, list] = {}              # label -> its (label, style) keys
        theorems: list[tuple] = []                # (hash, key) of theorem records
        for line in read_lines(lay.staging(u)):
            meta = orjson.loads(line)["metadata"]
            key = (meta["label"], meta["style"])
            cites[key] = meta.get("cited_lemmas", "").split()
            labels.setdefault(key[0], []).append(key)
            if meta.get("role", "theorem") == "theorem":
                theorems.append((meta["hash"], key))
        missing = _missing_lemmas(cites, labels)
        seen: set[str] = set()
        dropped = set()
        shipped: list[tuple] = []
        for h, key in theorems:
            if key in missing:
                continue
            if h in drop:
                dropped.add(h)
                continue
            if h not in seen and len(seen) == quota:
                continue                # beyond the count asked for
            seen.add(h)
            shipped.append(key)
        # the lemma records the shipped records cite: in the citing record's
        # style where there is one (always for mm), else any of the lemma's
        need: set[tuple] = set()
        stack = list(shipped)
        while stack:
            label, style = stack.pop()
            for lab in cites.get((label, style), ()):
                for key in _lemma_keys(lab, style, cites, labels, missing)[:1]:
                    if key not in need:
                        need.add(key)
                        stack.append(key)
        out = ShardWriter(lay.shard(u))
        tokens: dict[str, int] = {}
        records: dict[str, int] = {}
        lemma_records: dict[str, int] = {}
        cut: dict[str, int] = {}
        hist: dict[str, dict[str, int]] = {m: {} for m in METRICS}
        counted: set[str] = set()
        try:
            for line in read_lines(lay.staging(u)):
                rec = orjson.loads(line)
                meta = rec["metadata"]
                h, label = meta["hash"], meta["label"]
                theorem = meta.get("role", "theorem") == "theorem"
                key = (label, meta["style"])
                if theorem and h in seen and key not in missing:
                    pass
                elif key in need and h not in drop:
                    # (a theorem shipped by an earlier unit is shipped there)
                    if theorem:
                        # a theorem beyond the count that a shipped one cites
                        meta["role"] = "lemma"
                        line = orjson.dumps(rec).decode() + "\n"
                    s = meta["style"]
                    lemma_records[s] = lemma_records.get(s, 0) + 1
                else:
                    continue
                out.write_line(line)
                s = meta["style"]
                tokens[s] = tokens.get(s, 0) + meta["tokens"]
                records[s] = records.get(s, 0) + 1
                if s in INLINING_STYLES and meta.get("cited_lemmas"):
                    cut[s] = cut.get(s, 0) + 1
                if theorem and meta["role"] == "theorem" and h not in counted:
                    counted.add(h)
                    for m in METRICS:
                        b = str(bucket(meta[RECORD_METRIC.get(m, m)]))
                        hist[m][b] = hist[m].get(b, 0) + 1
            self.check_identity()
        except BaseException:
            out.abort()
            raise
        info = out.close()
        facts, quality = _final_theorems(lay, u, seen)
        marker = {"format": FORMAT, "unit": u, "quota": quota, "theorems": len(seen),
                  "dropped_theorems": len(dropped), "records": info["records"],
                  "records_by_style": records, "tokens": sum(tokens.values()),
                  "tokens_by_style": tokens,
                  # generated lemmas shipped as records because shipped records
                  # cite them; mm and hier records citing lemmas instead of proving them
                  "lemma_records_by_style": lemma_records, "cut_to_cited_by_style": cut,
                  # theorem records left out: a lemma they cite has no record
                  "missing_lemma_by_style": _count_styles(k for _, k in theorems
                                                          if k in missing),
                  "histograms": hist, "shard": lay.entry(info),
                  "theorem_file": facts, "quality": quality}
        write_json(lay.done_marker(u), marker)
        return marker

    # -- what is already done -------------------------------------------------
    def unit_generated(self, u: int, need_staging: bool) -> Optional[dict]:
        return self.folder.generated_marker(u, need_staging)

    def part_done(self, p: int, partitions: int, units: int) -> Optional[dict]:
        return self.folder.dedup_marker(p, partitions, units)

    def unit_final(self, u: int) -> Optional[dict]:
        return self.folder.final_marker(u)


def _count_styles(keys) -> dict:
    out: dict[str, int] = {}
    for _, style in keys:
        out[style] = out.get(style, 0) + 1
    return out


def _lemma_keys(lab: str, style: str, cites: dict, labels: dict, missing: set) -> list:
    """The records (label, style) that can stand for lemma `lab` cited by a
    record in `style`: its own in that style first; an `mm` record only by
    an `mm` one (its blocks are checked after them)."""
    own = (lab, style)
    if style == "mm":
        return [own] if own in cites and own not in missing else []
    keys = [own] if own in cites and own not in missing else []
    return keys + [k for k in labels.get(lab, ()) if k != own and k not in missing]


def _missing_lemmas(cites: dict, labels: dict) -> set:
    """The records citing a lemma that has no record to stand for it (every
    one over the budget), directly or through the lemmas' own records."""
    missing: set = set()
    changed = True
    while changed:
        changed = False
        for key, labs in cites.items():
            if key not in missing and any(
                    not _lemma_keys(lab, key[1], cites, labels, missing) for lab in labs):
                missing.add(key)
                changed = True
    return missing


def _final_theorems(lay: RunFolder, u: int, kept: set[str]) -> tuple[dict, dict]:
    """The unit's theorem file for its final shard: the kept theorems, and
    the generated results they cite (directly or not) as lemmas, a dropped
    theorem among them; in the staged order, which cites before use.  With
    the kept theorems' quality figures summed (`explore.quality.Tally`)."""
    lines = list(read_lines(lay.staged_theorems(u)))
    rows = [orjson.loads(line) for line in lines]
    by_label = {r["label"]: r for r in rows}
    need: set[str] = set()
    stack = [r for r in rows if r["role"] == "theorem" and r["hash"] in kept]
    while stack:
        r = stack.pop()
        for label in r["uses"]:
            if label in by_label and label not in need:
                need.add(label)
                stack.append(by_label[label])
    out = ShardWriter(lay.theorems(u))
    tally = Tally()
    try:
        for line, r in zip(lines, rows):
            if r["role"] == "theorem" and r["hash"] in kept:
                out.write_line(line)
                tally.add(r["quality"], instance=bool(r.get("instance_of")))
            elif r["label"] in need:
                out.write_line(orjson.dumps({**r, "role": "lemma"}).decode() + "\n")
    except BaseException:
        out.abort()
        raise
    return lay.entry(out.close()), tally.as_dict()


def load_state(db_path: str, db=None, ctx=None, novelty: bool = False) -> tuple:
    """(database, context, notation, token counter): what a worker keeps.
    `novelty`: also make the instance index every generator consults
    (novelty.py), as a driver does before it forks its workers, so they
    share its start (the tree grows in each worker as its lookups walk it)."""
    from ..explore.context import Context
    from ..kernel import GENERATION_LIMITS, load
    db = db if db is not None else load(db_path, limits=GENERATION_LIMITS)
    ctx = ctx if ctx is not None else Context.of(db)
    if novelty:
        from ..explore.novelty import InstanceIndex
        InstanceIndex.of(ctx)
    state = db, ctx, Notation.of(ctx.syn, db.sources), TokenCounter()
    # millions of long-lived objects: out of the collector's sight (collector.py)
    collector.settle_loaded()
    return state


def partitioned(hashes: np.ndarray, partitions: int) -> np.ndarray:
    """A unit's hash file: [P, offsets (P + 1), hashes grouped by partition
    (h % P), each group in the unit's order], so a dedup task reads only its
    own slice of every unit."""
    part = hashes % np.uint64(partitions)
    order = np.argsort(part, kind="stable")
    offsets = np.searchsorted(part[order], np.arange(partitions + 1, dtype=np.uint64))
    return np.concatenate([np.array([partitions], np.uint64), offsets.astype(np.uint64),
                           hashes[order]])


def partition_slice(data: np.ndarray, part: int, partitions: int) -> np.ndarray:
    if int(data[0]) != partitions:
        raise ValueError(f"hash file written for {int(data[0])} partitions, not {partitions}")
    lo, hi = int(data[1 + part]), int(data[2 + part])
    return data[2 + partitions + lo:2 + partitions + hi]


def unit_hashes(data: np.ndarray) -> np.ndarray:
    """Every hash of a unit's hash file (grouped by partition)."""
    return data[2 + int(data[0]):]


def _npy(array: np.ndarray) -> bytes:
    import io
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()
