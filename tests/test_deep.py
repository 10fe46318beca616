"""The `deep` generator (proofgen/explore/deep.py): every theorem verified
(by the run, and again on an export by `proofgen verify` and metamath.exe),
no unused and no isolated hypothesis (checked here on the theorem files,
independently of the generator), reproducible across runs and worker
counts, and deeper than `forward` on the same library."""
import glob
import json
import os
import re
import statistics
import subprocess

import pytest
from hypothesis import given, settings, strategies as st

from conftest import metamath_available
from proofgen.cli import main
from proofgen.emit.shards import read_shard as _read
from proofgen.resources import bundled_database

SET_MM = "/usr/share/metamath/databases/set.mm"
needs_set_mm = pytest.mark.skipif(not os.path.exists(SET_MM), reason="Debian metamath-databases")


# -- independent checks, on what a run wrote ----------------------------------
def database_variables(db_path):
    """Every token a `$f` statement of the database declares as a variable
    (read from the text, not from proofgen's parser)."""
    with open(db_path) as f:
        text = re.sub(r"\$\(.*?\$\)", " ", f.read(), flags=re.S)
    return set(re.findall(r"\$f\s+\S+\s+(\S+)\s+\$\.", text))


def records(run_dir, role="theorem"):
    out = []
    for f in sorted(glob.glob(os.path.join(run_dir, "theorems", "*.jsonl.zst"))):
        out.extend(r for r in _read(f) if role is None or r["role"] == role)
    return out


def hypothesis_faults(rec, variables):
    """(unused, isolated) hypothesis labels of a theorem record: unused, its
    label is not in the proof (RPN); isolated, it shares no variable with
    the conclusion nor with another hypothesis."""
    proof = set(rec["proof"]["rpn"].split())
    hyps = rec["hypotheses"]
    vars_of = [set(h["statement"].split()) & variables for h in hyps]
    concl = set(rec["statement"].split()) & variables
    unused = [h["label"] for h in hyps if h["label"] not in proof]
    isolated = []
    for i, h in enumerate(hyps):
        others = set().union(*(v for j, v in enumerate(vars_of) if j != i))
        if not vars_of[i] & (concl | others):
            isolated.append(h["label"])
    return unused, isolated


def shards(run_dir):
    return {os.path.basename(p): open(p, "rb").read()
            for p in sorted(glob.glob(os.path.join(run_dir, "shards", "*")))}


def both_verify(mm):
    assert main(["verify", str(mm)]) == 0
    assert metamath_available()
    done = subprocess.run(["metamath", f'read "{os.path.basename(mm)}"', "verify proof *",
                           "exit"], cwd=os.path.dirname(mm), capture_output=True, text=True,
                          timeout=900)
    assert "All proofs in the database were verified" in done.stdout, done.stdout[-2000:]
    assert "?Error" not in done.stdout


def test_the_checks_catch_an_unused_and_an_isolated_hypothesis():
    rec = {"statement": "|- ( ph -> ps )", "proof": {"rpn": "wph wps t.1 ax-1"},
           "hypotheses": [{"label": "t.1", "statement": "|- ( ps -> ph )"},
                          {"label": "t.2", "statement": "|- ch"}]}
    assert hypothesis_faults(rec, {"ph", "ps", "ch"}) == (["t.2"], ["t.2"])
    rec["hypotheses"][1]["statement"] = "|- ( ch -> ph )"
    rec["proof"]["rpn"] += " t.2"
    assert hypothesis_faults(rec, {"ph", "ps", "ch"}) == ([], [])


# -- the bundled database ------------------------------------------------------
@pytest.fixture(scope="module")
def deep_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("deep") / "run"
    assert main(["generate", "--generator", "deep", "--count", "1200", "--unit-size", "400",
                 "--seed", "5", "--styles", "mm", "--out", str(out)]) == 0
    return out


