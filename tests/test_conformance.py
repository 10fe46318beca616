"""The public metamath-test suite: every file gets the expected verdict.

`expected.tsv` (in CONFORMANCE) lists each top-level file with `pass` or
`fail`; a pass must verify with no diagnostics (exit status 0), a fail must
end with exit status 1 and located, labelled errors (checklist rule 36).
Files only reached by inclusion (demo0-includee.mm) are not rows.
"""
from __future__ import annotations

import pytest

from proofgen.kernel import load

from conftest import CONFORMANCE


def rows() -> list[tuple[str, str, str]]:
    """(file, verdict, what it probes) for each non-comment row."""
    out = []
    for line in (CONFORMANCE / "expected.tsv").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, verdict, *rest = line.split("\t")
        assert verdict in ("pass", "fail"), line
        out.append((name, verdict, rest[0] if rest else ""))
    return out


ROWS = rows() if (CONFORMANCE / "expected.tsv").exists() else []

#: the first error of failing files whose description names it (cross-checked
#: with metamath.exe's message for the same file)
FIRST_ERROR = {
    "anatomy-bad1.mm": "E0804",      # extra entry left on the proof stack
    "anatomy-bad2.mm": "E0804",
    "anatomy-bad3.mm": "E0803",      # proof stack underflow
    "big-unifier-bad1.mm": "E0808",  # letters swapped: a hypothesis mismatch
    "demo0-bad1.mm": "E0808",        # steps swapped: a hypothesis mismatch
}


@pytest.mark.skipif(not ROWS, reason=f"conformance suite not found at {CONFORMANCE}")
@pytest.mark.parametrize("name,verdict,probe", ROWS, ids=[r[0] for r in ROWS])
def test_conformance_verdict(name, verdict, probe, engine):
    report = load(CONFORMANCE / name, engine=engine).verify()
    shown = [d.format() for d in report.diagnostics]
    if verdict == "pass":
        assert report.diagnostics == [], (probe, shown)
        assert report.exit_status() == 0
    else:
        assert report.exit_status() == 1, (probe, shown)
        assert report.errors, shown
        for d in report.errors:
            assert d.file.endswith(name) and d.line > 0 and d.column > 0, d.format()
            assert d.label, d.format()  # every failure here is inside a proof
        if name in FIRST_ERROR:
            assert report.errors[0].code == FIRST_ERROR[name], shown


@pytest.mark.skipif(not ROWS, reason=f"conformance suite not found at {CONFORMANCE}")
def test_every_suite_file_has_a_verdict():
    """Every .mm file of the suite is a row or is included by one."""
    listed = {name for name, _, _ in ROWS}
    included = {"demo0-includee.mm"}
    assert {p.name for p in CONFORMANCE.glob("*.mm")} == listed | included
    assert "demo0-includee.mm" in (CONFORMANCE / "demo0-includer.mm").read_text()


@pytest.mark.skipif(not ROWS, reason=f"conformance suite not found at {CONFORMANCE}")
def test_includer_reads_the_same_database_as_demo0(engine):
    """demo0-includer.mm + demo0-includee.mm is demo0.mm split in two."""
    whole = load(CONFORMANCE / "demo0.mm", engine=engine)
    split = load(CONFORMANCE / "demo0-includer.mm", engine=engine)
    assert [(s.label, s.kind, s.expression) for s in whole.statements()] == \
        [(s.label, s.kind, s.expression) for s in split.statements()]
    assert split.verify().ok
