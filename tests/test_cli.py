"""The `proofgen verify` command, run as a user runs it (a subprocess).

The contract: `proofgen verify FILE [--jobs N] [--engine ...] [--json]
[--allow-incomplete]`; exit 0 when every proof verified, 1 on any error, 2
when the only problems are incomplete proofs; diagnostics as
`file:line:col: error[CODE] label: message`, all of them; a progress bar on
a terminal for large files; a one-line summary (statements, proofs, errors,
seconds); `--json` gives the same diagnostics as JSON lines.
"""
from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CONFORMANCE, DATABASES, ROOT, available_engines
from proofgen import __version__
from proofgen.kernel import load

HILBERT = ROOT / "mm_databases" / "hilbert.mm"
IN_CI = bool(os.environ.get("CI"))

DIAG = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|incomplete)"
                  r"\[(?P<code>[EW]\d{4})\](?: (?P<label>\S+))?: (?P<message>.+)$")
SUMMARY = re.compile(r"(?P<statements>\d+) statements, (?P<proofs>\d+) proofs, "
                     r"(?P<errors>\d+) errors, .*?(?P<seconds>\d+\.\d+) s\b")

# the conformance suite's verdicts (checked against its expected.tsv below)
PASS = ["anatomy.mm", "big-unifier.mm", "demo0.mm", "demo0-includer.mm", "emptyline.mm",
        "hol.mm", "miu.mm", "peano-fixed.mm", "ql.mm"]
FAIL = ["anatomy-bad1.mm", "anatomy-bad2.mm", "anatomy-bad3.mm", "big-unifier-bad1.mm",
        "big-unifier-bad2.mm", "big-unifier-bad3.mm", "demo0-bad1.mm"]


def need(path: Path) -> Path:
    """A file the tests need from outside the repository: its absence skips
    the test on a developer's machine and fails it in CI."""
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


def proofgen(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "proofgen", *map(str, args)], capture_output=True,
                          text=True, errors="replace", timeout=timeout, cwd=ROOT, env=_env())
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


def diagnostics(stdout: str) -> list[dict]:
    """Parse every stdout line as a diagnostic; any other line is a failure."""
    out = []
    for line in stdout.splitlines():
        m = DIAG.match(line)
        assert m, f"not a diagnostic: {line!r}"
        out.append(m.groupdict())
    return out


def summary(stderr: str) -> dict:
    m = SUMMARY.search(stderr)
    assert m, f"no summary line in {stderr!r}"
    return m.groupdict()


# a small database and theorems in both proof formats
MINI = """$c ( ) -> wff |- $.
$v ph ps $.
wph $f wff ph $.
wps $f wff ps $.
wi $a wff ( ph -> ps ) $.
${ min $e |- ph $. maj $e |- ( ph -> ps ) $. ax-mp $a |- ps $. $}
ax-1 $a |- ( ph -> ( ps -> ph ) ) $.
"""
# A=wph B=wps C=h D=wi E=ax-1 F=ax-mp
NORMAL = "wph wps wph wi h wph wps ax-1 ax-mp"
COMPRESSED = "( wi ax-1 ax-mp ) ABADCABEF"


def theorem(label: str, proof: str, claim: str = "|- ( ps -> ph )") -> str:
    """A theorem in a block with its own hypothesis `<label>.h` ('h' in `proof`)."""
    proof = proof.replace(" h ", f" {label}.h ")
    return f"${{ {label}.h $e |- ph $.\n{label} $p {claim} $= {proof} $. $}}\n"


def mini(tmp_path: Path, *theorems: str, name: str = "t.mm") -> Path:
    path = tmp_path / name
    path.write_text(MINI + "".join(theorems))
    return path


def compressed(label: str, letters: str) -> str:
    """Like `theorem`, compressed: A=wph B=wps C=<label>.h D=wi E=ax-1 F=ax-mp."""
    return (f"${{ {label}.h $e |- ph $.\n{label} $p |- ( ps -> ph ) $= ( wi ax-1 ax-mp ) "
            f"{letters} $. $}}\n")


