"""The theorem factory: generators, dedup, distribution, verified output, export."""
from __future__ import annotations

import functools
import json
import os
import subprocess

import pytest
from hypothesis import given, settings, strategies as st

from proofgen.cli import main
from proofgen.explore.context import Context, statement_hash
from proofgen.explore.forward import ForwardConfig
from proofgen.emit.shards import read_shard
from proofgen.explore.run import GenerateConfig, bucket, generate, metric
from proofgen.explore.theorem import as_assertion, new_theorem
from proofgen.kernel import DEFAULT_LIMITS, load

from conftest import DATABASES, metamath_available

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HILBERT = os.path.join(ROOT, "mm_databases", "hilbert.mm")
SET_MM = os.path.join(DATABASES, "set.mm")
needs_set_mm = pytest.mark.skipif(not os.path.exists(SET_MM), reason="Debian metamath-databases")


def run(config: GenerateConfig, path: str = HILBERT):
    db = load(path)
    ctx = Context.of(db)
    return db, ctx, generate(db, config, ctx)


def texts(ctx, result):
    """The theorems as new statements, after the generated lemmas they stand
    on that are not themselves emitted (an instance of a database assertion
    is dropped as a theorem but may be a lemma), as a run writes them."""
    from proofgen.run.documents import needed_lemmas
    extra = {t.label: as_assertion(ctx, t, i) for i, t in enumerate(result.lemmas.values())}
    return [new_theorem(ctx, t, extra) for t in needed_lemmas(result) + result.theorems]


@pytest.mark.parametrize("seed", [2, 3])
def test_forward_proofs_take_no_detour(seed):
    # a step that already proves the conclusion makes the last step a detour
    # whose only effect is to add the other premises' hypotheses
    from proofgen.run.documents import doc_of, generated_assertions
    db, ctx, result = run(GenerateConfig(count=400, seed=seed))
    extra = generated_assertions(ctx, result.lemmas)
    for t in result.theorems:
        terms = [s.term for s in doc_of(ctx, t, extra, result.lemmas).steps]
        assert terms[-1] == t.conclusion
        assert t.conclusion not in terms[:-1], t


def test_forward_theorems_are_new_distinct_and_verified():
    db, ctx, result = run(GenerateConfig(count=400, seed=1))
    assert len(result.theorems) == 400
    hashes = [statement_hash(ctx, t.hypotheses, t.conclusion) for t in result.theorems]
    assert len(set(hashes)) == 400                      # no duplicates up to renaming
    library = {statement_hash(ctx, a.essentials, a.conclusion) for a in ctx.assertions.values()
               if a.position < ctx.assertions["ax-gen"].position}
    assert not library & set(hashes)                    # nothing restates the library
    for t in result.theorems:
        assert t.conclusion not in t.hypotheses         # no trivial results
    # an independent check: a fresh kernel reads every verified fact (the
    # emitted theorems and the lemmas they stand on) in generation order
    fresh = load(HILBERT)
    extra = _extra(ctx, result)
    facts = [new_theorem(ctx, t, extra) for t in result.lemmas.values()]
    assert all(not r for r in fresh.check_theorems(facts, keep=True))
    assert {t.label for t in result.theorems} <= set(result.lemmas)
    assert fresh.verify().ok
    assert result.stats["rejected"] == 0


def _extra(ctx, result):
    from proofgen.explore.theorem import as_assertion
    return {t.label: as_assertion(ctx, t, i) for i, t in enumerate(result.lemmas.values())}


def test_forward_builds_on_its_own_results_and_makes_inference_forms():
    _, _, result = run(GenerateConfig(count=400, seed=2))
    generated = set(result.lemmas)
    assert any(set(t.uses()) & generated for t in result.theorems)  # lemmas cited
    assert max(t.depth for t in result.theorems) >= 3
    assert any(t.hypotheses for t in result.theorems)                 # inference forms
    assert any(not t.hypotheses for t in result.theorems)             # closed theorems


def test_runs_reproduce_exactly_and_seeds_differ():
    _, ctx, a = run(GenerateConfig(count=150, seed=5))
    _, ctx2, b = run(GenerateConfig(count=150, seed=5))
    _, _, c = run(GenerateConfig(count=150, seed=6))
    assert [x.proof for x in texts(ctx, a)] == [x.proof for x in texts(ctx2, b)]
    assert [t.label for t in a.theorems] == [t.label for t in b.theorems]
    assert [t.label for t in a.theorems] != [t.label for t in c.theorems]


