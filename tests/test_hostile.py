"""Hostile input: nothing may end in a traceback, a hang or exhausted memory.

From the issue: random bytes, truncated files, a 50 MB token, 200,000 nested
blocks, a proof whose expressions double at every step (2^64 symbols); limits
are configurable and end in a clear E0901; an inclusion may not leave the
folder of the top file unless allowed, and such a file is never echoed.

Every in-process check goes through `proofgen.kernel.load` on both engines,
and wherever an input is checked by both engines they must report the same
(code, line, column, label) list.  Checks that could exhaust the machine's
memory if a limit broke run under an address-space cap (`memory_cap`, or a
capped subprocess), so a regression fails the test instead of the machine.
"""
from __future__ import annotations

import contextlib
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import CONFORMANCE, DATABASES, ROOT, available_engines
from proofgen.kernel import DEFAULT_LIMITS, Limits, Report, load
from proofgen.kernel.mmtext import encode_number as enc  # step number -> letters

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None

ENGINES = available_engines()
HILBERT = ROOT / "mm_databases" / "hilbert.mm"
DEMO0 = CONFORMANCE / "demo0.mm"
if not DEMO0.exists():  # the same example as shipped by Debian
    DEMO0 = DATABASES / "demo0.mm"
IN_CI = bool(os.environ.get("CI"))


# ---------------------------------------------------------------------------
# helpers

def verify(path, engine: str, limits: Limits = DEFAULT_LIMITS) -> Report:
    """Load and verify through the library; anything but a Report is a failure."""
    report = load(path, engine=engine, limits=limits).verify()
    assert isinstance(report, Report)
    for d in report.diagnostics:
        assert re.fullmatch(r"[EW]\d{4}", d.code), d
        assert d.line >= 0 and d.column >= 0, d
    return report


def key(report: Report) -> list[tuple[str, int, int, str]]:
    return [(d.code, d.line, d.column, d.label) for d in report.diagnostics]


def verify_all(path, limits: Limits = DEFAULT_LIMITS) -> Report:
    """Verify with every engine; fail, showing both lists, when they disagree.
    Returns the first engine's report."""
    reports = {e: verify(path, e, limits) for e in ENGINES}
    first = ENGINES[0]
    for other in ENGINES[1:]:
        a, b = key(reports[first]), key(reports[other])
        if a != b:
            shown = Path(path).read_bytes()[:400]
            pytest.fail(f"engines disagree on {path} (first 400 bytes: {shown!r})\n"
                        f"  {first}: {a}\n  {other}: {b}")
        ca = (reports[first].statements, reports[first].proofs)
        cb = (reports[other].statements, reports[other].proofs)
        assert ca == cb, f"engines count differently (statements, proofs): {first} {ca}, {other} {cb}"
    return reports[first]


def _vm_bytes() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise OSError("no VmSize")


@contextlib.contextmanager
def memory_cap(extra: int = 2 << 30):
    """Cap this process's address space at its current size + `extra` while
    the block runs, so a broken limit raises MemoryError here instead of
    taking the machine down."""
    if resource is None or not os.path.exists("/proc/self/status"):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _vm_bytes() + extra
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _env() -> dict:
    env = dict(os.environ)
    env.pop("PROOFGEN_DEBUG", None)  # it turns internal errors into tracebacks on purpose
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def run(args, *, timeout: float = 60, memory: int = 2 << 30, library: bool = False):
    """Run a command with a memory cap; return (status, stdout, stderr, seconds)
    or None on timeout.  Output must never hold a Python traceback (for a
    `library` run: none but a MemoryError, which the caller reports)."""
    def cap():
        if resource is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    start = time.perf_counter()
    try:
        proc = subprocess.run([str(a) for a in args], capture_output=True, timeout=timeout,
                              preexec_fn=cap, cwd=ROOT, env=_env())
    except subprocess.TimeoutExpired:
        return None
    seconds = time.perf_counter() - start
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    if library and "MemoryError" in err:
        err = "MemoryError"
    assert "Traceback" not in out + err, f"traceback from {args}:\n{out}\n{err}"
    assert "internal error" not in err, f"internal error from {args}:\n{err}"
    return proc.returncode, out, err, seconds


def cli(*args, timeout: float = 60, memory: int = 2 << 30):
    result = run([sys.executable, "-m", "proofgen", *args], timeout=timeout, memory=memory)
    assert result is not None, f"proofgen {' '.join(map(str, args))} did not finish in {timeout} s"
    return result


