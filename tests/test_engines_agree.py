"""The two engines must reach the same verdict, with the same diagnostics at
the same places, on every input: real databases, the conformance files, the
checklist's files, mutants of them, and new proofs through the API.

"The same diagnostics" is to the letter: file, line, column, code, label and
message, in the same order; and the same counts of statements, proofs,
proofs checked and work spent.  Where a rule of the specification leaves the
message open (which `$d` pair an E0809 names), docs/kernel.md fixes it and
the tests below hold both engines to it.
"""
from __future__ import annotations

import dataclasses
import os
import random
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proofgen.kernel import api, fast_engine_available, load
from proofgen.kernel.mmtext import encode_number
from proofgen.kernel.model import Proof

from conftest import CONFORMANCE, DATABASES, ROOT

pytestmark = pytest.mark.skipif(not fast_engine_available() and not os.environ.get("CI"),
                                reason="Cython engine not built")

HILBERT = ROOT / "mm_databases" / "hilbert.mm"
ENGINE_PAIR = ("python", "cython")


def full(report_or_list) -> list[tuple]:
    """Every field of every diagnostic, in order."""
    diags = getattr(report_or_list, "diagnostics", report_or_list)
    return [(d.file, d.line, d.column, d.code, d.label, d.message) for d in diags]


def outcome(report) -> tuple:
    """A report to the letter: its diagnostics and its counts."""
    return (full(report), report.statements, report.proofs, report.proofs_checked, report.work)


def both(path, limits=None, **kw) -> list[tuple]:
    extra = {} if limits is None else {"limits": limits}
    return [outcome(load(path, engine=e, **extra).verify(**kw)) for e in ENGINE_PAIR]


@pytest.mark.parametrize("name", sorted(p.name for p in CONFORMANCE.glob("*.mm")))
def test_conformance_files_agree(name):
    py, cy = both(CONFORMANCE / name)
    assert py == cy


@pytest.mark.parametrize("name", ["demo0.mm", "miu.mm", "big-unifier.mm", "peano.mm",
                                  "hol.mm", "ql.mm", "nf.mm"])
def test_databases_agree(name):
    py, cy = both(DATABASES / name)
    assert py == cy
    assert py[0] == []


def test_statements_agree_on_iset():
    """Statements, frames and proofs as the API presents them."""
    py = list(load(DATABASES / "iset.mm", engine="python").statements())
    cy = list(load(DATABASES / "iset.mm", engine="cython").statements())
    assert len(py) == len(cy) > 10_000
    assert py == cy


@pytest.mark.slow
def test_set_mm_statements_agree():
    """set.mm: every statement, frame and proof identical across engines."""
    py = load(DATABASES / "set.mm", engine="python")
    cy = load(DATABASES / "set.mm", engine="cython")
    n = 0
    for a, b in zip(py.statements(), cy.statements(), strict=True):
        assert a == b
        n += 1
    assert n > 90_000


# -- the checklist's files ----------------------------------------------------
#
# tests/test_checklist.py writes several hundred small files and verifies
# each with one engine at a time (its `engine` fixture).  To compare the
# engines on exactly those files, that module is run once more, in a child
# pytest, with this module loaded as a plugin (`-p test_engines_agree`): the
# hook below replaces the `load` its tests call by `_cross_load`, which loads
# with both engines and compares every verification (and every new proof
# checked through the API) in full.  The child's own verdicts are
# test_checklist's business; each comparison is a line in a log file.

LOG_ENV = "PROOFGEN_AGREE_LOG"


def _attempt(fn):
    try:
        return fn(), None
    except Exception as exc:  # noqa: BLE001 - compared, then re-raised
        return None, exc


class _BothEngines:
    """A database read by both engines; what the checklist asks of it is
    asked of both and must come out the same."""

    def __init__(self, first, other, log: str):
        self._first, self._other, self._log = first, other, log

    def __getattr__(self, name):
        return getattr(self._first, name)

    def _compare(self, what: str, mine, theirs, error, their_error, show) -> None:
        if error is not None or their_error is not None:
            same = type(error) is type(their_error) and str(error) == str(their_error)
            left, right = repr(error), repr(their_error)
        else:
            left, right = show(mine), show(theirs)
            same = left == right
        with open(self._log, "a") as f:
            f.write(f"same {what}\n" if same else f"differ {what}: {left!r} != {right!r}\n")

    def _both(self, what: str, method: str, show, *args, **kw):
        mine, error = _attempt(lambda: getattr(self._first, method)(*args, **kw))
        theirs, their_error = _attempt(lambda: getattr(self._other, method)(*args, **kw))
        self._compare(what, mine, theirs, error, their_error, show)
        if error is not None:
            raise error
        return mine

    def verify(self, *args, **kw):
        return self._both(f"verify {self._first.path}", "verify", outcome, *args, **kw)

    def check_proof(self, *args, **kw):
        return self._both(f"check_proof {self._first.path}", "check_proof", full, *args, **kw)

    def check_theorems(self, *args, **kw):
        return self._both(f"check_theorems {self._first.path}", "check_theorems",
                          lambda rs: [full(r) for r in rs], *args, **kw)


