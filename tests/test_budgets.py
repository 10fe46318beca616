"""Budgets for a whole verification: work (`max_work`) and input bytes
(`max_total_bytes`).  Issue 23, item 6: within the per-proof and per-file
limits, time (steps x expression size) and memory (a 26-byte file including
two sparse 2 GiB files; hard links defeating read-once) were unbounded.

Every attack input is made here by code (no large committed files) and must
end in the right diagnostic, the same in both engines.  Nothing here times
anything: how long each attack takes is measured apart (docs/kernel.md,
"Work").  Inputs that could take the machine's memory if a budget broke run
in a child process under an address-space cap, and under a generous timeout
only so that a regression fails instead of hanging the suite.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATABASES, ROOT, available_engines
from proofgen.kernel import DEFAULT_LIMITS, Limits, Report, load
from proofgen.kernel.limits import DV_TEST_UNITS
from proofgen.kernel.mmtext import encode_number as enc  # step number -> letters

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None

ENGINES = available_engines()
IN_CI = bool(os.environ.get("CI"))
SET_MM = DATABASES / "set.mm"
GIB = 1 << 30


def need(path: Path) -> Path:
    """A file from outside the repository: skip without it, except in CI."""
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing (CI installs it)")
        pytest.skip(f"{path} is missing")
    return path


# ---------------------------------------------------------------------------
# helpers

def verify(path, engine: str, limits: Limits = DEFAULT_LIMITS, jobs: int = 1) -> Report:
    report = load(path, engine=engine, limits=limits).verify(jobs=jobs)
    assert isinstance(report, Report)
    return report


def key(report: Report) -> list:
    return [(d.code, d.line, d.column, d.label, d.message) for d in report.diagnostics]


def verify_all(path, limits: Limits = DEFAULT_LIMITS) -> Report:
    """Both engines; they must agree on every diagnostic (message included)
    and on the work spent.  Returns the first engine's report."""
    reports = {e: verify(path, e, limits) for e in ENGINES}
    first = reports[ENGINES[0]]
    for e in ENGINES[1:]:
        assert key(reports[e]) == key(first), f"engines disagree on {path}"
        assert (reports[e].work, reports[e].proofs_checked) == (first.work, first.proofs_checked)
    return first


def _env() -> dict:
    env = dict(os.environ)
    env.pop("PROOFGEN_DEBUG", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


_CHILD = """
import json, sys
from proofgen.kernel import Limits, load
report = load(sys.argv[1], engine=sys.argv[2], limits=Limits(**json.loads(sys.argv[3]))).verify()
print(json.dumps({"work": report.work, "checked": report.proofs_checked, "diagnostics":
                  [[d.code, d.line, d.column, d.label, d.message] for d in report.diagnostics]}))
"""


def in_child(path, engine: str, limits: dict | None = None, *, memory: int = 5 * GIB // 2,
             hang_guard: float = 900) -> dict:
    """`load(path).verify()` in a child whose address space is capped at
    `memory` (so its resident memory stays below it too).  `hang_guard` is
    not a timing check: it only turns a hang into a failure."""
    def cap():
        if resource is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), engine,
                           json.dumps(limits or {})], capture_output=True, text=True,
                          preexec_fn=cap, cwd=ROOT, env=_env(), timeout=hang_guard)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def wrap(letters: str, width: int = 100) -> str:
    """Letters as lines of `width` (a token may have at most max_token_bytes)."""
    return "\n".join(letters[i:i + width] for i in range(0, len(letters), width))


# ---------------------------------------------------------------------------
# the attack inputs

HEAD = """$c wff |- ( ) -> $.
$v ph ps ch $.
wph $f wff ph $.
wps $f wff ps $.
wch $f wff ch $.
ax-imp $a wff ( ph -> ps ) $.
ax-t $a |- ph $.
${ ax-e.1 $e |- ph $. ax-e $a |- ps $. $}
${ $d ph ps $. ax-d.1 $e |- ( ph -> ps ) $. ax-d $a |- ch $. $}
"""


def doubled(k: int, var: str = "ph") -> str:
    """`var` doubled k times by ax-imp: 2^(k+2) - 3 symbols."""
    e = var
    for _ in range(k):
        e = f"( {e} -> {e} )"
    return e


