"""A run folder: its layout, and everything written to it or read from it.

    DIR/run.lock                      held (flock) by the driver writing the run
    DIR/job.json                      the job (config, database hash): a rerun
                                      of another job into DIR is refused
    DIR/plan.json                     the units, once dedup made the run add
                                      some to reach the count asked for
    DIR/staging/unit-000000.jsonl.zst  a unit's records before global dedup
    DIR/staging/unit-000000.theorems.jsonl.zst  and its theorems as data
    DIR/hashes/unit-000000.npy        a unit's theorem hashes, in order
    DIR/units/unit-000000.json        phase 1 marker: the unit is generated
    DIR/dedup/part-0000.npy           phase 2: (unit, hash) pairs to drop
    DIR/dedup/part-0000.json          phase 2 marker
    DIR/shards/unit-000000.jsonl.zst  the dataset: records after global dedup
    DIR/theorems/unit-000000.jsonl.zst the shard's theorems as data, with the
                                      generated lemmas they cite (export-mm)
    DIR/done/unit-000000.json         phase 3 marker: the unit's shard is final
    DIR/manifest.json                 written when the run is complete
    DIR/README.md                     the dataset card (Hugging Face YAML
                                      header: shards as `train`, fixed features)
    DIR/report/                       `proofgen report`'s pictures, if asked for

Writing: every file is written under a name unique to the writing process
and renamed into place (layout.py), and a marker (with the sha256 of the
files it vouches for) is written after its files; so a killed run leaves
only whole files and temporaries (`remove_temporaries`), a file is trusted
only when a marker vouches for it, and two processes redoing the same unit
write the same bytes.  One driver at a time holds `run.lock`.

Reading: a reader trusts only what the manifest vouches for.  `check()` is
what `cat`, `report` and `export-mm` do before they read a record: the run
is finished (its manifest is written last), every shard and theorem file
the manifest lists is there with its size and sha256, and no other file
sits among them; a damaged, cut, edited, emptied or stray file is an error
naming it, before anything is printed.
"""
from __future__ import annotations

import fcntl
import glob
import json
import os
import shutil
import socket
import time
from typing import Iterable, Iterator, Optional

from ..emit.shards import ShardError, read_shard
from .layout import file_sha256, part_name, read_json, unit_name, write_json, write_text

#: 3: fixed record schema (lists as Metamath text); 4: instance_of; 5: license,
#: run_id (params once, in the manifest), statement_nodes, ids by rendering index;
#: 6: role, cited_lemmas, source_theorem, source_step, lemma records, the budget
FORMAT = "proofgen-run/6"


class RunFolderError(ValueError):
    """A run folder a reader must not trust; the message says why."""


class RunFilesError(RunFolderError):
    """A finished run whose files differ from what its manifest lists."""


class JobError(ValueError):
    """A job that cannot run as asked: its folder holds something else or is
    being written, or the job is beyond a run's bounds."""