def _cross_load(path, engine=None, limits=None, **kw):
    extra = dict(kw, **({} if limits is None else {"limits": limits}))
    engine = engine or api.default_engine()
    other = "python" if engine == "cython" else "cython"
    first, error = _attempt(lambda: api.load(path, engine=engine, **extra))
    second, their_error = _attempt(lambda: api.load(path, engine=other, **extra))
    log = os.environ[LOG_ENV]
    if error is not None or their_error is not None:
        same = type(error) is type(their_error) and str(error) == str(their_error)
        with open(log, "a") as f:
            f.write(f"same load {path}\n" if same else
                    f"differ load {path}: {error!r} != {their_error!r}\n")
        if error is not None:
            raise error
    return _BothEngines(first, second, log)


def pytest_runtest_setup(item):
    """Plugin hook (only when this module is loaded with `-p`)."""
    if not os.environ.get(LOG_ENV):
        return
    for module in (getattr(item, "module", None), sys.modules.get("conftest")):
        if module is not None and getattr(module, "load", None) is api.load:
            module.load = _cross_load


def test_checklist_files_agree(tmp_path):
    log = tmp_path / "agree.log"
    env = dict(os.environ, **{LOG_ENV: str(log)})
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "tests"), str(ROOT),
                                                      env.get("PYTHONPATH")]))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-p", "test_engines_agree", "-k", "python",
                          str(ROOT / "tests" / "test_checklist.py")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    lines = log.read_text().splitlines() if log.exists() else []
    differ = [line for line in lines if not line.startswith("same ")]
    assert not differ, differ[:5]
    # about one comparison a test (441 tests when this was written)
    assert len(lines) > 400, (len(lines), run.stdout[-3000:], run.stderr[-3000:])


# -- mutants ------------------------------------------------------------------

SOURCES = {p.name: p.read_bytes() for p in (HILBERT, CONFORMANCE / "demo0.mm",
                                             CONFORMANCE / "big-unifier.mm")}
TOKENS = [b"$c", b"$v", b"$f", b"$e", b"$a", b"$p", b"$d", b"${", b"$}", b"$.", b"$=",
          b"$(", b"$)", b"$[", b"$]", b"(", b")", b"ph", b"ps", b"wff", b"|-", b"->",
          b"ax-mp", b"wi", b"Z", b"UA", b"?", b"\x0b", b"\x00", b" ", b"\n", b"x$.", b"A."]


@st.composite
def mutants(draw):
    name = draw(st.sampled_from(sorted(SOURCES)))
    data = bytearray(SOURCES[name])
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["delete", "insert", "flip", "duplicate"]))
        if op == "delete":
            j = min(len(data), i + draw(st.integers(1, 40)))
            del data[i:j]
        elif op == "insert":
            data[i:i] = b" " + draw(st.sampled_from(TOKENS)) + b" "
        elif op == "flip" and i < len(data):
            data[i] = draw(st.integers(0x20, 0x7E))
        else:
            j = min(len(data), i + draw(st.integers(1, 80)))
            k = draw(st.integers(0, len(data)))
            data[k:k] = data[i:j]
    return name, bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutants())
def test_mutants_agree(tmp_path, mutant):
    name, data = mutant
    path = tmp_path / name
    path.write_bytes(data)
    py, cy = both(path)
    assert py == cy


SIZES = ["tiny", "small", "medium"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 10 ** 6))
def test_database_mutants_agree(tmp_path, seed):
    """Mutants of generated databases (`proofgen.testing.mutations`): every
    operator, `$d` ones included."""
    from proofgen.testing.choosers import RandomChooser
    from proofgen.testing.generate import generate_database
    from proofgen.testing.mutations import mutate_database
    db = generate_database(seed, SIZES[seed % 3])
    mutant = mutate_database(db, RandomChooser(seed))
    py, cy = both(mutant.write(tmp_path))
    assert py == cy


#: small values for the limits, so that every one of them is met
SMALL_LIMITS = {"max_token_bytes": (1, 40), "max_block_depth": (0, 4), "max_expression": (1, 60),
                "max_proof_symbols": (1, 400), "max_proof_steps": (1, 60),
                "max_disjoint_pairs": (0, 30), "max_diagnostics": (0, 5),
                "max_file_bytes": (0, 4000), "max_total_bytes": (0, 5000), "max_work": (0, 3000),
                "max_frame_symbols": (0, 300)}


def statements(db) -> list[tuple]:
    return [(s.label, s.kind, s.expression, s.file, s.line, s.frame, s.proof, s.proof_disjoint)
            for s in db.statements()]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 10 ** 6), st.data())
