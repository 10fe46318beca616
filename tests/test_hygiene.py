"""Forward derivation makes no vacuous theorems: every hypothesis is cited
by the proof and linked to the conclusion through shared variables."""
import os

import pytest
from hypothesis import given, strategies as st

from proofgen.explore.context import Context
from proofgen.explore.forward import ForwardConfig
from proofgen.explore.run import GenerateConfig, generate
from proofgen.explore.theorem import detached_hypotheses
from proofgen.kernel import GENERATION_LIMITS, load
from proofgen.resources import bundled_database

SET_MM = "/usr/share/metamath/databases/set.mm"


def test_detached_hypotheses_examples():
    ph, ps, ch = -1, -2, -3
    imp = 7                                      # any rule id
    assert detached_hypotheses([(ph,)], (imp, ps, ps)) == [0]          # |- ph over ps -> ps
    assert detached_hypotheses([(ph,), (imp, ph, ps)], (ps,)) == []    # modus ponens
    # linked through another hypothesis only: still linked
    assert detached_hypotheses([(ph,), (imp, ph, ps)], (imp, ch, ps)) == []
    # a component of hypotheses that never reaches the conclusion
    assert detached_hypotheses([(ph,), (imp, ph, ps), (ch,)], (ch,)) == [0, 1]
    assert detached_hypotheses([(imp,)], (ph,)) == [0]                 # no variables at all
    assert detached_hypotheses([], (ph,)) == []


terms = st.lists(st.integers(-4, 3), min_size=1, max_size=4).map(tuple)


@given(st.lists(terms, max_size=4), terms)
def test_detached_means_no_chain_of_shared_variables(hyps, concl):
    detached = set(detached_hypotheses(hyps, concl))
    linked = {n for n in concl if n < 0}
    for i, h in enumerate(hyps):
        if i not in detached:
            assert any(n < 0 for n in h)
    # no detached hypothesis shares a variable with a linked one or the conclusion
    for i in detached:
        mine = {n for n in hyps[i] if n < 0}
        assert mine.isdisjoint(linked)
        for j, h in enumerate(hyps):
            if j not in detached:
                assert mine.isdisjoint({n for n in h if n < 0})


def check_clean(theorems):
    assert theorems
    for t in theorems:
        cited = {p for s in t.steps for p in s.premises if p < 0}
        assert all(-1 - i in cited for i in range(len(t.hypotheses))), t.label   # none unused
        assert detached_hypotheses(t.hypotheses, t.conclusion) == [], t.label   # none isolated


def test_forward_on_hilbert_is_clean():
    db = load(bundled_database(), limits=GENERATION_LIMITS)
    result = generate(db, GenerateConfig(count=2000, seed=4), Context.of(db))
    check_clean(result.theorems)
    assert any(t.hypotheses for t in result.theorems)


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists(SET_MM), reason="Debian metamath-databases")
@pytest.mark.parametrize("library", ["default", "all"])
def test_forward_on_set_mm_is_clean(library):
    db = load(SET_MM, limits=GENERATION_LIMITS)
    config = GenerateConfig(count=1500, seed=2, forward=ForwardConfig(library=library))
    result = generate(db, config, Context.of(db))
    check_clean(result.theorems)