class RunFolder:
    """The run folder `out`: paths, atomic writes, markers, the lock, the
    manifest, and the readers."""

    LOCK = "run.lock"
    #: what a run folder holds; `--force` removes these and nothing else
    FOLDERS = ("staging", "theorems", "hashes", "units", "dedup", "shards", "done", "report")
    FILES = ("manifest.json", "plan.json", "job.json", "README.md", LOCK)
    #: where writers leave temporaries
    _WRITTEN = ("staging", "theorems", "hashes", "units", "dedup", "shards", "done")

    def __init__(self, out: str):
        self.out = out

    # -- where things are --------------------------------------------------
    def path(self, *parts: str) -> str:
        return os.path.join(self.out, *parts)

    def rel(self, path: str) -> str:
        return os.path.relpath(path, self.out)

    def staging(self, u: int) -> str:
        return self.path("staging", unit_name(u) + ".jsonl.zst")

    def staged_theorems(self, u: int) -> str:
        return self.path("staging", unit_name(u) + ".theorems.jsonl.zst")

    def theorems(self, u: int) -> str:
        return self.path("theorems", unit_name(u) + ".jsonl.zst")

    def hashes(self, u: int) -> str:
        return self.path("hashes", unit_name(u) + ".npy")

    def unit_marker(self, u: int) -> str:
        return self.path("units", unit_name(u) + ".json")

    def part(self, p: int) -> str:
        return self.path("dedup", part_name(p) + ".npy")

    def part_marker(self, p: int) -> str:
        return self.path("dedup", part_name(p) + ".json")

    def shard(self, u: int) -> str:
        return self.path("shards", unit_name(u) + ".jsonl.zst")

    def done_marker(self, u: int) -> str:
        return self.path("done", unit_name(u) + ".json")

    # -- markers -------------------------------------------------------------
    def entry(self, info: dict) -> dict:
        """A written file as a marker or the manifest lists it."""
        return {"path": self.rel(info["path"]), "records": info["records"],
                "bytes": info["bytes"], "uncompressed_bytes": info["uncompressed_bytes"],
                "sha256": info["sha256"]}

    def vouched(self, marker: Optional[dict], keys: tuple[str, ...]) -> bool:
        """The marker exists and every file it lists under `keys` is intact."""
        if marker is None:
            return False
        for key in keys:
            entry = marker.get(key)
            if not entry or file_sha256(self.path(entry["path"])) != entry["sha256"]:
                return False
        return True

    def generated_marker(self, u: int, need_staging: bool) -> Optional[dict]:
        """Unit u's phase 1 marker, if its hashes (and, when `need_staging`,
        its staged files) are intact."""
        m = read_json(self.unit_marker(u))
        keys = ("hashes",) + (("staging", "theorem_file") if need_staging else ())
        return m if self.vouched(m, keys) else None

    def dedup_marker(self, p: int, partitions: int, units: int) -> Optional[dict]:
        """Partition p's phase 2 marker, if written for this many partitions
        and units and its file is intact."""
        m = read_json(self.part_marker(p))
        ok = (m is not None and m.get("partitions") == partitions and m.get("units") == units
              and self.vouched(m, ("file",)))
        return m if ok else None

    def final_marker(self, u: int) -> Optional[dict]:
        """Unit u's phase 3 marker, if its shard and theorem file are intact."""
        m = read_json(self.done_marker(u))
        return m if self.vouched(m, ("shard", "theorem_file")) else None

    # -- the job, the plan, the manifest -------------------------------------
    def job(self) -> Optional[dict]:
        return read_json(self.path("job.json"))

    def claim(self, want: dict, database: str) -> None:
        """Write job.json (`want`: format, job, fingerprint, database and
        templates sha256), or check that the folder holds this same job.
        JobError naming what differs otherwise."""
        have = self.job()
        job_json = self.path("job.json")
        if have is None:
            if os.path.isfile(job_json):
                raise JobError(f"{job_json} is damaged, so the run in {self.out} "
                               "cannot be resumed; --force replaces it")
            if os.path.isdir(self.out) and set(os.listdir(self.out)) - {self.LOCK}:
                raise JobError(f"{self.out} is not empty and holds no proofgen job; choose "
                               "another --out")
            write_json(job_json, {**want, "database": database})
            return
        if have.get("format") != FORMAT:
            raise JobError(f"{self.out} holds a run written by another proofgen format "
                           f"({have.get('format')}, this one writes {FORMAT}); choose another "
                           "--out (or --force to replace it)")
        db_sha = want["database_sha256"]
        if have.get("fingerprint") != want["fingerprint"] or \
                have.get("database_sha256") != db_sha:
            what = "database" if have.get("database_sha256") != db_sha else "options"
            raise JobError(f"{self.out} holds a run of another job (different {what}); rerun "
                           "the same command to resume it, or choose another --out "
                           "(or --force to replace it)")
        if have.get("templates_sha256") != want["templates_sha256"]:
            raise JobError(f"{self.out} holds a run rendered with other English templates "
                           "(PROOFGEN_TEMPLATES or the shipped templates changed); resuming "
                           "would mix two wordings: set them back, or --force to start over")

    def read_plan(self, fingerprint: str) -> Optional[list[list[int]]]:
        """The unit rows a resumed run of this job had grown to (top-up
        units included), or None."""
        data = read_json(self.path("plan.json"))
        if not data or data.get("fingerprint") != fingerprint:
            return None
        try:
            return [list(map(int, row)) for row in data["units"]]
        except (KeyError, TypeError, ValueError):
            return None

    def write_plan(self, fingerprint: str, rows: list[list[int]]) -> None:
        write_json(self.path("plan.json"), {"format": FORMAT, "fingerprint": fingerprint,
                                            "units": rows})

    def write_manifest(self, manifest: dict) -> None:
        write_json(self.path("manifest.json"), manifest)

    def write_card(self, text: str) -> None:
        write_text(self.path("README.md"), text)

    # -- the driver's hold on the folder --------------------------------------
    def lock(self):
        """Hold the run's lock (`run.lock`, flock) for as long as the returned
        file is open: one driver per run folder, whatever the executor.  A
        second driver is refused at once (JobError), with the holder's host
        and pid."""
        os.makedirs(self.out, exist_ok=True)
        f = open(self.path(self.LOCK), "a+")
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            f.close()
            raise JobError(f"{self.out} is being written by another proofgen run ({holder}); "
                           "wait for it to end, or choose another --out") from None
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()} on {socket.gethostname()}, since "
                f"{time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        f.flush()
        return f

    def remove_temporaries(self) -> None:
        """Half-written files of a run that was killed (never vouched for)."""
        for sub in self._WRITTEN:
            folder = self.path(sub)
            if os.path.isdir(folder):
                for name in os.listdir(folder):
                    if name.endswith(".tmp"):
                        os.unlink(os.path.join(folder, name))
        if os.path.isdir(self.out):
            for name in os.listdir(self.out):
                if name.endswith(".tmp"):
                    os.unlink(self.path(name))

    def remove_staging(self) -> None:
        shutil.rmtree(self.path("staging"), ignore_errors=True)

    def clear(self) -> None:
        """Remove a run's files (only proofgen's own) so a new job can start.
        JobError, removing nothing, when the folder holds anything else."""
        out = self.out
        if not os.path.isdir(out) or not os.listdir(out):
            return
        strangers = sorted(set(os.listdir(out)) - set(self.FOLDERS) - set(self.FILES))
        if strangers:
            # checked before anything is removed: a folder that holds anything
            # proofgen did not write is someone's, whatever its job.json says
            raise JobError(f"--force replaces a proofgen run, but {out} is not empty: it "
                           f"holds files proofgen did not write ({', '.join(strangers[:3])}"
                           f"{', ...' if len(strangers) > 3 else ''}); nothing was removed: "
                           "move them or choose another --out")
        if set(os.listdir(out)) - {self.LOCK} and not os.path.isfile(self.path("job.json")):
            raise JobError(f"--force replaces a proofgen run, but {out} holds no proofgen job "
                           "(job.json is missing); nothing was removed: choose another --out")
        lock = self.lock()           # never under a driver that is writing the run
        try:
            for sub in self.FOLDERS:
                shutil.rmtree(self.path(sub), ignore_errors=True)
            for name in self.FILES:
                if name != self.LOCK:
                    try:
                        os.unlink(self.path(name))
                    except FileNotFoundError:
                        pass
        finally:
            lock.close()

    # -- reading a finished run ------------------------------------------------
    def manifest(self) -> dict:
        """The manifest as it stands (unchecked); RunFolderError when the
        folder is no finished run."""
        run_dir = self.out
        path = self.path("manifest.json")
        if not os.path.isdir(run_dir):
            raise RunFolderError(f"{run_dir} is not a folder (no shards: not a proofgen run?)")
        try:
            with open(path) as f:
                data = json.load(f)
        except FileNotFoundError:
            if os.path.exists(self.path("job.json")):
                raise RunFolderError(
                    f"{run_dir} is not a finished run: it has no manifest.json yet (still "
                    "running, or stopped: rerun the same generate command to finish it)") \
                    from None
            raise RunFolderError(f"{run_dir} is not a run folder (no manifest.json: not a "
                                 "finished run of proofgen generate)") from None
        except (OSError, ValueError) as exc:
            raise RunFolderError(f"{path}: cannot be read ({exc})") from None
        if not isinstance(data, dict) or not isinstance(data.get("shards"), list):
            raise RunFolderError(f"{path} is not a proofgen manifest")
        if data.get("format") != FORMAT:
            raise RunFolderError(f"{run_dir} was written in another proofgen run format "
                                 f"({data.get('format')}; this proofgen reads {FORMAT}): its "
                                 "records have other fields; regenerate it with this version")
        return data

    def check(self) -> dict:
        """The manifest of a finished run whose files are exactly what it
        lists (names, sizes, sha256); RunFolderError otherwise."""
        run_dir = self.out
        manifest = self.manifest()
        for key, folder in (("shards", "shards"), ("theorem_files", "theorems")):
            listed = set()
            for entry in manifest.get(key, []):
                rel = entry.get("path", "")
                path = os.path.join(run_dir, rel)
                listed.add(os.path.normpath(rel))
                try:
                    size = os.path.getsize(path)
                except OSError:
                    raise RunFilesError(f"{path}: listed in the manifest but missing") from None
                if size != entry.get("bytes"):
                    raise RunFilesError(f"{path}: {size:,} bytes, the manifest says "
                                        f"{entry.get('bytes'):,} (cut short or changed)")
                if file_sha256(path) != entry.get("sha256"):
                    raise RunFilesError(f"{path}: its sha256 differs from the manifest's "
                                        "(the file was changed or damaged)")
            where = os.path.join(run_dir, folder)
            present = set(os.listdir(where)) if os.path.isdir(where) else set()
            strays = sorted(n for n in present if os.path.join(folder, n) not in listed)
            if strays:
                raise RunFilesError(f"{where}: {', '.join(strays[:3])}"
                                    f"{' ...' if len(strays) > 3 else ''} not listed in the "
                                    "manifest (a file from elsewhere, or a changed run)")
        return manifest

    def shard_paths(self, manifest: Optional[dict]) -> list[str]:
        """The shards a manifest lists; with no manifest (an unfinished run,
        read unchecked), the shards written so far."""
        if manifest is None:
            return sorted(glob.glob(self.path("shards", "*.jsonl.zst")))
        return [self.path(e["path"]) for e in manifest.get("shards", [])]

    def theorem_paths(self, manifest: dict) -> list[str]:
        return [self.path(e["path"]) for e in manifest.get("theorem_files", [])]

    def records(self, manifest: Optional[dict], limit: int = 0) -> Iterator[dict]:
        """The dataset's records, shard by shard (see `shard_paths`)."""
        return self.read(self.shard_paths(manifest), limit)

    def theorem_rows(self, manifest: dict) -> Iterator[dict]:
        """The theorem files' rows: shipped theorems and the lemmas they cite."""
        return self.read(self.theorem_paths(manifest))

    @staticmethod
    def read(paths: Iterable[str], limit: int = 0) -> Iterator[dict]:
        """The rows of zstd JSON-lines files, at most `limit` (0: all); a
        file that cannot be read is a RunFilesError naming it."""
        n = 0
        for path in paths:
            try:
                for row in read_shard(path):
                    yield row
                    n += 1
                    if limit and n >= limit:
                        return
            except ShardError as exc:            # names the file and the record
                raise RunFilesError(str(exc)) from None
            except OSError as exc:
                raise RunFilesError(f"{path}: {exc}") from None


def read_manifest(run_dir: str) -> dict:
    """`RunFolder(run_dir).manifest()`."""
    return RunFolder(run_dir).manifest()


def check_run(run_dir: str) -> dict:
    """`RunFolder(run_dir).check()`."""
    return RunFolder(run_dir).check()
