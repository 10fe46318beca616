"""Writing a run's files: atomically, under names unique to the writer.

The run folder's layout, and everything written to or read from it, is
`folder.RunFolder`'s; these are the file primitives it (and the tasks)
write with.  Every file is written under a name unique to the writing
process and renamed into place, so a killed run leaves only whole files,
and two processes redoing the same unit write the same bytes.
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
