"""Where a run keeps its files, and how it writes them.

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

Every file is written under a name unique to the writing process and
renamed into place, and a marker (with the sha256 of the files it vouches
for) is written after its files; so a killed run leaves only whole files,
a file is trusted only when a marker vouches for it, and two processes
redoing the same unit (a worker that outlived a killed driver) write the
same bytes.
"""
from __future__ import annotations

import hashlib
import json
import os
from typing import Optional


def unit_name(unit: int) -> str:
    return f"unit-{unit:06d}"


def part_name(part: int) -> str:
    return f"part-{part:04d}"


class Layout:
    def __init__(self, out: str):
        self.out = out

    def path(self, *parts: str) -> str:
        return os.path.join(self.out, *parts)

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

    def rel(self, path: str) -> str:
        return os.path.relpath(path, self.out)


def temp_name(path: str) -> str:
    """A temporary name next to `path`, unique to this process."""
    return f"{path}.{os.getpid()}.tmp"


def write_json(path: str, data: dict) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = temp_name(path)
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_text(path: str, text: str) -> str:
    """Write UTF-8 text atomically; returns its sha256."""
    return write_bytes(path, text.encode("utf-8"))


def write_bytes(path: str, data: bytes) -> str:
    """Write atomically; returns the sha256 of `data`."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = temp_name(path)
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return hashlib.sha256(data).hexdigest()


def read_json(path: str) -> Optional[dict]:
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def file_sha256(path: str) -> Optional[str]:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def vouched(layout: Layout, marker: Optional[dict], keys: tuple[str, ...]) -> bool:
    """The marker exists and every file it lists under `keys` is intact."""
    if marker is None:
        return False
    for key in keys:
        entry = marker.get(key)
        if not entry or file_sha256(layout.path(entry["path"])) != entry["sha256"]:
            return False
    return True