def test_every_deep_theorem_verified_and_its_hypotheses_all_used_and_connected(deep_run):
    manifest = json.loads((deep_run / "manifest.json").read_text())
    assert manifest["theorems"] == 1200
    assert manifest["rejected_by_kernel"] == 0
    variables = database_variables(bundled_database())
    recs = records(deep_run)
    assert len(recs) >= 1200 and all(r["generator"] == "deep" for r in recs)
    with_hyps = [r for r in recs if r["hypotheses"]]
    assert len(with_hyps) > 0.9 * len(recs)      # premises are what deep derives from
    for r in records(deep_run, role=None):       # lemmas too
        assert hypothesis_faults(r, variables) == ([], []), r["label"]
        assert len(r["hypotheses"]) <= 3        # --max-hypotheses (default)
        assert r["statement_nodes"] <= 48        # --max-symbols (default; tree nodes)


def test_deep_export_verifies_in_both_verifiers(deep_run, tmp_path):
    mm = tmp_path / "deep.mm"
    assert main(["export-mm", str(deep_run), "-o", str(mm)]) == 0
    both_verify(mm)


def test_deep_runs_are_reproducible_across_runs_and_worker_counts(deep_run, tmp_path):
    again = tmp_path / "again"
    assert main(["generate", "--generator", "deep", "--count", "1200", "--unit-size", "400",
                 "--seed", "5", "--styles", "mm", "--workers", "2", "--out", str(again)]) == 0
    assert shards(again) == shards(deep_run) and shards(deep_run)
    other = tmp_path / "other"
    assert main(["generate", "--generator", "deep", "--count", "1200", "--unit-size", "400",
                 "--seed", "6", "--styles", "mm", "--out", str(other)]) == 0
    assert shards(other) != shards(deep_run)


def depths(run_dir):
    return [r["depth"] for r in records(run_dir)]


def test_deep_is_deeper_than_forward_on_the_same_library(deep_run, tmp_path):
    fw = tmp_path / "fw"
    assert main(["generate", "--count", "1200", "--unit-size", "400", "--seed", "5",
                 "--styles", "mm", "--out", str(fw)]) == 0
    d, f = depths(deep_run), depths(fw)
    assert statistics.median(d) >= 6 and statistics.median(d) > statistics.median(f)
    assert sorted(d)[int(0.9 * len(d))] > sorted(f)[int(0.9 * len(f))]


def test_generate_api_deep_theorems_cite_only_what_they_may():
    from proofgen.explore.forward import ForwardConfig
    from proofgen.explore.run import GenerateConfig, generate
    from proofgen.kernel import load
    db = load(bundled_database())
    lib = ["ax-1", "ax-2", "ax-3", "ax-mp"]
    r = generate(db, GenerateConfig(generator="deep", count=50, seed=2, forward=ForwardConfig(
        library="labels:" + ",".join(lib), max_hypotheses=2)))
    assert r.stats["rejected"] == 0 and len(r.theorems) > 0
    for t in r.theorems:
        assert t.generator == "deep" and len(t.hypotheses) <= 2
        assert all(s.label in lib or s.label in r.lemmas for s in t.steps)