_LIBRARY_SCRIPT = """
import json, sys
from proofgen.kernel import Limits, load
limits = Limits(**json.loads(sys.argv[3]))
report = load(sys.argv[1], engine=sys.argv[2], limits=limits).verify()
for d in report.diagnostics:
    print(json.dumps([d.code, d.line, d.column, d.label, d.message[:200]]))
"""


def library_in_subprocess(path, engine, limits: dict | None = None, *, timeout: float,
                          memory: int = 1 << 30):
    """`load(path).verify()` in a capped child: for inputs that might hang or
    eat memory, which no in-process check could interrupt."""
    return run([sys.executable, "-c", _LIBRARY_SCRIPT, path, engine, json.dumps(limits or {})],
               timeout=timeout, memory=memory, library=True)


def test_enc_matches_the_spec():
    assert [enc(n) for n in (1, 20, 21, 40, 41, 120, 121)] == ["A", "T", "UA", "UT", "VA", "YT", "UUA"]


# ---------------------------------------------------------------------------
# random input: bytes and token soups, both engines agree

@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


FUZZ = settings(max_examples=50, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

TOKENS = ["$c", "$v", "$f", "$e", "$a", "$p", "$d", "${", "$}", "$.", "$=", "$(", "$)",
          "$[", "$]", "(", ")", "->", "-.", "ph", "ps", "ch", "wff", "|-", "wph", "wps", "wi",
          "ax-mp", "ax-1", "th", "h", "min", "maj", "?", "A", "B", "Z", "UA", "ABZ", "C?",
          "soup.mm", "missing.mm", "$x", "a$)", "$(b", "a:b", "\x0b", "\x7f", "\x80\xff", "0"]
SEPS = [" ", " ", "\n", "\t", "\r\n", "\f"]

soups = st.lists(st.tuples(st.sampled_from(TOKENS), st.sampled_from(SEPS)), max_size=80).map(
    lambda parts: "".join(t + s for t, s in parts).encode("latin-1"))

MINI = """$c ( ) -> wff |- $.
$v ph ps ch $.
wph $f wff ph $.
wps $f wff ps $.
wch $f wff ch $.
wi $a wff ( ph -> ps ) $.
${ min $e |- ph $. maj $e |- ( ph -> ps ) $. ax-mp $a |- ps $. $}
ax-1 $a |- ( ph -> ( ps -> ph ) ) $.
${ $d ph ps $. ax-d $a |- ( ph -> ps ) $. $}
"""

_math = st.lists(st.sampled_from(["(", ")", "->", "ph", "ps", "ch", "wff", "|-", "|-", "ph"]),
                 max_size=9)
_steps = ["wph", "wps", "wch", "wi", "ax-mp", "ax-1", "ax-d", "h", "th0", "?", "nope", "min"]
_normal = st.lists(st.sampled_from(_steps), max_size=14).map(" ".join)
_compressed = st.tuples(
    st.lists(st.sampled_from(["wi", "ax-mp", "ax-1", "ax-d", "wph", "wch", "h", "nope", "th0"]),
             max_size=4),
    st.text(alphabet="ABCDEFGHUVYZ?", max_size=16),
    st.booleans(),
).map(lambda t: "( " + " ".join(t[0]) + (" ) " if t[2] else " ") + t[1])
_theorem = st.tuples(_math, st.one_of(_normal, _compressed), st.booleans(), st.booleans())


def _theorems(items) -> str:
    out = []
    for i, (math, proof, hyp, dv) in enumerate(items):
        out.append("${ " + ("h $e |- ph $. " if hyp else "") + ("$d ph ps $. " if dv else "")
                   + f"th{i} $p " + " ".join(math) + " $= " + proof + " $. $}")
    return MINI + "\n".join(out) + "\n"


proof_soups = st.lists(_theorem, min_size=1, max_size=3).map(_theorems)


@FUZZ
@given(data=st.binary(max_size=3000))
def test_random_bytes(fuzz_dir, data):
    path = fuzz_dir / "bytes.mm"
    path.write_bytes(data)
    verify_all(path)


@FUZZ
@given(data=soups)
def test_token_soup(fuzz_dir, data):
    path = fuzz_dir / "soup.mm"
    path.write_bytes(data)
    verify_all(path)


@settings(FUZZ, max_examples=100)
@given(text=proof_soups)
def test_proof_soup(fuzz_dir, text):
    """A sound little database, then theorems with random statements and
    random normal or compressed proofs: the proof checker's error paths."""
    path = fuzz_dir / "proofs.mm"
    path.write_text(text)
    verify_all(path)


@settings(FUZZ, max_examples=30)
@given(edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True),
                                st.sampled_from(["insert", "delete", "replace"]),
                                st.binary(min_size=1, max_size=4)), min_size=1, max_size=4))
