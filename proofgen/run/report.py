"""`proofgen report DIR`: a finished run's pictures and summary.

The run folder is read through `RunFolder` (manifest, theorem files, up to
`max_records` records of the shards); the figures and pictures are the
emit stage's (`emit/report.py`).  Written into DIR/report/ (or `out`):
depth.png, steps.png, length.png, tokens.png, assertions.png, report.md.
"""
from __future__ import annotations

import os
from typing import Callable, Optional

from ..emit.report import draw, figures
from .folder import RunFolder, RunFolderError


class ReportError(RunFolderError):
    """A run whose report cannot be made; the message names the file."""


def collect(run_dir: str, max_records: int = 200_000,
            progress: Optional[Callable[[str], None]] = None) -> dict:
    """The figures the report shows (see `emit.report.figures`)."""
    folder = RunFolder(run_dir)
    try:
        manifest = folder.manifest()
        return figures(manifest, folder.theorem_rows(manifest),
                       folder.records(manifest, max_records), progress)
    except RunFolderError as exc:
        raise ReportError(str(exc)) from None


def write_report(run_dir: str, out: Optional[str] = None, max_records: int = 200_000,
                 progress: Optional[Callable[[str], None]] = None) -> str:
    """Write the pictures and report.md; returns the report's path."""
    data = collect(run_dir, max_records, progress)
    return draw(data, out or os.path.join(run_dir, "report"),
                os.path.basename(os.path.abspath(run_dir)))
