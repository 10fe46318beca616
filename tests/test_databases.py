"""Every database of Debian's metamath-databases verifies, and the reference
tool agrees with our verdict on them and on the public conformance suite."""
from __future__ import annotations

import subprocess

import pytest

from proofgen.kernel import load

from conftest import CONFORMANCE, DATABASES, ROOT, metamath_available

ALL = ["set.mm", "iset.mm", "nf.mm", "ql.mm", "hol.mm", "peano.mm", "big-unifier.mm",
       "miu.mm", "demo0.mm"]


@pytest.mark.parametrize("name", ALL)
def test_debian_database_verifies(name):
    report = load(DATABASES / name, engine="cython").verify(jobs=2)
    assert report.diagnostics == []
    assert report.exit_status() == 0
    if name != "peano.mm":  # peano.mm is axioms only
        assert report.proofs > 0


def test_set_mm_counts():
    report = load(DATABASES / "set.mm").verify(jobs=2)
    assert report.ok
    # metamath.exe reports 37759 $p statements in Debian's set.mm
    assert report.proofs == 37759


@pytest.mark.slow
@pytest.mark.parametrize("name", ["set.mm", "iset.mm"])
def test_reference_engine_verifies_big_databases(name):
    assert load(DATABASES / name, engine="python").verify(jobs=2).ok


def metamath_verdict(path) -> bool:
    """True when metamath.exe reads and verifies `path` without error."""
    out = subprocess.run(["metamath", f'read "{path.name}"', "verify proof *", "exit"],
                         cwd=path.parent, capture_output=True, text=True, timeout=600).stdout
    assert "Reading source file" in out, out[-2000:]
    return "?Error" not in out and "All proofs in the database were verified" in out


def conformance_rows():
    rows = []
    for line in (CONFORMANCE / "expected.tsv").read_text().splitlines():
        if line and not line.startswith("#"):
            name, verdict = line.split("\t")[:2]
            rows.append((name, verdict))
    return rows


@pytest.mark.skipif(not metamath_available(), reason="needs Debian's metamath (installed by .ci/setup)")
@pytest.mark.parametrize("name,verdict", conformance_rows())
def test_reference_tool_agrees_on_conformance(name, verdict, engine):
    ours = load(CONFORMANCE / name, engine=engine).verify().exit_status() == 0
    assert ours == (verdict == "pass")
    assert metamath_verdict(CONFORMANCE / name) == ours


@pytest.mark.skipif(not metamath_available(), reason="needs Debian's metamath (installed by .ci/setup)")
def test_reference_tool_accepts_bundled_database():
    assert metamath_verdict(ROOT / "mm_databases" / "hilbert.mm")
    assert load(ROOT / "mm_databases" / "hilbert.mm").verify().ok
