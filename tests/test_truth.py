"""Truth tables (`proofgen.explore.truth`): the C table (`_deep.table`)
against the reference, on random statements over every connective set.mm
has and on set.mm's own statements; and the reference against rows
evaluated one at a time."""
from __future__ import annotations

import functools
import os

import pytest
from hypothesis import given, settings, strategies as st

from proofgen.explore.novelty import NEGATIONS
from proofgen.explore.truth import TABLE, TRUTH, connectives, table_reference
from proofgen.kernel import load

SET_MM = "/usr/share/metamath/databases/set.mm"
needs_set_mm = pytest.mark.skipif(not os.path.exists(SET_MM), reason="set.mm not installed")


def _fast():
    fast = TABLE.compiled()
    if fast is None and not os.environ.get("CI"):
        pytest.skip("proofgen.explore._deep is not built")
    assert fast is not None, "proofgen.explore._deep is not built"
    return fast


@functools.lru_cache(maxsize=1)
def _set_mm():
    """(context, connectives, negated, wff variables, class variables, wceq, wcel)."""
    from proofgen.explore.context import Context
    ctx = Context.of(load(SET_MM))
    g, ids = ctx.syn.grammar, ctx.syntax_rules
    negated = {ids[a]: ids[b] for a, b in NEGATIONS.items()}
    wff = g.rules[ids["wn"]].type
    cls = g.rules[ids["wceq"]].type
    by_type = {}
    for v in ctx.float_label:
        by_type.setdefault(g.variables[-1 - v].type, []).append(v)
    return (ctx, connectives(ctx), negated, sorted(by_type[wff])[:14],
            sorted(by_type[cls])[:4], ids)


@st.composite
def _statement(draw):
    """A few formulas over set.mm's connectives, whose atoms are wff
    variables and (in)equalities and (non-)memberships of class variables,
    so that defined negations meet the terms they negate."""
    ctx, ops, negated, wffs, classes, ids = _set_mm()
    by_label = {lab: r for r, lab in ops.items()}
    arity = {lab: len(TRUTH[lab].__code__.co_varnames) - 1 for lab in by_label}
    nwff = draw(st.integers(1, len(wffs)))

    def atom():
        k = draw(st.integers(0, 2))
        if k == 0:
            return (draw(st.sampled_from(wffs[:nwff])),)
        rel = draw(st.sampled_from(["wceq", "wne", "wcel", "wnel"]))
        return (ids[rel], draw(st.sampled_from(classes[:2])), draw(st.sampled_from(classes[:2])))

    def grow(depth):
        if depth >= 4 or draw(st.integers(0, 2)) == 0:
            return atom()
        lab = draw(st.sampled_from(sorted(by_label)))
        out = (by_label[lab],)
        for _ in range(arity[lab]):
            out += grow(depth + 1)
        return out

    return [grow(0) for _ in range(draw(st.integers(1, 4)))]


@needs_set_mm
@settings(max_examples=300, deadline=None)
@given(_statement(), st.booleans())
def test_table_engines_agree_on_random_statements(terms, with_negations):
    ctx, ops, negated, *_ = _set_mm()
    neg = negated if with_negations else None
    g = ctx.syn.grammar
    assert _fast()(g, ops, terms, neg) == table_reference(g, ops, terms, neg)


@needs_set_mm
@settings(max_examples=200, deadline=None)
@given(_statement())
def test_the_reference_table_is_the_rows_evaluated_one_at_a_time(terms):
    ctx, ops, negated, *_ = _set_mm()
    g = ctx.syn.grammar
    got = table_reference(g, ops, terms, negated)
    if got is None:
        return
    full, values, atoms = got
    n = len(atoms)
    assert full == (1 << (1 << n)) - 1
    from proofgen.syntax.terms import children

    def value(t, row):
        if t[0] >= 0 and t[0] in ops:
            args = [value(c, row) for c in children(g, t)]
            return bool(TRUTH[ops[t[0]]](1, *[int(a) for a in args]) & 1)
        if t[0] >= 0 and t[0] in negated:
            return not row[atoms[(negated[t[0]],) + t[1:]]]
        return row[atoms[t]]

    for r in range(1 << n):
        row = [bool(r >> k & 1) for k in range(n)]
        for t, v in zip(terms, values):
            assert bool(v >> r & 1) == value(t, row)


@needs_set_mm
def test_table_engines_agree_on_set_mm_statements():
    ctx, ops, negated, *_ = _set_mm()
    g = ctx.syn.grammar
    fast = _fast()
    cases = [[*a.essentials, a.conclusion] for a in ctx.assertions.values()
             if a.typecode == "|-"]
    big = 0
    for c in cases:
        want = table_reference(g, ops, c, negated)
        assert fast(g, ops, c, negated) == want, c
        big += want is not None and len(want[2]) > 6
    assert big > 100        # the big-mask path (over 6 atoms) is exercised too