# -- set.mm ----------------------------------------------------------------------
@pytest.mark.slow
@needs_set_mm
def test_set_mm_deep_over_the_whole_library(tmp_path):
    """10,000 deep theorems over the whole library, every one verified by
    the kernel as it is made and again, exported, by both verifiers."""
    out = tmp_path / "deep"
    assert main(["generate", "--db", SET_MM, "--generator", "deep", "--library", "all",
                 "--count", "10000", "--unit-size", "2500", "--styles", "mm",
                 "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["theorems"] == 10000 and manifest["rejected_by_kernel"] == 0
    variables = database_variables(SET_MM)
    for r in records(out, role=None):
        assert hypothesis_faults(r, variables) == ([], []), r["label"]
    fw = tmp_path / "fw"
    assert main(["generate", "--db", SET_MM, "--library", "all", "--count", "600",
                 "--unit-size", "300", "--styles", "mm", "--out", str(fw)]) == 0
    assert statistics.median(depths(out)) > statistics.median(depths(fw))
    mm = tmp_path / "deep.mm"
    assert main(["export-mm", str(out), "--db", SET_MM, "-o", str(mm)]) == 0
    both_verify(mm)


def test_tautologies_are_recognised_and_not_emitted():
    from proofgen.explore.context import Context
    from proofgen.explore.deep import Deep, DeepConfig
    from proofgen.explore.forward import ForwardConfig
    from proofgen.explore.run import GenerateConfig, forward_library, generate
    from proofgen.kernel import load
    db = load(bundled_database())
    ctx = Context.of(db)
    lib = forward_library(ctx, GenerateConfig(forward=ForwardConfig(library="all")))
    dp = Deep.start(ctx, DeepConfig(), lib, 1)
    for label, taut in [("ax-1", True), ("ax-3", True), ("ax-mp", False), ("syl", False),
                        ("id", True), ("pm2.21", True)]:
        if label in ctx.assertions:
            assert dp._tautology(ctx.assertions[label].conclusion) is taut, label
    r = generate(db, GenerateConfig(generator="deep", count=300, seed=3), ctx=ctx)
    assert r.theorems and not any(dp._tautology(t.conclusion) for t in r.theorems)


# -- the C saturation loop against the Python reference --------------------------
def _rounds(ctx, lib, engine, rounds, **kw):
    from proofgen.explore.deep import Deep, DeepConfig
    dp = Deep.start(ctx, DeepConfig(engine=engine, **kw), lib, 7)
    out = []
    for _ in range(rounds):
        out += dp.round()
    return dp, [(t.hypotheses, t.conclusion, t.steps, t.disjoint, t.depth) for t in out]


def _library(db_path, library="all"):
    from proofgen.explore.context import Context
    from proofgen.explore.forward import ForwardConfig
    from proofgen.explore.run import GenerateConfig, forward_library
    from proofgen.kernel import load
    db = load(db_path)
    ctx = Context.of(db)
    return ctx, forward_library(ctx, GenerateConfig(forward=ForwardConfig(library=library)))


def test_cython_saturation_derives_what_the_python_reference_derives():
    ctx, lib = _library(bundled_database())
    py, a = _rounds(ctx, lib, "python", 12)
    cy, b = _rounds(ctx, lib, "cython", 12)
    assert a and a == b
    assert (py.attempts, py.used, py.tautologies) == (cy.attempts, cy.used, cy.tautologies)


@needs_set_mm
def test_cython_saturation_agrees_on_set_mm():
    ctx, lib = _library(SET_MM)
    _, a = _rounds(ctx, lib, "python", 10)
    _, b = _rounds(ctx, lib, "cython", 10)
    assert len(a) > 20 and a == b


def _unify_calls(db_path, rounds):
    """The (goal, library conclusion, substitution, rigid variables) of the
    first 3,000 `_unify_rigid` calls of some Python-engine rounds."""
    from proofgen.explore.deep import Deep, DeepConfig
    ctx, lib = _library(db_path)
    dp = Deep.start(ctx, DeepConfig(engine="python"), lib, 5)
    calls, real = [], dp._unify_rigid

    def spy(a, b, s, rigid):
        if len(calls) < 3000:
            calls.append((a, b, dict(s), set(rigid)))
        return real(a, b, s, rigid)

    dp._unify_rigid = spy
    for _ in range(rounds):
        dp.round()
    return ctx, dp, calls


@pytest.mark.parametrize("db_path", [bundled_database(),
                                     pytest.param(SET_MM, marks=needs_set_mm)])
def test_rigid_unifiers_are_unifiers_and_a_clash_rules_them_out(db_path):
    """What `_unify_rigid` returns unifies the two terms and keeps every
    rigid variable; the C twin returns the same; and where the C loop's
    pre-test (`_deep.clash`: a constant against a constant or a rigid
    variable) says no unifier exists, there is none."""
    from proofgen.explore import _deep
    ctx, dp, calls = _unify_calls(db_path, 6)
    g, sub = ctx.syn.grammar, ctx.kit.substitute
    found = clashed = 0
    for a, b, s, rigid in calls:
        u = dp._unify_rigid(a, b, s, rigid)
        assert u == _deep.unify_rigid(ctx.kit, a, b, s, rigid)
        clash = _deep.clash(g, a, b, rigid)
        clashed += clash
        if u is None:
            continue
        assert not clash
        found += 1
        full = dp._resolve(u)
        assert sub(a, full) == sub(b, full)
        assert all(full[v] == (v,) for v in rigid)
    assert found > 20 and clashed > 20, (found, clashed)


def test_tautology_engines_agree():
    from proofgen.explore.deep import Deep, DeepConfig
    ctx, lib = _library(bundled_database())
    py = Deep.start(ctx, DeepConfig(engine="python"), lib, 1)
    cy = Deep.start(ctx, DeepConfig(engine="cython"), lib, 1)
    terms = [a.conclusion for a in ctx.assertions.values()]
    terms += [h for a in ctx.assertions.values() for h in a.essentials]
    got = [(py._tautology(t), cy._tautology(t)) for t in terms]
    assert all(x == y for x, y in got)
    assert any(x for x, _ in got) and not all(x for x, _ in got)


_HILBERT = {}


def _hilbert_formulas():
    """(context, connectives rule ids, wff variables) of the bundled calculus."""
    if not _HILBERT:
        ctx, _ = _library(bundled_database())
        g = ctx.syn.grammar
        wff = g.rules[ctx.syntax_rules["wn"]].type
        _HILBERT["v"] = (ctx, ctx.syntax_rules["wn"], ctx.syntax_rules["wi"],
                         sorted(v for v in ctx.float_label if g.variables[-1 - v].type == wff))
    return _HILBERT["v"]


@st.composite
def _formula(draw, atoms):
    """A formula over `-.`, `->` and up to `atoms` wff variables, in prefix form."""
    ctx, wn, wi, wffs = _hilbert_formulas()
    use = wffs[:atoms]

    def grow(depth):
        k = draw(st.integers(0, 2 if depth < 6 else 0))
        if k == 0:
            return (draw(st.sampled_from(use)),)
        if k == 1:
            return (wn,) + grow(depth + 1)
        return (wi,) + grow(depth + 1) + grow(depth + 1)

    return grow(0)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 12).flatmap(_formula))
