"""The two engines must reach the same verdict, with the same diagnostics at
the same places, on every input: real databases, and mutants of them."""
from __future__ import annotations

import dataclasses
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proofgen.kernel import fast_engine_available, load
from proofgen.kernel.model import Proof

from conftest import CONFORMANCE, DATABASES, ROOT

pytestmark = pytest.mark.skipif(not fast_engine_available() and not os.environ.get("CI"),
                                reason="Cython engine not built")

HILBERT = ROOT / "mm_databases" / "hilbert.mm"


def located(report_or_list):
    diags = getattr(report_or_list, "diagnostics", report_or_list)
    return [(d.file, d.line, d.column, d.code, d.label) for d in diags]


def both(path, **kw):
    return [located(load(path, engine=e).verify(**kw)) for e in ("python", "cython")]


@pytest.mark.parametrize("name", sorted(p.name for p in CONFORMANCE.glob("*.mm")))
def test_conformance_files_agree(name):
    py, cy = both(CONFORMANCE / name)
    assert py == cy


@pytest.mark.parametrize("name", ["demo0.mm", "miu.mm", "big-unifier.mm", "peano.mm",
                                  "hol.mm", "ql.mm", "nf.mm"])
def test_databases_agree(name):
    py, cy = both(DATABASES / name)
    assert py == cy == []


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


# -- new proofs through the API ---------------------------------------------

@pytest.fixture(scope="module")
def hilbert_dbs():
    return [load(HILBERT, engine=e) for e in ("python", "cython")]


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
        i = rnd.randrange(len(labels))
        labels[i] = rnd.choice(["ax-1", "ax-2", "wph", "wps", "wi", "?", "mpd", labels[0]])
        new = Proof(tuple(labels))
    disjoint = [] if rnd.random() < 0.5 else sorted(s.proof_disjoint)
    py, cy = (located(db.check_proof(s.expression, new, hyps, disjoint, label="new.thm"))
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
