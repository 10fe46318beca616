"""`proofgen verify --only`, `proofgen verify -` and `--discouraged`.

The contract: `--only LABELS` (comma-separated `$p` labels and `A..B`
ranges in database order, `A..`/`..B` open-ended) checks exactly those
proofs while the whole database is still read; an unknown label, a label
that is not a `$p`, an unknown range end or a reversed range is a usage
error (one line, exit 1). `-` reads the database from standard input,
names it `<stdin>`, resolves `$[ $]` relative to the current directory,
keeps `max_file_bytes`, and refuses a terminal instead of waiting.
`--discouraged` warns (W0820) where a proof cites an assertion marked "(New
usage is discouraged.)" unless the citing theorem is marked so too; warnings
never change the exit status. Both engines give the same output.
"""
from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CONFORMANCE, DATABASES, ROOT, available_engines, metamath_available
from proofgen.kernel import SelectionError, load, parse_only

HILBERT = ROOT / "mm_databases" / "hilbert.mm"
SET_MM = DATABASES / "set.mm"
IN_CI = bool(os.environ.get("CI"))
ENGINES = available_engines()

DIAG = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): "
                  r"(?P<severity>error|incomplete|warning)\[(?P<code>[EW]\d{4})\]"
                  r"(?: (?P<label>\S+))?: (?P<message>.+)$")
CHECKED = re.compile(r"(?P<checked>\d+) of (?P<proofs>\d+) proofs checked, (?P<errors>\d+) errors")


def need(path: Path) -> Path:
    """A file from outside the repository: skip without it, except in CI."""
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing (CI installs it)")
        pytest.skip(f"{path} is missing")
    return path


