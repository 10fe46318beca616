"""set.mm's conventions: discouraged assertions are left alone by the
generators, and the default library works on every database."""
import glob
import json
import os

import pytest

from proofgen.cli import main
from proofgen.emit.shards import read_shard as _read
from proofgen.kernel.comments import descriptions, discouraged

DEBIAN = "/usr/share/metamath/databases"
SET_MM = os.path.join(DEBIAN, "set.mm")
needs_debian = pytest.mark.skipif(not os.path.exists(SET_MM), reason="Debian metamath-databases")

SMALL = b"""$c wff |- ( ) -> $.
$v ph ps $.
wph $f wff ph $.  wps $f wff ps $.
wi $a wff ( ph -> ps ) $.
$( Simplification.  (New usage is
   discouraged.) $)
ax-1 $a |- ( ph -> ( ps -> ph ) ) $.
$( A section header mentioning (New usage is discouraged.) in passing. $)
$( The real description of ax-2, with no mark. $)
ax-2 $a |- ( ph -> ph ) $.
${ mp.1 $e |- ph $. mp.2 $e |- ( ph -> ps ) $.
   $( Modus ponens.  (Proof modification is discouraged.)
      (New usage is discouraged.) $)
   ax-mp $a |- ps $. $}
$( Kept as is.  (Proof modification is discouraged.) $)
th $p |- ( ph -> ph ) $= wph ax-2 $.
"""


def test_marks_are_read_from_the_description_only():
    marks = discouraged([("small.mm", SMALL)])
    assert marks == {"ax-1": frozenset({"usage"}),
                     "ax-mp": frozenset({"usage", "proof"}),
                     "th": frozenset({"proof"})}
    # the description scan agrees on which comment describes each assertion
    d = descriptions(SMALL)
    assert SMALL[slice(*d["ax-2"])].strip() == b"The real description of ax-2, with no mark."
    assert set(d) == {"ax-1", "ax-2", "ax-mp", "th"}       # wi has no comment


@needs_debian
def test_set_mm_marks_agree_with_a_full_description_scan():
    data = open(SET_MM, "rb").read()
    fast = discouraged([("set.mm", data)])
    slow = {}
    for label, (s, e) in descriptions(data).items():
        body = " ".join(data[s:e].decode().split())
        marks = frozenset(m for m, text in (("usage", "(New usage is discouraged.)"),
                                            ("proof", "(Proof modification is discouraged.)"))
                          if text in body)
        if marks:
            slow[label] = marks
    assert fast == slow and len(fast) > 4000
    assert fast["ax-3"] == {"usage"}          # "Use its alias con4 instead"


def _citations(run_dir, marked):
    """(theorems and lemmas, those citing a marked label) in a run's theorem files."""
    n = bad = 0
    for f in glob.glob(os.path.join(run_dir, "theorems", "*.jsonl.zst")):
        for rec in _read(f):
            n += 1
            bad += any(u in marked for u in rec["uses"])
    return n, bad


@pytest.mark.slow
@needs_debian
@pytest.mark.parametrize("generator", ["forward", "extract"])
def test_set_mm_runs_never_cite_discouraged_assertions(tmp_path, generator):
    marked = set(discouraged([("set.mm", open(SET_MM, "rb").read())]))
    # (extraction makes no theorem of a one-citation step: 4,000 proofs give
    # as many records as 3,000 did with them)
    extra = ["--proofs", "4000"] if generator == "extract" else []
    results = {}
    for allow in (False, True):
        out = str(tmp_path / f"run{allow}")
        assert main(["generate", "--db", SET_MM, "--generator", generator, "--count", "5000",
                     "--styles", "mm", "--out", out, *extra]
                    + (["--allow-discouraged"] if allow else [])) == 0
        results[allow] = _citations(out, marked)
    n, bad = results[False]
    assert n >= 5000 and bad == 0
    # and the marks matter: allowed, the same run cites them
    assert results[True][1] > 0


@needs_debian
@pytest.mark.parametrize("name", ["big-unifier", "demo0", "hol", "iset", "nf", "peano", "ql",
                                  "set"])
def test_default_library_works_on_every_debian_database(tmp_path, capsys, name):
    out = str(tmp_path / "run")
    assert main(["generate", "--db", os.path.join(DEBIAN, name + ".mm"), "--count", "50",
                 "--styles", "mm", "--out", out]) == 0
    err = capsys.readouterr().err
    expected = "upto:ax-gen" if name in ("iset", "nf", "set") else "all"
    assert f"proofgen: library {expected} (the default for {name}.mm" in err
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    assert manifest["theorems"] == 50
    assert manifest["config"]["generate"]["forward"]["library"] == expected


@needs_debian
def test_a_database_that_is_no_tree_grammar_is_refused_clearly(tmp_path, capsys):
    assert main(["generate", "--db", os.path.join(DEBIAN, "miu.mm"), "--count", "5",
                 "--out", str(tmp_path / "run")]) == 1
    assert "not an unambiguous tree grammar" in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "run")