def test_log_uniform_depth_fills_the_deepest_bucket():
    _, _, result = run(GenerateConfig(count=400, seed=3, target="log-uniform"))
    hist = result.histograms["depth"]
    assert len(hist) >= 3
    deepest = max(hist)
    assert hist[deepest] >= 0.05 * len(result.theorems)
    # and roughly equal shares: no bucket above twice the mean
    assert max(hist.values()) <= 2 * len(result.theorems) / len(hist)


def test_histograms_count_each_theorem_in_the_bucket_of_its_metric():
    from proofgen.explore.run import METRICS, bucket, histograms, metric
    _, _, result = run(GenerateConfig(count=300, seed=4))
    want = {m: {} for m in METRICS}
    for t in result.theorems:
        for m in METRICS:
            b = bucket(metric(t, m))
            want[m][b] = want[m].get(b, 0) + 1
    got = histograms(result.theorems)
    assert got == want == result.histograms
    assert [list(got[m]) for m in METRICS] == [list(want[m]) for m in METRICS]


def test_targets_share_buckets_by_weight():
    for target, ratio in (("uniform", 2.0), ("log-uniform", 1.0)):
        _, _, result = run(GenerateConfig(count=300, seed=3, target=target, metric="length"))
        sel = result.stats["selection"]       # bucket -> [available, taken]
        assert sum(taken for _, taken in sel.values()) == 300
        # buckets that had candidates to spare got shares in the target's ratio
        spare = sorted(int(k) for k, (avail, taken) in sel.items() if taken < avail)
        assert spare
        for a, b in zip(spare, spare[1:]):
            want = ratio ** (b - a)
            got = sel[str(b)][1] / sel[str(a)][1]
            assert abs(got - want) <= 0.05 * want + 2 / sel[str(a)][1]


def test_water_filling_quotas():
    from proofgen.explore.run import _water_fill
    assert _water_fill([100, 100, 100], [1, 1, 1], 90) == [30, 30, 30]
    assert _water_fill([10, 100, 100], [1, 1, 1], 90) == [10, 40, 40]
    assert _water_fill([10, 100, 100], [1, 2, 4], 91) == [10, 27, 54]
    assert _water_fill([5, 5], [1, 1], 100) == [5, 5]


def test_exclusion_list_is_never_emitted_nor_used():
    _, ctx, first = run(GenerateConfig(count=100, seed=4))
    banned = [ctx.text(t.typecode, t.conclusion) for t in first.theorems[:20]
              if not t.hypotheses][:5]
    assert banned
    _, ctx2, second = run(GenerateConfig(count=100, seed=4, exclude=tuple(banned) + ("syl",)))
    out = {statement_hash(ctx2, t.hypotheses, t.conclusion) for t in second.theorems}
    for text in banned:
        from proofgen.explore.run import _exclusions
        _, hashes = _exclusions(ctx2, [text])
        assert not hashes & out
    for t in list(second.theorems) + list(second.lemmas.values()):
        assert "syl" not in t.uses()
    with pytest.raises(ValueError):
        run(GenerateConfig(count=10, exclude=("|- ( ph ->",)))


def test_extract_every_step_of_every_proof():
    db, ctx, result = run(GenerateConfig(generator="extract", count=10 ** 6))
    assert result.stats["rejected"] == 0
    # every theorem of the database reappears (its last step), flagged
    restated = {t.restates for t in result.theorems if t.restates}
    proved = [ctx.assertions[s.label] for s in ctx.syn.statements if s.kind == "p"]
    assert {ctx.known[statement_hash(ctx, a.essentials, a.conclusion)] for a in proved} <= restated
    # and steps inside proofs give new, smaller theorems with only the hypotheses they need
    inner = [t for t in result.theorems if not t.restates]
    assert inner
    fresh = load(HILBERT)
    assert all(not r for r in fresh.check_theorems(texts(ctx, result)))
    for t in result.theorems:
        assert metric(t, "steps") >= 1 and bucket(t.depth) >= 0



