"""Differential testing against Debian's metamath (metamath.exe 0.195).

* 1,000 generated databases and 1,000 mutants of generated databases, each
  read and verified by both proofgen engines and by metamath.exe;
* 500 set.mm theorems, each restated at the end of set.mm and mutated four
  times (2,500 blocks in one file, so metamath.exe reads set.mm once);

and every verdict must agree, except where metamath.exe departs from the
specification in one of the documented ways (`oracle.DEVIATIONS`, each
demonstrated below by a minimal file).  Counts scale with
PROOFGEN_TEST_SCALE (see docs/testing.md).
"""
from __future__ import annotations

import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import DATABASES, available_engines, metamath_available
from proofgen.kernel import Limits, load
from proofgen.testing import scaled
from proofgen.testing.choosers import RandomChooser
from proofgen.testing.generate import generate_database
from proofgen.testing.mutations import mutate_database
from proofgen.testing.oracle import (DEVIATIONS, MetamathExe, Verdict, compare,
                                     parse_metamath_output, run_engines, verdict_of)
from proofgen.testing.restate import Mutator, append_blocks, block_verdicts, restate

ENGINES = available_engines()
MM = MetamathExe(timeout=600)
needs_metamath = pytest.mark.skipif(not metamath_available(),
                                    reason="needs Debian's metamath (installed by .ci/setup)")
SIZES = ["tiny", "small", "medium"]


def differential(path: Path, data: bytes) -> dict:
    """Both engines and metamath.exe on one file."""
    run = run_engines(path, which=ENGINES)
    ours = verdict_of(run.report()) if not run.failures else None
    theirs = MM.check(path)
    cmp = compare(ours, theirs, data, path=path) if ours else None
    return {"engines": run.agree and not run.failures, "ours": ours and ours.status,
            "theirs": theirs.status, "agree": bool(cmp and cmp.agree),
            "deviation": cmp and cmp.deviation,
            "detail": run.describe() if not run.agree else (cmp.detail if cmp else "")}


def _generated(seed: int) -> dict:
    db = generate_database(seed, SIZES[seed % 3])
    text = db.text(RandomChooser(seed) if seed % 2 else None).encode("ascii")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "db.mm"
        path.write_bytes(text)
        row = differential(path, text)
    row["seed"] = seed
    return row


def _mutant(seed: int) -> dict:
    db = generate_database(seed, SIZES[seed % 3])
    mutant = mutate_database(db, RandomChooser(10 ** 6 + seed))
    with tempfile.TemporaryDirectory() as d:
        row = differential(mutant.write(d), mutant.data)
    row.update(seed=seed, operator=mutant.operator, expect=mutant.expect)
    return row


def _summary(what: str, rows: list[dict], unit: str = "files") -> str:
    agree = sum(r["agree"] for r in rows)
    devs = Counter(r["deviation"] for r in rows if r["deviation"])
    return (f"{what}: {len(rows)} {unit}, metamath.exe agrees on {agree} "
            f"({100 * agree / len(rows):.1f}%), of which {sum(devs.values())} by a documented "
            f"deviation {dict(devs)}")


@pytest.mark.slow
@needs_metamath
def test_generated_databases_agree_with_metamath():
    with ThreadPoolExecutor(2) as pool:
        rows = list(pool.map(_generated, range(scaled(1000))))
    print(_summary("generated databases", rows))
    assert all(r["engines"] for r in rows), [r for r in rows if not r["engines"]][:3]
    assert all(r["ours"] == "ok" for r in rows), [r for r in rows if r["ours"] != "ok"][:3]
    bad = [r for r in rows if not r["agree"]]
    assert not bad, bad[:3]
    # valid databases meet no deviation but metamath.exe's reading of 'UV'
    assert {r["deviation"] for r in rows} <= {None, "obsolete-compression"}