def test_mutants_under_small_limits_agree(tmp_path, seed, data):
    """Generated databases, their mutants and damaged bytes, read and checked
    under small resource limits: the same E0901s at the same places, the
    same statements read before a reading limit stopped."""
    from proofgen.kernel import Limits
    from proofgen.testing.choosers import RandomChooser
    from proofgen.testing.generate import generate_database
    from proofgen.testing.mutations import mutate_bytes, mutate_database
    names = data.draw(st.lists(st.sampled_from(sorted(SMALL_LIMITS)), min_size=1, max_size=3,
                               unique=True))
    limits = Limits(**{n: data.draw(st.integers(*SMALL_LIMITS[n]), label=n) for n in names})
    db = generate_database(seed, SIZES[seed % 3])
    kind = data.draw(st.sampled_from(["valid", "mutant", "bytes"]))
    if kind == "valid":
        path = tmp_path / "db.mm"
        path.write_text(db.text(RandomChooser(seed) if seed % 2 else None))
    else:
        mutant = mutate_database(db, RandomChooser(seed))
        path = mutant.write(tmp_path)
        if kind == "bytes":
            path.write_bytes(mutate_bytes(mutant.data, seed))
    py, cy = (load(path, engine=e, limits=limits) for e in ENGINE_PAIR)
    assert outcome(py.verify()) == outcome(cy.verify())
    assert statements(py) == statements(cy)


def test_unknown_expressions_have_no_size(tmp_path):
    """What is built from a '?' step is unknown: no max_expression for it,
    in either engine (the reference once counted the part before the '?')."""
    from proofgen.kernel import Limits
    path = tmp_path / "q.mm"
    path.write_text("$c |- set R ( ) $.\n$v x y $.\nvx $f set x $.\nvy $f set y $.\n"
                    "tp $a set ( x y ) $.\nax $a |- R x x x y $.\n"
                    "t1 $p |- R x x x y $= vx vx tp vx tp ? ax $.\n"
                    "t2 $p |- R x x x y $= vx vx tp vx tp vy ax $.\n")
    py, cy = both(path, Limits(max_expression=12))
    assert py == cy
    assert [(d[3], d[4]) for d in py[0]] == [("W0815", "t1"), ("E0901", "t2")]


def test_statement_over_the_pair_limit_is_not_read(tmp_path):
    """An assertion whose `$d` pairs pass max_disjoint_pairs stops reading
    and is not one of the statements read, in either engine."""
    from proofgen.kernel import Limits
    path = tmp_path / "d.mm"
    path.write_text("$c |- set $.\n$v x y z $.\nvx $f set x $.\nvy $f set y $.\nvz $f set z $.\n"
                    "${ $d x y z $. a1 $a |- x y z $. $}\n"
                    "${ $d x y $. $d y z $. a2 $a |- x y z $. $}\n")
    # held: 3 ($d x y z) + 3 (a1's) = 6; 3 after the block; + 2 + 2 (a2's) = 7
    for limit, last, errors in ((7, "a2", []), (6, "a1", ["E0901"]), (5, "vz", ["E0901"])):
        dbs = [load(path, engine=e, limits=Limits(max_disjoint_pairs=limit)) for e in ENGINE_PAIR]
        reports = [outcome(db.verify()) for db in dbs]
        assert reports[0] == reports[1]
        assert [d[3] for d in reports[0][0]] == errors
        assert statements(dbs[0]) == statements(dbs[1])
        assert statements(dbs[0])[-1][0] == last


@pytest.mark.slow
def test_many_database_mutants_agree(tmp_path):
    """2,000 of them, as test_differential makes them (seeds 10^6 + i), plus
    300 mutants of their bytes."""
    from proofgen.testing.choosers import RandomChooser
    from proofgen.testing.generate import generate_database
    from proofgen.testing.mutations import mutate_bytes, mutate_database
    bad = []
    for seed in range(2000):
        db = generate_database(seed, SIZES[seed % 3])
        mutant = mutate_database(db, RandomChooser(10 ** 6 + seed))
        folder = tmp_path / str(seed)
        folder.mkdir()
        path = mutant.write(folder)
        py, cy = both(path)
        if py != cy:
            bad.append((seed, mutant.operator, py[0][:2], cy[0][:2]))
        if seed % 7 == 0:
            path.write_bytes(mutate_bytes(mutant.data, seed))
            py, cy = both(path)
            if py != cy:
                bad.append((seed, "bytes", py[0][:2], cy[0][:2]))
    assert not bad, bad[:3]