def _one_citation(ctx, t) -> bool:
    """Whether `t`'s proof is one citation of a database assertion on its
    hypotheses (then it is an instance of that assertion)."""
    return len(t.steps) == 1 and t.steps[0].label in ctx.assertions and \
        all(p < 0 for p in t.steps[0].premises)


@pytest.mark.parametrize("path", [HILBERT, pytest.param(SET_MM, marks=needs_set_mm)])
def test_extract_cites_a_one_citation_step_instead_of_shipping_it(path):
    """A step proved by one citation of a database assertion on its
    hypotheses is neither a theorem nor a lemma of the run: the steps using
    it cite the assertion themselves, and still verify."""
    from proofgen.explore.extract import Extractor
    db = load(path)
    ctx = Context.of(db)
    proved = [s for s in ctx.syn.statements if s.kind == "p"][:400]
    ex = Extractor(ctx)
    made = [t for s in proved for t in ex.theorems(s)]
    assert made and ex.stats["one_step"] > 0
    assert not any(_one_citation(ctx, t) for t in made)
    # the proofs citing the assertion in their place are whole
    inline = [t for t in made if any(s.label in ctx.assertions and
                                     all(p < 0 for p in s.premises) for s in t.steps[:-1])]
    assert inline
    if path == HILBERT:
        result = generate(db, GenerateConfig(generator="extract", count=10 ** 6), ctx)
        assert result.stats["rejected"] == 0 and result.stats["one_step"] > 0
        assert not any(_one_citation(ctx, t)
                       for t in list(result.theorems) + list(result.lemmas.values()))


@settings(max_examples=int(15 * float(os.environ.get("PROOFGEN_TEST_SCALE", "1"))), deadline=None)
@given(seed=st.integers(0, 10 ** 6), fill=st.sampled_from([0.0, 0.3, 1.0]),
       assume=st.sampled_from([0.0, 0.05, 0.3]))
def test_every_forward_result_verifies(seed, fill, assume):
    cfg = GenerateConfig(count=60, seed=seed,
                         forward=ForwardConfig(fill_rate=fill, assumption_rate=assume))
    _, ctx, result = run(cfg)
    assert result.stats["rejected"] == 0, result.stats.get("rejections")
    assert len({t.hash for t in result.theorems}) == len(result.theorems)


# -- command line and export ---------------------------------------------

