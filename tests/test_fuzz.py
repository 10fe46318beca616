"""Fuzzing: the .mm grammar, files generated from it, damaged real
databases, and the `proofgen fuzz` command.

Nothing may end in a traceback or a hang: every input gets diagnostics, the
same from both engines.  The fuzzer itself must find nothing on the kernel,
and must find, shrink and report a verifier that disagrees with it.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from lark.exceptions import LarkError

from conftest import CONFORMANCE, DATABASES, ROOT, available_engines, metamath_available
from proofgen import fuzz
from proofgen.kernel import CODES, load
from proofgen.testing import scaled
from proofgen.testing.generate import generate_database
from proofgen.testing.grammar import load_grammar, random_file
from proofgen.testing.oracle import run_engines
from proofgen.testing.strategies import PRELUDE, byte_mutants, grammar_files

ENGINES = available_engines()

#: what the grammar alone rules out: a file the grammar parses has none of these
SYNTAX_CODES = {"E0101", "E0102", "E0103", "E0104", "E0105", "E0106", "E0201", "E0202", "E0301",
                "E0302", "E0303", "E0304", "E0307", "E0308", "E0401", "E0403", "E0601", "E0805",
                "E0810", "E0814"}


def examples(n: int):
    return settings(max_examples=scaled(n), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example,
                                           HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def check_all(path: Path):
    run = run_engines(path, which=ENGINES)
    assert not run.failures, run.describe()
    assert run.agree, run.describe()
    for d in run.report().diagnostics:
        assert d.code in CODES and d.line >= 0 and d.column >= 0, d
    return run


def parses(text: str) -> bool:
    try:
        load_grammar().parse(text)
    except LarkError:
        return False
    return True


# ---------------------------------------------------------------------------
# the grammar

def real_databases() -> list[Path]:
    names = ["demo0.mm", "miu.mm", "big-unifier.mm", "peano.mm", "hol.mm", "ql.mm"]
    out = [ROOT / "mm_databases" / "hilbert.mm"] + [DATABASES / n for n in names]
    rows = (CONFORMANCE / "expected.tsv").read_text().splitlines()
    out += [CONFORMANCE / r.split("\t")[0] for r in rows
            if r and not r.startswith("#") and r.split("\t")[1] == "pass"]
    return out


@pytest.mark.parametrize("path", real_databases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_grammar_parses_real_databases(path):
    tree = load_grammar().parse(path.read_text())
    theorems = sum(1 for t in tree.iter_subtrees() if t.data == "theorem")
    assert theorems == sum(1 for s in load(path).statements() if s.kind == "p")


GOOD = [
    "", "\n", "$( a comment $)", "$( $t $j x$y $[ $] $. $)\n$c a $.",
    "$c a $( inside $) b $.", "$c wff |- $. $v p $. w $f wff p $. a $a |- p $.",
    "x $p |- a $= ( b c ) AB $( split $) CZ D $.", "x $p |- a $= ? $.",
    "${ $v x $. $d x y $. $}", "$[ other.mm $]", "h $e |- $.",
]
BAD = [
    "$c a$. ", "$c a $.$c b $.", "$c a $", "${ $c a $. $}", "${ $[ x.mm $] $}",
    "$( a $( b $)", "$( a $)b", "$)", "$c $.", "x $p |- a $= $.", "x $p |- a $= ( b ) $.",
    "x $p |- a $= ( b AB $.", "x $p |- a $.", "l ${ $}", "$f wff p $.", "$c a",
    "x $p |- a $= ( ) ab $.", "$c \x0b $.", "x $f wff $.", "$d x $.", "x $a $.",
]


@pytest.mark.parametrize("text", GOOD)
def test_grammar_accepts(text):
    assert parses(text)


@pytest.mark.parametrize("text", BAD)
def test_grammar_rejects(text, workdir):
    assert not parses(text)
    # and so does the kernel, with a syntax error (the grammar only says what
    # is syntax; the kernel says the same about it)
    path = workdir / "bad.mm"
    prelude = "$c |- a $.\nb $a |- a $.\n" if "$p" in text else ""
    path.write_bytes((prelude + text).encode("latin-1"))
    codes = {d.code for d in check_all(path).report().diagnostics}
    assert codes & (SYNTAX_CODES | {"E0501", "E0701", "E0812"}), codes


@examples(250)
@given(grammar_files())
def test_grammar_files(workdir, text):
    """hypothesis.extra.lark on grammars/mm.lark: files that parse have no
    syntax errors; nothing raises; the engines agree."""
    path = workdir / "grammar.mm"
    path.write_bytes(text.encode("ascii"))
    codes = {d.code for d in check_all(path).report().diagnostics}
    if parses(text):
        note(f"codes: {sorted(codes)}")
        assert not codes & SYNTAX_CODES, sorted(codes & SYNTAX_CODES)


@examples(100)
@given(grammar_files(glue=False, prelude=False))
def test_grammar_files_without_glue_parse(text):
    assert parses(text)


def test_random_files_from_the_grammar(workdir):
    """The fuzzer's own generator (no hypothesis): reproducible, parses when
    nothing is glued, and gets the same diagnostics from both engines."""
    assert random_file(3) == random_file(3)
    kinds = set()
    for seed in range(scaled(150)):
        prelude = generate_database(seed, "tiny") if seed % 2 else None
        text = random_file(seed, prelude, glue=0)
        assert parses(text), text
        path = workdir / "random.mm"
        path.write_text(text)
        codes = {d.code for d in check_all(path).report().diagnostics}
        assert not codes & SYNTAX_CODES, (seed, sorted(codes & SYNTAX_CODES))
        kinds.add("ok" if not codes else "error")
    assert kinds == {"ok", "error"}


# ---------------------------------------------------------------------------
# damaged real databases

def _sources() -> list[bytes]:
    paths = [ROOT / "mm_databases" / "hilbert.mm", DATABASES / "demo0.mm",
             DATABASES / "miu.mm", DATABASES / "big-unifier.mm", DATABASES / "peano.mm"]
    return [p.read_bytes() for p in paths if p.exists()] + [PRELUDE.encode()]


@examples(150)
@given(byte_mutants(_sources()))
def test_damaged_real_databases(workdir, data):
    path = workdir / "damaged.mm"
    path.write_bytes(data)
    check_all(path)


# ---------------------------------------------------------------------------
# proofgen fuzz

def test_minimise_keeps_the_failure():
    data = b"".join(b"$c c%d $.\n" % i for i in range(200)) + b"x $p a $= ? $.\n"
    small = fuzz.minimise(data, lambda d: b"$p" in d, seconds=30)
    assert b"$p" in small
    assert len(small) <= 4


def test_fuzz_finds_nothing_on_the_kernel(tmp_path, capsys):
    execs = scaled(1500)
    status = fuzz.main(["--minutes", "30", "--max-execs", str(execs), "--seed", "11",
                        "--out", str(tmp_path / "out"), "--quiet"])
    summary = json.loads(capsys.readouterr().out)
    assert status == 0, summary
    assert summary["findings"] == {} and summary["reproducers"] == []
    assert set(summary["inputs"]) == set(fuzz.KINDS)
    assert summary["execs"] == execs
    assert {"ok", "error"} <= set(summary["verdicts"])
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not metamath_available(), reason="needs Debian's metamath")
def test_fuzz_against_metamath(tmp_path, capsys):
    status = fuzz.main(["--minutes", "30", "--max-execs", str(scaled(600)), "--seed", "12",
                        "--out", str(tmp_path / "out"), "--against", "metamath", "--quiet"])
    summary = json.loads(capsys.readouterr().out)
    assert status == 0, summary
    assert summary["findings"] == {}
    assert summary["deviations"], "no documented deviation met: is metamath really run?"


def _fake_verifier(tmp_path: Path, body: str) -> str:
    script = tmp_path / "verifier.py"
    script.write_text("import sys\n" + body)
    return f"{sys.executable} {script} {{file}}"


def test_fuzz_reports_and_shrinks_a_disagreement(tmp_path, capsys):
    """A 'verifier' that accepts everything: the fuzzer must report it, with
    a shrunk reproducer on which the two still disagree."""
    fake = _fake_verifier(tmp_path, "sys.exit(0)\n")
    out = tmp_path / "out"
    status = fuzz.main(["--minutes", "1", "--max-execs", "40", "--seed", "5", "--out", str(out),
                        "--against", fake, "--max-per-kind", "1", "--minimise-seconds", "60",
                        "--kinds", "grammar", "--quiet"])
    summary = json.loads(capsys.readouterr().out)
    assert status == 1
    assert summary["findings"]["against"] >= 1
    (d,) = out.iterdir()
    small = (d / "db.mm").read_bytes()
    original = (d / "original" / "db.mm").read_bytes()
    assert len(small) < len(original)
    assert len(small) < 100, small
    assert "finding: against" in (d / "README.txt").read_text()
    # on the shrunk file proofgen still rejects what the fake accepts
    assert run_engines(d / "db.mm", which=ENGINES).report().exit_status() != 0


def test_fuzz_reports_a_verifier_that_hangs(tmp_path, capsys):
    slow = _fake_verifier(tmp_path, "import time\ntime.sleep(30)\n")
    status = fuzz.main(["--minutes", "1", "--max-execs", "2", "--seed", "1", "--timeout", "1",
                        "--out", str(tmp_path / "out"), "--against", slow,
                        "--minimise-seconds", "0", "--quiet"])
    summary = json.loads(capsys.readouterr().out)
    assert status == 1 and summary["findings"] == {"against": 2}
    readme = next((tmp_path / "out").iterdir()) / "README.txt"
    assert "timeout" in readme.read_text()


@pytest.mark.parametrize("argv", [["--kinds", "nonsense"], ["--against", "no-placeholder"],
                                  ["--corpus", "/nonexistent/x.mm"]])
def test_fuzz_usage_errors(tmp_path, argv, capsys):
    assert fuzz.main(argv + ["--minutes", "0.01", "--out", str(tmp_path)]) == 2
    assert "proofgen fuzz:" in capsys.readouterr().err


def test_worker_crash_and_hang_are_reported(tmp_path):
    """A worker that dies is a crash, one that does not answer is a hang;
    either way it is replaced and the next input is checked."""
    path = tmp_path / "ok.mm"
    path.write_text("$c a $.\n")
    dies = [sys.executable, "-c", "import sys; sys.stdin.readline(); sys.exit(7)"]
    sleeps = [sys.executable, "-c", "import sys, time; sys.stdin.readline(); time.sleep(60)"]
    for command, expected in ((dies, "crash"), (sleeps, "hang")):
        w = fuzz.Worker(timeout=2, command=command)
        try:
            got = w.check(path)
            assert expected in got, got
            if expected == "crash":
                assert "status 7" in got["crash"]
            w.command, w.timeout = fuzz.Worker.COMMAND, 60
            assert w.check(path)["result"]["agree"]
        finally:
            w.stop()


def test_fuzz_is_a_proofgen_subcommand(tmp_path):
    from proofgen.cli import main
    assert main(["fuzz", "--minutes", "0.2", "--max-execs", "15", "--seed", "3",
                 "--out", str(tmp_path / "findings"), "--quiet"]) == 0
