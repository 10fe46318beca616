"""The `statement` generator (explore/statement.py, gen_statement.py):
sampled propositional statements, decided by truth table and proved by case
splits from a fixed set of set.mm lemmas.  Every theorem goes through the
kernel (and, in the slow test, metamath.exe on an export); the decision
procedure is held to a brute-force truth table computed here from the
printed statement; the size and variable knobs are held to their targets."""
from __future__ import annotations

import itertools
import json
import math
import os
import random
from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from proofgen.cli import main
from proofgen.explore import generators
from proofgen.explore.context import Context
from proofgen.explore.gen_statement import StatementGenerator
from proofgen.explore.run import GenerateConfig, generate
from proofgen.explore.statement import (DEFINITIONS, LEMMAS, Prover, Sampler, StatementConfig,
                                        Statements, check_proof, countermodel, logic_of)
from proofgen.kernel import load
from proofgen.resources import bundled_database

from conftest import metamath_available

SET_MM = "/usr/share/metamath/databases/set.mm"
needs_set_mm = pytest.mark.skipif(not os.path.exists(SET_MM), reason="Debian metamath-databases")
HILBERT = bundled_database()
EXAMPLES = int(60 * float(os.environ.get("PROOFGEN_TEST_SCALE", "1")))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])
CITED = set(LEMMAS) | set(DEFINITIONS.values())


@pytest.fixture(scope="module")
def setmm():
    if not os.path.exists(SET_MM):
        pytest.skip("Debian metamath-databases")
    db = load(SET_MM)
    return db, Context.of(db)


# -- an evaluator of its own: the printed statement, parsed here ----------------------

BINARY = {"->": lambda a, b: (not a) or b, "<->": lambda a, b: a == b,
          "/\\": lambda a, b: a and b, "\\/": lambda a, b: a or b,
          "-/\\": lambda a, b: not (a and b), "\\/_": lambda a, b: a != b}
TERNARY = {"if-": lambda a, b, c: b if a else c,
           "hadd": lambda a, b, c: (a + b + c) % 2 == 1,
           "cadd": lambda a, b, c: a + b + c >= 2}


def parse(tokens: list[str]):
    """A printed wff (tokens) as a function of an assignment (name -> bool)."""
    pos = 0

    def wff():
        nonlocal pos
        t = tokens[pos]
        pos += 1
        if t == "-.":
            a = wff()
            return lambda v: not a(v)
        if t == "T.":
            return lambda v: True
        if t == "F.":
            return lambda v: False
        if t in TERNARY:
            assert tokens[pos] == "("
            pos += 1
            args = []
            for sep in (",", ",", ")"):
                args.append(wff())
                assert tokens[pos] == sep
                pos += 1
            f = TERNARY[t]
            return lambda v: f(*(x(v) for x in args))
        if t == "(":
            first = wff()
            op = tokens[pos]
            pos += 1
            second = wff()
            if tokens[pos] == ")":
                pos += 1
                f = BINARY[op]
                return lambda v: f(first(v), second(v))
            assert tokens[pos] == op and op in ("/\\", "\\/")    # ( a /\ b /\ c )
            pos += 1
            third = wff()
            assert tokens[pos] == ")"
            pos += 1
            if op == "/\\":
                return lambda v: first(v) and second(v) and third(v)
            return lambda v: first(v) or second(v) or third(v)
        return lambda v: v[t]

    f = wff()
    assert pos == len(tokens)
    return f


VARIABLES = ["ph", "ps", "ch", "th", "ta", "et"]


def brute(text: str) -> tuple[bool, list[str]]:
    """(valid, variables) of a printed statement `|- ...` by trying every row."""
    tokens = text.split()[1:]
    names = [t for t in dict.fromkeys(tokens) if t in VARIABLES]
    f = parse(tokens)
    ok = all(f(dict(zip(names, row)))
             for row in itertools.product((False, True), repeat=len(names)))
    return ok, names


def holds(text: str, assignment: dict) -> bool:
    return parse(text.split()[1:])(assignment)


# -- registration and refusal ----------------------------------------------------------

def test_it_is_registered_and_declares_what_it_needs():
    gen = generators.get("statement")
    assert "statement" in generators.names()
    assert generators.names()[:3] == ("forward", "deep", "extract")
    assert gen.counted and not gen.cuts_by_proofs and not gen.uses_library
    config = GenerateConfig(generator="statement", count=25)
    assert [(u.unit, u.count) for u in gen.plan(config, 10, 0, 0)] == [(0, 10), (1, 10), (2, 5)]