@pytest.mark.slow
def test_set_mm_mutants_agree(tmp_path):
    """set.mm followed by restated theorems and their mutants (as
    test_differential builds them): the whole file, both engines."""
    from proofgen.kernel import Limits
    from proofgen.testing.choosers import RandomChooser
    from proofgen.testing.restate import Mutator, append_blocks, restate
    cy = load(DATABASES / "set.mm", engine="cython")
    stmts = {s.label: s for s in cy.statements()}
    ch = RandomChooser(20240607)
    short = [s for s in stmts.values() if s.kind == "p" and
             len(s.proof.letters or " ".join(s.proof.labels)) < 1500]
    blocks, bases = [], []
    for s in ch.sample(short, 240):
        r = restate(s, stmts, f"pgmut{len(blocks)}")
        blocks.append(r)
        if len(bases) < 200 and r.check(cy) == []:
            bases.append(r)
    mutator = Mutator(stmts, ch)
    for r in bases:
        for _ in range(4):
            n = len(blocks)
            blocks.append(mutator.mutate(r, f"pgmut{n}", [f"pgmut{n + 1}"]))
    data, _ = append_blocks((DATABASES / "set.mm").read_bytes(), blocks)
    path = tmp_path / "set-mutants.mm"
    path.write_bytes(data)
    py, cy = both(path, limits=Limits(max_diagnostics=1 << 20))
    assert py == cy
    assert len({d[3] for d in py[0]}) >= 5, {d[3] for d in py[0]}


# -- several $d violations in one proof --------------------------------------
#
# An E0809 names one violation, chosen by the rule in docs/kernel.md: the
# first step (in proof order) whose substitution violates a `$d`; within it
# the cited assertion's pairs (x, y) in frame order (x's `$f` before y's; by
# x's position, then y's); for a pair, the first variable of x's
# substitution (in order of occurrence) that y's also holds, else the first
# (a, b), a from x's substitution and b from y's, each in order of first
# occurrence, a before b, that no active `$d` of the theorem covers.
#
# The generator below writes databases where one citation breaks several
# pairs in several ways, with variable names whose order by name, by `$v`,
# by `$f` and in the conclusion all differ; `expected_e0809` applies the
# rule on its own, so both engines are held to it, not only to each other.

DV_NAMES = ["x", "y", "z", "w", "u", "v", "[x]", "A", "a1", "a10", "a2", "x'", "~t", "b"]


def _term_expr(term) -> list[str]:
    if isinstance(term, str):
        return [term]
    op, left, right = term
    if op == "tp":
        return ["(", *_term_expr(left), ",", *_term_expr(right), ")"]
    return ["[", *_term_expr(left), *_term_expr(right), "]"]


def _distinct(symbols, variables) -> list[str]:
    return list(dict.fromkeys(s for s in symbols if s in variables))


def _violation(label, pairs, subst, variables, allowed):
    """The rule, for one citation: its E0809 message or None."""
    for x, y in pairs:
        if subst[x] is None or subst[y] is None:
            continue
        vx, vy = _distinct(subst[x], variables), _distinct(subst[y], variables)
        shared = [a for a in vx if a in vy]
        if shared:
            return (f"'{label}' needs {x}, {y} disjoint, but both become expressions "
                    f"containing '{shared[0]}'")
        for a in vx:
            for b in vy:
                if frozenset((a, b)) not in allowed:
                    return f"'{label}' needs {x}, {y} disjoint, so this theorem needs '$d {a} {b} $.'"
    return None


@dataclasses.dataclass
class DvCase:
    text: str
    #: per theorem: (label, expected message or None, has '?')
    expect: list


@st.composite
def dv_databases(draw):
    names = draw(st.permutations(DV_NAMES))[:draw(st.integers(4, 9))]   # `$v` order
    floats = draw(st.permutations(names))                                 # `$f` (frame) order
    position = {v: i for i, v in enumerate(floats)}
    label_of = {v: f"f{i}" for i, v in enumerate(floats)}
    variables = set(names)
    k = draw(st.integers(2, min(5, len(names))))
    avars = draw(st.permutations(names))[:k]
    groups = draw(st.lists(st.lists(st.sampled_from(avars), min_size=2, max_size=k, unique=True),
                           min_size=1, max_size=3))
    conclusion = draw(st.permutations(avars))
    p, q = floats[0], floats[1]                       # the term constructors' variables
    lines = ["$c |- set R ( ) , [ ] $.", f"$v {' '.join(names)} $."]
    lines += [f"{label_of[v]} $f set {v} $." for v in floats]
    lines += [f"tp $a set ( {p} , {q} ) $.",
              f"${{ $d {p} {q} $. td $a set [ {p} {q} ] $. $}}",
              "${", *[f"  $d {' '.join(g)} $." for g in groups],
              f"  ax $a |- R {' '.join(conclusion)} $.", "$}"]
    frame = sorted(avars, key=position.get)
    ax_pairs = sorted({tuple(sorted((a, b), key=position.get))
                       for g in groups for i, a in enumerate(g) for b in g[i + 1:]},
                      key=lambda xy: (position[xy[0]], position[xy[1]]))
    leaves = st.sampled_from(names)
    terms = st.recursive(leaves, lambda sub: st.tuples(st.sampled_from(["tp", "td"]), sub, sub),
                         max_leaves=4)
    expect = []
    for n in range(draw(st.integers(1, 3))):
        subst = {v: draw(terms) for v in avars}
        unknown = set(draw(st.lists(st.sampled_from(avars), max_size=1)))
        stmt_vars = _distinct([s for v in conclusion for s in _term_expr(subst[v])], variables)
        tgroups = draw(st.lists(st.lists(st.sampled_from(stmt_vars), min_size=2, unique=True),
                                max_size=4)) if len(stmt_vars) > 1 else []
        allowed = {frozenset((a, b)) for g in tgroups for i, a in enumerate(g) for b in g[i + 1:]}
        message = None

        def prove(term, steps):
            """Steps of a term's proof; the first violation met, in proof order."""
            nonlocal message
            if isinstance(term, str):
                steps.append(label_of[term])
                return
            op, left, right = term
            prove(left, steps)
            prove(right, steps)
            steps.append(op)
            if op == "td" and message is None:
                message = _violation("td", [(p, q)], {p: _term_expr(left), q: _term_expr(right)},
                                     variables, allowed)

        steps = []
        for v in frame:
            if v in unknown:
                steps.append("?")
            else:
                prove(subst[v], steps)
        steps.append("ax")
        if message is None:
            message = _violation("ax", ax_pairs,
                                 {v: None if v in unknown else _term_expr(subst[v]) for v in avars},
                                 variables, allowed)
        mandatory = [label_of[v] for v in sorted(stmt_vars, key=position.get)]
        if draw(st.booleans()):
            steps = _compressed(steps, mandatory, draw(st.booleans()),
                                {"tp": 2, "td": 2, "ax": len(avars)})
        statement = " ".join(s for v in conclusion for s in _term_expr(subst[v]))
        lines += ["${", *[f"  $d {' '.join(g)} $." for g in tgroups],
                  f"  th{n} $p |- R {statement} $= {' '.join(steps)} $.", "$}"]
        expect.append((f"th{n}", message, bool(unknown)))
    return DvCase("\n".join(lines) + "\n", expect)