def test_tautology_engines_agree_on_random_formulas(term):
    # up to 6 atoms the C test works in one machine word, past that on big masks
    from proofgen.explore import _deep
    from proofgen.explore.deep import _tautology_reference
    ctx, wn, wi, _ = _hilbert_formulas()
    ops = {wn: "wn", wi: "wi"}
    assert _deep.tautology(ctx, ops, term) == _tautology_reference(ctx, ops, term)


def test_tautology_engines_agree_on_pinned_formulas():
    from proofgen.explore import _deep
    from proofgen.explore.deep import _tautology_reference
    ctx, wn, wi, v = _hilbert_formulas()
    ops = {wn: "wn", wi: "wi"}
    imp = lambda a, b: (wi,) + a + b      # noqa: E731
    # ph -> ph, over 1 and over 7 atoms (the big-mask path), and a non-tautology
    cases = [(imp((v[0],), (v[0],)), True),
             (imp((v[6],), imp((v[5],), imp((v[4],), imp((v[3],), imp((v[2],), imp((v[1],),
              imp((v[0],), (v[6],)))))))), True),
             (imp((v[0],), (v[1],)), False),
             ((wn,) + imp((v[0],), (v[0],)), False)]
    for term, taut in cases:
        assert _deep.tautology(ctx, ops, term) is taut
        assert _tautology_reference(ctx, ops, term) is taut


# -- novelty: instances of database assertions -------------------------------------
def test_instances_are_found_by_the_index_as_by_a_scan_and_dropped_by_default():
    from proofgen.explore.novelty import InstanceIndex, instance_of_by_scan
    ctx, lib = _library(bundled_database())
    kept, a = _rounds(ctx, lib, "cython", 30, keep_instances=True)
    index = InstanceIndex.of(ctx)
    found = [index.instance_of(h, c, d) for h, c, _, d, _ in a]
    assert found == [instance_of_by_scan(ctx, h, c, d) for h, c, _, d, _ in a]
    assert kept.instances == sum(1 for x in found if x) > 0     # the bundled calculus has many
    dropped, b = _rounds(ctx, lib, "cython", 30)
    assert dropped.instances > 0
    assert not any(index.instance_of(h, c, d) for h, c, _, d, _ in b)