def _doubling_letters(first: str, saved: int, k: int, imp: str) -> tuple[list[str], int]:
    """Letters pushing `first` (saved as step `saved`), then doubling it k
    times with ax-imp (`imp`), saving each result: returns the letters and
    the step number of the last one saved."""
    letters = [first, "Z"]
    for _ in range(k):
        letters += [enc(saved), imp, "Z"]
        saved += 1
    return letters, saved


def compare_attack(nbytes: int, k: int = 18, proofs: int = 1) -> str:
    """Steps x size by comparison: E = ph doubled k times (k = 18: 1,048,573
    symbols, just within max_expression), |- E by ax-t, then `wff E, wff ps,
    |- E, ax-e` again and again until the file has `nbytes`: every ax-e
    compares E with E (about 2 * 10^6 symbols) for 6 letters of proof.  With
    `proofs` > 1 the same work is spread over that many theorems (a budget
    per proof would let each take its share)."""
    # th $p |- ps: mandatory wps = A; listed wph B, ax-imp C, ax-t D, ax-e E
    letters, last = _doubling_letters("B", 6, k, "C")
    letters += ["D", "Z"]                       # |- E, saved as last + 1
    unit = enc(last) + "A" + enc(last + 1) + "E"
    per = max(1, (nbytes - len(HEAD)) // proofs // len(unit))
    body = "".join(f"th{i if proofs > 1 else ''} $p |- ps $= ( wph ax-imp ax-t ax-e )\n"
                   + wrap("".join(letters) + unit * per) + " $.\n" for i in range(proofs))
    return HEAD + body


def dv_scan_attack(nbytes: int, k: int = 17) -> str:
    """Steps x size by `$d` checks: E = ph and F = ps doubled k times, then
    ax-d (`$d ph ps`) on ( E -> F ) again and again: each time both
    substitutions are scanned for their variables."""
    # th $p |- ch: mandatory wch = A; listed wph B, wps C, ax-imp D, ax-t E, ax-d F
    letters, e = _doubling_letters("B", 7, k, "D")
    more, f = _doubling_letters("C", e + 1, k, "D")
    letters += more + [enc(e), enc(f), "D", "E", "Z"]   # |- ( E -> F ), saved as f + 1
    unit = enc(e) + enc(f) + "A" + enc(f + 1) + "F"
    head = HEAD + "${ $d ph ps $.\nth $p |- ch $= ( wph wps ax-imp ax-t ax-d )\n"
    per = max(1, (nbytes - len(head)) // len(unit))
    return head + wrap("".join(letters) + unit * per) + " $.\n$}\n"


def dv_product_attack(nbytes: int, v: int = 1000) -> str:
    """Steps x pairs: v x's and v y's, every pair disjoint in the theorem;
    X = ( ( x1 -> x2 ) -> ... ), Y likewise, then ax-d on ( X -> Y ) again
    and again: v * v pair lookups each time for 5 letters of proof."""
    xs, ys = [f"x{i}" for i in range(v)], [f"y{i}" for i in range(v)]
    lines = ["$c wff |- ( ) -> $.", "$v ph ps ch " + " ".join(xs + ys) + " $.",
             "wph $f wff ph $.", "wps $f wff ps $.", "wch $f wff ch $."]
    lines += [f"w{x} $f wff {x} $." for x in xs + ys]
    lines += ["ax-imp $a wff ( ph -> ps ) $.", "ax-t $a |- ph $.",
              "${ $d ph ps $. ax-d.1 $e |- ( ph -> ps ) $. ax-d $a |- ch $. $}",
              "${ $d " + " ".join(xs + ys) + " $."]
    listed = [f"w{x}" for x in xs + ys] + ["ax-imp", "ax-t", "ax-d"]
    step = {label: i + 2 for i, label in enumerate(listed)}   # mandatory wch = A
    imp, saved = enc(step["ax-imp"]), len(listed) + 2
    letters = []
    for group in (xs, ys):
        letters.append(enc(step[f"w{group[0]}"]))
        for x in group[1:]:
            letters += [enc(step[f"w{x}"]), imp]
        letters.append("Z")
    sx, sy = saved, saved + 1
    letters += [enc(sx), enc(sy), imp, enc(step["ax-t"]), "Z"]   # |- ( X -> Y ), saved + 2
    unit = enc(sx) + enc(sy) + "A" + enc(saved + 2) + enc(step["ax-d"])
    head = "\n".join(lines) + "\nth $p |- ch $= ( " + " ".join(listed) + " )\n"
    per = max(1, (nbytes - len(head)) // len(unit))
    return head + wrap("".join(letters) + unit * per) + " $.\n$}\n"


def many_steps_compressed(steps: int = DEFAULT_LIMITS.max_proof_steps) -> str:
    """A compressed proof of `steps` letters (the most max_proof_steps
    allows): ph, saved, then the saved step pushed again and again."""
    return ("$c wff $.\n$v ph $.\nwph $f wff ph $.\nth $p wff ph $= ( )\n"
            + wrap("AZ" + "B" * (steps - 2)) + " $.\n")


def many_steps_normal(steps: int = DEFAULT_LIMITS.max_proof_steps) -> str:
    """A normal proof of `steps` labels (67 MB at the default limit)."""
    return "$c wff $.\n$v ph $.\nwph $f wff ph $.\nth $p wff ph $=" + " wph" * steps + " $.\n"


ATTACKS = {
    "compare": compare_attack,
    "dv-scan": dv_scan_attack,
    "dv-product": dv_product_attack,
    # 1.6 KB a proof: each one takes a sixth of the default budget
    "spread": lambda n, k=18: compare_attack(n, k, proofs=max(1, n // 1600)),
}


def test_attack_constructions_are_right(tmp_path, engine):
    """The attacks do what their docstrings say: each small version ends
    with the stack holding one entry per repetition (E0804), nothing else,
    the same in both engines; the doubled expressions are what they claim."""
    assert len(doubled(18).split()) == (1 << 20) - 3 <= DEFAULT_LIMITS.max_expression
    for name, text in [("compare", compare_attack(2000, k=3)),
                       ("dv-scan", dv_scan_attack(2000, k=3)),
                       ("dv-product", dv_product_attack(3000, v=4)),
                       ("spread", compare_attack(6000, k=3, proofs=3))]:
        path = tmp_path / f"{name}.mm"
        path.write_text(text)
        report = verify_all(path)
        assert {d.code for d in report.diagnostics} == {"E0804"}, name
        assert len(report.diagnostics) == report.proofs, name


# ---------------------------------------------------------------------------
# work: the definition, on proofs small enough to count by hand

WORK_DB = """$c wff |- ( ) -> $.
$v ph ps x y $.
wph $f wff ph $.
wps $f wff ps $.
wx $f wff x $.
wy $f wff y $.
wi $a wff ( ph -> ps ) $.
ax-1 $a |- ( ph -> ( ps -> ph ) ) $.
${ $d ph ps $. ax-d $a |- ( ph -> ps ) $. $}
"""


@pytest.mark.parametrize("proof, work, code", [
    # 3 steps; ax-1 takes `wff ph`, `wff ps` (2 + 2) and builds 10 symbols
    ("t $p |- ( ph -> ( ps -> ph ) ) $= wph wps ax-1 $.", 3 + 4 + 10, None),
    ("t $p |- ( ph -> ( ps -> ph ) ) $= ( ax-1 ) ABC $.", 3 + 4 + 10, None),
    # a '?' entry counts nothing, and what is built from it is not built
    ("t $p |- ( ph -> ( ps -> ph ) ) $= wph ? ax-1 $.", 3 + 2, "W0815"),
    # Z is not a step; the saved step pushed again is one
    ("t $p wff ( ph -> ph ) $= ( wi ) AZCB $.", 3 + 4 + 6, None),
    # $d ph ps with ph := x, ps := y: both substitutions (1 + 1) and one
    # variable pair looked up
    ("${ $d x y $. t $p |- ( x -> y ) $= wx wy ax-d $. $}",
     3 + 4 + 2 + DV_TEST_UNITS + 6, None),
])
def test_work_by_hand(tmp_path, proof, work, code):
    path = tmp_path / "w.mm"
    path.write_text(WORK_DB + proof + "\n")
    report = verify_all(path)
    assert [d.code for d in report.diagnostics] == ([code] if code else [])
    assert report.work == work
    # the budget is an upper bound: exactly enough passes, one unit less fails
    assert key(verify_all(path, Limits(max_work=work))) == key(report)
    short = verify_all(path, Limits(max_work=work - 1))
    (d,) = short.diagnostics
    assert (d.code, d.label) == ("E0901", "t") and "max_work" in d.message


def test_work_of_a_growing_proof_is_steps_times_size(tmp_path):
    """Doubling k times: the work is the steps plus the symbols taken and
    built at each step, so it grows with the expressions, not the proof."""
    def work(k: int) -> int:
        path = tmp_path / f"d{k}.mm"
        letters, _ = _doubling_letters("A", 3, k, "B")
        path.write_text(HEAD + f"th $p wff {doubled(k)} $= ( ax-imp ) "
                        + "".join(letters) + " $.\n")
        report = verify_all(path)
        assert report.ok, report.diagnostics
        return report.work
    # step j takes two copies of size s(j-1) and builds s(j) = 2 s(j-1) + 3
    sizes = [1]
    for _ in range(12):
        sizes.append(2 * sizes[-1] + 3)
    expected = 1 + sum(2 + 2 * (1 + sizes[j - 1]) + (1 + sizes[j]) for j in range(1, 13))
    assert work(12) == expected


# ---------------------------------------------------------------------------
# work: the attacks end in E0901 naming the proof, in both engines

@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_ends_at_max_work(tmp_path, name):
    """Each attack at 2 MB (small budget: the same code path as the default
    one, in a fraction of the time)."""
    path = tmp_path / f"{name}.mm"
    # (spread: smaller expressions, so that each proof is within the budget)
    path.write_text(ATTACKS[name](2_000_000, k=12) if name == "spread"
                    else ATTACKS[name](2_000_000))
    limits = Limits(max_work=50_000_000)
    report = verify_all(path, limits)
    *before, d = report.diagnostics
    assert d.code == "E0901" and d.label.startswith("th") and "max_work" in d.message
    assert report.work > limits.max_work
    if name == "spread":  # the budget is the verification's, not each proof's
        assert 1 < report.proofs_checked < report.proofs
        assert d.label == f"th{report.proofs_checked - 1}"
        assert [x.code for x in before] == ["E0804"] * (report.proofs_checked - 1)
    else:
        assert before == []


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_16mb_attack_with_default_limits(tmp_path, engine, name):
    """The issue's 16 MB input (and its variants) with the default limits:
    E0901 naming the proof, in a child under a 2.5 GB address-space cap."""
    path = tmp_path / f"{name}.mm"
    path.write_text(ATTACKS[name](16_000_000))
    result = in_child(path, engine)
    *before, d = result["diagnostics"]
    assert d[0] == "E0901" and d[3].startswith("th") and "max_work" in d[4]
    assert {x[0] for x in before} <= {"E0804"} and (before == []) == (name != "spread")
    assert result["work"] > DEFAULT_LIMITS.max_work


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("make", [many_steps_compressed, many_steps_normal])
def test_longest_proof_allowed(tmp_path, engine, make):
    """A proof of max_proof_steps steps (16.7 million; compressed, reusing
    a saved step, and normal: 67 MB) is within every limit and ends in
    E0804 (every entry is left on the stack), in bounded memory: the
    reference engine once took 2.97 GB on it."""
    path = tmp_path / "steps.mm"
    path.write_text(make())
    result = in_child(path, engine)
    assert [(d[0], d[3]) for d in result["diagnostics"]] == [("E0804", "th")]
    assert result["work"] == DEFAULT_LIMITS.max_proof_steps - (make is many_steps_compressed)


def test_long_proofs_agree(tmp_path):
    for make in (many_steps_compressed, many_steps_normal):
        path = tmp_path / "steps.mm"
        path.write_text(make(100_000))
        report = verify_all(path)
        assert [d.code for d in report.diagnostics] == ["E0804"]
        assert verify_all(path, Limits(max_work=50_000)).diagnostics[0].code == "E0901"


# ---------------------------------------------------------------------------
# work: one verification, however it is split

def _many_proofs(n: int) -> str:
    return WORK_DB + "".join(f"t{i} $p |- ( ph -> ( ps -> ph ) ) $= wph wps ax-1 $.\n"
                             for i in range(n))


PER_PROOF = 17   # the work of each proof of _many_proofs (test_work_by_hand)


@pytest.mark.parametrize("budget, stops_at", [
    (PER_PROOF * 1000, None), (PER_PROOF * 1000 - 1, 999), (PER_PROOF * 500 + 5, 500),
    (PER_PROOF * 400, None), (10, 0)])
def test_budget_is_the_same_with_workers(tmp_path, engine, budget, stops_at):
    """1000 proofs of 17 units each (3 chunks of work): where the budget runs
    out, the same proof fails and the same proofs count as checked with 1
    or 2 worker processes."""
    path = tmp_path / "many.mm"
    n = 400 if budget == PER_PROOF * 400 else 1000   # exactly one chunk
    path.write_text(_many_proofs(n))
    limits = Limits(max_work=budget)
    db = load(path, engine=engine, limits=limits)
    one, two = db.verify(jobs=1), db.verify(jobs=2)
    assert key(one) == key(two)
    assert (one.work, one.checked) == (two.work, two.checked)
    if stops_at is None:
        assert one.ok and one.checked is None and one.work == PER_PROOF * n
    else:
        (d,) = one.diagnostics
        assert (d.code, d.label) == ("E0901", f"t{stops_at}")
        assert one.checked == stops_at + 1 and one.proofs == 1000


def test_budget_with_only(tmp_path, engine):
    path = tmp_path / "many.mm"
    path.write_text(_many_proofs(50))
    db = load(path, engine=engine, limits=Limits(max_work=PER_PROOF * 3))
    report = db.verify(only="t10..t19")
    assert [(d.code, d.label) for d in report.diagnostics] == [("E0901", "t13")]
    assert report.checked == 4
    assert db.verify(only="t10..t12").ok


def test_new_theorems_have_a_budget_of_their_own(engine):
    """check_proof / check_theorems (the factory's path) spend a budget per
    call, and leave the database's verification budget alone."""
    db = load(Path(__file__).parent.parent / "mm_databases" / "hilbert.mm", engine=engine,
              limits=Limits(max_work=20))
    assert db.check_proof("wff ( ph -> ps )", "wph wps wi") == []
    found = db.check_proof("wff ( ( ph -> ps ) -> ( ph -> ps ) )",
                           "wph wps wi wph wps wi wi")
    assert [(d.code, d.label) for d in found] == [("E0901", "proofgen.new")]
    assert db.check_proof("wff ( ph -> ps )", "wph wps wi") == []


# ---------------------------------------------------------------------------
# input bytes: every file once, all of them within max_total_bytes

INC = "$c wff $.\n$v ph $.\nwph $f wff ph $.\nax $a wff ph $.\n"


def test_hard_links_and_symlinks_are_read_once(tmp_path, engine):
    """The same file under other names -- a hard link, a symlink, a symlink
    to the hard link -- is read once: no duplicate labels, and its bytes
    count once against max_total_bytes."""
    (tmp_path / "inc.mm").write_text(INC)
    os.link(tmp_path / "inc.mm", tmp_path / "hard.mm")
    (tmp_path / "soft.mm").symlink_to(tmp_path / "inc.mm")
    (tmp_path / "soft2.mm").symlink_to("hard.mm")
    top = "$[ inc.mm $]\n$[ hard.mm $]\n$[ soft.mm $]\n$[ soft2.mm $]\n"
    (tmp_path / "t.mm").write_text(top)
    assert verify_all(tmp_path / "t.mm").ok
    enough = Limits(max_total_bytes=len(top) + len(INC))
    assert verify_all(tmp_path / "t.mm", enough).ok
    # the top file reached through a hard link is the top file
    (tmp_path / "t2.mm").write_text("$[ t.mm $]\n")
    os.link(tmp_path / "t2.mm", tmp_path / "t2-again.mm")
    (tmp_path / "t.mm").write_text(top + "$[ t2.mm $]\n$[ t2-again.mm $]\n")
    assert verify_all(tmp_path / "t.mm").ok


def test_max_total_bytes_boundary(tmp_path):
    (tmp_path / "a.mm").write_text(INC)
    (tmp_path / "b.mm").write_text("ax2 $a wff ph $.\n")
    top = "$[ a.mm $]\n$[ b.mm $]\n"
    (tmp_path / "t.mm").write_text(top)
    total = len(top) + len(INC) + len("ax2 $a wff ph $.\n")
    assert verify_all(tmp_path / "t.mm", Limits(max_total_bytes=total)).ok
    report = verify_all(tmp_path / "t.mm", Limits(max_total_bytes=total - 1))
    (d,) = report.diagnostics
    assert (d.code, d.line, d.column) == ("E0901", 2, 4) and "max_total_bytes" in d.message
    # the top file alone past the budget
    report = verify_all(tmp_path / "t.mm", Limits(max_total_bytes=len(top) - 1))
    assert [d.code for d in report.diagnostics] == ["E0901"]
    assert "max_total_bytes" in report.diagnostics[0].message
    # the per-file limit, when it is the smaller, is the one named
    report = verify_all(tmp_path / "t.mm", Limits(max_file_bytes=len(INC) - 1))
    assert report.diagnostics[0].code == "E0901"
    assert "max_file_bytes" in report.diagnostics[0].message


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as fh:
        fh.truncate(size)  # a hole: no disk, reads as NUL bytes
    return path


@pytest.mark.parametrize("engine", ENGINES)
def test_two_sparse_2gib_files(tmp_path, engine):
    """The issue's 26-byte file including two sparse 2 GiB files (4.2 GB of
    memory before): E0901 for each, decided from their sizes, nothing read,
    in a child capped at 1 GiB of address space."""
    _sparse(tmp_path / "a.mm", 2 * GIB)
    _sparse(tmp_path / "b.mm", 2 * GIB)
    (tmp_path / "t.mm").write_text("$[ a.mm $]\n$[ b.mm $]\n")
    assert (tmp_path / "t.mm").stat().st_size == 22
    result = in_child(tmp_path / "t.mm", engine, memory=GIB)
    found = result["diagnostics"]
    assert [d[:3] for d in found] == [["E0901", 1, 4], ["E0901", 2, 4]]
    assert all("max_total_bytes" in d[4] for d in found)
    # a per-file limit below what is left of the budget is the one named
    result = in_child(tmp_path / "t.mm", engine, {"max_total_bytes": 1 << 40,
                                                  "max_file_bytes": GIB}, memory=GIB)
    assert [d[0] for d in result["diagnostics"]] == ["E0901", "E0901"]
    assert all("max_file_bytes" in d[4] for d in result["diagnostics"])


def test_sparse_file_within_the_budget_is_one_invalid_byte_run(tmp_path):
    """A hole smaller than the budget is read (NUL bytes are invalid: one
    E0101 for the run) and the same file by another name is not read again."""
    _sparse(tmp_path / "zeros.mm", 16 << 20)
    os.link(tmp_path / "zeros.mm", tmp_path / "zeros2.mm")
    (tmp_path / "t.mm").write_text("$[ zeros.mm $]\n$[ zeros2.mm $]\n")
    report = verify_all(tmp_path / "t.mm", Limits(max_total_bytes=(16 << 20) + 100))
    assert [(d.code, Path(d.file).name) for d in report.diagnostics] == [("E0101", "zeros.mm")]


def test_cli_options(tmp_path):
    path = tmp_path / "t.mm"
    path.write_text(_many_proofs(3))

    def run(*args):
        return subprocess.run([sys.executable, "-m", "proofgen", "verify", str(path), *args],
                              capture_output=True, text=True, cwd=ROOT, env=_env(),
                              timeout=120)
    ok = run()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    proc = run("--max-work", "20")
    assert proc.returncode == 1 and re.search(r"error\[E0901\] t1: .*max_work", proc.stdout)
    assert "2 of 3 proofs checked" in proc.stderr
    proc = run("--max-total-bytes", "100")
    assert proc.returncode == 1 and "max_total_bytes" in proc.stdout
    proc = run("--help")
    assert "--max-work" in proc.stdout and "--max-total-bytes" in proc.stdout
    # standard input counts against the budget too
    with open(path, "rb") as fh:
        proc = subprocess.run([sys.executable, "-m", "proofgen", "verify", "-",
                               "--max-total-bytes", "100"], stdin=fh, capture_output=True,
                              text=True, cwd=ROOT, env=_env(), timeout=120)
    assert proc.returncode == 1 and "<stdin>" in proc.stdout and "max_total_bytes" in proc.stdout


# ---------------------------------------------------------------------------
# frames: every active $e is in the frame of every assertion in its scope

def frames_attack(hyps: int, axioms: int) -> str:
    """`hyps` $e in one block, then `axioms` axioms in it: each axiom's frame
    holds every $e (2,000 and 20,000: a 380 KB file whose frames took 805 MB
    in the fast engine; 10,000 and 100,000, 1.7 MB, would take 20 GB)."""
    lines = ["$c wff |- $.", "$v x $.", "wx $f wff x $.", "${"]
    lines += [f"e{i} $e |- x $." for i in range(hyps)]
    lines += [f"a{i} $a |- x $." for i in range(axioms)]
    return "\n".join(lines + ["$}"]) + "\n"


def test_frame_symbols_boundary(tmp_path):
    """An axiom under one $e: its frame holds wx and e1 (2) and e1's symbols
    (2); then one outside: wx (1).  The count is for all frames together."""
    path = tmp_path / "f.mm"
    path.write_text("$c wff |- $.\n$v x $.\nwx $f wff x $.\n${ e1 $e |- x $.\n"
                    "a1 $a |- x $. $}\na2 $a wff x $.\n")
    assert verify_all(path, Limits(max_frame_symbols=5)).ok
    for limit, line, statements in ((4, 6, 3), (3, 5, 2)):
        report = verify_all(path, Limits(max_frame_symbols=limit))
        (d,) = report.diagnostics
        assert (d.code, d.line, d.column) == ("E0901", line, 1)
        assert "max_frame_symbols" in d.message
        assert report.statements == statements     # reading stopped there


def test_frames_attack_is_stopped(tmp_path):
    path = tmp_path / "frames.mm"
    path.write_text(frames_attack(100, 1000))
    report = verify_all(path, Limits(max_frame_symbols=50_000))
    (d,) = report.diagnostics
    assert d.code == "E0901" and "max_frame_symbols" in d.message
    # each axiom holds 100 + 1 hypotheses and 200 symbols: the 167th is too many
    assert report.statements == 1 + 100 + 166


@pytest.mark.parametrize("engine", ENGINES)
def test_frames_attack_with_default_limits(tmp_path, engine):
    path = tmp_path / "frames.mm"
    path.write_text(frames_attack(2000, 20_000))
    result = in_child(path, engine, memory=GIB)
    # each axiom's frame: 2001 hypotheses, 4000 symbols
    fits = DEFAULT_LIMITS.max_frame_symbols // (2001 + 4000)
    assert [(d[0], d[1]) for d in result["diagnostics"]] == [("E0901", 4 + 2000 + fits + 1)]
    assert "max_frame_symbols" in result["diagnostics"][0][4]


def test_many_floats_do_not_enter_frames(tmp_path):
    """20,000 $f and an axiom for each: every frame holds one $f (the
    reference engine used to look at all active $f for each axiom)."""
    n = 20_000
    path = tmp_path / "floats.mm"
    path.write_text("$c wff $.\n$v " + " ".join(f"v{i}" for i in range(n)) + " $.\n"
                    + "".join(f"f{i} $f wff v{i} $.\n" for i in range(n))
                    + "".join(f"a{i} $a wff v{i} $.\n" for i in range(n)))
    report = verify_all(path, Limits(max_frame_symbols=n))
    assert report.ok and report.statements == 2 * n
    assert verify_all(path, Limits(max_frame_symbols=n - 1)).diagnostics[0].code == "E0901"


# ---------------------------------------------------------------------------
# real databases pass the defaults, far from them

SMALLER = ["hol.mm", "iset.mm", "nf.mm", "ql.mm", "peano.mm", "big-unifier.mm", "demo0.mm",
           "miu.mm"]


@pytest.mark.parametrize("name", SMALLER)
def test_real_databases_are_far_below_the_budgets(name):
    path = need(DATABASES / name)
    report = verify_all(path)
    assert report.ok
    assert report.work * 100 < DEFAULT_LIMITS.max_work
    assert path.stat().st_size * 10 < DEFAULT_LIMITS.max_total_bytes
    tight = Limits(max_frame_symbols=DEFAULT_LIMITS.max_frame_symbols // 100)
    assert verify_all(path, tight).ok


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_set_mm_is_far_below_the_budgets(engine):
    path = need(SET_MM)
    report = verify(path, engine, jobs=2)
    assert report.ok and report.checked is None
    assert report.work * 10 < DEFAULT_LIMITS.max_work
    assert path.stat().st_size * 4 < DEFAULT_LIMITS.max_total_bytes
    tight = Limits(max_frame_symbols=DEFAULT_LIMITS.max_frame_symbols // 10)
    assert load(path, engine=engine, limits=tight).read_diagnostics == []