# ---------------------------------------------------------------------------
# basics

def test_version():
    proc = proofgen("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"proofgen {__version__}"


def test_verify_help():
    proc = proofgen("verify", "--help")
    assert proc.returncode == 0
    for option in ("--jobs", "--engine", "--json", "--allow-incomplete", "--allow-outside-includes",
                   "--max-expression", "--max-proof-symbols", "--max-proof-steps",
                   "--max-token-bytes", "--max-block-depth", "--max-diagnostics"):
        assert option in proc.stdout


USAGE_ERRORS = [[], ["verify"], ["verify", str(HILBERT), "--engine", "nope"],
                ["verify", str(HILBERT), "--jobs", "two"], ["verify", str(HILBERT), "--bogus"]]


def test_usage_errors():
    for args in USAGE_ERRORS:
        proc = proofgen(*args)
        assert proc.returncode != 0 and "usage:" in proc.stderr, args


def test_usage_errors_exit_1():
    """Not argparse's 2, which means 'only incomplete proofs' here."""
    for args in USAGE_ERRORS:
        assert proofgen(*args).returncode == 1, args


@pytest.mark.parametrize("engine", available_engines())
def test_hilbert_verifies(engine):
    proc = proofgen("verify", HILBERT, "--engine", engine)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert "\r" not in proc.stderr  # no progress bar when stderr is not a terminal
    report = load(HILBERT, engine=engine).verify()
    got = summary(proc.stderr)
    assert (int(got["statements"]), int(got["proofs"]), int(got["errors"])) == \
        (report.statements, report.proofs, 0)
    assert report.proofs > 0


def test_small_file_under_an_address_space_limit():
    """`ulimit -v` is common on shared machines: a small database must verify
    with 1 GB of address space (reading must not reserve max_file_bytes)."""
    import resource

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    proc = subprocess.run([sys.executable, "-m", "proofgen", "verify", str(HILBERT)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT, env=_env(),
                          preexec_fn=cap)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_conformance_verdicts_are_current():
    tsv = need(CONFORMANCE / "expected.tsv")
    verdicts = dict(line.split("\t")[:2] for line in tsv.read_text().splitlines()
                    if line and not line.startswith("#"))
    assert sorted(f for f, v in verdicts.items() if v == "pass") == sorted(PASS)
    assert sorted(f for f, v in verdicts.items() if v == "fail") == sorted(FAIL)


@pytest.mark.parametrize("name", PASS)
def test_conformance_pass(name):
    path = need(CONFORMANCE / name)
    proc = proofgen("verify", path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("name", FAIL)
def test_conformance_fail(name):
    path = need(CONFORMANCE / name)
    proc = proofgen("verify", path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    found = diagnostics(proc.stdout)
    assert found and all(d["severity"] == "error" and d["code"].startswith("E") for d in found)
    assert all(d["file"] == str(path) for d in found)
    assert int(summary(proc.stderr)["errors"]) == len(found)


# ---------------------------------------------------------------------------
# exit status: 0, 1, 2

def test_complete_proofs_exit_0(tmp_path):
    path = mini(tmp_path, theorem("th1", NORMAL), compressed("th2", "ABADCABEF"))
    proc = proofgen("verify", path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("body", [
    theorem("th1", "wph wps wph wi h ? ax-mp"),  # normal '?'
    compressed("th1", "ABADC?F"),  # compressed '?' letter
    theorem("th1", "?"),  # nothing but '?'
], ids=["normal", "compressed", "only"])
def test_incomplete_exit_2(tmp_path, body):
    path = mini(tmp_path, body)
    proc = proofgen("verify", path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    found = diagnostics(proc.stdout)
    assert [(d["severity"], d["code"], d["label"]) for d in found] == [("incomplete", "W0815", "th1")]
    assert int(summary(proc.stderr)["errors"]) == 0
    proc = proofgen("verify", path, "--allow-incomplete")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "W0815" in proc.stdout  # still shown, just not failing


def test_errors_and_incomplete_exit_1(tmp_path):
    path = mini(tmp_path, theorem("th1", "wph wps wph wi h ? ax-mp"),
                theorem("th2", NORMAL, claim="|- ( ph -> ps )"))
    for extra in ([], ["--allow-incomplete"]):
        proc = proofgen("verify", path, *extra)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert [(d["code"], d["label"]) for d in diagnostics(proc.stdout)] == \
            [("W0815", "th1"), ("E0806", "th2")]


def test_every_error_is_reported(tmp_path):
    path = mini(tmp_path,
                theorem("bad1", NORMAL, claim="|- ( ph -> ps )"),  # proves something else
                theorem("good", NORMAL),
                theorem("bad2", "wph wps wph wi h ax-mp"),  # stack underflow
                compressed("bad3", "ABADCABEFA"))  # two entries left
    proc = proofgen("verify", path)
    assert proc.returncode == 1
    found = diagnostics(proc.stdout)
    assert [(d["label"], d["code"]) for d in found] == \
        [("bad1", "E0806"), ("bad2", "E0803"), ("bad3", "E0804")]
    lines = [int(d["line"]) for d in found]
    assert lines == sorted(lines) and len(set(lines)) == 3
    assert int(summary(proc.stderr)["errors"]) == 3


def test_reading_and_proof_errors_are_all_reported(tmp_path):
    path = mini(tmp_path, "bad-st $a |- nope $.\n", theorem("bad1", NORMAL, claim="|- ( ph -> ps )"),
                "$c wff $.\n", theorem("bad2", "wph wps wph wi h ax-mp"))
    proc = proofgen("verify", path)
    assert proc.returncode == 1
    assert [d["code"] for d in diagnostics(proc.stdout)] == ["E0603", "E0806", "E0402", "E0803"]


def test_diagnostic_format(tmp_path):
    path = mini(tmp_path, theorem("bad1", NORMAL, claim="|- ( ph -> ps )"))
    proc = proofgen("verify", path)
    line = proc.stdout.splitlines()[0]
    text = (MINI + theorem("bad1", NORMAL, claim="|- ( ph -> ps )")).splitlines()
    m = DIAG.match(line)
    assert m and m["file"] == str(path) and m["label"] == "bad1" and m["code"] == "E0806"
    # the position is inside the proof of bad1
    row = text[int(m["line"]) - 1]
    assert "bad1 $p" in row and int(m["column"]) > row.index("$=")


def test_errors_into_a_closed_pipe_do_not_exit_0(tmp_path):
    """`proofgen verify bad.mm | head -0` once exited 0, 'every proof verified'."""
    path = mini(tmp_path, theorem("bad1", NORMAL, claim="|- ( ph -> ps )"))
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([sys.executable, "-m", "proofgen", "verify", str(path)], stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=60, cwd=ROOT, env=_env())
    finally:
        os.close(write)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1


# ---------------------------------------------------------------------------
# --json and the summary

JSON_KEYS = {"file", "line", "column", "code", "label", "message", "severity"}


def test_json(tmp_path):
    path = mini(tmp_path, theorem("bad1", NORMAL, claim="|- ( ph -> ps )"), theorem("good", NORMAL),
                theorem("inc", "wph wps wph wi h ? ax-mp"), compressed("bad3", "ABADCABEFA"))
    text = proofgen("verify", path)
    proc = proofgen("verify", path, "--json")
    assert proc.returncode == text.returncode == 1
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    *diags, last = rows
    for d in diags:
        assert JSON_KEYS <= d.keys(), d
        assert d["severity"] == ("incomplete" if d["code"].startswith("W") else "error")
    assert [(d["code"], d["label"]) for d in diags] == [("E0806", "bad1"), ("W0815", "inc"),
                                                         ("E0804", "bad3")]
    # the same diagnostics as the text output
    assert [(d["file"], str(d["line"]), str(d["column"]), d["severity"], d["code"], d["label"],
             d["message"]) for d in diags] == \
        [(d["file"], d["line"], d["column"], d["severity"], d["code"], d["label"] or "",
          d["message"]) for d in diagnostics(text.stdout)]
    s = last["summary"]
    assert {"statements", "proofs", "errors", "seconds"} <= s.keys()
    assert (s["proofs"], s["errors"]) == (4, 2)
    assert s["statements"] == int(summary(text.stderr)["statements"])
    assert isinstance(s["seconds"], (int, float)) and s["seconds"] >= 0


def test_json_ok_file_is_just_the_summary():
    proc = proofgen("verify", HILBERT, "--json")
    assert proc.returncode == 0
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 1 and rows[0]["summary"]["errors"] == 0


def test_summary_line(tmp_path):
    path = mini(tmp_path, theorem("bad1", NORMAL, claim="|- ( ph -> ps )"), theorem("good", NORMAL))
    proc = proofgen("verify", path)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    for word in ("statements", "proofs", "errors"):
        assert word in lines[0]
    got = summary(lines[0])
    assert (got["proofs"], got["errors"]) == ("2", "1")
    # $f wph wps, $a wi ax-1 ax-mp, $e min maj, and per theorem a $e and a $p
    assert got["statements"] == str(7 + 4)


# ---------------------------------------------------------------------------
# --jobs and --engine do not change the diagnostics

def _corrupt(text: str, which: list[int]) -> tuple[str, list[str]]:
    """Give the `which`-th theorems the proof of the theorem before them."""
    found = list(re.finditer(r"(?m)^\s*(\S+) \$p [^$]*\$=([^$]*)\$\.", text))
    labels = []
    for i in sorted(which, reverse=True):
        m, prev = found[i], found[i - 1]
        text = text[:m.start(2)] + prev.group(2) + text[m.end(2):]
        labels.append(m.group(1))
    return text, labels[::-1]


@pytest.fixture(scope="module")
def corrupted_ql(tmp_path_factory):
    source = need(DATABASES / "ql.mm")
    text, labels = _corrupt(source.read_text(), [10, 1100])  # first and third chunk of 400
    path = tmp_path_factory.mktemp("ql") / "ql.mm"
    path.write_text(text)
    return path, labels


_REFERENCE: dict = {}


def reference_output(corrupted) -> subprocess.CompletedProcess:
    """The first engine with one job: what every other run must print."""
    if "ref" not in _REFERENCE:
        _REFERENCE["ref"] = proofgen("verify", corrupted[0], "--engine", available_engines()[0],
                                     "--jobs", "1")
    return _REFERENCE["ref"]


@pytest.mark.parametrize("engine", available_engines())
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_jobs_and_engines_agree(corrupted_ql, engine, jobs):
    path, labels = corrupted_ql
    proc = proofgen("verify", path, "--engine", engine, "--jobs", jobs)
    assert proc.returncode == 1
    found = diagnostics(proc.stdout)
    assert [d["label"] for d in found] == labels
    lines = [int(d["line"]) for d in found]
    assert lines == sorted(lines)
    ref = reference_output(corrupted_ql)
    assert proc.stdout == ref.stdout
    assert summary(proc.stderr)["proofs"] == summary(ref.stderr)["proofs"]


# ---------------------------------------------------------------------------
# resource limit options

def doubling(n: int) -> str:
    """A sound database whose one proof doubles an expression n times."""
    e = "ph"
    for _ in range(n):
        e = f"( {e} -> {e} )"
    return ("$c wff ( ) -> $.\n$v ph $.\nwph $f wff ph $.\nax-dup $a wff ( ph -> ph ) $.\n"
            f"th $p wff {e} $= wph" + " ax-dup" * n + " $.\n")


LIMIT_CASES = [
    ("--max-expression", "50", doubling(5), "E0901"),  # 125 symbols
    ("--max-expression", "200", doubling(5), None),
    ("--max-proof-symbols", "100", doubling(5), "E0901"),  # 6+14+30+62+126 built
    ("--max-proof-symbols", "400", doubling(5), None),
    ("--max-proof-steps", "5", doubling(5), "E0901"),  # 6 steps
    ("--max-proof-steps", "6", doubling(5), None),
    ("--max-token-bytes", "5", doubling(1), "E0901"),  # 'ax-dup'
    ("--max-token-bytes", "6", doubling(1), None),
    ("--max-block-depth", "1", "$c a $.\n${ ${ $} $}\n", "E0901"),
    ("--max-block-depth", "2", "$c a $.\n${ ${ $} $}\n", None),
]


@pytest.mark.parametrize("option, value, text, code", LIMIT_CASES,
                         ids=[f"{o}={v}" for o, v, _, _ in LIMIT_CASES])
def test_limit_options(tmp_path, option, value, text, code):
    path = tmp_path / "t.mm"
    path.write_text(text)  # the None cases show it is sound
    proc = proofgen("verify", path, option, value)
    if code is None:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    else:
        assert proc.returncode == 1
        found = diagnostics(proc.stdout)
        assert [d["code"] for d in found] == [code]
        assert option[2:].replace("-", "_") in found[0]["message"]


def test_max_diagnostics(tmp_path):
    path = mini(tmp_path, *(theorem(f"bad{i}", NORMAL, claim="|- ( ph -> ps )") for i in range(5)))
    proc = proofgen("verify", path, "--max-diagnostics", "2")
    assert proc.returncode == 1
    found = diagnostics(proc.stdout)
    assert [d["code"] for d in found] == ["E0806", "E0806", "E0901"]
    assert [d["label"] for d in found[:2]] == ["bad0", "bad1"]
    assert "3 further" in found[2]["message"]


# ---------------------------------------------------------------------------
# the progress bar

def _run_on_pty(*args, timeout: float = 120) -> tuple[int, bytes, str]:
    """Run proofgen with stderr on a pseudo-terminal; return (status,
    terminal output, stdout)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "proofgen", *map(str, args)], cwd=ROOT,
                            env=_env(), stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        else:
            proc.kill()
            pytest.fail(f"proofgen {args} did not finish in {timeout} s")
        stdout = proc.communicate(timeout=timeout)[0].decode("utf-8", "replace")
    finally:
        os.close(master)
    return proc.returncode, b"".join(chunks), stdout


def test_progress_bar_on_a_terminal():
    path = need(DATABASES / "set.mm")
    status, tty, stdout = _run_on_pty("verify", path)
    assert status == 0, tty.decode("utf-8", "replace")
    assert b"Traceback" not in tty
    assert re.search(rb"\rverifying \[[#.]+\] \d+/\d+ proofs", tty), tty[:2000]
    assert re.search(rb"(\d+)/\1 proofs", tty)  # it reaches the end
    text = tty.decode("utf-8", "replace")
    assert summary(text)["errors"] == "0"
    assert stdout == ""


def test_no_progress_bar_for_small_files():
    status, tty, _ = _run_on_pty("verify", HILBERT)
    assert status == 0 and b"\r" not in tty.replace(b"\r\n", b"\n")
    assert b"statements" in tty


def test_generate_logs_progress_lines_when_stderr_is_not_a_terminal(tmp_path):
    """A cluster job's log (`ray job logs`, `kubectl logs`) is a pipe: the
    driver writes time-stamped lines per phase and, resumed, what it found."""
    out = str(tmp_path / "run")
    cmd = [sys.executable, "-m", "proofgen", "generate", "--count", "300", "--unit-size",
           "100", "--styles", "mm", "--out", out]
    env = {**os.environ, "PROOFGEN_PROGRESS_EVERY": "0"}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    stamped = [x for x in lines if re.match(r"\d\d:\d\d:\d\d (generate|finalize): ", x)]
    assert any(" generate: 1/" in x for x in stamped)
    assert any(" finalize: " in x for x in stamped)
    assert "\r" not in done.stderr and "\033[" not in done.stderr
    again = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    assert re.search(r"\d\d:\d\d:\d\d resuming: (\d+) of \1 units were generated already",
                     again.stderr), again.stderr