def test_check_refuses_a_database_without_the_lemmas():
    db = load(HILBERT)
    ctx = Context.of(db)
    gen = generators.get("statement")
    with pytest.raises(ValueError) as err:
        gen.check(ctx, GenerateConfig(generator="statement"))
    text = str(err.value)
    assert text.startswith("statement: the database lacks")
    for label in ("jca", "pm2.61dan", "pm2.61i", "simpr", "adantr", "df-nan"):
        assert label in text
    assert "the connectives wa" in text          # hilbert.mm has no /\ at all
    assert "a1i" not in text and "syl," not in text   # what it has is not named
    # generate refuses the same way, and so does the command line, before --out
    with pytest.raises(ValueError, match="lacks"):
        generate(db, GenerateConfig(generator="statement", count=3))


def test_the_command_line_refuses_hilbert_before_touching_out(tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["generate", "--generator", "statement", "--count", "3",
                 "--out", str(out)]) == 1
    assert not out.exists()
    assert "pm2.61dan" in capsys.readouterr().err


def test_check_refuses_an_excluded_lemma_and_bad_knobs(setmm):
    db, ctx = setmm
    gen = generators.get("statement")
    gen.check(ctx, GenerateConfig(generator="statement"))          # set.mm has them all
    with pytest.raises(ValueError, match="cites jca, .*excludes"):
        gen.check(ctx, GenerateConfig(generator="statement", exclude=("jca",)))
    for bad, msg in [(dict(max_vars=7), "max_vars"), (dict(min_vars=0), "min_vars"),
                     (dict(min_size=9, max_size=8), "min_size"),
                     (dict(size_distribution="zipf"), "zipf"),
                     (dict(mix={"wi": 1.0, "wnope": 1.0}), "wnope"),
                     (dict(mix={"wtru": 1.0}), "no connective")]:
        with pytest.raises(ValueError, match=msg):
            StatementGenerator(StatementConfig(**bad)).check(
                ctx, GenerateConfig(generator="statement"))
    # --max-symbols below what any tautology of the knobs needs: refused before any unit
    from proofgen.explore.forward import ForwardConfig
    with pytest.raises(ValueError, match="can hold"):
        gen.check(ctx, GenerateConfig(generator="statement", forward=ForwardConfig(max_symbols=3)))
    # a mix without the defined connectives does not need their definitions
    lean = StatementConfig(mix={"wn": 1, "wi": 1, "wb": 1, "wa": 1, "wo": 1})
    assert not set(DEFINITIONS.values()) & set(logic_of(ctx, lean.mix).lemma)


# -- every theorem verifies ---------------------------------------------------------------

def assert_sound(ctx, db, theorems, cfg: StatementConfig):
    """Each theorem valid by the brute-force table, within the knobs, its
    proof citing only the fixed lemmas (or one library assertion), each
    statement proved once, and accepted by a fresh kernel check."""
    L = logic_of(ctx, cfg.mix)
    for t in theorems:
        text = ctx.text("|-", t.conclusion)
        ok, names = brute(text)
        assert ok, text
        assert names == VARIABLES[:len(names)]                   # renamed by first appearance
        assert cfg.min_vars <= len(names) == t.meta["variables"] <= cfg.max_vars
        assert cfg.min_size <= len(text.split()) - 1 == t.meta["size"] <= cfg.max_size
        assert not t.hypotheses and t.generator == "statement"
        if t.meta["proof"] == "library":
            assert len(t.steps) == 1 and t.meta["instance_of"]
        else:
            assert {s.label for s in t.steps} <= CITED, t.uses()
            proof, none = Prover(L).prove(t.conclusion)
            assert none is None and proof.steps == t.steps
            check_proof(L, proof)
            assert len(set(proof.statements)) == len(proof.statements)   # shared, not redone
    problems = db.check_theorems([t.meta["checked"] for t in theorems], keep=False)
    assert all(not p for p in problems)