@needs_set_mm
def test_instance_engines_agree_on_set_mm():
    """The C walk of the instance index (`_deep.instance_best`) finds what
    the reference finds (and, on a few, what a scan of every assertion
    finds), on set.mm's own statements, with a hypothesis or the `$d` pairs taken
    away, and with a neighbour's hypotheses added."""
    from proofgen.explore import _deep
    from proofgen.explore.novelty import (InstanceIndex, best_instance, instance_of_by_scan,
                                          unfold)
    ctx, _ = _library(SET_MM)
    index = InstanceIndex(ctx)
    rw = index.rewrite
    own = [a for a in ctx.assertions.values() if a.typecode == "|-" and a.conclusion][::40]
    cases = []
    for a, b in zip(own, own[1:] + own[:1]):
        cases += [(a.essentials, a.conclusion, a.disjoint),
                  (a.essentials[:-1], a.conclusion, a.disjoint),
                  (a.essentials, a.conclusion, frozenset()),
                  (b.essentials + a.essentials, a.conclusion, b.disjoint)]
    # (matching hypotheses backtracks: a generated theorem has a few, as here)
    cases = [c for c in cases if len(c[0]) <= 4]
    label = lambda x: x.label if x is not None else None      # noqa: E731
    got = []
    for h, c, d in cases:
        hu, cu = [unfold(rw, x) for x in h], unfold(rw, c)
        want = label(best_instance(index, hu, cu, d))
        assert label(_deep.instance_best(index, hu, cu, d)) == want
        got.append(want)
    # (a scan of set.mm takes a second or more per case: a few short ones)
    few = [k for k in range(0, len(cases), 97) if len(cases[k][0]) <= 2]
    assert len(few) > 5
    assert [got[k] for k in few] == [instance_of_by_scan(ctx, *cases[k]) for k in few]
    assert sum(1 for x in got if x) > 100 and sum(1 for x in got if not x) > 100


def test_an_instance_needs_the_hypotheses_and_the_disjoint_variables():
    from proofgen.explore.novelty import instance_of
    ctx, _ = _library(bundled_database())
    kit = ctx.kit
    mp = ctx.assertions["ax-mp"]
    ph, ps = mp.floats[0], mp.floats[1]
    # |- ( ph -> ps ) from ( ph -> ps )'s pieces: ax-mp with ph := ( ps -> ph )
    imp = mp.essentials[1]                       # ( ph -> ps )
    swap = kit.substitute(imp, {ph: (ps,), ps: (ph,)})   # ( ps -> ph )
    big = kit.substitute(imp, {ph: swap})        # ( ( ps -> ph ) -> ps )
    assert instance_of(ctx, [swap, big], (ps,)) == "ax-mp"
    assert instance_of(ctx, [big], (ps,)) is None          # a hypothesis missing
    # a1i: |- ph => |- ( ps -> ph ): its conclusion alone is not enough
    a1i = ctx.assertions["a1i"]
    assert instance_of(ctx, [], a1i.conclusion) is None
    assert instance_of(ctx, list(a1i.essentials), a1i.conclusion) in ("a1i", "ax-mp")
    # a $d the assertion needs and the theorem lacks: not an instance of it
    from proofgen.explore.novelty import _disjoint_kept
    a = next(a for a in ctx.assertions.values() if a.disjoint and a.kind != "g")
    same = {v: (v,) for v in a.floats}
    assert _disjoint_kept(a, same, a.disjoint) and not _disjoint_kept(a, same, frozenset())
    assert instance_of(ctx, list(a.essentials), a.conclusion, a.disjoint) is not None
    assert instance_of(ctx, list(a.essentials), a.conclusion, frozenset()) != a.label