def test_cli_generate_and_export(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["generate", "--out", str(out), "--count", "120", "--seed", "9",
                 "--target", "log-uniform"]) == 0
    recs = list(read_shard(str(out / "theorems" / "unit-000000.jsonl.zst")))
    theorems = [r for r in recs if r["role"] == "theorem"]
    assert len(theorems) == 120
    assert {"label", "statement", "hypotheses", "disjoint", "proof", "depth", "steps",
            "uses", "restates", "generator", "seed"} <= set(recs[0])
    # every lemma a theorem cites is in the file too
    labels = {r["label"] for r in recs}
    assert all(u in labels for r in recs for u in r["uses"] if u.startswith("pg."))
    manifest = json.loads((out / "manifest.json").read_text())
    marker = json.loads((out / "units" / "unit-000000.json").read_text())
    assert manifest["theorems"] == 120 and marker["stats"]["rejected"] == 0
    assert "theorems/s" in capsys.readouterr().err
    # another job into the same folder is refused, not mixed in
    assert main(["generate", "--out", str(out), "--count", "5"]) == 1
    assert "holds a run of another job" in capsys.readouterr().err
    mm = tmp_path / "out.mm"
    assert main(["export-mm", str(out), "-o", str(mm)]) == 0
    assert main(["verify", str(mm)]) == 0
    if metamath_available():
        done = subprocess.run(["metamath", 'read "out.mm"', "verify proof *", "exit"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert "All proofs in the database were verified" in done.stdout
        assert "?Error" not in done.stdout


def test_cli_generate_refuses_bad_input(tmp_path, capsys):
    assert main(["generate", "--out", str(tmp_path / "a"), "--library", "upto:nope"]) == 1
    assert "no assertion labelled nope" in capsys.readouterr().err
    assert main(["generate", "--db", os.path.join(DATABASES, "miu.mm"),
                 "--out", str(tmp_path / "b")]) == 1
    assert "not an unambiguous tree grammar" in capsys.readouterr().err
    bad = tmp_path / "bad.mm"
    bad.write_text("$c |- wff $. $v p $. wp $f wff p $. ax $p |- p $= wp $.")
    assert main(["generate", "--db", str(bad), "--out", str(tmp_path / "c")]) == 1
    assert "does not verify" in capsys.readouterr().err
    assert main(["generate", "--db", str(tmp_path / "missing.mm"),
                 "--out", str(tmp_path / "d")]) == 1
    assert "cannot be read" in capsys.readouterr().err
    afile = tmp_path / "afile"
    afile.write_text("")
    assert main(["generate", "--out", str(afile)]) == 1
    assert "not a folder" in capsys.readouterr().err
    assert main(["export-mm", str(tmp_path), "-o", str(tmp_path / "x.mm")]) == 1
    assert "not a run folder" in capsys.readouterr().err


@pytest.mark.slow
def test_export_of_10000_theorems_on_set_mm_verifies_with_both_verifiers(tmp_path):
    out = tmp_path / "run"
    assert main(["generate", "--db", SET_MM, "--out", str(out), "--count", "10000",
                 "--seed", "11", "--target", "log-uniform"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["theorems"] == 10000
    mm = tmp_path / "set-generated.mm"
    assert main(["export-mm", str(out), "--db", SET_MM, "-o", str(mm)]) == 0
    assert main(["verify", str(mm)]) == 0
    assert metamath_available()
    done = subprocess.run(["metamath", 'read "set-generated.mm"', "verify proof *", "exit"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert "All proofs in the database were verified" in done.stdout
    assert "?Error" not in done.stdout


# -- the C proof writer against its Python reference ------------------------------------

@functools.lru_cache(maxsize=None)
def set_mm_context():
    db = load(SET_MM)
    return db, Context.of(db)


def assert_writers_agree(ctx, theorems, extra):
    from proofgen.explore.theorem import (ProofWriter, reference_metamath_proof,
                                          reference_variables_of, variables_of)
    writer = ProofWriter(ctx.syn.grammar, ctx.rule_labels, ctx.float_label,
                         ctx.float_position, ctx.assertions)
    assert theorems
    for t in theorems:
        terms = list(t.hypotheses) + [t.conclusion] + [f for s in t.steps for f in s.floats]
        assert variables_of(terms) == reference_variables_of(terms)
        hyp_labels = [f"{t.label}.{i + 1}" for i in range(len(t.hypotheses))]
        assert writer.metamath_proof(t, hyp_labels, extra) == \
            reference_metamath_proof(ctx, t, hyp_labels, extra)


@settings(max_examples=int(6 * float(os.environ.get("PROOFGEN_TEST_SCALE", "1"))), deadline=None)
@given(first=st.integers(0, 40_000))
def test_c_proof_writer_agrees_with_the_reference_on_set_mm(first):
    from proofgen.explore.extract import Extractor, extract
    from proofgen.explore.theorem import as_assertion
    db, ctx = set_mm_context()
    proved = [s for s in ctx.syn.statements if s.kind == "p"]
    first %= len(proved) - 15                     # set.mm has fewer than 40,000 proofs
    sources = proved[first:first + 15]
    # lemmas citing lemmas (the extract generator's output) ...
    ex = Extractor(ctx)
    made = [t for s in sources for t in ex.theorems(s)]
    assert_writers_agree(ctx, made, ex.generated)
    # ... and whole subproofs: many steps and syntax terms saved and reused
    flat = list(extract(ctx, sources))
    for k, t in enumerate(flat):
        t.label = f"flat.{k}"
    assert_writers_agree(ctx, flat, None)
    assert db.check_theorems([new_theorem(ctx, t, ex.generated) for t in made[:50]]) == \
        [[]] * min(50, len(made))


def test_c_proof_writer_agrees_with_the_reference_on_forward_theorems():
    db, ctx, result = run(GenerateConfig(count=200, seed=5))
    extra = {t.label: as_assertion(ctx, t, i) for i, t in enumerate(result.lemmas.values())}
    assert_writers_agree(ctx, list(result.lemmas.values()), extra)


@settings(max_examples=int(6 * float(os.environ.get("PROOFGEN_TEST_SCALE", "1"))), deadline=None)
@given(first=st.integers(0, 40_000))
def test_c_disjoint_finder_agrees_with_the_reference_on_set_mm(first):
    from proofgen.explore.extract import Extractor, extract
    from proofgen.explore.theorem import (DisjointFinder, Step, disjoint_needed,
                                          reference_disjoint_needed)
    _, ctx = set_mm_context()
    proved = [s for s in ctx.syn.statements if s.kind == "p"]
    first %= len(proved) - 15
    sources = proved[first:first + 15]
    finder = DisjointFinder(ctx.assertions)
    ex = Extractor(ctx)
    made = [t for s in sources for t in ex.theorems(s)]
    flat = list(extract(ctx, sources))
    assert made and flat
    for steps, extra in [(t.steps, ex.generated) for t in made] + [(t.steps, None) for t in flat]:
        want = reference_disjoint_needed(ctx, steps, extra)
        assert finder.needed(steps, extra) == want
        assert disjoint_needed(ctx, steps, extra) == want
    # a substitution that puts one variable on both sides of a $d: None
    a = next(ctx.assertions[lab] for lab in ctx.order if ctx.assertions[lab].disjoint)
    x, y = sorted(a.disjoint)[0]
    floats = tuple((v,) for v in a.floats)
    slot = {v: k for k, v in enumerate(a.floats)}
    clash = floats[:slot[y]] + (floats[slot[x]],) + floats[slot[y] + 1:]
    premises = tuple(-1 for _ in a.essentials)
    for fl in (floats, clash):
        steps = [Step(a.label, fl, premises)]
        assert finder.needed(steps) == reference_disjoint_needed(ctx, steps)
    assert finder.needed([Step(a.label, clash, premises)]) is None
    assert finder.needed([Step(a.label, floats, premises)])


@settings(max_examples=int(10 * float(os.environ.get("PROOFGEN_TEST_SCALE", "1"))), deadline=None)
@given(first=st.integers(0, 40_000))
def test_c_replay_agrees_with_the_reference_on_set_mm(first):
    from proofgen.explore.extract import logical_steps, reference_logical_steps
    _, ctx = set_mm_context()
    proved = [s for s in ctx.syn.statements if s.kind == "p"]
    first %= len(proved) - 40
    for s in proved[first:first + 40]:
        fast, ref = logical_steps(ctx, s), reference_logical_steps(ctx, s)
        assert (fast is None) == (ref is None)
        if fast is not None:
            assert fast.steps == ref.steps
            assert fast.conclusions == ref.conclusions
            assert fast.hypotheses == ref.hypotheses


def test_c_replay_agrees_with_the_reference_on_odd_proofs():
    from dataclasses import replace
    from proofgen.explore.extract import logical_steps, reference_logical_steps
    from proofgen.kernel.model import Proof
    db = load(HILBERT)
    ctx = Context.of(db)
    proved = [s for s in ctx.syn.statements if s.kind == "p" and s.proof is not None]
    compressed = next(s for s in proved if s.proof.compressed)
    normal = next(s for s in proved if not s.proof.compressed)
    odd = [replace(compressed, proof=Proof(compressed.proof.labels, "?" + compressed.proof.letters)),
           replace(compressed, proof=Proof(compressed.proof.labels, compressed.proof.letters[:-1])),
           replace(compressed, proof=Proof(compressed.proof.labels, " \n" + compressed.proof.letters)),
           replace(normal, proof=Proof(normal.proof.labels + ("?",))),
           replace(normal, proof=Proof(normal.proof.labels[:-1])),
           replace(normal, proof=Proof(normal.proof.labels + normal.proof.labels))]
    for s in proved + odd:
        fast, ref = logical_steps(ctx, s), reference_logical_steps(ctx, s)
        assert (fast is None) == (ref is None)
        if fast is not None:
            assert (fast.steps, fast.conclusions, fast.hypotheses) == \
                (ref.steps, ref.conclusions, ref.hypotheses)
    bad = replace(compressed, proof=Proof(compressed.proof.labels, compressed.proof.letters + "a"))
    with pytest.raises(ValueError):
        reference_logical_steps(ctx, bad)
    with pytest.raises(ValueError):
        logical_steps(ctx, bad)


def test_generation_has_room_for_the_disjoint_pairs_of_kept_theorems():
    """Every kept theorem stores its $d pairs in the kernel; under the
    limits for reading files, a long run (all of set.mm: ~700,000 kept
    theorems) would reach max_disjoint_pairs and lose true theorems to E0901.
    Here a tight limit shows the mechanism on hilbert.mm."""
    from proofgen.kernel import GENERATION_LIMITS, Limits
    from proofgen.run.tasks import load_state
    config = GenerateConfig(generator="extract", count=10_000)
    tight = load(HILBERT, limits=Limits(max_disjoint_pairs=16))
    lost = generate(tight, config, Context.of(tight))
    assert lost.stats["rejected"] > 0 and "max_disjoint_pairs" in lost.stats["rejections"][0]
    db = load(HILBERT, limits=GENERATION_LIMITS)
    kept = generate(db, config, Context.of(db))
    assert kept.stats["rejected"] == 0 and len(kept.theorems) > 0
    assert GENERATION_LIMITS.max_disjoint_pairs >= 16 * DEFAULT_LIMITS.max_disjoint_pairs
    # workers load with the generation limits
    assert load_state(HILBERT)[0].limits == GENERATION_LIMITS


def test_kernel_rejections_are_reported_not_shipped(tmp_path, monkeypatch, capsys):
    import proofgen.cli
    from proofgen.kernel import Limits
    monkeypatch.setattr(proofgen.cli, "GENERATION_LIMITS", Limits(max_disjoint_pairs=16))
    out = tmp_path / "run"
    assert main(["generate", "--generator", "extract", "--count", "1000", "--out", str(out),
                 "--styles", "mm"]) == 0
    err = capsys.readouterr().err
    assert "warning: the kernel rejected" in err and "max_disjoint_pairs" in err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["rejected_by_kernel"] > 0 and manifest["rejections"]


@settings(max_examples=int(6 * float(os.environ.get("PROOFGEN_TEST_SCALE", "1"))), deadline=None)
@given(first=st.integers(0, 40_000))
def test_c_extract_loop_agrees_with_the_reference_on_set_mm(first):
    from proofgen.explore.extract import Extractor
    _, ctx = set_mm_context()
    proved = [s for s in ctx.syn.statements if s.kind == "p"]
    first %= len(proved) - 60
    sources = proved[first:first + 60]
    fast, ref = Extractor(ctx), Extractor(ctx)
    assert fast._loop is not None
    # a few excluded statements, so that path is taken too
    probe = [t.hash for s in sources[:10] for t in Extractor(ctx).reference_theorems(s)]
    fast.excluded = ref.excluded = frozenset(probe[::7])
    for s in sources:
        a, b = list(fast.theorems(s)), list(ref.reference_theorems(s))
        assert [vars(t) for t in a] == [vars(t) for t in b]
    assert fast.stats == ref.stats
    assert fast.position == ref.position
    assert fast._depth == ref._depth
    assert list(fast.lemmas) == list(ref.lemmas)
    for key, x in fast.lemmas.items():
        y = ref.lemmas[key]
        assert x == y and vars(x) == vars(y)
    assert list(fast.generated) == list(ref.generated)


@settings(max_examples=int(6 * float(os.environ.get("PROOFGEN_TEST_SCALE", "1"))), deadline=None)
@given(first=st.integers(0, 40_000))
def test_c_new_theorem_agrees_with_the_reference_on_set_mm(first):
    from proofgen.explore.extract import Extractor
    from proofgen.explore.theorem import _c_new_theorem, reference_new_theorem
    _, ctx = set_mm_context()
    assert _c_new_theorem is not None
    proved = [s for s in ctx.syn.statements if s.kind == "p"]
    first %= len(proved) - 30
    ex = Extractor(ctx)
    made = [t for s in proved[first:first + 30] for t in ex.theorems(s)]
    assert made
    for t in made:
        fast, ref = new_theorem(ctx, t, ex.generated), reference_new_theorem(ctx, t, ex.generated)
        assert fast == ref and vars(fast) == vars(ref)
        assert type(fast.hypotheses) is type(ref.hypotheses)
        assert type(fast.disjoint) is type(ref.disjoint)