def test_mutated_database(fuzz_dir, edits):
    data = bytearray(HILBERT.read_bytes())
    for where, op, blob in edits:
        i = int(where * len(data))
        if op == "insert":
            data[i:i] = blob
        elif op == "delete":
            del data[i:i + len(blob)]
        else:
            data[i:i + len(blob)] = blob
    path = fuzz_dir / "mutated.mm"
    path.write_bytes(bytes(data))
    verify_all(path)


def test_random_bytes_cli(tmp_path):
    path = tmp_path / "noise.mm"
    path.write_bytes(random.Random(1234).randbytes(20_000))
    status, out, err, _ = cli("verify", path)
    assert status == 1
    assert re.search(r"error\[E0101\]", out)


# ---------------------------------------------------------------------------
# truncated files

def _spans(data: bytes):
    """(start, end) of every statement, comment and block keyword, and the
    block depth after each `${`/`$}` as (end offset, depth)."""
    toks = [(m.start(), m.end(), m.group()) for m in re.finditer(rb"\S+", data)]
    spans, depths = [], []
    depth, start, i = 0, None, 0
    while i < len(toks):
        s, e, t = toks[i]
        if t == b"$(":
            j = i + 1
            while toks[j][2] != b"$)":
                j += 1
            spans.append((s, toks[j][1]))
            i = j + 1
            continue
        if start is None and t in (b"${", b"$}"):
            depth += 1 if t == b"${" else -1
            spans.append((s, e))
            depths.append((e, depth))
        elif start is None:
            start = s
        if start is not None and t in (b"$.", b"$]"):
            spans.append((start, e))
            start = None
        i += 1
    assert start is None and depth == 0
    return spans, depths


def _truncations(tmp_path, source: Path, step: int = 7):
    data = source.read_bytes()
    spans, depths = _spans(data)
    path = tmp_path / source.name
    cutting = []
    for cut in range(step, len(data), step):
        path.write_bytes(data[:cut])
        report = verify_all(path)
        inside = any(s < cut < e for s, e in spans)
        depth = 0
        for end, d in depths:
            if end > cut:
                break
            depth = d
        if inside or depth:
            assert report.exit_status() == 1, (cut, data[max(0, cut - 40):cut], key(report))
            cutting.append(cut)
        else:  # a clean cut between top-level statements is a sound database
            assert report.diagnostics == [], (cut, data[max(0, cut - 40):cut], key(report))
    assert cutting
    return data, cutting