# -- hypotheses a statement needs, propositionally ------------------------------------
def _formulas(ctx):
    """A hypothesis strategy of propositional terms over ph, ps, ch (bundled
    database: wn, wi), as prefix tuples, with an independent evaluator."""
    from hypothesis import strategies as st
    wn, wi = ctx.syntax_rules["wn"], ctx.syntax_rules["wi"]
    mp = ctx.assertions["ax-mp"]
    atoms = list(mp.floats[:2]) + [v for v in ctx.assertions["ax-2"].floats
                                   if v not in mp.floats[:2]][:1]
    leaf = st.sampled_from([(v,) for v in atoms])
    term = st.recursive(leaf, lambda sub: st.one_of(
        sub.map(lambda a: (wn,) + a),
        st.tuples(sub, sub).map(lambda ab: (wi,) + ab[0] + ab[1])), max_leaves=6)

    def value(t, env, pos=0):
        n = t[pos]
        if n < 0:
            return env[n], pos + 1
        if n == wn:
            v, pos = value(t, env, pos + 1)
            return not v, pos
        a, pos = value(t, env, pos + 1)
        b, pos = value(t, env, pos)
        return (not a) or b, pos

    return atoms, term, lambda t, env: value(t, env)[0]


def test_unneeded_hypotheses_agree_with_a_truth_table():
    import itertools
    from hypothesis import given, settings, strategies as st
    from proofgen.explore.deep import Deep, DeepConfig, _unneeded_reference
    ctx, lib = _library(bundled_database())
    dp = Deep.start(ctx, DeepConfig(), lib, 1)
    dp._tautology(ctx.assertions["ax-mp"].conclusion)      # the connectives, made once
    ops = ctx.deep_connectives
    atoms, term, value = _formulas(ctx)

    def entails(hyps, goal):
        for bits in itertools.product([False, True], repeat=len(atoms)):
            env = dict(zip(atoms, bits))
            if all(value(h, env) for h in hyps) and not value(goal, env):
                return False
        return True

    @settings(max_examples=300, deadline=None)
    @given(st.lists(term, max_size=3), term)
    def check(hyps, goal):
        expect = any(entails(hyps[:k] + hyps[k + 1:], goal) for k in range(len(hyps))) \
            if hyps else entails([], goal)
        assert _unneeded_reference(ctx, ops, hyps, goal) == expect
        # only wff variables as atoms: nothing is "dressed"
        assert _unneeded_reference(ctx, ops, hyps, goal, dressed=True) == expect

    check()


@needs_set_mm
def test_defined_negations_are_unfolded_for_needs_and_instances():
    from proofgen.explore.deep import Deep, DeepConfig, _unneeded_reference
    from proofgen.explore.novelty import InstanceIndex, instance_of_by_scan
    ctx, lib = _library(SET_MM)
    ids = ctx.syntax_rules
    dp = Deep.start(ctx, DeepConfig(), lib, 1)
    dp._tautology(ctx.assertions["df-ne"].conclusion)
    ops = ctx.deep_connectives
    dfne = ctx.assertions["df-ne"].conclusion             # ( A =/= B <-> -. A = B )
    assert _unneeded_reference(ctx, ops, [], dfne)        # needs nothing, read unfolded
    assert not dp._tautology(dfne)                         # the atoms alone do not see it
    ne = dfne[1:next(k for k in range(2, len(dfne)) if dfne[k] == ids["wn"])]  # A =/= B
    eq = (ids["wceq"],) + ne[1:]                           # A = B
    not_ne = (ids["wn"],) + ne                             # -. A =/= B
    # from A = B, -. A =/= B: needed, but a propositional consequence
    assert not _unneeded_reference(ctx, ops, [eq], not_ne)
    assert _unneeded_reference(ctx, ops, [eq], not_ne, dressed=True)
    # C e/ ( B \ { C } ) is neldifsn's -. A e. ( B \ { A } ), read unfolded
    neldif = ctx.assertions["neldifsn"].conclusion
    assert neldif[:2] == (ids["wn"], ids["wcel"])
    folded = (ids["wnel"],) + neldif[2:]
    index = InstanceIndex.of(ctx)
    found = index.instance_of([], folded)
    assert found is not None and found == instance_of_by_scan(ctx, [], folded)
    assert ctx.assertions[found].position <= ctx.assertions["neldifsn"].position