@pytest.mark.slow
@needs_metamath
def test_mutants_agree_with_metamath():
    with ThreadPoolExecutor(2) as pool:
        rows = list(pool.map(_mutant, range(scaled(1000))))
    print(_summary("mutants", rows))
    assert all(r["engines"] for r in rows), [r for r in rows if not r["engines"]][:3]
    wrong = [r for r in rows if r["expect"] and r["ours"] != r["expect"]]
    assert not wrong, wrong[:3]
    bad = [r for r in rows if not r["agree"]]
    assert not bad, bad[:3]
    statuses = Counter(r["ours"] for r in rows)
    assert statuses["ok"] > 50 and statuses["error"] > 300 and statuses["incomplete"] > 5
    assert len({r["operator"] for r in rows}) > 40


# ---------------------------------------------------------------------------
# set.mm

SET_MM = DATABASES / "set.mm"
#: thousands of rejected blocks: keep every diagnostic (the default keeps 10,000)
ALL_DIAGNOSTICS = Limits(max_diagnostics=1 << 24)
THEOREMS = 500
MUTANTS_PER_THEOREM = 4


@pytest.fixture(scope="module")
def set_mm_mutants(tmp_path_factory):
    """set.mm followed by restated theorems (controls) and their mutants."""
    db = load(SET_MM, engine="cython")
    stmts = {s.label: s for s in db.statements()}
    ch = RandomChooser(20240607)
    short = [s for s in stmts.values() if s.kind == "p" and
             len(s.proof.letters or " ".join(s.proof.labels)) < 1500]
    wanted = scaled(THEOREMS)
    blocks, bases = [], []
    for st in ch.sample(short, int(wanted * 1.2)):
        r = restate(st, stmts, f"pgmut{len(blocks)}")
        blocks.append(r)
        # a theorem restated at the end checks unless it relies on local
        # variables or hypothesis order; those stay as controls only
        if len(bases) < wanted and r.check(db) == []:
            bases.append(r)
    mutator = Mutator(stmts, ch)
    for r in bases:
        for _ in range(MUTANTS_PER_THEOREM):
            n = len(blocks)
            blocks.append(mutator.mutate(r, f"pgmut{n}", [f"pgmut{n + 1}"]))
    data, layout = append_blocks(SET_MM.read_bytes(), blocks)
    path = tmp_path_factory.mktemp("setmm") / "set-mutants.mm"
    path.write_bytes(data)
    return {"db": db, "path": path, "data": data, "layout": layout, "bases": bases}


@pytest.mark.slow
@needs_metamath
def test_set_mm_mutants_agree_with_metamath(set_mm_mutants):
    layout, data = set_mm_mutants["layout"], set_mm_mutants["data"]
    assert len(set_mm_mutants["bases"]) == scaled(THEOREMS)
    report = load(set_mm_mutants["path"], limits=ALL_DIAGNOSTICS).verify(jobs=2)
    ours = block_verdicts(verdict_of(report), layout)
    theirs_all = MM.check(set_mm_mutants["path"], "pgmut*")
    assert theirs_all.status in ("ok", "error", "incomplete"), theirs_all.output[-2000:]
    theirs = block_verdicts(theirs_all, layout)
    rows, wrong, bad = [], [], []
    for (_, _, r), o, t in zip(layout.blocks, ours, theirs):
        cmp = compare(o, t, data)
        rows.append({"agree": cmp.agree, "deviation": cmp.deviation})
        if r.expect and o.status != r.expect:
            wrong.append((r.label, r.base, r.operator, r.expect, o.status, o.output[:300]))
        if not cmp.agree:
            bad.append((r.label, r.base, r.operator, o.status, t.status, cmp.detail[:600]))
    print(_summary(f"set.mm: {len(set_mm_mutants['bases'])} theorems x "
                   f"{MUTANTS_PER_THEOREM} mutants + controls", rows, "blocks"))
    assert not wrong, wrong[:3]
    assert not bad, bad[:3]
    assert len(rows) >= scaled(THEOREMS) * (MUTANTS_PER_THEOREM + 1)
    statuses = Counter(o.status for o in ours)
    assert statuses["ok"] >= scaled(THEOREMS) and statuses["error"] > scaled(THEOREMS)


