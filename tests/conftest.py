"""Shared fixtures: every kernel test runs on both engines."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from proofgen.kernel import ENGINES, fast_engine_available, load

ROOT = Path(__file__).resolve().parent.parent
# The public metamath-test suite (MIT; see its LICENSE), with its expected verdicts.
CONFORMANCE = ROOT / "tests" / "data" / "metamath-test"
DATABASES = Path(os.environ.get("PROOFGEN_DATABASES", "/usr/share/metamath/databases"))


def available_engines() -> list[str]:
    if fast_engine_available():
        return list(ENGINES)
    if os.environ.get("CI"):  # CI builds the extension; its absence is a failure there
        raise RuntimeError("the Cython engine is not built")
    return ["python"]


@pytest.fixture(params=available_engines())
def engine(request) -> str:
    return request.param


def check(tmp_path: Path, text: str | bytes, engine: str, name: str = "t.mm", **files):
    """Write `text` (and any extra `files`) to tmp_path and verify it."""
    for fname, body in files.items():
        p = tmp_path / fname.replace("__", "/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(body if isinstance(body, bytes) else body.encode())
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return load(path, engine=engine).verify()


def codes(report) -> list[str]:
    return [d.code for d in report.diagnostics]


def metamath_available() -> bool:
    """Outside CI, tests that need Debian's metamath skip without it; in CI
    (which installs it) they run and fail loudly if it is missing."""
    return bool(os.environ.get("CI")) or shutil.which("metamath") is not None