def test_every_theorem_verifies_in_the_kernel(setmm):
    db, ctx = setmm
    result = generate(db, GenerateConfig(generator="statement", count=400, seed=11), ctx=ctx)
    stats = result.stats
    assert len(result.theorems) == 400 and stats["rejected"] == 0
    assert stats.candidates == 400 and stats["invalid"] > 0      # non-theorems were drawn
    assert len({t.hash for t in result.theorems}) == 400
    assert_sound(ctx, db, result.theorems, StatementConfig())
    how = Counter(t.meta["proof"] for t in result.theorems)
    assert how["cases"] > 300 and how["library"] > 0
    # every connective of the default mix shows up, and proofs split on variables
    symbols = Counter(s for t in result.theorems for s in ctx.text("|-", t.conclusion).split())
    for sym in ("-.", "->", "<->", "/\\", "\\/", "-/\\", "\\/_", "T.", "F.", "if-"):
        assert symbols[sym] > 0, sym
    assert max(t.meta["splits"] for t in result.theorems) >= 3
    assert max(len(t.steps) for t in result.theorems) >= 40


def test_six_variables_and_forty_symbols_without_library_matches(setmm):
    db, ctx = setmm
    cfg = StatementConfig(min_vars=6, max_vars=6, min_size=34, max_size=40,
                          library_match=False)
    gen = generators.register(StatementGenerator(cfg, name="statement-wide"))
    try:
        result = generate(db, GenerateConfig(generator=gen.name, count=150, seed=2), ctx=ctx)
    finally:
        generators.unregister(gen.name)
    assert len(result.theorems) == 150 and result.stats["rejected"] == 0
    assert all(t.meta["proof"] == "cases" for t in result.theorems)
    assert_sound(ctx, db, result.theorems, cfg)
    assert {t.meta["variables"] for t in result.theorems} == {6}
    assert max(t.meta["size"] for t in result.theorems) == 40


def test_harder_statements_and_the_size_cap_of_the_run(setmm):
    db, ctx = setmm
    cfg = StatementConfig(min_splits=2)
    gen = StatementGenerator(cfg)
    st_ = Statements(ctx, gen.settings(GenerateConfig()), 4, 0)
    made = [t for t in (st_.next() for _ in range(200)) if t is not None][:30]
    assert len(made) == 30 and all(t.meta["splits"] >= 2 for t in made)
    assert st_.counts["easy"] > 0
    # --max-symbols caps the printed size
    from proofgen.explore.forward import ForwardConfig
    small = gen.settings(GenerateConfig(forward=ForwardConfig(max_symbols=12)))
    assert small.max_size == 12
    result = generate(db, GenerateConfig(generator="statement", count=40, seed=3,
                                         forward=ForwardConfig(max_symbols=12)), ctx=ctx)
    assert result.theorems and all(t.meta["size"] <= 12 for t in result.theorems)


def test_it_makes_no_cyclic_garbage(setmm):
    """`may_freeze`: what a run drops is freed by reference counting alone
    (explore/collector.py), so freezing what it keeps is sound."""
    import gc
    db, ctx = setmm
    assert generators.get("statement").may_freeze
    mark = db.mark()
    generate(db, GenerateConfig(generator="statement", count=20, seed=5), ctx=ctx)
    db.rollback(mark)
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        gc.set_debug(gc.DEBUG_SAVEALL)
        r = generate(db, GenerateConfig(generator="statement", count=300, seed=6), ctx=ctx)
        assert len(r.theorems) == 300
        del r
        gc.collect()
        found = len(gc.garbage)
        kinds = sorted({type(o).__name__ for o in gc.garbage})[:20]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.unfreeze()
        if enabled:
            gc.enable()
        db.rollback(mark)
    assert found == 0, kinds


def test_runs_are_a_function_of_seed_and_unit(setmm):
    db, ctx = setmm
    cfg = StatementConfig()

    def texts(seed, unit):
        s = Statements(ctx, cfg, seed, unit)
        return [ctx.text("|-", t.conclusion) for t in (s.next() for _ in range(30)) if t]

    assert texts(1, 0) == texts(1, 0)
    assert texts(1, 0) != texts(1, 1) and texts(1, 0) != texts(2, 0)


# -- the decision procedure against brute force --------------------------------------------