@pytest.mark.slow
def test_set_mm_mutants_engines_agree(set_mm_mutants):
    """The same blocks through `Database.check_proof` in both engines, and
    against the verdict of the whole file."""
    layout = set_mm_mutants["layout"]
    cy = set_mm_mutants["db"]
    report = load(set_mm_mutants["path"], limits=ALL_DIAGNOSTICS).verify(jobs=2)
    whole = block_verdicts(verdict_of(report), layout)
    py = load(SET_MM, engine="python") if "python" in ENGINES else None
    for (_, _, r), w in zip(layout.blocks, whole):
        got = r.check(cy)
        status = ("error" if any(d.severity == "error" for d in got)
                  else "incomplete" if got else "ok")
        assert status == w.status, (r.label, r.operator, [d.format() for d in got], w.output)
        if py is not None:
            assert [(d.line, d.column, d.code, d.label) for d in r.check(py)] == \
                [(d.line, d.column, d.code, d.label) for d in got], (r.label, r.operator)


# ---------------------------------------------------------------------------
# the documented deviations, one minimal file each

_HEAD = "$c ( ) -> wff |- $.\n$v ph ps $.\nwph $f wff ph $.\nwps $f wff ps $.\n" \
        "ax-1 $a |- ( ph -> ( ps -> ph ) ) $.\n"
_OBSOLETE = "$c |- a b $.\n${ " + " ".join(
    f"h{i} $e |- {'a' if i == 141 else 'b'} $." for i in range(1, 142)) + \
    "\nth $p |- a $= ( ) UVA $. $}\n"
_CRASH = ("$c wff $.\n$v ka $. $f wff ka $.\n$v la $. $f la $.\n$v ze $. $f wff ze $.\n"
          "w7 $a 0z la ze $.\nw8 $a la $.\n${ $e $. $e\n  ax-11.3 $.\n  ax-11 $a la $.\n$}\n"
          "ax-13 $a ze $.\n  $v 0z $. $e $. $p ze la @ $= ( w8 w7 ax-13 ax-11 ) "
          "CBEAFZDIGIGH $.\n")

#: deviation -> (files, proofgen's verdict, metamath.exe's verdict)
DEVIATION_FILES = {
    "vt-byte": ({"db.mm": b"$c a $.\x0b$c b $.\n"}, "error", "ok"),
    "nul-byte": ({"db.mm": b"$c a $.\n\x00\n$c b $.\n"}, "error", "crash"),
    "second-float": ({"db.mm": b"$c wff $.\n${ $v x $. wx $f wff x $. wx2 $f wff x $. $}\n"},
                     "error", "ok"),
    "include-in-block": ({"db.mm": b"$c a $.\n${ $[ inc.mm $] $}\n",
                          "inc.mm": b"$( included $)\n"}, "error", "ok"),
    "z-after-hypothesis": ({"db.mm": (_HEAD + "th $p |- ( ph -> ( ph -> ph ) ) $= "
                                      "( ax-1 ) AZCB $.\n").encode()}, "ok", "error"),
    "glued-parenthesis": ({"db.mm": (_HEAD + "th $p |- ( ph -> ( ps -> ph ) ) $= "
                                     "(ax-1) ABC $.\n").encode()}, "error", "ok"),
    "double-z": ({"db.mm": (_HEAD + "wi $a wff ( ph -> ps ) $.\nth $p |- ( ( ph -> ph ) -> "
                            "( ( ph -> ph ) -> ( ph -> ph ) ) ) $= ( wi ax-1 ) AABZZDC $.\n"
                            ).encode()}, "error", "ok"),
    "obsolete-compression": ({"db.mm": _OBSOLETE.encode()}, "ok", "error"),
    "no-variable-hypotheses": ({"db.mm": b"$c |- 0 1 $.\n${ a.1 $e |- 0 $. a $a |- 0 $. $}\n"
                                         b"${ h $e |- 1 $. t $p |- 0 $= h a $. $}\n"},
                               "error", "ok"),
    "retyped-variable": ({"db.mm": b"$c wff set |- $.\n${ $v x $. wx $f wff x $. $}\n"
                                   b"${ $v x $. vx $f set x $. $}\n"}, "error", "ok"),
    "self-inclusion": ({"db.mm": b"$c a $.\n$[ inc.mm $]\n",
                        "inc.mm": b"$c b $.\n$[ db.mm $]\n"}, "ok", "crash"),
    "include-by-two-names": ({"db.mm": b"$[ inc.mm $]\n$[ ./inc.mm $]\n",
                              "inc.mm": b"$c a $.\n"}, "ok", "error"),
    "crash-after-error": ({"db.mm": _CRASH.encode()}, "error", "error"),
    "slow-errors": ({"db.mm": b"$v " + b"x " * 1000 + b"$.\n"}, "error", "error"),
}


