"""Reading database files safely: regular files only, never more than the
size limits (a FIFO or /dev/zero must not hang or exhaust memory), each file
once however it is named (`Inputs`)."""
from __future__ import annotations

import os
import stat


class FileProblem(Exception):
    """args: (code, message)."""


def _too_big(name: str, max_bytes: int, limit: str) -> FileProblem:
    if limit == "max_file_bytes":
        return FileProblem("E0901", f"'{name}' is larger than {max_bytes} bytes (max_file_bytes)")
    return FileProblem("E0901", f"'{name}' is larger than the {max_bytes} bytes left of the "
                       f"input (max_total_bytes: all files together); it is not read")


def read_source(path: str, max_bytes: int, limit: str = "max_file_bytes") -> bytes:
    """The bytes of the regular file `path`, at most `max_bytes` of them
    (more is E0901, naming `limit`, the limit that set `max_bytes`); the
    size is checked before anything is read, so a sparse or huge file costs
    nothing."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise FileProblem("E0902", f"cannot read '{path}': {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise FileProblem("E0902", f"cannot read '{path}': {kind}")
    too_big = _too_big(path, max_bytes, limit)
    if info.st_size > max_bytes:
        raise too_big
    try:
        # O_NONBLOCK: if the path is swapped for a FIFO after the check, open
        # still returns at once instead of waiting for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(info.st_size + 1)
            if len(data) > info.st_size:  # it grew since stat: read on, in bounded steps
                parts = [data]
                size = len(data)
                while chunk := fh.read(1 << 24):
                    size += len(chunk)
                    if size > max_bytes:
                        raise too_big
                    parts.append(chunk)
                data = b"".join(parts)
    except OSError as exc:
        raise FileProblem("E0902", f"cannot read '{path}': {exc.strerror or exc}") from None
    return data


#: what a database read from standard input is called in diagnostics
STDIN_NAME = "<stdin>"


def read_stream(fd: int, name: str, max_bytes: int, limit: str = "max_file_bytes") -> bytes:
    """Everything readable from the open descriptor `fd` (standard input),
    in bounded steps: more than `max_bytes` is E0901, like a file.  A
    terminal is refused at once (E0902) rather than waited on."""
    try:
        if os.isatty(fd):
            raise FileProblem("E0902", f"cannot read '{name}': it is a terminal; pipe or "
                              "redirect a database into it (proofgen verify - < FILE)")
        parts = []
        size = 0
        while True:
            try:
                chunk = os.read(fd, 1 << 24)
            except BlockingIOError:         # a non-blocking pipe: wait for it
                import select
                select.select([fd], [], [])
                continue
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise _too_big(name, max_bytes, limit)
            parts.append(chunk)
    except OSError as exc:
        raise FileProblem("E0902", f"cannot read '{name}': {exc.strerror or exc}") from None
    return b"".join(parts)


def file_key(path: str):
    """(device, inode) of the file `path` names after following symlinks,
    or None when it cannot be looked up: two names with the same key are
    one file (hard links, symlinks, `a/../b`)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


class Inputs:
    """The files one database reads, shared by both engines so they agree by
    construction: each file is read at most once, whatever name reaches it
    (`known`, `add`: by device and inode), and the bytes read from all of them
    together stay within `max_total_bytes` (a file that would pass it is
    E0901 and is not read; its size is checked before it is read)."""

    def __init__(self, limits):
        self.max_file = limits.max_file_bytes
        self.max_total = limits.max_total_bytes
        self.total = 0          # bytes read so far, all files
        self.keys: set = set()  # (device, inode) of every file read or being read

    def known(self, path: str) -> bool:
        """Is the file `path` names one already read (or being read)?"""
        key = file_key(path)
        return key is not None and key in self.keys

    def add(self, path: str) -> None:
        """Count the file `path` names as read from now on."""
        key = file_key(path)
        if key is not None:
            self.keys.add(key)

    def _bound(self) -> tuple[int, str]:
        left = max(self.max_total - self.total, 0)
        if self.max_file <= left:
            return self.max_file, "max_file_bytes"
        return left, "max_total_bytes"

    def read(self, path: str) -> bytes:
        """The file's bytes (FileProblem if it cannot be read or is too big)."""
        limit, name = self._bound()
        data = read_source(path, limit, name)
        self.total += len(data)
        return data

    def read_stream(self, fd: int, name: str) -> bytes:
        limit, which = self._bound()
        data = read_stream(fd, name, limit, which)
        self.total += len(data)
        try:  # a regular file redirected to standard input is the top file
            info = os.fstat(fd)
            if stat.S_ISREG(info.st_mode):
                self.keys.add((info.st_dev, info.st_ino))
        except OSError:
            pass
        return data