@SETTINGS
@given(seed=st.integers(0, 10 ** 9), size=st.integers(1, 40), k=st.integers(1, 6))
def test_the_decision_agrees_with_a_brute_force_truth_table(setmm, seed, size, k):
    db, ctx = setmm
    cfg = StatementConfig(min_size=1, tries=1)
    L = logic_of(ctx, cfg.mix)
    sampler = Sampler(L, cfg)
    if size not in sampler.sizes or sampler.leaves[size] < k + 1:
        k = min(k, max(1, sampler.leaves[size] - 1)) if size in sampler.sizes else 0
    if not k:
        return
    rng = random.Random(seed)
    for _ in range(5):
        f = sampler.formula(rng, size, k)
        text = ctx.text("|-", f)
        ok, names = brute(text)
        assert len(text.split()) - 1 == size and len(names) == k     # the cell, exactly
        assert L.is_tautology(f) == ok
        cm = countermodel(L, f)
        assert (cm is None) == ok
        proof, model = Prover(L).prove(f)
        assert (proof is not None) == ok and (model is None) == ok
        if ok:
            check_proof(L, proof)
        else:
            g = ctx.syn.grammar
            for m in (cm, model):
                assignment = {g.variables[-1 - v].name: b for v, b in m.items()}
                assert not holds(text, assignment), (text, assignment)


def test_every_tautology_of_a_small_space_is_proved(setmm):
    """Exhaustive over two variables and the core connectives up to 2 levels:
    the prover is complete (and refutes the rest)."""
    db, ctx = setmm
    L = logic_of(ctx, StatementConfig().mix)
    ph, ps = L.variables[:2]
    atoms = [(ph,), (ps,), L.make("wn", (ph,)), L.make("wtru"), L.make("wfal")]
    ops = ["wi", "wb", "wa", "wo", "wnan", "wxo"]
    level1 = atoms + [L.make(op, a, b) for op in ops for a in atoms[:3] for b in atoms[:3]]
    proved = refuted = 0
    rng = random.Random(0)
    pairs = [(a, b) for a in level1 for b in level1]
    for a, b in rng.sample(pairs, 600):
        for op in ("wi", "wb", "wo"):
            f = L.make(op, a, b)
            if not any(n < 0 for n in f):
                continue
            ok = brute(ctx.text("|-", f))[0]
            proof, model = Prover(L).prove(f)
            assert (proof is not None) == ok
            if ok:
                check_proof(L, proof)
                proved += 1
            else:
                refuted += 1
    assert proved > 100 and refuted > 100


# -- the distribution knobs ---------------------------------------------------------------

def kept(ctx, cfg, n, seed=5):
    s = Statements(ctx, cfg, seed, 0)
    out = []
    while len(out) < n:
        t = s.next()
        if t is not None:
            out.append(t)
    return out, s


def test_uniform_sizes_and_variable_counts_follow_the_target(setmm):
    db, ctx = setmm
    cfg = StatementConfig(min_size=21, max_size=40, size_distribution="uniform",
                          min_vars=1, max_vars=6)
    theorems, s = kept(ctx, cfg, 1200)
    assert s.counts["cells_exhausted"] == 0
    sizes = Counter(t.meta["size"] for t in theorems)
    assert set(sizes) == set(range(21, 41))
    # chi-square against uniform, 19 degrees of freedom (p = 0.001 critical: 43.8)
    expect = 1200 / 20
    assert sum((sizes[x] - expect) ** 2 / expect for x in range(21, 41)) < 43.8
    variables = Counter(t.meta["variables"] for t in theorems)
    expect = 1200 / 6
    assert sum((variables[k] - expect) ** 2 / expect for k in range(1, 7)) < 20.5   # 5 dof
    # and the printed size is the statement's own
    assert all(len(ctx.text("|-", t.conclusion).split()) - 1 == t.meta["size"]
               for t in theorems)


def test_log_uniform_sizes_give_equal_octaves(setmm):
    db, ctx = setmm
    cfg = StatementConfig(min_size=16, max_size=63, size_distribution="log-uniform")
    theorems, s = kept(ctx, cfg, 900)
    octaves = Counter(int(math.log2(t.meta["size"])) for t in theorems)
    assert set(octaves) == {4, 5}                       # 16..31 and 32..63
    assert abs(octaves[4] - 450) < 60                   # 3 sigma is about 45
    small = Counter(t.meta["size"] for t in theorems if t.meta["size"] < 32)
    # within an octave the density falls like 1/size: the first quarter outweighs the last
    assert sum(small[x] for x in range(16, 20)) > sum(small[x] for x in range(28, 32))
    uniform, _ = kept(ctx, replace(cfg, size_distribution="uniform"), 900)
    octaves_u = Counter(int(math.log2(t.meta["size"])) for t in uniform)
    assert abs(octaves_u[4] - 300) < 60                 # 16 of 48 sizes