def test_truncated_hilbert(tmp_path):
    data, cutting = _truncations(tmp_path, HILBERT)
    # and a few of them through the command line
    path = tmp_path / "cut.mm"
    for cut in (cutting[len(cutting) // 3], cutting[-1]):
        path.write_bytes(data[:cut])
        status, out, err, _ = cli("verify", path)
        assert status == 1, (cut, out, err)


def test_truncated_demo0(tmp_path):
    if not DEMO0.exists():
        if IN_CI:
            pytest.fail(f"{DEMO0} is missing")
        pytest.skip(f"{DEMO0} is missing")
    _truncations(tmp_path, DEMO0)


# ---------------------------------------------------------------------------
# a 50 MB token

TOKEN_BYTES = 50_000_000


@pytest.fixture(scope="module")
def huge_token(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("huge") / "token.mm"
    with open(path, "wb") as fh:
        fh.write(b"$c ")
        fh.write(b"x" * TOKEN_BYTES)
        fh.write(b" $.\n")
    return path


def test_50mb_token(huge_token, engine):
    start = time.perf_counter()
    with memory_cap():
        report = verify(huge_token, engine)
    seconds = time.perf_counter() - start
    assert key(report) == [("E0901", 1, 4, "")]
    msg = report.diagnostics[0].message
    assert "max_token_bytes" in msg and len(msg) < 300
    # the reference engine scans the token in Python (about 4 s here); the
    # fast one needs a fraction of a second
    assert seconds < (30 if engine == "python" else 5), seconds


def test_50mb_token_cli(huge_token):
    status, out, err, seconds = cli("verify", huge_token, memory=1 << 30)
    assert status == 1
    assert "error[E0901]" in out and "max_token_bytes" in out
    assert len(out) + len(err) < 2000  # the token is not echoed
    assert seconds < 30


# ---------------------------------------------------------------------------
# 200,000 nested blocks

DEPTH = 200_000
INNER = "$v ph $. wph $f wff ph $. ax $a wff ph $.\n"


@pytest.fixture(scope="module")
def blocks(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("blocks")
    nested = d / "nested.mm"
    nested.write_text("$c wff $.\n" + "${ " * DEPTH + "\n" + INNER + "$} " * DEPTH + "\n")
    unbalanced = d / "unbalanced.mm"
    unbalanced.write_text("$c wff $.\n" + "${ " * DEPTH + "\n")
    return {"nested": nested, "unbalanced": unbalanced}


def test_default_block_depth_limit():
    assert DEFAULT_LIMITS.max_block_depth < DEPTH  # what the tests below rely on


def test_200k_nested_blocks_hit_the_depth_limit(blocks, engine):
    report = verify(blocks["nested"], engine)
    limit = DEFAULT_LIMITS.max_block_depth
    # the first '${' beyond the limit, on line 2
    assert key(report) == [("E0901", 2, 3 * limit + 1, "")]
    assert "max_block_depth" in report.diagnostics[0].message


def test_200k_nested_blocks_accepted_when_allowed(blocks, engine):
    report = verify(blocks["nested"], engine, Limits(max_block_depth=DEPTH))
    assert report.diagnostics == []
    assert report.statements == 2


def test_200k_unbalanced_blocks(blocks, engine):
    report = verify(blocks["unbalanced"], engine, Limits(max_block_depth=DEPTH))
    assert key(report) == [("E0302", 3, 1, "")]
    assert str(DEPTH) in report.diagnostics[0].message
    # with the default limits the depth limit comes first
    report = verify(blocks["unbalanced"], engine)
    assert [d.code for d in report.diagnostics] == ["E0901"]


def test_200k_unbalanced_blocks_cli(blocks):
    status, out, err, _ = cli("verify", blocks["unbalanced"], "--max-block-depth", str(DEPTH))
    assert status == 1 and "error[E0302]" in out


@pytest.mark.parametrize("depth, ok", [(3, True), (4, False)])
def test_block_depth_boundary(tmp_path, depth, ok):
    path = tmp_path / "d.mm"
    path.write_text("$c wff $.\n" + "${ " * depth + INNER + "$} " * depth + "\n")
    report = verify_all(path, Limits(max_block_depth=3))
    assert [d.code for d in report.diagnostics] == ([] if ok else ["E0901"])


# ---------------------------------------------------------------------------
# proofs whose expressions double at every step

DOUBLING = """$c wff |- ( ) -> $.
$v ph ps $.
wph $f wff ph $.
wps $f wff ps $.
ax-dup $a wff ( ph -> ph ) $.
ax-imp $a wff ( ph -> ps ) $.
"""


def _doubled(n: int) -> str:
    """The expression `ph` doubled n times by ax-dup/ax-imp."""
    e = "ph"
    for _ in range(n):
        e = f"( {e} -> {e} )"
    return e


def compressed_doubling(n: int, claim: str = "ph") -> str:
    """ax-imp applied n times, each time to a saved step and a reference to
    it: A=wph, B=ax-imp, saved steps from C.  Step k builds ( E -> E ) from
    E = step k-1, so the expression doubles without the proof growing."""
    letters = ["A", "Z"]  # ph, saved as C
    for j in range(1, n + 1):
        letters += [enc(2 + j), "B", "Z"]  # the saved copy, ax-imp, save
    return DOUBLING + f"th $p wff {claim} $= ( ax-imp ) " + "".join(letters) + " $.\n"


def normal_doubling(n: int, claim: str = "ph") -> str:
    return DOUBLING + f"th $p wff {claim} $= wph" + " ax-dup" * n + " $.\n"


@pytest.mark.parametrize("make", [compressed_doubling, normal_doubling])
def test_doubling_construction_is_right(tmp_path, engine, make):
    path = tmp_path / "d.mm"
    path.write_text(make(4, _doubled(4)))
    assert verify(path, engine).diagnostics == []


@pytest.mark.parametrize("make", [compressed_doubling, normal_doubling])
def test_doubling_64_times(tmp_path, engine, make):
    path = tmp_path / "d.mm"
    path.write_text(make(64))
    start = time.perf_counter()
    with memory_cap():
        report = verify(path, engine)
    assert time.perf_counter() - start < 5
    assert [(d.code, d.label) for d in report.diagnostics] == [("E0901", "th")]
    assert "max_expression" in report.diagnostics[0].message
    assert report.diagnostics[0].line == 7


@pytest.mark.parametrize("make", [compressed_doubling, normal_doubling])
def test_doubling_with_small_max_expression(tmp_path, engine, make):
    path = tmp_path / "d.mm"
    path.write_text(make(64))
    limits = Limits(max_expression=1000)
    report = verify(path, engine, limits)
    assert [(d.code, d.label) for d in report.diagnostics] == [("E0901", "th")]
    assert "1000" in report.diagnostics[0].message
    # 8 doublings make 1021 symbols, 7 make 509: the 8th step is where it stops
    small = tmp_path / "small.mm"
    small.write_text(make(7, _doubled(7)))
    assert verify(small, engine, limits).diagnostics == []
    small.write_text(make(8, _doubled(8)))
    assert [d.code for d in verify(small, engine, limits).diagnostics] == ["E0901"]


def test_doubling_engines_agree(tmp_path):
    for make in (compressed_doubling, normal_doubling):
        path = tmp_path / "d.mm"
        path.write_text(make(64))
        verify_all(path)
        verify_all(path, Limits(max_expression=1000))


def many_copies(r: int) -> str:
    """Build E (509 symbols) by 7 doublings, then push ( E -> E ) r times:
    r moderately sized expressions (1021 symbols), none near max_expression."""
    letters = ["A", "Z"]
    for j in range(1, 8):
        letters += [enc(2 + j), "B", "Z"]
    e = enc(2 + 8)
    letters += [e + e + "B"] * r
    return DOUBLING + "th $p wff ph $= ( ax-imp ) " + "".join(letters) + " $.\n"


def test_max_proof_symbols(tmp_path, engine):
    path = tmp_path / "many.mm"
    path.write_text(many_copies(100))  # about 100 * 1021 symbols built
    report = verify(path, engine)
    assert [d.code for d in report.diagnostics] == ["E0804"]  # no limit is near
    limits = Limits(max_proof_symbols=50_000, max_expression=2_000)
    report = verify(path, engine, limits)
    assert [(d.code, d.label) for d in report.diagnostics] == [("E0901", "th")]
    assert "max_proof_symbols" in report.diagnostics[0].message
    verify_all(path, limits)


def test_max_proof_steps(tmp_path, engine):
    path = tmp_path / "steps.mm"
    path.write_text(normal_doubling(5, _doubled(5)))
    assert verify(path, engine, Limits(max_proof_steps=6)).diagnostics == []
    report = verify(path, engine, Limits(max_proof_steps=5))
    assert [(d.code, d.label) for d in report.diagnostics] == [("E0901", "th")]
    assert "max_proof_steps" in report.diagnostics[0].message


def test_doubling_cli(tmp_path):
    path = tmp_path / "d.mm"
    path.write_text(compressed_doubling(64))
    status, out, err, seconds = cli("verify", path, memory=1 << 30)
    assert status == 1 and "error[E0901] th" in out and seconds < 10


# ---------------------------------------------------------------------------
# inclusions: the database folder is a fence

MARKER = "SECRET-MARKER-1234"


@pytest.fixture
def fenced(tmp_path) -> Path:
    """tmp/db/*.mm inside the fence; tmp/outside.mm (sound) and tmp/secret.mm
    (whose marker any error message about it would echo) outside it."""
    db = tmp_path / "db"
    db.mkdir()
    (tmp_path / "outside.mm").write_text(f"$( {MARKER} $)\n$c c $.\n")
    (tmp_path / "secret.mm").write_text(f"$( {MARKER} $)\n{MARKER}-label\n{MARKER}-more $.\n")
    (db / "main.mm").write_text("$[ ../outside.mm $]\nax $a c $.\n")
    (db / "leak.mm").write_text("$c c $.\n$[ ../secret.mm $]\n")
    (db / "link.mm").symlink_to(tmp_path / "secret.mm")
    (db / "vialink.mm").write_text("$c c $.\n$[ link.mm $]\n")
    (tmp_path / "db-evil").mkdir()
    (tmp_path / "db-evil" / "x.mm").write_text(f"{MARKER} $.\n")
    (db / "prefix.mm").write_text("$c c $.\n$[ ../db-evil/x.mm $]\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.mm").write_text(f"{MARKER} $.\n")
    (db / "dirlink").symlink_to(tmp_path / "elsewhere")
    (db / "viadir.mm").write_text("$c c $.\n$[ dirlink/x.mm $]\n")
    (db / "absolute.mm").write_text(f"$c c $.\n$[ {tmp_path / 'secret.mm'} $]\n")
    (db / "inner.mm").write_text("$c c $.\n")
    (db / "backin.mm").write_text("$[ ../db/inner.mm $]\nax $a c $.\n")
    return db


def test_include_outside_rejected(fenced, engine):
    report = verify(fenced / "main.mm", engine)
    assert key(report) == [("E0204", 1, 4, ""), ("E0603", 2, 7, "ax")]
    assert MARKER not in repr(report.diagnostics)


def test_include_outside_allowed(fenced, engine):
    report = verify(fenced / "main.mm", engine, Limits(allow_outside_includes=True))
    assert report.diagnostics == []


@pytest.mark.parametrize("name", ["leak.mm", "vialink.mm", "prefix.mm", "viadir.mm", "absolute.mm"])
def test_include_escapes_rejected(fenced, engine, name):
    """../, a symlinked file, a sibling folder whose name starts like the
    database's, a symlinked folder, an absolute path: all outside."""
    report = verify(fenced / name, engine)
    assert [(d.code, d.line) for d in report.diagnostics] == [("E0204", 2)]
    assert MARKER not in repr(report.diagnostics)


def test_include_back_inside_accepted(fenced, engine):
    assert verify(fenced / "backin.mm", engine).diagnostics == []


@pytest.mark.parametrize("name", ["leak.mm", "vialink.mm", "prefix.mm", "viadir.mm", "absolute.mm"])
def test_include_outside_cli_never_echoes(fenced, name):
    status, out, err, _ = cli("verify", fenced / name, "--json")
    assert status == 1
    assert MARKER not in out + err
    assert [json.loads(line)["code"] for line in out.splitlines()[:-1]] == ["E0204"]


def test_include_outside_cli_option(fenced):
    status, out, err, _ = cli("verify", fenced / "main.mm")
    assert status == 1 and "error[E0204]" in out and MARKER not in out + err
    status, out, err, _ = cli("verify", fenced / "main.mm", "--allow-outside-includes")
    assert status == 0, out + err
    assert out == ""


def test_include_chain_depth(tmp_path, engine):
    limit = DEFAULT_LIMITS.max_include_depth

    def chain(n: int) -> Path:  # f0 includes f1 ... includes fn
        d = tmp_path / f"chain{n}"
        d.mkdir()
        for i in range(n + 1):
            nxt = f"$[ f{i + 1}.mm $]\n" if i < n else ""
            (d / f"f{i}.mm").write_text(f"$c c{i} $.\n{nxt}")
        return d / "f0.mm"

    assert verify(chain(limit), engine).diagnostics == []
    report = verify(chain(limit + 1), engine)
    assert [(d.code, Path(d.file).name, d.line) for d in report.diagnostics] == \
        [("E0901", f"f{limit}.mm", 2)]
    assert "max_include_depth" in report.diagnostics[0].message
    report = verify(chain(5), engine, Limits(max_include_depth=4))
    assert [d.code for d in report.diagnostics] == ["E0901"]


def test_include_self_and_cycle(tmp_path, engine):
    (tmp_path / "self.mm").write_text("$c c $.\n$[ self.mm $]\nax $a c $.\n")
    assert verify(tmp_path / "self.mm", engine).diagnostics == []
    (tmp_path / "a.mm").write_text("$c a $.\n$[ b.mm $]\nax $a b $.\n")
    (tmp_path / "b.mm").write_text("$c b $.\n$[ a.mm $]\n$[ ./b.mm $]\n")
    report = verify(tmp_path / "a.mm", engine)
    assert report.diagnostics == [] and report.statements == 1


# ---------------------------------------------------------------------------
# files that are not there or not files

def test_include_directory_or_missing(tmp_path, engine):
    (tmp_path / "sub").mkdir()
    (tmp_path / "t.mm").write_text("$c c $.\n$[ sub $]\n$[ nope.mm $]\n")
    report = verify(tmp_path / "t.mm", engine)
    assert [(d.code, d.line) for d in report.diagnostics] == [("E0203", 2), ("E0203", 3)]


@pytest.mark.parametrize("kind", ["missing", "directory", "broken symlink"])
def test_cli_unreadable(tmp_path, kind):
    path = tmp_path / "x.mm"
    if kind == "directory":
        path.mkdir()
    elif kind == "broken symlink":
        path.symlink_to(tmp_path / "gone.mm")
    status, out, err, _ = cli("verify", path)
    assert status == 1
    assert re.search(rf"^{re.escape(str(path))}:\d+:\d+: error\[E0902\]", out + err, re.M), \
        out + err


@pytest.mark.parametrize("kind", ["missing", "directory", "broken symlink"])
def test_unreadable_top_file_is_named(tmp_path, engine, kind):
    path = tmp_path / "x.mm"
    if kind == "directory":
        path.mkdir()
    elif kind == "broken symlink":
        path.symlink_to(tmp_path / "gone.mm")
    report = verify(path, engine)
    assert [(d.file, d.code) for d in report.diagnostics] == [(str(path), "E0902")]


def test_cli_fifo_does_not_hang(tmp_path):
    """(It used to: open() waited for a writer.)"""
    fifo = tmp_path / "pipe.mm"
    os.mkfifo(fifo)
    result = run([sys.executable, "-m", "proofgen", "verify", fifo], timeout=2)
    assert result is not None, "hangs on a FIFO"
    assert result[0] == 1 and "E0902" in result[1] + result[2]


def test_endless_file_is_bounded(engine):
    """(It used to be read without bound: os.path.getsize is 0 for a device.)"""
    result = library_in_subprocess("/dev/zero", engine, {"max_file_bytes": 1000},
                                   timeout=20, memory=256 << 20)
    assert result is not None, "did not finish"
    status, out, err, _ = result
    assert "MemoryError" not in err, "memory exhausted"
    assert status == 0, err[-500:]
    assert [json.loads(line)[:3] for line in out.splitlines()] == [["E0902", 1, 1]]


# ---------------------------------------------------------------------------
# $d: quadratic work from tiny inputs (once hung both engines or exhausted memory)

def dv_product(k: int) -> str:
    """x doubled k times and y doubled k times (2^k occurrences each), then
    an axiom with `$d x y` applied to them: the $d check compares every
    occurrence of a variable in one with every occurrence in the other."""
    letters = ["A", "Z"]  # A=wx B=wy C=ax-imp D=ax-d, saved from E (5)
    n = 5
    for _ in range(k):
        letters += [enc(n), "C", "Z"]
        n += 1
    letters += ["B", "Z"]
    n += 1
    for _ in range(k):
        letters += [enc(n), "C", "Z"]
        n += 1
    letters.append("D")
    return ("$c wff |- ( ) -> $.\n$v x y $.\nwx $f wff x $.\nwy $f wff y $.\n"
            "ax-imp $a wff ( x -> y ) $.\n${ $d x y $. ax-d $a |- ( x -> y ) $. $}\n"
            "${ $d x y $.\nth $p |- ( x -> y ) $= ( ax-imp ax-d ) " + "".join(letters)
            + " $.\n$}\n")


def test_dv_product_small(tmp_path):
    path = tmp_path / "dv.mm"
    path.write_text(dv_product(6))
    report = verify_all(path)
    assert [(d.code, d.label) for d in report.diagnostics] == [("E0806", "th")]


def test_dv_product_does_not_hang(tmp_path, engine):
    """A 300-byte file: 131,072 x's against 131,072 y's under `$d x y`."""
    path = tmp_path / "dv.mm"
    path.write_text(dv_product(17))
    result = library_in_subprocess(path, engine, timeout=3)
    assert result is not None, "hangs"
    assert [json.loads(line)[:4] for line in result[1].splitlines()] == [["E0806", 8, 40, "th"]]


def dv_many(n: int, m: int, pairs: str = "all") -> str:
    """n variables under one `$d` (all of them, or just two), then m axioms
    without variables: nothing about the axioms needs the pairs."""
    vs = " ".join(f"v{i}" for i in range(n))
    dv = vs if pairs == "all" else "v0 v1"
    axioms = "".join(f"ax{i} $a |- c $.\n" for i in range(m))
    return f"$c wff |- c $.\n$v {vs} $.\n$d {dv} $.\n{axioms}"


def test_dv_pairs_are_bounded(tmp_path, engine):
    """A 130 KB `$d` over 20,000 variables is 2*10^8 pairs."""
    path = tmp_path / "bigdv.mm"
    path.write_text(dv_many(20_000, 1))
    result = library_in_subprocess(path, engine, timeout=10, memory=512 << 20)
    assert result is not None, "hangs"
    assert "MemoryError" not in result[2], "memory exhausted"
    found = [json.loads(line) for line in result[1].splitlines()]
    assert [d[:3] for d in found] == [["E0901", 3, 1]]
    assert "max_disjoint_pairs" in found[0][4]


@pytest.mark.parametrize("n, ok", [(5, True), (6, False)])  # 10 and 15 pairs
def test_max_disjoint_pairs(tmp_path, n, ok):
    path = tmp_path / "dv.mm"
    path.write_text(dv_many(n, 3))
    report = verify_all(path, Limits(max_disjoint_pairs=10))
    assert [d.code for d in report.diagnostics] == ([] if ok else ["E0901"])


def test_many_assertions_with_a_small_dv_are_fast(tmp_path, engine):
    """The control for the test below: the same file with a 2-variable $d."""
    path = tmp_path / "manyax.mm"
    path.write_text(dv_many(1000, 20_000, pairs="two"))
    result = library_in_subprocess(path, engine, timeout=3)
    assert result is not None, "hangs"
    assert result[1] == ""


def test_dv_pairs_per_assertion_do_not_hang(tmp_path, engine):
    """A 1000-variable $d then 20,000 axioms (380 KB): it took 8 s (cython)
    and minutes (python) when every assertion copied all active pairs."""
    path = tmp_path / "manyax.mm"
    path.write_text(dv_many(1000, 20_000))
    result = library_in_subprocess(path, engine, timeout=3)
    assert result is not None, "hangs"
    assert result[1] == ""


# ---------------------------------------------------------------------------
# output amplification: a small input must not produce a huge report

def _amplify_e0603(n: int, size: int) -> str:
    """One statement with a huge label and n undeclared symbols: n E0603s,
    each carrying the label."""
    syms = " ".join(f"s{i}" for i in range(n))
    return f"$c wff $.\n{'L' * size} $a wff {syms} $.\n"


def _amplify_e0808(n: int, size: int) -> str:
    """An axiom whose $e hypothesis has a huge label, misused by n tiny
    proofs: every E0808 message names the hypothesis."""
    proofs = "".join(f"t{i} $p |- ph $= wph wph ax $.\n" for i in range(n))
    return (f"$c wff |- $.\n$v ph $.\nwph $f wff ph $.\n${{ {'H' * size} $e |- ph $. "
            f"ax $a |- ph $. $}}\n" + proofs)


@pytest.mark.parametrize("make", [_amplify_e0603, _amplify_e0808], ids=["E0603", "E0808"])
def test_diagnostics_do_not_amplify_input(tmp_path, engine, make):
    """130 KB in once gave 100 MB of diagnostics out (labels echoed whole);
    at max_token_bytes x max_diagnostics that is 10 GB of output and memory."""
    path = tmp_path / "amp.mm"
    path.write_text(make(1000, 100_000))
    with memory_cap():
        report = verify(path, engine)
    assert len(report.diagnostics) == 1000
    produced = sum(len(d.format()) for d in report.diagnostics)
    assert produced < 2_000_000, f"{path.stat().st_size} bytes in, {produced} bytes of diagnostics out"


def test_diagnostics_small_labels_are_whole(tmp_path, engine):
    path = tmp_path / "amp.mm"
    path.write_text(_amplify_e0808(3, 30))
    report = verify(path, engine)
    assert [d.code for d in report.diagnostics] == ["E0808"] * 3
    assert all("H" * 30 in d.message for d in report.diagnostics)


# ---------------------------------------------------------------------------
# a raised limit must still end in a report, not a crash

def test_deep_include_chain_within_a_raised_limit(tmp_path, engine):
    """The reference engine once read inclusions recursively: a 500-file
    chain under a raised max_include_depth was a RecursionError."""
    n = 500
    for i in range(n + 1):
        nxt = f"$[ f{i + 1}.mm $]\n" if i < n else ""
        (tmp_path / f"f{i}.mm").write_text(f"$c c{i} $.\n{nxt}")
    report = verify(tmp_path / "f0.mm", engine, Limits(max_include_depth=1000))
    assert report.diagnostics == []