def test_every_deviation_has_a_file():
    assert set(DEVIATION_FILES) == set(DEVIATIONS)


@needs_metamath
@pytest.mark.parametrize("name", sorted(DEVIATION_FILES))
def test_documented_deviation(tmp_path, name):
    files, ours_status, theirs_status = DEVIATION_FILES[name]
    for fname, body in files.items():
        (tmp_path / fname).write_bytes(body)
    path = tmp_path / "db.mm"
    for engine in ENGINES:
        assert verdict_of(load(path, engine=engine).verify()).status == ours_status
    ours = verdict_of(load(path).verify())
    theirs = MetamathExe(timeout=3 if name == "slow-errors" else 600).check(path)
    assert theirs.status == theirs_status, theirs.output[-1500:]
    cmp = compare(ours, theirs, files["db.mm"], path=path)
    assert cmp.agree and cmp.deviation == name
    if name in ("crash-after-error", "slow-errors"):
        assert theirs.crashed  # both reject; metamath.exe then dies or runs on
    else:  # without the documented deviations, this is a disagreement
        assert not compare(ours, theirs, files["db.mm"], deviations=False, path=path).agree


# ---------------------------------------------------------------------------
# reading metamath.exe's messages

def test_parse_wrapped_messages():
    out = """MM> read "db.mm"
Reading source file "db.mm"... 100 bytes
MM> verify proof *
?Error on line 12 of file "db.mm" at statement 40, label
"a-rather-long-label-that-wraps", type "$p":
  a-rather-long-label-that-wraps $p |- ph $= wph $.
The hypothesis or local label reference at proof step 2 declares a local
label.  Only "$a" and "$p" statement labels may have local label declarations.
Warning: The following $p statement(s) were not proved:  th1, th2,
th3
MM> exit
"""
    v = parse_metamath_output(out)
    assert v.status == "error"
    assert [(line, label) for line, label, _ in v.errors] == [(12, "a-rather-long-label-that-wraps")]
    assert "declares a local label." in v.errors[0][2]
    assert v.incomplete == {"th1", "th2", "th3"}


def test_parse_clean_run():
    v = parse_metamath_output('Reading source file "x.mm"... 1 bytes\nMM> verify proof *\n'
                              "All proofs in the database were verified in 0.00 s.\n")
    assert v.status == "ok" and not v.errors and not v.incomplete


def test_compare_looks_at_which_proofs_fail():
    """Both reject the file, but not the same proofs: a disagreement, unless
    reading errors make it a matter of error recovery."""
    ours = Verdict("error", [(3, "th1", "E0806 ...")], reading=False)
    theirs = Verdict("error", [(5, "th2", "?Error ...")], reading=False)
    assert not compare(ours, theirs).agree
    assert compare(ours, Verdict("error", [(3, "th1", "?Error ...")], reading=False)).agree
    theirs.reading = True
    assert compare(ours, theirs).agree
    assert not compare(Verdict("incomplete", incomplete={"a"}, reading=False),
                       Verdict("incomplete", incomplete={"b"}, reading=False)).agree