def _env() -> dict:
    env = dict(os.environ)
    env.pop("PROOFGEN_DEBUG", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def proofgen(*args, stdin=subprocess.DEVNULL, cwd=ROOT, timeout: float = 300):
    proc = subprocess.run([sys.executable, "-m", "proofgen", *map(str, args)], capture_output=True,
                          text=True, errors="replace", timeout=timeout, cwd=cwd, env=_env(),
                          stdin=stdin)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    assert "internal error" not in proc.stderr, proc.stderr
    return proc


def diagnostics(stdout: str) -> list[dict]:
    out = []
    for line in stdout.splitlines():
        m = DIAG.match(line)
        assert m, f"not a diagnostic: {line!r}"
        out.append(m.groupdict())
    return out


def checked(stderr: str) -> tuple[int, int]:
    m = CHECKED.search(stderr)
    assert m, f"no 'N of M proofs checked' in {stderr!r}"
    return int(m["checked"]), int(m["proofs"])


# ---------------------------------------------------------------------------
# a small database (as in test_cli.py): every theorem is in its own block
# with a hypothesis <label>.h, and is proved from it with ax-1 and ax-mp

MINI = """$c ( ) -> wff |- $.
$v ph ps $.
wph $f wff ph $.
wps $f wff ps $.
wi $a wff ( ph -> ps ) $.
${ min $e |- ph $. maj $e |- ( ph -> ps ) $. ax-mp $a |- ps $. $}
ax-1 $a |- ( ph -> ( ps -> ph ) ) $.
"""
GOOD = "wph wps wph wi h wph wps ax-1 ax-mp"


def theorem(label: str, proof: str = GOOD, claim: str = "|- ( ps -> ph )") -> str:
    proof = proof.replace(" h ", f" {label}.h ")
    return f"${{ {label}.h $e |- ph $.\n{label} $p {claim} $= {proof} $. $}}\n"


def bad(label: str) -> str:
    """A theorem whose proof proves something else (E0806)."""
    return theorem(label, claim="|- ( ph -> ps )")


def write(tmp_path: Path, *parts: str, name: str = "t.mm") -> Path:
    path = tmp_path / name
    path.write_text(MINI + "".join(parts))
    return path


# ---------------------------------------------------------------------------
# --only: exactly the proofs named

@pytest.mark.parametrize("engine", ENGINES)
def test_only_single_label_skips_a_broken_proof(tmp_path, engine):
    path = write(tmp_path, theorem("t1"), bad("t2"), theorem("t3"))
    full = proofgen("verify", path, "--engine", engine)
    assert full.returncode == 1
    assert [d["label"] for d in diagnostics(full.stdout)] == ["t2"]
    for label in ("t1", "t3"):
        proc = proofgen("verify", path, "--engine", engine, "--only", label)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert proc.stdout == ""
        assert checked(proc.stderr) == (1, 3)
    proc = proofgen("verify", path, "--engine", engine, "--only", "t2")
    assert proc.returncode == 1
    assert [(d["code"], d["label"]) for d in diagnostics(proc.stdout)] == [("E0806", "t2")]
    assert checked(proc.stderr) == (1, 3)


@pytest.mark.parametrize("engine", ENGINES)
def test_only_ranges(tmp_path, engine):
    path = write(tmp_path, theorem("t1"), theorem("t2"), bad("t3"), theorem("t4"), theorem("t5"))
    cases = {  # --only -> (exit status, proofs checked)
        "t1..t2": (0, 2), "t4..t5": (0, 2), "t4..": (0, 2), "..t2": (0, 2),
        "t2..t4": (1, 3), "t3..t3": (1, 1), "..t3": (1, 3), "t3..": (1, 3),
        # range ends need not be $p: ax-1 (an $a) comes before t1, t3.h inside t3's block
        "ax-1..t1": (0, 1), "wph..t2": (0, 2), "t3.h..t5": (1, 3), "t4.h..t5": (0, 2),
        "t1,t5": (0, 2), "t1..t2,t5": (0, 3), "t1..t2,t2,t1..t1": (0, 2), "..": (1, 5),
    }
    for only, (status, n) in cases.items():
        proc = proofgen("verify", path, "--engine", engine, "--only", only)
        assert proc.returncode == status, (only, proc.stdout, proc.stderr)
        assert checked(proc.stderr) == (n, 5), only
        assert [d["label"] for d in diagnostics(proc.stdout)] == (["t3"] if status else []), only


@pytest.mark.parametrize("engine", ENGINES)
def test_only_checks_exactly_the_selection(tmp_path, engine):
    """Every proof broken: the errors name exactly the proofs selected."""
    labels = [f"b{i}" for i in range(8)]
    path = write(tmp_path, *[bad(x) for x in labels])
    db = load(path, engine=engine)
    assert [d.label for d in db.verify().errors] == labels
    cases = {"b2": ["b2"], "b2..b4": ["b2", "b3", "b4"], "b6..": ["b6", "b7"],
             "..b1,b5": ["b0", "b1", "b5"], "b7,b0": ["b0", "b7"], "b1..b1": ["b1"]}
    for only, want in cases.items():
        for jobs in (1, 2):
            report = db.verify(jobs=jobs, only=only)
            assert [d.label for d in report.errors] == want, (only, jobs)
            assert report.checked == len(want) and report.proofs == len(labels)
            assert report.exit_status() == 1
    # a sequence of items is the same as the comma-separated text
    assert [d.label for d in db.verify(only=["b1..b2", "b5"]).errors] == ["b1", "b2", "b5"]


def test_only_many_chunks_with_jobs(tmp_path):
    """Selections wider than a work chunk (400 proofs), in workers."""
    labels = [f"t{i}" for i in range(1000)]
    broken = {"t5", "t399", "t400", "t401", "t777", "t999"}
    path = write(tmp_path, *[bad(x) if x in broken else theorem(x) for x in labels])
    for engine in ENGINES:
        db = load(path, engine=engine)
        for only, want, n in [("t3..t998", ["t5", "t399", "t400", "t401", "t777"], 996),
                              ("t0..t398,t402..t776", ["t5"], 774),
                              ("t399..t401,t999", ["t399", "t400", "t401", "t999"], 4)]:
            for jobs in (1, 2):
                report = db.verify(jobs=jobs, only=only)
                assert [d.label for d in report.errors] == want, (engine, only, jobs)
                assert report.checked == n


@pytest.mark.parametrize("engine", ENGINES)
def test_only_still_reads_everything(tmp_path, engine):
    """Reading errors outside the selection are reported; frames, scopes and
    $d of the whole database are there for the selected proof."""
    text = ("$c wff |- A $.\n$v x y $.\nwx $f wff x $.\nwy $f wff y $.\n"
            "${ $d x y $. ax-d $a |- A x y $. $}\n"
            "${ $d x y $. thd $p |- A x y $= wx wy ax-d $. $}\n"
            "thnod $p |- A x y $= wx wy ax-d $.\n"
            "junk $a |- B $.\n")          # an undeclared symbol: a reading error
    path = tmp_path / "d.mm"
    path.write_text(text)
    proc = proofgen("verify", path, "--engine", engine, "--only", "thd")
    assert proc.returncode == 1
    assert [(d["code"], d["label"]) for d in diagnostics(proc.stdout)] == [("E0603", "junk")]
    assert checked(proc.stderr) == (1, 2)
    proc = proofgen("verify", path, "--engine", engine, "--only", "thnod")
    assert [(d["code"], d["label"]) for d in diagnostics(proc.stdout)] == \
        [("E0809", "thnod"), ("E0603", "junk")]
    path.write_text(text.replace("junk $a |- B $.\n", ""))
    assert proofgen("verify", path, "--engine", engine, "--only", "thd").returncode == 0
    assert proofgen("verify", path, "--engine", engine, "--only", "thnod").returncode == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_only_each_hilbert_theorem(engine):
    """Every theorem of the bundled database, alone, verifies, and the
    one-label runs together make up the whole run."""
    db = load(HILBERT, engine=engine)
    theorems = [s.label for s in db.statements() if s.kind == "p"]
    assert len(theorems) == db.proof_count > 10
    for label in theorems:
        report = db.verify(only=label)
        assert report.ok and report.checked == 1, label
    assert db.verify(only=f"{theorems[0]}..{theorems[-1]}").checked == len(theorems)


USAGE_CASES = [  # --only, text the one line must hold
    ("nosuch", "'nosuch' is not a label of"),
    ("t1,nosuch", "'nosuch' is not a label of"),
    ("ax-1", "'ax-1' is an axiom or definition ($a), not a $p"),
    ("wph", "'wph' is a floating hypothesis ($f), not a $p"),
    ("t1.h", "'t1.h' is a hypothesis ($e), not a $p"),
    ("t2..t1", "range 't2..t1' is reversed: 't1' comes before 't2'"),
    ("t2..ax-1", "range 't2..ax-1' is reversed"),
    ("t1..nosuch", "range 't1..nosuch': 'nosuch' is not a label"),
    ("nosuch..t1", "range 'nosuch..t1': 'nosuch' is not a label"),
    ("nosuch..", "range 'nosuch..': 'nosuch' is not a label"),
    ("t1,,t2", "empty item"),
    ("", "empty item"),
    ("t1 t2", "'t1 t2' is not a label or a range"),
    ("t$1", "'t$1' is not a label or a range"),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("only, text", USAGE_CASES, ids=[c[0] or "empty" for c in USAGE_CASES])
def test_only_usage_errors(tmp_path, engine, only, text):
    path = write(tmp_path, theorem("t1"), theorem("t2"))
    proc = proofgen("verify", path, "--engine", engine, "--only", only)
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = [line for line in proc.stderr.splitlines() if line.strip() and
             not line.startswith(("usage:", " "))]
    assert len(lines) == 1, proc.stderr
    assert "error" in lines[0] and "--only" in lines[0] and text in lines[0], lines[0]


def test_only_unknown_label_mentions_reading_errors(tmp_path):
    """A $p dropped for a reading error is 'not a label': the message says why."""
    path = write(tmp_path, theorem("t1"), theorem("t2", claim="|- ( ps -> undeclared )"))
    for engine in ENGINES:
        proc = proofgen("verify", path, "--engine", engine, "--only", "t2")
        assert proc.returncode == 1
        assert "'t2' is not a label" in proc.stderr and "1 reading errors" in proc.stderr


def test_only_api_errors_and_parsing(tmp_path):
    path = write(tmp_path, theorem("t1"), theorem("t2"))
    assert parse_only("a, b..c ,..d") == ("a", "b..c", "..d")
    assert parse_only(["a", "b,c"]) == ("a", "b", "c")
    for spec in ("", "a,", "a b", [], [""], [3]):
        with pytest.raises(SelectionError):
            parse_only(spec)
    for engine in ENGINES:
        db = load(path, engine=engine)
        for spec in ("nosuch", "ax-mp", "t2..t1"):
            with pytest.raises(SelectionError):
                db.verify(only=spec)
        assert db.select("t2,t1..t1") == [(0, 2)]
        assert db.select("t2") == [(1, 2)]


def test_label_with_dots_in_a_range(tmp_path):
    """Labels may hold '..': a whole label wins, else the split that resolves."""
    path = write(tmp_path, theorem("a..b"), bad("c"), theorem("d..e"))
    for engine in ENGINES:
        db = load(path, engine=engine)
        assert db.verify(only="a..b").checked == 1
        assert db.verify(only="a..b").ok
        assert db.verify(only="a..b..c").checked == 2
        assert db.verify(only="c..d..e").checked == 2
        assert db.verify(only="a..b..d..e").checked == 3
        assert db.verify(only="d..e..").checked == 1


def test_only_json_summary(tmp_path):
    path = write(tmp_path, theorem("t1"), bad("t2"), theorem("t3"))
    proc = proofgen("verify", path, "--only", "t1..t2", "--json")
    assert proc.returncode == 1
    *diags, last = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(d["code"], d["label"]) for d in diags] == [("E0806", "t2")]
    s = last["summary"]
    assert (s["proofs"], s["checked"], s["errors"], s["warnings"]) == (3, 2, 1, 0)
    full = json.loads(proofgen("verify", path, "--json").stdout.splitlines()[-1])["summary"]
    assert (full["proofs"], full["checked"]) == (3, 3)


_SET_MM: dict = {}


@pytest.fixture(scope="module", autouse=True)
def _forget_set_mm():
    yield
    _SET_MM.clear()         # the python engine's set.mm holds ~0.5 GB


def set_mm(engine: str):
    """set.mm read by `engine`, once per test run."""
    if engine not in _SET_MM:
        _SET_MM[engine] = load(need(SET_MM), engine=engine)
    return _SET_MM[engine]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_only_on_set_mm_checks_only_those(engine):
    """`--only` on set.mm checks the proofs asked for and no other (the
    engine's checking calls are counted), and says so."""
    db = set_mm(engine)
    theorems = [s.label for s in db.statements() if s.kind == "p"]
    calls = []
    real = db._db

    class Counting:
        def __getattr__(self, name):
            return getattr(real, name)

        def check_range(self, a, b, step=1):
            calls.append((a, b))
            return real.check_range(a, b, step)

    db._db = Counting()
    try:
        report = db.verify(jobs=1, only="ax-mp..a1i")
        assert report.ok and report.checked == 3 and report.proofs == len(theorems) > 30000
        assert [theorems[i] for a, b in calls for i in range(a, b)] == ["mp2", "mp2b", "a1i"]
        calls.clear()
        report = db.verify(jobs=1, only="syl,idi")
        assert report.ok and report.checked == 2
        assert sorted(theorems[i] for a, b in calls for i in range(a, b)) == ["idi", "syl"]
        report = db.verify(jobs=2, only="syl,idi")     # in forked workers
        assert report.ok and report.checked == 2
    finally:
        db._db = real


@pytest.mark.slow
def test_only_on_set_mm_cli_is_fast():
    """The command: 1 of all proofs checked, well under the time of the
    whole run (reading stays; checking ~38,000 proofs goes)."""
    path = need(SET_MM)
    start = time.perf_counter()
    full = proofgen("verify", path, "--jobs", "1")
    full_s = time.perf_counter() - start
    assert full.returncode == 0
    start = time.perf_counter()
    one = proofgen("verify", path, "--jobs", "1", "--only", "syl")
    one_s = time.perf_counter() - start
    assert one.returncode == 0
    n, total = checked(one.stderr)
    assert n == 1 and total > 30000
    assert one_s < full_s, (one_s, full_s)


# ---------------------------------------------------------------------------
# verify - : the database from standard input

def _same_as_file(path: Path, engine: str, *options: str, cwd: Path = ROOT):
    by_file = proofgen("verify", path, "--engine", engine, *options, cwd=cwd)
    with open(path, "rb") as fh:
        by_stdin = proofgen("verify", "-", "--engine", engine, *options, stdin=fh, cwd=cwd)
    assert by_stdin.returncode == by_file.returncode, (by_file.stderr, by_stdin.stderr)
    want = [dict(d, file="<stdin>" if d["file"] == str(path) else d["file"])
            for d in diagnostics(by_file.stdout)]
    assert diagnostics(by_stdin.stdout) == want
    assert by_stdin.stderr.startswith("<stdin>: "), by_stdin.stderr
    assert by_file.stderr.split(": ", 1)[1].split(",")[:2] == \
        by_stdin.stderr.split(": ", 1)[1].split(",")[:2]
    return by_stdin


CONFORMANCE_FILES = ["anatomy.mm", "anatomy-bad1.mm", "anatomy-bad2.mm", "anatomy-bad3.mm",
                     "big-unifier.mm", "big-unifier-bad1.mm", "demo0.mm", "demo0-bad1.mm",
                     "hol.mm", "miu.mm", "peano-fixed.mm"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", CONFORMANCE_FILES)
def test_stdin_same_verdict_as_file(engine, name):
    proc = _same_as_file(need(CONFORMANCE / name), engine)
    assert proc.returncode == (1 if "bad" in name else 0)
    if "bad" in name:
        assert all(d["file"] == "<stdin>" for d in diagnostics(proc.stdout))


@pytest.mark.parametrize("engine", ENGINES)
def test_stdin_errors_and_options(tmp_path, engine):
    path = write(tmp_path, theorem("t1"), bad("t2"), theorem("inc", "wph wps wph wi h ? ax-mp"))
    proc = _same_as_file(path, engine)
    assert [(d["file"], d["code"], d["label"]) for d in diagnostics(proc.stdout)] == \
        [("<stdin>", "E0806", "t2"), ("<stdin>", "W0815", "inc")]
    _same_as_file(path, engine, "--only", "t1")
    _same_as_file(path, engine, "--only", "inc", "--allow-incomplete")
    with open(path, "rb") as fh:
        js = proofgen("verify", "-", "--engine", engine, "--json", stdin=fh)
    assert json.loads(js.stdout.splitlines()[-1])["summary"]["file"] == "<stdin>"
    with open(path, "rb") as fh:
        proc = proofgen("verify", "-", "--engine", engine, "--only", "nosuch", stdin=fh)
    assert proc.returncode == 1 and "'nosuch' is not a label of <stdin>" in proc.stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_stdin_includes_are_relative_to_the_current_directory(tmp_path, engine):
    includer = need(CONFORMANCE / "demo0-includer.mm")
    with open(includer, "rb") as fh:
        proc = proofgen("verify", "-", "--engine", engine, stdin=fh, cwd=CONFORMANCE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(includer, "rb") as fh:
        proc = proofgen("verify", "-", "--engine", engine, stdin=fh, cwd=tmp_path)
    assert proc.returncode == 1
    assert [(d["file"], d["code"]) for d in diagnostics(proc.stdout)][0] == ("<stdin>", "E0203")
    # the current directory bounds them as the file's folder would
    sub = tmp_path / "sub"
    sub.mkdir()
    (tmp_path / "outside.mm").write_text("$c x $.\n")
    for allow, codes in (((), ["E0204"]), (("--allow-outside-includes",), [])):
        proc = subprocess.run(
            [sys.executable, "-m", "proofgen", "verify", "-", "--engine", engine, *allow],
            input="$[ ../outside.mm $]\n", capture_output=True, text=True, cwd=sub,
            env=_env(), timeout=60)
        assert [d["code"] for d in diagnostics(proc.stdout)] == codes, proc.stdout
        assert proc.returncode == (1 if codes else 0)


@pytest.mark.parametrize("engine", ENGINES)
def test_stdin_max_file_bytes(engine):
    demo = need(CONFORMANCE / "demo0.mm")
    size = demo.stat().st_size
    for limit, status in ((size - 1, 1), (size, 0)):
        with open(demo, "rb") as fh:
            proc = proofgen("verify", "-", "--engine", engine, "--max-file-bytes", limit, stdin=fh)
        assert proc.returncode == status, proc.stdout + proc.stderr
        if status:
            d, = diagnostics(proc.stdout)
            assert (d["file"], d["code"]) == ("<stdin>", "E0901")
            assert "max_file_bytes" in d["message"]
    # a pipe (not a file) too, read in bounded steps
    data = demo.read_bytes() * 2
    proc = subprocess.run([sys.executable, "-m", "proofgen", "verify", "-", "--engine", engine,
                           "--max-file-bytes", str(len(data) - 1)], input=data,
                          capture_output=True, cwd=ROOT, env=_env(), timeout=60)
    assert proc.returncode == 1 and b"E0901" in proc.stdout


def _on_terminal_stdin(argv: list[str], timeout: float = 30) -> tuple[int, str]:
    """Run with standard input on a pseudo-terminal that nobody types into."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.run(argv, stdin=slave, capture_output=True, text=True, cwd=ROOT,
                              env=_env(), timeout=timeout)
    finally:
        os.close(slave)
        os.close(master)
    return proc.returncode, proc.stdout + proc.stderr


def test_stdin_terminal_is_refused_not_waited_on():
    status, out = _on_terminal_stdin([sys.executable, "-m", "proofgen", "verify", "-"])
    assert status == 1
    assert "standard input" in out and "terminal" in out and "Traceback" not in out
    # the API too: E0902, at once
    for engine in ENGINES:
        status, out = _on_terminal_stdin([sys.executable, "-c",
                                          "from proofgen.kernel import load_stdin; "
                                          f"r = load_stdin(engine={engine!r}).verify(); "
                                          "print([d.format() for d in r.diagnostics])"])
        assert status == 0 and "E0902" in out and "terminal" in out, out


def test_stdin_closed_or_empty():
    proc = subprocess.run([sys.executable, "-m", "proofgen", "verify", "-"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, cwd=ROOT, env=_env(), timeout=60)
    assert proc.returncode == 0 and "<stdin>: ok: 0 statements" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "proofgen", "verify", "-"], capture_output=True,
                          text=True, cwd=ROOT, env=_env(), timeout=60,
                          preexec_fn=lambda: os.closerange(0, 1))
    assert proc.returncode == 1 and "E0902" in proc.stdout and "<stdin>" in proc.stdout


@pytest.mark.slow
def test_stdin_set_mm():
    proc = _same_as_file(need(SET_MM), "cython", "--only", "..a1i")
    assert proc.returncode == 0 and proc.stderr.startswith("<stdin>: ok: ")
    n, total = checked(proc.stderr)
    assert 1 < n < 10 and total > 30000


# ---------------------------------------------------------------------------
# --discouraged

DISCOURAGED = MINI + """
$( An old form of ~ ax-1 .  (New usage is discouraged.) $)
ax-old $a |- ( ph -> ( ps -> ph ) ) $.

${ t1.h $e |- ph $.
   $( Uses ~ ax-old : warned. $)
   t1 $p |- ( ps -> ph ) $= wph wps wph wi t1.h wph wps ax-old ax-mp $. $}

${ t2.h $e |- ph $.
   $( Uses ~ ax-old but is itself discouraged: not warned.
      (New usage is discouraged.) $)
   t2 $p |- ( ps -> ph ) $= wph wps wph wi t2.h wph wps ax-old ax-mp $. $}

${ t3.h $e |- ph $.
   $( Uses ~ ax-1 only: not warned. (Proof modification is discouraged.) $)
   t3 $p |- ( ps -> ph ) $= wph wps wph wi t3.h wph wps ax-1 ax-mp $. $}

${ t4.h $e |- ph $.
   $( Compressed, cites ~ ax-old : warned at the label. $)
   t4 $p |- ( ps -> ph ) $=
     ( wi ax-old ax-mp ) ABADCABEF $. $}

${ t5.h $e |- ph $.
   $( Cites ~ t2 : warned. $)
   t5 $p |- ( ps -> ph ) $=
     ( t2 ) ABCD $. $}

${ t6.h $e |- ph $.
   $( Cites ~ t3 , whose proof (not usage) is discouraged: not warned. $)
   t6 $p |- ( ps -> ph ) $= wph wps t6.h t3 $. $}
"""


def _warnings(stdout: str) -> list[tuple]:
    return [(d["label"], d["code"], d["severity"], int(d["line"]), int(d["column"]),
             re.search(r"'(\S+)'", d["message"])[1])
            for d in diagnostics(stdout) if d["severity"] == "warning"]


def _where(text: str, needle: str, after: str) -> tuple[int, int]:
    off = text.index(needle, text.index(after))
    line = text.count("\n", 0, off) + 1
    return line, off - (text.rfind("\n", 0, off) + 1) + 1


@pytest.mark.parametrize("engine", ENGINES)
def test_discouraged_warnings(tmp_path, engine):
    path = tmp_path / "d.mm"
    path.write_text(DISCOURAGED)
    plain = proofgen("verify", path, "--engine", engine)
    assert plain.returncode == 0 and plain.stdout == "", plain.stdout
    proc = proofgen("verify", path, "--engine", engine, "--discouraged")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ": ok: " in proc.stderr and "3 warnings" in proc.stderr
    want = [("t1", "ax-old", "t1 $p"), ("t4", "ax-old", "t4 $p"), ("t5", "t2", "t5 $p")]
    assert _warnings(proc.stdout) == [
        (label, "W0820", "warning", *_where(DISCOURAGED, cited, after), cited)
        for label, cited, after in want]
    assert all("new usage of" in d["message"] and "discouraged" in d["message"]
               for d in diagnostics(proc.stdout))
    # only the proofs checked are looked at
    proc = proofgen("verify", path, "--engine", engine, "--discouraged", "--only", "t2..t4")
    assert proc.returncode == 0
    assert [w[0] for w in _warnings(proc.stdout)] == ["t4"]
    # JSON: severity and summary
    proc = proofgen("verify", path, "--engine", engine, "--discouraged", "--json")
    *rows, last = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 0
    assert [(r["code"], r["severity"], r["title"]) for r in rows] == \
        [("W0820", "warning", "new usage of a discouraged assertion")] * 3
    assert (last["summary"]["warnings"], last["summary"]["errors"]) == (3, 0)


@pytest.mark.parametrize("engine", ENGINES)
def test_discouraged_does_not_change_the_exit_status(tmp_path, engine):
    base = DISCOURAGED
    broken = base + bad("zz")
    incomplete = base + theorem("inc", "wph ? wph wi h wph ? ax-old ax-mp")
    for text, status, allow in ((base, 0, ()), (broken, 1, ()), (incomplete, 2, ()),
                                (incomplete, 0, ("--allow-incomplete",))):
        path = tmp_path / "d.mm"
        path.write_text(text)
        plain = proofgen("verify", path, "--engine", engine, *allow)
        warned = proofgen("verify", path, "--engine", engine, "--discouraged", *allow)
        assert plain.returncode == warned.returncode == status
        assert len(_warnings(warned.stdout)) == 3 + (text is incomplete)
        assert [d for d in diagnostics(warned.stdout) if d["severity"] != "warning"] == \
            diagnostics(plain.stdout)
    db = load(tmp_path / "d.mm", engine=engine)
    report = db.verify(discouraged=True, only="t1")
    assert report.ok and report.exit_status() == 0 and len(report.warnings) == 1
    assert not report.errors and not report.incomplete


def test_discouraged_engines_agree(tmp_path):
    path = tmp_path / "d.mm"
    path.write_text(DISCOURAGED)
    outputs = {proofgen("verify", path, "--engine", e, "--discouraged").stdout for e in ENGINES}
    assert len(outputs) == 1
    hilbert = {proofgen("verify", HILBERT, "--engine", e, "--discouraged").stdout for e in ENGINES}
    assert hilbert == {""}      # hilbert.mm marks nothing


def test_discouraged_help_and_options():
    proc = proofgen("verify", "--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    for option in ("--only LABELS", "--discouraged", "A..B", "'-'", "<stdin>",
                   "relative to the current directory", "Default: every proof",
                   "(default: off)"):
        assert option in text, option


@pytest.mark.slow
def test_discouraged_set_mm_matches_metamath_exe(tmp_path):
    """The warnings on set.mm are exactly metamath.exe's SHOW DISCOURAGED
    uses whose user is not itself discouraged (671 on Debian's set.mm)."""
    path = need(SET_MM)
    proc = proofgen("verify", path, "--discouraged")
    assert proc.returncode == 0, proc.stderr
    ours = {(w[5], w[0]) for w in _warnings(proc.stdout)}
    assert len(ours) == len(_warnings(proc.stdout)) > 500
    assert f"{len(ours)} warnings" in proc.stderr
    if not metamath_available():
        pytest.skip("metamath is not installed")
    exe = subprocess.run(["metamath", f"read \"{path}\"", "set width 9999", "show discouraged",
                          "exit"], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    marked = set(re.findall(r'New usage of "(\S+)" is discouraged', exe.stdout))
    used = set(re.findall(r'"(\S+)" is used by "(\S+)"', exe.stdout))
    assert len(marked) > 1000 and len(used) > 1000, exe.stdout[-2000:]
    assert ours == {(a, b) for a, b in used if b not in marked}


@pytest.mark.slow
def test_discouraged_set_mm_engines_agree():
    """Both engines find the same discouraged citations, at the same places."""
    found = [set_mm(engine).discouraged_uses() for engine in ENGINES]
    assert len(found[0]) > 500
    assert all(f == found[0] for f in found)
    assert len({(thm, msg) for _, _, _, thm, msg in found[0]}) == len(found[0])
