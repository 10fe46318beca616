"""Reading a run folder: a reader trusts only what the manifest vouches for.

`check_run(DIR)` is what `cat`, `report` and `export-mm` do before they
read a record: the run is finished (its manifest is written last), every
shard and theorem file the manifest lists is there with its size and
sha256, and no other file sits among them.  A damaged, cut, edited,
emptied or stray file is an error naming it, before anything is printed.
"""
from __future__ import annotations

import json
import os

from .layout import file_sha256


class RunFolderError(ValueError):
    """A run folder a reader must not trust; the message says why."""


class RunFilesError(RunFolderError):
    """A finished run whose files differ from what its manifest lists."""


def read_manifest(run_dir: str) -> dict:
    path = os.path.join(run_dir, "manifest.json")
    if not os.path.isdir(run_dir):
        raise RunFolderError(f"{run_dir} is not a folder (no shards: not a proofgen run?)")
    try:
        with open(path) as f:
            manifest = json.load(f)
    except FileNotFoundError:
        if os.path.exists(os.path.join(run_dir, "job.json")):
            raise RunFolderError(
                f"{run_dir} is not a finished run: it has no manifest.json yet (still "
                "running, or stopped: rerun the same generate command to finish it)") from None
        raise RunFolderError(f"{run_dir} is not a run folder (no manifest.json: not a "
                             "finished run of proofgen generate)") from None
    except (OSError, ValueError) as exc:
        raise RunFolderError(f"{path}: cannot be read ({exc})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("shards"), list):
        raise RunFolderError(f"{path} is not a proofgen manifest")
    return manifest


def check_run(run_dir: str) -> dict:
    """The manifest of a finished run whose files are exactly what it lists
    (names, sizes, sha256); RunFolderError otherwise."""
    manifest = read_manifest(run_dir)
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