@SETTINGS
@given(seed=st.integers(0, 10 ** 9), lo=st.integers(1, 6), hi=st.integers(1, 6),
       size_lo=st.integers(5, 40), span=st.integers(0, 10))
def test_the_sampler_keeps_to_its_ranges(setmm, seed, lo, hi, size_lo, span):
    """Any knob setting: every cell and formula within the ranges, exactly
    the cell's size and variable count, variables canonical."""
    db, ctx = setmm
    lo, hi = min(lo, hi), max(lo, hi)
    cfg = StatementConfig(min_vars=lo, max_vars=hi, min_size=size_lo,
                          max_size=min(40, size_lo + span))
    L = logic_of(ctx, cfg.mix)
    try:
        sampler = Sampler(L, cfg)
    except ValueError as exc:        # no size in range holds lo variables twice over
        assert "can hold" in str(exc) and 4 * (lo + 1) - 3 > cfg.max_size
        return
    rng = random.Random(seed)
    for _ in range(10):
        size, k = sampler.cell(rng)
        assert cfg.min_size <= size <= cfg.max_size and lo <= k <= hi
        f = sampler.formula(rng, size, k)
        text = ctx.text("|-", f)
        assert len(text.split()) - 1 == size
        names = [t for t in dict.fromkeys(text.split()) if t in VARIABLES]
        assert names == VARIABLES[:k]


def test_the_connective_mix_is_followed(setmm):
    db, ctx = setmm
    only = StatementConfig(mix={"wn": 1.0, "wi": 1.0}, min_size=10, max_size=30)
    theorems, _ = kept(ctx, only, 100)
    symbols = {s for t in theorems for s in ctx.text("|-", t.conclusion).split()}
    assert symbols - set(VARIABLES) <= {"|-", "(", ")", "->", "-."}
    L = logic_of(ctx, only.mix)
    assert {s.label for t in theorems for s in t.steps if t.meta["proof"] == "cases"} \
        <= set(LEMMAS) and "df-nan" not in L.lemma
    heavy = StatementConfig(mix={"wn": 1.0, "wi": 1.0, "wb": 8.0}, min_size=10, max_size=30)
    heavy_t, _ = kept(ctx, heavy, 100)
    count = Counter(s for t in heavy_t for s in ctx.text("|-", t.conclusion).split())
    assert count["<->"] > 2 * count["->"]


# -- a whole run, and metamath.exe on its export ----------------------------------------------

def test_a_run_renders_every_style(setmm, tmp_path):
    from proofgen.emit.records import StyleMix
    from proofgen.run import JobConfig, LocalExecutor, run_job
    from proofgen.run.folder import RunFolder
    out = str(tmp_path / "run")
    job = JobConfig(GenerateConfig(generator="statement", count=40, seed=1),
                    StyleMix.parse("all"), unit_size=20)
    manifest = run_job(SET_MM, job, out, LocalExecutor(1))
    assert manifest["theorems"] == 40
    records = list(RunFolder(out).records(manifest))
    assert {r["metadata"]["style"] for r in records} >= {"mm", "steps", "hier", "en",
                                                         "latex", "mixed"}
    assert {r["metadata"]["generator"] for r in records} == {"statement"}


@pytest.mark.slow
@needs_set_mm
def test_an_export_verifies_in_metamath(tmp_path):
    import subprocess
    out = tmp_path / "st"
    assert main(["generate", "--db", SET_MM, "--generator", "statement", "--count", "3000",
                 "--unit-size", "1000", "--styles", "mm", "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["theorems"] == 3000 and manifest["rejected_by_kernel"] == 0
    mm = tmp_path / "st.mm"
    assert main(["export-mm", str(out), "--db", SET_MM, "-o", str(mm)]) == 0
    assert main(["verify", str(mm)]) == 0
    assert metamath_available()
    done = subprocess.run(["metamath", f'read "{mm.name}"', "verify proof *", "exit"],
                          cwd=str(tmp_path), capture_output=True, text=True, timeout=900)
    assert "All proofs in the database were verified" in done.stdout, done.stdout[-2000:]
    assert "?Error" not in done.stdout
    labels = [line.split()[0] for line in mm.read_text().splitlines()
              if line.lstrip().startswith("pg.") and " $p |- " in line]
    assert len(set(labels)) == 3000
