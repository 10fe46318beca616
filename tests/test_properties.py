"""Property tests of the kernel on generated databases and their mutants.

* every generated database verifies, in both engines, whatever its layout;
* what is written is what is read back: statements, frames, `$d` pairs and
  proofs (write -> read round trip), and the grammar parses it;
* a mutant gets the verdict its mutation decides, and the engines agree on
  every diagnostic of every mutant;
* proofs survive re-encoding (compressed <-> normal), real ones included;
* no input, however damaged, raises anything: it gets diagnostics.

Example counts scale with PROOFGEN_TEST_SCALE (see docs/testing.md).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from conftest import CONFORMANCE, ROOT, available_engines
from proofgen.kernel import CODES, load
from proofgen.kernel.model import Proof
from proofgen.testing import scaled
from proofgen.testing.choosers import RandomChooser
from proofgen.testing.database import expected_statements, replay, statement_key
from proofgen.testing.generate import generate_database
from proofgen.testing.grammar import load_grammar
from proofgen.testing.mutations import OPERATORS, TEXT_OPERATORS, mutate_database
from proofgen.testing.oracle import run_engines, verdict_of
from proofgen.testing.proofs import (compress, decode_number, decompress, encode_number,
                                     normal_steps, split_letters)
from proofgen.testing.strategies import byte_mutants, database_texts, databases, mutants

ENGINES = available_engines()
HILBERT = ROOT / "mm_databases" / "hilbert.mm"


def examples(n: int):
    return settings(max_examples=scaled(n), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example,
                                           HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


def check_all(path: Path):
    """Both engines; they must not raise and must agree on everything."""
    run = run_engines(path, which=ENGINES)
    assert not run.failures, run.describe()
    assert run.agree, run.describe()
    for report in run.reports.values():
        for d in report.diagnostics:
            assert d.code in CODES, d
            assert d.line >= 0 and d.column >= 0, d
    return run


# ---------------------------------------------------------------------------
# valid databases

@examples(120)
@given(database_texts())
def test_generated_databases_verify_and_read_back(workdir, case):
    db, text = case
    path = workdir / "gen.mm"
    path.write_text(text)
    run = check_all(path)
    report = run.report()
    assert report.diagnostics == [], [d.format() for d in report.diagnostics]
    assert report.proofs == len(db.theorems()) > 0
    expected = expected_statements(db.items)
    for engine in ENGINES:
        got = [statement_key(s) for s in load(path, engine=engine).statements()]
        assert got == expected


@examples(60)
@given(database_texts(size="tiny"))
def test_generated_databases_parse_with_the_grammar(case):
    db, text = case
    tree = load_grammar().parse(text)
    theorems = [c for c in tree.iter_subtrees() if c.data == "theorem"]
    assert len(theorems) == len(db.theorems())


def test_generation_is_reproducible():
    a = generate_database(1234, "medium").text(RandomChooser(5))
    b = generate_database(1234, "medium").text(RandomChooser(5))
    assert a == b
    assert generate_database(1235, "medium").text() != generate_database(1234, "medium").text()


def test_generated_databases_exercise_the_rules():
    """The generator reaches what the properties are about: `$d` conditions
    that proofs need, local variables, outer `$e`, compressed proofs with
    saved steps, normal proofs, theorems citing theorems."""
    seen = set()
    for seed in range(150):
        db = generate_database(seed, "small")
        for it in db.items:
            if it.kind == "p":
                seen.add("compressed" if it.proof.compressed else "normal")
                if it.proof.compressed and "Z" in it.proof.letters:
                    seen.add("saved steps")
            if it.label.startswith("lf."):
                seen.add("local variable")
            if it.label.startswith("hyp"):
                seen.add("outer $e")
        for info in db.info.values():
            if info.needed_dv:
                seen.add("needed $d")
            if any(c in db.info for c in info.cited):
                seen.add("theorem cites theorem")
    assert seen == {"compressed", "normal", "saved steps", "local variable", "outer $e",
                    "needed $d", "theorem cites theorem"}


# ---------------------------------------------------------------------------
# mutants

@examples(200)
@given(mutants())
def test_mutants_get_the_verdict_their_mutation_decides(workdir, case):
    db, mutant = case
    note(f"{mutant.operator} {mutant.target} expect={mutant.expect}")
    path = mutant.write(workdir)
    run = check_all(path)
    status = verdict_of(run.report()).status
    if mutant.expect is not None:
        assert status == mutant.expect, [d.format() for d in run.report().diagnostics]


@pytest.mark.parametrize("operator", sorted(OPERATORS) + TEXT_OPERATORS)
def test_every_operator(tmp_path, operator):
    """Each operator on many databases: engines agree, decided verdicts hold,
    and the operator applies (it is not silently a no-op)."""
    applied = decided = 0
    for seed in range(scaled(25)):
        db = generate_database(seed, "small")
        mutant = mutate_database(db, RandomChooser(seed), [operator])
        if mutant.operator == "identity":
            continue
        applied += 1
        assert mutant.data != db.text().encode() or mutant.expect == "ok" or mutant.files
        run = check_all(mutant.write(tmp_path))
        if mutant.expect is not None:
            decided += 1
            status = verdict_of(run.report()).status
            assert status == mutant.expect, (seed, mutant.operator, mutant.target,
                                             [d.format() for d in run.report().diagnostics])
    assert applied >= scaled(25) // 2, f"{operator} applied {applied} times"
    if operator not in ("swap-hypotheses", "delete-statement", "move-out-of-scope"):
        assert decided, f"{operator} never decided a verdict"


def test_removing_a_needed_dv_fails_and_an_unneeded_one_does_not(tmp_path):
    outcomes = set()
    for seed in range(300):
        db = generate_database(seed, "small")
        if not any(info.needed_dv for info in db.info.values()):
            continue
        mutant = mutate_database(db, RandomChooser(seed), ["remove-dv"])
        if mutant.operator != "remove-dv":
            continue
        status = verdict_of(check_all(mutant.write(tmp_path)).report()).status
        assert status == mutant.expect
        outcomes.add(status)
        if outcomes == {"ok", "error"}:
            break
    assert outcomes == {"ok", "error"}


# ---------------------------------------------------------------------------
# proofs: encoding and re-encoding

@settings(max_examples=scaled(300), deadline=None)
@given(st.integers(1, 10 ** 15))
def test_step_numbers_round_trip(n):
    letters = encode_number(n)
    assert re.fullmatch(r"[U-Y]*[A-T]", letters)
    assert decode_number(letters) == n
    assert split_letters(letters + "Z" + letters) == [letters, "Z", letters]


def test_step_numbers_match_the_book():
    assert [encode_number(n) for n in (1, 20, 21, 40, 41, 120, 121, 620, 621)] == \
        ["A", "T", "UA", "UT", "VA", "YT", "UUA", "YYT", "UUUA"]


@examples(60)
@given(databases(), st.randoms(use_true_random=False))
def test_compress_and_decompress_round_trip(db, rnd):
    sc = replay(db.items)

    def arity(label):
        it = sc.labels[label]
        return 0 if it.kind in "fe" else len(sc.frames[label].hypotheses)

    for label, info in db.info.items():
        steps = normal_steps(info.tree, 50_000)
        if steps is None:
            continue
        mandatory = sc.frames[label].hypotheses
        for save_hyps in (False, True):
            proof = compress(info.tree, mandatory, RandomChooser(rnd.randrange(1 << 30)),
                             save_hypotheses=save_hyps)
            assert decompress(proof, mandatory, arity) == steps


@pytest.fixture(scope="module")
def hilbert_dbs():
    return {e: load(HILBERT, engine=e) for e in ENGINES}


def test_real_proofs_survive_re_encoding(hilbert_dbs):
    """Every proof of hilbert.mm, decompressed to normal form and compressed
    again by proofgen.testing, still checks (as a new theorem) in both
    engines; and decompressing the new one gives the same normal proof."""
    db = next(iter(hilbert_dbs.values()))
    stmts = {s.label: s for s in db.statements()}

    def arity(label):
        s = stmts[label]
        return 0 if s.kind in "fe" else len(s.frame.hypotheses)

    checked = 0
    for s in stmts.values():
        if s.kind != "p":
            continue
        mandatory = s.frame.hypotheses
        steps = (decompress(s.proof, mandatory, arity) if s.proof.compressed
                 else list(s.proof.labels))
        stack: list = []
        for lab in steps:
            a = arity(lab)
            node = (lab, tuple(stack[len(stack) - a:]))
            del stack[len(stack) - a:]
            stack.append(node)
        again = compress(stack[0], mandatory, RandomChooser(checked))
        assert decompress(again, mandatory, arity) == steps
        # restated at the end of the database, hypotheses renamed
        rename = {h: f"re.{s.label}.{i}" for i, h in enumerate(mandatory) if stmts[h].kind == "e"}
        hyps = [(rename[h], stmts[h].expression) for h in rename]
        normal = Proof(tuple(rename.get(x, x) for x in steps))
        for kdb in hilbert_dbs.values():
            for proof in (normal, again):
                assert kdb.check_proof(s.expression, proof, hyps, sorted(s.proof_disjoint),
                                       label="re.thm") == []
        checked += 1
    assert checked > 20


# ---------------------------------------------------------------------------
# no input raises

REAL = [HILBERT, CONFORMANCE / "demo0.mm", CONFORMANCE / "big-unifier.mm", CONFORMANCE / "miu.mm"]
SOURCES = [p.read_bytes() for p in REAL if p.exists()] + \
    [generate_database(s, "small").text().encode() for s in range(4)]


@examples(150)
@given(byte_mutants(SOURCES))
def test_damaged_files_get_diagnostics_not_exceptions(workdir, data):
    path = workdir / "damaged.mm"
    path.write_bytes(data)
    run = check_all(path)
    report = run.report()
    if report.exit_status() == 0:
        assert not report.diagnostics
    else:
        assert report.diagnostics
