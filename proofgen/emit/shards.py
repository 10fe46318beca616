"""Shards: JSON lines compressed with zstandard, many frames per file.

A shard is written under a temporary name (unique to the process) and
renamed when complete, so a reader (or a resumed run) never sees half a
shard.  Records are grouped into independent zstd frames of about
`frame_bytes` of JSON each: readers that stream (`zstdcat`, Hugging Face
`datasets`) read them as one stream, and a damaged frame costs only its own
records.  The sha256 and size of what was
written are computed on the way, for the manifest.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import time
from typing import Iterator

import orjson
import zstandard

LEVEL = 3


class ShardWriter:
    def __init__(self, path: str, level: int = LEVEL, frame_bytes: int = 1 << 20):
        self.path = path
        # unique to the writing process: two processes redoing the same
        # shard never write into one file (they produce the same bytes)
        self.tmp = f"{path}.{os.getpid()}.tmp"
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        self._f = open(self.tmp, "wb")
        self._cctx = zstandard.ZstdCompressor(level=level, write_content_size=True,
                                              write_checksum=True)
        self._frame_bytes = frame_bytes
        self._parts: list[str] = []
        self._pending = 0
        self._sha = hashlib.sha256()
        self.records = 0
        self.bytes = 0
        self.raw_bytes = 0
        self.compress_seconds = 0.0

    def write(self, record: dict) -> None:
        self.write_line(orjson.dumps(record).decode() + "\n")

    def write_line(self, line: str) -> None:
        """One record already serialised as a JSON line (ending in newline)."""
        self._parts.append(line)
        self._pending += len(line)
        self.records += 1
        if self._pending >= self._frame_bytes:
            self._flush()

    def _flush(self) -> None:
        if not self._parts:
            return
        t0 = time.perf_counter()
        data = "".join(self._parts).encode("utf-8")
        self.raw_bytes += len(data)
        frame = self._cctx.compress(data)
        self.compress_seconds += time.perf_counter() - t0
        self._f.write(frame)
        self._sha.update(frame)
        self.bytes += len(frame)
        self._parts = []
        self._pending = 0

    def close(self) -> dict:
        """Finish the shard: flush, fsync, rename into place."""
        self._flush()
        self._f.flush()
        os.fsync(self._f.fileno())
        self._f.close()
        os.replace(self.tmp, self.path)
        return {"path": self.path, "records": self.records, "bytes": self.bytes,
                "uncompressed_bytes": self.raw_bytes, "sha256": self._sha.hexdigest()}

    def abort(self) -> None:
        self._f.close()
        try:
            os.unlink(self.tmp)
        except FileNotFoundError:
            pass

    def __enter__(self) -> "ShardWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()


class ShardError(ValueError):
    """A shard that cannot be read: damaged, truncated or not a shard."""


def read_frames(path: str, chunk: int = 1 << 20) -> Iterator[str]:
    """The text of each zstd frame of a shard, once the whole frame is read
    and its checksum checked: a reader never sees a line of a damaged frame.
    Raises zstandard.ZstdError (damaged frame), ValueError (cut short)."""
    dctx = zstandard.ZstdDecompressor()
    with open(path, "rb") as f:
        obj = dctx.decompressobj()
        parts: list[bytes] = []
        started = False
        pending = b""
        while True:
            block = pending or f.read(chunk)
            pending = b""
            if not block:
                break
            started = True
            parts.append(obj.decompress(block))
            if obj.eof:
                yield b"".join(parts).decode("utf-8")
                parts = []
                pending = obj.unused_data
                obj = dctx.decompressobj()
                started = bool(pending)
        if started:
            raise ValueError("the last frame is cut short")


def read_shard(path: str) -> Iterator[dict]:
    """The records of a shard, streamed frame by frame (a frame's records
    only once its checksum is checked).  Raises `ShardError` naming the
    shard and the record where reading failed."""
    n = 0
    try:
        for text in read_frames(path):
            for line in text.split("\n"):    # not splitlines: U+2028 may be in a string
                if line.strip():
                    rec = json.loads(line)
                    n += 1
                    yield rec
    except (zstandard.ZstdError, UnicodeDecodeError, ValueError) as exc:
        raise ShardError(f"{path}: damaged shard (after {n} good records): {exc}") from None


def read_lines(path: str) -> Iterator[str]:
    """The JSON lines of a shard as text, unparsed (newline kept), frame by
    frame as `read_frames` checks them."""
    for text in read_frames(path):
        lines = text.split("\n")
        for line in lines[:-1]:
            yield line + "\n"
        if lines[-1]:
            yield lines[-1]


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