# -- 10,000 deep theorems through metamath.exe ------------------------------------------
@pytest.mark.slow
@needs_set_mm
def test_ten_thousand_deep_theorems_export_and_verify_in_metamath(tmp_path):
    out = tmp_path / "deep"
    assert main(["generate", "--db", SET_MM, "--generator", "deep", "--library", "all",
                 "--count", "10000", "--unit-size", "5000", "--styles", "mm",
                 "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["theorems"] == 10000 and manifest["rejected_by_kernel"] == 0
    recs = records(out)
    assert len(recs) == 10000
    mm = tmp_path / "deep.mm"
    assert main(["export-mm", str(out), "--db", SET_MM, "-o", str(mm)]) == 0
    text = mm.read_text()
    assert all(f"{r['label']} $p" in text for r in recs)
    both_verify(mm)


# -- the collector: generators that freeze make no cyclic garbage ----------------
@pytest.mark.parametrize("generator", ["deep", "extract"])
def test_generators_that_freeze_leave_no_cyclic_garbage(generator):
    """`may_freeze` generators hide what they make from the collector
    instead of scanning it (explore/collector.py): that is only sound if
    what they drop is freed by reference counting alone."""
    import gc
    from proofgen.explore import generators
    from proofgen.explore.context import Context
    from proofgen.explore.run import GenerateConfig, generate
    from proofgen.kernel import load
    assert generators.get(generator).may_freeze
    db = load(bundled_database())
    ctx = Context.of(db)
    mark = db.mark()
    generate(db, GenerateConfig(generator=generator, count=20, seed=5), ctx=ctx)  # warm caches
    db.rollback(mark)
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        gc.set_debug(gc.DEBUG_SAVEALL)      # keep what a collection finds, to count it
        r = generate(db, GenerateConfig(generator=generator, count=200, seed=6), ctx=ctx)
        assert r.theorems
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
    assert found == 0, kinds


def _shape_case(db_path):
    from proofgen.explore.deep import Deep, DeepConfig
    ctx, lib = _library(db_path)
    dp = Deep.start(ctx, DeepConfig(), lib, 1)
    terms = [a.conclusion for a in ctx.assertions.values() if a.typecode == dp.typecode]
    terms += [h for a in ctx.assertions.values() for h in a.essentials]
    return ctx, dp, terms


@pytest.mark.parametrize("db_path", [bundled_database(),
                                     pytest.param(SET_MM, marks=needs_set_mm)])
def test_shape_index_finds_every_rule_whose_hypothesis_matches(db_path):
    """Retrieval is complete (every rule hypothesis that matches a term is
    in one of its lists, once), nearly exact, and the same in both engines."""
    from proofgen.explore import _deep
    from proofgen.explore.deep import _shapes
    ctx, dp, terms = _shape_case(db_path)
    g, kit = ctx.syn.grammar, ctx.kit
    terms = terms[::max(1, len(terms) // 400)]
    rules = [(a, k) for a in dp.rules for k, h in enumerate(a.essentials) if h[0] >= 0]
    found = 0
    for t in terms:
        lists = _shapes(g, dp.by_shape, t)
        assert [list(map(id, x)) for x in lists] == \
            [list(map(id, x)) for x in _deep.shapes(g, dp.by_shape, t)]
        got = [(a.label, k) for x in lists for a, k, _ in x]
        assert len(got) == len(set(got))
        want = {(a.label, k) for a, k in rules if kit.match(a.essentials[k], t) is not None}
        assert want <= set(got)
        for lab, k in set(got) - want:      # only a variable used twice can fail
            h = [v for v in ctx.assertions[lab].essentials[k] if v < 0]
            assert len(h) > len(set(h)), (lab, k)
        found += len(want)
    assert found > len(terms)