def _compressed(steps: list[str], mandatory: list[str], save: bool, arity: dict) -> list[str]:
    """A normal proof's steps in compressed form; with `save`, every
    assertion step is saved (`Z`) and a repeated subproof is referenced."""
    listed = list(dict.fromkeys(s for s in steps if s not in mandatory and s != "?"))
    number = {lab: i + 1 for i, lab in enumerate(mandatory + listed)}
    stack = []
    for s in steps:  # the proof as a tree
        n = arity.get(s, 0)
        node = (s, *stack[len(stack) - n:])
        del stack[len(stack) - n:]
        stack.append(node)
    letters, saved = [], {}

    def emit(node):
        if node in saved:
            letters.append(encode_number(saved[node]))
            return
        for child in node[1:]:
            emit(child)
        letters.append("?" if node[0] == "?" else encode_number(number[node[0]]))
        if save and len(node) > 1:
            saved[node] = len(mandatory) + len(listed) + len(saved) + 1
            letters.append("Z")

    emit(stack[-1])
    return ["(", *listed, ")", "".join(letters)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dv_databases())
def test_several_dv_violations_follow_the_rule(tmp_path, case):
    path = tmp_path / "dv.mm"
    path.write_text(case.text)
    py, cy = both(path)
    assert py == cy
    got = {d[4]: (d[3], d[5]) for d in py[0]}
    assert len(got) == len(py[0])  # one diagnostic a theorem at most
    for label, message, unknown in case.expect:
        if message is not None:
            assert got.get(label) == ("E0809", message), case.text
        elif unknown:
            assert got.get(label) == ("W0815", "proof contains unknown '?' steps"), case.text
        else:
            assert label not in got, case.text


# -- pinned examples of the rule ----------------------------------------------

DV_HEAD = """\
$c |- set R ( ) [ ] $.
$v z b a y x $.
vx $f set x $.
vy $f set y $.
va $f set a $.
vb $f set b $.
vz $f set z $.
tp $a set ( x y ) $.
${ $d x y $. td $a set [ x y ] $. $}
${
  $d z a $.
  $d y x $.
  $d x z $.
  ax3 $a |- R z a x y $.
$}
"""


def _pinned(tmp_path, body: str) -> list[str]:
    """Both engines' diagnostics on DV_HEAD + body, formatted (the file
    named by its name alone)."""
    path = tmp_path / "pin.mm"
    path.write_text(DV_HEAD + body)
    py, cy = ([d.format().replace(str(tmp_path) + "/", "") for d in
               load(path, engine=e).verify().diagnostics] for e in ENGINE_PAIR)
    assert py == cy
    return py


def at(body: str, needle: str, nth: int = 1) -> str:
    """`pin.mm:LINE:COLUMN` of the nth `needle` in body (after DV_HEAD)."""
    text = DV_HEAD + body
    off = -1
    for _ in range(nth):
        off = text.index(needle, off + 1)
    return f"pin.mm:{text.count(chr(10), 0, off) + 1}:{off - text.rfind(chr(10), 0, off)}"


