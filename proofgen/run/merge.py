"""Dedup across runs: `proofgen dedup RUN... -o OUT`.

Runs made with other seeds, generators or options overlap (two forward
runs of set.mm share a few percent of their theorems).  `dedup_runs` reads
the runs' shards in the order given, keeps every record of a theorem
(`metadata.hash`, the canonical statement hash global dedup uses inside a
run) from the first run that has it, and drops that theorem's records from
the later runs.  Each run is checked against its manifest first (files,
sizes, digests), and the runs must come from one database: the hash of a
statement is only comparable within one grammar.

OUT gets `shards/part-NNNNNN.jsonl.zst` (records in input order) and
`manifest.json` (format `proofgen-dedup/1`: the inputs with their run ids
and what was kept of each, the shards with their digests, the rule).  The
manifest is written last, so a folder without one is unfinished.
"""
from __future__ import annotations

import json
import os
import shutil
from typing import Callable, Optional, Sequence

from ..emit.shards import ShardWriter, read_shard
from .folder import RunFolder, RunFolderError

FORMAT = "proofgen-dedup/1"
RULE = ("a theorem (metadata.hash) in several runs keeps its records from the first run "
        "given and loses them in the later ones")
#: records per output shard
SHARD_RECORDS = 100_000


class MergeError(ValueError):
    """Runs that cannot be deduplicated together, or an output in the way."""


def dedup_runs(run_dirs: Sequence[str], out: str, force: bool = False,
               progress: Optional[Callable[[str], None]] = None) -> dict:
    """Write the records of `run_dirs` without repeated theorems to `out`
    (see the module docstring); returns the manifest.  MergeError for runs
    that are unfinished, damaged or of different databases, or an `out`
    that holds something (unless `force`)."""
    if not run_dirs:
        raise MergeError("no run to read")
    real = [os.path.realpath(d) for d in run_dirs]
    if len(set(real)) < len(real):
        raise MergeError("a run is given twice")
    if os.path.realpath(out) in real:
        raise MergeError(f"-o {out} is one of the runs read")
    manifests = []
    for d in run_dirs:
        try:
            manifests.append(RunFolder(d).check())
        except RunFolderError as exc:
            raise MergeError(str(exc)) from None
    shas = {m["database_sha256"] for m in manifests}
    if len(shas) > 1:
        first = manifests[0]
        other = next(m for m in manifests if m["database_sha256"] != first["database_sha256"])
        raise MergeError(f"the runs come from different databases ({first['database']} and "
                         f"{other['database']}, by their sha256): their theorem hashes are "
                         "not comparable")
    _prepare(out, force)
    seen: set[str] = set()
    inputs, shards = [], []
    writer: Optional[ShardWriter] = None

    def next_writer() -> ShardWriter:
        return ShardWriter(os.path.join(out, "shards", f"part-{len(shards):06d}.jsonl.zst"))

    try:
        for d, m in zip(run_dirs, manifests):
            mine: set[str] = set()          # this run's theorems (a theorem has many records)
            kept_records = dropped_records = 0
            for entry in m["shards"]:
                path = os.path.join(d, entry["path"])
                for k, rec in enumerate(read_shard(path), 1):
                    h = (rec.get("metadata") or {}).get("hash")
                    if not isinstance(h, str) or not h:
                        raise MergeError(f"{path}: record {k} has no metadata.hash")
                    if h in seen and h not in mine:
                        dropped_records += 1
                        continue
                    mine.add(h)
                    if writer is None:
                        writer = next_writer()
                    writer.write(rec)
                    kept_records += 1
                    if writer.records >= SHARD_RECORDS:
                        shards.append(_relative(writer.close(), out))
                        writer = None
            fresh = mine - seen
            seen |= mine
            inputs.append({"run": d, "run_id": m.get("run_id"), "generator":
                           m["config"]["generate"].get("generator"),
                           "theorems": m["theorems"], "records": m["records"],
                           "kept_theorems": len(fresh), "kept_records": kept_records,
                           "dropped_records": dropped_records})
            if progress:
                progress(f"{d}: kept {len(fresh):,} of {m['theorems']:,} theorems")
        if writer is not None:
            shards.append(_relative(writer.close(), out))
            writer = None
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    manifest = {"format": FORMAT, "rule": RULE,
                "database": manifests[0]["database"],
                "database_sha256": manifests[0]["database_sha256"],
                "inputs": inputs,
                "theorems": len(seen),
                "records": sum(i["kept_records"] for i in inputs),
                "dropped_records": sum(i["dropped_records"] for i in inputs),
                "shards": shards}
    tmp = os.path.join(out, "manifest.json.tmp")
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    os.replace(tmp, os.path.join(out, "manifest.json"))
    return manifest


def _relative(entry: dict, out: str) -> dict:
    entry = dict(entry)
    entry["path"] = os.path.relpath(entry["path"], out)
    return entry


def _prepare(out: str, force: bool) -> None:
    if os.path.exists(out) and not os.path.isdir(out):
        raise MergeError(f"-o {out}: exists and is not a folder")
    if os.path.isdir(out) and os.listdir(out):
        if not force:
            raise MergeError(f"-o {out}: not empty (--force replaces what it holds)")
        if os.path.exists(os.path.join(out, "job.json")):
            raise MergeError(f"-o {out} holds a run; choose another folder")
        shutil.rmtree(os.path.join(out, "shards"), ignore_errors=True)
        try:
            os.unlink(os.path.join(out, "manifest.json"))
        except FileNotFoundError:
            pass
    os.makedirs(os.path.join(out, "shards"), exist_ok=True)

