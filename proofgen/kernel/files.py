"""Reading database files safely: regular files only, never more than the
size limit (a FIFO or /dev/zero must not hang or exhaust memory)."""
from __future__ import annotations

import os
import stat


class FileProblem(Exception):
    """args: (code, message)."""


def read_source(path: str, max_bytes: int) -> bytes:
    try:
        info = os.stat(path)
    except OSError as exc:
        raise FileProblem("E0902", f"cannot read '{path}': {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise FileProblem("E0902", f"cannot read '{path}': {kind}")
    too_big = FileProblem("E0901", f"'{path}' is larger than {max_bytes} bytes (max_file_bytes)")
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


def read_stream(fd: int, name: str, max_bytes: int) -> bytes:
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
                raise FileProblem("E0901", f"'{name}' is larger than {max_bytes} bytes "
                                  "(max_file_bytes)")
            parts.append(chunk)
    except OSError as exc:
        raise FileProblem("E0902", f"cannot read '{name}': {exc.strerror or exc}") from None
    return b"".join(parts)