def test_pinned_pairs_in_frame_order(tmp_path):
    """ax3's frame is (vx, vy, va, vz): its pairs are checked as (x, y),
    (x, z), (a, z), whatever the order of its `$d` statements, of `$v` and
    of the names.  All three are broken; (x, y) is named, x first."""
    body = "th $p |- R b b b b $= vb vb vb vb ax3 $.\n"
    assert _pinned(tmp_path, body) == [
        f"{at(body, 'ax3 $.')}: error[E0809] th: 'ax3' needs x, y disjoint, "
        "but both become expressions containing 'b'"]


def test_pinned_first_pair_broken_is_named(tmp_path):
    """(x, y) holds (a, b are disjoint here); (x, z) shares a variable,
    (a, z) holds: (x, z) is named."""
    body = "${ $d a b $.\n  th $p |- R a b a b $= va vb vb va ax3 $.\n$}\n"
    assert _pinned(tmp_path, body) == [
        f"{at(body, 'ax3 $.')}: error[E0809] th: 'ax3' needs x, z disjoint, "
        "but both become expressions containing 'a'"]


def test_pinned_shared_variable_is_the_first_of_xs_substitution(tmp_path):
    """x := ( a b ), y := ( b a ): both a and b are shared; a comes first
    in x's substitution."""
    body = "th $p |- R z z ( a b ) ( b a ) $= va vb tp vb va tp vz vz ax3 $.\n"
    assert _pinned(tmp_path, body) == [
        f"{at(body, 'ax3 $.')}: error[E0809] th: 'ax3' needs x, y disjoint, "
        "but both become expressions containing 'a'"]
    body = "th $p |- R z z ( b a ) ( a b ) $= vb va tp va vb tp vz vz ax3 $.\n"
    assert _pinned(tmp_path, body) == [
        f"{at(body, 'ax3 $.')}: error[E0809] th: 'ax3' needs x, y disjoint, "
        "but both become expressions containing 'b'"]


def test_pinned_missing_pair_in_order_of_occurrence(tmp_path):
    """x := ( b a ), y := ( z y ): no pair of {b, a} x {z, y} is disjoint;
    the first in order of occurrence is (b, z), written in that order."""
    body = "th $p |- R x x ( b a ) ( z y ) $= vb va tp vz vy tp vx vx ax3 $.\n"
    assert _pinned(tmp_path, body) == [
        f"{at(body, 'ax3 $.')}: error[E0809] th: 'ax3' needs x, y disjoint, "
        "so this theorem needs '$d b z $.'"]
    # with $d b z, the next one is (b, y); with all of b's, (a, z)
    body = ("${ $d b z $.\n  th $p |- R x x ( b a ) ( z y ) $= vb va tp vz vy tp vx vx ax3 $.\n"
            "$}\n${ $d b z y $.\n"
            "  th2 $p |- R x x ( b a ) ( z y ) $= vb va tp vz vy tp vx vx ax3 $.\n$}\n")
    assert _pinned(tmp_path, body) == [
        f"{at(body, 'ax3 $.')}: error[E0809] th: 'ax3' needs x, y disjoint, "
        "so this theorem needs '$d b y $.'",
        f"{at(body, 'ax3 $.', 2)}: error[E0809] th2: 'ax3' needs x, y disjoint, "
        "so this theorem needs '$d a z $.'"]


def test_pinned_first_step_in_proof_order(tmp_path):
    """td's substitution and then ax3's break a `$d`: the proof stops at
    the first step that does, td's."""
    body = "th $p |- R z z [ b b ] z $= vb vb td vz vz vz ax3 $.\n"
    assert _pinned(tmp_path, body) == [
        f"{at(body, 'td vz')}: error[E0809] th: 'td' needs x, y disjoint, "
        "but both become expressions containing 'b'"]
    # td's substitution satisfied: then ax3's
    body = "${ $d a b $.\n  th $p |- R z z [ b a ] z $= vb va td vz vz vz ax3 $.\n$}\n"
    assert _pinned(tmp_path, body) == [
        f"{at(body, 'ax3 $.')}: error[E0809] th: 'ax3' needs x, y disjoint, "
        "so this theorem needs '$d b z $.'"]


def test_pinned_compressed_proof(tmp_path):
    """The same rule in a compressed proof, located at the letter."""
    body = "th $p |- R b b b b $= ( ax3 ) AAAAB $.\n"
    assert _pinned(tmp_path, body) == [
        f"{at(body, 'B $.')}: error[E0809] th: 'ax3' needs x, y disjoint, "
        "but both become expressions containing 'b'"]


def test_pinned_preview_of_empty_and_unknown_substitutions(tmp_path):
    """An E0808 shows the hypothesis as substituted: an empty substitution
    as nothing, one from a '?' step as '?'."""
    path = tmp_path / "e.mm"
    path.write_text("$c |- wff set R $.\n$v x y ph $.\nvx $f set x $.\nvy $f set y $.\n"
                    "wph $f wff ph $.\n${ h $e |- R x y $. ax $a |- ph $. $}\n"
                    "e0 $a set $.\nh2 $e |- R R $.\n"
                    "t1 $p |- ph $= e0 vy wph h2 ax $.\nt2 $p |- ph $= vx ? wph h2 ax $.\n")
    py, cy = ([d.message for d in load(path, engine=e).verify().diagnostics] for e in ENGINE_PAIR)
    assert py == cy == ["hypothesis h of 'ax' wants '|- R y', got '|- R R'",
                        "hypothesis h of 'ax' wants '|- R x ?', got '|- R R'"]


# -- new proofs through the API ---------------------------------------------

@pytest.fixture(scope="module")
def hilbert_dbs():
    return [load(HILBERT, engine=e) for e in ENGINE_PAIR]


def theorem_cases():
    db = load(HILBERT, engine="python")
    stmts = {s.label: s for s in db.statements()}
    out = []
    for s in stmts.values():
        if s.kind != "p":
            continue
        # hypothesis labels are global, so the restatement renames them
        rename = {h: f"new.h{i}" for i, h in enumerate(s.frame.hypotheses) if stmts[h].kind == "e"}
        hyps = [(rename[h], " ".join(stmts[h].expression)) for h in rename]
        if not s.proof.compressed:
            s = dataclasses.replace(s, proof=Proof(tuple(rename.get(x, x) for x in s.proof.labels)))
        out.append((s, hyps))
    return out


CASES = theorem_cases()


@pytest.mark.parametrize("case", CASES, ids=[c[0].label for c in CASES])
def test_restated_theorems_check(hilbert_dbs, case):
    """Every theorem of hilbert.mm, restated as a new theorem with the `$d`
    pairs its proof needs, checks in both engines."""
    s, hyps = case
    disjoint = sorted(s.proof_disjoint)
    for db in hilbert_dbs:
        assert db.check_proof(s.expression, s.proof, hyps, disjoint, label="new.thm") == []


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CASES), st.randoms(use_true_random=False))
def test_mutated_new_proofs_agree(hilbert_dbs, case, rnd: random.Random):
    s, hyps = case
    proof = s.proof
    if proof.compressed:
        letters = list(proof.letters)
        for _ in range(rnd.randint(1, 3)):
            i = rnd.randrange(len(letters))
            op = rnd.choice("rdsi")
            if op == "r":
                letters[i] = rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ?")
            elif op == "d" and len(letters) > 1:
                del letters[i]
            elif op == "s":
                j = rnd.randrange(len(letters))
                letters[i], letters[j] = letters[j], letters[i]
            else:
                letters.insert(i, rnd.choice("AZUY?"))
        labels = list(proof.labels)
        if labels and rnd.random() < 0.3:
            labels[rnd.randrange(len(labels))] = rnd.choice(["ax-1", "wph", "syl", "ax-5", "nolabel"])
        new = Proof(tuple(labels), "".join(letters))
    else:
        labels = list(proof.labels)
        for _ in range(rnd.randint(1, 3)):
            i = rnd.randrange(len(labels))
            labels[i] = rnd.choice(["ax-1", "ax-2", "wph", "wps", "wi", "?", "mpd", labels[0],
                                    rnd.choice(labels)])
        new = Proof(tuple(labels))
    disjoint = [] if rnd.random() < 0.5 else sorted(s.proof_disjoint)
    py, cy = (full(db.check_proof(s.expression, new, hyps, disjoint, label="new.thm"))
              for db in hilbert_dbs)
    assert py == cy


def test_check_theorems_batches_and_keeps(engine):
    """Many new theorems in one pass; citations within the batch; `keep`."""
    from proofgen.kernel.api import NewTheorem
    db = load(os.path.join(ROOT, "mm_databases", "hilbert.mm"), engine=engine)
    before = db.proof_count
    good = NewTheorem("t.id2", "|- ( ps -> ps )", ["wps", "id"])
    wrong = NewTheorem("t.bad", "|- ( ps -> ph )", ["wps", "id"])
    cites_good = NewTheorem("t.c1", "|- ( ch -> ch )", ["wch", "t.id2"])
    cites_bad = NewTheorem("t.c2", "|- ( ps -> ph )", ["wph", "wps", "t.bad"])
    result = db.check_theorems([good, wrong, cites_good, cites_bad])
    assert [[d.code for d in r] for r in result] == [[], ["E0806"], [], ["E0801"]]
    assert db.proof_count == before                       # nothing kept
    result = db.check_theorems([good, wrong, cites_good], keep=True)
    assert [[d.code for d in r] for r in result] == [[], ["E0806"], []]
    assert db.proof_count == before + 2                   # the good ones stay
    assert db.check_proof("|- ( th -> th )", ["wth", "t.c1"]) == []
    labels = [s.label for s in db.statements()]
    assert labels[-2:] == ["t.id2", "t.c1"] and "t.bad" not in labels
    assert db.verify().ok


def test_rollback_forgets_kept_theorems(engine):
    """One loaded database serves many jobs: `rollback(mark)` undoes `keep`."""
    from proofgen.kernel.api import NewTheorem
    db = load(os.path.join(ROOT, "mm_databases", "hilbert.mm"), engine=engine)
    before = [s.label for s in db.statements()]
    proofs = db.proof_count
    mark = db.mark()
    first = NewTheorem("t.id2", "|- ( ps -> ps )", ["wps", "id"])
    assert db.check_theorems([first], keep=True) == [[]]
    assert db.check_proof("|- ( ch -> ch )", ["wch", "t.id2"]) == []
    db.rollback(mark)
    assert [s.label for s in db.statements()] == before and db.proof_count == proofs
    # the label is free again, and citing the forgotten theorem fails
    assert [d.code for d in db.check_proof("|- ( ch -> ch )", ["wch", "t.id2"])] == ["E0801"]
    again = NewTheorem("t.id2", "|- ( ph -> ph )", ["wph", "id"])
    assert db.check_theorems([again], keep=True) == [[]]
    assert db.check_proof("|- ( ch -> ch )", ["wch", "t.id2"]) == []
    db.rollback(mark)
    assert db.verify().ok and [s.label for s in db.statements()] == before


def _blocks_or_error(fn, theorems):
    try:
        return fn(theorems)
    except (ValueError, TypeError) as exc:
        return type(exc), str(exc)


def test_batch_text_is_the_blocks_one_by_one():
    """`check_theorems` writes a batch in one pass (`_blocks`); the text, and
    every refusal, is that of `_block` theorem by theorem."""
    from proofgen.kernel.api import NewTheorem, _block, _blocks
    from proofgen.kernel.model import Proof as P
    plain = NewTheorem("t.a", "|- ( ph -> ph )", "( id ) AB", [("t.a.1", "|- ph")],
                       [["x", "y"], ("y", "z")])
    odd = [
        NewTheorem("t.b", "|-  ( ph ->  ph ) ", ["wph", "id"]),            # to normalize
        NewTheorem("t.c", ["|-", "ph"], P(("a", "b"), "AB")),
        NewTheorem("t.d", "|- ph", "x", [("t.d.1", ["|-", "ps"])], ["x y"]),
        NewTheorem("t.e", "|- ph", "x", [], [iter(["x", "y"])]),
        NewTheorem("t.f", "|- ph", "x", [], [[]]),
    ]
    bad = [
        NewTheorem("t.g", "|- ph\nps", "x"),          # a line break inside an expression
        NewTheorem("t.h", "|- ph", "x", [("t.h.1", "|- a$b")]),
        NewTheorem("t i", "|- ph", "x"),
        NewTheorem("t.j", "|- ph", "x", [("t\nj", "|- ph")]),
        NewTheorem("t.k", "|- ph", "x $.", []),
        NewTheorem("t.l", "|- ph", "x", [], [["x\ny"]]),
        NewTheorem("t.m", "|- ph", "x", [], [["x", 3]]),
        NewTheorem("t.n", "|- ph", "x", [("", "|- ph")]),
        NewTheorem("t.o", "", "x"),
        NewTheorem("t.p", " |- ph", "x"),
        NewTheorem("t.q", "|- ph ", "x"),
        NewTheorem("t.r", "|- ph\tps", "x"),
        NewTheorem("t.s", "|- ph\x7f", "x"),
        NewTheorem("t.t", "|- \u03c6", "x"),
        NewTheorem("t.u", "|- ph", "x", [("t.u.1", "")]),
        NewTheorem("t.v", "|- ph", "x", [("t.v.1", "|- ph ")]),
        NewTheorem("t.w", "|- ph", "x", [], [["x", ""]]),
        NewTheorem("t.x", "|- ph", "x", [], [["x y"]]),
        NewTheorem("t.y", "|- ph", "x", [], [["x", "$y"]]),
        NewTheorem("t.z", "|- ph", "x", [], [["x\x00"]]),
    ]

    def one_by_one(ts):
        return "".join(_block(t) for t in ts)

    def fresh(ts):   # iterators are used up by a first writing
        return [dataclasses.replace(t, disjoint=[g if not hasattr(g, "__next__") else iter(["x", "y"])
                                                 for g in t.disjoint]) for t in ts]

    for batch in ([plain], [plain, plain], odd, [plain] + odd) + tuple([plain, b] for b in bad):
        assert _blocks_or_error(_blocks, fresh(batch)) == \
            _blocks_or_error(one_by_one, fresh(batch)), batch


def test_batch_math_text_check_is_the_regex_on_each_item():
    from proofgen.kernel.api import _MATH, _MATH_TEXT, _all_math_text
    rnd = random.Random(1)
    alphabet = ["a", "b", "$", " ", "\n", "\t", "\x7f", "\x00", "~", "!", "\u03c6"]
    for _ in range(20000):
        items = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 4)))
                 for _ in range(rnd.randint(1, 3))]
        for sep, pattern in ((" ", _MATH_TEXT), ("", _MATH)):
            assert _all_math_text(items, sep) == all(pattern.fullmatch(i) for i in items), items
